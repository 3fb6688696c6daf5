package bot

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// testToken has the shape of a real token; no test may find it in a log line
// or an error.
const testToken = "123456789:AAE-fakeTOKENfor_tests-0123456789abc"

func TestScrub(t *testing.T) {
	leak := "https://api.telegram.org/bot" + testToken + "/sendMessage"
	tests := []struct {
		name string
		in   error
		is   error // errors.Is must still find it
		code int   // *APIError code, 0: not an API error
		wait time.Duration
	}{
		{"transport", &url.Error{Op: "Post", URL: leak, Err: syscall.ECONNREFUSED}, syscall.ECONNREFUSED, 0, 0},
		{"deadline", &url.Error{Op: "Post", URL: leak, Err: context.DeadlineExceeded}, context.DeadlineExceeded, 0, 0},
		{"token in another error", errors.New("weird " + leak), nil, 0, 0},
		{"429", &tgbotapi.Error{Code: 429, Message: "Too Many Requests", ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 3}}, nil, 429, 3 * time.Second},
		{"403", &tgbotapi.Error{Code: 403, Message: "Forbidden: bot was blocked by the user"}, nil, 403, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := scrub(testToken, "sendMessage", tc.in)
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("token in %q", err)
			}
			if !strings.Contains(err.Error(), "sendMessage") {
				t.Errorf("%q does not name the method", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
			var ae *APIError
			if got := errors.As(err, &ae); got != (tc.code != 0) || got && (ae.Code != tc.code || ae.RetryAfter != tc.wait) {
				t.Errorf("APIError %+v, want code %d retry %s", ae, tc.code, tc.wait)
			}
		})
	}
}

func TestCallErrorsCarryNoToken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ln.Close()
	a := &api{bot: &tgbotapi.BotAPI{Token: testToken}, token: testToken, http: &http.Client{}}
	a.bot.SetAPIEndpoint(endpoint(base))
	err = a.call(context.Background(), "sendMessage", tgbotapi.Params{"text": "x"}, nil)
	if err == nil || strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), base) {
		t.Errorf("call error %q: want an error without token or URL", err)
	}
}

func TestEndpoint(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.telegram.org": "https://api.telegram.org/bot%s/%s",
		"http://127.0.0.1:8081/":   "http://127.0.0.1:8081/bot%s/%s",
		"http://proxy/tg%2Fapi":    "http://proxy/tg%%2Fapi/bot%s/%s",
	} {
		if got := endpoint(in); got != want {
			t.Errorf("endpoint(%q) = %q, want %q", in, got, want)
		}
	}
}
