package main

import (
	"flag"
	"fmt"
	"strings"
)

// twiceError is a flag given twice. The flag package keeps the last
// value silently, so "-ex primes ... -ex ipc" would grade another
// assignment than the one the instructor read first on the line.
type twiceError struct {
	Name          string
	First, Second string
}

func (e *twiceError) Error() string {
	return fmt.Sprintf("-%s is given twice (%s, then %s); give it once", e.Name, e.First, e.Second)
}

// onceValue is a flag's value while its command line is parsed: a second
// Set fails, and leaves a *twiceError in *twice for parseInterspersed to
// return as it is (the flag package words the error of a Set its own way).
type onceValue struct {
	flag.Value
	name  string
	first string
	set   bool
	twice **twiceError
}

func (v *onceValue) Set(s string) error {
	if v.set {
		*v.twice = &twiceError{Name: v.name, First: v.first, Second: s}
		return *v.twice
	}
	v.set, v.first = true, s
	return v.Value.Set(s)
}

// IsBoolFlag keeps "-yes" meaning "-yes=true" for the flag package.
func (v *onceValue) IsBoolFlag() bool {
	b, ok := v.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// parseInterspersed parses args with fs, letting flags come after the
// arguments too ("grader hint primes -check 02-small", as the guide
// writes it), and refusing a flag given twice. "--" ends the flags. The
// arguments are left in fs.Args(), in order.
func parseInterspersed(fs *flag.FlagSet, args []string) error {
	// Wrapped only while parsing: -h prints each flag's kind from the
	// type of its value.
	var wrapped []*flag.Flag
	var twice *twiceError
	fs.VisitAll(func(f *flag.Flag) {
		f.Value = &onceValue{Value: f.Value, name: f.Name, twice: &twice}
		wrapped = append(wrapped, f)
	})
	defer func() {
		for _, f := range wrapped {
			f.Value = f.Value.(*onceValue).Value
		}
	}()
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if twice != nil {
				return twice
			}
			return err
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		i := 0
		for i < len(rest) && !isFlagArg(rest[i]) {
			i++
		}
		positional = append(positional, rest[:i]...)
		if args = rest[i:]; len(args) == 0 {
			break
		}
	}
	// Leaves fs.Args() holding the arguments, flags or not.
	return fs.Parse(append([]string{"--"}, positional...))
}

// isFlagArg reports whether a command-line word is a flag (or "--") to
// the flag package: a dash and more; a lone "-" is an argument.
func isFlagArg(s string) bool {
	return len(s) > 1 && strings.HasPrefix(s, "-")
}
