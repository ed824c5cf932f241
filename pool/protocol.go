package pool

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"reflect"
)

// The parent and a worker talk over two pipes, one each way, on file
// descriptors 3 and 4 of the worker; its standard output and error stay the
// task's own. Every message is a frame:
//
//	uint32 length (big endian) | kind byte | body
//
// where length counts the kind byte and the body. Bodies are built from
// uvarints, length-prefixed byte strings, and status bytes; task arguments and
// results inside them are separate gob values, one per item, so that one value
// that fails to encode or decode fails only its own item and never
// desynchronises the stream.
const protocolVersion = 1

// maxFrame bounds a frame, so a corrupt length cannot make a reader allocate
// without limit.
const maxFrame = 1 << 30

// Frame kinds, parent to worker.
const (
	kindCall        byte = 'C' // id, task name, n, n encoded arguments
	kindDrop        byte = 'D' // id: forget this call if it has not started
	kindCancel      byte = 'X' // id: cancel the running call's context
	kindQueueAck    byte = 'q' // seq, status, message, credits: answer to a queue put
	kindQueueRevoke byte = 'V' // queue id: give back your credits
)

// Frame kinds, worker to parent.
const (
	kindHello       byte = 'H' // pid, protocol version
	kindAck         byte = 'A' // id: the call has started
	kindDropped     byte = 'd' // id: the call was dropped before it started
	kindResult      byte = 'R' // id, n, n item outcomes
	kindQueuePut    byte = 'P' // queue id, seq, credited flag, encoded item
	kindQueueReturn byte = 'r' // queue id, n: credits given back
	kindQueueCancel byte = 'Y' // queue id, seq: withdraw a waiting put
)

// Item outcome statuses in a result frame.
const (
	statusOK          byte = iota // encoded result
	statusTaskError               // message, type, stack, panicked
	statusEncode                  // message: the result did not encode
	statusDecode                  // message: the argument did not decode
	statusUnknownTask             // message
)

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

// encodeValue encodes the value ptr points to as a self-contained gob
// stream. struct{}, which gob refuses for having no fields, is the empty
// encoding: tasks without an argument or a result take and return it.
func encodeValue(ptr any) ([]byte, error) {
	if isEmptyStruct(ptr) {
		return nil, nil
	}
	if b, ok := encodeGobFast(ptr); ok {
		return b, nil
	}
	var buf bytes.Buffer
	if err := gobEncode(&buf, ptr); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// gobEncode encodes the value ptr points to. It hands gob the value rather
// than the pointer: encoding/gob panics on a pointer to a pointer whose
// type has a GobEncode method, such as a *Queue passed as a task's whole
// argument. A panic that gob does not turn into an error itself becomes
// one here, so a value gob cannot handle fails its own item.
func gobEncode(buf *bytes.Buffer, ptr any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("gob: %v", r)
		}
	}()
	return gob.NewEncoder(buf).EncodeValue(reflect.ValueOf(ptr).Elem())
}

// encodeShared encodes like encodeValue, without copying a large []byte:
// the encoding is head followed by tail, and tail is the slice itself. A
// worker sends a task's result this way, before it can change.
func encodeShared(ptr any) (head, tail []byte, err error) {
	if v, ok := ptr.(*[]byte); ok && len(*v) >= bigPiece {
		return gobBytesHead(*v), *v, nil
	}
	head, err = encodeValue(ptr)
	return head, nil, err
}

// decodeValue decodes a value written by encodeValue into ptr. The value
// may share b's memory (decodeGobFast). A panic while decoding, such as one
// in a type's own GobDecode method, is an error: in the parent it would
// otherwise end the program from the goroutine that reads a worker's
// results.
func decodeValue(b []byte, ptr any) (err error) {
	if isEmptyStruct(ptr) || decodeGobFast(b, ptr) {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("gob: %v", r)
		}
	}()
	return gob.NewDecoder(bytes.NewReader(b)).Decode(ptr)
}

