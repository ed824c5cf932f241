package similarity

import (
	"cmp"
	"slices"
	"strings"
)

// File is one source file: its name, relative to the exercise's folder,
// and its contents.
type File struct {
	Name string
	Src  []byte
}

// Submission is what one student handed in for one exercise: the files
// the student may edit.
type Submission struct {
	Student string
	Files   []File
}

// Options tune the comparison.
type Options struct {
	K      int // tokens per k-gram: shorter shared runs are noise
	Window int // winnowing window, in k-grams
	// Threshold is the score from which a pair is flagged.
	Threshold float64
	// MinFingerprints is how many fingerprints of its own (not the
	// starter's) a submission needs to be compared at all: a few lines
	// added to the starter would otherwise make any two alike.
	MinFingerprints int
}

// DefaultOptions suit homework of a few hundred lines: any shared run of
// at least K+Window-1 = 24 tokens, two or three lines of code, is seen.
var DefaultOptions = Options{K: 12, Window: 13, Threshold: 0.5, MinFingerprints: 8}

// Span is a range of lines of one file.
type Span struct {
	File       string
	Start, End int
}

// Match is a stretch of code that two submissions share: where it is in
// each.
type Match struct {
	A, B Span
}

// Pair is the comparison of two submissions of one exercise.
type Pair struct {
	Exercise string
	A, B     string  // the students, A < B
	Score    float64 // 0 to 1: the share of the smaller one's fingerprints that both have
	Shared   int     // fingerprints both have
	Flagged  bool    // Score reached Options.Threshold
	Matches  []Match // ordered by A's file and line
}

// located is a fingerprint with the file it came from.
type located struct {
	file string
	fp   Fingerprint
}

// fingerprints returns a submission's fingerprints that are not k-grams
// of the starter, the first place of each distinct hash.
func fingerprints(files []File, starter map[uint64]bool, o Options) map[uint64]located {
	out := map[uint64]located{}
	for _, f := range files {
		for _, fp := range Winnow(kgrams(Tokens(f.Src), o.K), o.Window) {
			if _, seen := out[fp.Hash]; !seen && !starter[fp.Hash] {
				out[fp.Hash] = located{f.Name, fp}
			}
		}
	}
	return out
}

// Compare compares every two submissions of one exercise and returns the
// pairs that share anything beyond the starter, highest score first (then
// by student). A submission with fewer than o.MinFingerprints
// fingerprints of its own scores 0 with everyone and is left out.
func Compare(exercise string, starter []File, subs []Submission, o Options) []Pair {
	given := map[uint64]bool{}
	for _, f := range starter {
		for _, fp := range kgrams(Tokens(f.Src), o.K) {
			given[fp.Hash] = true
		}
	}
	sorted := slices.Clone(subs)
	slices.SortFunc(sorted, func(a, b Submission) int { return strings.Compare(a.Student, b.Student) })
	prints := make([]map[uint64]located, len(sorted))
	for i, s := range sorted {
		prints[i] = fingerprints(s.Files, given, o)
	}
	var pairs []Pair
	for i := range sorted {
		for j := i + 1; j < len(sorted); j++ {
			a, b := prints[i], prints[j]
			if len(a) < o.MinFingerprints || len(b) < o.MinFingerprints {
				continue
			}
			p := pairOf(a, b)
			if p.Shared == 0 {
				continue
			}
			p.Exercise, p.A, p.B = exercise, sorted[i].Student, sorted[j].Student
			p.Score = float64(p.Shared) / float64(min(len(a), len(b)))
			p.Flagged = p.Score >= o.Threshold
			pairs = append(pairs, p)
		}
	}
	slices.SortStableFunc(pairs, func(x, y Pair) int { return cmp.Compare(y.Score, x.Score) })
	return pairs
}

// pairOf counts the fingerprints a and b share and merges their places
// into matches: shared fingerprints that are next to each other in both
// files are one stretch of shared code.
func pairOf(a, b map[uint64]located) Pair {
	var both []Match
	for h, la := range a {
		if lb, ok := b[h]; ok {
			both = append(both, Match{
				A: Span{la.file, la.fp.Start, la.fp.End},
				B: Span{lb.file, lb.fp.Start, lb.fp.End},
			})
		}
	}
	slices.SortFunc(both, func(x, y Match) int {
		return cmp.Or(strings.Compare(x.A.File, y.A.File), cmp.Compare(x.A.Start, y.A.Start),
			strings.Compare(x.B.File, y.B.File), cmp.Compare(x.B.Start, y.B.Start))
	})
	p := Pair{Shared: len(both)}
	for _, m := range both {
		if n := len(p.Matches); n > 0 && adjoins(p.Matches[n-1].A, m.A) && adjoins(p.Matches[n-1].B, m.B) {
			last := &p.Matches[n-1]
			last.A.End = max(last.A.End, m.A.End)
			last.B.Start, last.B.End = min(last.B.Start, m.B.Start), max(last.B.End, m.B.End)
			continue
		}
		p.Matches = append(p.Matches, m)
	}
	return p
}

// adjoins reports whether span t overlaps s or starts on the line after it.
func adjoins(s, t Span) bool {
	return s.File == t.File && t.Start <= s.End+1 && t.End >= s.Start-1
}
