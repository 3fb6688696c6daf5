package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"planbot/retrieval"
)

func TestPrivateQuestionQuotesTheClause(t *testing.T) {
	f := newFakeAPI(t)
	h := start(t, f, setup{level: slog.LevelInfo})
	f.push(private(1, 42, "人均预期寿命要达到多少岁"))
	h.handled(1)

	got := h.sent(42)
	if len(got) != 1 {
		t.Fatalf("sent %d messages, want 1", len(got))
	}
	m := got[0].form
	for _, want := range []string{"第5条", "80.5", "<b>"} {
		if !strings.Contains(m.Get("text"), want) {
			t.Errorf("answer lacks %q:\n%s", want, m.Get("text"))
		}
	}
	if m.Get("parse_mode") != "HTML" {
		t.Errorf("parse_mode = %q, want HTML", m.Get("parse_mode"))
	}
	if m.Get("link_preview_options") != `{"is_disabled":true}` {
		t.Errorf("link_preview_options = %q", m.Get("link_preview_options"))
	}
	if replyTo(t, got[0]) != 101 {
		t.Errorf("reply_parameters = %q, want message 101", m.Get("reply_parameters"))
	}
	kb := m.Get("reply_markup")
	if !strings.Contains(kb, `"全文"`) || !strings.Contains(kb, `"u:0:5"`) {
		t.Errorf("keyboard lacks 全文 for article 5: %s", kb)
	}
	logs := h.logs.String()
	for _, want := range []string{"update_id=1", "chat_type=private", "latency=", "found=true", "hits=1", "action=ask"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log line lacks %q:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, "人均预期寿命") {
		t.Errorf("question text logged at info level:\n%s", logs)
	}
}

func TestQuestionTextOnlyAtDebug(t *testing.T) {
	f := newFakeAPI(t)
	h := start(t, f, setup{level: slog.LevelDebug})
	f.push(private(1, 42, "东阳会通轻轨吗"))
	h.handled(1)
	if !strings.Contains(h.logs.String(), "东阳会通轻轨吗") {
		t.Errorf("debug log lacks the question:\n%s", h.logs)
	}
}

func TestGroups(t *testing.T) {
	f := newFakeAPI(t)
	h := start(t, f, setup{})
	const user = 7
	botMsg := &tgbotapi.Message{MessageID: 5, From: &botUser, Chat: &tgbotapi.Chat{ID: -60, Type: "supergroup"}, Text: "…"}
	replyToBot := group(60, -60, user, "人均预期寿命要达到多少岁")
	replyToBot.Message.ReplyToMessage = botMsg
	replyToOther := group(61, -61, user, "人均预期寿命要达到多少岁")
	replyToOther.Message.ReplyToMessage = &tgbotapi.Message{MessageID: 6, From: &tgbotapi.User{ID: 8}, Chat: botMsg.Chat}
	askReply := group(62, -62, user, "/ask")
	askReply.Message.ReplyToMessage = &tgbotapi.Message{MessageID: 9, From: &tgbotapi.User{ID: 8}, Chat: botMsg.Chat, Text: "东阳会通轻轨吗"}
	tests := []struct {
		name    string
		u       tgbotapi.Update
		answers bool
		want    string // in the answer
	}{
		{"chatter", group(50, -50, user, "人均预期寿命要达到多少岁"), false, ""},
		{"ask addressed to this bot", group(51, -51, user, "/ask@PlanBot 人均预期寿命要达到多少岁"), true, "第5条"},
		{"ask addressed case-insensitively", group(52, -52, user, "/ask@planbot 人均预期寿命要达到多少岁"), true, "第5条"},
		{"ask addressed to another bot", group(53, -53, user, "/ask@OtherBot 人均预期寿命要达到多少岁"), false, ""},
		{"bare ask", group(54, -54, user, "/ask 东阳会通轻轨吗"), true, "第26条"},
		{"mention", group(55, -55, user, "@PlanBot 人均预期寿命要达到多少岁"), true, "第5条"},
		{"mention of a longer name", group(56, -56, user, "@PlanBotX 人均预期寿命要达到多少岁"), false, ""},
		{"unknown bare command", group(57, -57, user, "/weather"), false, ""},
		{"toc addressed to another bot", group(58, -58, user, "/toc@OtherBot"), false, ""},
		{"reply to the bot", replyToBot, true, "第5条"},
		{"reply to someone else", replyToOther, false, ""},
		{"ask in reply to a question", askReply, true, "第26条"},
	}
	for _, tc := range tests {
		f.push(tc.u)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.handled(tc.u.UpdateID)
			got := h.sent(tc.u.Message.Chat.ID)
			if !tc.answers {
				if len(got) != 0 {
					t.Fatalf("answered %d times, want silence: %s", len(got), got[0].form.Get("text"))
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("sent %d messages, want 1", len(got))
			}
			if !strings.Contains(got[0].form.Get("text"), tc.want) {
				t.Errorf("answer lacks %q:\n%s", tc.want, got[0].form.Get("text"))
			}
			if id := replyTo(t, got[0]); id != tc.u.Message.MessageID {
				t.Errorf("reply_parameters.message_id = %d, want %d", id, tc.u.Message.MessageID)
			}
		})
	}
}

