package similarity

import "hash/fnv"

// Fingerprint is one k-gram hash kept by winnowing, with the lines of the
// k-gram it hashes.
type Fingerprint struct {
	Hash       uint64
	Start, End int // first and last line of the k-gram
}

// kgrams returns the hash of every run of k consecutive tokens, each with
// the lines it spans; none when there are fewer than k tokens.
func kgrams(toks []Token, k int) []Fingerprint {
	if len(toks) < k {
		return nil
	}
	out := make([]Fingerprint, 0, len(toks)-k+1)
	for i := 0; i+k <= len(toks); i++ {
		h := fnv.New64a()
		for _, t := range toks[i : i+k] {
			h.Write([]byte(t.Text))
			h.Write([]byte{0})
		}
		out = append(out, Fingerprint{Hash: h.Sum64(), Start: toks[i].Line, End: toks[i+k-1].Line})
	}
	return out
}

// Winnow selects fingerprints from the k-gram hashes as in Schleimer,
// Wilkerson and Aiken, "Winnowing: local algorithms for document
// fingerprinting" (SIGMOD 2003): in every window of w consecutive hashes
// the minimum is kept, the rightmost one on a tie, and each selected hash
// position is recorded once. Any run of at least w+k-1 tokens that two
// files share therefore yields at least one fingerprint they share, while
// only about 2/(w+1) of the hashes are kept. Fewer than w hashes form one
// window.
func Winnow(hashes []Fingerprint, w int) []Fingerprint {
	if len(hashes) == 0 {
		return nil
	}
	if len(hashes) < w {
		w = len(hashes)
	}
	var out []Fingerprint
	last := -1
	for start := 0; start+w <= len(hashes); start++ {
		min := start
		for i := start + 1; i < start+w; i++ {
			if hashes[i].Hash <= hashes[min].Hash {
				min = i
			}
		}
		if min != last {
			out = append(out, hashes[min])
			last = min
		}
	}
	return out
}
