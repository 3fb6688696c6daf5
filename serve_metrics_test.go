package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scriptedAPI is a Bot API on loopback that a test steers while `planbot
// serve` talks to it: getMe waits until released; getUpdates delivers pushed
// updates with Telegram's offsets and long polls; sendMessage can be made to
// answer 429 or a refusal repeating the request path; and while down every
// request is cut off without an answer, as if Telegram were unreachable.
type scriptedAPI struct {
	t     *testing.T
	token string
	srv   *httptest.Server
	me    chan struct{} // closed: getMe answers
	done  chan struct{} // closed at the end of the test: long polls return

	mu      sync.Mutex
	updates []scriptedUpdate
	changed chan struct{} // closed and replaced on every change
	down    bool
	tooMany int // sendMessage answers 429 (retry after 1 s) this many more times
	refuse  int // sendMessage answers 400 repeating its path this many more times
	calls   map[string]int
}

type scriptedUpdate struct {
	id   int
	json string
}

func newScriptedAPI(t *testing.T, token string) *scriptedAPI {
	a := &scriptedAPI{t: t, token: token, me: make(chan struct{}), done: make(chan struct{}),
		changed: make(chan struct{}), calls: map[string]int{}}
	a.srv = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.srv.Close)
	t.Cleanup(func() { close(a.done) }) // runs first
	return a
}

// change runs f under the lock and wakes the long polls.
func (a *scriptedAPI) change(f func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	f()
	close(a.changed)
	a.changed = make(chan struct{})
}

// push queues a private text message from user or, with inline, an inline
// query.
func (a *scriptedAPI) push(id int, user int64, text string, inline bool) {
	u := privateUpdate(id, user, text)
	if inline {
		u = fmt.Sprintf(`{"update_id":%d,"inline_query":{"id":"iq%d","from":{"id":%d,"is_bot":false,"first_name":"U"},"query":%s,"offset":""}}`,
			id, id, user, strconv.Quote(text))
	}
	a.change(func() { a.updates = append(a.updates, scriptedUpdate{id, u}) })
}

// privateUpdate is the JSON of an update carrying a private text message.
func privateUpdate(id int, user int64, text string) string {
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1700000000,"from":{"id":%d,"is_bot":false,"first_name":"U"},"chat":{"id":%d,"type":"private"},"text":%s}}`,
		id, 100+id, user, user, strconv.Quote(text))
}

// count is how many requests for method the API has had.
func (a *scriptedAPI) count(method string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.calls[method]
}

func (a *scriptedAPI) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		scriptedReply(w, http.StatusBadRequest, `{"ok":false,"error_code":400,"description":"Bad Request"}`)
		return
	}
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+a.token+"/")
	if !ok {
		scriptedReply(w, http.StatusUnauthorized, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	a.mu.Lock()
	down := a.down
	a.calls[method]++
	a.mu.Unlock()
	if down {
		cutOff(w)
		return
	}
	switch method {
	case "getMe":
		select {
		case <-a.me:
		case <-r.Context().Done():
			return
		}
		scriptedReply(w, http.StatusOK, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"P","username":"PlanBot"}}`)
	case "getUpdates":
		a.getUpdates(w, r)
	case "sendMessage":
		a.sendMessage(w, r)
	default: // deleteWebhook, setMyCommands, setWebhook, answerInlineQuery
		scriptedReply(w, http.StatusOK, `{"ok":true,"result":true}`)
	}
}

