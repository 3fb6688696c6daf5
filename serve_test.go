package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"planbot/bot"
)

const serveToken = "42:serve-test-TOKEN"

func TestServeNeedsToken(t *testing.T) {
	a := &app{env: []string{"XDG_CACHE_HOME=" + cacheDir}, stdout: io.Discard, stderr: io.Discard}
	cmd := a.serveCmd()
	cmd.SetArgs(nil)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(context.Background())
	if !errors.Is(err, bot.ErrNoToken) {
		t.Fatalf("serve without a token = %v, want bot.ErrNoToken", err)
	}
	if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "PLANBOT_TELEGRAM_TOKEN") {
		t.Errorf("error %q: want one line naming PLANBOT_TELEGRAM_TOKEN", err)
	}
}

// TestServeWiresTheBot runs `planbot serve` against a minimal Bot API on
// loopback: it serves /healthz on the listen address, connects and polls, and
// exits cleanly when its context is cancelled (SIGTERM).
func TestServeWiresTheBot(t *testing.T) {
	var mu sync.Mutex
	var methods []string
	tg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm() // a consumed body lets the server notice the client going away
		method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		mu.Lock()
		methods = append(methods, method)
		mu.Unlock()
		if r.URL.Path != "/bot"+serveToken+"/"+method {
			http.Error(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch method {
		case "getMe":
			io.WriteString(w, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"P","username":"PlanBot"}}`)
		case "getUpdates":
			<-r.Context().Done() // a long poll with nothing to deliver
		default:
			io.WriteString(w, `{"ok":true,"result":true}`)
		}
	}))
	defer tg.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := ln.Addr().String()
	ln.Close()

	logs := &syncWriter{}
	a := &app{env: []string{
		"XDG_CACHE_HOME=" + cacheDir,
		"PLANBOT_TELEGRAM_TOKEN=" + serveToken,
		"PLANBOT_TELEGRAM_API_URL=" + tg.URL,
		"PLANBOT_LISTEN=" + listen,
	}, stdout: io.Discard, stderr: logs}
	cmd := a.serveCmd()
	cmd.SetArgs(nil)
	cmd.SilenceUsage = true
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()

	// Poll with a deadline: building the engine takes a moment. /healthz
	// answers before Telegram is reached, so wait for the long poll too.
	polling := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return slices.Contains(methods, "getUpdates")
	}
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for healthcheck(context.Background(), listen) != nil || !polling() {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("/healthz never answered or the bot never polled; log:\n%s", logs)
		}
		<-tick.C
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve after SIGTERM = %v, want nil", err)
	}
	mu.Lock()
	got := strings.Join(methods, " ")
	mu.Unlock()
	for _, m := range []string{"getMe", "setMyCommands", "getUpdates"} {
		if !strings.Contains(got, m) {
			t.Errorf("serve never called %s (calls: %s)", m, got)
		}
	}
	if strings.Contains(logs.String(), serveToken) {
		t.Errorf("token in the log:\n%s", logs)
	}
}

// syncWriter is a log buffer the bot's goroutines can share.
type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
