package bench

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/poolschool/poolschool/pool"
)

// workloads are the workloads, in the table's order.
func workloads(sz sizes) []workload {
	ws := []workload{
		{name: "startup", rows: []row{
			{"startup_warm", "startup warm: create, 2 results, close (median of 5)", "ms", false},
			{"startup_cold", "startup cold: same, first in a fresh process", "ms", false},
		}, run: runStartup},
		{name: "latency", rows: []row{
			{"latency_p50", "submit→result latency p50", "µs", false},
			{"latency_mean", "submit→result latency mean", "µs", false},
			{"latency_p99", "submit→result latency p99", "µs", false},
		}, run: runLatency},
	}
	mapw := workload{name: "map", run: runMap}
	for _, c := range sz.chunksizes {
		mapw.rows = append(mapw.rows, row{"map_" + itoa(c), fmt.Sprintf("Map identity %d ints, chunksize %d", sz.mapN, c), "tasks/s", true})
	}
	mapw.rows = append(mapw.rows,
		row{"map_1_buffer", fmt.Sprintf("Map identity %d ints, chunksize 1, Buffer(%d)", sz.mapN, largeBuffer), "tasks/s", true},
		row{"map_auto", fmt.Sprintf("Map identity %d ints, AutoChunksize (Python: joblib auto)", sz.mapN), "tasks/s", true},
		row{"map_cpu_1", "CPU per item at chunksize 1, parent and workers (getrusage)", "µs", false})
	ws = append(ws, mapw,
		workload{name: "skewed", rows: []row{
			{"skewed_best", fmt.Sprintf("skewed %d inputs (1/8 of 40 ms, the rest 2 ms): best fixed chunk size", sz.skewedN), "tasks/s", true},
			{"skewed_auto", fmt.Sprintf("skewed %d inputs: AutoChunksize (Python: joblib auto)", sz.skewedN), "tasks/s", true},
		}, run: runSkewed},
		workload{name: "primes", rows: []row{
			{"primes_eff1", fmt.Sprintf("primes < %d in %d chunks: efficiency, 1 worker", sz.primeLimit, sz.primeChunks), "ratio", true},
			{"primes_eff2", fmt.Sprintf("primes < %d in %d chunks: efficiency, 2 workers", sz.primeLimit, sz.primeChunks), "ratio", true},
			{"primes_speedup2", fmt.Sprintf("primes < %d in %d chunks: speedup, 2 workers", sz.primeLimit, sz.primeChunks), "x", true},
		}, run: runPrimes},
		workload{name: "efficiency", rows: []row{
			{"eff_100us", "efficiency, 0.1 ms tasks", "ratio", true},
			{"eff_1ms", "efficiency, 1 ms tasks", "ratio", true},
			{"eff_10ms", "efficiency, 10 ms tasks", "ratio", true},
			{"eff_1ms_parent", "efficiency, 1 ms tasks: the parent's CPU per task (getrusage)", "µs", false},
		}, run: runEfficiency},
		workload{name: "bytes", rows: []row{
			{"bytes_1MiB", "1 MiB []byte round trip", "MB/s", true},
			{"bytes_16MiB", "16 MiB []byte round trip", "MB/s", true},
		}, run: runBytes},
		workload{name: "errors", rows: []row{
			{"call_ok", "task that succeeds, submit→result", "µs", false},
			{"call_err", "task that returns an error, submit→result", "µs", false},
		}, run: runErrors},
		workload{name: "crash", rows: []row{
			{"crash_detect", "worker crash: exit to failed future", "ms", false},
			{"crash_lost", fmt.Sprintf("worker crash: other in-flight tasks lost (of %d)", sz.crashOthers), "tasks", false},
			{"crash_next", "worker crash: next submit works (1 yes)", "bool", true},
		}, run: runCrash},
		workload{name: "queue", rows: []row{
			{"queue", fmt.Sprintf("Queue: 2 producers, %d ints to the parent", sz.queueN), "items/s", true},
		}, run: runQueue},
		workload{name: "memory", rows: []row{
			{"worker_rss", "memory of a ready worker process: resident (RSS)", "MiB", false},
			{"worker_pss", "memory of a ready worker process: its share (PSS)", "MiB", false},
		}, run: runMemory},
	)
	return ws
}

