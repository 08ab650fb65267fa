package diag_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"pledgesite/generator/diag"
)

func d(path string, line, col int, rule, msg string) diag.Diagnostic {
	return diag.Diagnostic{Path: path, Line: line, Col: col, Rule: rule, Message: msg}
}

func TestError(t *testing.T) {
	tests := []struct {
		d    diag.Diagnostic
		want string
	}{
		{d("pledges/a.yaml", 12, 5, "r", "unknown field"), "pledges/a.yaml:12:5: unknown field"},
		{d("pledges/a.yaml", 12, 0, "r", "no column"), "pledges/a.yaml:12: no column"},
		{d("pledges/a.yaml", 0, 0, "r", "no position"), "pledges/a.yaml: no position"},
		{d("pledges/a.yaml", 0, 7, "r", "column without line"), "pledges/a.yaml: column without line"},
		{d("content", 0, 0, "r", "a: b: c"), "content: a: b: c"},
		{d("pledges/a\n::warning file=x::b.yaml", 0, 0, "r", "bad name"), `pledges/a\n::warning file=x::b.yaml: bad name`},
		{d("pledges/a\tb\u202e.yaml", 0, 0, "r", "bad name"), `pledges/a\tb\u202e.yaml: bad name`},
	}
	for _, tc := range tests {
		if got := tc.d.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestListError(t *testing.T) {
	var l diag.List
	if l.Err() != nil {
		t.Error("empty list: Err() is not nil")
	}
	l.Add("a.yaml", 1, 2, "rule", "found %q, want %d", "x", 3)
	l.Add("b.yaml", 0, 0, "rule", "plain")
	want := "a.yaml:1:2: found \"x\", want 3\nb.yaml: plain"
	if err := l.Err(); err == nil || err.Error() != want {
		t.Errorf("Err() = %v, want %q", err, want)
	}
	var got diag.List
	if !errors.As(l.Err(), &got) || len(got) != 2 {
		t.Errorf("Err() does not unwrap to the list: %#v", got)
	}
	if l[0].Rule != "rule" || l[0].Message != `found "x", want 3` {
		t.Errorf("Add stored %#v", l[0])
	}
}

func TestSort(t *testing.T) {
	l := diag.List{
		d("b.yaml", 1, 1, "r", "m"),
		d("a.yaml", 10, 1, "r", "m"),
		d("a.yaml", 2, 5, "r", "m"),
		d("a.yaml", 2, 1, "r", "second"),
		d("a.yaml", 2, 1, "r", "first"),
		d("a.yaml", 2, 5, "r", "m"), // exact duplicate
		d("a.yaml", 0, 0, "r", "whole file"),
		d("a.yaml", 2, 1, "q", "first"), // same place and message, other rule
		d("b.yaml", 1, 1, "r", "m"),     // exact duplicate
		d("a.yaml", 2, 1, "r", "first"), // exact duplicate
		d("a/b.yaml", 1, 1, "r", "m"),
	}
	want := diag.List{
		d("a.yaml", 0, 0, "r", "whole file"),
		d("a.yaml", 2, 1, "q", "first"),
		d("a.yaml", 2, 1, "r", "first"),
		d("a.yaml", 2, 1, "r", "second"),
		d("a.yaml", 2, 5, "r", "m"),
		d("a.yaml", 10, 1, "r", "m"), // numeric, not "10" < "2"
		d("a/b.yaml", 1, 1, "r", "m"),
		d("b.yaml", 1, 1, "r", "m"),
	}
	rev := slices.Clone(l)
	slices.Reverse(rev)
	got := l.Sort()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Sort():\n got %v\nwant %v", got, want)
	}
	// Sorting is independent of the input order.
	if got := rev.Sort(); !reflect.DeepEqual(got, want) {
		t.Errorf("Sort() of the reversed list:\n got %v\nwant %v", got, want)
	}
	if got := diag.List(nil).Sort(); len(got) != 0 {
		t.Errorf("Sort() of nil = %v", got)
	}
}

func source(files map[string]string) diag.SourceFunc {
	return func(p string) []byte {
		s, ok := files[p]
		if !ok {
			return nil
		}
		return []byte(s)
	}
}

func TestWriteText(t *testing.T) {
	files := map[string]string{
		"a.yaml":    "id: x\nname: Example\ntitle: \"bad\"\n",
		"tabs.md":   "x\n\tkey: value\n\t\t- item\n",
		"utf8.yaml": "title: \"Café crème\" extra\n",
		"crlf.yaml": "a: 1\r\nb: 2\r\n",
		"short":     "ab",
		"bad.yaml":  "a: \xff\xfe\n",
		"long.yaml": strings.Repeat("x", 500) + "\n",
		"empty":     "",
	}
	tests := []struct {
		name string
		d    diag.Diagnostic
		want string
	}{
		{"caret under the column", d("a.yaml", 2, 7, "r", "bad name"),
			"a.yaml:2:7: bad name\n    name: Example\n          ^\n"},
		{"column 1", d("a.yaml", 1, 1, "r", "m"),
			"a.yaml:1:1: m\n    id: x\n    ^\n"},
		{"last line without newline", d("short", 1, 2, "r", "m"),
			"short:1:2: m\n    ab\n     ^\n"},
		{"just past the end of the line", d("short", 1, 3, "r", "m"),
			"short:1:3: m\n    ab\n      ^\n"},
		// A tab counts as one column, as yaml.v3 counts it, and is kept in
		// the padding so the caret lines up whatever the tab width.
		{"tab before the column", d("tabs.md", 2, 2, "r", "m"),
			"tabs.md:2:2: m\n    \tkey: value\n    \t^\n"},
		{"tabs and text before the column", d("tabs.md", 3, 5, "r", "m"),
			"tabs.md:3:5: m\n    \t\t- item\n    \t\t  ^\n"},
		// Columns count characters, not bytes: "é" is one column.
		{"multi-byte characters before the column", d("utf8.yaml", 1, 21, "r", "m"),
			"utf8.yaml:1:21: m\n    title: \"Café crème\" extra\n                        ^\n"},
		{"CRLF line", d("crlf.yaml", 2, 4, "r", "m"),
			"crlf.yaml:2:4: m\n    b: 2\n       ^\n"},
		{"no such line", d("a.yaml", 9, 1, "r", "m"), "a.yaml:9:1: m\n"},
		{"no line", d("a.yaml", 0, 0, "r", "m"), "a.yaml: m\n"},
		{"unreadable file", d("missing.yaml", 1, 1, "r", "m"), "missing.yaml:1:1: m\n"},
		{"empty file", d("empty", 1, 1, "r", "m"), "empty:1:1: m\n"},
		{"invalid UTF-8 is not quoted", d("bad.yaml", 1, 4, "r", "m"), "bad.yaml:1:4: m\n"},
		{"very long line is not quoted", d("long.yaml", 1, 4, "r", "m"), "long.yaml:1:4: m\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := diag.Write(&b, diag.List{tc.d}, diag.FormatText, source(files)); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s\n(%q vs %q)", b.String(), tc.want, b.String(), tc.want)
			}
		})
	}
}

