package submission

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fuzzLimits are small, so that a bomb is caught in a few kilobytes.
var fuzzLimits = Limits{Files: 16, Bytes: 256 << 10, FileSize: 64 << 10, Depth: 6}

// zipOf builds a zip archive; add writes its entries.
func zipOf(tb testing.TB, add func(zw *zip.Writer) error) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	require.NoError(tb, add(zw))
	require.NoError(tb, zw.Close())
	return buf.Bytes()
}

func zipFile(zw *zip.Writer, h *zip.FileHeader, body []byte) error {
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	_, err = w.Write(body)
	return err
}

// tarGzOf builds a .tar.gz archive of the given headers and bodies.
func tarGzOf(tb testing.TB, entries ...tarEntry) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		h := e.h
		if h.Typeflag == tar.TypeReg && h.Size == 0 {
			h.Size = int64(len(e.body))
		}
		require.NoError(tb, tw.WriteHeader(&h))
		if len(e.body) > 0 {
			_, err := tw.Write(e.body)
			require.NoError(tb, err)
		}
	}
	require.NoError(tb, tw.Close())
	require.NoError(tb, gz.Close())
	return buf.Bytes()
}

type tarEntry struct {
	h    tar.Header
	body []byte
}

// extractChecked unpacks data (a file of the given kind) into a fresh
// folder and holds the result to what Extract promises: a nil error or
// one that matches ErrRefused, and whatever was written lies inside the
// target, has no link, and keeps to the limits.
func extractChecked(t *testing.T, kind Kind, data []byte) {
	defer noHang(kind)()
	file := filepath.Join(t.TempDir(), "submission."+string(kind))
	require.NoError(t, os.WriteFile(file, data, 0o644))
	root := t.TempDir()
	dst := filepath.Join(root, "x")
	x, err := Extract(Submission{Path: file, Kind: kind}, dst, fuzzLimits)
	if err != nil {
		require.ErrorIs(t, err, ErrRefused)
		require.NotContains(t, err.Error(), "\n", "the error is one line")
	}
	require.NotNil(t, x)
	checkTree(t, root, dst)
}

// noHang crashes the test process when reading one input takes more than
// ten seconds, far more than any input within fuzzLimits needs, so that
// the fuzzer reports a reader that hangs, with its input, instead of
// waiting for it. It returns what disarms it.
func noHang(what Kind) (disarm func()) {
	t := time.AfterFunc(10*time.Second, func() { panic("reading one " + string(what) + " input took more than 10 s") })
	return func() { t.Stop() }
}

// checkTree requires everything below root to be dst or inside it, with
// no link, and within fuzzLimits.
func checkTree(t *testing.T, root, dst string) {
	files, total := 0, int64(0)
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		if p == root {
			return nil
		}
		require.True(t, p == dst || strings.HasPrefix(p, dst+string(os.PathSeparator)), "%s was written outside %s", p, dst)
		fi, err := os.Lstat(p)
		require.NoError(t, err)
		require.True(t, fi.IsDir() || fi.Mode().IsRegular(), "%s is a %v", p, fi.Mode().Type())
		if fi.Mode().IsRegular() {
			files++
			total += fi.Size()
			require.LessOrEqual(t, fi.Size(), fuzzLimits.FileSize, p)
		}
		return nil
	}))
	require.LessOrEqual(t, files, fuzzLimits.Files)
	require.LessOrEqual(t, total, fuzzLimits.Bytes)
}

