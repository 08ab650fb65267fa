package render

import (
	"html/template"

	"pledgesite/generator/content"
	"pledgesite/generator/record"
	"pledgesite/generator/site"
)

// Page is what a layout receives as its dot.
type Page struct {
	Site        *site.Site
	Kind        string
	URL         string // site-relative path, "/pledges/x/"
	Title       string
	Description string
	Content     template.HTML // rendered Markdown body, if any

	Source   *content.Page  // the Markdown page, on content pages
	Record   *record.Pledge // on pledge pages
	Area     *content.Area  // on area and measure pages
	Taxonomy *site.Taxonomy // on taxonomy and term pages
	Term     *site.Term     // on term pages
	Records  []*record.Pledge
	Pager    *Pager
	Crumbs   []Crumb
	Assets   Assets
}

// Crumb is one step of the breadcrumb trail.
type Crumb struct {
	Title string
	URL   string
}

// Assets are the fingerprinted URLs of the theme's CSS and JavaScript.
type Assets struct {
	CSS string
	JS  map[string]string // by file name, "search.js"
}

// Pager links the pages of a long list.
type Pager struct {
	Number int // 1-based
	Total  int // number of pages
	Items  int // number of records in the whole list
	First  int // 1-based index of the first record on this page
	Last   int
	Prev   string // URL, or ""
	Next   string
	Pages  []PagerLink
}

// PagerLink is one numbered link; URL is empty for a gap.
type PagerLink struct {
	Number  int
	URL     string
	Current bool
}

// pageURL is the address of page n of a list at base: base itself for the
// first page, base/page/n/ after.
func pageURL(base string, n int) string {
	if n <= 1 {
		return base
	}
	return base + "page/" + itoa(n) + "/"
}

// paginate splits recs into pages of size and returns, for each page, its
// records and its pager.
func paginate(base string, recs []*record.Pledge, size int) ([][]*record.Pledge, []*Pager) {
	total := max(1, (len(recs)+size-1)/size)
	lists := make([][]*record.Pledge, total)
	pagers := make([]*Pager, total)
	for i := range total {
		lo, hi := i*size, min((i+1)*size, len(recs))
		lists[i] = recs[lo:hi]
		p := &Pager{Number: i + 1, Total: total, Items: len(recs), First: lo + 1, Last: hi}
		if i > 0 {
			p.Prev = pageURL(base, i)
		}
		if i+1 < total {
			p.Next = pageURL(base, i+2)
		}
		// Show the first, the last and two either side of the current page.
		gap := false
		for n := 1; n <= total; n++ {
			if n == 1 || n == total || (n >= i-1 && n <= i+3) {
				p.Pages = append(p.Pages, PagerLink{Number: n, URL: pageURL(base, n), Current: n == i+1})
				gap = false
			} else if !gap {
				p.Pages = append(p.Pages, PagerLink{})
				gap = true
			}
		}
		pagers[i] = p
	}
	return lists, pagers
}
