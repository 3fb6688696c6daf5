package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"planbot/answers"
)

// FuzzUpdate feeds the update handler whatever a user (or a broken client)
// can send: text of any kind in any chat, captions on media, button data,
// inline queries, and raw JSON of a whole update. Properties: the handler
// neither panics (a recovered panic shows in its log) nor sends a message
// Telegram's HTML parse mode would refuse.
//
// Inputs: kind picks the update's shape, flags the chat type and details, text
// is the message, caption, button data, query or raw JSON, and extra the text
// of a message replied to.
func FuzzUpdate(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s.kind, s.flags, s.text, s.extra)
	}
	api := newFuzzAPI(f)
	b, logs := fuzzBot(f, api)
	f.Fuzz(func(t *testing.T, kind, flags byte, text, extra string) {
		u, ok := fuzzUpdate(kind, flags, text, extra)
		if !ok {
			return
		}
		api.reset()
		logs.Reset()
		b.handle(context.Background(), u, time.Now())
		if log := logs.String(); strings.Contains(log, "panic while handling") {
			t.Fatalf("panic while handling %s:\n%s", fuzzDescribe(u), log)
		}
		for _, m := range api.messages() {
			if err := answers.ValidHTML(m); err != nil {
				t.Fatalf("%s: sent text Telegram would refuse (%v):\n%s", fuzzDescribe(u), err, m)
			}
		}
	})
}

// fuzzSeed is one entry of the seed corpus; testdata/fuzz/FuzzUpdate holds
// more, written in go test's corpus format.
type fuzzSeed struct {
	kind, flags byte
	text, extra string
}

// Kinds of update fuzzUpdate builds.
const (
	fuzzText byte = iota
	fuzzMedia
	fuzzButton
	fuzzInline
	fuzzJSON
	fuzzKinds
)

func fuzzSeeds() []fuzzSeed {
	var out []fuzzSeed
	for i, s := range []string{
		"人均预期寿命要达到多少岁", "第十二条", "/article 99999999999999999999", "/check 人均预期寿命达到80.5岁",
		"/start a12", "/start u0_ch2", "/toc@PlanBot", "@PlanBot 东阳会通轻轨吗", "\xff\xfe", "a\x00b\x01c",
		"\u200b\u200d\u202e东阳\u202c", "🚄🚄🚄", "，。！？", `+a -b "c" d:e ^2 ~1 *`, "<b>东阳</b>&amp;</a>",
		"**粗体** _斜体_ [链接](http://x)", strings.Repeat("9", 60), strings.Repeat("东阳会通轻轨吗", 4900) /* 100 KB */, "",
	} {
		out = append(out, fuzzSeed{fuzzText, byte(i), s, "那教育呢"})
	}
	for i, d := range []string{"u:0:5", "u:0:999", "u:-1:5", "u:0:", "m:x:1", "m::0", "u:9999999999999999999:1", "", "\xff"} {
		out = append(out, fuzzSeed{fuzzButton, byte(i), d, ""})
	}
	return append(out,
		fuzzSeed{fuzzMedia, 0, "人均预期寿命要达到多少岁", ""},
		fuzzSeed{fuzzMedia, 1, "", ""},
		fuzzSeed{fuzzInline, 0, "人均预期寿命", ""},
		fuzzSeed{fuzzInline, 0, "", ""},
		fuzzSeed{fuzzJSON, 0, `{"update_id":1,"message":{"message_id":2,"chat":{"id":3,"type":"private"},"text":"第5条"}}`, ""},
		fuzzSeed{fuzzJSON, 0, `{"update_id":1,"message":{"message_id":2,"chat":{"id":-3,"type":"supergroup"},"from":{"id":4},"text":"/ask@PlanBot 东阳","entities":[{"type":"bot_command","offset":0,"length":12}]}}`, ""},
		fuzzSeed{fuzzJSON, 0, `{"update_id":1,"callback_query":{"id":"c","from":{"id":4},"data":"u:0:12"}}`, ""},
		fuzzSeed{fuzzJSON, 0, `{"update_id":1,"edited_message":{"message_id":2,"chat":{"id":3,"type":"private"},"text":"x"}}`, ""},
	)
}

