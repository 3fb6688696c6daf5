package bot

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// manualClock stands still until the test moves it: Sleep returns only once
// advance has moved the time past its end (or ctx is done). It drives the
// polling loop's pace, so that what the loop does per second of its clock can
// be counted without reading the wall clock.
type manualClock struct {
	mu       sync.Mutex
	now      time.Time
	sleepers []*sleeper
}

type sleeper struct {
	until time.Time
	wake  chan struct{}
}

func newManualClock() *manualClock {
	return &manualClock{now: time.Date(2021, 1, 15, 9, 0, 0, 0, time.UTC)}
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	c.mu.Lock()
	s := &sleeper{until: c.now.Add(d), wake: make(chan struct{})}
	c.sleepers = append(c.sleepers, s)
	c.mu.Unlock()
	select {
	case <-s.wake:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		c.sleepers = slices.DeleteFunc(c.sleepers, func(o *sleeper) bool { return o == s })
		c.mu.Unlock()
		return ctx.Err()
	}
}

// advance moves the time by d and wakes the sleepers whose end it reaches.
func (c *manualClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.sleepers = slices.DeleteFunc(c.sleepers, func(s *sleeper) bool {
		if c.now.Before(s.until) {
			return false
		}
		close(s.wake)
		return true
	})
}

// sleeping is how many are waiting in Sleep.
func (c *manualClock) sleeping() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sleepers)
}

// holdChat makes the fake keep every sendMessage to chat until release is
// closed (or the test ends), and counts those it holds.
func holdChat(f *fakeAPI, chat int64) (release chan struct{}, held func() int) {
	release = make(chan struct{})
	var mu sync.Mutex
	n := 0
	f.on("sendMessage", func(_ int, form url.Values) (int, string, bool) {
		if form.Get("chat_id") == strconv.FormatInt(chat, 10) {
			mu.Lock()
			n++
			mu.Unlock()
			f.mu.Lock()
			f.signal()
			f.mu.Unlock()
			select {
			case <-release:
			case <-f.done:
			}
		}
		return 0, "", false
	})
	return release, func() int {
		mu.Lock()
		defer mu.Unlock()
		return n
	}
}

// TestStuckAnswerDoesNotHoldBackOthers: one answer held by Telegram (as a
// long 429 or an outage would) keeps its update, and so every later one,
// unconfirmed, but only up to a cap: other chats' questions are answered
// meanwhile, and the confirmation passes the stuck update once it has been
// in flight for maxUnconfirmedAge on the loop's clock, or once more than
// maxUnconfirmed updates are unconfirmed (beyond 100, getUpdates would bring
// nothing new). The stuck answer still goes out once, when Telegram lets it.
func TestStuckAnswerDoesNotHoldBackOthers(t *testing.T) {
	tests := []struct {
		name    string
		updates int           // update 1 to chat 1, which is held; the others to chats of their own
		advance time.Duration // how far the loop's clock is moved once the others are answered
	}{
		{"too old", 3, maxUnconfirmedAge},
		{"too many", 150, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			release, held := holdChat(f, 1)
			pace := newManualClock()
			h := start(t, f, setup{pace: pace})
			for i := 1; i <= tc.updates; i++ {
				f.push(private(i, int64(i), exampleQuestions()[i%len(exampleQuestions())]))
			}
			for i := 2; i <= tc.updates; i++ {
				h.handled(i)
			}
			f.waitFor("the stuck answer", func() bool { return held() == 1 })
			if tc.advance > 0 {
				if got := confirmedOffset(f); got > 1 {
					t.Fatalf("offset %d confirmed with update 1 in flight for no time", got)
				}
				pace.advance(tc.advance)
			}
			f.waitFor("the confirmation to pass the stuck update", func() bool { return confirmedOffset(f) == tc.updates+1 })

			// A new question is taken, answered and confirmed as usual.
			f.push(private(tc.updates+1, 5000, exampleQuestion))
			h.handled(tc.updates + 1)
			f.waitFor("the new question to be confirmed", func() bool { return confirmedOffset(f) == tc.updates+2 })

			close(release)
			h.handled(1)
			for i := 1; i <= tc.updates; i++ {
				if n := len(h.sent(int64(i))); n != 1 {
					t.Errorf("update %d: %d answers, want 1", i, n)
				}
			}
			if n := len(h.sent(5000)); n != 1 {
				t.Errorf("the new question: %d answers, want 1", n)
			}
		})
	}
}

// TestPollingDoesNotSpinWhileAnswering: while an answer is in flight its
// update is unconfirmed, so Telegram answers getUpdates at once; the loop must
// then wait between calls rather than ask again and again. With its clock
// moved a second (busyPoll) at a time, it asks about once per second.
func TestPollingDoesNotSpinWhileAnswering(t *testing.T) {
	f := newFakeAPI(t)
	release, held := holdChat(f, 42)
	pace := newManualClock()
	h := start(t, f, setup{pace: pace})
	f.push(private(1, 42, exampleQuestion))
	asleep := func() bool { return held() == 1 && pace.sleeping() == 1 }
	eventually(t, "the answer held and the loop waiting", asleep)
	before := len(f.requests("getUpdates"))
	const seconds = 20
	for range seconds {
		pace.advance(time.Second)
		eventually(t, "the loop to wait again", asleep)
	}
	if n := len(f.requests("getUpdates")) - before; n > 2*seconds {
		t.Errorf("%d getUpdates in %d s of the loop's clock with an answer in flight, want at most %d", n, seconds, 2*seconds)
	} else {
		t.Logf("%d getUpdates in %d s of the loop's clock", n, seconds)
	}
	if got := confirmedOffset(f); got > 1 {
		t.Errorf("offset %d confirmed while update 1 is unanswered", got)
	}

	close(release)
	h.handled(1)
	f.waitFor("update 1 to be confirmed", func() bool { return confirmedOffset(f) == 2 })
	if n := len(h.sent(42)); n != 1 {
		t.Errorf("%d answers, want 1", n)
	}
}
