// Command fanout does N units of work, each in a worker process of its own:
// fanout [-sleep D] [-time] [-decoy] N.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"
)

type event struct {
	Ph   string `json:"ph"`
	PID  int    `json:"pid"`
	TID  int    `json:"tid"`
	Name string `json:"name"`
	TS   int64  `json:"ts"`
	Dur  int64  `json:"dur"`
}

func main() {
	if os.Getenv("FANOUT_WORKER") != "" {
		start := time.Now()
		burn()
		json.NewEncoder(os.Stdout).Encode(event{Ph: "X", PID: os.Getpid(), TID: 1, Name: "work", TS: start.UnixMicro(), Dur: time.Since(start).Microseconds()})
		return
	}
	sleep := flag.Duration("sleep", 0, "sleep this long instead of working")
	timed := flag.Bool("time", false, "print how long it took")
	flag.Parse()
	n, err := strconv.Atoi(flag.Arg(0))
	if err != nil || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: fanout [-sleep D] [-time] N")
		os.Exit(2)
	}
	start := time.Now()
	if *sleep > 0 {
		time.Sleep(*sleep)
		fmt.Println("done")
		return
	}
	var cmds []*exec.Cmd
	var pipes []io.Reader
	for i := 0; i < n; i++ {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "FANOUT_WORKER=1")
		pipe, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		cmds, pipes = append(cmds, cmd), append(pipes, pipe)
	}
	var events []json.RawMessage
	for i, c := range cmds {
		out, _ := io.ReadAll(pipes[i]) // read everything before Wait closes the pipe
		c.Wait()
		if len(out) > 0 {
			events = append(events, json.RawMessage(out))
		}
	}
	if path := os.Getenv("POOLSCHOOL_TRACE"); path != "" {
		data, _ := json.Marshal(events)
		os.WriteFile(path, data, 0o644)
	}
	fmt.Println("done")
	if *timed {
		fmt.Printf("took %dms\n", time.Since(start).Milliseconds())
	}
}

func burn() {
	x := 0
	for i := 0; i < 4e8; i++ {
		x += i
	}
	_ = x
}
