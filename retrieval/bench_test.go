package retrieval

import (
	"path/filepath"

	"context"
	"encoding/json"
	"os"
	"planbot/retrieval/jieba"
	"slices"
	"strings"
	"testing"
	"time"

	"planbot/seeds"
)

var benchQuestions = []string{
	"东阳十四五期间地区生产总值的目标是多少？", "人均预期寿命要达到多少岁", "东阳会通轻轨吗",
	"“三线一单”在哪一条", "看病的医疗卫生服务圈是多少分钟", "电信诈骗怎么打击", "5G网络覆盖",
	"明天东阳天气怎么样", "第12条", "横店影视产业以后怎么发展",
}

// BenchmarkSearch is one question through normalisation, bleve and ranking.
func BenchmarkSearch(b *testing.B) {
	e := sharedEngine(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := e.Search(ctx, benchQuestions[i%len(benchQuestions)], 3); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheck is one wording check that is not verbatim (the slow path).
func BenchmarkCheck(b *testing.B) {
	e := sharedEngine(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := e.Check(ctx, "打造全国最强的影视产业基地"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIndexBuild re-indexes the plan with an already loaded segmenter.
func BenchmarkIndexBuild(b *testing.B) {
	e := sharedEngine(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		e2 := *e
		if err := e2.buildIndex(ctx); err != nil {
			b.Fatal(err)
		}
		e2.idx.Close()
	}
}

// BenchmarkStartup is parse + dictionaries + index: what a process pays
// before it can answer, with the shipped (pruned) dictionary and with
// cppjieba's full one side by side.
func BenchmarkStartup(b *testing.B) {
	full := b.TempDir()
	if err := jieba.Install(full); err != nil {
		b.Fatal(err)
	}
	dict, err := os.ReadFile("jieba/testdata/full/jieba.dict.utf8")
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(full, "jieba.dict.utf8"), dict, 0o644); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, dir string }{{"pruned", ""}, {"full", full}} {
		b.Run(bc.name, func(b *testing.B) {
			cache := b.TempDir()
			ctx := context.Background()
			for b.Loop() {
				d, err := Parse(seeds.Dongyang(), ParseOptions{SkipLines: 1, ClosingParagraphs: 1})
				if err != nil {
					b.Fatal(err)
				}
				e, err := New(ctx, []*Document{d}, Options{CacheDir: cache, DictDir: bc.dir})
				if err != nil {
					b.Fatal(err)
				}
				e.Close()
			}
		})
	}
}

// BenchmarkSearchMedian runs the dev questions and reports the median and
// 90th-percentile time of one question, the figure the README quotes.
func BenchmarkSearchMedian(b *testing.B) {
	e := sharedEngine(b)
	ctx := context.Background()
	qs := devQuestions(b)
	var times []time.Duration
	for b.Loop() {
		for _, q := range qs {
			t0 := time.Now()
			if _, err := e.Search(ctx, q, 3); err != nil {
				b.Fatal(err)
			}
			times = append(times, time.Since(t0))
		}
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds()), "µs-median")
	b.ReportMetric(float64(times[len(times)*9/10].Microseconds()), "µs-p90")
}

func devQuestions(b *testing.B) []string {
	f, err := os.ReadFile("testdata/dev.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	var qs []string
	for _, line := range strings.Split(strings.TrimSpace(string(f)), "\n") {
		var c struct{ Q string }
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			b.Fatal(err)
		}
		qs = append(qs, c.Q)
	}
	return qs
}
