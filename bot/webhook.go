package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// secretHeader carries the webhook's secret_token on every request Telegram
// makes.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateBytes bounds the body of a webhook request. A message holds at most
// 4096 characters, so a real update is far smaller.
const maxUpdateBytes = 1 << 20

// acceptWait bounds how long a webhook request waits for room in a full pool
// before the bot answers 503 and Telegram delivers the update again later.
// Telegram gives up on a webhook request that takes long (and counts it as an
// error), so the request never waits for the answer itself, only for its
// place in the queue.
const acceptWait = 5 * time.Second

// serveWebhook registers the webhook with Telegram (listen already serves it)
// and takes updates until ctx is cancelled. The webhook stays registered when
// the bot stops, so Telegram keeps the updates that arrive meanwhile for the
// next run.
func (b *Bot) serveWebhook(ctx context.Context, p *pool) error {
	b.pool.Store(p)
	defer b.pool.Store(nil)
	if err := b.setWebhook(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	path, _ := webhookPath(b.opt.WebhookURL)
	b.log.Info("webhook registered; waiting for updates", "path", path, "listen", b.opt.Listen)
	<-ctx.Done()
	return nil
}

// listen serves Mux on Listen, with the webhook added to it in webhook mode,
// until the returned stop is called (once or more). The webhook answers 503
// until the bot takes updates. In polling mode without a Mux there is nothing
// to serve.
func (b *Bot) listen(ctx context.Context) (func(), error) {
	mux := b.opt.Mux
	if b.opt.WebhookURL != "" {
		path, err := webhookPath(b.opt.WebhookURL)
		if err != nil {
			return nil, err
		}
		if mux == nil {
			mux = http.NewServeMux()
		}
		mux.Handle(path, b.Handler())
	}
	if mux == nil {
		return func() {}, nil
	}
	stop, err := b.serveHTTP(ctx, mux)
	if err != nil {
		return nil, err
	}
	var once sync.Once
	return func() { once.Do(stop) }, nil
}

// webhookPath is the path of the webhook URL: where the bot listens.
func webhookPath(webhookURL string) (string, error) {
	u, err := url.Parse(webhookURL)
	if err != nil {
		return "", fmt.Errorf("webhook url: %w", err)
	}
	if u.Path == "" {
		return "/", nil
	}
	return u.Path, nil
}

// setWebhook registers the webhook with its secret and the updates the bot
// handles, retrying while Telegram is unreachable. v5.5.1's WebhookConfig has no
// secret_token, hence the plain parameters.
func (b *Bot) setWebhook(ctx context.Context) error {
	p := tgbotapi.Params{
		"url":                  b.opt.WebhookURL,
		"secret_token":         b.opt.WebhookSecret,
		"allowed_updates":      allowedUpdates,
		"drop_pending_updates": "false",
	}
	bo := backoff{min: time.Second, max: time.Minute}
	for {
		err := b.out.send(ctx, target{}, "setWebhook", p, nil)
		if err == nil {
			return nil
		}
		if permanent(err) || ctx.Err() != nil {
			return fmt.Errorf("register webhook: %w", err)
		}
		wait := bo.next()
		b.log.Warn("setWebhook failed; retrying", "retry_in", wait, "err", err)
		if err := b.clock.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// serveHTTP serves h on Listen until the returned stop is called.
func (b *Bot) serveHTTP(ctx context.Context, h http.Handler) (stop func(), err error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", b.opt.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", b.opt.Listen, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(b.log.Handler(), slog.LevelWarn),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			b.log.Error("http server stopped", "err", err)
		}
	}()
	b.log.Info("listening", "addr", ln.Addr().String())
	if b.onListen != nil {
		b.onListen(ln.Addr())
	}
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			b.log.Warn("http server shutdown", "err", err)
		}
		<-done
	}, nil
}

// Handler is the webhook endpoint. It refuses, without reading the body, any
// request whose secret header does not match (401); refuses a body over
// maxUpdateBytes (413) or one that is not an update (400); answers 503 while the
// bot is not taking updates or its queue stays full for acceptWait (Telegram
// then delivers again later); and answers 200 as soon as the update is queued,
// before it is handled, so a slow answer never holds Telegram's request. A
// repeated delivery of the same update is acknowledged and not handled again.
func (b *Bot) Handler() http.Handler {
	return http.HandlerFunc(b.webhook)
}

func (b *Bot) webhook(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	got := r.Header.Get(secretHeader)
	if b.opt.WebhookSecret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(b.opt.WebhookSecret)) != 1 {
		b.log.Warn("webhook request refused: wrong secret token", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	start := time.Now()
	p := b.pool.Load()
	if p == nil {
		w.Header().Set("Retry-After", "5")
		http.Error(w, "not taking updates", http.StatusServiceUnavailable)
		return
	}
	u, status, err := readUpdate(w, r)
	if err != nil {
		b.log.Warn("webhook request refused: not an update", "status", status, "err", err)
		http.Error(w, http.StatusText(status), status)
		return
	}
	key := strconv.Itoa(u.UpdateID)
	if !b.seen.add(b.clock.Now(), key, struct{}{}) {
		w.WriteHeader(http.StatusOK) // delivered again; already taken
		return
	}
	if err := b.accept(r.Context(), p, b.job(u, start)); err != nil {
		b.seen.del(key)
		b.log.Warn("webhook request refused: queue full or shutting down; telegram will deliver it again", "update_id", u.UpdateID, "err", err)
		w.Header().Set("Retry-After", "5")
		http.Error(w, "not taking updates", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// readUpdate decodes the body of a webhook request, or says which status
// refuses it: 413 when it is over maxUpdateBytes, 400 when it is not an update.
func readUpdate(w http.ResponseWriter, r *http.Request) (tgbotapi.Update, int, error) {
	var u tgbotapi.Update
	if r.ContentLength > maxUpdateBytes {
		return u, http.StatusRequestEntityTooLarge, fmt.Errorf("body of %d bytes", r.ContentLength)
	}
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxUpdateBytes)).Decode(&u)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return u, http.StatusRequestEntityTooLarge, err
	case err != nil:
		return u, http.StatusBadRequest, err
	}
	return u, http.StatusOK, nil
}

// accept queues a job, waiting at most acceptWait (on the bot's clock) for room.
func (b *Bot) accept(ctx context.Context, p *pool, j job) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		if b.clock.Sleep(ctx, acceptWait) == nil {
			cancel()
		}
	}()
	return p.submit(ctx, j)
}
