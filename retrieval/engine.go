package retrieval

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"planbot/retrieval/jieba"
)

// Options configures an Engine. Zero values mean the defaults.
type Options struct {
	DictDir     string  // jieba dictionaries; empty: the embedded ones
	CacheDir    string  // where embedded dictionaries are written; empty: the user cache
	Top         int     // hits per answer; default 3
	MinCoverage float64 // share of a question's content the best passage must cover; default 0.5
	Lexicon     *Lexicon
}

// Errors for input the engine refuses; callers turn them into a helpful sentence.
var (
	ErrEmptyQuery  = errors.New("empty question")
	ErrInvalidUTF8 = errors.New("question is not valid UTF-8")
	ErrTooLong     = errors.New("question too long")
)

// MaxQueryRunes bounds a question, counted after Compact; longer ones are cut
// by the caller or refused.
const MaxQueryRunes = 500

// Compact trims a question and folds every run of white space into one
// space, so that pasted line breaks and indentation neither count against
// MaxQueryRunes nor push the question out of it.
func Compact(q string) string { return strings.Join(strings.Fields(q), " ") }

// Field names in the bleve index.
const (
	fieldWords   = "w" // jieba words of the clause
	fieldBigrams = "b" // CJK bigrams of the clause (catches differing jieba cuts)
	fieldTitle   = "t" // the unit's title and chapter title
)

// Engine answers questions over one or more parsed plans. It is safe for
// concurrent use.
type Engine struct {
	docs         []*Document
	entries      []entry
	seg          *jieba.Segmenter
	idx          bleve.Index
	bigrams      analysis.Analyzer // the index's bigram analyzer, for building queries
	lex          Lexicon
	synKeys      []string        // synonym and hint phrases, longest first
	fillers      map[string]bool // lex.Fillers as a set
	opt          Options
	unitTitle    []string        // normalised title of each unit
	folded       []folded        // paragraphs folded for wording checks
	vocab        map[string]bool // every word the segmenter cuts from the plans' clauses
	titleVocab   map[string]bool // every word of the title field
	bigramVocab  map[string]bool // every term of the bigram field
	grams        gramIndex       // over the clauses' normalised texts
	titleLetters []int           // letters and digits in each unit's title
	titleGrams   gramIndex       // over unitTitle
	units        []*Unit         // every unit of every document
	unitMask     []bitset        // per unit: its clauses
}

// entry is one clause of one document as the engine sees it.
type entry struct {
	doc  *Document
	c    *Clause
	norm string // Normalize(c.Text)
	unit int    // index in Engine.units
}

// New loads the segmenter, adds the documents' own terms to it, and indexes
// every clause in an in-memory scorch index scored with BM25.
func New(ctx context.Context, docs []*Document, opt Options) (*Engine, error) {
	if len(docs) == 0 {
		return nil, errors.New("new engine: no documents")
	}
	if opt.Top <= 0 {
		opt.Top = 3
	}
	if opt.MinCoverage == 0 {
		opt.MinCoverage = 0.5
	}
	e := &Engine{docs: docs, opt: opt}
	if opt.Lexicon != nil {
		e.lex = *opt.Lexicon
	} else {
		lex, err := DefaultLexicon()
		if err != nil {
			return nil, fmt.Errorf("new engine: %w", err)
		}
		e.lex = lex
	}
	e.synKeys = sortedSynonymKeys(e.lex)
	e.fillers = map[string]bool{}
	for _, f := range e.lex.Fillers {
		e.fillers[f] = true
	}
	words := append(append([]string{}, e.lex.Terms...), documentTerms(docs)...)
	seg, err := jieba.New(jieba.Options{Dir: opt.DictDir, CacheDir: opt.CacheDir, Words: words})
	if err != nil {
		return nil, fmt.Errorf("new engine: %w", err)
	}
	e.seg = seg
	e.indexUnits()
	e.folded = foldParagraphs(docs)
	e.vocab = map[string]bool{}
	for _, en := range e.entries {
		for _, tok := range seg.Tokens(en.norm) {
			e.vocab[tok.Term] = true
		}
	}
	e.titleVocab = map[string]bool{}
	for i, t := range e.unitTitle {
		for _, tok := range seg.Tokens(t + " " + Normalize(e.units[i].ChapterTitle)) {
			e.titleVocab[tok.Term] = true
		}
	}
	if err := e.buildIndex(ctx); err != nil {
		seg.Close()
		return nil, fmt.Errorf("new engine: %w", err)
	}
	return e, nil
}

