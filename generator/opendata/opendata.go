// Package opendata writes the catalogue as open data: every record as JSON
// (with derived fields such as regions and page URL), one CSV row per
// record with lists joined by ";", and the guidance measures as JSON.
//
// The field names are the record format's, so the data reads like the
// sources and a change to the format shows up in both.
package opendata

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"sync"

	"pledgesite/generator/record"
	"pledgesite/generator/site"
)

// Pledge is a record with the fields derived from it.
type Pledge struct {
	*record.Pledge
	Regions        []string `json:"regions,omitempty"`
	IsContribution bool     `json:"is_contribution"`
	URL            string   `json:"url"`
	Source         string   `json:"source"`
}

// Measure is one guidance measure.
type Measure struct {
	ID      string `json:"id"`
	Area    string `json:"area"`
	Title   string `json:"title"`
	Summary string `json:"summary,omitempty"`
	URL     string `json:"url"`
	Pledges int    `json:"pledges"`
}

// URLFunc turns a site path into the URL published in the data.
type URLFunc func(sitePath string) string

// Cache keeps each record's JSON object, CSV row and id entry between
// builds of a long-running process, by record content. A nil Cache caches
// nothing.
type Cache struct {
	mu    sync.Mutex
	base  string
	recs  map[[2]uint64]*cached // by the record file's hash
	added int                   // entries added since the last sweep
}

type cached struct {
	id             string // checked on every hit, though the hash covers it
	json, csv, ids []byte
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{recs: map[[2]uint64]*cached{}} }

// entry returns the cache entry of a record, or a scratch one without a
// cache. base is the URL the cached data links to, or "" for data without
// links; c.mu is held.
func (c *Cache) entry(p *record.Pledge, base string) *cached {
	if c == nil {
		return &cached{}
	}
	if base != "" && c.base != base {
		c.base, c.recs = base, map[[2]uint64]*cached{}
	}
	e := c.recs[p.Sum]
	if e == nil || e.id != p.ID {
		e = &cached{id: p.ID}
		c.recs[p.Sum] = e
		c.added++
	}
	return e
}

func (c *Cache) lock() {
	if c != nil {
		c.mu.Lock()
	}
}

func (c *Cache) unlock() {
	if c != nil {
		c.mu.Unlock()
	}
}

// Prune forgets records that s no longer holds in this version, once they
// may make up more than a sixty-fourth of the cache, so the cache keeps
// about one entry per record however often records are edited, and most
// builds skip the sweep.
func (c *Cache) Prune(s *site.Site) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.added <= len(c.recs)/64 {
		return
	}
	keep := make(map[[2]uint64]bool, len(s.Records))
	for _, p := range s.Records {
		keep[p.Sum] = true
	}
	for k := range c.recs {
		if !keep[k] {
			delete(c.recs, k)
		}
	}
	c.added = 0
}

// PledgesJSON writes every record, newest first, as a JSON array with one
// record per line: compact to download, and a changed record changes one
// line of the published diff. Each object is encoded on its own, so that a
// cache can keep it, and written as soon as it is made or found: at
// 100,000 records the file is hundreds of megabytes, which a build does
// not hold.
func PledgesJSON(w io.Writer, s *site.Site, url URLFunc, cache *Cache) error {
	cache.lock()
	defer cache.unlock()
	base := url("/")
	line := []byte("[")
	// Without a cache, each object is encoded into one buffer, which
	// json.Marshal would copy out: 33 MB at 10,000 records.
	var scratch bytes.Buffer
	enc := json.NewEncoder(&scratch)
	for i, p := range s.Records {
		var obj []byte
		e := cache.entry(p, base)
		if obj = e.json; obj == nil {
			v := Pledge{Pledge: p, Regions: site.Regions(p), IsContribution: p.IsContribution(),
				URL: url("/pledges/" + p.ID + "/"), Source: p.Path}
			scratch.Reset()
			if err := enc.Encode(v); err != nil {
				return err
			}
			obj = bytes.TrimSuffix(scratch.Bytes(), []byte("\n")) // as Marshal's
			if cache != nil {
				e.json = bytes.Clone(obj)
			}
		}
		if i > 0 {
			line = append(line, ',')
		}
		line = append(line, '\n')
		line = append(line, obj...)
		if _, err := w.Write(line); err != nil {
			return err
		}
		line = line[:0]
	}
	if len(s.Records) > 0 {
		line = append(line, '\n')
	}
	_, err := w.Write(append(line, "]\n"...))
	return err
}

