// Package classreport draws what an instructor sees of a whole class:
// report.html, one self-contained page (no network, no external scripts
// or fonts) with the points of every exercise as histograms, every
// check's outcomes, the students' points, the similarity pairs, the
// roster's gaps and where the run came from; and the same histograms as
// text for summary.txt.
package classreport

import (
	"cmp"
	"math"
	"slices"

	"github.com/poolschool/poolschool/grader/result"
)

// Histogram is the distribution of the points of the graded submissions
// of one exercise, or of the whole work.
type Histogram struct {
	Title    string
	Max      float64 // points available
	Bins     []Bin
	Graded   int
	Ungraded int // submissions that could not be graded: shown apart, not as zeros
}

// Bin counts the points in [Lo, Hi), the last bin also Hi itself.
type Bin struct {
	Lo, Hi float64
	Count  int
}

// histogram bins points in at most 10 equal bins from 0 to max; whole
// points get a bin each when there are at most 10 of them.
func histogram(title string, points []float64, max float64, ungraded int) Histogram {
	h := Histogram{Title: title, Max: max, Graded: len(points), Ungraded: ungraded}
	n := 10
	if max > 0 && max <= 10 && max == math.Trunc(max) {
		n = int(max) + 1 // 0, 1, ..., max
	}
	if max <= 0 {
		n = 1
	}
	width := max / float64(n)
	if n == int(max)+1 {
		width = 1
	}
	for i := range n {
		h.Bins = append(h.Bins, Bin{Lo: float64(i) * width, Hi: float64(i+1) * width})
	}
	for _, p := range points {
		i := 0
		if width > 0 {
			i = min(n-1, max0(int(p/width)))
		}
		h.Bins[i].Count++
	}
	return h
}

func max0(i int) int { return max(i, 0) }

// CheckStats is how one check went across the class.
type CheckStats struct {
	Key, Title string
	// Counts by outcome: Passed, Failed (failed or could not run),
	// Skipped, and NotMeasured (the check could not measure).
	Passed, Failed, Skipped, NotMeasured int
	// CommonReason is the most frequent reason of a failure, and
	// ReasonCount how many failures gave it.
	CommonReason string
	ReasonCount  int
	// HintLevels is how many hints the check offers; Hinted how many of
	// its failures matched a hint written for that very failure.
	HintLevels, Hinted int
}

// All is how many records the check has.
func (s CheckStats) All() int { return s.Passed + s.Failed + s.Skipped + s.NotMeasured }

// FailRate is the share of the records that failed.
func (s CheckStats) FailRate() float64 {
	if s.All() == 0 {
		return 0
	}
	return float64(s.Failed) / float64(s.All())
}

// checkStats gathers the outcomes of every check of the graded reports,
// most often failed first.
func checkStats(reports []*result.Report) []CheckStats {
	by := map[string]*CheckStats{}
	reasons := map[string]map[string]int{}
	for _, r := range reports {
		if r.Error != "" {
			continue // not graded: its checks say nothing of the checks
		}
		for _, c := range r.Checks() {
			k := c.Exercise + "/" + c.ID
			s := by[k]
			if s == nil {
				s = &CheckStats{Key: k, Title: c.Title}
				by[k], reasons[k] = s, map[string]int{}
			}
			s.HintLevels = max(s.HintLevels, c.HintLevels)
			switch c.Status {
			case result.Passed:
				s.Passed++
			case result.Failed, result.Error:
				s.Failed++
				reasons[k][c.Reason]++
				if c.FailureHint != "" {
					s.Hinted++
				}
			case result.Skipped:
				s.Skipped++
			case result.NotMeasured:
				s.NotMeasured++
			default:
				s.Failed++ // an outcome this grader does not know: not a pass
			}
		}
	}
	var out []CheckStats
	for k, s := range by {
		for reason, n := range reasons[k] {
			if n > s.ReasonCount || n == s.ReasonCount && reason < s.CommonReason {
				s.CommonReason, s.ReasonCount = reason, n
			}
		}
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b CheckStats) int {
		return cmp.Or(cmp.Compare(b.FailRate(), a.FailRate()), cmp.Compare(a.Key, b.Key))
	})
	return out
}

// histograms returns the histogram of the whole work, then one per
// exercise in the order the records list them.
func histograms(reports []*result.Report) []Histogram {
	var names, titles []string
	maxOf := map[string]float64{}
	points := map[string][]float64{}
	var total []float64
	var totalMax float64
	ungraded := 0
	for _, r := range reports {
		if r.Error != "" {
			ungraded++
		}
		for _, e := range r.Exercises {
			if _, seen := maxOf[e.Name]; !seen {
				names, titles = append(names, e.Name), append(titles, cmp.Or(e.Title, e.Name))
			}
			got, most := e.Score()
			maxOf[e.Name] = max(maxOf[e.Name], most)
			if r.Error == "" {
				points[e.Name] = append(points[e.Name], got)
			}
		}
		if r.Error == "" {
			got, most := r.Score()
			total = append(total, got)
			totalMax = max(totalMax, most)
		}
	}
	out := []Histogram{histogram("All exercises", total, totalMax, ungraded)}
	if len(names) > 1 {
		for i, n := range names {
			out = append(out, histogram(titles[i], points[n], maxOf[n], ungraded))
		}
	}
	return out
}
