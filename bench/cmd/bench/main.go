// Command bench runs the Pool School benchmark: the pool with processes and
// goroutines against Python's ProcessPoolExecutor and a raw pipe floor. It
// prints one table and writes the same as JSON.
//
//	go run ./bench/cmd/bench [-quick] [-rounds 5] [-json file] [-only map,latency]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/poolschool/poolschool/bench"
	"github.com/poolschool/poolschool/pool"
)

func main() {
	pool.Main()
	bench.Child()
	quick := flag.Bool("quick", false, "a tiny run, under 30 s")
	rounds := flag.Int("rounds", 0, "rounds per workload (default 5, 1 with -quick)")
	jsonOut := flag.String("json", "", "also write the report as JSON to this file")
	only := flag.String("only", "", "comma-separated workloads to run (default all)")
	verbose := flag.Bool("v", false, "log each workload and round as it runs")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "bench: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	cfg := bench.Config{Rounds: *rounds, Scale: bench.Full}
	cmdline := "make bench"
	if *quick {
		cfg.Scale = bench.Quick
		cmdline = "make bench QUICK=1"
	}
	if cfg.Rounds == 0 {
		cfg.Rounds = 5
		if *quick {
			cfg.Rounds = 1
		}
	}
	if *only != "" {
		cfg.Only = strings.Split(*only, ",")
	}
	if *verbose {
		cfg.Log = func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	}
	py, _, err := bench.FindPython()
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
	}
	cfg.Python = py
	if py != "" {
		jl, _, err := bench.FindJoblib()
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		}
		cfg.Joblib = jl
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	r, err := bench.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	r.Command = cmdline
	r.WriteTable(os.Stdout)
	if *jsonOut != "" {
		b, err := json.MarshalIndent(r, "", "  ")
		if err == nil {
			err = os.WriteFile(*jsonOut, append(b, '\n'), 0o644)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: writing %s: %v\n", *jsonOut, err)
			os.Exit(1)
		}
	}
}
