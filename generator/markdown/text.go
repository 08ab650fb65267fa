package markdown

import (
	"html"
	"html/template"
	"strings"
)

// TextOf returns the text of HTML this package rendered: tags dropped,
// character references decoded, white space folded. It lets the search
// index reuse a description's HTML instead of parsing its Markdown again.
func TextOf(h template.HTML) string {
	var b strings.Builder
	s := string(h)
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		// Block and line-break tags separate words; inline tags do not.
		if tag := s[i+1 : i+j]; len(tag) > 0 && !inlineTag(tag) {
			b.WriteByte(' ')
		}
		s = s[i+j+1:]
	}
	return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
}

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
