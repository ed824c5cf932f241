// Command primes prints the primes in a range, found by a pool of worker
// processes.
//
// Usage:
//
//	primes [-workers N] [-chunksize C] [-count] LO HI
//
// docs/homework/primes.md states the task in full. This is the starter:
// it compiles and runs, and it is yours to finish.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/poolschool/poolschool/pool"
)

// isPrime tests n by trial division with the divisors 6k-1 and 6k+1.
// Keep it as it is: the homework is about the pool, not the algorithm.
func isPrime(n int64) bool {
	if n < 2 {
		return false
	}
	if n%2 == 0 {
		return n == 2
	}
	if n%3 == 0 {
		return n == 3
	}
	for d := int64(5); d <= n/d; d += 6 {
		if n%d == 0 || n%(d+2) == 0 {
			return false
		}
	}
	return true
}

// TODO: register a task at package level (pool.NewTask) that finds the
// primes in a part of the range, so that worker processes can run it.

func main() {
	pool.Main() // must stay the first statement of main
	workers := flag.Int("workers", 0, "worker processes (0: one per CPU)")
	chunksize := flag.Int("chunksize", 1, "inputs per message to a worker")
	count := flag.Bool("count", false, "print only how many primes there are")
	flag.Parse()
	_, _, _ = workers, chunksize, count

	// TODO: check the arguments (bad input: one line on stderr, exit
	// status 2), start a pool, give it the range in parts with pool.Map,
	// and print the primes in order, or their count.
	fmt.Fprintln(os.Stderr, "primes: not done yet; see docs/homework/primes.md")
	os.Exit(1)
}
