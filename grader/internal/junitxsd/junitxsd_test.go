package junitxsd

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const valid = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="n" tests="3" failures="1" errors="1" time="1,234.5">
  <testsuite name="s" tests="3" failures="1" errors="1" skipped="0" time="0.25" timestamp="2026-12-02T18:00:00Z">
    <properties><property name="score" value="1"/></properties>
    <testcase name="a" classname="c" time="0"><system-out>points: 1/1</system-out></testcase>
    <testcase name="b" time="0.1"><failure type="failed" message="m">text</failure><system-out>x</system-out></testcase>
    <testcase name="c" time="0.1"><error type="error">text</error></testcase>
  </testsuite>
</testsuites>
`

func TestValid(t *testing.T) {
	require.NoError(t, Validate(strings.NewReader(valid)))
}

// Each change breaks one rule of the schemas, and Validate names it.
func TestInvalid(t *testing.T) {
	tests := []struct{ old, new, want string }{
		{`<testsuites name="n"`, `<testsuites skipped="0" name="n"`, `may not have the attribute "skipped"`},
		{`<testcase name="a" classname="c" time="0"><system-out>`, `<testcase name="a" classname="c" time="0"><properties></properties><system-out>`, "<properties> is out of place"},
		{`<failure type="failed" message="m">text</failure><system-out>x</system-out>`, `<system-out>x</system-out><failure type="failed" message="m">text</failure>`, "<failure> is out of place"},
		{`<failure type="failed" message="m">`, `<failure message="m">`, `lacks the required attribute "type"`},
		{`<error type="error">`, `<error>`, `lacks the required attribute "type"`},
		{`skipped="0" time="0.25"`, `time="0.25"`, `lacks the required attribute "skipped"`},
		{`<testcase name="c" time="0.1">`, `<testcase name="c">`, `lacks the required attribute "time"`},
		{`time="0.25"`, `time="0.25s"`, "not a time in seconds"},
		{`time="0.25"`, `time="0.2500"`, "at most three decimals"},
		{`tests="3" failures="1" errors="1" skipped="0"`, `tests="three" failures="1" errors="1" skipped="0"`, "not a non-negative integer"},
		{`tests="3" failures="1" errors="1" skipped="0"`, `tests="4" failures="1" errors="1" skipped="0"`, `tests="4", but the suite holds 3`},
		{`<testsuites name="n" tests="3"`, `<testsuites name="n" tests="2"`, `tests="2", but its suites hold 3`},
		{`timestamp="2026-12-02T18:00:00Z"`, `timestamp="yesterday"`, "not an ISO 8601 date"},
		{`<property name="score" value="1"/>`, `<property name="score"/>`, `lacks the required attribute "value"`},
		{`<testcase name="c" time="0.1"><error type="error">text</error>`, `<testcase name="c" time="0.1"><error type="error">text</error><skipped/>`, "<skipped> is out of place"},
		{`<error type="error">text</error>`, `<error type="error">text</error><error type="error">again</error>`, "<error> is out of place"},
		{`<properties>`, `<system-out>x</system-out><properties>`, "<system-out> is out of place"},
		{`<property name="score" value="1"/>`, `<property name="score" value="1">text</property>`, "may not hold text"},
		{`<testcase name="a" classname="c" time="0">`, `<testcase name="a" classname="c" time="0"><foo/>`, "<foo> is out of place"},
		{`<testsuites name="n" tests="3" failures="1" errors="1" time="1,234.5">`, `<testsuite name="n" tests="3" failures="1" errors="1" skipped="0"><testsuite name="x" tests="0" failures="0" errors="0" skipped="0"></testsuite></testsuite><testsuites>`, "a second root element"},
		{"</testsuites>\n", "", "XML syntax error"},
	}
	for _, tt := range tests {
		doc := strings.Replace(valid, tt.old, tt.new, 1)
		require.NotEqual(t, valid, doc, "the change %q does not apply", tt.old)
		err := Validate(strings.NewReader(doc))
		require.ErrorIs(t, err, ErrInvalid, "after %q -> %q", tt.old, tt.new)
		require.ErrorContains(t, err, tt.want)
	}
	err := Validate(strings.NewReader(`<testsuite name="s" tests="0" failures="0" errors="0" skipped="0"/>`))
	require.ErrorContains(t, err, "the root element must be <testsuites>")
}
