package pool

import (
	"testing"
	"time"
)

type fakeChunk struct {
	n    int
	took time.Duration
}

func (f fakeChunk) timing() (int, time.Duration) { return f.n, f.took }

// The rule of AutoChunksize, on chunk timings the test chooses.
func TestAutoChunkRule(t *testing.T) {
	cases := []struct {
		name               string
		a                  autoChunk
		chunk              fakeChunk
		size, buffer       int
		wantSize, wantBuff int
	}{
		{"a fast chunk doubles the size, and the window follows", autoChunk{workers: 2},
			fakeChunk{1, 50 * time.Microsecond}, 1, 4, 2, defaultWindow(2, 2)},
		{"growth aims at the time wanted, not past it", autoChunk{workers: 2},
			fakeChunk{100, 1500 * time.Microsecond}, 100, 400, 133, 2 * 2 * 133},
		{"a chunk in the band keeps the size", autoChunk{workers: 2},
			fakeChunk{100, 20 * time.Millisecond}, 100, 400, 100, defaultWindow(2, 100)},
		{"a slow chunk shrinks to the size that takes the time wanted", autoChunk{workers: 2},
			fakeChunk{100, 400 * time.Millisecond}, 100, 400, 1, defaultWindow(2, 1)},
		{"a chunk of another size is ignored", autoChunk{workers: 2},
			fakeChunk{50, 50 * time.Microsecond}, 100, 400, 100, 400},
		{"a chunk that never ran is ignored", autoChunk{workers: 2},
			fakeChunk{100, 0}, 100, 400, 100, 400},
		{"with Buffer, chunks stay within it", autoChunk{workers: 2, fixedBuffer: true},
			fakeChunk{8, 10 * time.Microsecond}, 8, 10, 10, 10},
		{"chunks never pass the cap", autoChunk{workers: 2},
			fakeChunk{maxAutoChunk, time.Microsecond}, maxAutoChunk, 4 * maxAutoChunk, maxAutoChunk, 4 * maxAutoChunk},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			size, buffer := c.a.resize(c.chunk, c.size, c.buffer)
			if size != c.wantSize || buffer != c.wantBuff {
				t.Errorf("resize(%v) at size %d, buffer %d = %d, %d; want %d, %d",
					c.chunk, c.size, c.buffer, size, buffer, c.wantSize, c.wantBuff)
			}
		})
	}
	// The duration is smoothed over chunks of one size: one slow chunk
	// after fast ones does not shrink at once.
	a := autoChunk{workers: 1}
	a.smoothed = 5 * time.Millisecond
	if size, _ := a.resize(fakeChunk{10, 300 * time.Millisecond}, 10, 20); size != 10 {
		t.Errorf("one slow chunk among fast ones shrank the size to %d", size)
	}
}
