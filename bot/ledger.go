package bot

import (
	"context"
	"slices"
	"sync"
	"time"
)

// maxUnconfirmedAge is how long a taken update holds back the confirmation of
// itself and every later update while its answer is not finished. 30 s is far
// beyond a normal answer (milliseconds, plus at most a few seconds of waiting
// for the rate limits), so only an answer stuck on Telegram's side reaches it:
// a 429 asking to wait a minute, or an outage during which a message is sent
// again for up to retryFor. Waiting longer would gain nothing for that answer
// (this process still sends it) and would keep every answer finished after it
// unconfirmed, to be sent again if the process is killed.
const maxUnconfirmedAge = 30 * time.Second

// maxUnconfirmed is how many taken updates may stay unconfirmed at once.
// getUpdates returns at most 100 updates from the offset, and the unconfirmed
// ones come first: with more than 100 of them, none of the newer updates would
// ever be seen. At 90, every getUpdates has room for at least 10 new ones.
const maxUnconfirmed = 90

// busyPoll is how long the loop waits before asking for updates again while
// taken updates are unconfirmed. Telegram answers such a getUpdates at once
// (the unconfirmed updates are pending), so a long poll would spin. The price
// is latency: a new update waits up to this long to be taken, unless the
// oldest answer in flight finishing first lets the offset advance (under
// TestLoad's constant traffic the median answer takes about 0.6 s instead of
// 30 ms; a quarter of a second halves that for a fifth more CPU per answer).
const busyPoll = time.Second

// ledger keeps the updates the polling loop has taken and not yet confirmed to
// Telegram, and from them the offset of the next getUpdates: the lowest of
// them whose handling has not finished, so that an update is confirmed only
// once it has been answered (or given up for good, or ignored). An update
// unfinished for maxUnconfirmedAge, or the oldest ones when more than
// maxUnconfirmed are open, are let through: they are still answered by this
// process, but are no longer redelivered should it die.
type ledger struct {
	mu    sync.Mutex
	taken int     // highest update id taken; every id up to it was taken
	open  []entry // taken, not yet confirmed, by id
	moved chan struct{}
}

// entry is one taken, unconfirmed update.
type entry struct {
	id       int
	at       time.Time // when it was taken, on the loop's clock
	finished bool
}

func newLedger() *ledger { return &ledger{moved: make(chan struct{}, 1)} }

// fresh reports whether update id has not been taken yet: getUpdates returns
// the unconfirmed updates again and again, and each is handled once.
func (l *ledger) fresh(id int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return id > l.taken
}

// take records that update id, newer than every update taken so far, was
// accepted for handling at now.
func (l *ledger) take(id int, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.taken = id
	l.open = append(l.open, entry{id: id, at: now})
}

// finish records that the handling of update id is over. When that lets the
// offset advance, the loop is woken.
func (l *ledger) finish(id int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i, ok := slices.BinarySearchFunc(l.open, id, func(e entry, id int) int { return e.id - id })
	if !ok {
		return // already let through
	}
	l.open[i].finished = true
	if i == 0 {
		select {
		case l.moved <- struct{}{}:
		default:
		}
	}
}

// busy reports whether taken updates are unconfirmed, in which case
// getUpdates returns at once and the loop must pace itself.
func (l *ledger) busy() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.open) > 0
}

// offset is the offset for the next getUpdates at now: the first open update
// still being handled, with those too old or too many let through; one past
// the last taken when none is open; 0 before any update was taken. Updates it
// passes are forgotten: Telegram's offset never moves back.
func (l *ledger) offset(now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for n < len(l.open) {
		e := l.open[n]
		if !e.finished && now.Sub(e.at) < maxUnconfirmedAge && len(l.open)-n <= maxUnconfirmed {
			break
		}
		n++
	}
	l.open = slices.Delete(l.open, 0, n)
	return l.next()
}

// final is the offset to confirm when the loop has stopped and the answers are
// drained: the first update whose handling did not finish (the drain timed
// out), which is then delivered again to the next run, however old.
func (l *ledger) final() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.open) > 0 && l.open[0].finished {
		l.open = l.open[1:]
	}
	return l.next()
}

func (l *ledger) next() int {
	switch {
	case len(l.open) > 0:
		return l.open[0].id
	case l.taken > 0:
		return l.taken + 1
	}
	return 0
}

// wait waits, on c, until the offset may have moved (an answer finished) or d
// has passed. It returns parent's error.
func (l *ledger) wait(parent context.Context, c clock, d time.Duration) error {
	ctx, cancel := context.WithCancel(parent)
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-l.moved:
			cancel()
		case <-ctx.Done():
		}
	}()
	_ = c.Sleep(ctx, d)
	cancel()
	<-done // a wake-up it took is reflected in the next offset
	return parent.Err()
}
