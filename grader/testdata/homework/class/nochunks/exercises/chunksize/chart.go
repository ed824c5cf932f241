package main

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
)

// writeSVG draws the median time per chunk size, with every single run as
// a dot: chunk size on a logarithmic x axis, seconds on the y axis.
func writeSVG(path string, c config, rows []row) error {
	const w, h, left, right, top, bottom = 640.0, 400.0, 70.0, 20.0, 40.0, 50.0
	sizes := slices.Clone(c.sizes)
	slices.Sort(sizes)
	maxY := 0.0
	for _, r := range rows {
		maxY = max(maxY, r.seconds)
	}
	maxY *= 1.1
	lo, hi := math.Log10(float64(sizes[0])), math.Log10(float64(sizes[len(sizes)-1]))
	if hi == lo {
		hi = lo + 1
	}
	x := func(size int) float64 {
		return left + (math.Log10(float64(size))-lo)/(hi-lo)*(w-left-right)
	}
	y := func(s float64) float64 { return h - bottom - s/maxY*(h-top-bottom) }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12">`+"\n", w, h)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%.0f" y="20" font-size="14">%s workload, %d items, %d workers: seconds per Map by chunk size</text>`+"\n", left, c.workload, c.n, c.workers)
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="black"/>`+"\n", left, h-bottom, w-right, h-bottom)
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="black"/>`+"\n", left, top, left, h-bottom)
	for _, s := range sizes {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" text-anchor="middle">%d</text>`+"\n", x(s), h-bottom+16, s)
	}
	for i := 0; i <= 4; i++ {
		v := maxY * float64(i) / 4
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" text-anchor="end">%.3f</text>`+"\n", left-6, y(v)+4, v)
	}
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" text-anchor="middle">chunk size (log scale)</text>`+"\n", (left+w-right)/2, h-10)
	for _, r := range rows {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="#999"/>`+"\n", x(r.chunksize), y(r.seconds))
	}
	var pts []string
	for _, s := range sizes {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(s), y(median(secondsOf(rows, s)))))
	}
	fmt.Fprintf(&b, `<polyline fill="none" stroke="#c33" stroke-width="2" points="%s"/>`+"\n", strings.Join(pts, " "))
	b.WriteString("</svg>\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
