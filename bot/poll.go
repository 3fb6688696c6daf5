package bot

import (
	"context"
	"errors"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// servePolling takes updates with getUpdates until ctx is cancelled.
func (b *Bot) servePolling(ctx context.Context, p *pool) error {
	// A webhook left over from webhook mode would make every getUpdates a 409.
	// Pending updates are kept: they are questions waiting for an answer.
	if err := b.out.send(ctx, target{}, "deleteWebhook", tgbotapi.Params{"drop_pending_updates": "false"}, nil); err != nil && ctx.Err() == nil {
		b.log.Warn("deleteWebhook failed; polling anyway", "err", err)
	}
	b.pool.Store(p)
	b.log.Info("polling for updates")
	offset := b.poll(ctx, p)
	b.pool.Store(nil)
	b.confirm(ctx, offset)
	return nil
}

// poll is the update loop. It returns the offset to confirm: one past the last
// update the pool accepted.
//
// The offset of each getUpdates confirms every earlier update to Telegram, so
// it is advanced past an update only once the pool has accepted it; an accepted
// update is answered even during shutdown (see Run), so confirming it cannot
// lose it, short of the process being killed. An update the pool did not take
// (ctx ended while the pool was full) stays unconfirmed and comes back to the
// next run.
func (b *Bot) poll(ctx context.Context, p *pool) (offset int) {
	bo := backoff{min: time.Second, max: time.Minute}
	for ctx.Err() == nil {
		ups, err := b.getUpdates(ctx, offset, pollTimeout)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if err := b.clock.Sleep(ctx, b.pollWait(err, &bo)); err != nil {
				break
			}
			continue
		}
		bo.reset()
		for _, u := range ups {
			if u.UpdateID < offset {
				continue // already taken
			}
			if ctx.Err() != nil {
				return offset // shutting down: leave the rest to the next run
			}
			if err := p.submit(ctx, b.job(u, time.Now())); err != nil {
				return offset
			}
			offset = u.UpdateID + 1
		}
	}
	return offset
}

// getUpdates asks for updates from offset on, waiting up to timeout for one.
func (b *Bot) getUpdates(ctx context.Context, offset int, timeout time.Duration) ([]tgbotapi.Update, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout+15*time.Second)
	defer cancel()
	p := tgbotapi.Params{
		"timeout":         strconv.Itoa(int(timeout / time.Second)),
		"allowed_updates": allowedUpdates,
	}
	p.AddNonZero("offset", offset)
	var ups []tgbotapi.Update
	err := b.api.call(ctx, "getUpdates", p, &ups)
	return ups, err
}

// pollWait logs a failed getUpdates and says how long to wait before the next:
// what Telegram asked for on a 429, otherwise a growing backoff.
func (b *Bot) pollWait(err error, bo *backoff) time.Duration {
	wait := bo.next()
	if d, ok := retryAfter(err); ok {
		wait = d
		b.obs.RetryAfter(d)
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.conflict() {
		b.log.Error("409 Conflict: another process is taking this bot's updates (a second `planbot serve`, or a webhook is set); only one may run",
			"retry_in", wait, "err", err)
		return wait
	}
	b.log.Warn("getUpdates failed; retrying", "retry_in", wait, "err", err)
	return wait
}

// confirm tells Telegram that every update before offset is done. Telegram
// learns that only from the offset of the next getUpdates, so without this call
// the last batch would be delivered again after a restart and answered twice.
// timeout=0 returns at once; limit=1 keeps the reply small, and an update it
// returns is not confirmed by it (its id is ≥ offset) and goes to the next run.
func (b *Bot) confirm(ctx context.Context, offset int) {
	if offset == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
	defer cancel()
	p := tgbotapi.Params{"timeout": "0", "limit": "1", "allowed_updates": allowedUpdates}
	p.AddNonZero("offset", offset)
	if err := b.api.call(ctx, "getUpdates", p, nil); err != nil {
		b.log.Error("could not confirm the last updates; they may be answered again after a restart", "offset", offset, "err", err)
		return
	}
	b.log.Info("confirmed updates", "offset", offset)
}
