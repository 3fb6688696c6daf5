package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// redactor is a slog.Handler that writes "<secret>" wherever the token or the
// webhook secret would appear in a log line: in the message, any attribute, a
// panic value or an error's text. Transport errors are scrubbed where they are
// made (api.go); this is the net under everything else, including the HTTP
// server's own error log and text that a proxy in front of Telegram echoes back.
type redactor struct {
	next    slog.Handler
	secrets *strings.Replacer
	any     []string
}

// redact wraps h so that none of secrets (empty ones ignored) is ever written.
func redact(h slog.Handler, secrets ...string) slog.Handler {
	var pairs, any []string
	for _, s := range secrets {
		if s != "" {
			pairs = append(pairs, s, "<secret>")
			any = append(any, s)
		}
	}
	if len(any) == 0 {
		return h
	}
	return &redactor{next: h, secrets: strings.NewReplacer(pairs...), any: any}
}

func (r *redactor) Enabled(ctx context.Context, l slog.Level) bool { return r.next.Enabled(ctx, l) }

func (r *redactor) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, r.scrub(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(r.attr(a))
		return true
	})
	return r.next.Handle(ctx, out)
}

func (r *redactor) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = r.attr(a)
	}
	return &redactor{next: r.next.WithAttrs(clean), secrets: r.secrets, any: r.any}
}

func (r *redactor) WithGroup(name string) slog.Handler {
	return &redactor{next: r.next.WithGroup(name), secrets: r.secrets, any: r.any}
}

// attr returns a with every secret in its value replaced. Values that are not
// strings (errors, Stringers, anything) are checked in the text the handler
// would write for them, and replaced by that text, scrubbed, when it holds a
// secret.
func (r *redactor) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, r.scrub(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, x := range g {
			clean[i] = r.attr(x)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		if s := fmt.Sprintf("%+v", v.Any()); r.has(s) {
			return slog.String(a.Key, r.scrub(s))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

func (r *redactor) has(s string) bool {
	for _, x := range r.any {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

func (r *redactor) scrub(s string) string {
	if !r.has(s) {
		return s
	}
	return r.secrets.Replace(s)
}
