// Command greet greets the person named on its command line.
//
// Usage: greet NAME
package main

import (
	"fmt"
	"os"
)

func main() {
	// TODO: print "hello, NAME!" for the name given as the only argument,
	// and "usage: greet NAME" on stderr with exit status 2 otherwise.
	fmt.Fprintln(os.Stderr, "greet: not done yet")
	os.Exit(1)
}
