package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"pledgesite/generator/record"
	"pledgesite/generator/schema"
	"pledgesite/generator/site"
	"pledgesite/generator/tmplexec"
	"pledgesite/generator/vocab"
)

// Funcs are the functions layouts may call, and the writers of some of
// them, which write their HTML straight into the page (tmplexec.Writer).
type Funcs struct {
	Map   template.FuncMap
	Write map[string]tmplexec.Writer
}

// Funcs returns the functions layouts may call.
func (r *Renderer) Funcs() Funcs {
	return Funcs{Map: r.funcMap(), Write: map[string]tmplexec.Writer{
		"cards": tmplexec.Write1(r.writeCards),
		"rows":  tmplexec.Write1(r.writeRows),
		// Every page's head and every pledge page's tags.
		"pageMeta": tmplexec.Write1(r.writePageMeta),
		"tags":     tmplexec.Write1(r.writeTags),
	}}
}

func (r *Renderer) funcMap() template.FuncMap {
	return template.FuncMap{
		"rel":           r.Rel,
		"abs":           r.Abs,
		"markdown":      r.Markdown,
		"description":   r.Description,
		"card":          r.Card,
		"cards":         r.cardList,
		"rows":          r.rowList,
		"chrome":        r.chrome,
		"pageMeta":      r.pageMeta,
		"crumbTrail":    r.crumbTrail,
		"tags":          r.tags,
		"measure":       r.MeasurePage,
		"pledgeURL":     PledgeURL,
		"record":        func(id string) *record.Pledge { return r.site.ByID[id] },
		"termURL":       r.termURL,
		"termLink":      r.termLink,
		"label":         label,
		"date":          formatDate,
		"money":         formatMoney,
		"number":        formatNumber,
		"plural":        plural,
		"regions":       site.Regions,
		"tally":         r.tally,
		"figures":       r.figures,
		"latest":        latest,
		"contributions": func(p *record.Pledge) []*record.Pledge { return r.site.Contributions[p.ID] },
		"matchedBy":     func(p *record.Pledge) []*record.Pledge { return r.site.MatchedBy[p.ID] },
		"byMeasure":     func(id string) []*record.Pledge { return r.site.ByMeasure[id] },
		"historyURL":    r.historyURL,
		"editURL":       r.editURL,
		"upper":         strings.ToUpper,
		"terms":         func(kind string) []vocab.Term { return labelTables[kind] },
		"countries":     vocab.Countries,
		"search":        r.searchData,
		"schemaURL":     func() string { return r.Rel(schema.ID) },
		"jsonld":        jsonLD,
		"schema":        r.schemaOrg,
		"lastUpdated":   func(path string) string { return r.dates(path) }, // r.dates changes after a commit (SetDates)
		"add":           func(a, b int) int { return a + b },
		"first":         func(n int, recs []*record.Pledge) []*record.Pledge { return recs[:min(n, len(recs))] },
	}
}

// termURL is the site path of a term page, or "" when the taxonomy has no
// such term (so layouts can print plain text instead of a dead link).
func (r *Renderer) termURL(key, value string) string {
	t := r.site.Taxonomy(key)
	if t == nil || t.Term(value) == nil {
		return ""
	}
	return t.TermURL(value)
}

var labelTables = map[string][]vocab.Term{
	"stakeholders":         vocab.StakeholderTypes,
	"status":               vocab.Statuses,
	"forums":               vocab.Forums,
	"support":              vocab.SupportTypes,
	"target-groups":        vocab.TargetGroups,
	"regions":              vocab.Regions,
	"pledge-type":          vocab.PledgeTypes,
	"kind":                 vocab.Kinds,
	"gcr-objectives":       vocab.GCRObjectives,
	"gcm-objectives":       vocab.GCMObjectives,
	"hlom-recommendations": vocab.HLOMRecommendations,
	"currency":             vocab.Currencies(),
}

// label returns the readable label of a vocabulary value. Numbers are
// passed as ints or strings.
func label(kind string, value any) string {
	v := ""
	switch x := value.(type) {
	case string:
		v = x
	case int:
		v = strconv.Itoa(x)
	}
	switch kind {
	case "countries":
		if c, ok := vocab.LookupCountry(v); ok {
			return c.Name
		}
		return v
	case "sdg":
		goal, _, _ := strings.Cut(v, ".")
		if g, err := strconv.Atoi(goal); err == nil && g >= 1 && g <= len(vocab.SDGGoals) {
			return vocab.SDGGoals[g-1].Label
		}
		return v
	}
	return vocab.Label(labelTables[kind], v)
}

