package pool

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// envTrace names the file that every pool of the process writes its trace
// to, when Config.Trace is nil.
const envTrace = "POOLSCHOOL_TRACE"

// traceEvent is one event of Chrome's Trace Event Format, which
// https://ui.perfetto.dev and chrome://tracing open.
type traceEvent struct {
	Name string         `json:"name"`
	Ph   string         `json:"ph"`
	TS   float64        `json:"ts"`
	Dur  float64        `json:"dur,omitempty"`
	PID  int            `json:"pid"`
	TID  int            `json:"tid"`
	S    string         `json:"s,omitempty"`
	Args map[string]any `json:"args,omitempty"`
}

// tracer collects a trace in memory and writes it when a pool stops. The
// tracer behind POOLSCHOOL_TRACE is shared by every pool of the process, so
// a program that makes several pools leaves one file with all of them.
type tracer struct {
	mu     sync.Mutex
	start  time.Time
	events []traceEvent
	named  map[[2]int]bool
	w      io.Writer // Config.Trace
	path   string    // POOLSCHOOL_TRACE
}

var (
	envTracerOnce sync.Once
	envTracer     *tracer
	poolSerial    atomic.Int64
)

// newTracer returns the tracer for a pool: one writing to w, the process's
// POOLSCHOOL_TRACE tracer, or nil.
func newTracer(w io.Writer) (*tracer, error) {
	if w != nil {
		return &tracer{start: time.Now(), w: w, named: map[[2]int]bool{}}, nil
	}
	path := os.Getenv(envTrace)
	if path == "" {
		return nil, nil
	}
	var err error
	envTracerOnce.Do(func() {
		// Fail now, not when the pool closes, if the file cannot be written.
		var f *os.File
		if f, err = os.Create(path); err != nil {
			return
		}
		f.Close()
		envTracer = &tracer{start: time.Now(), path: path, named: map[[2]int]bool{}}
	})
	if err != nil {
		return nil, fmt.Errorf("pool: %s=%q: cannot write the trace there: %w", envTrace, path, err)
	}
	return envTracer, nil
}

func (t *tracer) now() float64 { return float64(time.Since(t.start).Nanoseconds()) / 1e3 }

func (t *tracer) since(at time.Time) float64 { return float64(at.Sub(t.start).Nanoseconds()) / 1e3 }

// track names the track of a worker once: pid is the process, tid the
// worker (the pid again for a process, a number for a goroutine).
func (t *tracer) trackLocked(pid, tid int, name string) {
	key := [2]int{pid, tid}
	if t.named[key] {
		return
	}
	t.named[key] = true
	t.events = append(t.events,
		traceEvent{Name: "process_name", Ph: "M", PID: pid, TID: tid, Args: map[string]any{"name": name}},
		traceEvent{Name: "thread_name", Ph: "M", PID: pid, TID: tid, Args: map[string]any{"name": name}})
}

// instant records a worker event: "worker start", "worker exit", "worker
// crash".
func (t *tracer) instant(w *worker, name string, args map[string]any) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	pid, tid, track := w.conn.track()
	t.trackLocked(pid, tid, track)
	t.events = append(t.events, traceEvent{Name: name, Ph: "i", S: "t", TS: t.now(), PID: pid, TID: tid, Args: args})
}

// slice records a call that ran on w from start until now.
func (t *tracer) slice(w *worker, c *call, start time.Time, outcome string) {
	if t == nil || start.IsZero() {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	pid, tid, track := w.conn.track()
	t.trackLocked(pid, tid, track)
	ts := t.since(start)
	t.events = append(t.events, traceEvent{Name: c.task, Ph: "X", TS: ts, Dur: max(t.now()-ts, 0.001), PID: pid, TID: tid,
		Args: map[string]any{"pool": w.p.serial, "call": c.id, "first": c.first, "count": c.count, "outcome": outcome}})
}

// flush writes the trace: to Config.Trace, or over the POOLSCHOOL_TRACE
// file with every event of every pool so far.
func (t *tracer) flush() error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	var buf bytes.Buffer
	buf.WriteString("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n")
	for i, e := range t.events {
		b, err := json.Marshal(e)
		if err != nil {
			t.mu.Unlock()
			return err
		}
		if i > 0 {
			buf.WriteString(",\n")
		}
		buf.Write(b)
	}
	buf.WriteString("\n]}\n")
	t.mu.Unlock()
	if t.w != nil {
		_, err := t.w.Write(buf.Bytes())
		return err
	}
	return os.WriteFile(t.path, buf.Bytes(), 0o644)
}

// outcomeName says in a word how a call ended, for its trace slice.
func outcomeName(err error) string {
	var we *WorkerError
	switch {
	case err == nil:
		return "done"
	case errors.As(err, &we):
		return "worker died"
	case errors.Is(err, errShutdownKill):
		return "killed by shutdown"
	default:
		return "cancelled"
	}
}
