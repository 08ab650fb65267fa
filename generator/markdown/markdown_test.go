package markdown_test

import (
	"bytes"
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"pledgesite/generator/markdown"
)

var update = flag.Bool("update", false, "rewrite the expected HTML of the golden cases in testdata/cases from the current output")

// goldenOptions are the options every golden case is rendered with: a site
// served under /sub/, a page body under the page's h1, and the ids a page
// template typically reserves.
var goldenOptions = markdown.Options{
	BasePath:    "/sub/",
	MinHeading:  2,
	ReservedIDs: []string{"main", "content", "top"},
}

const wantMarker = "\n-- want --\n"

type goldenCase struct {
	name, file string
	input      []byte
	want       string
}

func readGoldenCases(tb testing.TB) []goldenCase {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "cases", "*.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) == 0 {
		tb.Fatal("no golden cases in testdata/cases")
	}
	var out []goldenCase
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		in, want, ok := strings.Cut(string(data), wantMarker)
		if !ok {
			tb.Fatalf("%s: no %q line", f, strings.TrimSpace(wantMarker))
		}
		out = append(out, goldenCase{
			name:  strings.TrimSuffix(filepath.Base(f), ".txt"),
			file:  f,
			input: []byte(in),
			want:  want,
		})
	}
	return out
}

// TestGolden renders each testdata/cases/NNN-name.txt file and compares the
// HTML exactly. Run with -update to rewrite the expected part; review the
// diff, as the cases that document bugs hold the correct HTML by hand.
func TestGolden(t *testing.T) {
	r := markdown.New()
	for _, c := range readGoldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			got, err := r.Render(c.input, goldenOptions)
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				data := string(c.input) + wantMarker + string(got)
				if err := os.WriteFile(c.file, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if string(got) != c.want {
				t.Errorf("input:\n%s\ngot:\n%s\nwant:\n%s", c.input, got, c.want)
			}
			if msg := unsafeHTML(string(got)); msg != "" {
				t.Errorf("unsafe output: %s\n%s", msg, got)
			}
		})
	}
}

func render(t *testing.T, r *markdown.Renderer, src string, opt markdown.Options) string {
	t.Helper()
	out, err := r.Render([]byte(src), opt)
	if err != nil {
		t.Fatalf("Render(%q): %v", src, err)
	}
	return string(out)
}

// TestRawHTMLNeverReachesOutput covers HTML written directly in the Markdown,
// as a block and inline.
func TestRawHTMLNeverReachesOutput(t *testing.T) {
	r := markdown.New()
	inputs := []string{
		"<script>alert(1)</script>",
		"<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
		"text <script>alert(1)</script> text",
		"<img src=x onerror=alert(1)>",
		"a <img src=x onerror=alert(1)> b",
		"<iframe src=\"https://evil.example/\"></iframe>",
		"inline <iframe src=javascript:alert(1)></iframe>",
		"<a href=\"javascript:alert(1)\">x</a>",
		"see <a href=javascript:alert(1)>here</a>",
		"<div onclick=\"alert(1)\">\n\n*md*\n\n</div>",
		"<svg onload=alert(1)>",
		"<style>body{display:none}</style>",
		"<!-- comment --><script>x</script>",
		"<details open ontoggle=alert(1)>",
		"# Title <script>alert(1)</script>",
		"| a |\n|---|\n| <img src=x onerror=alert(1)> |",
		"> <script>alert(1)</script>",
		"- <iframe></iframe>",
	}
	for _, in := range inputs {
		for _, opt := range []markdown.Options{{}, goldenOptions} {
			out := render(t, r, in, opt)
			if msg := unsafeHTML(out); msg != "" {
				t.Errorf("%q: %s\n%s", in, msg, out)
			}
			for _, tag := range []string{"<script", "<img", "<iframe", "<svg", "<style", "<div", "<details", "onerror", "onclick", "onload", "ontoggle"} {
				if strings.Contains(strings.ToLower(out), tag) {
					t.Errorf("%q: output holds %q:\n%s", in, tag, out)
				}
			}
			if strings.Contains(in, "<a ") && strings.Contains(out, "<a ") {
				t.Errorf("%q: raw <a> became a link:\n%s", in, out)
			}
		}
	}
}

