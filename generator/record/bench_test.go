package record_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"pledgesite/generator/record"
	"pledgesite/generator/synth"
)

// typicalRecord is one synthetic pledge: a ~300-word Markdown description,
// tags from every vocabulary, sometimes money and an update.
func typicalRecord(b *testing.B) (string, []byte) {
	b.Helper()
	dir := b.TempDir()
	if _, err := synth.Write(dir, synth.Options{N: 1, Seed: 1, Measures: []string{"a1", "b2", "c3"}, MSP: "msp-trafficking-in-persons"}); err != nil {
		b.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) != 1 {
		b.Fatalf("synth wrote %v (%v)", files, err)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		b.Fatal(err)
	}
	return "pledges/" + filepath.Base(files[0]), data
}

func benchDecode(b *testing.B, path string, data []byte) {
	if _, errs := record.Decode(path, data); len(errs) > 0 {
		b.Fatal(errs)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		record.Decode(path, data)
	}
}

// BenchmarkDecode parses and checks one record file, the per-record cost
// of loading a catalogue.
func BenchmarkDecode(b *testing.B) {
	b.Run("synthetic", func(b *testing.B) {
		path, data := typicalRecord(b)
		benchDecode(b, path, data)
	})
	// The same file through yaml.v3 alone, into the node tree Decode
	// checks: the share of loading that the required parser takes, which
	// no change to this package can make smaller.
	b.Run("synthetic-yaml.v3-only", func(b *testing.B) {
		_, data := typicalRecord(b)
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var n yaml.Node
			if err := yaml.Unmarshal(data, &n); err != nil {
				b.Fatal(err)
			}
		}
	})
	// A file as "pledgesite new" writes it, placeholders replaced: the
	// template's comments take most of its 8 KB.
	b.Run("new", func(b *testing.B) {
		data, err := os.ReadFile(filepath.Join("..", "scaffold", "testdata", "pledge.yaml"))
		if err != nil {
			b.Fatal(err)
		}
		filled := strings.ReplaceAll(strings.ReplaceAll(string(data), record.Placeholder, "Our"), "replace-with-", "")
		benchDecode(b, "pledges/ngo-new-pledge.yaml", []byte(filled))
	})
	b.Run("msp-trafficking-in-persons", func(b *testing.B) {
		data, err := os.ReadFile(filepath.Join("..", "..", "pledges", "msp-trafficking-in-persons.yaml"))
		if err != nil {
			b.Skip(err)
		}
		benchDecode(b, "pledges/msp-trafficking-in-persons.yaml", data)
	})
}
