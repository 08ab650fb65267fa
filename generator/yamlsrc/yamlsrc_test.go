package yamlsrc

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"pledgesite/generator/diag"
)

// recordFields are the top-level fields of a pledge record, as in package
// record (which cannot be imported here: it imports this package).
var recordFields = []string{
	"id", "kind", "title", "summary", "description",
	"entity", "partners", "pledge_type", "matches", "contributes_to", "measures",
	"forum", "date",
	"countries", "target_groups", "gcr_objectives", "sdg_targets", "gcm_objectives", "hlom_recommendations",
	"updates", "links", "contact",
	"status", "support", "financial",
	"key_outcome", "leads", "supporters",
}

func TestNearest(t *testing.T) {
	tests := []struct {
		name    string
		word    string
		options []string
		want    string // "" for no suggestion
	}{
		{"exact", "date", recordFields, "date"},
		{"transposition", "titel", recordFields, "title"},
		{"transposition in the middle", "tilte", recordFields, "title"},
		{"transposition in a long word", "countires", recordFields, "countries"},
		{"missing letter", "summry", recordFields, "summary"},
		{"extra letter", "statuss", recordFields, "status"},
		{"missing underscore", "pledgetype", recordFields, "pledge_type"},
		{"singular for plural", "sdg_target", recordFields, "sdg_targets"},
		{"upper case", "TITLE", recordFields, "title"},
		{"mixed case and typo", "Pledge_Typ", recordFields, "pledge_type"},
		{"option spelling is kept", "usd", []string{"EUR", "USD"}, "USD"},
		{"accented letter is one edit", "tïtle", recordFields, "title"},
		{"two edits in seven letters", "titlexx", recordFields, "title"},
		{"three edits in eight letters", "titlexxx", recordFields, ""},
		{"nothing near", "colour", recordFields, ""},
		{"one letter is always one edit", "i", []string{"id", "kind"}, "id"},
		{"one letter, two edits", "x", []string{"id", "kind"}, ""},
		{"empty word", "", []string{"id", "kind"}, ""},
		{"no options", "title", nil, ""},
		{"tie goes to the first option", "b7", []string{"b1", "b2"}, "b1"},
		{"very long word", strings.Repeat("title", 20), recordFields, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Nearest(tt.word, tt.options)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("Nearest(%q) = %q, %v; want %q, %v", tt.word, got, ok, tt.want, tt.want != "")
			}
		})
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "abc", 0},
		{"ab", "ba", 1},
		{"title", "titel", 1},
		{"kitten", "sitting", 3},
		{"é", "e", 1},
		{"日本", "日本語", 1},
		{strings.Repeat("a", 65), "a", 65},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := distance(tt.b, tt.a); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestHint(t *testing.T) {
	statuses := []string{"planning", "in-progress", "fulfilled"}
	sixteen := make([]string, 16)
	for i := range sixteen {
		sixteen[i] = fmt.Sprintf("value-%02d", i)
	}
	seventeen := append(append([]string{}, sixteen...), "value-16")
	tests := []struct {
		name    string
		word    string
		options []string
		want    string
	}{
		{"close", "in-progres", statuses, ` (did you mean "in-progress"?)`},
		{"case only", "Planning", statuses, ` (did you mean "planning"?)`},
		{"far, short list", "done", statuses, " (valid values: planning, in-progress, fulfilled)"},
		{"empty word, short list", "", statuses, " (valid values: planning, in-progress, fulfilled)"},
		{"far, 16 options", "zzz", sixteen, " (valid values: " + strings.Join(sixteen, ", ") + ")"},
		{"far, 17 options", "zzz", seventeen, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Hint(tt.word, tt.options); got != tt.want {
				t.Errorf("Hint(%q) = %q, want %q", tt.word, got, tt.want)
			}
		})
	}
}

// parseWithin runs Parse and fails the test if it does not return in time.
func parseWithin(t *testing.T, data []byte) (*yaml.Node, diag.List) {
	t.Helper()
	type result struct {
		root *yaml.Node
		errs diag.List
	}
	done := make(chan result, 1)
	go func() {
		root, errs := Parse("p.yaml", data)
		done <- result{root, errs}
	}()
	select {
	case r := <-done:
		return r.root, r.errs
	case <-time.After(2 * time.Second):
		t.Fatal("Parse did not return within 2s")
		return nil, nil
	}
}

func format(l diag.List) []string {
	var out []string
	for _, d := range l {
		out = append(out, fmt.Sprintf("%d:%d %s", d.Line, d.Col, d.Rule))
	}
	return out
}

