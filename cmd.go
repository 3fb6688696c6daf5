package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"planbot/answers"
	"planbot/config"
	"planbot/retrieval"
	"planbot/retrieval/evaluate"
)

// terminal is how answers are laid out on a terminal: plain text, no message
// limit to respect, the document named when several plans are loaded.
func terminal(docs int) answers.Options {
	return answers.Options{Format: answers.Plain, Budget: 1 << 20, ShowDoc: docs > 1, Hint: "可运行 planbot toc 查看目录，或换个说法再问。"}
}

func (a *app) askCmd() *cobra.Command {
	var asJSON, asJSONL bool
	cmd := &cobra.Command{
		Use:   "ask [问题]",
		Short: "Answer a question with verbatim quotes (--jsonl: one question per line on stdin)",
		Example: `  planbot ask "东阳十四五期间地区生产总值的目标是多少"
  planbot ask --json --top 5 "东阳会通轻轨吗"
  printf '人均预期寿命要达到多少岁\n杭温高铁\n' | planbot ask --jsonl`,
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the answer as JSON")
	cmd.Flags().BoolVar(&asJSONL, "jsonl", false, "read one question per line from stdin, print one JSON object per line")
	cmd.Flags().Int(config.FlagName(config.KeyTop), 0, "how many articles to return (1-10, default 3)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		q := strings.Join(args, " ")
		if !asJSONL {
			if err := checkText(q); err != nil {
				return err
			}
		}
		return a.withEngine(cmd, func(e *retrieval.Engine, c config.Config) error {
			if asJSONL {
				return a.askLines(cmd, e, c.Top)
			}
			res, err := e.Search(cmd.Context(), q, c.Top)
			if err != nil {
				return userError(err)
			}
			if asJSON {
				return writeJSON(a.stdout, answers.JSON(res))
			}
			_, err = fmt.Fprintln(a.stdout, answers.Answer(res, terminal(len(e.Documents()))))
			return err
		})
	}
	return cmd
}

// withEngine loads the configuration for cmd, builds the engine, runs f and
// releases the engine.
func (a *app) withEngine(cmd *cobra.Command, f func(*retrieval.Engine, config.Config) error) error {
	c, err := a.config(cmd)
	if err != nil {
		return err
	}
	e, err := engine(cmd.Context(), c)
	if err != nil {
		return err
	}
	defer e.Close()
	return f(e, c)
}

// checkText refuses empty and non-UTF-8 input before any work is done.
func checkText(s string) error {
	if !utf8.ValidString(s) {
		return userError(retrieval.ErrInvalidUTF8)
	}
	if strings.TrimSpace(s) == "" {
		return userError(retrieval.ErrEmptyQuery)
	}
	return nil
}

// jsonLine is one answer of --jsonl; a question the engine refuses keeps its
// place in the output with an error instead of stopping the batch.
type jsonLine struct {
	answers.JSONResult
	Error string `json:"error,omitempty"`
}

func (a *app) askLines(cmd *cobra.Command, e *retrieval.Engine, top int) error {
	sc := bufio.NewScanner(a.stdin)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	w := bufio.NewWriter(a.stdout)
	defer w.Flush()
	for sc.Scan() {
		q := sc.Text()
		res, err := e.Search(cmd.Context(), q, top)
		line := jsonLine{JSONResult: answers.JSON(res)}
		if err != nil {
			if !errors.Is(err, retrieval.ErrEmptyQuery) && !errors.Is(err, retrieval.ErrInvalidUTF8) {
				return err
			}
			line.Error = userError(err).Error()
			line.Query = strings.ToValidUTF8(q, "\uFFFD")
		}
		if err := writeJSON(w, line); err != nil {
			return err
		}
	}
	return sc.Err()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func (a *app) articleCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "article N",
		Short:   "Print article N (第N条) whole",
		Example: "  planbot article 26",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			docs, err := documents()
			if err != nil {
				return err
			}
			n, err := strconv.Atoi(strings.TrimSpace(args[0]))
			for _, d := range docs {
				if u := d.Article(n); err == nil && u != nil {
					return a.print(answers.Article(d, u, terminal(len(docs))))
				}
			}
			return fmt.Errorf("没有第%s条：规划共 %d 条，请输入 1 到 %d 之间的数字", args[0], docs[0].ArticleCount(), docs[0].ArticleCount())
		},
	}
}

func (a *app) tocCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "toc",
		Short: "Print the table of contents: chapters and articles",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			docs, err := documents()
			if err != nil {
				return err
			}
			for _, d := range docs {
				if err := a.print(answers.TOC(d, terminal(len(docs)))); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func (a *app) print(parts []string) error {
	for _, p := range parts {
		if _, err := fmt.Fprintln(a.stdout, p); err != nil {
			return err
		}
	}
	return nil
}

func (a *app) checkCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "check 短语",
		Short:   "Check whether a phrase occurs verbatim in the plan, where, and if not what differs",
		Example: "  planbot check \"打造全国最强的影视产业基地\"",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			phrase := strings.Join(args, " ")
			if err := checkText(phrase); err != nil {
				return err
			}
			return a.withEngine(cmd, func(e *retrieval.Engine, _ config.Config) error {
				res, err := e.Check(cmd.Context(), phrase)
				if err != nil {
					return userError(err)
				}
				_, err = fmt.Fprintln(a.stdout, answers.Check(res, terminal(len(e.Documents()))))
				return err
			})
		},
	}
}

func (a *app) evalCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "eval FILE.jsonl",
		Short:   "Measure retrieval quality on a question set (hit@1, hit@3, mrr@5, must@3, abstention)",
		Example: "  planbot eval retrieval/testdata/dev.jsonl",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return fmt.Errorf("open question set: %w", err)
			}
			defer f.Close()
			cases, err := evaluate.Load(f)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			return a.withEngine(cmd, func(e *retrieval.Engine, _ config.Config) error {
				r, err := evaluate.Run(cmd.Context(), e, cases)
				if err != nil {
					return err
				}
				r.Write(a.stdout)
				return nil
			})
		},
	}
}

func (a *app) configCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration and where each value came from (secrets masked)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.config(cmd)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "KEY\tVALUE\tSOURCE\tENVIRONMENT")
			for _, s := range c.Settings() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Key, s.Value, s.Source, s.Env)
			}
			return tw.Flush()
		},
	}
}

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version from the module's build information",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(a.stdout, version())
			return err
		},
	}
}

// version reads the module version and VCS stamp the Go toolchain embedded.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "planbot (no build information)"
	}
	v := "planbot " + bi.Main.Version
	var rev, at, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = " (modified)"
			}
		}
	}
	if rev != "" {
		v += " " + rev + dirty
	}
	if at != "" {
		v += " " + at
	}
	return v + " " + bi.GoVersion
}

func (a *app) healthcheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "healthcheck",
		Short: "Exit 0 when the serving process answers /healthz on the listen address (for HEALTHCHECK)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.config(cmd)
			if err != nil {
				return err
			}
			return healthcheck(cmd.Context(), c.Listen)
		},
	}
}

// healthcheck asks a running planbot for /healthz. A wildcard listen address
// (0.0.0.0:8080, :8080) is asked on loopback.
func healthcheck(ctx context.Context, listen string) error {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", listen, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthz: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthz: %s", resp.Status)
	}
	return nil
}
