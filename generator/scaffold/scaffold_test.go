package scaffold

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"pledgesite/generator/record"
	"pledgesite/generator/vocab"
)

var testMeasures = []Measure{
	{"a1", "Access to asylum procedures at borders, in transit and in detention"},
	{"b2", "Referral between asylum and anti-trafficking systems"},
	{"c3", "Legal aid, access to justice and remedies, with a title long enough to be cut at the end of the line"},
}

var update = flag.Bool("update", false, "rewrite testdata/*.yaml from the current templates")

// TestScaffoldGolden holds the files "pledgesite new" writes to
// testdata/pledge.yaml and testdata/contribution.yaml, so that a change to
// the templates shows in review. yamlsrc's tests read them too: a file
// made by "new" must be read line by line.
func TestScaffoldGolden(t *testing.T) {
	for _, contribution := range []bool{false, true} {
		name := "pledge.yaml"
		if contribution {
			name = "contribution.yaml"
		}
		got := Pledge("ngo-new-pledge", testOptions(contribution))
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what Pledge writes (go test -update to accept):\n%s", path, numbered(got))
		}
	}
}

func testOptions(contribution bool) Options {
	o := Options{Measures: testMeasures, Multistakeholders: []string{"msp-trafficking-in-persons"}, Date: "2026-03-02"}
	if contribution {
		o.Contribution, o.To = true, "msp-trafficking-in-persons"
	}
	return o
}

// decode decodes text as the file pledges/<id>.yaml and fails on any
// problem but the placeholders a draft holds for the contributor to
// replace, which it requires: a draft must not pass check.
func decode(t *testing.T, id string, text []byte) *record.Pledge {
	t.Helper()
	p, errs := record.Decode(record.Dir+"/"+id+".yaml", text)
	placeholders := 0
	for _, e := range errs {
		if e.Rule != record.RulePlaceholder {
			t.Fatalf("%d problems:\n%v\n--- file:\n%s", len(errs), errs, numbered(text))
		}
		placeholders++
	}
	if placeholders == 0 {
		t.Fatalf("a draft passes check with its placeholders:\n%s", numbered(text))
	}
	// With them replaced, it is a valid record.
	filled := strings.ReplaceAll(strings.ReplaceAll(string(text), record.Placeholder, "Our"), "replace-with-", "")
	if _, errs := record.Decode(record.Dir+"/"+id+".yaml", []byte(filled)); len(errs) > 0 {
		t.Fatalf("with its placeholders replaced, %d problems:\n%v\n--- file:\n%s", len(errs), errs, numbered([]byte(filled)))
	}
	return p
}

func numbered(text []byte) string {
	var b strings.Builder
	for i, l := range strings.Split(string(text), "\n") {
		fmt.Fprintf(&b, "%3d %s\n", i+1, l)
	}
	return b.String()
}

func TestScaffoldDecodes(t *testing.T) {
	for _, contribution := range []bool{false, true} {
		t.Run(fmt.Sprint("contribution=", contribution), func(t *testing.T) {
			p := decode(t, "ngo-new-pledge", Pledge("ngo-new-pledge", testOptions(contribution)))
			if p.ID != "ngo-new-pledge" || p.Kind != record.KindPledge || p.Date != "2026-03-02" || p.Forum != "GRF-2027" {
				t.Errorf("got id %q kind %q date %q forum %q", p.ID, p.Kind, p.Date, p.Forum)
			}
			if p.Status != "planning" || len(p.Support) == 0 || p.Entity.Type == "" {
				t.Errorf("required fields: status %q support %v entity %+v", p.Status, p.Support, p.Entity)
			}
			want := []string(nil)
			if contribution {
				want = []string{"msp-trafficking-in-persons"}
			}
			if !slices.Equal(p.ContributesTo, want) {
				t.Errorf("contributes_to = %v, want %v", p.ContributesTo, want)
			}
			if !strings.HasPrefix(p.Title, "Replace with") || !strings.HasPrefix(p.Summary, "Replace with") ||
				!strings.HasPrefix(p.Entity.Name, "Replace with") {
				t.Errorf("placeholders missing: %q, %q, %q", p.Title, p.Summary, p.Entity.Name)
			}
		})
	}
}

