package render

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"html/template"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"pledgesite/generator/content"
	"pledgesite/generator/markdown"
	"pledgesite/generator/record"
	"pledgesite/generator/search"
	"pledgesite/generator/site"
)

// Writer receives rendered files by site path ("pledges/x/index.html").
// Without a memo, pages are rendered into reused buffers: a writer that
// keeps data past the call must copy it.
type Writer interface {
	WriteFile(name string, data []byte) error
}

// Renderer renders the pages of one site.
type Renderer struct {
	site   *site.Site
	theme  *Theme
	md     *markdown.Renderer
	assets Assets
	base   string // base path, "/" or "/sub/"
	// rows holds every record's list row in a one-off build, cards the
	// cards rendered so far: every record is in a list, few are shown
	// as cards. Rows are found by record, not by id, whose hashing took
	// most of the time of joining a list page's rows.
	rows  map[*record.Pledge]template.HTML
	cards sync.Map // record id -> template.HTML
	// descriptions holds each record description's HTML in a one-off
	// build (see Description). Keyed by record, not by Markdown: hashing
	// every description for each lookup showed in profiles.
	descriptions map[*record.Pledge]*description
	// chromeCache holds the header, the footer and the breadcrumb trails,
	// each rendered once per build.
	chromeCache sync.Map
	links       *links // every term's link, made on first use
	linksOnce   sync.Once
	dates       func(path string) string
	search      searchData
	searchSet   bool // the index is built and search holds its data
	memo        *Memo
	common      uint64       // hash of the theme, assets and settings
	measuresKey uint64       // hash of the measures' titles and addresses
	contentKey  uint64       // hash of every guidance page
	layoutTime  atomic.Int64 // nanoseconds executing layouts, added up over goroutines
}

// LayoutTime is the time spent executing layouts and partials since New or
// Reset, added up over the goroutines that did. It includes the Markdown
// they render and the parts they make once per build.
func (r *Renderer) LayoutTime() time.Duration { return time.Duration(r.layoutTime.Load()) }

// searchData is what the search page needs from the index.
type searchData struct {
	Facets []search.Facet
	Meta   string // site path of the index entry file
}

// SetSearch gives the search page its facets (values, labels and counts)
// and the address of the index.
func (r *Renderer) SetSearch(facets []search.Facet, meta string) {
	r.search = searchData{Facets: facets, Meta: meta}
	r.searchSet = true
}

// reservedIDs are element ids Markdown headings must not take whatever
// the theme: "top" is the usual target of a link back up. A theme adds
// its own (Theme.ids).
var reservedIDs = []string{"main", "top"}

// New prepares a renderer; the theme is parsed with the renderer's funcs.
// dates tells when a source file last changed, for "last updated" lines.
// memo may be nil.
func New(s *site.Site, md *markdown.Renderer, assets Assets, dates func(path string) string, memo *Memo) *Renderer {
	return &Renderer{site: s, md: md, assets: assets, base: s.Config.BasePath(), dates: dates, memo: memo}
}

// Reset readies the renderer for another build of the same source tree,
// keeping its memo and its theme: the theme's layouts call the renderer's
// methods, so a renderer that is reused need not parse and escape its
// layouts again while they are unchanged.
func (r *Renderer) Reset(s *site.Site, assets Assets) {
	*r = Renderer{site: s, md: r.md, assets: assets, base: s.Config.BasePath(), dates: r.dates, memo: r.memo, theme: r.theme}
}

// SetDates replaces what tells when a source file last changed: a
// long-running build reads the dates again after a commit.
func (r *Renderer) SetDates(dates func(path string) string) { r.dates = dates }

// Theme returns the theme the renderer has, or nil.
func (r *Renderer) Theme() *Theme { return r.theme }

// SetTheme sets the parsed theme. It is separate from New because the
// theme's funcs are the renderer's methods.
func (r *Renderer) SetTheme(t *Theme) {
	r.theme = t
	h := sha256.New()
	cfg, _ := json.Marshal(r.site.Config)
	assets, _ := json.Marshal(r.assets)
	featured := ""
	if r.site.Featured != nil {
		featured = r.site.Featured.ID
	}
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s", t.Hash, cfg, assets, featured, r.base)
	r.common = binary.LittleEndian.Uint64(h.Sum(nil))
	r.measuresKey = measuresKeyOf(r.site.Measures)
	r.contentKey = contentKeyOf(r.site.Content)
}

// Job is one page to render at a site path.
type Job struct {
	Path string // "pledges/x/index.html"
	Page *Page
}

