// Package bot is planbot on Telegram: the update loop (long polling or a
// webhook), commands, groups, inline mode, buttons, and the limits on what goes
// in and out.
//
// It never reads the plan itself: questions go to a Searcher, and every text
// quoting the plan comes from package answers. It speaks to the Bot API through
// github.com/go-telegram-bot-api/telegram-bot-api/v5 v5.5.1, using the
// library's types and MakeRequest but its own loop, timeouts, retries and
// token scrubbing (see api.go).
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"planbot/retrieval"
)

// Searcher is what the bot needs of the search engine (*retrieval.Engine).
type Searcher interface {
	Search(ctx context.Context, q string, top int) (retrieval.Result, error)
	Check(ctx context.Context, phrase string) (retrieval.CheckResult, error)
	Documents() []*retrieval.Document
}

// Options are the bot's settings, copied from the configuration by main.
// Zero values mean the defaults given.
type Options struct {
	Token  string // from @BotFather; required
	APIURL string // base of the Bot API; default https://api.telegram.org
	// WebhookURL switches from long polling to a webhook: the public https URL
	// Telegram posts updates to. Its path is where the bot listens.
	WebhookURL    string
	WebhookSecret string // required with WebhookURL; checked on every request
	// Listen is the address the webhook (and Mux) is served on.
	Listen string
	// Mux, when set, is served on Listen in both modes from the start of Run
	// (before Telegram is reached), with the webhook added to it in webhook
	// mode: health, readiness (see Ready) and metrics endpoints go here.
	Mux          *http.ServeMux
	Workers      int           // updates handled at once; default 8
	DrainTimeout time.Duration // how long shutdown waits for answers in flight; default 10s
	Top          int           // hits per answer; default 3
	// FloodLimit questions per FloodWindow are answered for one user; the
	// next gets one notice and the rest are ignored. Defaults 10 per minute.
	FloodLimit  int
	FloodWindow time.Duration
	// HTTPClient calls the Bot API; default: one with dial, TLS and total
	// timeouts. Its Timeout, if any, must exceed a long poll (50 s).
	HTTPClient *http.Client
	// Observer is told what the bot does, for metrics; default: nobody.
	Observer Observer
}

// Errors Run and New return for conditions an operator must fix; main prints
// them as they are.
var (
	// ErrNoToken: the token is missing.
	ErrNoToken = errors.New("no Telegram bot token: set PLANBOT_TELEGRAM_TOKEN to the token @BotFather gave you")
	// ErrBadToken: Telegram refused the token (401/404 on getMe).
	ErrBadToken = errors.New("telegram refused the bot token (check PLANBOT_TELEGRAM_TOKEN)")
)

// Defaults.
const (
	defaultAPIURL      = "https://api.telegram.org"
	defaultWorkers     = 8
	defaultDrain       = 10 * time.Second
	defaultTop         = 3
	defaultFloodLimit  = 10
	defaultFloodWindow = time.Minute
	queuePerWorker     = 16 // accepted, unfinished updates per worker before the loop waits
	moreCacheSize      = 4096
	moreCacheTTL       = 24 * time.Hour
)

// Bot answers questions on Telegram. Make one with New and start it with Run.
type Bot struct {
	opt    Options
	search Searcher
	log    *slog.Logger
	clock  clock
	// pace is the polling loop's clock: how long it waits between getUpdates
	// while answers are in flight, and how long an update may stay
	// unconfirmed (ledger.go). It is the wall clock but for tests, kept apart
	// from clock because most tests' clocks wait for nothing, and the loop
	// would spin on them.
	pace   clock
	http   *http.Client
	flood  *flood
	more   *lru[moreQuery]
	seen   *lru[struct{}]
	budget int // message budget for answers; 0: answers.MaxMessage (tests lower it)
	obs    Observer

	// What Ready reports: getMe has succeeded (in this Run), and the method of
	// the last Bot API call that got no answer (nil when the last call got one).
	connected  atomic.Bool
	silent     atomic.Pointer[string]
	wake       chan struct{} // sawCall tells probe that Telegram fell silent
	probeEvery time.Duration // how often probe asks; tests shorten it

	// Set by Run before any update is handled.
	api  *api
	out  *sender
	self tgbotapi.User
	pool atomic.Pointer[pool] // nil while not taking updates

	onListen func(net.Addr) // tests learn the webhook address here
}

