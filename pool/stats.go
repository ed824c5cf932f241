package pool

import (
	"fmt"
	"maps"
	"sync/atomic"
)

// Stats counts what a pool has done since New. Messages and bytes count the
// frames on the pipes between the parent and its worker processes; with the
// Goroutines backend they stay 0, since no message is sent.
type Stats struct {
	// WorkersStarted counts workers that started serving; WorkersRetired
	// those retired by Config.MaxTasksPerWorker.
	WorkersStarted, WorkersRetired int
	// TasksByPID counts the inputs each worker ran (a Map chunk of n
	// inputs counts n), ChunksByPID the calls (one per Submit or chunk),
	// by the worker's pid: a single message for each call.
	TasksByPID, ChunksByPID map[int]int
	// QueueDepth is how many calls wait for a worker now.
	QueueDepth int
	// MessagesSent and BytesSent count frames from the parent to workers;
	// MessagesReceived and BytesReceived frames from workers to the parent.
	MessagesSent, MessagesReceived int64
	BytesSent, BytesReceived       int64
}

// String summarises the counters on one line.
func (s Stats) String() string {
	tasks, chunks := 0, 0
	for _, n := range s.TasksByPID {
		tasks += n
	}
	for _, n := range s.ChunksByPID {
		chunks += n
	}
	return fmt.Sprintf("%d workers started, %d retired; %d tasks in %d chunks; %d queued; "+
		"%d messages (%d bytes) sent, %d messages (%d bytes) received",
		s.WorkersStarted, s.WorkersRetired, tasks, chunks, s.QueueDepth,
		s.MessagesSent, s.BytesSent, s.MessagesReceived, s.BytesReceived)
}

// Stats returns a snapshot of the pool's counters.
func (p *Pool) Stats() Stats {
	p.mu.Lock()
	s := p.stats
	s.TasksByPID = maps.Clone(p.stats.TasksByPID)
	s.ChunksByPID = maps.Clone(p.stats.ChunksByPID)
	s.QueueDepth = p.queue.len()
	p.mu.Unlock()
	if s.TasksByPID == nil {
		s.TasksByPID, s.ChunksByPID = map[int]int{}, map[int]int{}
	}
	s.MessagesSent, s.BytesSent = p.msgs.sent.Load(), p.msgs.bytesSent.Load()
	s.MessagesReceived, s.BytesReceived = p.msgs.received.Load(), p.msgs.bytesReceived.Load()
	return s
}

// msgCounters are updated by the pipe reader and writer goroutines.
type msgCounters struct {
	sent, bytesSent, received, bytesReceived atomic.Int64
}

// sent counts one frame of n bytes (after the length) written to a worker.
func (p *Pool) sent(n int) {
	p.msgs.sent.Add(1)
	p.msgs.bytesSent.Add(int64(n) + 4)
}

// received counts one frame of n bytes (after the length) from a worker.
func (p *Pool) received(n int) {
	p.msgs.received.Add(1)
	p.msgs.bytesReceived.Add(int64(n) + 5) // length and kind byte
}

// callCompletedLocked counts a finished call against its worker and retires
// the worker once it reached Config.MaxTasksPerWorker.
func (p *Pool) callCompletedLocked(w *worker, c *call) {
	w.tasks++
	if p.stats.TasksByPID == nil {
		p.stats.TasksByPID, p.stats.ChunksByPID = map[int]int{}, map[int]int{}
	}
	p.stats.TasksByPID[w.pid] += c.count
	p.stats.ChunksByPID[w.pid]++
	if max := p.cfg.MaxTasksPerWorker; max > 0 && w.tasks >= max && !w.retiring {
		w.retiring = true
		p.stats.WorkersRetired++
		if len(w.inflight) == 0 {
			w.conn.stop()
		}
	}
}
