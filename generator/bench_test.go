package generator

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"pledgesite/generator/markdown"
	"pledgesite/generator/render"
	"pledgesite/generator/site"
	"pledgesite/generator/synth"
)

// benchSource returns a source tree with n synthetic pledges beside the
// shipped guidance, theme and settings. The records are kept in the temp
// folder between runs while synth would write the same ones; the theme,
// guidance and settings are always the working tree's.
func benchSource(b testing.TB, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "pledgesite-bench-"+strconv.Itoa(n))
	root := moduleRoot(b)
	src, errs := Load(os.DirFS(root), "")
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	var measures []string
	for _, m := range src.Content.Measures {
		measures = append(measures, m.Measure)
	}
	opt := synth.Options{N: n, Seed: 1, Measures: measures, MSP: "msp-trafficking-in-persons"}
	if synth.Current(dir, opt) {
		for _, d := range []string{"content", "themes"} {
			os.RemoveAll(filepath.Join(dir, d))
			copyTree(b, filepath.Join(root, d), filepath.Join(dir, d), nil)
		}
		copySettings(b, root, dir)
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
	copySettings(b, root, tmp)
	if _, err := synth.Write(filepath.Join(tmp, "pledges"), opt); err != nil {
		b.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		b.Fatal(err)
	}
	if err := synth.MarkCurrent(dir, opt); err != nil {
		b.Fatal(err)
	}
	return dir
}

// copySettings copies the working tree's site.yaml into dir.
func copySettings(b testing.TB, root, dir string) {
	data, err := os.ReadFile(filepath.Join(root, "site.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "site.yaml"), data, 0o644); err != nil {
		b.Fatal(err)
	}
}

// discard is a Writer that keeps nothing, to time the build without disk.
// It takes the open data in pieces, as output.Dir does.
type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }

func (discard) Create(string) (io.WriteCloser, error) { return nopCloser{io.Discard}, nil }

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func benchBuild(b *testing.B, n int) {
	src := benchSource(b, n)
	ctx := context.Background()
	builder, err := NewBuilder(ctx, src, sassBinary(b), false)
	if err != nil {
		b.Fatal(err)
	}
	defer builder.Close()
	b.ResetTimer()
	var peak uint64
	stop := watchLiveHeap(&peak)
	for range b.N {
		st, _, err := builder.Build(ctx, "", discard{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.Bytes)/float64(n), "bytes/pledge")
		for _, p := range st.Phases {
			b.ReportMetric(float64(p.Duration.Milliseconds()), metricName(p.Name))
			for _, q := range p.Parts {
				b.ReportMetric(float64(q.Duration.Milliseconds()), metricName(p.Name+"/"+q.Name))
			}
		}
	}
	stop()
	// The most the collector found alive: what the build holds at once,
	// which should grow with the catalogue and no faster.
	b.ReportMetric(float64(peak)/(1<<20), "peak-live-MiB")
}

// metricName turns a step's name into a benchmark unit, which holds no
// spaces.
func metricName(step string) string { return strings.ReplaceAll(step, " ", "_") + "-ms" }

