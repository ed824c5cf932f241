// Command grader runs the Pool School homework checks.
//
// Students run "grader check" (make check), "grader hint" (make hint) and
// "grader watch" (make watch).
// Instructors run "grader grade" over a class's submissions, "grader
// validate" to prove the checks against the solutions and starters,
// "grader release DIR" to write the student kit, and "grader package
// gradescope|classroom" to run the same checks on those platforms.
// docs/instructor.md explains each command.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/poolschool/poolschool/grader/checkrun"
	"github.com/poolschool/poolschool/grader/runner"
)

const usage = `usage: grader <command> [flags]

commands:
  check [-ex NAME] [-kit DIR]         run the visible checks on your working tree
  hint [-kit DIR] [NAME]              show the next hint for exercise NAME (default: this folder's, or the unfinished one)
  watch [-ex NAME] [-poll]            check an exercise again each time you save (keys: r, h, q)
  progress                            where you are: points per exercise, the best so far, what is next
  reset [-yes] NAME                   put exercise NAME back to its starter (your files are kept in .poolschool/backup)
  grade [flags] SUBMISSIONS -out DIR  grade a class (a folder of submissions) or one submission
  export -format F -out FILE          write a results folder's final points for Canvas, Moodle or as CSV
  validate [-kit DIR]                 prove every solution scores full marks and every starter zero
  release [-kit DIR] DIR              write the student kit to DIR
  report -format FORMAT RECORD...     render result records (terminal, gradescope, junit, csv, feedback, summary)
  package gradescope|classroom [...]  package the grader for Gradescope or GitHub Classroom

Run "grader <command> -h" for the flags of one command.
`

// errUsage marks errors that are the caller's fault; they exit with status 2.
var errUsage = errors.New("usage")

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "__exec":
		return runner.ExecMain(args[1:], stdin, stdout, stderr)
	case "__limit":
		return runner.LimitMain(args[1:], stderr)
	case "__run-check":
		return checkrun.Main(stdin, stdout, stderr)
	case "check":
		return cmdCheck(args[1:], stdout, stderr)
	case "hint":
		err = cmdHint(args[1:], stdout)
	case "watch":
		return cmdWatch(args[1:], stdin, stdout, stderr)
	case "progress":
		err = cmdProgress(args[1:], stdout)
	case "reset":
		err = cmdReset(args[1:], stdin, stdout)
	case "grade":
		return cmdGrade(args[1:], stdout, stderr)
	case "export":
		return cmdExport(args[1:], stdout, stderr)
	case "validate":
		return cmdValidate(args[1:], stdout, stderr)
	case "report":
		err = cmdReport(args[1:], stdout)
	case "release":
		err = cmdRelease(args[1:], stdout)
	case "package":
		err = cmdPackage(args[1:], stdout)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "grader: unknown command %q; run \"grader help\" for the list\n", args[0])
		return 2
	}
	return exitCode(err, stderr)
}

// exitCode prints err on one line and picks the exit status.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "grader: %v\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "grader: %v\n", err)
		return 1
	}
}

// newFlags returns a flag set that prints its usage on stderr and returns
// errors instead of exiting.
func newFlags(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: grader %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args with fs (from newFlags) for the command name. A
// bad flag or flag value is a usage error of one line that says where the
// full usage is; -h prints the full usage and returns flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	usage := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	err := parseInterspersed(fs, args)
	fs.Usage = usage
	fs.SetOutput(stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return err
	case err != nil:
		return usageErr("%v; run \"grader %s -h\" for the flags", err, fs.Name())
	}
	return nil
}

// usageErr wraps a message as a usage error.
func usageErr(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, a...)...)
}
