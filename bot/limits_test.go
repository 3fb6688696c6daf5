package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"planbot/answers"
)

// TestInputLimits sends odd input through the fake Bot API and reads what the
// bot answered: long questions are cut with a note, questions with nothing to
// search for get the help text, non-text messages get a request for text in
// private chats and silence in groups.
func TestInputLimits(t *testing.T) {
	const (
		question = "人均预期寿命要达到多少岁"
		silent   = "" // want no message at all
	)
	help := helpText(testEngine(t).Documents())
	long := question + strings.Repeat("啊", 2*maxQuestionRunes)
	exact := question + strings.Repeat("啊", maxQuestionRunes-utf8.RuneCountInString(question))
	media := func(set func(*tgbotapi.Message)) func(*tgbotapi.Message) {
		return func(m *tgbotapi.Message) { m.Text = ""; set(m) }
	}
	tests := []struct {
		name  string
		group bool
		text  string
		edit  func(*tgbotapi.Message) // nil: a plain text message
		want  []string                // in the one message sent; silent: none sent
		not   []string                // not in it
	}{
		{name: "long question is cut with a note", text: long, want: []string{cutNote(), "第5条", "80.5"}},
		{name: "longest Telegram message", text: strings.Repeat("东阳会通轻轨吗", 4096/7), want: []string{cutNote(), "第26条"}},
		{name: "question at the limit is not cut", text: exact, want: []string{"第5条"}, not: []string{cutNote()}},
		{name: "pasted white space does not count", text: "人均预期寿命" + strings.Repeat(" \n", maxQuestionRunes) + "要达到多少岁", want: []string{"第5条"}, not: []string{cutNote()}},
		{name: "long question in a group", group: true, text: "/ask " + long, want: []string{cutNote(), "第5条"}},
		{name: "whitespace only", text: " \n\t ", want: []string{help}},
		{name: "punctuation only", text: "？？！！……", want: []string{help}},
		{name: "ASCII punctuation", text: "?!.,;:-", want: []string{help}},
		{name: "emoji only", text: "👍🏻🚄", want: []string{help}},
		{name: "zero-width and RTL marks", text: "\u200b\u200d\u202e\u202c", want: []string{help}},
		{name: "lone slash", text: "/", want: []string{help}},
		{name: "mention without a question", group: true, text: "@PlanBot ？", want: []string{help}},
		{name: "ask without a question", group: true, text: "/ask ？？", want: []string{usageAsk}},
		{name: "reaction in reply to the bot", group: true, text: "👍", edit: func(m *tgbotapi.Message) {
			m.ReplyToMessage = &tgbotapi.Message{MessageID: 3, From: &botUser, Chat: m.Chat, Text: "…"}
		}, want: []string{silent}},
		{name: "sticker", edit: media(func(m *tgbotapi.Message) { m.Sticker = &tgbotapi.Sticker{FileID: "s", Emoji: "😀"} }), want: []string{askInText}},
		{name: "photo with a caption", edit: media(func(m *tgbotapi.Message) {
			m.Photo = []tgbotapi.PhotoSize{{FileID: "p", Width: 90, Height: 90}}
			m.Caption = question
		}), want: []string{askInText}},
		{name: "voice", edit: media(func(m *tgbotapi.Message) { m.Voice = &tgbotapi.Voice{FileID: "v", Duration: 3} }), want: []string{askInText}},
		{name: "video note", edit: media(func(m *tgbotapi.Message) { m.VideoNote = &tgbotapi.VideoNote{FileID: "n"} }), want: []string{askInText}},
		{name: "document", edit: media(func(m *tgbotapi.Message) { m.Document = &tgbotapi.Document{FileID: "d"} }), want: []string{askInText}},
		{name: "location", edit: media(func(m *tgbotapi.Message) { m.Location = &tgbotapi.Location{Latitude: 29.3, Longitude: 120.2} }), want: []string{askInText}},
		{name: "dice", edit: media(func(m *tgbotapi.Message) { m.Dice = &tgbotapi.Dice{Emoji: "🎲", Value: 3} }), want: []string{askInText}},
		{name: "sticker in a group", group: true, edit: media(func(m *tgbotapi.Message) { m.Sticker = &tgbotapi.Sticker{FileID: "s"} }), want: []string{silent}},
		{name: "voice in a group", group: true, edit: media(func(m *tgbotapi.Message) { m.Voice = &tgbotapi.Voice{FileID: "v"} }), want: []string{silent}},
		{name: "pinned message (service)", edit: media(func(m *tgbotapi.Message) { m.PinnedMessage = &tgbotapi.Message{MessageID: 1} }), want: []string{silent}},
		{name: "members joining (service)", group: true, edit: media(func(m *tgbotapi.Message) { m.NewChatMembers = []tgbotapi.User{{ID: 5}} }), want: []string{silent}},
		{name: "a kind newer than the library (story)", edit: media(func(*tgbotapi.Message) {}), want: []string{silent}},
	}

	f := newFakeAPI(t)
	h := start(t, f, setup{})
	chatOf := func(i int) int64 { return int64(5000 + i) }
	for i, tc := range tests {
		u := private(i+1, chatOf(i), tc.text)
		if tc.group {
			u = group(i+1, -chatOf(i), chatOf(i), tc.text)
		}
		if tc.edit != nil {
			tc.edit(u.Message)
		}
		f.push(u)
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.handled(i + 1)
			chat := chatOf(i)
			if tc.group {
				chat = -chat
			}
			got := h.sent(chat)
			if tc.want[0] == silent {
				if len(got) != 0 {
					t.Fatalf("sent %q, want silence", got[0].form.Get("text"))
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("sent %d messages, want 1", len(got))
			}
			text := got[0].form.Get("text")
			if err := answers.ValidHTML(text); err != nil {
				t.Errorf("invalid HTML (%v):\n%s", err, text)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("reply lacks %q:\n%s", w, text)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(text, w) {
					t.Errorf("reply has %q:\n%s", w, text)
				}
			}
		})
	}
}

