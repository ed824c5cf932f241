// Package trace reads the Chrome trace-event files that the pool writes when
// POOLSCHOOL_TRACE names a file, and summarises how a program used its
// workers: processes, tracks, slices and instant events.
//
// The format is Chrome's "Trace Event Format": either a JSON array of
// events or an object whose "traceEvents" field holds them. Each event has
// "ph" (phase), "pid", "tid", "name", "ts" and, for complete events, "dur".
// A slice is a complete event (ph "X") or a matched begin/end pair ("B" then
// "E" on the same pid and tid). Metadata events (ph "M") name processes and
// threads and are not counted.
package trace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrFormat matches every error about a malformed trace file.
var ErrFormat = errors.New("not a Chrome trace-event file")

// Event is one trace event.
type Event struct {
	Ph   string  `json:"ph"`
	PID  int     `json:"pid"`
	TID  int     `json:"tid"`
	Name string  `json:"name"`
	TS   float64 `json:"ts"`
	Dur  float64 `json:"dur"`
}

// Summary counts what a trace shows.
type Summary struct {
	Processes  int            // distinct pids with at least one slice
	Tracks     int            // distinct (pid, tid) with at least one slice
	Slices     int            // complete events and B/E pairs
	Instants   int            // ph "i" or "I"
	ByName     map[string]int // slices per name
	InstByName map[string]int // instants per name
	Unclosed   int            // "B" events without their "E"
}

// Parse reads a trace file's contents.
func Parse(data []byte) (*Summary, error) {
	data = bytes.TrimSpace(data)
	var events []Event
	switch {
	case len(data) == 0:
		return nil, fmt.Errorf("%w: the file is empty", ErrFormat)
	case data[0] == '[':
		// Chrome accepts an array without its closing bracket, as a
		// program that was killed leaves it.
		if data[len(data)-1] != ']' {
			data = append(bytes.TrimRight(data, ", \n\t"), ']')
		}
		if err := json.Unmarshal(data, &events); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
	case data[0] == '{':
		var obj struct {
			TraceEvents []Event `json:"traceEvents"`
		}
		if err := json.Unmarshal(data, &obj); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		events = obj.TraceEvents
	default:
		return nil, fmt.Errorf("%w: it starts with neither [ nor {", ErrFormat)
	}
	s := &Summary{ByName: map[string]int{}, InstByName: map[string]int{}}
	type track struct{ pid, tid int }
	procs, tracks := map[int]bool{}, map[track]bool{}
	open := map[track][]string{}
	slice := func(t track, name string) {
		s.Slices++
		s.ByName[name]++
		procs[t.pid], tracks[t] = true, true
	}
	for _, e := range events {
		t := track{e.PID, e.TID}
		switch e.Ph {
		case "X":
			slice(t, e.Name)
		case "B":
			open[t] = append(open[t], e.Name)
		case "E":
			if st := open[t]; len(st) > 0 {
				name := st[len(st)-1]
				open[t] = st[:len(st)-1]
				if e.Name != "" {
					name = e.Name
				}
				slice(t, name)
			}
		case "i", "I":
			s.Instants++
			s.InstByName[e.Name]++
		}
	}
	for _, st := range open {
		s.Unclosed += len(st)
	}
	s.Processes, s.Tracks = len(procs), len(tracks)
	return s, nil
}

// Metric returns a count by name: processes, tracks, slices, instants,
// slices:NAME or instants:NAME.
func (s *Summary) Metric(name string) (int, error) {
	switch {
	case name == "processes":
		return s.Processes, nil
	case name == "tracks":
		return s.Tracks, nil
	case name == "slices":
		return s.Slices, nil
	case name == "instants":
		return s.Instants, nil
	case strings.HasPrefix(name, "slices:"):
		return s.ByName[name[len("slices:"):]], nil
	case strings.HasPrefix(name, "instants:"):
		return s.InstByName[name[len("instants:"):]], nil
	}
	return 0, fmt.Errorf("unknown metric %q", name)
}

// String prints the summary, one "metric value" per line, names sorted.
func (s *Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "processes %d\ntracks %d\nslices %d\ninstants %d\n", s.Processes, s.Tracks, s.Slices, s.Instants)
	if s.Unclosed > 0 {
		fmt.Fprintf(&b, "unclosed %d\n", s.Unclosed)
	}
	for _, m := range []struct {
		prefix string
		counts map[string]int
	}{{"slices:", s.ByName}, {"instants:", s.InstByName}} {
		names := make([]string, 0, len(m.counts))
		for n := range m.counts {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(&b, "%s%s %d\n", m.prefix, n, m.counts[n])
		}
	}
	return b.String()
}
