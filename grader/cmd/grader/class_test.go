package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/poolschool/poolschool/grader/classreport/browsertest"
)

var (
	rowRE    = regexp.MustCompile(`(?s)<tr data-student="([^"]+)">(.*?)</tr>`)
	cellRE   = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
	headRE   = regexp.MustCompile(`<th[^>]*data-col="([^"]+)"`)
	svgBarRE = regexp.MustCompile(`<rect [^>]*fill="#3a6ea5"`)
)

// browsercheck opens a report.html in headless Chromium, sorted by its
// final points, descending, through the page's #sort= link, and fails
// unless the page ran its script without a console error, shows its
// histograms, its check outcomes and its students, and the student table
// came out sorted. It saves a screenshot next to the page, in the
// script's work folder, and, for a person to look at after the test, a
// copy named report-class.png in the folder POOLSCHOOL_SCREENSHOTS names,
// when it names one: browsercheck PAGE.
func browsercheck(args []string) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(os.Stderr, "browsercheck: "+format+"\n", a...)
		return 1
	}
	if len(args) != 1 {
		return fail("usage: browsercheck PAGE")
	}
	bin, err := browsertest.Find()
	if err != nil {
		return fail("%v", err)
	}
	ctx := context.Background()
	page, err := browsertest.Load(ctx, bin, args[0], "sort=-final")
	if err != nil {
		return fail("%v", err)
	}
	switch {
	case len(page.Errors) > 0:
		return fail("console errors: %s", strings.Join(page.Errors, "; "))
	case strings.Contains(page.DOM, `data-js-errors="`) || !strings.Contains(page.DOM, `data-ready="yes"`):
		return fail("the page's script did not run to its end")
	case len(svgBarRE.FindAllString(page.DOM, -1)) == 0:
		return fail("no histogram bars")
	case !strings.Contains(page.DOM, `<table id="checks">`) || strings.Count(page.DOM, "<td><b>greet/") != 4:
		return fail("the check outcomes do not list the 4 checks")
	}
	final := -1
	for i, m := range headRE.FindAllStringSubmatch(page.DOM, -1) {
		if m[1] == "final" {
			final = i
		}
	}
	if final < 0 {
		return fail("the student table has no final column")
	}
	rows := rowRE.FindAllStringSubmatch(page.DOM, -1)
	if len(rows) < 10 {
		return fail("the student table has %d rows", len(rows))
	}
	prev := 1e9
	var order []string
	for _, r := range rows {
		cells := cellRE.FindAllStringSubmatch(r[2], -1)
		v, err := strconv.ParseFloat(strings.TrimSpace(cells[final][1]), 64)
		if err != nil {
			v = -1 // not graded: sorts last
		}
		order = append(order, fmt.Sprintf("%s=%g", r[1], v))
		if v > prev {
			return fail("the student table is not sorted by final, descending: %s", strings.Join(order, " "))
		}
		prev = v
	}
	png := filepath.Join(filepath.Dir(args[0]), "report.png")
	if err := browsertest.Screenshot(ctx, bin, args[0], png); err != nil {
		return fail("%v", err)
	}
	if keep := os.Getenv("POOLSCHOOL_SCREENSHOTS"); keep != "" {
		data, err := os.ReadFile(png)
		if err == nil {
			err = os.WriteFile(filepath.Join(keep, "report-class.png"), data, 0o644)
		}
		if err != nil {
			return fail("keeping a copy of the screenshot in POOLSCHOOL_SCREENSHOTS: %v", err)
		}
	}
	fmt.Printf("report.html renders; %d students sorted by final: %s\n", len(rows), strings.Join(order, " "))
	return 0
}
