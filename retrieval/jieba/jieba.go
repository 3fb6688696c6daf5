// Package jieba segments Chinese text into words with gojieba, using
// dictionaries shipped inside the binary, and offers the result to bleve as a
// tokenizer.
//
// gojieba finds its default dictionaries through the source path of its package
// in the build machine's module cache, so a binary copied anywhere else fails to
// start. Here the dictionaries are embedded and written once to a cache directory
// (named by their content hash) or read from a directory the operator names.
package jieba

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yanyiwu/gojieba"
)

//go:generate go run ./internal/gendict

//go:embed dict/*.utf8
var embedded embed.FS

// The files cppjieba needs, in the order gojieba.NewJieba takes them. The user
// dictionary is empty: user words are added through Options.Words. The IDF and
// stop-word files serve only keyword extraction, which planbot never uses, but
// cppjieba asserts that each has at least one line.
var dictFiles = []string{"jieba.dict.utf8", "hmm_model.utf8", "user.dict.utf8", "idf.utf8", "stop_words.utf8"}

// Options says where dictionaries come from and which extra words to know.
type Options struct {
	// Dir holds jieba.dict.utf8, hmm_model.utf8, idf.utf8 and stop_words.utf8.
	// Empty means: use the embedded copies, written under CacheDir.
	Dir string
	// CacheDir is where embedded dictionaries are written. Empty means the user
	// cache directory, or the system temporary directory when there is none.
	CacheDir string
	// Words are added to the dictionary so that terms of the document
	// (林长制, 县管校聘, 千祥镇) are cut the same way in a question and in the text.
	Words []string
}

// ErrDictionary is wrapped by every failure to find or load dictionaries.
var ErrDictionary = errors.New("jieba dictionaries")

// Segmenter cuts text into tokens. It is safe for concurrent use once built.
type Segmenter struct {
	j *gojieba.Jieba
}

// Token is one word of the input with its byte offsets.
type Token struct {
	Term       string // lower-cased for Latin letters
	Start, End int
}

// New loads the dictionaries (about half a second) and adds opt.Words.
func New(opt Options) (*Segmenter, error) {
	dir := opt.Dir
	if dir == "" {
		var err error
		if dir, err = materialise(opt.CacheDir); err != nil {
			// A cache owned by another user, or a read-only home: a private
			// temporary copy still lets the process start.
			// The dictionaries are read whole when loaded, so the copy
			// is removed as soon as they are.
			tmp, terr := os.MkdirTemp("", "planbot-jieba-")
			if terr != nil {
				return nil, fmt.Errorf("%w (and no temporary directory: %w)", err, terr)
			}
			defer os.RemoveAll(tmp)
			if cerr := copyEmbedded(tmp); cerr != nil {
				return nil, cerr
			}
			dir = tmp
		}
	}
	paths := make([]string, len(dictFiles))
	for i, name := range dictFiles {
		paths[i] = filepath.Join(dir, name)
		if _, err := os.Stat(paths[i]); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrDictionary, err)
		}
	}
	s := &Segmenter{j: gojieba.NewJieba(paths...)}
	for _, w := range opt.Words {
		if w = strings.TrimSpace(w); w != "" {
			// An explicit frequency, not AddWord's "median of the loaded
			// dictionary": the shipped dictionary is pruned, and its median is
			// not the full one's.
			s.j.AddWordEx(w, userWordFreq, "n")
		}
	}
	return s, nil
}

// Close frees the C++ dictionaries.
func (s *Segmenter) Close() { s.j.Free() }