// TestParseRejects lists inputs Parse must refuse, with every diagnostic as
// "line:col rule" and a part of the first message.
func TestParseRejects(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string
		msg  string
	}{
		// file-size
		{"one byte too big", "a: " + strings.Repeat("x", MaxFileSize-2), []string{"1:1 file-size"},
			"file is 1048577 bytes, larger than the limit of 1048576 bytes"},

		// encoding: the column counts characters, as yaml.v3 does.
		{"bad byte on line 2", "a: b\nc: d\xffe\n", []string{"2:5 encoding"}, "invalid UTF-8: save the file as UTF-8 text"},
		{"bad byte after accents", "a: é\nb: ü\xff\n", []string{"2:5 encoding"}, "invalid UTF-8"},
		{"truncated character at the end", "a: \xe2\x82", []string{"1:4 encoding"}, "invalid UTF-8"},
		{"overlong encoding", "a: \xc0\xaf\n", []string{"1:4 encoding"}, "invalid UTF-8"},
		{"surrogate half", "a: \xed\xa0\x80\n", []string{"1:4 encoding"}, "invalid UTF-8"},
		{"Latin-1 file", "title: Caf\xe9\n", []string{"1:11 encoding"}, "invalid UTF-8"},
		// A byte order mark is not a column: yaml.v3 and editors skip it.
		{"bad byte after a byte order mark", "\uFEFFa: \xff\n", []string{"1:4 encoding"}, "invalid UTF-8"},

		// nesting
		{"flow lists 33 deep", "a: " + strings.Repeat("[", 33) + strings.Repeat("]", 33), []string{"1:36 yaml-shape"},
			"values are nested more than 32 levels deep"},
		{"flow mappings 33 deep on line 2", "a: 1\nb: " + strings.Repeat("{a: ", 33) + strings.Repeat("}", 33), []string{"2:132 yaml-shape"},
			"nested more than 32 levels"},

		// empty files
		{"empty", "", []string{"1:1 yaml-shape"}, `file is empty: expected a mapping of fields such as "id: ..."`},
		{"blank lines", "  \n\n\t\n", []string{"1:1 yaml-shape"}, "file is empty"},
		{"comments only", "# a\n   # b\n", []string{"1:1 yaml-shape"}, "file is empty"},
		{"comments only, carriage returns", "# a\r   # b\r\n", []string{"1:1 yaml-shape"}, "file is empty"},
		{"comment and a list, carriage returns", "# a\r- b\r", []string{"2:1 yaml-shape"}, "found a list"},
		{"document marker only", "---\n", []string{"1:1 yaml-shape"}, "empty"},

		// top level
		{"list", "- a\n- b\n", []string{"1:1 yaml-shape"}, `expected a mapping of fields such as "id: ..." at the top of the file, found a list`},
		{"text after comments", "# c\n\nhello\n", []string{"3:1 yaml-shape"}, `found "hello"`},
		{"long text", strings.Repeat("word ", 20), []string{"1:1 yaml-shape"}, `found "word word word word word word word word …"`},
		{"two documents", "a: 1\n---\nb: 2\n", []string{"2:1 yaml-shape"}, "file holds more than one YAML document"},
		{"syntax error in the second document", "a: 1\n---\nb: [\n", []string{"3:1 yaml-syntax"}, "YAML syntax:"},

		// anchors, aliases, tags
		{"anchor", "a: &x 1\n", []string{"1:4 yaml-shape"}, "anchors (&x) are not allowed: write each value out"},
		{"anchor and alias", "a: &x 1\nb: *x\n", []string{"1:4 yaml-shape", "2:4 yaml-shape"}, "anchors (&x)"},
		{"merge key", "base: &b {x: 1}\nc:\n  <<: *b\n", []string{"1:7 yaml-shape", "3:7 yaml-shape"}, "anchors (&b)"},
		{"custom tag", "a: !custom x\n", []string{"1:4 yaml-shape"}, "YAML tags (!custom) are not allowed"},
		{"binary tag", "a: !!binary aGk=\n", []string{"1:4 yaml-shape"}, "YAML tags (!!binary) are not allowed"},
		{"tag on a key", "!custom a: x\n", []string{"1:1 yaml-shape"}, "YAML tags (!custom)"},

		// syntax: yaml.v3 gives the line; the column is the first non-blank
		// character of that line.
		{"tab indentation", "a:\n\tb: 1\n", []string{"2:2 yaml-syntax"},
			"YAML syntax: found character that cannot start any token (a tab used for indentation? indent with spaces)"},
		{"unclosed quote", "a: 1\nb: \"x\n", []string{"2:1 yaml-syntax"}, "(an unclosed quote?)"},
		{"value indented too far", "a: 1\nb: 2\n   c: 3\n", []string{"3:4 yaml-syntax"}, "this line is indented unlike the fields around it: indent the fields of one block by the same number of spaces"},
		{"list item after a mapping", "a: 1\nb: 2\n- c\n", []string{"3:1 yaml-syntax"}, "did not find expected key"},
		{"unclosed flow list", "a: 1\nb: [1,\nc: 2\n", []string{"2:4 yaml-syntax"}, "the list that opens with '[' here is not closed: add ']' after its last value"},
		{"unclosed flow list after a comment", "# note\na: 1\nb: [1,\nc: 2\n", []string{"3:4 yaml-syntax"}, "the list that opens with '[' here is not closed"},
		{"unclosed flow mapping", "a: 1\nb: {c: 1\nd: 2\n", []string{"2:4 yaml-syntax"}, "the group of fields that opens with '{' here is not closed: add '}'"},
		// Lines laid out wrongly, in the words of the fix.
		{"colon without a space", "a: 1\nstatus:planning\nb: 2\n", []string{"2:8 yaml-syntax"}, `put a space after the colon, as in "status: planning"`},
		{"text block line not indented", "a: |\n  One line.\nAnother line.\nb: 2\n", []string{"3:1 yaml-syntax"}, `this line is not a field ("name: value"): if it goes on from the text above, indent it`},
		{"value on the next line", "a: 1\nstatus:\nplanning\nb: 2\n", []string{"3:1 yaml-syntax"}, `if it is the value of the field above, put it on the field's line`},
		{"list item without a space", "updates:\n  -date: 2024-01-31\n    text: x\n", []string{"2:4 yaml-syntax"}, `put a space after "-" to start a list item`},
		{"list item indented unlike the others", "updates:\n  - date: 1\n    text: x\n   - date: 2\n", []string{"4:4 yaml-syntax"}, `this list item is indented unlike the items before it`},
		{"text after a block indicator", "summary: >- Some text.\n", []string{"1:13 yaml-syntax"}, `text after '>' starts on the next line`},
		{"value starting with a list", "title: [Draft] Plan\n", []string{"1:8 yaml-syntax"}, `a value starting with '[' is read as a list: put the whole value in double quotes`},
		{"value starting with an alias", "title: *New* plan\n", []string{"1:8 yaml-syntax"}, `a value cannot start with '*' unless it is in quotes`},
		{"value starting with a percent sign", "title: %50 more\n", []string{"1:8 yaml-syntax"}, `a value cannot start with '%' unless it is in quotes`},
		{"value starting with a dash", "title: - Plan\n", []string{"1:8 yaml-syntax"}, `a value starting with "- " is read as a list item`},
		// Any rule will do; the position is the point.
		{"raw control character", "a: 1\nb: x\x07y\n", []string{"2:5 *"}, "control character"},
		{"delete character after curly quotes", "a: \u2018q\u2019 \u2013 r\nb: x\x7fy\n", []string{"2:5 *"}, "control character U+007F"},
		{"line separator", "a: \u201cx\u201d\nb: x\u2028y\n", []string{"2:5 *"}, "line separator character U+2028"},
		{"paragraph separator", "a: x\u2029y\n", []string{"1:5 *"}, "line separator character U+2029"},
		{"next line", "a: caf\u00e9\u0085\n", []string{"1:8 *"}, "line separator character U+0085"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, errs := parseWithin(t, []byte(tt.data))
			if root != nil {
				t.Errorf("Parse returned a tree")
			}
			got := format(errs)
			for i, d := range errs {
				if i < len(tt.want) && strings.HasSuffix(tt.want[i], " *") {
					got[i] = strings.TrimSuffix(got[i], d.Rule) + "*"
				}
			}
			if strings.Join(got, ", ") != strings.Join(tt.want, ", ") {
				t.Fatalf("diagnostics %q, want %q\n%v", got, tt.want, errs)
			}
			if !strings.Contains(errs[0].Message, tt.msg) {
				t.Errorf("message %q does not contain %q", errs[0].Message, tt.msg)
			}
			for _, d := range errs {
				if d.Path != "p.yaml" {
					t.Errorf("path %q, want p.yaml", d.Path)
				}
			}
		})
	}
}