// TestScriptSchemesAreText checks that links to script and data schemes, in
// every spelling Markdown allows, become plain text: no link at all, and no
// script scheme in any attribute.
func TestScriptSchemesAreText(t *testing.T) {
	r := markdown.New()
	inputs := []string{
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](JAVASCRIPT:alert(1))",
		"[x](vbscript:msgbox(1))",
		"[x](VBScript:msgbox(1))",
		"[x](data:text/html,<script>alert(1)</script>)",
		"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"[x](file:///etc/passwd)",
		"[x](  javascript:alert(1))",
		"[x](<  javascript:alert(1)>)",
		"[x](<javascript:alert(1)>)",
		"[x]( javascript:alert(1) \"title\")",
		"[x](javascript&#58;alert(1))",
		"[x](javascript&#x3A;alert(1))",
		"[x](javascript&colon;alert(1))",
		"[x](&#106;avascript:alert(1))",
		"[x](java&#x73;cript:alert(1))",
		"[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))",
		"[x](javascript\\:alert(1))",
		"[x](java%0Ascript:alert(1))",
		"[x](%20javascript:alert(1))",
		"<javascript:alert(1)>",
		"<JAVASCRIPT:alert(1)>",
		"<vbscript:msgbox(1)>",
		"<data:text/html,x>",
		"[x][r]\n\n[r]: javascript:alert(1)",
		"[x][r]\n\n[r]: <javascript&#58;alert(1)>",
		"[r]\n\n[r]: JaVaScRiPt:alert(1)",
		"![x](javascript:alert(1))",
		"![x](javascript&#58;alert(1))",
		"![x](data:text/html,<script>alert(1)</script>)",
		"[![x](javascript:alert(1))](javascript:alert(2))",
	}
	for _, in := range inputs {
		for _, opt := range []markdown.Options{{}, goldenOptions} {
			out := render(t, r, in, opt)
			if msg := unsafeHTML(out); msg != "" {
				t.Errorf("%q: %s\n%s", in, msg, out)
			}
			if msg := scriptInAnyAttribute(out); msg != "" {
				t.Errorf("%q: %s\n%s", in, msg, out)
			}
			if strings.Contains(out, "<a ") || strings.Contains(out, "<img ") {
				t.Errorf("%q (base %q): want plain text, got a link or image:\n%s", in, opt.BasePath, out)
			}
		}
	}
}

