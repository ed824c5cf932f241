package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The published sums are pinned for every architecture setup.sh serves,
// for the Go version the kit's go.mod names, and the script checks them.
func TestSetupScriptPinsTheArchive(t *testing.T) {
	version, err := goVersion("../../..")
	require.NoError(t, err)
	script, err := setupScript(version, goArchiveSums)
	require.NoError(t, err)
	for _, arch := range setupArchs {
		require.Contains(t, script, arch+") want="+goArchiveSums["go"+version+".linux-"+arch+".tar.gz"]+" ;;")
	}
	require.Contains(t, script, `got=$(sha256sum "$archive" | cut -d' ' -f1)`)
	require.NotContains(t, script, "| tar", "the archive is never piped into tar unchecked")

	_, err = setupScript("1.99.0", goArchiveSums)
	require.EqualError(t, err, "setup.sh would install Go 1.99.0, but no SHA-256 of go1.99.0.linux-amd64.tar.gz is pinned; add it (from https://go.dev/dl/?mode=json) to goArchiveSums in grader/cmd/grader/setup.go")
}

// setup.sh runs with stand-ins for apt-get, dpkg, curl and tar: curl
// "downloads" a fake archive. With the wrong sum pinned, the script stops
// with one clear line and never unpacks the archive; with the right one,
// it goes on to tar.
func TestSetupScriptRefusesAWrongArchive(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash")
	}
	if _, err := exec.LookPath("sha256sum"); err != nil {
		t.Skip("needs sha256sum")
	}
	dir := t.TempDir()
	fake := filepath.Join(dir, "fake.tar.gz")
	require.NoError(t, os.WriteFile(fake, []byte("not Go at all\n"), 0o644))
	sum := sha256.Sum256([]byte("not Go at all\n"))
	stubs := filepath.Join(dir, "bin")
	require.NoError(t, os.Mkdir(stubs, 0o755))
	for name, body := range map[string]string{
		"apt-get": "exit 0",
		"dpkg":    "echo amd64",
		// curl -fsSL -o FILE URL: copy the fake archive to FILE.
		"curl": `while [ "$#" -gt 0 ]; do if [ "$1" = -o ]; then cp "$FAKE_ARCHIVE" "$2"; fi; shift; done`,
		"tar":  `echo "tar ran" >&2; exit 3`,
	} {
		require.NoError(t, os.WriteFile(filepath.Join(stubs, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755))
	}
	run := func(pinned string) (string, error) {
		script, err := setupScript("1.26.0", map[string]string{
			"go1.26.0.linux-amd64.tar.gz": pinned,
			"go1.26.0.linux-arm64.tar.gz": strings.Repeat("0", 64),
		})
		require.NoError(t, err)
		cmd := exec.Command("bash", "-c", script)
		cmd.Env = []string{"PATH=" + stubs + ":/usr/bin:/bin", "FAKE_ARCHIVE=" + fake, "TMPDIR=" + dir}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	wrong := strings.Repeat("ab", 32)
	out, err := run(wrong)
	require.Error(t, err)
	require.Equal(t, "setup.sh: go1.26.0.linux-amd64.tar.gz has SHA-256 "+hex.EncodeToString(sum[:])+", not the published "+wrong+
		"; not installing it (a corrupt or altered download: run setup again, or check https://go.dev/dl/)\n", out)

	out, err = run(hex.EncodeToString(sum[:]))
	require.Error(t, err)
	require.Equal(t, "tar ran\n", out, "the verified archive is unpacked")
}
