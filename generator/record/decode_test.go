package record

import (
	"cmp"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"gopkg.in/yaml.v3"

	"pledgesite/generator/diag"
	"pledgesite/generator/vocab"
	"pledgesite/generator/yamlsrc"
)

// testPath is where baseRecord lives; its id matches the file name.
const testPath = "pledges/ngo-test-pledge.yaml"

// baseRecord is a valid pledge. The line numbers in the cases below refer
// to this listing; line 1 is the schema comment real record files start
// with, so the top-level mapping starts at 2:1.
var baseRecord = []string{
	/*  1 */ "# yaml-language-server: $schema=./schema.json",
	/*  2 */ "id: ngo-test-pledge",
	/*  3 */ "kind: pledge",
	/*  4 */ "title: A test pledge",
	/*  5 */ "summary: A short summary of the test pledge.",
	/*  6 */ "entity:",
	/*  7 */ "  name: Test NGO",
	/*  8 */ "  type: ngo-national",
	/*  9 */ "  country: KEN",
	/* 10 */ "forum: GRF-2023",
	/* 11 */ "date: 2023-12-14",
	/* 12 */ "status: in-progress",
	/* 13 */ "support: [technical, financial]",
	/* 14 */ "financial:",
	/* 15 */ "  amount: 250000",
	/* 16 */ "  currency: USD",
	/* 17 */ "countries: [KEN, UGA]",
	/* 18 */ "target_groups: [refugees]",
	/* 19 */ "gcr_objectives: [1, 2]",
	/* 20 */ `sdg_targets: ["16.2"]`,
	/* 21 */ "gcm_objectives: [10]",
	/* 22 */ "hlom_recommendations: [2]",
	/* 23 */ "updates:",
	/* 24 */ "  - date: 2024-01-10",
	/* 25 */ "    status: in-progress",
	/* 26 */ "    text: First report.",
	/* 27 */ "  - date: 2024-06-01",
	/* 28 */ "    status: in-progress",
	/* 29 */ "    text: Second report.",
	/* 30 */ "links:",
	/* 31 */ "  - title: Website",
	/* 32 */ "    url: https://example.org/pledge",
	/* 33 */ "contact:",
	/* 34 */ "  name: Desk",
	/* 35 */ "  email: desk@example.org",
}

// mspPath is where mspRecord lives.
const mspPath = "pledges/msp-test-partnership.yaml"

// mspRecord is a valid multistakeholder pledge.
var mspRecord = []string{
	/*  1 */ "id: msp-test-partnership",
	/*  2 */ "kind: multistakeholder",
	/*  3 */ "title: A test multistakeholder pledge",
	/*  4 */ "summary: Partners work together on one outcome.",
	/*  5 */ "key_outcome: |",
	/*  6 */ "  People at risk reach protection.",
	/*  7 */ "entity:",
	/*  8 */ "  name: Lead Agency",
	/*  9 */ "  type: un-entity",
	/* 10 */ "leads:",
	/* 11 */ "  - name: Lead Agency",
	/* 12 */ "    type: un-entity",
	/* 13 */ "supporters:",
	/* 14 */ "  - name: Support NGO",
	/* 15 */ "    type: ngo-international",
	/* 16 */ "    country: KEN",
	/* 17 */ "measures: [a1, b2]",
	/* 18 */ "forum: GRF-2023",
	/* 19 */ "date: 2023-12-14",
}

// edit changes one line of a listing. Line numbers always refer to the
// original listing, so a case can delete line 7 and still replace line 12.
type edit struct {
	line int    // 1-based; 0 appends text after the last line
	text string // replacement; may hold several lines
	del  bool
}

// set replaces line n with text.
func set(n int, text string) edit { return edit{line: n, text: text} }

// del removes line n; the lines after it move up.
func del(n int) edit { return edit{line: n, del: true} }

// add appends text after the last line (line 36 of baseRecord, 20 of
// mspRecord, for the first add).
func add(text string) edit { return edit{text: text} }

func render(base []string, edits ...edit) []byte {
	lines := slices.Clone(base)
	drop := map[int]bool{}
	var tail []string
	for _, e := range edits {
		switch {
		case e.line == 0:
			tail = append(tail, e.text)
		case e.del:
			drop[e.line] = true
		default:
			lines[e.line-1] = e.text
		}
	}
	var b strings.Builder
	for i, l := range lines {
		if !drop[i+1] {
			b.WriteString(l + "\n")
		}
	}
	for _, l := range tail {
		b.WriteString(l + "\n")
	}
	return []byte(b.String())
}

func pledgeYAML(edits ...edit) []byte { return render(baseRecord, edits...) }
func mspYAML(edits ...edit) []byte    { return render(mspRecord, edits...) }

// want is one expected diagnostic: at is "line:col rule" (prefixed with the
// path by checkDiags), and msg must be part of its message. A rule of "*"
// accepts any rule at that position.
type want struct{ at, msg string }

func formatDiag(d diag.Diagnostic) string {
	return fmt.Sprintf("%s:%d:%d %s", d.Path, d.Line, d.Col, d.Rule)
}

func sortDiags(l diag.List) diag.List {
	l = slices.Clone(l)
	slices.SortStableFunc(l, func(a, b diag.Diagnostic) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col), cmp.Compare(a.Rule, b.Rule))
	})
	return l
}

// checkDiags compares got, sorted by position, with wants, which must be
// listed in that order. prefix is put before every want.at.
func checkDiags(t *testing.T, prefix string, got diag.List, wants []want) {
	t.Helper()
	got = sortDiags(got)
	var gotS, wantS []string
	for i, d := range got {
		s := formatDiag(d)
		if i < len(wants) && strings.HasSuffix(wants[i].at, " *") {
			s = strings.TrimSuffix(s, d.Rule) + "*"
		}
		gotS = append(gotS, s)
	}
	for _, w := range wants {
		wantS = append(wantS, prefix+w.at)
	}
	if !slices.Equal(gotS, wantS) {
		t.Errorf("diagnostics:\n got %q\nwant %q\n%s", gotS, wantS, listing(got))
		return
	}
	for i, w := range wants {
		if !strings.Contains(got[i].Message, w.msg) {
			t.Errorf("diagnostic %s: message %q does not contain %q", gotS[i], got[i].Message, w.msg)
		}
	}
}

func listing(l diag.List) string {
	var b strings.Builder
	for _, d := range l {
		fmt.Fprintf(&b, "\t%s: %s\n", formatDiag(d), shorten(d.Message))
	}
	return b.String()
}

