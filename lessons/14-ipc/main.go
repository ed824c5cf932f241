// Lesson 14: inter-process communication with pool.Queue.
//
// A task's result reaches the parent only when the task ends. To hear from
// a task while it works (progress, partial results), give it a queue:
// pool.NewQueue makes one in the parent, the task receives it inside its
// argument struct and Puts items, and the parent reads them as they come.
//
// Here six documents are counted by a pool of two
// workers. Every 100 lines, a task puts a report with the words it counted
// in those lines. The parent draws its progress from the reports, adds the
// partial counts up, and checks them against the tasks' final results.
package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/poolschool/poolschool/pool"
)

// Report is what a task puts into the queue. Its exported fields cross the
// process boundary with encoding/gob, as task arguments do.
type Report struct {
	Doc   int // which document
	Lines int // lines of it counted so far
	Words int // words in the lines counted since the last report
}

// countArgs is the argument of countWords: a document and the queue to
// report into. gob carries a reference to the queue, never its contents.
type countArgs struct {
	Doc     int
	Text    string
	Reports *pool.Queue[Report]
}

// batch is how many lines a task counts between two reports.
const batch = 100

// countWords counts the words of a document and reports every batch lines.
var countWords = pool.NewTask("countWords", func(ctx context.Context, a countArgs) (int, error) {
	total, words := 0, 0
	lines := strings.Split(strings.TrimSuffix(a.Text, "\n"), "\n")
	for i, line := range lines {
		words += len(strings.Fields(line))
		if (i+1)%batch == 0 || i == len(lines)-1 {
			time.Sleep(10 * time.Millisecond) // pretend the batch took a while
			if err := a.Reports.Put(ctx, Report{Doc: a.Doc, Lines: i + 1, Words: words}); err != nil {
				return 0, err
			}
			total += words
			words = 0
		}
	}
	return total, nil
})

func main() {
	pool.Main()
	backend := flag.String("backend", "processes", "processes or goroutines")
	flag.Parse()
	cfg := pool.Config{Workers: 2}
	if *backend == "goroutines" {
		cfg.Backend = pool.Goroutines
	}
	ctx := context.Background()
	p, err := pool.New(cfg)
	if err != nil {
		panic(err)
	}
	defer p.Close()

	docs := make([]string, 6)
	allLines := 0
	for i := range docs {
		docs[i] = document(i, 150+100*i)
		allLines += 150 + 100*i
	}
	fmt.Printf("backend %s: %d documents, %d lines, 2 workers\n", p.Backend(), len(docs), allLines)

	// A queue with room for 4 reports: a task that gets more than 4 ahead
	// of the parent waits in Put until the parent catches up.
	reports, err := pool.NewQueue[Report](p, 4)
	if err != nil {
		panic(err)
	}
	var futures []*pool.Future[int]
	for i, text := range docs {
		futures = append(futures, pool.Submit(ctx, p, countWords, countArgs{Doc: i, Text: text, Reports: reports}))
	}
	// Close the queue once every task is done; All below then ends after
	// the last report.
	go func() {
		pool.Wait(ctx, futures, pool.AllCompleted)
		reports.Close()
	}()

	// Read the reports as they arrive. The order between documents is up to
	// the scheduler, so the lesson prints only what does not depend on it:
	// each quarter of the lines as it is reached, and a summary at the end.
	start := time.Now()
	var first time.Duration
	linesDone, next := 0, 1
	partial := make([]int, len(docs)) // words per document, from the reports
	count := make([]int, len(docs))   // reports per document
	inOrder := true
	lastLines := make([]int, len(docs))
	running := false // were tasks still running when the first report came?
	for r := range reports.All(ctx) {
		if first == 0 {
			first = time.Since(start)
			running = doneCount(futures) < len(futures)
		}
		count[r.Doc]++
		partial[r.Doc] += r.Words
		inOrder = inOrder && r.Lines > lastLines[r.Doc]
		linesDone += r.Lines - lastLines[r.Doc]
		lastLines[r.Doc] = r.Lines
		for next <= 4 && linesDone*4 >= next*allLines {
			fmt.Printf("progress: %3d%% of the lines counted, after %v\n", 25*next, time.Since(start).Round(time.Millisecond))
			next++
		}
	}
	fmt.Printf("first report after %v, the last after %v\n", first.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	// This holds on any machine: 27 reports pass through a queue of 4, so
	// the last task cannot end before the parent has read most of them.
	fmt.Println("the first report arrived while tasks were still running:", yes(running))

	fmt.Println("\ndocument  lines  reports  words (reports)  words (result)")
	sumPartial, sumResult := 0, 0
	for i, f := range futures {
		n, err := f.Result()
		if err != nil {
			panic(err)
		}
		fmt.Printf("%8d  %5d  %7d  %15d  %14d\n", i, lastLines[i], count[i], partial[i], n)
		sumPartial += partial[i]
		sumResult += n
	}
	fmt.Printf("reports of each document arrived in order: %v\n", inOrder)
	fmt.Printf("the partial counts add up to the results: %v (%d words)\n", sumPartial == sumResult, sumResult)
}

// doneCount says how many of the futures are done now, without waiting.
func doneCount(futures []*pool.Future[int]) int {
	n := 0
	for _, f := range futures {
		if f.State() == pool.Done {
			n++
		}
	}
	return n
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// document makes a text of the given number of lines, the same on every
// run: line j of document i has 1 to 12 words.
func document(i, lines int) string {
	var b strings.Builder
	words := []string{"pool", "worker", "queue", "task", "process", "pipe", "result", "chunk"}
	for j := range lines {
		n := 1 + (i*7+j*5)%12
		for k := range n {
			if k > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[(i+j+k)%len(words)])
		}
		b.WriteByte('\n')
	}
	return b.String()
}
