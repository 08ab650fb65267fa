package server

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"pledgesite/generator"
	"pledgesite/generator/search"
	"pledgesite/generator/styles"
)

func moduleRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func sassBinary(t testing.TB) string {
	t.Helper()
	bin, err := styles.FindBinary("", moduleRoot(t))
	if err != nil {
		t.Fatalf("%v\n(run `make test`, which installs it)", err)
	}
	return bin
}

// fixture copies the golden test site and the default theme into a
// temporary source root.
func fixture(t testing.TB) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "src")
	copyTree(t, filepath.Join(moduleRoot(t), "generator", "testdata", "sites", "basic"), src, "want")
	copyTree(t, filepath.Join(moduleRoot(t), "themes", "default"), filepath.Join(src, "themes", "default"), "")
	return src
}

func copyTree(t testing.TB, from, to, skip string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if skip != "" && rel == skip {
			return filepath.SkipDir
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// start runs a server on the source root until the test ends.
func start(t *testing.T, src string) *Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := New(ctx, Config{Source: src, Addr: "127.0.0.1:0", SassBinary: sassBinary(t), Quiet: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	select {
	case <-s.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("first build did not finish")
	}
	return s
}

// settle waits until a rebuild after `after` has happened and no other
// follows for a while, and returns whether the last one failed.
func settle(t *testing.T, s *Server, after int) bool {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		n, _ := s.Rebuilds()
		if n > after {
			time.Sleep(150 * time.Millisecond)
			if m, failed := s.Rebuilds(); m == n {
				return failed
			}
			continue
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no rebuild after the edit")
	return false
}

// fresh builds the sources as `pledgesite build` would, for comparison.
func fresh(t *testing.T, src, baseURL string) map[string][]byte {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := generator.Build(context.Background(), generator.Config{Source: src, Dest: dest, BaseURL: baseURL, SassBinary: sassBinary(t)}); err != nil {
		t.Fatalf("fresh build: %v", err)
	}
	out := map[string][]byte{}
	filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dest, p)
			out[filepath.ToSlash(rel)], _ = os.ReadFile(p)
		}
		return err
	})
	return out
}

func sameSite(t *testing.T, step string, served, want map[string][]byte) {
	t.Helper()
	for name, data := range want {
		got, ok := served[name]
		switch {
		case !ok:
			t.Errorf("%s: served site lacks %s", step, name)
		case !bytes.Equal(got, data):
			t.Errorf("%s: served %s differs from a fresh build", step, name)
		}
	}
	for name := range served {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: served site has %s, which a fresh build does not", step, name)
		}
	}
}

