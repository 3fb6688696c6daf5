package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"planbot/answers"
	"planbot/retrieval"
)

// answer is what the bot sends back for one request: one or more messages,
// the keyboard on the last; found, hits and question are for the log and the
// Observer.
type answer struct {
	texts    []string
	kb       *tgbotapi.InlineKeyboardMarkup
	found    bool
	hits     int
	question bool // the answer to a question
}

func say(text string) answer { return answer{texts: []string{text}} }

// linkPreviewOff is link_preview_options for every message: quotes need no
// preview (v5.5.1 knows only the older disable_web_page_preview).
const linkPreviewOff = `{"is_disabled":true}`

// deliver sends a's messages to chat, in order, the first as a reply to
// replyTo (0: not a reply). It stops at the first message that cannot be sent.
func (b *Bot) deliver(ctx context.Context, chat *tgbotapi.Chat, replyTo int, a answer) error {
	to := target{chat: chat.ID, group: chat.Type == "group" || chat.Type == "supergroup"}
	for i, t := range a.texts {
		p := tgbotapi.Params{
			"chat_id":              strconv.FormatInt(chat.ID, 10),
			"text":                 t,
			"parse_mode":           tgbotapi.ModeHTML,
			"link_preview_options": linkPreviewOff,
		}
		if i == 0 && replyTo != 0 {
			// v5.5.1 has only reply_to_message_id; reply_parameters also
			// lets the answer go out if the question was deleted meanwhile.
			p["reply_parameters"] = fmt.Sprintf(`{"message_id":%d,"allow_sending_without_reply":true}`, replyTo)
		}
		if i == len(a.texts)-1 && a.kb != nil {
			if err := p.AddInterface("reply_markup", a.kb); err != nil {
				return err
			}
		}
		if err := b.out.send(ctx, to, "sendMessage", p, nil); err != nil {
			return fmt.Errorf("send message %d of %d: %w", i+1, len(a.texts), err)
		}
	}
	return nil
}

// edit replaces the text and keyboard of a message the bot sent (for "更多").
func (b *Bot) edit(ctx context.Context, m *tgbotapi.Message, inlineID string, a answer) error {
	p := tgbotapi.Params{
		"text":                 a.texts[0],
		"parse_mode":           tgbotapi.ModeHTML,
		"link_preview_options": linkPreviewOff,
	}
	to := target{}
	if m != nil && m.Chat != nil {
		p["chat_id"] = strconv.FormatInt(m.Chat.ID, 10)
		p.AddNonZero("message_id", m.MessageID)
		to = target{chat: m.Chat.ID, group: m.Chat.Type == "group" || m.Chat.Type == "supergroup"}
	} else {
		p["inline_message_id"] = inlineID
	}
	if a.kb != nil {
		if err := p.AddInterface("reply_markup", a.kb); err != nil {
			return err
		}
	}
	err := b.out.send(ctx, to, "editMessageText", p, nil)
	var ae *APIError
	if errors.As(err, &ae) && strings.Contains(ae.Message, "message is not modified") {
		return nil // the button was pressed twice
	}
	return err
}

// format is how every reply is laid out: Telegram HTML within one message.
func (b *Bot) format() answers.Options {
	return answers.Options{
		Format:  answers.HTML,
		Budget:  b.budget,
		ShowDoc: len(b.search.Documents()) > 1,
		Hint:    notFoundHint,
	}
}

// unitRef names a unit across documents: the document's index and the unit's
// key. It travels in callback data ("u:0:12") and deep links ("a12", "u0_ch2").
type unitRef struct {
	doc int
	key string
}

func (b *Bot) refOf(d *retrieval.Document, u *retrieval.Unit) unitRef {
	for i, x := range b.search.Documents() {
		if x == d {
			return unitRef{doc: i, key: u.Key}
		}
	}
	return unitRef{key: u.Key}
}

// resolve finds the unit a reference names (nil, nil when none).
func (b *Bot) resolve(r unitRef) (*retrieval.Document, *retrieval.Unit) {
	docs := b.search.Documents()
	if r.doc < 0 || r.doc >= len(docs) || r.key == "" {
		return nil, nil
	}
	d := docs[r.doc]
	u := d.Unit(r.key)
	if u == nil {
		return nil, nil
	}
	return d, u
}

// callbackData is the "全文" button's data: well under Telegram's 64 bytes, and
// stateless, so it works for as long as the message exists.
func (r unitRef) callbackData() string { return "u:" + strconv.Itoa(r.doc) + ":" + r.key }

// startPayload is the deep-link payload (t.me/<bot>?start=…) opening the unit:
// "a12" for article 12 of the first document, "u<doc>_<key>" otherwise. Only
// A-Z a-z 0-9 _ - are allowed there.
func (r unitRef) startPayload() string {
	if n, err := strconv.Atoi(r.key); err == nil && r.doc == 0 {
		return "a" + strconv.Itoa(n)
	}
	return "u" + strconv.Itoa(r.doc) + "_" + r.key
}

// parseStartPayload reads what startPayload wrote.
func parseStartPayload(s string) (unitRef, bool) {
	if n, err := strconv.Atoi(strings.TrimPrefix(s, "a")); strings.HasPrefix(s, "a") && err == nil && n > 0 {
		return unitRef{key: strconv.Itoa(n)}, true
	}
	if rest, ok := strings.CutPrefix(s, "u"); ok {
		if d, key, ok := strings.Cut(rest, "_"); ok {
			if n, err := strconv.Atoi(d); err == nil && key != "" {
				return unitRef{doc: n, key: key}, true
			}
		}
	}
	return unitRef{}, false
}

// unitMessages is a whole unit as messages (split by answers when long).
func (b *Bot) unitMessages(d *retrieval.Document, u *retrieval.Unit) answer {
	texts := answers.Article(d, u, b.format())
	if len(texts) == 0 {
		return say(apology)
	}
	return answer{texts: texts, found: true, hits: 1}
}

// keyboard is the row under an answer: "全文" for the first hit, and "更多"
// when further results exist (more is its callback data, "" for none).
func keyboard(full unitRef, more string) *tgbotapi.InlineKeyboardMarkup {
	row := []tgbotapi.InlineKeyboardButton{tgbotapi.NewInlineKeyboardButtonData("全文", full.callbackData())}
	if more != "" {
		row = append(row, tgbotapi.NewInlineKeyboardButtonData("更多", more))
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(row)
	return &kb
}

// marshal is json.Marshal for values that cannot fail to encode.
func marshal(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("bot: encode %T: %v", v, err))
	}
	return string(data)
}
