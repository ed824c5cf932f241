package classreport

import (
	"cmp"
	"os"
	"runtime"
	"runtime/debug"
	"time"
)

// Provenance says which grader made a report, when and where.
type Provenance struct {
	Version  string // the grader's module version, and its commit when the build recorded one
	Go       string
	Platform string
	Host     string
	Time     time.Time
}

// CurrentProvenance describes this process, at now.
func CurrentProvenance(now time.Time) Provenance {
	p := Provenance{Version: "unknown", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH, Time: now.UTC()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		p.Version = cmp.Or(bi.Main.Version, "unknown")
		var rev, modified string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = " (modified)"
				}
			}
		}
		if rev != "" {
			p.Version += ", commit " + rev[:min(12, len(rev))] + modified
		}
	}
	p.Host, _ = os.Hostname()
	p.Host = cmp.Or(p.Host, "unknown")
	return p
}
