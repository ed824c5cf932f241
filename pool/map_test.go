package pool_test

import (
	"context"
	"iter"
	"os"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/poolschool/poolschool/pool"
	"github.com/stretchr/testify/require"
)

func collect[R any](t *testing.T, seq iter.Seq2[R, error]) []R {
	t.Helper()
	var out []R
	for v, err := range seq {
		require.NoError(t, err)
		out = append(out, v)
	}
	return out
}

func squares(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i * i
	}
	return out
}

// Ports test_map and test_map_chunksize: results in input order for every
// chunk size, including ones that do not divide the input.
func TestMapOrderedForEveryChunksize(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 3, Backend: b})
		in := make([]int, 40)
		for i := range in {
			in[i] = i
		}
		for _, cs := range []int{1, 3, 6, 40, 50} {
			got := collect(t, pool.Map(t.Context(), p, square, slices.Values(in), pool.Chunksize(cs)))
			require.Empty(t, cmp.Diff(squares(40), got), "chunksize %d (-want +got)", cs)
		}
	})
}

// Ports test_map_exception as CPython's main branch has it (gh-108518): a
// failed item yields its error at its position and the items after it
// still come, also when it sits inside a chunk.
func TestMapGoesOnAfterAFailedItem(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b})
		for _, cs := range []int{1, 3} {
			var in []failArgs
			for n := range 10 {
				in = append(in, failArgs{N: n, Bad: 4})
			}
			var got []string
			for v, err := range pool.Map(t.Context(), p, failOn, slices.Values(in), pool.Chunksize(cs)) {
				if err != nil {
					got = append(got, "error: "+err.Error())
					var te *pool.TaskError
					require.ErrorAs(t, err, &te)
					require.Equal(t, 4, te.Index)
					continue
				}
				got = append(got, string(rune('0'+v)))
			}
			want := []string{"0", "1", "2", "3", "error: item 4 is bad", "5", "6", "7", "8", "9"}
			require.Empty(t, cmp.Diff(want, got), "chunksize %d (-want +got)", cs)
		}
	})
}

// Ports test_map_buffersize_value_validation: bad options yield one error
// that names the option.
func TestMapRejectsBadOptions(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 1})
	for _, tc := range []struct {
		opt  pool.Option
		want string
	}{
		{pool.Chunksize(0), "Chunksize(0)"},
		{pool.Chunksize(-3), "Chunksize(-3)"},
		{pool.Buffer(0), "Buffer(0)"},
	} {
		var errs []error
		for _, err := range pool.Map(t.Context(), p, square, slices.Values([]int{1, 2, 3}), tc.opt) {
			errs = append(errs, err)
		}
		require.Len(t, errs, 1)
		require.ErrorContains(t, errs[0], tc.want)
	}
}

// Several bad options make one error on one line, as every error of the
// pool is, naming each option: errors.Join used to put them on lines of
// their own.
func TestBadOptionsMakeOneLine(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 1})
	_, err := pool.Collect(t.Context(), p, square, slices.Values([]int{1, 2, 3}), pool.Chunksize(0), pool.Buffer(-1))
	require.EqualError(t, err, "pool: Chunksize(0): the chunk size must be at least 1; pool: Buffer(-1): the buffer must hold at least 1 input")
	_, err = pool.Submit(t.Context(), p, square, 1, pool.Retry(-1), pool.Buffer(2)).Result()
	require.EqualError(t, err, "pool: Retry(-1): the number of retries cannot be negative; pool: Buffer applies to Map and MapUnordered, not to Submit")
}

// countingInts yields 0, 1, 2, ... up to limit (forever when limit < 0) and
// counts how many values were pulled.
func countingInts(pulled *atomic.Int64, limit int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; limit < 0 || i < limit; i++ {
			pulled.Add(1)
			if !yield(i) {
				return
			}
		}
	}
}

// Ports test_map_buffersize_on_infinite_iterable and test_map_close: an
// endless input works, and breaking out stops the reading.
func TestMapOverAnEndlessInput(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b})
		var pulled atomic.Int64
		var got []int
		for v, err := range pool.Map(t.Context(), p, square, countingInts(&pulled, -1), pool.Chunksize(4)) {
			require.NoError(t, err)
			got = append(got, v)
			if len(got) == 25 {
				break
			}
		}
		require.Equal(t, squares(25), got)
		// Default read-ahead: 256 inputs per worker (two chunks per
		// worker when that is more) beyond what was yielded.
		require.LessOrEqual(t, pulled.Load(), int64(25+2*256))
	})
}