// Any bytes given as a .zip are unpacked or refused with ErrRefused: no
// panic, no hang, nothing written outside the target folder, no link, no
// more than the limits.
func FuzzExtractZip(f *testing.F) {
	f.Add(zipOf(f, func(zw *zip.Writer) error {
		return zipFile(zw, &zip.FileHeader{Name: "exercises/greet/main.go", Method: zip.Deflate}, []byte("package main\n"))
	}))
	for _, name := range []string{"../../escaped.txt", "/etc/evil", "a/../../b", `a\..\b`, "C:/x", "a\x00b", "", ".", "a/b/c/d/e/f/g/h/i"} {
		f.Add(zipOf(f, func(zw *zip.Writer) error { return zipFile(zw, &zip.FileHeader{Name: name}, []byte("x")) }))
	}
	link := &zip.FileHeader{Name: "exercises/link.go"}
	link.SetMode(fs.ModeSymlink | 0o777)
	f.Add(zipOf(f, func(zw *zip.Writer) error { return zipFile(zw, link, []byte("/etc/passwd")) }))
	// A file, then a folder of the same name.
	f.Add(zipOf(f, func(zw *zip.Writer) error {
		if err := zipFile(zw, &zip.FileHeader{Name: "a"}, []byte("x")); err != nil {
			return err
		}
		return zipFile(zw, &zip.FileHeader{Name: "a/b"}, []byte("y"))
	}))
	// A bomb: 1 MiB of zeros in a few kilobytes.
	f.Add(zipOf(f, func(zw *zip.Writer) error {
		return zipFile(zw, &zip.FileHeader{Name: "bomb", Method: zip.Deflate}, make([]byte, 1<<20))
	}))
	// A size that lies: the header says 1 byte, the entry holds more.
	body := bytes.Repeat([]byte("y"), 100<<10)
	f.Add(zipOf(f, func(zw *zip.Writer) error {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "liar", Method: zip.Store, CRC32: crc32.ChecksumIEEE(body),
			CompressedSize64: uint64(len(body)), UncompressedSize64: 1})
		if err != nil {
			return err
		}
		_, err = w.Write(body)
		return err
	}))
	// A huge declared size.
	f.Add(zipOf(f, func(zw *zip.Writer) error {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "huge", Method: zip.Store, CompressedSize64: 1, UncompressedSize64: 1 << 62})
		if err != nil {
			return err
		}
		_, err = w.Write([]byte("z"))
		return err
	}))
	// Many entries.
	f.Add(zipOf(f, func(zw *zip.Writer) error {
		for i := range 40 {
			if err := zipFile(zw, &zip.FileHeader{Name: strings.Repeat("d/", i%5) + string(rune('a'+i%26)) + string(rune('a'+i/26))}, []byte("x")); err != nil {
				return err
			}
		}
		return nil
	}))
	valid := zipOf(f, func(zw *zip.Writer) error {
		return zipFile(zw, &zip.FileHeader{Name: "a.go", Method: zip.Deflate}, []byte("package a\n"))
	})
	f.Add(valid[:len(valid)/2])
	f.Add([]byte{})
	f.Add([]byte("PK\x03\x04garbage"))
	f.Fuzz(func(t *testing.T, data []byte) { extractChecked(t, Zip, data) })
}

// Any bytes given as a .tar.gz are unpacked or refused with ErrRefused,
// as for a zip.
func FuzzExtractTarGz(f *testing.F) {
	reg := func(name, body string) tarEntry {
		return tarEntry{h: tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644}, body: []byte(body)}
	}
	f.Add(tarGzOf(f, reg("exercises/greet/main.go", "package main\n")))
	for _, name := range []string{"../escaped.txt", "/etc/evil", "a/../../b", "a\\b", "./a", "a/b/c/d/e/f/g/h"} {
		f.Add(tarGzOf(f, reg(name, "x")))
	}
	f.Add(tarGzOf(f, tarEntry{h: tar.Header{Name: "sym.go", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}}))
	f.Add(tarGzOf(f, reg("a.go", "x"), tarEntry{h: tar.Header{Name: "hard.go", Typeflag: tar.TypeLink, Linkname: "a.go"}}))
	f.Add(tarGzOf(f, tarEntry{h: tar.Header{Name: "fifo", Typeflag: tar.TypeFifo}}, tarEntry{h: tar.Header{Name: "dev", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3}}))
	// A symlinked folder, then a file through it.
	f.Add(tarGzOf(f, tarEntry{h: tar.Header{Name: "d", Typeflag: tar.TypeSymlink, Linkname: "/tmp"}}, reg("d/evil", "x")))
	// The same name twice, and a file then a folder of its name.
	f.Add(tarGzOf(f, reg("a", "1"), reg("a", "2"), reg("a/b", "3")))
	// A bomb: 1 MiB of zeros in a kilobyte of gzip.
	f.Add(tarGzOf(f, reg("bomb", string(make([]byte, 1<<20)))))
	// A header that declares far more than it holds, and one over 8 GiB.
	huge := tarGzOf(f, reg("huge", "x"))
	f.Add(huge[:len(huge)-10])
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	require.NoError(f, tw.WriteHeader(&tar.Header{Name: "big", Typeflag: tar.TypeReg, Size: 1 << 40, Format: tar.FormatPAX}))
	require.NoError(f, gz.Close())
	f.Add(buf.Bytes())
	f.Add([]byte{0x1f, 0x8b})
	f.Add([]byte("not gzip at all"))
	f.Fuzz(func(t *testing.T, data []byte) { extractChecked(t, TarGz, data) })
}

