package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// outcome is what handling one update came to, for its log line.
type outcome struct {
	action string // the command or "ask", "ignored", "flood", …
	found  bool
	hits   int
	text   string // the question; logged at debug level only
	err    error
	// question: the reply is the answer to a question (a search), which the
	// Observer counts once it has gone out (err == nil).
	question bool
}

// job wraps an update for the pool: updates from one chat (or, for inline
// queries, one user) are answered one at a time in the order they came.
func (b *Bot) job(u tgbotapi.Update, received time.Time) job {
	return job{key: orderKey(u), run: func(ctx context.Context) { b.handle(ctx, u, received) }}
}

// orderKey is the chat an update belongs to, or its sender when it has none.
func orderKey(u tgbotapi.Update) int64 {
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat != nil:
		return u.CallbackQuery.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.From != nil:
		return u.CallbackQuery.From.ID
	case u.InlineQuery != nil && u.InlineQuery.From != nil:
		return u.InlineQuery.From.ID
	}
	return 0
}

// handle answers one update and writes its log line. A panic is recovered
// here, logged with its stack, and costs only this update.
func (b *Bot) handle(ctx context.Context, u tgbotapi.Update, received time.Time) {
	var out outcome
	kind, chatType := describe(u)
	b.obs.Update(kind)
	defer func() {
		if v := recover(); v != nil {
			out.err = fmt.Errorf("panic: %v", v)
			b.log.Error("panic while handling an update", "update_id", u.UpdateID, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
		latency := time.Since(received)
		if out.question && out.err == nil {
			b.obs.Answer(latency, out.found)
		}
		b.logUpdate(ctx, u.UpdateID, kind, chatType, latency, out)
	}()
	switch {
	case u.Message != nil:
		out = b.onMessage(ctx, u.Message)
	case u.CallbackQuery != nil:
		out = b.onCallback(ctx, u.CallbackQuery)
	case u.InlineQuery != nil:
		out = b.onInline(ctx, u.InlineQuery)
	default:
		out.action = "ignored"
	}
}

// describe names an update's kind and chat type for the log; the Observer gets
// the kind, one of four names.
func describe(u tgbotapi.Update) (kind, chatType string) {
	switch {
	case u.Message != nil:
		if u.Message.Chat != nil {
			chatType = u.Message.Chat.Type
		}
		return "message", chatType
	case u.CallbackQuery != nil:
		if m := u.CallbackQuery.Message; m != nil && m.Chat != nil {
			chatType = m.Chat.Type
		}
		return "callback_query", chatType
	case u.InlineQuery != nil:
		return "inline_query", u.InlineQuery.ChatType
	}
	return "other", ""
}

// logUpdate writes the one line every update gets.
func (b *Bot) logUpdate(ctx context.Context, id int, kind, chatType string, latency time.Duration, o outcome) {
	level := slog.LevelInfo
	attrs := []slog.Attr{
		slog.Int("update_id", id),
		slog.String("kind", kind),
		slog.String("chat_type", chatType),
		slog.String("action", o.action),
		slog.Duration("latency", latency),
		slog.Bool("found", o.found),
		slog.Int("hits", o.hits),
	}
	if o.err != nil {
		level = slog.LevelError
		attrs = append(attrs, slog.String("err", o.err.Error()))
	}
	if o.text != "" && b.log.Enabled(ctx, slog.LevelDebug) {
		attrs = append(attrs, slog.String("text", o.text))
	}
	b.log.LogAttrs(ctx, level, "update", attrs...)
}
