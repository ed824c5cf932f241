package spec

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/poolschool/poolschool/grader/result"
)

// Visibility says who sees a check.
type Visibility string

// The two visibilities. Hidden checks exist only for instructors: release
// leaves them out of the student kit, and check never runs them.
const (
	Visible Visibility = "visible"
	Hidden  Visibility = "hidden"
)

// Default limits for a check that does not declare its own.
const (
	DefaultTimeout = 30 * time.Second
	MaxTimeout     = 10 * time.Minute
	DefaultOutput  = 1 << 20 // bytes a program may print on stdout and on stderr
	DefaultMemory  = 1 << 30 // bytes of memory per process, on top of what the Go runtime reserves
	maxHints       = 9
)

// Check is one parsed check file.
type Check struct {
	ID         string        // file name without .txtar, e.g. "02-small"
	Slug       string        // ID without its "NN-" prefix, e.g. "small"
	File       string        // path of the file
	Title      string        // one line for the report
	Points     float64       // what passing is worth
	Needs      []string      // IDs of checks that must pass first (resolved by LoadExercise)
	Timeout    time.Duration // limit for the whole check
	Visibility Visibility
	Hints      []string // hint levels, first is the gentlest
	// HintsIf are hints for one kind of failure ("# hint-if: REGEXP =>
	// TEXT"): the report shows the first whose pattern matches what the
	// failure says, instead of the first level.
	HintsIf   []HintIf
	Ungraded  bool  // allowed to pass on the untouched starter
	Exclusive bool  // runs alone: no other check or build of the grader at the same time
	Output    int64 // output cap per stream in bytes
	Memory    int64 // address-space limit per process in bytes
	// Unmeasured is how a "not measured" outcome scores ("# unmeasured:
	// excluded|full|zero"): result.Excluded (the default) keeps the check
	// out of the total until it is measured, result.Full gives its points,
	// result.Zero none.
	Unmeasured string
	Script     []byte // the whole file, as testscript will read it
}

// HintIf is a hint for the failures that Pattern matches.
type HintIf struct {
	Pattern *regexp.Regexp
	Text    string
}

// HintFor returns the text of the first HintsIf whose pattern matches
// failure (the reason, what the program printed, what the check said), or
// "".
func (c *Check) HintFor(failure string) string {
	for _, h := range c.HintsIf {
		if h.Pattern.MatchString(failure) {
			return h.Text
		}
	}
	return ""
}

var (
	idRE     = regexp.MustCompile(`^[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*$`)
	headerRE = regexp.MustCompile(`^#\s*([A-Za-z_-]+)\s*(?::\s*(.*?))?\s*$`)
	sizeRE   = regexp.MustCompile(`^([0-9]+)\s*(B|KiB|MiB|GiB)?$`)
)

// ParseFile reads and parses one check file.
func ParseFile(path string) (*Check, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading check: %w", err)
	}
	return Parse(path, data)
}

// Parse parses the check file at path whose contents are data. The file name
// must look like NN-slug.txtar.
func Parse(path string, data []byte) (*Check, error) {
	id := strings.TrimSuffix(filepath.Base(path), ".txtar")
	if !strings.HasSuffix(path, ".txtar") || !idRE.MatchString(id) {
		return nil, &SyntaxError{File: path, Msg: "a check file must be named NN-slug.txtar (two digits, a dash, lower-case words joined by dashes)"}
	}
	c := &Check{
		ID: id, Slug: id[3:], File: path, Script: data,
		Timeout: DefaultTimeout, Visibility: Visible,
		Output: DefaultOutput, Memory: DefaultMemory, Unmeasured: result.Excluded,
	}
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || !strings.HasPrefix(text, "#") {
			break // the header ends at the first blank line or command
		}
		m := headerRE.FindStringSubmatch(text)
		if m == nil {
			return nil, &SyntaxError{File: path, Line: line, Msg: fmt.Sprintf("header line %q is not \"# key: value\"; end the header with a blank line before the script's first comment", text)}
		}
		key, val := strings.ToLower(m[1]), m[2]
		if prev, ok := seen[key]; ok && key != "hint" && key != "hint-if" {
			return nil, &SyntaxError{File: path, Line: line, Msg: fmt.Sprintf("%s is declared twice (first at line %d); keep one", key, prev)}
		}
		seen[key] = line
		if err := c.set(key, val); err != nil {
			return nil, &SyntaxError{File: path, Line: line, Msg: err.Error()}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &SyntaxError{File: path, Line: line + 1, Msg: fmt.Sprintf("cannot read the file: %v", err)}
	}
	for _, key := range []string{"title", "points"} {
		if _, ok := seen[key]; !ok {
			return nil, &SyntaxError{File: path, Line: 1, Msg: fmt.Sprintf("the header has no %q line; add \"# %s: ...\" at the top", key, key)}
		}
	}
	if c.Ungraded && c.Points != 0 {
		return nil, &SyntaxError{File: path, Line: seen["ungraded"], Msg: "an ungraded check is worth nothing; set \"# points: 0\" or remove \"ungraded\""}
	}
	if c.Visibility == Visible && len(c.Hints) == 0 && !c.Ungraded {
		return nil, &SyntaxError{File: path, Line: 1, Msg: "a visible graded check needs at least one \"# hint: ...\" line"}
	}
	return c, nil
}

