package site

import (
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"pledgesite/generator/record"
	"pledgesite/generator/vocab"
)

// Taxonomy is one way of grouping records, with a list page per term under
// /<Key>/<term slug>/ and an index page at /<Key>/.
type Taxonomy struct {
	Key      string // URL segment: "countries"
	Field    string // record field name, used by search facets: "countries"
	Title    string // "Countries"
	Singular string // "Country"
	Intro    string // one sentence for the index page
	Terms    []*Term
	byValue  map[string]*Term
}

// Term is one value of a taxonomy with the records that carry it.
type Term struct {
	Value   string
	Label   string
	Slug    string
	Records []*record.Pledge // newest first
}

// Term returns the term with the value, or nil.
func (t *Taxonomy) Term(value string) *Term { return t.byValue[value] }

// URL is the site-relative address of the taxonomy's index page.
func (t *Taxonomy) URL() string { return "/" + t.Key + "/" }

// TermURL is the site-relative address of a term's list page.
func (t *Taxonomy) TermURL(value string) string { return t.URL() + Slug(value) + "/" }

// Slug turns a term value into a URL segment: "GRF-2023" -> "grf-2023",
// "16.2" -> "16-2".
func Slug(value string) string {
	return strings.ToLower(strings.ReplaceAll(value, ".", "-"))
}

// taxonomyDef says how to read a taxonomy's values off a record and which
// terms exist. Terms with no records are kept when the vocabulary is small,
// so a reader sees that nobody has pledged under them yet.
type taxonomyDef struct {
	Taxonomy
	terms    []vocab.Term // all possible terms, in display order; nil: from records
	keepZero bool
	values   func(*record.Pledge) []string
}