// watchLiveHeap records in peak the largest live heap a collection finds
// until stop is called.
func watchLiveHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			*peak = max(*peak, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

// BenchmarkBuild1k and BenchmarkBuild10k time a whole build into memory
// (no disk writes): load, model, assets, search index, pages and data.
func BenchmarkBuild1k(b *testing.B)  { benchBuild(b, 1000) }
func BenchmarkBuild10k(b *testing.B) { benchBuild(b, 10000) }

// BenchmarkRebuild10k times what the preview server does when one pledge
// is saved: the builder keeps its caches, one record changes, the whole
// site is built again into memory. "title" is the common edit; "date"
// moves the record in the catalogue's order, which the search index and
// the model cannot patch.
func BenchmarkRebuild10k(b *testing.B) {
	src := benchSource(b, 10000)
	ctx := context.Background()
	builder, err := NewBuilder(ctx, src, sassBinary(b), true)
	if err != nil {
		b.Fatal(err)
	}
	defer builder.Close()
	if _, _, err := builder.Build(ctx, "", discard{}); err != nil {
		b.Fatal(err)
	}
	builder.TrustEvents(true) // as the server does: it forgets what changed
	// The first synthetic record, whichever name synth gave it.
	files, err := filepath.Glob(filepath.Join(src, "pledges", "synthetic-*.yaml"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no synthetic record in %s: %v", src, err)
	}
	file := files[0]
	rel := "pledges/" + filepath.Base(file)
	orig, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	defer os.WriteFile(file, orig, 0o644)
	// A new record added and removed in turn, the one change a
	// contributor's pull request makes: dated after all the others, it
	// takes the next search number; dated among them, it moves the
	// numbers of those after it.
	added := filepath.Join(src, "pledges", "synthetic-added.yaml")
	addedRel := "pledges/synthetic-added.yaml"
	id := strings.TrimSuffix(filepath.Base(file), ".yaml")
	newRecord := func(date string) string {
		r := strings.Replace(string(orig), "id: "+id, "id: synthetic-added", 1)
		r = regexp.MustCompile(`(?m)^date: .*$`).ReplaceAllString(r, "date: "+date)
		return regexp.MustCompile(`(?m)^updates:\n(  .*\n|\n)*`).ReplaceAllString(r, "")
	}
	defer os.Remove(added)
	edits := []struct {
		name string
		edit func(i int) string
		add  string // instead of edit: a record to add and remove in turn
	}{
		{"title", func(i int) string {
			return strings.Replace(string(orig), "title: \"", "title: \"Edit "+strconv.Itoa(i)+" ", 1)
		}, ""},
		{"date", func(i int) string {
			return strings.Replace(string(orig), "\ndate: ", "\ndate: 20"+strconv.Itoa(10+i%15)+"-01-01\n# was: ", 1)
		}, ""},
		{"added-removed", nil, newRecord(time.Now().UTC().Format(time.DateOnly))},
		{"added-removed-older", nil, newRecord("2021-06-15")},
	}
	for _, e := range edits {
		b.Run(e.name, func(b *testing.B) {
			phases := map[string]time.Duration{}
			// go test's -cpuprofile would mostly show the first, full
			// build; PLEDGESITE_REBUILD_PROFILE=file profiles the rebuilds
			// alone.
			if name := os.Getenv("PLEDGESITE_REBUILD_PROFILE"); name != "" {
				f, err := os.Create(name + "-" + e.name)
				if err != nil {
					b.Fatal(err)
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					b.Fatal(err)
				}
				defer pprof.StopCPUProfile()
			}
			b.ResetTimer()
			for i := range b.N {
				switch {
				case e.edit != nil:
					if err := os.WriteFile(file, []byte(e.edit(i)), 0o644); err != nil {
						b.Fatal(err)
					}
					builder.ForgetRecord(rel)
				case i%2 == 0:
					if err := os.WriteFile(added, []byte(e.add), 0o644); err != nil {
						b.Fatal(err)
					}
					builder.ForgetRecord(addedRel)
				default:
					if err := os.Remove(added); err != nil {
						b.Fatal(err)
					}
					builder.ForgetRecord(addedRel)
				}
				st, _, err := builder.Build(ctx, "", discard{})
				if err != nil {
					b.Fatal(err)
				}
				for _, p := range st.Phases {
					phases[p.Name] += p.Duration
				}
			}
			for name, d := range phases {
				b.ReportMetric(float64(d.Microseconds())/1000/float64(b.N), metricName(name))
			}
		})
	}
}

// BenchmarkModel10k times the model alone: grouping 10,000 loaded
// records into taxonomies and indexes, which every rebuild does again.
func BenchmarkModel10k(b *testing.B) {
	src, errs := Load(os.DirFS(benchSource(b, 10000)), "")
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	b.ReportAllocs()
	for b.Loop() {
		site.New(src.Config, src.Content, src.Records)
	}
}

// BenchmarkPledgePages times the templates alone: every pledge page of a
// 1,000-pledge catalogue, with the descriptions rendered beforehand (as
// the search index often has them ready).
func BenchmarkPledgePages(b *testing.B) {
	src, errs := Load(os.DirFS(benchSource(b, 1000)), "")
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	s := site.New(src.Config, src.Content, src.Records)
	r := render.New(s, markdown.New(), render.Assets{CSS: "/css/main.css"}, func(string) string { return "2026-01-01" }, nil)
	th, terrs := render.LoadTheme(src.FS, "themes/default", r.Funcs())
	if len(terrs) > 0 {
		b.Fatal(terrs)
	}
	r.SetTheme(th)
	jobs, err := r.Jobs()
	if err != nil {
		b.Fatal(err)
	}
	var pages []render.Job
	for _, j := range jobs {
		if j.Page.Kind == "pledge" {
			pages = append(pages, j)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		r.PrepareDescriptions()
		for _, p := range s.Records {
			if _, err := r.Description(p); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if err := r.Render(pages, discard{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pages))/1000, "µs/page")
}
