package pool

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"
)

// Tasks of the tests of readresult.go; the test binary is the worker.
var (
	rrEcho = NewTask("readresult.echo", func(_ context.Context, n int) (int, error) { return n, nil })
	rrExit = NewTask("readresult.exit", func(_ context.Context, code int) (int, error) {
		os.Exit(code)
		return 0, nil
	})
	rrProduce = NewTask("readresult.produce", func(ctx context.Context, a rrProduceArgs) (int, error) {
		for i := range a.N {
			if err := a.Q.Put(ctx, i); err != nil {
				return i, err
			}
		}
		return a.N, nil
	})
)

type rrProduceArgs struct {
	Q *Queue[int]
	N int
}

// idleConn starts a pool of one worker process and returns it with the
// worker's conn once its reader goroutine has stopped reading: the state
// in which a Submit leaves its result to its caller. The bound on a call
// left unread is an hour, so that a test preempted between its Submit and
// its look at the conn sees the call still left to its caller; a test of
// the bound fires it itself (fireLeftFor).
func idleConn(t *testing.T) (*Pool, *processConn) {
	t.Helper()
	p, err := New(Config{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	if _, err := Submit(t.Context(), p, rrEcho, 1).Result(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		p.mu.Lock()
		pc := p.workers[0].conn.(*processConn)
		idle := pc.role == readByNobody
		pc.leftFor = time.Hour
		p.mu.Unlock()
		if idle {
			return p, pc
		}
		if time.Now().After(deadline) {
			t.Fatal("the worker's reader goroutine still reads with no call in the worker")
		}
		time.Sleep(time.Millisecond)
	}
}

// fireLeftFor has the bound on a call left unread expire now, as it would
// after defaultLeftFor.
func fireLeftFor(p *Pool, pc *processConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pc.net.Reset(0)
}

func leftCall(p *Pool, pc *processConn) *call {
	p.mu.Lock()
	defer p.mu.Unlock()
	return pc.left
}

// A Submit to an idle worker leaves the reading of its result to its
// caller, and Result reads it on the caller's goroutine, then leaves the
// pipe to nobody.
func TestCallerReadsItsOwnResult(t *testing.T) {
	p, pc := idleConn(t)
	f := Submit(t.Context(), p, rrEcho, 42)
	if got := leftCall(p, pc); got != f.c {
		t.Fatalf("the call left to its caller is %v, want the Submit's own", got)
	}
	if v, err := f.Result(); v != 42 || err != nil {
		t.Fatalf("Result() = %d, %v; want 42, nil", v, err)
	}
	p.mu.Lock()
	role := pc.role
	p.mu.Unlock()
	if role != readByNobody {
		t.Errorf("after Result the pipe is read by %d, want nobody (%d)", role, readByNobody)
	}
}

// Any other way of waiting for the future gives the reading back to the
// pool at once.
func TestDoneGivesTheReadingBack(t *testing.T) {
	p, pc := idleConn(t)
	f := Submit(t.Context(), p, rrEcho, 7)
	done := f.Done()
	if got := leftCall(p, pc); got != nil {
		t.Fatalf("after Done the call is still left to its caller")
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the future is not done 10 s after Done")
	}
}

// A caller that waits some way the pool does not hear of (here Queue.Get)
// still gets its task's messages read: the reader goroutine takes over a
// call left unclaimed once the bound on it expires.
func TestLeftCallIsReadWhenItsCallerWaitsElsewhere(t *testing.T) {
	p, pc := idleConn(t)
	q, err := NewQueue[int](p, 1)
	if err != nil {
		t.Fatal(err)
	}
	f := Submit(t.Context(), p, rrProduce, rrProduceArgs{Q: q, N: 3})
	if leftCall(p, pc) != f.c {
		t.Fatal("the producer's call was not left to its caller: the test does not test the bound")
	}
	fireLeftFor(p, pc)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for i := range 3 {
		v, err := q.Get(ctx)
		if err != nil || v != i {
			t.Fatalf("Get %d = %d, %v; want %d, nil", i, v, err, i)
		}
	}
	if n, err := f.Result(); n != 3 || err != nil {
		t.Fatalf("Result() = %d, %v; want 3, nil", n, err)
	}
}

// The crash rule holds when the caller reads: the task that kills its
// worker was acknowledged, so it fails alone with the worker's death and
// is not run again; the pool goes on.
func TestCallerReadsAWorkerDeath(t *testing.T) {
	p, pc := idleConn(t)
	f := Submit(t.Context(), p, rrExit, 3)
	if leftCall(p, pc) != f.c {
		t.Fatal("the call was not left to its caller: the test does not test the caller's reading")
	}
	_, err := f.Result()
	var we *WorkerError
	if !errors.As(err, &we) || we.ExitCode != 3 || we.Attempts != 1 {
		t.Fatalf("Result() error = %v; want the worker's death (exit status 3) on the first attempt", err)
	}
	if v, err := Submit(t.Context(), p, rrEcho, 5).Result(); v != 5 || err != nil {
		t.Fatalf("the next Submit gave %d, %v; want 5, nil", v, err)
	}
	if st := p.Stats(); st.WorkersStarted != 2 {
		t.Errorf("%d workers started, want 2: the dead one and its replacement", st.WorkersStarted)
	}
}

// A queue's request for its credits back, made after the worker's calls
// ended, has the pool read the worker's answer: a closed queue is then
// drained, where it would wait for the credits for good.
func TestRevokeAfterTheLastCallIsAnswered(t *testing.T) {
	p, pc := idleConn(t)
	q, err := NewQueue[int](p, 8)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := Submit(t.Context(), p, rrProduce, rrProduceArgs{Q: q, N: 1}).Result(); n != 1 || err != nil {
		t.Fatalf("Result() = %d, %v; want 1, nil", n, err)
	}
	q.mu.Lock()
	credits := q.credits[pc]
	q.mu.Unlock()
	if credits == 0 {
		t.Fatal("the worker holds no credits: the test does not test their return")
	}
	q.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if v, err := q.Get(ctx); v != 0 || err != nil {
		t.Fatalf("Get = %d, %v; want 0, nil", v, err)
	}
	if _, err := q.Get(ctx); !errors.Is(err, ErrQueueClosed) {
		t.Fatalf("Get after the last item: %v, want ErrQueueClosed", err)
	}
}

// While a revoke is unanswered, the reader goroutine goes on reading after
// the worker's last result: the answer may come after it.
func TestReaderReadsUntilARevokeIsAnswered(t *testing.T) {
	p, pc := idleConn(t)
	pc.revokeSent() // as a queue does; this worker owes no answer, so none comes
	if _, err := Submit(t.Context(), p, rrEcho, 1).Result(); err != nil {
		t.Fatal(err)
	}
	for range 50 {
		p.mu.Lock()
		role := pc.role
		p.mu.Unlock()
		if role != readByReader {
			t.Fatalf("the reader goroutine stopped reading with a revoke unanswered (role %d)", role)
		}
		time.Sleep(time.Millisecond)
	}
	pc.revokeAnswered()
}
