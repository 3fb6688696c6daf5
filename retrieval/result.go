package retrieval

// Result is what a question gets: the hits, best first, or Found=false when the
// plan does not cover the question. "No hits" is a Result, never an error.
type Result struct {
	Query      string   // the question as asked
	Normalized string   // after width/numeral/question-word normalisation and synonyms
	Terms      []string // the content terms searched for, official wording included
	Found      bool
	// ArticleRef is set when the question named an article (第12条): the single
	// hit is that article, whole.
	ArticleRef bool
	// ArticleMax is the highest article number, set with ArticleRef, so a
	// reply to 第99条 can say what range exists.
	ArticleMax int
	// Vague is set when the question has no content words at all ("东阳",
	// "什么"): not "not covered" but "say more".
	Vague bool
	Hits  []Hit
}

// Hit is one unit (article, chapter introduction, preface, closing) with the
// clauses of it that answer the question, in document order.
type Hit struct {
	Doc      *Document
	Unit     *Unit
	Quotes   []Quote
	Score    float64
	Verbatim bool // the question's phrase occurs letter for letter in a quote
}

// Quote is one clause quoted verbatim, with the byte ranges of Clause.Text that
// matched the question, for bolding.
type Quote struct {
	Clause *Clause
	Marks  []Span
}

// Span is a half-open byte range [Start, End) of a clause's text.
type Span struct{ Start, End int }

// CheckResult answers a wording check: does the phrase occur verbatim, where,
// and if not, which clause comes closest and what differs.
type CheckResult struct {
	Phrase    string
	Verbatim  bool
	Locations []Quote // every clause containing the phrase, marks on the occurrence
	// Titles lists the units whose title (or chapter title) contains the phrase.
	Titles  []TitleMatch
	Closest *Quote // when not verbatim: the nearest clause, marks on the aligned part
	Diff    []DiffOp
}

// DiffOp is one step of the alignment between the phrase and the closest clause
// passage: equal text, or what the phrase has (Phrase) where the plan has (Plan).
type DiffOp struct {
	Equal  bool
	Phrase string
	Plan   string
}

// TitleMatch is an occurrence of a checked phrase in a unit's title; Marks are
// byte ranges of Unit.Title.
type TitleMatch struct {
	Doc   *Document
	Unit  *Unit
	Marks []Span
}
