// Package markdown renders the Markdown of guidance pages and of
// contributor-written record fields to HTML that is safe to embed.
//
// One goldmark instance is configured once (CommonMark plus GFM tables,
// strikethrough and autolinks) and extended with an AST transformer that
//   - drops raw HTML (goldmark's default, kept by never enabling Unsafe),
//   - turns links with schemes other than http, https and mailto into plain
//     text, so "javascript:" never reaches a page as a link,
//   - prefixes site-absolute links ("/guidance/") with the site's base path,
//     so pages work when the site is hosted under a sub-path,
//   - marks external links rel="noopener noreferrer",
//   - shifts headings down so a contributor's "# Title" cannot compete with
//     the page's own h1,
//   - turns images from other hosts into links, as the site's content
//     security policy allows only its own images.
package markdown

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Options are the per-document settings.
type Options struct {
	// BasePath is the path the site is served under, such as "/" or "/sub/".
	BasePath string
	// MinHeading is the highest heading level the document may use. When
	// its top heading is above that, every heading moves down by the same
	// amount (2 for a page body under the h1), so the outline keeps its
	// shape; a document that starts lower is left as it is.
	MinHeading int
	// ReservedIDs are element ids the page template already uses, which
	// heading ids must not repeat.
	ReservedIDs []string
	// ReservedPrefixes start ids the page template makes from data
	// ("status-" of "status-{{.Value}}"); a heading id that starts so
	// gets "section-" before it.
	ReservedPrefixes []string
	// IDPrefix starts every heading id.
	IDPrefix string
}

// Renderer renders Markdown. It is safe for concurrent use.
type Renderer struct {
	md goldmark.Markdown
	// plain is md without autolinks, for text that cannot hold one. The
	// autolink parser runs at every space and costs a third of rendering
	// a typical description; where it cannot find a link, the output is
	// the same without it, but for spaces before line ends that goldmark
	// keeps with it and a browser does not show.
	plain goldmark.Markdown
}

var optionsKey = parser.NewContextKey()

// New returns a Renderer configured once for the whole build.
func New() *Renderer {
	configure := func(exts ...goldmark.Extender) goldmark.Markdown {
		return goldmark.New(
			goldmark.WithExtensions(append(exts, extension.Table, extension.Strikethrough)...),
			goldmark.WithParserOptions(
				parser.WithAutoHeadingID(),
				parser.WithASTTransformers(util.Prioritized(transformer{}, 100)),
			),
		)
	}
	return &Renderer{md: configure(extension.Linkify), plain: configure()}
}

// mayLink reports whether GFM's autolinks could find a link in src: one
// starts "http:", "https:", "ftp:" or "www.", or is an email address.
func mayLink(src []byte) bool {
	return bytes.IndexByte(src, '@') >= 0 || bytes.Contains(src, []byte("www.")) ||
		bytes.Contains(src, []byte("http")) || bytes.Contains(src, []byte("ftp:"))
}

// Render converts src to HTML.
func (r *Renderer) Render(src []byte, opt Options) (template.HTML, error) {
	md := r.md
	if !mayLink(src) {
		md = r.plain
	}
	return r.convert(md, src, opt)
}

func (r *Renderer) convert(md goldmark.Markdown, src []byte, opt Options) (template.HTML, error) {
	if opt.BasePath == "" {
		opt.BasePath = "/"
	}
	if opt.MinHeading < 1 {
		opt.MinHeading = 1
	}
	if line, msg := TableProblem(src); line > 0 {
		return "", fmt.Errorf("line %d: %s", line, msg)
	}
	ctx := parser.NewContext(parser.WithIDs(newIDs(opt)))
	ctx.Set(optionsKey, opt)
	// HTML runs about a fifth longer than its Markdown; sized so, the buffer
	// rarely grows. Being a util.BufWriter, it spares goldmark a 4 KB
	// bufio.Writer per call, and a strings.Builder, the HTML is not copied
	// again into a string.
	w := &bufWriter{limit: maxOutput(len(src))}
	w.Grow(len(src) + len(src)/4 + 64)
	if err := cmp.Or(md.Convert(src, w, parser.WithContext(ctx)), w.err); err != nil {
		return "", fmt.Errorf("rendering markdown: %w", err)
	}
	return template.HTML(w.String()), nil //nolint:gosec // goldmark escapes text and omits raw HTML.
}

// maxOutput is the most HTML the Markdown of n bytes may render to. Text
// can reuse a link's address many times ("[a][r]" with one long
// definition of r), so the output is not bounded by the input otherwise.
func maxOutput(n int) int { return 64*n + 64<<10 }

// errTooLarge stops a rendering that outgrows maxOutput.
var errTooLarge = errors.New("the text renders to far more HTML than it holds (a link address used many times?)")

// bufWriter is a strings.Builder that goldmark takes for its buffered
// writer: it holds everything, so there is nothing to flush. It refuses to
// grow past limit, and remembers that it did: goldmark's renderers ignore
// most write errors and would go on.
type bufWriter struct {
	strings.Builder
	limit int
	err   error
}

