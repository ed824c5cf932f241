package main

import (
	"archive/zip"
	"bufio"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/poolschool/poolschool/grader/internal/atomicfile"
	"github.com/poolschool/poolschool/grader/kit"
	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/spec"
)

// cmdPackage packages the grader for Gradescope (a zip with setup.sh and
// run_autograder) or GitHub Classroom (a workflow file).
func cmdPackage(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageErr("name what to package: grader package gradescope|classroom [flags]")
	}
	switch args[0] {
	case "gradescope":
		return packageGradescope(args[1:], stdout)
	case "classroom":
		return packageClassroom(args[1:], stdout)
	case "-h", "-help", "--help":
		fmt.Fprintln(stdout, "usage: grader package gradescope|classroom [flags]\n\nRun \"grader package gradescope -h\" or \"grader package classroom -h\" for the flags of each.")
		return flag.ErrHelp
	}
	return usageErr("unknown package %q; use gradescope or classroom", args[0])
}

// goVersion reads the go (or toolchain) version from go.mod.
func goVersion(root string) (string, error) {
	f, err := os.Open(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	defer f.Close()
	version := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 && fields[0] == "go" && version == "" {
			version = fields[1]
		}
		if len(fields) == 2 && fields[0] == "toolchain" {
			version = strings.TrimPrefix(fields[1], "go")
		}
	}
	if version == "" {
		return "", fmt.Errorf("go.mod has no go line")
	}
	if strings.Count(version, ".") == 1 {
		version += ".0"
	}
	return version, nil
}

const runAutograder = `#!/usr/bin/env bash
# Gradescope runs this for every submission, as root. The grader contains
# the student's code itself (its own user per job, PID namespace, limits)
# and writes /autograder/results/results.json.
set -uo pipefail
export PATH=/usr/local/go/bin:$PATH
mkdir -p /autograder/results
cd /autograder/source/kit
/autograder/source/grader grade -kit /autograder/source/kit%[1]s \
  -out /autograder/results/grades \
  -results-json /autograder/results/results.json \
  /autograder/submission
status=$?
if [ ! -s /autograder/results/results.json ]; then
  printf '{"score": 0, "output": "The autograder failed (exit status %%s) before it could grade this submission. Please tell your instructor.", "tests": []}\n' "$status" \
    > /autograder/results/results.json
fi
exit 0
`

// zipTime is the time of every entry of the autograder zip: a fixed one, so
// that the same kit gives the same zip, and a valid one. A zero time would
// be written as the DOS date 1980-00-00, which strict unzippers refuse.
var zipTime = time.Date(1980, time.January, 1, 0, 0, 0, 0, time.UTC)

// packageGradescope writes the Gradescope autograder zip.
func packageGradescope(args []string, stdout io.Writer) error {
	fl := newFlags("package gradescope", "[-kit DIR] [-ex NAME] -o FILE.zip", io.Discard)
	kitDir := fl.String("kit", ".", "the instructor's kit")
	exName := fl.String("ex", "", "the one exercise this Gradescope assignment grades (lets students upload bare files)")
	out := fl.String("o", "autograder.zip", "the zip to write")
	if err := parseFlags(fl, args, stdout); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return usageErr("package gradescope takes no arguments, got %q; run \"grader package gradescope -h\" for the flags", fl.Arg(0))
	}
	k, exs, err := openExercises(*kitDir, "")
	if err != nil {
		return err
	}
	exFlag := ""
	if *exName != "" {
		if _, err := kit.Select(exs, []string{*exName}); err != nil {
			return usageErr("%v", err)
		}
		exFlag = " -ex " + *exName
	}
	version, err := goVersion(k.Root)
	if err != nil {
		return err
	}
	setup, err := setupScript(version, goArchiveSums)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "poolschool-package-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	// The autograder keeps the hidden checks (students never see its
	// source) but not the solutions.
	if _, err := k.Release(filepath.Join(tmp, "kit"), nil, true); err != nil {
		return err
	}
	// Its sums are those of the student kit, without the hidden checks,
	// which is what a submission is compared with.
	sums, err := k.ReleasedSums(exs, filepath.Join(tmp, "student"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "kit", filepath.FromSlash(kit.SumsFile)), sums.Encode(), 0o644); err != nil {
		return err
	}
	// Written whole or not at all: a zip cut short would still open, and
	// miss files.
	files := 0
	err = atomicfile.Write(*out, func(f io.Writer) error {
		zw := zip.NewWriter(f)
		add := func(name string, mode os.FileMode, data []byte) error {
			h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: zipTime}
			h.SetMode(mode)
			w, err := zw.CreateHeader(h)
			if err != nil {
				return err
			}
			_, err = w.Write(data)
			return err
		}
		err := add("setup.sh", 0o755, []byte(setup))
		if err == nil {
			err = add("run_autograder", 0o755, []byte(fmt.Sprintf(runAutograder, exFlag)))
		}
		if err == nil {
			root := filepath.Join(tmp, "kit")
			err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(root, p)
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				info, _ := d.Info()
				files++
				return add("kit/"+filepath.ToSlash(rel), info.Mode().Perm(), data)
			})
		}
		if cerr := zw.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", *out, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: setup.sh (Go %s), run_autograder, kit/ (%d files, hidden checks included, no solutions)\n", *out, version, files)
	return nil
}

