package site

import (
	"reflect"
	"slices"
	"testing"

	"pledgesite/generator/config"
	"pledgesite/generator/content"
	"pledgesite/generator/record"
)

func testRecords() []*record.Pledge {
	msp := &record.Pledge{ID: "msp", Kind: record.KindMultistakeholder, Title: "Protection", Date: "2023-12-13",
		Entity: record.Entity{Name: "Rapporteur", Type: "un-entity"}, Measures: []string{"a1"}}
	a := &record.Pledge{ID: "ngo-a", Kind: "pledge", Title: "Shelter", Date: "2024-01-02", Status: "in-progress",
		Entity: record.Entity{Name: "Harbour", Type: "ngo-national"}, Countries: []string{"KEN", "UGA"},
		ContributesTo: []string{"msp"}, Measures: []string{"a1", "b1"}, SDGTargets: []string{"16.2"}, GCRObjectives: []int{1}}
	b := &record.Pledge{ID: "ngo-b", Kind: "pledge", Title: "Legal aid", Date: "2024-01-02", Status: "fulfilled",
		Entity: record.Entity{Name: "Jacaranda", Type: "ngo-international"}, Countries: []string{"KEN"},
		Matches: []string{"ngo-a"}, Measures: []string{"b1"}, Support: []string{"financial"}}
	c := &record.Pledge{ID: "state-c", Kind: "pledge", Title: "Screening", Date: "2022-05-01", Status: "planned",
		Entity: record.Entity{Name: "Ministry", Type: "state"}, Countries: []string{"DEU"}, Measures: []string{"a1"}}
	return []*record.Pledge{msp, a, b, c}
}