// newPool starts a pool of the backend impl names and has every worker
// serve a task, so that what follows measures a ready pool.
func newPool(impl Impl, workers int) (*pool.Pool, error) {
	b := pool.Processes
	if impl == Goroutines {
		b = pool.Goroutines
	}
	p, err := pool.New(pool.Config{Workers: workers, Backend: b})
	if err != nil {
		return nil, err
	}
	for _, err := range pool.Map(context.Background(), p, identity, ints(4*workers)) {
		if err != nil {
			p.Close()
			return nil, err
		}
	}
	return p, nil
}

// ints yields 0..n-1.
func ints(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

// startup creates a pool of 2 workers, gets a result from each and closes
// it: for the floor, starts 2 children, has each answer once, and waits
// for them.
func startup(impl Impl) (time.Duration, error) {
	start := time.Now()
	if impl == Floor {
		fs, err := startFloors(floorInt, Workers)
		if err != nil {
			return 0, err
		}
		for i, f := range fs {
			var r int
			if err := f.call(i, &r); err != nil {
				closeFloors(fs)
				return 0, err
			}
		}
		if err := closeFloors(fs); err != nil {
			return 0, err
		}
		return time.Since(start), nil
	}
	b := pool.Processes
	if impl == Goroutines {
		b = pool.Goroutines
	}
	p, err := pool.New(pool.Config{Workers: Workers, Backend: b})
	if err != nil {
		return 0, err
	}
	fs := []*pool.Future[int]{}
	for i := range Workers {
		fs = append(fs, pool.Submit(context.Background(), p, identity, i))
	}
	for _, f := range fs {
		if _, err := f.Result(); err != nil {
			p.Close()
			return 0, err
		}
	}
	if err := p.Close(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// coldStartup measures a startup in a fresh process of this binary.
func coldStartup(impl Impl) (time.Duration, error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), envCold+"="+string(impl))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("cold start: %w", err)
	}
	s, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		return 0, fmt.Errorf("cold start: unexpected output %q", out)
	}
	return time.Duration(s * float64(time.Second)), nil
}

// pythonMethods are the start methods of multiprocessing; Python's startup
// is its fastest one.
var pythonMethods = []string{"fork", "forkserver", "spawn"}

func runStartup(h *harness, impl Impl) (map[string]float64, string, error) {
	if impl == Python {
		best := map[string]float64{}
		var notes []string
		for _, kind := range []string{"warm", "cold"} {
			fastest := ""
			for _, m := range pythonMethods {
				out, err := h.python(map[string]any{"workload": "startup_" + kind, "method": m, "repeat": startupRepeat})
				if err != nil {
					return nil, "", err
				}
				took := out["seconds"] * 1e3
				notes = append(notes, fmt.Sprintf("%s %s %.1f ms", kind, m, took))
				if cur, ok := best["startup_"+kind]; !ok || took < cur {
					best["startup_"+kind], fastest = took, m
				}
			}
			notes = append(notes, kind+" fastest: "+fastest)
		}
		return best, "python " + strings.Join(notes, ", "), nil
	}
	if _, err := startup(impl); err != nil { // the warm-up
		return nil, "", err
	}
	var warm []time.Duration
	for range startupRepeat {
		d, err := startup(impl)
		if err != nil {
			return nil, "", err
		}
		warm = append(warm, d)
	}
	cold, err := coldStartup(impl)
	if err != nil {
		return nil, "", err
	}
	slices.Sort(warm)
	return map[string]float64{"startup_warm": ms(warm[len(warm)/2]), "startup_cold": ms(cold)}, "", nil
}

