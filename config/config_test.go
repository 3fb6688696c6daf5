package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "planbot.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLayering(t *testing.T) {
	file := writeFile(t, "top: 4\nmin_coverage: 0.4\ntelegram:\n  api_url: http://file.example\nlog:\n  level: warn\n")
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.Int(FlagName(KeyTop), 0, "")
	fs.String(FlagName(KeyLogLevel), "", "")
	if err := fs.Parse([]string{"--top", "6"}); err != nil {
		t.Fatal(err)
	}
	c, err := Load(Input{File: file, Env: []string{"PLANBOT_TOP=5", "PLANBOT_TELEGRAM_API_URL=http://env.example", "HOME=/x"}, Flags: fs})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key, src  string
		got, want any
	}{
		{KeyTop, FromFlag, c.Top, 6},                                   // flag beats env and file
		{KeyAPIURL, FromEnv, c.APIURL, "http://env.example"},           // env beats file
		{KeyMinCoverage, FromFile, c.MinCoverage, 0.4},                 // file beats default
		{KeyLogLevel, FromFile, c.LogLevel, "warn"},                    // nested key from file
		{KeyListen, FromDefault, c.Listen, "127.0.0.1:8080"},           // default
		{KeyDrainTimeout, FromDefault, c.DrainTimeout.String(), "10s"}, // duration default
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.key, tc.got, tc.want)
		}
		if c.sources[tc.key] != tc.src {
			t.Errorf("%s came from %s, want %s", tc.key, c.sources[tc.key], tc.src)
		}
	}
}

func TestInvalidValuesNameTheKey(t *testing.T) {
	for _, tc := range []struct {
		env []string
		key string
	}{
		{[]string{"PLANBOT_TOP=0"}, "top"},
		{[]string{"PLANBOT_TOP=three"}, "top"},
		{[]string{"PLANBOT_MIN_COVERAGE=1.5"}, "min_coverage"},
		{[]string{"PLANBOT_TELEGRAM_API_URL=ftp://x"}, "telegram.api_url"},
		{[]string{"PLANBOT_TELEGRAM_WEBHOOK_URL=https://bot.example/hook"}, "telegram.webhook_secret"},
		{[]string{"PLANBOT_TELEGRAM_WEBHOOK_URL=http://bot.example/hook", "PLANBOT_TELEGRAM_WEBHOOK_SECRET=abc"}, "telegram.webhook_url"},
		{[]string{"PLANBOT_TELEGRAM_WEBHOOK_SECRET=has space"}, "telegram.webhook_secret"},
		{[]string{"PLANBOT_LOG_FORMAT=xml"}, "log.format"},
		{[]string{"PLANBOT_LOG_LEVEL=loud"}, "log.level"},
		{[]string{"PLANBOT_BOT_WORKERS=0"}, "bot.workers"},
		{[]string{"PLANBOT_BOT_DRAIN_TIMEOUT=soon"}, "bot.drain_timeout"},
	} {
		_, err := Load(Input{Env: tc.env})
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%v: err = %v, want ErrInvalid naming %s", tc.env, err, tc.key)
		}
	}
}

func TestFileErrors(t *testing.T) {
	if _, err := Load(Input{File: filepath.Join(t.TempDir(), "missing.yaml")}); err == nil {
		t.Error("a missing config file named on the command line must be an error")
	}
	if _, err := Load(Input{File: writeFile(t, "top: [1, 2\n")}); err == nil {
		t.Error("malformed YAML accepted")
	}
	_, err := Load(Input{File: writeFile(t, "topp: 3\n")})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "topp") {
		t.Errorf("unknown key: %v", err)
	}
}

func TestSettingsMaskSecrets(t *testing.T) {
	c, err := Load(Input{Env: []string{"PLANBOT_TELEGRAM_TOKEN=123456:SECRET-token", "PLANBOT_TELEGRAM_WEBHOOK_SECRET=s3cret"}})
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, s := range c.Settings() {
		all.WriteString(s.Key + "=" + s.Value + " " + s.Source + " " + s.Env + "\n")
	}
	out := all.String()
	if strings.Contains(out, "SECRET-token") || strings.Contains(out, "s3cret") {
		t.Fatalf("secret shown:\n%s", out)
	}
	if !strings.Contains(out, "telegram.token=****** (set) env PLANBOT_TELEGRAM_TOKEN") {
		t.Errorf("token line missing or wrong:\n%s", out)
	}
	if c.Token != "123456:SECRET-token" {
		t.Error("the token itself must still be available to the program")
	}
}

func TestEnvName(t *testing.T) {
	for key, want := range map[string]string{KeyToken: "PLANBOT_TELEGRAM_TOKEN", KeyDictDir: "PLANBOT_DICT_DIR", KeyLogFormat: "PLANBOT_LOG_FORMAT", KeyListen: "PLANBOT_LISTEN"} {
		if got := EnvName(key); got != want {
			t.Errorf("EnvName(%s) = %s, want %s", key, got, want)
		}
	}
}
