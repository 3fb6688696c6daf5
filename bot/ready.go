package bot

import (
	"context"
	"errors"
	"time"
)

// probeEvery is how often, while Telegram has not answered the bot's last
// call, the bot asks it getMe to learn when it is back.
const probeEvery = 5 * time.Second

// Ready says whether the bot can answer: it has connected to Telegram (getMe
// succeeded) and the latest Bot API call got an answer from Telegram, whatever
// its status, rather than no answer at all (refused, reset, timed out). The
// search index is built before the bot exists (New takes the searcher), so it
// is not waited for here. While Telegram is silent the bot asks it getMe every
// few seconds (see probe), so Ready turns true again soon after it is back.
// reason says, in one line, what is missing; it names a Bot API method at
// most, never an error text, so it is safe to show anyone. Ready only reads
// two atomics: a health checker may ask as often as it likes.
func (b *Bot) Ready() (ok bool, reason string) {
	if !b.connected.Load() {
		return false, "not connected to Telegram yet (getMe has not succeeded)"
	}
	if m := b.silent.Load(); m != nil {
		return false, "Telegram did not answer the last call (" + *m + ")"
	}
	return true, "ready"
}

// sawCall records how a Bot API call went, for Ready and the Observer: status
// is the HTTP status of the answer, 0 when none came; err is the call's error,
// nil when it succeeded. A call given up for the bot's own reasons (its context
// cancelled, at shutdown) says nothing about Telegram and is not recorded.
func (b *Bot) sawCall(ctx context.Context, method string, status int, err error) {
	if status == 0 && errors.Is(ctx.Err(), context.Canceled) {
		return
	}
	if status != 0 {
		b.silent.Store(nil)
	} else if b.silent.Swap(&method) == nil {
		select { // Telegram fell silent: wake the prober
		case b.wake <- struct{}{}:
		default:
		}
	}
	if err != nil {
		b.obs.APIError(errorCode(err, status))
	}
}

// startProbe runs probe until the returned stop is called; stop waits for it.
func (b *Bot) startProbe(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.probe(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// probe asks Telegram getMe every probeEvery while the bot's last call got no
// answer, so that Ready turns true again as soon as Telegram answers, even
// when the bot has nothing else to ask: a long poll still waiting for updates,
// a webhook getting none (and getting none because the bot is not ready). It
// waits on the wall clock, not the bot's: the tests' clocks wait for nothing,
// and it would spin.
func (b *Bot) probe(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.wake:
		}
		for b.silent.Load() != nil {
			if err := (realClock{}).Sleep(ctx, b.probeEvery); err != nil {
				return
			}
			_ = b.api.call(ctx, "getMe", nil, nil) // sawCall records the outcome
		}
	}
}
