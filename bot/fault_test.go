package bot

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// fault is what the proxy does to one request on its way to the fake Bot API.
type fault int

const (
	pass        fault = iota
	serverError       // 500 from Telegram; the request goes no further
	tooManyReqs       // 429 with retry_after 1
	hang              // no answer at all: the bot's client gives up (timeout)
	reset             // the connection is reset before the request reaches Telegram
	garbled           // 200 with a body that is not JSON
	conflict          // 409 Conflict (another poller)
	lostReply         // Telegram handles the request, then the connection is reset
	hold              // kept until the proxy is told to kill its sender, then dropped
)

func (f fault) String() string {
	return [...]string{"pass", "500", "429", "timeout", "reset", "malformed JSON", "409", "reply lost", "hold"}[f]
}

// faultCall is one request as the plan sees it. A bot's requests go to the
// proxy under a prefix of its own ("/b1/bot<token>/sendMessage"), so a test can
// tell two bots apart and cut one off.
type faultCall struct {
	prefix string
	method string
	chat   string // chat_id of the request, if any
	n      int    // this request's number among those of this prefix, method and chat, from 1
	seq    int    // its number among all requests, from 1
}

// faultProxy stands between the bot and the fake Bot API on loopback and
// injects faults by plan.
type faultProxy struct {
	t    *testing.T
	srv  *httptest.Server
	fake *fakeAPI
	rp   *httputil.ReverseProxy
	plan func(faultCall) fault
	done chan struct{} // closed when the test ends

	mu       sync.Mutex
	counts   map[string]int
	seq      int
	held     int
	killed   map[string]chan struct{} // per prefix: closed when its sender is killed
	injected map[fault]int
}

func newFaultProxy(t *testing.T, f *fakeAPI, plan func(faultCall) fault) *faultProxy {
	target, err := url.Parse(f.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{
		t: t, fake: f, plan: plan, done: make(chan struct{}),
		counts: map[string]int{}, killed: map[string]chan struct{}{}, injected: map[fault]int{},
	}
	p.rp = httputil.NewSingleHostReverseProxy(target)
	p.rp.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(http.StatusBadGateway) }
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	t.Cleanup(func() { close(p.done) }) // runs first: held requests return
	return p
}

// url is the API URL a bot with this prefix uses.
func (p *faultProxy) url(prefix string) string { return p.srv.URL + "/" + prefix }

// kill cuts the bot using prefix off from Telegram as a SIGKILL would: its held
// requests are dropped, and nothing it sends from now on arrives.
func (p *faultProxy) kill(prefix string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	close(p.deadline(prefix))
}

func (p *faultProxy) deadline(prefix string) chan struct{} {
	ch := p.killed[prefix]
	if ch == nil {
		ch = make(chan struct{})
		p.killed[prefix] = ch
	}
	return ch
}

// holding reports how many requests are being held.
func (p *faultProxy) holding() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.held
}

func (p *faultProxy) serve(w http.ResponseWriter, r *http.Request) {
	prefix, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	method := rest[strings.LastIndexByte(rest, '/')+1:]
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	form, _ := url.ParseQuery(string(body))
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.URL.Path = "/" + rest

	p.mu.Lock()
	dead := p.deadline(prefix)
	key := prefix + " " + method + " " + form.Get("chat_id")
	p.counts[key]++
	p.seq++
	c := faultCall{prefix: prefix, method: method, chat: form.Get("chat_id"), n: p.counts[key], seq: p.seq}
	f := pass
	select {
	case <-dead:
		f = hang // a dead process sends nothing
	default:
		if p.plan != nil {
			f = p.plan(c)
		}
	}
	p.injected[f]++
	p.mu.Unlock()

	switch f {
	case pass:
		p.rp.ServeHTTP(w, r)
	case serverError:
		p.reply(w, http.StatusInternalServerError, `{"ok":false,"error_code":500,"description":"Internal Server Error"}`)
	case tooManyReqs:
		p.reply(w, http.StatusTooManyRequests, tooMany(1))
	case conflict:
		p.reply(w, http.StatusConflict, `{"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}`)
	case garbled:
		p.reply(w, http.StatusOK, `{"ok":true,"result":{"message_id":`)
	case hang:
		select {
		case <-r.Context().Done():
		case <-p.done:
		}
	case reset:
		p.resetConn(w)
	case lostReply:
		rec := httptest.NewRecorder()
		p.rp.ServeHTTP(rec, r)
		p.resetConn(w)
	case hold:
		p.mu.Lock()
		p.held++
		p.mu.Unlock()
		select {
		case <-dead:
			<-r.Context().Done() // dropped: never reaches Telegram
		case <-r.Context().Done():
		case <-p.done:
		}
	}
}