func TestCommands(t *testing.T) {
	f := newFakeAPI(t)
	h := start(t, f, setup{})
	tests := []struct {
		text string
		want []string // in the texts sent, joined
		n    int      // messages; 0: at least one
	}{
		{"/start a12", []string{"第12条"}, 0},
		{"/start", []string{"/ask", "人均预期寿命要达到多少岁", "东阳会通轻轨吗"}, 1},
		{"/help", []string{"人均预期寿命要达到多少岁", "/toc", "/check"}, 1},
		{"/article 12", []string{"第12条"}, 0},
		{"/article 十二", []string{"第12条"}, 0},
		{"/article 99", []string{"没有您要找的那一条", "45"}, 1},
		{"/article", []string{"用法"}, 1},
		{"第十二条", []string{"第12条"}, 0},
		{"/toc", []string{"第1条", "第45条"}, 0},
		{"/check 人均预期寿命达到80.5岁", []string{"80.5"}, 1},
		{"/check", []string{"用法"}, 1},
		{"/about", []string{"中共东阳市委关于制定", "2021年1月15日", "来源"}, 1},
		{"/nonsense", []string{"/help"}, 1},
		{"今天天气怎么样", []string{"/toc", "人均预期寿命要达到多少岁"}, 1},
	}
	for i, tc := range tests {
		f.push(private(i+1, int64(1000+i), tc.text))
	}
	for i, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			h.handled(i + 1)
			got := h.sent(int64(1000 + i))
			if len(got) == 0 || tc.n > 0 && len(got) != tc.n {
				t.Fatalf("sent %d messages, want %d", len(got), tc.n)
			}
			var all strings.Builder
			for _, c := range got {
				all.WriteString(c.form.Get("text"))
			}
			for _, w := range tc.want {
				if !strings.Contains(all.String(), w) {
					t.Errorf("reply lacks %q:\n%s", w, all.String())
				}
			}
		})
	}
	if cmds := f.requests("setMyCommands"); len(cmds) != 1 || !strings.Contains(cmds[0].form.Get("commands"), `"command":"article"`) {
		t.Errorf("setMyCommands: %v", cmds)
	}
}

