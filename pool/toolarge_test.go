package pool_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/poolschool/poolschool/pool"
	"github.com/stretchr/testify/require"
)

// zeros returns n zero bytes, whatever its argument.
var zeros = pool.NewTask("zeros", func(_ context.Context, n int) ([]byte, error) { return make([]byte, n), nil })

// putZeros puts N zero bytes into Q as one item and returns Put's error.
var putZeros = pool.NewTask("putZeros", func(ctx context.Context, a putZerosArgs) (int, error) {
	return 0, a.Q.Put(ctx, make([]byte, a.N))
})

type putZerosArgs struct {
	Q *pool.Queue[[]byte]
	N int
}

// A value too large for one message (a frame of at most 1 GiB) fails its
// own future or item with ErrEncode and a message that says so. An
// argument that large used to be sent: the worker refused the frame and
// died before it acknowledged the call, so the call went to a replacement,
// which died the same way, hundreds of workers a second while Result
// waited for good. A result or a queue item that large killed its worker
// as one that broke the protocol.
func TestValuesTooLargeForOneMessageFailAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("encodes more than a gigabyte")
	}
	if raceDetector {
		// 8 GiB and 40 s under it, against 1 GiB and 7 s without.
		t.Skip("moves more than a gigabyte: make test runs it without -race")
	}
	const tooLarge = 1<<30 + 1<<20
	p := newPool(t, pool.Config{Workers: 1})
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()

	big := make([]byte, tooLarge)
	_, err := pool.Submit(ctx, p, echoBytes, big).ResultContext(ctx)
	require.ErrorIs(t, err, pool.ErrEncode)
	require.Contains(t, err.Error(), "carries at most")
	require.Zero(t, p.Stats().WorkersStarted, "no worker is given a call it cannot read")

	var errs []error
	var lens []int
	for v, err := range pool.Map(ctx, p, echoBytes, func(yield func([]byte) bool) {
		_ = yield([]byte("a")) && yield(big) && yield([]byte("bc"))
	}, pool.Chunksize(3)) {
		lens, errs = append(lens, len(v)), append(errs, err)
	}
	big = nil
	require.Empty(t, cmp.Diff([]int{1, 0, 2}, lens))
	require.NoError(t, errs[0])
	require.ErrorIs(t, errs[1], pool.ErrEncode)
	require.NoError(t, errs[2])

	_, err = pool.Submit(ctx, p, zeros, tooLarge).ResultContext(ctx)
	require.ErrorIs(t, err, pool.ErrEncode)
	require.NotErrorIs(t, err, pool.ErrWorkerDied)
	require.Contains(t, err.Error(), "carries at most")
	q, err := pool.NewQueue[[]byte](p, 1)
	require.NoError(t, err)
	_, err = pool.Submit(ctx, p, putZeros, putZerosArgs{Q: q, N: tooLarge}).ResultContext(ctx)
	var te *pool.TaskError
	require.ErrorAs(t, err, &te, "a queue item too large is Put's error, which the task returned")
	require.Contains(t, err.Error(), "item for queue")
	require.Contains(t, err.Error(), "carries at most")
	require.Zero(t, q.Len())
	n, err := pool.Submit(ctx, p, square, 3).Result()
	require.NoError(t, err)
	require.Equal(t, 9, n)
	require.Equal(t, 1, p.Stats().WorkersStarted, "the worker that made the result lives on")
}
