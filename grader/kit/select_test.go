package kit

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/poolschool/poolschool/grader/spec"
)

// An exercise is named by its name or by its folder as a shell's
// completion writes it; anything else is refused with the names there are.
func TestSelect(t *testing.T) {
	all := []*spec.Exercise{{Name: "primes"}, {Name: "ipc"}}
	for _, name := range []string{"primes", "exercises/primes", "exercises/primes/", "./exercises/primes"} {
		got, err := Select(all, []string{name})
		require.NoError(t, err, name)
		require.Empty(t, cmp.Diff([]string{"primes"}, names(got)), name)
	}
	got, err := Select(all, nil)
	require.NoError(t, err)
	require.Empty(t, cmp.Diff([]string{"primes", "ipc"}, names(got)))
	for _, name := range []string{"Primes", "exercises/primes/main.go", "grader/checks/primes", "nosuch"} {
		_, err := Select(all, []string{name})
		require.EqualError(t, err, `no exercise "`+name+`"; the exercises are: primes, ipc`, name)
	}
}

func names(exs []*spec.Exercise) []string {
	var out []string
	for _, ex := range exs {
		out = append(out, ex.Name)
	}
	return out
}