func TestInlineQuery(t *testing.T) {
	f := newFakeAPI(t)
	h := start(t, f, setup{})
	f.push(inline(1, 42, "人均预期寿命要达到多少岁"), inline(2, 43, ""), inline(3, 44, "今天天气怎么样"))
	for id := 1; id <= 3; id++ {
		h.handled(id)
	}
	answers := map[string]url.Values{}
	for _, c := range f.requests("answerInlineQuery") {
		answers[c.form.Get("inline_query_id")] = c.form
	}
	type result struct {
		Type, ID, Title, Description string
		Content                      struct {
			Text      string `json:"message_text"`
			ParseMode string `json:"parse_mode"`
		} `json:"input_message_content"`
		Markup tgbotapi.InlineKeyboardMarkup `json:"reply_markup"`
	}
	read := func(id string) []result {
		t.Helper()
		form, ok := answers[id]
		if !ok {
			t.Fatalf("no answerInlineQuery for %s", id)
		}
		if form.Get("is_personal") != "false" || form.Get("cache_time") == "" {
			t.Errorf("%s: is_personal=%q cache_time=%q", id, form.Get("is_personal"), form.Get("cache_time"))
		}
		var rs []result
		if err := json.Unmarshal([]byte(form.Get("results")), &rs); err != nil {
			t.Fatalf("results: %v", err)
		}
		return rs
	}

	rs := read("iq1")
	if len(rs) == 0 || len(rs) > 10 {
		t.Fatalf("%d results, want 1-10", len(rs))
	}
	first := rs[0]
	if !strings.HasPrefix(first.Title, "第5条 ") || first.Type != "article" {
		t.Errorf("first result %q (%s), want 第5条 …", first.Title, first.Type)
	}
	if !strings.Contains(first.Description, "80.5") || strings.Contains(first.Description, "<") {
		t.Errorf("description %q: want the plain clause", first.Description)
	}
	if !strings.Contains(first.Content.Text, "第5条") || first.Content.ParseMode != "HTML" {
		t.Errorf("message %q (%s)", first.Content.Text, first.Content.ParseMode)
	}
	if u := first.Markup.InlineKeyboard[0][0].URL; u == nil || *u != "https://t.me/PlanBot?start=a5" {
		t.Errorf("全文 button: %+v", first.Markup)
	}

	if ex := read("iq2"); len(ex) != len(exampleQuestions()) || ex[0].Title != exampleQuestion {
		t.Errorf("empty query: %d results (%+v), want the example questions", len(ex), ex)
	}
	if none := read("iq3"); len(none) != 0 {
		t.Errorf("unanswerable query: %d results, want none", len(none))
	}
}

func TestFullArticleSplitsLongText(t *testing.T) {
	f := newFakeAPI(t)
	h := start(t, f, setup{budget: 700})
	answerMsg := &tgbotapi.Message{MessageID: 77, From: &botUser, Chat: &tgbotapi.Chat{ID: 42, Type: "private"}}
	f.push(callback(1, 42, "u:0:5", answerMsg))
	h.handled(1)

	if cb := f.requests("answerCallbackQuery"); len(cb) != 1 || cb[0].form.Get("callback_query_id") != "cb1" {
		t.Fatalf("answerCallbackQuery: %v", cb)
	}
	got := h.sent(42)
	if len(got) < 2 {
		t.Fatalf("article 5 in %d messages with a budget of 700, want several", len(got))
	}
	if !strings.Contains(got[0].form.Get("text"), "第5条") || replyTo(t, got[0]) != 77 {
		t.Errorf("first part: reply to %d, %q", replyTo(t, got[0]), got[0].form.Get("text"))
	}
	var all strings.Builder
	for i, c := range got {
		text := c.form.Get("text")
		if n := len([]rune(text)); n > 700 {
			t.Errorf("part %d has %d characters", i+1, n)
		}
		if i > 0 && replyTo(t, c) != 0 {
			t.Errorf("part %d is a reply too", i+1)
		}
		all.WriteString(text)
	}
	u := testEngine(t).Documents()[0].Article(5)
	for _, p := range u.Paragraphs {
		for _, id := range p.Clauses {
			clause := testEngine(t).Documents()[0].Clauses[id].Text
			if !strings.Contains(all.String(), htmlEscape(clause)) {
				t.Errorf("clause missing from the parts: %s", clause)
			}
		}
	}
}