// TestScaffoldWithoutLists covers a caller that has no guidance or
// multistakeholder pledges to offer, and the default date.
func TestScaffoldWithoutLists(t *testing.T) {
	p := decode(t, "my-pledge", Pledge("my-pledge", Options{}))
	if p.Date == "" || p.Forum == "" {
		t.Errorf("date %q forum %q", p.Date, p.Forum)
	}
}

// TestScaffoldQuotesIDs checks ids that YAML would otherwise read as a
// number, a boolean or nothing.
func TestScaffoldQuotesIDs(t *testing.T) {
	for _, id := range []string{"null", "true", "false", "2023", "1e3", "0x1f", "no"} {
		t.Run(id, func(t *testing.T) {
			if p := decode(t, id, Pledge(id, testOptions(false))); p.ID != id {
				t.Errorf("id read back as %q", p.ID)
			}
		})
	}
}

func TestScaffoldLines(t *testing.T) {
	for _, contribution := range []bool{false, true} {
		text := string(Pledge("a-pledge", testOptions(contribution)))
		if !strings.HasPrefix(text, "# yaml-language-server: $schema=./schema.json\n") {
			t.Errorf("first line: %q", text[:strings.IndexByte(text, '\n')])
		}
		if !strings.HasSuffix(text, "\n") || strings.HasSuffix(text, "\n\n") {
			t.Error("the file must end with exactly one newline")
		}
		if strings.Contains(text, "\n\n\n") {
			t.Error("the file has two blank lines in a row")
		}
		for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
			if n := utf8.RuneCountInString(line); n >= 100 {
				t.Errorf("line %d has %d characters: %s", i+1, n, line)
			}
			if strings.TrimRight(line, " \t") != line || strings.Contains(line, "\t") {
				t.Errorf("line %d has a tab or trailing space: %q", i+1, line)
			}
		}
	}
}

// TestScaffoldListsVocabulary checks that the comments offer every allowed
// value of every enumerated field.
func TestScaffoldListsVocabulary(t *testing.T) {
	text := string(Pledge("a-pledge", testOptions(false)))
	comments := commentText(text)
	for name, terms := range map[string][]vocab.Term{
		"stakeholder types": vocab.StakeholderTypes,
		"pledge types":      vocab.PledgeTypes,
		"forums":            vocab.Forums,
		"statuses":          vocab.Statuses,
		"support types":     vocab.SupportTypes,
		"target groups":     vocab.TargetGroups,
	} {
		for _, v := range vocab.Values(terms) {
			if !regexp.MustCompile(`(^|[\s,(])` + regexp.QuoteMeta(v) + `($|[\s,.)])`).MatchString(comments) {
				t.Errorf("%s: %q is not listed", name, v)
			}
		}
	}
	for _, m := range testMeasures {
		if !strings.Contains(comments, "#   "+m.ID+"  "+m.Title[:20]) {
			t.Errorf("measure %s is not listed with its title", m.ID)
		}
	}
	for _, terms := range [][]vocab.Term{vocab.GCRObjectives, vocab.GCMObjectives, vocab.HLOMRecommendations} {
		for _, term := range terms {
			if !regexp.MustCompile(`(?m)^#   ` + term.Value + ` +` + regexp.QuoteMeta(fit(term.Label)[:10])).MatchString(comments) {
				t.Errorf("objective %s %q is not listed", term.Value, term.Label)
			}
		}
	}
	for _, s := range []string{"msp-trafficking-in-persons", `"16.2"`, "YYYY-MM-DD", "KEN", "ISO 4217", "schema.json", "role"} {
		if !strings.Contains(comments, s) {
			t.Errorf("the comments do not mention %s", s)
		}
	}
}

func commentText(text string) string {
	var b strings.Builder
	for line := range strings.Lines(text) {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line)
		}
	}
	return b.String()
}

var commentedField = regexp.MustCompile(`(?m)^( *)# ([a-z_]+):`)

