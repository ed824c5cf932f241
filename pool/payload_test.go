package pool_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/poolschool/poolschool/pool"
	"github.com/stretchr/testify/require"
)

var echoString = pool.NewTask("echoString", func(_ context.Context, s string) (string, error) { return s, nil })

// payload returns n bytes that differ from one position to the next, so
// that a piece sent twice, dropped or out of order shows.
func payload(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, uint64(n)))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// Large arguments and results travel without extra copies (a frame keeps
// them as pieces of their own): every size around the threshold arrives
// byte for byte, several in one Map chunk too, and an argument changed
// after Submit returned is not what the task sees.
func TestLargePayloadsRoundTrip(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 2})
	for _, n := range []int{0, 1, 32<<10 - 1, 32 << 10, 32<<10 + 1, 3<<20 + 7} {
		want := payload(n, 1)
		arg := slices.Clone(want)
		f := pool.Submit(t.Context(), p, echoBytes, arg)
		for i := range arg {
			arg[i] ^= 0xff
		}
		got, err := f.Result()
		require.NoError(t, err)
		require.True(t, bytes.Equal(want, got), "%d bytes came back changed", n)

		s, err := pool.Submit(t.Context(), p, echoString, string(want)).Result()
		require.NoError(t, err)
		require.True(t, s == string(want), "a string of %d bytes came back changed", n)
	}

	var inputs [][]byte
	for i := range 7 {
		inputs = append(inputs, payload(20<<10*i, uint64(i)))
	}
	i := 0
	for got, err := range pool.Map(t.Context(), p, echoBytes, slices.Values(inputs), pool.Chunksize(3)) {
		require.NoError(t, err)
		require.True(t, bytes.Equal(inputs[i], got), "Map item %d (%d bytes) came back changed", i, len(inputs[i]))
		i++
	}
	require.Equal(t, len(inputs), i)
}

// reuseBuffer returns the same 64 KiB buffer for every item, filled with the
// item's number, as a task that recycles its scratch space might.
var reuseBuffer = pool.NewTask("reuseBuffer", func(_ context.Context, n int) ([]byte, error) {
	for i := range scratch {
		scratch[i] = byte(n)
	}
	return scratch, nil
})

var scratch = make([]byte, 64<<10)

// A result is the value the task returned when it returned, even when the
// task changes the same buffer for the next item of its chunk.
func TestResultIsTakenWhenTheTaskReturns(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 1})
	i := 0
	for got, err := range pool.Map(t.Context(), p, reuseBuffer, slices.Values([]int{1, 2, 3, 4, 5}), pool.Chunksize(5)) {
		require.NoError(t, err)
		i++
		require.True(t, bytes.Equal(bytes.Repeat([]byte{byte(i)}, 64<<10), got), "item %d came back as another item's bytes", i)
	}
	require.Equal(t, 5, i)
}

// A large item put in a queue by a worker reaches the parent intact.
func TestQueueCarriesLargeItems(t *testing.T) {
	p := newPool(t, pool.Config{Workers: 1})
	q, err := pool.NewQueue[string](p, 4)
	require.NoError(t, err)
	f := pool.Submit(t.Context(), p, putLarge, q)
	for i := range 3 {
		got, err := q.Get(t.Context())
		require.NoError(t, err)
		require.Equal(t, strings.Repeat(string(rune('a'+i)), 100<<10), got)
	}
	require.NoError(t, f.Err())
}

var putLarge = pool.NewTask("putLarge", func(ctx context.Context, q *pool.Queue[string]) (struct{}, error) {
	for i := range 3 {
		if err := q.Put(ctx, strings.Repeat(string(rune('a'+i)), 100<<10)); err != nil {
			return struct{}{}, err
		}
	}
	return struct{}{}, nil
})
