// Command greet greets the person named on its command line.
//
// Usage: greet NAME
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: greet NAME")
		os.Exit(2)
	}
	fmt.Printf("hello, %s!\n", os.Args[1])
}
