package generator

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pledgesite/generator/synth"
)

// benchSource returns a source tree with n synthetic pledges beside the
// shipped guidance, theme and settings, made once per size and test run.
func benchSource(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "pledgesite-bench-"+strconv.Itoa(n))
	root := moduleRoot(b)
	if _, err := os.Stat(filepath.Join(dir, "pledges")); err == nil {
		// The records are kept between runs; the theme, guidance and
		// settings are the working tree's.
		for _, d := range []string{"content", "themes"} {
			os.RemoveAll(filepath.Join(dir, d))
			copyTree(b, filepath.Join(root, d), filepath.Join(dir, d), nil)
		}
		data, err := os.ReadFile(filepath.Join(root, "site.yaml"))
		if err != nil {
			b.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "site.yaml"), data, 0o644)
		return dir
	}
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	for _, d := range []string{"content", "themes"} {
		copyTree(b, filepath.Join(root, d), filepath.Join(tmp, d), nil)
	}
	copyTree(b, filepath.Join(root, "pledges"), filepath.Join(tmp, "pledges"), func(rel string) bool {
		return rel != "." && rel != "msp-trafficking-in-persons.yaml"
	})
	data, err := os.ReadFile(filepath.Join(root, "site.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	os.WriteFile(filepath.Join(tmp, "site.yaml"), data, 0o644)
	src, errs := Load(os.DirFS(root), "")
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	var measures []string
	for _, m := range src.Content.Measures {
		measures = append(measures, m.Measure)
	}
	if _, err := synth.Write(filepath.Join(tmp, "pledges"), synth.Options{N: n, Seed: 1, Measures: measures, MSP: "msp-trafficking-in-persons"}); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		b.Fatal(err)
	}
	return dir
}

// discard is a Writer that keeps nothing, to time the build without disk.
type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }

func benchBuild(b *testing.B, n int) {
	src := benchSource(b, n)
	ctx := context.Background()
	builder, err := NewBuilder(ctx, src, sassBinary(b), false)
	if err != nil {
		b.Fatal(err)
	}
	defer builder.Close()
	b.ResetTimer()
	for range b.N {
		st, _, err := builder.Build(ctx, "", discard{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.Bytes)/float64(n), "bytes/pledge")
		for _, p := range st.Phases {
			b.ReportMetric(float64(p.Duration.Milliseconds()), strings.ReplaceAll(p.Name, " ", "_")+"-ms")
		}
	}
}

// BenchmarkBuild1k and BenchmarkBuild10k time a whole build into memory
// (no disk writes): load, model, assets, search index, pages and data.
func BenchmarkBuild1k(b *testing.B)  { benchBuild(b, 1000) }
func BenchmarkBuild10k(b *testing.B) { benchBuild(b, 10000) }
