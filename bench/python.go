package bench

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// pybench is the Python side of the workloads. It is embedded, so that the
// harness runs the script it was built with from any directory.
//
//go:embed pybench.py
var pybench []byte

// FindPython returns the python3 on PATH with its version, or an error
// saying that the Python columns will be empty.
func FindPython() (path, version string, err error) {
	path, err = exec.LookPath("python3")
	if err != nil {
		return "", "", fmt.Errorf("python3 is not on PATH, so the Python column stays empty: %w", err)
	}
	out, err := exec.Command(path, "--version").CombinedOutput()
	if err != nil {
		return "", "", fmt.Errorf("%s --version: %w", path, err)
	}
	return path, strings.TrimSpace(string(out)), nil
}

// writeScript writes pybench.py to a temporary directory.
func writeScript() (path string, cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "poolschool-bench")
	if err != nil {
		return "", nil, err
	}
	path = filepath.Join(dir, "pybench.py")
	if err := os.WriteFile(path, pybench, 0o644); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return path, func() { os.RemoveAll(dir) }, nil
}

// python runs one workload of pybench.py and returns its metrics.
func (h *harness) python(params map[string]any) (map[string]float64, error) {
	arg, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(h.cfg.Python, h.script, string(arg))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("python %s: %w: %s", arg, err, strings.TrimSpace(stderr.String()))
	}
	var m map[string]float64
	if err := json.Unmarshal(out, &m); err != nil {
		return nil, fmt.Errorf("python %s: bad output %q: %w", arg, out, err)
	}
	return m, nil
}
