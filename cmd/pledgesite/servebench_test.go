package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"pledgesite/generator"
	"pledgesite/generator/synth"
)

// The serve benchmark times the preview server's edit-to-reload loop and
// watches its memory. It takes minutes, so it runs only when asked:
//
//	PLEDGESITE_BENCH_SERVE=1 go test ./cmd/pledgesite -run TestServeBench -v -timeout 30m
//
// For each catalogue (the shipped site, and 10,000 synthetic pledges beside
// the shipped guidance and theme) it starts the server in-process, listens
// to /_pledgesite/events like a page does, and edits one pledge's title
// serveBenchEdits times, each time waiting for the "reload" event. The
// latency of an edit runs from the return of the write to the arrival of
// the event, so it includes the server's quiet period (20 ms), the rebuild
// and the event's delivery. The first serveBenchTimed edits make the
// latency figures. Then a new pledge is added and removed in turn,
// serveBenchAdds times each, first dated after all the others, then among
// them: what a contributor's pull request does. All of these count as
// rebuilds for the memory figure:
// the live heap (after runtime.GC) after the last rebuild over the live heap
// after the first build. The table is printed and written to
// .bench/serve.json at the module root.
//
// Two variables add profiles: PLEDGESITE_BENCH_SERVE_CPUPROFILE=/tmp/cpu
// writes /tmp/cpu-<site>.pprof covering the edits only (not the first
// build), and PLEDGESITE_BENCH_SERVE_HEAPPROFILES=/tmp/heap writes heap
// profiles after the first build and after the edits, sampled finely (which
// slows the run: its timings are not the benchmark's), for
// `go tool pprof -base heap-<site>-first.pprof heap-<site>-after.pprof`.
const (
	serveBenchTimed     = 30
	serveBenchEdits     = 100
	serveBenchAdds      = 10
	serveBenchHeapRatio = 1.10 // target: the heap may grow by 10% at most
)

type serveBenchResult struct {
	Site         string  `json:"site"`
	Date         string  `json:"date"`
	Pledges      int     `json:"pledges"`
	Files        int     `json:"files"`
	FirstBuildMS float64 `json:"first_build_ms"`
	Edited       string  `json:"edited"`
	Timed        int     `json:"timed_edits"`
	// Edit to "reload" event, over the first Timed edits.
	LatencyMS serveBenchStats `json:"latency_ms"`
	// The server's own rebuild time, from its log, over the same edits.
	RebuildMS serveBenchStats `json:"rebuild_ms"`
	// Edit to "reload" event, over all the edits.
	AllLatencyMS serveBenchStats `json:"all_latency_ms"`
	// Addition or removal of a new pledge to "reload" event: dated after
	// all the others, and among them.
	NewestMS serveBenchStats `json:"new_newest_latency_ms"`
	OlderMS  serveBenchStats `json:"new_older_latency_ms"`
	// Addition or removal of a new pledge, either date, to the pledge
	// list served after the reload (the preview makes list pages then).
	NewListMS  serveBenchStats `json:"new_list_served_ms"`
	Rebuilds   int             `json:"rebuilds"`
	HeapFirst  uint64          `json:"heap_after_first_build_bytes"`
	HeapAfter  uint64          `json:"heap_after_rebuilds_bytes"`
	HeapRatio  float64         `json:"heap_ratio"`
	HeapTarget float64         `json:"heap_ratio_target"`
	// /proc/loadavg before and after: other work on the machine inflates
	// the timings.
	LoadBefore string `json:"loadavg_before"`
	LoadAfter  string `json:"loadavg_after"`
}

func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	return strings.Join(f[:min(3, len(f))], " ")
}

type serveBenchStats struct {
	Median float64 `json:"median"`
	P90    float64 `json:"p90"`
	Max    float64 `json:"max"`
}

func serveBenchStatsOf(ds []time.Duration) serveBenchStats {
	if len(ds) == 0 {
		return serveBenchStats{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	// Nearest rank: the p-th percentile is the ceil(p*n)-th value.
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(s))+0.999999) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return serveBenchStats{Median: ms(med), P90: ms(rank(0.9)), Max: ms(s[len(s)-1])}
}

