package site

import (
	"slices"
	"sync"

	"pledgesite/generator/config"
	"pledgesite/generator/content"
	"pledgesite/generator/record"
)

// Update returns the model of recs, taking over prev, the model of the
// last build, which must not be used afterwards. When recs differ from
// prev's records only in records that keep everything the model sorts and
// groups them by (id, kind, date, every taxonomy value and reference), as
// after most edits, prev is patched: the changed records take the place
// of their old versions. At 10,000 records that takes microseconds where
// New takes tens of milliseconds. A few records added, removed, or edited
// in what the model sorts them by (a date, a status), are taken out of or
// put into every list in place too, unless one empties or makes a term of
// its own or is a multistakeholder or the featured pledge. Otherwise Update
// is New.
func Update(prev *Site, cfg config.Site, set *content.Set, recs []*record.Pledge) *Site {
	if prev == nil || prev.Config != cfg || !sameMeasures(prev.Content.Measures, set.Measures) {
		return New(cfg, set, recs)
	}
	if len(prev.in) != len(recs) {
		return prev.addRemove(cfg, set, recs)
	}
	var edited, gone, come []*record.Pledge
	for i, p := range recs {
		switch old := prev.in[i]; {
		case old == p:
		case sameShape(old, p):
			edited = append(edited, p)
		default:
			gone, come = append(gone, old), append(come, p)
		}
	}
	return prev.patch(cfg, set, recs, edited, gone, come)
}

// addRemove is Update when records were added or removed: each record of
// recs is new, the same as in s, or edited, and each of s's records recs
// lacks is removed.
func (s *Site) addRemove(cfg config.Site, set *content.Set, recs []*record.Pledge) *Site {
	var edited, gone, come []*record.Pledge
	kept := 0
	for _, p := range recs {
		old := s.ByID[p.ID]
		switch {
		case old == nil:
			come = append(come, p)
			continue
		case old == p:
		case sameShape(old, p):
			edited = append(edited, p)
		default:
			gone, come = append(gone, old), append(come, p)
		}
		kept++
	}
	if kept < len(s.in) {
		now := make(map[string]bool, len(recs))
		for _, p := range recs {
			now[p.ID] = true
		}
		for _, p := range s.in {
			if !now[p.ID] {
				gone = append(gone, p)
			}
		}
	}
	return s.patch(cfg, set, recs, edited, gone, come)
}

// maxMoved is how many records patch takes out or puts in; past it, New
// is as quick.
const maxMoved = 16

// patch makes s the model of recs: the edited records take the place of
// their old versions, which have the same shape; the gone ones are taken
// out of every list and the come ones put in. It falls back to New, which
// does not read s, when that would take more, even with s half patched.
func (s *Site) patch(cfg config.Site, set *content.Set, recs, edited, gone, come []*record.Pledge) *Site {
	if len(gone)+len(come) > maxMoved || len(recs) != len(s.in)-len(gone)+len(come) {
		return New(cfg, set, recs)
	}
	for _, p := range edited {
		old := s.ByID[p.ID]
		// The figures count distinct entity names; nothing else they count
		// can change without changing the record's shape.
		if !sameNames(old, p) {
			s.figures = nil
		}
		s.replace(old, p)
	}
	for _, p := range gone {
		if !s.remove(cfg, p) {
			return New(cfg, set, recs)
		}
	}
	for _, p := range come {
		if !s.insert(cfg, p) {
			return New(cfg, set, recs)
		}
	}
	if len(gone)+len(come) > 0 {
		s.figures = nil
	}
	s.in, s.Content = recs, set
	s.Measures = make(map[string]*content.Page, len(set.Measures))
	for _, m := range set.Measures {
		s.Measures[m.Measure] = m
	}
	return s
}

// insert puts the new record p into every list of the model. It reports
// false, having put it in some, when the model would change otherwise:
// p is a multistakeholder or the featured pledge, or has a taxonomy value
// no term stands for yet.
func (s *Site) insert(cfg config.Site, p *record.Pledge) bool {
	if p.IsMultistakeholder() || p.ID == cfg.Featured {
		return false
	}
	if !s.eachTerm(p, func(term *Term, _ bool) bool { return term != nil }) {
		return false
	}
	s.Records = insertSorted(s.Records, p)
	s.ByID[p.ID] = p
	s.eachRefList(p, func(m map[string][]*record.Pledge, key string) { m[key] = insertSorted(m[key], p) })
	s.eachTerm(p, func(term *Term, _ bool) bool {
		term.Records = insertSorted(term.Records, p)
		return true
	})
	return true
}