func shorten(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// deadline is how long any one Decode may take, however hostile the input:
// it catches work that explodes (an alias bomb, quadratic checks), not
// slowness. Decode should take well under a second; the margin is for slow
// machines, and the race detector, which makes the slowest case (1 MB of
// repeated keys, 0.3 s) take over 2 s, gets ten times as long.
const deadline = 2 * time.Second * raceSlowdown

// decodeWithin runs Decode and fails the test if it does not return within
// limit.
func decodeWithin(t *testing.T, limit time.Duration, path string, data []byte) (*Pledge, diag.List) {
	t.Helper()
	type result struct {
		p    *Pledge
		errs diag.List
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		p, errs := Decode(path, data)
		done <- result{p, errs}
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case r := <-done:
		t.Logf("Decode of %d bytes took %v", len(data), time.Since(start))
		return r.p, r.errs
	case <-timer.C:
		t.Fatalf("Decode of %d bytes did not return within %v", len(data), limit)
		return nil, nil
	}
}

// decodedFields copies the fields a record file sets, leaving out positions
// and anything derived later, so that adding such a field to Pledge does not
// break the tests.
func decodedFields(p *Pledge) *Pledge {
	return &Pledge{
		ID: p.ID, Kind: p.Kind, Title: p.Title, Summary: p.Summary, Description: p.Description,
		Entity: p.Entity, Partners: p.Partners, PledgeType: p.PledgeType,
		Matches: p.Matches, ContributesTo: p.ContributesTo, Measures: p.Measures,
		Forum: p.Forum, Date: p.Date, Status: p.Status, Support: p.Support, Financial: p.Financial,
		Countries: p.Countries, TargetGroups: p.TargetGroups, GCRObjectives: p.GCRObjectives,
		SDGTargets: p.SDGTargets, GCMObjectives: p.GCMObjectives, HLOMRecommendations: p.HLOMRecommendations,
		Updates: p.Updates, Links: p.Links, Contact: p.Contact,
		KeyOutcome: p.KeyOutcome, Leads: p.Leads, Supporters: p.Supporters,
		Path: p.Path,
	}
}

func TestDecodeValidPledge(t *testing.T) {
	p, errs := decodeWithin(t, deadline, testPath, pledgeYAML())
	if len(errs) > 0 {
		t.Fatalf("unexpected diagnostics:\n%s", listing(errs))
	}
	if p == nil {
		t.Fatal("Decode returned no record")
	}
	// Positions are kept for the id and references only (load_test.go
	// checks those of references).
	if want := (RefPos{ID: Pos{2, 5}}); !reflect.DeepEqual(p.At, want) {
		t.Errorf("At = %+v, want %+v", p.At, want)
	}
	wantP := &Pledge{
		ID:         "ngo-test-pledge",
		Kind:       KindPledge,
		Title:      "A test pledge",
		Summary:    "A short summary of the test pledge.",
		Entity:     Entity{Name: "Test NGO", Type: "ngo-national", Country: "KEN"},
		PledgeType: "individual",
		Forum:      "GRF-2023",
		Date:       "2023-12-14",
		Status:     "in-progress",
		Support:    []string{"technical", "financial"},
		Financial:  &Financial{Amount: 250000, Currency: "USD"},
		Countries:  []string{"KEN", "UGA"},

		TargetGroups:        []string{"refugees"},
		GCRObjectives:       []int{1, 2},
		SDGTargets:          []string{"16.2"},
		GCMObjectives:       []int{10},
		HLOMRecommendations: []int{2},
		Updates: []Update{
			{Date: "2024-01-10", Status: "in-progress", Text: "First report."},
			{Date: "2024-06-01", Status: "in-progress", Text: "Second report."},
		},
		Links:   []Link{{Title: "Website", URL: "https://example.org/pledge"}},
		Contact: &Contact{Name: "Desk", Email: "desk@example.org"},
		Path:    testPath,
	}
	if got := decodedFields(p); !reflect.DeepEqual(got, wantP) {
		t.Errorf("decoded record:\n got %+v\nwant %+v", *got, *wantP)
	}
	if p.IsMultistakeholder() || p.IsContribution() {
		t.Errorf("IsMultistakeholder = %v, IsContribution = %v; want both false", p.IsMultistakeholder(), p.IsContribution())
	}
}

// TestDecodeSharesVocabulary: values from a vocabulary are the table's
// strings, not copies, so that a catalogue holds each once.
func TestDecodeSharesVocabulary(t *testing.T) {
	p, errs := decodeWithin(t, deadline, testPath, pledgeYAML())
	if len(errs) > 0 {
		t.Fatalf("unexpected diagnostics:\n%s", listing(errs))
	}
	country, _ := vocab.LookupCountry("KEN")
	for _, c := range []struct {
		field, got string
		table      []vocab.Term
		want       string
	}{
		{"kind", p.Kind, vocab.Kinds, ""},
		{"entity.type", p.Entity.Type, vocab.StakeholderTypes, ""},
		{"forum", p.Forum, vocab.Forums, ""},
		{"status", p.Status, vocab.Statuses, ""},
		{"support[0]", p.Support[0], vocab.SupportTypes, ""},
		{"target_groups[0]", p.TargetGroups[0], vocab.TargetGroups, ""},
		{"pledge_type", p.PledgeType, vocab.PledgeTypes, ""},
		{"financial.currency", p.Financial.Currency, vocab.Currencies(), ""},
		{"updates[0].status", p.Updates[0].Status, vocab.Statuses, ""},
		{"entity.country", p.Entity.Country, nil, country.Code},
	} {
		want := c.want
		if c.table != nil {
			term, _ := vocab.Lookup(c.table, c.got)
			want = term.Value
		}
		if want != c.got || unsafe.StringData(want) != unsafe.StringData(c.got) {
			t.Errorf("%s %q is a copy, not the vocabulary's string", c.field, c.got)
		}
	}
}

func TestDecodeValidMultistakeholder(t *testing.T) {
	p, errs := decodeWithin(t, deadline, mspPath, mspYAML())
	if len(errs) > 0 || p == nil {
		t.Fatalf("unexpected diagnostics:\n%s", listing(errs))
	}
	wantP := &Pledge{
		ID:         "msp-test-partnership",
		Kind:       KindMultistakeholder,
		Title:      "A test multistakeholder pledge",
		Summary:    "Partners work together on one outcome.",
		KeyOutcome: "People at risk reach protection.\n",
		Entity:     Entity{Name: "Lead Agency", Type: "un-entity"},
		Leads:      []Entity{{Name: "Lead Agency", Type: "un-entity"}},
		Supporters: []Entity{{Name: "Support NGO", Type: "ngo-international", Country: "KEN"}},
		PledgeType: "individual",
		Measures:   []string{"a1", "b2"},
		Forum:      "GRF-2023",
		Date:       "2023-12-14",
		Path:       mspPath,
	}
	if got := decodedFields(p); !reflect.DeepEqual(got, wantP) {
		t.Errorf("decoded record:\n got %+v\nwant %+v", *got, *wantP)
	}
	if !p.IsMultistakeholder() {
		t.Error("IsMultistakeholder = false, want true")
	}
}

// TestDecodeAccepts lists edge cases that are valid and must decode
// without diagnostics.
func TestDecodeAccepts(t *testing.T) {
	tests := []struct {
		name  string
		edits []edit
	}{
		{"title of exactly 200 characters, multi-byte", []edit{set(4, "title: "+strings.Repeat("é", MaxTitleLen))}},
		{"tab inside a title", []edit{set(4, `title: "A\ttest pledge"`)}},
		{"unquoted SDG target", []edit{set(20, "sdg_targets: [16.2, 5.a]")}},
		{"explicit pledge_type individual", []edit{set(18, "pledge_type: individual")}},
		{"joint with partners", []edit{set(18, "pledge_type: joint\npartners:\n  - name: Partner\n    type: academia")}},
		{"document start marker", []edit{set(1, "---")}},
		{"emoji", []edit{set(4, "title: Safe house \U0001F3E0 for children \U0001F469\u200D\U0001F467")}},
		{"character references and joiners", []edit{add("description: \"&#x2014; &#8212; &#x200D; &#0; &#xFFFFFFFF; &#12a; &amp;#1; \u200c\u200d\u200e\"")}},
		{"optional field left empty", []edit{set(18, "target_groups:")}},
		{"flow-style entity", []edit{set(6, "entity: {name: Test NGO, type: ngo-national, country: KEN}"), del(7), del(8), del(9)}},
		{"support without financial and no financial field", []edit{set(13, "support: [technical]"), del(14), del(15), del(16)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, errs := decodeWithin(t, deadline, testPath, pledgeYAML(tt.edits...))
			if len(errs) > 0 || p == nil {
				t.Fatalf("unexpected diagnostics (record %v):\n%s", p != nil, listing(errs))
			}
		})
	}
}

// TestDecodeRules has one case (at least) per validation rule. Each case
// changes baseRecord and lists every diagnostic Decode must return.
func TestDecodeRules(t *testing.T) {
	long := strings.Repeat("x", MaxTitleLen+1)
	tests := []struct {
		name  string
		rule  string // the rule the case is about
		data  []byte
		wants []want
	}{
		// required
		{"missing top-level field", RuleRequired, pledgeYAML(del(4)),
			[]want{{"2:1 required", `missing required field "title"`}}},
		{"empty top-level field", RuleRequired, pledgeYAML(set(4, "title:")),
			[]want{{"4:1 required", `required field "title" is empty`}}},
		{"missing nested field", RuleRequired, pledgeYAML(del(7)),
			// entity's mapping now starts with "type" on line 7.
			[]want{{"7:3 required", `missing required field "entity.name"`}}},
		{"blank title", RuleRequired, pledgeYAML(set(4, `title: "   "`)),
			[]want{{"4:8 required", "title is empty"}}},
		{"empty quoted summary", RuleRequired, pledgeYAML(set(5, `summary: ""`)),
			[]want{{"5:10 required", "summary is empty"}}},

		// type
		{"text where a list belongs", RuleType, pledgeYAML(set(17, "countries: KEN")),
			[]want{{"17:12 type", `countries must be a list (one "- item" per line, or [a, b]), found "KEN"`}}},
		{"list where text belongs", RuleType, pledgeYAML(set(4, "title: [A, B]")),
			[]want{{"4:8 type", "title must be a single value, found a list"}}},
		{"text where a mapping belongs", RuleType, pledgeYAML(set(6, "entity: Test NGO"), del(7), del(8), del(9)),
			[]want{{"6:9 type", `entity must be a mapping of fields, found "Test NGO"`}}},

		// enum
		{"misspelt support is not also empty", RuleEnum, pledgeYAML(set(13, "support: [Technical, techincal]"), set(14, "# no financial"), set(15, "#"), set(16, "#")),
			[]want{{"13:11 enum", `support[0]: "Technical" is not a valid value`}, {"13:22 enum", `support[1]: "techincal" is not a valid value (did you mean "technical"?)`}}},
		{"no kind: pledge fields still checked", RuleEnum, pledgeYAML(del(3), set(12, "status: bogus")),
			[]want{{"2:1 required", `missing required field "kind"`}, {"11:9 enum", `status: "bogus" is not a valid value`}}},
		{"kind contribution", RuleEnum, pledgeYAML(set(3, "kind: contribution")),
			[]want{{"3:7 enum", `kind: "contribution" is not a valid value (valid values: pledge, multistakeholder): a contribution to a multistakeholder pledge is kind: pledge, with contributes_to naming that pledge`}}},
		{"enum typo", RuleEnum, pledgeYAML(set(12, "status: in-progres")),
			[]want{{"12:9 enum", `status: "in-progres" is not a valid value (did you mean "in-progress"?)`}}},
		{"enum far off lists the values", RuleEnum, pledgeYAML(set(8, "  type: charity")),
			[]want{{"8:9 enum", `entity.type: "charity" is not a valid value (valid values: state, local-authority,`}}},

		// id-format, id-filename
		{"id with capitals and underscore", RuleIDFormat, pledgeYAML(set(2, "id: NGO_Test")),
			[]want{{"2:5 id-format", `id "NGO_Test" is not a valid id`}}},
		{"measure in capitals", RuleIDFormat, pledgeYAML(add("measures: [a1, B2]")),
			[]want{{"36:16 id-format", `measures: "B2" is not a valid id: ids are lowercase letters, digits and single hyphens (did you mean "b2"?)`}}},
		{"id not the file name", RuleIDFile, pledgeYAML(set(2, "id: ngo-other-pledge")),
			[]want{{"2:5 id-filename", `id "ngo-other-pledge" does not match the file name "ngo-test-pledge.yaml"`}}},

		// too-long
		{"title one character too long", RuleTooLong, pledgeYAML(set(4, "title: "+long)),
			[]want{{"4:8 too-long", "title is 201 characters long; the limit is 200"}}},
		{"list too long", RuleTooLong, pledgeYAML(set(17, "countries: ["+strings.Repeat("KEN, ", MaxListLen)+"UGA]")),
			[]want{{"17:12 too-long", "countries has 201 items; the limit is 200"}}},
		{"id too long", RuleTooLong, pledgeYAML(set(2, "id: "+strings.Repeat("a", MaxIDLen+1))),
			// Only the length: suggesting to rename the file to a 65-character
			// name would be advice Load then rejects.
			[]want{{"2:5 too-long", "id is 65 characters long; the limit is 64"}}},

		// date
		{"impossible date", RuleDate, pledgeYAML(set(11, "date: 2023-02-30")),
			[]want{{"11:7 date", `date: "2023-02-30" is not a real date in the form YYYY-MM-DD`}}},
		{"date before 1990", RuleDate, pledgeYAML(set(11, "date: 1985-12-16")),
			[]want{{"11:7 date", `date: 1985-12-16 is before 1990: check the year`}}},
		// Today is fixed at 2026-11-27 by TestMain.
		{"date in the future", RuleDate, pledgeYAML(set(11, "date: 2062-11-27")),
			[]want{{"11:7 date", `date: 2062-11-27 is in the future`}}},
		{"update in the future", RuleDate, pledgeYAML(set(24, "  - date: 2026-11-29")),
			[]want{{"24:11 date", `updates[0].date: 2026-11-29 is in the future`}}},

		// country
		{"lowercase country code", RuleCountry, pledgeYAML(set(17, "countries: [KEN, uga]")),
			[]want{{"17:18 country", `countries[1]: "uga" is not an ISO 3166-1 alpha-3 country code such as "KEN" (did you mean "UGA", Uganda?)`}}},
		// Codes and names in other use map to the country they name; a
		// code that is not one gets no guess ("UK" is one letter from
		// Ukraine's "UKR", "KEM" from Kenya's and Yemen's).
		{"other country codes and names", RuleCountry, pledgeYAML(set(17, "countries: [UK, ir, DRC, Kenya, ivory coast, KEM]")),
			[]want{
				{"17:13 country", `countries[0]: "UK" is not an ISO 3166-1 alpha-3 country code such as "KEN" (did you mean "GBR", United Kingdom?)`},
				{"17:17 country", `countries[1]: "ir" is not an ISO 3166-1 alpha-3 country code such as "KEN" (did you mean "IRN", Iran?)`},
				{"17:21 country", `countries[2]: "DRC" is not an ISO 3166-1 alpha-3 country code such as "KEN" (did you mean "COD", Democratic Republic of the Congo?)`},
				{"17:26 country", `countries[3]: "Kenya" is not an ISO 3166-1 alpha-3 country code such as "KEN" (did you mean "KEN", Kenya?)`},
				{"17:33 country", `countries[4]: "ivory coast" is not an ISO 3166-1 alpha-3 country code such as "KEN" (did you mean "CIV", Côte d'Ivoire?)`},
				{"17:46 country", `countries[5]: "KEM" is not an ISO 3166-1 alpha-3 country code such as "KEN"`},
			}},

		// currency
		{"lowercase currency", RuleCurrency, pledgeYAML(set(16, "  currency: usd")),
			[]want{{"16:13 currency", `financial.currency: "usd" is not an ISO 4217 currency code (did you mean "USD"?)`}}},
		{"currency symbol", RuleCurrency, pledgeYAML(set(16, `  currency: "$"`)),
			[]want{{"16:13 currency", `financial.currency: "$" is not an ISO 4217 currency code (three capital letters, such as "USD", "EUR" or "KES")`}}},

		// amount
		{"negative amount", RuleAmount, pledgeYAML(set(15, "  amount: -5")),
			[]want{{"15:11 amount", "financial.amount must be greater than 0 and at most 10000000000000, found -5"}}},
		{"amount in words", RuleAmount, pledgeYAML(set(15, "  amount: lots")),
			[]want{{"15:11 amount", `financial.amount must be a number such as 250000, found "lots"`}}},
		{"amount in quotes", RuleAmount, pledgeYAML(set(15, `  amount: "250000"`)),
			[]want{{"15:11 amount", `financial.amount must be a number such as 250000, found "250000": remove the quotes`}}},

		// financial
		{"financial support without financial field", RuleFinancial, pledgeYAML(del(14), del(15), del(16)),
			[]want{{"13:1 financial", `support includes "financial", so the record needs a financial field`}}},
		{"financial field without financial support", RuleFinancial, pledgeYAML(set(13, "support: [technical]")),
			[]want{{"14:1 financial", `financial is given but support does not include "financial"`}}},

		// kind-field
		{"multistakeholder field on a pledge", RuleKindField, pledgeYAML(add("key_outcome: Safer journeys.")),
			[]want{{"36:1 kind-field", `field "key_outcome" is only used with kind: multistakeholder, and this record is kind: pledge`}}},
		{"pledge fields on a multistakeholder record", RuleKindField, pledgeYAML(set(3, "kind: multistakeholder")),
			[]want{
				{"12:1 kind-field", `field "status" is only used with kind: pledge, and this record is kind: multistakeholder`},
				{"13:1 kind-field", `field "support" is only used with kind: pledge`},
				{"14:1 kind-field", `field "financial" is only used with kind: pledge`},
			}},

		// url, email
		{"url without scheme", RuleURL, pledgeYAML(set(32, "    url: example.org/pledge")),
			[]want{{"32:10 url", `links[0].url: "example.org/pledge" must be a full web address starting with https://`}}},
		{"url over http", RuleURL, pledgeYAML(set(32, "    url: http://example.org/pledge")),
			[]want{{"32:10 url", `links[0].url: "http://example.org/pledge" must start with https://`}}},
		{"url with a password", RuleURL, pledgeYAML(set(32, "    url: https://user:secret@example.org/pledge")),
			[]want{{"32:10 url", `must not hold a user name or password`}}},
		{"url of a private host", RuleURL, pledgeYAML(set(32, "    url: https://localhost/admin")),
			[]want{{"32:10 url", `must be a public web address with a domain name`}}},
		{"url of an address", RuleURL, pledgeYAML(set(32, "    url: https://127.0.0.1/admin")),
			[]want{{"32:10 url", `must be a public web address with a domain name`}}},
		{"url of a short address", RuleURL, pledgeYAML(set(32, "    url: https://127.1/")),
			[]want{{"32:10 url", `must be a public web address with a domain name`}}},
		{"url of a local name with a dot", RuleURL, pledgeYAML(set(32, "    url: https://localhost./")),
			[]want{{"32:10 url", `must be a public web address with a domain name`}}},
		{"url of an internal name", RuleURL, pledgeYAML(set(32, "    url: https://wiki.corp.INTERNAL/")),
			[]want{{"32:10 url", `must be a public web address with a domain name`}}},
		{"url of an IPv6 address", RuleURL, pledgeYAML(set(32, "    url: https://[::1]/")),
			[]want{{"32:10 url", `must be a public web address with a domain name`}}},
		{"url with javascript", RuleURL, pledgeYAML(set(32, "    url: javascript:alert(1)")),
			[]want{{"32:10 url", `must be a full web address starting with https://`}}},
		{"email at a bare host", RuleEmail, pledgeYAML(set(35, "  email: pledges@riverside")),
			[]want{{"35:10 email", `contact.email: "pledges@riverside" is not an email address`}}},
		{"email at an IP address", RuleEmail, pledgeYAML(set(35, "  email: a@[127.0.0.1]")),
			[]want{{"35:10 email", `is not an email address`}}},
		{"email at a local name", RuleEmail, pledgeYAML(set(35, "  email: desk@office.local")),
			[]want{{"35:10 email", `is not an email address`}}},
		{"email at an address", RuleEmail, pledgeYAML(set(35, "  email: desk@127.0.0.1")),
			[]want{{"35:10 email", `is not an email address`}}},
		{"email at a domain with edge hyphens", RuleEmail, pledgeYAML(set(35, "  email: a@-example-.org")),
			[]want{{"35:10 email", `is not an email address`}}},
		{"email without @", RuleEmail, pledgeYAML(set(35, "  email: desk at example.org")),
			[]want{{"35:10 email", `contact.email: "desk at example.org" is not an email address`}}},

		// sdg-target
		{"SDG target without target", RuleSDGTarget, pledgeYAML(set(20, `sdg_targets: ["16"]`)),
			[]want{{"20:15 sdg-target", `sdg_targets[0]: "16" is not an SDG target`}}},
		{"SDG goal out of range", RuleSDGTarget, pledgeYAML(set(20, `sdg_targets: ["18.1"]`)),
			[]want{{"20:15 sdg-target", `sdg_targets[0]: "18.1" names goal 18, but the SDGs are numbered 1 to 17`}}},
		{"SDG target that goal 16 lacks", RuleSDGTarget, pledgeYAML(set(20, `sdg_targets: ["16.20"]`)),
			[]want{{"20:15 sdg-target", `sdg_targets[0]: goal 16 has no target "16.20": its targets are 16.1 to 16.10 and 16.a to 16.b`}}},
		{"SDG letter target that goal 5 lacks", RuleSDGTarget, pledgeYAML(set(20, `sdg_targets: ["5.2", "5.d"]`)),
			[]want{{"20:22 sdg-target", `goal 5 has no target "5.d"`}}},
		{"SDG goal 17 has no letter targets", RuleSDGTarget, pledgeYAML(set(20, `sdg_targets: ["17.19", "17.a"]`)),
			[]want{{"20:24 sdg-target", `goal 17 has no target "17.a": its targets are 17.1 to 17.19`}}},

		// range
		{"objective in quotes", RuleRange, pledgeYAML(set(19, `gcr_objectives: ["1"]`)),
			[]want{{"19:18 range", `gcr_objectives: "1" is not a whole number from 1 to 4: remove the quotes`}}},
		{"objective out of range", RuleRange, pledgeYAML(set(19, "gcr_objectives: [1, 5]")),
			[]want{{"19:21 range", `gcr_objectives: "5" is not a whole number from 1 to 4`}}},

		// duplicate-value
		{"country listed twice", RuleDuplicate, pledgeYAML(set(17, "countries: [KEN, KEN]")),
			[]want{{"17:18 duplicate-value", `countries lists "KEN" twice`}}},

		// matches, partners
		{"matching without matches", RuleMatches, pledgeYAML(set(18, "pledge_type: matching")),
			[]want{{"18:1 matches", "pledge_type: matching needs matches"}}},
		{"matches without matching", RuleMatches, pledgeYAML(set(18, "matches: [state-ken-referral-protocol]")),
			[]want{{"18:1 matches", "matches is only used with pledge_type: matching"}}},
		{"joint without partners", RulePartners, pledgeYAML(set(18, "pledge_type: joint")),
			[]want{{"18:1 partners", "pledge_type: joint needs at least one entry in partners"}}},
		{"the same partner twice", RuleDuplicate, pledgeYAML(set(18, "pledge_type: joint\npartners:\n  - name: A partner\n    type: ngo-national\n  - name: A partner\n    type: ngo-national")),
			[]want{{"22:5 duplicate-value", `partners lists "A partner" twice`}}},
		{"partners without joint", RulePartners, pledgeYAML(add("partners:\n  - name: A partner\n    type: ngo-national")),
			[]want{{"36:1 partners", "partners is only used with pledge_type: joint"}}},

		// update
		{"status not the latest update's", RuleUpdate, pledgeYAML(set(12, "status: planning")),
			[]want{{"12:9 update", "status: planning, but the latest update (2024-06-01) says in-progress: update the status"}}},
		{"updates out of order", RuleUpdate, pledgeYAML(set(24, "  - date: 2024-06-01"), set(27, "  - date: 2024-01-10")),
			[]want{{"27:11 update", "updates[1].date: 2024-01-10 is earlier than the update before it (2024-06-01)"}}},
		{"update before the pledge", RuleUpdate, pledgeYAML(set(24, "  - date: 2023-01-10")),
			[]want{{"24:11 update", "updates[0].date: 2023-01-10 is before the pledge date 2023-12-14"}}},
		{"update before the pledge, after an item that is not a mapping", RuleUpdate, pledgeYAML(set(24, "  - just a string\n  - date: 2023-01-10")),
			[]want{{"24:5 type", "updates[0] must be a mapping"}, {"25:11 update", "updates[1].date: 2023-01-10 is before the pledge date 2023-12-14"}}},

		// empty-list
		{"empty support", RuleEmptyList, pledgeYAML(set(13, "support: []")),
			[]want{{"13:10 empty-list", "support must name at least one type of support (valid values: financial, technical,"}}},

		// multiline, control-character
		{"number sign in a title", RuleSyntaxComment, pledgeYAML(set(4, "title: Safe house #1 in Kampala")),
			[]want{{"4:19 comment", `title: the text from "#1" on was read as a comment`}}},
		{"title starting with a number sign", RuleSyntaxComment, pledgeYAML(set(4, "title: #1 referral desk in Kampala")),
			[]want{{"4:1 comment", `title is empty: YAML reads the text from "#1" on as a comment, as it starts with "#": put the whole value in double quotes`}}},
		{"optional field starting with a number sign", RuleSyntaxComment, pledgeYAML(add("description: #2 of the plan")),
			[]want{{"36:1 comment", `description is empty: YAML reads the text from "#2" on as a comment`}}},
		{"title on two lines", RuleMultiline, pledgeYAML(set(4, `title: "A test\npledge"`)),
			[]want{{"4:8 multiline", "title must be a single line"}}},
		{"escaped bell in summary", RuleControlChars, pledgeYAML(set(5, `summary: "A summary\a with a bell"`)),
			[]want{{"5:10 control-character", "summary contains the control character U+0007"}}},
		{"raw NUL byte in title", RuleControlChars, pledgeYAML(set(4, "title: A\x00B")),
			// The NUL is at 4:9; any rule will do, the position is the point.
			[]want{{"4:9 *", "control character"}}},
		{"escaped right-to-left override in title", RuleControlChars, pledgeYAML(set(4, `title: "Safe\u202Ehouse"`)),
			[]want{{"4:8 control-character", "title contains the invisible control character U+202E"}}},
		{"raw right-to-left isolate in an entity name", RuleControlChars, pledgeYAML(set(7, "  name: Safe\u2067house")),
			[]want{{"7:9 control-character", "entity.name contains the invisible control character U+2067"}}},
		{"word joiner in title", RuleControlChars, pledgeYAML(set(4, "title: Safe\u2060house")),
			[]want{{"4:8 control-character", "title contains the invisible control character U+2060"}}},
		{"noncharacter in an entity name", RuleControlChars, pledgeYAML(set(7, `  name: "Test\uFFFE NGO"`)),
			[]want{{"7:9 control-character", "entity.name contains the invisible control character U+FFFE"}}},
		{"noncharacter beyond the first plane in a title", RuleControlChars, pledgeYAML(set(4, `title: "Safe\U0001FFFE house"`)),
			[]want{{"4:8 control-character", "title contains the invisible control character U+1FFFE"}}},
		{"tag character in an entity name", RuleControlChars, pledgeYAML(set(7, "  name: Test NGO\U000E0041")),
			[]want{{"7:9 control-character", "entity.name contains the invisible control character U+E0041"}}},
		// The renderer turns references into the characters themselves.
		{"character reference to an override in a description", RuleControlChars,
			pledgeYAML(add("description: |\n  Fine &#x2014; text.\n\n  abc&#x202E;fdp.exe&#x202c;")),
			[]want{{"39:1 control-character", `description: the character reference "&#x202E;" makes the invisible control character U+202E`}}},
		{"decimal character reference to a control", RuleControlChars, pledgeYAML(add("description: Start &#1; end")),
			[]want{{"36:14 control-character", `description: the character reference "&#1;" makes the invisible control character U+0001`}}},
		{"escaped C1 control in summary", RuleControlChars, pledgeYAML(set(5, `summary: "A\u0085B"`)),
			[]want{{"5:10 control-character", "U+0085"}}},
		{"escaped line separator in summary", RuleControlChars, pledgeYAML(set(5, `summary: "A\u2028B"`)),
			[]want{{"5:10 control-character", "U+2028"}}},

		// unknown-field, duplicate-field
		{"misspelt field", "unknown-field", pledgeYAML(set(4, "titel: A test pledge")),
			// "missing title" would say the same thing again.
			[]want{{"4:1 unknown-field", `unknown field "titel" (did you mean "title"?)`}}},
		{"misspelt nested field", "unknown-field", pledgeYAML(set(7, "  nmae: Test NGO")),
			[]want{{"7:3 unknown-field", `unknown field "entity.nmae" (did you mean "name"?)`}}},
		{"field in the wrong case", "unknown-field", pledgeYAML(set(12, "Status: in-progress")),
			[]want{{"12:1 unknown-field", `unknown field "Status" (did you mean "status"?)`}}},
		{"field nothing like a known one", "unknown-field", pledgeYAML(set(18, "colour: blue")),
			[]want{{"18:1 unknown-field", `unknown field "colour"`}}},
		{"field given twice", "duplicate-field", pledgeYAML(set(18, "title: Again")),
			[]want{{"18:1 duplicate-field", `field "title" appears twice (first at line 4): keep one`}}},

		// yaml-syntax. yaml.v3 gives no column: the column is the first
		// non-blank character of the line, as yamlsrc documents.
		{"tab indentation", "yaml-syntax", pledgeYAML(set(7, "\tname: Test NGO")),
			[]want{{"7:2 yaml-syntax", "found character that cannot start any token (a tab used for indentation? indent with spaces)"}}},
		{"indented too far", "yaml-syntax", pledgeYAML(set(8, "   type: ngo-national")),
			[]want{{"8:4 yaml-syntax", "this line is indented unlike the fields around it"}}},
		{"indented too little", "yaml-syntax", pledgeYAML(set(8, " type: ngo-national")),
			[]want{{"8:2 yaml-syntax", "did not find expected key"}}},
		{"unclosed flow list", "yaml-syntax", pledgeYAML(set(17, "countries: [KEN, UGA")),
			[]want{{"17:12 yaml-syntax", "the list that opens with '[' here is not closed"}}},
		{"unclosed quote on the last line", "yaml-syntax", pledgeYAML(set(35, `  email: "desk@example.org`)),
			[]want{{"35:3 yaml-syntax", "found unexpected end of stream (an unclosed quote?)"}}},
		{"unclosed single quote", "yaml-syntax", pledgeYAML(set(4, "title: 'A test pledge")),
			[]want{{"4:1 yaml-syntax", "(an unclosed quote?)"}}},
		{"unclosed double quote with more quotes below", "yaml-syntax", pledgeYAML(set(4, `title: "A test pledge`)),
			// The quoted text runs on to the quote on line 20; the mistake
			// is on line 4.
			[]want{{"4:1 yaml-syntax", "quote"}}},

		// yaml-shape
		{"empty file", "yaml-shape", []byte(""),
			[]want{{"1:1 yaml-shape", `file is empty: expected a mapping of fields such as "id: ..."`}}},
		{"comments only", "yaml-shape", []byte("# yaml-language-server: $schema=./schema.json\n\n   # nothing yet\n"),
			[]want{{"1:1 yaml-shape", "file is empty"}}},
		{"list at the top", "yaml-shape", []byte("# two records\n- id: a\n- id: b\n"),
			[]want{{"2:1 yaml-shape", "at the top of the file, found a list"}}},
		{"scalar at the top", "yaml-shape", []byte("just some text\n"),
			[]want{{"1:1 yaml-shape", `at the top of the file, found "just some text"`}}},
		{"two documents", "yaml-shape", pledgeYAML(add("---\nid: ngo-second")),
			[]want{{"36:1 yaml-shape", `file holds more than one YAML document: put one record in each file and remove the "---" separator`}}},
		{"anchor", "yaml-shape", pledgeYAML(set(4, "title: &t A test pledge")),
			[]want{{"4:8 yaml-shape", "anchors (&t) are not allowed: write each value out"}}},
		{"anchor and alias", "yaml-shape", pledgeYAML(set(4, "title: &t A test pledge"), add("description: *t")),
			[]want{
				{"4:8 yaml-shape", "anchors (&t) are not allowed"},
				{"36:14 yaml-shape", "aliases (*t) are not allowed: write the value out"},
			}},
		{"alias to an undefined anchor", "yaml-shape", pledgeYAML(add("description: *t")),
			// Whatever the rule, the alias is at 36:14.
			[]want{{"36:14 *", ""}}},
		{"custom tag", "yaml-shape", pledgeYAML(set(4, "title: !custom A test pledge")),
			[]want{{"4:8 yaml-shape", "YAML tags (!custom) are not allowed"}}},

		// encoding
		{"invalid UTF-8", "encoding", pledgeYAML(set(4, "title: Caf\u00e9 \xff")),
			// "title: Café " is 12 characters, so the bad byte is column 13.
			[]want{{"4:13 encoding", "invalid UTF-8: save the file as UTF-8 text"}}},

		// file-size
		{"10 MB value", "file-size", pledgeYAML(set(5, "summary: "+strings.Repeat("x", 10<<20))),
			[]want{{"1:1 file-size", "larger than the limit of 1048576 bytes"}}},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.rule] = true
		t.Run(tt.rule+"/"+tt.name, func(t *testing.T) {
			if !slices.ContainsFunc(tt.wants, func(w want) bool {
				return strings.HasSuffix(w.at, " "+tt.rule) || strings.HasSuffix(w.at, " *")
			}) {
				t.Fatalf("case is filed under rule %q but does not expect it", tt.rule)
			}
			p, errs := decodeWithin(t, deadline, testPath, tt.data)
			checkDiags(t, testPath+":", errs, tt.wants)
			// A file that parses comes back as a record even with problems;
			// one that does not parse comes back as nil.
			parsed := !slices.ContainsFunc(errs, func(d diag.Diagnostic) bool {
				return slices.Contains([]string{"yaml-syntax", "yaml-shape", "encoding", "file-size"}, d.Rule)
			})
			if parsed != (p != nil) {
				t.Errorf("record returned = %v, want %v", p != nil, parsed)
			}
		})
	}
	// Every rule Decode reports on its own has a case. The others
	// (duplicate-id, unknown-ref, unknown-measure, file) need Load or
	// CheckRefs and are tested in load_test.go.
	for _, r := range []string{
		RuleRequired, RuleType, RuleEnum, RuleIDFormat, RuleIDFile, RuleTooLong, RuleDate,
		RuleCountry, RuleCurrency, RuleAmount, RuleFinancial, RuleKindField, RuleURL, RuleEmail,
		RuleSDGTarget, RuleRange, RuleDuplicate, RuleMatches, RulePartners, RuleUpdate,
		RuleMultiline, RuleEmptyList, RuleControlChars, RuleSyntaxComment,
		yamlsrc.RuleUnknownField, yamlsrc.RuleDuplicateField,
		yamlsrc.RuleSyntax, yamlsrc.RuleShape, yamlsrc.RuleEncoding, yamlsrc.RuleSize,
	} {
		if !covered[r] {
			t.Errorf("no case for rule %q", r)
		}
	}
}

