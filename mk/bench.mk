# Benchmark targets. bench/ holds the harness; docs/performance.md shows a
# real run and what it means.
#
#   make bench                 the full run: 5 rounds, a few minutes
#   make bench QUICK=1         a tiny run, under 30 s
#   make bench-go              the pool's testing.B benchmarks (for benchstat)

GO ?= go
QUICK ?=
BENCH_JSON ?= $(if $(QUICK),bench/results-quick.json,bench/results.json)

.PHONY: bench bench-go

bench:
	$(GO) run ./bench/cmd/bench $(if $(QUICK),-quick) -json $(BENCH_JSON)

bench-go:
	$(GO) test -run '^$$' -bench . -count 5 ./pool/
