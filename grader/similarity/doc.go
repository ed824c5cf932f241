// Package similarity finds pairs of submissions whose code is unusually
// alike, as a hint for a human to look at, never as a verdict or a
// penalty: two students may share a study group, a lecture example or an
// idea, and a copy may be disguised beyond what tokens can see.
//
// Each editable Go file is reduced to normalised tokens (Tokens), hashed
// in runs of K tokens, and winnowed to fingerprints (Winnow) in the manner
// of MOSS. Every k-gram of the exercise's starter is removed from every
// submission's fingerprints first, so the code every student was given
// never counts as shared. Two submissions score the share of the smaller
// one's fingerprints that the other also has.
package similarity
