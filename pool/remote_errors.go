package pool

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"runtime"
	"slices"
	"syscall"
)

// A task's error crosses the process boundary as a tree that mirrors its
// chain: each error, what it wraps (fmt.Errorf's %w, errors.Join, the Err
// of a *fs.PathError), and enough to rebuild it in the parent, so that
// errors.Is and errors.As work there as they did in the worker:
//
//   - sentinel errors of the standard library (io.EOF, fs.ErrNotExist, ...)
//     and of the program (RegisterError) arrive as themselves;
//   - syscall.Errno values, *fs.PathError, *os.SyscallError and
//     *os.LinkError arrive as themselves, fields and all;
//   - an error type registered with gob.Register arrives as itself, decoded;
//   - anything else arrives as its message and type name, still wrapping
//     what could be rebuilt of its chain.
//
// writeErrTree and readErrTree, side by side below, are the wire form.

// RegisterError makes a program's own sentinel error match across
// processes: an error the task returns that is, or wraps, err arrives in the
// parent as err itself, so errors.Is(taskErr, err) holds. Call it where the
// sentinel is declared, at package level, so that every process registers
// the same sentinels:
//
//	var ErrNotFound = pool.RegisterError(errors.New("not found"))
//
// It returns err. Like NewTask, it panics when called after the pool started,
// or twice from the same line.
func RegisterError(err error) error {
	if err == nil {
		panic("pool: RegisterError(nil)")
	}
	_, file, line, _ := runtime.Caller(1)
	key := fmt.Sprintf("%s:%d", file, line)
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if registry.frozen.Load() {
		panic(fmt.Sprintf("pool: RegisterError(%q) called after the pool started; register sentinel errors at package level "+
			"(var ErrX = pool.RegisterError(...)) so that worker processes register them too", err))
	}
	if registry.sentinels == nil {
		registry.sentinels = map[string]error{}
	}
	if _, dup := registry.sentinels[key]; dup {
		panic(fmt.Sprintf("pool: RegisterError called twice at %s; register each sentinel once, at its declaration", key))
	}
	registry.sentinels[key] = err
	return err
}

// stdSentinels are the standard library's sentinel errors that programs
// branch on, by a name both processes know.
var stdSentinels = map[string]error{
	"io.EOF":                   io.EOF,
	"io.ErrUnexpectedEOF":      io.ErrUnexpectedEOF,
	"io.ErrClosedPipe":         io.ErrClosedPipe,
	"io.ErrShortWrite":         io.ErrShortWrite,
	"io.ErrShortBuffer":        io.ErrShortBuffer,
	"io.ErrNoProgress":         io.ErrNoProgress,
	"fs.ErrInvalid":            fs.ErrInvalid,
	"fs.ErrPermission":         fs.ErrPermission,
	"fs.ErrExist":              fs.ErrExist,
	"fs.ErrNotExist":           fs.ErrNotExist,
	"fs.ErrClosed":             fs.ErrClosed,
	"context.Canceled":         context.Canceled,
	"context.DeadlineExceeded": context.DeadlineExceeded,
	"os.ErrDeadlineExceeded":   os.ErrDeadlineExceeded,
	"os.ErrNoDeadline":         os.ErrNoDeadline,
	"os.ErrProcessDone":        os.ErrProcessDone,
	"pool.ErrQueueClosed":      ErrQueueClosed,
	"pool.ErrQueueUnbound":     ErrQueueUnbound,
	"pool.ErrClosed":           ErrClosed,
}