func TestMoreButton(t *testing.T) {
	f := newFakeAPI(t)
	h := start(t, f, setup{})
	f.push(private(1, 42, "横店影视城"))
	h.handled(1)
	first := h.sent(42)
	if len(first) != 1 {
		t.Fatalf("sent %d, want 1", len(first))
	}
	var kb tgbotapi.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(first[0].form.Get("reply_markup")), &kb); err != nil || len(kb.InlineKeyboard[0]) != 2 {
		t.Fatalf("keyboard %s: want 全文 and 更多 (%v)", first[0].form.Get("reply_markup"), err)
	}
	more := *kb.InlineKeyboard[0][1].CallbackData
	if !strings.HasPrefix(more, "m:") || len(more) > 64 {
		t.Fatalf("更多 data %q", more)
	}
	msg := &tgbotapi.Message{MessageID: 500, From: &botUser, Chat: &tgbotapi.Chat{ID: 42, Type: "private"}}
	f.push(callback(2, 42, more, msg), callback(3, 42, "m:gone:1", msg))
	h.handled(2)
	h.handled(3)

	edits := f.requests("editMessageText")
	if len(edits) != 1 || edits[0].form.Get("message_id") != "500" {
		t.Fatalf("editMessageText: %v", edits)
	}
	if edits[0].form.Get("text") == first[0].form.Get("text") {
		t.Errorf("更多 showed the same hits")
	}
	notices := map[string]string{}
	for _, c := range f.requests("answerCallbackQuery") {
		notices[c.form.Get("callback_query_id")] = c.form.Get("text")
	}
	if notices["cb2"] != "" || notices["cb3"] != expiredNotice {
		t.Errorf("callback notices %v, want none for cb2 and %q for cb3", notices, expiredNotice)
	}
}

func TestRetryAfter429DeliversOnce(t *testing.T) {
	f := newFakeAPI(t)
	f.on("sendMessage", func(n int, _ url.Values) (int, string, bool) {
		if n == 1 {
			return http.StatusTooManyRequests, tooMany(1), true
		}
		return 0, "", false
	})
	h := start(t, f, setup{})
	f.push(private(1, 42, "人均预期寿命要达到多少岁"))
	h.handled(1)
	got := h.sent(42)
	if len(got) != 2 {
		t.Fatalf("%d sendMessage calls, want the refused one and one delivery", len(got))
	}
	if got[0].form.Get("text") != got[1].form.Get("text") {
		t.Errorf("the retry sent a different message")
	}
	waited := false
	for _, d := range h.clock.slept() {
		waited = waited || d >= time.Second
	}
	if !waited {
		t.Errorf("no wait of retry_after (1s) before resending; waits: %v", h.clock.slept())
	}
	if strings.Contains(h.logs.String(), "level=ERROR") {
		t.Errorf("a 429 was treated as an error:\n%s", h.logs)
	}
}

func TestSetMyCommandsFailureIsNotFatal(t *testing.T) {
	f := newFakeAPI(t)
	f.on("setMyCommands", func(int, url.Values) (int, string, bool) {
		return http.StatusNotFound, `{"ok":false,"error_code":404,"description":"Not Found: method not found"}`, true
	})
	h := start(t, f, setup{})
	f.push(private(1, 42, "人均预期寿命要达到多少岁"))
	h.handled(1)
	if len(h.sent(42)) != 1 {
		t.Errorf("no answer after setMyCommands failed")
	}
	if !strings.Contains(h.logs.String(), "setMyCommands failed") {
		t.Errorf("the failure is not logged:\n%s", h.logs)
	}
}

func TestConflictIsReportedAndPollingGoesOn(t *testing.T) {
	f := newFakeAPI(t)
	f.on("getUpdates", func(n int, _ url.Values) (int, string, bool) {
		if n == 1 {
			return http.StatusConflict, `{"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}`, true
		}
		return 0, "", false
	})
	h := start(t, f, setup{})
	f.push(private(1, 42, "人均预期寿命要达到多少岁"))
	h.handled(1)
	if !strings.Contains(h.logs.String(), "409 Conflict") {
		t.Errorf("409 not reported:\n%s", h.logs)
	}
	if len(h.sent(42)) != 1 {
		t.Errorf("no answer after the conflict cleared")
	}
}

