# Lessons and the book (issue 7).
#   make lessons   run every lesson, in order
#   make docs      rewrite the code and output blocks of docs/ from the lessons
#                  and their golden files (lessons/testdata/*.txtar)
#   make golden    re-record the golden files from fresh runs, then make docs
LESSONS := $(sort $(dir $(wildcard lessons/[0-9][0-9]-*/main.go)))

.PHONY: lessons docs docs-check golden
lessons:
	@for d in $(LESSONS); do \
		echo "=== go run ./$$d"; \
		$(GO) run ./$$d || exit 1; \
		echo; \
	done

docs:
	$(GO) run ./internal/docsync/cmd/docsync

docs-check:
	$(GO) run ./internal/docsync/cmd/docsync -check

golden:
	UPDATE_SCRIPTS=1 $(GO) test -count=1 ./lessons/
	$(GO) run ./internal/docsync/cmd/docsync