// startupRepeat is how many warm starts a round times: a start takes a few
// milliseconds, in which one hiccup of a shared machine weighs a lot, so a
// round reports the median of several.
const startupRepeat = 5

func ms(d time.Duration) float64 { return d.Seconds() * 1e3 }
func us(d time.Duration) float64 { return d.Seconds() * 1e6 }

// latencies summarises sequential round trips.
func latencies(lat []time.Duration) map[string]float64 {
	slices.Sort(lat)
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	return map[string]float64{
		"latency_mean": us(sum / time.Duration(len(lat))),
		"latency_p50":  us(lat[len(lat)/2]),
		"latency_p99":  us(lat[min(len(lat)-1, len(lat)*99/100)]),
	}
}

func runLatency(h *harness, impl Impl) (map[string]float64, string, error) {
	n := h.sz.latencyN
	switch impl {
	case Python:
		out, err := h.python(map[string]any{"workload": "latency", "n": n})
		if err != nil {
			return nil, "", err
		}
		return map[string]float64{"latency_mean": out["mean"] * 1e6, "latency_p50": out["p50"] * 1e6, "latency_p99": out["p99"] * 1e6}, "", nil
	case Floor:
		f, err := startFloor(floorInt)
		if err != nil {
			return nil, "", err
		}
		defer f.close()
		lat := make([]time.Duration, 0, n)
		for i := range n + 10 {
			start := time.Now()
			var r int
			if err := f.call(i, &r); err != nil {
				return nil, "", err
			}
			if i >= 10 {
				lat = append(lat, time.Since(start))
			}
		}
		return latencies(lat), "", nil
	}
	p, err := newPool(impl, Workers)
	if err != nil {
		return nil, "", err
	}
	defer p.Close()
	lat := make([]time.Duration, 0, n)
	for i := range n {
		start := time.Now()
		if _, err := pool.Submit(context.Background(), p, identity, i).Result(); err != nil {
			return nil, "", err
		}
		lat = append(lat, time.Since(start))
	}
	return latencies(lat), "", nil
}

func runMap(h *harness, impl Impl) (map[string]float64, string, error) {
	n := h.sz.mapN
	out := map[string]float64{}
	for _, c := range h.sz.chunksizes {
		key := "map_" + itoa(c)
		switch impl {
		case Python:
			r, err := h.python(map[string]any{"workload": "map", "n": n, "chunksize": c})
			if err != nil {
				return nil, "", err
			}
			out[key] = r["rate"]
		case Floor:
			cpu0 := cpuTime()
			fs, err := startFloors(floorInts, Workers)
			if err != nil {
				return nil, "", err
			}
			var chunks [][]int
			for lo := 0; lo < n; lo += c {
				chunks = append(chunks, slices.Collect(func(yield func(int) bool) {
					for i := lo; i < min(lo+c, n); i++ {
						if !yield(i) {
							return
						}
					}
				}))
			}
			start := time.Now()
			_, err = floorStream[[]int, []int](fs, chunks)
			took := time.Since(start)
			closeFloors(fs)
			if err != nil {
				return nil, "", err
			}
			out[key] = float64(n) / took.Seconds()
			if c == 1 {
				out["map_cpu_1"] = (cpuTime() - cpu0).Seconds() * 1e6 / float64(n)
			}
		default:
			cpu0 := cpuTime()
			rate, err := mapRate(impl, n, pool.Chunksize(c))
			if err != nil {
				return nil, "", err
			}
			out[key] = rate
			if c == 1 {
				out["map_cpu_1"] = (cpuTime() - cpu0).Seconds() * 1e6 / float64(n)
			}
		}
	}
	switch impl {
	case Processes, Goroutines:
		rate, err := mapRate(impl, n, pool.Chunksize(1), pool.Buffer(largeBuffer))
		if err != nil {
			return nil, "", err
		}
		out["map_1_buffer"] = rate
		if rate, err = mapRate(impl, n, pool.AutoChunksize()); err != nil {
			return nil, "", err
		}
		out["map_auto"] = rate
	case Python:
		if h.cfg.Joblib != "" {
			r, err := h.joblib(map[string]any{"workload": "joblib_map", "n": n})
			if err != nil {
				return nil, "", err
			}
			out["map_auto"] = r["rate"]
		}
	}
	return out, "", nil
}

