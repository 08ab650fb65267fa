package yamlsrc

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unsafe"

	"gopkg.in/yaml.v3"
)

// readPlain and unmarshal are a new reader's read and unmarshal.
func readPlain(data []byte, doc *yaml.Node) bool { return new(plainReader).read(data, doc) }

func unmarshal(data []byte, doc *yaml.Node) error { return new(plainReader).unmarshal(data, doc) }

// plainSeeds are files readPlain reads (true) and files it leaves to
// yaml.v3 (false), one for each reason it has.
var plainSeeds = []struct {
	data string
	read bool
}{
	{"# yaml-language-server: $schema=./schema.json\n# second\nid: a\nkind: pledge\n", true},
	{"\n# c\n\n#x \n  # y\nid: a\n# comment\nb: c\n#\n", true},
	{"entity:\n  # c\n  name: x\n# c\n  type: y\n    # c\ntags:\n# c\n- a\n  # c\n- b: c\n  # c\n  d: e\n", true},
	{"e:\n# c\n\n  # c\n  k: v\nf:\n  # c\ng: x\n", true},
	{"d: |\n  # heading\n\n  text\n # c\n# c\ns: >-\n    a\n    # b\n  # c\nt: x\n", true},
	{"id: a\n\ntitle: \"Shelter & care: #1 — é\"\nsummary: 'it''s'\n", true},
	{"date: 2025-12-21\nshort: 2025-1-2\nn: 12\nf: 1.5\nz: 0\nt: true\nx: ~\ne:\nw: café (x) [y] {z}, a\n", true},
	{"tags: [a1, \"5.2\", 'x y', b-2]\nnone: []\nspaced: [ a ,b ]\n", true},
	{"d: |\n  one\n\n    two\n  # not a comment\n\n\nk: |-\n  x\n  y\n", true},
	{"s: >\n  one\n  two\n\n\n  three\nt: >-\n  a\n  b\n", true},
	{"entity:\n  name: x\n  type: ngo\nlinks:\n  - title: a\n    url: https://example.org/x\n  - title: b\n", true},
	{"updates:\n- date: 2025-01-01\n  text: |\n    done\n- date: 2026-01-01\nnext: 1\n", true},
	{"list:\n  - a\n  - \"b\"\n  - [c]\nm:\n    deep:\n        deeper: 1\n", true},
	{"e: \u00e9\nf: [\u00e9t\u00e9]\n", false}, // a word beyond ASCII in brackets
	{"id: a # c\n", false},             // a comment after a value
	{"id: [a] # c\n", false},           // a comment after a list
	{"id: \"a\" # c\n", false},         // a comment after a quote
	{"id: # c\n  a: b\n", false},       // a comment after a key
	{"id: | # c\n  a\n", false},        // a comment after an indicator
	{"# c\n", false},                   // comments only
	{"a: b\n# c\n  c\n", false},        // a deeper line after a comment
	{"id: a\n  b\n", false},            // a value going on
	{"id: \"a\n  b\"\n", false},        // a quoted value going on
	{"id: \"a\\\"b\"\n", false},        // an escape
	{"id: \"a\" b\n", false},           // text after the quote
	{"n: 08\n", false},                 // a leading zero
	{"n: 0x1F\n", false},               // hexadecimal
	{"n: 1e3\n", false},                // an exponent
	{"n: -1\n", false},                 // a sign
	{"n: .5\n", false},                 // a dot first
	{"d: 2025-13-45\n", false},         // not a date
	{"true: a\n", false},               // a key that is not text
	{"\"id\": a\n", false},             // a quoted key
	{"a: b: c\n", false},               // a mapping in a value
	{"a: b:\n", false},                 // a key in a value
	{"a: &x b\n", false},               // an anchor
	{"a: !!str b\n", false},            // a tag
	{"a: {b: c}\n", false},             // a mapping in braces
	{"a: [b, c,]\n", false},            // a comma before the bracket
	{"a: [b,\n  c]\n", false},          // brackets over two lines
	{"a: [b c]\n", false},              // a space in a word in brackets
	{"a: [[b]]\n", false},              // brackets in brackets
	{"a: |+\n  b\n", false},            // keep
	{"a: |2\n   b\n", false},           // an indentation indicator
	{"a: | \n  b\n", false},            // a space after the indicator
	{"a: |\n  b\n   \n  c\n", false},   // a line of spaces
	{"a: |\nb: c\n", false},            // an empty block
	{"a: >\n\n  b\n", false},           // a folded block starting blank
	{"a: >\n  b\n    c\n", false},      // a folded block with a deeper line
	{"a: |\n    b\n  c\n", false},      // a block ending deeper than its key
	{"a:\n  - b\n  -\n    c\n", false}, // an entry on the line below its dash
	{"a:\n  - - b\n", false},           // a list in a list
	{"a:\n  b\n", false},               // a plain value on the next line
	{"a: b\n c: d\n", false},           // a deeper line after a value
	{"a:\n  - b\n   - c\n", false},     // ragged dashes
	{"  a: b\n", false},                // an indented top
	{"- a\n", false},                   // a list at the top
	{"a: b", false},                    // no line break at the end
	{"a: b\r\n", false},                // a carriage return
	{"a: b\tc\n", false},               // a tab
	{"\ufeffa: b\n", false},            // a byte order mark
	{"a: \u0080\n", false},             // a C1 control, which yaml.v3 refuses
	{"a: <<\n", false},                 // the merge key
	{"a: @b\n", false},                 // a reserved indicator
}

