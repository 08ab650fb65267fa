package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"pledgesite/generator"
	"pledgesite/generator/markdown"
	"pledgesite/generator/record"
	"pledgesite/generator/search"
	"pledgesite/generator/site"
	"pledgesite/generator/vocab"
)

// searchFacetFields are the facets the search page must offer: the input
// names and URL parameters of its contract.
var searchFacetFields = []string{
	"status", "entity_type", "countries", "region", "forum", "support",
	"measures", "sdg_targets", "target_groups", "contributes_to",
}

// searchDoc is one record as the test sees it: its terms by tier (title
// and names, summary, description and country names), its facet values,
// and its text in lower case for checks that bypass the tokenizer.
type searchDoc struct {
	id     string
	tiers  [3]map[string]bool
	lower  string
	facets map[string][]string
}

func (d *searchDoc) has(field, value string) bool { return slices.Contains(d.facets[field], value) }

// searchCatalogue is the test's own model of what the search page must
// show, computed from the records.
type searchCatalogue struct {
	docs    []*searchDoc // newest first, then by id: the page's order
	terms   []string     // every term of every record
	partial bool         // terms holds only some terms
}

// loadSearchCatalogue models the shipped records, with the regions the
// build derived for each (dir/data/pledges.json).
func loadSearchCatalogue(t *testing.T, dir string) *searchCatalogue {
	t.Helper()
	src, errs := generator.Load(os.DirFS(moduleRoot(t)), "")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return newSearchCatalogue(t, src.Records, filepath.Join(dir, "data", "pledges.json"), nil)
}

// newSearchCatalogue models recs, taking each record's regions from the
// open data file. With only, it keeps just those terms (for large
// catalogues); such a model answers whole-word queries only.
func newSearchCatalogue(t testing.TB, recs []*record.Pledge, openData string, only map[string]bool) *searchCatalogue {
	t.Helper()
	data, err := os.ReadFile(openData)
	if err != nil {
		t.Fatal(err)
	}
	var open []struct {
		ID      string   `json:"id"`
		Regions []string `json:"regions"`
	}
	if err := json.Unmarshal(data, &open); err != nil {
		t.Fatal(err)
	}
	regions := make(map[string][]string, len(open))
	for _, r := range open {
		regions[r.ID] = r.Regions
	}
	recs = slices.Clone(recs)
	slices.SortFunc(recs, func(a, b *record.Pledge) int {
		return cmp.Or(strings.Compare(b.Date, a.Date), strings.Compare(a.ID, b.ID))
	})
	md := markdown.New()
	c := &searchCatalogue{partial: only != nil}
	plain := func(p *record.Pledge) string {
		h, err := md.Render([]byte(p.Description), markdown.Options{})
		if err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		return searchHTMLText(t, string(h))
	}
	all := map[string]bool{}
	for _, p := range recs {
		names := []string{p.Title, p.Entity.Name}
		for _, e := range p.Partners {
			names = append(names, e.Name)
		}
		body := []string{plain(p)}
		for _, code := range p.Countries {
			country, ok := vocab.LookupCountry(code)
			if !ok {
				t.Fatalf("%s: unknown country %s", p.ID, code)
			}
			body = append(body, country.Name)
		}
		texts := [3]string{strings.Join(names, " "), p.Summary, strings.Join(body, " ")}
		d := &searchDoc{id: p.ID, lower: strings.ToLower(strings.Join(texts[:], " "))}
		for tier, text := range texts {
			d.tiers[tier] = map[string]bool{}
			for _, term := range search.Tokens(text) {
				if only != nil && !only[term] {
					continue
				}
				d.tiers[tier][term] = true
				all[term] = true
			}
		}
		rs, ok := regions[p.ID]
		if !ok {
			t.Fatalf("%s: not in %s", p.ID, openData)
		}
		one := func(s string) []string {
			if s == "" {
				return nil
			}
			return []string{s}
		}
		d.facets = map[string][]string{
			"status":         one(p.Status),
			"entity_type":    one(p.Entity.Type),
			"countries":      p.Countries,
			"region":         rs,
			"forum":          one(p.Forum),
			"support":        p.Support,
			"measures":       p.Measures,
			"sdg_targets":    p.SDGTargets,
			"target_groups":  p.TargetGroups,
			"contributes_to": p.ContributesTo,
		}
		c.docs = append(c.docs, d)
	}
	for term := range all {
		c.terms = append(c.terms, term)
	}
	slices.Sort(c.terms)
	return c
}

// searchState is what the page searches with: the text in the box, the
// ticked values by field, and the sort order ("" relevance, "date").
type searchState struct {
	q    string
	sel  map[string][]string
	sort string
	// live is true for a query typed into the box, where the last word
	// also matches by prefix; a query read from the address means whole
	// words, so a shared link gives the same results anywhere.
	live bool
}