func TestServeBench(t *testing.T) {
	if os.Getenv("PLEDGESITE_BENCH_SERVE") == "" {
		t.Skip("serve benchmark skipped: it takes minutes; run it with " +
			"PLEDGESITE_BENCH_SERVE=1 go test ./cmd/pledgesite -run TestServeBench -v -timeout 30m " +
			"(it writes .bench/serve.json)")
	}
	if os.Getenv("PLEDGESITE_BENCH_SERVE_HEAPPROFILES") != "" {
		// Heap profiles precise enough to diff a few hundred KiB; this
		// slows the allocations down, so the timings of such a run are
		// not the benchmark's.
		runtime.MemProfileRate = 512
	}
	var results []serveBenchResult
	cases := []struct {
		name string
		src  func(t *testing.T) string
	}{
		{"shipped", func(t *testing.T) string { return liveSources(t) }},
		{"10000", func(t *testing.T) string { return serveBenchSource(t, 10000) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			results = append(results, serveBench(t, c.name, c.src(t)))
		})
	}
	if len(results) == 0 {
		return
	}

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "site\tpledges\tfiles\tfirst build ms\tedit→reload median ms\tp90\tmax\trebuild median ms\tnew pledge median ms\tdated among others\tnew pledge→list served\theap first MiB\theap after %d MiB\tratio\t\n", serveBenchEdits+4*serveBenchAdds)
	for _, r := range results {
		verdict := ""
		if r.HeapRatio > r.HeapTarget {
			verdict = " (over target)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.3f%s\t\n", r.Site, r.Pledges, r.Files, r.FirstBuildMS,
			r.LatencyMS.Median, r.LatencyMS.P90, r.LatencyMS.Max, r.RebuildMS.Median, r.NewestMS.Median, r.OlderMS.Median, r.NewListMS.Median,
			float64(r.HeapFirst)/(1<<20), float64(r.HeapAfter)/(1<<20), r.HeapRatio, verdict)
	}
	tw.Flush()

	type report struct {
		Date    string             `json:"date"`
		Go      string             `json:"go"`
		CPUs    int                `json:"cpus"`
		Timed   int                `json:"timed_edits"`
		Edits   int                `json:"edits"`
		Results []serveBenchResult `json:"results"`
	}
	dir := filepath.Join(moduleRoot(t), ".bench")
	// A run of some of the sites (-run TestServeBench/10000) keeps the
	// others' last results; each result carries its date.
	var prev report
	if data, err := os.ReadFile(filepath.Join(dir, "serve.json")); err == nil {
		_ = json.Unmarshal(data, &prev)
	}
	all := results
	for _, p := range prev.Results {
		if !slices.ContainsFunc(results, func(r serveBenchResult) bool { return r.Site == p.Site }) {
			all = append(all, p)
		}
	}
	order := map[string]int{}
	for i, c := range cases {
		order[c.name] = i
	}
	slices.SortStableFunc(all, func(a, b serveBenchResult) int { return order[a.Site] - order[b.Site] })
	out := report{time.Now().UTC().Format(time.RFC3339), runtime.Version(), runtime.NumCPU(), serveBenchTimed, serveBenchEdits, all}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "serve.json"), append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", filepath.Join(dir, "serve.json"))
}