// TestDecodeControlAnywhere moves an escaped control character through
// the places of the eight-byte chunks text skips when they are printable.
func TestDecodeControlAnywhere(t *testing.T) {
	for _, esc := range []string{`\a`, `\x7f`, `\x1b`} {
		for n := range 20 {
			summary := strings.Repeat("x", n) + esc + " and more words after it"
			_, errs := Decode("pledges/p.yaml", pledgeYAML(set(5, `summary: "`+summary+`"`)))
			found := false
			for _, d := range errs {
				found = found || d.Rule == RuleControlChars
			}
			if !found {
				t.Errorf("summary %q: no control-character problem in %v", summary, errs)
			}
		}
	}
}

// TestDecodeHostile feeds Decode inputs meant to exhaust memory or time.
// Each must come back quickly with diagnostics.
func TestDecodeHostile(t *testing.T) {
	var bomb strings.Builder
	bomb.WriteString(`a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for i, name := range "bcdefghi" {
		prev := "*" + string("abcdefghi"[i])
		fmt.Fprintf(&bomb, "%c: &%c [%s]\n", name, name, strings.Repeat(prev+",", 8)+prev)
	}

	var manyKeys strings.Builder
	for i := 0; manyKeys.Len() < 1<<20-16; i++ {
		fmt.Fprintf(&manyKeys, "k%d: 1\n", i)
	}

	tests := []struct {
		name string
		data []byte
		at   string // a diagnostic that must be among those returned, "line:col rule"; "" for any
		msg  string
	}{
		{"billion laughs, 9 levels", []byte(bomb.String()), "1:4 yaml-shape", "anchors (&a) are not allowed"},
		{"10 MB value", []byte("id: " + strings.Repeat("x", 10<<20) + "\n"), "1:1 file-size", "larger than the limit"},
		// Unclosed, so a syntax error would do as well as a nesting error.
		{"100,000 [", []byte("a: " + strings.Repeat("[", 100_000)), "", ""},
		{"100,000 {", []byte("a: " + strings.Repeat("{a: ", 100_000)), "", ""},
		{"100,000 balanced [", []byte("a: " + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)), "1:36 yaml-shape", "nested more than 32 levels deep"},
		{"400,000 nested block lists", []byte("a:\n  " + strings.Repeat("- ", 400_000) + "x\n"), "", ""},
		{"1 MB of distinct unknown keys", []byte(manyKeys.String()), "1:1 unknown-field", `unknown field "k0"`},
		{"1 MB of repeated keys", []byte(strings.Repeat("id: x\n", (1<<20)/6)), "2:1 duplicate-field", `field "id" appears twice (first at line 1)`},
		// Line 1 is a comment, keys are lines 2 to 10001, the stray list
		// item is line 10002.
		{"syntax error after 10,000 keys", []byte("# c\n" + strings.Repeat("k: v\n", 10_000) + "- x\n"), "10002:1 yaml-syntax", "did not find expected key"},
		{"list of 100,000 items", pledgeYAML(set(17, "countries: ["+strings.Repeat("KEN, ", 100_000)+"KEN]")), "17:12 too-long", "countries has 100001 items"},
		{"NUL bytes only", make([]byte, 1000), "1:1 *", ""},
		// "  name: Test" is 12 characters, so the NUL is column 13.
		{"NUL byte in a value", pledgeYAML(set(7, "  name: Test\x00NGO")), "7:13 *", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := decodeWithin(t, deadline, testPath, tt.data)
			if len(errs) == 0 {
				t.Fatal("no diagnostics")
			}
			t.Logf("%d diagnostics", len(errs))
			if tt.at == "" {
				return
			}
			want := testPath + ":" + tt.at
			found := slices.ContainsFunc(errs, func(d diag.Diagnostic) bool {
				got := formatDiag(d)
				if strings.HasSuffix(want, " *") {
					got = strings.TrimSuffix(got, d.Rule) + "*"
				}
				return got == want && strings.Contains(d.Message, tt.msg)
			})
			if !found {
				l := sortDiags(errs)
				t.Errorf("no diagnostic %s with %q; the first ones are:\n%s", want, tt.msg, listing(l[:min(len(l), 5)]))
			}
		})
	}
}

// TestDecodeByteOrderMark checks that a UTF-8 byte order mark, which some
// Windows editors add, is accepted and does not shift columns on line 1.
func TestDecodeByteOrderMark(t *testing.T) {
	const bom = "\uFEFF"
	p, errs := decodeWithin(t, deadline, testPath, append([]byte(bom), pledgeYAML()...))
	if len(errs) > 0 || p == nil {
		t.Fatalf("a record with a BOM is rejected:\n%s", listing(errs))
	}
	if p.ID != "ngo-test-pledge" {
		t.Errorf("ID = %q", p.ID)
	}
	_, errs = decodeWithin(t, deadline, testPath, append([]byte(bom), pledgeYAML(del(1), set(2, "id: NGO_Test"))...))
	checkDiags(t, testPath+":", errs, []want{{"1:5 id-format", `id "NGO_Test" is not a valid id`}})
}

// TestDecodeCRLF checks that Windows line endings are accepted, leave no
// carriage returns in values, and keep positions right.
func TestDecodeCRLF(t *testing.T) {
	crlf := func(b []byte) []byte { return []byte(strings.ReplaceAll(string(b), "\n", "\r\n")) }

	p, errs := decodeWithin(t, deadline, testPath, crlf(pledgeYAML(add("description: |\n  Line one.\n  Line two."))))
	if len(errs) > 0 || p == nil {
		t.Fatalf("a record with CRLF line endings is rejected:\n%s", listing(errs))
	}
	if p.Title != "A test pledge" || p.Description != "Line one.\nLine two.\n" || p.Contact.Email != "desk@example.org" {
		t.Errorf("values keep carriage returns: title %q, description %q, email %q", p.Title, p.Description, p.Contact.Email)
	}

	tests := []struct {
		name  string
		data  []byte
		wants []want
	}{
		{"value error", pledgeYAML(set(17, "countries: [KEN, uga]")),
			[]want{{"17:18 country", `"uga"`}}},
		{"missing field", pledgeYAML(del(7)),
			[]want{{"7:3 required", `missing required field "entity.name"`}}},
		{"syntax error", pledgeYAML(set(8, "   type: ngo-national")),
			[]want{{"8:4 yaml-syntax", "this line is indented unlike the fields around it"}}},
		{"invalid UTF-8", pledgeYAML(set(9, "  country: K\xffN")),
			[]want{{"9:13 encoding", "invalid UTF-8"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := decodeWithin(t, deadline, testPath, crlf(tt.data))
			checkDiags(t, testPath+":", errs, tt.wants)
		})
	}
}

// TestDecodeLineSeparators checks positions in files holding U+2028 or
// U+0085, which YAML 1.1 counts as line breaks but editors and the
// diagnostics printer do not. A title pasted from a word processor can hold
// one. Either the character is reported where it is, or positions after it
// stay right.
func TestDecodeLineSeparators(t *testing.T) {
	tests := []struct {
		name     string
		title    string
		charAt   string // position of the separator, "line:col"
		wantLine int    // line of the first diagnostic, if not at charAt
	}{
		// `title: "A test` is 14 characters, so the separator is column 15.
		{"LINE SEPARATOR in a quoted title", "title: \"A test\u2028pledge\"", "4:15", 17},
		{"NEXT LINE in a quoted title", "title: \"A test\u0085pledge\"", "4:15", 17},
		{"LINE SEPARATOR in a plain title", "title: A test\u2028pledge", "4:14", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := decodeWithin(t, deadline, testPath, pledgeYAML(set(4, tt.title), set(17, "countries: [KEN, uga]")))
			if len(errs) == 0 {
				t.Fatal("no diagnostics")
			}
			first := sortDiags(errs)[0]
			if fmt.Sprintf("%d:%d", first.Line, first.Col) == tt.charAt {
				return // the separator itself is reported
			}
			if first.Line != tt.wantLine {
				t.Errorf("first diagnostic is on line %d, want %d (or at the separator, %s):\n%s",
					first.Line, tt.wantLine, tt.charAt, listing(errs))
			}
		})
	}
}