// TestUpdateEqualsNew edits the records between builds and checks that
// Update gives the model New gives, holding only the new records.
func TestUpdateEqualsNew(t *testing.T) {
	set := &content.Set{Measures: []*content.Page{{Measure: "a1", Title: "Screening"}, {Measure: "b1", Title: "Shelter"}}}
	cfg := config.Site{Title: "T", BaseURL: "/", PageSize: 2}
	edit := func(recs []*record.Pledge, i int, f func(p *record.Pledge)) []*record.Pledge {
		out := slices.Clone(recs)
		p := *out[i]
		f(&p)
		out[i] = &p
		return out
	}
	tests := []struct {
		name    string
		edit    func([]*record.Pledge) []*record.Pledge
		patched bool // Update patches rather than building anew
	}{
		{"unchanged", func(r []*record.Pledge) []*record.Pledge { return r }, true},
		{"title", func(r []*record.Pledge) []*record.Pledge {
			return edit(r, 1, func(p *record.Pledge) { p.Title = "New shelter" })
		}, true},
		{"two records", func(r []*record.Pledge) []*record.Pledge {
			r = edit(r, 2, func(p *record.Pledge) { p.Summary = "Changed" })
			return edit(r, 3, func(p *record.Pledge) { p.Description = "Changed" })
		}, true},
		{"entity renamed", func(r []*record.Pledge) []*record.Pledge {
			return edit(r, 3, func(p *record.Pledge) { p.Entity.Name = "Harbour" }) // as ngo-a's
		}, true},
		{"multistakeholder summary", func(r []*record.Pledge) []*record.Pledge {
			return edit(r, 0, func(p *record.Pledge) { p.Summary = "Changed" })
		}, true},
		{"multistakeholder title", func(r []*record.Pledge) []*record.Pledge {
			return edit(r, 0, func(p *record.Pledge) { p.Title = "Renamed" })
		}, false},
		{"date", func(r []*record.Pledge) []*record.Pledge {
			return edit(r, 3, func(p *record.Pledge) { p.Date = "2025-01-01" })
		}, false},
		{"country", func(r []*record.Pledge) []*record.Pledge {
			return edit(r, 2, func(p *record.Pledge) { p.Countries = []string{"FRA"} })
		}, false},
		{"measure", func(r []*record.Pledge) []*record.Pledge {
			return edit(r, 2, func(p *record.Pledge) { p.Measures = []string{"a1"} })
		}, true},
		// ngo-b shares every term with another record, so it can be taken
		// out and put back without a term emptied.
		{"date that moves a record", func(r []*record.Pledge) []*record.Pledge {
			return edit(r, 2, func(p *record.Pledge) { p.Date = "2021-07-07" })
		}, true},
		{"status and date", func(r []*record.Pledge) []*record.Pledge {
			return edit(r, 2, func(p *record.Pledge) { p.Status = "planned"; p.Date = "2026-02-02" })
		}, true},
		{"status", func(r []*record.Pledge) []*record.Pledge {
			return edit(r, 1, func(p *record.Pledge) { p.Status = "fulfilled" })
		}, false},
		{"record added", func(r []*record.Pledge) []*record.Pledge {
			return append(slices.Clone(r), &record.Pledge{ID: "z", Kind: "pledge", Date: "2021-01-01", Entity: record.Entity{Type: "state"}})
		}, true},
		{"newest record added, with references", func(r []*record.Pledge) []*record.Pledge {
			return append(slices.Clone(r), &record.Pledge{ID: "y", Kind: "pledge", Date: "2026-01-01", Status: "planned",
				Entity: record.Entity{Name: "New org", Type: "ngo-national"}, Countries: []string{"KEN"},
				ContributesTo: []string{"msp"}, Matches: []string{"ngo-b"}, Measures: []string{"a1"}, Support: []string{"financial"}})
		}, true},
		{"record removed", func(r []*record.Pledge) []*record.Pledge {
			return slices.Delete(slices.Clone(r), 2, 3) // ngo-b: its lists hold others
		}, true},
		{"records added and removed, one edited", func(r []*record.Pledge) []*record.Pledge {
			r = edit(r, 1, func(p *record.Pledge) { p.Title = "New shelter" })
			r = slices.Delete(r, 2, 3)
			return append(r, &record.Pledge{ID: "x", Kind: "pledge", Date: "2020-01-01", Entity: record.Entity{Type: "state"}, Countries: []string{"UGA"}},
				&record.Pledge{ID: "w", Kind: "pledge", Date: "2024-01-02", Entity: record.Entity{Type: "state"}, Measures: []string{"b1"}})
		}, true},
		{"record added with a country no record had", func(r []*record.Pledge) []*record.Pledge {
			return append(slices.Clone(r), &record.Pledge{ID: "z", Kind: "pledge", Date: "2021-01-01", Entity: record.Entity{Type: "state"}, Countries: []string{"FRA"}})
		}, false},
		{"last record of a country removed", func(r []*record.Pledge) []*record.Pledge {
			return slices.Delete(slices.Clone(r), 3, 4) // state-c, the only one in DEU
		}, false},
		{"multistakeholder pledge added", func(r []*record.Pledge) []*record.Pledge {
			return append(slices.Clone(r), &record.Pledge{ID: "msp2", Kind: record.KindMultistakeholder, Title: "Second", Date: "2024-02-02",
				Entity: record.Entity{Type: "un-entity"}})
		}, false},
		{"record removed and another added under its id", func(r []*record.Pledge) []*record.Pledge {
			return append(slices.Delete(slices.Clone(r), 2, 3), &record.Pledge{ID: "ngo-b", Kind: "pledge", Date: "2019-01-01", Entity: record.Entity{Type: "state"}})
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prev := New(cfg, set, testRecords())
			prev.Figures() // made before the edit, kept only if still right
			recs := tc.edit(prev.in)
			got := Update(prev, cfg, set, recs)
			if patched := got == prev; patched != tc.patched {
				t.Errorf("patched = %v, want %v", patched, tc.patched)
			}
			want := New(cfg, set, recs)
			if g, w := got.Figures(), want.Figures(); g != w {
				t.Errorf("figures %+v, want %+v", g, w)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Update differs from New")
			}
			// Deep equality would not see an old version left in a list.
			current := map[*record.Pledge]bool{}
			for _, p := range recs {
				current[p] = true
			}
			check := func(where string, list []*record.Pledge) {
				for _, p := range list {
					if !current[p] {
						t.Errorf("%s holds an old version of %s", where, p.ID)
					}
				}
			}
			check("Records", got.Records)
			check("Multistakeholder", got.Multistakeholder)
			check("Featured", []*record.Pledge{got.Featured})
			for id, p := range got.ByID {
				check("ByID "+id, []*record.Pledge{p})
			}
			for _, m := range []map[string][]*record.Pledge{got.Contributions, got.MatchedBy, got.ByMeasure} {
				for k, list := range m {
					check(k, list)
				}
			}
			for _, tax := range got.Taxonomies {
				for _, term := range tax.Terms {
					check(tax.Key+"/"+term.Value, term.Records)
				}
			}
		})
	}
}

// TestUpdateMeasureTitles falls back to New when a measure's title, which
// labels a term, changes.
func TestUpdateMeasureTitles(t *testing.T) {
	cfg := config.Site{Title: "T", BaseURL: "/", PageSize: 2}
	set := &content.Set{Measures: []*content.Page{{Measure: "a1", Title: "Screening"}, {Measure: "b1", Title: "Shelter"}}}
	prev := New(cfg, set, testRecords())
	set2 := &content.Set{Measures: []*content.Page{{Measure: "a1", Title: "Early screening"}, {Measure: "b1", Title: "Shelter"}}}
	got := Update(prev, cfg, set2, prev.in)
	if got == prev {
		t.Fatal("patched the model although a measure's title changed")
	}
	if !reflect.DeepEqual(got, New(cfg, set2, prev.in)) {
		t.Error("Update differs from New")
	}
}