var emptyStruct = reflect.TypeFor[*struct{}]()

func isEmptyStruct(ptr any) bool { return reflect.TypeOf(ptr) == emptyStruct }

// frame builds one message. The zero value is not usable: start with newFrame.
// A large byte string is not copied into the frame: it becomes a piece of
// its own, which the writer sends after the bytes before it, so that a
// megabyte argument or result is not copied once more on its way to the
// pipe.
type frame struct {
	b      []byte   // the piece being built
	pieces [][]byte // the pieces before b
}

// message is a frame ready to write: its pieces, in order.
type message [][]byte

// size returns the message's length in bytes.
func (m message) size() int {
	n := 0
	for _, p := range m {
		n += len(p)
	}
	return n
}

// bigPiece is the length from which a byte string is kept by reference
// rather than copied into its frame.
const bigPiece = 32 << 10

func newFrame(kind byte) *frame { return newFrameSize(kind, 64) }

// newFrameSize starts a frame with room for size bytes, so that a frame
// whose size is known up front is built without copying it as it grows.
func newFrameSize(kind byte, size int) *frame {
	f := &frame{b: make([]byte, 5, max(size, 5))}
	f.b[4] = kind
	return f
}

func (f *frame) uvarint(v uint64) *frame { f.b = binary.AppendUvarint(f.b, v); return f }
func (f *frame) byte1(v byte) *frame     { f.b = append(f.b, v); return f }
func (f *frame) bytes(v []byte) *frame   { return f.bytes2(nil, v) }

// bytes2 adds the byte string head followed by tail, sharing tail's memory
// when it is large: tail must not change until the message is written.
func (f *frame) bytes2(head, tail []byte) *frame {
	f.b = binary.AppendUvarint(f.b, uint64(len(head)+len(tail)))
	f.b = append(f.b, head...)
	if len(tail) < bigPiece {
		f.b = append(f.b, tail...)
		return f
	}
	f.pieces = append(f.pieces, f.b, tail)
	f.b = make([]byte, 0, 64)
	return f
}
func (f *frame) string(v string) *frame {
	f.b = binary.AppendUvarint(f.b, uint64(len(v)))
	f.b = append(f.b, v...)
	return f
}

// done fills in the length and returns the frame's pieces.
func (f *frame) done() message {
	m := message(append(f.pieces, f.b))
	binary.BigEndian.PutUint32(m[0], uint32(m.size()-4))
	return m
}

// readFrame reads one frame and returns its kind and body.
func readFrame(r *bufio.Reader) (byte, []byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n == 0 || n > maxFrame {
		return 0, nil, fmt.Errorf("pool: protocol error: frame length %d", n)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return 0, nil, err
	}
	return body[0], body[1:], nil
}

// parser reads the fields of a frame body in order; the first malformed field
// sets err and every later read returns zero values.
type parser struct {
	b   []byte
	err error
}

var errShortFrame = errors.New("pool: protocol error: truncated frame")

func (p *parser) uvarint() uint64 {
	if p.err != nil {
		return 0
	}
	v, n := binary.Uvarint(p.b)
	if n <= 0 {
		p.err = errShortFrame
		return 0
	}
	p.b = p.b[n:]
	return v
}

func (p *parser) byte1() byte {
	if p.err != nil || len(p.b) == 0 {
		p.err = errShortFrame
		return 0
	}
	v := p.b[0]
	p.b = p.b[1:]
	return v
}

// bytes returns a slice of the frame body without copying.
func (p *parser) bytes() []byte {
	n := p.uvarint()
	if p.err != nil {
		return nil
	}
	if n > uint64(len(p.b)) {
		p.err = errShortFrame
		return nil
	}
	v := p.b[:n:n]
	p.b = p.b[n:]
	return v
}

func (p *parser) string() string { return string(p.bytes()) }
