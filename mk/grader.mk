# Grader targets. The grader lives in grader/; docs/instructor.md explains
# every command. Students use check and hint; instructors the rest.
#
#   make check                 run the visible checks on your working tree
#   make check EX=primes       ... of one exercise
#   make hint EX=primes        show the next hint for the first failing check
#   make grade SUBMISSIONS=dir [OUT=grades] [JOBS=2]
#   make validate              every solution full marks, every starter zero
#   make release DIR=../kit    write the student kit
#   make grader-test           the grader's own tests, then validate

GO ?= go
GRADER ?= $(GO) run ./grader/cmd/grader
EX ?=
OUT ?= grades
JOBS ?= 2

.PHONY: check hint grade validate release grader-test

check:
	@$(GRADER) check $(if $(EX),-ex $(EX))

hint:
	@$(if $(EX),,$(error name the exercise: make hint EX=primes))
	@$(GRADER) hint $(EX)

grade:
	@$(if $(SUBMISSIONS),,$(error name the submissions: make grade SUBMISSIONS=path/to/class))
	$(GRADER) grade -jobs $(JOBS) -out $(OUT) $(SUBMISSIONS)

validate:
	$(GRADER) validate

release:
	@$(if $(DIR),,$(error name the folder: make release DIR=../poolschool-student))
	$(GRADER) release $(DIR)

grader-test:
	$(GO) test -race ./grader/...
	$(GRADER) validate
