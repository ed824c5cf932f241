package pool

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"reflect"
	"strings"
)

// encodeValue encodes the value ptr points to as a self-contained gob
// stream. The empty encoding is the zero value: struct{}, which gob refuses
// for having no fields (tasks without an argument or a result take and
// return it), and a nil pointer, interface, map or slice, which gob refuses
// or turns into an empty one at top level. So a task's "not found",
// (*User)(nil), reaches the parent as nil.
func encodeValue(ptr any) ([]byte, error) {
	if isEmptyStruct(ptr) || isNilValue(ptr) {
		return nil, nil
	}
	if b, ok := encodeGobFast(ptr); ok {
		return b, nil
	}
	if err := checkTravels(ptr); err != nil {
		return nil, err
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
			err = panicAsError(r)
		}
	}()
	return explainGob(gob.NewEncoder(buf).EncodeValue(reflect.ValueOf(ptr).Elem()))
}

// panicAsError turns a panic inside encoding/gob into an error; gob's own
// panics carry errors that already say "gob:".
func panicAsError(r any) error {
	if err, ok := r.(error); ok {
		return explainGob(err)
	}
	return fmt.Errorf("gob: panic: %v", r)
}

// explainGob adds to gob's error for a type missing from its registry what
// to do about it: gob.Register, at package level, which every process runs.
func explainGob(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	i := strings.Index(msg, "type not registered for interface: ")
	if i < 0 {
		return err
	}
	name := strings.TrimSpace(msg[i+len("type not registered for interface: "):])
	return fmt.Errorf("%w; register it with gob.Register(%s{}) (or a pointer, if that is what you send) in an init function or a package-level var, "+
		"so that every process of the program, the workers too, registers it", err, name)
}

// isNilValue reports whether ptr points to a nil pointer, interface, map
// or slice.
func isNilValue(ptr any) bool {
	v := reflect.ValueOf(ptr).Elem()
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		return v.IsNil()
	}
	return false
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
	if len(b) == 0 {
		v := reflect.ValueOf(ptr).Elem()
		v.SetZero()
		return nil
	}
	if isEmptyStruct(ptr) || decodeGobFast(b, ptr) {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = panicAsError(r)
		}
	}()
	return explainGob(gob.NewDecoder(bytes.NewReader(b)).Decode(ptr))
}

var emptyStruct = reflect.TypeFor[*struct{}]()

func isEmptyStruct(ptr any) bool { return reflect.TypeOf(ptr) == emptyStruct }

// checkArg sends an argument through the encoding a worker process would
// see it through, for Config.CheckValues: it returns the copy a worker
// would decode, or the error the Processes backend would give.
func checkArg[A any](arg A, task, what string) (A, error) {
	var out A
	b, err := encodeValue(&arg)
	if err != nil {
		return out, fmt.Errorf("%w: %s of task %q: %v", ErrEncode, what, task, err)
	}
	if err := decodeValue(b, &out); err != nil {
		return out, fmt.Errorf("%w: %s of task %q in the worker: %v", ErrDecode, what, task, err)
	}
	return out, nil
}

// checkResult is checkArg for a task's result, on its way back.
func checkResult[R any](r R, task string) (R, error) {
	var out R
	b, err := encodeValue(&r)
	if err != nil {
		return out, fmt.Errorf("%w: result of task %q in the worker: %v", ErrEncode, task, err)
	}
	if err := decodeValue(b, &out); err != nil {
		return out, fmt.Errorf("%w: result of task %q in the parent: %v", ErrDecode, task, err)
	}
	return out, nil
}
