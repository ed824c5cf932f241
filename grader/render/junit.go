package render

import (
	"encoding/xml"
	"fmt"
	"io"
	"time"

	"github.com/poolschool/poolschool/grader/result"
)

// The document JUnit writes is the one both Surefire-lineage schemas
// accept: Jenkins' junit-10.xsd (the xunit plugin's, which the junit
// plugin's reader follows) for the <testsuites> root, and that together
// with Maven Surefire's surefire-test-report-3.0.xsd for everything under
// it. So <testsuites> carries no skipped count, a <testcase> holds no
// <properties> (its points go in its <system-out>), <failure> and <error>
// always have a type, and every <testsuite> has its skipped count.
// grader/internal/junitxsd encodes those rules; the tests hold JUnit to it.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
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
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// junitCase's fields are in the order Surefire's schema wants its
// children: failure, skipped, error, system-out.
type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out"`
}

type junitProblem struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// JUnit writes JUnit XML for the reports: one testsuite per student and
// exercise ("student/exercise") with the exercise's points as its
// properties score and max_score (and not_graded, the reason, for a
// submission that could not be graded), one testcase per check with its points
// and visibility in its system-out. Durations are omitted (time="0") and
// so are timestamps when stable is true, so that golden files do not
// change from run to run.
func JUnit(w io.Writer, name string, reports []*result.Report, stable bool) error {
	secs := func(d time.Duration) string {
		if stable {
			return "0"
		}
		return fmt.Sprintf("%.3f", d.Seconds())
	}
	doc := junitSuites{Name: XMLText(name)}
	var total time.Duration
	for _, r := range reports {
		for _, ex := range r.Exercises {
			got, max := ex.Score()
			s := junitSuite{Name: XMLText(r.Student + "/" + ex.Name), Properties: []junitProperty{
				{Name: "score", Value: result.Points(got)}, {Name: "max_score", Value: result.Points(max)},
			}}
			if r.Error != "" {
				// Why none of the checks ran, said once per suite
				// rather than in each testcase.
				s.Properties = append(s.Properties, junitProperty{Name: "not_graded", Value: XMLText(OneLine(r.Error, 500))})
			}
			if start := exerciseStart(ex); !stable && !start.IsZero() {
				s.Timestamp = start.UTC().Format("2006-01-02T15:04:05Z")
			}
			var st time.Duration
			for _, c := range ex.Checks {
				jc := junitCase{
					Name: XMLText(c.ID + " " + c.Title), Classname: XMLText(r.Student + "." + ex.Name),
					Time:      secs(c.Duration),
					SystemOut: fmt.Sprintf("points: %s/%s\nvisibility: %s\n", result.Points(c.Score), result.Points(c.MaxScore), c.Visibility),
				}
				st += c.Duration
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
					jc.Skipped = &junitSkipped{Message: p.Message}
					s.Skipped++
				case result.NotMeasured:
					// JUnit has no such outcome; strict readers accept a
					// skipped test with a message.
					jc.Skipped = &junitSkipped{Message: XMLText(OneLine("not measured: "+c.Reason, 200))}
					jc.SystemOut += XMLText("not measured: " + c.Scoring() + "\n")
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

// exerciseStart is when the first check of ex that ran started; zero when
// none did.
func exerciseStart(ex result.Exercise) time.Time {
	var first time.Time
	for _, c := range ex.Checks {
		if !c.Started.IsZero() && (first.IsZero() || c.Started.Before(first)) {
			first = c.Started
		}
	}
	return first
}
