package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/poolschool/poolschool/grader/kit"
)

// cmdReset puts an exercise back to its starter, as released or committed,
// after the student confirms; the files it replaces are kept in
// .poolschool/backup/EXERCISE-TIME first, so nothing is lost.
func cmdReset(args []string, stdin io.Reader, stdout io.Writer) error {
	fl := newFlags("reset", "[-kit DIR] [-yes] EXERCISE", io.Discard)
	kitDir := fl.String("kit", ".", "the kit's folder")
	yes := fl.Bool("yes", false, "do not ask for a confirmation")
	if err := parseFlags(fl, args, stdout); err != nil {
		return err
	}
	if fl.NArg() != 1 {
		return usageErr("name one exercise, like \"grader reset primes\" (make reset EX=primes)")
	}
	k, exs, err := openExercises(*kitDir, fl.Arg(0))
	if err != nil {
		return err
	}
	name := exs[0].Name
	starters, err := k.Starters()
	if err != nil {
		return err
	}
	if starters.From == kit.FromWorkingTree {
		return fmt.Errorf("cannot tell exercises/%s's starter from your work here: this kit has neither a git history nor %s; "+
			"copy the exercise from a fresh clone of the kit instead", name, kit.StartersFile)
	}
	files := map[string][]byte{}
	for p, data := range starters.Files {
		if rest, ok := strings.CutPrefix(p, name+"/"); ok {
			files[rest] = data
		}
	}
	if len(files) == 0 {
		return fmt.Errorf("%s holds no starter for exercises/%s; release the kit again", starters.Describe(), name)
	}
	dir := filepath.Join(k.Root, kit.Exercises, name)
	backup := filepath.Join(k.Root, kit.StateDir, "backup", name+"-"+time.Now().Format("20060102-150405"))
	rel, _ := filepath.Rel(k.Root, backup)
	// A deleted exercise folder is what reset is most needed for: with
	// nothing to keep, it is written back without a backup.
	_, err = os.Lstat(dir)
	missing := errors.Is(err, fs.ErrNotExist)
	if !*yes {
		if missing {
			fmt.Fprintf(stdout, "Put exercises/%s back to its starter (%s)? It is missing, so there is nothing to back up. Type y to go on: ", name, starters.Describe())
		} else {
			fmt.Fprintf(stdout, "Put exercises/%s back to its starter (%s)? Your files go to %s first. Type y to go on: ", name, starters.Describe(), rel)
		}
		answer, _ := bufio.NewReader(stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(stdout, "nothing changed")
			return nil
		}
	}
	var extra []string
	if !missing {
		if err := kit.CopyTree(dir, backup, nil); err != nil {
			return fmt.Errorf("keeping your files in %s: %w; nothing was reset", rel, err)
		}
		// Remove what the starter does not have, then write the starter.
		err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			r, _ := filepath.Rel(dir, p)
			if _, ok := files[filepath.ToSlash(r)]; !ok {
				extra = append(extra, p)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("reading exercises/%s: %w; your files are in %s", name, err, rel)
		}
	}
	kept := "; your files are in " + rel
	if missing {
		kept = ""
	}
	for _, p := range extra {
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("%w%s", err, kept)
		}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("%w%s", err, kept)
		}
		if err := os.WriteFile(p, files[n], 0o644); err != nil {
			return fmt.Errorf("%w%s", err, kept)
		}
	}
	if missing {
		fmt.Fprintf(stdout, "exercises/%s is its starter again (it was missing: nothing to back up)\n", name)
		return nil
	}
	fmt.Fprintf(stdout, "exercises/%s is its starter again; your files are in %s\n", name, rel)
	return nil
}