// uncomment turns the commented-out example of field (and the "#   " lines
// that continue it) into YAML.
func uncomment(t *testing.T, text, field string) string {
	t.Helper()
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		m := commentedField.FindStringSubmatch(line)
		if m == nil || m[2] != field {
			continue
		}
		indent := m[1]
		lines[i] = indent + line[len(indent)+2:]
		for j := i + 1; j < len(lines) && strings.HasPrefix(lines[j], indent+"#   "); j++ {
			lines[j] = indent + lines[j][len(indent)+2:]
		}
		return strings.Join(lines, "\n")
	}
	t.Fatalf("no commented-out example of %q", field)
	return ""
}

// TestScaffoldOptionalExamples uncomments each optional example, alone and
// together, and checks that the result is still a valid record.
func TestScaffoldOptionalExamples(t *testing.T) {
	base := string(Pledge("a-pledge", testOptions(false)))

	// Every optional field of a pledge has an example.
	var have []string
	for _, m := range commentedField.FindAllStringSubmatch(base, -1) {
		have = append(have, m[2])
	}
	required := []string{"id", "kind", "title", "summary", "entity", "forum", "date", "status", "support"}
	for _, f := range record.AllFields() {
		if slices.Contains(required, f) || slices.Contains([]string{"key_outcome", "leads", "supporters"}, f) {
			continue
		}
		if !slices.Contains(have, f) {
			t.Errorf("optional field %q has no commented-out example", f)
		}
	}
	if !slices.Contains(have, "country") {
		t.Error("entity.country has no commented-out example")
	}

	cases := map[string]func(string) string{
		"financial": func(s string) string {
			return strings.Replace(uncomment(t, s, "financial"), "support: [technical]", "support: [technical, financial]", 1)
		},
		"matching": func(s string) string {
			s = strings.Replace(uncomment(t, s, "pledge_type"), "pledge_type: joint", "pledge_type: matching", 1)
			return uncomment(t, s, "matches")
		},
		"joint": func(s string) string { return uncomment(t, uncomment(t, s, "pledge_type"), "partners") },
	}
	single := []string{"description", "country", "contributes_to", "measures", "countries", "target_groups",
		"gcr_objectives", "sdg_targets", "gcm_objectives", "hlom_recommendations", "updates", "links", "contact"}
	for _, f := range single {
		cases[f] = func(s string) string { return uncomment(t, s, f) }
	}
	cases["all"] = func(s string) string {
		for _, f := range single {
			s = uncomment(t, s, f)
		}
		return cases["joint"](cases["financial"](s))
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			text := edit(base)
			if text == base {
				t.Fatal("nothing was uncommented")
			}
			p := decode(t, "a-pledge", []byte(text))
			if name == "measures" && !slices.Equal(p.Measures, []string{"a1", "b2"}) {
				t.Errorf("measures example = %v, want the first measures offered", p.Measures)
			}
		})
	}
}

func TestScaffoldNextForum(t *testing.T) {
	for date, want := range map[string]string{
		"2019-12-17": "GRF-2019",
		"2023-12-14": "GRF-2023",
		"2024-01-10": "HLOM-2025",
		"2026-03-02": "GRF-2027",
		"2031-01-01": "other",
		"":           "other",
	} {
		if got := nextForum(date); got != want {
			t.Errorf("nextForum(%q) = %q, want %q", date, got, want)
		}
	}
}

// TestScaffoldPlaceholdersAreKnown checks that every placeholder the
// template writes is one check knows: a new one would let drafts pass.
func TestScaffoldPlaceholdersAreKnown(t *testing.T) {
	for _, contribution := range []bool{false, true} {
		text := string(Pledge("a-pledge", testOptions(contribution)))
		for line := range strings.Lines(text) {
			i := strings.Index(line, record.Placeholder)
			if i < 0 || strings.Contains(line, "starts with") {
				continue
			}
			if !slices.ContainsFunc(record.Placeholders, func(p string) bool { return strings.HasPrefix(line[i:], p) }) {
				t.Errorf("placeholder check does not know: %s", strings.TrimSpace(line))
			}
		}
		if !strings.Contains(text, record.PlaceholderURL) {
			t.Errorf("the template's example link is not %s", record.PlaceholderURL)
		}
	}
}