// TestReadPlain: readPlain reads the files written in its part of YAML, and
// the tree it makes is yaml.v3's; every other file it leaves.
func TestReadPlain(t *testing.T) {
	for _, tt := range plainSeeds {
		var doc yaml.Node
		if got := readPlain([]byte(tt.data), &doc); got != tt.read {
			t.Errorf("readPlain(%q) = %v, want %v", tt.data, got, tt.read)
			continue
		}
		if tt.read {
			samePlainTree(t, []byte(tt.data), &doc)
		}
	}
}

// TestReadPlainRecords: the records of the shipped site, a record as synth
// writes it, and the files "pledgesite new" makes are read the short way.
func TestReadPlainRecords(t *testing.T) {
	files, err := filepath.Glob("../../pledges/*.yaml")
	if err != nil || len(files) < 10 {
		t.Fatalf("found %d records (%v)", len(files), err)
	}
	// As "pledgesite new" writes them, with the template's comments.
	files = append(files, "testdata/lift-record.yaml", "../scaffold/testdata/pledge.yaml", "../scaffold/testdata/contribution.yaml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc yaml.Node
		if !readPlain(data, &doc) {
			t.Errorf("%s is left to yaml.v3", f)
			continue
		}
		samePlainTree(t, data, &doc)
	}
}

// TestPlainValuesShareOneString: the values of a file are kept in one
// allocation no larger than the file, whatever its comments and headings
// in text blocks, as a record keeps some of them for the whole build.
func TestPlainValuesShareOneString(t *testing.T) {
	files := []string{
		"# c\nid: a\n# comment\nd: |\n  ## Plan\n  # Heading\n\n  text\n  #x\ns: >-\n  # a\n  b\nt: [x, y]\n",
		"d: |\n" + strings.Repeat("  # heading\n  text text\n", 50) + "# c\n# c\ne: x\n",
		"e:\n  # a comment, indented\n  f: |\n    # text\n    more\n",
	}
	for _, name := range []string{"testdata/lift-record.yaml", "../scaffold/testdata/pledge.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, string(data))
	}
	for _, f := range files {
		var p plainReader
		var doc yaml.Node
		if !p.read([]byte(f), &doc) {
			t.Fatalf("left %q", f)
		}
		lo, hi := uintptr(0), uintptr(0)
		var walk func(n *yaml.Node)
		walk = func(n *yaml.Node) {
			if n.Value != "" {
				start := uintptr(unsafe.Pointer(unsafe.StringData(n.Value)))
				if lo == 0 || start < lo {
					lo = start
				}
				hi = max(hi, start+uintptr(len(n.Value)))
			}
			for _, c := range n.Content {
				walk(c)
			}
		}
		walk(&doc)
		// The allocator rounds sizes up, by at most an eighth past 1 KB.
		if int(hi-lo) > p.text.Cap() || p.text.Cap() > len(f)+len(f)/4+16 {
			t.Errorf("values span %d bytes, text holds %d, the file %d: %.60q", hi-lo, p.text.Cap(), len(f), f)
		}
	}
}

func samePlainTree(t *testing.T, data []byte, doc *yaml.Node) {
	t.Helper()
	var want yaml.Node
	if err := yaml.Unmarshal(data, &want); err != nil {
		t.Fatalf("readPlain read %q, which yaml.v3 refuses: %v", data, err)
	}
	withoutComments(&want)
	if !reflect.DeepEqual(*doc, want) {
		t.Errorf("readPlain(%q) differs from yaml.Unmarshal:\n%s\nwant\n%s", data, dumpTree(doc), dumpTree(&want))
	}
}

// withoutComments clears the head and foot comments of n and the nodes
// under it, which readPlain leaves out, and returns n. Line comments are
// kept: records are checked for them.
func withoutComments(n *yaml.Node) *yaml.Node {
	n.HeadComment, n.FootComment = "", ""
	for _, c := range n.Content {
		withoutComments(c)
	}
	return n
}

