// Package site is the model of a whole site: the checked records and pages,
// sorted and cross-linked (contributions of each multistakeholder pledge,
// pledges under each measure, pledges that match a pledge) and grouped into
// taxonomies for the browsable list pages and the search facets.
//
// It is built once per build from what record and content loaded, and is
// read-only afterwards, so rendering can share it across goroutines. The
// preview server's next build may take it over and patch it (Update).
package site

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"pledgesite/generator/config"
	"pledgesite/generator/content"
	"pledgesite/generator/record"
	"pledgesite/generator/vocab"
)

// Site is everything the renderer needs.
type Site struct {
	Config  config.Site
	Content *content.Set

	// Records holds every record, newest first (by date, then id).
	Records []*record.Pledge
	ByID    map[string]*record.Pledge
	// Multistakeholder holds the multistakeholder pledges, newest first.
	Multistakeholder []*record.Pledge
	// Featured is the multistakeholder pledge the home page presents.
	Featured *record.Pledge

	Contributions map[string][]*record.Pledge // by multistakeholder id
	MatchedBy     map[string][]*record.Pledge // by the id of the matched pledge
	ByMeasure     map[string][]*record.Pledge // by measure id
	Measures      map[string]*content.Page    // by measure id

	Taxonomies []*Taxonomy

	in []*record.Pledge // the records as New was given them, for Update

	figuresMu sync.Mutex
	figures   *Figures // made on first use; Update keeps them when it can
}

// Figures are the headline numbers on the home page.
type Figures struct {
	Pledges       int
	Contributions int
	Countries     int
	Entities      int
	Fulfilled     int
}

// Figures counts the pledges (multistakeholder pledges aside), the
// contributions among them, the fulfilled ones, and the distinct countries
// and entities (makers and partners) they name.
func (s *Site) Figures() Figures {
	s.figuresMu.Lock()
	defer s.figuresMu.Unlock()
	if s.figures != nil {
		return *s.figures
	}
	var f Figures
	countries := map[string]bool{}
	// Sized up front: growing a set of 10,000 names was most of the cost.
	entities := make(map[string]bool, len(s.Records))
	for _, p := range s.Records {
		if p.IsMultistakeholder() {
			continue
		}
		f.Pledges++
		if p.IsContribution() {
			f.Contributions++
		}
		if p.Status == "fulfilled" {
			f.Fulfilled++
		}
		for _, c := range p.Countries {
			countries[c] = true
		}
		entities[p.Entity.Name] = true
		for _, e := range p.Partners {
			entities[e.Name] = true
		}
	}
	f.Countries, f.Entities = len(countries), len(entities)
	s.figures = &f
	return f
}

// New builds the model. The inputs must have passed validation: New does
// not report problems, it only skips references it cannot resolve.
func New(cfg config.Site, set *content.Set, recs []*record.Pledge) *Site {
	s := &Site{
		Config:        cfg,
		Content:       set,
		in:            recs,
		Records:       slices.Clone(recs),
		ByID:          make(map[string]*record.Pledge, len(recs)),
		Contributions: map[string][]*record.Pledge{},
		MatchedBy:     map[string][]*record.Pledge{},
		ByMeasure:     map[string][]*record.Pledge{},
		Measures:      map[string]*content.Page{},
	}
	slices.SortFunc(s.Records, Newest)
	var measures, msps []vocab.Term
	for _, m := range set.Measures {
		s.Measures[m.Measure] = m
		measures = append(measures, vocab.Term{Value: m.Measure, Label: strings.ToUpper(m.Measure) + " · " + m.Title})
	}
	for _, p := range s.Records {
		if p.IsMultistakeholder() {
			s.Multistakeholder = append(s.Multistakeholder, p)
			msps = append(msps, vocab.Term{Value: p.ID, Label: p.Title})
		}
	}
	// The taxonomies, most of the work, are made beside the lookups.
	var wg sync.WaitGroup
	wg.Go(func() { s.Taxonomies = buildTaxonomies(s.Records, measures, msps) })
	for _, p := range s.Records {
		s.ByID[p.ID] = p
		s.eachRefList(p, func(m map[string][]*record.Pledge, key string) { m[key] = append(m[key], p) })
	}
	s.Featured = s.ByID[cfg.Featured]
	if s.Featured == nil && len(s.Multistakeholder) > 0 {
		s.Featured = s.Multistakeholder[len(s.Multistakeholder)-1]
	}
	wg.Wait()
	return s
}

// Newest orders records newest first, then by id, so every list is stable.
func Newest(a, b *record.Pledge) int {
	return cmp.Or(strings.Compare(b.Date, a.Date), strings.Compare(a.ID, b.ID))
}

// Pledges returns the records of kind pledge, newest first.
func (s *Site) Pledges() []*record.Pledge {
	out := make([]*record.Pledge, 0, len(s.Records))
	for _, p := range s.Records {
		if !p.IsMultistakeholder() {
			out = append(out, p)
		}
	}
	return out
}

// Taxonomy returns the taxonomy with the key, or nil.
func (s *Site) Taxonomy(key string) *Taxonomy {
	for _, t := range s.Taxonomies {
		if t.Key == key {
			return t
		}
	}
	return nil
}

// Region returns the region slug of a country code.
func Region(code string) string {
	c, _ := vocab.LookupCountry(code)
	return c.Region
}

// Regions returns the distinct regions of a record's countries, in the
// order of vocab.Regions. The slice is shared: callers must not change it.
func Regions(p *record.Pledge) []string {
	t := regionTable()
	var set uint
	for _, c := range p.Countries {
		if bit, ok := t.bit[c]; ok {
			set |= 1 << bit
		}
	}
	return t.sets[set]
}

// regionTable holds each country's region as a bit, in the order of
// vocab.Regions, and the region list of every set of bits: the model,
// the data and the pages ask for a record's regions many times over.
var regionTable = sync.OnceValue(func() (t struct {
	bit  map[string]uint
	sets [][]string
}) {
	order := map[string]uint{}
	for i, r := range vocab.Regions {
		order[r.Value] = uint(i)
	}
	t.bit = map[string]uint{}
	for _, c := range vocab.Countries() {
		if i, ok := order[c.Region]; ok {
			t.bit[c.Code] = i
		}
	}
	t.sets = make([][]string, 1<<len(vocab.Regions))
	for set := range t.sets {
		var rs []string
		for i, r := range vocab.Regions {
			if set&(1<<i) != 0 {
				rs = append(rs, r.Value)
			}
		}
		t.sets[set] = rs[:len(rs):len(rs)]
	}
	return t
})