func TestWebhook(t *testing.T) {
	f := newFakeAPI(t)
	addr := make(chan net.Addr, 1)
	const secret = "s3cret-Token_value"
	o := Options{WebhookURL: "https://bot.example.org/tg/hook", WebhookSecret: secret, Listen: "127.0.0.1:0"}
	log, logs := newLogger(slog.LevelInfo)
	o.Token, o.APIURL = testToken, f.srv.URL
	b, err := New(testEngine(t), log, o)
	if err != nil {
		t.Fatal(err)
	}
	b.clock = newFakeClock()
	b.onListen = func(a net.Addr) { addr <- a }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		if strings.Contains(logs.String(), testToken) || strings.Contains(logs.String(), secret) {
			t.Errorf("token or secret in the log:\n%s", logs)
		}
	}()
	f.waitFor("setWebhook", func() bool { return len(f.requests("setWebhook")) == 1 })
	reg := f.requests("setWebhook")[0].form
	if reg.Get("url") != o.WebhookURL || reg.Get("secret_token") != secret || reg.Get("allowed_updates") != allowedUpdates {
		t.Errorf("setWebhook %v", reg)
	}
	hook := "http://" + (<-addr).String() + "/tg/hook"

	post := func(secretHeader string, u tgbotapi.Update) int {
		t.Helper()
		body, _ := json.Marshal(u)
		req, _ := http.NewRequest(http.MethodPost, hook, bytes.NewReader(body))
		if secretHeader != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secretHeader)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	q := private(1, 42, "人均预期寿命要达到多少岁")
	if got := post("wrong", q); got != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d, want 401", got)
	}
	if got := post("", q); got != http.StatusUnauthorized {
		t.Errorf("no secret: %d, want 401", got)
	}
	if strings.Contains(logs.String(), "msg=update") {
		t.Fatalf("an update with a wrong secret was handled:\n%s", logs)
	}
	if got := post(secret, q); got != http.StatusOK {
		t.Fatalf("right secret: %d, want 200", got)
	}
	if got := post(secret, q); got != http.StatusOK {
		t.Errorf("repeated delivery: %d, want 200", got)
	}
	f.waitFor("the answer", func() bool { return len(f.requests("sendMessage")) > 0 })
	eventually(t, "the update's log line", func() bool { return strings.Contains(logs.String(), "msg=update update_id=1 ") })
	if n := len(f.requests("sendMessage")); n != 1 {
		t.Errorf("%d answers, want 1 (a repeated delivery is not answered again)", n)
	}
	if len(f.requests("getUpdates")) != 0 {
		t.Errorf("webhook mode polled")
	}
}

func TestShutdownDeliversInFlightOnce(t *testing.T) {
	f := newFakeAPI(t)
	release := make(chan struct{})
	f.on("sendMessage", func(int, url.Values) (int, string, bool) {
		select { // every answer is in flight when the signal comes
		case <-release:
		case <-f.done: // the test failed before releasing them
		}
		return 0, "", false
	})
	h := start(t, f, setup{})
	ups := []tgbotapi.Update{
		private(1, 42, "人均预期寿命要达到多少岁"),
		private(2, 43, "东阳会通轻轨吗"),
		private(3, 42, "东阳会通轻轨吗"),
		private(4, 44, "乡村振兴怎么推进"),
		private(5, 42, "第十二条"),
	}
	f.push(ups...)
	// The first getUpdates returns the batch; the loop asks again only once
	// the pool has taken all of it. (It does not confirm it: no answer is out.)
	f.waitFor("the batch to be taken", func() bool { return len(f.requests("getUpdates")) >= 2 })
	f.waitFor("an answer in flight", func() bool { return len(f.requests("sendMessage")) > 0 })

	h.stop() // SIGTERM
	close(release)
	if err := h.wait(); err != nil {
		t.Fatalf("Run: %v", err)
	}

	for _, u := range ups {
		if !strings.Contains(h.logs.String(), "msg=update update_id="+strconv.Itoa(u.UpdateID)+" ") {
			t.Errorf("update %d not handled", u.UpdateID)
		}
	}
	// Chat 42 asked three questions: answered once each, in order.
	var order []int
	for _, c := range h.sent(42) {
		order = append(order, replyTo(t, c))
	}
	if want := []int{101, 103, 105}; !slices.Equal(order, want) {
		t.Errorf("chat 42 got answers to %v, want %v", order, want)
	}
	for _, chat := range []int64{43, 44} {
		if n := len(h.sent(chat)); n != 1 {
			t.Errorf("chat %d: %d answers, want 1", chat, n)
		}
	}
	if f.confirmed != 6 {
		t.Errorf("confirmed offset %d, want 6", f.confirmed)
	}
	last := f.requests("getUpdates")
	if final := last[len(last)-1].form; final.Get("timeout") != "0" || final.Get("offset") != "6" {
		t.Errorf("last getUpdates %v, want the confirmation offset=6 timeout=0", final)
	}

	// A restart gets nothing to answer again.
	before := len(f.requests("sendMessage"))
	h2 := start(t, f, setup{})
	f.push(private(6, 45, "东阳会通轻轨吗"))
	h2.handled(6)
	if n := len(f.requests("sendMessage")); n != before+1 {
		t.Errorf("after restart %d new messages, want only the answer to the new question", n-before)
	}
}

