package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/render"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/spec"
	"github.com/poolschool/poolschool/grader/watch"
)

// cmdWatch checks one exercise, then again each time a file the student
// may edit is saved, rustlings-style: the report, the first check to fix
// with the hint level reached, and keys to check again (r), show the next
// hint (h) and quit (q). The exercise is the one named, else the one whose
// folder holds the working directory, else the first the last run left
// unfinished.
func cmdWatch(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("watch", "[-ex NAME] [-kit DIR] [-poll] [-interval DUR]", stderr)
	exName := fs.String("ex", "", "the exercise to watch")
	kitDir := fs.String("kit", ".", "the kit's folder (found upwards from here)")
	pollOnly := fs.Bool("poll", false, "look at the files every -interval only, without file events (for folders where events never come)")
	interval := fs.Duration("interval", time.Second, "how often to look at the files")
	if err := parseFlags(fs, args, stderr); err != nil {
		return exitCode(err, stderr)
	}
	if fs.NArg() > 0 {
		return exitCode(usageErr("watch takes no arguments, got %q; pick the exercise with -ex NAME", fs.Arg(0)), stderr)
	}
	if *interval <= 0 {
		return exitCode(usageErr("-interval must be positive, like 1s"), stderr)
	}
	k, all, err := openExercises(*kitDir, "")
	if err != nil {
		return exitCode(err, stderr)
	}
	if *exName == "" {
		*exName = exerciseHere(k, all)
	}
	if *exName == "" {
		*exName = unfinished(loadLast(k.Root))
	}
	if *exName == "" && len(all) > 0 {
		*exName = all[0].Name
	}
	_, exs, err := openExercises(k.Root, *exName)
	if err != nil {
		return exitCode(err, stderr)
	}
	if len(exs) != 1 {
		return exitCode(fmt.Errorf("no exercise to watch: grader/checks holds none"), stderr)
	}
	ex := exs[0]
	dir := filepath.Join(k.Root, kit.Exercises, ex.Name)
	w, err := watch.New(dir, ex.Editable, *interval, *pollOnly)
	if err != nil {
		return exitCode(fmt.Errorf("watching %s: %w", dir, err), stderr)
	}
	defer w.Close()
	keys, restore := readKeys(stdin)
	defer restore()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)

	tty := isTerminal(stdout)
	st := render.Style{Color: colorOK(stdout), HintEx: "make hint EX=%s"}
	for {
		if tty {
			fmt.Fprint(stdout, "\x1b[H\x1b[2J") // a clean screen for each run
		}
		live := render.NewLive(stdout, st, tty)
		live.Start()
		rep, err := checkTreeOnly(k.Root, exs, spec.Visible, kit.Exercises, nil, live)
		if err != nil {
			live.Stop()
			fmt.Fprintf(stdout, "stopped watching exercises/%s/: %v\n", ex.Name, err)
			return 0
		}
		_ = saveLast(k.Root, rep)
		_ = saveProgress(k.Root, rep, true)
		live.Finish(rep)
		fmt.Fprint(stdout, watchStatus(k, ex, rep))
		fmt.Fprintf(stdout, "Watching exercises/%s/ (%s): save a file to check again. Keys: r check now, h next hint, q quit.\n", ex.Name, w.Mode)
	wait:
		for {
			select {
			case rel := <-w.C:
				fmt.Fprintf(stdout, "\nsaved %s: checking again\n", rel)
				break wait
			case key, ok := <-keys:
				if !ok {
					keys = nil // no more keys; keep watching the files
					continue
				}
				switch key {
				case 'r', '\n', '\r':
					break wait
				case 'h':
					if err := cmdHint([]string{"-kit", k.Root, "-again", "press h", ex.Name}, stdout); err != nil {
						fmt.Fprintf(stdout, "hint: %v\n", err)
					}
				case 'q', 3, 4: // q, Ctrl-C and Ctrl-D in a terminal without line editing
					fmt.Fprintf(stdout, "Stopped watching exercises/%s/.\n", ex.Name)
					return 0
				}
			case <-sig:
				fmt.Fprintf(stdout, "\nStopped watching exercises/%s/.\n", ex.Name)
				return 0
			}
		}
	}
}

// watchStatus says which check to fix first and how far its hints went.
func watchStatus(k *kit.Kit, ex *spec.Exercise, rep *result.Report) string {
	for _, c := range rep.Checks() {
		if c.Status == result.Passed || c.Status == result.Skipped || c.Status == result.NotMeasured {
			continue
		}
		seen := hintLevel(k, ex.Name, c.ID)
		hints := fmt.Sprintf("hints seen: %d of %d", seen, c.HintLevels)
		if c.HintLevels == 0 {
			hints = "no hints"
		}
		return fmt.Sprintf("First to fix: %q (%s).\n", c.Title, hints)
	}
	return fmt.Sprintf("Every visible check of %s passes.\n", ex.Name)
}

// readKeys delivers the keys typed on stdin: each key at once when stdin
// is a terminal (which is put out of line mode until restore), else the
// first character of each line (an empty line is "\n").
func readKeys(stdin io.Reader) (keys <-chan byte, restore func()) {
	ch := make(chan byte)
	restore = func() {}
	if f, ok := stdin.(*os.File); ok {
		if r, err := keyMode(f); err == nil {
			restore = r
			go func() {
				defer close(ch)
				b := make([]byte, 1)
				for {
					if n, err := f.Read(b); err != nil || n == 0 {
						return
					}
					ch <- b[0]
				}
			}()
			return ch, restore
		}
	}
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(stdin)
		for sc.Scan() {
			if line := sc.Text(); line == "" {
				ch <- '\n'
			} else {
				ch <- line[0]
			}
		}
	}()
	return ch, restore
}
