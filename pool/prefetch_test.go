package pool

import (
	"slices"
	"testing"
	"time"
)

// A worker's queue covers about a millisecond of its calls: deep for tasks
// of microseconds, two calls (the running one and the next) for tasks of a
// millisecond or more, so that long tasks still balance between workers.
func TestPrefetchDepth(t *testing.T) {
	cases := []struct {
		name    string
		perCall []time.Duration // durations observed, in order
		want    int
	}{
		{"before any call finished", nil, 2},
		{"tasks of 4 µs", slices.Repeat([]time.Duration{4 * time.Microsecond}, 10), 250},
		{"tasks of 1 µs stop at the cap", slices.Repeat([]time.Duration{time.Microsecond}, 10), maxPrefetch},
		{"tasks of 1 ms", slices.Repeat([]time.Duration{time.Millisecond}, 10), 2},
		{"tasks of 100 ms", []time.Duration{100 * time.Millisecond}, 2},
		{"one slow call among fast ones moves the average by an eighth",
			append(slices.Repeat([]time.Duration{10 * time.Microsecond}, 10), 90*time.Microsecond), 50},
		// A call of 4 ms whose acknowledgement and result were read
		// together looks instant: the depth may double, no more.
		{"one call that looked instant doubles the depth, no more", []time.Duration{time.Nanosecond}, 4},
		{"and calls of 4 ms after it take it back to two",
			[]time.Duration{time.Nanosecond, 4 * time.Millisecond, 4 * time.Millisecond}, 2},
		{"tiny tasks reach the cap within nine calls", slices.Repeat([]time.Duration{time.Microsecond}, 9), maxPrefetch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var f prefetch
			for _, d := range c.perCall {
				f.observe(d)
			}
			if got := f.calls(); got != c.want {
				t.Errorf("after %v: %d calls, want %d", c.perCall, got, c.want)
			}
		})
	}
}

// A worker's depth is earned per task: calls of a task it never ran, or
// ran slowly, get two places however deep its tiny calls of another task
// go.
func TestPrefetchDepthIsPerTask(t *testing.T) {
	tiny := &prefetch{}
	for range 10 {
		tiny.observe(4 * time.Microsecond)
	}
	w := &worker{capacity: 2, depths: map[string]*prefetch{"tiny": tiny}}
	w.inflight = []*call{{task: "tiny"}, {task: "tiny"}}
	if !w.hasRoom(&call{task: "tiny"}) {
		t.Errorf("a third tiny call finds no room, though tiny calls earned 250 places")
	}
	if w.hasRoom(&call{task: "long"}) {
		t.Errorf("a third call of another task finds room: the depth earned by tiny calls carried over")
	}
}

// stealCheckConn is a worker backend that records recalls and answers none.
type stealCheckConn struct{ recalled []*call }

func (c *stealCheckConn) start()                             {}
func (c *stealCheckConn) send(*call)                         {}
func (c *stealCheckConn) recall(cl *call) bool               { c.recalled = append(c.recalled, cl); return false }
func (c *stealCheckConn) interrupt(*call)                    {}
func (c *stealCheckConn) stop()                              {}
func (c *stealCheckConn) kill(string)                        {}
func (c *stealCheckConn) track() (pid, tid int, name string) { return 0, 0, "" }
func (c *stealCheckConn) claim(*call) bool                   { return false }
func (c *stealCheckConn) readFor(<-chan struct{})            {}
func (c *stealCheckConn) release(*call)                      {}

// An idle worker steals the last call waiting on a busy one also at the
// moment the busy worker's head call is sent and not yet acknowledged:
// that is the state in which the busy worker's result leaves it, and its
// results were the only events left to trigger a steal.
func TestStealBehindAnUnacknowledgedHead(t *testing.T) {
	p := &Pool{}
	busyConn, idleConn := &stealCheckConn{}, &stealCheckConn{}
	busy := &worker{p: p, conn: busyConn, ready: true, capacity: 2}
	idle := &worker{p: p, conn: idleConn, ready: true, capacity: 2}
	head := &call{task: "t", state: callSent, w: busy, ctx: t.Context()}
	next := &call{task: "t", state: callSent, w: busy, ctx: t.Context()}
	busy.inflight = []*call{head, next}
	p.workers = []*worker{busy, idle}
	p.mu.Lock()
	p.stealLocked()
	p.mu.Unlock()
	if next.drop != nil {
		next.drop.stopTimer()
	}
	if len(busyConn.recalled) != 1 || busyConn.recalled[0] != next {
		t.Fatalf("recalled %v, want the call behind the head", busyConn.recalled)
	}
}
