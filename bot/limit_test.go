package bot

import (
	"testing"
	"time"
)

func TestLimits(t *testing.T) {
	t0 := time.Date(2021, 1, 15, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		sends int
		chat  func(i int) int64
		group bool
		last  time.Duration // when the last send may go, from t0
	}{
		{"one private chat: one a second", 5, func(int) int64 { return 1 }, false, 4 * time.Second},
		{"one group: 20 a minute", 21, func(int) int64 { return -1 }, true, time.Minute},
		{"many chats: 30 a second overall", 31, func(i int) int64 { return int64(i + 1) }, false, time.Second},
		{"30 chats in a second are fine", 30, func(i int) int64 { return int64(i + 1) }, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLimits()
			var at time.Time
			for i := range tc.sends {
				at = l.reserveChat(t0, tc.chat(i), tc.group)
				at = l.reserveGlobal(at)
			}
			if got := at.Sub(t0); got != tc.last {
				t.Errorf("last send at +%s, want +%s", got, tc.last)
			}
		})
	}
}

func TestLimitsPauseAfter429(t *testing.T) {
	t0 := time.Date(2021, 1, 15, 9, 0, 0, 0, time.UTC)
	l := newLimits()
	l.reserveChat(t0, 1, false)
	l.pause(1, t0.Add(30*time.Second))
	if at := l.reserveChat(t0.Add(2*time.Second), 1, false); !at.Equal(t0.Add(30 * time.Second)) {
		t.Errorf("after a 429 the chat's next send is at %s, want +30s", at.Sub(t0))
	}
	if at := l.reserveChat(t0.Add(2*time.Second), 2, false); !at.Equal(t0.Add(2 * time.Second)) {
		t.Errorf("another chat waits too: %s", at.Sub(t0))
	}
}

func TestLimitsForgetIdleChats(t *testing.T) {
	t0 := time.Date(2021, 1, 15, 9, 0, 0, 0, time.UTC)
	l := newLimits()
	for i := range 100 {
		l.reserveChat(t0, int64(i), true)
	}
	l.reserveChat(t0.Add(2*time.Minute), 1000, false)
	if len(l.chats) != 1 {
		t.Errorf("%d chats remembered, want 1", len(l.chats))
	}
}

func TestFlood(t *testing.T) {
	t0 := time.Date(2021, 1, 15, 9, 0, 0, 0, time.UTC)
	f := newFlood(2, time.Minute)
	steps := []struct {
		at   time.Duration
		user int64
		want verdict
	}{
		{0, 1, allow},
		{time.Second, 1, allow},
		{2 * time.Second, 1, warn},
		{3 * time.Second, 1, silent},
		{4 * time.Second, 2, allow}, // others are not affected
		{59 * time.Second, 1, silent},
		{61 * time.Second, 1, allow}, // both questions left the window
		{62 * time.Second, 1, allow},
		{63 * time.Second, 1, warn}, // a new stretch over the limit: one more notice
	}
	for _, s := range steps {
		if got := f.check(t0.Add(s.at), s.user); got != s.want {
			t.Errorf("+%s user %d: %d, want %d", s.at, s.user, got, s.want)
		}
	}
}

func TestLRU(t *testing.T) {
	t0 := time.Date(2021, 1, 15, 9, 0, 0, 0, time.UTC)
	c := newLRU[string](2, time.Hour)
	c.put(t0, "a", "A")
	c.put(t0, "b", "B")
	c.get(t0, "a")      // a is now the most recent
	c.put(t0, "c", "C") // evicts b
	for key, want := range map[string]bool{"a": true, "b": false, "c": true} {
		if _, ok := c.get(t0, key); ok != want {
			t.Errorf("get(%s) = %v, want %v", key, ok, want)
		}
	}
	if _, ok := c.get(t0.Add(time.Hour), "a"); ok {
		t.Errorf("an entry outlived its ttl")
	}
	if !c.add(t0, "d", "D") || c.add(t0, "d", "D") {
		t.Errorf("add does not report whether the key was new")
	}
	c.del("d")
	if _, ok := c.get(t0, "d"); ok {
		t.Errorf("del kept the entry")
	}
}
