package bench

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/poolschool/poolschool/pool"
)

func TestMain(m *testing.M) {
	pool.Main()
	Child()
	// Under -race every process sleeps a second at exit by default; the
	// workers and floor children this test starts need not.
	if os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	os.Exit(m.Run())
}

// TestTiny runs every workload once at the smallest scale, without Python,
// so that the harness cannot rot. It asserts no timing: only that every
// row has its values and the report prints. make bench QUICK=1 runs the
// Python side of every workload; TestTinyPython a few of them.
func TestTiny(t *testing.T) {
	r, err := Run(context.Background(), Config{Rounds: 1, Scale: Tiny, Log: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]Impl{
		"crash_detect": {Processes, Floor},
		"crash_lost":   {Processes},
		"crash_next":   {Processes},
		"call_err":     {Processes, Goroutines},
		"worker_rss":   {Processes, Floor},
		"worker_pss":   {Processes, Floor},
		// With goroutines the parent runs the tasks: its CPU is theirs.
		"eff_1ms_parent": {Processes, Floor},
	}
	if runtime.GOOS != "linux" {
		want["worker_rss"], want["worker_pss"] = nil, nil // read from /proc
	}
	for _, w := range workloads(Tiny.sizes()) {
		for _, rw := range w.rows {
			if _, ok := want[rw.key]; !ok {
				want[rw.key] = []Impl{Processes, Goroutines}
			}
		}
	}
	if len(r.Rows) != len(want) {
		t.Errorf("%d rows, want %d", len(r.Rows), len(want))
	}
	for _, row := range r.Rows {
		for _, impl := range want[row.Key] {
			if row.Values[impl] == nil {
				t.Errorf("row %s has no value for %s", row.Key, impl)
			}
		}
	}
	if len(r.Targets) != 9 {
		t.Errorf("%d targets, want 9", len(r.Targets))
	}
	// Without python3, a target that compares with Python is not measured,
	// and one that needs only Go figures is.
	for _, tg := range r.Targets {
		needsPython := !strings.HasPrefix(tg.Name, "efficiency") && !strings.HasPrefix(tg.Name, "crash") &&
			!strings.HasPrefix(tg.Name, "AutoChunksize") && !strings.HasPrefix(tg.Name, "CPU per item") &&
			!strings.Contains(tg.Name, "with Buffer(")
		if tg.Measured == needsPython {
			t.Errorf("target %q: measured %v without python3", tg.Name, tg.Measured)
		}
	}
	var out bytes.Buffer
	if err := r.WriteTable(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "x Python") || !strings.Contains(out.String(), "targets:") {
		t.Errorf("the table lacks its header or targets:\n%s", out.String())
	}
}

// TestTinyPython runs the workloads whose Python side does the most, when
// python3 is on PATH.
func TestTinyPython(t *testing.T) {
	py, _, err := FindPython()
	if err != nil {
		t.Skip(err)
	}
	r, err := Run(context.Background(), Config{Rounds: 1, Scale: Tiny, Python: py, Only: []string{"latency", "crash", "queue", "memory"}, Log: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range r.Rows {
		if row.Values[Python] == nil && (runtime.GOOS == "linux" || !strings.HasPrefix(row.Key, "worker_")) {
			t.Errorf("row %s has no value for Python", row.Key)
		}
	}
	if r.median("crash_lost", Python) == 0 {
		t.Errorf("Python lost no task in the crash; the workload no longer crashes a worker")
	}
}