// largeBuffer is the Buffer of the row that shows what a deep window gives
// at chunksize 1.
const largeBuffer = 4096

// skewedChunksizes are the fixed chunk sizes the skewed workload sweeps.
var skewedChunksizes = []int{1, 2, 5, 10, 20}

// skewedCosts is the skewed workload of the chunksize homework: the first
// eighth of the inputs take 40 ms, the others 2 ms, as sleeps.
func skewedCosts(n int) []time.Duration {
	costs := make([]time.Duration, n)
	for i := range costs {
		costs[i] = 2 * time.Millisecond
		if i < n/8 {
			costs[i] = 40 * time.Millisecond
		}
	}
	return costs
}

// runSkewed measures the skewed workload at each fixed chunk size, keeps
// the best rate, and then AutoChunksize; Python's best fixed size is
// ProcessPoolExecutor's, its AutoChunksize cell joblib's.
func runSkewed(h *harness, impl Impl) (map[string]float64, string, error) {
	n := h.sz.skewedN
	out := map[string]float64{}
	best, bestC := 0.0, 0
	switch impl {
	case Python:
		for _, c := range skewedChunksizes {
			r, err := h.python(map[string]any{"workload": "skewed", "n": n, "chunksize": c})
			if err != nil {
				return nil, "", err
			}
			if r["rate"] > best {
				best, bestC = r["rate"], c
			}
		}
		out["skewed_best"] = best
		if h.cfg.Joblib != "" {
			r, err := h.joblib(map[string]any{"workload": "joblib_skewed", "n": n})
			if err != nil {
				return nil, "", err
			}
			out["skewed_auto"] = r["rate"]
		}
	case Processes, Goroutines:
		costs := skewedCosts(n)
		for _, c := range skewedChunksizes {
			rate, err := seqRate(impl, costs, pool.Chunksize(c))
			if err != nil {
				return nil, "", err
			}
			if rate > best {
				best, bestC = rate, c
			}
		}
		out["skewed_best"] = best
		rate, err := seqRate(impl, costs, pool.AutoChunksize())
		if err != nil {
			return nil, "", err
		}
		out["skewed_auto"] = rate
	default:
		return nil, "", nil
	}
	return out, fmt.Sprintf("%s skewed: best fixed chunk size %d", impl, bestC), nil
}

// seqRate maps the sleep task over costs on a fresh pool of impl and
// returns the inputs per second.
func seqRate(impl Impl, costs []time.Duration, opts ...pool.Option) (float64, error) {
	p, err := newPool(impl, Workers)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	got := 0
	for _, err := range pool.Map(context.Background(), p, sleepTask, slices.Values(costs), opts...) {
		if err != nil {
			p.Close()
			return 0, fmt.Errorf("skewed item %d: %v", got, err)
		}
		got++
	}
	took := time.Since(start)
	if err := p.Close(); err != nil {
		return 0, err
	}
	return float64(len(costs)) / took.Seconds(), nil
}

// mapRate maps identity over n ints on a fresh pool of impl and returns
// the items per second.
func mapRate(impl Impl, n int, opts ...pool.Option) (float64, error) {
	p, err := newPool(impl, Workers)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	got := 0
	for v, err := range pool.Map(context.Background(), p, identity, ints(n), opts...) {
		if err != nil || v != got {
			p.Close()
			return 0, fmt.Errorf("map item %d: got %d, %v", got, v, err)
		}
		got++
	}
	took := time.Since(start)
	if err := p.Close(); err != nil {
		return 0, err
	}
	return float64(n) / took.Seconds(), nil
}

