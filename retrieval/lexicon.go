package retrieval

import (
	_ "embed"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// The data files maintainers extend; see the comments at the top of each.
var (
	//go:embed lexicon/synonyms.txt
	synonymsFile string
	//go:embed lexicon/fillers.txt
	fillersFile string
	//go:embed lexicon/terms.txt
	termsFile string
	//go:embed lexicon/hints.txt
	hintsFile string
)

// Lexicon is the data that bridges how people ask to how the plan is written.
type Lexicon struct {
	// Synonyms maps a colloquial term (normalised) to official terms of the plan.
	Synonyms map[string][]string
	// Hints map phrasings of what kind of passage is wanted to terms of the
	// plan; they rank but do not count as content for abstention.
	Hints map[string][]string
	// Fillers are question words and other content-free words, longest first.
	Fillers []string
	// Terms are dictionary words for the segmenter.
	Terms []string
}

// DefaultLexicon parses the embedded data files.
func DefaultLexicon() (Lexicon, error) {
	syn, err := parseSynonyms(synonymsFile)
	if err != nil {
		return Lexicon{}, err
	}
	fillers := dataLines(fillersFile)
	sort.SliceStable(fillers, func(i, j int) bool {
		return utf8.RuneCountInString(fillers[i]) > utf8.RuneCountInString(fillers[j])
	})
	hints, err := parseSynonyms(hintsFile)
	if err != nil {
		return Lexicon{}, fmt.Errorf("hints: %w", err)
	}
	return Lexicon{Synonyms: syn, Hints: hints, Fillers: fillers, Terms: dataLines(termsFile)}, nil
}

func dataLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, Normalize(l))
		}
	}
	return out
}

func parseSynonyms(s string) (map[string][]string, error) {
	m := map[string][]string{}
	for i, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		from, to, ok := strings.Cut(l, "=")
		targets := strings.Fields(to)
		from = Normalize(strings.TrimSpace(from))
		if !ok || from == "" || len(targets) == 0 {
			return nil, fmt.Errorf("synonyms.txt line %d: want \"colloquial = official …\", got %q", i+1, l)
		}
		for k := range targets {
			targets[k] = Normalize(targets[k])
		}
		m[from] = append(m[from], targets...)
	}
	return m, nil
}

var quotedTerm = regexp.MustCompile(`“([^“”]{2,12})”`)

// documentTerms lists the segmenter words a document brings itself: every short
// “quoted” term (“三线一单”, “无废城市”, “千万工程”), so that a question naming it
// is cut the same way as the text.
func documentTerms(docs []*Document) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range docs {
		for _, c := range d.Clauses {
			for _, m := range quotedTerm.FindAllStringSubmatch(Normalize(c.Text), -1) {
				t := m[1]
				if !seen[t] && !strings.ContainsAny(t, "、,，。;") {
					seen[t] = true
					out = append(out, t)
				}
			}
		}
	}
	return out
}
