package pool

import (
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
		{"tasks of 4 µs", []time.Duration{4 * time.Microsecond}, 250},
		{"tasks of 1 µs stop at the cap", []time.Duration{time.Microsecond}, maxPrefetch},
		{"tasks of 1 ms", []time.Duration{time.Millisecond}, 2},
		{"tasks of 100 ms", []time.Duration{100 * time.Millisecond}, 2},
		{"one slow call among fast ones moves the average by an eighth",
			[]time.Duration{10 * time.Microsecond, 90 * time.Microsecond}, 50},
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
