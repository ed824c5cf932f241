package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/stretchr/testify/require"
)

// TestHomework runs grader/testdata/homework/*.txtar against the real kit
// (the repository itself) and its three homework exercises: a student's
// make check from a fresh kit, and a class grade over the reference
// solutions, the starters and hand-made, partly right submissions that
// grade.txtar makes from the solutions. It builds and runs every exercise
// many times, so -short skips it.
func TestHomework(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and grades the three homework exercises; skipped with -short")
	}
	root, err := filepath.Abs("../../..")
	require.NoError(t, err)
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/homework",
		WorkdirRoot:         t.TempDir(),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") != "",
		Setup: func(env *testscript.Env) error {
			env.Setenv("KITROOT", root)
			return setupGraderEnv(env)
		},
		Condition: func(cond string) (bool, error) {
			if n, ok := strings.CutPrefix(cond, "cpus:"); ok {
				want, err := strconv.Atoi(n)
				return runtime.NumCPU() >= want, err
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}
