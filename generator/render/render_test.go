package render

import (
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
