package render

import (
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"pledgesite/generator/config"
	"pledgesite/generator/content"
	"pledgesite/generator/markdown"
	"pledgesite/generator/record"
	"pledgesite/generator/site"
)

// TestDescriptionHandOff checks that a one-off build's descriptions, which
// are dropped after their page and the search index have both asked,
// come out the same on every call, from any number of goroutines.
func TestDescriptionHandOff(t *testing.T) {
	var recs []*record.Pledge
	for _, id := range []string{"a", "b", "c"} {
		recs = append(recs, &record.Pledge{Path: "pledges/" + id + ".yaml", ID: id, Kind: "pledge", Title: id,
			Date: "2024-01-02", Description: "Text of **" + id + "**.\n\n## Plan\n\n- one\n"})
	}
	s := site.New(config.Site{Title: "T"}, &content.Set{}, recs)
	r := New(s, markdown.New(), Assets{}, func(string) string { return "" }, nil)
	r.PrepareDescriptions()
	for _, p := range recs {
		want := "<strong>" + p.ID + "</strong>"
		var wg sync.WaitGroup
		got := make([]string, 5) // the page, the index, then a layout that asks again
		for i := range got {
			wg.Go(func() {
				h, err := r.Description(p)
				if err != nil {
					t.Error(err)
				}
				got[i] = string(h)
			})
		}
		wg.Wait()
		for i, h := range got {
			if !strings.Contains(h, want) || h != got[0] {
				t.Errorf("%s: call %d gave %q, want the same HTML with %s every time", p.ID, i, h, want)
			}
		}
	}
	if d := r.descriptions[recs[0]]; d.html != "" {
		t.Error("a description asked for more than twice is still held")
	}
}

// TestThemeReservesItsIDs checks that the shipped theme's element ids are
// kept from Markdown headings, the literal ones and the starts of those
// made from data, so that "## More" on the search page cannot take the
// id its script looks for.
func TestThemeReservesItsIDs(t *testing.T) {
	th, errs := LoadTheme(os.DirFS("../.."), "themes/default", (&Renderer{}).Funcs())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, id := range []string{"main", "more", "result-list", "record-output", "open-record", "outcome", "description", "f-title"} {
		if !slices.Contains(th.ids, id) {
			t.Errorf("id %q of the theme is not reserved", id)
		}
	}
	for _, p := range []string{"status-", "measure-", "tg-"} {
		if !slices.Contains(th.idPrefixes, p) {
			t.Errorf("id start %q of the theme is not reserved", p)
		}
	}
	s := site.New(config.Site{Title: "T"}, &content.Set{}, nil)
	r := New(s, markdown.New(), Assets{}, func(string) string { return "" }, nil)
	r.SetTheme(th)
	h, err := r.Markdown("## More\n\n## Status update\n\n## Plan", 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="more-1"`, `id="section-status-update"`, `id="plan"`} {
		if !strings.Contains(string(h), want) {
			t.Errorf("rendered headings lack %s:\n%s", want, h)
		}
	}
	// A key outcome and a description on one page: their ids stay apart.
	outcome, err := r.Markdown("## Indicators\n\n## ½", 3, "outcome-")
	if err != nil {
		t.Fatal(err)
	}
	description, err := r.Markdown("## Outcome indicators", 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="outcome-indicators"`, `id="outcome-section"`} {
		if !strings.Contains(string(outcome), want) {
			t.Errorf("key outcome headings lack %s:\n%s", want, outcome)
		}
	}
	if !strings.Contains(string(description), `id="section-outcome-indicators"`) {
		t.Errorf("a description heading took an id of the key outcome's:\n%s", description)
	}
}
