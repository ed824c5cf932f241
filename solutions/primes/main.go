// Command primes prints the primes in a range, found by a pool of worker
// processes.
//
// Usage:
//
//	primes [-workers N] [-chunksize C] [-count] LO HI
//
// It prints every prime p with LO <= p <= HI, in increasing order, one per
// line; with -count it prints only how many there are. LO and HI are whole
// numbers from 0 to 9223372036854775807. Bad input gets one line on standard
// error and exit status 2.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"github.com/poolschool/poolschool/pool"
)

// blockSize is how many numbers one input of Map covers.
const blockSize = 10_000

// block is one input of Map: the numbers from Lo to Hi, both included.
type block struct {
	Lo, Hi int64
}

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

// primesIn returns the primes of one block, in increasing order.
var primesIn = pool.NewTask("primesIn", func(ctx context.Context, b block) ([]int64, error) {
	var out []int64
	for n := b.Lo; ; n++ {
		if isPrime(n) {
			out = append(out, n)
		}
		if n == b.Hi { // not n <= b.Hi: Hi may be the largest int64
			break
		}
	}
	return out, nil
})

// blocks yields [lo, hi] cut into blocks of blockSize numbers, without
// overflowing at the top of the int64 range.
func blocks(lo, hi int64) func(yield func(block) bool) {
	return func(yield func(block) bool) {
		for start := lo; ; start += blockSize {
			end := hi
			if hi-start >= blockSize {
				end = start + blockSize - 1
			}
			if !yield(block{start, end}) || end == hi {
				return
			}
		}
	}
}

// usageError is bad input: one line on stderr and exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

type options struct {
	workers, chunksize int
	count              bool
	lo, hi             int64
}

func parse(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("primes", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.IntVar(&o.workers, "workers", 0, "worker processes (0: one per CPU)")
	fs.IntVar(&o.chunksize, "chunksize", 1, "blocks per message to a worker")
	fs.BoolVar(&o.count, "count", false, "print only how many primes there are")
	if err := fs.Parse(args); err != nil {
		return o, usageError{err.Error() + "; usage: primes [-workers N] [-chunksize C] [-count] LO HI"}
	}
	switch {
	case fs.NArg() != 2:
		return o, usageError{fmt.Sprintf("want two numbers LO HI, got %d argument(s); usage: primes [-workers N] [-chunksize C] [-count] LO HI", fs.NArg())}
	case o.workers < 0:
		return o, usageError{fmt.Sprintf("-workers %d is negative; use 0 for one per CPU, or more", o.workers)}
	case o.chunksize < 1:
		return o, usageError{fmt.Sprintf("-chunksize %d is out of range; use 1 or more", o.chunksize)}
	}
	var err error
	if o.lo, err = number("LO", fs.Arg(0)); err != nil {
		return o, err
	}
	if o.hi, err = number("HI", fs.Arg(1)); err != nil {
		return o, err
	}
	if o.lo > o.hi {
		return o, usageError{fmt.Sprintf("LO %d is greater than HI %d; the range is empty", o.lo, o.hi)}
	}
	return o, nil
}

func number(name, s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) && len(s) > 0 && s[0] == '-':
		return 0, usageError{fmt.Sprintf("%s %q is negative; use a whole number from 0", name, s)}
	case errors.Is(err, strconv.ErrRange):
		return 0, usageError{fmt.Sprintf("%s %q is too large; the largest is %d", name, s, int64(math.MaxInt64))}
	case err != nil:
		return 0, usageError{fmt.Sprintf("%s %q is not a whole number", name, s)}
	case n < 0:
		return 0, usageError{fmt.Sprintf("%s %d is negative; use a whole number from 0", name, n)}
	}
	return n, nil
}

func main() {
	pool.Main()
	o, err := parse(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "primes:", err)
		os.Exit(2)
	}
	if err := run(o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "primes:", err)
		os.Exit(1)
	}
}

func run(o options, w io.Writer) error {
	p, err := pool.New(pool.Config{Workers: o.workers})
	if err != nil {
		return err
	}
	defer p.Close()
	ctx := context.Background()
	out := make([]byte, 0, 64<<10)
	total := 0
	for primes, err := range pool.Map(ctx, p, primesIn, blocks(o.lo, o.hi), pool.Chunksize(o.chunksize)) {
		if err != nil {
			return err
		}
		total += len(primes)
		if o.count {
			continue
		}
		for _, n := range primes {
			out = strconv.AppendInt(out, n, 10)
			out = append(out, '\n')
		}
		if len(out) > 60<<10 {
			if _, err := w.Write(out); err != nil {
				return err
			}
			out = out[:0]
		}
	}
	if o.count {
		out = strconv.AppendInt(out, int64(total), 10)
		out = append(out, '\n')
	}
	if _, err := w.Write(out); err != nil {
		return err
	}
	return p.Close()
}
