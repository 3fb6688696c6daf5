package bot

import (
	"sync"
	"time"
)

// Telegram's limits on what a bot sends: about 30 messages a second overall,
// one a second in one chat, 20 a minute in one group.
const (
	globalPerSecond = 30
	groupPerMinute  = 20
	chatInterval    = time.Second
)

// window allows at most n events in any span of length per. It keeps the
// times of the last n events, which must be reserved in non-decreasing order.
type window struct {
	n     int
	per   time.Duration
	times []time.Time // ring of the last n reservations
	next  int
}

func newWindow(n int, per time.Duration) *window {
	return &window{n: n, per: per, times: make([]time.Time, 0, n)}
}

// earliest is the first time at or after t when one more event fits.
func (w *window) earliest(t time.Time) time.Time {
	if l := w.last(); l.After(t) {
		t = l
	}
	if len(w.times) == w.n {
		if free := w.times[w.next].Add(w.per); free.After(t) { // the oldest of the last n
			t = free
		}
	}
	return t
}

// take records an event at t (t ≥ every earlier reservation).
func (w *window) take(t time.Time) {
	if len(w.times) < w.n {
		w.times = append(w.times, t)
		return
	}
	w.times[w.next] = t
	w.next = (w.next + 1) % w.n
}

// last is the time of the latest reservation (zero if none).
func (w *window) last() time.Time {
	if len(w.times) == 0 {
		return time.Time{}
	}
	if len(w.times) < w.n {
		return w.times[len(w.times)-1]
	}
	return w.times[(w.next+w.n-1)%w.n]
}

// chatLimit is the state of one chat: its spacing, its per-minute window when
// it is a group, and a pause Telegram imposed with a 429.
type chatLimit struct {
	spacing *window
	group   *window
	paused  time.Time
}

// limits hands out send times. Each sender reserves a slot and waits for it, so
// slots are granted in the order they were asked for: the queue is the set of
// waiting senders. A chat's slot is reserved first, then, once it has come, a
// slot of the overall budget, so a slow chat never holds up the others.
type limits struct {
	mu     sync.Mutex
	global *window
	chats  map[int64]*chatLimit
	pruned time.Time
}

func newLimits() *limits {
	return &limits{global: newWindow(globalPerSecond, time.Second), chats: map[int64]*chatLimit{}}
}

// reserveChat returns when a message to chat may go, and records it.
func (l *limits) reserveChat(now time.Time, chat int64, group bool) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	c := l.chats[chat]
	if c == nil {
		c = &chatLimit{spacing: newWindow(1, chatInterval)}
		l.chats[chat] = c
	}
	if group && c.group == nil {
		c.group = newWindow(groupPerMinute, time.Minute)
	}
	t := now
	if c.paused.After(t) {
		t = c.paused
	}
	t = c.spacing.earliest(t)
	if c.group != nil {
		t = c.group.earliest(t)
	}
	c.spacing.take(t)
	if c.group != nil {
		c.group.take(t)
	}
	return t
}

// reserveGlobal returns when the next message may go as far as the overall
// budget is concerned, and records it.
func (l *limits) reserveGlobal(now time.Time) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.global.earliest(now)
	l.global.take(t)
	return t
}

// pause holds back a chat after a 429 until Telegram's retry_after has passed.
func (l *limits) pause(chat int64, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c := l.chats[chat]; c != nil && until.After(c.paused) {
		c.paused = until
	}
}

// prune forgets chats idle for longer than any window, at most once a minute,
// so the map stays as small as the set of recently active chats.
func (l *limits) prune(now time.Time) {
	if now.Sub(l.pruned) < time.Minute {
		return
	}
	l.pruned = now
	for id, c := range l.chats {
		idle := now.Sub(c.spacing.last()) > time.Minute && now.After(c.paused)
		if c.group != nil {
			idle = idle && now.Sub(c.group.last()) > time.Minute
		}
		if idle {
			delete(l.chats, id)
		}
	}
}
