// Package config reads planbot's settings with one viper instance, in the order
// defaults < planbot.yaml < PLANBOT_* environment < command-line flags, and checks
// them. Only package main imports it; everything else gets plain Options.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Keys, as written in planbot.yaml. The environment name is PLANBOT_ plus the key
// upper-cased with dots as underscores (telegram.token → PLANBOT_TELEGRAM_TOKEN).
const (
	KeyDictDir       = "dict_dir"
	KeyTop           = "top"
	KeyMinCoverage   = "min_coverage"
	KeyToken         = "telegram.token"
	KeyAPIURL        = "telegram.api_url"
	KeyWebhookURL    = "telegram.webhook_url"
	KeyWebhookSecret = "telegram.webhook_secret"
	KeyListen        = "listen"
	KeyLogFormat     = "log.format"
	KeyLogLevel      = "log.level"
	KeyWorkers       = "bot.workers"
	KeyDrainTimeout  = "bot.drain_timeout"
)

// defaults lists every key with its default; a key not here does not exist.
var defaults = map[string]any{
	KeyDictDir:       "",
	KeyTop:           3,
	KeyMinCoverage:   0.5,
	KeyToken:         "",
	KeyAPIURL:        "https://api.telegram.org",
	KeyWebhookURL:    "",
	KeyWebhookSecret: "",
	KeyListen:        "127.0.0.1:8080",
	KeyLogFormat:     "text",
	KeyLogLevel:      "info",
	KeyWorkers:       8,
	KeyDrainTimeout:  "10s",
}

// secret keys are masked whenever the configuration is shown.
var secret = map[string]bool{KeyToken: true, KeyWebhookSecret: true}

// Config is the checked, typed configuration.
type Config struct {
	DictDir       string
	Top           int
	MinCoverage   float64
	Token         string
	APIURL        string
	WebhookURL    string
	WebhookSecret string
	Listen        string
	LogFormat     string
	LogLevel      string
	Workers       int
	DrainTimeout  time.Duration

	sources map[string]string
	values  map[string]any
}

// Sources says where a value came from, for `planbot config`.
const (
	FromDefault = "default"
	FromFile    = "file"
	FromEnv     = "env"
	FromFlag    = "flag"
)

// ErrInvalid is wrapped by every validation error; the message names the key.
var ErrInvalid = errors.New("invalid configuration")

// Input is what Load reads from: an optional YAML file (empty: none; a missing
// named file is an error), the environment as os.Environ() lists it, and parsed
// flags named by FlagName (flags not set on the command line are ignored).
type Input struct {
	File  string
	Env   []string
	Flags *pflag.FlagSet
}

// Load layers defaults, file, environment and flags, then validates.
func Load(in Input) (Config, error) {
	v := viper.New()
	v.SetConfigType("yaml")
	src := map[string]string{}
	for k, d := range defaults {
		v.SetDefault(k, d)
		src[k] = FromDefault
	}
	if in.File != "" {
		b, err := os.ReadFile(in.File)
		if err != nil {
			return Config{}, fmt.Errorf("read config file: %w", err)
		}
		if err := v.ReadConfig(bytes.NewReader(b)); err != nil {
			return Config{}, fmt.Errorf("parse config file %s: %w", in.File, err)
		}
		for _, k := range v.AllKeys() {
			if _, known := defaults[k]; !known {
				return Config{}, fmt.Errorf("%w: unknown key %q in %s", ErrInvalid, k, in.File)
			}
			if v.InConfig(k) {
				src[k] = FromFile
			}
		}
	}
	env := envMap(in.Env)
	for k := range defaults {
		if val, ok := env[EnvName(k)]; ok {
			v.Set(k, val)
			src[k] = FromEnv
		}
	}
	if in.Flags != nil {
		in.Flags.Visit(func(f *pflag.Flag) {
			for k := range defaults {
				if FlagName(k) == f.Name {
					v.Set(k, f.Value.String())
					src[k] = FromFlag
				}
			}
		})
	}
	return decode(v, src)
}

// FlagName is the command-line flag that sets key (log.format → --log-format).
func FlagName(key string) string {
	return strings.NewReplacer(".", "-", "_", "-").Replace(key)
}