func formatDate(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("2 January 2006")
}

func formatNumber(n any) string {
	var s string
	switch x := n.(type) {
	case int:
		s = strconv.Itoa(x)
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return ""
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

func formatMoney(f *record.Financial) string {
	if f == nil {
		return ""
	}
	return f.Currency + " " + formatNumber(f.Amount)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return formatNumber(n) + " " + many
}

func latest(n int, recs []*record.Pledge) []*record.Pledge { return recs[:min(n, len(recs))] }

// Count is one row of a tally.
type Count struct {
	Value string
	Label string
	URL   string
	N     int
}

// tally counts records by a taxonomy's values, in the taxonomy's order,
// leaving out values no record has.
func (r *Renderer) tally(key string, recs []*record.Pledge) []Count {
	t := r.site.Taxonomy(key)
	if t == nil {
		return nil
	}
	n := make(map[string]int, len(t.Terms))
	for _, p := range recs {
		switch key {
		case "status": // one value: no list to make
			n[p.Status]++
		case "stakeholders":
			n[p.Entity.Type]++
		default:
			for _, v := range valuesOf(key, p) {
				n[v]++
			}
		}
	}
	var out []Count
	for _, term := range t.Terms {
		if n[term.Value] > 0 {
			out = append(out, Count{Value: term.Value, Label: term.Label, URL: t.TermURL(term.Value), N: n[term.Value]})
		}
	}
	return out
}

func valuesOf(key string, p *record.Pledge) []string {
	switch key {
	case "status":
		return []string{p.Status}
	case "stakeholders":
		return []string{p.Entity.Type}
	case "regions":
		return site.Regions(p)
	case "countries":
		return p.Countries
	case "support":
		return p.Support
	}
	return nil
}

func (r *Renderer) figures() site.Figures { return r.site.Figures() }

// historyURL links to the history of a source file in the repository.
func (r *Renderer) historyURL(path string) string {
	if r.site.Config.RepoURL == "" {
		return ""
	}
	return r.site.Config.RepoURL + "/commits/" + r.site.Config.RepoBranch + "/" + path
}

// editURL links to the web editor for a source file in the repository.
func (r *Renderer) editURL(path string) string {
	if r.site.Config.RepoURL == "" {
		return ""
	}
	return r.site.Config.RepoURL + "/edit/" + r.site.Config.RepoBranch + "/" + path
}

// jsonLD returns a schema.org description of a value as a JSON script body.
// html/template escapes "<" inside it, so contributor text cannot close the
// script element.
func jsonLD(v any) (template.JS, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return template.JS(b), nil //nolint:gosec // JSON from encoding/json; see above
}

// schemaOrg describes a record page for search engines, as schema.org
// JSON-LD. Structs rather than maps, for speed on every record's page;
// their fields are in the order that encoding/json sorts map keys, as
// the published pages have them.
func (r *Renderer) schemaOrg(p *Page) creativeWork {
	rec := p.Record
	doc := creativeWork{
		Context:     "https://schema.org",
		Type:        "CreativeWork",
		Additional:  "Pledge",
		Author:      orgOf(rec.Entity),
		Modified:    r.dates(rec.Path),
		Published:   rec.Date,
		Description: rec.Summary,
		Language:    r.site.Config.Language,
		IsPartOf:    webSite{Type: "WebSite", Name: r.site.Config.Title, URL: r.Abs("/")},
		Name:        rec.Title,
		URL:         r.Abs(p.URL),
	}
	for _, e := range rec.Partners {
		doc.Contributors = append(doc.Contributors, orgOf(e))
	}
	if rec.Status != "" {
		doc.Status = label("status", rec.Status)
	}
	for _, c := range rec.Countries {
		doc.Places = append(doc.Places, country{Type: "Country", ID: c, Name: label("countries", c)})
	}
	return doc
}

type creativeWork struct {
	Context      string         `json:"@context"`
	Type         string         `json:"@type"`
	Additional   string         `json:"additionalType"`
	Author       organization   `json:"author"`
	Contributors []organization `json:"contributor,omitempty"`
	Status       string         `json:"creativeWorkStatus,omitempty"`
	Modified     string         `json:"dateModified,omitempty"`
	Published    string         `json:"datePublished"`
	Description  string         `json:"description"`
	Language     string         `json:"inLanguage"`
	IsPartOf     webSite        `json:"isPartOf"`
	Name         string         `json:"name"`
	Places       []country      `json:"spatialCoverage,omitempty"`
	URL          string         `json:"url"`
}

type organization struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

func orgOf(e record.Entity) organization {
	if e.Type == "state" {
		return organization{"GovernmentOrganization", e.Name}
	}
	return organization{"Organization", e.Name}
}

type webSite struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

type country struct {
	Type string `json:"@type"`
	ID   string `json:"identifier"`
	Name string `json:"name"`
}

// menu lists the pages the header menu links to; a page that is one of them
// gets aria-current in the menu.
var menu = []string{"/", "/guidance/", "/pledges/", "/browse/", "/search/", "/how-to-pledge/", "/about/"}

// chromeData is the dot of the partials shared by every page.
type chromeData struct {
	Site    *site.Site
	Assets  Assets
	Current string // the menu page this page is, or ""
}

// chrome renders a partial shared by every page (the head's fixed part,
// the header, the footer) once per build and menu state, and reuses it:
// executing it again on each of thousands of pages would cost more than
// the rest of the page, most of it in html/template's escaping calls.
func (r *Renderer) chrome(name string, p *Page) (template.HTML, error) {
	current := ""
	if slices.Contains(menu, p.URL) {
		current = p.URL
	}
	key := name + "\x00" + current
	if html, ok := r.chromeCache.Load(key); ok {
		return html.(template.HTML), nil // without making the data shared takes
	}
	return r.shared(key, name, chromeData{Site: r.site, Assets: r.assets, Current: current})
}

// crumbTrail renders the theme's "crumb-trail" partial, the links above
// a page in its breadcrumb trail, once per trail, and reuses it: the
// thousands of pledge and list pages share a few trails.
func (r *Renderer) crumbTrail(p *Page) (template.HTML, error) {
	// Keyed apart from chrome's keys, which begin with a template name.
	var key strings.Builder
	key.WriteString("\x00crumb-trail")
	for _, c := range p.Crumbs {
		key.WriteByte(0)
		key.WriteString(c.URL)
		key.WriteByte(0)
		key.WriteString(c.Title)
	}
	return r.shared(key.String(), "crumb-trail", struct{ Crumbs []Crumb }{p.Crumbs})
}

// shared renders the partial name with data once per build for each key,
// and then reuses it.
func (r *Renderer) shared(key, name string, data any) (template.HTML, error) {
	if html, ok := r.chromeCache.Load(key); ok {
		return html.(template.HTML), nil
	}
	t, err := r.theme.layout("page")
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	html := template.HTML(b.String()) //nolint:gosec // output of html/template
	r.chromeCache.Store(key, html)
	return html, nil
}

// cardList joins the cached cards of records, in one template action.
func (r *Renderer) cardList(recs []*record.Pledge) (template.HTML, error) {
	return joined(r.writeCards, recs)
}

// rowList joins the cached list rows of records, in one template action.
func (r *Renderer) rowList(recs []*record.Pledge) (template.HTML, error) {
	return joined(r.writeRows, recs)
}

func (r *Renderer) writeCards(w *bytes.Buffer, recs []*record.Pledge) error {
	return r.writeList(w, `<div class="cards">`, `</div>`, "card", partCard, recs)
}

func (r *Renderer) writeRows(w *bytes.Buffer, recs []*record.Pledge) error {
	return r.writeList(w, `<ol class="rows">`, `</ol>`, "row", partRow, recs)
}

// writeList writes the cached parts of records between open and close.
func (r *Renderer) writeList(w *bytes.Buffer, open, close, name string, part uint8, recs []*record.Pledge) error {
	w.WriteString(open)
	w.WriteByte('\n')
	for _, p := range recs {
		h, err := r.part(name, part, p)
		if err != nil {
			return err
		}
		w.WriteString(string(h))
		w.WriteByte('\n')
	}
	w.WriteString(close)
	return nil
}

// joined returns what write writes of recs.
func joined(write func(*bytes.Buffer, []*record.Pledge) error, recs []*record.Pledge) (template.HTML, error) {
	var b bytes.Buffer
	if err := write(&b, recs); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil //nolint:gosec // joined html/template output
}

// searchData gives the search layout its facets and index address. Other
// pages are rendered while the index is being built, so they cannot have
// them.
func (r *Renderer) searchData() (searchData, error) {
	if !r.searchSet {
		return searchData{}, errors.New(`search: only pages with the "search" layout can show the search index`)
	}
	return r.search, nil
}
