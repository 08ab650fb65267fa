package search

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pledgesite/generator/config"
	"pledgesite/generator/content"
	"pledgesite/generator/record"
	"pledgesite/generator/site"
	"pledgesite/generator/synth"
)

var benchMeasures = []string{"a1", "a2", "b1", "b2", "c1", "c3"}

// synthRecords returns n synthetic records and the multistakeholder record
// they contribute to, as record structs in memory: written by synth into a
// temporary folder and decoded, outside the timed loop.
func synthRecords(b testing.TB, n int) []*record.Pledge {
	b.Helper()
	dir := b.TempDir()
	if _, err := synth.Write(dir, synth.Options{N: n, Seed: 1, Measures: benchMeasures, MSP: "msp"}); err != nil {
		b.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	recs := []*record.Pledge{{ID: "msp", Kind: record.KindMultistakeholder, Title: "Protection from trafficking",
		Summary: "A multistakeholder pledge.", Entity: record.Entity{Name: "Rapporteur", Type: "un-entity"}, Forum: "GRF-2023", Date: "2023-12-13"}}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		p, errs := record.Decode("pledges/"+e.Name(), data)
		if len(errs) > 0 {
			b.Fatal(errs)
		}
		recs = append(recs, p)
	}
	return recs
}

// BenchmarkTokens tokenizes and stems one ~300-word description, the
// inner loop of indexing.
func BenchmarkTokens(b *testing.B) {
	text := synthRecords(b, 1)[1].Description
	if n := len(strings.Fields(text)); n < 150 {
		b.Fatalf("only %d words", n)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Tokens(text)
	}
}

// BenchmarkBuild1k builds the whole search index of 1,000 records: terms,
// shards, document fragments and facets.
func BenchmarkBuild1k(b *testing.B) {
	recs := synthRecords(b, 1000)
	set := &content.Set{}
	for _, m := range benchMeasures {
		set.Measures = append(set.Measures, &content.Page{Measure: m, Title: "Measure " + m, Area: m[:1]})
	}
	s := site.New(config.Site{Title: "T", BaseURL: "/", PageSize: 100}, set, recs)
	rel := func(p string) string { return p }
	text := func(p *record.Pledge) string { return p.Description }
	b.ReportAllocs()
	for b.Loop() {
		idx, err := Build(s, rel, text, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(idx.Files) < len(recs) {
			b.Fatalf("%d files for %d records", len(idx.Files), len(recs))
		}
	}
}

// BenchmarkTerms gives the terms of 200 records' texts with one tokenizer,
// as a goroutine of a build does: most words are met before, so this is
// the scanning and the lookups more than the stemming.
func BenchmarkTerms(b *testing.B) {
	recs := synthRecords(b, 200)
	var tz tokenizer
	for _, p := range recs {
		tz.terms(p.Title, p.Summary, p.Description)
	}
	n := 0
	for _, p := range recs {
		n += len(p.Title) + len(p.Summary) + len(p.Description)
	}
	b.ReportAllocs()
	b.SetBytes(int64(n))
	for b.Loop() {
		for _, p := range recs {
			tz.terms(p.Title, p.Summary, p.Description)
		}
	}
}
