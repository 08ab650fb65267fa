package markdown_test

import (
	"os"
	"path/filepath"
	"testing"

	"pledgesite/generator/markdown"
	"pledgesite/generator/record"
	"pledgesite/generator/synth"
)

// BenchmarkRender renders one typical record description (about 300 words:
// paragraphs, a heading and a list) as a pledge page does.
func BenchmarkRender(b *testing.B) {
	dir := b.TempDir()
	if _, err := synth.Write(dir, synth.Options{N: 1, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) != 1 {
		b.Fatalf("synth wrote %v", files)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		b.Fatal(err)
	}
	p, errs := record.Decode("pledges/"+filepath.Base(files[0]), data)
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	src := []byte(p.Description)
	r := markdown.New()
	opt := markdown.Options{BasePath: "/", MinHeading: 2, ReservedIDs: []string{"main", "summary", "description"}}
	if _, err := r.Render(src, opt); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := r.Render(src, opt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTextOf turns the rendered description back into plain text, as
// the search index does for every record.
func BenchmarkTextOf(b *testing.B) {
	dir := b.TempDir()
	if _, err := synth.Write(dir, synth.Options{N: 1, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	data, err := os.ReadFile(files[0])
	if err != nil {
		b.Fatal(err)
	}
	p, _ := record.Decode("pledges/"+filepath.Base(files[0]), data)
	html, err := markdown.New().Render([]byte(p.Description), markdown.Options{MinHeading: 2})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(html)))
	for b.Loop() {
		markdown.TextOf(html)
	}
}
