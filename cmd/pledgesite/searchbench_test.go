package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"pledgesite/generator"
	"pledgesite/generator/search"
	"pledgesite/generator/synth"
)

// The search benchmark (make bench-search):
//
//	PLEDGESITE_BENCH_SEARCH=1 go test ./cmd/pledgesite -run TestSearchBench -v -timeout 60m
//
// PLEDGESITE_BENCH_SIZES=10000 limits it to the sizes listed (default
// 10000,100000). Results go to .bench/search.json at the module root.

const searchPagefindVersion = "1.6.0"

// searchBenchWords are the one-word queries whose bytes are measured: a word of
// middling frequency and the most common word of the synthetic text.
var searchBenchWords = []string{"shelter", "refugees"}

// searchBenchLatencyWords are typed one after the other to time the results;
// words of the synthetic vocabulary from its head to its middle.
var searchBenchLatencyWords = []string{
	"shelter", "refugees", "trafficking", "asylum", "children", "legal", "health", "training",
	"border", "reception", "documentation", "statelessness", "recruitment", "education",
	"resettlement", "reunification", "exploitation", "compensation", "interpreters", "livelihoods",
}

// searchBenchFacetCases are checked exact against the records. Text queries end
// in a space (whole words), which the large-catalogue model needs.
var searchBenchFacetCases = []string{
	"?status=in-progress&countries=KEN",
	"?q=shelter+&region=europe&support=financial",
	"?q=refugees+&status=planning&status=fulfilled&entity_type=state&sort=date",
	"?sdg_targets=16.2&target_groups=children&forum=GRF-2023&measures=d4",
}

const searchBenchTypeDelay = 50 // ms between keystrokes

type searchBenchBytes struct {
	Requests int                         `json:"requests"`
	Raw      int64                       `json:"raw"`
	Gzip     int64                       `json:"gzip"`
	Transfer int64                       `json:"transfer"`
	Kinds    map[string]searchBenchBytes `json:"kinds,omitempty"`
}

type searchBenchReport struct {
	Open map[string]struct {
		OpenMs            float64          `json:"openMs"`
		Opened            searchBenchBytes `json:"opened"`
		Typed             searchBenchBytes `json:"typed"`
		TypedAll          searchBenchBytes `json:"typedAll"`
		TypedCount        string           `json:"typedCount"`
		URL               searchBenchBytes `json:"url"`
		URLAll            searchBenchBytes `json:"urlAll"`
		URLFirstResultsMs float64          `json:"urlFirstResultsMs"`
		URLCount          string           `json:"urlCount"`
	} `json:"open"`
	Latency []struct {
		Word    string  `json:"word"`
		Ms      float64 `json:"ms"`
		Count   string  `json:"count"`
		Changed bool    `json:"changed"`
	} `json:"latency"`
	LatencyMedian float64                    `json:"latencyMedian"`
	Facets        map[string]searchSnapshot  `json:"facets"`
	Pagefind      map[string]json.RawMessage `json:"pagefind"`
	Errors        []string                   `json:"errors"`
}

type searchPagefindQuery struct {
	Count    int              `json:"count"`
	First    []string         `json:"first"`
	InitMs   float64          `json:"initMs"`
	SearchMs float64          `json:"searchMs"`
	Bytes    searchBenchBytes `json:"bytes"`
}

