package main

import (
	"fmt"
	"sort"
	"strings"
)

// goArchiveSums are the published SHA-256 sums of the Go release archives
// that setup.sh may install, from https://go.dev/dl/?mode=json. A kit
// whose go.mod names a version without sums here cannot be packaged until
// they are added: setup.sh installs nothing it cannot verify.
var goArchiveSums = map[string]string{
	"go1.26.0.linux-amd64.tar.gz": "aac1b08a0fb0c4e0a7c1555beb7b59180b05dfc5a3d62e40e9de90cd42f88235",
	"go1.26.0.linux-arm64.tar.gz": "bd03b743eb6eb4193ea3c3fd3956546bf0e3ca5b7076c8226334afe6b75704cd",
}

// setupArchs are the Debian architectures (dpkg --print-architecture) a
// Gradescope image may have, which are also Go's names for them.
var setupArchs = []string{"amd64", "arm64"}

const setupSh = `#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# It installs Go %[1]s, verified against its published SHA-256, builds the
# grader, and warms the build cache so that grading later needs no network.
set -euo pipefail
apt-get update -qq
apt-get install -y -qq --no-install-recommends ca-certificates curl git make >/dev/null
arch=$(dpkg --print-architecture)
case "$arch" in
%[2]s*) echo "setup.sh: no SHA-256 of Go %[1]s for $arch is pinned; add it to goArchiveSums in grader/cmd/grader/setup.go and package the grader again" >&2; exit 1 ;;
esac
archive=$(mktemp --suffix=.tar.gz)
trap 'rm -f "$archive"' EXIT
curl -fsSL -o "$archive" "https://go.dev/dl/go%[1]s.linux-${arch}.tar.gz"
got=$(sha256sum "$archive" | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
  echo "setup.sh: go%[1]s.linux-${arch}.tar.gz has SHA-256 $got, not the published $want; not installing it (a corrupt or altered download: run setup again, or check https://go.dev/dl/)" >&2
  exit 1
fi
tar -C /usr/local -xzf "$archive"
export PATH=/usr/local/go/bin:$PATH
cd /autograder/source/kit
go mod download
go build -o /autograder/source/grader ./grader/cmd/grader
go build ./... >/dev/null
`

// setupScript writes setup.sh for Go version, with the archive sums from
// sums.
func setupScript(version string, sums map[string]string) (string, error) {
	var cases strings.Builder
	archs := append([]string(nil), setupArchs...)
	sort.Strings(archs)
	for _, arch := range archs {
		name := fmt.Sprintf("go%s.linux-%s.tar.gz", version, arch)
		sum, ok := sums[name]
		if !ok {
			return "", fmt.Errorf("setup.sh would install Go %s, but no SHA-256 of %s is pinned; add it (from https://go.dev/dl/?mode=json) to goArchiveSums in grader/cmd/grader/setup.go", version, name)
		}
		fmt.Fprintf(&cases, "%s) want=%s ;;\n", arch, sum)
	}
	return fmt.Sprintf(setupSh, version, cases.String()), nil
}