// A git submission's HEAD, loose ref and packed-refs are read as plain
// files inside the repository: whatever they hold and whichever of them
// is a link, the reader finds a commit id of the repository or refuses
// with one line; it never reads a file outside the repository.
func FuzzGitHead(f *testing.F) {
	const commit = "0123456789abcdef0123456789abcdef01234567"
	f.Add("ref: refs/heads/main\n", commit+"\n", "", false, false)
	f.Add(commit+"\n", "", "", false, false)
	f.Add("ref: refs/heads/main", "", "# pack-refs with: peeled\n"+commit+" refs/heads/main\n", false, false)
	f.Add("ref: refs/../../secret", "", "", false, false)
	f.Add("ref: refs/heads/../../../secret", "", "", false, false)
	f.Add("ref: refs/secret", "", "", false, true)
	f.Add("ref: refs/heads/main", "", "", true, false)
	f.Add("ref: /etc/passwd", "", "", false, false)
	f.Add("ref: refs/heads/main", "not a commit", "zz refs/heads/main\n", false, false)
	f.Add(strings.Repeat("ref: ", 1000), "", strings.Repeat("x", 2<<20), false, false)
	f.Fuzz(func(t *testing.T, head, ref, packed string, headLink, refsLink bool) {
		defer noHang(Git)()
		root := t.TempDir()
		// secret lies outside the repository and looks like a commit id.
		secret := strings.Repeat("5ec7e7", 6) + "5ec7"
		require.NoError(t, os.WriteFile(filepath.Join(root, "secret"), []byte(secret+"\n"), 0o644))
		gd := filepath.Join(root, "repo", ".git")
		require.NoError(t, os.MkdirAll(filepath.Join(gd, "objects"), 0o755))
		if refsLink {
			require.NoError(t, os.Symlink(root, filepath.Join(gd, "refs")))
		} else {
			require.NoError(t, os.MkdirAll(filepath.Join(gd, "refs", "heads"), 0o755))
			if ref != "" {
				require.NoError(t, os.WriteFile(filepath.Join(gd, "refs", "heads", "main"), []byte(ref), 0o644))
			}
		}
		if headLink {
			require.NoError(t, os.Symlink(filepath.Join(root, "secret"), filepath.Join(gd, "HEAD")))
		} else {
			require.NoError(t, os.WriteFile(filepath.Join(gd, "HEAD"), []byte(head), 0o644))
		}
		if packed != "" {
			require.NoError(t, os.WriteFile(filepath.Join(gd, "packed-refs"), []byte(packed), 0o644))
		}
		id, err := resolveHead(gd)
		if err != nil {
			require.NotContains(t, err.Error(), "\n")
			return
		}
		require.Regexp(t, hexRE, id)
		require.NotEqual(t, secret, id, "the commit id came from a file outside the repository")
	})
}