func write(t *testing.T, src, name, data string) {
	t.Helper()
	p := filepath.Join(src, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func edit(t *testing.T, src, name, from, to string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(from)) {
		t.Fatalf("%s does not contain %q", name, from)
	}
	write(t, src, name, strings.Replace(string(data), from, to, 1))
}

// TestIncrementalEqualsFull edits, adds, renames and deletes sources while
// the server runs, and after each step requires the served site to equal a
// fresh build of the same sources byte for byte.
func TestIncrementalEqualsFull(t *testing.T) {
	src := fixture(t)
	s := start(t, src)
	sameSite(t, "first build", s.Files(), fresh(t, src, s.URL()))

	steps := []struct {
		name   string
		change func()
		broken bool
	}{
		{"edit a pledge title", func() {
			edit(t, src, "pledges/ngo-shelter-kenya.yaml", "title: Shelter beds in Nairobi", "title: Shelter beds in Nairobi and Mombasa")
		}, false},
		{"change a date, which reorders lists", func() {
			edit(t, src, "pledges/state-match-shelter.yaml", "date: 2025-12-10", "date: 2018-01-02")
		}, false},
		{"add a copy of a pledge, which shares every term with it", func() {
			data, _ := os.ReadFile(filepath.Join(src, "pledges", "ngo-shelter-kenya.yaml"))
			copied := strings.Replace(string(data), "id: ngo-shelter-kenya", "id: ngo-shelter-kenya-two", 1)
			write(t, src, "pledges/ngo-shelter-kenya-two.yaml", strings.Replace(copied, "date: 2023-12-15", "date: 2024-01-20", 1))
		}, false},
		{"move the copy by its date and status", func() {
			edit(t, src, "pledges/ngo-shelter-kenya-two.yaml", "date: 2024-01-20\nstatus: in-progress", "date: 2020-03-03\nstatus: fulfilled")
		}, false},
		{"remove the copy", func() {
			os.Remove(filepath.Join(src, "pledges", "ngo-shelter-kenya-two.yaml"))
		}, false},
		{"add a pledge", func() {
			write(t, src, "pledges/ngo-new-pledge.yaml", "id: ngo-new-pledge\nkind: pledge\ntitle: A new pledge\nsummary: New.\n"+
				"entity:\n  name: New Org\n  type: foundation\nforum: GRF-2027\ndate: 2026-05-01\nstatus: planning\nsupport: [other]\ncountries: [BRA]\nmeasures: [c2]\n")
		}, false},
		{"break a pledge", func() {
			edit(t, src, "pledges/ngo-new-pledge.yaml", "status: planning", "status: plannning")
		}, true},
		{"fix it", func() {
			edit(t, src, "pledges/ngo-new-pledge.yaml", "status: plannning", "status: fulfilled")
		}, false},
		{"rename a pledge", func() {
			data, _ := os.ReadFile(filepath.Join(src, "pledges", "ngo-new-pledge.yaml"))
			os.Remove(filepath.Join(src, "pledges", "ngo-new-pledge.yaml"))
			write(t, src, "pledges/ngo-renamed-pledge.yaml", strings.Replace(string(data), "id: ngo-new-pledge", "id: ngo-renamed-pledge", 1))
		}, false},
		{"delete a pledge", func() {
			os.Remove(filepath.Join(src, "pledges", "state-match-shelter.yaml"))
		}, false},
		{"edit a measure page", func() {
			edit(t, src, "content/guidance/protection/shelter.md", "title: Safe shelter", "title: Safe and dignified shelter")
		}, false},
		{"add a page in a new folder", func() {
			write(t, src, "content/news/launch.md", "---\ntitle: Launch\n---\nThe site is live.\n")
		}, false},
		{"edit a stylesheet", func() {
			edit(t, src, "themes/default/assets/scss/_tokens.scss", "$radius: 6px;", "$radius: 4px;")
		}, false},
		{"edit a template", func() {
			edit(t, src, "themes/default/layouts/partials/card.html", `<p class="card__summary">`, `<p class="card__summary card__summary--x">`)
		}, false},
		{"edit the site settings", func() {
			edit(t, src, "site.yaml", "title: Test Pledges", "title: Test Pledges Renamed")
		}, false},
	}
	for _, st := range steps {
		n, _ := s.Rebuilds()
		st.change()
		failed := settle(t, s, n)
		if failed != st.broken {
			t.Fatalf("%s: rebuild failed = %v, want %v", st.name, failed, st.broken)
		}
		if st.broken {
			continue // the last good site stays; compared after the fix
		}
		sameSite(t, st.name, s.Files(), fresh(t, src, s.URL()))
	}
}

func get(t *testing.T, url string) (int, string, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body) + resp.Header.Get("Location")
}

