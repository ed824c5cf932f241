// Package junitxsd checks a JUnit XML document against the rules that the
// Surefire-lineage readers (Jenkins, GitLab, most CI servers) enforce, the
// way an XSD validator would, without an XSD library. The grader's tests
// hold its junit.xml to it.
//
// The rules are those both of these schemas accept:
//
//   - Jenkins' junit-10.xsd, kept by the xunit plugin
//     (github.com/jenkinsci/xunit-plugin,
//     src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd),
//     which defines the <testsuites> root: attributes name, time, tests,
//     failures and errors only (no skipped), and <testsuite> children only;
//     a <testsuite> may also carry timestamp and hostname.
//   - Maven Surefire's surefire-test-report-3.0.xsd
//     (github.com/apache/maven-surefire,
//     maven-surefire-plugin/src/site/resources/xsd/surefire-test-report-3.0.xsd),
//     the stricter of the two for what is inside: a <testsuite> requires
//     name, tests, errors, skipped and failures and holds <properties> and
//     then <testcase> elements, nothing else; a <testcase> requires name
//     and time and holds, in this order, <failure>*, <skipped>?, <error>?,
//     <system-out>?, <system-err>? (no <properties>); <failure> and
//     <error> require a type; <skipped> has a message only; a <property>
//     requires name and value.
//
// Both schemas type time as SUREFIRE_TIME (digits, optionally grouped by
// commas, and at most three decimals in Surefire's). Their counts are
// xs:string, but every reader parses them as integers, and Jenkins adds
// up the testcases itself, so Validate requires non-negative integers that
// agree with the testcases they count. A timestamp must be ISO 8601
// (RFC 3339 with or without a zone, as Surefire and pytest write it).
package junitxsd

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrInvalid is what every rule violation matches with errors.Is.
var ErrInvalid = errors.New("not valid JUnit XML")

// Error is one rule violation: where, and what.
type Error struct {
	Path string // the element, like "testsuites/testsuite[2]/testcase[1]"
	Msg  string
}

func (e *Error) Error() string { return e.Path + ": " + e.Msg }

// Is makes every Error match ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

type attrType int

const (
	str attrType = iota
	count
	decimal
	timestamp
)

type child struct {
	name     string
	min, max int // max -1: unbounded
}

type rule struct {
	attrs    map[string]attrType
	required []string
	children []child // a sequence, in this order
	text     bool    // may hold character data
}

var rules = map[string]rule{
	"testsuites": {
		attrs:    map[string]attrType{"name": str, "time": decimal, "tests": count, "failures": count, "errors": count},
		children: []child{{"testsuite", 0, -1}},
	},
	"testsuite": {
		attrs: map[string]attrType{"name": str, "tests": count, "failures": count, "errors": count, "skipped": count,
			"time": decimal, "group": str, "timestamp": timestamp, "hostname": str},
		required: []string{"name", "tests", "failures", "errors", "skipped"},
		children: []child{{"properties", 0, -1}, {"testcase", 0, -1}},
	},
	"properties": {children: []child{{"property", 0, -1}}},
	"property":   {attrs: map[string]attrType{"name": str, "value": str}, required: []string{"name", "value"}},
	"testcase": {
		attrs:    map[string]attrType{"name": str, "classname": str, "group": str, "time": decimal},
		required: []string{"name", "time"},
		children: []child{{"failure", 0, -1}, {"skipped", 0, 1}, {"error", 0, 1}, {"system-out", 0, 1}, {"system-err", 0, 1}},
	},
	"failure":    {attrs: map[string]attrType{"message": str, "type": str}, required: []string{"type"}, text: true},
	"error":      {attrs: map[string]attrType{"message": str, "type": str}, required: []string{"type"}, text: true},
	"skipped":    {attrs: map[string]attrType{"message": str}, text: true},
	"system-out": {text: true},
	"system-err": {text: true},
}

// surefireTime is SUREFIRE_TIME of surefire-test-report-3.0.xsd; an empty
// value, which the pattern allows, is refused here: no reader can use it.
var surefireTime = regexp.MustCompile(`^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]{0,3})?$`)

type node struct {
	name     string
	attrs    []xml.Attr
	children []*node
	text     string
	path     string
}

// Validate reads one JUnit XML document and returns nil when it follows
// every rule, or the first violation (an *Error) otherwise.
func Validate(r io.Reader) error {
	root, err := parse(r)
	if err != nil {
		return err
	}
	if root.name != "testsuites" {
		return &Error{Path: root.name, Msg: "the root element must be <testsuites>"}
	}
	if err := check(root); err != nil {
		return err
	}
	return checkCounts(root)
}

