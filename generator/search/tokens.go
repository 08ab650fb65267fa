package search

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tokens splits text into index terms: lowercase words of letters and
// digits, accents folded ("Türkiye" -> "turkiye"), stop words dropped and
// each word stemmed. The browser client tokenizes queries the same way.
func Tokens(text string) []string { return stems((&tokenizer{}).tokens(text, nil, false)) }

// tokenizer remembers the stems it has computed: text repeats its words,
// and stemming is the costly part of indexing. One per goroutine.
type tokenizer struct {
	words wordTable        // by word; nil for a word that is not indexed
	stems map[string]*term // by stem: the words of one stem share its term
	word  []byte
	call  uint32            // the current call of terms
	seen  map[string]uint32 // terms' marks of stems not cached (caches full)
	out   []*term           // reused by terms
	// slab holds the terms, side by side in the order met: every word
	// looks its term up, and the common ones, met first, then share a
	// few cache lines instead of lying wherever each was allocated.
	slab []term
}

// term is a stem a tokenizer has met. mark is the call of terms that last
// gave it, so that each call gives it once without a set of its own. post
// is the stem's postings in the index a one-off build is merging, found by
// the stem's first document: its others need no lookup by string.
type term struct {
	stem string
	mark uint32
	post *postings
}

// maxCached bounds a tokenizer's caches, whatever the text.
const maxCached = 1 << 16

// terms returns the distinct terms of texts, first occurrences in order,
// in a slice of their own and of their size: a document's terms are held
// until its chunk is merged, and text repeats its words. A stem the full
// caches have no term for comes in a term of its own. Each text ends a
// word: texts are read as if joined by spaces, without the copy.
func (tz *tokenizer) terms(texts ...string) []*term {
	// Forget the marks when the counter wraps (an old mark would look
	// current) or the marks of uncached stems have grown many.
	if tz.call++; tz.call == 0 || len(tz.seen) > 1<<17 {
		for _, t := range tz.stems {
			t.mark = 0
		}
		clear(tz.seen)
		tz.call = 1
	}
	tz.out = tz.out[:0]
	for _, text := range texts {
		tz.out = tz.tokens(text, tz.out, true)
	}
	return slices.Clone(tz.out)
}

// stems returns the stems of terms.
func stems(terms []*term) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = t.stem
	}
	return out
}

// tokens appends the terms of text to out; with distinct, only those this
// call of terms has not given yet.
//
// A word is letters and digits, lowered, with apostrophes left out
// ("refugee's" -> "refugees"), accented Latin letters folded. Most words
// are written in lower-case ASCII: those are looked up as they lie in
// the text, without copying them. Others are built in tz.word.
func (tz *tokenizer) tokens(text string, out []*term, distinct bool) []*term {
	if tz.stems == nil {
		tz.stems, tz.seen = map[string]*term{}, map[string]uint32{}
	}
	for i := 0; i < len(text); {
		if byteClass[text[i]] == separator {
			i++
			continue
		}
		start := i
		for i < len(text) && byteClass[text[i]] == plain {
			i++
		}
		if i == len(text) || byteClass[text[i]] == separator {
			out = addWord(tz, text[start:i], out, distinct)
			continue
		}
		// An upper-case letter, an apostrophe or a byte of a longer
		// character: the word goes on in the buffer, to its end.
		word := append(tz.word[:0], text[start:i]...)
	word:
		for i < len(text) {
			r, size := rune(text[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(text[i:])
			}
			switch {
			case r < utf8.RuneSelf:
				switch c := byte(r); byteClass[c] {
				case plain:
					word = append(word, c)
				case upper:
					word = append(word, c+'a'-'A')
				case apostrophe:
				default:
					i++
					break word
				}
			case r == '’':
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				if f, ok := fold[r]; ok {
					word = append(word, f...)
				} else {
					word = utf8.AppendRune(word, unicode.ToLower(r))
				}
			default: // a separator, taken with the word
				i += size
				break word
			}
			i += size
		}
		if len(word) > 0 {
			out = addWord(tz, word, out, distinct)
		}
		tz.word = word
	}
	return out
}

// The classes of bytes: a separator ends a word, a plain byte is written
// as indexed (a to z, 0 to 9), an upper-case letter is lowered, an
// apostrophe is left out, and a byte of a longer character is decoded.
const (
	separator = iota
	plain
	upper
	apostrophe
	multibyte
)

var byteClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			t[c] = plain
		case c >= 'A' && c <= 'Z':
			t[c] = upper
		case c == '\'':
			t[c] = apostrophe
		case c >= utf8.RuneSelf:
			t[c] = multibyte
		}
	}
	return t
}()