// TestMain fixes the date records are checked against, so that tests of
// dates in the future do not change with the day they run.
func TestMain(m *testing.M) {
	today = func() time.Time { return time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC) }
	os.Exit(m.Run())
}

// TestDateTomorrow checks that a date one day ahead is accepted: it is
// today somewhere east of UTC.
func TestDateTomorrow(t *testing.T) {
	if _, errs := Decode(testPath, pledgeYAML(set(24, "  - date: 2026-11-28"), set(27, "  - date: 2026-11-28"))); len(errs) > 0 {
		t.Errorf("updates dated tomorrow: %v", errs)
	}
	if _, errs := Decode(testPath, pledgeYAML(set(24, "  - date: 2026-11-28"), set(27, "  - date: 2026-11-29"))); len(errs) != 1 {
		t.Errorf("an update dated the day after tomorrow: %d problems, want 1", len(errs))
	}
}

// TestDescriptionTableTooLarge checks that check refuses a table whose
// cells would swell the page, at the line of its delimiter row.
func TestDescriptionTableTooLarge(t *testing.T) {
	header := "  " + strings.Repeat("|a", 300) + "|"
	delim := "  " + strings.Repeat("|-", 300) + "|"
	rows := strings.Repeat("\n  a", 20)
	// description is line 36; its text starts on 37; the delimiter row is
	// the text's line 3.
	_, errs := Decode(testPath, pledgeYAML(add("description: |\n  Intro.\n"+header+"\n"+delim+rows)))
	checkDiags(t, "", errs, []want{{testPath + ":39:1 too-long", "description: a table of 300 columns and 21 rows has 6300 cells, more than the limit of 5000"}})
	if _, errs := Decode(testPath, pledgeYAML(add("description: |\n  | a | b |\n  |---|---|\n  | 1 | 2 |"))); len(errs) > 0 {
		t.Errorf("a small table: %v", errs)
	}
	// A long link address used many times: check finds what the build
	// would refuse.
	refs := "description: |\n  " + strings.Repeat("[a][r] ", 250) + "\n\n  [r]: /" + strings.Repeat("x", 1500)
	_, errs = Decode(testPath, pledgeYAML(add(refs)))
	checkDiags(t, "", errs, []want{{testPath + ":36:14 too-long", "description: the text renders to far more HTML than it holds"}})
	if _, errs := Decode(testPath, pledgeYAML(add("description: |\n  [a][r] and [b][r]\n\n  [r]: https://example.org/"))); len(errs) > 0 {
		t.Errorf("a reference used twice: %v", errs)
	}
}

