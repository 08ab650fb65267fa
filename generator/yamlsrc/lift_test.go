package yamlsrc

import (
	"bytes"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// liftSeeds are records and near-records: blocks that are lifted, and
// blocks written in every way that must leave them to yaml.v3.
var liftSeeds = []string{
	"id: a\ndescription: |\n  One.\n\n  ## Two\n\n  - three\n    four\n\n\ntitle: b\n",
	"description: |-\n  text\n  more\n",
	"a: |\n  x\nb: |\n  y\n",
	"description: |\n\n  leading blank\n",
	"description: |\n    deeper\n  shallower\nid: a\n",
	"description: |\n  a\n   \n  b\nid: x\n",
	"description: |\n  a\n\tb\n",
	"description: |\n  a\tb\n  \tc\n",
	"description: |\n  a\n# comment\nid: x\n",
	"description: |\n  a\n- b\n",
	"description: |\n  no line break at the end",
	"description: |\r\n  a\r\n",
	"\ufeffdescription: |\n  a\n",
	"description: |+\n  a\n\n",
	"description: >\n  folded\n  text\n",
	"description: | # comment\n  a\n",
	"description: |2\n    a\n",
	"description: &x |\n  a\nb: *x\n",
	"summary: \"open\ndescription: |\n  a\"\nid: x\n",
	"summary: 'x\ndescription: |\n  y'\n",
	"- description: |\n  a\n",
	"description: |\n  caf\u00e9 \u2014 \U0001F600\n",
	"description: |\n  \u0085\n",
	"description: |\n  \u2028\n",
	"description: |\n  \ufeff\n",
	"description: |\n  \u0080\n",
	"description: |\n  \x7f\n",
	"description: |\n  \xff\n",
	"description: |\n  a\nid: x\ndescription: |\n  b\n",
	"nested:\n  description: |\n    a\n",
	"description: |\ndescription: |\n  a\n",
	"description: |\n  a\n  b: c\n  # not a comment\n  \"quoted\"\nz: 1 # c\n",
	"true: |\n  a\n",
	"x:\n- 1\ndescription: |\n  a\n",
	"title: \"Shelter & care: #1\"\nsummary: \"tab\tinside  \"\n",
	"title: \"a \\\"b\\\"\"\n",
	"title: \"a\\nb\"\n",
	"title: \"\"\n",
	"title: \"x\" # c\n",
	"title:  \"x\"\n",
	"entity:\n  name: \"x\"\n",
	"title: \"\u2028\"\n",
	"title: \"no line break\"",
	"summary: 'a\ntitle: \"b\"\n c'\n",
	"description: |\n  a\n  x: \"y\"\n# c\n",
	"a: [\nb: \"x\"\n]\n",
	"title: \"x\"\ntitle: \"y\"\n",
}

// TestLiftBlocks: the blocks records are written with are lifted, so the
// short way is taken, and the tree is yaml.v3's; the others are not.
func TestLiftBlocks(t *testing.T) {
	record, err := os.ReadFile("testdata/lift-record.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		data string
		want []lifted // nil: nothing is lifted
	}{
		{liftSeeds[0], []lifted{{2, "description", "One.\n\n## Two\n\n- three\n  four\n", false}}},
		{liftSeeds[1], []lifted{{1, "description", "text\nmore", false}}},
		{liftSeeds[2], []lifted{{1, "a", "x\n", false}, {3, "b", "y\n", false}}},
		{liftSeeds[3], []lifted{{1, "description", "\nleading blank\n", false}}},
		{liftSeeds[21], []lifted{{1, "description", "caf\u00e9 \u2014 \U0001F600\n", false}}},
		{liftSeeds[28], []lifted{{1, "description", "a\n", false}, {4, "description", "b\n", false}}},
		{liftSeeds[31], []lifted{{1, "description", "a\nb: c\n# not a comment\n\"quoted\"\n", false}}},
		{liftSeeds[34], []lifted{{1, "title", "Shelter & care: #1", true}, {2, "summary", "tab\tinside  ", true}}},
		{liftSeeds[42], []lifted{{1, "title", "no line break", true}}},
		{liftSeeds[46], []lifted{{1, "title", "x", true}, {2, "title", "y", true}}},
		{liftSeeds[35], nil}, // an escaped quote
		{liftSeeds[36], nil}, // an escape
		{liftSeeds[37], nil}, // empty: nothing to gain
		{liftSeeds[38], nil}, // a comment after the string
		{liftSeeds[39], nil}, // two spaces
		{liftSeeds[40], nil}, // not at the top
		{liftSeeds[41], nil}, // U+2028, a line break to YAML
		{liftSeeds[4], nil},  // less indented than the first line
		{liftSeeds[5], nil},  // a line of spaces
		{liftSeeds[6], nil},  // a tab for indentation
		{liftSeeds[8], nil},  // ends at a comment
		{liftSeeds[10], nil}, // no line break at the end
		{liftSeeds[11], nil}, // carriage returns
		{liftSeeds[13], nil}, // keep
		{liftSeeds[15], nil}, // a comment after the indicator
		{liftSeeds[22], nil}, // U+0085, a line break to YAML
		{liftSeeds[25], nil}, // a C1 control
		{liftSeeds[29], nil}, // not at the top
	}
	for _, tt := range tests {
		src, got := liftBlocks([]byte(tt.data))
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("liftBlocks(%q) lifted\n%+v\nwant\n%+v", tt.data, got, tt.want)
			continue
		}
		if got != nil {
			sameTree(t, []byte(tt.data), src)
		}
	}
	// A record as synth writes it: its title, summary and description are
	// most of the file.
	src, got := liftBlocks(record)
	var keys []string
	for _, l := range got {
		keys = append(keys, l.key)
	}
	if !slices.Equal(keys, []string{"title", "summary", "description"}) || len(got[2].value) < 1000 {
		t.Fatalf("the title, summary and description of testdata/lift-record.yaml were not lifted: %+v", got)
	}
	sameTree(t, record, src)
}

