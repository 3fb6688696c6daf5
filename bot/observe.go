package bot

import (
	"errors"
	"net/http"
	"strconv"
	"time"
)

// Observer is told what the bot does, so that an operator can count it
// (package metrics implements it for Prometheus). The bot calls it from many
// goroutines, so its methods must be safe for that and return quickly. It is
// handed only bounded values: never a chat, a user, the text of a message or
// anything secret.
type Observer interface {
	// Update: the bot began handling an update of kind "message",
	// "callback_query", "inline_query" or "other".
	Update(kind string)
	// Answer: the answer to a question (a message asking the plan something,
	// or an inline query with text) reached Telegram, latency after the update
	// arrived. found is false when the answer says the plan has nothing on it.
	Answer(latency time.Duration, found bool)
	// Inline: an inline query was answered (an empty one, with the examples,
	// too).
	Inline()
	// APIError: a Bot API call failed; code is one of those errorCode names.
	APIError(code string)
	// RetryAfter: Telegram answered 429 and the bot waits d before asking
	// again.
	RetryAfter(d time.Duration)
	// Outgoing: a request joined (+1) or left (-1) the outgoing queue, where
	// requests wait for their slot under the rate limits and are sent, or sent
	// again.
	Outgoing(delta int)
}

// nopObserver is the Observer when Options has none.
type nopObserver struct{}

func (nopObserver) Update(string)              {}
func (nopObserver) Answer(time.Duration, bool) {}
func (nopObserver) Inline()                    {}
func (nopObserver) APIError(string)            {}
func (nopObserver) RetryAfter(time.Duration)   {}
func (nopObserver) Outgoing(int)               {}

// errorCode names what made a Bot API call fail, from a bounded set: the error
// code Telegram gave ("400", "403", "409", "429", "500" … for the codes it
// uses, "4xx" or "5xx" for others), "network" when no answer came (refused,
// reset, timed out), "malformed" when an answer came with status 200 but could
// not be read, "other" otherwise.
func errorCode(err error, status int) string {
	var ae *APIError
	switch {
	case errors.As(err, &ae):
		return statusCode(ae.Code)
	case status == 0:
		return "network"
	case status == http.StatusOK:
		return "malformed"
	}
	return statusCode(status) // a proxy's 502 with a page that is not JSON
}

// statusCode is the label of an HTTP status or Telegram error code.
func statusCode(code int) string {
	switch code {
	case 400, 401, 403, 404, 409, 413, 429, 500, 502, 503, 504:
		return strconv.Itoa(code)
	}
	switch {
	case code >= 400 && code < 500:
		return "4xx"
	case code >= 500 && code < 600:
		return "5xx"
	}
	return "other"
}