// TestWriteTextWideCharacters: in a terminal, CJK characters take two
// columns, so the caret needs two spaces for each to sit under the right
// character.
func TestWriteTextWideCharacters(t *testing.T) {
	files := map[string]string{"cjk.yaml": "name: \"人身売買\" x\n"}
	var b bytes.Buffer
	if err := diag.Write(&b, diag.List{d("cjk.yaml", 1, 14, "r", "m")}, diag.FormatText, source(files)); err != nil {
		t.Fatal(err)
	}
	want := "cjk.yaml:1:14: m\n    name: \"人身売買\" x\n    " + strings.Repeat(" ", 17) + "^\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestWriteTextUnknownColumn: Error() leaves an unknown column out, so the
// quoted line must not claim column 1 with a caret.
func TestWriteTextUnknownColumn(t *testing.T) {
	files := map[string]string{"a.yaml": "id: x\n"}
	var b bytes.Buffer
	if err := diag.Write(&b, diag.List{d("a.yaml", 1, 0, "r", "m")}, diag.FormatText, source(files)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "^") {
		t.Errorf("caret drawn for an unknown column:\n%s", b.String())
	}
	if !strings.HasPrefix(b.String(), "a.yaml:1: m\n") {
		t.Errorf("got %q", b.String())
	}
}

// TestWriteTextControlCharacters: sourceLine promises to quote only
// printable text. A line holding terminal escape sequences (a contributor's
// file shown in a CI log) must not be written raw.
func TestWriteTextControlCharacters(t *testing.T) {
	files := map[string]string{"a.yaml": "title: \x1b[2J\x1b]0;owned\x07x\n"}
	var b bytes.Buffer
	if err := diag.Write(&b, diag.List{d("a.yaml", 1, 8, "r", "m")}, diag.FormatText, source(files)); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(b.String(), "\x1b\x07") {
		t.Errorf("control characters written to the terminal: %q", b.String())
	}
	// In a file name or a message too, in both formats meant for people.
	bad := diag.List{d("pledges/\x1b]0;pwned\ax.yaml", 0, 0, "file", "name \x1b[2J\u202eevil\r")}
	for _, format := range []string{diag.FormatText, diag.FormatGitHub} {
		b.Reset()
		if err := diag.Write(&b, bad, format, nil); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(b.String(), "\x1b\x07\u202e\r") {
			t.Errorf("%s: control characters written: %q", format, b.String())
		}
		if !strings.Contains(b.String(), `pledges/\x1b]0;pwned\ax.yaml`) {
			t.Errorf("%s: the file name is not shown escaped: %q", format, b.String())
		}
	}
}

func TestWriteTextSeveral(t *testing.T) {
	files := map[string]string{"a.yaml": "one\ntwo\n"}
	l := diag.List{d("a.yaml", 1, 2, "r", "first"), d("b.yaml", 0, 0, "r", "second"), d("a.yaml", 2, 1, "r", "third")}
	want := "a.yaml:1:2: first\n    one\n     ^\nb.yaml: second\na.yaml:2:1: third\n    two\n    ^\n"
	for _, format := range []string{diag.FormatText, ""} {
		var b bytes.Buffer
		if err := diag.Write(&b, l, format, source(files)); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("format %q: got %q, want %q", format, b.String(), want)
		}
	}
	// Without a source, only the messages.
	var b bytes.Buffer
	if err := diag.Write(&b, l, diag.FormatText, nil); err != nil {
		t.Fatal(err)
	}
	if want := "a.yaml:1:2: first\nb.yaml: second\na.yaml:2:1: third\n"; b.String() != want {
		t.Errorf("no source: got %q, want %q", b.String(), want)
	}
}

