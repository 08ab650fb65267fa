package render

import (
	"bytes"
	"html"
	"html/template"
	"strconv"
	"strings"

	"pledgesite/generator/record"
	"pledgesite/generator/site"
)

// tagGroup is one row of a record's tags: a title and linked values.
type tagGroup struct {
	title, class, key string
	values            func(p *record.Pledge) []string
	text              func(key, value string) string
}

func numbers(v []int) []string {
	out := make([]string, len(v))
	for i, n := range v {
		out[i] = strconv.Itoa(n)
	}
	return out
}

func plainLabel(key, value string) string { return label(key, value) }

func prefixed(word string) func(key, value string) string {
	return func(key, value string) string { return word + " " + value + ": " + label(key, value) }
}

var tagGroups = []tagGroup{
	{"Countries", "inline-list", "countries", func(p *record.Pledge) []string { return p.Countries }, plainLabel},
	{"Regions", "inline-list", "regions", site.Regions, plainLabel},
	{"Target groups", "inline-list", "target-groups", func(p *record.Pledge) []string { return p.TargetGroups }, plainLabel},
	{"Guidance measures", "plain-list", "measures", func(p *record.Pledge) []string { return p.Measures }, nil},
	{"GCR objectives", "plain-list", "gcr-objectives", func(p *record.Pledge) []string { return numbers(p.GCRObjectives) }, prefixed("Objective")},
	{"SDG targets", "inline-list", "sdg", func(p *record.Pledge) []string { return p.SDGTargets }, nil},
	{"GCM objectives", "plain-list", "gcm-objectives", func(p *record.Pledge) []string { return numbers(p.GCMObjectives) }, prefixed("Objective")},
	{"HLOM 2021 recommendations", "plain-list", "hlom-recommendations", func(p *record.Pledge) []string { return numbers(p.HLOMRecommendations) }, prefixed("Recommendation")},
}

// tags renders a record's taxonomy values as <dt>/<dd> pairs of links to
// their list pages. It is Go rather than a partial because a pledge page
// has dozens of these links and executing them through html/template was
// the largest cost of a build; the markup is the theme's inline-list and
// plain-list classes.
func (r *Renderer) tags(p *record.Pledge) template.HTML {
	var b bytes.Buffer
	b.Grow(2048) // a typical record's tags, written without regrowing
	r.writeTags(&b, p)
	return template.HTML(b.String()) //nolint:gosec // every value is escaped by tagItem
}

// writeTags writes tags' list into a page, without a string of its own:
// {{tags .Record}} in a layout's text.
func (r *Renderer) writeTags(b *bytes.Buffer, p *record.Pledge) error {
	links := r.termLinks()
	for gi, g := range tagGroups {
		values := g.values(p)
		if len(values) == 0 {
			continue
		}
		b.WriteString("\n<dt>")
		b.WriteString(g.title)
		b.WriteString("</dt>\n<dd><ul class=\"")
		b.WriteString(g.class)
		b.WriteString("\">")
		for _, v := range values {
			item, ok := links.tags[gi][v]
			if !ok {
				item = r.tagItem(g, v)
			}
			b.WriteString(item)
		}
		b.WriteString("</ul></dd>")
	}
	return nil
}

// tagItem is the list item of one value in a tag group: linked to its
// list page and labelled, or "" for a measure the guidance lacks.
func (r *Renderer) tagItem(g tagGroup, v string) string {
	var text, note string
	u := r.termURL(g.key, v)
	switch g.key {
	case "measures":
		m := r.site.Measures[v]
		if m == nil {
			return ""
		}
		u, text = m.URL, strings.ToUpper(m.Measure)+" · "+m.Title
	case "sdg":
		text, note = v, label("sdg", v)
	default:
		text = g.text(g.key, v)
	}
	var b strings.Builder
	b.WriteString("<li>")
	r.writeLink(&b, u, text, note)
	b.WriteString("</li>")
	return b.String()
}

// termLink is one taxonomy value linked to its list page and labelled
// with its name, as in tags; the name alone when the value has no page.
// One call instead of the five (and three escapers) of writing the link
// out in a layout.
func (r *Renderer) termLink(key, value string) template.HTML {
	if h, ok := r.termLinks().terms[key][value]; ok {
		return h
	}
	return r.newTermLink(key, value)
}

func (r *Renderer) newTermLink(key, value string) template.HTML {
	var b strings.Builder
	r.writeLink(&b, r.termURL(key, value), label(key, value), "")
	return template.HTML(b.String()) //nolint:gosec // escaped by writeLink
}

// links holds the markup of every term of the site as tags and termLink
// write it. A pledge page links dozens of terms, the same on every page:
// made once per build, they are looked up instead of made again.
type links struct {
	tags  []map[string]string                 // by tag group, then value
	terms map[string]map[string]template.HTML // by taxonomy key, then value
}

// termLinks returns the build's links, making them on first use.
func (r *Renderer) termLinks() *links {
	r.linksOnce.Do(func() {
		l := &links{tags: make([]map[string]string, len(tagGroups)), terms: map[string]map[string]template.HTML{}}
		for _, t := range r.site.Taxonomies {
			m := make(map[string]template.HTML, len(t.Terms))
			for _, term := range t.Terms {
				m[term.Value] = r.newTermLink(t.Key, term.Value)
			}
			l.terms[t.Key] = m
		}
		for i, g := range tagGroups {
			var values []string
			if g.key == "measures" {
				for id := range r.site.Measures {
					values = append(values, id)
				}
			} else if t := r.site.Taxonomy(g.key); t != nil {
				for _, term := range t.Terms {
					values = append(values, term.Value)
				}
			}
			l.tags[i] = make(map[string]string, len(values))
			for _, v := range values {
				l.tags[i][v] = r.tagItem(g, v)
			}
		}
		r.links = l
	})
	return r.links
}

// writeLink writes text, and a muted note after it if any, escaped and
// linked to the site path u; unlinked when u is "".
func (r *Renderer) writeLink(b *strings.Builder, u, text, note string) {
	if u != "" {
		b.WriteString(`<a href="`)
		b.WriteString(html.EscapeString(r.Rel(u)))
		b.WriteString(`">`)
	}
	b.WriteString(html.EscapeString(text))
	if note != "" {
		b.WriteString(` <span class="muted">(`)
		b.WriteString(html.EscapeString(note))
		b.WriteString(`)</span>`)
	}
	if u != "" {
		b.WriteString("</a>")
	}
}