func TestPanicInOneUpdateIsRecovered(t *testing.T) {
	f := newFakeAPI(t)
	h := start(t, f, setup{searcher: func(e *retrieval.Engine) Searcher { return panicky{e} }})
	f.push(private(1, 42, "boom"), private(2, 42, "人均预期寿命要达到多少岁"))
	h.handled(1)
	h.handled(2)
	if !strings.Contains(h.logs.String(), "panic while handling an update") {
		t.Errorf("the panic is not logged:\n%s", h.logs)
	}
	got := h.sent(42)
	if len(got) != 1 || !strings.Contains(got[0].form.Get("text"), "第5条") {
		t.Errorf("after the panic: %d answers", len(got))
	}
}

// panicky is the real engine, except that one question makes it panic.
type panicky struct{ *retrieval.Engine }

func (p panicky) Search(ctx context.Context, q string, top int) (retrieval.Result, error) {
	if q == "boom" {
		panic("boom")
	}
	return p.Engine.Search(ctx, q, top)
}

func TestFloodControl(t *testing.T) {
	f := newFakeAPI(t)
	h := start(t, f, setup{opt: Options{FloodLimit: 2, FloodWindow: time.Hour}})
	for id := 1; id <= 5; id++ {
		f.push(private(id, 42, "东阳会通轻轨吗"))
	}
	h.handled(5)
	got := h.sent(42)
	if len(got) != 3 {
		t.Fatalf("%d messages, want 2 answers and 1 notice", len(got))
	}
	if got[2].form.Get("text") != floodNotice {
		t.Errorf("third message %q, want the notice", got[2].form.Get("text"))
	}
}

func TestUnreachableAtStartRetriesWithoutLeakingToken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now: every call fails to connect

	log, logs := newLogger(slog.LevelDebug)
	b, err := New(testEngine(t), log, Options{Token: testToken, APIURL: dead})
	if err != nil {
		t.Fatal(err)
	}
	b.clock = newFakeClock()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	eventually(t, "three attempts", func() bool { return strings.Count(logs.String(), "telegram unreachable") >= 3 })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run after cancel while connecting: %v", err)
	}
	if strings.Contains(logs.String(), testToken) {
		t.Errorf("token in the log:\n%s", logs)
	}
	if !strings.Contains(logs.String(), "getMe") {
		t.Errorf("the log does not say what failed:\n%s", logs)
	}
}

func TestBadTokenStops(t *testing.T) {
	f := newFakeAPI(t)
	log, _ := newLogger(slog.LevelInfo)
	b, err := New(testEngine(t), log, Options{Token: "1:wrong", APIURL: f.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Run(context.Background()); !errors.Is(err, ErrBadToken) {
		t.Errorf("Run = %v, want ErrBadToken", err)
	}
}

func TestNewNeedsToken(t *testing.T) {
	log, _ := newLogger(slog.LevelInfo)
	if _, err := New(testEngine(t), log, Options{}); !errors.Is(err, ErrNoToken) {
		t.Errorf("New without token = %v, want ErrNoToken", err)
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
