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

# race then runs, without the race detector, the pool's test of values too
# large for one message: it moves more than a gigabyte. And it runs the
# grader's test that grades the primes speed-up ten times
# on a machine it keeps busy with CPU hogs (about 40 s on two cores): on
# its own, after the other tests, so that its hogs are no other test's
# load.
race:
	@echo "go test -race: every package but exercises/"
	@$(GO) test -race $(TEST_PKGS)
	@$(if $(filter %/pool,$(TEST_PKGS)),echo "go test: values too large for one message (without -race, which would need 8 GiB)" && \
		$(GO) test -count=1 -run '^TestValuesTooLargeForOneMessageFailAlone$$' ./pool/)
	@echo "go test: the speed-up check graded on a busy machine"
	@POOLSCHOOL_BUSY_TEST=1 $(GO) test -count=1 -run '^TestSpeedupOnBusyMachine$$' ./grader/cmd/grader

# Fragments owned by the parts of the kit (grader, lessons, bench) add their targets here.
-include mk/*.mk
