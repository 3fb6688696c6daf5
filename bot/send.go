package bot

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// retryFor bounds how long a message to a chat failing with a network or
// server error (5xx, timeout, reset, unreadable reply) is sent again: long
// enough to ride out an outage of the Bot API, so that no answer is lost to
// one. Such a request may have reached Telegram with only its reply lost, so
// resending risks a duplicate; a lost answer would be worse. Other requests
// (replies to button presses and inline queries, which expire; settings) get
// retryForOther. 429s are different (Telegram refused the message) and are
// retried until the context ends.
const (
	retryFor      = 5 * time.Minute
	retryForOther = 5 * time.Second
)

// sender is the outgoing queue: every message waits for its slot under the
// rate limits, and a 429 pauses the chat for retry_after and sends the same
// message again, so nothing is dropped for being too fast.
type sender struct {
	api   *api
	lim   *limits
	clock clock
	log   *slog.Logger
	obs   Observer
}

// target says which limits a request counts against: a chat message (chat ≠ 0)
// or a reply to a query (chat = 0), which Telegram does not count as a message.
type target struct {
	chat  int64
	group bool
}

// send delivers a request, waiting for its slot and retrying as described on
// sender. out receives the result (nil: ignored).
func (s *sender) send(ctx context.Context, to target, method string, p tgbotapi.Params, out any) error {
	s.obs.Outgoing(1)
	defer s.obs.Outgoing(-1)
	bo := backoff{min: time.Second, max: 4 * time.Second}
	var failing time.Time // since when the request has failed; zero: it has not
	budget := retryFor
	if to.chat == 0 {
		budget = retryForOther
	}
	for {
		if err := s.wait(ctx, to); err != nil {
			return err
		}
		err := s.api.call(ctx, method, p, out)
		if err == nil {
			return nil
		}
		if d, ok := retryAfter(err); ok {
			s.obs.RetryAfter(d)
			s.log.Warn("telegram asked to slow down; sending again", "method", method, "retry_after", d)
			if to.chat != 0 {
				s.lim.pause(to.chat, s.clock.Now().Add(d))
				continue // wait() sits out the pause
			}
			if err := s.clock.Sleep(ctx, d); err != nil {
				return err
			}
			continue
		}
		var ae *APIError
		if errors.As(err, &ae) && ae.MigrateTo != 0 && to.chat != 0 {
			s.log.Info("group became a supergroup; sending there", "method", method)
			to.chat = ae.MigrateTo
			p["chat_id"] = strconv.FormatInt(ae.MigrateTo, 10)
			continue
		}
		if failing.IsZero() {
			failing = s.clock.Now()
		}
		if permanent(err) || ctx.Err() != nil || s.clock.Now().Sub(failing) >= budget {
			return err
		}
		s.log.Warn("send failed; trying again", "method", method, "err", err)
		if err := s.clock.Sleep(ctx, bo.next()); err != nil {
			return err
		}
	}
}

// wait blocks until the request's slot under the rate limits has come.
func (s *sender) wait(ctx context.Context, to target) error {
	if to.chat == 0 {
		return ctx.Err()
	}
	at := s.lim.reserveChat(s.clock.Now(), to.chat, to.group)
	if err := s.clock.Sleep(ctx, at.Sub(s.clock.Now())); err != nil {
		return err
	}
	at = s.lim.reserveGlobal(s.clock.Now())
	return s.clock.Sleep(ctx, at.Sub(s.clock.Now()))
}