func (p *faultProxy) reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// resetConn closes the connection with a TCP reset.
func (p *faultProxy) resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		p.t.Errorf("hijack: %v", err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// instantClock tells the time of day but waits for nothing. The faults tests
// use it rather than the harness's fake clock, whose every wait moves one
// shared time forward: with eight workers and the poll loop backing off at
// once, that time would race past the retry budget of each single request,
// which real concurrent waits never do.
type instantClock struct{}

func (instantClock) Now() time.Time { return time.Now() }

func (instantClock) Sleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// faultClient is the bot's HTTP client in these tests: a one-second deadline
// turns a request the proxy never answers into a timeout quickly. (The default
// client waits out a long poll, 65 s.)
func faultClient(t *testing.T) *http.Client {
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{}}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// TestFaults: with the Bot API failing in every way the proxy knows, the bot
// keeps running, and once the API recovers each question has been answered
// exactly once; a request Telegram handled but whose reply was lost is the one
// case where the bot cannot know, sends again, and the user sees the answer
// twice.
func TestFaults(t *testing.T) {
	const chats = 8
	perChat := func(faults map[int][]fault) func(faultCall) fault {
		return func(c faultCall) fault {
			if c.method != "sendMessage" {
				return pass
			}
			chat, _ := strconv.Atoi(c.chat)
			if fs := faults[chat-1000]; c.n <= len(fs) {
				return fs[c.n-1]
			}
			return pass
		}
	}
	tests := []struct {
		name string
		plan func(faultCall) fault
		want map[int]int // answers per chat 1000+i when not 1
		log  string      // in the log
	}{
		{
			name: "getMe fails at start",
			plan: func(c faultCall) fault {
				if fs := []fault{serverError, reset, garbled, hang, tooManyReqs}; c.method == "getMe" && c.n <= len(fs) {
					return fs[c.n-1]
				}
				return pass
			},
			log: "telegram unreachable; retrying",
		},
		{
			name: "getUpdates fails",
			plan: func(c faultCall) fault {
				if fs := []fault{serverError, garbled, reset, hang, conflict, tooManyReqs, lostReply, serverError}; c.method == "getUpdates" && c.n <= len(fs) {
					return fs[c.n-1]
				}
				return pass
			},
			log: "409 Conflict",
		},
		{
			name: "sendMessage fails before reaching Telegram",
			plan: perChat(map[int][]fault{
				0: {serverError},
				1: {tooManyReqs, tooManyReqs, tooManyReqs},
				2: {hang},
				3: {reset},
				4: {garbled, garbled},
				5: {reset, hang},
				6: {serverError, serverError, serverError, serverError, serverError, serverError}, // longer than any retry budget
				7: {serverError, reset, serverError, tooManyReqs, garbled, serverError},
			}),
			log: "send failed; trying again",
		},
		{
			name: "sendMessage reply lost after Telegram sent the message",
			plan: perChat(map[int][]fault{3: {lostReply}}),
			want: map[int]int{3: 2},
		},
		{
			name: "outage of every method while answers are going out, then recovery",
			plan: outage(60),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			for i := range chats {
				f.push(private(i+1, int64(1000+i), exampleQuestions()[i%len(exampleQuestions())]))
			}
			p := newFaultProxy(t, f, tc.plan)
			h := start(t, f, setup{noWait: true, clock: instantClock{}, opt: Options{APIURL: p.url("b"), HTTPClient: faultClient(t)}})
			for i := range chats {
				h.handled(i + 1)
			}
			for i := range chats {
				want := 1
				if n, ok := tc.want[i]; ok {
					want = n
				}
				if got := len(h.sent(int64(1000 + i))); got != want {
					t.Errorf("chat %d: %d answers, want %d", 1000+i, got, want)
				}
			}
			// Still running: a new question is answered.
			f.push(private(chats+1, 2000, exampleQuestion))
			h.handled(chats + 1)
			if got := len(h.sent(2000)); got != 1 {
				t.Errorf("after the faults: %d answers, want 1", got)
			}
			if !strings.Contains(h.logs.String(), tc.log) {
				t.Errorf("log lacks %q:\n%s", tc.log, h.logs)
			}
			p.mu.Lock() // the bot is still polling
			injected := maps.Clone(p.injected)
			p.mu.Unlock()
			t.Logf("faults injected: %v", injected)
		})
	}
}

