// Package bench is the harness behind `make bench`: it runs the same
// workloads through this module's pool with the Processes backend, the same
// code with the Goroutines backend, Python's
// concurrent.futures.ProcessPoolExecutor (pybench.py, run with python3 from
// PATH), and a raw pipe floor between two Go processes with no pool logic,
// all with 2 workers, taking turns within each round, and reports the
// median of the rounds with their min and max.
//
// Every comparison is a ratio taken within one run, because the machines
// this runs on change from day to day; the x columns say how many times
// better the process pool is (above 1) or worse (below 1) than Python and
// than the floor.
//
// Programs that embed the harness call Child first in main, after
// pool.Main, so that the binary can serve as a floor child and as a fresh
// process for cold starts.
package bench

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"time"
)

// Impl is one of the four things a workload runs on.
type Impl string

// The implementations, in the table's column order.
const (
	Python     Impl = "python"
	Processes  Impl = "processes"
	Goroutines Impl = "goroutines"
	Floor      Impl = "floor"
)

var impls = []Impl{Python, Processes, Goroutines, Floor}

// Workers is the size of every pool the harness measures.
const Workers = 2

// Config says how much to run.
type Config struct {
	// Rounds is how many times every workload runs on every implementation;
	// the report shows the median, min and max.
	Rounds int
	// Scale sets the sizes of the workloads: Full is the issue's, Quick a
	// tiny version for a smoke run, Tiny the smallest for tests.
	Scale Scale
	// Python is the python3 to run pybench.py with; empty skips Python.
	Python string
	// Joblib is a python3 that can import joblib (FindJoblib), for the
	// Python cells of the AutoChunksize rows; empty leaves them empty.
	Joblib string
	// Only, when not empty, runs only the workloads with these names.
	Only []string
	// Log, when set, receives a line per workload and round as they run.
	Log func(format string, args ...any)
}

// Scale is a set of workload sizes.
type Scale int

const (
	// Full is the sizes: make bench.
	Full Scale = iota
	// Quick is a smoke run under 30 s: make bench QUICK=1.
	Quick
	// Tiny is the smallest that still runs every path, for tests.
	Tiny
)

// sizes are the parameters of the workloads at one scale.
type sizes struct {
	latencyN    int   // sequential submits
	mapN        int   // Map inputs
	chunksizes  []int // Map chunk sizes
	primeLimit  int   // primes below this
	primeChunks int
	spinWork    time.Duration // total task time of each efficiency run
	bytesCount  map[int]int   // round trips per payload size
	errN        int           // calls of each kind
	crashOthers int           // tasks in flight beside the crash
	queueN      int           // items through the queue
	skewedN     int           // inputs of the skewed workload
}

func (s Scale) sizes() sizes {
	switch s {
	case Quick:
		return sizes{latencyN: 300, mapN: 5_000, chunksizes: []int{1, 10, 100, 1000, 10000},
			primeLimit: 500_000, primeChunks: 64, spinWork: 100 * time.Millisecond,
			bytesCount: map[int]int{1 << 20: 4, 16 << 20: 1}, errN: 100, crashOthers: 5, queueN: 5_000, skewedN: 80}
	case Tiny:
		return sizes{latencyN: 20, mapN: 200, chunksizes: []int{1, 10, 100, 1000, 10000},
			primeLimit: 20_000, primeChunks: 8, spinWork: 10 * time.Millisecond,
			bytesCount: map[int]int{1 << 20: 1, 16 << 20: 1}, errN: 10, crashOthers: 3, queueN: 200, skewedN: 16}
	}
	return sizes{latencyN: 2_000, mapN: 100_000, chunksizes: []int{1, 10, 100, 1000, 10000},
		primeLimit: 5_000_000, primeChunks: 64, spinWork: 400 * time.Millisecond,
		bytesCount: map[int]int{1 << 20: 20, 16 << 20: 3}, errN: 500, crashOthers: 5, queueN: 100_000, skewedN: 160}
}

// Child serves the processes the harness starts from its own binary: a
// floor child, or a fresh process measuring a cold start. In any other
// process it returns at once. Call it first in main, after pool.Main, and
// in TestMain.
func Child() {
	if mode := os.Getenv(envFloor); mode != "" {
		serveFloor(mode)
		os.Exit(0)
	}
	if impl := os.Getenv(envCold); impl != "" {
		os.Unsetenv(envCold)
		d, err := startup(Impl(impl))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(d.Seconds())
		os.Exit(0)
	}
}

// Run runs the workloads and returns the report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Rounds < 1 {
		return nil, fmt.Errorf("bench: %d rounds; run at least 1", cfg.Rounds)
	}
	h := &harness{cfg: cfg, sz: cfg.Scale.sizes(), log: cfg.Log, vals: map[string]map[Impl][]float64{}, notes: map[string][]string{}}
	if h.log == nil {
		h.log = func(string, ...any) {}
	}
	h.loadStart = loadAvg()
	if cfg.Python != "" || cfg.Joblib != "" {
		script, cleanup, err := writeScript()
		if err != nil {
			return nil, err
		}
		defer cleanup()
		h.script = script
	}
	ws := workloads(h.sz)
	for _, name := range cfg.Only {
		if !slices.ContainsFunc(ws, func(w workload) bool { return w.name == name }) {
			return nil, fmt.Errorf("bench: no workload named %q", name)
		}
	}
	for round := range cfg.Rounds {
		for _, w := range ws {
			if len(cfg.Only) > 0 && !slices.Contains(cfg.Only, w.name) {
				continue
			}
			// Rotate who goes first, so that no implementation always
			// meets the machine in the same state.
			for i := range impls {
				impl := impls[(i+round)%len(impls)]
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				if impl == Python && cfg.Python == "" {
					continue
				}
				start := time.Now()
				vals, note, err := w.run(h, impl)
				if err != nil {
					return nil, fmt.Errorf("bench: %s on %s, round %d: %w", w.name, impl, round+1, err)
				}
				h.log("round %d  %-14s %-10s %6.2fs", round+1, w.name, impl, time.Since(start).Seconds())
				for key, v := range vals {
					if h.vals[key] == nil {
						h.vals[key] = map[Impl][]float64{}
					}
					h.vals[key][impl] = append(h.vals[key][impl], v)
				}
				if note != "" {
					h.notes[w.name] = append(h.notes[w.name], note)
				}
			}
		}
	}
	return h.report(ws), nil
}

// harness carries a run's configuration and what it has measured.
type harness struct {
	cfg    Config
	sz     sizes
	log    func(string, ...any)
	script string // pybench.py, written out; empty without Python
	vals   map[string]map[Impl][]float64
	notes  map[string][]string
	// loadStart is the load average when the run started.
	loadStart string
}

// workload is one thing to measure; it fills one or more rows.
type workload struct {
	name string
	rows []row
	// run measures impl once and returns a value per row key; a row it
	// leaves out is not applicable to impl. note, if any, is kept for the
	// report.
	run func(h *harness, impl Impl) (vals map[string]float64, note string, err error)
}

// row is a line of the table.
type row struct {
	key, label, unit string
	higher           bool // higher values are better
}

// envCold makes this binary a fresh process that measures one cold start.
const envCold = "POOLSCHOOL_BENCH_COLD"

func itoa(n int) string { return strconv.Itoa(n) }
