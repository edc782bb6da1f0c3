package jobs

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"
)

// completer records finished jobs as completed, several per statement (group commit): the
// first job to finish while no write is in flight writes at once, alone; jobs that finish
// while that write runs wait and go together in the next statement. A lone job therefore pays
// no extra latency, and under load one UPDATE and one commit serve many jobs.
type completer struct {
	store *store

	mu       sync.Mutex
	pending  []*completionRequest
	flushing bool // a goroutine is writing batches
}

type completionRequest struct {
	completion
	reply chan completionReply
}

type completionReply struct {
	ok  bool
	err error
}

// complete marks the job completed with result, fenced by token, and reports whether it was
// (false: the lease was lost and nothing was written). Connection errors are retried as for
// every end-of-job write.
func (c *completer) complete(ctx context.Context, id, token uuid.UUID, result any) (bool, error) {
	raw, err := marshalResult(result)
	if err != nil {
		return false, err
	}
	req := &completionRequest{completion: completion{id: id, token: token}, reply: make(chan completionReply, 1)}
	if raw != nil {
		s := string(raw)
		req.result = &s
	}
	c.mu.Lock()
	c.pending = append(c.pending, req)
	lead := !c.flushing
	c.flushing = true
	c.mu.Unlock()
	if lead {
		c.flush(ctx)
	}
	select {
	case r := <-req.reply:
		return r.ok, r.err
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// flush writes one batch (everything pending). Jobs that arrived meanwhile are written by a
// new goroutine, so the job that led this flush returns at once.
func (c *completer) flush(ctx context.Context) {
	c.mu.Lock()
	batch := c.pending
	c.pending = nil
	c.mu.Unlock()

	comps := make([]completion, len(batch))
	for i, r := range batch {
		comps[i] = r.completion
	}
	var done map[uuid.UUID]bool
	_, err := retryWrite(ctx, func(ctx context.Context) (bool, error) {
		var err error
		done, err = c.store.completeBatch(ctx, comps)
		return err == nil, err
	})
	for _, r := range batch {
		r.reply <- completionReply{ok: done[r.id], err: err}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) == 0 {
		c.flushing = false
		return
	}
	go func() {
		// Its own deadline, like every end-of-job write: the leader's context ends with it.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c.flush(ctx)
	}()
}