// TestKillAndRestart stops a bot as SIGKILL would, between taking updates from
// Telegram and sending their answers, starts a second bot against the same
// Telegram, and records which questions were answered how often. It pins down
// the delivery guarantee of polling (poll.go): the offset that confirms
// updates to Telegram moves past an update only once its answer is out.
//
//   - An update whose answer had not reached Telegram is not confirmed, comes
//     back after the restart and is answered once: nothing is lost.
//   - An update answered but not yet confirmed (an earlier answer still in
//     flight held the offset back, or the loop was waiting for room in a full
//     pool and asked for nothing) comes back too and is answered a second
//     time: the at-least-once that Telegram's offset forces.
//   - An update answered and confirmed before the kill is not answered again.
//
// Run's graceful stop (SIGTERM) drains and confirms, so nothing is answered
// twice there (TestShutdownDeliversInFlightOnce).
func TestKillAndRestart(t *testing.T) {
	tests := []struct {
		name      string
		updates   int   // one chat each: 1000+id
		workers   int   //
		deliver   []int // updates whose answers the first bot gets out; the others are held
		confirmed int   // the offset the first bot has confirmed when it is killed
		twice     []int // updates answered twice
	}{
		{
			name:    "every answer of the batch in flight",
			updates: 5, workers: 8,
			confirmed: 1,
		},
		{
			name:    "some answers out, the first still in flight",
			updates: 5, workers: 8, deliver: []int{2, 4},
			confirmed: 1, twice: []int{2, 4},
		},
		{
			name:    "the first answers out and confirmed, later ones in flight",
			updates: 5, workers: 8, deliver: []int{1, 2},
			confirmed: 3,
		},
		{
			name:    "killed while the loop waits for room in the middle of a batch",
			updates: 20, workers: 1, deliver: []int{1, 2, 3},
			confirmed: 0, twice: []int{1, 2, 3},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			for i := 1; i <= tc.updates; i++ {
				f.push(private(i, int64(1000+i), exampleQuestions()[i%len(exampleQuestions())]))
			}
			p := newFaultProxy(t, f, func(c faultCall) fault {
				id, _ := strconv.Atoi(c.chat)
				if c.prefix == "b1" && c.method == "sendMessage" && !slices.Contains(tc.deliver, id-1000) {
					return hold
				}
				return pass
			})
			start(t, f, setup{opt: Options{APIURL: p.url("b1"), HTTPClient: faultClient(t), Workers: tc.workers, DrainTimeout: time.Millisecond}})
			// The moment of the kill: every answer the first bot will get out
			// is out, the others are being held (a held request times out and
			// is sent again, so holding counts more), and the loop has sent
			// the offset those answers allow.
			inFlight := min(tc.workers, tc.updates-len(tc.deliver))
			f.waitFor("the first bot to be stuck sending", func() bool {
				return p.holding() >= inFlight && deliveredSoFar(f) == len(tc.deliver) && confirmedOffset(f) == tc.confirmed
			})
			p.kill("b1")
			t.Logf("killed with %d answers out, %d held, offset %d confirmed", deliveredSoFar(f), p.holding(), confirmedOffset(f))

			h2 := start(t, f, setup{opt: Options{APIURL: p.url("b2"), HTTPClient: faultClient(t)}})
			f.push(private(tc.updates+1, 3000, exampleQuestion)) // a question after the restart
			h2.handled(tc.updates + 1)
			for i := max(tc.confirmed, 1); i <= tc.updates; i++ {
				h2.handled(i) // the second bot gets every update not confirmed
			}
			var lost, twice []int
			for i := 1; i <= tc.updates; i++ {
				switch n := len(h2.sent(int64(1000 + i))); n {
				case 0:
					lost = append(lost, i)
				case 1:
				case 2:
					twice = append(twice, i)
				default:
					t.Errorf("update %d answered %d times", i, n)
				}
			}
			if len(lost) > 0 || !slices.Equal(twice, tc.twice) {
				t.Errorf("lost %v, answered twice %v; want none lost, twice %v", lost, twice, tc.twice)
			}
			if n := len(h2.sent(3000)); n != 1 {
				t.Errorf("the question after the restart: %d answers, want 1", n)
			}
		})
	}
}