// EnvName is the environment variable that sets key.
func EnvName(key string) string {
	return "PLANBOT_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

func envMap(env []string) map[string]string {
	m := map[string]string{}
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "PLANBOT_") {
			m[k] = val
		}
	}
	return m
}

func decode(v *viper.Viper, src map[string]string) (Config, error) {
	c := Config{sources: src, values: map[string]any{}}
	var err error
	str := func(k string) string { s := v.GetString(k); c.values[k] = s; return s }
	num := func(k string) int {
		s := v.GetString(k)
		var n int
		if _, e := fmt.Sscan(s, &n); e != nil || fmt.Sprint(n) != strings.TrimSpace(s) {
			err = errors.Join(err, fmt.Errorf("%w: %s must be a whole number, got %q", ErrInvalid, k, s))
		}
		c.values[k] = n
		return n
	}
	c.DictDir = str(KeyDictDir)
	c.Top = num(KeyTop)
	cov := v.GetString(KeyMinCoverage)
	if _, e := fmt.Sscan(cov, &c.MinCoverage); e != nil || c.MinCoverage < 0 || c.MinCoverage > 1 {
		err = errors.Join(err, fmt.Errorf("%w: %s must be a number from 0 to 1, got %q", ErrInvalid, KeyMinCoverage, cov))
	}
	c.values[KeyMinCoverage] = c.MinCoverage
	c.Token = str(KeyToken)
	c.APIURL = str(KeyAPIURL)
	c.WebhookURL = str(KeyWebhookURL)
	c.WebhookSecret = str(KeyWebhookSecret)
	c.Listen = str(KeyListen)
	c.LogFormat = str(KeyLogFormat)
	c.LogLevel = str(KeyLogLevel)
	c.Workers = num(KeyWorkers)
	d := str(KeyDrainTimeout)
	if t, e := time.ParseDuration(d); e != nil || t <= 0 {
		err = errors.Join(err, fmt.Errorf("%w: %s must be a positive duration such as 10s, got %q", ErrInvalid, KeyDrainTimeout, d))
	} else {
		c.DrainTimeout = t
	}
	return c, errors.Join(err, c.validate())
}

func (c Config) validate() error {
	var errs []error
	bad := func(key, why string, val any) {
		errs = append(errs, fmt.Errorf("%w: %s %s, got %s", ErrInvalid, key, why, c.mask(fmt.Sprint(val))))
	}
	if c.Top < 1 || c.Top > 10 {
		bad(KeyTop, "must be from 1 to 10", c.Top)
	}
	if c.Workers < 1 || c.Workers > 256 {
		bad(KeyWorkers, "must be from 1 to 256", c.Workers)
	}
	if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad(KeyAPIURL, "must be an http(s) URL", c.APIURL)
	}
	if c.WebhookURL != "" {
		if u, err := url.Parse(c.WebhookURL); err != nil || u.Scheme != "https" || u.Host == "" {
			bad(KeyWebhookURL, "must be an https URL", c.WebhookURL)
		}
		if c.WebhookSecret == "" {
			bad(KeyWebhookSecret, "must be set when telegram.webhook_url is", "nothing")
		}
	}
	if c.WebhookSecret != "" && !validSecret(c.WebhookSecret) {
		bad(KeyWebhookSecret, "must be 1-256 characters of A-Z a-z 0-9 _ -", "a value (masked)")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad(KeyLogFormat, "must be text or json", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad(KeyLogLevel, "must be debug, info, warn or error", c.LogLevel)
	}
	return errors.Join(errs...)
}

func validSecret(s string) bool {
	if len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// mask hides the token and the webhook secret wherever they appear in s: some
// put the token in the webhook URL's path, as Telegram's guide once suggested.
func (c Config) mask(s string) string {
	for _, secret := range []string{c.Token, c.WebhookSecret} {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "******")
		}
	}
	return s
}

// Setting is one line of the effective configuration.
type Setting struct {
	Key, Env, Value, Source string
}

// Settings lists every key with its effective value (secrets masked) and where
// it came from, sorted by key.
func (c Config) Settings() []Setting {
	var out []Setting
	for k := range defaults {
		val := c.mask(fmt.Sprint(c.values[k]))
		if secret[k] && val != "" {
			val = "****** (set)"
		}
		out = append(out, Setting{Key: k, Env: EnvName(k), Value: val, Source: c.sources[k]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