// controlReported tells the characters controlChar reports.
func controlReported(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029
}

// TestMayHoldControl checks the quick scan against the characters
// controlChar reports, for every Unicode character alone, within a line
// and after a curly quote (whose UTF-8 begins as U+2028's does): in valid
// UTF-8 it finds exactly those.
func TestMayHoldControl(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		c := string(r)
		for _, data := range []string{c, "a: x" + c + "y\n", "a: \u2018" + c} {
			if got := mayHoldControl([]byte(data)); got != controlReported(r) {
				t.Fatalf("mayHoldControl(%q) = %v, want %v", data, got, controlReported(r))
			}
		}
	}
}

// TestPlainChunk checks PlainChunk for every byte at every place of a
// chunk of printable ASCII, with neighbours at both ends of that range.
func TestPlainChunk(t *testing.T) {
	for _, fill := range []byte{' ', 'a', '~'} {
		for pos := range 8 {
			for c := range 256 {
				chunk := bytes.Repeat([]byte{fill}, 8)
				chunk[pos] = byte(c)
				want := c >= 0x20 && c <= 0x7e
				if got := PlainChunk(chunk); got != want {
					t.Fatalf("PlainChunk(%q) = %v, want %v", chunk, got, want)
				}
			}
		}
	}
}

// TestMayHoldControlAnywhere moves each character through the places of
// the eight-byte chunks mayHoldControl skips, across their ends too.
func TestMayHoldControlAnywhere(t *testing.T) {
	for r := rune(0); r <= 0x3000; r++ {
		c := string(r)
		for n := range 17 {
			data := strings.Repeat("a", n) + c + strings.Repeat("b", 9)
			if got := mayHoldControl([]byte(data)); got != controlReported(r) {
				t.Fatalf("mayHoldControl(%q) = %v, want %v", data, got, controlReported(r))
			}
		}
	}
}

