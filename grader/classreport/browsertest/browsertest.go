// Package browsertest opens pages in headless Chromium for tests: what
// the page's DOM is once its scripts ran, which errors its console
// showed, and a screenshot. A test skips when no Chromium is installed.
package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Names are the commands tried, in order, to find Chromium.
var Names = []string{"chromium", "chromium-browser", "google-chrome"}

// Find returns the path of Chromium on PATH.
func Find() (string, error) {
	for _, n := range Names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no %s on PATH (on Debian: apt-get install chromium)", strings.Join(Names, ", "))
}

// Page is a page as Chromium left it.
type Page struct {
	DOM    string   // the serialised DOM after the scripts ran
	Errors []string // console errors Chromium logged: uncaught exceptions, failed loads
}

// consoleRE matches Chromium's log line of a console message of level
// error, or of an uncaught exception.
var consoleRE = regexp.MustCompile(`(?m)^.*(?:CONSOLE\(\d+\)\] "(?:Uncaught|Error)|Uncaught |Failed to load resource|ERR_FILE_NOT_FOUND|net::ERR_).*$`)

// run runs Chromium headless with a profile of its own in a fresh folder,
// so that parallel runs and the user's own browser never meet.
func run(ctx context.Context, bin string, args ...string) (stdout, stderr []byte, err error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	profile, err := os.MkdirTemp("", "browsertest-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(profile)
	base := []string{"--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions",
		"--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if err != nil {
		return out.Bytes(), errOut.Bytes(), fmt.Errorf("%s: %w: %s", filepath.Base(bin), err, lastLines(errOut.String(), 5))
	}
	return out.Bytes(), errOut.Bytes(), nil
}

// Load opens the file at path, with the URL fragment hash ("" for none),
// and returns its DOM once its scripts ran, with the console errors.
func Load(ctx context.Context, bin, path, hash string) (Page, error) {
	u, err := fileURL(path)
	if err != nil {
		return Page{}, err
	}
	if hash != "" {
		u += "#" + hash
	}
	out, errOut, err := run(ctx, bin, "--dump-dom", u)
	if err != nil {
		return Page{}, err
	}
	return Page{DOM: string(out), Errors: consoleRE.FindAllString(string(errOut), -1)}, nil
}

// Screenshot saves a PNG of the page at path, 1200 by 1600 pixels.
func Screenshot(ctx context.Context, bin, path, png string) error {
	u, err := fileURL(path)
	if err != nil {
		return err
	}
	if _, _, err := run(ctx, bin, "--screenshot="+png, "--window-size=1200,1600", "--hide-scrollbars", u); err != nil {
		return err
	}
	if fi, err := os.Stat(png); err != nil || fi.Size() == 0 {
		return fmt.Errorf("chromium wrote no screenshot at %s", png)
	}
	return nil
}

func fileURL(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return "file://" + filepath.ToSlash(abs), nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], " | ")
}