func runPrimes(h *harness, impl Impl) (map[string]float64, string, error) {
	ranges := primeRanges(h.sz.primeLimit, h.sz.primeChunks)
	var serial time.Duration
	took := map[int]time.Duration{}
	counts := map[int]int{}
	if impl == Python {
		for _, w := range []int{0, 1, 2} {
			out, err := h.python(map[string]any{"workload": "primes", "limit": h.sz.primeLimit, "chunks": h.sz.primeChunks, "workers": w})
			if err != nil {
				return nil, "", err
			}
			took[w] = time.Duration(out["seconds"] * float64(time.Second))
			counts[w] = int(out["count"])
		}
		serial = took[0]
	} else {
		start := time.Now()
		for _, r := range ranges {
			counts[0] += countPrimes(r)
		}
		serial = time.Since(start)
		for _, w := range []int{1, 2} {
			var err error
			took[w], counts[w], err = primesOn(impl, w, ranges)
			if err != nil {
				return nil, "", err
			}
		}
	}
	if counts[1] != counts[0] || counts[2] != counts[0] {
		return nil, "", fmt.Errorf("primes: counts differ: serial %d, 1 worker %d, 2 workers %d", counts[0], counts[1], counts[2])
	}
	note := fmt.Sprintf("%s serial %.0f ms, 1 worker %.0f ms, 2 workers %.0f ms", impl, ms(serial), ms(took[1]), ms(took[2]))
	s := serial.Seconds()
	return map[string]float64{
		"primes_eff1":     s / took[1].Seconds(),
		"primes_eff2":     s / took[2].Seconds() / 2,
		"primes_speedup2": s / took[2].Seconds(),
	}, note, nil
}

// primesOn counts the primes of ranges with w workers of impl.
func primesOn(impl Impl, w int, ranges []primeRange) (time.Duration, int, error) {
	if impl == Floor {
		fs, err := startFloors(floorPrimes, w)
		if err != nil {
			return 0, 0, err
		}
		defer closeFloors(fs)
		start := time.Now()
		counts, err := floorStream[primeRange, int](fs, ranges)
		took := time.Since(start)
		if err != nil {
			return 0, 0, err
		}
		total := 0
		for _, n := range counts {
			total += n
		}
		return took, total, nil
	}
	p, err := newPool(impl, w)
	if err != nil {
		return 0, 0, err
	}
	defer p.Close()
	start := time.Now()
	total := 0
	for n, err := range pool.Map(context.Background(), p, primes, slices.Values(ranges)) {
		if err != nil {
			return 0, 0, err
		}
		total += n
	}
	return time.Since(start), total, nil
}

// spinDurations are the task durations of the efficiency workload, by row.
var spinDurations = []struct {
	key string
	d   time.Duration
}{{"eff_100us", 100 * time.Microsecond}, {"eff_1ms", time.Millisecond}, {"eff_10ms", 10 * time.Millisecond}}