// Render renders every job with all cores and hands each file to w. Files
// are independent, so the order of writing does not change the output.
// Pages of kind "search" must wait for SetSearch; the others are rendered
// while the index is built.
func (r *Renderer) Render(jobs []Job, w Writer) error {
	return r.RenderOn(runtime.GOMAXPROCS(0), jobs, w)
}

// RenderOn is Render on the given number of cores.
func (r *Renderer) RenderOn(cores int, jobs []Job, w Writer) error {
	if r.rows == nil && r.memo == nil {
		var err error
		if r.rows, err = r.renderPartial("row"); err != nil {
			return err
		}
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	// Workers take the next job by a shared count, not from a channel: a
	// rebuild finds most pages in the memo, where a page is a lookup and
	// a copy, and passing each over a channel switched goroutines for it.
	var next atomic.Int64
	for range max(cores, 1) {
		wg.Go(func() {
			var buf bytes.Buffer
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				j := jobs[i]
				key, keyed := r.fingerprint(j.Page)
				if data, ok := r.memo.page(j.Path, key, keyed); ok {
					if err := w.WriteFile(j.Path, data); err != nil {
						mu.Lock()
						first = cmp.Or(first, err)
						mu.Unlock()
					}
					continue
				}
				buf.Reset()
				start := time.Now()
				err := r.execute(&buf, j.Page)
				r.layoutTime.Add(int64(time.Since(start)))
				if err == nil {
					// Writers do not keep what they are given, but the
					// memo does: only its pages need a copy of their own.
					data := buf.Bytes()
					if r.memo != nil {
						data = bytes.Clone(data)
						r.memo.putPage(j.Path, key, keyed, data)
					}
					err = w.WriteFile(j.Path, data)
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("rendering %s: %w", j.Path, err)
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return first
}

func (r *Renderer) execute(buf *bytes.Buffer, p *Page) error {
	p.Site, p.Assets = r.site, r.assets
	return r.theme.execute(buf, p.Kind, "baseof", p)
}

// renderPartial renders a partial of every record once, on all cores;
// list pages then reuse the HTML instead of executing the partial again on
// every page that lists the record. With a memo, partials are rendered on
// first use instead (part): a rebuild needs the rows of the few lists that
// changed.
func (r *Renderer) renderPartial(name string) (map[*record.Pledge]template.HTML, error) {
	recs := r.site.Records
	out := make([]template.HTML, len(recs))
	var wg sync.WaitGroup
	errs := make([]error, runtime.GOMAXPROCS(0))
	for w := range errs {
		wg.Go(func() {
			start := time.Now()
			defer func() { r.layoutTime.Add(int64(time.Since(start))) }()
			var buf bytes.Buffer
			for i := w; i < len(recs); i += len(errs) {
				buf.Reset()
				if err := r.theme.execute(&buf, "list", name, recs[i]); err != nil {
					errs[w] = fmt.Errorf("rendering the %s of %s: %w", name, recs[i].ID, err)
					return
				}
				out[i] = template.HTML(buf.String()) //nolint:gosec // escaped by html/template, or as it would (tmplexec)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	m := make(map[*record.Pledge]template.HTML, len(recs))
	for i, p := range recs {
		m[p] = out[i]
	}
	return m, nil
}

// Markdown renders Markdown for a page body or a record field. minHeading
// is the level the text's top headings become. idPrefix, when given,
// starts the id of every heading: a page that shows two texts (a key
// outcome and a description) keeps their headings' ids apart so.
func (r *Renderer) Markdown(src string, minHeading int, idPrefix ...string) (template.HTML, error) {
	if len(idPrefix) > 1 {
		return "", fmt.Errorf("markdown takes one id prefix, not %d", len(idPrefix))
	}
	opt := markdown.Options{BasePath: r.base, MinHeading: minHeading, ReservedIDs: reservedIDs, ReservedPrefixes: textPrefixes}
	if r.theme != nil {
		opt.ReservedIDs, opt.ReservedPrefixes = r.theme.ids, r.theme.idPrefixes
	}
	if len(idPrefix) == 1 {
		opt.IDPrefix = idPrefix[0]
	}
	return r.md.Render([]byte(src), opt)
}

// textPrefixes are the id prefixes the layouts give a text shown beside a
// description ({{markdown .KeyOutcome 3 "outcome-"}}): the description's
// own headings keep out of them. A theme's reserved prefixes include them.
var textPrefixes = []string{"outcome-"}

// partContext is the context of a rendered Markdown part in the memo: its
// ids depend on the theme, its links on the base path.
func (r *Renderer) partContext() uint64 {
	h := ""
	if r.theme != nil {
		h = r.theme.Hash
	}
	return maphash.String(memoSeed, r.base+"\x00"+h)
}

// DescriptionHeading is the level of a record description's top headings:
// it sits under the page's h2 "Description".
const DescriptionHeading = 3

// PrepareDescriptions readies the descriptions of a one-off build. With
// a memo there is nothing to ready: descriptions are kept in the memo.
func (r *Renderer) PrepareDescriptions() {
	if r.memo != nil {
		return
	}
	r.descriptions = make(map[*record.Pledge]*description, len(r.site.Records))
	for _, p := range r.site.Records {
		r.descriptions[p] = &description{}
	}
}

// description is one record's description in a one-off build. Two users
// ask for it, the record's page and the search index, in either order
// and on different goroutines: the first renders it, the second takes it
// and lets it go. Held for the whole build, descriptions were a quarter
// of the peak heap; now only those one user has reached and the other
// not yet are held. A layout that asks a third time renders it again.
type description struct {
	mu    sync.Mutex
	html  template.HTML
	uses  int
	ready bool
}

// Description returns the rendered description of a record.
func (r *Renderer) Description(p *record.Pledge) (template.HTML, error) {
	if r.memo == nil {
		d := r.descriptions[p]
		if d == nil { // not a record of this site
			return r.description(p)
		}
		d.mu.Lock()
		defer d.mu.Unlock()
		if !d.ready {
			h, err := r.description(p)
			if err != nil {
				return "", err
			}
			if d.uses == 0 {
				d.html, d.ready = h, true
			}
			d.uses++
			return h, nil
		}
		h := d.html
		if d.uses++; d.uses == 2 {
			d.html, d.ready = "", false
		}
		return h, nil
	}
	// The file's hash stands for its description.
	key := partKey{partDescription, r.partContext(), p.Sum}
	if h, ok := r.memo.part(key); ok {
		return h, nil
	}
	h, err := r.description(p)
	if err != nil {
		return "", err
	}
	r.memo.putPart(key, h)
	return h, nil
}

func (r *Renderer) description(p *record.Pledge) (template.HTML, error) {
	h, err := r.Markdown(p.Description, DescriptionHeading)
	if err != nil {
		return "", fmt.Errorf("%s: %w", p.Path, err)
	}
	return h, nil
}

// Rel returns a site-relative path under the base path: "/sub/pledges/".
func (r *Renderer) Rel(p string) string {
	if r.base == "/" && strings.HasPrefix(p, "/") {
		return p // most sites: no copy of the path
	}
	return r.base + strings.TrimPrefix(p, "/")
}

// Abs returns the absolute URL of a site path.
func (r *Renderer) Abs(p string) string {
	base := r.site.Config.BaseURL
	if !strings.Contains(base, "://") {
		return r.Rel(p)
	}
	return strings.TrimSuffix(base, "/") + r.Rel(p)[len(r.base)-1:]
}

// PledgeURL is the site path of a record's page.
func PledgeURL(id string) string { return "/pledges/" + id + "/" }

// MeasurePage returns the guidance page of a measure, or nil.
func (r *Renderer) MeasurePage(id string) *content.Page { return r.site.Measures[id] }

// Card returns the cached card HTML of a record.
func (r *Renderer) Card(p *record.Pledge) (template.HTML, error) { return r.part("card", partCard, p) }

// part returns a record's card or row.
func (r *Renderer) part(name string, part uint8, p *record.Pledge) (template.HTML, error) {
	if r.memo == nil {
		if part == partRow {
			return r.rows[p], nil
		}
		if h, ok := r.cards.Load(p.ID); ok {
			return h.(template.HTML), nil
		}
		h, err := r.executePart(name, p)
		if err == nil {
			r.cards.Store(p.ID, h)
		}
		return h, err
	}
	key := partKey{part, r.common, p.Sum}
	if h, ok := r.memo.part(key); ok {
		return h, nil
	}
	h, err := r.executePart(name, p)
	if err == nil {
		r.memo.putPart(key, h)
	}
	return h, err
}

func (r *Renderer) executePart(name string, p *record.Pledge) (template.HTML, error) {
	var buf bytes.Buffer
	if err := r.theme.execute(&buf, "list", name, p); err != nil {
		return "", fmt.Errorf("rendering the %s of %s: %w", name, p.ID, err)
	}
	return template.HTML(buf.String()), nil //nolint:gosec // escaped by html/template, or as it would (tmplexec)
}

func itoa(n int) string { return strconv.Itoa(n) }