// outage is a plan: from the first sendMessage on, the next n requests of any
// method fail in turn with a 500, a reset, malformed JSON and (once) a
// timeout; then the API recovers.
func outage(n int) func(faultCall) fault {
	began := 0
	return func(c faultCall) fault { // called under the proxy's lock
		if began == 0 && c.method == "sendMessage" {
			began = c.seq
		}
		switch i := c.seq - began; {
		case began == 0 || i >= n:
			return pass
		case i == n/2:
			return hang
		default:
			return []fault{serverError, reset, garbled}[i%3]
		}
	}
}

// deliveredSoFar counts the answers the fake accepted.
func deliveredSoFar(f *fakeAPI) int { return len(f.requests("sendMessage")) }

// confirmedOffset is the highest offset the fake was sent: every update below
// it is confirmed and will not be delivered again.
func confirmedOffset(f *fakeAPI) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.confirmed
}

// TestRetryBudget: an answer failing with server errors is sent again for
// retryFor (on the bot's clock) before the bot gives up and logs it; a reply to
// a button press, which expires anyway, for retryForOther.
func TestRetryBudget(t *testing.T) {
	tests := []struct {
		name   string
		method string
		u      func(id int) tgbotapi.Update
		budget time.Duration
	}{
		{"answer", "sendMessage", func(id int) tgbotapi.Update { return private(id, 42, exampleQuestion) }, retryFor},
		{"button press", "answerCallbackQuery", func(id int) tgbotapi.Update { return callback(id, 42, "u:0:99999", nil) }, retryForOther},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			f.on(tc.method, func(int, url.Values) (int, string, bool) {
				return http.StatusBadGateway, `{"ok":false,"error_code":502,"description":"Bad Gateway"}`, true
			})
			h := start(t, f, setup{})
			before := h.clock.Now()
			f.push(tc.u(1))
			h.handled(1)
			attempts := len(f.requests(tc.method))
			spent := h.clock.Now().Sub(before)
			if spent < tc.budget || spent > tc.budget+time.Minute {
				t.Errorf("gave up after %v of retrying (%d attempts), want just over %v", spent, attempts, tc.budget)
			}
			if !strings.Contains(h.logs.String(), "level=ERROR msg=update update_id=1 ") {
				t.Errorf("the lost answer is not logged as an error:\n%s", h.logs)
			}
			t.Logf("%d attempts over %v", attempts, spent)
		})
	}
}
