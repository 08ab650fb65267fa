package search

import (
	"strconv"
	"strings"
	"testing"
)

// TestWordTable checks that every word put is found with its own term and
// that words never put are not: across growth, for words too long for a
// slot, and for words whose hashes collide.
func TestWordTable(t *testing.T) {
	for _, c := range []struct {
		name string
		hash func([]byte) uint32
	}{
		{"hashWord", hashWord[[]byte]},
		{"colliding", func(w []byte) uint32 { return uint32(len(w)) }}, // one probe chain per length
	} {
		t.Run(c.name, func(t *testing.T) {
			var wt wordTable
			n := 10000
			if c.name == "colliding" {
				n = 500
			}
			words := make([]string, n)
			terms := make([]*term, n)
			for i := range words {
				words[i] = strconv.FormatInt(int64(i), 36)
				if i%7 == 0 {
					words[i] += strings.Repeat("x", slotWord) // too long for a slot
				}
				if i%5 != 0 { // some words are cached as not indexed
					terms[i] = &term{stem: words[i]}
				}
				if _, ok := getWord(&wt, words[i], c.hash([]byte(words[i]))); ok {
					t.Fatalf("%q found before it was put", words[i])
				}
				wt.put(words[i], c.hash([]byte(words[i])), terms[i])
			}
			if wt.len() != n {
				t.Errorf("len() = %d, want %d", wt.len(), n)
			}
			for i, w := range words {
				got, ok := getWord(&wt, []byte(w), c.hash([]byte(w)))
				if !ok || got != terms[i] {
					t.Errorf("get(%q) = %v, %v; want %v, true", w, got, ok, terms[i])
				}
			}
			for _, w := range []string{"zzzzzz", "", "a" + strings.Repeat("x", slotWord), "0x"} {
				if got, ok := getWord(&wt, w, c.hash([]byte(w))); ok {
					t.Errorf("get(%q) = %v, true for a word never put", w, got)
				}
			}
		})
	}
}
