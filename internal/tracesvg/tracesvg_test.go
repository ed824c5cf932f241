package tracesvg_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/poolschool/poolschool/internal/tracesvg"
)

// A small trace as the pool writes it: two workers, a chunk of 4 on one,
// two single calls on the other, the second of which died with its worker.
const sample = `{"displayTimeUnit":"ms","traceEvents":[
{"name":"thread_name","ph":"M","ts":0,"pid":11,"tid":11,"args":{"name":"worker 11"}},
{"name":"thread_name","ph":"M","ts":0,"pid":12,"tid":12,"args":{"name":"worker 12"}},
{"name":"worker start","ph":"i","ts":1000,"pid":11,"tid":11,"s":"t"},
{"name":"worker start","ph":"i","ts":1500,"pid":12,"tid":12,"s":"t"},
{"name":"work","ph":"X","ts":2000,"dur":40000,"pid":11,"tid":11,"args":{"first":0,"count":4,"outcome":"done","pool":1,"call":1}},
{"name":"work","ph":"X","ts":2100,"dur":10000,"pid":12,"tid":12,"args":{"first":4,"count":1,"outcome":"done","pool":1,"call":2}},
{"name":"boom","ph":"X","ts":13000,"dur":5000,"pid":12,"tid":12,"args":{"first":5,"count":1,"outcome":"worker died","pool":1,"call":3}},
{"name":"worker crash","ph":"i","ts":18000,"pid":12,"tid":12,"s":"t","args":{"exit_code":3,"signal":0}}
]}`

func render(t *testing.T, data string) string {
	t.Helper()
	tr, err := tracesvg.Parse([]byte(data))
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, tracesvg.Render(&b, tr, tracesvg.Options{Title: "a <test>"}))
	return b.String()
}

// One row per track, one rectangle per slice with its inputs, a mark per
// instant, failures in red; the title is escaped.
func TestRender(t *testing.T) {
	svg := render(t, sample)
	require.True(t, strings.HasPrefix(svg, "<svg "), svg)
	require.Contains(t, svg, "a &lt;test&gt;")
	require.Equal(t, 3, strings.Count(svg, "<title>work [")+strings.Count(svg, "<title>boom ["), "a rectangle per slice")
	require.Contains(t, svg, "<title>work [0-3], 40.0 ms, done</title>")
	require.Contains(t, svg, "<title>boom [5], 5.0 ms, worker died</title>")
	require.Contains(t, svg, ">worker 11</text>")
	require.Contains(t, svg, ">worker 12</text>")
	require.Less(t, strings.Index(svg, ">worker 11</text>"), strings.Index(svg, ">worker 12</text>"), "rows in order of their first event")
	require.Contains(t, svg, "<title>worker crash at 18.0 ms, exit code 3</title>")
	require.Contains(t, svg, ">call failed</text>")
	require.Equal(t, svg, render(t, sample), "the same trace draws the same bytes")
}

func TestParseRejects(t *testing.T) {
	_, err := tracesvg.Parse([]byte("not json"))
	require.ErrorContains(t, err, "not a trace file")
	_, err = tracesvg.Parse([]byte(`{"traceEvents":[{"name":"worker start","ph":"i","ts":1,"pid":1,"tid":1}]}`))
	require.ErrorContains(t, err, "no slices")
}

// Dir redraws a stale picture, and then finds it up to date.
func TestDir(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "99-demo.trace.json"), []byte(sample), 0o644))
	pics, err := tracesvg.Dir(dir, false)
	require.NoError(t, err)
	require.Len(t, pics, 1)
	require.True(t, pics[0].Stale, "no picture yet")
	_, err = tracesvg.Dir(dir, true)
	require.NoError(t, err)
	svg, err := os.ReadFile(filepath.Join(dir, "99-demo.svg"))
	require.NoError(t, err)
	require.Contains(t, string(svg), "Trace of lessons/99-demo")
	pics, err = tracesvg.Dir(dir, false)
	require.NoError(t, err)
	require.False(t, pics[0].Stale)
}

// The pictures of the book are drawn from the traces next to them. When
// this fails, run make docs.
func TestBookPicturesInSync(t *testing.T) {
	pics, err := tracesvg.Dir(filepath.Join("..", "..", "docs", "images"), false)
	require.NoError(t, err)
	require.NotEmpty(t, pics, "docs/images has no traces")
	for _, p := range pics {
		require.False(t, p.Stale, "%s is out of date with %s; run make docs", p.SVG, p.Trace)
	}
}
