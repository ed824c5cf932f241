package bench

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/poolschool/poolschool/pool"
)

// Report is the outcome of a run, as printed and as written to JSON.
type Report struct {
	Machine Machine             `json:"machine"`
	Command string              `json:"command,omitempty"`
	Rounds  int                 `json:"rounds"`
	Scale   string              `json:"scale"`
	Rows    []Row               `json:"rows"`
	Targets []Target            `json:"targets"`
	Notes   map[string][]string `json:"notes,omitempty"`
}

// Machine describes where the run happened.
type Machine struct {
	CPU     string `json:"cpu"`
	CPUs    int    `json:"cpus"`
	OS      string `json:"os"`
	Kernel  string `json:"kernel,omitempty"`
	Go      string `json:"go"`
	Python  string `json:"python"`
	Joblib  string `json:"joblib,omitempty"`  // version and interpreter, when importable
	LoadAvg string `json:"loadavg,omitempty"` // when the run ended
	// LoadAvgStart is the load average when the run started.
	LoadAvgStart string `json:"loadavg_start,omitempty"`
	// GOMAXPROCS of the harness (the pool's parent) and of a pool's worker.
	GOMAXPROCS       int `json:"gomaxprocs"`
	WorkerGOMAXPROCS int `json:"worker_gomaxprocs,omitempty"`
}

// Row is one line of the table: a value per implementation, and the
// process pool's standing against Python and the floor.
type Row struct {
	Key    string         `json:"key"`
	Label  string         `json:"label"`
	Unit   string         `json:"unit"`
	Higher bool           `json:"higher_is_better"`
	Values map[Impl]*Stat `json:"values"`
	// XPython and XFloor say how many times better the process pool is
	// than Python and the floor, by medians: above 1 better, below 1 worse.
	XPython *float64 `json:"x_python,omitempty"`
	XFloor  *float64 `json:"x_floor,omitempty"`
}

