//go:build race

package pool_test

// raceDetector is whether the tests run under the race detector, which
// multiplies the memory of a test that moves a gigabyte eightfold.
const raceDetector = true
