package markdown

import (
	"html"
	"html/template"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextOf returns the text of HTML this package rendered: tags dropped,
// character references decoded, white space folded. It lets the search
// index reuse a description's HTML instead of parsing its Markdown again.
func TextOf(h template.HTML) string {
	s := string(h)
	var b strings.Builder
	b.Grow(len(s))
	if strings.IndexByte(s, '&') < 0 {
		// One pass, straight into the result: the search index takes the
		// text of every description, and copies showed in profiles.
		space := false // a space is due before the next word
		eachText(s, func(text string, block bool) {
			space = foldSpace(&b, text, space || block)
		})
		return b.String()
	}
	// References are decoded in the text of all the tags at once, as a
	// browser would, then the white space is folded.
	eachText(s, func(text string, block bool) {
		if block {
			b.WriteByte(' ')
		}
		b.WriteString(text)
	})
	text := html.UnescapeString(b.String())
	var out strings.Builder
	out.Grow(len(text))
	foldSpace(&out, text, false)
	return out.String()
}

// eachText calls f with each run of text between the tags of s, in order,
// and whether a tag that separates words (a block or line-break tag;
// inline tags do not) comes just before it.
func eachText(s string, f func(text string, block bool)) {
	block := false
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			f(s, block)
			return
		}
		f(s[:i], block)
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			return
		}
		tag := s[i+1 : i+j]
		block = len(tag) > 0 && !inlineTag(tag)
		s = s[i+j+1:]
	}
}

// foldSpace appends the words of text to b, one space between them, as
// strings.Join(strings.Fields(text), " ") would, and reports whether a
// space is due before the next word. space says one is due before the
// first; none goes at the start of b. Runs of ASCII are copied whole, the
// rest rune by rune, as it runs over every description.
func foldSpace(b *strings.Builder, text string, space bool) bool {
	for i := 0; i < len(text); {
		c, n := text[i], 1
		if wordByte[c] {
			// A run of ASCII that is not space, most of a text: copied
			// whole.
			j := i + 1
			for j < len(text) && wordByte[text[j]] {
				j++
			}
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteString(text[i:j])
			i = j
			continue
		}
		blank := asciiSpace[c]
		if c >= utf8.RuneSelf {
			var r rune
			r, n = utf8.DecodeRuneInString(text[i:])
			blank = unicode.IsSpace(r)
		}
		if blank {
			space = true
			i += n
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteString(text[i : i+n])
		i += n
	}
	return space
}

var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// wordByte marks the ASCII bytes that are not space.
var wordByte = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = !asciiSpace[c]
	}
	return t
}()

func inlineTag(tag string) bool {
	name := strings.TrimPrefix(tag, "/")
	if k := strings.IndexAny(name, " \t\n/"); k >= 0 {
		name = name[:k]
	}
	switch name {
	case "a", "em", "strong", "code", "del", "span", "b", "i", "mark", "sub", "sup", "!--":
		return true
	}
	return strings.HasPrefix(name, "!--")
}
