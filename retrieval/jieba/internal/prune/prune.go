// Package prune derives planbot's small jieba dictionary from cppjieba's full
// one: only the entries that can matter here, with the full dictionary's word
// weights kept exactly.
//
// jieba segments a sentence by the most probable path through the dictionary
// words that are substrings of it, each weighing log(freq / sum of all freqs);
// a character no entry covers weighs the smallest such weight. So the cut of any
// text whose every substring entry is kept is unchanged if the sum and the
// minimum are kept too: one sentinel entry carries the frequency mass of the
// dropped entries, another the minimum frequency, both on private-use
// characters no text contains.
package prune

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Stats describes a pruning.
type Stats struct {
	Entries, Kept int
	FreqSum       int64
	MinFreq       int
	MedianFreq    int // the weight cppjieba gives user words added without a frequency
}

type entry struct {
	word string
	freq int
	line string
}

// Prune keeps the entries that occur in one of texts (the documents, the
// lexicon files) and the topN most frequent entries (the everyday words of
// questions), in their original order, then appends the two sentinels.
func Prune(full io.Reader, texts []string, topN int) ([]byte, Stats, error) {
	var all []entry
	sc := bufio.NewScanner(full)
	sc.Buffer(make([]byte, 1024*1024), 1024*1024)
	var st Stats
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 {
			return nil, st, fmt.Errorf("dictionary line %d: want word freq tag, got %q", len(all)+1, sc.Text())
		}
		n, err := strconv.Atoi(f[1])
		if err != nil || n <= 0 {
			return nil, st, fmt.Errorf("dictionary line %d: bad frequency %q", len(all)+1, f[1])
		}
		all = append(all, entry{f[0], n, sc.Text()})
		st.FreqSum += int64(n)
	}
	if err := sc.Err(); err != nil {
		return nil, st, err
	}
	if len(all) == 0 {
		return nil, st, fmt.Errorf("empty dictionary")
	}
	st.Entries = len(all)
	freqs := make([]int, len(all))
	for i, e := range all {
		freqs[i] = e.freq
	}
	sort.Ints(freqs)
	st.MinFreq, st.MedianFreq = freqs[0], freqs[len(freqs)/2]

	keep := make([]bool, len(all))
	byFreq := make([]int, len(all))
	for i := range byFreq {
		byFreq[i] = i
	}
	sort.SliceStable(byFreq, func(a, b int) bool { return all[byFreq[a]].freq > all[byFreq[b]].freq })
	for _, i := range byFreq[:min(topN, len(all))] {
		keep[i] = true
	}
	longest := 0
	for _, e := range all {
		longest = max(longest, len([]rune(e.word)))
	}
	occurs := substrings(texts, longest)
	for i, e := range all {
		if !keep[i] && occurs[e.word] {
			keep[i] = true
		}
	}
	var out bytes.Buffer
	var kept int64
	for i, e := range all {
		if keep[i] {
			out.WriteString(e.line + "\n")
			kept += int64(e.freq)
			st.Kept++
		}
	}
	rest := st.FreqSum - kept - int64(st.MinFreq)
	if rest <= 0 {
		return nil, st, fmt.Errorf("nothing pruned: no mass left for the sentinel")
	}
	fmt.Fprintf(&out, "\ue000 %d x\n\ue001 %d x\n", rest, st.MinFreq)
	return out.Bytes(), st, nil
}

// substrings lists every substring of texts up to n runes long.
func substrings(texts []string, n int) map[string]bool {
	set := map[string]bool{}
	for _, t := range texts {
		rs := []rune(t)
		for i := range rs {
			for j := i + 1; j <= len(rs) && j-i <= n; j++ {
				set[string(rs[i:j])] = true
			}
		}
	}
	return set
}
