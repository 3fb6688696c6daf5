package answers

import (
	"errors"
	"fmt"
	"strings"
)

// telegramTag reports whether name is a tag of Telegram's HTML parse mode.
func telegramTag(name string) bool {
	switch name {
	case "b", "i", "u", "s", "code", "pre", "a", "blockquote":
		return true
	}
	return false
}

// ValidHTML reports whether s is text Telegram's HTML parse mode accepts as
// this package produces it: only Telegram's tags, each closed in order and not
// empty, no blockquote inside another tag, no raw < > or & outside tags and
// the four entities, and some text.
func ValidHTML(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("empty message")
	}
	type open struct {
		name string
		at   int // where its content starts
	}
	var stack []open
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				return fmt.Errorf("unterminated tag at %d", i)
			}
			tag := s[i+1 : i+j]
			closing := strings.HasPrefix(tag, "/")
			name, _, _ := strings.Cut(strings.TrimPrefix(tag, "/"), " ")
			if !telegramTag(name) {
				return fmt.Errorf("tag <%s> at %d is not Telegram's", tag, i)
			}
			if closing {
				n := len(stack)
				if n == 0 || stack[n-1].name != name {
					return fmt.Errorf("</%s> at %d closes nothing open", name, i)
				}
				if stack[n-1].at == i {
					return fmt.Errorf("empty <%s> at %d", name, i)
				}
				stack = stack[:n-1]
			} else {
				if name == "blockquote" && len(stack) > 0 {
					return fmt.Errorf("blockquote inside <%s> at %d", stack[len(stack)-1].name, i)
				}
				stack = append(stack, open{name, i + j + 1})
			}
			i += j + 1
		case '>':
			return fmt.Errorf("raw > at %d", i)
		case '&':
			ok := false
			for _, e := range []string{"&lt;", "&gt;", "&amp;", "&quot;"} {
				if strings.HasPrefix(s[i:], e) {
					i += len(e)
					ok = true
					break
				}
			}
			if !ok {
				return fmt.Errorf("raw & at %d", i)
			}
		default:
			i++
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("<%s> never closed", stack[len(stack)-1].name)
	}
	return nil
}
