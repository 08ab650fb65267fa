package yamlsrc

import (
	"fmt"
	"strings"
)

// Nearest returns the option closest to word by edit distance, ignoring
// case, when it is close enough to be a likely typo.
func Nearest(word string, options []string) (string, bool) {
	w := strings.ToLower(word)
	best, bestDist := "", -1
	for _, o := range options {
		d := distance(w, strings.ToLower(o))
		if bestDist < 0 || d < bestDist {
			best, bestDist = o, d
		}
	}
	// Allow about one edit in three characters, and always one.
	limit := max(1, len([]rune(w))/3)
	if bestDist < 0 || bestDist > limit {
		return "", false
	}
	return best, true
}

// Hint explains what a wrong value could have been: a close option, or the
// full list when it is short enough to read.
func Hint(word string, options []string) string {
	if s, ok := Nearest(word, options); ok {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	if len(options) <= 16 {
		return " (valid values: " + strings.Join(options, ", ") + ")"
	}
	return ""
}

// distance is the Levenshtein distance between a and b, in runes, with a
// transposition counted as one edit.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return max(len(ra), len(rb))
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