// packageClassroom writes a GitHub Classroom workflow: one
// autograding-command-grader step per visible graded check, then the
// reporter that totals the points.
func packageClassroom(args []string, stdout io.Writer) error {
	fl := newFlags("package classroom", "[-kit DIR] [-ex NAME] [-o FILE]", io.Discard)
	kitDir := fl.String("kit", ".", "the kit")
	exName := fl.String("ex", "", "the one exercise this GitHub Classroom assignment grades (default: every exercise)")
	out := fl.String("o", ".github/workflows/classroom.yml", "the workflow file to write (- for stdout)")
	if err := parseFlags(fl, args, stdout); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return usageErr("package classroom takes no arguments, got %q; run \"grader package classroom -h\" for the flags", fl.Arg(0))
	}
	_, exs, err := openExercises(*kitDir, *exName)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(`# Written by "grader package classroom". GitHub Classroom runs it on every
# push; each step runs one visible check with the same grader as make check.
name: Autograding Tests
"on": [push, workflow_dispatch, repository_dispatch]
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - name: Checkout code
        uses: actions/checkout@v4
      - name: Set up Go
        uses: actions/setup-go@v5
        with:
          go-version-file: go.mod
`)
	var ids []string
	points := 0.0
	for _, ex := range exs {
		for _, c := range ex.Checks {
			if c.Visibility != spec.Visible || c.Ungraded {
				continue
			}
			id := ex.Name + "-" + c.ID
			ids = append(ids, id)
			points += c.Points
			minutes := int(c.Timeout.Minutes()) + 2
			fmt.Fprintf(&b, `      - name: %s
        id: %s
        uses: classroom-resources/autograding-command-grader@v1
        with:
          test-name: %s
          setup-command: ""
          command: go run ./grader/cmd/grader check -ex %s -only %s
          timeout: %d
          max-score: %g
`, yamlString(ex.Name+" "+c.ID+": "+c.Title), id, yamlString(ex.Name+" "+c.ID), ex.Name, c.ID, minutes, c.Points)
		}
	}
	b.WriteString("      - name: Autograding Reporter\n        uses: classroom-resources/autograding-grading-reporter@v1\n        env:\n")
	for _, id := range ids {
		fmt.Fprintf(&b, "          %s_RESULTS: \"${{ steps.%s.outputs.result }}\"\n", strings.ToUpper(id), id)
	}
	fmt.Fprintf(&b, "        with:\n          runners: %s\n", strings.Join(ids, ","))
	if *out == "-" {
		_, err := io.WriteString(stdout, b.String())
		return err
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d graded checks, %s points, of %s\n", *out, len(ids), result.Points(points), exerciseList(exs))
	return nil
}

// exerciseList names exs for a line of output: "primes", "primes and
// ipc", "primes, chunksize and ipc".
func exerciseList(exs []*spec.Exercise) string {
	var b strings.Builder
	for i, ex := range exs {
		switch {
		case i == 0:
		case i == len(exs)-1:
			b.WriteString(" and ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(ex.Name)
	}
	return b.String()
}

// yamlString quotes s as a YAML double-quoted scalar.
func yamlString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", " ")
	return `"` + r.Replace(s) + `"`
}
