package bench

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

// FindJoblib returns a python3 that can import joblib: python3 on PATH, or
// the system's /usr/bin/python3 (Debian's python3-joblib package installs
// it there, which a python3 of its own on PATH does not see).
func FindJoblib() (path, version string, err error) {
	var tried []string
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(py)
		if err != nil || slices.Contains(tried, path) {
			continue
		}
		tried = append(tried, path)
		out, err := exec.Command(path, "-c", "import joblib; print(joblib.__version__)").Output()
		if err == nil {
			return path, "joblib " + strings.TrimSpace(string(out)), nil
		}
	}
	if len(tried) == 0 {
		tried = []string{"any python3"}
	}
	return "", "", fmt.Errorf("joblib is not importable by %s, so the joblib cells stay empty "+
		"(on Debian: apt-get install python3-joblib)", strings.Join(tried, " or "))
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
	return h.runScript(h.cfg.Python, params)
}

// joblib runs one of pybench.py's joblib workloads with the python3 that
// has joblib.
func (h *harness) joblib(params map[string]any) (map[string]float64, error) {
	return h.runScript(h.cfg.Joblib, params)
}

func (h *harness) runScript(python string, params map[string]any) (map[string]float64, error) {
	arg, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(python, h.script, string(arg))
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
