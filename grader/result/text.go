package result

// MapText replaces each text of the report that can quote a file path or
// a program's output with f of it: the report's error and notes, each
// exercise's notes and build error, and each check's reason, command,
// input, expected, got, diff, stderr, detail and transcript. Names,
// titles, ids and hints are the kit's own and stay as they are.
func (r *Report) MapText(f func(string) string) {
	r.Error = f(r.Error)
	mapAll(r.Notes, f)
	for i := range r.Exercises {
		ex := &r.Exercises[i]
		mapAll(ex.Notes, f)
		ex.BuildError = f(ex.BuildError)
		for j := range ex.Checks {
			c := &ex.Checks[j]
			for _, p := range []*string{&c.Reason, &c.Command, &c.Input, &c.Expected, &c.Got, &c.Diff, &c.Stderr, &c.Detail, &c.Log} {
				*p = f(*p)
			}
		}
	}
}

func mapAll(texts []string, f func(string) string) {
	for i, s := range texts {
		texts[i] = f(s)
	}
}
