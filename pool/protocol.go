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
	if err := gob.NewEncoder(&buf).Encode(ptr); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decodeValue decodes a value written by encodeValue into ptr. The value
// may share b's memory (decodeGobFast).
func decodeValue(b []byte, ptr any) error {
	if isEmptyStruct(ptr) || decodeGobFast(b, ptr) {
		return nil
	}
	return gob.NewDecoder(bytes.NewReader(b)).Decode(ptr)
}

var emptyStruct = reflect.TypeFor[*struct{}]()

func isEmptyStruct(ptr any) bool { return reflect.TypeOf(ptr) == emptyStruct }

// frame builds one message. The zero value is not usable: start with newFrame.
type frame struct{ b []byte }

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
func (f *frame) bytes(v []byte) *frame {
	f.b = binary.AppendUvarint(f.b, uint64(len(v)))
	f.b = append(f.b, v...)
	return f
}
func (f *frame) string(v string) *frame {
	f.b = binary.AppendUvarint(f.b, uint64(len(v)))
	f.b = append(f.b, v...)
	return f
}

// done fills in the length and returns the frame's bytes.
func (f *frame) done() []byte {
	binary.BigEndian.PutUint32(f.b, uint32(len(f.b)-4))
	return f.b
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
