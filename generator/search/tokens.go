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
func Tokens(text string) []string { return (&tokenizer{}).tokens(text, nil) }

// tokenizer remembers the stems it has computed: text repeats its words,
// and stemming is the costly part of indexing. One per goroutine.
type tokenizer struct {
	stems map[string]string
	word  []byte
	seen  map[string]uint32 // by unique: the call that last saw a term
	call  uint32
	out   []string // reused by terms
}

// terms returns the distinct terms of text, first occurrences in order,
// in a slice of their own and of their size: a document's terms are held
// until its chunk is merged, and text repeats its words.
func (tz *tokenizer) terms(text string) []string {
	tz.out = tz.tokens(text, tz.out[:0])
	return slices.Clone(tz.unique(tz.out))
}

// unique drops the repeats of terms in place, keeping first occurrences.
func (tz *tokenizer) unique(terms []string) []string {
	if tz.seen == nil {
		tz.seen = map[string]uint32{}
	}
	// Forget the marks when the counter wraps (an old mark would look
	// current) or the map has grown large.
	if tz.call++; tz.call == 0 || len(tz.seen) > 1<<17 {
		clear(tz.seen)
		tz.call = 1
	}
	out := terms[:0]
	for _, t := range terms {
		if tz.seen[t] != tz.call {
			tz.seen[t] = tz.call
			out = append(out, t)
		}
	}
	return out
}

// tokens appends the terms of text to out.
func (tz *tokenizer) tokens(text string, out []string) []string {
	if tz.stems == nil {
		tz.stems = map[string]string{}
	}
	word := tz.word[:0]
	flush := func() {
		if len(word) == 0 {
			return
		}
		if st, ok := tz.stems[string(word)]; ok { // no allocation for the lookup
			if st != "" {
				out = append(out, st)
			}
			word = word[:0]
			return
		}
		w := string(word)
		word = word[:0]
		st := ""
		if !(len(w) < 2 && !isDigit(w[0]) || stopWords[w] || len(w) > 40) {
			st = Stem(w)
		}
		if len(tz.stems) < 1<<16 {
			tz.stems[w] = st
		}
		if st != "" {
			out = append(out, st)
		}
	}
	for _, r := range text {
		switch {
		case r < utf8.RuneSelf:
			c := byte(r)
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				word = append(word, c)
			case c >= 'A' && c <= 'Z':
				word = append(word, c+'a'-'A')
			case c == '\'':
				// "refugee's" -> "refugee": drop the possessive.
			default:
				flush()
			}
		case r == '’':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if f, ok := fold[r]; ok {
				word = append(word, f...)
			} else {
				word = utf8.AppendRune(word, unicode.ToLower(r))
			}
		default:
			flush()
		}
	}
	flush()
	tz.word = word
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
