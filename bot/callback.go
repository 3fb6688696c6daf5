package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// onCallback answers a button press: "u:<doc>:<key>" sends the unit whole,
// "m:<id>:<page>" shows the next page of a remembered question in place.
// Every press gets its answerCallbackQuery (which stops the button's spinner),
// before any slower work.
func (b *Bot) onCallback(ctx context.Context, cq *tgbotapi.CallbackQuery) outcome {
	out := outcome{action: "button"}
	var user int64
	if cq.From != nil {
		user = cq.From.ID
	}
	switch b.flood.check(b.clock.Now(), user) {
	case warn:
		out.action = "flood"
		out.err = b.answerCallback(ctx, cq.ID, floodNotice)
		return out
	case silent:
		out.action = "flood"
		out.err = b.answerCallback(ctx, cq.ID, "")
		return out
	}
	notice, work := b.button(ctx, cq, &out)
	if err := b.answerCallback(ctx, cq.ID, notice); err != nil {
		out.err = err
	}
	if work != nil {
		if err := work(); err != nil {
			out.err = errors.Join(out.err, err)
		}
	}
	return out
}

// button reads a press: the notice to show at once (often none) and the work
// to do after (nil for none).
func (b *Bot) button(ctx context.Context, cq *tgbotapi.CallbackQuery, out *outcome) (string, func() error) {
	kind, rest, _ := strings.Cut(cq.Data, ":")
	switch kind {
	case "u":
		out.action = "full"
		ref, ok := parseUnitData(rest)
		d, u := b.resolve(ref)
		if !ok || u == nil {
			return staleButton, nil
		}
		if cq.Message == nil || cq.Message.Chat == nil {
			return "请在与我的私聊中发送 /article 查看全文。", nil
		}
		a := b.unitMessages(d, u)
		out.found, out.hits = a.found, a.hits
		return "", func() error { return b.deliver(ctx, cq.Message.Chat, cq.Message.MessageID, a) }
	case "m":
		out.action = "more"
		id, n, ok := parseMoreData(rest)
		mq, found := b.more.get(b.clock.Now(), id)
		if !ok || !found {
			out.action = "more-expired"
			return expiredNotice, nil
		}
		out.text = mq.q
		return "", func() error {
			pg, err := b.page(ctx, mq.q, n)
			if err != nil {
				return err
			}
			more := ""
			if pg.more {
				more = moreData(id, n+1)
			}
			a := b.pageAnswer(pg, more)
			out.found, out.hits = a.found, a.hits
			return b.edit(ctx, cq.Message, cq.InlineMessageID, a)
		}
	}
	out.action = "stale-button"
	return staleButton, nil
}

// answerCallback acknowledges a press, with a short notice when text is set.
func (b *Bot) answerCallback(ctx context.Context, id, text string) error {
	p := tgbotapi.Params{"callback_query_id": id}
	p.AddNonEmpty("text", text)
	return b.out.send(ctx, target{}, "answerCallbackQuery", p, nil)
}

// parseUnitData reads "<doc>:<key>" of a "全文" button.
func parseUnitData(s string) (unitRef, bool) {
	d, key, ok := strings.Cut(s, ":")
	n, err := strconv.Atoi(d)
	if !ok || err != nil || key == "" {
		return unitRef{}, false
	}
	return unitRef{doc: n, key: key}, true
}

// parseMoreData reads "<id>:<page>" of a "更多" button.
func parseMoreData(s string) (id string, page int, ok bool) {
	id, p, ok := strings.Cut(s, ":")
	n, err := strconv.Atoi(p)
	if !ok || err != nil || n < 1 || id == "" {
		return "", 0, false
	}
	return id, n, true
}