func searchStateFromURL(t testing.TB, raw string) searchState {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	v := u.Query()
	st := searchState{q: v.Get("q"), sort: v.Get("sort"), sel: map[string][]string{}}
	for _, f := range searchFacetFields {
		if vals := v[f]; len(vals) > 0 {
			st.sel[f] = vals
		}
	}
	return st
}

// searchQueryWords splits a query as the client does, into lowercase words of
// letters and digits, apostrophes dropped. Accents are not folded here: the
// tokenizer folds them, and only the prefix rule below needs the word as
// typed, which the test keeps to ASCII.
func searchQueryWords(q string) []string {
	var out []string
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			out = append(out, w.String())
			w.Reset()
		}
	}
	for _, r := range q {
		switch {
		case r == '\'' || r == '’':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			w.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

func searchJSLen(s string) int { return len(utf16.Encode([]rune(s))) }

// searchTierWeight is how much a match in each tier counts: a title word ranks a
// record above one that has the word only in its summary or description.
var searchTierWeight = [3]float64{4, 2, 1}

// match returns the records that match every word of q, with their
// scores; ok is false when q has no words to search for. The last word,
// while it is being typed (q does not end in a space) and has at least 3
// letters, also matches the terms it starts (weight 0.5) and the terms of
// 4 letters or more that it extends by at most 3 letters (weight 0.8); an
// exact stem match weighs 1.
func (c *searchCatalogue) match(t testing.TB, q string, live bool) (in []bool, score []float32, ok bool) {
	var words, stems []string
	for _, w := range searchQueryWords(q) {
		if ts := search.Tokens(w); len(ts) == 1 {
			words, stems = append(words, w), append(stems, ts[0])
		}
	}
	if len(words) == 0 {
		return nil, nil, false
	}
	last, _ := utf8.DecodeLastRuneInString(q)
	typing := live && !unicode.IsSpace(last)
	n := len(c.docs)
	in = make([]bool, n)
	score = make([]float32, n)
	for d := range in {
		in[d] = true
	}
	for i, w := range words {
		prefix := typing && i == len(words)-1 && searchJSLen(w) >= 3
		if prefix && strings.IndexFunc(w, func(r rune) bool { return r >= utf8.RuneSelf }) >= 0 {
			t.Fatalf("query %q: end it with a space, or make its last word ASCII", q)
		}
		if prefix && c.partial {
			t.Fatalf("query %q: end it with a space: the model keeps only some terms", q)
		}
		weights := map[string]float64{}
		for _, term := range c.terms {
			switch {
			case term == stems[i]:
				weights[term] = 1
			case prefix && strings.HasPrefix(term, w):
				weights[term] = 0.5
			case prefix && searchJSLen(term) >= 4 && strings.HasPrefix(w, term) && searchJSLen(w)-searchJSLen(term) <= 3:
				weights[term] = 0.8
			}
		}
		for d, doc := range c.docs {
			best := 0.0
			found := false
			for term, weight := range weights {
				for tier, terms := range doc.tiers {
					if terms[term] {
						found = true
						best = max(best, weight*searchTierWeight[tier])
					}
				}
			}
			in[d] = in[d] && found
			score[d] = float32(float64(score[d]) + float64(float32(best)))
		}
	}
	return in, score, true
}

// expect returns the result ids in the order the page must list them, and
// each facet value's count: the records it would give with the other
// facets' selections applied and its own facet's not (OR within a facet,
// AND across facets).
func (c *searchCatalogue) expect(t testing.TB, st searchState) (ids []string, counts map[string]map[string]int, score map[string]float32) {
	in, sc, ok := c.match(t, st.q, st.live)
	text := func(d int) bool { return !ok || in[d] }
	passes := func(d int, skip string) bool {
		for field, vals := range st.sel {
			if field == skip {
				continue
			}
			if !slices.ContainsFunc(vals, func(v string) bool { return c.docs[d].has(field, v) }) {
				return false
			}
		}
		return true
	}
	var docs []int
	counts = map[string]map[string]int{}
	for _, f := range searchFacetFields {
		counts[f] = map[string]int{}
	}
	score = map[string]float32{}
	for d, doc := range c.docs {
		if !text(d) {
			continue
		}
		if passes(d, "") {
			docs = append(docs, d)
		}
		for _, f := range searchFacetFields {
			if passes(d, f) {
				for _, v := range doc.facets[f] {
					counts[f][v]++
				}
			}
		}
		if ok {
			score[doc.id] = sc[d]
		}
	}
	if ok && st.sort != "date" {
		slices.SortStableFunc(docs, func(a, b int) int { return cmp.Compare(sc[b], sc[a]) })
	}
	for _, d := range docs {
		ids = append(ids, c.docs[d].id)
	}
	return ids, counts, score
}

// values returns every value of a facet field that some record carries.
func (c *searchCatalogue) values(field string) map[string]bool {
	out := map[string]bool{}
	for _, d := range c.docs {
		for _, v := range d.facets[field] {
			out[v] = true
		}
	}
	return out
}

// searchSnapshot is what search.mjs reads off the page.
type searchSnapshot struct {
	Step     string                       `json:"step"`
	URL      string                       `json:"url"`
	Q        string                       `json:"q"`
	Sort     string                       `json:"sort"`
	Checked  [][2]string                  `json:"checked"`
	Count    string                       `json:"count"`
	IDs      []string                     `json:"ids"`
	Complete bool                         `json:"complete"`
	Counts   map[string]map[string]string `json:"counts"`
	Status   string                       `json:"status"`
}

func (s searchSnapshot) state() searchState {
	st := searchState{q: s.Q, sort: s.Sort, sel: map[string][]string{}, live: strings.Contains(strings.ToLower(s.Step), "typ")}
	for _, c := range s.Checked {
		st.sel[c[0]] = append(st.sel[c[0]], c[1])
	}
	return st
}

type searchAxeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

type searchReport struct {
	Cases    map[string]searchSnapshot `json:"cases"`
	History  []searchSnapshot          `json:"history"`
	Reload   []searchSnapshot          `json:"reload"`
	Keyboard struct {
		TabPath      []string       `json:"tabPath"`
		Target       string         `json:"target"`
		Before       bool           `json:"before"`
		After        searchSnapshot `json:"after"`
		FocusAfter   string         `json:"focusAfter"`
		CheckedAfter bool           `json:"checkedAfter"`
		Status       string         `json:"status"`
		StatusRole   string         `json:"statusRole"`
		FocusEnd     string         `json:"focusEnd"`
	} `json:"keyboard"`
	NoJS struct {
		Status        int    `json:"status"`
		NoticeVisible bool   `json:"noticeVisible"`
		FormVisible   bool   `json:"formVisible"`
		Text          string `json:"text"`
		Links         []struct {
			Text   string `json:"text"`
			Href   string `json:"href"`
			URL    string `json:"url"`
			Status int    `json:"status"`
		} `json:"links"`
	} `json:"nojs"`
	Phone struct {
		Narrow      searchLayout `json:"375"`
		Wide        searchLayout `json:"1280"`
		OpenedByTap bool         `json:"openedByTap"`
	} `json:"phone"`
	Broken struct {
		NoticeVisible bool   `json:"noticeVisible"`
		FormVisible   bool   `json:"formVisible"`
		Text          string `json:"text"`
	} `json:"broken"`
	Axe        map[string][]searchAxeViolation `json:"axe"`
	AxeResults map[string]int                  `json:"axeResults"`
	Overflow   map[string]int                  `json:"overflow"`
	Errors     []string                        `json:"errors"`
	CSP        []string                        `json:"csp"`
}

// searchLayout is where the search page puts its parts at one width.
type searchLayout struct {
	Open       bool `json:"open"`       // the filters
	ResultsTop int  `json:"resultsTop"` // px from the top of the page
}

// searchParseCount reads "1,234" or "(1,234)".
func searchParseCount(s string) (int, error) {
	s = strings.Trim(strings.TrimSpace(s), "()")
	return strconv.Atoi(strings.ReplaceAll(s, ",", ""))
}

// checkSnapshot checks that the URL and the form agree, and that the
// results and every facet count are what the records give for the form's
// state.
func (c *searchCatalogue) checkSnapshot(t *testing.T, name string, s searchSnapshot) {
	t.Helper()
	fromURL := searchStateFromURL(t, s.URL)
	// The URL keeps the query trimmed.
	if got := strings.TrimSpace(s.Q); got != strings.TrimSpace(fromURL.q) {
		t.Errorf("%s: the search box holds %q, the URL %s says q=%q", name, s.Q, s.URL, fromURL.q)
	}
	if s.Sort != fromURL.sort {
		t.Errorf("%s: the sort menu says %q, the URL %s says sort=%q", name, s.Sort, s.URL, fromURL.sort)
	}
	form := s.state()
	for _, f := range searchFacetFields {
		a, b := slices.Sorted(slices.Values(form.sel[f])), slices.Sorted(slices.Values(fromURL.sel[f]))
		if !slices.Equal(a, b) {
			t.Errorf("%s: %s ticked %q, the URL %s says %q", name, f, a, s.URL, b)
		}
	}

	ids, counts, score := c.expect(t, form)
	n, err := searchParseCount(s.Count)
	if err != nil {
		t.Errorf("%s: result count %q: %v", name, s.Count, err)
	} else if n != len(ids) {
		t.Errorf("%s: the page counts %d results, the records give %d", name, n, len(ids))
	}
	want := ids
	if !s.Complete {
		want = ids[:min(len(ids), 10)]
	}
	if !slices.Equal(s.IDs, want) {
		var b strings.Builder
		for i := range max(len(s.IDs), len(want)) {
			g, w := "", ""
			if i < len(s.IDs) {
				g = fmt.Sprintf("%s (%.1f)", s.IDs[i], score[s.IDs[i]])
			}
			if i < len(want) {
				w = fmt.Sprintf("%s (%.1f)", want[i], score[want[i]])
			}
			mark := " "
			if g != w {
				mark = "*"
			}
			fmt.Fprintf(&b, "\n  %s %2d  got %-60s want %s", mark, i+1, g, w)
		}
		t.Errorf("%s: results differ from the records (id (expected score)):%s", name, b.String())
	}

	for field, vals := range s.Counts {
		if !slices.Contains(searchFacetFields, field) {
			t.Errorf("%s: unexpected facet field %q", name, field)
			continue
		}
		for v, text := range vals {
			got, err := searchParseCount(text)
			if err != nil {
				t.Errorf("%s: %s=%s count %q: %v", name, field, v, text, err)
				continue
			}
			if want := counts[field][v]; got != want {
				t.Errorf("%s: %s=%s shows (%d), the records give (%d)", name, field, v, got, want)
			}
		}
	}
	for _, field := range searchFacetFields {
		if s.Counts[field] == nil {
			t.Errorf("%s: no facet %s on the page", name, field)
			continue
		}
		for v := range c.values(field) {
			if _, ok := s.Counts[field][v]; !ok {
				t.Errorf("%s: facet %s has no checkbox for %q, which records carry", name, field, v)
			}
		}
	}
}

// searchTextCases and searchFacetCases are the pages the test opens, by query string: text queries
// with known answers, then combinations of facets, with and without text.
var (
	searchTextCases = []string{
		"?q=trafficked",
		"?q=trafficked&sort=date",
		"?q=legal+aid",
		"?q=shelter",
		"?q=Kenya",
		"?q=T%C3%BCrkiye+", // accents fold: finds "Türkiye" and "Turkiye"
		"?q=turkiye",
		"?q=refugee%27s+children",
		"?q=zzqxv",
	}
	searchFacetCases = []string{
		"",
		"?status=in-progress&countries=KEN",
		"?status=in-progress&status=planning&region=east-and-horn-of-africa-and-the-great-lakes",
		"?entity_type=state&support=policy&forum=GRF-2023",
		"?measures=d4&measures=c4&measures=b2&sdg_targets=16.2&sdg_targets=8.7&contributes_to=msp-trafficking-in-persons",
		"?q=trafficking&countries=KEN&countries=UGA&target_groups=children",
		"?q=legal+aid&status=in-progress",
		"?q=survivors&support=technical&support=financial&target_groups=women-and-girls&sort=date",
	}
)

// searchPlan is what search.mjs does besides the cases.
var searchPlan = map[string]any{
	"history":  "?q=legal+aid&status=in-progress",
	"toggle":   [][2]string{{"countries", "KEN"}, {"status", "planning"}},
	"retype":   "shelter",
	"reload":   "policy ",
	"keyboard": "shelter",
	"nojs":     true,
	"axe":      "?q=trafficking",
	"axeFacet": [2]string{"status", "in-progress"},
}

// TestSearchPage drives the search page in headless Chromium
// (testdata/browser/search.mjs) and checks what it shows against what the
// records give: known query answers and ranking, facet counts for
// combinations of facets, the URL round trip and the Back button, the
// notice without JavaScript, accessibility and the keyboard.
func TestSearchPage(t *testing.T) {
	dir := buildShipped(t)
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Fatal("/usr/bin/chromium not found (run `make test`, which installs Debian's chromium)")
	}
	cat := loadSearchCatalogue(t, dir)
	plan := map[string]any{"cases": append(slices.Clone(searchTextCases), searchFacetCases...)}
	for k, v := range searchPlan {
		plan[k] = v
	}
	planFile := filepath.Join(t.TempDir(), "plan.json")
	data, _ := json.Marshal(plan)
	if err := os.WriteFile(planFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	base := serve(t, dir, "/")
	out := runNode(t, filepath.Join("testdata", "browser", "search.mjs"), base, planFile)
	var rep searchReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("search.mjs output: %v\n%s", err, out)
	}

	t.Run("errors", func(t *testing.T) {
		for _, e := range rep.Errors {
			t.Error(e)
		}
		for _, e := range rep.CSP {
			t.Error(e)
		}
	})

	t.Run("queries", func(t *testing.T) {
		for _, qs := range searchTextCases {
			s, ok := rep.Cases[qs]
			if !ok {
				t.Errorf("%s: not checked", qs)
				continue
			}
			if !s.Complete {
				t.Errorf("%s: not every result was listed", qs)
			}
			cat.checkSnapshot(t, qs, s)
		}
		// Word forms: "trafficked" finds every record with "trafficking",
		// "traffickers" or "trafficked".
		tr := rep.Cases["?q=trafficked"]
		var withForms []string
		for _, d := range cat.docs {
			if strings.Contains(d.lower, "traffick") {
				withForms = append(withForms, d.id)
			}
		}
		if len(withForms) == 0 {
			t.Fatal("no record mentions trafficking: pick another word")
		}
		for _, id := range withForms {
			if !slices.Contains(tr.IDs, id) {
				t.Errorf("?q=trafficked: %s mentions trafficking but is not found", id)
			}
		}
		// A title word ranks its record above records that have the word
		// only in the description.
		pos := map[string]int{}
		for i, id := range tr.IDs {
			pos[id] = i
		}
		lastTitle, firstBody := -1, len(tr.IDs)
		for _, d := range cat.docs {
			p, ok := pos[d.id]
			if !ok {
				continue
			}
			switch {
			case d.tiers[0]["traffick"]:
				lastTitle = max(lastTitle, p)
			case !d.tiers[1]["traffick"]:
				firstBody = min(firstBody, p)
			}
		}
		if lastTitle < 0 || firstBody == len(tr.IDs) {
			t.Errorf("?q=trafficked: want records with the word in the title and records with it only in the description (title: %v, body: %v)", lastTitle, firstBody)
		} else if lastTitle > firstBody {
			t.Errorf("?q=trafficked: %s (title match) is listed at %d, after %s (description only) at %d",
				tr.IDs[lastTitle], lastTitle+1, tr.IDs[firstBody], firstBody+1)
		}
		// Sorting by date lists the same records, newest first.
		byDate := rep.Cases["?q=trafficked&sort=date"]
		if !slices.Equal(slices.Sorted(slices.Values(byDate.IDs)), slices.Sorted(slices.Values(tr.IDs))) {
			t.Errorf("?q=trafficked&sort=date lists other records than ?q=trafficked")
		}
		// Country names are searched, and accents fold both ways.
		for _, qs := range []string{"?q=Kenya", "?q=T%C3%BCrkiye+", "?q=turkiye"} {
			code := map[string]string{"?q=Kenya": "KEN"}[qs]
			if code == "" {
				code = "TUR"
			}
			for _, d := range cat.docs {
				if d.has("countries", code) && !slices.Contains(rep.Cases[qs].IDs, d.id) {
					t.Errorf("%s: %s is carried out in %s but not found", qs, d.id, code)
				}
			}
		}
		if a, b := rep.Cases["?q=T%C3%BCrkiye+"].IDs, rep.Cases["?q=turkiye"].IDs; len(a) == 0 || !slices.Equal(a, b) {
			t.Errorf("Türkiye finds %v, turkiye %v: want the same, non-empty", a, b)
		}
		if s := rep.Cases["?q=zzqxv"]; s.Count != "0" || len(s.IDs) != 0 {
			t.Errorf("?q=zzqxv: want no results, got %s: %v", s.Count, s.IDs)
		}
	})

	t.Run("facets", func(t *testing.T) {
		for _, qs := range searchFacetCases {
			s, ok := rep.Cases[qs]
			if !ok {
				t.Errorf("%s: not checked", qs)
				continue
			}
			if qs != "" {
				// A combination must narrow the catalogue without emptying
				// it, or it tests little.
				ids, _, _ := cat.expect(t, searchStateFromURL(t, qs))
				if len(ids) == 0 || len(ids) == len(cat.docs) {
					t.Errorf("%s: gives %d of %d records in the shipped catalogue: pick another combination", qs, len(ids), len(cat.docs))
				}
			}
			cat.checkSnapshot(t, qs, s)
		}
	})

	t.Run("url-and-history", func(t *testing.T) {
		h := rep.History
		steps := []string{"open", "tick countries=KEN", "tick status=planning", "back", "back again", "forward", "type shelter", "back after typing"}
		if len(h) != len(steps) {
			t.Fatalf("history: %d steps, want %d", len(h), len(steps))
		}
		for i, s := range h {
			if s.Step != steps[i] {
				t.Fatalf("history step %d is %q, want %q", i, s.Step, steps[i])
			}
			cat.checkSnapshot(t, s.Step, s)
		}
		// The form reflects the URL it was opened at.
		if h[0].Q != "legal aid" || !slices.Equal(h[0].Checked, [][2]string{{"status", "in-progress"}}) {
			t.Errorf("opened at ?q=legal+aid&status=in-progress, the form shows q=%q and ticked %v", h[0].Q, h[0].Checked)
		}
		params := func(s searchSnapshot) url.Values {
			u, _ := url.Parse(s.URL)
			return u.Query()
		}
		equal := func(a, b url.Values) bool { return searchCanonical(a) == searchCanonical(b) }
		// Ticking a facet adds it to the URL.
		want := params(h[0])
		want.Add("countries", "KEN")
		if !equal(params(h[1]), want) {
			t.Errorf("after ticking KEN the URL is %s, want the parameters %v", h[1].URL, want)
		}
		want.Add("status", "planning")
		if !equal(params(h[2]), want) {
			t.Errorf("after ticking planning the URL is %s, want the parameters %v", h[2].URL, want)
		}
		// Back and Forward restore the state and the results.
		for _, p := range [][2]int{{3, 1}, {4, 0}, {5, 1}, {7, 5}} {
			got, was := h[p[0]], h[p[1]]
			if got.URL != was.URL || got.Q != was.Q || !slices.Equal(got.Checked, was.Checked) || !slices.Equal(got.IDs, was.IDs) || got.Count != was.Count {
				t.Errorf("%s: shows %s q=%q %v with %s results %v, want the state of %q: %s q=%q %v with %s results %v",
					got.Step, got.URL, got.Q, got.Checked, got.Count, got.IDs, was.Step, was.URL, was.Q, was.Checked, was.Count, was.IDs)
			}
		}
		if h[6].Q != "shelter" || params(h[6]).Get("q") != "shelter" {
			t.Errorf("after typing shelter: q=%q, URL %s", h[6].Q, h[6].URL)
		}
	})

	t.Run("reload", func(t *testing.T) {
		// The URL is the state: reloading it (or sharing it, or coming
		// back to it) shows what the reader saw. Typed with a trailing
		// space, "policy" matches whole words only; without it, the last
		// word also matches terms it starts or extends ("police").
		r := rep.Reload
		if len(r) != 2 {
			t.Fatalf("reload: %d snapshots, want 2", len(r))
		}
		for _, s := range r {
			cat.checkSnapshot(t, s.Step, s)
		}
		if r[0].URL != r[1].URL || r[0].Count != r[1].Count || !slices.Equal(r[0].IDs, r[1].IDs) {
			t.Errorf("typed %q: %s shows %s results %v; reloaded, the box holds %q and %s shows %s results %v",
				searchPlan["reload"], r[0].URL, r[0].Count, r[0].IDs, r[1].Q, r[1].URL, r[1].Count, r[1].IDs)
		}
	})

	t.Run("keyboard", func(t *testing.T) {
		kb := rep.Keyboard
		if !strings.HasPrefix(kb.Target, "input[type=checkbox]") {
			t.Fatalf("Tab from the search box never reached a facet checkbox: %v", kb.TabPath)
		}
		if len(kb.TabPath) > 3 {
			t.Errorf("Tab from the search box takes %d presses to reach the first facet: %v", len(kb.TabPath), kb.TabPath)
		}
		if kb.Before || !kb.CheckedAfter {
			t.Errorf("Space on %s: checked before %v, after %v; want false, then true", kb.Target, kb.Before, kb.CheckedAfter)
		}
		if kb.FocusAfter != kb.Target || kb.FocusEnd != kb.Target {
			t.Errorf("focus moved from %s to %s once results updated (then %s)", kb.Target, kb.FocusAfter, kb.FocusEnd)
		}
		if kb.After.Q != searchPlan["keyboard"] {
			t.Errorf("typed %q, the box holds %q", searchPlan["keyboard"], kb.After.Q)
		}
		cat.checkSnapshot(t, "keyboard", kb.After)
		ids, _, _ := cat.expect(t, kb.After.state())
		want := fmt.Sprintf("%d pledges found", len(ids))
		if len(ids) == 1 {
			want = "1 pledge found"
		}
		if kb.Status != want {
			t.Errorf("live region #search-status says %q, want %q", kb.Status, want)
		}
		if !strings.HasPrefix(kb.StatusRole, "status") && !strings.Contains(kb.StatusRole, "polite") {
			t.Errorf("#search-status is not a live region (role|aria-live: %q)", kb.StatusRole)
		}
	})

	t.Run("nojs", func(t *testing.T) {
		nj := rep.NoJS
		if nj.Status != 200 {
			t.Errorf("/search/ answered %d", nj.Status)
		}
		if !nj.NoticeVisible || nj.FormVisible {
			t.Errorf("without JavaScript: notice visible %v, search form visible %v; want true, false", nj.NoticeVisible, nj.FormVisible)
		}
		if !strings.Contains(nj.Text, "JavaScript") {
			t.Errorf("the notice does not say filtering needs JavaScript: %q", nj.Text)
		}
		hrefs := map[string]bool{}
		for _, l := range nj.Links {
			hrefs[l.Href] = true
			if l.Status != 200 {
				t.Errorf("notice link %q (%s) answered %d", l.Text, l.URL, l.Status)
			}
		}
		if !hrefs["/pledges/"] {
			t.Errorf("the notice does not link to all pledges: %v", nj.Links)
		}
		for _, key := range []string{"countries", "regions", "status", "stakeholders", "support", "target-groups", "measures", "sdg", "forums", "contributions"} {
			if !hrefs["/"+key+"/"] {
				t.Errorf("the notice does not link to the list page /%s/", key)
			}
		}
	})

	t.Run("phone", func(t *testing.T) {
		ph := rep.Phone
		if ph.Narrow.Open || !ph.OpenedByTap {
			t.Errorf("at 375px the filters are open %v, opened by a tap %v; want folded, and opened by a tap", ph.Narrow.Open, ph.OpenedByTap)
		}
		// Folded, the filters leave the results on the first screens
		// (they were 3,650px down, under 125 checkboxes).
		if ph.Narrow.ResultsTop > 1200 {
			t.Errorf("at 375px the results start %dpx down, want under 1200px", ph.Narrow.ResultsTop)
		}
		if !ph.Wide.Open {
			t.Error("at 1280px the filters are folded, want them open beside the results")
		}
	})

	t.Run("index-unavailable", func(t *testing.T) {
		b := rep.Broken
		if !b.NoticeVisible || b.FormVisible || !strings.Contains(b.Text, "Search could not load") {
			t.Errorf("with meta.json unreachable: notice visible %v, form visible %v, text %q; want the notice saying search could not load, and no form", b.NoticeVisible, b.FormVisible, b.Text)
		}
	})

	t.Run("nojs-link-text", func(t *testing.T) {
		// Each link reads as its list page's title ("SDG targets", not
		// "sdg targets").
		src, errs := generator.Load(os.DirFS(moduleRoot(t)), "")
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		s := site.New(src.Config, src.Content, src.Records)
		texts := map[string]string{}
		for _, l := range rep.NoJS.Links {
			texts[l.Href] = l.Text
		}
		for _, tx := range s.Taxonomies {
			want := tx.Title
			if got, ok := texts[tx.URL()]; !ok {
				t.Errorf("no link to %s", tx.URL())
			} else if got != want {
				t.Errorf("link to %s reads %q, want %q", tx.URL(), got, want)
			}
		}
	})

	t.Run("axe", func(t *testing.T) {
		keys := []string{"results @1280px", "facet @1280px", "results @375px", "facet @375px"}
		for _, k := range keys {
			vs, ok := rep.Axe[k]
			if !ok {
				t.Errorf("%s: not checked", k)
				continue
			}
			for _, v := range vs {
				t.Errorf("%s: %s (%s): %s %v", k, v.ID, v.Impact, v.Help, v.Nodes)
			}
			if rep.AxeResults[k] == 0 {
				t.Errorf("%s: checked with no results listed", k)
			}
			if o := rep.Overflow[k]; o > 1 {
				t.Errorf("%s: the page is %dpx wider than the screen", k, o)
			}
		}
	})
}

// searchHTMLText returns the text of an HTML fragment, words of separate
// blocks kept apart.
func searchHTMLText(t testing.TB, s string) string {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, top := range nodes {
		for n := range top.Descendants() {
			switch n.Type {
			case html.TextNode:
				b.WriteString(n.Data)
			case html.ElementNode:
				switch n.DataAtom {
				case atom.A, atom.Em, atom.Strong, atom.Code, atom.Del, atom.Span, atom.B, atom.I:
				default:
					b.WriteByte(' ')
				}
			}
		}
		if top.Type == html.TextNode {
			b.WriteString(top.Data)
		}
		b.WriteByte(' ')
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// searchCanonical renders url.Values in a canonical form, for comparing two sets of
// parameters regardless of order.
func searchCanonical(v url.Values) string {
	var parts []string
	for k, vs := range v {
		for _, x := range vs {
			parts = append(parts, k+"="+x)
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, "&")
}

// searchSource lays out a source tree in dir from the shipped site's
// settings, guidance and theme, with the shipped records keep accepts.
// node_modules is linked in, so the build finds Dart Sass.
func searchSource(t testing.TB, dir string, keep func(name string) bool) {
	t.Helper()
	root := moduleRoot(t)
	for _, d := range []string{"content", "themes"} {
		searchCopyTree(t, filepath.Join(root, d), filepath.Join(dir, d))
	}
	if err := os.MkdirAll(filepath.Join(dir, "pledges"), 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join(root, "pledges"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() && keep(e.Name()) {
			searchCopyFile(t, filepath.Join(root, "pledges", e.Name()), filepath.Join(dir, "pledges", e.Name()))
		}
	}
	searchCopyFile(t, filepath.Join(root, "site.yaml"), filepath.Join(dir, "site.yaml"))
	if err := os.Symlink(filepath.Join(root, "node_modules"), filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
}

func searchCopyTree(t testing.TB, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		searchCopyFile(t, p, filepath.Join(to, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func searchCopyFile(t testing.TB, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// searchBuild builds the source tree src into dest with the command line's
// build, returning how long it took.
func searchBuild(t testing.TB, src, dest string) time.Duration {
	t.Helper()
	start := time.Now()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"build", "--source", src, "--dest", dest}, &stdout, &stderr); code != 0 {
		t.Fatalf("build of %s exited %d:\n%s%s", src, code, stdout.String(), stderr.String())
	}
	return time.Since(start)
}

// searchNonLatinPledge is a record whose names are written in Cyrillic and
// Arabic script, letters the tokenizer keeps but does not fold to ASCII.
const searchNonLatinPledge = `id: ngo-kyiv-cairo-legal-aid
kind: pledge
title: Legal aid for survivors of trafficking from Україна in مصر
summary: A legal aid network in Kyiv and Cairo commits to represent survivors of trafficking in asylum and criminal proceedings.
description: |
  The network Правова допомога will represent 120 survivors a year in
  asylum appeals and criminal cases, with lawyers in Київ and القاهرة.
entity:
  name: Правова допомога Київ
  type: ngo-national
  country: UKR
pledge_type: joint
partners:
  - name: مساعدة قانونية
    type: ngo-national
    country: EGY
forum: GRF-2023
date: 2023-12-14
status: in-progress
support: [technical]
countries: [UKR, EGY]
target_groups: [survivors]
gcr_objectives: [1]
`

// TestSearchFindsNonLatinWords builds the shipped site with one more
// record whose names are in Cyrillic and Arabic script, and searches for
// those words in the browser: each must find the record. (Terms whose
// first letter is not ASCII must land in a shard the client can find.)
func TestSearchFindsNonLatinWords(t *testing.T) {
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Fatal("/usr/bin/chromium not found (run `make test`, which installs Debian's chromium)")
	}
	tmp := t.TempDir()
	src := filepath.Join(tmp, "src")
	searchSource(t, src, func(name string) bool { return strings.HasSuffix(name, ".yaml") })
	if err := os.WriteFile(filepath.Join(src, "pledges", "ngo-kyiv-cairo-legal-aid.yaml"), []byte(searchNonLatinPledge), 0o644); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(tmp, "public")
	searchBuild(t, src, dest)
	loaded, errs := generator.Load(os.DirFS(src), "")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	cat := newSearchCatalogue(t, loaded.Records, filepath.Join(dest, "data", "pledges.json"), nil)

	var meta search.Meta
	data, err := os.ReadFile(filepath.Join(dest, "search", "meta.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		t.Fatal(err)
	}
	for _, key := range meta.Shards {
		if key == "" || strings.HasPrefix(search.ShardFile(key), ".") {
			t.Errorf("search/meta.json lists the shard key %q, file search/t/%s: no query can name it, and static hosts may hide dot files", key, search.ShardFile(key))
		}
	}

	// Trailing spaces: whole words, as a reader who has finished typing.
	queries := []string{"?q=%D0%A3%D0%BA%D1%80%D0%B0%D1%97%D0%BD%D0%B0+", "?q=%D9%85%D8%B5%D8%B1+", "?q=%D0%9A%D0%B8%D1%97%D0%B2+", "?q=survivors+%D0%9A%D0%B8%D1%97%D0%B2+"}
	planFile := filepath.Join(tmp, "plan.json")
	plan, _ := json.Marshal(map[string]any{"cases": queries})
	if err := os.WriteFile(planFile, plan, 0o644); err != nil {
		t.Fatal(err)
	}
	out := runNode(t, filepath.Join("testdata", "browser", "search.mjs"), serve(t, dest, "/"), planFile)
	var rep searchReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("search.mjs output: %v\n%s", err, out)
	}
	for _, e := range rep.Errors {
		t.Error(e)
	}
	for _, qs := range queries {
		s := rep.Cases[qs]
		if !slices.Contains(s.IDs, "ngo-kyiv-cairo-legal-aid") {
			t.Errorf("%s (%q): does not find ngo-kyiv-cairo-legal-aid (%s results: %v)", qs, s.Q, s.Count, s.IDs)
			continue
		}
		if want, _, _ := cat.expect(t, s.state()); !slices.Equal(s.IDs, want) {
			t.Errorf("%s (%q): results %v, want %v", qs, s.Q, s.IDs, want)
		}
	}
}
