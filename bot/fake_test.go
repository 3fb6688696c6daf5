package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"planbot/answers"
)

// botUser is the account the fake Bot API says the bot is.
var botUser = tgbotapi.User{ID: 999, IsBot: true, FirstName: "Plan", UserName: "PlanBot"}

// call is one request the bot made to the fake.
type call struct {
	method string
	form   url.Values
}

// hook may replace the fake's reply to a method: n counts that method's calls
// from 1. It returns ok=false to let the fake answer normally.
type hook func(n int, form url.Values) (status int, body string, ok bool)

// fakeAPI is a Bot API server on loopback: it answers the methods the bot uses,
// records every request, and keeps an update queue with Telegram's offset
// semantics (getUpdates with offset N drops, i.e. confirms, every update
// before N).
type fakeAPI struct {
	t   *testing.T
	srv *httptest.Server

	mu        sync.Mutex
	calls     []call
	counts    map[string]int
	hooks     map[string]hook
	queue     []tgbotapi.Update
	confirmed int // highest offset received
	msgID     int
	changed   chan struct{} // closed and replaced on every change
	done      chan struct{} // closed when the test ends: releases long polls
}

func newFakeAPI(t *testing.T) *fakeAPI {
	f := &fakeAPI{
		t:       t,
		counts:  map[string]int{},
		hooks:   map[string]hook{},
		changed: make(chan struct{}),
		done:    make(chan struct{}),
		msgID:   1000,
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	t.Cleanup(func() { close(f.done) }) // runs first: long polls return, Close does not wait on them
	return f
}

// on replaces the fake's reply to method.
func (f *fakeAPI) on(method string, h hook) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hooks[method] = h
}

// push queues updates for getUpdates.
func (f *fakeAPI) push(ups ...tgbotapi.Update) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue = append(f.queue, ups...)
	f.signal()
}

func (f *fakeAPI) signal() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// requests returns the recorded calls of method (all methods when empty).
func (f *fakeAPI) requests(method string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if method == "" || c.method == method {
			out = append(out, c)
		}
	}
	return out
}

// waitFor waits, on the fake's own change notifications, until cond holds.
func (f *fakeAPI) waitFor(what string, cond func() bool) {
	f.t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		ch := f.changed
		f.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			f.t.Fatalf("timed out waiting for %s; calls: %v", what, f.methods())
		}
	}
}

