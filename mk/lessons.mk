# Lessons and the book (issue 7).
#   make lessons   run every lesson, in order
#   make docs      draw docs/images/*.svg from the traces next to them, paste
#                  the table of bench/results.json into bench/results.txt,
#                  and rewrite the code and output blocks and the quoted
#                  numbers of docs/ from the lessons, their golden files and
#                  recorded runs, the errata's programs and that table
#   make traces    record the real traces those pictures come from, by
#                  running lessons 6 (Config.Trace) and 12 (POOLSCHOOL_TRACE)
#   make golden    re-record the golden files, the homework samples, the
#                  errata's outputs (with the recorded python3 only), the
#                  runs the book quotes
#                  (lessons/testdata/runs/, one lesson at a time so that
#                  their timings are not the other lessons' load) and the
#                  traces, then make docs
LESSONS := $(sort $(dir $(wildcard lessons/[0-9][0-9]-*/main.go)))

.PHONY: lessons docs docs-check golden traces
lessons:
	@for d in $(LESSONS); do \
		echo "=== go run ./$$d"; \
		$(GO) run ./$$d || exit 1; \
		echo; \
	done

docs:
	$(GO) run ./internal/tracesvg/cmd/tracesvg -dir docs/images
	$(GO) run ./bench/cmd/benchtable -in bench/results.json -out bench/results.txt
	$(GO) run ./internal/docsync/cmd/docsync

docs-check:
	$(GO) run ./internal/tracesvg/cmd/tracesvg -dir docs/images -check
	$(GO) run ./internal/docsync/cmd/docsync -check

traces:
	@mkdir -p docs/images
	$(GO) run ./lessons/06-load-balance -trace docs/images/06-load-balance.trace.json >/dev/null
	POOLSCHOOL_TRACE=docs/images/12-tracing.trace.json $(GO) run ./lessons/12-tracing >/dev/null 2>&1

golden:
	UPDATE_SCRIPTS=1 $(GO) test -count=1 -parallel 1 -run 'TestLessons|TestRaceReport' ./lessons/
	UPDATE_SAMPLES=1 $(GO) test -count=1 ./internal/homework/
	UPDATE_ERRATA=1 $(GO) test -count=1 ./internal/errata/
	$(MAKE) traces
	$(MAKE) docs
