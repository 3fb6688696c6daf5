package bot

import (
	"context"
	"errors"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// servePolling takes updates with getUpdates until ctx is cancelled, then
// calls stop (which drains the answers in flight) and confirms to Telegram
// every update whose handling finished.
//
// Delivery is at least once, short of what the caps of ledger let through:
// Telegram learns that an update is done only from the offset of a later
// getUpdates, and the offset is advanced past an update only once its
// handling has finished (answer sent, given up for good, or ignored). A
// process killed (SIGKILL, OOM, crash) with answers in flight gets those
// updates, and every later one not yet confirmed, delivered again to the next
// run: those it had answered are answered twice, none is lost. The exception
// is an update let through unfinished, after maxUnconfirmedAge or when more
// than maxUnconfirmed are open: this process still answers it, but a kill
// before it does loses it. A graceful stop drains first and then confirms, so
// nothing is answered twice after it, unless the drain times out: an answer
// it cut short comes back to the next run, with those after it.
func (b *Bot) servePolling(ctx context.Context, p *pool, stop func()) error {
	// A webhook left over from webhook mode would make every getUpdates a 409.
	// Pending updates are kept: they are questions waiting for an answer.
	if err := b.out.send(ctx, target{}, "deleteWebhook", tgbotapi.Params{"drop_pending_updates": "false"}, nil); err != nil && ctx.Err() == nil {
		b.log.Warn("deleteWebhook failed; polling anyway", "err", err)
	}
	b.pool.Store(p)
	b.log.Info("polling for updates")
	l := newLedger()
	b.poll(ctx, p, l)
	b.pool.Store(nil)
	stop()
	b.confirm(ctx, l.final())
	return nil
}

// poll is the update loop. It hands each update to the pool once, records it
// in l, and asks for more with the offset l gives. While taken updates are
// unconfirmed, Telegram answers getUpdates at once, so the loop then waits
// (busyPoll, or until an answer finishing moves the offset) between calls
// that bring nothing new, and long-polls only when none is open.
//
// An update the pool did not take (ctx ended while the pool was full) never
// finishes, stays unconfirmed and comes back to the next run.
func (b *Bot) poll(ctx context.Context, p *pool, l *ledger) {
	bo := backoff{min: time.Second, max: time.Minute}
	took := false // the last getUpdates brought new updates: ask again at once
	for ctx.Err() == nil {
		if !took && l.busy() {
			if err := l.wait(ctx, b.pace, busyPoll); err != nil {
				return
			}
		}
		timeout := pollTimeout
		if l.busy() {
			timeout = 0
		}
		ups, err := b.getUpdates(ctx, l.offset(b.pace.Now()), timeout)
		took = false
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if err := b.clock.Sleep(ctx, b.pollWait(err, &bo)); err != nil {
				return
			}
			continue
		}
		bo.reset()
		for _, u := range ups {
			if !l.fresh(u.UpdateID) {
				continue // taken before, still unconfirmed
			}
			if ctx.Err() != nil {
				return // shutting down: leave the rest to the next run
			}
			if err := p.submit(ctx, b.tracked(l, u)); err != nil {
				return
			}
			took = true
		}
	}
}

// tracked is the job for update u, recorded in l as taken, that tells l when
// its handling is over. Handling cut short by the drain timeout does not
// count as over: the update is not confirmed and the next run answers it.
// (Recorded before it is submitted, so that it cannot finish unrecorded; one
// the pool then refuses stays open, unfinished, and is not confirmed either.)
func (b *Bot) tracked(l *ledger, u tgbotapi.Update) job {
	j := b.job(u, time.Now())
	run := j.run
	j.run = func(ctx context.Context) {
		run(ctx)
		if ctx.Err() == nil {
			l.finish(u.UpdateID)
		}
	}
	l.take(u.UpdateID, b.pace.Now())
	return j
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
// the answers finished since the last getUpdates would be delivered again after
// a restart and answered twice.
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
