package pool

import (
	"encoding/binary"
	"fmt"
)

// The parent and a worker talk over two pipes, one each way, on file
// descriptors 3 and 4 of the worker; its standard output and error stay the
// task's own. Every message is a frame (frame.go):
//
//	uint32 length (big endian) | kind byte | body
//
// where length counts the kind byte and the body. Bodies are built from
// uvarints, length-prefixed byte strings, and status bytes; task arguments
// and results inside them are separate gob values, one per item, so that one
// value that fails to encode or decode fails only its own item and never
// desynchronises the stream.
//
// This file holds every message: for each, the writer and the reader side
// by side. The parent reads with parseFromWorker, a worker with
// parseFromParent; both reject a malformed body with an error wrapping
// errProtocol and never panic (FuzzParseFromWorker, FuzzParseFromParent).
const protocolVersion = 2

// maxFrame bounds a frame, so a corrupt length cannot make a reader allocate
// without limit.
const maxFrame = 1 << 30

// Frame kinds, parent to worker.
const (
	kindCall        byte = 'C' // id, task name, n, n encoded arguments
	kindDrop        byte = 'D' // id: give this call back if it has not started
	kindCancel      byte = 'X' // id: cancel the running call's context
	kindQueueAck    byte = 'q' // seq, status, message, credits: answer to a queue put
	kindQueueRevoke byte = 'V' // queue id: give back your credits
)

// Frame kinds, worker to parent.
const (
	kindHello       byte = 'H' // pid, protocol version
	kindInitDone    byte = 'I' // the initializer's outcome: the worker serves if it is OK
	kindAck         byte = 'A' // id: the call has started
	kindDropped     byte = 'd' // id: the call was given back before it started
	kindResult      byte = 'R' // id, n, n item outcomes
	kindQueuePut    byte = 'P' // queue id, seq, credited flag, encoded item
	kindQueueReturn byte = 'r' // queue id, n: credits given back
	kindQueueCancel byte = 'Y' // queue id, seq: withdraw a waiting put
)

// fromParent is a frame a worker received, parsed. Which fields are set
// depends on kind, as the comments on the kinds say.
type fromParent struct {
	kind    byte
	id      uint64   // call id (call, drop, cancel), queue id (revoke)
	task    string   // call
	args    [][]byte // call: views into the frame body
	seq     uint64   // queue ack
	status  byte     // queue ack
	msg     string   // queue ack
	credits int      // queue ack
}

// fromWorker is a frame the parent received, parsed.
type fromWorker struct {
	kind     byte
	id       uint64   // call id (ack, dropped, result), queue id (queue frames)
	pid      int      // hello
	version  uint64   // hello
	outcomes outcomes // result; init done (one outcome)
	seq      uint64   // queue put, queue cancel
	credited bool     // queue put
	blob     []byte   // queue put: the encoded item
	n        int      // queue return
}

// callFrame is a call as the parent sends it.
func callFrame(c *call) message {
	size := 5 + 3*binary.MaxVarintLen64 + len(c.task)
	for _, a := range c.args {
		size += binary.MaxVarintLen64
		if len(a) < bigPiece { // a larger one is a piece of its own
			size += len(a)
		}
	}
	f := newFrameSize(kindCall, size).uvarint(c.id).string(c.task).uvarint(uint64(len(c.args)))
	for _, a := range c.args {
		f.bytes(a)
	}
	return f.done()
}

// callFrameLen returns the most a call frame with these encoded arguments
// may hold after its length: with more than maxFrame, a worker would refuse
// it and die before it started the call, and a replacement would get it.
func callFrameLen(task string, args [][]byte) int {
	n := 1 + 3*binary.MaxVarintLen64 + len(task)
	for _, a := range args {
		n += binary.MaxVarintLen64 + len(a)
	}
	return n
}

// tooLarge describes a value that would make a frame longer than maxFrame:
// what, for example `argument of task "t"`, is n bytes encoded.
func tooLarge(what string, n int, advice string) string {
	return fmt.Sprintf("%s is %d bytes encoded, and one message between the pool and a worker process carries at most %d bytes; %s",
		what, n, maxFrame, advice)
}

func dropFrame(id uint64) message   { return newFrame(kindDrop).uvarint(id).done() }
func cancelFrame(id uint64) message { return newFrame(kindCancel).uvarint(id).done() }

func queueAckFrame(seq uint64, status byte, msg string, credits int) message {
	return newFrame(kindQueueAck).uvarint(seq).byte1(status).string(msg).uvarint(uint64(credits)).done()
}

