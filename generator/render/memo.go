package render

import (
	"hash/maphash"
	"html/template"
	"slices"
	"strconv"
	"sync"

	"pledgesite/generator/content"
	"pledgesite/generator/record"
)

// Memo keeps rendered pages and parts between builds of a long-running
// process (the preview server). A page is reused when its fingerprint, a
// hash of everything the page shows, is unchanged; the pages that make up
// most of a large site are fingerprinted (pledge pages and list pages, and
// the home and multistakeholder pages, which draw on every record), the
// few others are always rendered. A nil Memo caches nothing.
type Memo struct {
	mu    sync.Mutex
	pages map[string]*memoPage      // by site path
	parts map[partKey]template.HTML // cards, rows, descriptions, guidance bodies
	build uint64                    // the current build's number
	used  int                       // pages the current build used
	added int                       // parts added since the last sweep
}

// partKey names a rendered part of a record: which part, in which context
// (the theme and settings for cards and rows, the base path for
// descriptions), of which version of the record's file. Numbers rather
// than strings: ten thousand lookups a build should not hash text.
type partKey struct {
	part    uint8
	context uint64
	sum     [2]uint64
}

const (
	partCard uint8 = iota
	partRow
	partDescription
	partBody // a guidance page's Markdown body
)

// memoPage remembers the last build that used it, for Prune.
type memoPage struct {
	key   [2]uint64
	data  []byte
	build uint64
}

var memoSeed, memoSeed2 = maphash.MakeSeed(), maphash.MakeSeed()

// NewMemo returns an empty memo.
func NewMemo() *Memo {
	return &Memo{pages: map[string]*memoPage{}, parts: map[partKey]template.HTML{}, build: 1}
}

// use marks a page used by the current build; m.mu is held.
func (m *Memo) use(build *uint64) {
	if *build != m.build {
		*build = m.build
		m.used++
	}
}

func (m *Memo) page(path string, key [2]uint64, ok bool) ([]byte, bool) {
	if m == nil || !ok {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.pages[path]
	if e == nil {
		return nil, false
	}
	m.use(&e.build)
	return e.data, e.key == key
}

func (m *Memo) putPage(path string, key [2]uint64, ok bool, data []byte) {
	if m == nil || !ok {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.pages[path]
	if e == nil {
		e = &memoPage{}
		m.pages[path] = e
	}
	e.key, e.data = key, data
	m.use(&e.build)
}

func (m *Memo) part(key partKey) (template.HTML, bool) {
	if m == nil {
		return "", false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	h, ok := m.parts[key]
	return h, ok
}

func (m *Memo) putPart(key partKey, html template.HTML) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.parts[key]; !ok {
		m.added++
	}
	m.parts[key] = html
}

// Prune ends a build. It forgets the pages the build did not make and the
// parts keep rejects (old versions of edited records, parts made with an
// old theme), once they may make up more than a sixty-fourth of the memo:
// memory stays bounded however often records are edited, and most builds
// skip the sweep. Parts are not swept by use: a rebuild uses only the
// cards of the few lists that changed.
func (m *Memo) Prune(keep func() func(partKey) bool) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.pages)-m.used > m.used/64 {
		for k, e := range m.pages {
			if e.build != m.build {
				delete(m.pages, k)
			}
		}
	}
	if m.added > len(m.parts)/64 {
		keep := keep()
		for k := range m.parts {
			if !keep(k) {
				delete(m.parts, k)
			}
		}
		m.added = 0
	}
	m.build++
	m.used = 0
}

// PruneMemo ends a build of the memo: it keeps the parts of the records,
// theme and guidance of this build.
func (r *Renderer) PruneMemo() {
	if r.memo == nil {
		return
	}
	r.memo.Prune(func() func(partKey) bool {
		sums := make(map[[2]uint64]bool, len(r.site.Records))
		for _, p := range r.site.Records {
			sums[p.Sum] = true
		}
		for _, p := range r.site.Content.Pages {
			sums[bodySum(p)] = true
		}
		base := r.partContext()
		return func(k partKey) bool {
			switch k.part {
			case partCard, partRow:
				return k.context == r.common && sums[k.sum]
			default: // descriptions and bodies
				return k.context == base && sums[k.sum]
			}
		}
	})
}

