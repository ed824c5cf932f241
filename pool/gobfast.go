package pool

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// Arguments and results are self-contained gob streams, one per value
// (protocol.go). For the commonest types, a basic value at top level, such
// a stream is short and fixed in shape:
//
//	message length | type id | 0 | value
//
// with the length, the id and the value in gob's own integer encoding.
// Making a gob.Encoder or gob.Decoder for every value, as the general path
// must, costs far more than the value: for an int it was most of the
// allocations of a round trip. appendGobFast and decodeGobFast write and
// read exactly the bytes gob would, for a few types, and leave everything
// else, including any stream they do not recognise, to encoding/gob, which
// then decodes or rejects it as it always did.

// gob's predefined type ids (encoding/gob's tBool, tInt and so on).
const (
	gobBool   = 1
	gobInt    = 2
	gobUint   = 3
	gobFloat  = 4
	gobBytes  = 5
	gobString = 6
)

// encodeGobFast returns the gob stream of the value ptr points to, when its
// type is one of the fast ones.
func encodeGobFast(ptr any) ([]byte, bool) {
	var id int64
	var val []byte
	var scratch [9]byte
	switch v := ptr.(type) {
	case *int:
		id, val = gobInt, appendGobInt(scratch[:0], int64(*v))
	case *int64:
		id, val = gobInt, appendGobInt(scratch[:0], *v)
	case *uint64:
		id, val = gobUint, appendGobUint(scratch[:0], *v)
	case *float64:
		id, val = gobFloat, appendGobUint(scratch[:0], bits.ReverseBytes64(math.Float64bits(*v)))
	case *bool:
		id, val = gobBool, appendGobUint(scratch[:0], 0)
		if *v {
			val = appendGobUint(scratch[:0], 1)
		}
	case *string:
		return append(gobMessage(gobString, appendGobUint(scratch[:0], uint64(len(*v))), len(*v), len(*v)), *v...), true
	case *[]byte:
		return append(gobMessage(gobBytes, appendGobUint(scratch[:0], uint64(len(*v))), len(*v), len(*v)), *v...), true
	default:
		return nil, false
	}
	return gobMessage(id, val, 0, 0), true
}

// gobBytesHead returns the gob message of v without v's own bytes, which
// complete it.
func gobBytesHead(v []byte) []byte {
	var scratch [9]byte
	return gobMessage(gobBytes, appendGobUint(scratch[:0], uint64(len(v))), len(v), 0)
}

// gobMessage starts the message of a singleton value: the length, the type
// id and the value's encoded head, to be followed by tail more bytes, with
// room for room of them.
func gobMessage(id int64, head []byte, tail, room int) []byte {
	var pre [9]byte
	body := appendGobInt(pre[:0], id)
	body = append(body, 0) // singleton: no field delta
	n := uint64(len(body) + len(head) + tail)
	out := make([]byte, 0, 9+uint64(len(body)+len(head)+room))
	out = appendGobUint(out, n)
	out = append(out, body...)
	return append(out, head...)
}

// decodeGobFast decodes b into ptr when ptr's type is one of the fast ones
// and b is the stream gob would have written for such a value; ok false
// leaves ptr untouched for encoding/gob. A decoded []byte may share b's
// memory: b must not change afterwards.
func decodeGobFast(b []byte, ptr any) (ok bool) {
	n, b, ok := readGobUint(b)
	if !ok || n != uint64(len(b)) {
		return false
	}
	id, b, ok := readGobUint(b)
	if !ok || len(b) == 0 || b[0] != 0 {
		return false
	}
	b = b[1:]
	switch v := ptr.(type) {
	case *int:
		x, ok := gobIntValue(id, b, gobInt)
		if !ok || int64(int(int64(x))) != int64(x) {
			return false // out of range: gob says so
		}
		*v = int(int64(x))
		return true
	case *int64:
		x, ok := gobIntValue(id, b, gobInt)
		if ok {
			*v = int64(x)
		}
		return ok
	case *uint64:
		x, ok := gobIntValue(id, b, gobUint)
		if ok {
			*v = x
		}
		return ok
	case *float64:
		x, ok := gobIntValue(id, b, gobFloat)
		if ok {
			*v = math.Float64frombits(bits.ReverseBytes64(x))
		}
		return ok
	case *bool:
		x, ok := gobIntValue(id, b, gobBool)
		if ok && x <= 1 {
			*v = x == 1
			return true
		}
		return false
	case *string:
		s, ok := gobBytesValue(id, b, gobString)
		if ok {
			*v = string(s)
		}
		return ok
	case *[]byte:
		s, ok := gobBytesValue(id, b, gobBytes)
		if !ok {
			return false
		}
		// As gob does, reuse the slice's room, and leave a nil slice nil
		// when the value is empty. Where gob would allocate, the value
		// keeps the bytes of b instead: every frame is read into a buffer
		// of its own (readFrame) that nothing else writes, so a large
		// argument or result is not copied once more.
		if cap(*v) < len(s) {
			*v = s[:len(s):len(s)]
			return true
		}
		*v = (*v)[:len(s)]
		copy(*v, s)
		return true
	}
	return false
}

// gobIntValue reads the single integer a message of type want holds. The
// type id on the wire is a gob int, hence want<<1.
func gobIntValue(id uint64, b []byte, want uint64) (uint64, bool) {
	if id != want<<1 {
		return 0, false
	}
	x, rest, ok := readGobUint(b)
	if !ok || len(rest) != 0 {
		return 0, false
	}
	if want == gobInt {
		// gob ints: the sign in the lowest bit, the complement for
		// negatives.
		if x&1 != 0 {
			return ^(x >> 1), true
		}
		return x >> 1, true
	}
	return x, true
}

// gobBytesValue reads the length-prefixed bytes a message of type want
// holds, without copying.
func gobBytesValue(id uint64, b []byte, want uint64) ([]byte, bool) {
	if id != want<<1 {
		return nil, false
	}
	n, rest, ok := readGobUint(b)
	if !ok || n != uint64(len(rest)) {
		return nil, false
	}
	return rest, true
}

// appendGobUint appends x in gob's unsigned encoding: one byte below 128,
// otherwise the negated byte count and the bytes, big endian.
func appendGobUint(b []byte, x uint64) []byte {
	if x < 0x80 {
		return append(b, byte(x))
	}
	var be [8]byte
	binary.BigEndian.PutUint64(be[:], x)
	skip := bits.LeadingZeros64(x) / 8
	b = append(b, byte(-(8 - skip)))
	return append(b, be[skip:]...)
}

// appendGobInt appends i in gob's signed encoding.
func appendGobInt(b []byte, i int64) []byte {
	u := uint64(i) << 1
	if i < 0 {
		u = uint64(^i)<<1 | 1
	}
	return appendGobUint(b, u)
}

// readGobUint reads a gob unsigned integer off the front of b.
func readGobUint(b []byte) (uint64, []byte, bool) {
	if len(b) == 0 {
		return 0, nil, false
	}
	if b[0] < 0x80 {
		return uint64(b[0]), b[1:], true
	}
	n := int(-int8(b[0]))
	if n > 8 || len(b) < 1+n {
		return 0, nil, false
	}
	var x uint64
	for _, c := range b[1 : 1+n] {
		x = x<<8 | uint64(c)
	}
	return x, b[1+n:], true
}
