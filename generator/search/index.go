// Package search writes the search index of a site: static files that the
// browser client (themes/default/assets/js/search.js) fetches on demand, so
// search and faceted filtering run without a server.
//
// The layout follows the idea of Pagefind: a small entry file, then only
// what a query needs.
//
//	search/meta.json       entry: document count, shard keys, facet values
//	search/t/<key>.bin     term shards: the terms sharing a prefix, each with
//	                       three document sets (title and names, summary,
//	                       description) for ranking
//	search/d/<n>.json      one small fragment per document, for result lists
//	search/facets.bin      one document set per facet value, fetched after
//	                       the first results to count and filter
//
// Documents are numbered oldest first, the reverse of the site's order, so
// that the newest pledge, the one most often added, takes a new number and
// leaves every other document's number and fragment as they were, and the
// shards of the words it lacks: publishing it changes a few search files,
// not all of them (175 of 10,428 at 10,000 pledges). The client lists
// documents newest first. A document set is a sorted list of numbers. Each
// set is stored as whichever is smaller: a list of varint gaps, or a bitmap
// of one bit per document. A common term or facet value thus costs at most
// N/8 bytes, which keeps the bytes a query needs low at 100,000 pledges.
package search

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"pledgesite/generator/record"
	"pledgesite/generator/site"
)

// Version of the file format, checked by the client.
const Version = 2

// MaxShard is the size above which a shard is split by a longer prefix.
const MaxShard = 16 << 10

// Tiers of a term's postings, by where the term occurs. Weights are the
// client's; the order here is the order in a shard.
const (
	TierNames = iota // title, entity and partner names
	TierSummary
	TierBody // description and place names
	tiers
)

// FacetFields are the record fields offered as facets, in page order. The
// names are the search page's contract (input name attributes and URL
// parameters).
var FacetFields = []string{
	"status", "entity_type", "region", "countries", "forum", "support",
	"measures", "sdg_targets", "target_groups", "contributes_to",
}

// Meta is search/meta.json.
type Meta struct {
	Version int      `json:"v"`
	Hash    string   `json:"hash"`
	Docs    int      `json:"docs"`
	Shards  []string `json:"shards"`
	Facets  []Facet  `json:"facets"`
}

// Facet is one facet field with its values in order.
type Facet struct {
	Field  string   `json:"field"`
	Values []string `json:"values"`
	Counts []int    `json:"-"` // documents per value, for the page's initial counts
	Labels []string `json:"-"`
	Title  string   `json:"-"`
}

// Fragment is search/d/<n>.json: what a result shows.
type Fragment struct {
	ID      string `json:"id"`
	URL     string `json:"url"`
	Title   string `json:"title"`
	Entity  string `json:"entity"`
	Status  string `json:"status,omitempty"`
	Kind    string `json:"kind,omitempty"`
	Date    string `json:"date"`
	Summary string `json:"summary"`
	Text    string `json:"text,omitempty"`
}

// Index is a built index: files by site path, and the facets for the page.
type Index struct {
	Files  map[string][]byte // without the fragments, when Build emitted them
	Meta   Meta
	Facets []Facet
}

// TextFunc returns the plain text of a record's description.
type TextFunc func(p *record.Pledge) string

// Cache keeps, between builds of a long-running process, each document's
// terms and fragment by record content, so a rebuild tokenizes only the
// records that changed, and the last index's postings, so a rebuild that
// keeps the documents in order updates the postings of the changed ones
// and encodes again only their terms and shards. A nil Cache caches
// nothing.
type Cache struct {
	mu   sync.Mutex
	base string
	docs map[docKey]*doc
	used map[docKey]bool
	last *state
}

// docKey names a version of a record without concatenating strings.
type docKey struct {
	id  string
	sum [2]uint64
}

