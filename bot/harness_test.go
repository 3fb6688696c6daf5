package bot

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"planbot/retrieval"
	"planbot/seeds"
)

// engine is the real search engine over the real plan, built once per test
// binary: loading jieba takes a while.
var engine = sync.OnceValues(func() (*retrieval.Engine, error) {
	var docs []*retrieval.Document
	for _, p := range seeds.All() {
		d, err := retrieval.Parse(p.Text, retrieval.ParseOptions{
			Name: p.Name, Source: p.Source, SkipLines: p.SkipLines, ClosingParagraphs: p.ClosingParagraphs,
		})
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return retrieval.New(context.Background(), docs, retrieval.Options{})
})

func testEngine(t *testing.T) *retrieval.Engine {
	t.Helper()
	e, err := engine()
	if err != nil {
		t.Fatalf("engine: %v", err)
	}
	return e
}

// harness is a bot running against a fake Bot API.
type harness struct {
	t     *testing.T
	f     *fakeAPI
	b     *Bot
	clock *fakeClock
	logs  *syncBuffer
	stop  context.CancelFunc
	done  chan error
	once  sync.Once
	err   error
}

// setup tunes a bot before it runs.
type setup struct {
	opt      Options
	level    slog.Level
	searcher func(*retrieval.Engine) Searcher
	budget   int
	noWait   bool          // do not wait for the first getUpdates
	clock    clock         // the bot's clock instead of the harness's fake one
	pace     clock         // the polling loop's clock instead of the wall clock
	probe    time.Duration // how often to ask getMe while Telegram is silent, instead of probeEvery
}

// start runs a bot against f until the test ends; it returns once the bot is
// polling (unless s.noWait).
func start(t *testing.T, f *fakeAPI, s setup) *harness {
	t.Helper()
	o := s.opt
	o.Token = testToken
	if o.APIURL == "" { // a test may put a proxy in front of the fake
		o.APIURL = f.srv.URL
	}
	var search Searcher = testEngine(t)
	if s.searcher != nil {
		search = s.searcher(testEngine(t))
	}
	log, logs := newLogger(s.level)
	b, err := New(search, log, o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h := &harness{t: t, f: f, b: b, clock: newFakeClock(), logs: logs, done: make(chan error, 1)}
	b.clock = h.clock
	if s.clock != nil {
		b.clock = s.clock
	}
	if s.pace != nil {
		b.pace = s.pace
	}
	b.budget = s.budget
	if s.probe > 0 {
		b.probeEvery = s.probe
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.stop = cancel
	go func() { h.done <- b.Run(ctx) }()
	t.Cleanup(func() {
		h.shutdown()
		if strings.Contains(logs.String(), testToken) {
			t.Errorf("the token appears in the log:\n%s", logs)
		}
		if strings.Contains(logs.String(), "panic") && !strings.Contains(t.Name(), "Panic") {
			t.Errorf("unexpected panic in log:\n%s", logs)
		}
	})
	if !s.noWait && o.WebhookURL == "" {
		f.waitFor("the first getUpdates", func() bool { return len(f.requests("getUpdates")) > 0 })
	}
	return h
}

// shutdown cancels the bot and waits for Run to return nil.
func (h *harness) shutdown() {
	h.t.Helper()
	h.stop()
	if err := h.wait(); err != nil {
		h.t.Errorf("Run: %v", err)
	}
}

// wait returns what Run returned, waiting for it (at most 20 s) the first time.
func (h *harness) wait() error {
	h.t.Helper()
	h.once.Do(func() {
		select {
		case h.err = <-h.done:
		case <-time.After(20 * time.Second):
			h.t.Fatal("Run did not return after cancel")
		}
	})
	return h.err
}

// handled waits until the bot has written the log line of update id.
func (h *harness) handled(id int) {
	h.t.Helper()
	eventually(h.t, "update "+strconv.Itoa(id)+" to be handled", func() bool {
		return strings.Contains(h.logs.String(), "msg=update update_id="+strconv.Itoa(id)+" ")
	})
}

// eventually polls cond until it holds or a deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

// sent returns the sendMessage calls to chat.
func (h *harness) sent(chat int64) []call {
	var out []call
	for _, c := range h.f.requests("sendMessage") {
		if c.form.Get("chat_id") == strconv.FormatInt(chat, 10) {
			out = append(out, c)
		}
	}
	return out
}

// replyTo reads reply_parameters.message_id of a sendMessage call.
func replyTo(t *testing.T, c call) int {
	t.Helper()
	s := c.form.Get("reply_parameters")
	if s == "" {
		return 0
	}
	var rp struct {
		MessageID int `json:"message_id"`
	}
	if err := json.Unmarshal([]byte(s), &rp); err != nil {
		t.Fatalf("reply_parameters %q: %v", s, err)
	}
	return rp.MessageID
}
