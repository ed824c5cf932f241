// Package tracesvg draws a trace of the pool as an SVG timeline, for the
// pictures of the book (docs/images).
//
// The input is the JSON file that pool.Config.Trace or the environment
// variable POOLSCHOOL_TRACE writes (Chrome's Trace Event Format, described
// in the pool's package documentation). The picture has one row per worker
// track, one rectangle per complete event (a call: a Submit or one Map
// chunk), labelled with the inputs it carried, and a mark per instant event
// (a worker starting, exiting, retiring or crashing). The same trace always
// gives the same bytes, so a test can tell a stale picture.
package tracesvg

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"strings"
)

// Event is one event of the trace file; only the fields the picture uses.
type Event struct {
	Name string         `json:"name"`
	Ph   string         `json:"ph"`
	TS   float64        `json:"ts"`  // microseconds
	Dur  float64        `json:"dur"` // microseconds, for ph "X"
	PID  int            `json:"pid"`
	TID  int            `json:"tid"`
	Args map[string]any `json:"args"`
}

// Trace is a parsed trace file.
type Trace struct {
	Events []Event `json:"traceEvents"`
}

// Parse reads a trace file. A file without any complete event (ph "X") is
// an error: there would be nothing to draw.
func Parse(data []byte) (*Trace, error) {
	var t Trace
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("tracesvg: not a trace file: %w", err)
	}
	if !slices.ContainsFunc(t.Events, func(e Event) bool { return e.Ph == "X" }) {
		return nil, errors.New("tracesvg: the trace has no slices (ph \"X\") to draw")
	}
	return &t, nil
}

// Options tunes the picture.
type Options struct {
	// Title is drawn above the timeline; empty means none.
	Title string
	// Width is the width of the picture in pixels; 0 means 860.
	Width int
}

// track is one row of the picture: a worker.
type track struct {
	key    [2]int // pid, tid
	name   string
	first  float64 // earliest event, to order the rows
	slices []Event
	marks  []Event
}

// Geometry of the picture, in pixels.
const (
	labelWidth = 130 // the column of track names
	rightPad   = 20
	titleH     = 30
	axisH      = 26
	rowH       = 30
	barH       = 20
	legendH    = 34
)