// TestParseBlockNesting checks the promise that the tree is never nested
// deeper than MaxDepth for block collections too, not only for [ and {.
func TestParseBlockNesting(t *testing.T) {
	nested := func(depth int) []byte { // block mappings nested depth deep
		var b strings.Builder
		for i := range depth {
			fmt.Fprintf(&b, "%sk%d:\n", strings.Repeat("  ", i), i)
		}
		fmt.Fprintf(&b, "%sleaf: 1\n", strings.Repeat("  ", depth))
		return []byte(b.String())
	}
	if root, errs := parseWithin(t, nested(MaxDepth)); root == nil {
		t.Errorf("%d levels rejected: %v", MaxDepth, errs)
	}
	root, errs := parseWithin(t, nested(40))
	if root != nil || len(errs) != 1 {
		t.Fatalf("40 levels: tree returned %v, diagnostics %v; want one diagnostic", root != nil, errs)
	}
	// The mapping 33 levels down starts on line 34.
	if d := errs[0]; d.Rule != RuleShape || d.Line != 34 || !strings.Contains(d.Message, "nested more than 32 levels") {
		t.Errorf("40 levels: got %v, want a %s diagnostic on line 34", d, RuleShape)
	}
}

// TestParseAccepts lists inputs that look hostile but are fine.
func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"exactly at the size limit", "a: " + strings.Repeat("x", MaxFileSize-4) + "\n"},
		{"flow lists 32 deep", "a: " + strings.Repeat("[", 32) + strings.Repeat("]", 32)},
		{"brackets in double quotes", `a: "` + strings.Repeat("[", 40) + `"`},
		{"brackets in single quotes", `a: '` + strings.Repeat("{", 40) + `'`},
		{"brackets in a comment", "# " + strings.Repeat("[", 40) + "\na: 1\n"},
		{"brackets in a block scalar", "a: |\n  " + strings.Repeat("[", 40) + "\n"},
		{"allowed tags", "a: !!str 1\nb: !!int 2\nc: !!seq [x]\n"},
		{"byte order mark", "\uFEFFa: 1\n"},
		{"CRLF line endings", "a: 1\r\nb:\r\n  c: 2\r\n"},
		{"document start and end markers", "---\na: 1\n...\n"},
		{"comment before the mapping", "# yaml-language-server: $schema=./schema.json\na: 1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, errs := parseWithin(t, []byte(tt.data))
			if len(errs) > 0 || root == nil {
				t.Fatalf("rejected: %v", errs)
			}
			if root.Kind != yaml.MappingNode {
				t.Errorf("root is kind %v, want a mapping", root.Kind)
			}
		})
	}
}

