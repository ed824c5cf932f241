package sandbox

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"
)

// Every field of a Launch survives Args and ParseLaunch, and the command
// line reads as the launcher's usage says.
func TestLaunchRoundTrip(t *testing.T) {
	full := Launch{
		Limits: Limits{Timeout: 1500 * time.Millisecond, Output: 10, Memory: 20, Procs: 3, FileSize: 40, Files: 5, Cgroup: "/sys/fs/cgroup/x"},
		User:   User{UID: 63001, GID: 63002}, Events: "/w/events.jsonl",
		Confine:  Confinement{Writable: []string{"/w/ws", "/go cache"}, Landlock: true, PrivateTmp: true},
		Switched: true, UserNS: true,
		Path: "/w/bin/greet", ProgramArgs: []string{"-x", "--", "Ada Lovelace", ""},
	}
	require.Equal(t, []string{
		"-t", "1.5s", "-cap", "10", "-mem", "20", "-nproc", "3", "-fsize", "40", "-nofile", "5", "-cgroup", "/sys/fs/cgroup/x",
		"-uid", "63001", "-gid", "63002", "-events", "/w/events.jsonl",
		"-writable", "/w/ws", "-writable", "/go cache", "-landlock", "-private", "-switched", "-userns",
		"--", "/w/bin/greet", "-x", "--", "Ada Lovelace", "",
	}, full.Args())
	for name, l := range map[string]Launch{
		"everything": full,
		"program":    {Path: "/bin/true"},
		"dash path":  {Path: "-odd", ProgramArgs: []string{"-t", "1s"}},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := ParseLaunch(l.Args())
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(l, got, cmpopts.EquateEmpty()))
		})
	}
}

// The helper gets the limits it sets itself, not the launcher's time
// limit, output cap or events, and is told whether it was started as the
// student's user.
func TestLaunchHelper(t *testing.T) {
	l := Launch{Limits: Limits{Timeout: time.Second, Output: 5, Memory: 7}, User: User{UID: 9, GID: 9}, Events: "/e", Path: "/p"}
	require.Empty(t, cmp.Diff(Launch{Limits: Limits{Memory: 7}, User: User{UID: 9, GID: 9}, Switched: true, Path: "/p"}, l.Helper()))
}

// A bad command line is an error that says what is wrong.
func TestParseLaunchErrors(t *testing.T) {
	for args, want := range map[string]string{
		"-mem -5 -- /p":       `invalid value "-5" for flag -mem: want a whole number of at least 0, not "-5"`,
		"-t soon -- /p":       `invalid value "soon" for flag -t: want a duration of at least 0, such as 2s, not "soon"`,
		"-uid 99999999999 /p": `invalid value "99999999999" for flag -uid: want a user or group id, not "99999999999"`,
		"-writable rel -- /p": `invalid value "rel" for flag -writable: want an absolute folder, not "rel"`,
		"-bogus -- /p":        "flag provided but not defined: -bogus",
		"-cap 5 --":           ErrNoProgram.Error(),
	} {
		_, err := ParseLaunch(strings.Fields(args))
		require.EqualError(t, err, want, args)
	}
}

// ParseLaunch never panics, and what it accepts Args writes back to the
// same Launch.
func FuzzParseLaunch(f *testing.F) {
	f.Add(strings.Join(Launch{Limits: Limits{Timeout: time.Second, Memory: 1}, Confine: Confinement{Writable: []string{"/w"}, Landlock: true}, Path: "/p", ProgramArgs: []string{"a"}}.Args(), "\x00"))
	f.Add("-t\x001s\x00-uid\x007\x00--\x00/p")
	f.Add("-gid\x003\x00/p")
	f.Fuzz(func(t *testing.T, line string) {
		l, err := ParseLaunch(strings.Split(line, "\x00"))
		if err != nil {
			return
		}
		again, err := ParseLaunch(l.Args())
		require.NoError(t, err, "%q", l.Args())
		require.Empty(t, cmp.Diff(l, again, cmpopts.EquateEmpty()))
	})
}
