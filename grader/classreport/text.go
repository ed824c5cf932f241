package classreport

import (
	"fmt"
	"io"
	"strings"

	"github.com/poolschool/poolschool/grader/result"
)

// WriteTextHistograms writes the histograms of report.html as text, for
// summary.txt: one row per bin with a bar of '#', one per submission.
func WriteTextHistograms(w io.Writer, reports []*result.Report) error {
	var b strings.Builder
	for _, h := range histograms(reports) {
		fmt.Fprintf(&b, "\nPoints, %s (out of %s), %d graded", h.Title, result.Points(h.Max), h.Graded)
		if h.Ungraded > 0 {
			fmt.Fprintf(&b, ", %d not graded (not counted as 0)", h.Ungraded)
		}
		b.WriteString(":\n")
		for _, bin := range h.Bins {
			fmt.Fprintf(&b, "  %9s %s %d\n", bin.Label(h), strings.Repeat("#", bin.Count), bin.Count)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Label names a bin's range: "3" for a bin of one whole point, "2.5-5"
// otherwise.
func (bin Bin) Label(h Histogram) string {
	if bin.Hi-bin.Lo == 1 && bin.Lo == float64(int(bin.Lo)) && len(h.Bins) == int(h.Max)+1 {
		return result.Points(bin.Lo)
	}
	return fmt.Sprintf("%s-%s", trim(bin.Lo), trim(bin.Hi))
}

func trim(f float64) string { return strings.TrimSuffix(fmt.Sprintf("%.4g", f), ".0") }
