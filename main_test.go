package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"planbot/answers"
	"planbot/config"
	"planbot/retrieval/evaluate"
	"slices"
	"strings"
	"testing"
	"time"
)

// runCLI runs one command line in-process, as main would.
func runCLI(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := []string{"XDG_CACHE_HOME=" + cacheDir}
	err := run(context.Background(), args, env, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

var cacheDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "planbot-cli-test")
	if err != nil {
		panic(err)
	}
	cacheDir = dir
	// The engine reads the cache location from the process environment.
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestAsk(t *testing.T) {
	out, _, err := runCLI(t, "", "ask", "人均预期寿命要达到多少岁")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"第5条", "80.5"} {
		if !strings.Contains(out, want) {
			t.Errorf("answer lacks %q:\n%s", want, out)
		}
	}
}

func TestAskJSON(t *testing.T) {
	out, _, err := runCLI(t, "", "ask", "--json", "--top", "2", "“三线一单”在哪一条")
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Query string
		Found bool
		Hits  []struct {
			Article, Chapter int
			Title, Quote     string
			Score            float64
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if !r.Found || len(r.Hits) == 0 || len(r.Hits) > 2 || r.Hits[0].Article != 34 || r.Hits[0].Chapter != 8 ||
		!strings.Contains(r.Hits[0].Quote, "三线一单") || r.Query != "“三线一单”在哪一条" {
		t.Errorf("unexpected JSON answer: %s", out)
	}
}

func TestAskJSONLKeepsOrderAndBadLines(t *testing.T) {
	in := "杭温高铁\n\n红烧肉怎么做好吃\n\xff\xfe\n这份建议是哪次全会通过的\n"
	out, _, err := runCLI(t, in, "ask", "--jsonl")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines for 5 questions:\n%s", len(lines), out)
	}
	type line struct {
		Query string
		Found bool
		Error string
		Hits  []struct{ Article, Chapter int }
	}
	var got []line
	for _, l := range lines {
		var x line
		if err := json.Unmarshal([]byte(l), &x); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		got = append(got, x)
	}
	if !got[0].Found || got[0].Hits[0].Article != 26 {
		t.Errorf("line 1: %+v", got[0])
	}
	if got[1].Error == "" || got[3].Error == "" {
		t.Errorf("empty and invalid lines must carry an error: %+v %+v", got[1], got[3])
	}
	if got[2].Found {
		t.Errorf("line 3 is out of scope: %+v", got[2])
	}
	if !got[4].Found || got[4].Hits[0].Article != 0 || got[4].Hits[0].Chapter != 0 {
		t.Errorf("line 5 is answered by the preface (article 0, chapter 0): %+v", got[4])
	}
}

func TestBadInputFails(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.jsonl")
	for _, args := range [][]string{
		{"ask", ""},
		{"ask", "  ？"},
		{"ask", "\xff\xfe"},
		{"ask"},
		{"article", "99"},
		{"article", "abc"},
		{"article"},
		{"check", ""},
		{"eval", missing},
		{"nosuchcommand"},
		{"ask", "--top", "0", "杭温高铁"},
	} {
		if _, _, err := runCLI(t, "", args...); err == nil {
			t.Errorf("%q: want an error", args)
		}
	}
	_, _, err := runCLI(t, "", "article", "99")
	if err == nil || !strings.Contains(err.Error(), "1 到 45") {
		t.Errorf("unknown article message: %v", err)
	}
}

func TestArticleTOCCheck(t *testing.T) {
	out, _, err := runCLI(t, "", "article", "26")
	if err != nil || !strings.Contains(out, "第26条") || !strings.Contains(out, "杭温高铁") {
		t.Errorf("article 26: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "", "toc")
	if err != nil || !strings.Contains(out, "第45条") || !strings.Contains(out, "完善规划制订和落实机制") {
		t.Errorf("toc: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "", "check", "打造全国最强的影视产业基地")
	if err != nil || !strings.Contains(out, "第10条") || !strings.Contains(out, "全球") {
		t.Errorf("check: %v\n%s", err, out)
	}
}

func TestEval(t *testing.T) {
	out, _, err := runCLI(t, "", "eval", "retrieval/testdata/dev.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"hit@1", "hit@3", "mrr@5", "must@3", "false_abstain", "oos_abstain"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %s:\n%s", want, out)
		}
	}
}

func TestConfigMasksSecrets(t *testing.T) {
	var out, errOut bytes.Buffer
	env := []string{"PLANBOT_TELEGRAM_TOKEN=123:TOPSECRETVALUE", "PLANBOT_TOP=4"}
	if err := run(context.Background(), []string{"config"}, env, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "TOPSECRETVALUE") {
		t.Fatalf("token shown:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "env") || !strings.Contains(out.String(), "PLANBOT_TOP") {
		t.Errorf("config output:\n%s", out.String())
	}
	err := run(context.Background(), []string{"config"}, []string{"PLANBOT_TOP=eleven"}, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "top") {
		t.Errorf("invalid value must name the key: %v", err)
	}
}

func TestVersion(t *testing.T) {
	out, _, err := runCLI(t, "", "version")
	if err != nil || !strings.HasPrefix(out, "planbot ") {
		t.Errorf("version: %v %q", err, out)
	}
}

// BenchmarkQuestion is one question end to end in-process: normalise →
// search → format as Telegram HTML, over the dev questions; it reports the
// median, the figure the README quotes.
func BenchmarkQuestion(b *testing.B) {
	c, err := config.Load(config.Input{})
	if err != nil {
		b.Fatal(err)
	}
	e, err := engine(context.Background(), c)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	f, err := os.Open("retrieval/testdata/dev.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	cases, err := evaluate.Load(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	var qs []string
	for _, c := range cases {
		qs = append(qs, c.Q)
	}
	ctx := context.Background()
	b.ReportAllocs()
	var times []time.Duration
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		r, err := e.Search(ctx, qs[i%len(qs)], 3)
		if err != nil {
			b.Fatal(err)
		}
		_ = answers.Answer(r, answers.Options{Format: answers.HTML})
		times = append(times, time.Since(t0))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds()), "µs-median")
}

func TestHealthcheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	if err := healthcheck(context.Background(), addr); err != nil {
		t.Errorf("healthy server: %v", err)
	}
	_, port, _ := net.SplitHostPort(addr)
	if err := healthcheck(context.Background(), "0.0.0.0:"+port); err != nil {
		t.Errorf("wildcard address: %v", err)
	}
	srv.Close()
	if err := healthcheck(context.Background(), addr); err == nil {
		t.Error("stopped server reported healthy")
	}
}
