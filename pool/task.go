package pool

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
)

// Task is a function registered under a name, so that a worker process, which
// runs the same binary, finds the same function when the parent sends that
// name. A is the argument type and R the result type; both travel with
// encoding/gob under the Processes backend, so their exported fields are
// what crosses the process boundary. Tasks with several arguments take a
// struct.
type Task[A, R any] struct {
	name string
	fn   func(context.Context, A) (R, error)
}

// Name returns the name the task was registered under.
func (t *Task[A, R]) Name() string { return t.name }

// taskEntry is what a worker process needs to run a task it only knows by
// name: a function from an encoded argument to an encoded result.
type taskEntry struct {
	name string
	// serve decodes arg, runs the task and encodes its result. A returned
	// error is the task's own error, or a *codecError when the argument or
	// the result did not survive encoding/gob.
	serve func(ctx context.Context, arg []byte) (head, tail []byte, err error)
}

var registry struct {
	mu        sync.Mutex
	tasks     map[string]*taskEntry
	sentinels map[string]error // RegisterError's, by where they were declared
	frozen    atomic.Bool      // set once this process serves or starts workers
}

// NewTask registers fn under name and returns the handle that Submit and Map
// take. Call it at package level (var square = pool.NewTask(...)), so that
// every process running the binary registers the same tasks before Main runs.
//
// NewTask panics when name is empty or already registered, when it is
// called after this process started serving as a worker or started a pool,
// because a worker could not know a task registered that late, and when
// the argument or result type holds a channel or a function in an exported
// field: encoding/gob would drop it silently, so a worker process would see
// it nil. (Unexported fields do not travel either; Config.CheckValues
// makes the Goroutines backend show what does.)
func NewTask[A, R any](name string, fn func(ctx context.Context, arg A) (R, error)) *Task[A, R] {
	if name == "" {
		panic("pool: NewTask with an empty name")
	}
	if fn == nil {
		panic(fmt.Sprintf("pool: NewTask(%q) with a nil function", name))
	}
	for _, side := range []struct {
		what string
		t    reflect.Type
	}{{"argument", reflect.TypeFor[A]()}, {"result", reflect.TypeFor[R]()}} {
		if err := checkType(side.t).err; err != nil {
			panic(fmt.Sprintf("pool: NewTask(%q): the %s type %v cannot cross to a worker process whole: %v", name, side.what, side.t, err))
		}
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if registry.frozen.Load() {
		panic(fmt.Sprintf("pool: NewTask(%q) called after the pool started; register tasks at package level "+
			"(var t = pool.NewTask(...)) so that worker processes register them too", name))
	}
	if registry.tasks == nil {
		registry.tasks = make(map[string]*taskEntry)
	}
	if _, dup := registry.tasks[name]; dup {
		panic(fmt.Sprintf("pool: NewTask: a task named %q is already registered; task names must be unique", name))
	}
	t := &Task[A, R]{name: name, fn: fn}
	registry.tasks[name] = &taskEntry{name: name, serve: t.serve}
	return t
}

// lookupTask returns the task registered under name, or nil.
func lookupTask(name string) *taskEntry {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	return registry.tasks[name]
}

// freezeRegistry stops further registration: from now on worker processes
// may exist, and they would not know a task registered later.
func freezeRegistry() { registry.frozen.Store(true) }

// serve is the worker-side body of the task: decode, run, encode.
// The encoded result is head followed by tail (see encodeShared).
func (t *Task[A, R]) serve(ctx context.Context, arg []byte) (head, tail []byte, err error) {
	var a A
	if err := decodeValue(arg, &a); err != nil {
		return nil, nil, &codecError{status: statusDecode, msg: fmt.Sprintf("argument of task %q in the worker: %v", t.name, err)}
	}
	r, err := t.fn(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	head, tail, err = encodeShared(&r)
	if err != nil {
		return nil, nil, &codecError{status: statusEncode, msg: fmt.Sprintf("result of task %q in the worker: %v", t.name, err)}
	}
	return head, tail, nil
}
