package bot

import (
	"context"
	"errors"
	"sync"
)

// errClosed is returned by submit once the pool has stopped taking work.
var errClosed = errors.New("bot is shutting down")

// job is one update to handle; key orders it: jobs with the same key run one at
// a time in the order submitted, jobs with different keys run in parallel.
type job struct {
	key int64
	run func(ctx context.Context)
}

// chatQueue holds the waiting jobs of one key. It is on the ready channel or
// being worked on exactly while it is in pool.queues.
type chatQueue struct {
	key  int64
	jobs []job
}

// pool runs jobs on a fixed number of workers with at most capacity jobs
// accepted and not yet finished; submit blocks when that many are pending, which
// is what slows the update loop down under load.
type pool struct {
	mu      sync.Mutex
	queues  map[int64]*chatQueue
	closed  bool
	quit    chan struct{}   // closed by close: wakes submitters waiting for room
	slots   chan struct{}   // one token per accepted, unfinished job
	ready   chan *chatQueue // queues with work and no worker; never full (≤ one per pending job)
	pending sync.WaitGroup
	workers sync.WaitGroup
}

func newPool(ctx context.Context, workers, capacity int) *pool {
	p := &pool{
		queues: map[int64]*chatQueue{},
		quit:   make(chan struct{}),
		slots:  make(chan struct{}, capacity),
		ready:  make(chan *chatQueue, capacity),
	}
	for range workers {
		p.workers.Add(1)
		go func() {
			defer p.workers.Done()
			for q := range p.ready {
				p.work(ctx, q)
			}
		}()
	}
	return p
}

// submit accepts a job, waiting for room; it fails when ctx is done first or the
// pool is closed. An accepted job runs even if ctx is cancelled later. When
// there is room the job is accepted whatever the state of ctx.
func (p *pool) submit(ctx context.Context, j job) error {
	select {
	case p.slots <- struct{}{}:
	default:
		select {
		case p.slots <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		case <-p.quit:
			return errClosed
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		<-p.slots
		return errClosed
	}
	p.pending.Add(1)
	if q := p.queues[j.key]; q != nil {
		q.jobs = append(q.jobs, j)
		return nil
	}
	q := &chatQueue{key: j.key, jobs: []job{j}}
	p.queues[j.key] = q
	p.ready <- q
	return nil
}

// work runs a queue's jobs until it is empty.
func (p *pool) work(ctx context.Context, q *chatQueue) {
	for {
		p.mu.Lock()
		if len(q.jobs) == 0 {
			delete(p.queues, q.key)
			p.mu.Unlock()
			return
		}
		j := q.jobs[0]
		q.jobs = q.jobs[1:]
		p.mu.Unlock()
		p.run(ctx, j)
	}
}

// run runs one job and gives its slot back, whatever happens in it. Jobs
// recover their own panics (the bot logs them with the update); this only
// keeps the accounting right.
func (p *pool) run(ctx context.Context, j job) {
	defer func() {
		<-p.slots
		p.pending.Done()
	}()
	j.run(ctx)
}

// close stops taking jobs and waits until every accepted job has finished or
// ctx is done; it reports whether they all finished. The workers' context
// (given to newPool) is what makes late jobs give up: see stop.
func (p *pool) close(ctx context.Context) (drained bool) {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.quit)
	}
	p.mu.Unlock()
	done := make(chan struct{})
	go func() {
		p.pending.Wait()
		close(done)
	}()
	select {
	case <-done:
		drained = true
	case <-ctx.Done():
	}
	return drained
}

// stop waits for every accepted job and then for the workers to exit. Call it
// after close, once the workers' context is cancelled or drained.
func (p *pool) stop() {
	p.pending.Wait()
	close(p.ready)
	p.workers.Wait()
}