func TestServesTheSite(t *testing.T) {
	src := fixture(t)
	s := start(t, src)
	for _, c := range []struct {
		path, ctype string
		status      int
		contains    string
	}{
		{"", "text/html; charset=utf-8", 200, `<script src="/_pledgesite/live.js" data-build="1" defer></script></body>`},
		{"pledges/ngo-shelter-kenya/", "text/html; charset=utf-8", 200, "Shelter beds in Nairobi"},
		{"pledges/ngo-shelter-kenya", "", 301, "/pledges/ngo-shelter-kenya/"},
		{"no/such/page/", "text/html; charset=utf-8", 404, "Page not found"},
		{"../../etc/passwd", "text/html; charset=utf-8", 404, "Page not found"},
		{"%2e%2e/site.yaml", "text/html; charset=utf-8", 404, "Page not found"},
		{"data/pledges.json", "application/json", 200, `"id":"ngo-shelter-kenya"`},
		{"feed.xml", "application/xml", 200, "<feed"},
		{"manifest.webmanifest", "application/manifest+json", 200, "icons"},
		{"search/meta.json", "application/json", 200, `"v":` + strconv.Itoa(search.Version)},
		{"_pledgesite/live.js", "text/javascript; charset=utf-8", 200, "EventSource"},
	} {
		status, ctype, body := get(t, s.URL()+c.path)
		if status != c.status || (c.ctype != "" && ctype != c.ctype) || !strings.Contains(body, c.contains) {
			t.Errorf("GET /%s: %d %q, body has %q: %v; want %d %q", c.path, status, ctype, c.contains, strings.Contains(body, c.contains), c.status, c.ctype)
		}
	}
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Errorf("serving at %s, want the loopback address", s.URL())
	}
	// Only names of this machine are answered, so that a page elsewhere
	// cannot read the preview by pointing its own name at 127.0.0.1.
	for host, want := range map[string]int{
		"localhost:1313": 200, "127.0.0.1:1313": 200, "[::1]:1313": 200, "site.localhost": 200,
		"evil.example:1313": 403, "evil.example": 403, "127.0.0.1.evil.example": 403, "LOCALHOST.": 200,
		"192.168.1.2:1313": 200, // an address: DNS rebinding needs a name
	} {
		req, _ := http.NewRequest("GET", s.URL(), nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: status %d, want %d", host, resp.StatusCode, want)
		}
	}
}

// TestOpenDataIsNeverStale checks the open data, which the server makes
// on first request: it stays the last good build's while a record has a
// mistake (that build stopped before reusing anything), is refused when
// it was not made before a failed build reused the last good build's
// model (here a template error), and is made anew after the fix.
func TestOpenDataIsNeverStale(t *testing.T) {
	src := fixture(t)
	s := start(t, src)
	data := func(step string, status int, has string) {
		t.Helper()
		got, _, body := get(t, s.URL()+"data/pledges.json")
		if got != status || !strings.Contains(body, has) {
			t.Errorf("%s: %d %.80q; want %d and %q", step, got, body, status, has)
		}
	}
	step := func(name string, broken bool, change func()) {
		t.Helper()
		n, _ := s.Rebuilds()
		change()
		if failed := settle(t, s, n); failed != broken {
			t.Fatalf("%s: rebuild failed = %v, want %v", name, failed, broken)
		}
	}
	data("first build", 200, `"title":"Shelter beds in Nairobi"`)
	step("a record mistake", true, func() {
		edit(t, src, "pledges/ngo-shelter-kenya.yaml", "status: in-progress", "status: in progres")
	})
	data("with a record mistake", 200, `"title":"Shelter beds in Nairobi"`)
	step("the record fixed and its title edited", false, func() {
		edit(t, src, "pledges/ngo-shelter-kenya.yaml", "status: in progres", "status: in-progress")
		edit(t, src, "pledges/ngo-shelter-kenya.yaml", "title: Shelter beds in Nairobi", "title: Shelter beds in Mombasa")
	})
	step("a template mistake", true, func() {
		edit(t, src, "themes/default/layouts/partials/card.html", `<p class="card__summary">`, `<p class="card__summary">{{.NoSuchField}}`)
	})
	data("with a template mistake", 503, "fix the problems")
	// The search page, made with the search index, waits too, and carries
	// the reload script, which shows the problems and reloads it.
	if got, _, body := get(t, s.URL()+"search/"); got != 503 || !strings.Contains(body, "fix the problems") || !strings.Contains(body, Prefix+"live.js") {
		t.Errorf("search page with a template mistake: %d %.300q; want 503 with the reload script", got, body)
	}
	step("the template fixed", false, func() {
		edit(t, src, "themes/default/layouts/partials/card.html", `{{.NoSuchField}}`, ``)
	})
	data("after the fix", 200, `"title":"Shelter beds in Mombasa"`)
	sameSite(t, "after the fix", s.Files(), fresh(t, src, s.URL()))
}

