package deadline

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	d, err := Parse("2026-12-01T23:59Z")
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 12, 1, 23, 59, 0, 0, time.UTC), d.UTC())
	_, err = Parse("2026-12-01")
	require.EqualError(t, err, `-deadline "2026-12-01" is not a time; write it like 2026-12-01T23:59Z (UTC) or 2026-12-01T23:59+01:00`)
}

func TestPenalty(t *testing.T) {
	p, err := ParsePenalty("10%/day")
	require.NoError(t, err)
	require.Equal(t, Penalty{10, 24 * time.Hour}, p)
	require.Equal(t, 0.0, p.Points(0, 8, 10))
	require.Equal(t, 1.0, p.Points(time.Minute, 8, 10), "a started day counts")
	require.Equal(t, 2.0, p.Points(25*time.Hour, 8, 10))
	require.Equal(t, 3.0, p.Points(30*24*time.Hour, 3, 10), "never below zero")
	for _, bad := range []string{"10", "10%/week", "0%/day", "-5%/day", "x%/day", "150%/day"} {
		_, err := ParsePenalty(bad)
		require.Error(t, err, bad)
	}
}
