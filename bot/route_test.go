package bot

import (
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestRoute(t *testing.T) {
	self := botUser
	msg := func(chatType, text string) *tgbotapi.Message {
		return &tgbotapi.Message{MessageID: 1, From: &tgbotapi.User{ID: 7}, Chat: &tgbotapi.Chat{ID: 5, Type: chatType}, Text: text}
	}
	replyTo := func(m *tgbotapi.Message, from int64) *tgbotapi.Message {
		m.ReplyToMessage = &tgbotapi.Message{MessageID: 0, From: &tgbotapi.User{ID: from}, Text: "x"}
		return m
	}
	via := msg("group", "第5条")
	via.ViaBot = &self
	fromBot := msg("private", "hello")
	fromBot.From.IsBot = true
	tests := []struct {
		name string
		m    *tgbotapi.Message
		want request
	}{
		{"private text", msg("private", " 人均预期寿命 "), request{cmdAsk, "人均预期寿命"}},
		{"private article", msg("private", "第十二条"), request{cmdAsk, "第十二条"}},
		{"private command", msg("private", "/article 12"), request{cmdArticle, "12"}},
		{"private start payload", msg("private", "/start a12"), request{cmdStart, "a12"}},
		{"private unknown command", msg("private", "/weather"), request{cmd: cmdUnknown}},
		{"command case", msg("private", "/TOC"), request{cmd: cmdTOC}},
		{"argument without space", msg("private", "/ask人均预期寿命"), request{cmdAsk, "人均预期寿命"}},
		{"whitespace only", msg("private", "  "), request{cmd: cmdHelp}},
		{"channel", msg("channel", "人均预期寿命"), request{}},
		{"from a bot", fromBot, request{}},
		{"posted through inline mode", via, request{}},
		{"group chatter", msg("group", "今天开会"), request{}},
		{"group ask", msg("group", "/ask 人均预期寿命"), request{cmdAsk, "人均预期寿命"}},
		{"group ask to this bot", msg("supergroup", "/ask@PlanBot 人均预期寿命"), request{cmdAsk, "人均预期寿命"}},
		{"group ask to another bot", msg("supergroup", "/ask@OtherBot 人均预期寿命"), request{}},
		{"group unknown command", msg("group", "/weather"), request{}},
		{"group unknown command to this bot", msg("group", "/weather@PlanBot"), request{cmd: cmdUnknown}},
		{"group mention", msg("group", "请问 @PlanBot 人均预期寿命"), request{cmdAsk, "请问 人均预期寿命"}},
		{"group mention, other case", msg("group", "@planbot 人均预期寿命"), request{cmdAsk, "人均预期寿命"}},
		{"group longer name", msg("group", "@PlanBot2 人均预期寿命"), request{}},
		{"group email-like", msg("group", "a@PlanBot 人均预期寿命"), request{}},
		{"group reply to the bot", replyTo(msg("group", "那教育呢"), self.ID), request{cmdAsk, "那教育呢"}},
		{"group reply to a person", replyTo(msg("group", "那教育呢"), 8), request{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := route(tc.m, self); got != tc.want {
				t.Errorf("route(%q) = %+v, want %+v", tc.m.Text, got, tc.want)
			}
		})
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		in            string
		name, at, arg string
		ok            bool
	}{
		{"/ask 问题", "ask", "", "问题", true},
		{"/ask@PlanBot  问题 ", "ask", "PlanBot", "问题", true},
		{"/Ask@", "ask", "", "@", true},
		{"/start a12", "start", "", "a12", true},
		{"/ 问题", "", "", "", false},
		{"ask", "", "", "", false},
		{"/", "", "", "", false},
	}
	for _, tc := range tests {
		name, at, arg, ok := parseCommand(tc.in)
		if name != tc.name || at != tc.at || arg != tc.arg || ok != tc.ok {
			t.Errorf("parseCommand(%q) = %q %q %q %v, want %q %q %q %v", tc.in, name, at, arg, ok, tc.name, tc.at, tc.arg, tc.ok)
		}
	}
}

func TestPayloadsAndButtonData(t *testing.T) {
	refs := []unitRef{{0, "12"}, {0, "ch2"}, {0, "preface"}, {1, "3"}, {0, "closing"}}
	for _, r := range refs {
		p := r.startPayload()
		if got, ok := parseStartPayload(p); !ok || got != r {
			t.Errorf("start payload %q of %+v reads back as %+v %v", p, r, got, ok)
		}
		if len(p) > 64 {
			t.Errorf("payload %q longer than 64", p)
		}
		d := r.callbackData()
		kind, rest, _ := strings.Cut(d, ":")
		if got, ok := parseUnitData(rest); kind != "u" || !ok || got != r {
			t.Errorf("callback data %q of %+v reads back as %+v %v", d, r, got, ok)
		}
	}
	if (unitRef{0, "12"}).startPayload() != "a12" {
		t.Errorf("article 12 is not a12")
	}
	for _, bad := range []string{"", "a", "a0", "ax", "u", "u0", "u_x", "hello"} {
		if r, ok := parseStartPayload(bad); ok {
			t.Errorf("parseStartPayload(%q) = %+v", bad, r)
		}
	}
	id, page, ok := parseMoreData(moreData("abcdefgh", 2)[2:])
	if !ok || id != "abcdefgh" || page != 2 || len(moreData(newID(), maxHits)) > 64 {
		t.Errorf("more data round trip: %q %d %v", id, page, ok)
	}
}
