package pool

import (
	"bytes"
	"encoding/gob"
	"math"
	"reflect"
	"testing"
)

// TestGobFast checks that the fast path writes exactly what encoding/gob
// writes, and reads back what encoding/gob reads.
func TestGobFast(t *testing.T) {
	values := []any{
		0, 1, -1, 127, 128, -129, 1 << 40, math.MaxInt64, math.MinInt64,
		int64(0), int64(-77), uint64(0), uint64(255), uint64(math.MaxUint64),
		0.0, 1.5, -2.25, math.Inf(1), math.SmallestNonzeroFloat64,
		true, false, "", "a", string(make([]byte, 300)), []byte{}, []byte{1, 2, 3}, make([]byte, 70000),
	}
	for _, v := range values {
		ptr := reflect.New(reflect.TypeOf(v))
		ptr.Elem().Set(reflect.ValueOf(v))
		var want bytes.Buffer
		if err := gob.NewEncoder(&want).Encode(ptr.Interface()); err != nil {
			t.Fatal(err)
		}
		got, ok := encodeGobFast(ptr.Interface())
		if !ok || !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%T %.20v: fast % x, gob % x", v, v, got, want.Bytes())
		}
		back := reflect.New(reflect.TypeOf(v))
		viaGob := reflect.New(reflect.TypeOf(v))
		if err := gob.NewDecoder(bytes.NewReader(want.Bytes())).Decode(viaGob.Interface()); err != nil {
			t.Fatal(err)
		}
		if !decodeGobFast(want.Bytes(), back.Interface()) || !reflect.DeepEqual(back.Elem().Interface(), viaGob.Elem().Interface()) {
			t.Errorf("%T %.20v: decoded %.20v, gob %.20v", v, v, back.Elem().Interface(), viaGob.Elem().Interface())
		}
	}
	// Streams of another type, or not gob's, are left to encoding/gob.
	var n int
	for _, b := range [][]byte{nil, {3, 12, 0, 0}, {4, 4, 0, 0}, {3, 4, 1, 0}, {3, 4, 0, 0xf7}} {
		if decodeGobFast(b, &n) {
			t.Errorf("decodeGobFast(% x) took a stream it should leave to gob", b)
		}
	}
}
