package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape GETs the handler's exposition over loopback and parses it.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET: %s, %s\n%s", resp.Status, resp.Header.Get("Content-Type"), body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse the exposition: %v", err)
	}
	return fams
}

// value is the value of the series of name with the given label (name=value
// pairs; none for an unlabelled metric): a counter's or gauge's value, a
// histogram's sample count.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	f := fams[name]
	if f == nil {
		t.Fatalf("no %s in the scrape", name)
	}
next:
	for _, m := range f.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.GetLabel() {
				found = found || l.GetName() == labels[i] && l.GetValue() == labels[i+1]
			}
			if !found {
				continue next
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
	t.Fatalf("no %s%v in the scrape", name, labels)
	return 0
}

func TestScrape(t *testing.T) {
	m := New()
	m.Update("message")
	m.Update("message")
	m.Update("inline_query")
	m.Update("chat_member") // a kind the bot does not name: "other"
	m.Answer(2*time.Millisecond, true)
	m.Answer(40*time.Millisecond, false)
	m.Inline()
	m.APIError("429")
	m.APIError("network")
	m.APIError("network")
	m.RetryAfter(3 * time.Second)
	m.Outgoing(1)
	m.Outgoing(1)
	m.Outgoing(-1)

	fams := scrape(t, m.Handler())
	tests := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"planbot_updates_total", []string{"kind", "message"}, 2},
		{"planbot_updates_total", []string{"kind", "inline_query"}, 1},
		{"planbot_updates_total", []string{"kind", "callback_query"}, 0}, // present before it comes
		{"planbot_updates_total", []string{"kind", "other"}, 1},
		{"planbot_answers_total", nil, 2},
		{"planbot_answers_not_found_total", nil, 1},
		{"planbot_answer_duration_seconds", nil, 2},
		{"planbot_inline_queries_total", nil, 1},
		{"planbot_telegram_errors_total", []string{"code", "429"}, 1},
		{"planbot_telegram_errors_total", []string{"code", "network"}, 2},
		{"planbot_telegram_retry_after_total", nil, 1},
		{"planbot_telegram_retry_after_seconds_total", nil, 3},
		{"planbot_outgoing_queue", nil, 1},
	}
	for _, tc := range tests {
		if got := value(t, fams, tc.name, tc.labels...); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	if n := len(fams["planbot_updates_total"].GetMetric()); n != len(updateKinds) {
		t.Errorf("planbot_updates_total has %d series, want %d: the kinds are bounded", n, len(updateKinds))
	}

	h := fams["planbot_answer_duration_seconds"].GetMetric()[0].GetHistogram()
	if s := h.GetSampleSum(); s < 0.0419 || s > 0.0421 {
		t.Errorf("latency sum %v s, want 0.042", s)
	}
	for _, b := range h.GetBucket() {
		want := uint64(0)
		switch {
		case b.GetUpperBound() >= 0.04:
			want = 2
		case b.GetUpperBound() >= 0.002:
			want = 1
		}
		if b.GetCumulativeCount() != want {
			t.Errorf("bucket le=%v: %d, want %d", b.GetUpperBound(), b.GetCumulativeCount(), want)
		}
	}

	// The Go and process collectors are registered beside them.
	value(t, fams, "go_goroutines")
	if runtime.GOOS == "linux" {
		value(t, fams, "process_resident_memory_bytes")
	}
}

// TestOwnRegistry: each Metrics has a registry of its own; nothing lands in
// the process-wide default one, and two of them can live side by side.
func TestOwnRegistry(t *testing.T) {
	a, b := New(), New()
	a.Inline()
	if got := value(t, scrape(t, b.Handler()), "planbot_inline_queries_total"); got != 0 {
		t.Errorf("a second Metrics sees the first's count: %v", got)
	}
	fams, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if strings.HasPrefix(f.GetName(), "planbot_") {
			t.Errorf("%s is in the default registry", f.GetName())
		}
	}
}

// TestLint: the metrics follow Prometheus's naming conventions (promlint).
func TestLint(t *testing.T) {
	m := New()
	problems, err := testutil.GatherAndLint(m.reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if strings.HasPrefix(p.Metric, "planbot_") {
			t.Errorf("%s: %s", p.Metric, p.Text)
		}
	}
}

// TestLatencyBuckets: the buckets rise, from 100 µs to 30 s.
func TestLatencyBuckets(t *testing.T) {
	for i := 1; i < len(LatencyBuckets); i++ {
		if LatencyBuckets[i] <= LatencyBuckets[i-1] {
			t.Errorf("bucket %d (%v) not above the one before (%v)", i, LatencyBuckets[i], LatencyBuckets[i-1])
		}
	}
	if LatencyBuckets[0] != 0.0001 || LatencyBuckets[len(LatencyBuckets)-1] != 30 {
		t.Errorf("buckets span %v … %v s, want 0.0001 … 30", LatencyBuckets[0], LatencyBuckets[len(LatencyBuckets)-1])
	}
}
