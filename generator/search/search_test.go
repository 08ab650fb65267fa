package search

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"pledgesite/generator/config"
	"pledgesite/generator/content"
	"pledgesite/generator/record"
	"pledgesite/generator/site"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func TestTokens(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Legal aid for trafficked refugees", []string{"legal", "aid", "traffick", "refuge"}},
		{"The survivors' shelter in Türkiye’s capital", []string{"survivor", "shelter", "turkiy", "capit"}},
		{"SDG 16.2 and GCM objective 10", []string{"sdg", "16", "2", "gcm", "object", "10"}},
		{"https://example.org/a-b", []string{"exampl"}},
		{"Ünïcødé ÆSIR", []string{"unicod", "aesir"}},
		{"عربي text", []string{"عربي", "text"}},
		{"a I x 7", []string{"7"}},
		{"", nil},
	} {
		if got := Tokens(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Tokens(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestStemMatchesBrowser runs the browser client's tokenizer over the
// words of the shipped guidance and records and requires the same terms as
// Tokens: a query must stem the way the index was built.
func TestStemMatchesBrowser(t *testing.T) {
	var text strings.Builder
	for _, glob := range []string{"../../content/*/*/*.md", "../../content/*.md", "../../pledges/*.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			text.Write(data)
			text.WriteByte('\n')
		}
	}
	text.WriteString(" Türkiye’s Ünïcødé ÆSIR straße œuvre 16.2 naïve café's عربي 中文 ")
	if text.Len() < 100000 {
		t.Fatalf("only %d bytes of sample text", text.Len())
	}
	want := Tokens(text.String())

	script := `const s = require(process.argv[1]);
let input = ''; process.stdin.on('data', d => input += d);
process.stdin.on('end', () => process.stdout.write(JSON.stringify(s.tokens(input))));`
	js, _ := filepath.Abs("../../themes/default/assets/js/search.js")
	cmd := exec.Command("node", "-e", script, js)
	cmd.Stdin = strings.NewReader(text.String())
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var got []string
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("browser gives %d terms, Go %d", len(got), len(want))
	}
	diffs := 0
	for i := range want {
		if got[i] != want[i] && diffs < 10 {
			t.Errorf("term %d: browser %q, Go %q", i, got[i], want[i])
			diffs++
		}
	}
}

// readSet decodes one set as the client does.
func readSet(b []byte, n int) ([]int, []byte) {
	tag := b[0]
	b = b[1:]
	if tag == 0 {
		return nil, b
	}
	l, k := binary.Uvarint(b)
	b = b[k:]
	payload, rest := b[:l], b[l:]
	var out []int
	switch tag {
	case 1:
		d := -1
		for len(payload) > 0 {
			g, k := binary.Uvarint(payload)
			payload = payload[k:]
			d += int(g) + 1
			out = append(out, d)
		}
	case 2:
		for i := 0; i < n; i++ {
			if payload[i/8]&(1<<(i%8)) != 0 {
				out = append(out, i)
			}
		}
	}
	return out, rest
}

func TestSetEncoding(t *testing.T) {
	for _, c := range []struct {
		docs []int
		n    int
		tag  byte
	}{
		{nil, 10, 0},
		{[]int{3}, 1000, 1},
		{[]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 20, 2},
		{[]int{5, 700, 701, 999}, 1000, 1},
	} {
		b := appendSet(nil, c.docs, c.n)
		if b[0] != c.tag {
			t.Errorf("appendSet(%v, %d) tag %d, want %d", c.docs, c.n, b[0], c.tag)
		}
		got, rest := readSet(b, c.n)
		if !slices.Equal(got, c.docs) || len(rest) != 0 {
			t.Errorf("round trip of %v: got %v, %d bytes left", c.docs, got, len(rest))
		}
	}
}

func TestSplitShards(t *testing.T) {
	enc := map[string][]byte{}
	terms := []string{"aid", "asylum", "referr", "reform", "refug", "region", "return", "shelter"}
	for _, term := range terms {
		size := 10
		if strings.HasPrefix(term, "re") {
			size = MaxShard / 2 // three "re" terms overflow one shard
		}
		enc[term] = make([]byte, size)
	}
	var got []string
	for _, s := range splitShards(terms, enc, 1) {
		got = append(got, s.key+":"+strings.Join(s.terms, ","))
	}
	// "re" is too big, and so is "ref" with three half-size terms, so "ref"
	// splits again while "reg" and "ret" stay whole.
	want := []string{"a:aid,asylum", "refe:referr", "refo:reform", "refu:refug", "reg:region", "ret:return", "s:shelter"}
	if !slices.Equal(got, want) {
		t.Errorf("splitShards:\n got %q\nwant %q", got, want)
	}
}

// TestIndexGolden builds the index of a small catalogue and compares the
// decoded layout (shards, their terms and sets, facets) with a golden file.
func TestIndexGolden(t *testing.T) {
	recs := []*record.Pledge{
		{ID: "legal-aid", Kind: "pledge", Title: "Legal aid for survivors", Summary: "Lawyers for trafficked refugees.", Entity: record.Entity{Name: "Harbour Light", Type: "ngo-national"}, Forum: "GRF-2023", Date: "2023-12-14", Status: "in-progress", Support: []string{"technical"}, Countries: []string{"KEN"}, Measures: []string{"c3"}},
		{ID: "shelter", Kind: "pledge", Title: "Shelter beds", Summary: "Safe beds in Nairobi.", Description: "Beds for **survivors** of trafficking.", Entity: record.Entity{Name: "Jacaranda House", Type: "ngo-national"}, Forum: "GRF-2019", Date: "2019-12-17", Status: "fulfilled", Support: []string{"material", "financial"}, Countries: []string{"KEN", "UGA"}, Measures: []string{"c1"}},
		{ID: "msp", Kind: "multistakeholder", Title: "Protection from trafficking", Summary: "A multistakeholder pledge.", Entity: record.Entity{Name: "Rapporteur", Type: "un-entity"}, Forum: "GRF-2023", Date: "2023-12-13"},
	}
	recs[0].ContributesTo = []string{"msp"}
	set := &content.Set{}
	for _, m := range []string{"c1", "c3"} {
		set.Measures = append(set.Measures, &content.Page{Measure: m, Title: "Measure " + m, Area: "c"})
	}
	s := site.New(config.Site{Title: "T", BaseURL: "/", PageSize: 10}, set, recs)
	idx, err := Build(s, func(p string) string { return "/base" + p }, func(p *record.Pledge) string { return p.Description }, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var meta Meta
	if err := json.Unmarshal(idx.Files["search/meta.json"], &meta); err != nil {
		t.Fatal(err)
	}
	b.WriteString("docs: " + itoa(meta.Docs) + "\n")
	for _, key := range meta.Shards {
		data := idx.Files["search/t/"+ShardFile(key)]
		n, k := binary.Uvarint(data)
		data = data[k:]
		b.WriteString("shard " + key + "\n")
		for range n {
			l, k := binary.Uvarint(data)
			term := string(data[k : k+int(l)])
			data = data[k+int(l):]
			b.WriteString("  " + term + ":")
			for range tiers {
				var docs []int
				docs, data = readSet(data, meta.Docs)
				b.WriteString(" " + ints(docs))
			}
			b.WriteString("\n")
		}
	}
	data := idx.Files["search/facets.bin"]
	for _, f := range meta.Facets {
		b.WriteString("facet " + f.Field + "\n")
		for _, v := range f.Values {
			var docs []int
			docs, data = readSet(data, meta.Docs)
			if len(docs) > 0 {
				b.WriteString("  " + v + ": " + ints(docs) + "\n")
			}
		}
	}
	for d := range meta.Docs {
		b.WriteString(string(idx.Files["search/d/"+itoa(d)+".json"]) + "\n")
	}
	golden := filepath.Join("testdata", "index.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("index layout differs from %s:\n%s", golden, b.String())
	}
}

func ints(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = itoa(n)
	}
	return "[" + strings.Join(s, ",") + "]"
}

func itoa(n int) string { return strconv.Itoa(n) }

// excerptSpec is what excerpt does, stated plainly: the words of the text
// joined by single spaces, cut at a word boundary.
func excerptSpec(text string, max int) string {
	text = strings.Join(strings.Fields(text), " ")
	if len(text) <= max {
		return text
	}
	// At the last space of the first max bytes, unless that would drop
	// more than half of them; else inside the word, at a rune's start.
	if cut := strings.LastIndex(text[:max], " "); cut >= max/2 {
		return text[:cut] + " …"
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + " …"
}

var excerptTexts = []string{
	"", "   ", "one", "  leading and trailing  ", "tabs\tand\nnew\r\nlines", "two  spaces", "trailing ",
	"no\u00a0break\u2028separator\u3000ideographic", "Türkiye Côte d’Ivoire São Tomé", "ctrl\x01char",
	strings.Repeat("word ", 40), strings.Repeat("é", 30), "averyveryverylongwordwithoutanyspaceatall and more",
	strings.Repeat("word ", 240) + " ", strings.Repeat("a", 1200) + " b",
}

var excerptMaxes = []int{0, 1, 5, 12, 20, 60, 1200}

// TestExcerpt checks excerpt against its plain statement, on text whose
// spaces are already single (as TextOf leaves them) and on text whose
// spaces are not.
func TestExcerpt(t *testing.T) {
	for _, text := range excerptTexts {
		for _, max := range excerptMaxes {
			if got, want := excerpt(text, max), excerptSpec(text, max); got != want {
				t.Errorf("excerpt(%q, %d) = %q, want %q", text, max, got, want)
			}
		}
	}
}

// FuzzExcerpt checks excerpt against its plain statement for any text.
//
//	go test ./generator/search -run '^$' -fuzz FuzzExcerpt -fuzztime 60s
func FuzzExcerpt(f *testing.F) {
	for _, text := range excerptTexts {
		f.Add(text, 20)
	}
	f.Fuzz(func(t *testing.T, text string, max int) {
		max = int(uint(max) % 2048)
		if got, want := excerpt(text, max), excerptSpec(text, max); got != want {
			t.Fatalf("excerpt(%q, %d) = %q, want %q", text, max, got, want)
		}
	})
}

// TestTermsAreDistinct checks that terms gives each stem of a text once,
// in order of first occurrence, as Tokens' output with repeats dropped:
// in one call after another, and once the tokenizer's caches are full,
// when stems it has no term for are marked apart.
func TestTermsAreDistinct(t *testing.T) {
	texts := []string{
		"Refugees and refugee children: the refugee's rights, refugees' rights.",
		"Legal aid, legal AID and aid; Türkiye turkiye TÜRKIYE.",
		"shelter sheltered sheltering shelters 2024 2024 a a an",
		"",
		"Refugees and refugee children: the refugee's rights, refugees' rights.",
	}
	want := func(text string) []string {
		var out []string
		for _, s := range Tokens(text) {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return out
	}
	for _, full := range []bool{false, true} {
		tz := &tokenizer{}
		if full {
			// Distinct words enough to fill both caches.
			var b strings.Builder
			for i := range 2 * maxCached {
				b.WriteString(" w")
				b.WriteString(strconv.FormatInt(int64(i), 36))
			}
			tz.terms(b.String())
			if tz.words.len() < maxCached || len(tz.stems) < maxCached {
				t.Fatalf("caches hold %d words and %d stems, want them full", tz.words.len(), len(tz.stems))
			}
		}
		for round := range 2 {
			for _, text := range texts {
				// Fresh words each round when full: stems with no term.
				if full && round == 1 {
					text += " zebra zebras " + text
				}
				if got := stems(tz.terms(text)); !slices.Equal(got, want(text)) {
					t.Errorf("full caches %v, round %d: terms(%q) = %q, want %q", full, round, text, got, want(text))
				}
			}
		}
	}
}

// TestShardFileNamesAreDistinct checks that no two shard keys share a
// file: the index is a map by file name, so one shard would replace the
// other and its words would not be found.
func TestShardFileNamesAreDistinct(t *testing.T) {
	keys := []string{"a", "ab", "x", "xd0b4", "д", "xx", "x78", "7", "é", "e", "xc3a9", "zz9"}
	seen := map[string]string{}
	for _, k := range keys {
		f := ShardFile(k)
		if other, dup := seen[f]; dup {
			t.Errorf("keys %q and %q share the file %s", other, k, f)
		}
		seen[f] = k
	}
	if got := ShardFile("ab"); got != "ab.bin" {
		t.Errorf("ShardFile(ab) = %s, want ab.bin", got)
	}
}

// FuzzTokens compares Tokens with the way it read text before words were
// looked up where they lie: rune by rune, every word built in a buffer.
func FuzzTokens(f *testing.F) {
	for _, s := range []string{"Legal aid for trafficked refugees", "The survivors' shelter in Türkiye’s capital",
		"SDG 16.2 — GCM objective 10", "Ünïcødé ÆSIR x\u00a0y", "عربي text", "a'b 'c d' ’e", "\xff\xfeab\xffCD", "ŁÓDŹ straße"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var want []string
		var word []byte
		flush := func() {
			if w := string(word); len(w) > 0 && !(len(w) < 2 && !isDigit(w[0]) || stopWords[w] || len(w) > 40) {
				if st := Stem(w); st != "" {
					want = append(want, st)
				}
			}
			word = word[:0]
		}
		for _, r := range text {
			switch {
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
				word = append(word, byte(r))
			case r >= 'A' && r <= 'Z':
				word = append(word, byte(r)+'a'-'A')
			case r == '\'' || r == '’':
			case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
				if f, ok := fold[r]; ok {
					word = append(word, f...)
				} else {
					word = utf8.AppendRune(word, unicode.ToLower(r))
				}
			default:
				flush()
			}
		}
		flush()
		if got := Tokens(text); !slices.Equal(got, want) {
			t.Errorf("Tokens(%q) = %q, want %q", text, got, want)
		}
	})
}

// TestTermsKeepNoText checks that the words and stems a tokenizer caches
// are copies, not parts of the texts it read: a description must not stay
// in memory for the tokenizer's sake. Stem returns short words and words
// with digits as they are, and words too long for a slot are map keys.
func TestTermsKeepNoText(t *testing.T) {
	text := strings.Repeat(" ", 64) + "ok 2024 refugees internationalisation-wise antidisestablishmentarianism " + strings.Repeat(" ", 64)
	var tz tokenizer
	tz.terms(text)
	start := uintptr(unsafe.Pointer(unsafe.StringData(text)))
	inText := func(s string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return len(s) > 0 && p >= start && p < start+uintptr(len(text))
	}
	for st, term := range tz.stems {
		if inText(st) || inText(term.stem) {
			t.Errorf("stem %q is part of the text", st)
		}
	}
	for w := range tz.words.long {
		if inText(w) {
			t.Errorf("long word %q is part of the text", w)
		}
	}
	if len(tz.words.long) == 0 {
		t.Error("no word was long enough for the table's map: the test misses that case")
	}
}