func dumpTree(n *yaml.Node) string {
	var b strings.Builder
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		fmt.Fprintf(&b, "%*skind %d style %d %s %q at %d:%d head %q line %q foot %q\n", 2*depth, "",
			n.Kind, n.Style, n.Tag, n.Value, n.Line, n.Column, n.HeadComment, n.LineComment, n.FootComment)
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

// TestPlainMatchesYAML writes record-like files from pieces: half of them
// only of forms readPlain reads, which it must read, and half mixing in
// forms near them that it must leave (numbers that are not plainly
// numbers, escapes, comments after values, ragged indentation). unmarshal must give
// yaml.Unmarshal's tree or error for each, and a reader recycled from
// file to file, as ParseFunc's are, the tree a new one gives.
func TestPlainMatchesYAML(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	// pick takes from the first list, forms readPlain reads, and in some
	// files now and then from the second, forms near them.
	oddness := 0
	pick := func(plain, odd []string) string {
		if len(odd) > 0 && oddness > 0 && r.IntN(oddness) == 0 {
			return odd[r.IntN(len(odd))]
		}
		return plain[r.IntN(len(plain))]
	}
	step := func(steps ...int) int { return steps[r.IntN(len(steps))] }
	words := []string{"a", "refugees", "b-2", "1", "0", "12", "1.5", "2025-12-21", "2025-1-2", "true", "False", "null", "~",
		"yes", "No", "y", "\u00e9", "(x)", "/x", "a b", "a  b  ", "a#b", "a:b", "[x]", "a, b", "642 staff", "5th", "https://x.org/a?b=c#d"}
	oddWords := []string{"01", "08", "1.", ".5", "-1", "+1", "0x1F", "1e3", "1_000", "0b1", "0o7", "2025-13-45", "2025-01-01 10:00:00",
		"<<", "{x}", "a: b", "a #b", "a:", "@x", "`x", "&x", "*x", "!x", "%x", "?x", "-x", "- x", "|", ">", "", "'", "\"", "\ufeff", "\u0080"}
	quoted := []string{"\"a\"", "\"a b: #c\"", "\"\"", "'a'", "'it''s'", "''", "\"\u00e9 \U0001F600\"", "\"a\"  "}
	oddQuoted := []string{"\"a\\\"b\"", "\"a\\n\"", "'a", "\"a\" b", "\"a\n  b\""}
	items := []string{"a1", "b-2", "12", "1.5", "\"5.2\"", "'x y'", "true", "null", "\"\u00e9\""}
	oddItems := []string{"a b", "\u00e9", "[x]", "{x}", "a:b", "-1", "01", "&x", "'", "#"}
	keys := []string{"id", "title", "k_1", "_x", "Title", "a-b", "y"}
	oddKeys := []string{"true", "1a", "null", "\"q\"", "a b", "-a", "?a"}
	// comments writes, now and then, blank and comment lines before an
	// entry of a mapping or list whose parent is indented by ind: not
	// deeper, where they could go on a text block above, but in files
	// with odd forms.
	comments := func(ind int) string {
		var b strings.Builder
		for r.IntN(4) == 0 {
			if r.IntN(3) == 0 {
				b.WriteString("\n")
				continue
			}
			b.WriteString(strings.Repeat(" ", pick2(r, oddness, r.IntN(ind+1), ind+1+r.IntN(4))) + pick([]string{"# c", "#x", "#", "# a: b", "# - x", "# c "}, nil) + "\n")
		}
		return b.String()
	}
	// value writes what follows a colon or a dash; an entry of a list
	// holds its value on its line (inline), but in files with odd forms.
	var value func(depth, ind int, inline bool) string
	value = func(depth, ind int, inline bool) string {
		n := r.IntN(12)
		if inline && oddness == 0 {
			n = r.IntN(7)
		}
		switch {
		case n < 3:
			return " " + pick(words, oddWords) + pick([]string{"", ""}, []string{" ", " # c", "\n" + strings.Repeat(" ", ind+1) + "x"}) + "\n"
		case n < 5:
			return " " + pick(quoted, oddQuoted) + "\n"
		case n == 5:
			var b strings.Builder
			b.WriteString(" [")
			for i := range r.IntN(4) {
				if i > 0 {
					b.WriteString(pick([]string{", ", ",", " , "}, []string{",,", " ,, "}))
				}
				b.WriteString(pick(items, oddItems))
			}
			b.WriteString(pick([]string{"]\n", "] \n"}, []string{",]\n", "\n", "] x\n", "] # c\n"}))
			return b.String()
		case n == 6:
			var b strings.Builder
			indicator := pick([]string{"|", "|-", ">", ">-"}, []string{"|+", "| ", "|2", ">+"})
			b.WriteString(" " + indicator + "\n")
			in := ind + step(2, 2, 2, 1, 4)
			for i := range 1 + r.IntN(5) {
				switch c := r.IntN(9); {
				case i == 0 && oddness == 0, c > 2:
					b.WriteString(strings.Repeat(" ", in) + pick([]string{"", "", "# ", "#"}, nil) + pick(words, oddWords) + pick([]string{"", " x", " # not a comment"}, []string{" ", "\t"}) + "\n")
				case c == 0:
					b.WriteString("\n")
				case c == 1:
					b.WriteString(pick([]string{"\n"}, []string{" \n", "   \n"}))
				case indicator[0] == '|' || oddness > 0:
					// Deeper lines keep their line breaks, which readPlain
					// leaves to yaml.v3 in folded text.
					b.WriteString(strings.Repeat(" ", in+r.IntN(3)) + pick(words, oddWords) + "\n")
				}
			}
			return b.String()
		case depth < 3 && n < 9:
			in := ind + step(2, 2, 4, 1)
			var b strings.Builder
			b.WriteString(pick([]string{"\n", "\n"}, []string{"  \n", " # c\n"}))
			for range 1 + r.IntN(3) {
				b.WriteString(comments(ind))
				b.WriteString(strings.Repeat(" ", pick2(r, oddness, in, ind+step(1, 2, 3))) + pick(keys, oddKeys) + ":" + value(depth+1, in, false))
			}
			return b.String()
		case depth < 3:
			in := ind + step(2, 2, 0, 4)
			var b strings.Builder
			b.WriteString("\n")
			for range 1 + r.IntN(3) {
				b.WriteString(comments(ind))
				b.WriteString(strings.Repeat(" ", pick2(r, oddness, in, in+1)) + pick([]string{"-"}, []string{"- -", "-\n" + strings.Repeat(" ", in+2)}))
				if r.IntN(2) == 0 {
					b.WriteString(value(depth+1, in, true))
					continue
				}
				b.WriteString(" " + pick(keys, oddKeys) + ":" + value(depth+1, in+2, false))
				for range r.IntN(3) {
					b.WriteString(comments(ind))
					b.WriteString(strings.Repeat(" ", pick2(r, oddness, in+2, in+step(1, 3))) + pick(keys, oddKeys) + ":" + value(depth+1, in+2, false))
				}
			}
			return b.String()
		}
		return pick([]string{"\n"}, []string{" \n"})
	}
	var (
		read   int
		inside int         // of those read, files with a comment line after a key
		reused plainReader // as ParseFunc reuses one, from file to file
	)
	for range 40000 {
		oddness = []int{0, 0, 6, 20}[r.IntN(4)]
		var b strings.Builder
		for range r.IntN(3) {
			b.WriteString(pick([]string{"# c\n", "#x\n", "# c \n", "\n", "  # c\n", "#\n"}, nil))
		}
		for range 1 + r.IntN(6) {
			b.WriteString(pick(keys, oddKeys) + ":" + value(0, 0, false))
			b.WriteString(comments(0))
		}
		data := []byte(b.String())
		if oddness > 0 && r.IntN(20) == 0 {
			data = data[:len(data)-1]
		}
		if mayHoldControl(data) {
			continue // Parse refuses it first
		}
		var doc yaml.Node
		if readPlain(data, &doc) {
			read++
			if k := strings.IndexByte(string(data), ':'); regexp.MustCompile(`\n *#`).MatchString(string(data[k:])) {
				inside++
			}
		} else if oddness == 0 {
			t.Errorf("readPlain left %q, written in its part of YAML", data)
		}
		var fast, slow yaml.Node
		fastErr, slowErr := unmarshal(data, &fast), yaml.Unmarshal(data, &slow)
		withoutComments(&fast)
		withoutComments(&slow)
		if (fastErr == nil) != (slowErr == nil) || fastErr != nil && fastErr.Error() != slowErr.Error() || !reflect.DeepEqual(fast, slow) {
			t.Fatalf("unmarshal and yaml.Unmarshal differ for %q: %v, %v\n%s\nwant\n%s", data, fastErr, slowErr, dumpTree(&fast), dumpTree(&slow))
		}
		var again yaml.Node
		if reused.read(data, &again) && !reflect.DeepEqual(again, slow) {
			t.Fatalf("a reader used before read %q otherwise:\n%s\nwant\n%s", data, dumpTree(&again), dumpTree(&slow))
		}
		reused.recycle()
	}
	if read < 20000 || inside < read/4 {
		t.Errorf("readPlain read %d of 40,000 files, %d with comment lines after a key", read, inside)
	}
}

// pick2 returns a, the indentation that lines up, and in files with odd
// forms sometimes b.
func pick2(r *rand.Rand, oddness, a, b int) int {
	if oddness > 0 && r.IntN(oddness) == 0 {
		return b
	}
	return a
}
