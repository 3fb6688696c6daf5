package bot

import (
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recorder is an Observer that remembers what it was told.
type recorder struct {
	mu              sync.Mutex
	updates         map[string]int
	found, notFound int
	latencies       []time.Duration
	inline          int
	errors          map[string]int
	retries         []time.Duration
	queue, maxQueue int
}

func newRecorder() *recorder {
	return &recorder{updates: map[string]int{}, errors: map[string]int{}}
}

func (r *recorder) Update(kind string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.updates[kind]++
}

func (r *recorder) Answer(latency time.Duration, found bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if found {
		r.found++
	} else {
		r.notFound++
	}
	r.latencies = append(r.latencies, latency)
}

func (r *recorder) Inline() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inline++
}

func (r *recorder) APIError(code string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors[code]++
}

func (r *recorder) RetryAfter(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.retries = append(r.retries, d)
}

func (r *recorder) Outgoing(delta int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queue += delta
	r.maxQueue = max(r.maxQueue, r.queue)
}

// TestObserver: the bot tells its Observer each update's kind, each answer to
// a question (found or not) with its latency, each inline query answered, each
// failed call's code, each 429 waited out and the outgoing queue's length.
func TestObserver(t *testing.T) {
	f := newFakeAPI(t)
	f.on("sendMessage", func(n int, _ url.Values) (int, string, bool) {
		if n == 1 {
			return http.StatusTooManyRequests, tooMany(3), true
		}
		return 0, "", false
	})
	rec := newRecorder()
	h := start(t, f, setup{opt: Options{Observer: rec}})
	f.push(
		private(1, 41, exampleQuestion), // found
		private(2, 42, "今天天气怎么样"),       // not found
		inline(3, 43, exampleQuestion),  // found
		private(4, 44, "/help"),         // a reply, not an answer to a question
		inline(5, 45, ""),               // the examples: an inline query, not a question
		callback(6, 46, "u:0:12", nil),  // a button
		group(7, -100, 47, "大家好，今天开会吗"), // chatter in a group: no reply
	)
	for id := 1; id <= 7; id++ {
		h.handled(id)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if want := map[string]int{"message": 4, "inline_query": 2, "callback_query": 1}; !maps.Equal(rec.updates, want) {
		t.Errorf("updates %v, want %v", rec.updates, want)
	}
	if rec.found != 2 || rec.notFound != 1 || len(rec.latencies) != 3 {
		t.Errorf("answers: %d found, %d not found, %d latencies; want 2, 1, 3", rec.found, rec.notFound, len(rec.latencies))
	}
	for _, l := range rec.latencies {
		if l <= 0 {
			t.Errorf("latency %v, want > 0", l)
		}
	}
	if rec.inline != 2 {
		t.Errorf("%d inline queries answered, want 2", rec.inline)
	}
	if want := map[string]int{"429": 1}; !maps.Equal(rec.errors, want) {
		t.Errorf("errors %v, want %v", rec.errors, want)
	}
	if len(rec.retries) != 1 || rec.retries[0] != 3*time.Second {
		t.Errorf("retries %v, want [3s]", rec.retries)
	}
	if rec.queue != 0 || rec.maxQueue < 1 {
		t.Errorf("outgoing queue at %d (at most %d), want 0 (at least 1 meanwhile)", rec.queue, rec.maxQueue)
	}
}

// TestErrorCodes: a failed Bot API call is counted under Telegram's error code,
// the HTTP status of an answer that is not the Bot API's, "malformed" for a 200
// that cannot be read, "network" for no answer at all; a rare code under its
// class.
func TestErrorCodes(t *testing.T) {
	apiError := func(code int) hook {
		return func(int, url.Values) (int, string, bool) {
			return code, `{"ok":false,"error_code":` + strconv.Itoa(code) + `,"description":"refused"}`, true
		}
	}
	tests := []struct {
		name  string
		hook  hook  // the fake's reply to the first sendMessage, or
		fault fault // the proxy's
		want  string
	}{
		{name: "500 from Telegram", fault: serverError, want: "500"},
		{name: "403 blocked by the user", hook: apiError(http.StatusForbidden), want: "403"},
		{name: "a rare refusal", hook: apiError(http.StatusTeapot), want: "4xx"},
		{name: "a rare server error", hook: apiError(599), want: "5xx"},
		{name: "a proxy's 502 page", hook: func(int, url.Values) (int, string, bool) {
			return http.StatusBadGateway, "<html>Bad Gateway</html>", true
		}, want: "502"},
		{name: "200 that is not JSON", fault: garbled, want: "malformed"},
		{name: "connection reset", fault: reset, want: "network"},
		{name: "429", fault: tooManyReqs, want: "429"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			if tc.hook != nil {
				f.on("sendMessage", func(n int, v url.Values) (int, string, bool) {
					if n > 1 {
						return 0, "", false
					}
					return tc.hook(n, v)
				})
			}
			p := newFaultProxy(t, f, func(c faultCall) fault {
				if c.method == "sendMessage" && c.n == 1 && tc.hook == nil {
					return tc.fault
				}
				return pass
			})
			rec := newRecorder()
			h := start(t, f, setup{opt: Options{APIURL: p.url("b"), HTTPClient: faultClient(t), Observer: rec}})
			f.push(private(1, 42, exampleQuestion))
			h.handled(1)
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if want := map[string]int{tc.want: 1}; !maps.Equal(rec.errors, want) {
				t.Errorf("errors %v, want %v", rec.errors, want)
			}
		})
	}
}

// TestReady: Ready is false until getMe has succeeded, true while Telegram
// answers, false as soon as a call gets no answer, true again once Telegram is
// back even while the bot waits on a long poll (the prober asks getMe), and
// false once Run has returned.
func TestReady(t *testing.T) {
	f := newFakeAPI(t)
	release := make(chan struct{})
	f.on("getMe", func(n int, _ url.Values) (int, string, bool) {
		if n == 1 {
			select {
			case <-release:
			case <-f.done:
			}
		}
		return 0, "", false
	})
	var down atomic.Bool
	p := newFaultProxy(t, f, func(faultCall) fault {
		if down.Load() {
			return reset
		}
		return pass
	})
	o := Options{APIURL: p.url("b"), HTTPClient: faultClient(t)}
	h := start(t, f, setup{noWait: true, probe: time.Millisecond, opt: o})
	ready := func(want bool, reason string) func() bool {
		return func() bool {
			ok, why := h.b.Ready()
			return ok == want && strings.Contains(why, reason)
		}
	}

	f.waitFor("getMe", func() bool { return len(f.requests("getMe")) == 1 })
	if ok, why := h.b.Ready(); ok || !strings.Contains(why, "getMe") {
		t.Errorf("while getMe is pending: Ready() = %v, %q; want false naming getMe", ok, why)
	}
	close(release)
	f.waitFor("the first getUpdates", func() bool { return len(f.requests("getUpdates")) > 0 })
	eventually(t, "ready once connected", ready(true, "ready"))

	down.Store(true)
	f.push(group(1, -100, 42, "大家好")) // ends the long poll; the next one gets no answer
	eventually(t, "not ready while Telegram is silent", ready(false, "did not answer"))

	down.Store(false)
	// The poll loop's next getUpdates reaches Telegram and waits there for
	// updates, without an answer: the prober's getMe is what gets one.
	eventually(t, "ready again", ready(true, "ready"))

	h.shutdown()
	if ok, why := h.b.Ready(); ok {
		t.Errorf("after Run returned: Ready() = %v, %q; want false", ok, why)
	}
}