func TestLinks(t *testing.T) {
	r := markdown.New()
	sub := markdown.Options{BasePath: "/sub/"}
	root := markdown.Options{BasePath: "/"}
	tests := []struct {
		name string
		in   string
		opt  markdown.Options
		want string
	}{
		{"site-absolute under sub-path", "[x](/guidance/x/)", sub, `<p><a href="/sub/guidance/x/">x</a></p>` + "\n"},
		{"site-absolute at root", "[x](/guidance/x/)", root, `<p><a href="/guidance/x/">x</a></p>` + "\n"},
		{"empty base path means root", "[x](/guidance/x/)", markdown.Options{}, `<p><a href="/guidance/x/">x</a></p>` + "\n"},
		{"site root", "[home](/)", sub, `<p><a href="/sub/">home</a></p>` + "\n"},
		{"query and fragment kept", "[x](/a/?q=1#f)", sub, `<p><a href="/sub/a/?q=1#f">x</a></p>` + "\n"},
		{"relative", "[x](guidance/x/)", sub, `<p><a href="guidance/x/">x</a></p>` + "\n"},
		{"parent-relative", "[x](../x/)", sub, `<p><a href="../x/">x</a></p>` + "\n"},
		{"fragment", "[x](#indicators)", sub, `<p><a href="#indicators">x</a></p>` + "\n"},
		{"https external", "[x](https://example.org/a)", sub, `<p><a href="https://example.org/a" rel="noopener noreferrer">x</a></p>` + "\n"},
		{"http external", "[x](http://example.org/)", root, `<p><a href="http://example.org/" rel="noopener noreferrer">x</a></p>` + "\n"},
		{"upper-case scheme", "[x](HTTPS://example.org/)", root, `<p><a href="https://example.org/" rel="noopener noreferrer">x</a></p>` + "\n"},
		{"external with title", `[x](https://example.org/ "T")`, root, `<p><a href="https://example.org/" title="T" rel="noopener noreferrer">x</a></p>` + "\n"},
		{"mailto", "[mail](mailto:a@example.org)", sub, `<p><a href="mailto:a@example.org">mail</a></p>` + "\n"},
		{"protocol-relative dropped", "[x](//evil.example/x)", sub, "<p>x</p>\n"},
		{"protocol-relative dropped at root", "[x](//evil.example/x)", root, "<p>x</p>\n"},
		{"protocol-relative reference dropped", "[x][r]\n\n[r]: //evil.example/x", root, "<p>x</p>\n"},
		{"http without host dropped", "[x](http:///etc)", root, "<p>x</p>\n"},
		{"https opaque dropped", "[x](https:evil.example)", root, "<p>x</p>\n"},
		{"backslash path stays on site", `[x](/\evil.example)`, root, `<p><a href="/%5Cevil.example">x</a></p>` + "\n"},
		{"ftp dropped", "[x](ftp://example.org/f)", root, "<p>x</p>\n"},
		{"tel dropped", "[x](tel:+123)", root, "<p>x</p>\n"},
		{"emphasis kept when unwrapped", "[*x* y](javascript:alert(1))", root, "<p><em>x</em> y</p>\n"},
		{"autolink https", "<https://example.org/a>", sub, `<p><a href="https://example.org/a" rel="noopener noreferrer">https://example.org/a</a></p>` + "\n"},
		{"linkified www", "see www.example.org now", sub, `<p>see <a href="http://www.example.org" rel="noopener noreferrer">www.example.org</a> now</p>` + "\n"},
		{"linkified email", "write to a@example.org", sub, `<p>write to <a href="mailto:a@example.org">a@example.org</a></p>` + "\n"},
		{"autolink javascript is text", "<javascript:alert(1)>", sub, "<p>javascript:alert(1)</p>\n"},

		// Entity references and backslash escapes are resolved by goldmark
		// when it writes the href; the checks must see the same address.
		{"entity-encoded slash gets base path", "[x](&#47;guidance/x/)", sub, `<p><a href="/sub/guidance/x/">x</a></p>` + "\n"},
		{"entity-encoded protocol-relative dropped", "[x](/&#47;evil.example/x)", root, "<p>x</p>\n"},
		{"hex-entity protocol-relative dropped", "[x](&#x2F;/evil.example/x)", root, "<p>x</p>\n"},
		{"entity-encoded external gets rel", "[x](&#104;ttps://evil.example/x)", root, `<p><a href="https://evil.example/x" rel="noopener noreferrer">x</a></p>` + "\n"},
		{"entity-encoded javascript is text", "[x](javascript&#58;alert(1))", root, "<p>x</p>\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, r, tc.in, tc.opt)
			if got != tc.want {
				t.Errorf("Render(%q, base %q)\n got: %s\nwant: %s", tc.in, tc.opt.BasePath, got, tc.want)
			}
			if msg := unsafeHTML(got); msg != "" {
				t.Errorf("unsafe output: %s", msg)
			}
		})
	}
}

