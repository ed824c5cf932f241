# events.awk checks the progress lines of wordcount: "[I/N] PATH: ..."
# lines numbered 1, 2, ... N in the order printed, N the same on every
# line and equal to n, each path once, then one total line at the end.
BEGIN { want = 1 }
function fail(msg) { print "line " NR ": " msg; bad = 1 }
/^\[[0-9]+\/[0-9]+\] / {
	split(substr($0, 2), f, /[\/\]]/)
	if (f[1] + 0 != want) fail("event " f[1] ", want " want " (events are numbered in the order printed)")
	if (f[2] + 0 != n) fail("event of " f[2] " files, want " n)
	path = $0
	sub(/^\[[0-9]+\/[0-9]+\] /, "", path)
	sub(/: .*$/, "", path)
	if (path in seen) fail("a second event for " path)
	seen[path] = 1
	if (totals) fail("an event after the total line")
	want++
	next
}
/^total: / { totals++; next }
{ fail("unexpected line: " $0) }
END {
	if (want - 1 != n) { print (want - 1) " events, want " n; bad = 1 }
	if (totals != 1) { print totals + 0 " total lines, want 1"; bad = 1 }
	if (bad) exit 1
	print "ok: " n " events in order, one total line"
}
