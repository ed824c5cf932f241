// Package watch tells when a student saves a file of an exercise, for
// "grader watch". It listens to the kernel's file events (fsnotify) and
// also looks at the files every so often, since events never arrive in
// some folders (WSL on a Windows drive, network folders, some
// containers); either way a burst of saves is one change.
package watch

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Settle is how long a burst of saves may go on before it counts as one
// change: an editor writes a file, renames it, writes a backup.
const Settle = 150 * time.Millisecond

// Watcher reports changes to the files of one folder tree that match.
type Watcher struct {
	// C receives the slash path (relative to the folder) of a file that
	// changed, once per burst of changes.
	C <-chan string
	// Mode says how changes are noticed, for the student: "file events,
	// and a look every 1s", or "a look every 1s" alone.
	Mode string

	c       chan string
	dir     string
	match   func(rel string) bool
	events  *fsnotify.Watcher // nil when polling only
	stop    chan struct{}
	wg      sync.WaitGroup
	closeMu sync.Once
}

// New watches dir for changes to the files whose slash path relative to
// dir match accepts. It looks at the files every interval, and listens to
// file events too unless pollOnly is set or the system has none to give.
func New(dir string, match func(rel string) bool, interval time.Duration, pollOnly bool) (*Watcher, error) {
	if interval <= 0 {
		return nil, errors.New("watch: the interval must be positive")
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, err
	}
	w := &Watcher{c: make(chan string, 1), dir: dir, match: match, stop: make(chan struct{})}
	w.C = w.c
	w.Mode = "a look every " + interval.String()
	changes := make(chan string, 16)
	if !pollOnly {
		if ev, err := fsnotify.NewWatcher(); err == nil {
			w.events = ev
			if err := w.addTree(dir); err != nil {
				ev.Close()
				w.events = nil
			} else {
				w.Mode = "file events, and " + w.Mode
			}
		}
	}
	if w.events != nil {
		w.wg.Add(1)
		go w.listen(changes)
	}
	start := Snapshot(dir, match) // before New returns: what changes after counts
	w.wg.Add(2)
	go w.poll(interval, start, changes)
	go w.settle(start, changes)
	return w, nil
}

// Close stops watching; C receives nothing more.
func (w *Watcher) Close() error {
	w.closeMu.Do(func() {
		close(w.stop)
		if w.events != nil {
			w.events.Close()
		}
		w.wg.Wait()
	})
	return nil
}

// addTree listens to dir and every folder under it.
func (w *Watcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return w.events.Add(p)
		}
		return nil
	})
}

func (w *Watcher) rel(p string) (string, bool) {
	rel, err := filepath.Rel(w.dir, p)
	if err != nil {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	return rel, w.match(rel)
}

// listen turns file events into changes.
func (w *Watcher) listen(changes chan<- string) {
	defer w.wg.Done()
	for {
		select {
		case <-w.stop:
			return
		case ev, ok := <-w.events.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					_ = w.addTree(ev.Name)
				}
			}
			if rel, ok := w.rel(ev.Name); ok && !ev.Has(fsnotify.Chmod) {
				select {
				case changes <- rel:
				default:
				}
			}
		case _, ok := <-w.events.Errors:
			if !ok {
				return
			}
		}
	}
}

// poll compares snapshots of the files every interval.
func (w *Watcher) poll(interval time.Duration, last map[string]File, changes chan<- string) {
	defer w.wg.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			now := Snapshot(w.dir, w.match)
			if rel := Changed(last, now); rel != "" {
				select {
				case changes <- rel:
				default:
				}
			}
			last = now
		}
	}
}

// settle passes on the first change of each burst once the burst is over,
// if the files then differ from when it last passed one on: the events
// and the looks see the same save, and it counts once.
func (w *Watcher) settle(last map[string]File, changes <-chan string) {
	defer w.wg.Done()
	var first string
	var timer <-chan time.Time
	for {
		select {
		case <-w.stop:
			return
		case rel := <-changes:
			if first == "" {
				first = rel
			}
			timer = time.After(Settle)
		case <-timer:
			now := Snapshot(w.dir, w.match)
			if rel := Changed(last, now); rel != "" {
				if _, ok := now[first]; !ok {
					if _, ok := last[first]; !ok {
						first = rel // first was created and removed again
					}
				}
				select {
				case w.c <- first:
				default: // one change is already waiting to be read
				}
				last = now
			}
			first, timer = "", nil
		}
	}
}
