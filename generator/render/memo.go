package render

import (
	"encoding/binary"
	"hash/maphash"
	"html/template"
	"strconv"
	"sync"

	"pledgesite/generator/record"
)

// Memo keeps rendered pages and cards between builds of a long-running
// process (the preview server). A page is reused when its fingerprint, a
// hash of everything the page shows, is unchanged; only the pages that make
// up most of a large site are fingerprinted (pledge pages and list pages),
// the few others are always rendered. A nil Memo caches nothing.
type Memo struct {
	mu    sync.Mutex
	pages map[string]memoPage      // by site path
	cards map[string]template.HTML // by fingerprint
	descs map[string]template.HTML // rendered descriptions, by base path and Markdown
	used  map[string]bool          // card and description keys the last build used
}

type memoPage struct {
	key  string
	data []byte
}

var memoSeed, memoSeed2 = maphash.MakeSeed(), maphash.MakeSeed()

// NewMemo returns an empty memo.
func NewMemo() *Memo {
	return &Memo{pages: map[string]memoPage{}, cards: map[string]template.HTML{}, descs: map[string]template.HTML{}, used: map[string]bool{}}
}

func (m *Memo) page(path, key string) ([]byte, bool) {
	if m == nil || key == "" {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.pages[path]
	return e.data, ok && e.key == key
}

func (m *Memo) putPage(path, key string, data []byte) {
	if m == nil || key == "" {
		return
	}
	m.mu.Lock()
	m.pages[path] = memoPage{key: key, data: data}
	m.mu.Unlock()
}

func (m *Memo) card(key string) (template.HTML, bool) { return m.get(false, key) }

func (m *Memo) putCard(key string, html template.HTML) { m.put(false, key, html) }

func (m *Memo) desc(key string) (template.HTML, bool) { return m.get(true, key) }

func (m *Memo) putDesc(key string, html template.HTML) { m.put(true, key, html) }

func (m *Memo) cache(desc bool) map[string]template.HTML {
	if desc {
		return m.descs
	}
	return m.cards
}

func (m *Memo) get(desc bool, key string) (template.HTML, bool) {
	if m == nil {
		return "", false
	}
	cache := m.cache(desc)
	m.mu.Lock()
	defer m.mu.Unlock()
	h, ok := cache[key]
	if ok {
		m.used[key] = true
	}
	return h, ok
}

func (m *Memo) put(desc bool, key string, html template.HTML) {
	if m == nil {
		return
	}
	cache := m.cache(desc)
	m.mu.Lock()
	cache[key] = html
	m.used[key] = true
	m.mu.Unlock()
}

// Prune forgets the cards and descriptions the last build did not use, so
// the memo holds one version of each record however often it is edited.
func (m *Memo) Prune() {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, cache := range []map[string]template.HTML{m.cards, m.descs} {
		for k := range cache {
			if !m.used[k] {
				delete(cache, k)
			}
		}
	}
	m.used = map[string]bool{}
}

// fingerprint hashes what a page shows, or returns "" for pages that are
// always rendered. common covers the theme, assets and settings, which
// every page depends on.
func (r *Renderer) fingerprint(p *Page) string {
	if r.memo == nil {
		return ""
	}
	// maphash is fast and the memo lives in one process, so its random
	// seed does no harm; each part is written with its length, so parts
	// cannot run into each other.
	var h, h2 maphash.Hash
	h.SetSeed(memoSeed)
	h2.SetSeed(memoSeed2)
	var n [8]byte
	put := func(parts ...string) {
		for _, s := range parts {
			binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
			h.Write(n[:])
			h.WriteString(s)
			h2.Write(n[:])
			h2.WriteString(s)
		}
	}
	rec := func(p *record.Pledge) {
		if p == nil {
			put("-")
			return
		}
		put(p.ID, p.Hash)
	}
	put(r.common, p.Kind, p.URL, p.Title, p.Description)
	for _, c := range p.Crumbs {
		put(c.Title, c.URL)
	}
	switch p.Kind {
	case "pledge":
		// The page shows the record, the titles of the records it names or
		// that name it, the measures' titles and the file's date.
		rec(p.Record)
		for _, id := range p.Record.Matches {
			rec(r.site.ByID[id])
		}
		for _, id := range p.Record.ContributesTo {
			rec(r.site.ByID[id])
		}
		put("matched-by")
		for _, m := range r.site.MatchedBy[p.Record.ID] {
			rec(m)
		}
		for _, id := range p.Record.Measures {
			if m := r.site.Measures[id]; m != nil {
				put(m.URL, m.Measure, m.Title)
			}
		}
		put(r.dates(p.Record.Path))
	case "list", "term":
		// A list shows one card per record, the pager and the term.
		for _, rc := range p.Records {
			rec(rc)
		}
		if pg := p.Pager; pg != nil {
			put(strconv.Itoa(pg.Number), strconv.Itoa(pg.Total), strconv.Itoa(pg.Items))
		}
		if p.Term != nil {
			put(p.Taxonomy.Key, p.Term.Value, p.Term.Label)
			if m := r.site.Measures[p.Term.Value]; p.Taxonomy.Key == "measures" && m != nil {
				put(m.URL, m.Summary)
			}
		}
	default:
		return ""
	}
	// Two 64-bit sums with different seeds make an accidental match of two
	// different pages negligible.
	return strconv.FormatUint(h.Sum64(), 16) + strconv.FormatUint(h2.Sum64(), 16)
}
