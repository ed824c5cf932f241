package result

import (
	"cmp"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// Provenance says what was graded, by which grader, when and on which
// machine: what an instructor needs to settle a dispute over a grade, and
// to tell whether two records of one student can be compared.
type Provenance struct {
	// Commit is the git commit graded, for a git submission.
	Commit string `json:"commit,omitempty"`
	// Uncommitted lists the files of a git working copy that differ from
	// its HEAD (changed, deleted or new and not ignored): they were not
	// graded, because a git submission is graded as committed.
	Uncommitted []string `json:"uncommitted,omitempty"`
	// FilesSHA256 is the SHA-256 of the list of files graded: for each
	// graded exercise, every file of its folder after the submission's
	// editable files were put in, as sha256sum lists them ("HEX  path",
	// sorted by path). `grader sums` prints that list.
	FilesSHA256 string    `json:"files_sha256,omitempty"`
	Grader      string    `json:"grader"` // the grader's module version and the commit it was built from
	Go          string    `json:"go"`
	Platform    string    `json:"platform"` // GOOS/GOARCH
	Host        string    `json:"host"`
	CPUs        int       `json:"cpus"`           // the CPUs this grader may use
	Load        string    `json:"load,omitempty"` // the load averages over 1, 5 and 15 minutes, when the system tells
	Time        time.Time `json:"time"`           // when grading started
}

// Here describes this grader and this machine at now; what was graded is
// for the caller to add.
func Here(now time.Time) Provenance {
	p := Provenance{Grader: "unknown", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
		CPUs: runtime.NumCPU(), Load: loadAverage(), Time: now.UTC().Truncate(time.Second)}
	if bi, ok := debug.ReadBuildInfo(); ok {
		p.Grader = cmp.Or(bi.Main.Version, "unknown")
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
			p.Grader += ", commit " + rev[:min(12, len(rev))] + modified
		} else {
			// go build -buildvcs=false, or a build outside a checkout:
			// say so rather than leave the version bare.
			p.Grader += ", built without its commit (-buildvcs=false or outside git)"
		}
	}
	p.Host, _ = os.Hostname()
	p.Host = cmp.Or(p.Host, "unknown")
	return p
}

// loadAverage reads the first three fields of /proc/loadavg; "" where
// there is no such file (macOS).
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