func runEfficiency(h *harness, impl Impl) (map[string]float64, string, error) {
	out := map[string]float64{}
	for _, sd := range spinDurations {
		// Enough tasks for Workers times the total work of one worker.
		n := max(Workers, int(h.sz.spinWork/sd.d)*Workers)
		var took, parent time.Duration
		switch impl {
		case Python:
			r, err := h.python(map[string]any{"workload": "spin", "seconds": sd.d.Seconds(), "n": n})
			if err != nil {
				return nil, "", err
			}
			out[sd.key] = r["efficiency"]
			continue
		case Floor:
			fs, err := startFloors(floorSpin, Workers)
			if err != nil {
				return nil, "", err
			}
			start, cpu0 := time.Now(), parentCPU()
			_, err = floorStream[time.Duration, int](fs, slices.Repeat([]time.Duration{sd.d}, n))
			took, parent = time.Since(start), parentCPU()-cpu0
			closeFloors(fs)
			if err != nil {
				return nil, "", err
			}
		default:
			p, err := newPool(impl, Workers)
			if err != nil {
				return nil, "", err
			}
			start, cpu0 := time.Now(), parentCPU()
			for _, err := range pool.Map(context.Background(), p, spinTask, slices.Values(slices.Repeat([]time.Duration{sd.d}, n))) {
				if err != nil {
					p.Close()
					return nil, "", err
				}
			}
			took, parent = time.Since(start), parentCPU()-cpu0
			if err := p.Close(); err != nil {
				return nil, "", err
			}
		}
		out[sd.key] = float64(n) * sd.d.Seconds() / (Workers * took.Seconds())
		// With goroutines the parent runs the tasks too: its CPU is theirs.
		if sd.key == "eff_1ms" && impl != Goroutines {
			out["eff_1ms_parent"] = parent.Seconds() * 1e6 / float64(n)
		}
	}
	return out, "", nil
}

// payloadSizes are the byte-slice sizes of the bytes workload, by row.
var payloadSizes = []struct {
	key  string
	size int
}{{"bytes_1MiB", 1 << 20}, {"bytes_16MiB", 16 << 20}}

func runBytes(h *harness, impl Impl) (map[string]float64, string, error) {
	out := map[string]float64{}
	for _, ps := range payloadSizes {
		count := h.sz.bytesCount[ps.size]
		if impl == Python {
			r, err := h.python(map[string]any{"workload": "bytes", "size": ps.size, "count": count})
			if err != nil {
				return nil, "", err
			}
			out[ps.key] = r["mbps"]
			continue
		}
		payload := make([]byte, ps.size)
		for i := range payload {
			payload[i] = byte(i * 7)
		}
		var roundTrip func() (int, error)
		if impl == Floor {
			f, err := startFloor(floorBytes)
			if err != nil {
				return nil, "", err
			}
			defer f.close()
			roundTrip = func() (int, error) {
				var r []byte
				err := f.call(payload, &r)
				return len(r), err
			}
		} else {
			p, err := newPool(impl, Workers)
			if err != nil {
				return nil, "", err
			}
			defer p.Close()
			roundTrip = func() (int, error) {
				r, err := pool.Submit(context.Background(), p, echo, payload).Result()
				return len(r), err
			}
		}
		if _, err := roundTrip(); err != nil { // the warm-up
			return nil, "", err
		}
		start := time.Now()
		for range count {
			n, err := roundTrip()
			if err != nil {
				return nil, "", err
			}
			if n != ps.size {
				return nil, "", fmt.Errorf("round trip of %d bytes returned %d", ps.size, n)
			}
		}
		out[ps.key] = float64(ps.size*count) / time.Since(start).Seconds() / 1e6
	}
	return out, "", nil
}

func runErrors(h *harness, impl Impl) (map[string]float64, string, error) {
	n := h.sz.errN
	switch impl {
	case Python:
		r, err := h.python(map[string]any{"workload": "errcost", "n": n})
		if err != nil {
			return nil, "", err
		}
		return map[string]float64{"call_ok": r["success"] * 1e6, "call_err": r["error"] * 1e6}, "", nil
	case Floor:
		// The floor knows no errors: its row is the plain round trip.
		f, err := startFloor(floorInt)
		if err != nil {
			return nil, "", err
		}
		defer f.close()
		var total time.Duration
		for i := range n {
			start := time.Now()
			var r int
			if err := f.call(i, &r); err != nil {
				return nil, "", err
			}
			total += time.Since(start)
		}
		return map[string]float64{"call_ok": us(total / time.Duration(n))}, "", nil
	}
	p, err := newPool(impl, Workers)
	if err != nil {
		return nil, "", err
	}
	defer p.Close()
	var ok, bad time.Duration
	for i := range n {
		start := time.Now()
		if _, err := pool.Submit(context.Background(), p, identity, i).Result(); err != nil {
			return nil, "", err
		}
		ok += time.Since(start)
		start = time.Now()
		if _, err := pool.Submit(context.Background(), p, fail, i).Result(); err == nil {
			return nil, "", errors.New("the failing task succeeded")
		}
		bad += time.Since(start)
	}
	return map[string]float64{"call_ok": us(ok / time.Duration(n)), "call_err": us(bad / time.Duration(n))}, "", nil
}