// TestParsePositions checks that the tree keeps positions that editors
// agree with, whatever the line endings or a leading byte order mark.
func TestParsePositions(t *testing.T) {
	tests := []struct {
		name string
		data string
		line int // of the value of "b"
		col  int
	}{
		{"LF", "a: 1\nb: x\n", 2, 4},
		{"CRLF", "a: 1\r\nb: x\r\n", 2, 4},
		{"byte order mark", "\uFEFFb: x\n", 1, 4},
		{"accents before", "a: é\nb: x\n", 2, 4},
		{"accents on the line", "é: 1\nü: 2\nb: x\n", 3, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, errs := parseWithin(t, []byte(tt.data))
			if root == nil {
				t.Fatalf("rejected: %v", errs)
			}
			for i := 0; i+1 < len(root.Content); i += 2 {
				if root.Content[i].Value == "b" {
					v := root.Content[i+1]
					if v.Line != tt.line || v.Column != tt.col {
						t.Errorf("b is at %d:%d, want %d:%d", v.Line, v.Column, tt.line, tt.col)
					}
					return
				}
			}
			t.Error("no key b")
		})
	}
}

// TestSyntaxError turns errors from yaml.v3 into diagnostics. Where err
// is empty the error is the one yaml.v3 gives for data, so the expected
// line is the true line of the problem.
func TestSyntaxError(t *testing.T) {
	tests := []struct {
		name string
		data string
		err  string
		want diag.Diagnostic
	}{
		{"dedent to no block", "a:\n  b: 1\n c: 2\n", "",
			diag.Diagnostic{Line: 3, Col: 2, Message: "YAML syntax: did not find expected key (check the indentation of this line and the one before)"}},
		{"dedent after a comment", "# c\na:\n  b: 1\n c: 2\n", "",
			diag.Diagnostic{Line: 4, Col: 2, Message: "YAML syntax: did not find expected key"}},
		{"tab indentation counts as one column", "a:\n\t\tb: 1\n", "",
			diag.Diagnostic{Line: 2, Col: 3, Message: "YAML syntax: found character that cannot start any token (a tab used for indentation? indent with spaces)"}},
		{"unclosed quote hint", `a: "x`, "",
			diag.Diagnostic{Line: 1, Col: 1, Message: "YAML syntax: found unexpected end of stream (an unclosed quote?)"}},
		{"indented too far", "a: 1\nb: 2\n   c: 3\n", "",
			diag.Diagnostic{Line: 3, Col: 4, Message: "YAML syntax: this line is indented unlike the fields around it: indent the fields of one block by the same number of spaces"}},
		{"CRLF", "a: 1\r\n  b: 2\r\n", "",
			diag.Diagnostic{Line: 2, Col: 3, Message: "YAML syntax: this line is indented unlike the fields around it: indent the fields of one block by the same number of spaces"}},
		// Values that need quotes: the column is where the trouble is.
		{"value starting with @", "a: 1\ntitle: @Safe house\n", "",
			diag.Diagnostic{Line: 2, Col: 8, Message: "YAML syntax: a value cannot start with '@' unless it is in quotes: put the whole value in double quotes"}},
		{"value starting with a backquote", "title: `Safe` house\n", "",
			diag.Diagnostic{Line: 1, Col: 8, Message: "YAML syntax: a value cannot start with '`' unless it is in quotes: put the whole value in double quotes"}},
		{"value holding a colon and a space", "a: 1\ntitle: Safe house: Kampala\n", "",
			diag.Diagnostic{Line: 2, Col: 18, Message: `YAML syntax: a value holding ": " must be in quotes: put the whole value in double quotes`}},
		{"list item holding a colon and a space", "a:\n  - name: Safe: house\n", "",
			diag.Diagnostic{Line: 2, Col: 15, Message: `YAML syntax: a value holding ": " must be in quotes: put the whole value in double quotes`}},
		{"text after a closing quote", "a: 1\ntitle: \"Safe\" house\nb: 2\n", "",
			diag.Diagnostic{Line: 2, Col: 14, Message: "YAML syntax: text follows the closing quote: put the whole value in quotes, or none of it"}},
		{"no line", "a: 1\n  b: 2\n", "yaml: something went wrong",
			diag.Diagnostic{Line: 1, Col: 1, Message: "YAML syntax: something went wrong"}},
		{"not a yaml error", "a: 1\n", "unexpected EOF",
			diag.Diagnostic{Line: 1, Col: 1, Message: "YAML syntax: unexpected EOF"}},
		{"multi-byte text after the indent", "a:\n  é: 1\n", "yaml: line 2: x",
			diag.Diagnostic{Line: 2, Col: 3, Message: "YAML syntax: x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := errors.New(tt.err)
			if tt.err == "" {
				var n yaml.Node
				if err = yaml.Unmarshal([]byte(tt.data), &n); err == nil {
					t.Fatal("yaml.v3 accepts the data")
				}
			}
			got := syntaxError("p.yaml", []byte(tt.data), err)
			if got.Line != tt.want.Line || got.Col != tt.want.Col || got.Path != "p.yaml" || got.Rule != RuleSyntax ||
				!strings.HasPrefix(got.Message, tt.want.Message) {
				t.Errorf("syntaxError(%q)\n got %d:%d %s %q\nwant %d:%d %s %q (prefix)", err,
					got.Line, got.Col, got.Rule, got.Message, tt.want.Line, tt.want.Col, RuleSyntax, tt.want.Message)
			}
		})
	}
}

