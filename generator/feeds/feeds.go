// Package feeds writes the files machines read: an Atom feed of the newest
// pledges, the sitemap (split with an index past 50,000 addresses, as the
// sitemap protocol requires) and robots.txt.
//
// Dates come from the sources (a record's date and updates, a file's last
// commit), never from the clock, so two builds of the same sources give the
// same bytes.
package feeds

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"slices"

	"pledgesite/generator/record"
)

// FeedSize is how many records the Atom feed holds.
const FeedSize = 50

// URLFunc turns a site path into an absolute URL.
type URLFunc func(sitePath string) string

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title     string     `xml:"title"`
	ID        string     `xml:"id"`
	Link      atomLink   `xml:"link"`
	Published string     `xml:"published"`
	Updated   string     `xml:"updated"`
	Author    atomPerson `xml:"author"`
	Summary   string     `xml:"summary"`
	Category  []atomCat  `xml:"category"`
}

type atomCat struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

// Atom returns the feed of the newest records; recs must be newest first.
func Atom(title, lang string, recs []*record.Pledge, url URLFunc) ([]byte, error) {
	f := atomFeed{
		Lang:   lang,
		Title:  title,
		ID:     url("/"),
		Links:  []atomLink{{Href: url("/feed.xml"), Rel: "self", Type: "application/atom+xml"}, {Href: url("/"), Rel: "alternate", Type: "text/html"}},
		Author: atomPerson{Name: title},
	}
	for _, p := range recs[:min(FeedSize, len(recs))] {
		link := url("/pledges/" + p.ID + "/")
		e := atomEntry{
			Title:     p.Title,
			ID:        link,
			Link:      atomLink{Href: link, Rel: "alternate", Type: "text/html"},
			Published: p.Date + "T00:00:00Z",
			Updated:   LastChange(p) + "T00:00:00Z",
			Author:    atomPerson{Name: p.Entity.Name},
			Summary:   p.Summary,
		}
		if p.Status != "" {
			e.Category = append(e.Category, atomCat{Term: "status:" + p.Status})
		}
		e.Category = append(e.Category, atomCat{Term: "forum:" + p.Forum})
		f.Entries = append(f.Entries, e)
		f.Updated = max(f.Updated, e.Updated)
	}
	if f.Updated == "" {
		f.Updated = "2019-12-17T00:00:00Z"
	}
	return encode(f)
}

// LastChange is the date of a record's newest update, or its date.
func LastChange(p *record.Pledge) string {
	d := p.Date
	for _, u := range p.Updates {
		d = max(d, u.Date)
	}
	return d
}

func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encoding xml: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// Entry is one address in the sitemap.
type Entry struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

const sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

// MaxSitemapURLs is the sitemap protocol's limit per file.
const MaxSitemapURLs = 50000

// Sitemaps returns the sitemap files by site path: sitemap.xml alone, or an
// index at sitemap.xml with sitemap-1.xml, sitemap-2.xml ... beside it.
func Sitemaps(entries []Entry, url URLFunc) (map[string][]byte, error) {
	out := map[string][]byte{}
	if len(entries) <= MaxSitemapURLs {
		out["sitemap.xml"] = appendSet(nil, "urlset", "url", entries)
		return out, nil
	}
	var idx []Entry
	for i, name := range SitemapNames(len(entries))[1:] {
		part := entries[i*MaxSitemapURLs : min((i+1)*MaxSitemapURLs, len(entries))]
		out[name] = appendSet(nil, "urlset", "url", part)
		last := ""
		for _, e := range part {
			last = max(last, e.LastMod)
		}
		idx = append(idx, Entry{Loc: url("/" + name), LastMod: last})
	}
	out["sitemap.xml"] = appendSet(nil, "sitemapindex", "sitemap", idx)
	return out, nil
}

// SitemapNames returns the site paths of the files Sitemaps makes for n
// entries: sitemap.xml, then the parts an index there lists, in order.
func SitemapNames(n int) []string {
	names := []string{"sitemap.xml"}
	if n > MaxSitemapURLs {
		for i := 0; i*MaxSitemapURLs < n; i++ {
			names = append(names, fmt.Sprintf("sitemap-%d.xml", i+1))
		}
	}
	return names
}

// appendSet writes a sitemap or sitemap index as encoding/xml would with a
// one-space indent, without reflection: a sitemap of 50,000 addresses is
// written on every rebuild of the preview.
func appendSet(b []byte, set, item string, entries []Entry) []byte {
	var esc bytes.Buffer
	text := func(b []byte, s string) []byte {
		if plainXML(s) {
			return append(b, s...)
		}
		esc.Reset()
		_ = xml.EscapeText(&esc, []byte(s))
		return append(b, esc.Bytes()...)
	}
	n := len(xml.Header) + 128
	for _, e := range entries {
		n += len(e.Loc) + len(e.LastMod) + 64
	}
	b = slices.Grow(b, n)
	b = append(b, xml.Header...)
	b = append(b, "<"+set+` xmlns="`+sitemapNS+`">`...)
	for _, e := range entries {
		b = append(b, "\n <"+item+">\n  <loc>"...)
		b = text(b, e.Loc)
		b = append(b, "</loc>"...)
		if e.LastMod != "" {
			b = append(b, "\n  <lastmod>"...)
			b = text(b, e.LastMod)
			b = append(b, "</lastmod>"...)
		}
		b = append(b, "\n </"+item+">"...)
	}
	if len(entries) > 0 {
		b = append(b, '\n')
	}
	return append(b, "</"+set+">\n"...)
}

// Robots allows everything and names the sitemap.
func Robots(url URLFunc) []byte {
	return []byte("User-agent: *\nAllow: /\n\nSitemap: " + url("/sitemap.xml") + "\n")
}

// plainXML tells whether s is printable ASCII that XML text need not
// escape, as addresses and dates are: they skip the escaper.
func plainXML(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x7f, c == '&', c == '<', c == '>', c == '"', c == '\'':
			return false
		}
	}
	return true
}
