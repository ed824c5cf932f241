package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// A check comes with what it needs, directly or through another check,
// and nothing else.
func TestWithNeeds(t *testing.T) {
	builds := &Check{ID: "01-builds"}
	small := &Check{ID: "02-small", Needs: []string{"01-builds"}}
	big := &Check{ID: "03-big", Needs: []string{"02-small"}}
	other := &Check{ID: "04-other", Needs: []string{"01-builds"}}
	ex := &Exercise{Checks: []*Check{builds, small, big, other}}
	require.Empty(t, cmp.Diff(map[string]bool{"01-builds": true, "02-small": true, "03-big": true}, ex.WithNeeds(big)))
	require.Empty(t, cmp.Diff(map[string]bool{"01-builds": true}, ex.WithNeeds(builds)))
}