// fuzzUpdate builds the update the inputs describe; ok is false for raw JSON
// that is not an update (the webhook refuses it with 400 before the handler).
func fuzzUpdate(kind, flags byte, text, extra string) (u tgbotapi.Update, ok bool) {
	chatTypes := []string{"private", "group", "supergroup", "channel", ""}
	chat := &tgbotapi.Chat{ID: 7 + int64(flags%3), Type: chatTypes[int(flags)%len(chatTypes)]}
	if chat.Type != "private" {
		chat.ID = -chat.ID
	}
	from := &tgbotapi.User{ID: 7 + int64(flags%3), FirstName: "U", IsBot: flags&0x80 != 0}
	msg := &tgbotapi.Message{MessageID: 100, From: from, Chat: chat}
	if flags&0x08 != 0 {
		msg.ReplyToMessage = &tgbotapi.Message{MessageID: 99, From: &botUser, Chat: chat, Text: extra}
	} else if flags&0x10 != 0 {
		msg.ReplyToMessage = &tgbotapi.Message{MessageID: 98, From: &tgbotapi.User{ID: 5}, Chat: chat, Text: extra}
	}
	if flags&0x20 != 0 {
		msg.Chat = nil
	}
	if flags&0x40 != 0 {
		msg.From = nil
	}
	u.UpdateID = 1
	switch kind % fuzzKinds {
	case fuzzText:
		msg.Text = text
		if n := wordLen(strings.TrimPrefix(text, "/")); strings.HasPrefix(text, "/") && n > 0 {
			msg.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: n + 1}}
		}
		u.Message = msg
	case fuzzMedia:
		msg.Caption = text
		switch flags % 3 {
		case 0:
			msg.Photo = []tgbotapi.PhotoSize{{FileID: "p"}}
		case 1:
			msg.Sticker = &tgbotapi.Sticker{FileID: "s", Emoji: extra}
		default:
			msg.Voice = &tgbotapi.Voice{FileID: "v"}
		}
		u.Message = msg
	case fuzzButton:
		cq := &tgbotapi.CallbackQuery{ID: "cb", From: from, Data: text}
		if flags&0x01 == 0 {
			cq.Message = &tgbotapi.Message{MessageID: 50, From: &botUser, Chat: chat, Text: extra}
		} else {
			cq.InlineMessageID = "im"
		}
		u.CallbackQuery = cq
	case fuzzInline:
		u.InlineQuery = &tgbotapi.InlineQuery{ID: "iq", From: from, Query: text, ChatType: chat.Type}
	case fuzzJSON:
		if err := json.Unmarshal([]byte(text), &u); err != nil {
			return u, false
		}
	}
	return u, true
}

// fuzzDescribe shows an update in a failure message, cut to a readable size.
func fuzzDescribe(u tgbotapi.Update) string {
	data, _ := json.Marshal(u)
	if len(data) > 600 {
		return string(data[:600]) + "…"
	}
	return string(data)
}

// fuzzAPI is a minimal Bot API on loopback for fuzzing: it answers every
// method the handler calls and keeps the Telegram HTML texts it was sent. The
// test's fakeAPI reports to one *testing.T, which a fuzz function may not use
// across inputs.
type fuzzAPI struct {
	srv  *httptest.Server
	mu   sync.Mutex
	html []string
}

func newFuzzAPI(tb testing.TB) *fuzzAPI {
	a := &fuzzAPI{}
	a.srv = httptest.NewServer(http.HandlerFunc(a.serve))
	tb.Cleanup(a.srv.Close)
	return a
}

func (a *fuzzAPI) reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.html = a.html[:0]
}

func (a *fuzzAPI) messages() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.html...)
}

func (a *fuzzAPI) record(texts ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.html = append(a.html, texts...)
}

func (a *fuzzAPI) serve(w http.ResponseWriter, r *http.Request) {
	_, method, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var result any = true
	switch method {
	case "getMe":
		result = botUser
	case "sendMessage", "editMessageText":
		if r.PostForm.Get("parse_mode") == tgbotapi.ModeHTML {
			a.record(r.PostForm.Get("text"))
		}
		chat, _ := strconv.ParseInt(r.PostForm.Get("chat_id"), 10, 64)
		result = tgbotapi.Message{MessageID: 1, Chat: &tgbotapi.Chat{ID: chat}, From: &botUser}
	case "answerInlineQuery":
		var rs []struct {
			Content inputText `json:"input_message_content"`
		}
		if err := json.Unmarshal([]byte(r.PostForm.Get("results")), &rs); err != nil {
			a.record("<b>answerInlineQuery results are not JSON: " + esc(err.Error()))
		}
		for _, x := range rs {
			a.record(x.Content.Text)
		}
	}
	data, _ := json.Marshal(map[string]any{"ok": true, "result": result})
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(data)
}

// fuzzBot is a bot connected to api, without its update loop: the fuzz
// function calls its handler directly. Flood control is out of the way (the
// fuzzer asks as one of three users, many times a second).
func fuzzBot(tb testing.TB, api *fuzzAPI) (*Bot, *resettableBuffer) {
	tb.Helper()
	logs := &resettableBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	e, err := engine()
	if err != nil {
		tb.Fatal(err)
	}
	b, err := New(e, log, Options{Token: testToken, APIURL: api.srv.URL, FloodLimit: 1 << 30})
	if err != nil {
		tb.Fatal(err)
	}
	b.clock = &stepClock{now: time.Date(2021, 1, 15, 9, 0, 0, 0, time.UTC)}
	if err := b.login(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return b, logs
}

// stepClock is fakeClock without the record of every wait, which a fuzzing run
// of millions of inputs would pile up.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) Sleep(ctx context.Context, d time.Duration) error {
	if d > 0 {
		c.mu.Lock()
		c.now = c.now.Add(d)
		c.mu.Unlock()
	}
	return ctx.Err()
}

// resettableBuffer is a log sink the fuzz function empties for each input.
type resettableBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *resettableBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *resettableBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}

func (b *resettableBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
