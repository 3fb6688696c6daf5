// Command planbot answers questions about the Dongyang 14th five-year plan
// proposal with verbatim quotes: on the command line and as a Telegram bot.
//
// main only wires: it reads the configuration, builds the engine and hands
// plain options to each package.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"planbot/config"
	"planbot/retrieval"
	"planbot/seeds"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Environ(), os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "planbot:", err)
		os.Exit(1)
	}
}

// app carries what every command needs: the process's streams and
// environment, and the global flags.
type app struct {
	env            []string
	stdin          io.Reader
	stdout, stderr io.Writer
	configFile     string
	root           *cobra.Command
}

// run executes one command line. It never calls os.Exit, so tests drive it.
func run(ctx context.Context, args, env []string, stdin io.Reader, stdout, stderr io.Writer) error {
	a := &app{env: env, stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "planbot",
		Short:         "Answers questions about the Dongyang 14th five-year plan proposal with verbatim quotes",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	a.root = root
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&a.configFile, "config", "", "configuration file (YAML); default ./planbot.yaml when it exists")
	pf.String(config.FlagName(config.KeyDictDir), "", "directory with jieba dictionaries (default: the embedded ones)")
	pf.Float64(config.FlagName(config.KeyMinCoverage), 0, "share of a question the best passage must cover to answer (0-1)")
	pf.String(config.FlagName(config.KeyLogLevel), "", "log level: debug, info, warn, error")
	pf.String(config.FlagName(config.KeyLogFormat), "", "log format: text or json")
	root.AddCommand(a.askCmd(), a.articleCmd(), a.tocCmd(), a.checkCmd(), a.evalCmd(),
		a.configCmd(), a.versionCmd(), a.healthcheckCmd(), a.serveCmd())
	return root.ExecuteContext(ctx)
}

// config loads the layered configuration for cmd's flags.
func (a *app) config(cmd *cobra.Command) (config.Config, error) {
	file := a.configFile
	if file == "" {
		if _, err := os.Stat("planbot.yaml"); err == nil {
			file = "planbot.yaml"
		}
	}
	return config.Load(config.Input{File: file, Env: a.env, Flags: cmd.Flags()})
}

// logger builds the process's structured logger on stderr.
func (a *app) logger(c config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(a.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(a.stderr, opts))
}

// documents parses every embedded plan.
func documents() ([]*retrieval.Document, error) {
	var docs []*retrieval.Document
	for _, p := range seeds.All() {
		d, err := retrieval.Parse(p.Text, retrieval.ParseOptions{
			Name: p.Name, Source: p.Source, SkipLines: p.SkipLines, ClosingParagraphs: p.ClosingParagraphs,
		})
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", p.Name, err)
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// engine builds the search engine from the configuration.
func engine(ctx context.Context, c config.Config) (*retrieval.Engine, error) {
	docs, err := documents()
	if err != nil {
		return nil, err
	}
	return retrieval.New(ctx, docs, retrieval.Options{DictDir: c.DictDir, Top: c.Top, MinCoverage: c.MinCoverage})
}

// userError explains a refused input in a sentence a user can act on; other
// errors pass through unchanged.
func userError(err error) error {
	switch {
	case errors.Is(err, retrieval.ErrEmptyQuery):
		return fmt.Errorf("问题是空的：请写上要问的内容，例如 planbot ask \"人均预期寿命要达到多少岁\"")
	case errors.Is(err, retrieval.ErrInvalidUTF8):
		return fmt.Errorf("输入不是有效的 UTF-8 文本")
	case errors.Is(err, retrieval.ErrTooLong):
		return fmt.Errorf("输入太长：核对的短语最多 %d 个字", retrieval.MaxCheckRunes)
	}
	return err
}