// searchBenchResult is what the benchmark reports for one catalogue size.
type searchBenchResult struct {
	Pledges       int       `json:"pledges"`
	MeasuredAt    string    `json:"measured_at"`
	LoadAvg       [2]string `json:"loadavg_start_end"` // /proc/loadavg: other work on the machine skews the times
	SourceSeconds float64   `json:"source_seconds"`    // writing the synthetic records (0 when reused)
	BuildSeconds  float64   `json:"build_seconds"`
	SiteFiles     int       `json:"site_files"`
	SiteBytes     int64     `json:"site_bytes"`
	Index         struct {
		Files      int   `json:"files"`
		Bytes      int64 `json:"bytes"`
		DiskKiB    int64 `json:"du_kib"`
		GzipBytes  int64 `json:"gzip_bytes"`
		Shards     int   `json:"shards"`
		ShardBytes int64 `json:"shard_bytes"`
		LargestShd int64 `json:"largest_shard"`
		Fragments  int   `json:"fragments"`
		FragBytes  int64 `json:"fragment_bytes"`
		MetaBytes  int64 `json:"meta_bytes"`
		MetaGzip   int64 `json:"meta_gzip"`
		FacetBytes int64 `json:"facets_bytes"`
		FacetGzip  int64 `json:"facets_gzip"`
	} `json:"index"`
	Search struct {
		Words     map[string]searchBenchWord `json:"words"`
		LatencyMs struct {
			Median  float64            `json:"median"`
			P90     float64            `json:"p90"`
			Max     float64            `json:"max"`
			ByWord  map[string]float64 `json:"by_word"`
			Delay   int                `json:"type_delay_ms"`
			Queries int                `json:"queries"`
		} `json:"latency_ms"`
		FacetChecks []searchFacetCheck `json:"facet_checks"`
	} `json:"search"`
	Pagefind struct {
		Version      string                        `json:"version"`
		Error        string                        `json:"error,omitempty"`
		Glob         string                        `json:"glob"`
		IndexSeconds float64                       `json:"index_seconds"`
		PeakRSSMiB   float64                       `json:"peak_rss_mib"`
		MemoryCapMiB int64                         `json:"memory_cap_mib"`
		Pages        int                           `json:"pages"`
		Files        int                           `json:"files"`
		Bytes        int64                         `json:"bytes"`
		DiskKiB      int64                         `json:"du_kib"`
		Words        map[string]searchPagefindWord `json:"words"`
		LatencyMs    struct {
			Median float64            `json:"median"`
			ByWord map[string]float64 `json:"by_word"`
		} `json:"latency_ms"`
	} `json:"pagefind"`
}

// searchBenchWord is what one word costs the search page.
type searchBenchWord struct {
	OpenPage      searchBenchBytes `json:"open_page"`       // /search/ until its first results
	Typed         searchBenchBytes `json:"typed"`           // open, type the word, until its first results
	TypedAll      searchBenchBytes `json:"typed_all"`       // the same, once facet counts are in
	URL           searchBenchBytes `json:"url"`             // open /search/?q=word, until its first results
	URLAll        searchBenchBytes `json:"url_all"`         // the same, once facet counts are in
	URLFirstMs    float64          `json:"url_first_ms"`    // navigation start to first results
	Results       int              `json:"results"`         // results for the word
	OpenPageMs    float64          `json:"open_page_ms"`    // opening /search/ until settled (wall clock)
	TypedResults  int              `json:"typed_results"`   // the same, typed
	IndexOnlyGzip int64            `json:"index_only_gzip"` // url: meta, shards, fragments (no page, no facets)
}

// searchPagefindWord is what one word costs Pagefind's JS API.
type searchPagefindWord struct {
	Bytes    searchBenchBytes `json:"bytes"` // pagefind.js, init, search, 10 results' data
	Results  int              `json:"results"`
	InitMs   float64          `json:"init_ms"`
	SearchMs float64          `json:"search_ms"` // search + 10 results' data, cold
}

type searchFacetCheck struct {
	Case    string `json:"case"`
	Results string `json:"results"`
	OK      bool   `json:"ok"`
}

// TestSearchBench measures the search at 10,000 and 100,000 synthetic
// pledges against Pagefind over the same pages. It is a benchmark, not a
// test: it runs only when PLEDGESITE_BENCH_SEARCH=1.
func TestSearchBench(t *testing.T) {
	if os.Getenv("PLEDGESITE_BENCH_SEARCH") != "1" {
		t.Skip("search benchmark skipped: set PLEDGESITE_BENCH_SEARCH=1 to run it (make bench-search; " +
			"PLEDGESITE_BENCH_SIZES=10000 for one size). It builds synthetic catalogues of 10,000 and 100,000 pledges and takes up to ~30 minutes")
	}
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Fatal("/usr/bin/chromium not found (run `make test`, which installs Debian's chromium)")
	}
	sizes := []int{10000, 100000}
	if s := os.Getenv("PLEDGESITE_BENCH_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				t.Fatalf("PLEDGESITE_BENCH_SIZES: %q is not a size", f)
			}
			sizes = append(sizes, n)
		}
	}
	pagefind, pfErr := searchInstallPagefind(t)
	var measured, all []searchBenchResult
	for _, n := range sizes {
		start := time.Now()
		load := searchLoadAvg()
		r := searchBenchSize(t, n, pagefind, pfErr)
		r.MeasuredAt, r.LoadAvg = start.UTC().Format(time.RFC3339), [2]string{load, searchLoadAvg()}
		t.Logf("%d pledges measured in %s", n, time.Since(start).Round(time.Second))
		measured = append(measured, r)
		all = writeSearchBenchJSON(t, measured)
	}
	fmt.Print(searchBenchTable(all))
}

