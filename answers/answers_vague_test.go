package answers

import (
	"strings"
	"testing"

	"planbot/retrieval"
)

func TestNotFoundKinds(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    retrieval.Result
		want string
	}{
		{"vague", retrieval.Result{Query: "东阳", Vague: true}, "太笼统"},
		{"no such article", retrieval.Result{Query: "第99条", ArticleRef: true, ArticleMax: 45}, "第1条到第45条"},
		{"off topic", retrieval.Result{Query: "红烧肉<b>", Terms: []string{"红烧肉"}}, "没有找到与“红烧肉&lt;b&gt;”"},
	} {
		got := Answer(tc.r, Options{Format: HTML, Hint: "发送 /toc 查看目录"})
		if !strings.Contains(got, tc.want) || !strings.Contains(got, "/toc") {
			t.Errorf("%s: %q lacks %q or the hint", tc.name, got, tc.want)
		}
		if err := checkHTML(got); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
