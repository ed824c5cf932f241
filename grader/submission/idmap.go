package submission

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"unicode/utf8"
)

// IDFile is the file of a results folder that keeps which class-folder
// entry was graded under which student id.
const IDFile = "ids.json"

// IDMap maps the names of class-folder entries ("Ivan", "ivan.zip") to the
// student ids they were graded under ("ivan", "ivan-2"). A results folder
// keeps one (IDFile), so that every later run over that folder, of the
// whole class or of one entry, gives an entry the id it had, and never
// gives an entry's id to another entry.
type IDMap struct {
	ids map[string]string // entry name → id
}

// idEntry is one line of IDFile. A name that is not valid UTF-8 cannot be
// a JSON string as it is; it is kept Go-quoted instead.
type idEntry struct {
	ID     string `json:"id"`
	Entry  string `json:"entry,omitempty"`
	Quoted string `json:"entry_quoted,omitempty"`
}

type idFile struct {
	Entries []idEntry `json:"entries"`
}

// NewIDMap returns an empty mapping.
func NewIDMap() *IDMap { return &IDMap{ids: map[string]string{}} }

// ReadIDMap loads the mapping stored at path; a missing file is an empty
// mapping.
func ReadIDMap(path string) (*IDMap, error) {
	m := NewIDMap()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the student ids: %w", err)
	}
	var f idFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s is not a map of student ids (%v); repair it, or remove it to let the ids start afresh", path, err)
	}
	for _, e := range f.Entries {
		name := e.Entry
		if e.Quoted != "" {
			if name, err = strconv.Unquote(e.Quoted); err != nil {
				return nil, fmt.Errorf("%s: entry_quoted %s is not a Go-quoted string; repair it, or remove the file to let the ids start afresh", path, e.Quoted)
			}
		}
		if name == "" || !ValidID(e.ID) {
			return nil, fmt.Errorf("%s: an entry lacks a name or a valid id; repair it, or remove the file to let the ids start afresh", path)
		}
		m.ids[name] = e.ID
	}
	return m, nil
}

// Lookup returns the id the entry was graded under.
func (m *IDMap) Lookup(entry string) (id string, ok bool) {
	id, ok = m.ids[entry]
	return id, ok
}

// Holders returns the entries graded under id, sorted.
func (m *IDMap) Holders(id string) []string {
	var names []string
	for n, i := range m.ids {
		if i == id {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// Set records that entry is graded under id.
func (m *IDMap) Set(entry, id string) { m.ids[entry] = id }

// WriteFile stores the mapping at path as indented JSON, sorted by id,
// replacing the file atomically.
func (m *IDMap) WriteFile(path string) error {
	f := idFile{Entries: []idEntry{}}
	for n, id := range m.ids {
		e := idEntry{ID: id, Entry: n}
		if !utf8.ValidString(n) {
			e.Entry, e.Quoted = "", strconv.Quote(n)
		}
		f.Entries = append(f.Entries, e)
	}
	sort.Slice(f.Entries, func(i, j int) bool {
		a, b := f.Entries[i], f.Entries[j]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Entry+a.Quoted < b.Entry+b.Quoted
	})
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the student ids: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing the student ids: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing the student ids: %w", err)
	}
	return nil
}
