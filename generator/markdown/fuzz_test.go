package markdown_test

import (
	"bytes"
	"html"
	"html/template"
	"regexp"
	"slices"
	"strings"
	"testing"

	"pledgesite/generator/markdown"
)

var anyHeadingID = regexp.MustCompile(`<h[1-6] id="([^"]*)"`)

// FuzzRender checks, for any input, that rendering does not panic and
// fails only for the limits on tables and output, and that the output holds no <script>, no on...= attribute and no
// href or src whose scheme is javascript:, vbscript:, data: or file:. It
// also checks that heading ids are unique and never reserved, and that
// rendering is deterministic, and the same as with autolinks whatever the
// text (Render leaves them out of text that cannot hold one), but for the
// spaces before line ends that goldmark keeps with them.
//
// Seeds: testdata/fuzz/FuzzRender (bodies of the site's content pages and
// the golden cases), plus the golden cases and content pages read afresh.
//
//	go test ./generator/markdown -run '^$' -fuzz FuzzRender -fuzztime 60s
func FuzzRender(f *testing.F) {
	for _, c := range readGoldenCases(f) {
		f.Add(c.input)
	}
	for _, b := range contentBodies(f) {
		f.Add(b)
	}
	r := markdown.New()
	reserved := []string{"main", "content", "top", "section"}
	opts := []markdown.Options{
		{},
		{BasePath: "/sub/", MinHeading: 2, ReservedIDs: reserved},
		{BasePath: "/a/b/", MinHeading: 6},
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, opt := range opts {
			out, err := r.Render(src, opt)
			if err != nil {
				// Only a table with too many cells or text that renders
				// to far more than it holds may fail.
				if line, _ := markdown.TableProblem(src); line == 0 && !strings.Contains(err.Error(), "far more HTML") {
					t.Fatalf("Render: %v", err)
				}
				return
			}
			s := string(out)
			if msg := unsafeHTML(s); msg != "" {
				t.Fatalf("unsafe output (base %q): %s\ninput: %q\noutput: %s", opt.BasePath, msg, src, s)
			}
			seen := map[string]bool{}
			for _, m := range anyHeadingID.FindAllStringSubmatch(s, -1) {
				id := m[1]
				if seen[id] {
					t.Fatalf("heading id %q used twice\ninput: %q\noutput: %s", id, src, s)
				}
				if slices.Contains(opt.ReservedIDs, id) {
					t.Fatalf("heading id %q is reserved\ninput: %q\noutput: %s", id, src, s)
				}
				seen[id] = true
			}
			again, _ := r.Render(bytes.Clone(src), opt)
			if again != out {
				t.Fatalf("rendering is not deterministic\ninput: %q\nfirst: %s\nsecond: %s", src, out, again)
			}
			if full, _ := r.RenderLinkified(src, opt); !sameBesideLineEnds(full, s) {
				t.Fatalf("rendering without autolinks differs\ninput: %q\nwith: %s\nwithout: %s", src, full, s)
			}
		}
	})
}

// spaceBeforeBreak is white space at the end of a line of a paragraph,
// which goldmark's autolink parser makes it keep: the spaces are where the
// parser is called, and goldmark trims only the line's last piece of text.
var spaceBeforeBreak = regexp.MustCompile(`[ \t\v\f\r]+(<br>\n|\n)`)

// sameBesideLineEnds reports whether a and b are the same HTML but for
// white space before line ends, which a browser does not show.
func sameBesideLineEnds(a, b string) bool {
	return a == b || spaceBeforeBreak.ReplaceAllString(a, "$1") == spaceBeforeBreak.ReplaceAllString(b, "$1")
}

// FuzzTextOf checks TextOf against the plain statement of what it does:
// tags dropped (block tags leaving a space), references decoded, then
// strings.Fields joined by single spaces. Inputs are any text, as HTML,
// and the HTML Render makes of it.
//
//	go test ./generator/markdown -run '^$' -fuzz FuzzTextOf -fuzztime 60s
func FuzzTextOf(f *testing.F) {
	for _, c := range readGoldenCases(f) {
		f.Add(c.input)
	}
	for _, s := range []string{"a&nbsp;b", "x\u00a0\u2003y", "<p> one </p><p>two&amp;&lt;</p>", "\xff &#32; \u0085z", "<a", "a<em>b</em>c<br>d"} {
		f.Add([]byte(s))
	}
	r := markdown.New()
	f.Fuzz(func(t *testing.T, src []byte) {
		rendered, err := r.Render(src, markdown.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range []template.HTML{template.HTML(src), rendered} {
			if got, want := markdown.TextOf(h), textOfSpec(string(h)); got != want {
				t.Fatalf("TextOf(%q) = %q, want %q", h, got, want)
			}
		}
	})
}

func textOfSpec(s string) string {
	var b strings.Builder
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
		name := strings.TrimPrefix(s[i+1:i+j], "/")
		if k := strings.IndexAny(name, " \t\n/"); k >= 0 {
			name = name[:k]
		}
		inline := strings.HasPrefix(name, "!--") || slices.Contains([]string{"a", "em", "strong", "code", "del", "span", "b", "i", "mark", "sub", "sup"}, name)
		if j > 1 && !inline {
			b.WriteByte(' ')
		}
		s = s[i+j+1:]
	}
	return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
}