// runCrash has a worker exit while others tasks are in flight: one long
// task on the other worker, and short ones queued behind the crash.
func runCrash(h *harness, impl Impl) (map[string]float64, string, error) {
	dir, err := os.MkdirTemp("", "poolschool-bench-crash")
	if err != nil {
		return nil, "", err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "stamp")
	switch impl {
	case Goroutines:
		return nil, "", nil // a crash takes the whole program down
	case Python:
		r, err := h.python(map[string]any{"workload": "crash", "dir": dir, "others": h.sz.crashOthers})
		if err != nil {
			return nil, "", err
		}
		return map[string]float64{"crash_detect": r["detect"] * 1e3, "crash_lost": r["lost"], "crash_next": r["next_ok"]}, "", nil
	case Floor:
		f, err := startFloor(floorCrash)
		if err != nil {
			return nil, "", err
		}
		if err := f.send(path); err != nil {
			return nil, "", err
		}
		f.cmd.Wait()
		seen := time.Now()
		f.toW.Close()
		f.from.Close()
		died, err := readStamp(path)
		if err != nil {
			return nil, "", err
		}
		return map[string]float64{"crash_detect": ms(seen.Sub(died))}, "", nil
	}
	p, err := newPool(impl, Workers)
	if err != nil {
		return nil, "", err
	}
	defer p.Close()
	ctx := context.Background()
	others := []*pool.Future[int]{pool.Submit(ctx, p, sleepTask, 50*time.Millisecond)}
	crashed := pool.Submit(ctx, p, crash, path)
	for range h.sz.crashOthers - 1 {
		others = append(others, pool.Submit(ctx, p, sleepTask, 20*time.Millisecond))
	}
	<-crashed.Done()
	seen := time.Now()
	if _, err := crashed.Result(); !errors.Is(err, pool.ErrWorkerDied) {
		return nil, "", fmt.Errorf("the crashing task ended with %v, not a worker death", err)
	}
	died, err := readStamp(path)
	if err != nil {
		return nil, "", err
	}
	lost := 0
	for _, f := range others {
		if _, err := f.Result(); err != nil {
			lost++
		}
	}
	next := 0.0
	if v, err := pool.Submit(ctx, p, identity, 7).Result(); err == nil && v == 7 {
		next = 1
	}
	return map[string]float64{"crash_detect": ms(seen.Sub(died)), "crash_lost": float64(lost), "crash_next": next}, "", nil
}

// queueCapacity bounds the pool's queue in the queue workload;
// multiprocessing.Queue has no bound.
const queueCapacity = 1024

func runQueue(h *harness, impl Impl) (map[string]float64, string, error) {
	per := h.sz.queueN / Workers
	n := per * Workers
	switch impl {
	case Python:
		r, err := h.python(map[string]any{"workload": "queue", "n": h.sz.queueN})
		if err != nil {
			return nil, "", err
		}
		return map[string]float64{"queue": r["rate"]}, "", nil
	case Floor:
		fs, err := startFloors(floorProduce, Workers)
		if err != nil {
			return nil, "", err
		}
		defer closeFloors(fs)
		start := time.Now()
		errc := make(chan error, len(fs))
		for _, f := range fs {
			go func() {
				if err := f.send(per); err != nil {
					errc <- err
					return
				}
				errc <- floorDrain[int](f, per)
			}()
		}
		for range fs {
			if err := <-errc; err != nil {
				return nil, "", err
			}
		}
		return map[string]float64{"queue": float64(n) / time.Since(start).Seconds()}, "", nil
	}
	p, err := newPool(impl, Workers)
	if err != nil {
		return nil, "", err
	}
	defer p.Close()
	q, err := pool.NewQueue[int](p, queueCapacity)
	if err != nil {
		return nil, "", err
	}
	ctx := context.Background()
	start := time.Now()
	var fs []*pool.Future[int]
	for range Workers {
		fs = append(fs, pool.Submit(ctx, p, produce, produceArgs{Q: q, N: per}))
	}
	for range n {
		if _, err := q.Get(ctx); err != nil {
			return nil, "", err
		}
	}
	took := time.Since(start)
	for _, f := range fs {
		if _, err := f.Result(); err != nil {
			return nil, "", err
		}
	}
	q.Close()
	return map[string]float64{"queue": float64(n) / took.Seconds()}, "", nil
}