func searchLoadAvg() string {
	data, _ := os.ReadFile("/proc/loadavg")
	return strings.TrimSpace(string(data))
}

// writeSearchBenchJSON writes .bench/search.json: the sizes measured, and those
// of an earlier run that this one did not measure. It returns them all.
func writeSearchBenchJSON(t *testing.T, sizes []searchBenchResult) []searchBenchResult {
	t.Helper()
	dir := filepath.Join(moduleRoot(t), ".bench")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var old struct {
		Sizes []searchBenchResult `json:"sizes"`
	}
	if data, err := os.ReadFile(filepath.Join(dir, "search.json")); err == nil {
		json.Unmarshal(data, &old)
	}
	sizes = slices.Clone(sizes)
	for _, o := range old.Sizes {
		if !slices.ContainsFunc(sizes, func(s searchBenchResult) bool { return s.Pledges == o.Pledges }) {
			sizes = append(sizes, o)
		}
	}
	slices.SortFunc(sizes, func(a, b searchBenchResult) int { return a.Pledges - b.Pledges })
	cpu := runtime.NumCPU()
	data, err := json.MarshalIndent(map[string]any{
		"written": time.Now().UTC().Format(time.RFC3339),
		"machine": map[string]any{"cpus": cpu, "goos": runtime.GOOS, "goarch": runtime.GOARCH, "go": runtime.Version()},
		"notes": []string{
			"bytes: raw = decoded body bytes, gzip = body bytes as sent (served with gzip for HTML, CSS, JS, JSON and octet-stream), transfer = with headers; from the browser's network events (CDP through Playwright), which include web workers' fetches",
			"search: typed = open /search/, type the word, until the result list shows its first results; url = open /search/?q=word until its first results; *_all = once every fetch is done (facet counts)",
			"latency: performance.now() from the last keydown to the last change of #result-list, typed with page.keyboard.type at type_delay_ms between keys",
			"pagefind: indexes the pledge pages (glob) within <main>, text search only (no filters); bytes = pagefind.js, init, search(word) and the first 10 results' data() in a blank page; its index files are gzipped by Pagefind itself, so raw = gzip for them",
		},
		"sizes": sizes,
	}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "search.json"), append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	return sizes
}

// searchBenchSource returns a source tree with n synthetic pledges and the
// real multistakeholder record beside the shipped guidance, theme and
// settings. The records are kept in the system's temporary folder between
// runs (writing 100,000 files takes a while) while synth would write the
// same; the rest is refreshed.
func searchBenchSource(t *testing.T, n int) (string, time.Duration) {
	t.Helper()
	dir := filepath.Join(os.TempDir(), "pledgesite-searchbench-"+strconv.Itoa(n))
	keep := func(name string) bool { return name == "msp-trafficking-in-persons.yaml" }
	opt := benchOptions(t, n)
	if entries, err := os.ReadDir(filepath.Join(dir, "pledges")); err == nil && len(entries) == n+1 && synth.Current(dir, opt) {
		for _, d := range []string{"content", "themes", "node_modules", "site.yaml"} {
			os.RemoveAll(filepath.Join(dir, d))
		}
		os.Rename(filepath.Join(dir, "pledges"), filepath.Join(dir, "pledges.kept"))
		searchSource(t, dir, keep)
		os.RemoveAll(filepath.Join(dir, "pledges"))
		if err := os.Rename(filepath.Join(dir, "pledges.kept"), filepath.Join(dir, "pledges")); err != nil {
			t.Fatal(err)
		}
		return dir, 0
	}
	start := time.Now()
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	os.RemoveAll(dir)
	searchSource(t, tmp, keep)
	if _, err := synth.Write(filepath.Join(tmp, "pledges"), opt); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		t.Fatal(err)
	}
	if err := synth.MarkCurrent(dir, opt); err != nil {
		t.Fatal(err)
	}
	return dir, time.Since(start)
}