// New checks the options and returns a bot ready to Run. It does no I/O. A nil
// log discards.
func New(s Searcher, log *slog.Logger, o Options) (*Bot, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.Token == "" {
		return nil, ErrNoToken
	}
	log = slog.New(redact(log.Handler(), o.Token, o.WebhookSecret))
	if o.WebhookURL != "" && o.WebhookSecret == "" {
		return nil, errors.New("webhook mode needs a secret (PLANBOT_TELEGRAM_WEBHOOK_SECRET)")
	}
	if o.WebhookURL != "" && o.Listen == "" {
		return nil, errors.New("webhook mode needs a listen address (PLANBOT_LISTEN)")
	}
	if o.APIURL == "" {
		o.APIURL = defaultAPIURL
	}
	if o.Workers <= 0 {
		o.Workers = defaultWorkers
	}
	if o.DrainTimeout <= 0 {
		o.DrainTimeout = defaultDrain
	}
	if o.Top <= 0 {
		o.Top = defaultTop
	}
	if o.FloodLimit <= 0 {
		o.FloodLimit = defaultFloodLimit
	}
	if o.FloodWindow <= 0 {
		o.FloodWindow = defaultFloodWindow
	}
	c := o.HTTPClient
	if c == nil {
		c = newHTTPClient()
	}
	if len(s.Documents()) == 0 {
		return nil, errors.New("bot: the searcher has no documents")
	}
	obs := o.Observer
	if obs == nil {
		obs = nopObserver{}
	}
	return &Bot{
		opt:    o,
		search: s,
		log:    log,
		clock:  realClock{},
		pace:   realClock{},
		http:   c,
		flood:  newFlood(o.FloodLimit, o.FloodWindow),
		more:   newLRU[moreQuery](moreCacheSize, moreCacheTTL),
		seen:   newLRU[struct{}](4096, time.Hour),
		obs:    obs,

		wake:       make(chan struct{}, 1),
		probeEvery: probeEvery,
	}, nil
}

// Run connects to Telegram and answers updates until ctx is cancelled, then
// stops taking updates, lets the answers in flight finish (up to
// DrainTimeout) and returns nil. It returns an error only when it cannot start:
// a refused token, a webhook Telegram will not accept, an address it cannot
// listen on. The listen address is served from the start, so that health and
// readiness can be asked while Telegram is still being reached, and until the
// bot stops taking updates.
func (b *Bot) Run(ctx context.Context) error {
	defer b.http.CloseIdleConnections() // a stopped bot keeps no connections (nor their goroutines)
	defer b.connected.Store(false)
	stopHTTP, err := b.listen(ctx)
	if err != nil {
		return err
	}
	defer stopHTTP()
	if err := b.login(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while still connecting
		}
		return err
	}
	b.setCommands(ctx)
	stopProbe := b.startProbe(ctx)
	defer stopProbe()

	// Answers in flight outlive ctx: they run on a context of their own,
	// cancelled only when the drain time is up.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	p := newPool(work, b.opt.Workers, b.opt.Workers*queuePerWorker)

	stop := func() {
		stopHTTP()
		b.drain(p, cancelWork)
	}
	if b.opt.WebhookURL != "" {
		err = b.serveWebhook(ctx, p)
		stop()
		return err
	}
	return b.servePolling(ctx, p, stop) // confirms what finished after stop
}

// login learns who the bot is (getMe), retrying with backoff while Telegram is
// unreachable rather than failing: a crash loop would help nobody.
func (b *Bot) login(ctx context.Context) error {
	bo := backoff{min: time.Second, max: time.Minute}
	for attempt := 1; ; attempt++ {
		a, err := connect(ctx, b.opt.Token, b.opt.APIURL, b.http, b.sawCall)
		if err == nil {
			b.api = a
			b.self = a.self()
			b.out = &sender{api: a, lim: newLimits(), clock: b.clock, log: b.log, obs: b.obs}
			b.connected.Store(true)
			b.log.Info("connected to telegram", "bot", b.self.UserName, "id", b.self.ID)
			return nil
		}
		var ae *APIError
		if errors.As(err, &ae) && (ae.Code == http.StatusUnauthorized || ae.Code == http.StatusNotFound) {
			return fmt.Errorf("%w: %s", ErrBadToken, ae.Message)
		}
		wait := bo.next()
		if d, ok := retryAfter(err); ok {
			wait = d
			b.obs.RetryAfter(d)
		}
		b.log.Warn("telegram unreachable; retrying", "attempt", attempt, "in", wait, "err", err)
		if err := b.clock.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// drain stops the pool: it waits up to DrainTimeout for accepted updates, then
// cancels the rest and waits for them to give up.
func (b *Bot) drain(p *pool, cancelWork context.CancelFunc) {
	b.pool.Store(nil)
	ctx, cancel := context.WithTimeout(context.Background(), b.opt.DrainTimeout)
	defer cancel()
	if !p.close(ctx) {
		b.log.Warn("drain timeout: cancelling answers still in flight", "timeout", b.opt.DrainTimeout)
		cancelWork()
	}
	p.stop()
	b.log.Info("stopped")
}

// setCommands registers the command menu. Failing is not fatal: the commands
// work without the menu.
func (b *Bot) setCommands(ctx context.Context) {
	var cmds []tgbotapi.BotCommand
	for _, c := range commandList() {
		cmds = append(cmds, tgbotapi.BotCommand{Command: c[0], Description: c[1]})
	}
	p := tgbotapi.Params{"commands": marshal(cmds)}
	if err := b.out.send(ctx, target{}, "setMyCommands", p, nil); err != nil {
		b.log.Warn("setMyCommands failed; the commands work, only the menu is missing", "err", err)
	}
}

// allowedUpdates lists, as JSON, every kind of update the bot handles; Telegram
// sends no others, so none is confirmed without being looked at.
const allowedUpdates = `["message","callback_query","inline_query"]`
