package content_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"pledgesite/generator/content"
	"pledgesite/generator/diag"
)

// want is one expected diagnostic: its position as path:line:col (0 for an
// unknown line or column), its rule, and a part of its message.
type want struct {
	pos, rule, msg string
}

func pos(d diag.Diagnostic) string { return fmt.Sprintf("%s:%d:%d", d.Path, d.Line, d.Col) }

func checkDiags(t *testing.T, got diag.List, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Errorf("got %d diagnostics, want %d:\n%s", len(got), len(wants), dump(got))
	}
	for i := range min(len(got), len(wants)) {
		g, w := got[i], wants[i]
		if pos(g) != w.pos || g.Rule != w.rule || !strings.Contains(g.Message, w.msg) {
			t.Errorf("diagnostic %d:\n got %s [%s] %s\nwant %s [%s] ...%s...", i, pos(g), g.Rule, g.Message, w.pos, w.rule, w.msg)
		}
	}
}

func dump(l diag.List) string {
	var b strings.Builder
	for _, d := range l {
		fmt.Fprintf(&b, "  %s [%s] %s\n", pos(d), d.Rule, d.Message)
	}
	return b.String()
}

func TestParseDiagnostics(t *testing.T) {
	const measure = "content/guidance/access/screening.md"
	tests := []struct {
		name, path, data string
		page             bool // whether a page is still returned
		want             []want
	}{
		{
			name: "missing front matter",
			path: "content/about.md",
			data: "# About\n\nText.\n",
			want: []want{{"content/about.md:1:1", content.RuleFrontMatter, `between "---" lines`}},
		},
		{
			name: "front matter not at the start",
			path: "content/about.md",
			data: "\n---\ntitle: About\n---\n",
			want: []want{{"content/about.md:1:1", content.RuleFrontMatter, `"---"`}},
		},
		{
			name: "unclosed front matter",
			path: "content/about.md",
			data: "---\ntitle: About\n\n# About\n",
			want: []want{{"content/about.md:1:1", content.RuleFrontMatter, `"---"`}},
		},
		{
			name: "unknown field with hint",
			path: "content/about.md",
			data: "---\ntitle: About\nsumary: Short\n---\nText\n",
			page: true,
			want: []want{{"content/about.md:3:1", "unknown-field", `unknown field "sumary" (did you mean "summary"?)`}},
		},
		{
			name: "unknown field on the first line of front matter",
			path: "content/about.md",
			data: "---\ntitel: About\n---\n",
			page: true,
			want: []want{
				{"content/about.md:2:1", "unknown-field", `(did you mean "title"?)`},
				{"content/about.md:2:1", content.RuleRequired, `"title"`},
			},
		},
		{
			name: "unknown field without a close match",
			path: "content/about.md",
			data: "---\ntitle: About\n  \nauthor: Me\n---\n",
			page: true,
			want: []want{{"content/about.md:4:1", "unknown-field", `unknown field "author"`}},
		},
		{
			name: "duplicate field",
			path: "content/about.md",
			data: "---\ntitle: About\ntitle: Again\n---\n",
			page: true,
			want: []want{{"content/about.md:3:1", "duplicate-field", "first at line 2"}},
		},
		{
			name: "missing title",
			path: "content/about.md",
			data: "---\nsummary: Short\n---\n",
			page: true,
			want: []want{{"content/about.md:2:1", content.RuleRequired, `missing required front matter field "title"`}},
		},
		{
			name: "empty title",
			path: "content/about.md",
			data: "---\ntitle: \"  \"\n---\n",
			page: true,
			want: []want{{"content/about.md:2:1", content.RuleRequired, `"title"`}},
		},
		{
			name: "missing title after a comment",
			path: "content/about.md",
			data: "---\n# no title yet\nsummary: Short\n---\n",
			page: true,
			want: []want{{"content/about.md:3:1", content.RuleRequired, `"title"`}},
		},
		{
			name: "title is a list",
			path: "content/about.md",
			data: "---\ntitle:\n  - About\n---\n",
			page: true,
			want: []want{
				{"content/about.md:3:3", content.RuleFrontMatter, "title must be a single value, found a list"},
				{"content/about.md:2:1", content.RuleRequired, `"title"`},
			},
		},
		{
			name: "measure page missing measure and area",
			path: measure,
			data: "---\ntitle: Screening\n---\n",
			page: true,
			want: []want{
				{measure + ":2:1", content.RuleRequired, `missing required front matter field "area" for a measure page`},
				{measure + ":2:1", content.RuleRequired, `missing required front matter field "measure" for a measure page`},
			},
		},
		{
			name: "area page missing area",
			path: "content/guidance/access/_index.md",
			data: "---\ntitle: Access\n---\n",
			page: true,
			want: []want{{"content/guidance/access/_index.md:2:1", content.RuleRequired, `"area"`}},
		},
		{
			name: "measure id not starting with its area letter",
			path: measure,
			data: "---\ntitle: Screening\narea: a\nmeasure: b1\n---\n",
			page: true,
			want: []want{{measure + ":4:10", content.RuleMeasure, `measure "b1" does not belong to area "a"`}},
		},
		{
			name: "measure id badly formed",
			path: measure,
			data: "---\ntitle: Screening\narea: a\nmeasure: A-1\n---\n",
			page: true,
			want: []want{{measure + ":4:10", content.RuleMeasure, `measure "A-1" must be an area letter and a number`}},
		},
		{
			name: "area not a letter",
			path: "content/guidance/access/_index.md",
			data: "---\ntitle: Access\narea: \"ab\"\n---\n",
			page: true,
			want: []want{{"content/guidance/access/_index.md:3:7", content.RuleArea, `area "ab" must be a single lowercase letter`}},
		},
		{
			name: "area and measure on an ordinary page",
			path: "content/about.md",
			data: "---\ntitle: About\narea: a\nmeasure: a1\n---\n",
			page: true,
			want: []want{
				{"content/about.md:3:7", content.RuleArea, "only used on guidance area and measure pages"},
				{"content/about.md:4:10", content.RuleMeasure, "only used on measure pages"},
			},
		},
		{
			name: "bad layout with hint",
			path: "content/search.md",
			data: "---\ntitle: Search\nlayout: serach\n---\n",
			page: true,
			want: []want{{"content/search.md:3:9", content.RuleLayout, `layout "serach" is not one of the theme's layouts (did you mean "search"?)`}},
		},
		{
			name: "bad layout lists the layouts",
			path: "content/search.md",
			data: "---\ntitle: Search\nlayout: wide-screen\n---\n",
			page: true,
			want: []want{{"content/search.md:3:9", content.RuleLayout, "(valid values: page, search, submit)"}},
		},
		{
			name: "weight not a number",
			path: "content/about.md",
			data: "---\ntitle: About\nweight: heavy\n---\n",
			page: true,
			want: []want{{"content/about.md:3:9", content.RuleFrontMatter, `weight must be a whole number, found "heavy"`}},
		},
		{
			name: "weight not whole",
			path: measure,
			data: "---\ntitle: Screening\narea: a\nmeasure: a1\nweight: 1.5\n---\n",
			page: true,
			want: []want{{measure + ":5:9", content.RuleFrontMatter, `found "1.5"`}},
		},
		{
			name: "file name with capitals",
			path: "content/About.md",
			data: "---\ntitle: About\n---\n",
			want: []want{{"content/About.md:0:0", content.RuleFileName, `file name "About.md" must use lowercase letters`}},
		},
		{
			name: "file name with spaces",
			path: "content/how to pledge.md",
			data: "---\ntitle: How\n---\n",
			want: []want{{"content/how to pledge.md:0:0", content.RuleFileName, `file name "how to pledge.md"`}},
		},
		{
			name: "measure file name with underscore",
			path: "content/guidance/access/early_screening.md",
			data: "---\ntitle: S\narea: a\nmeasure: a1\n---\n",
			want: []want{{"content/guidance/access/early_screening.md:0:0", content.RuleFileName, `"early_screening.md"`}},
		},
		{
			name: "guidance page nested too deep",
			path: "content/guidance/access/more/deep.md",
			data: "---\ntitle: Deep\narea: a\nmeasure: a9\n---\n",
			want: []want{{"content/guidance/access/more/deep.md:0:0", content.RuleFileName, "guidance pages go in content/guidance/<area>/"}},
		},
		{
			name: "area index nested too deep",
			path: "content/guidance/access/more/_index.md",
			data: "---\ntitle: Deep\narea: a\n---\n",
			want: []want{{"content/guidance/access/more/_index.md:0:0", content.RuleFileName, "guidance pages go in"}},
		},
		{
			name: "empty front matter",
			path: "content/about.md",
			data: "---\n---\nText\n",
			want: []want{{"content/about.md:2:1", "yaml-shape", ""}},
		},
		{
			name: "anchor in front matter",
			path: "content/about.md",
			data: "---\ntitle: &t About\n---\n",
			want: []want{{"content/about.md:2:8", "yaml-shape", "anchors (&t) are not allowed"}},
		},
		{
			name: "YAML scanner error on its own line",
			path: "content/about.md",
			data: "---\ntitle: About\nsummary: \"unclosed\n---\n",
			want: []want{{"content/about.md:3:1", "yaml-syntax", "unclosed quote"}},
		},
		{
			name: "YAML tab indentation: the caret sits on the tab",
			path: "content/about.md",
			data: "---\ntitle: About\n\tsummary: x\n---\n",
			want: []want{{"content/about.md:3:1", "yaml-syntax", ""}},
		},
		// yaml.v3 reports parser (not scanner) errors with a 0-based line;
		// the diagnostic must still name the file's own line.
		{
			name: "YAML parser error names the offending line",
			path: "content/about.md",
			data: "---\ntitle: About\nsummary: Short\n- item\n---\n",
			want: []want{{"content/about.md:4:1", "yaml-syntax", "did not find expected key"}},
		},
		{
			name: "YAML unclosed flow list names its line",
			path: "content/about.md",
			data: "---\ntitle: About\nsummary: [a, b\n---\n",
			want: []want{{"content/about.md:3:10", "yaml-syntax", "the list that opens with '[' here is not closed"}},
		},
		{
			name: "invalid UTF-8",
			path: "content/about.md",
			data: "---\ntitle: Ab\xffout\n---\n",
			want: []want{{"content/about.md:2:10", "encoding", "invalid UTF-8"}},
		},
		{
			name: "CRLF line endings",
			path: "content/search.md",
			data: "---\r\ntitle: Search\r\nlayout: serach\r\n---\r\nText\r\n",
			page: true,
			want: []want{{"content/search.md:3:9", content.RuleLayout, `did you mean "search"`}},
		},
		{
			name: "byte order mark",
			path: "content/about.md",
			data: "\ufeff---\ntitle: About\nweight: x\n---\n",
			page: true,
			want: []want{{"content/about.md:3:9", content.RuleFrontMatter, "whole number"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page, errs := content.Parse(tc.path, []byte(tc.data))
			checkDiags(t, errs, tc.want)
			if (page != nil) != tc.page {
				t.Errorf("page returned: %v, want %v", page != nil, tc.page)
			}
		})
	}
}

func TestParsePage(t *testing.T) {
	tests := []struct {
		path, data string
		want       content.Page
	}{
		{
			"content/about.md", "---\ntitle: About\nsummary: \" Why \"\n---\nText\n",
			content.Page{Path: "content/about.md", URL: "/about/", Kind: content.KindPage, Title: "About", Summary: "Why", Layout: "page"},
		},
		{
			"content/search.md", "---\ntitle: Search\nlayout: search\nweight: -2\n---\n",
			content.Page{Path: "content/search.md", URL: "/search/", Kind: content.KindPage, Title: "Search", Layout: "search", Weight: -2},
		},
		{
			"content/guidance/_index.md", "---\ntitle: Guidance\n---\n",
			content.Page{Path: "content/guidance/_index.md", URL: "/guidance/", Kind: content.KindGuidance, Title: "Guidance", Layout: "page"},
		},
		{
			"content/guidance/access/_index.md", "---\ntitle: Access\narea: a\nweight: 1\n---\n",
			content.Page{Path: "content/guidance/access/_index.md", URL: "/guidance/access/", Kind: content.KindArea, Title: "Access", Layout: "page", Area: "a", Weight: 1},
		},
		{
			"content/guidance/access/asylum-access.md", "---\ntitle: Asylum\narea: a\nmeasure: a12\nweight: 3\n---\n",
			content.Page{Path: "content/guidance/access/asylum-access.md", URL: "/guidance/access/asylum-access/", Kind: content.KindMeasure, Title: "Asylum", Layout: "page", Area: "a", Measure: "a12", Weight: 3},
		},
		{
			"content/help/_index.md", "---\ntitle: Help\n---\n",
			content.Page{Path: "content/help/_index.md", URL: "/help/", Kind: content.KindPage, Title: "Help", Layout: "page"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			page, errs := content.Parse(tc.path, []byte(tc.data))
			if len(errs) > 0 {
				t.Fatalf("unexpected diagnostics:\n%s", dump(errs))
			}
			got := *page
			got.Body = nil
			got.AreaPos, got.MeasurePos = diag.Diagnostic{}, diag.Diagnostic{} // checked by TestLoadDiagnostics
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestBodyKeepsLineNumbers checks that the body has the front matter lines
// blanked, so that line n of the body is line n of the file.
func TestBodyKeepsLineNumbers(t *testing.T) {
	tests := []struct{ data, body string }{
		{"---\ntitle: A\n---\n# Head\n\ntext\n", "\n\n\n# Head\n\ntext\n"},
		{"---\ntitle: A\nsummary: B\nweight: 2\n---\n\nline 6\n", "\n\n\n\n\n\nline 6\n"},
		{"---\ntitle: A\n---\n", "\n\n\n"},
		{"---\ntitle: A\n---", "\n\n\n"},
		{"---\r\ntitle: A\r\n---\r\nline 4\r\n", "\n\n\nline 4\r\n"},
		{"\ufeff---\ntitle: A\n---\nline 4", "\n\n\nline 4"},
		{"---\ntitle: |\n  multi\n  line\n---\nline 6\n---\nline 8\n", "\n\n\n\n\nline 6\n---\nline 8\n"},
	}
	for _, tc := range tests {
		page, errs := content.Parse("content/about.md", []byte(tc.data))
		if len(errs) > 0 || page == nil {
			t.Errorf("Parse(%q): %v", tc.data, errs)
			continue
		}
		if string(page.Body) != tc.body {
			t.Errorf("Parse(%q).Body = %q, want %q", tc.data, page.Body, tc.body)
		}
		checkBodyLines(t, []byte(tc.data), page.Body)
	}
}

// checkBodyLines checks that every line after the closing "---" is in the
// body at the same line number, and every line up to it is blank.
func checkBodyLines(t testing.TB, data, body []byte) {
	t.Helper()
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	file := strings.Split(string(data), "\n")
	got := strings.Split(string(body), "\n")
	closing := -1
	for i := 1; i < len(file); i++ {
		if strings.TrimRight(file[i], "\r") == "---" {
			closing = i
			break
		}
	}
	if closing < 0 {
		t.Fatalf("no closing line in %q, yet a page was returned", data)
	}
	if len(got) < len(file) {
		t.Fatalf("body has %d lines, the file %d\nfile: %q\nbody: %q", len(got), len(file), data, body)
	}
	for i, line := range got {
		switch {
		case i <= closing || i >= len(file):
			if line != "" {
				t.Fatalf("body line %d is %q, want it blank\nfile: %q\nbody: %q", i+1, line, data, body)
			}
		case line != file[i]:
			t.Fatalf("body line %d is %q, file line %d is %q\nfile: %q\nbody: %q", i+1, line, i+1, file[i], data, body)
		}
	}
}

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

// guidance is a small valid guidance tree to build test cases from.
func guidance() fstest.MapFS {
	return fstest.MapFS{
		"content/about.md":                       file("---\ntitle: About\n---\nText\n"),
		"content/guidance/_index.md":             file("---\ntitle: Guidance\n---\n"),
		"content/guidance/access/_index.md":      file("---\ntitle: Access\narea: a\nweight: 1\n---\n"),
		"content/guidance/access/asylum.md":      file("---\ntitle: Asylum\narea: a\nmeasure: a1\nweight: 1\n---\n"),
		"content/guidance/access/claims.md":      file("---\ntitle: Claims\narea: a\nmeasure: a2\nweight: 2\n---\n"),
		"content/guidance/services/_index.md":    file("---\ntitle: Services\narea: c\nweight: 2\n---\n"),
		"content/guidance/services/shelter.md":   file("---\ntitle: Shelter\narea: c\nmeasure: c1\nweight: 3\n---\n"),
		"content/guidance/services/health.md":    file("---\ntitle: Health\narea: c\nmeasure: c2\nweight: 1\n---\n"),
		"content/guidance/services/legal-aid.md": file("---\ntitle: Legal aid\narea: c\nmeasure: c3\nweight: 2\n---\n"),
	}
}

func ids(ms []*content.Page) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Measure)
	}
	return out
}

func TestLoadValid(t *testing.T) {
	fsys := guidance()
	fsys["content/.drafts/x.md"] = file("not a page")
	fsys["content/guidance/.hidden.md"] = file("not a page")
	fsys["content/notes.txt"] = file("not a page")
	set, errs := content.Load(fsys)
	if len(errs) > 0 {
		t.Fatalf("unexpected diagnostics:\n%s", dump(errs))
	}
	var urls []string
	for _, p := range set.Pages {
		urls = append(urls, p.URL)
	}
	wantURLs := []string{
		"/about/", "/guidance/",
		"/guidance/access/", "/guidance/access/asylum/", "/guidance/access/claims/",
		"/guidance/services/", "/guidance/services/health/", "/guidance/services/legal-aid/", "/guidance/services/shelter/",
	}
	if !slices.Equal(urls, wantURLs) {
		t.Errorf("pages %v, want %v", urls, wantURLs)
	}
	if set.Guidance == nil || set.Guidance.URL != "/guidance/" {
		t.Errorf("guidance index: %v", set.Guidance)
	}
	var areas []string
	for _, a := range set.Areas {
		areas = append(areas, a.Area)
	}
	if !slices.Equal(areas, []string{"a", "c"}) {
		t.Errorf("areas %v, want [a c]", areas)
	}
	if got := ids(set.Measures); !slices.Equal(got, []string{"a1", "a2", "c2", "c3", "c1"}) {
		t.Errorf("measures %v, want [a1 a2 c2 c3 c1] (by area, then weight)", got)
	}
	if got := ids(set.Areas[1].Measures); !slices.Equal(got, []string{"c2", "c3", "c1"}) {
		t.Errorf("area c measures %v, want [c2 c3 c1]", got)
	}
	wantTitles := map[string]string{"a1": "Asylum", "a2": "Claims", "c1": "Shelter", "c2": "Health", "c3": "Legal aid"}
	if got := set.MeasureTitles(); !maps.Equal(got, wantTitles) {
		t.Errorf("MeasureTitles() = %v, want %v", got, wantTitles)
	}
}

func TestLoadOrder(t *testing.T) {
	fsys := guidance()
	// Areas by weight, then letter.
	fsys["content/guidance/access/_index.md"] = file("---\ntitle: Access\narea: a\nweight: 5\n---\n")
	fsys["content/guidance/pathways/_index.md"] = file("---\ntitle: Pathways\narea: e\nweight: 5\n---\n")
	fsys["content/guidance/pathways/z.md"] = file("---\ntitle: Z\narea: e\nmeasure: e2\n---\n")
	fsys["content/guidance/pathways/a.md"] = file("---\ntitle: A\narea: e\nmeasure: e10\n---\n")
	fsys["content/guidance/pathways/m.md"] = file("---\ntitle: M\narea: e\nmeasure: e1\n---\n")
	set, errs := content.Load(fsys)
	if len(errs) > 0 {
		t.Fatalf("unexpected diagnostics:\n%s", dump(errs))
	}
	var areas []string
	for _, a := range set.Areas {
		areas = append(areas, a.Area)
	}
	if !slices.Equal(areas, []string{"c", "a", "e"}) {
		t.Errorf("areas %v, want [c a e]", areas)
	}
	// Equal weights fall back to the measure id, in number order: e1, e2,
	// e10 (ids may have two digits).
	if got := ids(set.Measures); !slices.Equal(got, []string{"c2", "c3", "c1", "a1", "a2", "e1", "e2", "e10"}) {
		t.Errorf("measures %v, want [c2 c3 c1 a1 a2 e1 e2 e10]", got)
	}
}

func TestLoadDiagnostics(t *testing.T) {
	tests := []struct {
		name   string
		change fstest.MapFS
		want   []want
	}{
		{
			name: "duplicate measure id",
			change: fstest.MapFS{
				"content/guidance/access/repeat.md": file("---\ntitle: Repeat\narea: a\nmeasure: a1\n---\n"),
			},
			// The second file by URL is reported, at its measure field.
			want: []want{{"content/guidance/access/repeat.md:4:10", content.RuleMeasure, `measure "a1" is already defined by content/guidance/access/asylum.md`}},
		},
		{
			name: "two areas with the same letter",
			change: fstest.MapFS{
				"content/guidance/services/_index.md":    file("---\ntitle: Services\nweight: 2\narea: a\n---\n"),
				"content/guidance/services/shelter.md":   file("---\ntitle: Shelter\narea: a\nmeasure: a3\n---\n"),
				"content/guidance/services/health.md":    nil,
				"content/guidance/services/legal-aid.md": nil,
			},
			// Reported at the area field of the second area by URL, and
			// only there: its measures have an _index.md, so they must not
			// be told to add one.
			want: []want{{"content/guidance/services/_index.md:4:7", content.RuleArea, `area "a" is already used by content/guidance/access/_index.md`}},
		},
		{
			name: "measure area differs from its folder",
			change: fstest.MapFS{
				"content/guidance/services/shelter.md": file("---\ntitle: Shelter\nweight: 3\narea: a\nmeasure: a3\n---\n"),
			},
			want: []want{{"content/guidance/services/shelter.md:4:7", content.RuleArea, `area "a" does not match its folder's area "c" (content/guidance/services/_index.md)`}},
		},
		{
			name: "measure without an area page",
			change: fstest.MapFS{
				"content/guidance/orphans/lost.md": file("---\ntitle: Lost\narea: f\nmeasure: f1\n---\n"),
			},
			want: []want{{"content/guidance/orphans/lost.md:1:1", content.RuleArea, "measure page has no area: add content/guidance/orphans/_index.md"}},
		},
		{
			name: "page too large",
			change: fstest.MapFS{
				"content/huge.md": file("---\ntitle: Huge\n---\n" + strings.Repeat("[a](", content.MaxPageSize/4)),
			},
			want: []want{{"content/huge.md:1:1", content.RuleFileName, "larger than the limit of 131072 bytes"}},
		},
		{
			name: "table too large",
			change: fstest.MapFS{
				"content/wide.md": file("---\ntitle: Wide\n---\n\nIntro.\n\n" + strings.Repeat("|a", 100) + "|\n" + strings.Repeat("|-", 100) + "|\n" + strings.Repeat("a\n", 60)),
			},
			want: []want{{"content/wide.md:8:1", content.RuleTooLarge, "a table of 100 columns and 61 rows"}},
		},
		{
			name: "folder name with capitals and spaces",
			change: fstest.MapFS{
				"content/guidance/Bad Area/_index.md": file("---\ntitle: Bad\narea: b\n---\n"),
				"content/guidance/Bad Area/x.md":      file("---\ntitle: X\narea: b\nmeasure: b1\n---\n"),
			},
			want: []want{{"content/guidance/Bad Area:0:0", content.RuleFileName, `folder name "Bad Area"`}},
		},
		{
			name: "file name with capitals",
			change: fstest.MapFS{
				"content/Contact.md": file("---\ntitle: Contact\n---\n"),
			},
			want: []want{{"content/Contact.md:0:0", content.RuleFileName, `file name "Contact.md"`}},
		},
		{
			name: "parse errors are collected",
			change: fstest.MapFS{
				"content/guidance/access/claims.md": file("---\ntitle: Claims\narea: a\nmeasure: a2\nweigth: 2\n---\n"),
			},
			want: []want{{"content/guidance/access/claims.md:5:1", "unknown-field", `did you mean "weight"`}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := guidance()
			for k, v := range tc.change {
				if v == nil {
					delete(fsys, k)
				} else {
					fsys[k] = v
				}
			}
			_, errs := content.Load(fsys)
			checkDiags(t, errs.Sort(), tc.want)
		})
	}
}

// TestLoadDuplicateURL: content/about.md and content/about/_index.md are
// both served at /about/, so one would overwrite the other in the output.
// Load must report it, naming both files.
func TestLoadDuplicateURL(t *testing.T) {
	fsys := guidance()
	fsys["content/about/_index.md"] = file("---\ntitle: About too\n---\n")
	set, errs := content.Load(fsys)
	if len(errs) != 1 {
		t.Fatalf("got %d diagnostics, want 1 about /about/:\n%s", len(errs), dump(errs))
	}
	d := errs[0]
	if d.Path != "content/about.md" && d.Path != "content/about/_index.md" {
		t.Errorf("reported in %s", d.Path)
	}
	if !strings.Contains(d.Message, "/about/") || !strings.Contains(d.Message, "content/about") {
		t.Errorf("message %q should name the URL and the other file", d.Message)
	}
	n := 0
	for _, p := range set.Pages {
		if p.URL == "/about/" {
			n++
		}
	}
	if n > 1 {
		t.Errorf("%d pages kept at /about/", n)
	}
}

// TestLoadRealContent loads the site's own content folder.
func TestLoadRealContent(t *testing.T) {
	fsys := os.DirFS("../..")
	set, errs := content.Load(fsys)
	if len(errs) > 0 {
		t.Fatalf("diagnostics in the site's content:\n%s", dump(errs))
	}
	if set.Guidance == nil {
		t.Fatal("no guidance index")
	}
	var areas []string
	for _, a := range set.Areas {
		areas = append(areas, a.Area)
		if a.Kind != content.KindArea {
			t.Errorf("%s: kind %s", a.Path, a.Kind)
		}
		for _, m := range a.Measures {
			if m.Area != a.Area || !strings.HasPrefix(m.Measure, a.Area) {
				t.Errorf("%s: measure %s, area %s, listed under area %s", m.Path, m.Measure, m.Area, a.Area)
			}
		}
	}
	if !slices.Equal(areas, []string{"a", "b", "c", "d", "e", "f"}) {
		t.Errorf("areas %v, want a to f", areas)
	}
	want := []string{
		"a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4", "c1", "c2", "c3", "c4", "c5",
		"d1", "d2", "d3", "d4", "e1", "e2", "e3", "f1", "f2", "f3",
	}
	if got := ids(set.Measures); !slices.Equal(got, want) {
		t.Errorf("measures %v\nwant %v", got, want)
	}
	titles := set.MeasureTitles()
	if len(titles) != 23 {
		t.Errorf("MeasureTitles has %d entries, want 23", len(titles))
	}
	urls := map[string]string{}
	for _, p := range set.Pages {
		if p.Title == "" || p.Summary == "" {
			t.Errorf("%s: no title or summary", p.Path)
		}
		if prev, dup := urls[p.URL]; dup {
			t.Errorf("%s and %s are both %s", prev, p.Path, p.URL)
		}
		urls[p.URL] = p.Path
		data, err := fs.ReadFile(fsys, p.Path)
		if err != nil {
			t.Fatal(err)
		}
		checkBodyLines(t, data, p.Body)
	}
}
