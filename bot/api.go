package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Timeouts of one Bot API call. A long poll holds the connection for
// pollTimeout, so its deadline is longer than that of any other call.
const (
	pollTimeout = 50 * time.Second
	callTimeout = 20 * time.Second
	dialTimeout = 10 * time.Second
)

// APIError is a refusal from the Bot API: its error code, description and,
// for 429 Too Many Requests, how long to wait.
type APIError struct {
	Method     string
	Code       int
	Message    string
	RetryAfter time.Duration
	MigrateTo  int64 // a group that became a supergroup has this new chat id
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("telegram %s: %d %s", e.Method, e.Code, e.Message)
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// conflict reports a 409: another process is polling with the same token, or a
// webhook is set while polling.
func (e *APIError) conflict() bool { return e.Code == http.StatusConflict }

// api calls the Bot API through the library's MakeRequest, which v5.5.1 offers
// for any method and any field it does not know (reply_parameters,
// link_preview_options, secret_token). The library takes no context, so every
// call runs on a shallow copy of the BotAPI whose client binds the caller's
// context to the request; and since the library's transport errors carry the
// request URL, and the URL carries the token, every error is scrubbed here.
type api struct {
	bot   *tgbotapi.BotAPI
	token string
	http  *http.Client
	seen  seenFunc // nil: nobody listens
}

// seenFunc is told how each Bot API call went: the HTTP status of the answer
// (0 when none came) and the call's error, scrubbed (nil when it succeeded).
type seenFunc func(ctx context.Context, method string, status int, err error)

func (f seenFunc) call(ctx context.Context, method string, status int, err error) {
	if f != nil {
		f(ctx, method, status, err)
	}
}

// newHTTPClient is the client the bot uses when none is given: bounded dial
// and TLS handshakes, and a total deadline longer than a long poll. Each call
// also carries its own context deadline.
func newHTTPClient() *http.Client {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   dialTimeout,
		ResponseHeaderTimeout: pollTimeout + 15*time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   32,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: tr, Timeout: pollTimeout + 20*time.Second}
}

// ctxDoer binds a context to each request the library makes, and notes the
// status of the answer (which the library does not return) in *status.
type ctxDoer struct {
	ctx    context.Context
	c      *http.Client
	status *int
}

func (d ctxDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.c.Do(req.WithContext(d.ctx))
	if err == nil {
		*d.status = resp.StatusCode
	}
	return resp, err
}

// endpoint turns the base URL of the Bot API into the library's format string
// (base/bot<token>/<method>).
func endpoint(base string) string {
	return strings.ReplaceAll(strings.TrimRight(base, "/"), "%", "%%") + "/bot%s/%s"
}

// connect calls getMe, through the library's constructor, to learn who the bot
// is. It fails only for the given context's reasons, so the caller decides
// about retries. seen is told how getMe and every later call went.
func connect(ctx context.Context, token, base string, c *http.Client, seen seenFunc) (*api, error) {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	var status int
	b, err := tgbotapi.NewBotAPIWithClient(token, endpoint(base), ctxDoer{cctx, c, &status})
	if err != nil {
		err = scrub(token, "getMe", err)
		seen.call(cctx, "getMe", status, err)
		return nil, err
	}
	seen.call(cctx, "getMe", status, nil)
	b.Client = nil // every call sets its own; a stale context must not leak
	return &api{bot: b, token: token, http: c, seen: seen}, nil
}

// self is the bot's own account, as getMe reported it.
func (a *api) self() tgbotapi.User { return a.bot.Self }

// call makes one request and decodes its result into out (unless out is nil).
func (a *api) call(ctx context.Context, method string, p tgbotapi.Params, out any) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, callTimeout)
		defer cancel()
	}
	var status int
	b := *a.bot
	b.Client = ctxDoer{ctx, a.http, &status}
	err := a.make(&b, method, p, out)
	a.seen.call(ctx, method, status, err)
	return err
}

// make is call's request on b, its client bound to the call's context.
func (a *api) make(b *tgbotapi.BotAPI, method string, p tgbotapi.Params, out any) error {
	resp, err := b.MakeRequest(method, p)
	if err != nil {
		return scrub(a.token, method, err)
	}
	if out != nil && len(resp.Result) > 0 {
		if err := json.Unmarshal(resp.Result, out); err != nil {
			return fmt.Errorf("telegram %s: decode result: %w", method, err)
		}
	}
	return nil
}

// scrub turns the library's errors into ours: API refusals into *APIError, and
// transport errors into errors whose text cannot contain the token.
func scrub(token, method string, err error) error {
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		return &APIError{
			Method:     method,
			Code:       te.Code,
			Message:    strings.ReplaceAll(te.Message, token, "<token>"),
			RetryAfter: time.Duration(te.RetryAfter) * time.Second,
			MigrateTo:  te.MigrateToChatID,
		}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// The URL is …/bot<token>/<method>: keep only the method. The
		// wrapped cause (dial, TLS, timeout, context) stays reachable.
		return &transportError{method: method, op: ue.Op, err: ue.Err, token: token}
	}
	return &transportError{method: method, err: err, token: token}
}

// transportError is a failed request without the URL (and so without the
// token) in its text.
type transportError struct {
	method, op, token string
	err               error
}

func (e *transportError) Error() string {
	s := "telegram " + e.method + ": "
	if e.op != "" {
		s += strings.ToLower(e.op) + ": "
	}
	s += e.err.Error()
	if e.token != "" {
		s = strings.ReplaceAll(s, e.token, "<token>")
	}
	return s
}

func (e *transportError) Unwrap() error { return e.err }

// retryAfter says how long Telegram asked to wait, if err is a 429.
func retryAfter(err error) (time.Duration, bool) {
	var ae *APIError
	if errors.As(err, &ae) && ae.Code == http.StatusTooManyRequests {
		d := ae.RetryAfter
		if d <= 0 {
			d = time.Second
		}
		return d, true
	}
	return 0, false
}

// permanent reports an error that sending again will not cure: a refusal other
// than 429 and server errors (blocked by the user, chat not found, bad request).
func permanent(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Code != http.StatusTooManyRequests && ae.Code < 500
}
