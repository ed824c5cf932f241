package pool

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

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
func readFrame(r *bufio.Reader) (byte, []byte, error) { return readFrameLimit(r, maxFrame) }

// readFrameLimit is readFrame for frames of at most limit bytes: a length
// beyond it is a protocol error, read before anything is allocated.
func readFrameLimit(r *bufio.Reader, limit uint32) (byte, []byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n == 0 || n > limit {
		return 0, nil, fmt.Errorf("%w: frame length %d", errProtocol, n)
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

// errProtocol is wrapped by every error about a malformed frame.
var errProtocol = errors.New("pool: protocol error")

var errShortFrame = fmt.Errorf("%w: truncated frame", errProtocol)

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

// int reads a uvarint that must fit an int.
func (p *parser) int() int {
	v := p.uvarint()
	if v > uint64(maxInt) {
		if p.err == nil {
			p.err = fmt.Errorf("%w: number %d out of range", errProtocol, v)
		}
		return 0
	}
	return int(v)
}

const maxInt = int(^uint(0) >> 1)

// end returns the first error, or an error if bytes remain after the last
// field: a frame is exactly its fields.
func (p *parser) end() error {
	if p.err == nil && len(p.b) > 0 {
		p.err = fmt.Errorf("%w: %d bytes after the last field", errProtocol, len(p.b))
	}
	return p.err
}
