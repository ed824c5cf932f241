# Pool School. `make check` is the student's report, `make test` proves the kit.
GO ?= go

# The kit's packages, without exercises/: the homework is the student's work
# in progress, which make check grades and make test never fails on (the
# untouched starters are proved by grader validate, from git or the
# manifest a released kit holds). TEST_PKGS narrows the tests, as the
# grader's own test of a released kit does.
PKGS = $(shell $(GO) list -e ./... | grep -v '/exercises/')
DARWIN_PKGS = $(shell GOOS=darwin $(GO) list -e ./... | grep -v '/exercises/')
TEST_PKGS ?= $(PKGS)

.PHONY: test vet race
# test proves the kit: vet (also for macOS), every test under the race
# detector, and the grader's proof that the checks hold.
test: vet race
	@$(GO) run ./grader/cmd/grader validate

vet:
	@echo "go vet: every package but exercises/"
	@$(GO) vet $(PKGS)
	@echo "GOOS=darwin go vet: the same"
	@GOOS=darwin $(GO) vet $(DARWIN_PKGS)

# POOLSCHOOL_BUSY_TEST runs the grader's test that grades the primes
# speed-up ten times on a machine kept busy (about 40 s on two cores).
race:
	@echo "go test -race: every package but exercises/"
	@POOLSCHOOL_BUSY_TEST=1 $(GO) test -race $(TEST_PKGS)

# Fragments owned by the parts of the kit (grader, lessons, bench) add their targets here.
-include mk/*.mk
