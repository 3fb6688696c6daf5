package retrieval

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
)

// generatedQuestions makes a large, reproducible set of questions of the kinds
// users send — plan terms and titles in colloquial frames, colloquial synonyms,
// random windows of the text, article references and everyday off-topic
// questions — for comparing two engine configurations answer by answer.
func generatedQuestions(d *Document, lex Lexicon, n int) []string {
	r := rand.New(rand.NewPCG(14, 2035))
	frames := []string{"%s", "%s怎么样", "东阳%s有什么规划", "请问%s在哪一条", "%s的目标是多少", "以后%s会不会更好",
		"咱们东阳的%s能不能搞好", "“%s”出自哪里", "%s是什么意思", "规划里有没有提到%s", "%s要达到多少", "我想了解一下%s"}
	var terms []string
	terms = append(terms, documentTerms([]*Document{d})...)
	terms = append(terms, lex.Terms...)
	terms = append(terms, slices.Sorted(maps.Keys(lex.Synonyms))...) // map order would change the set
	for _, u := range d.Units {
		terms = append(terms, strings.TrimSuffix(u.Title, "。"))
	}
	offTopic := []string{"天气", "护照", "红烧肉", "足球比赛", "彩票", "股票行情", "明星八卦", "电影票", "高考分数线",
		"身份证补办", "火车票", "外卖", "奶茶店", "健身房", "宠物医院", "驾照考试", "iPhone价格", "世界杯", "演唱会",
		"减肥方法", "英语四级", "比特币", "美国大选", "星座运势", "菜谱", "感冒吃什么药", "离婚手续", "房贷利率",
		"养猫", "钓鱼", "自行车维修", "KTV", "网吧", "麻将", "火锅", "咖啡", "游戏攻略", "手机套餐", "快递单号"}
	var out []string
	for len(out) < n {
		switch k := r.IntN(10); {
		case k < 5:
			out = append(out, fmt.Sprintf(frames[r.IntN(len(frames))], terms[r.IntN(len(terms))]))
		case k < 7: // a random window of a clause: odd strings stress segmentation
			c := []rune(d.Clauses[r.IntN(len(d.Clauses))].Text)
			i := r.IntN(len(c))
			j := min(len(c), i+2+r.IntN(12))
			out = append(out, string(c[i:j]))
		case k < 9:
			out = append(out, fmt.Sprintf(frames[r.IntN(len(frames))], offTopic[r.IntN(len(offTopic))]))
		default:
			n := 1 + r.IntN(50)
			if r.IntN(2) == 0 {
				out = append(out, fmt.Sprintf("第%d条", n))
			} else {
				out = append(out, "第"+chineseNumeral(n)+"条讲什么")
			}
		}
	}
	return out
}
