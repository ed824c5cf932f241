// Package spec reads what an instructor declares about the homework: one
// exercise.txt per exercise and one testscript file per check, each starting
// with a header of "# key: value" lines.
//
// A check file looks like this:
//
//	# title: finds the primes in small ranges
//	# points: 2
//	# needs: 01-builds
//	# timeout: 30s
//	# visibility: visible
//	# hint: Start with the range [2, 10].
//	# hint: LO and HI are both included.
//
//	# the first phase of the script
//	exec $PROG 2 10
//	stdout '^2\n3\n5\n7\n$'
//
// Files that several checks of an exercise use live once in its shared
// folder (SharedDir); every check finds them in $WORK.
//
// A check that measures time declares "# exclusive": the grader then runs
// it alone, with no other check or build of its own at the same time, when
// it grades several submissions at once (grade -jobs N).
//
// The header is the leading run of lines that start with "#" and ends at the
// first blank line. Every mistake in it is a *SyntaxError that names the file
// and line.
package spec