// TestNotBuiltYet: until a build succeeds, every address answers with a
// page that shows the problems and reloads once they are fixed. It is the
// preview's own page, so it answers 200: as 503, Chromium logs a console
// error each time the page opens, which the browser tests count as one.
func TestNotBuiltYet(t *testing.T) {
	src := fixture(t)
	edit(t, src, "pledges/ngo-shelter-kenya.yaml", "status: in-progress", "status: in progres")
	s := start(t, src)
	for _, p := range []string{"", "pledges/ngo-shelter-kenya/", "data/ids.json", "nope"} {
		if got, _, body := get(t, s.URL()+p); got != 200 || !strings.Contains(body, "has not been built yet") || !strings.Contains(body, Prefix+"live.js") {
			t.Errorf("/%s before a good build: %d %.200q; want the page with the reload script", p, got, body)
		}
	}
	n, _ := s.Rebuilds()
	edit(t, src, "pledges/ngo-shelter-kenya.yaml", "status: in progres", "status: in-progress")
	if settle(t, s, n) {
		t.Fatal("the fixed sources still fail")
	}
	if got, _, _ := get(t, s.URL()); got != 200 {
		t.Errorf("home page after the fix: %d, want 200", got)
	}
}

// TestSearchIsMadeOnRequest checks that the preview makes the search
// index, and the search page, when one of their files is first requested
// and not on every save, and that a change of the search page's layout
// or text alone still reloads the pages.
func TestSearchIsMadeOnRequest(t *testing.T) {
	src := fixture(t)
	s := start(t, src)
	events := listen(s)
	made := func() bool {
		s.mu.RLock()
		defer s.mu.RUnlock()
		return s.madeFolders["search"]
	}
	step := func(name string, change func()) {
		t.Helper()
		n, _ := s.Rebuilds()
		change()
		if failed := settle(t, s, n); failed {
			t.Fatalf("%s: the rebuild failed", name)
		}
	}
	if made() {
		t.Fatal("the search index was made before any request")
	}
	if status, _, body := get(t, s.URL()+"search"); status != 301 || !strings.HasSuffix(body, "/search/") {
		t.Errorf("GET /search: %d %q, want a redirect to /search/", status, body)
	}
	if status, _, body := get(t, s.URL()+"search/"); status != 200 || !strings.Contains(body, `data-meta="/search/meta.json?v=`) {
		t.Errorf("GET /search/: %d %.200q", status, body)
	}
	if !made() {
		t.Error("the search index was not kept once made")
	}
	step("a title edited", func() {
		edit(t, src, "pledges/ngo-shelter-kenya.yaml", "title: Shelter beds in Nairobi", "title: Shelter beds in Kisumu")
	})
	if made() {
		t.Error("the search index was made on a save, before any request")
	}
	if status, _, body := get(t, s.URL()+"search/meta.json"); status != 200 || !strings.Contains(body, `"v":`) {
		t.Errorf("GET /search/meta.json: %d %.200q", status, body)
	}
	if !made() {
		t.Error("search/meta.json did not make the search index")
	}
	// An edit of the search page's layout or text alone reloads the pages.
	for _, e := range []struct{ name, file, from, to, shows string }{
		{"the search layout", "themes/default/layouts/search.html", "<h1>{{.Title}}</h1>", "<h1>{{.Title}} (edited)</h1>", "(edited)</h1>"},
		{"the search page's text", "content/search.md", "\n---\n", "\n---\nA sentence added.\n\n", "A sentence added."},
	} {
		for len(events) > 0 {
			<-events
		}
		step(e.name+" edited", func() { edit(t, src, e.file, e.from, e.to) })
		reloaded := false
		for len(events) > 0 {
			reloaded = reloaded || (<-events).name == "reload"
		}
		if !reloaded {
			t.Errorf("no reload after %s alone changed", e.name)
		}
		if _, _, body := get(t, s.URL()+"search/"); !strings.Contains(body, e.shows) {
			t.Errorf("the search page does not show the edit of %s: %.300q", e.name, body)
		}
	}
}

// listen takes the server's events, as a page's script does.
func listen(s *Server) chan event {
	events := make(chan event, 16)
	s.mu.Lock()
	s.clients[events] = true
	s.mu.Unlock()
	return events
}

