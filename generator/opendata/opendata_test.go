package opendata

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"pledgesite/generator/config"
	"pledgesite/generator/content"
	"pledgesite/generator/record"
	"pledgesite/generator/site"
)

// TestCacheGivesTheSameFiles checks that the cached path (the preview
// server's, which keeps each record's object and row) and the direct path
// (a one-off build's, which writes them as it goes) make the same files,
// from a fresh cache and from a warm one.
func TestCacheGivesTheSameFiles(t *testing.T) {
	recs := []*record.Pledge{
		{Path: "pledges/msp.yaml", ID: "msp", Kind: record.KindMultistakeholder, Title: "Protection", Date: "2023-12-13",
			Entity: record.Entity{Name: "Rapporteur", Type: "un-entity"}, Sum: [2]uint64{1, 1}},
		{Path: "pledges/ngo-a.yaml", ID: "ngo-a", Kind: "pledge", Title: `<script>alert("x")</script> & "aid"`, Summary: "=SUM(A1)",
			Description: "Line one\n\n- item, with a comma\n", Date: "2024-01-02", Status: "in-progress",
			Entity: record.Entity{Name: "Harbour, \"Light\"", Type: "ngo-national"}, Countries: []string{"KEN", "UGA"},
			ContributesTo: []string{"msp"}, Financial: &record.Financial{Amount: 2500.5, Currency: "USD"}, Sum: [2]uint64{2, 2}},
		{Path: "pledges/ngo-b.yaml", ID: "ngo-b", Kind: "pledge", Title: "Legal aid", Date: "2022-05-01",
			Entity: record.Entity{Name: "Jacaranda", Type: "ngo-international"}, Matches: []string{"ngo-a"}, Sum: [2]uint64{3, 3}},
	}
	s := site.New(config.Site{Title: "T", BaseURL: "https://example.org/"}, &content.Set{}, recs)
	url := func(p string) string { return "https://example.org" + p }
	cache := NewCache()
	for _, f := range []struct {
		name string
		make func(*Cache) ([]byte, error)
	}{
		{"pledges.json", func(c *Cache) ([]byte, error) {
			var b bytes.Buffer
			err := PledgesJSON(&b, s, url, c)
			return b.Bytes(), err
		}},
		{"pledges.csv", func(c *Cache) ([]byte, error) {
			var b bytes.Buffer
			err := PledgesCSV(&b, s, url, c)
			return b.Bytes(), err
		}},
		{"ids.json", func(c *Cache) ([]byte, error) { return IDs(s, c) }},
	} {
		want, err := f.make(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(want, []byte(`"ngo-b`)) && !bytes.Contains(want, []byte("\nngo-b,")) {
			t.Fatalf("%s lacks a record:\n%s", f.name, want)
		}
		for _, when := range []string{"fresh", "warm"} {
			got, err := f.make(cache)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s from a %s cache differs:\n%s\nwant\n%s", f.name, when, got, want)
			}
		}
	}
}

// TestCSVDefusesFormulas checks that no cell, nor any name of a list cell
// split at ";", starts with what a spreadsheet reads as a formula.
func TestCSVDefusesFormulas(t *testing.T) {
	recs := []*record.Pledge{{Path: "pledges/ngo-a.yaml", ID: "ngo-a", Kind: "pledge", Title: "+cmd", Summary: "=SUM(A1)",
		Date: "2024-01-02", Status: "in-progress", Entity: record.Entity{Name: "@x", Type: "ngo-national"},
		Partners: []record.Entity{{Name: "Safe Partner", Type: "ngo-national"}, {Name: "=1+1", Type: "ngo-national"}, {Name: "-2", Type: "ngo-national"}, {Name: "Foo;=HYPERLINK(1)", Type: "ngo-national"}}}}
	s := site.New(config.Site{Title: "T", BaseURL: "https://example.org/"}, &content.Set{}, recs)
	var b bytes.Buffer
	if err := PledgesCSV(&b, s, func(p string) string { return "https://example.org" + p }, nil); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows[1:] {
		for _, cell := range row {
			for _, part := range strings.Split(cell, ";") {
				if part != "" && strings.ContainsRune("=+-@", rune(part[0])) {
					t.Errorf("cell %q holds %q, which a spreadsheet reads as a formula", cell, part)
				}
			}
		}
	}
}

func TestDefuse(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "Safe routes": "Safe routes", "=1+1": "'=1+1", "+1": "'+1", "-1": "'-1",
		"@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx", "\nx": "'\nx",
		"\n=1+1": "'\n=1+1", "  =1+1": "'  =1+1", " \t@x": "' \t@x", "a=1": "a=1",
		"  plain": "  plain", "x\n=1": "x\n=1",
	} {
		if got := defuse(in); got != want {
			t.Errorf("defuse(%q) = %q, want %q", in, got, want)
		}
	}
}