// serveBenchSource returns a source tree with n synthetic pledges beside
// the shipped guidance, theme and settings, as generator/bench_test.go's
// benchSource makes it (the shipped multistakeholder record and n records
// from synth with seed 1), kept in the temporary folder between runs under
// a name of its own, since this benchmark edits it, while synth would write
// the same records.
func serveBenchSource(t *testing.T, n int) string {
	t.Helper()
	dir := filepath.Join(os.TempDir(), "pledgesite-serve-bench-"+strconv.Itoa(n))
	root := moduleRoot(t)
	refresh := func(to string) {
		for _, d := range []string{"content", "themes"} {
			os.RemoveAll(filepath.Join(to, d))
			liveCopy(t, filepath.Join(root, d), filepath.Join(to, d))
		}
		data, err := os.ReadFile(filepath.Join(root, "site.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, "site.yaml"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opt := benchOptions(t, n)
	msp := opt.MSP
	if synth.Current(dir, opt) {
		// The records are kept between runs while synth would write the
		// same; the theme, guidance and settings are the working tree's.
		refresh(dir)
		return dir
	}
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	refresh(tmp)
	if err := os.MkdirAll(filepath.Join(tmp, "pledges"), 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "pledges", msp+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "pledges", msp+".yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := synth.Write(filepath.Join(tmp, "pledges"), opt); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		t.Fatal(err)
	}
	if err := synth.MarkCurrent(dir, opt); err != nil {
		t.Fatal(err)
	}
	return dir
}

// benchOptions are the options of the synthetic catalogue of n pledges the
// benchmarks build: seed 1, the shipped measures, contributions to the
// shipped multistakeholder pledge.
func benchOptions(t *testing.T, n int) synth.Options {
	t.Helper()
	src, errs := generator.Load(os.DirFS(moduleRoot(t)), "")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var measures []string
	for _, m := range src.Content.Measures {
		measures = append(measures, m.Measure)
	}
	return synth.Options{N: n, Seed: 1, Measures: measures, MSP: "msp-trafficking-in-persons"}
}

// sseEvent is one event of the server's stream, stamped on arrival.
type sseEvent struct {
	name, data string
	at         time.Time
}

// listenEvents connects to the server's event stream as a page does and
// delivers its events until ctx is done.
func listenEvents(t *testing.T, ctx context.Context, base string) <-chan sseEvent {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"_pledgesite/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		resp.Body.Close()
		t.Fatalf("event stream: %s, %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	ch := make(chan sseEvent, 256)
	go func() {
		defer resp.Body.Close()
		defer close(ch)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		var ev sseEvent
		var data []string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" || data != nil {
					if ev.name == "" {
						ev.name = "message"
					}
					ev.data, ev.at = strings.Join(data, "\n"), time.Now()
					select {
					case ch <- ev:
					case <-ctx.Done():
						return
					}
				}
				ev, data = sseEvent{}, nil
			case strings.HasPrefix(line, ":"):
			case strings.HasPrefix(line, "event:"):
				ev.name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				data = append(data, strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
			}
		}
	}()
	return ch
}

// serveBenchHeapProfile writes a heap profile to
// $PLEDGESITE_BENCH_SERVE_HEAPPROFILES/heap-<site>-<when>.pprof when that
// variable names a folder, for `go tool pprof -base`.
func serveBenchHeapProfile(t *testing.T, site, when string) {
	dir := os.Getenv("PLEDGESITE_BENCH_SERVE_HEAPPROFILES")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "heap-"+site+"-"+when+".pprof"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		t.Fatal(err)
	}
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// rebuildLine is the server's log line for a rebuild that worked.
var rebuildLine = regexp.MustCompile(`^\S.*: \d+ pages and \d+ files changed of (\d+) files, in (\S+)$`)

func serveBench(t *testing.T, name, src string) serveBenchResult {
	records, _ := filepath.Glob(filepath.Join(src, "pledges", "*.yaml"))
	slices.Sort(records)
	res := serveBenchResult{Site: name, Date: time.Now().UTC().Format(time.RFC3339), Pledges: len(records), Timed: serveBenchTimed,
		HeapTarget: serveBenchHeapRatio, LoadBefore: loadAvg()}

	// The pledge to edit: a plain one in the middle of the catalogue.
	target := records[len(records)/2]
	for i := len(records) / 2; i < len(records); i++ {
		if !strings.HasPrefix(filepath.Base(records[i]), "msp-") {
			target = records[i]
			break
		}
	}
	res.Edited, _ = filepath.Rel(src, target)
	res.Edited = filepath.ToSlash(res.Edited)
	orig, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	// The source of the 10,000 is kept between runs: put the record back.
	t.Cleanup(func() { os.WriteFile(target, orig, 0o644) })
	titleLine := regexp.MustCompile(`(?m)^title: .*$`)
	if !titleLine.Match(orig) {
		t.Fatalf("%s has no title line", res.Edited)
	}

	start := time.Now()
	l := startLive(t, src)
	res.FirstBuildMS = float64(time.Since(start).Microseconds()) / 1000
	if _, failed := l.Rebuilds(); failed {
		t.Fatalf("first build failed\n%s", l.log)
	}
	res.Files = len(l.Files())
	res.HeapFirst = liveHeap()
	serveBenchHeapProfile(t, name, "first")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := listenEvents(t, ctx, l.URL())
	// The stream opens with a "build" event naming the current build; it
	// must not be taken for an event of the first edit.
	select {
	case e := <-events:
		if e.name != "build" {
			t.Fatalf("the event stream opened with %q (%q), want build", e.name, e.data)
		}
	case <-time.After(time.Minute):
		t.Fatal("the event stream sent nothing within a minute")
	}

	if f := os.Getenv("PLEDGESITE_BENCH_SERVE_CPUPROFILE"); f != "" {
		// A CPU profile of the edits alone, without the first build:
		// $PLEDGESITE_BENCH_SERVE_CPUPROFILE-<site>.pprof.
		out, err := os.Create(f + "-" + name + ".pprof")
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.StartCPUProfile(out); err != nil {
			t.Fatalf("%v (leave out -cpuprofile)", err)
		}
		defer func() { pprof.StopCPUProfile(); out.Close() }()
	}
	// change makes change what (nothing may be pending from the one
	// before) and returns the time from its return to the reload event;
	// lastList is set to the time until the pledge list was served.
	var lastList time.Duration
	change := func(what string, do func() error) time.Duration {
		for drained := false; !drained; {
			select {
			case e := <-events:
				t.Fatalf("%s: unexpected %q event before the write: %q", what, e.name, e.data)
			default:
				drained = true
			}
		}
		if err := do(); err != nil {
			t.Fatal(err)
		}
		wrote := time.Now()
		timeout := time.After(2 * time.Minute)
		for {
			select {
			case e, ok := <-events:
				switch {
				case !ok:
					t.Fatalf("%s: the event stream ended", what)
				case e.name == "build":
					// Sent when the stream opens: which build is current.
				case e.name != "reload":
					t.Fatalf("%s: got a %q event (%q), want reload\n%s", what, e.name, e.data, l.log)
				default:
					// Then the pledge list, as a browser showing it
					// would ask after the reload. The preview makes the
					// list pages after the reload event: waiting for one
					// also starts the next change from an idle server,
					// as a person's next save would.
					resp, err := http.Get(l.URL() + "pledges/")
					if err != nil {
						t.Fatalf("%s: %v", what, err)
					}
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err != nil || resp.StatusCode != http.StatusOK {
						t.Fatalf("%s: GET /pledges/: %s, %v", what, resp.Status, err)
					}
					lastList = time.Since(wrote)
					return e.at.Sub(wrote)
				}
			case <-timeout:
				t.Fatalf("%s: no reload event within 2 minutes\n%s", what, l.log)
			}
		}
	}
	var latencies []time.Duration
	for i := range serveBenchEdits {
		next := titleLine.ReplaceAll(orig, []byte(fmt.Sprintf("title: Serve benchmark edit number %03d of a synthetic pledge", i)))
		latencies = append(latencies, change(fmt.Sprintf("edit %d", i), func() error { return os.WriteFile(target, next, 0o644) }))
	}
	// A new pledge, a copy of the edited one under another id without its
	// updates, added and removed in turn.
	added := filepath.Join(src, "pledges", "serve-bench-added.yaml")
	t.Cleanup(func() { os.Remove(added) })
	id := strings.TrimSuffix(filepath.Base(target), ".yaml")
	var lists []time.Duration
	for _, a := range []struct {
		date string
		into *serveBenchStats
	}{{time.Now().UTC().Format(time.DateOnly), &res.NewestMS}, {"2021-06-15", &res.OlderMS}} {
		rec := strings.Replace(string(orig), "id: "+id, "id: serve-bench-added", 1)
		rec = regexp.MustCompile(`(?m)^date: .*$`).ReplaceAllString(rec, "date: "+a.date)
		rec = regexp.MustCompile(`(?m)^updates:\n(  .*\n|\n)*`).ReplaceAllString(rec, "")
		var ds []time.Duration
		for i := range serveBenchAdds {
			ds = append(ds, change(fmt.Sprintf("pledge dated %s added, %d", a.date, i), func() error { return os.WriteFile(added, []byte(rec), 0o644) }))
			lists = append(lists, lastList)
			ds = append(ds, change(fmt.Sprintf("pledge dated %s removed, %d", a.date, i), func() error { return os.Remove(added) }))
			lists = append(lists, lastList)
		}
		*a.into = serveBenchStatsOf(ds)
	}
	res.NewListMS = serveBenchStatsOf(lists)
	if os.Getenv("PLEDGESITE_BENCH_SERVE_CPUPROFILE") != "" {
		pprof.StopCPUProfile()
	}
	res.HeapAfter = liveHeap()
	serveBenchHeapProfile(t, name, "after")
	res.HeapRatio = float64(res.HeapAfter) / float64(res.HeapFirst)
	res.Rebuilds, _ = l.Rebuilds()
	res.Rebuilds-- // the first build
	res.LoadAfter = loadAvg()
	cancel()
	l.stop(t)

	res.LatencyMS = serveBenchStatsOf(latencies[:serveBenchTimed])
	res.AllLatencyMS = serveBenchStatsOf(latencies)
	var rebuilds []time.Duration
	for _, line := range strings.Split(l.log.String(), "\n") {
		if m := rebuildLine.FindStringSubmatch(line); m != nil && !strings.HasPrefix(line, "first build") {
			if d, err := time.ParseDuration(m[2]); err == nil {
				rebuilds = append(rebuilds, d)
			}
		}
	}
	changes := serveBenchEdits + 4*serveBenchAdds
	if len(rebuilds) != changes {
		t.Errorf("the log shows %d good rebuilds, want %d (one per change)\n%s", len(rebuilds), changes, l.log)
	}
	res.RebuildMS = serveBenchStatsOf(rebuilds[:min(serveBenchTimed, len(rebuilds))])
	if res.Rebuilds != changes {
		t.Errorf("%d rebuilds for %d changes, want one each", res.Rebuilds, changes)
	}
	t.Logf("%s: %d pledges, %d files; first build %.0f ms; edit→reload median %.1f ms, p90 %.1f ms, max %.1f ms (server rebuild median %.1f ms); new pledge added or removed→reload median %.1f ms (p90 %.1f), dated among the others %.1f ms (p90 %.1f), pledge list served after %.1f ms (p90 %.1f); heap %.1f → %.1f MiB after %d rebuilds (×%.3f); load average %s → %s",
		name, res.Pledges, res.Files, res.FirstBuildMS, res.LatencyMS.Median, res.LatencyMS.P90, res.LatencyMS.Max, res.RebuildMS.Median,
		res.NewestMS.Median, res.NewestMS.P90, res.OlderMS.Median, res.OlderMS.P90, res.NewListMS.Median, res.NewListMS.P90,
		float64(res.HeapFirst)/(1<<20), float64(res.HeapAfter)/(1<<20), res.Rebuilds, res.HeapRatio, res.LoadBefore, res.LoadAfter)
	if res.HeapRatio > serveBenchHeapRatio {
		t.Errorf("%s: the live heap grew ×%.3f over %d rebuilds, above the target ×%.2f", name, res.HeapRatio, res.Rebuilds, serveBenchHeapRatio)
	}
	return res
}
