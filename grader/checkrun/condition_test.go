package checkrun

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCondition(t *testing.T) {
	ok, err := condition("cpus:1")
	require.NoError(t, err)
	require.True(t, ok, "cpus:1")
	ok, err = condition("cpus:100000")
	require.NoError(t, err)
	require.False(t, ok, "cpus:100000")
	_, err = condition("cpus:x")
	require.Error(t, err, "cpus:x")
	_, err = condition("gpu")
	require.Error(t, err, "gpu")
}

func TestParallelCondition(t *testing.T) {
	_, err := condition("parallel:x")
	require.Error(t, err, "parallel:x")
	ok, err := condition("parallel:100000")
	require.NoError(t, err)
	require.False(t, ok, "parallel:100000: no machine here has that many CPUs")
	// The measure itself depends on the machine's load, so only its sanity
	// is asserted: some work got done.
	require.Positive(t, parallelEfficiency(1), "parallelEfficiency(1)")
}