// TestListPagesAfterReload checks the list pages, which the preview makes
// after a build's reload event: an edit of their layout alone reloads the
// pages once they are made, and a request waits for them.
func TestListPagesAfterReload(t *testing.T) {
	src := fixture(t)
	s := start(t, src)
	events := listen(s)
	for _, e := range []struct{ name, file, from, to, page, shows string }{
		{"the list layout", "themes/default/layouts/list.html", "<h1>{{.Title}}</h1>", "<h1>{{.Title}} (listed)</h1>", "pledges/", "(listed)</h1>"},
		{"the term layout", "themes/default/layouts/term.html", "{{define \"main\" -}}", "{{define \"main\" -}}<p>Termed.</p>", "countries/ken/", "<p>Termed.</p>"},
	} {
		for len(events) > 0 {
			<-events
		}
		n, _ := s.Rebuilds()
		edit(t, src, e.file, e.from, e.to)
		// Once the build is served, and perhaps before its list pages
		// are made, a request for one waits for the new page.
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(time.Millisecond) {
			s.mu.RLock()
			good := s.good
			s.mu.RUnlock()
			if good > n || time.Now().After(deadline) {
				break
			}
		}
		if _, _, body := get(t, s.URL()+e.page); !strings.Contains(body, e.shows) {
			t.Errorf("%s: /%s does not show the edit of %s: %.300q", e.name, e.page, e.name, body)
		}
		if failed := settle(t, s, n); failed {
			t.Fatalf("%s: the rebuild failed", e.name)
		}
		reloaded := false
		for len(events) > 0 {
			reloaded = reloaded || (<-events).name == "reload"
		}
		if !reloaded {
			t.Errorf("no reload after %s alone changed", e.name)
		}
	}
}

// TestShutdownLeavesNothing checks that stopping the server ends its Dart
// Sass process.
func TestShutdownLeavesNothing(t *testing.T) {
	src := fixture(t)
	before := children(t)
	ctx, cancel := context.WithCancel(context.Background())
	s, err := New(ctx, Config{Source: src, Addr: "127.0.0.1:0", SassBinary: sassBinary(t)})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	<-s.Ready()
	if len(children(t)) <= len(before) {
		t.Fatal("no Dart Sass process while serving; the test cannot see it")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(children(t)) > len(before) {
		if time.Now().After(deadline) {
			t.Fatalf("child processes left after shutdown: %v", children(t))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, _, err := getErr(s.URL()); err == nil {
		t.Error("server still answers after shutdown")
	}
}

func getErr(url string) (int, string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, "", err
	}
	resp.Body.Close()
	return resp.StatusCode, "", nil
}

// children lists the processes whose parent is this test.
func children(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("no /proc")
	}
	me := strconv.Itoa(os.Getpid())
	var out []string
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		s := string(data)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) > 1 && f[1] == me && f[0] != "Z" {
			out = append(out, e.Name()+" "+s[:i+1])
		}
	}
	return out
}