func ints(v []int) []string {
	out := make([]string, len(v))
	for i, n := range v {
		out[i] = strconv.Itoa(n)
	}
	return out
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func countryTerms() []vocab.Term {
	cs := vocab.Countries()
	out := make([]vocab.Term, len(cs))
	for i, c := range cs {
		out[i] = vocab.Term{Value: c.Code, Label: c.Name}
	}
	return out
}

func definitions(measures, msps []vocab.Term) []taxonomyDef {
	return []taxonomyDef{
		{Taxonomy: Taxonomy{Key: "stakeholders", Field: "entity_type", Title: "Stakeholder types", Singular: "Stakeholder type",
			Intro: "Pledges by the type of entity that made them."},
			terms: vocab.StakeholderTypes, keepZero: true, values: func(p *record.Pledge) []string { return one(p.Entity.Type) }},
		{Taxonomy: Taxonomy{Key: "countries", Field: "countries", Title: "Countries", Singular: "Country",
			Intro: "Pledges by the countries where they are carried out."},
			terms: countryTerms(), values: func(p *record.Pledge) []string { return p.Countries }},
		{Taxonomy: Taxonomy{Key: "regions", Field: "region", Title: "Regions", Singular: "Region",
			Intro: "Pledges by UNHCR region, derived from the countries where they are carried out."},
			terms: vocab.Regions, keepZero: true, values: Regions},
		{Taxonomy: Taxonomy{Key: "status", Field: "status", Title: "Status", Singular: "Status",
			Intro: "Pledges by how far they have come."},
			terms: vocab.Statuses, keepZero: true, values: func(p *record.Pledge) []string { return one(p.Status) }},
		{Taxonomy: Taxonomy{Key: "forums", Field: "forum", Title: "Forums", Singular: "Forum",
			Intro: "Pledges by the meeting at which they were announced."},
			terms: vocab.Forums, keepZero: true, values: func(p *record.Pledge) []string { return one(p.Forum) }},
		{Taxonomy: Taxonomy{Key: "support", Field: "support", Title: "Types of support", Singular: "Type of support",
			Intro: "Pledges by the kind of support they offer."},
			terms: vocab.SupportTypes, keepZero: true, values: func(p *record.Pledge) []string { return p.Support }},
		{Taxonomy: Taxonomy{Key: "target-groups", Field: "target_groups", Title: "Target groups", Singular: "Target group",
			Intro: "Pledges by the people they are for."},
			terms: vocab.TargetGroups, keepZero: true, values: func(p *record.Pledge) []string { return p.TargetGroups }},
		{Taxonomy: Taxonomy{Key: "sdg", Field: "sdg_targets", Title: "SDG targets", Singular: "SDG target",
			Intro: "Pledges by the Sustainable Development Goal targets they contribute to."},
			values: func(p *record.Pledge) []string { return p.SDGTargets }},
		{Taxonomy: Taxonomy{Key: "gcr-objectives", Field: "gcr_objectives", Title: "GCR objectives", Singular: "GCR objective",
			Intro: "Pledges by the objectives of the Global Compact on Refugees they serve."},
			terms: vocab.GCRObjectives, keepZero: true, values: func(p *record.Pledge) []string { return ints(p.GCRObjectives) }},
		{Taxonomy: Taxonomy{Key: "gcm-objectives", Field: "gcm_objectives", Title: "GCM objectives", Singular: "GCM objective",
			Intro: "Pledges by the objectives of the Global Compact for Migration they serve."},
			terms: vocab.GCMObjectives, values: func(p *record.Pledge) []string { return ints(p.GCMObjectives) }},
		{Taxonomy: Taxonomy{Key: "hlom-recommendations", Field: "hlom_recommendations", Title: "HLOM 2021 recommendations", Singular: "HLOM 2021 recommendation",
			Intro: "Pledges by the key recommendations of the 2021 High-Level Officials Meeting they take forward."},
			terms: vocab.HLOMRecommendations, keepZero: true, values: func(p *record.Pledge) []string { return ints(p.HLOMRecommendations) }},
		{Taxonomy: Taxonomy{Key: "measures", Field: "measures", Title: "Measures", Singular: "Measure",
			Intro: "Pledges by the measures of the pledging guidance they put into practice."},
			terms: measures, keepZero: true, values: func(p *record.Pledge) []string { return p.Measures }},
		{Taxonomy: Taxonomy{Key: "contributions", Field: "contributes_to", Title: "Contributions", Singular: "Multistakeholder pledge",
			Intro: "Pledges by the multistakeholder pledge they contribute to."},
			terms: msps, keepZero: true, values: func(p *record.Pledge) []string { return p.ContributesTo }},
	}
}

func buildTaxonomies(recs []*record.Pledge, measures, msps []vocab.Term) []*Taxonomy {
	defs := definitions(measures, msps)
	taxes := make([]*Taxonomy, len(defs))
	for i, def := range defs {
		t := def.Taxonomy
		t.byValue = make(map[string]*Term, len(def.terms))
		for _, v := range def.terms {
			t.byValue[v.Value] = &Term{Value: v.Value, Label: v.Label, Slug: Slug(v.Value)}
		}
		taxes[i] = &t
	}
	// One pass over the records on each core, each record read for every
	// taxonomy of the core's share while it is in the processor's cache:
	// a pass per taxonomy spent most of its time waiting for memory at
	// 10,000 records. No two cores share a taxonomy, and each goes
	// through the records in order, so every term lists them in order.
	workers := min(runtime.GOMAXPROCS(0), len(defs))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for _, p := range recs {
				for i := w; i < len(defs); i += workers {
					t := taxes[i]
					for _, v := range defs[i].values(p) {
						term := t.byValue[v]
						if term == nil {
							term = &Term{Value: v, Label: sdgLabel(v), Slug: Slug(v)}
							t.byValue[v] = term
						}
						term.Records = append(term.Records, p)
					}
				}
			}
		})
	}
	wg.Wait()
	for i, def := range defs {
		t := taxes[i]
		order := def.terms
		if order == nil {
			for v := range t.byValue {
				order = append(order, vocab.Term{Value: v})
			}
			slices.SortFunc(order, func(a, b vocab.Term) int { return compareSDG(a.Value, b.Value) })
		}
		for _, v := range order {
			if term := t.byValue[v.Value]; len(term.Records) > 0 || def.keepZero {
				t.Terms = append(t.Terms, term)
			} else {
				delete(t.byValue, v.Value)
			}
		}
	}
	return taxes
}

// sdgLabel names an SDG target by its goal: "16.2 (Peace, justice and strong
// institutions)".
func sdgLabel(target string) string {
	goal, _, _ := strings.Cut(target, ".")
	g, err := strconv.Atoi(goal)
	if err != nil || g < 1 || g > len(vocab.SDGGoals) {
		return target
	}
	return "Target " + target + " · " + vocab.SDGGoals[g-1].Label
}

// compareSDG orders SDG targets numerically by goal, then target: 5.2 before
// 16.2, and 8.7 before 8.10.
func compareSDG(a, b string) int {
	ag, at, _ := strings.Cut(a, ".")
	bg, bt, _ := strings.Cut(b, ".")
	if c := cmpNum(ag, bg); c != 0 {
		return c
	}
	return cmpNum(at, bt)
}

func cmpNum(a, b string) int {
	an, aerr := strconv.Atoi(a)
	bn, berr := strconv.Atoi(b)
	switch {
	case aerr == nil && berr == nil:
		return an - bn
	case aerr == nil:
		return -1
	case berr == nil:
		return 1
	}
	return strings.Compare(a, b)
}