// materialise writes the embedded dictionaries to a directory named by their
// hash, unless an earlier run already did, and returns it.
func materialise(base string) (string, error) {
	if base == "" {
		if d, err := os.UserCacheDir(); err == nil {
			base = filepath.Join(d, "planbot")
		} else {
			base = filepath.Join(os.TempDir(), "planbot-cache")
		}
	}
	sum, err := embeddedHash()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(base, "jieba-"+sum[:16])
	if complete(dir) {
		return dir, nil
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", fmt.Errorf("%w: create cache directory: %w", ErrDictionary, err)
	}
	tmp, err := os.MkdirTemp(base, "jieba-tmp-")
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrDictionary, err)
	}
	defer os.RemoveAll(tmp)
	if err := copyEmbedded(tmp); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil && !complete(dir) {
		return "", fmt.Errorf("%w: install cache: %w", ErrDictionary, err)
	}
	return dir, nil
}

func complete(dir string) bool {
	for _, name := range dictFiles {
		want, _ := fs.Stat(embedded, "dict/"+name)
		got, err := os.Stat(filepath.Join(dir, name))
		if err != nil || want == nil || got.Size() != want.Size() {
			return false
		}
	}
	return true
}

// Install writes the embedded dictionaries into dir, for inspection or for
// building a variant that Options.Dir can then point at.
func Install(dir string) error { return copyEmbedded(dir) }

func copyEmbedded(dir string) error {
	for _, name := range dictFiles {
		b, err := embedded.ReadFile("dict/" + name)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrDictionary, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return fmt.Errorf("%w: write %s: %w", ErrDictionary, name, err)
		}
	}
	return nil
}

func embeddedHash() (string, error) {
	h := sha256.New()
	for _, name := range dictFiles {
		b, err := embedded.ReadFile("dict/" + name)
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrDictionary, err)
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Tokens cuts s into words. Runs of Latin letters, digits and the marks inside
// numbers (5G, G60, IPv6, 80.5, 2∶42∶56) stay one token each, lower-cased,
// because jieba cuts them inconsistently; Chinese runs go to jieba in search mode
// (long words also yield their dictionary sub-words) without HMM, so the same
// string is cut the same way wherever it appears. Punctuation and spaces are
// dropped.
func (s *Segmenter) Tokens(text string) []Token { return s.cut(text, gojieba.SearchMode) }

// Words cuts s into non-overlapping words (jieba's default mode, no HMM), for
// reading a question as a list of concepts; Latin and digit runs as in Tokens.
func (s *Segmenter) Words(text string) []Token { return s.cut(text, gojieba.DefaultMode) }

func (s *Segmenter) cut(text string, mode gojieba.TokenizeMode) []Token {
	var out []Token
	i := 0
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case isAlnum(r):
			j := alnumEnd(text, i)
			out = append(out, Token{Term: strings.ToLower(text[i:j]), Start: i, End: j})
			i = j
		case isHan(r):
			j := i
			for j < len(text) {
				r2, n2 := utf8.DecodeRuneInString(text[j:])
				if !isHan(r2) {
					break
				}
				j += n2
			}
			for _, w := range s.j.Tokenize(text[i:j], mode, false) {
				out = append(out, Token{Term: w.Str, Start: i + w.Start, End: i + w.End})
			}
			i = j
		default:
			i += n
		}
	}
	return out
}

// alnumEnd finds the end of a Latin/digit run starting at i; '.', '%', '∶' and
// ':' belong to it only between digits (80.5, 2∶42∶56) or right after one (17%).
func alnumEnd(text string, i int) int {
	j := i
	for j < len(text) {
		r, n := utf8.DecodeRuneInString(text[j:])
		if isAlnum(r) {
			j += n
			continue
		}
		prev, _ := utf8.DecodeLastRuneInString(text[:j])
		if r == '%' && unicode.IsDigit(prev) {
			j += n
			continue
		}
		if r == '.' || r == '∶' || r == ':' {
			next, _ := utf8.DecodeRuneInString(text[j+n:])
			if unicode.IsDigit(prev) && unicode.IsDigit(next) {
				j += n
				continue
			}
		}
		break
	}
	return j
}

func isAlnum(r rune) bool {
	return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Nl, r))
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) || r == '〇' }
