// Command benchtable prints the table of a make bench run from its JSON,
// as make bench printed it. make docs pastes the table of the run in
// bench/results.json into bench/results.txt, which docs/performance.md
// shows; a test in internal/docsync checks that the two agree.
//
//	go run ./bench/cmd/benchtable [-in bench/results.json] [-out bench/results.txt]
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/poolschool/poolschool/bench"
)

func main() {
	in := flag.String("in", "bench/results.json", "the JSON a make bench run wrote")
	out := flag.String("out", "", "write the table to this file instead of standard output")
	flag.Parse()
	data, err := os.ReadFile(*in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	var r bench.Report
	if err := json.Unmarshal(data, &r); err != nil {
		fmt.Fprintf(os.Stderr, "benchtable: %s: %v\n", *in, err)
		os.Exit(1)
	}
	// Files written before targets recorded "measured" measured every
	// target they list: say so, or the table would print n/a for each.
	var raw struct {
		Targets []map[string]json.RawMessage `json:"targets"`
	}
	if json.Unmarshal(data, &raw) == nil {
		for i, t := range raw.Targets {
			if _, ok := t["measured"]; !ok && i < len(r.Targets) {
				r.Targets[i].Measured = true
			}
		}
	}
	var b bytes.Buffer
	if err := r.WriteTable(&b); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if *out == "" {
		os.Stdout.Write(b.Bytes())
		return
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}
