package retrieval

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestFeatures(t *testing.T) {
	if os.Getenv("FEAT") == "" {
		t.Skip()
	}
	e := sharedEngine(t)
	for _, f := range []string{"testdata/dev.jsonl", "testdata/heldout.jsonl"} {
		b, _ := os.ReadFile(f)
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var c struct {
				Q    string
				Gold []string
			}
			json.Unmarshal([]byte(line), &c)
			qu, _ := e.analyse(c.Q)
			if qu.article > 0 {
				continue
			}
			sc, _ := e.candidates(context.Background(), qu)
			us := e.rankUnits(qu, sc)
			var cs []string
			for _, k := range qu.concepts {
				cov := 0
				if len(us) > 0 {
					u := us[0].idx
					i := us[0].clauses[0].i
					if k.bits.has(i) || k.inTitle[u] {
						cov = 2
					} else if k.bits.intersects(e.unitMask[u]) {
						cov = 1
					}
				}
				cs = append(cs, fmt.Sprintf("%s|%.2f|%d|%d|%v", k.surface, k.weight, k.bits.count(), cov, k.hint))
			}
			cov, top := 0.0, ""
			if len(us) > 0 {
				cov = us[0].clauses[0].content
				if c2 := 0.85 * e.unitCoverage(qu, us[0].idx, false); c2 > cov {
					cov = c2
				}
				top = us[0].unit.Key
			}
			fmt.Printf("%v\t%.2f\t%s\t%s\t%s\n", len(c.Gold) > 0, cov, top, c.Q, strings.Join(cs, " "))
			_ = anyTrue
		}
	}
}

func anyTrue(b []bool) bool {
	for _, x := range b {
		if x {
			return true
		}
	}
	return false
}