// TestCommentAfterValue checks that a comment written as one, "# ..." with
// a space, after a one-line value is let be.
func TestCommentAfterValue(t *testing.T) {
	for _, line := range []string{"title: Safe house # reviewed", "title: Safe house ## reviewed", `title: "Safe house #1"`} {
		if _, errs := Decode(testPath, pledgeYAML(set(4, line))); len(errs) > 0 {
			t.Errorf("%s: %v", line, errs)
		}
	}
}

// TestSDGTargetsAre169 checks the table of targets against the count the
// 2030 Agenda gives, and that every target in it is accepted.
func TestSDGTargetsAre169(t *testing.T) {
	total := 0
	d := &decoder{path: testPath, p: &Pledge{}}
	for g, c := range vocab.SDGTargets {
		total += c[0] + c[1]
		var all []string
		for i := 1; i <= c[0]; i++ {
			all = append(all, fmt.Sprintf("%d.%d", g+1, i))
		}
		for i := 0; i < c[1]; i++ {
			all = append(all, fmt.Sprintf("%d.%c", g+1, 'a'+i))
		}
		for _, s := range all {
			if got := d.sdgTarget(&yaml.Node{Kind: yaml.ScalarNode, Value: s}, "t"); got != s {
				t.Errorf("target %s refused: %v", s, d.errs)
			}
		}
	}
	if total != 169 {
		t.Errorf("%d targets, want 169", total)
	}
}