func searchBenchSize(t *testing.T, n int, pagefind string, pfErr error) searchBenchResult {
	var r searchBenchResult
	r.Pledges = n
	src, srcDur := searchBenchSource(t, n)
	r.SourceSeconds = srcDur.Seconds()

	work, err := os.MkdirTemp("", "pledgesite-searchbench-out-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(work)
	dest := filepath.Join(work, "public")
	r.BuildSeconds = searchBuild(t, src, dest).Seconds()
	r.SiteFiles, r.SiteBytes = searchTreeSize(t, dest)
	t.Logf("%d pledges: built in %.1fs, %d files, %.1f MiB", n, r.BuildSeconds, r.SiteFiles, float64(r.SiteBytes)/(1<<20))

	idx := filepath.Join(dest, "search")
	r.Index.Files, r.Index.Bytes = searchTreeSize(t, idx)
	r.Index.DiskKiB = searchDuKiB(t, idx)
	filepath.WalkDir(idx, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		size := int64(len(data))
		gz := searchGzipSize(data)
		r.Index.GzipBytes += gz
		rel, _ := filepath.Rel(idx, p)
		switch {
		case strings.HasPrefix(rel, "t/"):
			r.Index.Shards++
			r.Index.ShardBytes += size
			r.Index.LargestShd = max(r.Index.LargestShd, size)
		case strings.HasPrefix(rel, "d/"):
			r.Index.Fragments++
			r.Index.FragBytes += size
		case rel == "meta.json":
			r.Index.MetaBytes, r.Index.MetaGzip = size, gz
		case rel == "facets.bin":
			r.Index.FacetBytes, r.Index.FacetGzip = size, gz
		}
		return nil
	})

	// Pagefind indexes the same pages, into dest/pagefind.
	r.Pagefind.Version = searchPagefindVersion
	r.Pagefind.Glob = "pledges/*/index.html"
	blank := "pagefind-bench.html"
	if err := os.WriteFile(filepath.Join(dest, blank), []byte("<!doctype html><html lang=en><title>Pagefind</title><p>Pagefind benchmark page</p>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	debug.FreeOSMemory() // the build's garbage, before Pagefind's memory is judged
	if pfErr != nil {
		r.Pagefind.Error = pfErr.Error()
		blank = ""
	} else if err := searchRunPagefind(t, pagefind, dest, &r); err != nil {
		r.Pagefind.Error = err.Error()
		blank = ""
	}

	// The browser's part.
	plan := map[string]any{
		"words":        searchBenchWords,
		"latencyWords": searchBenchLatencyWords,
		"typeDelay":    searchBenchTypeDelay,
		"facets":       searchBenchFacetCases,
		"pagefind":     blank,
	}
	planFile := filepath.Join(work, "plan.json")
	data, _ := json.Marshal(plan)
	if err := os.WriteFile(planFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	base := searchServeGzip(t, dest)
	start := time.Now()
	out := searchRunNode(t, 40*time.Minute, filepath.Join("testdata", "browser", "bench-search.mjs"), base, planFile)
	t.Logf("%d pledges: browser measurements took %s", n, time.Since(start).Round(time.Second))
	var rep searchBenchReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("bench-search.mjs output: %v\n%s", err, out)
	}
	for _, e := range rep.Errors {
		t.Errorf("%d pledges: %s", n, e)
	}

	r.Search.Words = map[string]searchBenchWord{}
	for w, o := range rep.Open {
		e := r.Search.Words[w]
		e.OpenPage, e.Typed, e.TypedAll, e.URL, e.URLAll = o.Opened, o.Typed, o.TypedAll, o.URL, o.URLAll
		e.URLFirstMs, e.OpenPageMs = o.URLFirstResultsMs, o.OpenMs
		e.Results, _ = searchParseCount(o.URLCount)
		e.TypedResults, _ = searchParseCount(o.TypedCount)
		for _, k := range []string{"meta", "shards", "fragments"} {
			e.IndexOnlyGzip += o.URL.Kinds[k].Gzip
		}
		r.Search.Words[w] = e
	}
	var ms []float64
	r.Search.LatencyMs.ByWord = map[string]float64{}
	for _, l := range rep.Latency {
		if !l.Changed {
			t.Errorf("%d pledges: typing %q did not change the result list", n, l.Word)
		}
		ms = append(ms, l.Ms)
		r.Search.LatencyMs.ByWord[l.Word] = searchRound1(l.Ms)
	}
	r.Search.LatencyMs.Median, r.Search.LatencyMs.P90, r.Search.LatencyMs.Max = searchQuantile(ms, 0.5), searchQuantile(ms, 0.9), searchQuantile(ms, 1)
	r.Search.LatencyMs.Delay, r.Search.LatencyMs.Queries = searchBenchTypeDelay, len(ms)

	if blank != "" {
		r.Pagefind.Words = map[string]searchPagefindWord{}
		for _, w := range searchBenchWords {
			var q searchPagefindQuery
			if raw, ok := rep.Pagefind[w]; !ok || json.Unmarshal(raw, &q) != nil {
				t.Errorf("%d pledges: no Pagefind result for %q", n, w)
				continue
			}
			e := r.Pagefind.Words[w]
			e.Bytes, e.Results, e.InitMs, e.SearchMs = q.Bytes, q.Count, searchRound1(q.InitMs), searchRound1(q.SearchMs)
			r.Pagefind.Words[w] = e
		}
		var lat []struct {
			Word string  `json:"word"`
			Ms   float64 `json:"ms"`
		}
		json.Unmarshal(rep.Pagefind["latency"], &lat)
		r.Pagefind.LatencyMs.ByWord = map[string]float64{}
		var pms []float64
		for _, l := range lat {
			r.Pagefind.LatencyMs.ByWord[l.Word] = searchRound1(l.Ms)
			pms = append(pms, l.Ms)
		}
		r.Pagefind.LatencyMs.Median = searchQuantile(pms, 0.5)
	}

	// Facet counts, exact against the records. The model keeps only the
	// query words' terms, which is enough for whole-word queries.
	start = time.Now()
	loaded, errs := generator.Load(os.DirFS(src), "")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	only := map[string]bool{}
	for _, qs := range searchBenchFacetCases {
		for _, term := range search.Tokens(searchStateFromURL(t, qs).q) {
			only[term] = true
		}
	}
	cat := newSearchCatalogue(t, loaded.Records, filepath.Join(dest, "data", "pledges.json"), only)
	loaded = nil
	if len(cat.docs) != n+1 {
		t.Errorf("%d pledges: the model has %d records, want %d", n, len(cat.docs), n+1)
	}
	for _, qs := range searchBenchFacetCases {
		s, ok := rep.Facets[qs]
		if !ok {
			t.Errorf("%d pledges: %s not measured", n, qs)
			continue
		}
		ok = t.Run(fmt.Sprintf("%d/%s", n, qs), func(t *testing.T) { cat.checkSnapshot(t, qs, s) })
		r.Search.FacetChecks = append(r.Search.FacetChecks, searchFacetCheck{qs, s.Count, ok})
	}
	t.Logf("%d pledges: facet counts checked against the records in %s", n, time.Since(start).Round(time.Second))
	return r
}

// searchRunPagefind indexes dest's pledge pages with Pagefind under /usr/bin/time.
// Pagefind's memory grows with the site (2 GiB at 10,000 pages), so it is
// watched: past three quarters of the memory available when it started
// (or past 30 minutes) it is stopped, lest it take the machine down, and
// the report says so. (A ulimit does not do: Pagefind hangs when an
// allocation fails.)
func searchRunPagefind(t *testing.T, bin, dest string, r *searchBenchResult) error {
	t.Helper()
	capKiB := searchMemAvailableKiB(t) * 3 / 4
	r.Pagefind.MemoryCapMiB = capKiB / 1024
	cmd := exec.Command("/usr/bin/time", "-v", bin, "--site", dest, "--glob", r.Pagefind.Glob, "--root-selector", "main")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	var err error
	stopped := ""
wait:
	for {
		select {
		case err = <-done:
			break wait
		case <-tick.C:
			for _, pid := range searchChildPIDs(cmd.Process.Pid) {
				switch rss := searchRSSKiB(pid); {
				case rss > capKiB:
					stopped = fmt.Sprintf("stopped at %d MiB resident, over the cap of %d MiB", rss/1024, capKiB/1024)
					syscall.Kill(pid, syscall.SIGKILL)
				case time.Since(start) > 30*time.Minute:
					stopped = "stopped after 30 minutes"
					syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		}
	}
	r.Pagefind.IndexSeconds = time.Since(start).Seconds()
	if m := regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`).FindStringSubmatch(stderr.String()); m != nil {
		kb, _ := strconv.ParseFloat(m[1], 64)
		r.Pagefind.PeakRSSMiB = searchRound1(kb / 1024)
	}
	if err != nil {
		tail := stdout.String() + stderr.String()
		if len(tail) > 3000 {
			tail = tail[len(tail)-3000:]
		}
		return fmt.Errorf("pagefind failed after %.0fs (%s; peak RSS %.0f MiB): %v\n%s",
			r.Pagefind.IndexSeconds, stopped, r.Pagefind.PeakRSSMiB, err, tail)
	}
	if m := regexp.MustCompile(`Indexed (\d+) pages?`).FindStringSubmatch(stdout.String()); m != nil {
		r.Pagefind.Pages, _ = strconv.Atoi(m[1])
	}
	pf := filepath.Join(dest, "pagefind")
	r.Pagefind.Files, r.Pagefind.Bytes = searchTreeSize(t, pf)
	r.Pagefind.DiskKiB = searchDuKiB(t, pf)
	t.Logf("%d pledges: pagefind indexed %d pages in %.1fs, peak RSS %.0f MiB", r.Pledges, r.Pagefind.Pages, r.Pagefind.IndexSeconds, r.Pagefind.PeakRSSMiB)
	return nil
}

// searchInstallPagefind installs npm pagefind (which brings its binary as an
// optional dependency) into a folder of the system's temporary folder,
// kept between runs, and returns the binary's path.
func searchInstallPagefind(t *testing.T) (string, error) {
	t.Helper()
	prefix := filepath.Join(os.TempDir(), "pledgesite-pagefind-"+searchPagefindVersion)
	find := func() string {
		for _, name := range []string{"pagefind_extended", "pagefind"} {
			matches, _ := filepath.Glob(filepath.Join(prefix, "node_modules", "@pagefind", "*", "bin", name))
			if len(matches) > 0 {
				return matches[0]
			}
		}
		return ""
	}
	if bin := find(); bin != "" {
		return bin, nil
	}
	cmd := exec.Command("npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", prefix, "pagefind@"+searchPagefindVersion)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("npm install pagefind@%s: %v\n%s", searchPagefindVersion, err, out)
	}
	if bin := find(); bin != "" {
		return bin, nil
	}
	return "", fmt.Errorf("npm install pagefind@%s installed no binary under %s", searchPagefindVersion, prefix)
}

// searchServeGzip serves dir on 127.0.0.1 as static hosts do: HTML, CSS,
// JavaScript, JSON and binary files compressed with gzip when the browser
// accepts it (each file compressed once, then kept), files that are gzip
// already sent as they are.
func searchServeGzip(t testing.TB, dir string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: &searchGzipHandler{h: http.FileServer(http.Dir(dir)), cache: map[string]*searchGzipped{}}, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

type searchGzipped struct {
	header http.Header
	body   []byte
}

type searchGzipHandler struct {
	h     http.Handler
	mu    sync.Mutex
	cache map[string]*searchGzipped
}

var searchGzipTypes = []string{"text/html", "text/css", "text/javascript", "application/javascript", "application/json", "application/octet-stream"}

func (g *searchGzipHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") || r.Method != http.MethodGet || r.Header.Get("Range") != "" {
		g.h.ServeHTTP(w, r)
		return
	}
	g.mu.Lock()
	c := g.cache[r.URL.Path]
	g.mu.Unlock()
	if c == nil {
		rec := httptest.NewRecorder()
		plain := r.Clone(r.Context())
		for k := range plain.Header {
			if strings.HasPrefix(k, "If-") {
				plain.Header.Del(k)
			}
		}
		g.h.ServeHTTP(rec, plain)
		res := rec.Result()
		ct := res.Header.Get("Content-Type")
		body := rec.Body.Bytes()
		compress := res.StatusCode == http.StatusOK && slices.ContainsFunc(searchGzipTypes, func(p string) bool { return strings.HasPrefix(ct, p) }) &&
			!(len(body) >= 2 && body[0] == 0x1f && body[1] == 0x8b)
		if !compress {
			g.h.ServeHTTP(w, r)
			return
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		zw.Write(body)
		zw.Close()
		h := http.Header{}
		h.Set("Content-Type", ct)
		h.Set("Content-Encoding", "gzip")
		h.Set("Vary", "Accept-Encoding")
		h.Set("Content-Length", strconv.Itoa(buf.Len()))
		c = &searchGzipped{header: h, body: buf.Bytes()}
		g.mu.Lock()
		g.cache[r.URL.Path] = c
		g.mu.Unlock()
	}
	for k, v := range c.header {
		w.Header()[k] = v
	}
	w.WriteHeader(http.StatusOK)
	w.Write(c.body)
}

// searchRunNode is runNode with a longer time limit, for the benchmark.
func searchRunNode(t testing.TB, limit time.Duration, script string, args ...string) []byte {
	t.Helper()
	if _, err := os.Stat(filepath.Join(moduleRoot(t), "node_modules", "playwright-core")); err != nil {
		t.Fatal("playwright-core not installed (run `make test`)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{script}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, stderr.String())
	}
	return stdout.Bytes()
}

// searchChildPIDs lists the children of a process.
func searchChildPIDs(pid int) []int {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	var out []int
	for _, f := range strings.Fields(string(data)) {
		if n, err := strconv.Atoi(f); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// searchRSSKiB is a process's resident memory, 0 when it is gone.
func searchRSSKiB(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	m := regexp.MustCompile(`(?m)^VmRSS:\s+(\d+) kB`).FindSubmatch(data)
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return n
}

// searchMemAvailableKiB reads MemAvailable from /proc/meminfo.
func searchMemAvailableKiB(t testing.TB) int64 {
	t.Helper()
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^MemAvailable:\s+(\d+) kB`).FindSubmatch(data)
	if m == nil {
		t.Fatal("no MemAvailable in /proc/meminfo")
	}
	n, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return n
}

func searchTreeSize(t testing.TB, dir string) (files int, size int64) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files++
		size += info.Size()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files, size
}

// searchDuKiB is what du says the folder takes on disk, in KiB.
func searchDuKiB(t testing.TB, dir string) int64 {
	t.Helper()
	out, err := exec.Command("du", "-sk", dir).Output()
	if err != nil {
		t.Fatalf("du %s: %v", dir, err)
	}
	n, _ := strconv.ParseInt(strings.Fields(string(out))[0], 10, 64)
	return n
}

func searchGzipSize(data []byte) int64 {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	zw.Write(data)
	zw.Close()
	return int64(buf.Len())
}

func searchQuantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	if q >= 1 {
		return searchRound1(s[len(s)-1])
	}
	if q == 0.5 && len(s)%2 == 0 {
		return searchRound1((s[len(s)/2-1] + s[len(s)/2]) / 2)
	}
	return searchRound1(s[int(q*float64(len(s)-1)+0.5)])
}

func searchRound1(x float64) float64 { return float64(int64(x*10+0.5)) / 10 }

func searchKiB(n int64) string { return fmt.Sprintf("%.1f KiB", float64(n)/1024) }

// searchBenchTable prints the figures side by side.
func searchBenchTable(sizes []searchBenchResult) string {
	var b strings.Builder
	row := func(label string, f func(r searchBenchResult) string) {
		fmt.Fprintf(&b, "%-58s", label)
		for _, r := range sizes {
			fmt.Fprintf(&b, " %22s", f(r))
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "\nsearch benchmark (%d CPUs)\n", runtime.NumCPU())
	row("pledges", func(r searchBenchResult) string { return strconv.Itoa(r.Pledges) })
	row("build (whole site), s", func(r searchBenchResult) string { return fmt.Sprintf("%.1f", r.BuildSeconds) })
	row("site: files / size", func(r searchBenchResult) string {
		return fmt.Sprintf("%d / %.0f MiB", r.SiteFiles, float64(r.SiteBytes)/(1<<20))
	})
	row("pledgesite index: files / bytes", func(r searchBenchResult) string {
		return fmt.Sprintf("%d / %.1f MiB", r.Index.Files, float64(r.Index.Bytes)/(1<<20))
	})
	row("pledgesite index: du (disk)", func(r searchBenchResult) string { return fmt.Sprintf("%.1f MiB", float64(r.Index.DiskKiB)/1024) })
	row("pledgesite index: meta.json raw / gzip", func(r searchBenchResult) string {
		return searchKiB(r.Index.MetaBytes) + " / " + searchKiB(r.Index.MetaGzip)
	})
	row("pledgesite index: facets.bin raw / gzip", func(r searchBenchResult) string {
		return searchKiB(r.Index.FacetBytes) + " / " + searchKiB(r.Index.FacetGzip)
	})
	row("pledgesite index: shards / largest", func(r searchBenchResult) string {
		return fmt.Sprintf("%d / %s", r.Index.Shards, searchKiB(r.Index.LargestShd))
	})
	row("pagefind index: time, s", func(r searchBenchResult) string { return searchPfOr(r, fmt.Sprintf("%.1f", r.Pagefind.IndexSeconds)) })
	row("pagefind index: peak RSS", func(r searchBenchResult) string { return searchPfOr(r, fmt.Sprintf("%.0f MiB", r.Pagefind.PeakRSSMiB)) })
	row("pagefind index: pages / files / bytes", func(r searchBenchResult) string {
		return searchPfOr(r, fmt.Sprintf("%d / %d / %.1f MiB", r.Pagefind.Pages, r.Pagefind.Files, float64(r.Pagefind.Bytes)/(1<<20)))
	})
	row("pagefind index: du (disk)", func(r searchBenchResult) string {
		return searchPfOr(r, fmt.Sprintf("%.1f MiB", float64(r.Pagefind.DiskKiB)/1024))
	})
	for _, w := range searchBenchWords {
		row(fmt.Sprintf("%q results: pledgesite / pagefind", w), func(r searchBenchResult) string {
			return fmt.Sprintf("%d / %s", r.Search.Words[w].Results, searchPfOr(r, strconv.Itoa(r.Pagefind.Words[w].Results)))
		})
		row(fmt.Sprintf("%q open /search/ + type: gzip (raw), reqs", w), func(r searchBenchResult) string {
			x := r.Search.Words[w].Typed
			return fmt.Sprintf("%s (%s) %d", searchKiB(x.Gzip), searchKiB(x.Raw), x.Requests)
		})
		row(fmt.Sprintf("%q   of which facets.bin gzip", w), func(r searchBenchResult) string { return searchKiB(r.Search.Words[w].Typed.Kinds["facets"].Gzip) })
		row(fmt.Sprintf("%q open /search/?q=: gzip (raw), reqs", w), func(r searchBenchResult) string {
			x := r.Search.Words[w].URL
			return fmt.Sprintf("%s (%s) %d", searchKiB(x.Gzip), searchKiB(x.Raw), x.Requests)
		})
		row(fmt.Sprintf("%q   index files only (meta+shards+frags), gzip", w), func(r searchBenchResult) string { return searchKiB(r.Search.Words[w].IndexOnlyGzip) })
		row(fmt.Sprintf("%q   + facet counts: gzip (raw)", w), func(r searchBenchResult) string {
			x := r.Search.Words[w].URLAll
			return fmt.Sprintf("%s (%s)", searchKiB(x.Gzip), searchKiB(x.Raw))
		})
		row(fmt.Sprintf("%q pagefind JS API: gzip, reqs", w), func(r searchBenchResult) string {
			x := r.Pagefind.Words[w].Bytes
			return searchPfOr(r, fmt.Sprintf("%s %d", searchKiB(x.Gzip), x.Requests))
		})
		row(fmt.Sprintf("%q   pagefind index files only (no js/wasm), gzip", w), func(r searchBenchResult) string {
			x := r.Pagefind.Words[w].Bytes.Kinds
			return searchPfOr(r, searchKiB(x["pagefind-meta"].Gzip+x["pagefind-index"].Gzip+x["pagefind-fragments"].Gzip+x["pagefind-filters"].Gzip))
		})
	}
	row("keystroke to results, median / p90 / max ms", func(r searchBenchResult) string {
		l := r.Search.LatencyMs
		return fmt.Sprintf("%.0f / %.0f / %.0f", l.Median, l.P90, l.Max)
	})
	row("pagefind search + 10 results' data, median ms", func(r searchBenchResult) string {
		return searchPfOr(r, fmt.Sprintf("%.0f", r.Pagefind.LatencyMs.Median))
	})
	row("facet combinations checked exact", func(r searchBenchResult) string {
		ok := 0
		for _, c := range r.Search.FacetChecks {
			if c.OK {
				ok++
			}
		}
		return fmt.Sprintf("%d of %d ok", ok, len(r.Search.FacetChecks))
	})
	return b.String()
}

func searchPfOr(r searchBenchResult, s string) string {
	if r.Pagefind.Error != "" {
		return "n/a"
	}
	return s
}