func queueRevokeFrame(qid uint64) message { return newFrame(kindQueueRevoke).uvarint(qid).done() }

// parseFromParent parses a frame a worker read.
func parseFromParent(kind byte, body []byte) (fromParent, error) {
	p := parser{b: body}
	m := fromParent{kind: kind}
	switch kind {
	case kindCall:
		m.id, m.task = p.uvarint(), p.string()
		n := p.uvarint()
		// Every argument takes at least its length byte: a count beyond
		// the body is malformed, and is refused before anything is made.
		if p.err == nil && n > uint64(len(p.b)) {
			p.err = errShortFrame
		}
		if p.err == nil {
			m.args = make([][]byte, 0, n)
			for range n {
				m.args = append(m.args, p.bytes())
			}
		}
	case kindDrop, kindCancel, kindQueueRevoke:
		m.id = p.uvarint()
	case kindQueueAck:
		m.seq, m.status, m.msg, m.credits = p.uvarint(), p.byte1(), p.string(), p.int()
	default:
		return m, fmt.Errorf("%w: unknown frame kind %q from the parent", errProtocol, kind)
	}
	return m, p.end()
}

// helloFrame is the worker's first frame: it is alive and speaks this
// protocol. The initializer runs after it, so that a death there is told
// apart from a program that never reached pool.Main.
func helloFrame(pid int) message {
	return newFrame(kindHello).uvarint(uint64(pid)).uvarint(protocolVersion).done()
}

// initDoneFrame reports the initializer's outcome (nil: none, or it
// succeeded); the worker serves calls only after an OK.
func initDoneFrame(err error) message {
	f := newFrame(kindInitDone)
	appendOutcome(f, nil, nil, err)
	return f.done()
}

func ackFrame(id uint64) message     { return newFrame(kindAck).uvarint(id).done() }
func droppedFrame(id uint64) message { return newFrame(kindDropped).uvarint(id).done() }

// resultFrame builds a call's result, one item outcome at a time.
type resultFrame struct{ f *frame }

func newResultFrame(id uint64, n int) resultFrame {
	return resultFrame{newFrame(kindResult).uvarint(id).uvarint(uint64(n))}
}

// add appends an item's outcome: head followed by tail is the encoded
// result, or err the item's error.
func (r resultFrame) add(head, tail []byte, err error) { appendOutcome(r.f, head, tail, err) }

func (r resultFrame) done() message { return r.f.done() }

// len returns the frame's length so far, after its length field.
func (r resultFrame) len() int {
	n := len(r.f.b)
	for _, p := range r.f.pieces {
		n += len(p)
	}
	return n - 4
}

// queuePutFrameLen returns the most a queue put frame with this item may
// hold after its length: more than maxFrame, and the parent refuses it.
func queuePutFrameLen(blob []byte) int { return 1 + 3*binary.MaxVarintLen64 + 1 + len(blob) }

func queuePutFrame(qid, seq uint64, credited bool, blob []byte) message {
	flag := byte(0)
	if credited {
		flag = 1
	}
	return newFrame(kindQueuePut).uvarint(qid).uvarint(seq).byte1(flag).bytes(blob).done()
}

func queueReturnFrame(qid uint64, n int) message {
	return newFrame(kindQueueReturn).uvarint(qid).uvarint(uint64(n)).done()
}

func queueCancelFrame(qid, seq uint64) message {
	return newFrame(kindQueueCancel).uvarint(qid).uvarint(seq).done()
}

// parseFromWorker parses a frame the parent read.
func parseFromWorker(kind byte, body []byte) (fromWorker, error) {
	p := parser{b: body}
	m := fromWorker{kind: kind}
	switch kind {
	case kindHello:
		m.pid, m.version = p.int(), p.uvarint()
	case kindInitDone:
		m.outcomes = parseOutcomes(&p, 1)
	case kindAck, kindDropped:
		m.id = p.uvarint()
	case kindResult:
		m.id = p.uvarint()
		m.outcomes = parseOutcomes(&p, p.int())
	case kindQueuePut:
		m.id, m.seq, m.credited, m.blob = p.uvarint(), p.uvarint(), p.byte1() == 1, p.bytes()
	case kindQueueReturn:
		m.id, m.n = p.uvarint(), p.int()
	case kindQueueCancel:
		m.id, m.seq = p.uvarint(), p.uvarint()
	default:
		return m, fmt.Errorf("%w: unknown frame kind %q from a worker", errProtocol, kind)
	}
	return m, p.end()
}