// set applies one header key.
func (c *Check) set(key, val string) error {
	switch key {
	case "title":
		if val == "" {
			return fmt.Errorf("title is empty; say in a few words what the check proves")
		}
		c.Title = val
	case "points":
		p, err := strconv.ParseFloat(val, 64)
		if err != nil || p < 0 || p > 1000 || p != p {
			return fmt.Errorf("points %q is not a number between 0 and 1000", val)
		}
		c.Points = p
	case "needs":
		for _, f := range strings.FieldsFunc(val, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			c.Needs = append(c.Needs, f)
		}
		if len(c.Needs) == 0 {
			return fmt.Errorf("needs is empty; name one or more checks, like \"# needs: 01-builds\"")
		}
	case "timeout":
		d, err := time.ParseDuration(val)
		if err != nil || d <= 0 || d > MaxTimeout {
			return fmt.Errorf("timeout %q is not a duration between 1s and %s, like \"30s\"", val, MaxTimeout)
		}
		c.Timeout = d
	case "visibility":
		switch Visibility(val) {
		case Visible, Hidden:
			c.Visibility = Visibility(val)
		default:
			return fmt.Errorf("visibility %q is neither \"visible\" nor \"hidden\"", val)
		}
	case "hint":
		if val == "" {
			return fmt.Errorf("hint is empty; write the hint after the colon")
		}
		if len(c.Hints) == maxHints {
			return fmt.Errorf("more than %d hint levels; merge some", maxHints)
		}
		c.Hints = append(c.Hints, val)
	case "hint-if":
		pat, text, ok := strings.Cut(val, "=>")
		pat, text = strings.TrimSpace(pat), strings.TrimSpace(text)
		if !ok || pat == "" || text == "" {
			return fmt.Errorf("hint-if %q is not \"REGEXP => hint\", like \"# hint-if: not a number => Print the count alone.\"", val)
		}
		re, err := regexp.Compile(pat)
		if err != nil {
			return fmt.Errorf("hint-if pattern %q: %v", pat, err)
		}
		c.HintsIf = append(c.HintsIf, HintIf{Pattern: re, Text: text})
	case "ungraded", "exclusive":
		var on bool
		switch val {
		case "", "true", "yes":
			on = true
		case "false", "no":
		default:
			return fmt.Errorf("%s takes no value (or true/false), not %q", key, val)
		}
		if key == "ungraded" {
			c.Ungraded = on
		} else {
			c.Exclusive = on
		}
	case "output", "memory":
		n, err := parseSize(val)
		if err != nil {
			return fmt.Errorf("%s %q: %v", key, val, err)
		}
		if key == "output" {
			c.Output = n
		} else {
			c.Memory = n
		}
	case "unmeasured":
		switch val {
		case result.Excluded, result.Full, result.Zero:
			c.Unmeasured = val
		default:
			return fmt.Errorf("unmeasured %q is not excluded, full or zero (how a check that could not measure scores)", val)
		}
	default:
		return fmt.Errorf("unknown header key %q; the keys are title, points, needs, timeout, visibility, hint, hint-if, ungraded, exclusive, output, memory, unmeasured", key)
	}
	return nil
}

// parseSize reads sizes such as "512KiB" or "64MiB".
func parseSize(s string) (int64, error) {
	m := sizeRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("not a size like 1MiB or 512KiB")
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("not a size like 1MiB or 512KiB")
	}
	mult := map[string]int64{"": 1, "B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}[m[2]]
	if n <= 0 || n > (64<<30)/mult {
		return 0, fmt.Errorf("size must be between 1B and 64GiB")
	}
	return n * mult, nil
}