// doc is one document's index data.
type doc struct {
	terms [tiers][]string // sorted, each once; kept by the cache
	refs  [tiers][]*term  // instead of terms, in a one-off build
	frag  []byte
	sum   [32]byte // of frag
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{docs: map[docKey]*doc{}, used: map[docKey]bool{}} }

func (c *Cache) get(base string, key docKey) (*doc, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.base != base {
		c.base, c.docs, c.last = base, map[docKey]*doc{}, nil
	}
	d, ok := c.docs[key]
	if ok {
		c.used[key] = true
	}
	return d, ok
}

func (c *Cache) put(key docKey, d *doc) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.docs[key] = d
	c.used[key] = true
	c.mu.Unlock()
}

// prune forgets documents the last build did not use.
func (c *Cache) prune() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.docs {
		if !c.used[k] {
			delete(c.docs, k)
		}
	}
	c.used = make(map[docKey]bool, len(c.docs))
}

// Build indexes every record of s. rel turns a site path into the URL the
// client links to; text gives a description's plain text. cache may be nil.
// With emit, the documents' fragment files are handed to it as soon as they
// are made, from several goroutines at once, and left out of the Index's
// Files: a one-off build then holds no fragment for longer than its chunk
// (at 100,000 records they come to about 180 MB).
func Build(s *site.Site, rel func(string) string, text TextFunc, cache *Cache, emit func(name string, data []byte) error) (*Index, error) {
	tokenizers := make([]tokenizer, runtime.GOMAXPROCS(0))
	n := len(s.Records)
	byDoc := slices.Clone(s.Records) // document k is byDoc[k]
	slices.Reverse(byDoc)
	if cache == nil {
		// A one-off build merges a chunk of documents before it tokenizes
		// the next, so the terms of all documents are never held at once:
		// at 100,000 records they would take most of a gigabyte. It goes
		// through the records in the site's order, as the pages are
		// rendered, so that a description one of them renders is soon
		// taken by the other (see render.Description); the numbers then
		// run down, and each term's postings are turned round at the end.
		recs := s.Records
		st := newState(byDoc)
		st.emitted = emit != nil
		st.docs = make([]*doc, n)
		for lo := 0; lo < n; lo += mergeChunk {
			// Each fragment file is written by the goroutine that made
			// it: written here, one after another, they kept the index
			// going on one core after the pages were done.
			var made func(i int, d *doc) error
			if st.emitted {
				made = func(i int, d *doc) error {
					err := emit(FragmentFile(n-1-(lo+i)), d.frag)
					d.frag = nil // its digest is kept for the index's hash
					return err
				}
			}
			docs, err := documents(recs[lo:min(lo+mergeChunk, n)], rel, text, nil, tokenizers, made)
			if err != nil {
				return nil, err
			}
			for i, d := range docs {
				k := n - 1 - (lo + i)
				st.addRefs(k, d)
				d.refs = [tiers][]*term{}
				st.docs[k] = d
			}
		}
		for _, p := range st.postings {
			for _, set := range p {
				slices.Reverse(set)
			}
		}
		st.finish()
		return st.index(s)
	}
	docs, err := documents(byDoc, rel, text, cache, tokenizers, nil)
	if err != nil {
		return nil, err
	}
	if emit != nil {
		for i, d := range docs {
			if err := emit(FragmentFile(i), d.frag); err != nil {
				return nil, err
			}
		}
	}
	cache.prune()
	st := cache.last
	if st != nil {
		st.update(byDoc, docs)
	} else {
		st = newState(byDoc)
		for i, d := range docs {
			st.add(i, d)
		}
		st.docs = docs
		st.finish()
	}
	st.emitted = emit != nil
	cache.last = st
	return st.index(s)
}

// mergeChunk is how many documents a one-off build tokenizes at a time (a
// variable for tests).
var mergeChunk = 2048

