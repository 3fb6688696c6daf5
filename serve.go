package main

import (
	"fmt"
	"net/http"

	"github.com/spf13/cobra"

	"planbot/bot"
	"planbot/config"
	"planbot/metrics"
)

// serveCmd runs the Telegram bot until SIGINT or SIGTERM, then lets the answers
// in flight finish and exits 0. The token comes from the file or the
// environment only: a flag would show it in the process list.
func (a *app) serveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Answer on Telegram: long polling, or a webhook when telegram.webhook_url is set",
		Long: `Answer questions on Telegram. Needs PLANBOT_TELEGRAM_TOKEN (from @BotFather).

Long polling by default; with PLANBOT_TELEGRAM_WEBHOOK_URL (and
PLANBOT_TELEGRAM_WEBHOOK_SECRET) Telegram posts updates to the listen address
instead. In both modes the listen address also serves, from the moment the
index is built (before Telegram is reached):
  /healthz  200 while the process is up (planbot healthcheck asks it)
  /readyz   200 once connected to Telegram while its last call got an answer;
            503 with the reason otherwise
  /metrics  Prometheus metrics (planbot_*, Go runtime, process)`,
		Example: `  PLANBOT_TELEGRAM_TOKEN=123456:ABC… planbot serve`,
		Args:    cobra.NoArgs,
	}
	f := cmd.Flags()
	f.Int(config.FlagName(config.KeyTop), 0, "articles per answer (1-10, default 3)")
	f.String(config.FlagName(config.KeyListen), "", "address of the HTTP server: /healthz, /readyz, /metrics and, in webhook mode, the webhook (default 127.0.0.1:8080)")
	f.Int(config.FlagName(config.KeyWorkers), 0, "updates handled at once (default 8)")
	f.String(config.FlagName(config.KeyDrainTimeout), "", "on SIGTERM, how long answers in flight may take (default 10s)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := a.config(cmd)
		if err != nil {
			return err
		}
		if c.Token == "" {
			return bot.ErrNoToken // before the engine is built: fail fast
		}
		log := a.logger(c)
		e, err := engine(cmd.Context(), c)
		if err != nil {
			return err
		}
		defer e.Close()
		m := metrics.New()
		mux := http.NewServeMux()
		b, err := bot.New(e, log, bot.Options{
			Token:         c.Token,
			APIURL:        c.APIURL,
			WebhookURL:    c.WebhookURL,
			WebhookSecret: c.WebhookSecret,
			Listen:        c.Listen,
			Mux:           mux,
			Observer:      m,
			Workers:       c.Workers,
			DrainTimeout:  c.DrainTimeout,
			Top:           c.Top,
		})
		if err != nil {
			return err
		}
		routes(mux, b.Ready, m.Handler())
		return b.Run(cmd.Context())
	}
	return cmd
}

// routes are what the listen address serves besides the webhook: /healthz,
// which says the process is up and serving (planbot healthcheck asks it);
// /readyz, which says whether it can answer, and if not why (ready is
// bot.Ready: the index is built before anything is served, so what is left to
// wait for is Telegram); and /metrics for Prometheus.
func routes(mux *http.ServeMux, ready func() (bool, string), scrape http.Handler) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ok, reason := ready()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_, _ = fmt.Fprintln(w, reason)
	})
	mux.Handle("GET /metrics", scrape)
}
