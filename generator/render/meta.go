package render

import (
	"bytes"
	"html/template"
	"strings"

	"pledgesite/generator/tmplexec"
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
	var b bytes.Buffer
	b.Grow(600 + 3*len(p.Title) + 3*len(p.Description))
	r.writePageMeta(&b, p)
	return template.HTML(b.String()) //nolint:gosec // every value escaped as html/template would
}

// writePageMeta writes pageMeta's tags into a page, without a string of
// their own: {{pageMeta .}} in a layout's text.
func (r *Renderer) writePageMeta(b *bytes.Buffer, p *Page) error {
	site := r.site.Config.Title
	b.WriteString("<title>")
	if p.Kind != "home" {
		tmplexec.EscapeText(b, p.Title)
		b.WriteString(" · ")
	}
	tmplexec.EscapeText(b, site)
	b.WriteString("</title>")
	abs := r.Abs(p.URL)
	optional(b, `<meta name="description" content="`, p.Description)
	b.WriteString("\n<link rel=\"canonical\" href=\"")
	escapeURL(b, abs)
	b.WriteString(`">`)
	tag(b, `<meta property="og:title" content="`, p.Title)
	kind := "website"
	if p.Record != nil && p.Kind != "home" {
		kind = "article"
	}
	tag(b, `<meta property="og:type" content="`, kind)
	tag(b, `<meta property="og:url" content="`, abs)
	optional(b, `<meta property="og:description" content="`, p.Description)
	tag(b, `<meta name="twitter:title" content="`, p.Title)
	optional(b, `<meta name="twitter:description" content="`, p.Description)
	return nil
}

// optional writes a tag whose value may be missing, then not at all.
func optional(b *bytes.Buffer, open, value string) {
	if value != "" {
		tag(b, open, value)
	}
}

// tag writes a tag with one attribute value, on a line of its own.
func tag(b *bytes.Buffer, open, value string) {
	b.WriteByte('\n')
	b.WriteString(open)
	tmplexec.EscapeText(b, value)
	b.WriteString(`">`)
}

// escapeURL writes u as html/template writes a URL attribute: a URL whose
// scheme is not http, https or mailto is replaced by "#ZgotmplZ", bytes
// that may not appear in a URL are percent-encoded (reserved characters
// and existing escapes are kept), and the result is escaped as text.
func escapeURL(b *bytes.Buffer, u string) {
	if !tmplexec.SafeURL(u) {
		b.WriteString("#ZgotmplZ")
		return
	}
	var n strings.Builder
	n.Grow(len(u))
	tmplexec.NormalizeURL(&n, u)
	tmplexec.EscapeText(b, n.String())
}