// runMemory measures what one ready worker process holds in memory, read
// from /proc on Linux: its resident set (what top shows), and its
// proportional set size, the private pages plus its share of the pages it
// shares with other processes (the executable, a forked parent's heap),
// which is what each more worker costs. Goroutine workers have no process
// of their own.
func runMemory(h *harness, impl Impl) (map[string]float64, string, error) {
	var pids []int
	switch impl {
	case Goroutines:
		return map[string]float64{}, "", nil
	case Python:
		out, err := h.python(map[string]any{"workload": "memory"})
		if err != nil {
			return nil, "", err
		}
		if out["pss"] <= 0 {
			return map[string]float64{}, "python: no /proc to read the workers' memory from", nil
		}
		return map[string]float64{"worker_rss": out["rss"], "worker_pss": out["pss"]}, "", nil
	case Floor:
		f, err := startFloor(floorInt)
		if err != nil {
			return nil, "", err
		}
		defer f.close()
		var r int
		if err := f.call(1, &r); err != nil {
			return nil, "", err
		}
		pids = []int{f.cmd.Process.Pid}
	default:
		p, err := newPool(impl, Workers)
		if err != nil {
			return nil, "", err
		}
		defer p.Close()
		for pid := range p.Stats().TasksByPID {
			pids = append(pids, pid)
		}
	}
	out := map[string]float64{}
	for _, pid := range pids {
		sizes, err := memoryMiB(pid)
		if err != nil {
			return map[string]float64{}, "memory: " + err.Error(), nil
		}
		out["worker_rss"] += sizes["Rss"] / float64(len(pids))
		out["worker_pss"] += sizes["Pss"] / float64(len(pids))
	}
	return out, "", nil
}

// memoryMiB reads a process's resident and proportional set sizes, in MiB,
// keyed Rss and Pss as /proc/PID/smaps_rollup names them.
func memoryMiB(pid int) (map[string]float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		if len(f) == 3 && f[2] == "kB" && (f[0] == "Rss:" || f[0] == "Pss:") {
			kb, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return nil, fmt.Errorf("/proc/%d/smaps_rollup: %q: %w", pid, line, err)
			}
			out[strings.TrimSuffix(f[0], ":")] = kb / 1024
		}
	}
	if len(out) != 2 {
		return nil, fmt.Errorf("/proc/%d/smaps_rollup has no Rss and Pss lines", pid)
	}
	return out, nil
}

// cpuTime is the CPU time, user and system, of this process and of its
// children that have exited and been waited for: measured around a run
// that starts and closes its worker processes, it is the run's whole cost,
// which a busy machine disturbs less than the wall time.
func cpuTime() time.Duration {
	var kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	return parentCPU() + time.Duration(kids.Utime.Nano()+kids.Stime.Nano())
}

// parentCPU is the CPU time, user and system, of this process alone: while
// workers compute, what the parent spends is taken from them on a machine
// with as many CPUs as workers.
func parentCPU() time.Duration {
	var self syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	return time.Duration(self.Utime.Nano() + self.Stime.Nano())
}
