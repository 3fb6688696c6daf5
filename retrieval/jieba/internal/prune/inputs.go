package prune

import (
	"os"
	"path/filepath"
	"sort"
)

// TopN is how many of the most frequent dictionary entries are kept beside
// those occurring in the plan and the lexicon: the everyday words questions
// are made of. TestPrunedDictionaryAnswersLikeFull measures that answers do
// not change.
const TopN = 20000

// Inputs reads the texts whose substrings must stay in the dictionary: every
// embedded plan and every lexicon file, from the repository root.
func Inputs(root string) ([]string, error) {
	var files []string
	for _, pattern := range []string{"seeds/*.txt", "retrieval/lexicon/*.txt"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			return nil, err
		}
		files = append(files, m...)
	}
	sort.Strings(files)
	var texts []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		texts = append(texts, string(b))
	}
	return texts, nil
}