// The default window also bounds the bytes it holds: with inputs of 64 KiB,
// Map reads about 4 MiB ahead, not 256 inputs per worker.
func TestMapDefaultWindowBoundsBytes(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 2})
	var pulled atomic.Int64
	big := func(yield func([]byte) bool) {
		for {
			pulled.Add(1)
			if !yield(make([]byte, 64<<10)) {
				return
			}
		}
	}
	next, stop := iter.Pull2(pool.Map(t.Context(), p, echoBytes, big))
	defer stop()
	_, err, ok := next()
	require.True(t, ok)
	require.NoError(t, err)
	// 4 MiB is 64 inputs; one more may be in flight when the bound is
	// reached, and one is taken to be yielded.
	require.LessOrEqual(t, pulled.Load(), int64(4<<20/(64<<10)+2))
}

// Ports test_map_buffersize_when_buffer_is_full: without consuming results,
// only Buffer inputs are read.
func TestMapReadsAtMostBufferAhead(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 2})
	var pulled atomic.Int64
	next, stop := iter.Pull2(pool.Map(t.Context(), p, square, countingInts(&pulled, 100), pool.Buffer(5)))
	defer stop()
	v, err, ok := next()
	require.True(t, ok)
	require.NoError(t, err)
	require.Equal(t, 0, v)
	// Map runs only inside next, so what it pulled is settled here.
	require.LessOrEqual(t, pulled.Load(), int64(6), "one yielded plus at most five ahead")
}

// Ports test_map_buffersize_on_empty_iterable.
func TestMapOverNothing(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 2})
	require.Empty(t, collect(t, pool.Map(t.Context(), p, square, slices.Values([]int(nil)))))
}

// Breaking out of Map cancels what is outstanding: the pool is idle right
// after, and nothing is left behind when it closes. The items after the
// third take a minute unless cancelled, so a loop that breaks late on a
// busy machine still finds them running, and the count below is exact.
func TestMapBreakCancelsOutstanding(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b, CancelGrace: 100 * time.Millisecond})
		in := append([]time.Duration{0, 0, 0}, slices.Repeat([]time.Duration{time.Minute}, 47)...)
		n := 0
		for _, err := range pool.Map(t.Context(), p, sleepTask, slices.Values(in)) {
			require.NoError(t, err)
			n++
			if n == 3 {
				break
			}
		}
		requireClosesWithin(t, p, 30*time.Second, "Close still waits 30 s after the loop broke out: the abandoned items were not cancelled")
		ran := 0
		for _, n := range p.Stats().TasksByPID {
			ran += n
		}
		require.LessOrEqual(t, ran, 3+2, "the three yielded items and at most one abandoned item per worker ran")
	})
}

// When Map's ctx ends, Map yields the context's error once and stops.
func TestMapStopsWhenCtxEnds(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 1, Backend: b})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		in := slices.Repeat([]time.Duration{50 * time.Millisecond}, 20)
		var errs []error
		n := 0
		for _, err := range pool.Map(ctx, p, sleepTask, slices.Values(in)) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			n++
			if n == 2 {
				cancel()
			}
		}
		require.Len(t, errs, 1)
		require.ErrorIs(t, errs[0], context.Canceled)
	})
}

// MapUnordered yields every input once, with its index, fastest first.
func TestMapUnordered(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b})
		slow, open := newGate(t), newGate(t)
		open.open()
		in := []string{slow.path(), open.path(), open.path(), open.path()}
		var order []int
		for it := range pool.MapUnordered(t.Context(), p, waitGate, slices.Values(in)) {
			require.NoError(t, it.Err)
			order = append(order, it.Index)
			if len(order) == 3 {
				slow.open() // input 0 finishes only once the others are in
			}
		}
		require.Equal(t, []int{1, 2, 3, 0}, sortedFirst3(order))
	})
}

// A Map argument that gob cannot encode fails its own item only.
func TestMapEncodeErrorFailsOneItem(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 2})
	in := []refuseEncodeOrNot{{}, {Refuse: true}, {}}
	var errs []error
	for _, err := range pool.Map(t.Context(), p, maybeRefuse, slices.Values(in), pool.Chunksize(3)) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 3)
	require.NoError(t, errs[0])
	require.ErrorIs(t, errs[1], pool.ErrEncode)
	require.NoError(t, errs[2])
}

type refuseEncodeOrNot struct{ Refuse bool }