// sameTree checks that src, what liftBlocks left of data, has as many lines,
// and that unmarshal and yaml.Unmarshal read the same tree from data.
func sameTree(t *testing.T, data, src []byte) {
	t.Helper()
	if bytes.Count(src, []byte("\n")) != bytes.Count(data, []byte("\n")) {
		t.Errorf("liftBlocks(%q) left %q: lines were lost", data, src)
	}
	var fast, slow yaml.Node
	if err := unmarshal(data, &fast); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &slow); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(withoutComments(&fast), withoutComments(&slow)) {
		t.Errorf("unmarshal(%q) differs from yaml.Unmarshal", data)
	}
}

// TestLiftMatchesYAML writes documents of block scalars written in many
// ways, most plainly, some not (other indicators, ragged or tabbed
// indentation, comments, characters YAML treats specially), and holds
// unmarshal to yaml.Unmarshal on each, as FuzzLift does; here every run
// takes the short way thousands of times.
func TestLiftMatchesYAML(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 9))
	words := []string{"a", "b:", "c: d", "#", "# x", "'", "\"", "-", "- e", "\u00e9", "\U0001F600", "|", ">", "[", "]", "{x}", "&a", "*a", "!t", "\\", "\t", "%", "@", "`", "?", ":", ",", "~", "null", "1"}
	keys := []string{"description", "a", "summary", "k_1", "_x", "Title", "true", "1a"}
	indicators := []string{"|", "|-", "|", "|", "|+", ">", "|1", "| "}
	var shortWay int
	for range 40000 {
		var b strings.Builder
		for range 1 + r.IntN(5) {
			key := keys[r.IntN(len(keys))]
			switch r.IntN(6) {
			case 0:
				b.WriteString(key + ": v\n")
			case 5:
				// A string on one line, mostly plain, sometimes with
				// what yaml.v3 reads otherwise: quotes, escapes, a
				// comment after it, or a line that goes on.
				b.WriteString(key + ": \"")
				for range r.IntN(4) {
					b.WriteString(words[r.IntN(len(words))])
					b.WriteString([]string{" ", "", "  ", "\t"}[r.IntN(4)])
				}
				b.WriteString([]string{"\"\n", "\"\n", "\"\n", "\" # c\n", "\n  more\"\n", "\"x\n"}[r.IntN(6)])
			case 1:
				b.WriteString(key + ":\n  - x\n  - y: z\n")
			default:
				b.WriteString(key + ": " + indicators[r.IntN(len(indicators))] + "\n")
				indent := 1 + r.IntN(4)
				for range r.IntN(6) {
					switch r.IntN(8) {
					case 0:
						b.WriteString("\n")
					case 1:
						b.WriteString(strings.Repeat(" ", r.IntN(6)) + "\n")
					default:
						b.WriteString(strings.Repeat(" ", max(0, indent+r.IntN(4)-r.IntN(2))))
						for range 1 + r.IntN(4) {
							b.WriteString(words[r.IntN(len(words))])
							b.WriteString([]string{" ", "", "  ", "\t"}[r.IntN(4)])
						}
						b.WriteString("\n")
					}
				}
			}
			if r.IntN(10) == 0 {
				b.WriteString("# comment\n")
			}
		}
		data := []byte(b.String())
		if r.IntN(15) == 0 {
			data = data[:len(data)-1]
		}
		if src, blocks := liftBlocks(data); blocks != nil {
			var doc yaml.Node
			if yaml.Unmarshal(src, &doc) == nil && putBack(&doc, blocks) {
				shortWay++
			}
		}
		var fast, slow yaml.Node
		fastErr, slowErr := unmarshal(data, &fast), yaml.Unmarshal(data, &slow)
		if (fastErr == nil) != (slowErr == nil) || fastErr != nil && fastErr.Error() != slowErr.Error() || !reflect.DeepEqual(withoutComments(&fast), withoutComments(&slow)) {
			t.Fatalf("unmarshal and yaml.Unmarshal differ for %q: %v, %v", data, fastErr, slowErr)
		}
	}
	if shortWay < 1000 {
		t.Errorf("the short way was taken %d times in 40,000 documents", shortWay)
	}
}

