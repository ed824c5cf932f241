package kit

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/poolschool/poolschool/grader/spec"
)

// SumsFile is the manifest that Release writes into a student kit: the
// SHA-256 of every other file of the kit as released, one
// "HEX  path" line each (the format of sha256sum). The grader compares a
// submission with it, so that a student who hands in the released kit
// with only their exercise edited is told of no other change.
const SumsFile = "grader/release.sha256"

// Sums maps a kit's files, by slash-separated path, to their SHA-256 in
// hex.
type Sums map[string]string

// SumTree hashes every regular file below dir except SumsFile.
func SumTree(dir string) (Sums, error) {
	sums := Sums{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == SumsFile {
			return nil
		}
		sum, err := SumFile(p)
		if err != nil {
			return err
		}
		sums[rel] = sum
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hashing the kit's files: %w", err)
	}
	return sums, nil
}

// SumFile returns the SHA-256 of the file at p, in hex.
func SumFile(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Encode writes the sums as SumsFile holds them, sorted by path.
func (s Sums) Encode() []byte {
	paths := make([]string, 0, len(s))
	for p := range s {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b bytes.Buffer
	for _, p := range paths {
		fmt.Fprintf(&b, "%s  %s\n", s[p], p)
	}
	return b.Bytes()
}

// WriteSums writes the sums of the kit at dir into its SumsFile.
func WriteSums(dir string) error {
	sums, err := SumTree(dir)
	if err != nil {
		return err
	}
	p := filepath.Join(dir, filepath.FromSlash(SumsFile))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, sums.Encode(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", SumsFile, err)
	}
	return nil
}

// ReadSums reads a SumsFile. A missing file is an error that matches
// fs.ErrNotExist; a malformed line is an error naming it.
func ReadSums(p string) (Sums, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	sums := Sums{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		sum, path, ok := strings.Cut(sc.Text(), "  ")
		if _, err := hex.DecodeString(sum); !ok || err != nil || len(sum) != 2*sha256.Size || path == "" {
			return nil, fmt.Errorf("%s:%d: not a \"SHA256  path\" line; write the file again with grader release", p, n)
		}
		sums[path] = sum
	}
	return sums, nil
}

// ReleasedSums returns the sums of the student kit as released: the kit's
// own SumsFile when it has one (a Gradescope package ships the one its
// release wrote), else the sums of a student kit released now, with the
// hidden checks of all (every exercise) left out, into the new folder tmp,
// which is removed again.
func (k *Kit) ReleasedSums(all []*spec.Exercise, tmp string) (Sums, error) {
	sums, err := ReadSums(filepath.Join(k.Root, filepath.FromSlash(SumsFile)))
	if !errors.Is(err, fs.ErrNotExist) {
		return sums, err
	}
	defer os.RemoveAll(tmp)
	if _, err := k.Release(tmp, all, true); err != nil {
		return nil, err
	}
	return SumTree(tmp)
}

// GradedSHA256 returns the SHA-256 of the sums of every file below the
// folders exercises/NAME of the kit at dir, one folder for each of exs,
// listed as Encode lists them. A record keeps it, so that the files
// graded can be named later; in the kit copy it is what
//
//	find exercises/primes -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum
//
// prints, for the one exercise primes.
func GradedSHA256(dir string, exs []*spec.Exercise) (string, error) {
	all := Sums{}
	for _, ex := range exs {
		sub := path.Join(Exercises, ex.Name)
		sums, err := SumTree(filepath.Join(dir, filepath.FromSlash(sub)))
		if err != nil {
			return "", err
		}
		for p, sum := range sums {
			all[sub+"/"+p] = sum
		}
	}
	sum := sha256.Sum256(all.Encode())
	return hex.EncodeToString(sum[:]), nil
}