// Stat is the median, min and max of a row's rounds on one implementation.
type Stat struct {
	Median float64   `json:"median"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
	Rounds []float64 `json:"rounds"`
}

func newStat(v []float64) *Stat {
	if len(v) == 0 {
		return nil
	}
	s := slices.Sorted(slices.Values(v))
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return &Stat{Median: med, Min: s[0], Max: s[len(s)-1], Rounds: v}
}

// Target is one of the targets and whether this run met it. A
// target whose figures this run did not take (no python3, or -only) is not
// measured, and neither met nor missed.
type Target struct {
	Name     string `json:"name"`
	Measured bool   `json:"measured"`
	Met      bool   `json:"met"`
	Detail   string `json:"detail"`
}

func (h *harness) report(ws []workload) *Report {
	r := &Report{Machine: machine(), Rounds: h.cfg.Rounds, Notes: h.notes}
	r.Machine.LoadAvgStart = h.loadStart
	r.Scale = [...]string{Full: "full", Quick: "quick", Tiny: "tiny"}[h.cfg.Scale]
	for _, w := range ws {
		for _, rw := range w.rows {
			vals := h.vals[rw.key]
			if vals == nil {
				continue
			}
			row := Row{Key: rw.key, Label: rw.label, Unit: rw.unit, Higher: rw.higher, Values: map[Impl]*Stat{}}
			for _, impl := range impls {
				if s := newStat(vals[impl]); s != nil {
					row.Values[impl] = s
				}
			}
			row.XPython = better(row, Python)
			row.XFloor = better(row, Floor)
			r.Rows = append(r.Rows, row)
		}
	}
	r.Targets = targets(r)
	return r
}

// better is how many times better the process pool's median is than
// other's, or nil when either is missing or the ratio means nothing.
func better(r Row, other Impl) *float64 {
	p, o := r.Values[Processes], r.Values[other]
	if p == nil || o == nil || p.Median == 0 || o.Median == 0 {
		return nil
	}
	x := p.Median / o.Median
	if !r.Higher {
		x = o.Median / p.Median
	}
	return &x
}

// median returns a row's median on impl, or NaN.
func (r *Report) median(key string, impl Impl) float64 {
	for _, row := range r.Rows {
		if row.Key == key && row.Values[impl] != nil {
			return row.Values[impl].Median
		}
	}
	return math.NaN()
}

// targets checks the targets against the medians of the run. A
// comparison with a missing value (no Python, say) is not met.
func targets(r *Report) []Target {
	m := r.median
	var ts []Target
	add := func(name string, met bool, format string, args ...any) {
		for _, a := range args {
			if f, ok := a.(float64); ok && math.IsNaN(f) {
				ts = append(ts, Target{Name: name, Detail: "not measured in this run"})
				return
			}
		}
		ts = append(ts, Target{Name: name, Measured: true, Met: met, Detail: fmt.Sprintf(format, args...)})
	}
	lp, lpy, lf := m("latency_p50", Processes), m("latency_p50", Python), m("latency_p50", Floor)
	add("submit→result p50: ≥7x better than Python, within 3x of the floor", lpy/lp >= 7 && lp/lf <= 3,
		"%.1fx better than Python, %.2fx the floor's time", lpy/lp, lp/lf)
	mp, mpy, mf := m("map_1", Processes), m("map_1", Python), m("map_1", Floor)
	add("Map at chunksize 1: ≥20x Python's tasks/s, ≥1/4 of the floor's stream", mp/mpy >= 20 && mp/mf >= 0.25,
		"%.1fx Python, %.2f of the floor", mp/mpy, mp/mf)
	best, bestC := math.NaN(), ""
	for _, row := range r.Rows {
		if c, ok := strings.CutPrefix(row.Key, "map_"); ok && c != "auto" {
			if v := m(row.Key, Processes); !(v <= best) {
				best, bestC = v, c
			}
		}
	}
	cp, cf := m("map_cpu_1", Processes), m("map_cpu_1", Floor)
	add("CPU per item at chunksize 1: at most 3x the floor's CPU per message", cp/cf <= 3,
		"%.1f µs against the floor's %.1f µs: %.2fx", cp, cf, cp/cf)
	mb := m("map_1_buffer", Processes)
	add(fmt.Sprintf("Map at chunksize 1 with Buffer(%d): ≥1/2 of the floor's stream", largeBuffer), mb/mf >= 0.5,
		"%.2f of the floor", mb/mf)
	ma, ska, skb := m("map_auto", Processes), m("skewed_auto", Processes), m("skewed_best", Processes)
	add("AutoChunksize: ≥80% of the best fixed chunk size's tasks/s, on the identity Map and the skewed workload",
		ma/best >= 0.8 && ska/skb >= 0.8,
		"identity %.2f of chunksize %s's rate, skewed %.2f of the best fixed size's", ma/best, bestC, ska/skb)
	sp, spy, sf := m("startup_warm", Processes), m("startup_warm", Python), m("startup_warm", Floor)
	add("startup: within 1.5x of the floor, faster than Python's fastest start method", sp/sf <= 1.5 && sp < spy,
		"%.2fx the floor's time; %.1f ms against Python's %.1f ms", sp/sf, sp, spy)
	e1, ep := m("eff_1ms", Processes), m("primes_eff2", Processes)
	e1f, pc, pcf := m("eff_1ms", Floor), m("eff_1ms_parent", Processes), m("eff_1ms_parent", Floor)
	add("efficiency ≥0.95 with 1 ms tasks and on primes (2 workers)", e1 >= 0.95 && ep >= 0.95,
		"1 ms tasks %.3f (floor %.3f; the parent's CPU per task %.1f µs, the floor's %.1f µs), primes %.3f", e1, e1f, pc, pcf, ep)
	bp, bpy := m("bytes_1MiB", Processes), m("bytes_1MiB", Python)
	add("1 MiB round trip: ≥2x Python's MB/s", bp/bpy >= 2, "%.2fx Python", bp/bpy)
	cd, cf, cl, cn := m("crash_detect", Processes), m("crash_detect", Floor), m("crash_lost", Processes), m("crash_next", Processes)
	add("crash: failed within 2 ms of the floor's exit detection, none lost, next submit works", cd-cf <= 2 && cl == 0 && cn == 1,
		"%.2f ms after the floor's %.2f ms; %.0f lost; next submit works: %v", cd-cf, cf, cl, cn == 1)
	return ts
}

// loadAvg returns the machine's load averages over 1, 5 and 15 minutes,
// or "" where /proc does not say.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// machine describes this machine.
func machine() Machine {
	mc := Machine{CPUs: runtime.NumCPU(), OS: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version(), Python: "no python3",
		GOMAXPROCS: runtime.GOMAXPROCS(0)}
	if p, err := pool.New(pool.Config{Workers: Workers}); err == nil {
		mc.WorkerGOMAXPROCS, _ = pool.Submit(context.Background(), p, maxProcs, struct{}{}).Result()
		p.Close()
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				mc.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		mc.Kernel = strings.TrimSpace(string(b))
	}
	mc.LoadAvg = loadAvg()
	if _, v, err := FindPython(); err == nil {
		mc.Python = v
	}
	if py, v, err := FindJoblib(); err == nil {
		mc.Joblib = v + " (" + py + ")"
	}
	return mc
}

// WriteTable prints the report as one table, then the targets.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "workload\tunit\tPython\tprocesses\tgoroutines\tfloor\tx Python\tx floor\t")
	for _, row := range r.Rows {
		fmt.Fprintf(tw, "%s\t%s\t", row.Label, row.Unit)
		for _, impl := range impls {
			fmt.Fprintf(tw, "%s\t", cell(row.Values[impl]))
		}
		fmt.Fprintf(tw, "%s\t%s\t\n", ratio(row.XPython), ratio(row.XFloor))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nmedian (min–max) of %d rounds, 2 workers; x = times better than Python / the floor (above 1: better)\n", r.Rounds)
	procs := "GOMAXPROCS not recorded" // a results file from before the field
	if r.Machine.GOMAXPROCS != 0 {
		procs = fmt.Sprintf("GOMAXPROCS %d, a worker's %d", r.Machine.GOMAXPROCS, r.Machine.WorkerGOMAXPROCS)
	}
	py := r.Machine.Python
	if r.Machine.Joblib != "" {
		py += ", " + r.Machine.Joblib
	}
	load := "load " + r.Machine.LoadAvg
	if r.Machine.LoadAvgStart != "" {
		load = fmt.Sprintf("load %s at the start, %s at the end", r.Machine.LoadAvgStart, r.Machine.LoadAvg)
	}
	fmt.Fprintf(w, "machine: %s, %d CPUs, %s, kernel %s, %s, %s, %s; %s\n\ntargets:\n",
		r.Machine.CPU, r.Machine.CPUs, r.Machine.OS, r.Machine.Kernel, r.Machine.Go, py, load, procs)
	for _, t := range r.Targets {
		mark := "met   "
		switch {
		case !t.Measured:
			mark = "n/a   "
		case !t.Met:
			mark = "MISSED"
		}
		fmt.Fprintf(w, "  %s  %s: %s\n", mark, t.Name, t.Detail)
	}
	_, err := fmt.Fprintln(w)
	return err
}

func cell(s *Stat) string {
	if s == nil {
		return "-"
	}
	if s.Min == s.Max {
		return num(s.Median)
	}
	return fmt.Sprintf("%s (%s–%s)", num(s.Median), num(s.Min), num(s.Max))
}

func ratio(x *float64) string {
	if x == nil || math.IsInf(*x, 0) || math.IsNaN(*x) {
		return "-"
	}
	return num(*x) + "x"
}

// num prints three significant digits, or whole numbers from 1000 on.
func num(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1000 || a == 0:
		return fmt.Sprintf("%.0f", v)
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.3f", v)
}
