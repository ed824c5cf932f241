package submission

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// extractZip unpacks a .zip, refusing anything but folders and regular
// files with safe names.
func extractZip(file string, w *writer) error {
	if err := notEmpty(file); err != nil {
		return err
	}
	zr, err := zip.OpenReader(file)
	if err != nil {
		return fmt.Errorf("%w: %s is not a readable zip archive (%v)", ErrRefused, filepath.Base(file), err)
	}
	defer zr.Close()
	if len(zr.File) > w.lim.Files*2 {
		return fmt.Errorf("%w: more than %d entries (limit)", ErrRefused, w.lim.Files*2)
	}
	for _, f := range zr.File {
		name, err := cleanName(f.Name, w.lim)
		if err != nil {
			w.x.refuse(f.Name, err.Error())
			continue
		}
		mode := f.Mode()
		switch {
		case mode.IsDir():
			continue
		case mode&fs.ModeSymlink != 0:
			w.x.refuse(name, "symlink")
			continue
		case !mode.IsRegular():
			w.x.refuse(name, "not a regular file")
			continue
		}
		size := int64(f.UncompressedSize64)
		if f.UncompressedSize64 > uint64(w.lim.FileSize) {
			size = w.lim.FileSize + 1
		}
		out, err := w.create(name, size)
		if err != nil {
			return err
		}
		if out == nil {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			out.Close()
			return fmt.Errorf("%w: %s is corrupt (%v)", ErrRefused, clip(name), err)
		}
		err = w.copyLimited(out, name, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// extractTarGz unpacks a .tar.gz file.
func extractTarGz(file string, w *writer) error {
	if err := notEmpty(file); err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrRefused, err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%w: %s is not a readable .tar.gz (%v)", ErrRefused, filepath.Base(file), err)
	}
	defer gz.Close()
	return extractTar(gz, w)
}

// extractTar unpacks a tar stream: folders and regular files only.
func extractTar(r io.Reader, w *writer) error {
	tr := tar.NewReader(r)
	entries := 0
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: the archive is corrupt (%v)", ErrRefused, err)
		}
		entries++
		if entries > w.lim.Files*2 {
			return fmt.Errorf("%w: more than %d entries (limit)", ErrRefused, w.lim.Files*2)
		}
		if h.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		name, err := cleanName(h.Name, w.lim)
		if err != nil {
			w.x.refuse(h.Name, err.Error())
			continue
		}
		switch h.Typeflag {
		case tar.TypeDir:
			continue
		case tar.TypeReg:
		case tar.TypeSymlink:
			w.x.refuse(name, "symlink")
			continue
		case tar.TypeLink:
			w.x.refuse(name, "hard link")
			continue
		case tar.TypeChar, tar.TypeBlock:
			w.x.refuse(name, "device file")
			continue
		case tar.TypeFifo:
			w.x.refuse(name, "FIFO")
			continue
		default:
			w.x.refuse(name, fmt.Sprintf("unsupported entry type %q", h.Typeflag))
			continue
		}
		out, err := w.create(name, h.Size)
		if err != nil {
			return err
		}
		if out == nil {
			continue
		}
		if err := w.copyLimited(out, name, tr); err != nil {
			return err
		}
	}
}

// extractFolder copies a folder submission. It never follows a symlink and
// refuses hard links (a regular file with more than one link), devices and
// FIFOs. A .git folder inside is skipped.
func extractFolder(dir string, w *writer) error {
	root, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%w: reading the folder: %v", ErrRefused, err)
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		name, err := cleanName(rel, w.lim)
		if err != nil {
			w.x.refuse(rel, err.Error())
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := os.Lstat(p)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrRefused, err)
		}
		mode := info.Mode()
		switch {
		case mode.IsDir():
			return nil
		case mode&fs.ModeSymlink != 0:
			w.x.refuse(name, "symlink")
			return nil
		case mode&(fs.ModeDevice|fs.ModeCharDevice) != 0:
			w.x.refuse(name, "device file")
			return nil
		case mode&fs.ModeNamedPipe != 0:
			w.x.refuse(name, "FIFO")
			return nil
		case !mode.IsRegular():
			w.x.refuse(name, "not a regular file")
			return nil
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
			w.x.refuse(name, "hard link")
			return nil
		}
		out, err := w.create(name, info.Size())
		if err != nil {
			return err
		}
		if out == nil {
			return nil
		}
		// O_NOFOLLOW: the file cannot have been swapped for a link since Lstat.
		in, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
		if err != nil {
			out.Close()
			w.x.refuse(name, "cannot be opened")
			return nil
		}
		defer in.Close()
		return w.copyLimited(out, name, in)
	})
}

// notEmpty refuses an archive of 0 bytes, most often an upload that
// failed, in words the student can act on.
func notEmpty(file string) error {
	if fi, err := os.Stat(file); err == nil && fi.Size() == 0 {
		return fmt.Errorf("%w: %s is empty (0 bytes); upload it again", ErrRefused, filepath.Base(file))
	}
	return nil
}