// TestStatusAheadOfUpdates checks that a status past the latest update's
// is let be: the pledge has moved on since its last report.
func TestStatusAheadOfUpdates(t *testing.T) {
	if _, errs := Decode(testPath, pledgeYAML(set(12, "status: fulfilled"))); len(errs) > 0 {
		t.Errorf("fulfilled after an in-progress update: %v", errs)
	}
}

// TestPlaceholderIsTheTemplatesOnly checks that text which merely says
// "Replace with" is a pledge, not a placeholder.
func TestPlaceholderIsTheTemplatesOnly(t *testing.T) {
	for _, line := range []string{"summary: Old tents are worn out. Replace with durable shelters for 500 families.", "title: Replace with solar power"} {
		n := 5
		if strings.HasPrefix(line, "title") {
			n = 4
		}
		if _, errs := Decode(testPath, pledgeYAML(set(n, line))); len(errs) > 0 {
			t.Errorf("%s: %v", line, errs)
		}
	}
	if _, errs := Decode(testPath, pledgeYAML(set(4, "title: Replace with a specific title"))); len(errs) != 1 || errs[0].Rule != RulePlaceholder {
		t.Errorf("the template's title: %v, want one placeholder problem", errs)
	}
}

// TestValidID holds ValidID to IDPattern, the form the schema publishes,
// on every string of up to five characters drawn from letters, digits,
// hyphens and characters an id must not hold.
func TestValidID(t *testing.T) {
	alphabet := []string{"a", "z", "0", "9", "-", "A", ".", "/", "_", " ", "é"}
	var walk func(s string, depth int)
	walk = func(s string, depth int) {
		if got, want := ValidID(s), IDPattern.MatchString(s); got != want {
			t.Errorf("ValidID(%q) = %v, IDPattern says %v", s, got, want)
		}
		if depth == 5 {
			return
		}
		for _, c := range alphabet {
			walk(s+c, depth+1)
		}
	}
	walk("", 0)
	for _, id := range []string{"state-ken-referral-protocol", "ngo-safe-routes-2023", "a-b-c-d-e-f", "x\n", "a--b-c", "ab-"} {
		if got, want := ValidID(id), IDPattern.MatchString(id); got != want {
			t.Errorf("ValidID(%q) = %v, IDPattern says %v", id, got, want)
		}
	}
}
