package jieba

import (
	"os"
	"strings"
	"testing"
)

var seg *Segmenter

func TestMain(m *testing.M) {
	var err error
	seg, err = New(Options{CacheDir: os.TempDir(), Words: []string{"林长制", "塘长制", "县管校聘", "千祥镇", "无废城市"}})
	if err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

func terms(s string) string {
	var out []string
	for _, t := range seg.Tokens(s) {
		out = append(out, t.Term)
	}
	return strings.Join(out, "|")
}

func TestTokens(t *testing.T) {
	for _, s := range []string{"塘长制和林长制", "林长制", "推进县管校聘改革", "千祥镇", "南马、千祥镇", "建设无废城市", "5G网络覆盖", "G60科创走廊", "IPv6", "到2035年", "80.5岁", "Ⅲ类", "2∶42∶56", "17%以上", "二〇三五年"} {
		t.Logf("%s → %s", s, terms(s))
	}
}
