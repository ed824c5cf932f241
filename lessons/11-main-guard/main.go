// Lesson 11: pool.Main is Go's if __name__ == '__main__'.
//
// A worker is this same binary started again. pool.Main, the first
// statement of main, makes a worker serve tasks and exit, so the rest of
// main never runs there. This lesson runs itself again as a child that
// skips pool.Main, and shows what the pool says then.
package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/poolschool/poolschool/pool"
)

var square = pool.NewTask("square", func(_ context.Context, n int) (int, error) {
	return n * n, nil
})

// forgetEnv makes this program skip pool.Main, to show what goes wrong.
const forgetEnv = "LESSON10_FORGET_MAIN"

func main() {
	if os.Getenv(forgetEnv) == "" {
		pool.Main()
	}
	// Without Main, a worker process runs this very code: main from the top.

	p, err := pool.New(pool.Config{Workers: 2})
	if err != nil {
		// In a worker that skipped Main, New refuses to start a pool of
		// its own and says why.
		fmt.Fprintln(os.Stderr, "pool.New:", err)
		os.Exit(1)
	}
	defer p.Close()
	if os.Getenv(forgetEnv) != "" {
		_, err := pool.Submit(context.Background(), p, square, 3).Result()
		fmt.Println("submit without pool.Main:", err)
		return
	}

	n, err := pool.Submit(context.Background(), p, square, 3).Result()
	fmt.Println("with pool.Main: square(3) =", n, err)

	// Run this program again as a child with pool.Main skipped. Its workers
	// inherit the setting, so they skip Main too and run main from the top.
	// The child must not trace: its pool would write over a trace file of
	// ours (POOLSCHOOL_TRACE, lesson 12).
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), forgetEnv+"=1", "POOLSCHOOL_TRACE=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		fmt.Println("the child failed:", err)
	}
	fmt.Print("the child printed: ", stdout.String())
	for line := range strings.Lines(stderr.String()) {
		if strings.HasPrefix(line, "pool.New:") {
			fmt.Println("each of its workers said:", strings.TrimSpace(line))
			break
		}
	}
}