// sentinelKey returns the name of err if it is a registered sentinel.
func sentinelKey(err error) (string, bool) {
	if !reflect.TypeOf(err).Comparable() {
		return "", false
	}
	for k, s := range stdSentinels {
		if err == s {
			return k, true
		}
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	for k, s := range registry.sentinels {
		if err == s {
			return k, true
		}
	}
	return "", false
}

// lookupSentinel returns the sentinel registered under key.
func lookupSentinel(key string) error {
	if s, ok := stdSentinels[key]; ok {
		return s
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	return registry.sentinels[key]
}

// Error tree node kinds.
const (
	nodeText     byte = iota // message and type; wraps its children
	nodeSentinel             // a registered sentinel, by key
	nodeErrno                // a syscall.Errno
	nodePath                 // *fs.PathError: op, path; wraps one child
	nodeSyscall              // *os.SyscallError: syscall; wraps one child
	nodeLink                 // *os.LinkError: op, old, new; wraps one child
	nodeGob                  // a gob-registered error type, encoded
)

// Bounds on a tree, so that a hostile frame cannot make the parent recurse
// or allocate without limit. A chain deeper than maxErrDepth is cut there,
// its rest kept as text.
const (
	maxErrDepth = 32
	maxErrNodes = 256
)

// writeErrTree appends err's tree to f: a presence byte, then the nodes.
func writeErrTree(f *frame, err error) {
	if err == nil {
		f.byte1(0)
		return
	}
	f.byte1(1)
	nodes := 0
	writeErrNode(f, err, 0, &nodes)
}

func writeErrNode(f *frame, err error, depth int, nodes *int) {
	*nodes++
	msg, typ := err.Error(), fmt.Sprintf("%T", err)
	if key, ok := sentinelKey(err); ok {
		f.byte1(nodeSentinel).string(msg).string(typ).string(key)
		return
	}
	var kids []error
	switch e := err.(type) {
	case syscall.Errno:
		f.byte1(nodeErrno).string(msg).string(typ).uvarint(uint64(e))
		return
	case *fs.PathError:
		f.byte1(nodePath).string(msg).string(typ).string(e.Op).string(e.Path)
		kids = []error{e.Err}
	case *os.SyscallError:
		f.byte1(nodeSyscall).string(msg).string(typ).string(e.Syscall)
		kids = []error{e.Err}
	case *os.LinkError:
		f.byte1(nodeLink).string(msg).string(typ).string(e.Op).string(e.Old).string(e.New)
		kids = []error{e.Err}
	default:
		if blob, ok := gobError(err); ok {
			f.byte1(nodeGob).string(msg).string(typ).bytes(blob)
			return
		}
		f.byte1(nodeText).string(msg).string(typ)
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			kids = []error{u.Unwrap()}
		case interface{ Unwrap() []error }:
			kids = u.Unwrap()
		}
	}
	// A copy: kids may be the error's own slice (errors.Join's).
	kids = slices.DeleteFunc(slices.Clone(kids), func(e error) bool { return e == nil })
	if depth+1 >= maxErrDepth || *nodes+len(kids) > maxErrNodes {
		kids = nil
	}
	f.uvarint(uint64(len(kids)))
	for _, k := range kids {
		writeErrNode(f, k, depth+1, nodes)
	}
}

// gobError encodes err as itself when its type is registered with gob;
// the errors of packages errors and fmt never are, and are not tried.
func gobError(err error) (blob []byte, ok bool) {
	t := reflect.TypeOf(err)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if pkg := t.PkgPath(); pkg == "errors" || pkg == "fmt" || pkg == "github.com/poolschool/poolschool/pool" {
		return nil, false
	}
	defer func() {
		if recover() != nil {
			blob, ok = nil, false
		}
	}()
	var buf bytes.Buffer
	if gob.NewEncoder(&buf).Encode(&err) != nil {
		return nil, false
	}
	return buf.Bytes(), true
}

// errNode is a node of a tree read from a worker.
type errNode struct {
	kind            byte
	msg, typ        string
	key             string // sentinel
	errno           uint64 // errno
	op, path, path2 string // path (op, path), syscall (op), link (op, path, path2)
	blob            []byte // gob
	kids            []*errNode
}

// readErrTree reads what writeErrTree wrote; nil when the outcome carried
// no tree.
func readErrTree(p *parser) *errNode {
	if p.byte1() == 0 {
		return nil
	}
	nodes := 0
	return readErrNode(p, 0, &nodes)
}

func readErrNode(p *parser, depth int, nodes *int) *errNode {
	*nodes++
	if depth >= maxErrDepth || *nodes > maxErrNodes {
		if p.err == nil {
			p.err = fmt.Errorf("%w: an error tree deeper than %d or larger than %d nodes", errProtocol, maxErrDepth, maxErrNodes)
		}
		return nil
	}
	n := &errNode{kind: p.byte1(), msg: p.string(), typ: p.string()}
	switch n.kind {
	case nodeSentinel:
		n.key = p.string()
		return n
	case nodeErrno:
		n.errno = p.uvarint()
		return n
	case nodeGob:
		n.blob = p.bytes()
		return n
	case nodePath:
		n.op, n.path = p.string(), p.string()
	case nodeSyscall:
		n.op = p.string()
	case nodeLink:
		n.op, n.path, n.path2 = p.string(), p.string(), p.string()
	case nodeText:
	default:
		if p.err == nil {
			p.err = fmt.Errorf("%w: unknown error node kind %d", errProtocol, n.kind)
		}
		return nil
	}
	k := p.uvarint()
	if p.err == nil && k > uint64(len(p.b)) {
		p.err = errShortFrame
	}
	for range k {
		if p.err != nil {
			return nil
		}
		n.kids = append(n.kids, readErrNode(p, depth+1, nodes))
	}
	return n
}

// rebuild makes the error a node stands for, in this process.
func (n *errNode) rebuild() error {
	if n == nil {
		return nil
	}
	var kids []error
	for _, k := range n.kids {
		if e := k.rebuild(); e != nil {
			kids = append(kids, e)
		}
	}
	first := func() error {
		if len(kids) > 0 {
			return kids[0]
		}
		return errors.New(n.msg)
	}
	switch n.kind {
	case nodeSentinel:
		if s := lookupSentinel(n.key); s != nil {
			return s
		}
	case nodeErrno:
		return syscall.Errno(n.errno)
	case nodePath:
		return &fs.PathError{Op: n.op, Path: n.path, Err: first()}
	case nodeSyscall:
		return &os.SyscallError{Syscall: n.op, Err: first()}
	case nodeLink:
		return &os.LinkError{Op: n.op, Old: n.path, New: n.path2, Err: first()}
	case nodeGob:
		var e error
		if err := decodeValue(n.blob, &e); err == nil && e != nil {
			return e
		}
	}
	return &remoteError{msg: n.msg, typ: n.typ, wrapped: kids}
}

// remoteError is an error of a worker that the parent cannot rebuild as
// itself: its message, its type's name, and what it wrapped.
type remoteError struct {
	msg, typ string
	wrapped  []error
}

func (e *remoteError) Error() string   { return e.msg }
func (e *remoteError) Unwrap() []error { return e.wrapped }

// crossed returns err as it would arrive from a worker process: the
// Goroutines backend uses it under Config.CheckValues.
func crossed(err error) error {
	f := newFrame(kindResult)
	writeErrTree(f, err)
	var body []byte
	for _, b := range f.done() {
		body = append(body, b...)
	}
	p := parser{b: body[5:]}
	return readErrTree(&p).rebuild()
}