// Item outcome statuses, in a result frame and in the init-done frame.
const (
	statusOK          byte = iota // encoded result
	statusTaskError               // message, type, stack, panicked, error tree
	statusEncode                  // message: the result did not encode
	statusDecode                  // message: the argument did not decode
	statusUnknownTask             // message
)

// outcome is one item's outcome as a worker reported it.
type outcome struct {
	status   byte
	blob     []byte   // statusOK: the encoded result, a view into the frame
	msg      string   // every other status
	typ      string   // statusTaskError
	stack    string   // statusTaskError
	panicked bool     // statusTaskError
	tree     *errNode // statusTaskError: the error's chain, if any
}

// appendOutcome writes one item's outcome: head followed by tail is the
// encoded result, or err is what the item ended with.
func appendOutcome(f *frame, head, tail []byte, err error) {
	switch e := err.(type) {
	case nil:
		f.byte1(statusOK).bytes2(head, tail)
	case *codecError:
		f.byte1(e.status).string(e.msg)
	case *panicError:
		f.byte1(statusTaskError).string(fmt.Sprint(e.value)).string(fmt.Sprintf("%T", e.value)).string(e.stack).byte1(1)
		perr, _ := e.value.(error)
		writeErrTree(f, perr)
	default:
		f.byte1(statusTaskError).string(err.Error()).string(fmt.Sprintf("%T", err)).string("").byte1(0)
		writeErrTree(f, err)
	}
}

// outcomes are the item outcomes of a frame, still encoded: the parent
// reads them when it keeps them, after its lock, without allocating for
// them. parseOutcomes has checked that they are well formed.
type outcomes struct {
	n int
	b []byte
}

// parseOutcomes takes n outcomes from p, checking each.
func parseOutcomes(p *parser, n int) outcomes {
	start := p.b
	for range n {
		if p.err != nil {
			break
		}
		parseOutcome(p)
	}
	if p.err != nil {
		return outcomes{}
	}
	return outcomes{n: n, b: start[:len(start)-len(p.b)]}
}

// all yields the outcomes in order.
func (os outcomes) all(yield func(int, outcome) bool) {
	p := parser{b: os.b}
	for i := range os.n {
		if !yield(i, parseOutcome(&p)) {
			return
		}
	}
}

// first returns the first outcome.
func (os outcomes) first() outcome {
	p := parser{b: os.b}
	return parseOutcome(&p)
}

// parseOutcome reads one outcome written by appendOutcome. An unknown
// status is malformed.
func parseOutcome(p *parser) outcome {
	o := outcome{status: p.byte1()}
	switch o.status {
	case statusOK:
		o.blob = p.bytes()
	case statusTaskError:
		o.msg, o.typ, o.stack, o.panicked = p.string(), p.string(), p.string(), p.byte1() == 1
		o.tree = readErrTree(p)
	case statusEncode, statusDecode, statusUnknownTask:
		o.msg = p.string()
	default:
		if p.err == nil {
			p.err = fmt.Errorf("%w: unknown item status %d", errProtocol, o.status)
		}
	}
	return o
}

// err rebuilds, in the parent, the error an item ended with: nil for an
// encoded result, a *TaskError for the task's own error or panic, and an
// error wrapping ErrEncode, ErrDecode or ErrUnknownTask for the rest.
func (o outcome) err(task string, pid, index int) error {
	switch o.status {
	case statusOK:
		return nil
	case statusTaskError:
		return &TaskError{Task: task, PID: pid, Index: index, Message: o.msg, Type: o.typ, Stack: o.stack, Panicked: o.panicked,
			Err: o.tree.rebuild()}
	default:
		return (&codecError{status: o.status, msg: o.msg}).asError()
	}
}

// codecError is an item that failed to encode or decode, or named an unknown
// task, in the worker; the parent turns it into an error wrapping the
// matching sentinel.
type codecError struct {
	status byte
	msg    string
}

func (e *codecError) Error() string { return e.msg }

// asError rebuilds, in the parent, the error a worker reported for an item.
func (e *codecError) asError() error {
	switch e.status {
	case statusEncode:
		return fmt.Errorf("%w: %s", ErrEncode, e.msg)
	case statusDecode:
		return fmt.Errorf("%w: %s", ErrDecode, e.msg)
	default:
		return fmt.Errorf("%w: %s", ErrUnknownTask, e.msg)
	}
}

// panicError carries a recovered panic and the stack where it happened.
type panicError struct {
	value any
	stack string
}

func (e *panicError) Error() string { return fmt.Sprint("panic: ", e.value) }
