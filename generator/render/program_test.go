package render_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"pledgesite/generator"
	"pledgesite/generator/markdown"
	"pledgesite/generator/record"
	"pledgesite/generator/render"
	"pledgesite/generator/site"
	"pledgesite/generator/synth"
)

// TestProgramsMatchHTMLTemplate renders every page, row and card of the
// shipped site and of a synthetic catalogue both with html/template and
// with the compiled programs (tmplexec) that a build runs instead, and
// requires the same bytes, with no page left to html/template.
func TestProgramsMatchHTMLTemplate(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	synthetic := t.TempDir()
	for _, name := range []string{"content", "themes", "pledges"} {
		if err := os.CopyFS(filepath.Join(synthetic, name), os.DirFS(filepath.Join(root, name))); err != nil {
			t.Fatal(err)
		}
	}
	settings, err := os.ReadFile(filepath.Join(root, "site.yaml"))
	if err == nil {
		err = os.WriteFile(filepath.Join(synthetic, "site.yaml"), settings, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	opt := synth.Options{N: 300, Seed: 7, Measures: []string{"a1", "b1", "c2"}, MSP: "msp-trafficking-in-persons"}
	if _, err := synth.Write(filepath.Join(synthetic, "pledges"), opt); err != nil {
		t.Fatal(err)
	}
	for name, dir := range map[string]string{"shipped": root, "synthetic": synthetic} {
		t.Run(name, func(t *testing.T) {
			s, r, jobs := renderSite(t, dir)
			kinds := map[string]int{}
			check := func(what, kind, name string, data any) {
				std, prog, compiled, err := r.ExecuteBoth(kind, name, data)
				switch {
				case err != nil:
					t.Errorf("%s: %v", what, err)
				case !compiled:
					t.Errorf("%s: the compiled %s of %s pages fell back to html/template", what, name, kind)
				case !bytes.Equal(std, prog):
					t.Errorf("%s: compiled output differs from html/template's:\n%s", what, firstDifference(std, prog))
				}
			}
			for _, j := range jobs {
				kinds[j.Page.Kind]++
				check(j.Path, j.Page.Kind, "baseof", j.Page)
			}
			for _, p := range s.Records {
				check(p.Path+" row", "list", "row", p)
				check(p.Path+" card", "list", "card", p)
			}
			if len(kinds) < 10 {
				t.Errorf("only %d kinds of page compared: %v", len(kinds), kinds)
			}
		})
	}
}

// renderSite loads the site at dir and readies a renderer for it with the
// default theme, as a one-off build does, and lists its pages.
func renderSite(tb testing.TB, dir string) (*site.Site, *render.Renderer, []render.Job) {
	tb.Helper()
	src, errs := generator.Load(os.DirFS(dir), "")
	if len(errs) > 0 {
		tb.Fatal(errs)
	}
	s := site.New(src.Config, src.Content, src.Records)
	r := render.New(s, markdown.New(), render.Assets{CSS: "/css/main.css", JS: map[string]string{"search.js": "/js/search.js"}}, func(string) string { return "2026-01-01" }, nil)
	th, terrs := render.LoadTheme(src.FS, "themes/default", r.Funcs())
	if len(terrs) > 0 {
		tb.Fatal(terrs)
	}
	r.SetTheme(th)
	r.PrepareDescriptions()
	r.SetSearch(nil, "/search/meta.json?v=1")
	jobs, err := r.Jobs()
	if err != nil {
		tb.Fatal(err)
	}
	return s, r, jobs
}

func firstDifference(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	return "html/template: …" + string(a[lo:min(len(a), i+80)]) + "…\ncompiled:      …" + string(b[lo:min(len(b), i+80)]) + "…"
}

// FuzzPledgePage renders a pledge page whose free-text fields, link and
// email hold what a contributor could write, both with html/template and
// with the compiled program: the same bytes, or a fallback to
// html/template. The escapers are fuzzed alone in tmplexec; this holds
// them to html/template where the layouts put them.
func FuzzPledgePage(f *testing.F) {
	for _, s := range [][5]string{
		{"Shelter & care", "Safe \"housing\" for <survivors>", "https://example.org/a?b=1&c=2", "a@example.org", "NGO 'A' + B"},
		{"<script>alert(1)</script>", "x\x00y", "javascript:alert(1)", "mailto:x@y", "</dd><b>"},
		{"é ü \u2028", "%zz %41 +", "/relative path/ü", "\"><img src=x>", "{{.}}"},
		{"", "", "HTTPS://EXAMPLE.ORG/%7E", "", "tab\there"},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4])
	}
	_, r, jobs := renderSite(f, "../..")
	var page *render.Page
	for _, j := range jobs {
		if j.Page.Kind == "pledge" && len(j.Page.Record.Updates) > 0 {
			page = j.Page
			break
		}
	}
	if page == nil {
		f.Fatal("no pledge page with progress updates in the shipped site")
	}
	// Without a program, every input would pass.
	if _, _, compiled, err := r.ExecuteBoth("pledge", "baseof", page); err != nil || !compiled {
		f.Fatalf("the pledge layout is not compiled (%v)", err)
	}
	f.Fuzz(func(t *testing.T, title, summary, link, email, name string) {
		rec := *page.Record
		rec.Title, rec.Summary = title, summary
		rec.Entity.Name = name
		rec.Partners = []record.Entity{{Name: name, Type: rec.Entity.Type}}
		rec.Links = []record.Link{{Title: title, URL: link}}
		rec.Contact = &record.Contact{Name: name, Email: email}
		rec.Updates = append([]record.Update{{Date: rec.Date, Status: rec.Status, Text: summary}}, rec.Updates[1:]...)
		p := *page
		p.Record, p.Title, p.Description = &rec, title, summary
		std, prog, compiled, err := r.ExecuteBoth("pledge", "baseof", &p)
		if err != nil {
			t.Skip(err) // html/template refuses it too
		}
		if compiled && !bytes.Equal(std, prog) {
			t.Errorf("compiled output differs from html/template's:\n%s", firstDifference(std, prog))
		}
	})
}
