package bot

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"planbot/answers"
	"planbot/retrieval"
)

// Inline mode limits.
const (
	maxInlineResults = 10
	inlineCacheTime  = "300" // seconds Telegram may reuse an answer to the same query
	snippetRunes     = 120
)

// inputText is the message an inline result posts. v5.5.1's
// InputTextMessageContent lacks link_preview_options.
type inputText struct {
	Text               string          `json:"message_text"`
	ParseMode          string          `json:"parse_mode"`
	LinkPreviewOptions json.RawMessage `json:"link_preview_options"`
}

// onInline answers "@bot 问题" in any chat: one result per hit, each posting
// the answer for that hit; an empty query offers example questions.
func (b *Bot) onInline(ctx context.Context, iq *tgbotapi.InlineQuery) outcome {
	q := strings.TrimSpace(iq.Query)
	out := outcome{action: "inline", text: q}
	var results []tgbotapi.InlineQueryResultArticle
	if q == "" {
		out.action = "inline-examples"
		results = b.exampleResults(ctx)
	} else {
		res, err := b.search.Search(ctx, q, maxInlineResults)
		if err != nil {
			if _, ok := userText(err, false); !ok {
				out.err = err
			}
		}
		out.found, out.hits, out.question = res.Found, len(res.Hits), err == nil
		if res.Found {
			results = b.hitResults(res)
		}
	}
	p := tgbotapi.Params{
		"inline_query_id": iq.ID,
		"results":         marshal(results),
		"cache_time":      inlineCacheTime,
		"is_personal":     "false",
	}
	if len(results) == 0 && b.self.UserName != "" {
		p["button"] = marshal(map[string]string{"text": "没有找到：打开目录", "start_parameter": "toc"})
	}
	if err := b.out.send(ctx, target{}, "answerInlineQuery", p, nil); err != nil {
		if out.err == nil {
			out.err = err
		}
		return out
	}
	b.obs.Inline()
	return out
}

// hitResults is one result per hit: titled 第N条 and the article's title,
// described by the quoted clause, posting the answer for that hit alone.
func (b *Bot) hitResults(res retrieval.Result) []tgbotapi.InlineQueryResultArticle {
	var out []tgbotapi.InlineQueryResultArticle
	for _, h := range res.Hits {
		if h.Unit == nil || len(out) == maxInlineResults {
			continue
		}
		one := res
		one.Hits = []retrieval.Hit{h}
		ref := b.refOf(h.Doc, h.Unit)
		out = append(out, b.result("h"+ref.startPayload(), unitTitle(h.Unit), answers.Snippet(h, snippetRunes), answers.Answer(one, b.format()), ref))
	}
	return out
}

// exampleResults offers the example questions, each posting its answer.
func (b *Bot) exampleResults(ctx context.Context) []tgbotapi.InlineQueryResultArticle {
	var out []tgbotapi.InlineQueryResultArticle
	for i, q := range exampleQuestions() {
		res, err := b.search.Search(ctx, q, b.opt.Top)
		if err != nil || !res.Found || len(res.Hits) == 0 {
			continue
		}
		h := res.Hits[0]
		out = append(out, b.result("ex"+strconv.Itoa(i), q, unitTitle(h.Unit)+"："+answers.Snippet(h, snippetRunes),
			answers.Answer(res, b.format()), b.refOf(h.Doc, h.Unit)))
	}
	return out
}

// result is one inline result; its "全文" button is a deep link into a private
// chat with the bot, since a message posted through inline mode belongs to no
// chat the bot can write to.
func (b *Bot) result(id, title, description, text string, ref unitRef) tgbotapi.InlineQueryResultArticle {
	r := tgbotapi.InlineQueryResultArticle{
		Type:        "article",
		ID:          id,
		Title:       title,
		Description: description,
		InputMessageContent: inputText{
			Text:               text,
			ParseMode:          tgbotapi.ModeHTML,
			LinkPreviewOptions: json.RawMessage(linkPreviewOff),
		},
	}
	if b.self.UserName != "" {
		kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonURL("全文", "https://t.me/"+b.self.UserName+"?start="+ref.startPayload())))
		r.ReplyMarkup = &kb
	}
	return r
}

// unitTitle is "第N条 title" (or 序言, 第二章引言 … with the chapter title).
func unitTitle(u *retrieval.Unit) string {
	t := strings.TrimSuffix(u.Title, "。")
	if t == "" {
		return u.Label()
	}
	return u.Label() + " " + t
}