// TestCutNoteBudget: the note about a cut question goes above the answer when
// there is room, and in a message of its own when there is not.
func TestCutNoteBudget(t *testing.T) {
	note := cutNote()
	tests := []struct {
		name   string
		budget int
		texts  []string
		want   []string
	}{
		{"room", 0, []string{"<b>答</b>"}, []string{note + "\n\n<b>答</b>"}},
		{"room, several messages", 0, []string{"一", "二"}, []string{note + "\n\n一", "二"}},
		{"exactly full", answers.Size(note) + 2 + 3, []string{"一二三"}, []string{note + "\n\n一二三"}},
		{"no room", answers.Size(note) + 2 + 2, []string{"一二三"}, []string{note, "一二三"}},
		{"no answer", 0, nil, []string{note}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := &Bot{search: testEngine(t), budget: tc.budget}
			in := answer{texts: append([]string(nil), tc.texts...), found: true, hits: 1}
			got := b.withNote(in, note)
			if strings.Join(got.texts, "|") != strings.Join(tc.want, "|") || !got.found || got.hits != 1 {
				t.Errorf("withNote = %q (found %v, hits %d), want %q", got.texts, got.found, got.hits, tc.want)
			}
			if strings.Join(in.texts, "|") != strings.Join(tc.texts, "|") {
				t.Errorf("withNote changed its argument: %q", in.texts)
			}
		})
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
		cut  bool
	}{
		{"", 3, "", false},
		{"东阳", 3, "东阳", false},
		{"东阳市", 3, "东阳市", false},
		{"东阳市委", 3, "东阳市", true},
		{"ab🚄cd", 3, "ab🚄", true},
		{"a\xffbc", 2, "a\xff", true},
	}
	for _, tc := range tests {
		got, cut := clip(tc.in, tc.n)
		if got != tc.want || cut != tc.cut {
			t.Errorf("clip(%q, %d) = %q, %v; want %q, %v", tc.in, tc.n, got, cut, tc.want, tc.cut)
		}
	}
}

// TestRouteOddInput extends TestRoute with the requests odd input makes.
func TestRouteOddInput(t *testing.T) {
	msg := func(chatType, text string, edit func(*tgbotapi.Message)) *tgbotapi.Message {
		m := &tgbotapi.Message{MessageID: 1, From: &tgbotapi.User{ID: 7}, Chat: &tgbotapi.Chat{ID: 5, Type: chatType}, Text: text}
		if edit != nil {
			edit(m)
		}
		return m
	}
	sticker := func(m *tgbotapi.Message) { m.Sticker = &tgbotapi.Sticker{FileID: "s"} }
	replyToBot := func(m *tgbotapi.Message) { m.ReplyToMessage = &tgbotapi.Message{From: &botUser} }
	tests := []struct {
		name string
		m    *tgbotapi.Message
		want request
	}{
		{"private punctuation", msg("private", "？？", nil), request{cmd: cmdHelp}},
		{"private emoji", msg("private", "🙂", nil), request{cmd: cmdHelp}},
		{"private digits are content", msg("private", "12", nil), request{cmdAsk, "12"}},
		{"private sticker", msg("private", "", sticker), request{cmd: cmdNotText}},
		{"private service message", msg("private", "", nil), request{}},
		{"group sticker", msg("group", "", sticker), request{}},
		{"group sticker in reply to the bot", msg("group", "", func(m *tgbotapi.Message) { sticker(m); replyToBot(m) }), request{}},
		{"group bare mention", msg("group", "@PlanBot", nil), request{cmd: cmdHelp}},
		{"group reaction to the bot", msg("supergroup", "👍", replyToBot), request{}},
		{"group question to the bot", msg("supergroup", "那教育呢？", replyToBot), request{cmdAsk, "那教育呢？"}},
		{"sticker from a bot", msg("private", "", func(m *tgbotapi.Message) { sticker(m); m.From.IsBot = true }), request{}},
		{"typed nontext command", msg("private", "/nontext", nil), request{cmd: cmdUnknown}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := route(tc.m, botUser); got != tc.want {
				t.Errorf("route(%q) = %+v, want %+v", tc.m.Text, got, tc.want)
			}
		})
	}
}
