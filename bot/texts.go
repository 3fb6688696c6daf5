package bot

import (
	"errors"
	"fmt"
	"strings"

	"planbot/retrieval"
)

// The bot's own sentences. Everything quoting the plan comes from package
// answers; these only explain the bot.
const (
	exampleQuestion = "人均预期寿命要达到多少岁"
	notFoundHint    = "发送 /toc 查看目录，或试试：" + exampleQuestion
	floodNotice     = "提问太频繁了，请稍等一会儿再问。"
	expiredNotice   = "请重新提问"
	staleButton     = "这个按钮已失效，请重新提问。"
	apology         = "抱歉，出了点问题，请稍后再试。"
	usageAsk        = "请在 /ask 后面写上问题，例如：/ask " + exampleQuestion
	usageArticle    = "用法：/article 12（也可以直接发送“第12条”）。发送 /toc 查看目录。"
	usageCheck      = "用法：/check 要核对的短语，例如：/check 人均预期寿命达到80.5岁"
	unknownCommand  = "不认识这个命令。发送 /help 查看用法。"
	askInText       = "请用文字提问。"
)

// cutNote heads the answer to a question cut at maxQuestionRunes.
func cutNote() string {
	return fmt.Sprintf("<i>问题太长，只按前 %d 个字作答。</i>", maxQuestionRunes)
}

// exampleQuestions are offered by /help and by an empty inline query. Each is
// answered by the plan (a test checks it).
func exampleQuestions() []string {
	return []string{exampleQuestion, "东阳会通轻轨吗", "乡村振兴怎么推进"}
}

// commandList is what setMyCommands registers, in menu order.
func commandList() [][2]string {
	return [][2]string{
		{cmdAsk, "提问（群里用）：/ask 问题"},
		{cmdArticle, "查看某一条全文：/article 12"},
		{cmdTOC, "目录"},
		{cmdCheck, "核对措辞：/check 短语"},
		{cmdAbout, "文件标题、通过日期和来源"},
		{cmdHelp, "用法和示例"},
		{cmdStart, "开始"},
	}
}

// helpText explains what the bot does, with three example questions.
func helpText(docs []*retrieval.Document) string {
	var b strings.Builder
	b.WriteString("我回答关于")
	for i, d := range docs {
		if i > 0 {
			b.WriteString("、")
		}
		fmt.Fprintf(&b, "《%s》", esc(d.Title))
	}
	b.WriteString("的问题：逐字引用原文，注明第几条和条目标题。\n\n")
	b.WriteString("私聊里直接发问题即可；在群里请用 /ask 问题，或 @我，或回复我的消息。例如：\n")
	for _, q := range exampleQuestions() {
		fmt.Fprintf(&b, "• %s\n", esc(q))
	}
	b.WriteString("\n/article 12 或“第12条”：查看一条全文\n/toc：目录\n/check 短语：核对措辞是否与原文一致\n/about：文件来源")
	return b.String()
}

// aboutText names each document, when it was adopted and where the text
// comes from.
func aboutText(docs []*retrieval.Document) string {
	var b strings.Builder
	for i, d := range docs {
		if i > 0 {
			b.WriteString("\n\n")
		}
		fmt.Fprintf(&b, "<b>%s</b>", esc(d.Title))
		if d.Adopted != "" {
			fmt.Fprintf(&b, "\n通过：%s", esc(d.Adopted))
		}
		if d.Source != "" {
			fmt.Fprintf(&b, "\n来源：%s", esc(d.Source))
		}
		fmt.Fprintf(&b, "\n共 %d 条。", d.ArticleCount())
	}
	b.WriteString("\n\n回答只引用原文，不作解读。")
	return b.String()
}

// esc escapes text for Telegram's HTML parse mode, with only the entities
// Telegram documents (html.EscapeString would also write &#39;).
func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// userText is the sentence a user reads for a failed request. Input the engine
// refuses gets a helpful sentence and is not an error of the bot (ok);
// anything else gets the fixed apology while the caller logs the error.
func userText(err error, checking bool) (text string, ok bool) {
	switch {
	case errors.Is(err, retrieval.ErrEmptyQuery):
		return "请写上要问的内容，例如：" + exampleQuestion, true
	case errors.Is(err, retrieval.ErrInvalidUTF8):
		return "无法读取这段文字，请重新输入。", true
	case errors.Is(err, retrieval.ErrTooLong) && checking:
		return fmt.Sprintf("要核对的短语太长了：最多 %d 个字。", retrieval.MaxCheckRunes), true
	case errors.Is(err, retrieval.ErrTooLong):
		return fmt.Sprintf("问题太长了：请控制在 %d 个字以内。", retrieval.MaxQueryRunes), true
	}
	return apology, false
}
