# csv.awk checks a chunksize CSV: the header, four fields per row, whole
# numbers and seconds, and a full grid of chunk sizes by repeats, each pair
# once. Variables: sizes (the chunk sizes it must hold, comma-separated;
# empty: any), repeats (the repeats it must hold; 0: any, at least
# minrepeats), minsizes, n (when set, messages must be ceil(n/chunksize)).
BEGIN { FS = ","; bad = 0 }
function fail(msg) { print FILENAME ": " msg; bad = 1 }
{ sub(/\r$/, "") }
NR == 1 {
	if ($0 != "chunksize,repeat,seconds,messages")
		fail("line 1: the header is \"" $0 "\", want \"chunksize,repeat,seconds,messages\"")
	next
}
$0 == "" { next }
{
	if (NF != 4) { fail("line " NR ": " NF " fields, want 4"); next }
	if ($1 !~ /^[1-9][0-9]*$/) fail("line " NR ": chunksize \"" $1 "\" is not a whole number from 1")
	if ($2 !~ /^[1-9][0-9]*$/) fail("line " NR ": repeat \"" $2 "\" is not a whole number from 1")
	if ($3 !~ /^[0-9]+(\.[0-9]+)?$/ || $3 + 0 <= 0) fail("line " NR ": seconds \"" $3 "\" is not a positive number")
	if ($4 !~ /^[1-9][0-9]*$/) fail("line " NR ": messages \"" $4 "\" is not a whole number from 1")
	key = ($1 + 0) SUBSEP ($2 + 0)
	if (key in seen) fail("line " NR ": chunksize " $1 " repeat " $2 " appears twice")
	seen[key] = 1
	if (!(($1 + 0) in hasSize)) { hasSize[$1 + 0] = 1; ns++ }
	if (!(($2 + 0) in hasRep)) { hasRep[$2 + 0] = 1; nr++ }
	if (n > 0) {
		want = int((n + $1 - 1) / $1)
		if ($4 + 0 != want) fail("line " NR ": chunksize " $1 " sent " $4 " messages, want " want " for " n " items")
	}
	rows++
}
END {
	if (rows == 0) { fail("no measurements"); exit 1 }
	if (sizes != "") {
		k = split(sizes, wsz, ",")
		for (i = 1; i <= k; i++) if (!((wsz[i] + 0) in hasSize)) fail("chunksize " wsz[i] " is missing")
		if (ns != k) fail(ns " chunk sizes, want " k " (" sizes ")")
	}
	if (ns < minsizes) fail(ns " chunk sizes, want at least " minsizes)
	if (repeats > 0 && nr != repeats) fail(nr " distinct repeats, want " repeats)
	if (nr < minrepeats) fail(nr " repeats, want at least " minrepeats)
	for (r = 1; r <= nr; r++) if (!(r in hasRep)) fail("repeat " r " is missing; number repeats from 1")
	for (s in hasSize) for (r in hasRep) if (!((s SUBSEP r) in seen)) fail("chunksize " s " repeat " r " is missing")
	if (bad) exit 1
	print FILENAME ": ok, " ns " chunk sizes x " nr " repeats"
}
