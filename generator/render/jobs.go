package render

import (
	"hash/maphash"
	"html/template"
	"strings"

	"pledgesite/generator/content"
)

// Jobs lists every HTML page of the site. Markdown bodies are rendered here,
// once per page, so layouts only place them.
func (r *Renderer) Jobs() ([]Job, error) {
	s := r.site
	var jobs []Job
	add := func(p *Page) {
		jobs = append(jobs, Job{Path: strings.TrimPrefix(p.URL, "/") + "index.html", Page: p})
	}
	home := &Page{Kind: "home", URL: "/", Title: s.Config.Title, Description: s.Config.Description, Record: s.Featured}
	add(home)

	for _, p := range s.Records {
		kind := "pledge"
		if p.IsMultistakeholder() {
			kind = "multistakeholder"
		}
		add(&Page{Kind: kind, URL: PledgeURL(p.ID), Title: p.Title, Description: p.Summary, Record: p,
			Crumbs: []Crumb{{"Pledges", "/pledges/"}}})
	}
	lists, pagers := paginate("/pledges/", s.Records, s.Config.PageSize)
	for i := range lists {
		add(&Page{Kind: "list", URL: pageURL("/pledges/", i+1), Title: titleWithPage("All pledges", pagers[i]),
			Description: "Every pledge and contribution in the catalogue, newest first.",
			Records:     lists[i], Pager: pagers[i]})
	}

	add(&Page{Kind: "browse", URL: "/browse/", Title: "Browse pledges",
		Description: "Every way to group the catalogue: by stakeholder, place, status, forum, support, people, goals and measures. These pages work without JavaScript."})
	for _, t := range s.Taxonomies {
		add(&Page{Kind: "taxonomy", URL: t.URL(), Title: t.Title, Description: t.Intro, Taxonomy: t, Crumbs: []Crumb{{"Browse", "/browse/"}}})
		for _, term := range t.Terms {
			base := t.TermURL(term.Value)
			lists, pagers := paginate(base, term.Records, s.Config.PageSize)
			for i := range lists {
				add(&Page{Kind: "term", URL: pageURL(base, i+1), Title: titleWithPage(t.Singular+": "+term.Label, pagers[i]),
					Description: "Pledges under " + term.Label + ".", Taxonomy: t, Term: term,
					Records: lists[i], Pager: pagers[i], Crumbs: []Crumb{{"Browse", "/browse/"}, {t.Title, t.URL()}}})
			}
		}
	}

	areaOf := map[*content.Page]*content.Area{}
	for _, a := range s.Content.Areas {
		areaOf[a.Page] = a
		for _, m := range a.Measures {
			areaOf[m] = a
		}
	}
	for _, src := range s.Content.Pages {
		html, err := r.body(src)
		if err != nil {
			return nil, err
		}
		p := &Page{URL: src.URL, Title: src.Title, Description: src.Summary, Source: src, Content: html, Area: areaOf[src]}
		switch src.Kind {
		case content.KindGuidance:
			p.Kind = "guidance"
		case content.KindArea:
			p.Kind = "area"
			p.Crumbs = []Crumb{{"Guidance", "/guidance/"}}
		case content.KindMeasure:
			p.Kind = "measure"
			p.Records = s.ByMeasure[src.Measure]
			p.Crumbs = []Crumb{{"Guidance", "/guidance/"}, {p.Area.Title, p.Area.URL}}
		default:
			p.Kind = src.Layout
		}
		add(p)
	}
	jobs = append(jobs, Job{Path: "404.html", Page: &Page{Kind: "404", URL: "/404.html", Title: "Page not found"}})
	return jobs, nil
}

func titleWithPage(title string, p *Pager) string {
	if p.Number > 1 {
		return title + " (page " + itoa(p.Number) + " of " + itoa(p.Total) + ")"
	}
	return title
}

// body renders a guidance page's Markdown, or takes it from the memo.
func (r *Renderer) body(src *content.Page) (template.HTML, error) {
	key := partKey{partBody, r.partContext(), bodySum(src)}
	if html, ok := r.memo.part(key); ok {
		return html, nil
	}
	html, err := r.Markdown(string(src.Body), 2)
	if err == nil {
		r.memo.putPart(key, html)
	}
	return html, err
}

func bodySum(src *content.Page) [2]uint64 {
	return [2]uint64{maphash.Bytes(memoSeed, src.Body), maphash.Bytes(memoSeed2, src.Body)}
}
