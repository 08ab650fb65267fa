package render

import (
	"html/template"
	"strings"
	"testing"

	"pledgesite/generator/config"
	"pledgesite/generator/content"
	"pledgesite/generator/record"
	"pledgesite/generator/site"
)

// metaLayout is what pageMeta replaced in baseof.html: its output must
// stay html/template's, byte for byte, whatever the page holds.
const metaLayout = `<title>{{if eq .Kind "home"}}{{.Site.Config.Title}}{{else}}{{.Title}} · {{.Site.Config.Title}}{{end}}</title>
{{- with .Description}}
<meta name="description" content="{{.}}">
{{- end}}
<link rel="canonical" href="{{abs .URL}}">
<meta property="og:title" content="{{.Title}}">
<meta property="og:type" content="{{if .Record}}{{if ne .Kind "home"}}article{{else}}website{{end}}{{else}}website{{end}}">
<meta property="og:url" content="{{abs .URL}}">
{{- with .Description}}
<meta property="og:description" content="{{.}}">
{{- end}}
<meta name="twitter:title" content="{{.Title}}">
{{- with .Description}}
<meta name="twitter:description" content="{{.}}">
{{- end}}`

func FuzzPageMeta(f *testing.F) {
	f.Add("pledge", "Shelter & care", "Safe housing for \"survivors\" <at risk>", "/pledges/a/", "Pledges", "https://example.org/", true)
	f.Add("home", "", "", "/", "GCR + ILO's pledges", "", false)
	f.Add("term", "Türkiye", "x\x00y", "/countries/tur/", "P", "https://example.org/sub dir/%zz%41/", false)
	f.Add("page", "a'b", "\xff\xfe+", "/about/", "S", "javascript:alert(1)//", false)
	f.Add("page", "t", "d", "/x/", "S", "HTTPſ://example.org/", false)
	f.Fuzz(func(t *testing.T, kind, title, desc, url, siteTitle, base string, rec bool) {
		s := site.New(config.Site{Title: siteTitle, BaseURL: base}, &content.Set{}, nil)
		r := New(s, nil, Assets{}, nil, nil)
		p := &Page{Site: s, Kind: kind, Title: title, Description: desc, URL: url}
		if rec {
			p.Record = &record.Pledge{ID: "a"}
		}
		tmpl := template.Must(template.New("meta").Funcs(template.FuncMap{"abs": r.Abs}).Parse(metaLayout))
		var want strings.Builder
		if err := tmpl.Execute(&want, p); err != nil {
			t.Fatal(err)
		}
		if got := string(r.pageMeta(p)); got != want.String() {
			t.Errorf("pageMeta:\n%s\nhtml/template:\n%s", got, want.String())
		}
	})
}
