package jieba

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// TokenizerName is the name under which the jieba tokenizer is registered in
// bleve's registry. An index mapping defines a custom tokenizer of this type
// whose config carries the *Segmenter under the key ConfigSegmenter, so the
// registry itself holds no dictionaries and several segmenters can coexist.
const TokenizerName = "planbot_jieba"

// ConfigSegmenter is the key of the custom tokenizer config holding the *Segmenter.
const ConfigSegmenter = "segmenter"

// Registering is the one package-level side effect the project allows: bleve
// only builds analyzers from its registry.
func init() {
	if err := registry.RegisterTokenizer(TokenizerName, newTokenizer); err != nil {
		panic(fmt.Sprintf("register %s: %v", TokenizerName, err))
	}
}

func newTokenizer(config map[string]interface{}, _ *registry.Cache) (analysis.Tokenizer, error) {
	s, ok := config[ConfigSegmenter].(*Segmenter)
	if !ok || s == nil {
		return nil, fmt.Errorf("%s: config key %q must hold a *jieba.Segmenter", TokenizerName, ConfigSegmenter)
	}
	return s, nil
}

// Tokenize makes a Segmenter a bleve tokenizer.
func (s *Segmenter) Tokenize(input []byte) analysis.TokenStream {
	toks := s.Tokens(string(input))
	out := make(analysis.TokenStream, len(toks))
	for i, t := range toks {
		typ := analysis.Ideographic
		if t.Term != "" && t.Term[0] < 0x80 {
			typ = analysis.AlphaNumeric
		}
		out[i] = &analysis.Token{Term: []byte(t.Term), Start: t.Start, End: t.End, Position: i + 1, Type: typ}
	}
	return out
}