func (r refuseEncodeOrNot) GobEncode() ([]byte, error) {
	if r.Refuse {
		return nil, errRefuse
	}
	return []byte{0}, nil
}
func (r *refuseEncodeOrNot) GobDecode([]byte) error { return nil }

var errRefuse = errorString("refusing to encode")

type errorString string

func (e errorString) Error() string { return string(e) }

var maybeRefuse = pool.NewTask("maybeRefuse", func(_ context.Context, _ refuseEncodeOrNot) (int, error) { return 1, nil })

// Progress reports finished inputs as chunks finish, ending at the total.
func TestMapProgress(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b})
		var seen []int
		n := 0
		for range pool.Map(t.Context(), p, square, slices.Values(make([]int, 50)), pool.Chunksize(10),
			pool.Progress(func(done int) { seen = append(seen, done) })) {
			n++
		}
		require.Equal(t, 50, n)
		require.Equal(t, []int{10, 20, 30, 40, 50}, seen)
	})
}

// A Progress hook that panics is reported, and neither Map nor the pool
// stops for it.
func TestMapProgressHookPanics(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b})
		n := 0
		for _, err := range pool.Map(t.Context(), p, square, slices.Values(make([]int, 30)), pool.Chunksize(10),
			pool.Progress(func(int) { panic("a progress bar bug") })) {
			require.NoError(t, err)
			n++
		}
		require.Equal(t, 30, n)
		require.NoError(t, pool.Submit(t.Context(), p, square, 3).Err())
	})
}

// sortedFirst3 sorts the first three of four indexes, which finish in any
// order among themselves.
func sortedFirst3(order []int) []int {
	out := slices.Clone(order)
	if len(out) == 4 {
		slices.Sort(out[:3])
	}
	return out
}

// With AutoChunksize, Map still yields every result in input order with its
// own error, a worker's death fails only its chunk, and Progress counts
// every input; the size itself follows the chunks' timings
// (TestAutoChunkRule).
func TestMapAutoChunksize(t *testing.T) {
	backends(t, func(t *testing.T, b pool.Backend) {
		p := newPool(t, pool.Config{Workers: 2, Backend: b, Stderr: discard{}})
		done := 0
		got := collect(t, pool.Map(t.Context(), p, square, slices.Values(make([]int, 5000)), pool.AutoChunksize(),
			pool.Progress(func(n int) { done = n })))
		require.Len(t, got, 5000)
		require.Equal(t, 5000, done)

		in := make([]failArgs, 300)
		for i := range in {
			in[i] = failArgs{N: i, Bad: 123}
		}
		var errs []int
		i := 0
		for v, err := range pool.Map(t.Context(), p, failOn, slices.Values(in), pool.AutoChunksize()) {
			if err != nil {
				errs = append(errs, i)
			} else {
				require.Equal(t, i, v)
			}
			i++
		}
		require.Equal(t, 300, i)
		require.Equal(t, []int{123}, errs)

		_, err := collectUntilError(pool.Map(t.Context(), p, square, slices.Values([]int{1}), pool.AutoChunksize(), pool.Chunksize(2)))
		require.ErrorContains(t, err, "Chunksize and AutoChunksize both given")
	})
}

// A worker that dies under AutoChunksize fails its chunk alone, with the
// chunk's range in the error, and the rest of Map goes on.
func TestMapAutoChunksizeCrash(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 2, Stderr: discard{}})
	in := make([]int, 400)
	for i := range in {
		in[i] = i
	}
	failed := 0
	for _, it := range collectItems(pool.MapUnordered(t.Context(), p, exitOn, slices.Values(in), pool.AutoChunksize())) {
		if it.Err == nil {
			require.Equal(t, it.Index, it.Value)
			continue
		}
		var we *pool.WorkerError
		require.ErrorAs(t, it.Err, &we)
		require.LessOrEqual(t, we.Index, 200)
		require.Greater(t, we.Index+we.Count, 200, "the chunk that died holds input 200")
		failed++
	}
	require.GreaterOrEqual(t, failed, 1)
}

// exitOn ends its worker on input 200.
var exitOn = pool.NewTask("exitOn", func(_ context.Context, n int) (int, error) {
	if n == 200 {
		os.Exit(9)
	}
	return n, nil
})

func collectItems[R any](seq iter.Seq[pool.Item[R]]) []pool.Item[R] {
	var out []pool.Item[R]
	for it := range seq {
		out = append(out, it)
	}
	return out
}
