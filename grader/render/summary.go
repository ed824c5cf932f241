package render

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/poolschool/poolschool/grader/result"
)

// Summary writes the class summary: how many students were graded, the
// mean and median score, submissions that could not be graded, and every
// check ordered by how many students it failed.
func Summary(w io.Writer, reports []*result.Report) error {
	type stat struct {
		key, title               string
		failed, notMeasured, all int
	}
	stats := map[string]*stat{}
	var scores []float64
	var max float64
	var broken []string
	for _, r := range reports {
		g, m := r.Score()
		max = m
		if r.Error != "" {
			// Not graded: counted apart, never as a zero or as failures.
			broken = append(broken, r.Student+": "+r.Error)
			continue
		}
		scores = append(scores, g)
		for _, c := range r.Checks() {
			k := c.Exercise + "/" + c.ID
			s := stats[k]
			if s == nil {
				s = &stat{key: k, title: c.Title}
				stats[k] = s
			}
			s.all++
			switch c.Status {
			case result.Passed:
			case result.NotMeasured:
				s.notMeasured++
			default:
				s.failed++
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Class summary: %d submission(s)\n", len(reports))
	if len(scores) > 0 {
		sort.Float64s(scores)
		sum := 0.0
		for _, s := range scores {
			sum += s
		}
		med := scores[len(scores)/2]
		if len(scores)%2 == 0 {
			med = (scores[len(scores)/2-1] + scores[len(scores)/2]) / 2
		}
		of := ""
		if len(broken) > 0 {
			of = fmt.Sprintf(" of the %d graded (%d not graded, not counted as 0)", len(scores), len(broken))
		}
		fmt.Fprintf(&b, "Score%s: mean %.1f, median %s, out of %s\n", of, sum/float64(len(scores)), result.Points(med), result.Points(max))
	}
	if len(broken) > 0 {
		fmt.Fprintf(&b, "\nNot graded (%d):\n", len(broken))
		sort.Strings(broken)
		for _, s := range broken {
			fmt.Fprintf(&b, "  %s\n", Text(s))
		}
	}
	list := make([]*stat, 0, len(stats))
	for _, s := range stats {
		list = append(list, s)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].failed != list[j].failed {
			return list[i].failed > list[j].failed
		}
		return list[i].key < list[j].key
	})
	unmeasured := 0
	for _, s := range list {
		unmeasured += s.notMeasured
	}
	if unmeasured > 0 {
		fmt.Fprintf(&b, "\nNot measured: %d check record(s), neither passed nor failed; on a quiet machine run \"grader grade -rerun unmeasured\" with the same submissions and -out to measure them.\n", unmeasured)
	}
	if len(broken) > 0 {
		fmt.Fprintf(&b, "\nChecks, most failed first, of the %d graded:\n", len(scores))
	} else {
		b.WriteString("\nChecks, most failed first:\n")
	}
	for _, s := range list {
		more := ""
		if s.notMeasured > 0 {
			more = fmt.Sprintf(" (%d not measured)", s.notMeasured)
		}
		fmt.Fprintf(&b, "  %3d/%-3d failed  %-28s %s%s\n", s.failed, s.all, s.key, Text(s.title), more)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