// remove takes the record p, which recs lack, out of every list of the
// model. It reports false, having taken it out of some, when the model
// would change otherwise: p is a multistakeholder or the featured pledge,
// or the last record of a term that shows only while it has records.
func (s *Site) remove(cfg config.Site, p *record.Pledge) bool {
	if p.IsMultistakeholder() || p.ID == cfg.Featured {
		return false
	}
	if !s.eachTerm(p, func(term *Term, keepZero bool) bool { return term != nil && (len(term.Records) > 1 || keepZero) }) {
		return false
	}
	s.Records = removeSorted(s.Records, p)
	delete(s.ByID, p.ID)
	// Lists New would not have made are left out, as New leaves them.
	s.eachRefList(p, func(m map[string][]*record.Pledge, key string) {
		if l := removeSorted(m[key], p); len(l) > 0 {
			m[key] = l
		} else {
			delete(m, key)
		}
	})
	s.eachTerm(p, func(term *Term, _ bool) bool {
		if term.Records = removeSorted(term.Records, p); len(term.Records) == 0 {
			term.Records = nil
		}
		return true
	})
	return true
}

// eachRefList calls f with each list p's references put it in, by its map
// and key: the contributions of its multistakeholder pledges, the pledges
// matching those it matches, the pledges under its measures.
func (s *Site) eachRefList(p *record.Pledge, f func(m map[string][]*record.Pledge, key string)) {
	for _, id := range p.ContributesTo {
		f(s.Contributions, id)
	}
	for _, id := range p.Matches {
		f(s.MatchedBy, id)
	}
	for _, m := range p.Measures {
		f(s.ByMeasure, m)
	}
}

// eachTerm calls f with the term of each taxonomy value of p (nil when no
// term stands for it) and whether its taxonomy keeps terms without
// records, until f returns false; it reports whether f never did.
func (s *Site) eachTerm(p *record.Pledge, f func(term *Term, keepZero bool) bool) bool {
	for i, def := range valueDefs() {
		for _, v := range def.values(p) {
			if !f(s.Taxonomies[i].byValue[v], def.keepZero) {
				return false
			}
		}
	}
	return true
}

// insertSorted adds p to a list sorted newest first.
func insertSorted(list []*record.Pledge, p *record.Pledge) []*record.Pledge {
	i, _ := slices.BinarySearchFunc(list, p, Newest)
	return slices.Insert(list, i, p)
}

// removeSorted takes p out of a list sorted newest first.
func removeSorted(list []*record.Pledge, p *record.Pledge) []*record.Pledge {
	if i := indexIn(list, p); i >= 0 {
		return slices.Delete(list, i, i+1)
	}
	return list
}

// indexIn finds p in a list sorted newest first, or returns -1.
func indexIn(list []*record.Pledge, p *record.Pledge) int {
	if i, ok := slices.BinarySearchFunc(list, p, Newest); ok && list[i] == p {
		return i
	}
	return slices.Index(list, p)
}

// sameMeasures tells whether two guidance versions have the same measures
// under the same titles, which is all the model takes from them.
func sameMeasures(a, b []*content.Page) bool {
	return slices.EqualFunc(a, b, func(x, y *content.Page) bool { return x.Measure == y.Measure && x.Title == y.Title })
}

// valueDefs are the taxonomies' value functions, which do not depend on
// the measures or multistakeholder pledges.
var valueDefs = sync.OnceValue(func() []taxonomyDef { return definitions(nil, nil) })

// sameNames tells whether two records name the same entities.
func sameNames(a, b *record.Pledge) bool {
	return a.Entity.Name == b.Entity.Name &&
		slices.EqualFunc(a.Partners, b.Partners, func(x, y record.Entity) bool { return x.Name == y.Name })
}

// sameShape tells whether the model would place b where it placed a.
func sameShape(a, b *record.Pledge) bool {
	if a.ID != b.ID || a.Kind != b.Kind || a.Date != b.Date ||
		!slices.Equal(a.ContributesTo, b.ContributesTo) || !slices.Equal(a.Matches, b.Matches) || !slices.Equal(a.Measures, b.Measures) {
		return false
	}
	// A multistakeholder pledge's title labels its contributions' term.
	if a.IsMultistakeholder() && a.Title != b.Title {
		return false
	}
	for _, def := range valueDefs() {
		if !slices.Equal(def.values(a), def.values(b)) {
			return false
		}
	}
	return true
}

// replace puts p where old was, in every list of the model; both have the
// same shape.
func (s *Site) replace(old, p *record.Pledge) {
	replaceIn(s.Records, old, p)
	s.ByID[p.ID] = p
	if p.IsMultistakeholder() {
		replaceIn(s.Multistakeholder, old, p)
	}
	if s.Featured == old {
		s.Featured = p
	}
	s.eachRefList(p, func(m map[string][]*record.Pledge, key string) { replaceIn(m[key], old, p) })
	s.eachTerm(p, func(term *Term, _ bool) bool {
		if term != nil {
			replaceIn(term.Records, old, p)
		}
		return true
	})
}

// replaceIn replaces old by p in a list sorted newest first.
func replaceIn(list []*record.Pledge, old, p *record.Pledge) {
	if i := indexIn(list, old); i >= 0 {
		list[i] = p
	}
}
