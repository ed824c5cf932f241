package submission

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// escapeRE matches a terminal escape sequence: CSI, OSC, DCS, SOS, PM, APC
// and the two-character ones.
var escapeRE = regexp.MustCompile(`\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])`)

// visible returns an entry's name as a terminal shows it: escape sequences
// and control characters removed. Its form (".zip", ".tar.gz") and its
// id are read from this name, so that "red\x1b[31m.zip\x1b[0m", which an
// instructor's ls shows as red.zip, is the zip it looks like.
func visible(name string) string {
	name = escapeRE.ReplaceAllString(name, "")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, name)
}

// stem is the visible name without its archive suffix.
func stem(name string) string {
	name = visible(name)
	for _, suf := range []string{".tar.gz", ".tgz", ".zip", ".git"} {
		if strings.HasSuffix(strings.ToLower(name), suf) {
			return name[:len(name)-len(suf)]
		}
	}
	return name
}

// ShowName is an entry's name for a message on a terminal or in a file:
// as it is when it prints as it is, Go-quoted (escapes, control
// characters, invalid UTF-8 and surrounding spaces spelt out) when not,
// and at most 120 characters.
func ShowName(name string) string {
	q := strconv.Quote(name)
	if q[1:len(q)-1] != name || strings.TrimSpace(name) != name || name == "" {
		name = q
	}
	if r := []rune(name); len(r) > 120 {
		name = string(r[:117]) + "..."
	}
	return name
}