func parse(r io.Reader) (*node, error) {
	dec := xml.NewDecoder(r)
	var stack []*node
	var root *node
	seen := map[string]int{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != "" {
				return nil, &Error{Path: t.Name.Space + ":" + t.Name.Local, Msg: "namespaced elements are not part of the schema"}
			}
			n := &node{name: t.Name.Local, attrs: t.Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, &Error{Path: n.name, Msg: "a second root element"}
				}
				root, n.path = n, n.name
			} else {
				parent := stack[len(stack)-1]
				key := parent.path + "/" + n.name
				seen[key]++
				n.path = fmt.Sprintf("%s[%d]", key, seen[key])
				parent.children = append(parent.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, &Error{Path: "/", Msg: "text outside the root element"}
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%w: no root element", ErrInvalid)
	}
	return root, nil
}

func check(n *node) error {
	ru, ok := rules[n.name]
	if !ok {
		return &Error{Path: n.path, Msg: fmt.Sprintf("<%s> is not an element of the schema", n.name)}
	}
	have := map[string]bool{}
	for _, a := range n.attrs {
		name := a.Name.Local
		if a.Name.Space != "" {
			name = a.Name.Space + ":" + name
		}
		typ, ok := ru.attrs[name]
		if !ok {
			return &Error{Path: n.path, Msg: fmt.Sprintf("<%s> may not have the attribute %q", n.name, name)}
		}
		if err := checkValue(typ, a.Value); err != nil {
			return &Error{Path: n.path, Msg: fmt.Sprintf("attribute %s=%q: %v", name, a.Value, err)}
		}
		have[name] = true
	}
	for _, req := range ru.required {
		if !have[req] {
			return &Error{Path: n.path, Msg: fmt.Sprintf("<%s> lacks the required attribute %q", n.name, req)}
		}
	}
	if !ru.text && strings.TrimSpace(n.text) != "" {
		return &Error{Path: n.path, Msg: fmt.Sprintf("<%s> may not hold text", n.name)}
	}
	if len(ru.children) == 0 && len(n.children) > 0 {
		return &Error{Path: n.path, Msg: fmt.Sprintf("<%s> may not hold elements; it holds <%s>", n.name, n.children[0].name)}
	}
	i := 0
	for _, c := range ru.children {
		k := 0
		for i < len(n.children) && n.children[i].name == c.name && (c.max < 0 || k < c.max) {
			i, k = i+1, k+1
		}
		if k < c.min {
			return &Error{Path: n.path, Msg: fmt.Sprintf("<%s> needs at least %d <%s>", n.name, c.min, c.name)}
		}
	}
	if i < len(n.children) {
		var order []string
		for _, c := range ru.children {
			order = append(order, "<"+c.name+">")
		}
		return &Error{Path: n.children[i].path, Msg: fmt.Sprintf("<%s> is out of place: <%s> holds %s, in that order", n.children[i].name, n.name, strings.Join(order, ", "))}
	}
	for _, c := range n.children {
		if err := check(c); err != nil {
			return err
		}
	}
	return nil
}

func checkValue(typ attrType, v string) error {
	switch typ {
	case count:
		if n, err := strconv.Atoi(v); err != nil || n < 0 || strconv.Itoa(n) != v {
			return errors.New("not a non-negative integer")
		}
	case decimal:
		if v == "" || !surefireTime.MatchString(v) {
			return errors.New("not a time in seconds like 1.234 (at most three decimals)")
		}
	case timestamp:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
			if _, err := time.Parse(layout, v); err == nil {
				return nil
			}
		}
		return errors.New("not an ISO 8601 date and time like 2026-01-02T15:04:05Z")
	}
	return nil
}

// checkCounts holds every suite's counts to its testcases, and the root's
// to the sum of its suites.
func checkCounts(root *node) error {
	var sum [3]int
	for _, s := range root.children {
		var got [4]int // tests, failures, errors, skipped
		for _, c := range s.children {
			if c.name != "testcase" {
				continue
			}
			got[0]++
			outcome := 0
			for _, o := range c.children {
				switch o.name {
				case "failure":
					got[1]++
					outcome++
				case "error":
					got[2]++
					outcome++
				case "skipped":
					got[3]++
					outcome++
				}
			}
			if outcome > 1 {
				return &Error{Path: c.path, Msg: "a testcase has one outcome: failure, error or skipped, not several"}
			}
		}
		for i, name := range []string{"tests", "failures", "errors", "skipped"} {
			if v := attr(s, name); v != strconv.Itoa(got[i]) {
				return &Error{Path: s.path, Msg: fmt.Sprintf("%s=%q, but the suite holds %d", name, v, got[i])}
			}
		}
		for i := range sum {
			sum[i] += got[i]
		}
	}
	for i, name := range []string{"tests", "failures", "errors"} {
		if v, ok := attrOK(root, name); ok && v != strconv.Itoa(sum[i]) {
			return &Error{Path: root.path, Msg: fmt.Sprintf("%s=%q, but its suites hold %d", name, v, sum[i])}
		}
	}
	return nil
}

func attr(n *node, name string) string { v, _ := attrOK(n, name); return v }

func attrOK(n *node, name string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}