// addWord appends the term of a word to out; with distinct, only if this
// call of terms has not given it yet.
func addWord[S ~string | ~[]byte](tz *tokenizer, word S, out []*term, distinct bool) []*term {
	h := hashWord(word)
	t, ok := getWord(&tz.words, word, h)
	if !ok {
		// A copy: word may be part of the text, which the tokenizer must
		// not keep alive through a short or long word it caches.
		w := strings.Clone(string(word))
		st := ""
		if !(len(w) < 2 && !isDigit(w[0]) || stopWords[w] || len(w) > 40) {
			st = Stem(w)
		}
		if st != "" {
			if t = tz.stems[st]; t == nil && len(tz.stems) < maxCached {
				if len(tz.slab) == cap(tz.slab) {
					tz.slab = make([]term, 0, 1024)
				}
				tz.slab = append(tz.slab, term{stem: st})
				t = &tz.slab[len(tz.slab)-1]
				tz.stems[st] = t
			}
		}
		// A word is cached with its term, or as not indexed; a stem
		// the full cache has no term for is marked in seen instead,
		// and stays uncached, so its marks are always in one place.
		if tz.words.len() < maxCached && (st == "" || t != nil) {
			tz.words.put(w, h, t)
		}
		if t == nil && st != "" {
			if !distinct || tz.seen[st] != tz.call {
				tz.seen[st] = tz.call
				out = append(out, &term{stem: st})
			}
		}
	}
	if t != nil && (!distinct || t.mark != tz.call) {
		t.mark = tz.call
		out = append(out, t)
	}
	return out
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// fold maps accented Latin letters to their plain form, so queries typed
// without accents find names written with them.
var fold = func() map[rune]string {
	m := map[rune]string{}
	groups := map[string]string{
		"a": "àáâãäåāăąÀÁÂÃÄÅĀĂĄ", "c": "çćĉċčÇĆĈĊČ", "d": "ďđĎĐ", "e": "èéêëēĕėęěÈÉÊËĒĔĖĘĚ",
		"g": "ĝğġģĜĞĠĢ", "h": "ĥħĤĦ", "i": "ìíîïĩīĭįıÌÍÎÏĨĪĬĮİ", "j": "ĵĴ", "k": "ķĶ",
		"l": "ĺļľŀłĹĻĽĿŁ", "n": "ñńņňÑŃŅŇ", "o": "òóôõöøōŏőÒÓÔÕÖØŌŎŐ", "r": "ŕŗřŔŖŘ",
		"s": "śŝşšŚŜŞŠ", "t": "ţťŧŢŤŦ", "u": "ùúûüũūŭůűųÙÚÛÜŨŪŬŮŰŲ", "w": "ŵŴ",
		"y": "ýÿŷÝŸŶ", "z": "źżžŹŻŽ", "ss": "ß", "ae": "æÆ", "oe": "œŒ",
	}
	for plain, letters := range groups {
		for _, r := range letters {
			m[r] = plain
		}
	}
	return m
}()

// stopWords are too common to help a search. The list is short on purpose:
// words such as "aid" or "work" matter here.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an and are as at be by for from has have in into is it its
		of on or that the their this to was were will with which who our we they them these those
		also than then there not but can per via such each other all any more most some been being
		https http www org com`) {
		m[w] = true
	}
	return m
}()
