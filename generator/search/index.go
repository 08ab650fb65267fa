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
// Documents are numbered in the site's order (newest first), so a document
// set is a sorted list of numbers. Each set is stored as whichever is
// smaller: a list of varint gaps, or a bitmap of one bit per document. A
// common term or facet value thus costs at most N/8 bytes, which keeps the
// bytes a query needs low at 100,000 pledges.
package search

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"pledgesite/generator/record"
	"pledgesite/generator/site"
)

// Version of the file format, checked by the client.
const Version = 1

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
	Files  map[string][]byte
	Meta   Meta
	Facets []Facet
}

// TextFunc returns the plain text of a record's description.
type TextFunc func(p *record.Pledge) string

// Cache keeps each document's terms and fragment between builds of a
// long-running process, by record content, so a rebuild tokenizes only
// the records that changed. A nil Cache caches nothing.
type Cache struct {
	mu   sync.Mutex
	base string
	docs map[string]cachedDoc
	used map[string]bool
}

type cachedDoc struct {
	terms [tiers][]string
	frag  []byte
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{docs: map[string]cachedDoc{}, used: map[string]bool{}} }

func (c *Cache) get(base, hash string) (cachedDoc, bool) {
	if c == nil {
		return cachedDoc{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.base != base {
		c.base, c.docs = base, map[string]cachedDoc{}
	}
	d, ok := c.docs[hash]
	if ok {
		c.used[hash] = true
	}
	return d, ok
}

func (c *Cache) put(hash string, d cachedDoc) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.docs[hash] = d
	c.used[hash] = true
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
	c.used = map[string]bool{}
}

// Build indexes every record of s. rel turns a site path into the URL the
// client links to; text gives a description's plain text. cache may be nil.
func Build(s *site.Site, rel func(string) string, text TextFunc, cache *Cache) (*Index, error) {
	recs := s.Records
	n := len(recs)
	idx := &Index{Files: map[string][]byte{}}

	// Tokenizing is most of the work: do it on all cores, then merge the
	// per-document terms in document order so postings come out sorted.
	docTerms := make([][tiers][]string, n)
	frags := make([][]byte, n)
	errs := make([]error, n)
	base := rel("/")
	tokenizers := make([]tokenizer, runtime.GOMAXPROCS(0))
	parallel(n, func(doc int) {
		p := recs[doc]
		if c, ok := cache.get(base, p.ID+p.Hash); ok {
			docTerms[doc], frags[doc] = c.terms, c.frag
			return
		}
		names := p.Title + " " + p.Entity.Name
		for _, e := range p.Partners {
			names += " " + e.Name
		}
		body := text(p)
		places := ""
		for _, c := range p.Countries {
			places += " " + countryName(c)
		}
		tz := &tokenizers[doc%len(tokenizers)]
		docTerms[doc] = [tiers][]string{tz.tokens(names), tz.tokens(p.Summary), tz.tokens(body + places)}
		// Each term once per tier: the merge below then looks each up once.
		for t := range docTerms[doc] {
			slices.Sort(docTerms[doc][t])
			docTerms[doc][t] = slices.Compact(docTerms[doc][t])
		}
		frag := Fragment{ID: p.ID, URL: rel("/pledges/" + p.ID + "/"), Title: p.Title, Entity: p.Entity.Name,
			Status: p.Status, Date: p.Date, Summary: p.Summary, Text: excerpt(body, 1200)}
		if p.IsMultistakeholder() {
			frag.Kind = record.KindMultistakeholder
		}
		frags[doc], errs[doc] = json.Marshal(frag)
		if errs[doc] == nil {
			cache.put(p.ID+p.Hash, cachedDoc{terms: docTerms[doc], frag: frags[doc]})
		}
	})
	cache.prune()
	postings := map[string]*[tiers][]int{}
	for doc := range n {
		if errs[doc] != nil {
			return nil, errs[doc]
		}
		idx.Files[fmt.Sprintf("search/d/%d.json", doc)] = frags[doc]
		for tier, words := range docTerms[doc] {
			for _, t := range words {
				p := postings[t]
				if p == nil {
					p = &[tiers][]int{}
					postings[t] = p
				}
				if l := p[tier]; len(l) == 0 || l[len(l)-1] != doc {
					p[tier] = append(l, doc)
				}
			}
		}
	}

	terms := make([]string, 0, len(postings))
	for t := range postings {
		terms = append(terms, t)
	}
	slices.Sort(terms)
	encoded := make(map[string][]byte, len(terms))
	for _, t := range terms {
		var b []byte
		b = binary.AppendUvarint(b, uint64(len(t)))
		b = append(b, t...)
		for _, set := range postings[t] {
			b = appendSet(b, set, n)
		}
		encoded[t] = b
	}
	var shards []string
	for _, g := range splitShards(terms, encoded, 1) {
		var buf bytes.Buffer
		buf.Write(binary.AppendUvarint(nil, uint64(len(g.terms))))
		for _, t := range g.terms {
			buf.Write(encoded[t])
		}
		idx.Files["search/t/"+ShardFile(g.key)] = buf.Bytes()
		shards = append(shards, g.key)
	}

	facets, facetBytes := buildFacets(s, n)
	idx.Files["search/facets.bin"] = facetBytes
	idx.Facets = facets

	// The hash names this version of the index, so the client can ask for
	// files with ?v=<hash> and never mix two versions from a cache.
	h := sha256.New()
	for _, name := range sortedKeys(idx.Files) {
		h.Write([]byte(name))
		h.Write(idx.Files[name])
	}
	idx.Meta = Meta{Version: Version, Hash: hex.EncodeToString(h.Sum(nil))[:12], Docs: n, Shards: shards, Facets: facets}
	meta, err := json.Marshal(idx.Meta)
	if err != nil {
		return nil, err
	}
	idx.Files["search/meta.json"] = meta
	return idx, nil
}

// ShardFile is the file name of a shard key; keys are ASCII stems or
// folded words, but other scripts are hex-encoded to keep names portable.
func ShardFile(key string) string {
	for i := 0; i < len(key); i++ {
		if c := key[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return "x" + hex.EncodeToString([]byte(key)) + ".bin"
		}
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
func appendSet(b []byte, docs []int, n int) []byte {
	if len(docs) == 0 {
		return append(b, 0)
	}
	var list []byte
	prev := -1
	for _, d := range docs {
		list = binary.AppendUvarint(list, uint64(d-prev-1))
		prev = d
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
		docOf[p] = i
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

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// excerpt cuts text to about max bytes at a word boundary.
func excerpt(text string, max int) string {
	text = strings.Join(strings.Fields(text), " ")
	if len(text) <= max {
		return text
	}
	cut := strings.LastIndexByte(text[:max], ' ')
	if cut < max/2 {
		cut = max
	}
	for cut > 0 && text[cut]&0xC0 == 0x80 {
		cut--
	}
	return text[:cut] + " …"
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
