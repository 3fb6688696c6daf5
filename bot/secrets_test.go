package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"planbot/retrieval"
)

// leaks lists the forms a secret could take in text: as is, and escaped the
// ways a URL or JSON would escape it.
func leaks(secret string) []string {
	return []string{secret, url.PathEscape(secret), url.QueryEscape(secret), strings.ReplaceAll(secret, ":", `\u003a`)}
}

// assertNoSecret fails when any form of a secret is in text.
func assertNoSecret(t *testing.T, where, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		for _, form := range leaks(s) {
			if strings.Contains(text, form) {
				t.Errorf("%s contains a secret (%q):\n%s", where, form, text)
			}
		}
	}
}

// tokenPanic is the real engine, except that one question makes it panic with
// an error that carries the token, as a transport error with the request URL
// in it would.
type tokenPanic struct{ *retrieval.Engine }

func (p tokenPanic) Search(ctx context.Context, q string, top int) (retrieval.Result, error) {
	if q == "boom" {
		panic(fmt.Errorf("post https://api.telegram.org/bot%s/sendMessage: %w", testToken, errors.New("broken")))
	}
	return p.Engine.Search(ctx, q, top)
}

// TestTokenNeverLogged: whatever goes wrong, and whatever Telegram (or a proxy
// in front of it) writes in an error description, the token stays out of the
// log, the debug log included, and out of the error Run returns.
func TestTokenNeverLogged(t *testing.T) {
	echo := func(status int) hook { // an error description that repeats the request path
		return func(int, url.Values) (int, string, bool) {
			return status, fmt.Sprintf(`{"ok":false,"error_code":%d,"description":"Bad Request: no such path /bot%s/sendMessage"}`, status, testToken), true
		}
	}
	tests := []struct {
		name     string
		method   string
		hook     hook
		searcher func(*retrieval.Engine) Searcher
		text     string
	}{
		{name: "Panic recovered", searcher: func(e *retrieval.Engine) Searcher { return tokenPanic{e} }, text: "boom"},
		{name: "400 repeating the path", method: "sendMessage", hook: echo(http.StatusBadRequest)},
		{name: "500 repeating the path", method: "sendMessage", hook: func(n int, v url.Values) (int, string, bool) {
			if n > 1 {
				return 0, "", false
			}
			return echo(http.StatusInternalServerError)(n, v)
		}},
		{name: "getUpdates refused, repeating the path", method: "getUpdates", hook: func(n int, v url.Values) (int, string, bool) {
			if n > 1 {
				return 0, "", false
			}
			return echo(http.StatusConflict)(n, v)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			if tc.hook != nil {
				f.on(tc.method, tc.hook)
			}
			h := start(t, f, setup{level: slog.LevelDebug, searcher: tc.searcher})
			text := tc.text
			if text == "" {
				text = exampleQuestion
			}
			f.push(private(1, 42, text))
			h.handled(1)
			h.shutdown()
			assertNoSecret(t, "the log", h.logs.String(), testToken)
		})
	}

	t.Run("getMe refused, repeating the path", func(t *testing.T) {
		f := newFakeAPI(t)
		f.on("getMe", func(int, url.Values) (int, string, bool) {
			return http.StatusNotFound, fmt.Sprintf(`{"ok":false,"error_code":404,"description":"Not Found: /bot%s/getMe"}`, testToken), true
		})
		log, logs := newLogger(slog.LevelDebug)
		b, err := New(testEngine(t), log, Options{Token: testToken, APIURL: f.srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		err = b.Run(context.Background())
		if !errors.Is(err, ErrBadToken) {
			t.Fatalf("Run = %v, want ErrBadToken", err)
		}
		assertNoSecret(t, "Run's error", err.Error(), testToken)
		assertNoSecret(t, "the log", logs.String(), testToken)
	})
}

type stringer string

func (s stringer) String() string { return string(s) }

// TestRedact: the log handler the bot wraps around its logger removes the
// token and the webhook secret from every part of a record, in text and JSON.
func TestRedact(t *testing.T) {
	const secret = "hook-SECRET_value"
	leak := "https://api.telegram.org/bot" + testToken + "/getMe"
	tests := []struct {
		name string
		log  func(*slog.Logger)
	}{
		{"message", func(l *slog.Logger) { l.Info("calling " + leak) }},
		{"string", func(l *slog.Logger) { l.Info("x", "url", leak) }},
		{"error", func(l *slog.Logger) { l.Error("x", "err", fmt.Errorf("post %s: %w", leak, errors.New("eof"))) }},
		{"stringer", func(l *slog.Logger) { l.Info("x", "v", stringer(leak)) }},
		{"any", func(l *slog.Logger) { l.Info("x", "v", map[string]string{"u": leak}) }},
		{"group", func(l *slog.Logger) { l.Info("x", slog.Group("req", "url", leak, "n", 1)) }},
		{"with attrs", func(l *slog.Logger) { l.With("url", leak).Info("x") }},
		{"with group", func(l *slog.Logger) { l.WithGroup("g").Info("x", "url", leak) }},
		{"webhook secret", func(l *slog.Logger) { l.Warn("x", "header", secret) }},
		{"log.Logger of the HTTP server", func(l *slog.Logger) {
			slog.NewLogLogger(l.Handler(), slog.LevelWarn).Printf("http: TLS handshake error from %s", leak)
		}},
	}
	for _, tc := range tests {
		for _, format := range []string{"text", "json"} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				buf := &syncBuffer{}
				var h slog.Handler = slog.NewTextHandler(buf, nil)
				if format == "json" {
					h = slog.NewJSONHandler(buf, nil)
				}
				tc.log(slog.New(redact(h, testToken, secret, "")))
				out := buf.String()
				if out == "" {
					t.Fatal("nothing logged")
				}
				assertNoSecret(t, "the line", out, testToken, secret)
				if !strings.Contains(out, "<secret>") {
					t.Errorf("no <secret> in its place:\n%s", out)
				}
			})
		}
	}
	if h := slog.NewTextHandler(&syncBuffer{}, nil); redact(h, "") != h {
		t.Error("redact with no secret should return the handler as it is")
	}
}
