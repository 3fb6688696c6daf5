// Package metrics counts what the bot does for Prometheus. Metrics implements
// bot.Observer (without importing package bot: the interface lives with its
// consumer) on a registry of its own, never the process-wide default, beside
// the Go runtime and process collectors, and Handler serves it in the text
// exposition format.
//
// Every label takes a few fixed values, given by the bot: the kind of an update
// and the error code of a failed Bot API call. Nothing about a chat, a user or
// a question is ever a label, nor is anything secret.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// LatencyBuckets are the upper bounds, in seconds, of the answer latency
// histogram: from 100 µs (an answer from the index alone takes about that) to
// 30 s (an answer waiting out rate limits, a 429 or an outage of the Bot API).
var LatencyBuckets = []float64{
	.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30,
}

// updateKinds are the values of the kind label of planbot_updates_total; any
// other kind is counted as "other".
var updateKinds = []string{"message", "callback_query", "inline_query", "other"}

// Metrics is one process's metrics. Make it with New; its methods are safe
// for concurrent use.
type Metrics struct {
	reg       *prometheus.Registry
	updates   *prometheus.CounterVec
	answers   prometheus.Counter
	notFound  prometheus.Counter
	latency   prometheus.Histogram
	inline    prometheus.Counter
	apiErrors *prometheus.CounterVec
	retries   prometheus.Counter
	retryWait prometheus.Counter
	outgoing  prometheus.Gauge
}

// New makes the metrics and registers them, with the Go and process
// collectors, on a new registry.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "planbot_updates_total",
			Help: "Updates from Telegram handled (or being handled), by kind: message, callback_query, inline_query, other.",
		}, []string{"kind"}),
		answers: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "planbot_answers_total",
			Help: "Answers to questions (in a chat or inline) that reached Telegram.",
		}),
		notFound: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "planbot_answers_not_found_total",
			Help: "Answers to questions saying the plan has nothing on them (counted in planbot_answers_total too).",
		}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "planbot_answer_duration_seconds",
			Help:    "Time from an update's arrival to its answer reaching Telegram, for answers to questions.",
			Buckets: LatencyBuckets,
		}),
		inline: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "planbot_inline_queries_total",
			Help: "Inline queries answered (empty ones with the example questions included).",
		}),
		apiErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "planbot_telegram_errors_total",
			Help: `Failed Bot API calls, by code: Telegram's error code ("400", "409", "429", "500" …, "4xx"/"5xx" for rarer ones), "network" (no answer: refused, reset, timed out), "malformed" (an answer that could not be read), "other".`,
		}, []string{"code"}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "planbot_telegram_retry_after_total",
			Help: "429 Too Many Requests answers the bot waited out before asking again.",
		}),
		retryWait: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "planbot_telegram_retry_after_seconds_total",
			Help: "Seconds Telegram asked the bot to wait (retry_after) in its 429 answers.",
		}),
		outgoing: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "planbot_outgoing_queue",
			Help: "Requests to Telegram waiting for their slot under the rate limits or being sent.",
		}),
	}
	for _, k := range updateKinds {
		m.updates.WithLabelValues(k) // every kind is scraped, at 0 until it comes
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.updates, m.answers, m.notFound, m.latency, m.inline, m.apiErrors, m.retries, m.retryWait, m.outgoing,
	)
	return m
}

// Handler serves the metrics in Prometheus's text format (/metrics).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Update counts an update of kind.
func (m *Metrics) Update(kind string) {
	known := false
	for _, k := range updateKinds {
		known = known || k == kind
	}
	if !known {
		kind = "other"
	}
	m.updates.WithLabelValues(kind).Inc()
}

// Answer counts an answer to a question and observes its latency.
func (m *Metrics) Answer(latency time.Duration, found bool) {
	m.answers.Inc()
	if !found {
		m.notFound.Inc()
	}
	m.latency.Observe(latency.Seconds())
}

// Inline counts an inline query answered.
func (m *Metrics) Inline() { m.inline.Inc() }

// APIError counts a failed Bot API call; code comes from a bounded set.
func (m *Metrics) APIError(code string) { m.apiErrors.WithLabelValues(code).Inc() }

// RetryAfter counts a 429 waited out and the time Telegram asked for.
func (m *Metrics) RetryAfter(d time.Duration) {
	m.retries.Inc()
	m.retryWait.Add(d.Seconds())
}

// Outgoing moves the outgoing queue's length by delta.
func (m *Metrics) Outgoing(delta int) { m.outgoing.Add(float64(delta)) }
