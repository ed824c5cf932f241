package pool

import (
	"bufio"
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Every message, written by its writer and read by its reader, comes back
// as it was sent.
func TestProtocolRoundTrip(t *testing.T) {
	big := bytes.Repeat([]byte{7}, bigPiece+1)
	result := newResultFrame(9, 4)
	result.add([]byte("head"), big, nil)
	result.add(nil, nil, &panicError{value: "boom", stack: "stack"})
	result.add(nil, nil, errors.New("plain"))
	result.add(nil, nil, &codecError{status: statusDecode, msg: "bad arg"})

	fromParentCases := []struct {
		name string
		msg  message
		want fromParent
	}{
		{"call", callFrame(&call{id: 7, task: "square", args: [][]byte{{1}, nil, big}}),
			fromParent{kind: kindCall, id: 7, task: "square", args: [][]byte{{1}, {}, big}}},
		{"call without arguments", callFrame(&call{id: 1, task: "t"}), fromParent{kind: kindCall, id: 1, task: "t", args: [][]byte{}}},
		{"drop", dropFrame(3), fromParent{kind: kindDrop, id: 3}},
		{"cancel", cancelFrame(4), fromParent{kind: kindCancel, id: 4}},
		{"queue ack", queueAckFrame(5, queueAckError, "why", 6), fromParent{kind: kindQueueAck, seq: 5, status: queueAckError, msg: "why", credits: 6}},
		{"queue revoke", queueRevokeFrame(8), fromParent{kind: kindQueueRevoke, id: 8}},
	}
	for _, tc := range fromParentCases {
		t.Run(tc.name, func(t *testing.T) {
			kind, body := readBack(t, tc.msg)
			got, err := parseFromParent(kind, body)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got, cmp.AllowUnexported(fromParent{})); d != "" {
				t.Errorf("read back (-want +got):\n%s", d)
			}
		})
	}

	fromWorkerCases := []struct {
		name string
		msg  message
		want fromWorker
		outs []outcome
	}{
		{"hello", helloFrame(42), fromWorker{kind: kindHello, pid: 42, version: protocolVersion}, nil},
		{"init done", initDoneFrame(nil), fromWorker{kind: kindInitDone}, []outcome{{status: statusOK, blob: []byte{}}}},
		{"init failed", initDoneFrame(errors.New("no db")),
			fromWorker{kind: kindInitDone}, []outcome{{status: statusTaskError, msg: "no db", typ: "*errors.errorString"}}},
		{"ack", ackFrame(2), fromWorker{kind: kindAck, id: 2}, nil},
		{"dropped", droppedFrame(3), fromWorker{kind: kindDropped, id: 3}, nil},
		{"result", result.done(), fromWorker{kind: kindResult, id: 9}, []outcome{
			{status: statusOK, blob: append([]byte("head"), big...)},
			{status: statusTaskError, msg: "boom", typ: "string", stack: "stack", panicked: true},
			{status: statusTaskError, msg: "plain", typ: "*errors.errorString"},
			{status: statusDecode, msg: "bad arg"},
		}},
		{"queue put", queuePutFrame(1, 2, true, []byte("item")), fromWorker{kind: kindQueuePut, id: 1, seq: 2, credited: true, blob: []byte("item")}, nil},
		{"queue return", queueReturnFrame(1, 5), fromWorker{kind: kindQueueReturn, id: 1, n: 5}, nil},
		{"queue cancel", queueCancelFrame(1, 6), fromWorker{kind: kindQueueCancel, id: 1, seq: 6}, nil},
	}
	for _, tc := range fromWorkerCases {
		t.Run(tc.name, func(t *testing.T) {
			kind, body := readBack(t, tc.msg)
			got, err := parseFromWorker(kind, body)
			if err != nil {
				t.Fatal(err)
			}
			var outs []outcome
			for _, o := range got.outcomes.all {
				// A task's error carries its chain (TestErrorsCrossAsThemselves);
				// here it is enough that the root is the error itself.
				if o.tree != nil {
					if e := o.tree.rebuild(); e.Error() != o.msg {
						t.Errorf("the error tree's root says %q, the outcome %q", e, o.msg)
					}
					o.tree = nil
				}
				outs = append(outs, o)
			}
			got.outcomes = outcomes{}
			if d := cmp.Diff(tc.want, got, cmp.AllowUnexported(fromWorker{}, outcomes{})); d != "" {
				t.Errorf("read back (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.outs, outs, cmp.AllowUnexported(outcome{})); d != "" {
				t.Errorf("outcomes read back (-want +got):\n%s", d)
			}
		})
	}
}

// readBack writes a message as the pipe would carry it and reads one frame.
func readBack(t *testing.T, m message) (byte, []byte) {
	t.Helper()
	var buf bytes.Buffer
	for _, b := range m {
		buf.Write(b)
	}
	kind, body, err := readFrame(bufio.NewReader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Fatalf("%d bytes left after the frame", buf.Len())
	}
	return kind, body
}

// A malformed frame is refused with an error that wraps errProtocol.
func TestProtocolRefusesMalformedFrames(t *testing.T) {
	full := callFrame(&call{id: 7, task: "square", args: [][]byte{{1, 2, 3}}})
	var whole []byte
	for _, b := range full {
		whole = append(whole, b...)
	}
	body := whole[5:]
	for n := range len(body) {
		if _, err := parseFromParent(kindCall, body[:n]); !errors.Is(err, errProtocol) {
			t.Errorf("call cut to %d bytes: got %v, want a protocol error", n, err)
		}
	}
	if _, err := parseFromParent(kindCall, append(body, 0)); !errors.Is(err, errProtocol) {
		t.Errorf("a trailing byte: got %v, want a protocol error", err)
	}
	if _, err := parseFromWorker('Z', nil); !errors.Is(err, errProtocol) {
		t.Errorf("unknown kind: got %v", err)
	}
	if _, err := parseFromWorker(kindResult, []byte{1, 1, 99}); !errors.Is(err, errProtocol) {
		t.Errorf("unknown item status: got %v", err)
	}
	// A count of a billion items in a ten-byte body is refused before
	// anything is allocated for them.
	huge := []byte{1, 0x80, 0x94, 0xeb, 0xdc, 0x03}
	if _, err := parseFromWorker(kindResult, huge); !errors.Is(err, errProtocol) {
		t.Errorf("huge count: got %v", err)
	}
	if _, _, err := readFrameLimit(bufio.NewReader(bytes.NewReader([]byte{0, 1, 0, 0, 'C'})), 1024); !errors.Is(err, errProtocol) {
		t.Errorf("a frame longer than the limit: got %v", err)
	}
}

// fuzzLimit bounds the frames the fuzz tests read, so that a random length
// cannot make them allocate a gigabyte.
const fuzzLimit = 1 << 20

// fuzzFrames reads frames from data until it runs out, parsing each with
// parse: any byte sequence is parsed or refused, never a panic or a hang.
func fuzzFrames(t *testing.T, data []byte, parse func(kind byte, body []byte) error) {
	r := bufio.NewReader(bytes.NewReader(data))
	for {
		kind, body, err := readFrameLimit(r, fuzzLimit)
		if err != nil {
			return
		}
		if len(body)+1 > fuzzLimit {
			t.Fatalf("a frame of %d bytes passed the limit", len(body)+1)
		}
		if err := parse(kind, body); err != nil && !errors.Is(err, errProtocol) {
			t.Fatalf("kind %q: an error that is not a protocol error: %v", kind, err)
		}
	}
}

func seed(f *testing.F, msgs ...message) {
	for _, m := range msgs {
		var b []byte
		for _, p := range m {
			b = append(b, p...)
		}
		f.Add(b)
	}
}

// FuzzParseFromWorker feeds the parent's reader arbitrary bytes, as a broken
// or hostile worker could write them on its result pipe.
func FuzzParseFromWorker(f *testing.F) {
	r := newResultFrame(1, 2)
	r.add([]byte{3, 4}, nil, nil)
	r.add(nil, nil, &panicError{value: 1, stack: "s"})
	seed(f, helloFrame(1), initDoneFrame(nil), initDoneFrame(errors.New("x")), ackFrame(1), droppedFrame(2), r.done(),
		queuePutFrame(1, 2, false, []byte("v")), queueReturnFrame(1, 3), queueCancelFrame(1, 4))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFrames(t, data, func(kind byte, body []byte) error {
			m, err := parseFromWorker(kind, body)
			if err == nil {
				for i, o := range m.outcomes.all {
					_ = o.err("task", 1, i) // rebuilding the error must not panic either
				}
			}
			return err
		})
	})
}

// FuzzParseFromParent feeds a worker's reader arbitrary bytes.
func FuzzParseFromParent(f *testing.F) {
	seed(f, callFrame(&call{id: 1, task: "t", args: [][]byte{{1}, {2, 3}}}), dropFrame(1), cancelFrame(2),
		queueAckFrame(1, queueAckOK, "", 2), queueRevokeFrame(3))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFrames(t, data, func(kind byte, body []byte) error {
			_, err := parseFromParent(kind, body)
			return err
		})
	})
}
