// Command primes prints the primes in a range, found by a pool of worker
// processes.
//
// This solution was written apart from solutions/primes, to a different
// plan: it sends single numbers, collects with a channel-free loop and
// parses its arguments by hand.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"

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

var check = pool.NewTask("check", func(_ context.Context, n int64) (bool, error) {
	return isPrime(n), nil
})

func fail(code int, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "primes: "+format+"\n", args...)
	os.Exit(code)
}

func main() {
	pool.Main() // must stay the first statement of main
	workers := flag.Int("workers", 0, "worker processes (0: one per CPU)")
	chunksize := flag.Int("chunksize", 1, "inputs per message to a worker")
	count := flag.Bool("count", false, "print only how many primes there are")
	flag.Parse()
	if flag.NArg() != 2 {
		fail(2, "need LO and HI")
	}
	bounds := [2]int64{}
	for i := range bounds {
		v, err := strconv.ParseInt(flag.Arg(i), 10, 64)
		if err != nil || v < 0 {
			fail(2, "bad bound %q", flag.Arg(i))
		}
		bounds[i] = v
	}
	if *chunksize <= 0 || *workers < 0 || bounds[0] > bounds[1] {
		fail(2, "bad options")
	}
	p, err := pool.New(pool.Config{Workers: *workers})
	if err != nil {
		fail(1, "%v", err)
	}
	defer p.Close()
	numbers := func(yield func(int64) bool) {
		n := bounds[0]
		for yield(n) && n != bounds[1] {
			n++
		}
	}
	found := 0
	n := bounds[0]
	for prime, err := range pool.Map(context.Background(), p, check, numbers, pool.Chunksize(*chunksize)) {
		if err != nil {
			fail(1, "%v", err)
		}
		if prime {
			found++
			if !*count {
				fmt.Println(n)
			}
		}
		n++
	}
	if *count {
		fmt.Println(found)
	}
}
