package bot

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"planbot/answers"
	"planbot/retrieval"
)

// maxHits bounds how far "更多" pages: the engine ranks few units worth
// showing, and ten is as many as an inline answer shows.
const maxHits = 10

// maxQuestionRunes is where a question is cut. The engine reads no further
// (it cuts there itself, silently); the bot cuts first so that it can say so.
const maxQuestionRunes = retrieval.MaxQueryRunes

// onMessage answers a message: route, flood control, the command, the reply.
func (b *Bot) onMessage(ctx context.Context, m *tgbotapi.Message) outcome {
	req := route(m, b.self)
	if req.cmd == "" {
		return outcome{action: "ignored"}
	}
	out := outcome{action: req.cmd, text: req.arg}
	switch b.flood.check(b.clock.Now(), senderID(m)) {
	case warn:
		out.action = "flood"
		out.err = b.deliver(ctx, m.Chat, m.MessageID, say(floodNotice))
		return out
	case silent:
		out.action = "flood"
		return out
	}
	a, err := b.command(ctx, m, req)
	if err != nil {
		text, ok := userText(err, req.cmd == cmdCheck)
		if !ok {
			out.err = err
		}
		a = say(text)
	}
	out.found, out.hits, out.question = a.found, a.hits, a.question
	if err := b.deliver(ctx, m.Chat, m.MessageID, a); err != nil && out.err == nil {
		out.err = err
	}
	return out
}

// senderID is whom flood control counts a message against: its sender, or the
// chat for messages sent on behalf of a chat.
func senderID(m *tgbotapi.Message) int64 {
	if m.From != nil {
		return m.From.ID
	}
	return m.Chat.ID
}

// command runs one request and returns what to send.
func (b *Bot) command(ctx context.Context, m *tgbotapi.Message, req request) (answer, error) {
	docs := b.search.Documents()
	switch req.cmd {
	case cmdAsk:
		q := req.arg
		if q == "" && m.ReplyToMessage != nil && m.ReplyToMessage.Text != "" &&
			(m.ReplyToMessage.From == nil || m.ReplyToMessage.From.ID != b.self.ID) {
			q = m.ReplyToMessage.Text // "/ask" in reply to someone's question
		}
		if !hasContent(q) {
			return say(usageAsk), nil
		}
		q, cut := clip(retrieval.Compact(q), maxQuestionRunes)
		a, err := b.ask(ctx, q)
		if err != nil || !cut {
			return a, err
		}
		return b.withNote(a, cutNote()), nil
	case cmdNotText:
		return say(askInText), nil
	case cmdStart:
		return b.deepLink(req.arg), nil
	case cmdHelp:
		return say(helpText(docs)), nil
	case cmdArticle:
		return b.article(ctx, req.arg)
	case cmdTOC:
		var a answer
		for _, d := range docs {
			a.texts = append(a.texts, answers.TOC(d, b.format())...)
		}
		return a, nil
	case cmdCheck:
		if req.arg == "" {
			return say(usageCheck), nil
		}
		c, err := b.search.Check(ctx, req.arg)
		if err != nil {
			return answer{}, err
		}
		return answer{texts: []string{answers.Check(c, b.format())}, found: c.Verbatim, hits: len(c.Locations)}, nil
	case cmdAbout:
		return say(aboutText(docs)), nil
	}
	return say(unknownCommand), nil
}

// deepLink answers /start: a deep link ("a12") opens that unit; anything else
// gets the help text.
func (b *Bot) deepLink(payload string) answer {
	switch payload {
	case "toc":
		var a answer
		for _, d := range b.search.Documents() {
			a.texts = append(a.texts, answers.TOC(d, b.format())...)
		}
		return a
	case "", "help":
		return say(helpText(b.search.Documents()))
	}
	if ref, ok := parseStartPayload(payload); ok {
		if d, u := b.resolve(ref); u != nil {
			return b.unitMessages(d, u)
		}
	}
	return say(helpText(b.search.Documents()))
}