func (a *scriptedAPI) sendMessage(w http.ResponseWriter, r *http.Request) {
	status := http.StatusOK
	a.mu.Lock()
	switch {
	case a.tooMany > 0:
		a.tooMany--
		status = http.StatusTooManyRequests
	case a.refuse > 0:
		a.refuse--
		status = http.StatusBadRequest
	}
	a.mu.Unlock()
	switch status {
	case http.StatusTooManyRequests:
		scriptedReply(w, status, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}`)
	case http.StatusBadRequest:
		scriptedReply(w, status, fmt.Sprintf(`{"ok":false,"error_code":400,"description":"Bad Request: no such path %s"}`, r.URL.Path))
	default:
		scriptedReply(w, status, fmt.Sprintf(`{"ok":true,"result":{"message_id":1,"date":1700000001,"chat":{"id":%s,"type":"private"},"text":"a"}}`,
			r.PostForm.Get("chat_id")))
	}
}

// getUpdates answers the updates from offset on, or waits for some (a long
// poll) until the client leaves, the API goes down or the test ends.
func (a *scriptedAPI) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.Atoi(r.PostForm.Get("offset"))
	for {
		a.mu.Lock()
		var out []string
		var keep []scriptedUpdate
		for _, u := range a.updates {
			if u.id >= offset {
				keep = append(keep, u)
				out = append(out, u.json)
			}
		}
		a.updates = keep
		down, changed := a.down, a.changed
		a.mu.Unlock()
		switch {
		case down:
			cutOff(w)
			return
		case len(out) > 0 || r.PostForm.Get("timeout") == "0":
			scriptedReply(w, http.StatusOK, `{"ok":true,"result":[`+strings.Join(out, ",")+`]}`)
			return
		}
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		case <-a.done:
			scriptedReply(w, http.StatusOK, `{"ok":true,"result":[]}`)
			return
		}
	}
}

// cutOff resets the connection: the client gets no answer at all.
func cutOff(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func scriptedReply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// serving is `planbot serve` running in the test's process.
type serving struct {
	t      *testing.T
	listen string
	logs   *syncWriter
	stop   context.CancelFunc
	done   chan error
}

// startServing runs `planbot serve` with env (plus a cache directory and a free
// loopback listen address) until the test ends, and returns once /healthz
// answers.
func startServing(t *testing.T, env ...string) *serving {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := ln.Addr().String()
	ln.Close()
	s := &serving{t: t, listen: listen, logs: &syncWriter{}, done: make(chan error, 1)}
	env = append(env, "XDG_CACHE_HOME="+cacheDir, "PLANBOT_LISTEN="+listen)
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	go func() { s.done <- run(ctx, []string{"serve"}, env, strings.NewReader(""), io.Discard, s.logs) }()
	t.Cleanup(func() {
		cancel()
		if err := <-s.done; err != nil {
			t.Errorf("serve after SIGTERM = %v, want nil", err)
		}
	})
	s.until("/healthz to answer", func() bool { return healthcheck(context.Background(), listen) == nil })
	return s
}

// get fetches path from the listen address.
func (s *serving) get(path string) (int, string) {
	s.t.Helper()
	resp, err := http.Get("http://" + s.listen + path)
	if err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, string(body)
}

// until polls cond until it holds, or fails the test after 30 s.
func (s *serving) until(what string, cond func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case err := <-s.done:
			s.t.Fatalf("serve stopped (%v) while waiting for %s; log:\n%s", err, what, s.logs)
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for %s; log:\n%s", what, s.logs)
		}
	}
}

// readyz reports whether /readyz says 200, and its body.
func (s *serving) readyz() (bool, string) {
	code, body := s.get("/readyz")
	if code != http.StatusOK && code != http.StatusServiceUnavailable {
		s.t.Fatalf("/readyz: %d %s", code, body)
	}
	return code == http.StatusOK, body
}

// scrape GETs /metrics and parses it.
func (s *serving) scrape() map[string]*dto.MetricFamily {
	s.t.Helper()
	code, body := s.get("/metrics")
	if code != http.StatusOK {
		s.t.Fatalf("/metrics: %d\n%s", code, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		s.t.Fatalf("/metrics is not the text exposition format: %v\n%s", err, body)
	}
	return fams
}

// metric is the value of a counter or gauge, or a histogram's sample count,
// in fams: name with the given label (kind=message), or unlabelled. A series
// not there is 0.
func metric(fams map[string]*dto.MetricFamily, name string, label ...string) float64 {
	for _, m := range fams[name].GetMetric() {
		if len(label) == 2 {
			match := false
			for _, l := range m.GetLabel() {
				match = match || l.GetName() == label[0] && l.GetValue() == label[1]
			}
			if !match {
				continue
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return 0
}

// TestServeHealthReadyMetrics runs `planbot serve` against a scripted Bot API:
// /healthz answers while getMe is still pending and /readyz says 503 until it
// succeeds; after a question, a question the plan has nothing on, an inline
// query and a 429, /metrics has counted each; while Telegram is unreachable
// /readyz says 503, and 200 again once it is back.
func TestServeHealthReadyMetrics(t *testing.T) {
	api := newScriptedAPI(t, serveToken)
	s := startServing(t, "PLANBOT_TELEGRAM_TOKEN="+serveToken, "PLANBOT_TELEGRAM_API_URL="+api.srv.URL)

	if ok, body := s.readyz(); ok || !strings.Contains(body, "getMe") {
		t.Errorf("/readyz before getMe succeeded: ready %v, %q; want 503 naming getMe", ok, body)
	}
	fams := s.scrape()
	if got := metric(fams, "planbot_updates_total", "kind", "message"); got != 0 {
		t.Errorf("before any update: planbot_updates_total{kind=message} = %v", got)
	}
	if metric(fams, "go_goroutines") == 0 {
		t.Error("/metrics lacks the Go collector (go_goroutines)")
	}

	close(api.me)
	s.until("/readyz 200 once connected", func() bool { ok, _ := s.readyz(); return ok })

	api.change(func() { api.tooMany = 1 })
	api.push(1, 41, "人均预期寿命要达到多少岁", false)
	api.push(2, 42, "今天天气怎么样", false)
	api.push(3, 43, "人均预期寿命要达到多少岁", true)
	s.until("three answers counted", func() bool { return metric(s.scrape(), "planbot_answers_total") == 3 })

	fams = s.scrape()
	tests := []struct {
		name  string
		label []string
		want  float64
	}{
		{"planbot_updates_total", []string{"kind", "message"}, 2},
		{"planbot_updates_total", []string{"kind", "inline_query"}, 1},
		{"planbot_updates_total", []string{"kind", "callback_query"}, 0},
		{"planbot_answers_total", nil, 3},
		{"planbot_answers_not_found_total", nil, 1},
		{"planbot_answer_duration_seconds", nil, 3},
		{"planbot_inline_queries_total", nil, 1},
		{"planbot_telegram_errors_total", []string{"code", "429"}, 1},
		{"planbot_telegram_retry_after_total", nil, 1},
		{"planbot_telegram_retry_after_seconds_total", nil, 1},
		{"planbot_outgoing_queue", nil, 0},
	}
	for _, tc := range tests {
		if got := metric(fams, tc.name, tc.label...); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.label, got, tc.want)
		}
	}
	if n := len(fams["planbot_telegram_errors_total"].GetMetric()); n != 1 {
		t.Errorf("planbot_telegram_errors_total has %d series, want 1 (429)", n)
	}

	api.change(func() { api.down = true })
	s.until("/readyz 503 while Telegram is unreachable", func() bool { ok, _ := s.readyz(); return !ok })
	if _, body := s.readyz(); !strings.Contains(body, "did not answer") {
		t.Errorf("/readyz while unreachable says %q", body)
	}
	if metric(s.scrape(), "planbot_telegram_errors_total", "code", "network") < 1 {
		t.Error("no planbot_telegram_errors_total{code=network} while unreachable")
	}
	api.change(func() { api.down = false })
	api.push(4, 44, "/help", false) // ends the next long poll at once
	s.until("/readyz 200 once Telegram is back", func() bool { ok, _ := s.readyz(); return ok })
	if code, body := s.get("/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
}