var _ util.BufWriter = (*bufWriter)(nil)

func (w *bufWriter) full(n int) bool {
	if w.err == nil && w.Len()+n > w.limit {
		w.err = errTooLarge
	}
	return w.err != nil
}

func (w *bufWriter) Write(p []byte) (int, error) {
	if w.full(len(p)) {
		return 0, w.err
	}
	return w.Builder.Write(p)
}

func (w *bufWriter) WriteString(s string) (int, error) {
	if w.full(len(s)) {
		return 0, w.err
	}
	return w.Builder.WriteString(s)
}

func (w *bufWriter) WriteByte(c byte) error {
	if w.full(1) {
		return w.err
	}
	return w.Builder.WriteByte(c)
}

func (w *bufWriter) WriteRune(r rune) (int, error) {
	if w.full(utf8.RuneLen(r)) {
		return 0, w.err
	}
	return w.Builder.WriteRune(r)
}

func (*bufWriter) Available() int { return 0 }
func (*bufWriter) Buffered() int  { return 0 }
func (*bufWriter) Flush() error   { return nil }

type transformer struct{}

func (transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	opt, _ := pc.Get(optionsKey).(Options)
	src := reader.Source()
	// Collect first: replacing nodes while walking would skip siblings.
	var nodes []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n.Kind() {
			case ast.KindHeading, ast.KindLink, ast.KindAutoLink, ast.KindImage:
				nodes = append(nodes, n)
			}
		}
		return ast.WalkContinue, nil
	})
	// Shift every heading by the same amount so the outline keeps its shape.
	top := 7
	for _, n := range nodes {
		if h, ok := n.(*ast.Heading); ok {
			top = min(top, h.Level)
		}
	}
	shift := max(0, opt.MinHeading-top)
	for _, n := range nodes {
		switch n := n.(type) {
		case *ast.Heading:
			n.Level = min(n.Level+shift, 6)
		case *ast.Link:
			dest, ok := safeURL(decode(n.Destination), opt.BasePath)
			if !ok {
				unwrap(n)
				continue
			}
			n.Destination = encode(dest)
			if isExternal(dest) {
				n.SetAttributeString("rel", []byte("noopener noreferrer"))
			}
		case *ast.AutoLink:
			u := string(n.URL(src))
			if n.AutoLinkType == ast.AutoLinkEmail {
				continue
			}
			if _, ok := safeURL(u, opt.BasePath); !ok {
				n.Parent().ReplaceChild(n.Parent(), n, ast.NewString(n.Label(src)))
				continue
			}
			n.SetAttributeString("rel", []byte("noopener noreferrer"))
		case *ast.Image:
			dest, ok := safeURL(decode(n.Destination), opt.BasePath)
			if ok && !isExternal(dest) && !strings.HasPrefix(dest, "mailto:") {
				n.Destination = encode(dest)
				continue
			}
			// Keep the alt text readable: as a link when the address is safe
			// and the image is not inside a link already (links do not nest).
			if ok && !insideLink(n) {
				link := ast.NewLink()
				link.Destination = encode(dest)
				link.SetAttributeString("rel", []byte("noopener noreferrer"))
				moveChildren(n, link)
				n.Parent().ReplaceChild(n.Parent(), n, link)
			} else {
				unwrap(n)
			}
		}
	}
}

// decode resolves a destination as goldmark's renderer will (backslash
// escapes, then character references), so that what is checked is what a
// browser would see: "&#47;&#47;host" is "//host".
func decode(raw []byte) string {
	return string(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(raw))))
}

// encode stores a checked destination so the renderer's own decoding
// gives it back unchanged.
func encode(dest string) []byte {
	return []byte(strings.NewReplacer(`\`, `\\`, "&", "&amp;").Replace(dest))
}

func insideLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Kind() == ast.KindLink {
			return true
		}
	}
	return false
}

// safeURL checks a link destination and rewrites site-absolute paths under
// the base path. Relative links and fragments are kept as written.
func safeURL(dest, base string) (string, bool) {
	dest = strings.TrimSpace(dest)
	u, err := url.Parse(dest)
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "", false
		}
		return u.String(), true
	case "mailto":
		return u.String(), true
	case "":
		if u.Host != "" { // "//host/path" is another site
			return "", false
		}
		if strings.HasPrefix(u.Path, "/") {
			u.Path = strings.TrimSuffix(base, "/") + u.Path
		}
		// So is "///host/path" to a browser, which Go reads as a path.
		if s := u.String(); !strings.HasPrefix(s, "//") {
			return s, true
		}
	}
	return "", false
}

func isExternal(dest string) bool {
	return strings.HasPrefix(dest, "http://") || strings.HasPrefix(dest, "https://")
}

// unwrap replaces n by its children, keeping the text.
func unwrap(n ast.Node) {
	parent := n.Parent()
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}

func moveChildren(from, to ast.Node) {
	for c := from.FirstChild(); c != nil; {
		next := c.NextSibling()
		to.AppendChild(to, c)
		c = next
	}
}
