package bot

import (
	"sync"
	"time"
)

// verdict is what flood control says about one incoming question.
type verdict int

const (
	allow  verdict = iota
	warn           // over the limit for the first time in this stretch: say so once
	silent         // still over the limit: ignore
)

// flood limits how many questions one user may ask in a sliding window. The
// first question over the limit earns a short notice; later ones are ignored
// until the window has room again.
type flood struct {
	mu     sync.Mutex
	n      int
	per    time.Duration
	users  map[int64]*floodState
	pruned time.Time
}

type floodState struct {
	times  []time.Time // questions allowed within the window, oldest first
	warned bool
}

func newFlood(n int, per time.Duration) *flood {
	return &flood{n: n, per: per, users: map[int64]*floodState{}}
}

// check records a question from user at now and judges it.
func (f *flood) check(now time.Time, user int64) verdict {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.prune(now)
	s := f.users[user]
	if s == nil {
		s = &floodState{}
		f.users[user] = s
	}
	s.times = expire(s.times, now.Add(-f.per))
	if len(s.times) < f.n {
		s.times = append(s.times, now)
		s.warned = false
		return allow
	}
	if !s.warned {
		s.warned = true
		return warn
	}
	return silent
}

// expire drops the times not after cutoff.
func expire(times []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(times) && !times[i].After(cutoff) {
		i++
	}
	return times[i:]
}

// prune forgets users with nothing in their window, at most once per window.
func (f *flood) prune(now time.Time) {
	if now.Sub(f.pruned) < f.per {
		return
	}
	f.pruned = now
	for id, s := range f.users {
		if len(expire(s.times, now.Add(-f.per))) == 0 {
			delete(f.users, id)
		}
	}
}