// fingerprint hashes what a page shows, or returns false for pages that
// are always rendered. common covers the theme, assets and settings, which
// every page depends on.
func (r *Renderer) fingerprint(p *Page) ([2]uint64, bool) {
	if r.memo == nil {
		return [2]uint64{}, false
	}
	// Records enter as their file's hash, folded by multiply and add in
	// two lanes: the sums are uniformly random already, and a page listing
	// a hundred records then costs no string hashing. Two 64-bit lanes
	// make an accidental match of two different pages negligible.
	var f [2]uint64
	fold := func(a, b uint64) {
		f[0] = f[0]*0x9e3779b97f4a7c15 + a + 1
		f[1] = f[1]*0xc2b2ae3d27d4eb4f + b + 1
	}
	rec := func(p *record.Pledge) {
		if p == nil {
			fold(0, 0)
			return
		}
		fold(p.Sum[0], p.Sum[1])
	}
	// Strings go through maphash: fast, and the memo lives in one process,
	// so its random seeds do no harm. Each is written with its length, so
	// parts cannot run into each other.
	put := func(parts ...string) {
		for _, s := range parts {
			fold(maphash.String(memoSeed, s), maphash.String(memoSeed2, s)^uint64(len(s)))
		}
	}
	fold(r.common, r.common)
	switch p.Kind {
	case "pledge":
		// The page's address, title, summary and crumbs come from the
		// record; it also shows the titles of the records it names or
		// that name it, the measures' titles and the file's date.
		rec(p.Record)
		for _, id := range p.Record.Matches {
			rec(r.site.ByID[id])
		}
		for _, id := range p.Record.ContributesTo {
			rec(r.site.ByID[id])
		}
		rec(nil) // ends the records it names
		for _, m := range r.site.MatchedBy[p.Record.ID] {
			rec(m)
		}
		fold(r.measuresKey, r.measuresKey)
		put(r.dates(p.Record.Path))
	case "list", "term":
		// A list shows one card per record, the pager and the term.
		put(p.Kind, p.URL, p.Title, p.Description)
		for _, c := range p.Crumbs {
			put(c.Title, c.URL)
		}
		for _, rc := range p.Records {
			rec(rc)
		}
		if pg := p.Pager; pg != nil {
			fold(uint64(pg.Number), uint64(pg.Total)<<32|uint64(pg.Items))
		}
		if p.Term != nil {
			put(p.Taxonomy.Key, p.Term.Value, p.Term.Label)
			if m := r.site.Measures[p.Term.Value]; p.Taxonomy.Key == "measures" && m != nil {
				put(m.URL, m.Summary)
			}
		}
	case "home", "multistakeholder":
		// Figures, tallies and lists drawn from the whole catalogue, the
		// guidance's areas, and the page's own record and its date.
		put(p.Kind, p.URL, p.Title, p.Description)
		fold(r.contentKey, r.contentKey)
		for _, rc := range r.site.Records {
			rec(rc)
		}
		rec(p.Record)
		if p.Record != nil {
			put(r.dates(p.Record.Path))
		}
	default:
		return [2]uint64{}, false
	}
	return f, true
}

// contentKeyOf hashes every guidance page, for the pages that show parts
// of the guidance beside the catalogue.
func contentKeyOf(set *content.Set) uint64 {
	var h maphash.Hash
	h.SetSeed(memoSeed)
	for _, p := range set.Pages {
		for _, s := range []string{p.Path, p.URL, p.Kind, p.Title, p.Summary, p.Layout, p.Area, p.Measure, strconv.Itoa(p.Weight)} {
			h.WriteString(s)
			h.WriteByte(0)
		}
		h.Write(p.Body)
		h.WriteByte(0)
	}
	return h.Sum64()
}

// measuresKeyOf hashes what pledge pages show of the guidance measures, so
// a pledge page is fingerprinted without looking its measures up.
func measuresKeyOf(ms map[string]*content.Page) uint64 {
	ids := make([]string, 0, len(ms))
	for id := range ms {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var h maphash.Hash
	h.SetSeed(memoSeed)
	for _, id := range ids {
		m := ms[id]
		for _, s := range []string{id, m.URL, m.Measure, m.Title} {
			h.WriteString(s)
			h.WriteByte(0)
		}
	}
	return h.Sum64()
}
