package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"planbot/retrieval"
)

const hookSecret = "s3cret-Token_value"

// webhookBot is a bot in webhook mode against a fake Bot API, and the URL
// Telegram would post updates to.
type webhookBot struct {
	*harness
	url string
}

// startWebhook runs a bot in webhook mode on loopback until the test ends and
// returns once the webhook is registered.
func startWebhook(t *testing.T, f *fakeAPI, s setup) *webhookBot {
	t.Helper()
	o := s.opt
	o.Token, o.APIURL = testToken, f.srv.URL
	o.WebhookURL, o.WebhookSecret, o.Listen = "https://bot.example.org/tg/hook", hookSecret, "127.0.0.1:0"
	var search Searcher = testEngine(t)
	if s.searcher != nil {
		search = s.searcher(testEngine(t))
	}
	log, logs := newLogger(s.level)
	b, err := New(search, log, o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	addr := make(chan net.Addr, 1)
	b.onListen = func(a net.Addr) { addr <- a }
	h := &harness{t: t, f: f, b: b, clock: newFakeClock(), logs: logs, done: make(chan error, 1)}
	b.clock = h.clock
	ctx, cancel := context.WithCancel(context.Background())
	h.stop = cancel
	go func() { h.done <- b.Run(ctx) }()
	t.Cleanup(func() {
		h.shutdown()
		for _, secret := range []string{testToken, hookSecret} {
			if strings.Contains(logs.String(), secret) {
				t.Errorf("a secret appears in the log:\n%s", logs)
			}
		}
	})
	f.waitFor("setWebhook", func() bool { return len(f.requests("setWebhook")) == 1 })
	return &webhookBot{harness: h, url: "http://" + (<-addr).String() + "/tg/hook"}
}

// post delivers body as Telegram would, with the given secret header ("" for
// none), and returns the status.
func (w *webhookBot) post(secret string, body io.Reader, size int64) *http.Response {
	w.t.Helper()
	req, err := http.NewRequest(http.MethodPost, w.url, body)
	if err != nil {
		w.t.Fatal(err)
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(secretHeader, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func (w *webhookBot) deliver(u tgbotapi.Update) int {
	w.t.Helper()
	body, err := json.Marshal(u)
	if err != nil {
		w.t.Fatal(err)
	}
	return w.post(hookSecret, bytes.NewReader(body), int64(len(body))).StatusCode
}

// TestWebhookRefusals: every request the webhook refuses gets its status and
// nothing is handled; the good and the repeated delivery are answered once.
func TestWebhookRefusals(t *testing.T) {
	f := newFakeAPI(t)
	w := startWebhook(t, f, setup{level: slog.LevelInfo})
	good, _ := json.Marshal(private(7, 42, "人均预期寿命要达到多少岁"))
	huge := append([]byte(`{"update_id":8,"message":{"message_id":1,"chat":{"id":43,"type":"private"},"text":"`),
		bytes.Repeat([]byte("东"), maxUpdateBytes/3+1)...)
	huge = append(huge, `"}}`...)
	tests := []struct {
		name   string
		secret string
		body   []byte
		size   int64 // Content-Length; -1: unknown (chunked)
		want   int
	}{
		{"no secret", "", good, int64(len(good)), http.StatusUnauthorized},
		{"wrong secret", "wrong", good, int64(len(good)), http.StatusUnauthorized},
		{"secret with a different case", strings.ToUpper(hookSecret), good, int64(len(good)), http.StatusUnauthorized},
		{"secret prefix", hookSecret[:len(hookSecret)-1], good, int64(len(good)), http.StatusUnauthorized},
		{"body over the limit, announced", hookSecret, huge, int64(len(huge)), http.StatusRequestEntityTooLarge},
		{"body over the limit, chunked", hookSecret, huge, -1, http.StatusRequestEntityTooLarge},
		{"malformed JSON", hookSecret, []byte(`{"update_id":9,"message":`), -1, http.StatusBadRequest},
		{"not an object", hookSecret, []byte(`[1,2,3]`), -1, http.StatusBadRequest},
		{"wrong types", hookSecret, []byte(`{"update_id":"ten"}`), -1, http.StatusBadRequest},
		{"empty body", hookSecret, nil, 0, http.StatusBadRequest},
		{"the update", hookSecret, good, int64(len(good)), http.StatusOK},
		{"the update again (Telegram retries)", hookSecret, good, int64(len(good)), http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := w.post(tc.secret, bytes.NewReader(tc.body), tc.size).StatusCode; got != tc.want {
				t.Errorf("status %d, want %d", got, tc.want)
			}
		})
	}
	w.handled(7)
	if n := len(w.sent(42)); n != 1 {
		t.Errorf("%d answers to update 7, want 1", n)
	}
	if n := strings.Count(w.logs.String(), "msg=update "); n != 1 {
		t.Errorf("%d updates handled, want 1 (only the good one):\n%s", n, w.logs)
	}
	if n := strings.Count(w.logs.String(), "wrong secret token"); n != 4 {
		t.Errorf("%d refusals for the secret logged, want 4", n)
	}
	resp, err := http.Get(w.url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d, want 405", resp.StatusCode)
	}
}

// gate blocks the searcher on one question until it is opened, and says when a
// search is waiting at it.
type gate struct {
	*retrieval.Engine
	question string
	entered  chan struct{} // one value per search that reached the gate
	open     chan struct{}
}

func newGate(question string) func(*retrieval.Engine) Searcher {
	g := &gate{question: question, entered: make(chan struct{}, 100), open: make(chan struct{})}
	return func(e *retrieval.Engine) Searcher { g.Engine = e; return g }
}

func (g *gate) Search(ctx context.Context, q string, top int) (retrieval.Result, error) {
	if q == g.question {
		g.entered <- struct{}{}
		select {
		case <-g.open:
		case <-ctx.Done():
			return retrieval.Result{}, ctx.Err()
		}
	}
	return g.Engine.Search(ctx, q, top)
}

// TestWebhookAcknowledgesBeforeAnswering: Telegram's request returns while the
// answer is still being searched for, or still being sent; and when the queue
// is full the request is refused with 503 at once rather than held until
// Telegram gives up, and the update is taken when Telegram delivers it again.
func TestWebhookAcknowledgesBeforeAnswering(t *testing.T) {
	const slow = "乡村振兴怎么推进"
	t.Run("slow search", func(t *testing.T) {
		f := newFakeAPI(t)
		var g *gate
		w := startWebhook(t, f, setup{searcher: func(e *retrieval.Engine) Searcher {
			s := newGate(slow)(e)
			g = s.(*gate)
			return s
		}})
		if got := w.deliver(private(1, 42, slow)); got != http.StatusOK {
			t.Fatalf("status %d, want 200", got)
		}
		<-g.entered // the search is blocked at the gate and Telegram already has its 200
		if n := len(f.requests("sendMessage")); n != 0 {
			t.Fatalf("%d answers before the search finished", n)
		}
		close(g.open)
		w.handled(1)
		if n := len(w.sent(42)); n != 1 {
			t.Errorf("%d answers, want 1", n)
		}
	})
	t.Run("blocked send", func(t *testing.T) {
		f := newFakeAPI(t)
		release := make(chan struct{})
		f.on("sendMessage", func(int, url.Values) (int, string, bool) {
			<-release
			return 0, "", false
		})
		w := startWebhook(t, f, setup{})
		if got := w.deliver(private(1, 42, "人均预期寿命要达到多少岁")); got != http.StatusOK {
			t.Fatalf("status %d, want 200", got)
		}
		f.waitFor("the answer in flight", func() bool { return len(f.requests("sendMessage")) == 1 })
		close(release)
		w.handled(1)
	})
	t.Run("full queue", func(t *testing.T) {
		f := newFakeAPI(t)
		var g *gate
		w := startWebhook(t, f, setup{opt: Options{Workers: 1}, searcher: func(e *retrieval.Engine) Searcher {
			s := newGate(slow)(e)
			g = s.(*gate)
			return s
		}})
		capacity := 1 * queuePerWorker
		for i := 1; i <= capacity; i++ {
			if got := w.deliver(private(i, int64(100+i), slow)); got != http.StatusOK {
				t.Fatalf("update %d: status %d, want 200", i, got)
			}
		}
		<-g.entered // the one worker is stuck; the queue holds capacity updates
		over := private(capacity+1, 500, "人均预期寿命要达到多少岁")
		if got := w.deliver(over); got != http.StatusServiceUnavailable {
			t.Fatalf("update over capacity: status %d, want 503", got)
		}
		close(g.open)
		for i := 1; i <= capacity; i++ {
			w.handled(i)
		}
		if got := w.deliver(over); got != http.StatusOK { // Telegram's retry
			t.Fatalf("retry: status %d, want 200", got)
		}
		w.handled(capacity + 1)
		for i := 1; i <= capacity+1; i++ {
			chat := int64(100 + i)
			if i == capacity+1 {
				chat = 500
			}
			if n := len(w.sent(chat)); n != 1 {
				t.Errorf("update %d: %d answers, want 1", i, n)
			}
		}
	})
}

// TestWebhookConcurrentDuplicates: Telegram may retry while the first delivery
// is still open; of many simultaneous deliveries of one update exactly one is
// handled.
func TestWebhookConcurrentDuplicates(t *testing.T) {
	f := newFakeAPI(t)
	w := startWebhook(t, f, setup{})
	const copies = 20
	var wg sync.WaitGroup
	codes := make(chan int, copies)
	for range copies {
		wg.Go(func() { codes <- w.deliver(private(3, 42, "东阳会通轻轨吗")) })
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != http.StatusOK {
			t.Errorf("status %d, want 200 for every copy", c)
		}
	}
	w.handled(3)
	if n := len(w.sent(42)); n != 1 {
		t.Errorf("%d answers, want 1", n)
	}
	if n := strings.Count(w.logs.String(), "msg=update update_id="+strconv.Itoa(3)+" "); n != 1 {
		t.Errorf("handled %d times, want 1", n)
	}
}

// TestSubmitPrefersRoom: a job is accepted whenever there is room, even with
// its context already done (the webhook's wait for room ends by cancelling
// it), and refused only when the pool is full.
func TestSubmitPrefersRoom(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for range 20 { // without the preference, select picks the done context half the time
		p := newPool(context.Background(), 1, 2)
		release := make(chan struct{})
		if err := p.submit(done, job{key: 1, run: func(context.Context) { <-release }}); err != nil {
			t.Fatalf("first job: %v", err)
		}
		if err := p.submit(done, job{key: 2, run: func(context.Context) {}}); err != nil {
			t.Fatalf("second job, with room and a done context: %v", err)
		}
		if err := p.submit(done, job{key: 3, run: func(context.Context) {}}); err == nil {
			t.Fatal("a full pool took a job")
		}
		close(release)
		if !p.close(context.Background()) {
			t.Fatal("not drained")
		}
		p.stop()
	}
}
