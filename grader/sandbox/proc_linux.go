package sandbox

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// clockTick is the unit of the times in /proc/PID/stat. It is USER_HZ, which
// Linux fixes at 100 on every architecture the grader supports.
const clockTick = 10 * time.Millisecond

// ReadProc reads /proc/pid/stat.
func ReadProc(pid int) (Proc, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return Proc{}, err
	}
	return parseStat(data)
}

// parseStat parses one /proc/PID/stat line. The command name sits in
// parentheses and may itself contain spaces and parentheses, so the fields
// are counted from the last ')'.
func parseStat(data []byte) (Proc, error) {
	open, close := bytes.IndexByte(data, '('), bytes.LastIndexByte(data, ')')
	if open < 0 || close < open {
		return Proc{}, fmt.Errorf("malformed stat line")
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(data[:open])))
	if err != nil {
		return Proc{}, fmt.Errorf("malformed stat pid: %w", err)
	}
	f := bytes.Fields(data[close+1:])
	// f[0]=state f[1]=ppid ... f[11]=utime f[12]=stime f[13]=cutime f[14]=cstime
	if len(f) < 15 {
		return Proc{}, fmt.Errorf("short stat line")
	}
	ppid, _ := strconv.Atoi(string(f[1]))
	ut, _ := strconv.ParseInt(string(f[11]), 10, 64)
	st, _ := strconv.ParseInt(string(f[12]), 10, 64)
	cut, _ := strconv.ParseInt(string(f[13]), 10, 64)
	cst, _ := strconv.ParseInt(string(f[14]), 10, 64)
	return Proc{PID: pid, PPID: ppid, State: f[0][0], CPU: time.Duration(ut+st) * clockTick,
		Reaped: time.Duration(cut+cst) * clockTick, Comm: string(data[open+1 : close])}, nil
}

// All lists every process on the machine.
func All() ([]Proc, error) {
	names, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		return nil, err
	}
	procs := make([]Proc, 0, len(names))
	for _, n := range names {
		pid, err := strconv.Atoi(filepath.Base(n))
		if err != nil {
			continue
		}
		p, err := ReadProc(pid)
		if err != nil {
			continue // it exited while we looked
		}
		procs = append(procs, p)
	}
	return procs, nil
}

// Descendants lists the processes below root (not root itself), children
// first, as the kernel sees them now.
func Descendants(root int) ([]Proc, error) {
	all, err := All()
	if err != nil {
		return nil, err
	}
	kids := map[int][]Proc{}
	for _, p := range all {
		kids[p.PPID] = append(kids[p.PPID], p)
	}
	var out []Proc
	queue := []int{root}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		for _, k := range kids[pid] {
			out = append(out, k)
			queue = append(queue, k.PID)
		}
	}
	return out, nil
}

// SelfPID returns this process's pid as /proc numbers it. Inside a PID
// namespace os.Getpid is 1, but the /proc the grader reads is the host's.
func SelfPID() int {
	s, err := os.Readlink("/proc/self")
	if err != nil {
		return os.Getpid()
	}
	pid, err := strconv.Atoi(s)
	if err != nil {
		return os.Getpid()
	}
	return pid
}