// TestMemoryCountsChanges checks the counts the terminal line reports: new
// and changed pages, other files, and files the last build had but this
// one did not make.
func TestMemoryCountsChanges(t *testing.T) {
	old := map[string][]byte{"a.html": []byte("a"), "b.css": []byte("b"), "c.html": []byte("c"),
		"data/x.json": []byte("[1,2]"), "data/y.json": []byte("[1]")}
	m := &memory{files: map[string][]byte{}, old: old}
	for name, data := range map[string]string{"/a.html": "a", "b.css": "b2", "d.html": "d"} {
		if err := m.WriteFile(name, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	// Deferred files, as the open data is, do not count: the pages show
	// what they hold.
	if err := m.Defer("/data/pledges.json", func(w io.Writer) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := m.Defer("data/pledges.json", func(w io.Writer) error { return nil }); err == nil {
		t.Error("a second data/pledges.json was accepted")
	}
	if err := m.WriteFile("data/pledges.json", nil); err == nil {
		t.Error("a file named as a deferred one was accepted")
	}
	if err := m.WriteFile("d.html", nil); err == nil {
		t.Error("a second d.html was accepted")
	}
	// So does a deferred folder, the search index.
	noop := func(func(string, []byte) error) error { return nil }
	if err := m.DeferFolder("search", noop); err != nil {
		t.Fatal(err)
	}
	if err := m.DeferFolder("search", noop); err == nil {
		t.Error("a second search folder was accepted")
	}
	if pages, files := m.changed(); pages != 1 || files != 5 {
		t.Errorf("pages %d, files %d; want 1 page (d.html) and 5 files (b.css, c.html, d.html, data/x.json, data/y.json)", pages, files)
	}
}

// watchedTree makes the folders dirs in a new source root and watches it
// as a server does, until the test ends.
func watchedTree(t *testing.T, dirs ...string) (string, *Server, *fsnotify.Watcher) {
	t.Helper()
	src := t.TempDir()
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(src, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	s := &Server{cfg: Config{Source: src}}
	if err := s.watchTree(w); err != nil {
		t.Fatal(err)
	}
	return src, s, w
}

// TestResyncWatchesLostFolders checks that folders of the source tree the
// watcher lost (as fsnotify can on a rename) are watched again, and named
// for a rebuild.
func TestResyncWatchesLostFolders(t *testing.T) {
	src, s, w := watchedTree(t, "content/guidance/ps", "pledges", "themes/default/layouts", "content/.hidden")
	if added := s.resync(w); len(added) != 0 {
		t.Errorf("resync of a whole watch added %v", added)
	}
	lost := filepath.Join(src, "content", "guidance", "ps")
	if err := w.Remove(lost); err != nil {
		t.Fatal(err)
	}
	if added := s.resync(w); !slices.Equal(added, []string{lost}) {
		t.Errorf("resync added %v, want %v", added, []string{lost})
	}
	if !slices.Contains(w.WatchList(), lost) {
		t.Error("the lost folder is not watched again")
	}
}

// TestSavedFileLeavesWatches: saving a record, written in place or as
// editors do (a new file renamed over the old), moves no folder, so the
// batch does not walk the tree.
func TestSavedFileLeavesWatches(t *testing.T) {
	src, s, w := watchedTree(t, "content", "pledges", "themes")
	rec := filepath.Join(src, "pledges", "a.yaml")
	if err := os.WriteFile(rec, []byte("id: a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rec+".tmp", []byte("id: a\ntitle: b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(rec+".tmp", rec); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(rec); err != nil {
		t.Fatal(err)
	}
	// The events, until the removal's has come.
	deadline := time.After(5 * time.Second)
	for removed := false; !removed; {
		select {
		case ev := <-w.Events:
			s.watchEvent(w, ev)
			removed = ev.Has(fsnotify.Remove) && ev.Name == rec
		case <-deadline:
			t.Fatal("no event for the removal")
		}
	}
	if s.moved {
		t.Error("saving a file marked the tree for a walk")
	}
	if got := s.regained(w); got != nil {
		t.Errorf("regained %v after a save", got)
	}
}

// TestRenamedFolderIsWatched renames a folder holding a subfolder, as a
// running server sees it, and checks that both are watched under their
// new names and no watch is left under the old ones.
func TestRenamedFolderIsWatched(t *testing.T) {
	src, s, w := watchedTree(t, "content/a/x", "pledges", "themes")
	if err := os.Rename(filepath.Join(src, "content", "a"), filepath.Join(src, "content", "b")); err != nil {
		t.Fatal(err)
	}
	// What Run does with the events, then with the batch.
	deadline := time.After(5 * time.Second)
	for renamed, created := false, false; !renamed || !created; {
		select {
		case ev := <-w.Events:
			s.watchEvent(w, ev)
			renamed = renamed || ev.Has(fsnotify.Rename)
			created = created || ev.Has(fsnotify.Create)
		case <-deadline:
			t.Fatal("no rename events")
		}
	}
	if !s.moved {
		t.Fatal("a folder renamed left the tree unmarked: the batch would not look for lost watches")
	}
	s.regained(w)
	if again := s.resync(w); len(again) != 0 {
		t.Errorf("a second resync added %v: a watch is not taking", again)
	}
	list := w.WatchList()
	for _, want := range []string{"content/b", "content/b/x"} {
		if !slices.Contains(list, filepath.Join(src, want)) {
			t.Errorf("%s is not watched: %v", want, list)
		}
	}
	for _, p := range list {
		if strings.Contains(p, filepath.Join("content", "a")) {
			t.Errorf("a watch is left under the old name: %s", p)
		}
	}
}