// FuzzLift holds unmarshal to yaml.Unmarshal: the same error, or the same
// tree, node for node, positions and line comments included, whether readPlain
// reads the file, blocks are lifted from it, or yaml.v3 reads it whole.
func FuzzLift(f *testing.F) {
	for _, s := range liftSeeds {
		f.Add([]byte(s))
	}
	for _, s := range plainSeeds {
		f.Add([]byte(s.data))
	}
	for _, name := range []string{"testdata/lift-record.yaml", "../scaffold/testdata/pledge.yaml", "../scaffold/testdata/contribution.yaml"} {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if mayHoldDocuments(data) || mayHoldControl(data) || len(data) > 8192 {
			t.Skip() // Parse takes another way, or refuses the file
		}
		var fast, slow yaml.Node
		fastErr := unmarshal(data, &fast)
		slowErr := yaml.Unmarshal(data, &slow)
		if (fastErr == nil) != (slowErr == nil) || fastErr != nil && fastErr.Error() != slowErr.Error() {
			t.Fatalf("errors differ for %q:\nunmarshal:      %v\nyaml.Unmarshal: %v", data, fastErr, slowErr)
		}
		if !reflect.DeepEqual(withoutComments(&fast), withoutComments(&slow)) {
			t.Fatalf("trees differ for %q", data)
		}
	})
}

// BenchmarkUnmarshal parses a record as synth writes it, with its
// description lifted out of yaml.v3's way and without.
func BenchmarkUnmarshal(b *testing.B) {
	data, err := os.ReadFile("testdata/lift-record.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, bm := range []struct {
		name  string
		parse func([]byte, *yaml.Node) error
	}{
		{"lifted", unmarshal},
		{"yaml.v3", func(d []byte, n *yaml.Node) error { return yaml.Unmarshal(d, n) }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var doc yaml.Node
				if err := bm.parse(data, &doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
