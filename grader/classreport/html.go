package classreport

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"

	"github.com/poolschool/poolschool/grader/result"
	"github.com/poolschool/poolschool/grader/roster"
	"github.com/poolschool/poolschool/grader/similarity"
)

// Input is everything report.html shows. Only Reports is required.
type Input struct {
	Reports []*result.Report
	Roster  *roster.Roster // names the students and finds the gaps; nil: no roster
	// Adjustments and Penalties are the points each student's total is
	// changed by (adjustments.csv, the late penalty); Late says why a
	// student's work is late.
	Adjustments, Penalties map[string]float64
	Late                   map[string]string
	Pairs                  []similarity.Pair // the flagged ones are shown
	Provenance             result.Provenance
}

//go:embed report.html.tmpl
var pageText string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"points": result.Points,
	"pct":    func(f float64) string { return strconv.FormatFloat(100*f, 'f', 0, 64) + "%" },
	"score":  func(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) },
}).Parse(pageText))

// studentRow is one row of the student table.
type studentRow struct {
	ID, Name, Feedback, Late, Error string
	Exercises                       []string // points per exercise, "" when the record has none
	Total, Adjust, Penalty, Final   float64
}

// chart is a histogram with the geometry of its SVG.
type chart struct {
	Histogram
	Bars    []bar
	Width   int
	MaxBar  int
	NotBars bar // the not-graded bar, apart
}

type bar struct {
	X, Y, W, H int
	Label      string
	Count      int
}

const chartHeight = 120

func drawChart(h Histogram) chart {
	c := chart{Histogram: h}
	most := h.Ungraded
	for _, b := range h.Bins {
		most = max(most, b.Count)
	}
	most = max(most, 1)
	x := 0
	for _, b := range h.Bins {
		ht := b.Count * chartHeight / most
		c.Bars = append(c.Bars, bar{X: x, Y: chartHeight - ht, W: 28, H: ht, Label: b.Label(h), Count: b.Count})
		x += 32
	}
	ht := h.Ungraded * chartHeight / most
	c.NotBars = bar{X: x + 24, Y: chartHeight - ht, W: 28, H: ht, Label: "not graded", Count: h.Ungraded}
	c.Width = x + 24 + 60
	return c
}

// WriteHTML writes report.html.
func WriteHTML(w io.Writer, in Input) error {
	var exNames []string
	for _, r := range in.Reports {
		for _, e := range r.Exercises {
			if !slices.Contains(exNames, e.Name) {
				exNames = append(exNames, e.Name)
			}
		}
	}
	var rows []studentRow
	var ids []string
	for _, r := range in.Reports {
		ids = append(ids, r.Student)
		row := studentRow{ID: r.Student, Feedback: "students/" + r.Student + "/feedback.md", Late: in.Late[r.Student], Error: r.Error,
			Adjust: in.Adjustments[r.Student], Penalty: in.Penalties[r.Student]}
		if s, ok := in.Roster.Student(r.Student); ok {
			row.Name = s.Name
		}
		for _, n := range exNames {
			cell := ""
			for _, e := range r.Exercises {
				if e.Name == n && r.Error == "" {
					got, _ := e.Score()
					cell = result.Points(got)
				}
			}
			row.Exercises = append(row.Exercises, cell)
		}
		row.Total, _ = r.Score()
		row.Final = max(0, row.Total+row.Adjust-row.Penalty)
		rows = append(rows, row)
	}
	var charts []chart
	for _, h := range histograms(in.Reports) {
		charts = append(charts, drawChart(h))
	}
	var flagged []similarity.Pair
	for _, p := range in.Pairs {
		if p.Flagged {
			flagged = append(flagged, p)
		}
	}
	data := map[string]any{
		"Charts": charts, "Checks": checkStats(in.Reports), "Exercises": exNames, "Students": rows,
		"Pairs": flagged, "Provenance": in.Provenance, "HasRoster": in.Roster != nil,
	}
	if in.Roster != nil {
		data["Gaps"] = in.Roster.Gaps(ids)
	}
	if err := page.Execute(w, data); err != nil {
		return fmt.Errorf("writing report.html: %w", err)
	}
	return nil
}
