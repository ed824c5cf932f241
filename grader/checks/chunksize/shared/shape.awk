# shape.awk reads a chunksize CSV and prints the median seconds of each
# chunk size. With slow=first it wants the smallest chunk size's median to
# be at least ratio times the best; with slow=last the largest's, and the
# largest chunk size to be at least minlast. With an ANALYSIS.md before the
# CSV and which=Uniform (or Skewed), it wants the line "Which: chunksize N"
# there, N measured in the CSV, and its median within ratio times the best.
BEGIN { FS = ","; rec = -1 }
function fail(msg) { print msg; bad = 1 }
FILENAME ~ /\.md$/ {
	line = $0
	sub(/\r$/, "", line)
	if (line ~ ("^" which ": chunksize [1-9][0-9]*[ \t]*$")) {
		split(line, f, " ")
		rec = f[3] + 0
	}
	next
}
FNR == 1 { next }
NF == 4 { k = $1 + 0; cnt[k]++; v[k, cnt[k]] = $3 + 0 }
END {
	first = -1; last = -1; best = -1
	for (k in cnt) {
		m = cnt[k]
		for (i = 1; i <= m; i++) s[i] = v[k, i]
		for (i = 2; i <= m; i++) { x = s[i]; for (j = i - 1; j >= 1 && s[j] > x; j--) s[j + 1] = s[j]; s[j + 1] = x }
		med[k] = (m % 2 == 1) ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2
		if (first < 0 || k < first) first = k
		if (last < 0 || k > last) last = k
		if (best < 0 || med[k] < med[best]) best = k
	}
	if (best < 0) { print "no measurements"; exit 1 }
	for (k in med) printf "chunksize %d: median %.4f s\n", k, med[k]
	printf "best: chunksize %d, median %.4f s\n", best, med[best]
	if (slow == "first" && med[first] < ratio * med[best])
		fail(sprintf("chunksize %d (median %.4f s) is not %.2f times slower than the best, chunksize %d (%.4f s)", first, med[first], ratio, best, med[best]))
	if (slow == "last") {
		if (last < minlast) fail(sprintf("the largest chunk size is %d, want at least %d", last, minlast))
		else if (med[last] < ratio * med[best])
			fail(sprintf("chunksize %d (median %.4f s) is not %.2f times slower than the best, chunksize %d (%.4f s)", last, med[last], ratio, best, med[best]))
	}
	if (which != "") {
		if (rec < 0) fail("ANALYSIS.md has no line \"" which ": chunksize N\"")
		else if (!(rec in med)) fail(sprintf("the recommended chunksize %d for the %s workload was never measured", rec, tolower(which)))
		else if (med[rec] > ratio * med[best])
			fail(sprintf("the recommended chunksize %d (median %.4f s) is more than %.2f times the best measured, chunksize %d (%.4f s)", rec, med[rec], ratio, best, med[best]))
		else printf "recommended: chunksize %d, median %.4f s\n", rec, med[rec]
	}
	if (bad) exit 1
}