func (f *fakeAPI) methods() []string {
	var ms []string
	for _, c := range f.requests("") {
		ms = append(ms, c.method)
	}
	return ms
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	token, method, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	if err := r.ParseForm(); err != nil {
		f.reply(w, http.StatusBadRequest, `{"ok":false,"error_code":400,"description":"Bad Request"}`)
		return
	}
	if !ok || token != testToken {
		f.reply(w, http.StatusUnauthorized, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	f.mu.Lock()
	f.counts[method]++
	n := f.counts[method]
	f.calls = append(f.calls, call{method: method, form: r.PostForm})
	h := f.hooks[method]
	f.signal()
	f.mu.Unlock()
	if h != nil {
		if status, body, ok := h(n, r.PostForm); ok {
			f.reply(w, status, body)
			return
		}
	}
	switch method {
	case "getMe":
		f.ok(w, botUser)
	case "getUpdates":
		f.getUpdates(w, r)
	case "sendMessage", "editMessageText":
		if err := answers.ValidHTML(r.PostForm.Get("text")); err != nil {
			f.t.Errorf("%s with text Telegram would refuse (%v):\n%s", method, err, r.PostForm.Get("text"))
			f.reply(w, http.StatusBadRequest, `{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities"}`)
			return
		}
		f.message(w, r.PostForm)
	case "answerInlineQuery":
		f.checkInline(r.PostForm.Get("results"))
		f.ok(w, true)
	case "answerCallbackQuery", "setMyCommands", "setWebhook", "deleteWebhook":
		f.ok(w, true)
	default:
		f.reply(w, http.StatusNotFound, `{"ok":false,"error_code":404,"description":"Not Found: method not found"}`)
	}
}

func (f *fakeAPI) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.Atoi(r.PostForm.Get("offset"))
	timeout, _ := strconv.Atoi(r.PostForm.Get("timeout"))
	limit, _ := strconv.Atoi(r.PostForm.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100 // Telegram's default and maximum
	}
	for {
		f.mu.Lock()
		if offset > f.confirmed {
			f.confirmed = offset
		}
		var keep, out []tgbotapi.Update
		for _, u := range f.queue {
			if u.UpdateID >= offset {
				keep = append(keep, u)
			}
		}
		f.queue = keep
		out = append(out, keep...)
		if limit > 0 && len(out) > limit {
			out = out[:limit]
		}
		ch := f.changed
		f.mu.Unlock()
		if len(out) > 0 || timeout == 0 {
			f.ok(w, out)
			return
		}
		select {
		case <-ch:
		case <-r.Context().Done():
			return
		case <-f.done:
			f.ok(w, []tgbotapi.Update{})
			return
		}
	}
}

// checkInline checks the messages inline results would post.
func (f *fakeAPI) checkInline(results string) {
	var rs []struct {
		Content struct {
			Text string `json:"message_text"`
		} `json:"input_message_content"`
	}
	if err := json.Unmarshal([]byte(results), &rs); err != nil {
		f.t.Errorf("answerInlineQuery results: %v", err)
	}
	for _, r := range rs {
		if err := answers.ValidHTML(r.Content.Text); err != nil {
			f.t.Errorf("inline result with text Telegram would refuse (%v):\n%s", err, r.Content.Text)
		}
	}
}

// message answers sendMessage and editMessageText with the message as sent.
func (f *fakeAPI) message(w http.ResponseWriter, form url.Values) {
	f.mu.Lock()
	f.msgID++
	id := f.msgID
	f.mu.Unlock()
	chat, _ := strconv.ParseInt(form.Get("chat_id"), 10, 64)
	f.ok(w, tgbotapi.Message{MessageID: id, Chat: &tgbotapi.Chat{ID: chat}, From: &botUser, Text: form.Get("text")})
}

func (f *fakeAPI) ok(w http.ResponseWriter, result any) {
	data, err := json.Marshal(map[string]any{"ok": true, "result": result})
	if err != nil {
		f.t.Errorf("fake: %v", err)
	}
	f.reply(w, http.StatusOK, string(data))
}

func (f *fakeAPI) reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// tooMany is a 429 reply asking to wait seconds.
func tooMany(seconds int) string {
	return fmt.Sprintf(`{"ok":false,"error_code":429,"description":"Too Many Requests: retry after %d","parameters":{"retry_after":%d}}`, seconds, seconds)
}

// fakeClock makes every wait instant and remembers it.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2021, 1, 15, 9, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.sleeps = append(c.sleeps, d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// syncBuffer is a log sink safe for the bot's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Update builders.

func textMessage(id int, chat tgbotapi.Chat, from int64, text string) tgbotapi.Update {
	c := chat
	return tgbotapi.Update{UpdateID: id, Message: &tgbotapi.Message{
		MessageID: 100 + id,
		From:      &tgbotapi.User{ID: from, FirstName: "U"},
		Chat:      &c,
		Text:      text,
	}}
}

func private(id int, user int64, text string) tgbotapi.Update {
	return textMessage(id, tgbotapi.Chat{ID: user, Type: "private"}, user, text)
}

func group(id int, chat, user int64, text string) tgbotapi.Update {
	return textMessage(id, tgbotapi.Chat{ID: chat, Type: "supergroup", Title: "G"}, user, text)
}

func callback(id int, user int64, data string, msg *tgbotapi.Message) tgbotapi.Update {
	return tgbotapi.Update{UpdateID: id, CallbackQuery: &tgbotapi.CallbackQuery{
		ID: "cb" + strconv.Itoa(id), From: &tgbotapi.User{ID: user}, Message: msg, Data: data,
	}}
}

func inline(id int, user int64, q string) tgbotapi.Update {
	return tgbotapi.Update{UpdateID: id, InlineQuery: &tgbotapi.InlineQuery{
		ID: "iq" + strconv.Itoa(id), From: &tgbotapi.User{ID: user}, Query: q,
	}}
}

// newLogger writes text logs at level into a buffer the test can search.
func newLogger(level slog.Level) (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: level})), buf
}
