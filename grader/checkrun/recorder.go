package checkrun

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
)

// Panics that unwind a script, as cmd/testscript does: testscript keeps
// running later lines if FailNow or Skip return.
var (
	errFailNow = errors.New("runner: fail now")
	errSkipNow = errors.New("runner: skip now")
)

// recorderT implements testscript.T outside "go test" and records the
// outcome of the one script it runs.
type recorderT struct {
	mu          sync.Mutex
	log         strings.Builder
	failed      bool
	skipped     bool
	notMeasured bool
	sub         *recorderT
}

func (t *recorderT) Log(args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintln(&t.log, args...)
}
func (t *recorderT) Fatal(args ...any) { t.Log(args...); t.FailNow() }
func (t *recorderT) FailNow() {
	t.mu.Lock()
	t.failed = true
	t.mu.Unlock()
	panic(errFailNow)
}
func (t *recorderT) Skip(args ...any) {
	t.Log(args...)
	t.mu.Lock()
	t.skipped = true
	t.mu.Unlock()
	panic(errSkipNow)
}
func (t *recorderT) Parallel()     {}
func (t *recorderT) Verbose() bool { return false }

func (t *recorderT) Run(name string, f func(testscript.T)) {
	t.sub = &recorderT{}
	defer func() {
		switch r := recover(); r {
		case nil, errFailNow, errSkipNow:
		case errNotMeasured:
			t.sub.notMeasured = true
		default:
			t.sub.failed = true
			t.sub.Log(fmt.Sprintf("grader bug: %v", r))
		}
	}()
	f(t.sub)
}

// outcome runs the script behind p and returns "passed", "failed",
// "skipped" or "not measured" with the script's log.
func outcome(p testscript.Params) (status string, log string) {
	top := &recorderT{}
	func() {
		defer func() {
			if r := recover(); r != nil && r != errFailNow && r != errSkipNow && r != errNotMeasured {
				top.failed = true
				top.Log(fmt.Sprint(r))
			}
		}()
		testscript.RunT(top, p)
	}()
	switch s := top.sub; {
	case s == nil:
		return "failed", top.log.String()
	case s.failed:
		return "failed", s.log.String()
	case s.notMeasured:
		return "not measured", s.log.String()
	case s.skipped:
		return "skipped", s.log.String()
	default:
		return "passed", s.log.String()
	}
}
