package pool

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"reflect"
)

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
