package bench

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"time"
)

// The floor is what two Go processes can do over a pipe with no pool logic:
// this binary started again with envFloor naming a mode, reading gob values
// from descriptor 3 and writing gob values to descriptor 4, one persistent
// gob stream each way, flushed after every message. Nothing queues, acks,
// or tracks calls: it is the cost of the pipes, the process switches and
// encoding/gob, which any process pool pays.
const envFloor = "POOLSCHOOL_BENCH_FLOOR"

// Floor modes: what a floor child does with each value it reads.
const (
	floorInt     = "int"     // int: echo it
	floorInts    = "ints"    // []int: echo it (one message per Map chunk)
	floorBytes   = "bytes"   // []byte: echo it
	floorPrimes  = "primes"  // primeRange: reply with the count
	floorSpin    = "spin"    // time.Duration: spin that long, reply 0
	floorCrash   = "crash"   // string path: stamp the time there, exit 1
	floorProduce = "produce" // int n: write n ints, as a queue producer
)

// serveFloor is a floor child's whole life.
func serveFloor(mode string) {
	in := bufio.NewReaderSize(os.NewFile(3, "floor-in"), 64<<10)
	outw := bufio.NewWriterSize(os.NewFile(4, "floor-out"), 64<<10)
	dec, enc := gob.NewDecoder(in), gob.NewEncoder(outw)
	reply := func(v any) {
		if enc.Encode(v) != nil || outw.Flush() != nil {
			os.Exit(1)
		}
	}
	for {
		var err error
		switch mode {
		case floorInt:
			var v int
			if err = dec.Decode(&v); err == nil {
				reply(v)
			}
		case floorInts:
			var v []int
			if err = dec.Decode(&v); err == nil {
				reply(v)
			}
		case floorBytes:
			var v []byte
			if err = dec.Decode(&v); err == nil {
				reply(v)
			}
		case floorPrimes:
			var v primeRange
			if err = dec.Decode(&v); err == nil {
				reply(countPrimes(v))
			}
		case floorSpin:
			var v time.Duration
			if err = dec.Decode(&v); err == nil {
				spin(v)
				reply(0)
			}
		case floorCrash:
			var path string
			if err = dec.Decode(&path); err == nil {
				stampAndExit(path)
			}
		case floorProduce:
			var n int
			if err = dec.Decode(&n); err == nil {
				for i := range n {
					reply(i)
				}
			}
		default:
			fmt.Fprintf(os.Stderr, "bench: unknown floor mode %q\n", mode)
			os.Exit(2)
		}
		if err != nil {
			// EOF: the parent is done with us.
			os.Exit(0)
		}
	}
}

// floorProc is the parent's end of one floor child.
type floorProc struct {
	cmd  *exec.Cmd
	toW  *os.File
	bw   *bufio.Writer
	enc  *gob.Encoder
	dec  *gob.Decoder
	from *os.File
}

// startFloor starts a floor child in the given mode.
func startFloor(mode string) (*floorProc, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	resR, resW, err := os.Pipe()
	if err != nil {
		cmdR.Close()
		cmdW.Close()
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), envFloor+"="+mode)
	cmd.ExtraFiles = []*os.File{cmdR, resW}
	cmd.Stderr = os.Stderr
	err = cmd.Start()
	cmdR.Close()
	resW.Close()
	if err != nil {
		cmdW.Close()
		resR.Close()
		return nil, err
	}
	bw := bufio.NewWriterSize(cmdW, 64<<10)
	return &floorProc{cmd: cmd, toW: cmdW, bw: bw, enc: gob.NewEncoder(bw),
		dec: gob.NewDecoder(bufio.NewReaderSize(resR, 64<<10)), from: resR}, nil
}

// send writes one value and flushes it.
func (f *floorProc) send(v any) error {
	if err := f.enc.Encode(v); err != nil {
		return err
	}
	return f.bw.Flush()
}

// call sends v and reads the reply into reply.
func (f *floorProc) call(v, reply any) error {
	if err := f.send(v); err != nil {
		return err
	}
	return f.dec.Decode(reply)
}

// close ends the child by closing its input, and waits for it.
func (f *floorProc) close() error {
	f.toW.Close()
	err := f.cmd.Wait()
	f.from.Close()
	return err
}

// startFloors starts n floor children in the given mode.
func startFloors(mode string, n int) ([]*floorProc, error) {
	var fs []*floorProc
	for range n {
		f, err := startFloor(mode)
		if err != nil {
			closeFloors(fs)
			return nil, err
		}
		fs = append(fs, f)
	}
	return fs, nil
}

func closeFloors(fs []*floorProc) error {
	var errs []error
	for _, f := range fs {
		errs = append(errs, f.close())
	}
	return errors.Join(errs...)
}

// floorStream sends each child its share of msgs, round robin, from one
// goroutine per child while another reads the replies, as a pool with one
// message per task would: the pipes stay full both ways. It returns the
// replies, of type R, child by child.
func floorStream[T, R any](fs []*floorProc, msgs []T) ([]R, error) {
	errc := make(chan error, 2*len(fs))
	replies := make([][]R, len(fs))
	for i, f := range fs {
		var mine []T
		for j := i; j < len(msgs); j += len(fs) {
			mine = append(mine, msgs[j])
		}
		go func() {
			for _, m := range mine {
				if err := f.send(m); err != nil {
					errc <- err
					return
				}
			}
			errc <- nil
		}()
		go func() {
			rs := make([]R, len(mine))
			for j := range rs {
				if err := f.dec.Decode(&rs[j]); err != nil {
					errc <- err
					return
				}
			}
			replies[i] = rs
			errc <- nil
		}()
	}
	var errs []error
	for range 2 * len(fs) {
		errs = append(errs, <-errc)
	}
	return slices.Concat(replies...), errors.Join(errs...)
}

// floorDrain reads n values of type T from a child.
func floorDrain[T any](f *floorProc, n int) error {
	for range n {
		var v T
		if err := f.dec.Decode(&v); err != nil {
			if errors.Is(err, io.EOF) {
				return io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return nil
}
