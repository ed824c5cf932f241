package tracesvg

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// TraceSuffix ends the name of every trace file in the images directory;
// the picture drawn from NAME.trace.json is NAME.svg next to it.
const TraceSuffix = ".trace.json"

// Picture is one trace file and the SVG file drawn from it.
type Picture struct {
	Trace, SVG string // paths
	Stale      bool   // the SVG is missing or differs from a fresh drawing
}

// Title is the title drawn on the picture of a trace file: for
// docs/images/06-load-balance.trace.json, "Trace of lessons/06-load-balance".
func Title(tracePath string) string {
	return "Trace of lessons/" + strings.TrimSuffix(filepath.Base(tracePath), TraceSuffix)
}

// draw renders the trace file at path.
func draw(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var b bytes.Buffer
	if err := Render(&b, t, Options{Title: Title(path)}); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b.Bytes(), nil
}

// Dir draws every *.trace.json of dir; with write it rewrites the stale
// pictures. It returns every picture, stale ones marked.
func Dir(dir string, write bool) ([]Picture, error) {
	traces, err := filepath.Glob(filepath.Join(dir, "*"+TraceSuffix))
	if err != nil {
		return nil, err
	}
	var pics []Picture
	for _, tr := range traces {
		svg := strings.TrimSuffix(tr, TraceSuffix) + ".svg"
		want, err := draw(tr)
		if err != nil {
			return nil, err
		}
		got, err := os.ReadFile(svg)
		pic := Picture{Trace: tr, SVG: svg, Stale: err != nil || !bytes.Equal(got, want)}
		if pic.Stale && write {
			if err := os.WriteFile(svg, want, 0o644); err != nil {
				return nil, err
			}
		}
		pics = append(pics, pic)
	}
	return pics, nil
}