// MeasuresJSON returns the measures in guidance order.
func MeasuresJSON(s *site.Site, url URLFunc) ([]byte, error) {
	out := make([]Measure, 0, len(s.Content.Measures))
	for _, m := range s.Content.Measures {
		out = append(out, Measure{ID: m.Measure, Area: m.Area, Title: m.Title, Summary: m.Summary,
			URL: url(m.URL), Pledges: len(s.ByMeasure[m.Measure])})
	}
	return marshal(out)
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// csvColumns are the CSV header; each reads one value off a record.
var csvColumns = []struct {
	name  string
	value func(p *record.Pledge) string
}{
	{"id", func(p *record.Pledge) string { return p.ID }},
	{"kind", func(p *record.Pledge) string { return p.Kind }},
	{"title", func(p *record.Pledge) string { return p.Title }},
	{"summary", func(p *record.Pledge) string { return p.Summary }},
	{"entity_name", func(p *record.Pledge) string { return p.Entity.Name }},
	{"entity_type", func(p *record.Pledge) string { return p.Entity.Type }},
	{"entity_country", func(p *record.Pledge) string { return p.Entity.Country }},
	{"partners", func(p *record.Pledge) string { return names(p.Partners) }},
	{"pledge_type", func(p *record.Pledge) string { return p.PledgeType }},
	{"matches", func(p *record.Pledge) string { return join(p.Matches) }},
	{"contributes_to", func(p *record.Pledge) string { return join(p.ContributesTo) }},
	{"measures", func(p *record.Pledge) string { return join(p.Measures) }},
	{"forum", func(p *record.Pledge) string { return p.Forum }},
	{"date", func(p *record.Pledge) string { return p.Date }},
	{"status", func(p *record.Pledge) string { return p.Status }},
	{"support", func(p *record.Pledge) string { return join(p.Support) }},
	{"financial_amount", func(p *record.Pledge) string {
		if p.Financial == nil {
			return ""
		}
		return strconv.FormatFloat(p.Financial.Amount, 'f', -1, 64)
	}},
	{"financial_currency", func(p *record.Pledge) string {
		if p.Financial == nil {
			return ""
		}
		return p.Financial.Currency
	}},
	{"countries", func(p *record.Pledge) string { return join(p.Countries) }},
	{"regions", func(p *record.Pledge) string { return join(site.Regions(p)) }},
	{"target_groups", func(p *record.Pledge) string { return join(p.TargetGroups) }},
	{"gcr_objectives", func(p *record.Pledge) string { return joinInts(p.GCRObjectives) }},
	{"sdg_targets", func(p *record.Pledge) string { return join(p.SDGTargets) }},
	{"gcm_objectives", func(p *record.Pledge) string { return joinInts(p.GCMObjectives) }},
	{"hlom_recommendations", func(p *record.Pledge) string { return joinInts(p.HLOMRecommendations) }},
	{"latest_update", func(p *record.Pledge) string {
		if len(p.Updates) == 0 {
			return ""
		}
		return p.Updates[len(p.Updates)-1].Date
	}},
}

// PledgesCSV writes one row per record, newest first. Cells that a
// spreadsheet would run as a formula are prefixed with an apostrophe. Rows
// are written as they are made or found in the cache.
func PledgesCSV(w io.Writer, s *site.Site, url URLFunc, cache *Cache) error {
	cache.lock()
	defer cache.unlock()
	base := url("/")
	// Each row is encoded on its own, so that a cache can keep it.
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	encode := func(row []string) ([]byte, error) {
		buf.Reset()
		if err := cw.Write(row); err != nil {
			return nil, err
		}
		cw.Flush()
		return buf.Bytes(), cw.Error()
	}
	header, err := encode(csvHeader())
	if err == nil {
		_, err = w.Write(header)
	}
	if err != nil {
		return err
	}
	row := make([]string, len(csvColumns)+1)
	for _, p := range s.Records {
		e := cache.entry(p, base)
		line := e.csv
		if line == nil {
			csvRow(row, p, url)
			if line, err = encode(row); err != nil {
				return err
			}
			if cache != nil {
				e.csv = bytes.Clone(line)
			}
		}
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return nil
}

// csvHeader names the columns: the record fields, then the page's URL.
func csvHeader() []string {
	header := make([]string, 0, len(csvColumns)+1)
	for _, c := range csvColumns {
		header = append(header, c.name)
	}
	return append(header, "url")
}

// csvRow fills row with a record's cells.
func csvRow(row []string, p *record.Pledge, url URLFunc) {
	for i, c := range csvColumns {
		row[i] = defuse(c.value(p))
	}
	row[len(csvColumns)] = url("/pledges/" + p.ID + "/")
}

// defuse keeps contributor text from being run as a spreadsheet formula,
// also where white space before it would be trimmed on import.
func defuse(s string) string {
	t := strings.TrimLeft(s, " \t\r\n")
	if t != s && s[0] != ' ' || t != "" && strings.ContainsRune("=+-@", rune(t[0])) {
		return "'" + s
	}
	return s
}

func join(v []string) string { return strings.Join(v, ";") }

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return join(s)
}

// names joins entity names. Each piece a reader gets by splitting the cell
// at ";" is defused on its own, within a name too: no piece may start a
// formula.
func names(es []record.Entity) string {
	s := make([]string, len(es))
	for i, e := range es {
		parts := strings.Split(e.Name, ";")
		for j, p := range parts {
			parts[j] = defuse(p)
		}
		s[i] = strings.Join(parts, ";")
	}
	return join(s)
}

// IDs returns the ids the catalogue holds, for the submission form: the
// multistakeholder pledges' and, with their titles, the other records',
// which a matching pledge may name. A form page that listed them itself
// would grow with the catalogue and change with every record. The JSON is
// what encoding/json makes of
//
//	{"multistakeholder": ["id", ...], "pledges": [["id", "title"], ...]}
func IDs(s *site.Site, cache *Cache) ([]byte, error) {
	cache.lock()
	defer cache.unlock()
	var msps, pledges [][]byte
	size := 64
	for _, p := range s.Records {
		e := cache.entry(p, "")
		if e.ids == nil {
			var err error
			if p.IsMultistakeholder() {
				e.ids, err = json.Marshal(p.ID)
			} else {
				e.ids, err = json.Marshal([2]string{p.ID, p.Title})
			}
			if err != nil {
				return nil, err
			}
		}
		if p.IsMultistakeholder() {
			msps = append(msps, e.ids)
		} else {
			pledges = append(pledges, e.ids)
		}
		size += len(e.ids) + 1
	}
	out := make([]byte, 0, size)
	out = append(out, `{"multistakeholder":[`...)
	out = append(out, bytes.Join(msps, []byte(","))...)
	out = append(out, `],"pledges":[`...)
	out = append(out, bytes.Join(pledges, []byte(","))...)
	return append(out, "]}\n"...), nil
}
