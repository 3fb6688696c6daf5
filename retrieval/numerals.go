package retrieval

import "strings"

var cnDigit = map[rune]int{
	'〇': 0, '零': 0, '○': 0, 'Ｏ': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4,
	'五': 5, '六': 6, '七': 7, '八': 8, '九': 9,
}

// chineseToInt reads a Chinese numeral below 1000 (十二, 四十五, 一百零三) or a
// digit-by-digit one (二〇三五). It returns -1 when s is not a numeral.
func chineseToInt(s string) int {
	if s == "" {
		return -1
	}
	if !strings.ContainsAny(s, "十百") {
		n := 0
		for _, r := range s {
			d, ok := cnDigit[r]
			if !ok {
				return -1
			}
			n = n*10 + d
		}
		return n
	}
	total, cur := 0, 0
	for _, r := range s {
		switch r {
		case '百':
			if cur == 0 {
				cur = 1
			}
			total += cur * 100
			cur = 0
		case '十':
			if cur == 0 {
				cur = 1
			}
			total += cur * 10
			cur = 0
		default:
			d, ok := cnDigit[r]
			if !ok {
				return -1
			}
			cur = d
		}
	}
	return total + cur
}

// chineseNumeral writes 1…99 the way chapter headings do (一, 十, 十一, 二十三).
func chineseNumeral(n int) string {
	digits := []string{"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 0 || n > 99:
		return ""
	case n < 10:
		return digits[n]
	case n == 10:
		return "十"
	case n < 20:
		return "十" + digits[n%10]
	case n%10 == 0:
		return digits[n/10] + "十"
	}
	return digits[n/10] + "十" + digits[n%10]
}