// documents tokenizes the records on all cores and encodes their
// fragments, or takes both from the cache. made, when not nil, is called
// with each document made, on the goroutine that made it.
func documents(recs []*record.Pledge, rel func(string) string, text TextFunc, cache *Cache, tokenizers []tokenizer, made func(i int, d *doc) error) ([]*doc, error) {
	docs := make([]*doc, len(recs))
	errs := make([]error, len(recs))
	base := rel("/")
	parallel(len(recs), func(i int) {
		p := recs[i]
		if d, ok := cache.get(base, docKey{p.ID, p.Sum}); ok {
			docs[i] = d
			return
		}
		names := make([]string, 0, 2+len(p.Partners))
		names = append(names, p.Title, p.Entity.Name)
		for _, e := range p.Partners {
			names = append(names, e.Name)
		}
		body := text(p)
		texts := make([]string, 0, 1+len(p.Countries))
		texts = append(texts, body)
		for _, c := range p.Countries {
			texts = append(texts, countryName(c))
		}
		tz := &tokenizers[i%len(tokenizers)]
		// Each term once per tier: the merge then looks each up once. The
		// cache compares a document's terms with its last version's, which
		// needs them sorted; a one-off merge does not, and takes the
		// tokenizer's terms, which find their postings without a lookup.
		d := &doc{refs: [tiers][]*term{tz.terms(names...), tz.terms(p.Summary), tz.terms(texts...)}}
		if cache != nil {
			for tier, refs := range d.refs {
				d.terms[tier] = stems(refs)
				slices.Sort(d.terms[tier])
			}
			d.refs = [tiers][]*term{}
		}
		frag := Fragment{ID: p.ID, URL: rel("/pledges/" + p.ID + "/"), Title: p.Title, Entity: p.Entity.Name,
			Status: p.Status, Date: p.Date, Summary: p.Summary, Text: excerpt(body, 1200)}
		if p.IsMultistakeholder() {
			frag.Kind = record.KindMultistakeholder
		}
		d.frag, errs[i] = json.Marshal(frag)
		if errs[i] == nil {
			d.sum = sha256.Sum256(d.frag)
			docs[i] = d
			cache.put(docKey{p.ID, p.Sum}, d)
			if made != nil {
				errs[i] = made(i, d)
			}
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return docs, nil
}

// state is the index of one sequence of documents: the postings of every
// term, each term's encoding, and the shard files.
type state struct {
	ids      []string // document ids, in document order
	docs     []*doc
	postings map[string]*postings
	terms    []string // sorted
	encoded  map[string][]byte
	shards   []shardFile // in key order
	emitted  bool        // the fragment files went to Build's emit
}

// postings are the documents a term occurs in, by tier, in order. Numbers
// of 32 bits: at 100,000 documents the postings are tens of megabytes.
type postings [tiers][]int32

type shardFile struct {
	key         string
	first, last string // its first and last term
	count       int    // its number of terms
	data        []byte
	sum         [32]byte
}

// newState starts the state of recs' documents, which add then merges in
// document order, so postings come out sorted, and finish encodes.
func newState(recs []*record.Pledge) *state {
	st := &state{ids: make([]string, len(recs)), postings: map[string]*postings{}}
	for i, p := range recs {
		st.ids[i] = p.ID
	}
	return st
}

// addRefs merges document i by its tokenizer's terms: a term finds its
// postings once, and keeps them for the documents after. A one-off build
// merges in the site's order, so i runs down, and Build turns the postings
// round at the end. The tokenizers and st belong to one Build.
func (st *state) addRefs(i int, d *doc) {
	for tier, terms := range d.refs {
		for _, t := range terms {
			if t.post == nil {
				t.post = st.postingsOf(t.stem)
			}
			t.post[tier] = append(t.post[tier], int32(i))
		}
	}
}

// add merges document i, the next in order.
func (st *state) add(i int, d *doc) {
	for tier, words := range d.terms {
		for _, t := range words {
			p := st.postingsOf(t)
			p[tier] = append(p[tier], int32(i))
		}
	}
}

// postingsOf returns the postings of term t, adding empty ones.
func (st *state) postingsOf(t string) *postings {
	p := st.postings[t]
	if p == nil {
		p = &postings{}
		st.postings[t] = p
	}
	return p
}

// finish sorts the terms and encodes every term and shard.
func (st *state) finish() {
	n := len(st.ids)
	st.terms = make([]string, 0, len(st.postings))
	for t := range st.postings {
		st.terms = append(st.terms, t)
	}
	slices.Sort(st.terms)
	// On all cores: in a one-off build the index is the last step, the
	// pages done.
	encoded := make([][]byte, len(st.terms))
	parallel(len(st.terms), func(i int) {
		encoded[i] = encodeTerm(st.terms[i], st.postings[st.terms[i]], n)
	})
	st.encoded = make(map[string][]byte, len(st.terms))
	for i, t := range st.terms {
		st.encoded[t] = encoded[i]
	}
	st.shards = st.encodeShards(nil, nil)
}

// samePrefix tells whether recs and the documents of st are the same
// records in the same order, perhaps with other contents, as far as the
// shorter goes. Adding the newest record, or removing it, keeps the other
// documents' numbers.
func (st *state) samePrefix(recs []*record.Pledge) bool {
	for i := range min(len(st.ids), len(recs)) {
		if st.ids[i] != recs[i].ID {
			return false
		}
	}
	return true
}

// update brings st to docs, the documents of recs, and encodes again what
// changed. When the two agree as far as the shorter goes, every document
// keeps its number: the postings of the documents whose terms changed, or
// that were added or removed at the end, move, and their terms are encoded
// again, with those whose bitmaps change size. Otherwise (a date edited, a
// record added or removed among the others) every posting is renumbered
// where it is, which looks no term up, and the terms whose postings moved
// are encoded again too: merging every document again took three times as
// long, and a date moved by a few days moves few postings.
func (st *state) update(recs []*record.Pledge, docs []*doc) {
	n, was := len(docs), len(st.docs)
	touched := map[string]bool{}
	prev := st.docs // the last version of each document, by its number now
	renumbered := !st.samePrefix(recs)
	if renumbered {
		var moved []string
		var gone []*doc
		prev, gone, moved = st.renumber(recs)
		for _, t := range moved {
			touched[t] = true
		}
		for _, d := range gone {
			for _, terms := range d.terms {
				for _, t := range terms {
					touched[t] = true
				}
			}
		}
	}
	var none [tiers][]string
	for i := range max(n, len(prev)) {
		old, d := &none, &none
		if i < len(prev) && prev[i] != nil {
			old = &prev[i].terms
		}
		if i < n {
			d = &docs[i].terms
		}
		if i < min(n, len(prev)) && docs[i] == prev[i] {
			continue
		}
		for tier := range tiers {
			diffSorted(old[tier], d[tier], func(t string) {
				p := st.postings[t]
				if j, ok := slices.BinarySearch(p[tier], int32(i)); ok {
					p[tier] = slices.Delete(p[tier], j, j+1)
				}
				touched[t] = true
			}, func(t string) {
				p := st.postingsOf(t)
				j, _ := slices.BinarySearch(p[tier], int32(i))
				p[tier] = slices.Insert(p[tier], j, int32(i))
				touched[t] = true
			})
		}
	}
	// A set is a bitmap of (n+7)/8 bytes when its gap list would be longer:
	// when that length changes, so may the encoding of any term whose list
	// could be longer than the shorter of the two bitmaps.
	if size, wasSize := (n+7)/8, (was+7)/8; size != wasSize {
		gap := len(binary.AppendUvarint(nil, uint64(max(n, was)))) // bytes a gap takes at most
		for t, p := range st.postings {
			for _, set := range p {
				if len(set)*gap > min(size, wasSize) {
					touched[t] = true
					break
				}
			}
		}
	}
	if n != was || renumbered {
		st.ids = st.ids[:0]
		for _, p := range recs {
			st.ids = append(st.ids, p.ID)
		}
	}
	st.docs = docs
	changed := make([]string, 0, len(touched))
	for t := range touched {
		changed = append(changed, t)
	}
	slices.Sort(changed)
	for _, t := range changed {
		p := st.postings[t]
		j, found := slices.BinarySearch(st.terms, t)
		switch {
		case len(p[TierNames])+len(p[TierSummary])+len(p[TierBody]) == 0:
			delete(st.postings, t)
			delete(st.encoded, t)
			if found {
				st.terms = slices.Delete(st.terms, j, j+1)
			}
		default:
			if !found {
				st.terms = slices.Insert(st.terms, j, t)
			}
			st.encoded[t] = encodeTerm(t, p, n)
		}
	}
	if len(changed) > 0 {
		st.shards = st.encodeShards(st.shards, changed)
	}
}

// renumber gives every posting of st the number its document has in
// recs, dropping the documents recs lacks, and returns the last version
// of each document of recs (nil for a new one), the dropped documents, and
// the terms whose postings changed.
func (st *state) renumber(recs []*record.Pledge) (prev, gone []*doc, moved []string) {
	at := make(map[string]int32, len(recs))
	for i, p := range recs {
		at[p.ID] = int32(i)
	}
	to := make([]int32, len(st.ids))
	prev = make([]*doc, len(recs))
	for i, id := range st.ids {
		j, ok := at[id]
		if !ok {
			to[i] = -1
			gone = append(gone, st.docs[i])
			continue
		}
		to[i], prev[j] = j, st.docs[i]
	}
	for t, p := range st.postings {
		same := true
		for tier, set := range p {
			out, sorted := set[:0], true
			for _, d := range set {
				j := to[d]
				same = same && j == d
				if j >= 0 {
					sorted = sorted && (len(out) == 0 || out[len(out)-1] < j)
					out = append(out, j)
				}
			}
			if !sorted {
				slices.Sort(out)
			}
			p[tier] = out
		}
		if !same {
			moved = append(moved, t)
		}
	}
	return prev, gone, moved
}

// diffSorted calls gone for each string only in a and added for each only
// in b; both are sorted without repeats.
func diffSorted(a, b []string, gone, added func(string)) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			gone(a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			added(b[j])
			j++
		default:
			i++
			j++
		}
	}
}

// encodeShards groups the terms into shards and encodes them, reusing a
// shard of prev whose terms are the same and none of them in changed
// (sorted).
func (st *state) encodeShards(prev []shardFile, changed []string) []shardFile {
	old := make(map[string]*shardFile, len(prev))
	for i := range prev {
		old[prev[i].key] = &prev[i]
	}
	groups := splitShards(st.terms, st.encoded, 1)
	dirty := make([]bool, len(groups))
	for _, t := range changed {
		// The group whose first term is the last one not after t.
		g, _ := slices.BinarySearchFunc(groups, t, func(g shard, t string) int { return strings.Compare(g.terms[0], t) })
		if g < len(groups) && groups[g].terms[0] == t {
			dirty[g] = true
		} else if g > 0 {
			dirty[g-1] = true
		}
	}
	out := make([]shardFile, len(groups))
	for i, g := range groups {
		f := shardFile{key: g.key, first: g.terms[0], last: g.terms[len(g.terms)-1], count: len(g.terms)}
		if o := old[g.key]; o != nil && !dirty[i] && o.first == f.first && o.last == f.last && o.count == f.count {
			out[i] = *o
			continue
		}
		size := binary.MaxVarintLen64
		for _, t := range g.terms {
			size += len(st.encoded[t])
		}
		f.data = binary.AppendUvarint(make([]byte, 0, size), uint64(len(g.terms)))
		for _, t := range g.terms {
			f.data = append(f.data, st.encoded[t]...)
		}
		f.sum = sha256.Sum256(f.data)
		out[i] = f
	}
	return out
}

// encodeTerm encodes a term and its three document sets.
func encodeTerm(t string, sets *postings, n int) []byte {
	b := binary.AppendUvarint(nil, uint64(len(t)))
	b = append(b, t...)
	for _, set := range sets {
		b = appendSet(b, set, n)
	}
	return b
}

// index lays the state out as files, with the facets, which are counted
// again on every build: they are cheap, and depend on the site's
// taxonomies rather than the documents' text.
func (st *state) index(s *site.Site) (*Index, error) {
	n := len(st.docs)
	idx := &Index{Files: make(map[string][]byte, n+len(st.shards)+2)}
	// The hash names this version of the index, so the client can ask for
	// files with ?v=<hash> and never mix two versions from a cache. It
	// covers every file's name and contents, through each one's digest.
	h := sha256.New()
	add := func(name string, data []byte, sum *[32]byte) {
		idx.Files[name] = data
		h.Write([]byte(name))
		h.Write(sum[:])
	}
	for i, d := range st.docs {
		if st.emitted { // written already: only its name and digest count
			h.Write([]byte(FragmentFile(i)))
			h.Write(d.sum[:])
			continue
		}
		add(FragmentFile(i), d.frag, &d.sum)
	}
	shards := make([]string, len(st.shards))
	for i := range st.shards {
		f := &st.shards[i]
		add("search/t/"+ShardFile(f.key), f.data, &f.sum)
		shards[i] = f.key
	}
	facets, facetBytes := buildFacets(s, n)
	sum := sha256.Sum256(facetBytes)
	add("search/facets.bin", facetBytes, &sum)
	idx.Facets = facets
	idx.Meta = Meta{Version: Version, Hash: hex.EncodeToString(h.Sum(nil))[:12], Docs: n, Shards: shards, Facets: facets}
	meta, err := json.Marshal(idx.Meta)
	if err != nil {
		return nil, err
	}
	idx.Files["search/meta.json"] = meta
	return idx, nil
}

// FragmentFile is the site path of document i's fragment.
func FragmentFile(i int) string { return "search/d/" + strconv.Itoa(i) + ".json" }

// ShardFile is the file name of a shard key; keys are ASCII stems or
// folded words, but other scripts are hex-encoded to keep names portable.
func ShardFile(key string) string {
	// A key that starts with x is written in hex too: "x" then the hex of
	// "д" is "xd0b4", which the key "xd0b4" would otherwise also name.
	hexed := key == "" || key[0] == 'x'
	for i := 0; i < len(key) && !hexed; i++ {
		c := key[i]
		hexed = !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')
	}
	if hexed {
		return "x" + hex.EncodeToString([]byte(key)) + ".bin"
	}
	return key + ".bin"
}

type shard struct {
	key   string
	terms []string
}

// splitShards groups sorted terms by their first l bytes, splitting a group
// by a longer prefix while it is larger than MaxShard. The client finds a
// term's shard as the longest key that is a prefix of the term.
func splitShards(terms []string, enc map[string][]byte, l int) []shard {
	var out []shard
	for i := 0; i < len(terms); {
		key := prefix(terms[i], l)
		j, size, splittable := i, 0, false
		for j < len(terms) && prefix(terms[j], l) == key {
			size += len(enc[terms[j]])
			splittable = splittable || len(terms[j]) > l
			j++
		}
		group := terms[i:j]
		if size > MaxShard && splittable && len(group) > 1 {
			out = append(out, splitShards(group, enc, l+1)...)
		} else {
			out = append(out, shard{key: key, terms: group})
		}
		i = j
	}
	return out
}

// prefix cuts s to about l bytes without splitting a UTF-8 sequence: back
// to the start of the character at l, but never to nothing, so a word that
// starts with a letter of two or more bytes keys on that whole letter.
func prefix(s string, l int) string {
	if len(s) <= l {
		return s
	}
	cut := l
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	if cut == 0 {
		_, size := utf8.DecodeRuneInString(s)
		cut = size
	}
	return s[:cut]
}

// appendSet encodes a sorted set of document numbers: a tag byte (0 empty,
// 1 gap list, 2 bitmap), the payload length as a varint, then the payload.
func appendSet[N int | int32](b []byte, docs []N, n int) []byte {
	if len(docs) == 0 {
		return append(b, 0)
	}
	var list []byte
	prev := -1
	for _, d := range docs {
		list = binary.AppendUvarint(list, uint64(int(d)-prev-1))
		prev = int(d)
	}
	bitmapLen := (n + 7) / 8
	if len(list) <= bitmapLen {
		b = append(b, 1)
		b = binary.AppendUvarint(b, uint64(len(list)))
		return append(b, list...)
	}
	bm := make([]byte, bitmapLen)
	for _, d := range docs {
		bm[d/8] |= 1 << (d % 8)
	}
	b = append(b, 2)
	b = binary.AppendUvarint(b, uint64(len(bm)))
	return append(b, bm...)
}

// buildFacets encodes one set per facet value and returns the facets with
// their values, labels and counts.
func buildFacets(s *site.Site, n int) ([]Facet, []byte) {
	docOf := make(map[*record.Pledge]int, n)
	for i, p := range s.Records {
		docOf[p] = n - 1 - i
	}
	var facets []Facet
	var b []byte
	for _, field := range FacetFields {
		t := taxonomyByField(s, field)
		if t == nil {
			continue
		}
		f := Facet{Field: field, Title: t.Title}
		for _, term := range t.Terms {
			if len(term.Records) == 0 && len(t.Terms) > 30 {
				continue
			}
			docs := make([]int, len(term.Records))
			for i, p := range term.Records {
				docs[i] = docOf[p]
			}
			slices.Sort(docs)
			b = appendSet(b, docs, n)
			f.Values = append(f.Values, term.Value)
			f.Labels = append(f.Labels, term.Label)
			f.Counts = append(f.Counts, len(docs))
		}
		facets = append(facets, f)
	}
	return facets, b
}

func taxonomyByField(s *site.Site, field string) *site.Taxonomy {
	for _, t := range s.Taxonomies {
		if t.Field == field {
			return t
		}
	}
	return nil
}

// excerpt cuts text to about max bytes at a word boundary, with runs of
// white space made single spaces.
func excerpt(text string, max int) string {
	// Text from TextOf has its spaces made single already: then its
	// excerpt is a prefix, with nothing to copy.
	end := min(len(text), max+1)
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end++ // the whole of the last rune, which could be a space
	}
	s := text[:end]
	if !singleSpaced(s) {
		s = collapseSpace(text, max)
	}
	if len(s) <= max {
		return s
	}
	cut := strings.LastIndexByte(s[:max], ' ')
	if cut < max/2 {
		cut = max
	}
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + " …"
}

// singleSpaced reports whether s is words between single ASCII spaces,
// with none at either end.
func singleSpaced(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c <= ' ' && (c != ' ' || s[i+1] == ' ') {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return false
		}
		i += size
	}
	return true
}

// collapseSpace makes each run of white space in text a single space,
// dropping it at the start, until the result is longer than max bytes.
func collapseSpace(text string, max int) string {
	b := make([]byte, 0, min(len(text), max+8))
	space := false
	for i := 0; i < len(text) && len(b) <= max; {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		if unicode.IsSpace(r) {
			space = len(b) > 0
		} else {
			if space {
				b = append(b, ' ')
				space = false
			}
			b = append(b, text[i:i+size]...)
		}
		i += size
	}
	return string(b)
}

// parallel calls fn for 0..n-1 on all cores; worker w takes the indexes
// i with i%GOMAXPROCS == w, so per-worker state can be picked by i.
func parallel(n int, fn func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				fn(i)
			}
		})
	}
	wg.Wait()
}
