package render

import (
	"encoding/xml"
	"fmt"
	"io"

	"github.com/poolschool/poolschool/grader/result"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name       string          `xml:"name,attr"`
	Classname  string          `xml:"classname,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Failure    *junitProblem   `xml:"failure,omitempty"`
	Error      *junitProblem   `xml:"error,omitempty"`
	Skipped    *junitProblem   `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// JUnit writes JUnit XML for the reports: one testsuite per student and
// exercise ("student/exercise"), one testcase per check, with the points as
// properties. Durations are omitted (time="0") when stable is true, so that
// golden files do not change from run to run.
func JUnit(w io.Writer, name string, reports []*result.Report, stable bool) error {
	secs := func(d float64) string {
		if stable {
			return "0"
		}
		return fmt.Sprintf("%.3f", d)
	}
	doc := junitSuites{Name: XMLText(name)}
	total := 0.0
	for _, r := range reports {
		for _, ex := range r.Exercises {
			got, max := ex.Score()
			s := junitSuite{Name: XMLText(r.Student + "/" + ex.Name), Properties: []junitProperty{
				{Name: "score", Value: result.Points(got)}, {Name: "max_score", Value: result.Points(max)},
			}}
			st := 0.0
			for _, c := range ex.Checks {
				jc := junitCase{
					Name: XMLText(c.ID + " " + c.Title), Classname: XMLText(r.Student + "." + ex.Name),
					Time: secs(c.Duration.Seconds()),
					Properties: []junitProperty{
						{Name: "score", Value: result.Points(c.Score)}, {Name: "max_score", Value: result.Points(c.MaxScore)},
						{Name: "visibility", Value: c.Visibility},
					},
				}
				st += c.Duration.Seconds()
				p := &junitProblem{Message: XMLText(OneLine(c.Reason, 200)), Text: XMLText(checkDetails(c, true))}
				switch c.Status {
				case result.Failed:
					p.Type = "failed"
					jc.Failure = p
					s.Failures++
				case result.Error:
					p.Type = "error"
					jc.Error = p
					s.Errors++
				case result.Skipped:
					jc.Skipped = &junitProblem{Message: p.Message}
					s.Skipped++
				}
				s.Tests++
				s.Cases = append(s.Cases, jc)
			}
			s.Time = secs(st)
			total += st
			doc.Tests += s.Tests
			doc.Failures += s.Failures
			doc.Errors += s.Errors
			doc.Skipped += s.Skipped
			doc.Suites = append(doc.Suites, s)
		}
	}
	doc.Time = secs(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing JUnit XML: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
