// Command fanout does N units of work: fanout [-sleep D] [-time] N.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
)

func main() {
	flag.Parse()
	n, err := strconv.Atoi(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "usage: fanout N")
		os.Exit(2)
	}
	// TODO: do each unit in a worker process of its own, and write a
	// trace of the work to $POOLSCHOOL_TRACE when it is set.
	for i := 0; i < n; i++ {
		burn()
	}
	fmt.Println("done")
}

func burn() {
	x := 0
	for i := 0; i < 4e8; i++ {
		x += i
	}
	_ = x
}