// article answers /article N. The engine reads the number (12, 十二, 第12条),
// so the bot only makes sure it is asked as an article reference.
func (b *Bot) article(ctx context.Context, arg string) (answer, error) {
	if arg == "" {
		return say(usageArticle), nil
	}
	q := arg
	if !strings.Contains(q, "条") {
		q = "第" + q + "条"
	}
	res, err := b.search.Search(ctx, q, 1)
	if err != nil {
		return answer{}, err
	}
	if !res.ArticleRef {
		return say(usageArticle), nil
	}
	return b.articleAnswer(res), nil
}

// articleAnswer is the reply to a question naming an article: the article
// whole, split when long, or the answers package's note that there is no
// such article.
func (b *Bot) articleAnswer(res retrieval.Result) answer {
	if !res.Found || len(res.Hits) == 0 {
		return say(answers.Answer(res, b.format()))
	}
	h := res.Hits[0]
	return b.unitMessages(h.Doc, h.Unit)
}

// ask answers a question: the first page of hits with its buttons, or the
// whole article when the question names one (第12条).
func (b *Bot) ask(ctx context.Context, q string) (answer, error) {
	pg, err := b.page(ctx, q, 0)
	if err != nil {
		return answer{}, err
	}
	if pg.res.ArticleRef {
		a := b.articleAnswer(pg.res)
		a.question = true
		return a, nil
	}
	more := ""
	if pg.more {
		id := newID()
		b.more.put(b.clock.Now(), id, moreQuery{q: q})
		more = moreData(id, 1)
	}
	a := b.pageAnswer(pg, more)
	a.question = true
	return a, nil
}

// moreQuery is a question remembered for its "更多" button.
type moreQuery struct{ q string }

// page is one page of results: Top hits from the n-th on.
type page struct {
	res  retrieval.Result // Hits cut to the page
	more bool             // a further page exists
}

// page searches for q and keeps the n-th page of hits (n from 0).
func (b *Bot) page(ctx context.Context, q string, n int) (page, error) {
	top := b.opt.Top
	end := min((n+1)*top, maxHits)
	res, err := b.search.Search(ctx, q, end+1)
	if err != nil {
		return page{}, err
	}
	if res.ArticleRef {
		return page{res: res}, nil
	}
	all := res.Hits
	start := min(n*top, len(all))
	res.Hits = all[start:min(end, len(all))]
	if len(res.Hits) == 0 {
		res.Found = false
	}
	return page{res: res, more: len(all) > end && end < maxHits}, nil
}

// pageAnswer renders a page with its keyboard; more is the "更多" data ("" for
// none).
func (b *Bot) pageAnswer(pg page, more string) answer {
	a := answer{texts: []string{answers.Answer(pg.res, b.format())}, found: pg.res.Found, hits: len(pg.res.Hits)}
	if pg.res.Found && len(pg.res.Hits) > 0 {
		h := pg.res.Hits[0]
		a.kb = keyboard(b.refOf(h.Doc, h.Unit), more)
	}
	return a
}

// moreData is the "更多" button's data: the remembered question's id and the
// page to show, "m:<id>:<page>", far below 64 bytes.
func moreData(id string, page int) string { return "m:" + id + ":" + strconv.Itoa(page) }

// newID is a short random key for the "更多" cache.
func newID() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// clip cuts s to at most n runes and reports whether it did.
func clip(s string, n int) (string, bool) {
	i := 0
	for at := range s {
		if i == n {
			return s[:at], true
		}
		i++
	}
	return s, false
}

// withNote puts note (Telegram HTML) above the first message of a, or, when
// that message has no room left under the budget, sends it as a message of its
// own before the others.
func (b *Bot) withNote(a answer, note string) answer {
	budget := b.format().Budget
	if budget <= 0 {
		budget = answers.MaxMessage
	}
	texts := make([]string, 0, len(a.texts)+1)
	if len(a.texts) > 0 && answers.Size(note)+2+answers.Size(a.texts[0]) <= budget {
		texts = append(texts, note+"\n\n"+a.texts[0])
		a.texts = append(texts, a.texts[1:]...)
		return a
	}
	a.texts = append(append(texts, note), a.texts...)
	return a
}
