package render

import (
	"html/template"
	"strings"
)

// pageMeta renders a page's <title> and the tags that describe it to
// search engines and link previews: description, canonical address, Open
// Graph and Twitter card. It is a built-in, as Hugo's internal templates
// for the same tags are, because as a dozen template actions these tags
// cost more than the rest of a pledge page's <head>: each action is a
// reflective call, and each value in it another one per escaper. A theme
// that wants other tags writes them itself.
//
// The escaping is html/template's for the same markup, byte for byte
// (FuzzPageMeta compares the two).
func (r *Renderer) pageMeta(p *Page) template.HTML {
	var b strings.Builder
	b.Grow(600 + 3*len(p.Title) + 3*len(p.Description))
	site := r.site.Config.Title
	b.WriteString("<title>")
	if p.Kind != "home" {
		escapeText(&b, p.Title)
		b.WriteString(" · ")
	}
	escapeText(&b, site)
	b.WriteString("</title>")
	abs := r.Abs(p.URL)
	optional(&b, `<meta name="description" content="`, p.Description)
	b.WriteString("\n<link rel=\"canonical\" href=\"")
	escapeURL(&b, abs)
	b.WriteString(`">`)
	tag(&b, `<meta property="og:title" content="`, p.Title)
	kind := "website"
	if p.Record != nil && p.Kind != "home" {
		kind = "article"
	}
	tag(&b, `<meta property="og:type" content="`, kind)
	tag(&b, `<meta property="og:url" content="`, abs)
	optional(&b, `<meta property="og:description" content="`, p.Description)
	tag(&b, `<meta name="twitter:title" content="`, p.Title)
	optional(&b, `<meta name="twitter:description" content="`, p.Description)
	return template.HTML(b.String()) //nolint:gosec // every value escaped as html/template would
}

// optional writes a tag whose value may be missing, then not at all.
func optional(b *strings.Builder, open, value string) {
	if value != "" {
		tag(b, open, value)
	}
}

// tag writes a tag with one attribute value, on a line of its own.
func tag(b *strings.Builder, open, value string) {
	b.WriteByte('\n')
	b.WriteString(open)
	escapeText(b, value)
	b.WriteString(`">`)
}

// escapeText escapes s for HTML text or a quoted attribute value as
// html/template does for a plain string: NUL becomes U+FFFD, and " & ' +
// < > become character references. Other bytes, invalid UTF-8 included,
// are kept.
func escapeText(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var ref string
		switch s[i] {
		case 0:
			ref = "\uFFFD"
		case '"':
			ref = "&#34;"
		case '&':
			ref = "&amp;"
		case '\'':
			ref = "&#39;"
		case '+':
			ref = "&#43;"
		case '<':
			ref = "&lt;"
		case '>':
			ref = "&gt;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(ref)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// escapeURL writes u as html/template writes a URL attribute: a URL whose
// scheme is not http, https or mailto is replaced by "#ZgotmplZ", bytes
// that may not appear in a URL are percent-encoded (reserved characters
// and existing escapes are kept), and the result is escaped as text.
func escapeURL(b *strings.Builder, u string) {
	if !safeURL(u) {
		b.WriteString("#ZgotmplZ")
		return
	}
	var n strings.Builder
	n.Grow(len(u))
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("!#$&*+,/:;=?@[]-._~", c) >= 0,
			c == '%' && i+2 < len(u) && isHex(u[i+1]) && isHex(u[i+2]):
			n.WriteByte(c)
		default:
			const digits = "0123456789abcdef"
			n.WriteByte('%')
			n.WriteByte(digits[c>>4])
			n.WriteByte(digits[c&15])
		}
	}
	escapeText(b, n.String())
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// safeURL reports whether u is relative or has one of the schemes
// html/template lets through.
func safeURL(u string) bool {
	scheme, _, ok := strings.Cut(u, ":")
	return !ok || strings.Contains(scheme, "/") ||
		strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "mailto")
}
