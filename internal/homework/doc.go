// Package homework holds no code: its test proves the samples that the
// homework pages (docs/homework/*.md) show. It builds the reference
// solutions, runs them, and compares what they print with
// docs/homework/samples/*.txt, which the pages embed through docsync: the
// usage lines the programs print on bad input, the first lines of the
// chunksize solution's CSV, and a run of the ipc solution on three small
// files. UPDATE_SAMPLES=1 records them again.
package homework
