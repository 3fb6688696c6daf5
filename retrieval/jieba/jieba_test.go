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
	for _, tc := range []struct{ in, want string }{
		{"塘长制和林长制", "塘长制|和|林长制"},
		{"林长制", "林长制"},
		{"推进县管校聘改革", "推进|县管校聘|改革"},
		{"千祥镇", "千祥镇"},
		{"建设无废城市", "建设|废城|城市|无废城市"},
		{"5G网络覆盖", "5g|网络|覆盖"},
		{"G60科创走廊", "g60|科|创|走廊"},
		{"IPv6", "ipv6"},
		{"到2035年", "到|2035|年"},
		{"80.5岁", "80.5|岁"},
		{"Ⅲ类", "ⅲ|类"},
		{"2∶42∶56", "2∶42∶56"},
		{"17%以上", "17%|以上"},
		{"v1.2.3, 3.", "v1.2.3|3"},
		{"，。！？", ""},
		{"", ""},
	} {
		if got := terms(tc.in); got != tc.want {
			t.Errorf("Tokens(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestOffsets(t *testing.T) {
	s := "推进IPv6和5G，建设林长制"
	for _, tok := range seg.Tokens(s) {
		if got := strings.ToLower(s[tok.Start:tok.End]); got != tok.Term {
			t.Errorf("token %q at [%d,%d) reads %q", tok.Term, tok.Start, tok.End, got)
		}
	}
}

// An unwritable cache must not stop the process: it falls back to a private
// temporary copy, removed once the dictionaries are loaded.
func TestUnwritableCacheFallsBack(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ro := t.TempDir() + "/file-not-dir"
	if err := os.WriteFile(ro, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{CacheDir: ro})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.Tokens("林长制"); len(got) == 0 {
		t.Error("no tokens")
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("the temporary copy was left behind: %v", left)
	}
}

// The dictionaries are written once per content hash and reused.
func TestCacheIsReused(t *testing.T) {
	dir := t.TempDir()
	a, err := materialise(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := materialise(dir)
	if err != nil || a != b || !complete(a) {
		t.Fatalf("second materialise: %q %q %v", a, b, err)
	}
}
