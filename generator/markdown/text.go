package markdown

import (
	"bytes"
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
	// One buffer the size of the HTML holds the text at every step, since
	// each step only shortens it: the search index takes the text of every
	// description, and copies showed in profiles.
	s := string(h)
	buf := make([]byte, 0, len(s))
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			buf = append(buf, s...)
			break
		}
		buf = append(buf, s[:i]...)
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		// Block and line-break tags separate words; inline tags do not.
		if tag := s[i+1 : i+j]; len(tag) > 0 && !inlineTag(tag) {
			buf = append(buf, ' ')
		}
		s = s[i+j+1:]
	}
	text := buf
	if bytes.IndexByte(buf, '&') >= 0 {
		text = []byte(html.UnescapeString(string(buf)))
	}
	return string(foldSpace(buf[:0], text))
}

// foldSpace writes the words of text into dst's memory, one space between
// them, as strings.Join(strings.Fields(text), " ") would. dst may share
// text's memory: it never gets ahead of what it has read. Runs of ASCII
// are copied whole, the rest byte by byte, as it runs over every
// description.
func foldSpace(dst, text []byte) []byte {
	if cap(dst) < len(text) {
		// Decoding references never lengthens text (html's entities are
		// longer than what they stand for), but that is html's to keep.
		dst = make([]byte, 0, len(text))
	}
	out := dst[:len(text)]
	w := 0
	space := false // a space is due before the next word
	for i := 0; i < len(text); {
		c, n := text[i], 1
		if wordByte[c] {
			// A run of ASCII that is not space, most of a text: copied
			// whole.
			j := i + 1
			for j < len(text) && wordByte[text[j]] {
				j++
			}
			if space {
				out[w] = ' '
				w++
				space = false
			}
			w += copy(out[w:], text[i:j])
			i = j
			continue
		}
		blank := asciiSpace[c]
		if c >= utf8.RuneSelf {
			var r rune
			r, n = utf8.DecodeRune(text[i:])
			blank = unicode.IsSpace(r)
		}
		if blank {
			space = w > 0
			i += n
			continue
		}
		if space {
			out[w] = ' '
			w++
			space = false
		}
		if n == 1 {
			out[w] = c
			w++
		} else {
			w += copy(out[w:], text[i:i+n])
		}
		i += n
	}
	return out[:w]
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