func TestWriteGitHub(t *testing.T) {
	tests := []struct {
		name string
		d    diag.Diagnostic
		want string
	}{
		{"plain", d("pledges/a.yaml", 3, 9, "unknown-field", "unknown field \"x\""),
			"::error file=pledges/a.yaml,line=3,col=9,title=unknown-field::unknown field \"x\"\n"},
		{"message escaping", d("a.yaml", 1, 1, "r", "100% done: a, b\r\nnext line\nlast"),
			"::error file=a.yaml,line=1,col=1,title=r::100%25 done: a, b%0D%0Anext line%0Alast\n"},
		{"property escaping", d("odd%:,\n.yaml", 2, 3, "a:b,c%", "m"),
			"::error file=odd%25%3A%2C%0A.yaml,line=2,col=3,title=a%3Ab%2Cc%25::m\n"},
		{"unknown position", d("site.yaml", 0, 0, "config", "cannot read"),
			"::error file=site.yaml,line=1,col=1,title=config::cannot read\n"},
		{"already escaped text is escaped again", d("a.yaml", 1, 1, "r", "%0A"),
			"::error file=a.yaml,line=1,col=1,title=r::%250A\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := diag.Write(&b, diag.List{tc.d}, diag.FormatGitHub, nil); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got  %q\nwant %q", b.String(), tc.want)
			}
			if strings.Count(b.String(), "\n") != 1 {
				t.Errorf("one diagnostic took several lines: %q", b.String())
			}
		})
	}
	var b bytes.Buffer
	if err := diag.Write(&b, nil, diag.FormatGitHub, nil); err != nil || b.Len() != 0 {
		t.Errorf("empty list wrote %q, %v", b.String(), err)
	}
}

func TestWriteJSON(t *testing.T) {
	for _, l := range []diag.List{nil, {}} {
		var b bytes.Buffer
		if err := diag.Write(&b, l, diag.FormatJSON, nil); err != nil {
			t.Fatal(err)
		}
		if b.String() != "[]\n" {
			t.Errorf("empty list (%#v): got %q, want \"[]\\n\"", l, b.String())
		}
	}
	l := diag.List{d("pledges/a.yaml", 3, 9, "unknown-field", "unknown field \"x\" <b> & 100%"), d("site.yaml", 0, 0, "config", "m")}
	var b bytes.Buffer
	if err := diag.Write(&b, l, diag.FormatJSON, nil); err != nil {
		t.Fatal(err)
	}
	want := `[
  {
    "file": "pledges/a.yaml",
    "line": 3,
    "col": 9,
    "rule": "unknown-field",
    "message": "unknown field \"x\" \u003cb\u003e \u0026 100%"
  },
  {
    "file": "site.yaml",
    "line": 0,
    "col": 0,
    "rule": "config",
    "message": "m"
  }
]
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	var decoded []map[string]any
	if err := json.Unmarshal(b.Bytes(), &decoded); err != nil {
		t.Fatal(err)
	}
	for _, obj := range decoded {
		var keys []string
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, []string{"col", "file", "line", "message", "rule"}) {
			t.Errorf("keys %v", keys)
		}
	}
	var back diag.List
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || !reflect.DeepEqual(back, l) {
		t.Errorf("round trip: %v, %v", back, err)
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	var b bytes.Buffer
	err := diag.Write(&b, diag.List{d("a", 1, 1, "r", "m")}, "xml", nil)
	if err == nil || !strings.Contains(err.Error(), `"xml"`) {
		t.Errorf("got %v", err)
	}
	if b.Len() != 0 {
		t.Errorf("wrote %q", b.String())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	l := diag.List{d("a", 1, 1, "r", "m")}
	for _, format := range []string{diag.FormatText, diag.FormatGitHub, diag.FormatJSON} {
		if err := diag.Write(failWriter{}, l, format, nil); err == nil {
			t.Errorf("format %s: write error not returned", format)
		}
	}
}
