package bot

import (
	"strings"
	"unicode"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Commands the bot knows; setMyCommands lists them with their descriptions.
const (
	cmdStart   = "start"
	cmdHelp    = "help"
	cmdAsk     = "ask"
	cmdArticle = "article"
	cmdTOC     = "toc"
	cmdCheck   = "check"
	cmdAbout   = "about"
	cmdUnknown = "unknown" // a command meant for this bot that it does not know
	cmdNotText = "nontext" // a sticker, photo, voice… in a private chat; no command reaches it
)

// request is what a message asks of the bot: a command (cmdAsk for a
// question) and its argument. The zero request means "not for this bot".
type request struct {
	cmd string
	arg string
}

// route decides whether a message is for the bot and what it asks. In a
// private chat every text is for the bot: one with nothing to search for (only
// spaces, punctuation, symbols or emoji) asks for the help text, and a sticker,
// photo, voice message or other content without text asks to be told to write.
// In a group only commands (bare or addressed to this bot), messages mentioning
// the bot and replies to the bot's own messages are; commands addressed to
// other bots, chatter, non-text messages and bare reactions to the bot ("👍" in
// reply) are not. Service messages (pins, members joining…) never are. It reads
// the text as sent, never the plan.
func route(m *tgbotapi.Message, self tgbotapi.User) request {
	if m == nil || m.Chat == nil {
		return request{}
	}
	if m.ViaBot != nil && m.ViaBot.ID == self.ID {
		return request{} // an answer a user posted through inline mode
	}
	if m.From != nil && m.From.IsBot {
		return request{} // bots do not talk to bots here
	}
	private := m.Chat.Type == "private"
	if !private && m.Chat.Type != "group" && m.Chat.Type != "supergroup" {
		return request{}
	}
	if m.Text == "" {
		if private && hasMedia(m) {
			return request{cmd: cmdNotText}
		}
		return request{}
	}
	if name, at, arg, ok := parseCommand(m.Text); ok {
		if at != "" && !strings.EqualFold(at, self.UserName) {
			return request{} // addressed to another bot
		}
		if !known(name) {
			if private || at != "" {
				return request{cmd: cmdUnknown}
			}
			return request{} // a bare command another bot in the group may know
		}
		return request{cmd: name, arg: arg}
	}
	if private {
		return question(m.Text)
	}
	if q, ok := stripMention(m.Text, self.UserName); ok {
		return question(q)
	}
	if r := m.ReplyToMessage; r != nil && r.From != nil && r.From.ID == self.ID && hasContent(m.Text) {
		return request{cmd: cmdAsk, arg: strings.TrimSpace(m.Text)}
	}
	return request{}
}

// question asks the bot to answer text, or for the help text when text holds
// nothing to search for.
func question(text string) request {
	if !hasContent(text) {
		return request{cmd: cmdHelp}
	}
	return request{cmd: cmdAsk, arg: strings.TrimSpace(text)}
}

// hasContent reports whether s has a letter or a digit: the engine finds
// nothing in spaces, punctuation, symbols, emoji or invisible marks.
func hasContent(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) >= 0
}

// hasMedia reports whether m carries content other than text: a sticker,
// photo, voice or video message, file, location, poll and the like (with or
// without a caption). Service messages (members joining, pins, timers) have
// none. Kinds newer than the library (stories, giveaways) look like service
// messages to it and are ignored.
func hasMedia(m *tgbotapi.Message) bool {
	return m.Sticker != nil || len(m.Photo) > 0 || m.Voice != nil || m.Audio != nil || m.Video != nil ||
		m.VideoNote != nil || m.Animation != nil || m.Document != nil || m.Contact != nil || m.Location != nil ||
		m.Venue != nil || m.Poll != nil || m.Dice != nil || m.Game != nil || m.Invoice != nil
}

func known(cmd string) bool {
	switch cmd {
	case cmdStart, cmdHelp, cmdAsk, cmdArticle, cmdTOC, cmdCheck, cmdAbout:
		return true
	}
	return false
}

// parseCommand reads "/name@bot argument" the way Telegram marks a bot command:
// a slash, then letters, digits and underscores, then optionally @ and a bot's
// username. The name comes back lower-cased. The argument may follow without a
// space ("/ask人均预期寿命"), as people typing Chinese often write it.
func parseCommand(text string) (name, at, arg string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", "", false
	}
	rest := text[1:]
	n := wordLen(rest)
	if n == 0 {
		return "", "", "", false
	}
	name, rest = strings.ToLower(rest[:n]), rest[n:]
	if strings.HasPrefix(rest, "@") {
		if k := wordLen(rest[1:]); k > 0 {
			at, rest = rest[1:1+k], rest[1+k:]
		}
	}
	return name, at, strings.TrimSpace(rest), true
}

// wordLen is the length of the leading run of [A-Za-z0-9_].
func wordLen(s string) int {
	i := 0
	for i < len(s) && isWordByte(s[i]) {
		i++
	}
	return i
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// stripMention removes every @username of the bot from text (ASCII
// case-insensitively, not as part of a longer name) and reports whether there
// was one.
func stripMention(text, username string) (string, bool) {
	if username == "" {
		return text, false
	}
	var b strings.Builder
	found := false
	for i := 0; i < len(text); {
		end := i + 1 + len(username)
		if text[i] == '@' && end <= len(text) && strings.EqualFold(text[i+1:end], username) &&
			(end == len(text) || !isWordByte(text[end])) && (i == 0 || !isWordByte(text[i-1])) {
			found = true
			b.WriteByte(' ')
			i = end
			continue
		}
		b.WriteByte(text[i])
		i++
	}
	return strings.Join(strings.Fields(b.String()), " "), found
}
