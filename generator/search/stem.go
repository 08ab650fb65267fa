package search

// Stem reduces an English word to its Porter stem (M.F. Porter, "An
// algorithm for suffix stripping", 1980), so that "trafficked",
// "trafficking" and "traffickers" all index as "traffick". The browser
// client carries the same algorithm (assets/js/search.js); a test checks
// that both give the same stems for the same words.
//
// word must be lowercase ASCII letters; anything else is returned as is.
func Stem(word string) string {
	if len(word) <= 2 {
		return word
	}
	for i := 0; i < len(word); i++ {
		if word[i] < 'a' || word[i] > 'z' {
			return word
		}
	}
	w := &stemmer{b: []byte(word)}
	w.step1a()
	w.step1b()
	w.step1c()
	w.step2()
	w.step3()
	w.step4()
	w.step5()
	return string(w.b)
}

type stemmer struct {
	b []byte
}

// cons reports whether b[i] is a consonant: not a vowel, and "y" only when
// it follows a vowel (or starts the word).
func (s *stemmer) cons(i int) bool {
	switch s.b[i] {
	case 'a', 'e', 'i', 'o', 'u':
		return false
	case 'y':
		return i == 0 || !s.cons(i-1)
	}
	return true
}

// measure counts the VC sequences in b[:n]: [C](VC)^m[V].
func (s *stemmer) measure(n int) int {
	m, i := 0, 0
	for i < n && s.cons(i) {
		i++
	}
	for i < n {
		for i < n && !s.cons(i) {
			i++
		}
		if i >= n {
			break
		}
		for i < n && s.cons(i) {
			i++
		}
		m++
	}
	return m
}

func (s *stemmer) hasVowel(n int) bool {
	for i := 0; i < n; i++ {
		if !s.cons(i) {
			return true
		}
	}
	return false
}

// doubleCons reports whether b[:n] ends in a double consonant.
func (s *stemmer) doubleCons(n int) bool {
	return n >= 2 && s.b[n-1] == s.b[n-2] && s.cons(n-1)
}

// cvc reports whether b[:n] ends consonant-vowel-consonant with the last
// consonant not w, x or y ("hop", not "snow").
func (s *stemmer) cvc(n int) bool {
	if n < 3 || !s.cons(n-1) || s.cons(n-2) || !s.cons(n-3) {
		return false
	}
	switch s.b[n-1] {
	case 'w', 'x', 'y':
		return false
	}
	return true
}

func (s *stemmer) ends(suffix string) bool {
	n := len(s.b) - len(suffix)
	return n >= 0 && string(s.b[n:]) == suffix // compared without allocating
}

// replace swaps suffix for repl when the stem before it has measure > m.
func (s *stemmer) replace(suffix, repl string, m int) bool {
	if !s.ends(suffix) {
		return false
	}
	stem := len(s.b) - len(suffix)
	if s.measure(stem) > m {
		s.b = append(s.b[:stem], repl...)
	}
	return true
}

func (s *stemmer) step1a() {
	switch {
	case s.ends("sses"):
		s.b = s.b[:len(s.b)-2]
	case s.ends("ies"):
		s.b = s.b[:len(s.b)-2]
	case s.ends("ss"):
	case s.ends("s"):
		s.b = s.b[:len(s.b)-1]
	}
}

func (s *stemmer) step1b() {
	if s.ends("eed") {
		if s.measure(len(s.b)-3) > 0 {
			s.b = s.b[:len(s.b)-1]
		}
		return
	}
	cut := 0
	switch {
	case s.ends("ed") && s.hasVowel(len(s.b)-2):
		cut = 2
	case s.ends("ing") && s.hasVowel(len(s.b)-3):
		cut = 3
	default:
		return
	}
	s.b = s.b[:len(s.b)-cut]
	n := len(s.b)
	switch {
	case s.ends("at"), s.ends("bl"), s.ends("iz"):
		s.b = append(s.b, 'e')
	case s.doubleCons(n) && s.b[n-1] != 'l' && s.b[n-1] != 's' && s.b[n-1] != 'z':
		s.b = s.b[:n-1]
	case s.measure(n) == 1 && s.cvc(n):
		s.b = append(s.b, 'e')
	}
}

func (s *stemmer) step1c() {
	if n := len(s.b); s.ends("y") && s.hasVowel(n-1) {
		s.b[n-1] = 'i'
	}
}

var step2Suffixes = [][2]string{
	{"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"},
	{"izer", "ize"}, {"bli", "ble"}, {"alli", "al"}, {"entli", "ent"}, {"eli", "e"},
	{"ousli", "ous"}, {"ization", "ize"}, {"ation", "ate"}, {"ator", "ate"},
	{"alism", "al"}, {"iveness", "ive"}, {"fulness", "ful"}, {"ousness", "ous"},
	{"aliti", "al"}, {"iviti", "ive"}, {"biliti", "ble"}, {"logi", "log"},
}

func (s *stemmer) step2() {
	for _, r := range step2Suffixes {
		if s.replace(r[0], r[1], 0) {
			return
		}
	}
}

var step3Suffixes = [][2]string{
	{"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"},
	{"ical", "ic"}, {"ful", ""}, {"ness", ""},
}

func (s *stemmer) step3() {
	for _, r := range step3Suffixes {
		if s.replace(r[0], r[1], 0) {
			return
		}
	}
}

var step4Suffixes = []string{
	"al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment",
	"ent", "ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize",
}

func (s *stemmer) step4() {
	// Longest match first among suffixes sharing an ending ("ement" before
	// "ment" before "ent").
	best := ""
	for _, suf := range step4Suffixes {
		if s.ends(suf) && len(suf) > len(best) {
			best = suf
		}
	}
	if best == "" {
		return
	}
	stem := len(s.b) - len(best)
	if best == "ion" && (stem == 0 || (s.b[stem-1] != 's' && s.b[stem-1] != 't')) {
		return
	}
	if s.measure(stem) > 1 {
		s.b = s.b[:stem]
	}
}

func (s *stemmer) step5() {
	n := len(s.b)
	if s.b[n-1] == 'e' {
		m := s.measure(n - 1)
		if m > 1 || (m == 1 && !s.cvc(n-1)) {
			s.b = s.b[:n-1]
		}
	}
	n = len(s.b)
	if s.measure(n) > 1 && s.doubleCons(n) && s.b[n-1] == 'l' {
		s.b = s.b[:n-1]
	}
}
