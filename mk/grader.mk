# Grader targets. The grader lives in grader/; docs/instructor.md explains
# every command. Students use check, hint and watch; instructors the rest.
#
#   make check                 run the visible checks on your working tree
#   make check EX=primes       ... of one exercise
#   make hint [EX=primes]      show the next hint for the first failing check
#                              (without EX: the exercise your last check left unfinished)
#   make watch [EX=primes]     check again each time you save; keys r, h, q
#   make progress              where you are, from your last check (runs nothing)
#   make reset EX=primes       put an exercise back to its starter, after asking (keeps a backup)
#   make grade SUBMISSIONS=dir EX=primes [OUT=grades] [JOBS=2]   grade one assignment (without EX: every exercise)
#   make validate              every solution full marks, every starter zero
#   make release DIR=../kit    write the student kit
#   make grader-test           the grader's own tests, then validate
#
# The student targets run a grader built into .poolschool/bin (go build's
# cache makes that quick), not "go run", which would add its own
# "exit status 1" line under a report with a failing check.

GO ?= go
GRADER_BIN := .poolschool/bin/grader
GRADER ?= $(GRADER_BIN)
EX ?=
OUT ?= grades
JOBS ?= 2

.PHONY: check hint watch progress reset grade validate release grader-test $(GRADER_BIN)

$(GRADER_BIN):
	@test -x $@ || echo "building the grader (once; on a fresh machine it takes a few seconds) ..."
	@$(GO) build -o $@ ./grader/cmd/grader

# quietly ends a student target that failed without make's own
# "make: *** [...] Error 1" line, so that the grader's summary stays the
# last thing printed: the recipe's shell sends SIGPIPE to make (its
# parent), which neither make nor the shell reports, and make exits with
# status 141, still a failure for scripts and CI.
quietly = || kill -PIPE $$PPID

check: $(if $(filter $(GRADER_BIN),$(GRADER)),$(GRADER_BIN))
	@$(GRADER) check $(if $(EX),-ex $(EX)) $(quietly)

hint: $(if $(filter $(GRADER_BIN),$(GRADER)),$(GRADER_BIN))
	@$(GRADER) hint $(EX) $(quietly)

watch: $(if $(filter $(GRADER_BIN),$(GRADER)),$(GRADER_BIN))
	@$(GRADER) watch $(if $(EX),-ex $(EX)) $(quietly)

progress: $(if $(filter $(GRADER_BIN),$(GRADER)),$(GRADER_BIN))
	@$(GRADER) progress $(quietly)

reset: $(if $(filter $(GRADER_BIN),$(GRADER)),$(GRADER_BIN))
	@$(if $(EX),,$(error name the exercise: make reset EX=primes))
	@$(GRADER) reset $(EX) $(quietly)

grade:
	@$(if $(SUBMISSIONS),,$(error name the submissions: make grade SUBMISSIONS=path/to/class))
	$(GO) run ./grader/cmd/grader grade $(if $(EX),-ex $(EX)) -jobs $(JOBS) -out $(OUT) $(SUBMISSIONS)

validate:
	$(GO) run ./grader/cmd/grader validate

release:
	@$(if $(DIR),,$(error name the folder: make release DIR=../poolschool-student))
	$(GO) run ./grader/cmd/grader release $(DIR)

grader-test:
	$(GO) test -race ./grader/...
	$(GO) run ./grader/cmd/grader validate
