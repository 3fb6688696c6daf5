package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"planbot/bot"
)

const (
	cliToken  = "987654321:AAH-cliTOKEN_secret-value-xyz"
	cliSecret = "webhook-SECRET_0123456789"
)

// noSecrets fails when text holds the token or the webhook secret, as they
// are or escaped as a URL or JSON would escape them.
func noSecrets(t *testing.T, where, text string) {
	t.Helper()
	for _, s := range []string{cliToken, cliSecret} {
		for _, form := range []string{s, url.PathEscape(s), url.QueryEscape(s), strings.ReplaceAll(s, ":", `\u003a`)} {
			if strings.Contains(text, form) {
				t.Errorf("%s shows a secret (%q):\n%s", where, form, text)
			}
		}
	}
}

// TestCLINeverShowsSecrets runs planbot commands with the token and the webhook
// secret set in the environment, in a configuration file, or both, and
// searches everything they print and return.
func TestCLINeverShowsSecrets(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "planbot.yaml")
	yaml := fmt.Sprintf("telegram:\n  token: %q\n  webhook_secret: %q\n", cliToken, cliSecret)
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	badFile := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badFile, []byte(yaml+"top: eleven\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"XDG_CACHE_HOME=" + cacheDir, "PLANBOT_TELEGRAM_TOKEN=" + cliToken, "PLANBOT_TELEGRAM_WEBHOOK_SECRET=" + cliSecret}
	tests := []struct {
		name    string
		args    []string
		env     []string
		wantErr bool
	}{
		{"config, secrets in the environment", []string{"config"}, env, false},
		{"config, secrets in a file", []string{"config", "--config", file}, []string{"XDG_CACHE_HOME=" + cacheDir}, false},
		{"config, both", []string{"config", "--config", file}, env, false},
		{"config, an invalid value beside them", []string{"config", "--config", badFile}, env, true},
		{"config, an invalid secret", []string{"config"}, append(env[:1:1], "PLANBOT_TELEGRAM_WEBHOOK_SECRET="+cliSecret+"!"), true},
		{"config, the token in the webhook path", []string{"config"}, append(env, "PLANBOT_TELEGRAM_WEBHOOK_URL=https://bot.example.org/"+cliToken), false},
		{"config, the token in an invalid webhook URL", []string{"config"}, append(env, "PLANBOT_TELEGRAM_WEBHOOK_URL=http://x/"+cliToken), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tc.args, tc.env, strings.NewReader(""), &out, &errOut)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want an error: %v", err, tc.wantErr)
			}
			noSecrets(t, "stdout", out.String())
			noSecrets(t, "stderr", errOut.String())
			if err != nil {
				noSecrets(t, "the error", err.Error())
			}
		})
	}
}

// TestServeRefusedTokenShowsNoSecret: when Telegram refuses the token, and its
// error description even repeats the request path, `planbot serve` says so
// without printing the token, in its error or its log.
func TestServeRefusedTokenShowsNoSecret(t *testing.T) {
	tg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"ok":false,"error_code":401,"description":"Unauthorized: %s"}`, r.URL.Path)
	}))
	defer tg.Close()
	var stdout, stderr bytes.Buffer
	env := []string{"XDG_CACHE_HOME=" + cacheDir, "PLANBOT_TELEGRAM_TOKEN=" + cliToken, "PLANBOT_TELEGRAM_API_URL=" + tg.URL,
		"PLANBOT_LISTEN=127.0.0.1:0", "PLANBOT_LOG_LEVEL=debug"}
	err := run(context.Background(), []string{"serve"}, env, strings.NewReader(""), &stdout, &stderr)
	if !errors.Is(err, bot.ErrBadToken) {
		t.Fatalf("serve = %v, want bot.ErrBadToken", err)
	}
	noSecrets(t, "the error", err.Error())
	noSecrets(t, "stdout", stdout.String())
	noSecrets(t, "stderr", stderr.String())
}

// TestServeEndpointsShowNoSecret runs `planbot serve` in webhook mode with the
// token in the webhook's path, posts through the webhook a question quoting
// both secrets (and once with a wrong secret header), and has Telegram refuse
// the answer with a description repeating the request path, token included:
// /metrics, /readyz and /healthz show neither secret, nor does the log.
func TestServeEndpointsShowNoSecret(t *testing.T) {
	api := newScriptedAPI(t, cliToken)
	close(api.me)
	api.change(func() { api.refuse = 1 })
	s := startServing(t, "PLANBOT_TELEGRAM_TOKEN="+cliToken, "PLANBOT_TELEGRAM_API_URL="+api.srv.URL,
		"PLANBOT_TELEGRAM_WEBHOOK_URL=https://bot.example.org/"+cliToken, "PLANBOT_TELEGRAM_WEBHOOK_SECRET="+cliSecret)
	s.until("the webhook to be registered", func() bool { return api.count("setWebhook") > 0 })

	post := func(secret, update string) int {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, "http://"+s.listen+"/"+cliToken, strings.NewReader(update))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	quoting := privateUpdate(1, 42, "我的 token 是 "+cliToken+"，secret 是 "+cliSecret)
	if code := post(cliSecret+"x", quoting); code != http.StatusUnauthorized {
		t.Errorf("webhook with a wrong secret: %d, want 401", code)
	}
	if code := post(cliSecret, quoting); code != http.StatusOK {
		t.Fatalf("webhook: %d, want 200", code)
	}
	s.until("the refusal to be counted", func() bool {
		return metric(s.scrape(), "planbot_telegram_errors_total", "code", "400") == 1
	})
	if code := post(cliSecret, privateUpdate(2, 43, "人均预期寿命要达到多少岁")); code != http.StatusOK {
		t.Fatalf("webhook: %d, want 200", code)
	}
	s.until("the answer to be counted", func() bool { return metric(s.scrape(), "planbot_answers_total") == 1 })

	for _, path := range []string{"/metrics", "/readyz", "/healthz"} {
		code, body := s.get(path)
		if code != http.StatusOK {
			t.Errorf("%s: %d\n%s", path, code, body)
		}
		noSecrets(t, path, body)
	}
	noSecrets(t, "the log", s.logs.String())
}
