// Package errata holds no code: its test runs the Python programs of the
// book's errata page (docs/errata/*.py) and compares what they print with
// the recorded output that the page shows (docs/errata/*.out).
//
// A program NAME.py has one recorded output NAME.out, or one per command
// line argument, NAME.ARG.out (the program runs as python3 NAME.py ARG).
// The outputs were recorded with the CPython named in
// docs/errata/python-version.txt; with another python3 on PATH, or none,
// the test skips and says why. Timings, addresses and the few lines whose
// content depends on the timing (listed in the test) are masked for the
// comparison; tracebacks are shortened to their last line, as the page
// shows them. UPDATE_ERRATA=1 records new outputs.
//
// Where the page says that two other CPython versions print the same, the
// test runs that program under each of them too (found in pyenv's
// versions folder, or as python3.X on PATH) and skips, saying so, for a
// version that is not installed. Those runs leave out one traceback that
// CPython 3.12.1 sometimes prints as it exits (exitNoise), which the page
// mentions.
package errata