func TestFields(t *testing.T) {
	var doc yaml.Node
	data := "name: A\ntype: state\nname: B\nNmae: C\nzz: 4\n? [x]\n: 5\n"
	if err := yaml.Unmarshal([]byte(data), &doc); err != nil {
		t.Fatal(err)
	}
	var errs diag.List
	f := Fields("p.yaml", doc.Content[0], []string{"name", "type", "country"}, "entity.", &errs)
	want := []struct{ at, msg string }{
		{"3:1 duplicate-field", `field "entity.name" appears twice (first at line 1): keep one`},
		{"4:1 unknown-field", `unknown field "entity.Nmae" (did you mean "name"?)`},
		{"5:1 unknown-field", `unknown field "entity.zz"`},
		{"6:3 unknown-field", "field names must be plain words, found a list"},
	}
	got := format(errs)
	if len(got) != len(want) {
		t.Fatalf("diagnostics %q, want %d", got, len(want))
	}
	for i, w := range want {
		if got[i] != w.at || !strings.Contains(errs[i].Message, w.msg) {
			t.Errorf("diagnostic %d: %s %q, want %s %q", i, got[i], errs[i].Message, w.at, w.msg)
		}
	}
	if strings.Contains(errs[2].Message, "did you mean") {
		t.Errorf("hint for a word nothing like a field: %q", errs[2].Message)
	}
	if len(f) != 2 || f["name"].Value.Value != "A" || f["type"].Key.Line != 2 {
		t.Errorf("fields = %v, want name (the first one) and type", f)
	}
}

// TestFieldsNotIndented: fields meant for the empty field above them, but
// not indented under it, are pointed there; once a field with a value
// comes between, they are not.
func TestFieldsNotIndented(t *testing.T) {
	var doc yaml.Node
	data := "id: x\nentity:\nname: A\nzz: 1\nid2: 2\ntitle: T\nqq: 3\n"
	if err := yaml.Unmarshal([]byte(data), &doc); err != nil {
		t.Fatal(err)
	}
	var errs diag.List
	Fields("p.yaml", doc.Content[0], []string{"id", "entity", "title"}, "", &errs)
	want := []string{
		`p.yaml:3:1: unknown field "name" (if it belongs to "entity" above, indent it under "entity:" by two spaces)`,
		`p.yaml:4:1: unknown field "zz" (if it belongs to "entity" above, indent it under "entity:" by two spaces)`,
		`p.yaml:5:1: unknown field "id2" (did you mean "id"?)`,
		`p.yaml:7:1: unknown field "qq"`,
	}
	if got := errs.Error(); got != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		data string
		want string
	}{
		{"{a: 1}", "a mapping"},
		{"[1]", "a list"},
		{"~", "an empty value"},
		{"null", "an empty value"},
		{"hello", `"hello"`},
		{`"say \"hi\""`, `"say \"hi\""`},
		{strings.Repeat("é", 41), `"` + strings.Repeat("é", 40) + `…"`},
	}
	for _, tt := range tests {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(tt.data), &doc); err != nil {
			t.Fatal(err)
		}
		if got := Describe(doc.Content[0]); got != tt.want {
			t.Errorf("Describe(%s) = %s, want %s", tt.data, got, tt.want)
		}
	}
	if got := Describe(&yaml.Node{Kind: yaml.AliasNode}); got != "an alias" {
		t.Errorf("Describe(alias) = %s", got)
	}
}