// palette colours the tasks, in the order of their first slice; the
// outcome "done" keeps the task's colour, any other outcome is red.
var palette = []string{"#4e79a7", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#bab0ac", "#f28e2b"}

const failColor = "#e15759"

// markStyle is how an instant event is drawn: a colour and a legend word.
var markStyle = map[string]struct{ color, word string }{
	"worker start":   {"#2e7d32", "start"},
	"worker exit":    {"#555555", "exit"},
	"worker retired": {"#f28e2b", "retired"},
	"worker crash":   {failColor, "crash"},
}

// Render draws t as an SVG document on w.
func Render(w io.Writer, t *Trace, opt Options) error {
	width := cmp.Or(opt.Width, 860)
	tracks, t0, t1 := layout(t)
	if len(tracks) == 0 {
		return errors.New("tracesvg: the trace has no tracks")
	}
	span := max(t1-t0, 1)
	plotW := float64(width - labelWidth - rightPad)
	x := func(ts float64) float64 { return labelWidth + (ts-t0)/span*plotW }

	rowsTop := titleH + axisH
	height := rowsTop + len(tracks)*rowH + legendH

	colors := taskColors(tracks)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	if opt.Title != "" {
		fmt.Fprintf(&b, `<text x="10" y="20" font-size="14" font-weight="bold">%s</text>`+"\n", esc(opt.Title))
	}
	fmt.Fprintf(&b, `<text x="%d" y="20" text-anchor="end" fill="#555555">milliseconds since the pool started</text>`+"\n", width-rightPad)

	// The time axis: a tick every step milliseconds, with a grid line.
	step := tickStep(span / 1000)
	for ms := 0.0; ms <= span/1000+1e-9; ms += step {
		px := x(t0 + ms*1000)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#dddddd"/>`+"\n", px, rowsTop-4, px, rowsTop+len(tracks)*rowH)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#555555">%s</text>`+"\n", px, rowsTop-8, tickLabel(ms, step))
	}

	for i, tr := range tracks {
		y := rowsTop + i*rowH
		if i%2 == 1 {
			fmt.Fprintf(&b, `<rect x="0" y="%d" width="%d" height="%d" fill="#000000" fill-opacity="0.04"/>`+"\n", y, width, rowH)
		}
		fmt.Fprintf(&b, `<text x="10" y="%d">%s</text>`+"\n", y+rowH/2+4, esc(tr.name))
		by := y + (rowH-barH)/2
		for _, e := range tr.slices {
			x0, x1 := x(e.TS), x(e.TS+e.Dur)
			w := max(x1-x0, 1)
			fill := colors[e.Name]
			outcome, _ := e.Args["outcome"].(string)
			if outcome != "" && outcome != "done" {
				fill = failColor
			}
			label := inputs(e)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s" stroke="#ffffff" stroke-width="0.5"><title>%s</title></rect>`+"\n",
				x0, by, w, barH, fill, esc(describe(e, label, outcome)))
			if w >= float64(7*len(label)+6) {
				fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#ffffff">%s</text>`+"\n", x0+w/2, by+barH/2+4, esc(label))
			}
		}
		for _, e := range tr.marks {
			st, ok := markStyle[e.Name]
			if !ok {
				st.color = "#555555"
			}
			px := x(e.TS)
			fmt.Fprintf(&b, `<path d="M%.1f %d l-4 -7 h8 z" fill="%s"><title>%s</title></path>`+"\n", px, by, st.color, esc(describeMark(e)))
		}
	}

	// The legend: one swatch per task, then the outcome and the marks.
	ly := rowsTop + len(tracks)*rowH + 22
	lx := 10
	swatch := func(color, word string, mark bool) {
		if mark {
			fmt.Fprintf(&b, `<path d="M%d %d l-4 -7 h8 z" fill="%s"/>`+"\n", lx+5, ly-1, color)
		} else {
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/>`+"\n", lx, ly-11, color)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text>`+"\n", lx+16, ly, esc(word))
		lx += 16 + 7*len(word) + 18
	}
	for _, name := range sortedKeys(colors) {
		swatch(colors[name], "task "+name, false)
	}
	if hasFailure(tracks) {
		swatch(failColor, "call failed", false)
	}
	for _, name := range []string{"worker start", "worker exit", "worker retired", "worker crash"} {
		if hasMark(tracks, name) {
			swatch(markStyle[name].color, name, true)
		}
	}
	b.WriteString("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}

// layout groups the events into tracks, ordered by their first event, and
// returns the time range the picture covers.
func layout(t *Trace) (tracks []*track, t0, t1 float64) {
	byKey := map[[2]int]*track{}
	get := func(e Event) *track {
		k := [2]int{e.PID, e.TID}
		tr := byKey[k]
		if tr == nil {
			tr = &track{key: k, name: fmt.Sprintf("pid %d", e.PID), first: math.Inf(1)}
			byKey[k] = tr
		}
		return tr
	}
	t0, t1 = math.Inf(1), math.Inf(-1)
	for _, e := range t.Events {
		switch e.Ph {
		case "M":
			if e.Name == "thread_name" {
				if name, ok := e.Args["name"].(string); ok {
					get(e).name = name
				}
			}
			continue
		case "X":
			tr := get(e)
			tr.slices = append(tr.slices, e)
			tr.first = min(tr.first, e.TS)
			t1 = max(t1, e.TS+e.Dur)
		case "i", "I":
			tr := get(e)
			tr.marks = append(tr.marks, e)
			tr.first = min(tr.first, e.TS)
			t1 = max(t1, e.TS)
		default:
			continue
		}
		t0 = min(t0, e.TS)
	}
	for _, tr := range byKey {
		if len(tr.slices)+len(tr.marks) == 0 {
			continue
		}
		byStart := func(a, b Event) int { return cmp.Or(cmp.Compare(a.TS, b.TS), strings.Compare(a.Name, b.Name)) }
		slices.SortStableFunc(tr.slices, byStart)
		slices.SortStableFunc(tr.marks, byStart)
		tracks = append(tracks, tr)
	}
	slices.SortFunc(tracks, func(a, b *track) int {
		return cmp.Or(cmp.Compare(a.first, b.first), cmp.Compare(a.key[0], b.key[0]), cmp.Compare(a.key[1], b.key[1]))
	})
	if len(tracks) == 0 {
		return nil, 0, 0
	}
	// The trace's clock starts with the pool: draw from there.
	return tracks, min(t0, 0), t1
}

// taskColors gives each task a colour, in the order its first slice starts.
func taskColors(tracks []*track) map[string]string {
	type first struct {
		name string
		ts   float64
	}
	var firsts []first
	seen := map[string]int{}
	for _, tr := range tracks {
		for _, e := range tr.slices {
			if i, ok := seen[e.Name]; ok {
				firsts[i].ts = min(firsts[i].ts, e.TS)
				continue
			}
			seen[e.Name] = len(firsts)
			firsts = append(firsts, first{e.Name, e.TS})
		}
	}
	slices.SortFunc(firsts, func(a, b first) int { return cmp.Or(cmp.Compare(a.ts, b.ts), strings.Compare(a.name, b.name)) })
	colors := map[string]string{}
	for i, f := range firsts {
		colors[f.name] = palette[i%len(palette)]
	}
	return colors
}

// sortedKeys returns the tasks in the order of their colours.
func sortedKeys(colors map[string]string) []string {
	names := make([]string, 0, len(colors))
	for n := range colors {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		ia, ib := slices.Index(palette, colors[a]), slices.Index(palette, colors[b])
		return cmp.Or(cmp.Compare(ia, ib), strings.Compare(a, b))
	})
	return names
}

func hasFailure(tracks []*track) bool {
	for _, tr := range tracks {
		for _, e := range tr.slices {
			if o, _ := e.Args["outcome"].(string); o != "" && o != "done" {
				return true
			}
		}
	}
	return false
}

func hasMark(tracks []*track, name string) bool {
	for _, tr := range tracks {
		if slices.ContainsFunc(tr.marks, func(e Event) bool { return e.Name == name }) {
			return true
		}
	}
	return false
}

// inputs is the label of a slice: the input index it ran, or the range of
// a chunk ("4-7").
func inputs(e Event) string {
	first, ok1 := e.Args["first"].(float64)
	count, ok2 := e.Args["count"].(float64)
	switch {
	case !ok1:
		return ""
	case !ok2 || count <= 1:
		return fmt.Sprintf("%.0f", first)
	default:
		return fmt.Sprintf("%.0f-%.0f", first, first+count-1)
	}
}

// describe is the tooltip of a slice.
func describe(e Event, label, outcome string) string {
	s := e.Name
	if label != "" {
		s += " [" + label + "]"
	}
	s += fmt.Sprintf(", %.1f ms", e.Dur/1000)
	if outcome != "" {
		s += ", " + outcome
	}
	return s
}

// describeMark is the tooltip of an instant event.
func describeMark(e Event) string {
	s := fmt.Sprintf("%s at %.1f ms", e.Name, e.TS/1000)
	if code, ok := e.Args["exit_code"].(float64); ok {
		s += fmt.Sprintf(", exit code %.0f", code)
	}
	if sig, ok := e.Args["signal"].(float64); ok && sig != 0 {
		s += fmt.Sprintf(", signal %.0f", sig)
	}
	return s
}

// tickStep picks 1, 2 or 5 times a power of ten milliseconds, so that a
// span of spanMS has about six to twelve ticks.
func tickStep(spanMS float64) float64 {
	if spanMS <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(spanMS/10)))
	for _, m := range []float64{1, 2, 5, 10} {
		if spanMS/(m*p) <= 12 {
			return m * p
		}
	}
	return 10 * p
}

// tickLabel prints a tick value with as many decimals as the step needs.
func tickLabel(ms, step float64) string {
	if step >= 1 {
		return fmt.Sprintf("%.0f", ms)
	}
	decimals := int(math.Ceil(-math.Log10(step)))
	return fmt.Sprintf("%.*f", decimals, ms)
}

func esc(s string) string { return html.EscapeString(s) }