// indexUnits lists units and clauses with their normalised texts, and builds
// the character-pair index used to find which clauses mention a word.
func (e *Engine) indexUnits() {
	unitOf := map[*Unit]int{}
	for _, d := range e.docs {
		for _, u := range d.Units {
			unitOf[u] = len(e.units)
			e.units = append(e.units, u)
			e.unitTitle = append(e.unitTitle, Normalize(u.Title))
		}
		for i := range d.Clauses {
			c := &d.Clauses[i]
			e.entries = append(e.entries, entry{doc: d, c: c, norm: Normalize(c.Text), unit: unitOf[c.Unit]})
		}
	}
	e.unitMask = make([]bitset, len(e.units))
	for i := range e.unitMask {
		e.unitMask[i] = newBitset(len(e.entries))
	}
	for i, en := range e.entries {
		e.unitMask[en.unit].set(i)
	}
	norms := make([]string, len(e.entries))
	for i, en := range e.entries {
		norms[i] = en.norm
	}
	e.grams = newGramIndex(norms)
	e.titleGrams = newGramIndex(e.unitTitle)
	for _, t := range e.unitTitle {
		n := 0
		for _, r := range t {
			if unicode.IsLetter(r) || unicode.IsNumber(r) {
				n++
			}
		}
		e.titleLetters = append(e.titleLetters, n)
	}
}

// Documents lists the loaded plans.
func (e *Engine) Documents() []*Document { return e.docs }

// Close releases the index and the dictionaries.
func (e *Engine) Close() error {
	err := e.idx.Close()
	e.seg.Close()
	return err
}

func (e *Engine) mapping() *mapping.IndexMappingImpl {
	im := bleve.NewIndexMapping()
	im.ScoringModel = index.BM25Scoring
	// The segmenter travels in the tokenizer's config, so bleve's registry holds
	// only the constructor and no dictionaries.
	_ = im.AddCustomTokenizer("planbot_words_tok", map[string]interface{}{
		"type": jieba.TokenizerName, jieba.ConfigSegmenter: e.seg,
	})
	_ = im.AddCustomAnalyzer("planbot_words", map[string]interface{}{
		"type": custom.Name, "tokenizer": "planbot_words_tok",
	})
	field := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldWords, field("planbot_words"))
	dm.AddFieldMappingsAt(fieldBigrams, field(cjk.AnalyzerName))
	dm.AddFieldMappingsAt(fieldTitle, field("planbot_words"))
	im.DefaultMapping = dm
	im.DefaultAnalyzer = "planbot_words"
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im
}

func (e *Engine) buildIndex(ctx context.Context) error {
	// An empty path gives an in-memory scorch index; unlike NewMemOnly
	// (upsidedown), scorch honours the BM25 scoring model.
	idx, err := bleve.NewUsing("", e.mapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return fmt.Errorf("create index: %w", err)
	}
	b := idx.NewBatch()
	for i, en := range e.entries {
		if err := ctx.Err(); err != nil {
			idx.Close()
			return err
		}
		u := en.c.Unit
		doc := map[string]interface{}{
			fieldWords:   en.norm,
			fieldBigrams: en.norm,
			fieldTitle:   e.unitTitle[en.unit] + " " + Normalize(u.ChapterTitle),
		}
		if err := b.Index(strconv.Itoa(i), doc); err != nil {
			idx.Close()
			return fmt.Errorf("index clause %d: %w", i, err)
		}
	}
	if err := idx.Batch(b); err != nil {
		idx.Close()
		return fmt.Errorf("index batch: %w", err)
	}
	e.idx = idx
	if e.bigrams = idx.Mapping().AnalyzerNamed(cjk.AnalyzerName); e.bigrams == nil {
		return errors.New("no bigram analyzer")
	}
	e.bigramVocab = map[string]bool{}
	for _, en := range e.entries {
		for _, t := range e.bigrams.Analyze([]byte(en.norm)) {
			e.bigramVocab[string(t.Term)] = true
		}
	}
	return nil
}
