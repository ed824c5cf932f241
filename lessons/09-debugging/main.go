// Lesson 9: debugging.
//
// Three habits make pool programs easier to debug. First, log with the pid:
// with several processes writing to the same terminal, a line is only
// useful if it says which process wrote it. Second, call pool.Main first
// in main, and know what it protects you from. Third, when the question is
// "who ran what, and when", record a trace: run the program with
// POOLSCHOOL_TRACE=trace.json and open that file in https://ui.perfetto.dev.
package main

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/poolschool/poolschool/pool"
)

// logger is created when the package is initialised, which happens in
// every process that runs this binary: the parent and each worker. So each
// process gets a prefix with its own pid. Logs go to stderr; the pool
// passes a worker's stderr through to the parent's.
var logger = log.New(os.Stderr, fmt.Sprintf("[pid %d] ", os.Getpid()), 0)

var square = pool.NewTask("square", func(_ context.Context, n int) (int, error) {
	logger.Printf("square(%d) starts", n)
	return n * n, nil
})

// step pretends to work for n times 20ms, except that input 5 then hits a
// bug that ends its worker process.
var step = pool.NewTask("step", func(_ context.Context, n int) (int, error) {
	time.Sleep(time.Duration(n) * 20 * time.Millisecond)
	if n == 5 {
		logger.Printf("step(5) hits a bug and exits")
		os.Exit(3)
	}
	return n, nil
})

// forgetEnv makes this program skip pool.Main, to show what goes wrong.
const forgetEnv = "LESSON9_FORGET_MAIN"

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

	fmt.Println("== Logging with pids ==")
	logger.Printf("parent starts the pool")
	var results []int
	for r, err := range pool.Map(context.Background(), p, square, slices.Values([]int{1, 2, 3, 4})) {
		if err != nil {
			panic(err)
		}
		results = append(results, r)
	}
	logger.Printf("parent got %v", results)
	fmt.Println("results:", results, "(the log lines are on stderr)")

	fmt.Println("\n== Forgetting pool.Main ==")
	// Run this program again as a child with pool.Main skipped. Its workers
	// inherit the setting, so they skip Main too and run main from the top.
	// The child must not trace: its pool would write over our trace file.
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

	fmt.Println("\n== A run worth a trace ==")
	// Eight calls of different lengths on two workers, one of which dies.
	// With POOLSCHOOL_TRACE=trace.json in the environment, the pool writes
	// the whole program's calls to trace.json when it closes.
	for r, err := range pool.Map(context.Background(), p, step, slices.Values([]int{1, 2, 3, 4, 5, 6, 7, 8})) {
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println("step", r, "done")
	}
}
