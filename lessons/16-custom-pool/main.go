// Lesson 16: a pool of our own.
//
// Underneath, a process pool is a small idea: start this same program a few
// times as workers, talk to each one over pipes, and hand out work to
// whichever is free. This lesson builds one in about 130 lines of code with
// os/exec and encoding/json, without the real pool, to see the moving parts.
// What it leaves out is what the real pool adds: a worker that dies, a task
// that panics, cancellation, chunks, shutdown options.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
)

// workerEnv marks a process as one of our workers, as pool.Main's marker
// does for the real pool.
const workerEnv = "MINIPOOL_WORKER"

// request and response are the two messages, one JSON object per line.
type request struct {
	ID int `json:"id"`
	N  int `json:"n"`
}

type response struct {
	ID     int `json:"id"`
	Result int `json:"result"`
	PID    int `json:"pid"`
}

// work is the only task our pool knows.
func work(n int) int { return n * n }

// serve is the worker's side: read a request, answer it, until stdin ends.
func serve() {
	in := json.NewDecoder(os.Stdin)
	out := json.NewEncoder(os.Stdout)
	for {
		var req request
		if err := in.Decode(&req); err != nil {
			return // io.EOF: the parent closed our stdin, time to go
		}
		out.Encode(response{ID: req.ID, Result: work(req.N), PID: os.Getpid()})
	}
}

// miniPool owns the worker processes and their pipes.
type miniPool struct {
	cmds []*exec.Cmd
	ins  []io.WriteCloser
	outs []*json.Decoder
}

// newMiniPool starts n copies of this program as workers.
func newMiniPool(n int) (*miniPool, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	p := &miniPool{}
	for range n {
		cmd := exec.Command(exe)
		cmd.Env = append(os.Environ(), workerEnv+"=1")
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			return nil, err
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			return nil, err
		}
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		p.cmds = append(p.cmds, cmd)
		p.ins = append(p.ins, in)
		p.outs = append(p.outs, json.NewDecoder(bufio.NewReader(out)))
	}
	return p, nil
}

// Map sends every input to a free worker and returns the results in input
// order. One goroutine per worker takes the next request from a shared
// channel, so a fast worker simply takes more of them.
func (p *miniPool) Map(inputs []int) ([]response, error) {
	requests := make(chan request)
	results := make([]response, len(inputs))
	errs := make(chan error, len(p.cmds))
	var wg sync.WaitGroup
	for w := range p.cmds {
		wg.Go(func() {
			for req := range requests {
				var resp response
				if err := json.NewEncoder(p.ins[w]).Encode(req); err != nil {
					errs <- err
					return
				}
				if err := p.outs[w].Decode(&resp); err != nil {
					errs <- fmt.Errorf("worker %d: %w", p.cmds[w].Process.Pid, err)
					return
				}
				results[resp.ID] = resp // each goroutine writes its own slots
			}
		})
	}
	for i, n := range inputs {
		requests <- request{ID: i, N: n}
	}
	close(requests)
	wg.Wait()
	close(errs)
	return results, <-errs // nil when no worker failed
}

// Close ends each worker's stdin, which makes it return, and waits for it.
func (p *miniPool) Close() error {
	for _, in := range p.ins {
		in.Close()
	}
	var first error
	for _, cmd := range p.cmds {
		if err := cmd.Wait(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func main() {
	if os.Getenv(workerEnv) != "" {
		serve() // our own pool.Main
		return
	}
	p, err := newMiniPool(2)
	if err != nil {
		panic(err)
	}
	results, err := p.Map([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	if err != nil {
		panic(err)
	}
	var squares []int
	pids := map[int]bool{}
	for _, r := range results {
		squares = append(squares, r.Result)
		pids[r.PID] = true
	}
	fmt.Println("squares:", squares)
	fmt.Println("worker processes started:", len(p.cmds))
	fmt.Println("the parent did none of the work:", !pids[os.Getpid()])
	if err := p.Close(); err != nil {
		panic(err)
	}
	fmt.Println("closed: every worker exited cleanly")
}
