package pool_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/poolschool/poolschool/pool"
)

// The hot paths of the pool, for benchstat: run them before and after a
// change, side by side,
//
//	go test -run '^$' -bench . -count 10 ./pool/ > old.txt
//
// and compare with benchstat old.txt new.txt. make bench measures the pool
// as a whole against Python and the floor; these measure its pieces.

// benchPool starts a pool of 2 workers of backend b, and has both serve a
// task so that the benchmark measures a ready pool. The benchmark reports
// its allocations: those of this process, the parent; a worker's are its
// own.
func benchPool(b *testing.B, backend pool.Backend) *pool.Pool {
	b.Helper()
	b.ReportAllocs()
	p, err := pool.New(pool.Config{Workers: 2, Backend: backend})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	for _, err := range pool.Map(context.Background(), p, square, slices.Values([]int{1, 2, 3, 4})) {
		if err != nil {
			b.Fatal(err)
		}
	}
	return p
}

func eachBackend(b *testing.B, f func(b *testing.B, backend pool.Backend)) {
	for _, backend := range []pool.Backend{pool.Processes, pool.Goroutines} {
		b.Run(backend.String(), func(b *testing.B) { f(b, backend) })
	}
}

// BenchmarkSubmitResult is the sequential round trip: submit a task and
// wait for its result, one at a time.
func BenchmarkSubmitResult(b *testing.B) {
	eachBackend(b, func(b *testing.B, backend pool.Backend) {
		p := benchPool(b, backend)
		ctx := context.Background()
		for i := 0; b.Loop(); i++ {
			if _, err := pool.Submit(ctx, p, square, i).Result(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSubmitMany submits b.N tasks at once and then waits for them:
// the cost of submitting, and of delivering results, when the pipes are
// full.
func BenchmarkSubmitMany(b *testing.B) {
	eachBackend(b, func(b *testing.B, backend pool.Backend) {
		p := benchPool(b, backend)
		ctx := context.Background()
		fs := make([]*pool.Future[int], 0, b.N)
		b.ResetTimer()
		for i := range b.N {
			fs = append(fs, pool.Submit(ctx, p, square, i))
		}
		for _, f := range fs {
			if _, err := f.Result(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkMapChunk runs Map at several chunk sizes; per item, it is the
// cost of encoding an argument, decoding it in the worker, and the same for
// the result, plus the message cost shared by the chunk.
func BenchmarkMapChunk(b *testing.B) {
	for _, size := range []int{1, 100, 10000} {
		b.Run("chunksize="+strconv.Itoa(size), func(b *testing.B) {
			p := benchPool(b, pool.Processes)
			ctx := context.Background()
			inputs := func(yield func(int) bool) {
				for i := range b.N {
					if !yield(i) {
						return
					}
				}
			}
			b.ResetTimer()
			n := 0
			for _, err := range pool.Map(ctx, p, square, inputs, pool.Chunksize(size)) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != b.N {
				b.Fatalf("%d results for %d inputs", n, b.N)
			}
		})
	}
}

// BenchmarkBytesRoundTrip sends a 1 MiB byte slice to a worker and back.
func BenchmarkBytesRoundTrip(b *testing.B) {
	p := benchPool(b, pool.Processes)
	payload := make([]byte, 1<<20)
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if _, err := pool.Submit(context.Background(), p, echoBytes, payload).Result(); err != nil {
			b.Fatal(err)
		}
	}
}