// TestNoProtocolRelativeAddresses checks every href and src in the output of
// inputs that try to reach another host without a scheme.
func TestNoProtocolRelativeAddresses(t *testing.T) {
	r := markdown.New()
	inputs := []string{
		"[x](//evil.example/)",
		"[x](///evil.example/)",
		"[x](////evil.example/)",
		"![x](///evil.example/i.png)",
		"[x](/&#47;/evil.example/)",
		"[x](/&#47;evil.example/)",
		"[x](&#47;&#47;evil.example/)",
		"[x](&#x2f;&#x2f;evil.example/)",
		"[x](/&sol;evil.example/)",
		"[x](\\/\\/evil.example/)",
		"![x](//evil.example/i.png)",
		"![x](/&#47;evil.example/i.png)",
		"[x][r]\n\n[r]: /&#47;evil.example/",
	}
	for _, in := range inputs {
		for _, opt := range []markdown.Options{{BasePath: "/"}, {BasePath: "/sub/"}} {
			out := render(t, r, in, opt)
			for _, a := range attributes(out) {
				if a.name != "href" && a.name != "src" {
					continue
				}
				v := html.UnescapeString(a.value)
				if strings.HasPrefix(v, "//") || strings.HasPrefix(v, `/\`) || strings.HasPrefix(v, `\`) {
					t.Errorf("%q (base %q): <%s %s=%q> leaves the site:\n%s", in, opt.BasePath, a.tag, a.name, a.value, out)
				}
			}
		}
	}
}

func TestImages(t *testing.T) {
	r := markdown.New()
	tests := []struct {
		name, in string
		opt      markdown.Options
		want     string
	}{
		{"local image gets base path", "![alt](/images/a.png)", markdown.Options{BasePath: "/sub/"},
			`<p><img src="/sub/images/a.png" alt="alt"></p>` + "\n"},
		{"local image at root", "![alt](/images/a.png)", markdown.Options{BasePath: "/"},
			`<p><img src="/images/a.png" alt="alt"></p>` + "\n"},
		{"relative image kept", "![alt](a.png)", markdown.Options{BasePath: "/sub/"},
			`<p><img src="a.png" alt="alt"></p>` + "\n"},
		{"image from another host becomes a link", "![a chart](https://cdn.example/c.png)", markdown.Options{BasePath: "/sub/"},
			`<p><a href="https://cdn.example/c.png" rel="noopener noreferrer">a chart</a></p>` + "\n"},
		{"http image becomes a link", `![a](http://cdn.example/c.png "T")`, markdown.Options{},
			`<p><a href="http://cdn.example/c.png" rel="noopener noreferrer">a</a></p>` + "\n"},
		{"protocol-relative image becomes text", "![a](//cdn.example/c.png)", markdown.Options{},
			"<p>a</p>\n"},
		{"data image becomes text", "![a](data:image/png;base64,AAAA)", markdown.Options{},
			"<p>a</p>\n"},
		{"javascript image becomes text", "![a](javascript:alert(1))", markdown.Options{},
			"<p>a</p>\n"},
		{"entity-encoded other host is not an image", "![a](/&#47;cdn.example/c.png)", markdown.Options{},
			"<p>a</p>\n"},
		// An <a> inside an <a> is invalid HTML: the image's replacement link
		// must not be nested in the link around it.
		{"image from another host inside a link", "[![a](https://cdn.example/c.png)](https://example.org/)", markdown.Options{},
			`<p><a href="https://example.org/" rel="noopener noreferrer">a</a></p>` + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, r, tc.in, tc.opt)
			if got != tc.want {
				t.Errorf("Render(%q)\n got: %s\nwant: %s", tc.in, got, tc.want)
			}
		})
	}
}

var headingTag = regexp.MustCompile(`<h([1-6]) id="([^"]*)">`)

type heading struct {
	level int
	id    string
}

func headings(out string) []heading {
	var hs []heading
	for _, m := range headingTag.FindAllStringSubmatch(out, -1) {
		hs = append(hs, heading{int(m[1][0] - '0'), m[2]})
	}
	return hs
}

func levels(out string) []int {
	var ls []int
	for _, h := range headings(out) {
		ls = append(ls, h.level)
	}
	return ls
}

// TestHeadingShift documents what the code does: every heading is moved
// down by the same amount, just enough for the top heading to reach
// MinHeading. A document whose top heading is already at or below
// MinHeading is left as written, never moved up.
func TestHeadingShift(t *testing.T) {
	r := markdown.New()
	tests := []struct {
		name string
		in   string
		min  int
		want []int
	}{
		{"h1 becomes h2", "# A\n\n## B\n\n### C", 2, []int{2, 3, 4}},
		{"top at h2 kept", "## A\n\n### B", 2, []int{2, 3}},
		{"top at h3 stays h3", "### A\n\n#### B", 2, []int{3, 4}},
		{"top h3 is not moved up", "### A\n\n## B", 2, []int{3, 2}},
		{"outline shape kept", "## A\n\n# B\n\n### C", 2, []int{3, 2, 4}},
		{"setext headings", "A\n===\n\nB\n---", 2, []int{2, 3}},
		{"capped at h6", "# A\n\n##### B\n\n###### C", 3, []int{3, 6, 6}},
		{"zero means 1", "# A\n\n## B", 0, []int{1, 2}},
		{"negative means 1", "# A", -4, []int{1}},
		{"min 1 leaves h1", "# A\n\n### B", 1, []int{1, 3}},
		{"min beyond 6", "# A\n\n## B", 9, []int{6, 6}},
		{"no headings", "text", 2, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := levels(render(t, r, tc.in, markdown.Options{MinHeading: tc.min}))
			if !slices.Equal(got, tc.want) {
				t.Errorf("levels of %q with MinHeading %d = %v, want %v", tc.in, tc.min, got, tc.want)
			}
		})
	}
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

func TestHeadingIDs(t *testing.T) {
	r := markdown.New()
	reserved := []string{"main", "content", "main-1", "section", "indicators"}
	in := strings.Join([]string{
		"# Main", "# Main", "# main", "## Content", "## Indicators",
		"## Indicators you could report", "## Indicators you could report",
		"## 2024", "## 2024", "## ", "## !!!", "## Café crème", "## 人身売買",
		"## a-1", "## A", "## A", "## " + strings.Repeat("long words ", 20),
		"## " + strings.Repeat("long words ", 20), "Setext\n------", "## `code` and *em*",
		"## <script>alert(1)</script>", "## x\" onmouseover=\"alert(1)",
	}, "\n\n")
	out := render(t, r, in, markdown.Options{MinHeading: 2, ReservedIDs: reserved})
	hs := headings(out)
	if len(hs) != 22 {
		t.Fatalf("found %d headings with ids, want 22:\n%s", len(hs), out)
	}
	seen := map[string]bool{}
	for _, h := range hs {
		switch {
		case seen[h.id]:
			t.Errorf("id %q is used twice", h.id)
		case slices.Contains(reserved, h.id):
			t.Errorf("id %q is reserved", h.id)
		case !idPattern.MatchString(h.id):
			t.Errorf("id %q is not lowercase ASCII letters, digits and single hyphens starting with a letter", h.id)
		case len(h.id) > 70:
			t.Errorf("id %q is longer than 70 characters", h.id)
		}
		seen[h.id] = true
	}
	want := []string{
		"main-2", "main-3", "main-4", "content-1", "indicators-1",
		"indicators-you-could-report", "indicators-you-could-report-1",
		"section-2024", "section-2024-1", "section-1", "section-2", "caf-cr-me", "section-3",
		"a-1", "a", "a-2",
	}
	for i, id := range want {
		if i < len(hs) && hs[i].id != id {
			t.Errorf("heading %d: id %q, want %q", i, hs[i].id, id)
		}
	}
	if msg := unsafeHTML(out); msg != "" {
		t.Errorf("unsafe output: %s\n%s", msg, out)
	}

	// Ids are unique within one call, not across calls.
	a := render(t, r, "# Scope", markdown.Options{})
	b := render(t, r, "# Scope", markdown.Options{})
	if a != b || !strings.Contains(a, `id="scope"`) {
		t.Errorf("ids leak between calls: %q then %q", a, b)
	}
}

func TestTables(t *testing.T) {
	r := markdown.New()
	in := "| Area | Covers |\n| :--- | ---: |\n| [A](/guidance/a/) | `x` |\n| B | *y* |\n"
	want := `<table>
<thead>
<tr>
<th style="text-align:left">Area</th>
<th style="text-align:right">Covers</th>
</tr>
</thead>
<tbody>
<tr>
<td style="text-align:left"><a href="/sub/guidance/a/">A</a></td>
<td style="text-align:right"><code>x</code></td>
</tr>
<tr>
<td style="text-align:left">B</td>
<td style="text-align:right"><em>y</em></td>
</tr>
</tbody>
</table>
`
	if got := render(t, r, in, markdown.Options{BasePath: "/sub/"}); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestConcurrentUse renders the same documents from 8 goroutines with
// different options and compares with serial results. Run with -race.
func TestConcurrentUse(t *testing.T) {
	r := markdown.New()
	var docs [][]byte
	for _, c := range readGoldenCases(t) {
		docs = append(docs, c.input)
	}
	docs = append(docs, contentBodies(t)...)
	opts := make([]markdown.Options, 8)
	for i := range opts {
		opts[i] = markdown.Options{
			BasePath:    fmt.Sprintf("/site%d/", i),
			MinHeading:  1 + i%4,
			ReservedIDs: []string{"main", fmt.Sprintf("reserved-%d", i), "what-this-measure-means"},
		}
	}
	serial := make([][]string, len(opts))
	for i, opt := range opts {
		for _, d := range docs {
			out, err := r.Render(d, opt)
			if err != nil {
				t.Fatal(err)
			}
			serial[i] = append(serial[i], string(out))
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, len(opts)*len(docs))
	for i, opt := range opts {
		wg.Go(func() {
			for round := range 3 {
				for j, d := range docs {
					out, err := r.Render(d, opt)
					if err != nil {
						errs <- err.Error()
						return
					}
					if string(out) != serial[i][j] {
						errs <- fmt.Sprintf("goroutine %d, round %d, document %d: output differs from the serial render", i, round, j)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	// The options really differ, so a renderer sharing state between calls
	// would have been caught.
	if slices.Equal(serial[0], serial[1]) {
		t.Error("different options gave the same output for every document")
	}
}

// TestAutolinksOnlyWhereLinksMayBe checks that text with no link in it
// renders as it would with autolinks on, and that links are still found:
// Render leaves the autolink parser out when the text cannot hold a link.
// The inputs are what the autolink parser is called at: spaces, line
// starts, emphasis and brackets, next to link-like words.
func TestAutolinksOnlyWhereLinksMayBe(t *testing.T) {
	r := markdown.New()
	docs := [][]byte{
		[]byte("plain words, *emphasis*, _under_, ~~struck~~ and (brackets) (*both*)"),
		[]byte("two trailing spaces  \nmake a break; a backslash\\\nalso, and one \nsoft"),
		[]byte(" leading space\n\n   indented three\n\n\tnot a tab block"),
		[]byte("* list (one)\n* _two_ ~three~\n\n1. (four)"),
		[]byte("ftp and web and mail at example dot org, http-like hyphens, h t t p"),
		[]byte("| a | (b) |\n| - | - |\n| *c* | ~d~ |"),
		[]byte("a [link](/guidance/) and [ref] *[x]*\n\n[ref]: /measures/"),
	}
	docs = append(docs, contentBodies(t)...)
	for _, c := range readGoldenCases(t) {
		docs = append(docs, c.input)
	}
	plain := 0
	for _, d := range docs {
		got, err := r.Render(d, goldenOptions)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := r.RenderLinkified(d, goldenOptions)
		if !sameBesideLineEnds(string(got), want) {
			t.Errorf("input %q:\n got %s\nwant %s", d, got, want)
		}
		if !bytes.Contains(d, []byte("@")) && !bytes.Contains(d, []byte("www.")) && !bytes.Contains(d, []byte("http")) && !bytes.Contains(d, []byte("ftp:")) {
			plain++
		}
	}
	if plain < 7 {
		t.Errorf("only %d inputs without links: the test no longer covers rendering without autolinks", plain)
	}
	for _, c := range []struct{ in, link string }{
		{"see www.example.org", `href="http://www.example.org"`},
		{"(https://example.org/a)", `href="https://example.org/a"`},
		{"_http://example.org/b_", `href="http://example.org/b"`},
		{"write to a@example.org", `href="mailto:a@example.org"`},
	} {
		got, err := r.Render([]byte(c.in), goldenOptions)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(got), c.link) {
			t.Errorf("Render(%q) = %s, want a link with %s", c.in, got, c.link)
		}
	}
}

// contentBodies returns the Markdown of the site's own pages, front matter
// blanked.
func contentBodies(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	err := filepath.WalkDir(filepath.Join("..", "..", "content"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if rest, ok := bytes.CutPrefix(data, []byte("---\n")); ok {
			if _, body, ok := bytes.Cut(rest, []byte("\n---\n")); ok {
				data = body
			}
		}
		out = append(out, data)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(out) == 0 {
		tb.Fatal("no content pages found")
	}
	return out
}

// TestContentPages renders every real page: all must be safe, and every
// site-absolute link must carry the base path.
func TestContentPages(t *testing.T) {
	r := markdown.New()
	for _, body := range contentBodies(t) {
		out := render(t, r, string(body), markdown.Options{BasePath: "/sub/", MinHeading: 2, ReservedIDs: []string{"main"}})
		if msg := unsafeHTML(out); msg != "" {
			t.Errorf("%s\n%s", msg, out)
		}
		for _, a := range attributes(out) {
			if a.name == "href" && strings.HasPrefix(a.value, "/") && !strings.HasPrefix(a.value, "/sub/") {
				t.Errorf("href %q lacks the base path", a.value)
			}
		}
		if strings.Contains(out, "<h1") {
			t.Errorf("a page body has an h1:\n%s", out)
		}
	}
}

type attribute struct {
	tag, name, value string
}

// attributes lists the attributes of every tag in HTML as goldmark writes
// it: text has "<" escaped, so every "<" starts a tag or a comment.
// Attribute values are returned as written, entities undecoded.
func attributes(s string) []attribute {
	var out []attribute
	for i := 0; i < len(s); i++ {
		if s[i] != '<' {
			continue
		}
		if strings.HasPrefix(s[i:], "<!--") {
			end := strings.Index(s[i+4:], "-->")
			if end < 0 {
				return out
			}
			i += 4 + end + 2
			continue
		}
		j := i + 1
		if j < len(s) && s[j] == '/' {
			j++
		}
		start := j
		for j < len(s) && !isSpace(s[j]) && s[j] != '>' && s[j] != '/' {
			j++
		}
		tag := strings.ToLower(s[start:j])
		for j < len(s) && s[j] != '>' {
			if isSpace(s[j]) || s[j] == '/' {
				j++
				continue
			}
			ns := j
			for j < len(s) && !isSpace(s[j]) && s[j] != '=' && s[j] != '>' && s[j] != '/' {
				j++
			}
			name := strings.ToLower(s[ns:j])
			value := ""
			for j < len(s) && isSpace(s[j]) {
				j++
			}
			if j < len(s) && s[j] == '=' {
				j++
				for j < len(s) && isSpace(s[j]) {
					j++
				}
				if j < len(s) && (s[j] == '"' || s[j] == '\'') {
					q := s[j]
					end := strings.IndexByte(s[j+1:], q)
					if end < 0 {
						value, j = s[j+1:], len(s)
					} else {
						value, j = s[j+1:j+1+end], j+1+end+1
					}
				} else {
					vs := j
					for j < len(s) && !isSpace(s[j]) && s[j] != '>' {
						j++
					}
					value = s[vs:j]
				}
			}
			if name != "" {
				out = append(out, attribute{tag, name, value})
			} else if j < len(s) && s[j] != '>' {
				j++
			}
		}
		i = j
	}
	return out
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

var eventAttr = regexp.MustCompile(`^on[a-z]+$`)

// scheme returns the lower-case scheme a browser would see in a URL
// attribute: entities decoded, tabs and newlines removed, leading control
// characters and spaces trimmed.
func scheme(value string) string {
	v := html.UnescapeString(value)
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, v)
	v = strings.TrimLeftFunc(v, func(r rune) bool { return r <= ' ' })
	name, _, ok := strings.Cut(v, ":")
	if !ok || strings.ContainsAny(name, "/?#") {
		return ""
	}
	return strings.ToLower(name)
}

// unsafeHTML returns what is wrong with out, or "" when it holds no script
// element, no event handler attribute and no script address in a URL
// attribute.
func unsafeHTML(out string) string {
	if strings.Contains(strings.ToLower(out), "<script") {
		return "contains <script"
	}
	for _, a := range attributes(out) {
		if eventAttr.MatchString(a.name) {
			return fmt.Sprintf("event handler attribute %s=%q on <%s>", a.name, a.value, a.tag)
		}
		switch a.name {
		case "href", "src", "action", "formaction", "srcset", "xlink:href":
			switch s := scheme(a.value); s {
			case "javascript", "vbscript", "data", "file":
				return fmt.Sprintf("<%s %s=%q> uses the %s: scheme", a.tag, a.name, a.value, s)
			}
		}
	}
	return ""
}

// scriptInAnyAttribute is stricter, for inputs that are nothing but an
// attack: no attribute at all may mention a script scheme.
func scriptInAnyAttribute(out string) string {
	for _, a := range attributes(out) {
		v := strings.ToLower(html.UnescapeString(a.value))
		if strings.Contains(v, "javascript:") || strings.Contains(v, "vbscript:") {
			return fmt.Sprintf("<%s %s=%q> mentions a script scheme", a.tag, a.name, a.value)
		}
	}
	return ""
}

// TestAttributeScanner keeps the checker honest.
func TestAttributeScanner(t *testing.T) {
	bad := []string{
		`<script>`,
		`<p><SCRIPT src=x></p>`,
		`<img src=x onerror=alert(1)>`,
		`<img src="x" ONERROR="alert(1)">`,
		`<a href="javascript:alert(1)">x</a>`,
		`<a href="JavaScript&#58;alert(1)">x</a>`,
		`<a href=" &#x09;javascript:alert(1)">x</a>`,
		`<a href="java&#x09;script:alert(1)">x</a>`,
		`<a href='vbscript:x'>x</a>`,
		`<img src="data:text/html,x">`,
		`<a title="t" href="javascript:x">x</a>`,
	}
	for _, s := range bad {
		if unsafeHTML(s) == "" {
			t.Errorf("unsafeHTML(%q) found nothing", s)
		}
	}
	good := []string{
		`<p>a onerror=b javascript:alert(1) &lt;script&gt;</p>`,
		`<!-- raw HTML omitted -->`,
		`<p><a href="/sub/x/" title="javascript: a talk">x</a></p>`,
		`<p><img src="/a.png" alt="javascript:alert(1)"></p>`,
		`<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;
</code></pre>`,
		`<a href="https://example.org/?q=javascript">x</a>`,
		`<a href="https://example.org/javascript:x" rel="noopener noreferrer">x</a>`,
		`<p><a href="">x</a></p>`,
	}
	for _, s := range good {
		if msg := unsafeHTML(s); msg != "" {
			t.Errorf("unsafeHTML(%q) = %s", s, msg)
		}
	}
}

func TestTextOf(t *testing.T) {
	r := markdown.New()
	for _, c := range []struct{ md, want string }{
		{"## Plan\n\nTwenty **beds**, staffed *day* and night.\n\n- one\n- two", "Plan Twenty beds, staffed day and night. one two"},
		{"Legal aid &amp; \"justice\" in [Kenya](https://example.org)", `Legal aid & "justice" in Kenya`},
		{"<script>alert(1)</script>\n\nsafe", "safe"},
		{"a  \nb", "a b"},
	} {
		h, err := r.Render([]byte(c.md), markdown.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := markdown.TextOf(h); got != c.want {
			t.Errorf("TextOf(Render(%q)) = %q, want %q", c.md, got, c.want)
		}
	}
}

func TestTableProblem(t *testing.T) {
	wide := func(cols, rows int) string {
		return strings.Repeat("|a", cols) + "|\n" + strings.Repeat("|-", cols) + "|\n" + strings.Repeat("a\n", rows)
	}
	tests := []struct {
		name, in string
		line     int
	}{
		{"no table", "a | b\n\ntext", 0},
		{"small table", "| a | b |\n| --- | :-: |\n| 1 | 2 |\n", 0},
		{"at the limit", wide(100, 49), 0},
		{"a row over the limit", wide(100, 50), 2},
		{"a wide header over short lines", wide(3000, 3990), 2},
		{"after a paragraph", "text\n\n" + wide(1000, 10), 4},
		{"rows end at a blank line", wide(100, 10) + "\n" + strings.Repeat("a\n", 100), 0},
		{"delimiter row without a header", "\n" + strings.Repeat("|-", 3000) + "|\n" + strings.Repeat("a\n", 10), 0},
		{"a thematic break is not a delimiter row", "a\n---\n" + strings.Repeat("a\n", 9000), 0},
	}
	for _, tc := range tests {
		line, msg := markdown.TableProblem([]byte(tc.in))
		if line != tc.line {
			t.Errorf("%s: TableProblem = %d (%s), want line %d", tc.name, line, msg, tc.line)
		}
	}
	// Render refuses such a table rather than building it.
	r := markdown.New()
	if _, err := r.Render([]byte(wide(3000, 3990)), markdown.Options{}); err == nil || !strings.Contains(err.Error(), "line 2: a table of 3000 columns and 3991 rows") {
		t.Errorf("Render of a table bomb: %v", err)
	}
}

// TestOutputLimit checks that text which reuses one long link address
// many times fails to render instead of growing without bound.
func TestOutputLimit(t *testing.T) {
	src := strings.Repeat("[a][r] ", 2000) + "\n\n[r]: /" + strings.Repeat("x", 8000)
	r := markdown.New()
	if out, err := r.Render([]byte(src), markdown.Options{}); err == nil {
		t.Errorf("%d bytes of Markdown rendered to %d bytes", len(src), len(out))
	}
	if _, err := r.Render([]byte(strings.Repeat("[a][r] ", 20)+"\n\n[r]: /x"), markdown.Options{}); err != nil {
		t.Errorf("a reference used 20 times: %v", err)
	}
}

// TestHeadingIDPrefixes checks the ids a page template makes from data
// (id="status-{{.Value}}") and a prefix for every heading of one text.
func TestHeadingIDPrefixes(t *testing.T) {
	r := markdown.New()
	out := render(t, r, "## Status fulfilled\n\n## Statuses\n\n## Title", markdown.Options{
		ReservedIDs: []string{"outcome-title"}, ReservedPrefixes: []string{"status-"}})
	var got []string
	for _, h := range headings(out) {
		got = append(got, h.id)
	}
	if want := []string{"section-status-fulfilled", "statuses", "title"}; !slices.Equal(got, want) {
		t.Errorf("ids %q, want %q", got, want)
	}
	out = render(t, r, "## Background\n\n## Title", markdown.Options{ReservedIDs: []string{"outcome-title"}, IDPrefix: "outcome-"})
	got = got[:0]
	for _, h := range headings(out) {
		got = append(got, h.id)
	}
	if want := []string{"outcome-background", "outcome-title-1"}; !slices.Equal(got, want) {
		t.Errorf("with a prefix, ids %q, want %q", got, want)
	}
}
