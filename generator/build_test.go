package generator

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/net/html"

	"pledgesite/generator/diag"
	"pledgesite/generator/record"
	"pledgesite/generator/styles"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/sites/*/want")

// moduleRoot is the folder holding go.mod, where make installs node_modules.
func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test folder")
		}
		dir = parent
	}
}

// sassBinary finds the Dart Sass binary that `make test` installs, and
// fails (never skips) when it is missing.
func sassBinary(t testing.TB) string {
	t.Helper()
	bin, err := styles.FindBinary("", moduleRoot(t))
	if err != nil {
		t.Fatalf("%v\n(run `make test`, which installs it)", err)
	}
	return bin
}

// fixedTime is the modification time given to fixture files, so "last
// updated" dates in golden output do not depend on when the test runs.
var fixedTime = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// fixture copies testdata/sites/<name> and the shipped default theme into a
// temporary source root.
func fixture(t testing.TB, name string) string {
	t.Helper()
	root := t.TempDir()
	src := filepath.Join(root, "src")
	copyTree(t, filepath.Join("testdata", "sites", name), src, func(rel string) bool { return rel == "want" || strings.HasPrefix(rel, "want/") })
	copyTree(t, filepath.Join(moduleRoot(t), "themes", "default"), filepath.Join(src, "themes", "default"), nil)
	return src
}

func copyTree(t testing.TB, from, to string, skip func(rel string) bool) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if skip != nil && skip(filepath.ToSlash(rel)) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return err
		}
		return os.Chtimes(dst, fixedTime, fixedTime)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func build(t testing.TB, src, dest string) (Stats, error) {
	t.Helper()
	return Build(context.Background(), Config{Source: src, Dest: dest, SassBinary: sassBinary(t)})
}

// tree reads every file under dir by slash path.
func tree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// goldenFiles are compared byte for byte with testdata/sites/basic/want.
// The list of every output path is compared too, as files.txt.
var goldenFiles = []string{
	"index.html",
	"pledges/ngo-shelter-kenya/index.html",
	"pledges/msp-test/index.html",
	"pledges/ngo-hostile/index.html",
	"guidance/protection/shelter/index.html",
	"countries/ken/index.html",
	"data/pledges.json",
	"data/pledges.csv",
	"data/measures.json",
	"data/ids.json",
	"feed.xml",
	"sitemap.xml",
	"robots.txt",
}

func TestGoldenSite(t *testing.T) {
	src := fixture(t, "basic")
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := build(t, src, dest); err != nil {
		t.Fatalf("build: %v", err)
	}
	got := tree(t, dest)
	var names []string
	for name := range got {
		names = append(names, name)
	}
	slices.Sort(names)
	got["files.txt"] = []byte(strings.Join(names, "\n") + "\n")

	want := filepath.Join("testdata", "sites", "basic", "want")
	for _, name := range append([]string{"files.txt"}, goldenFiles...) {
		file := filepath.Join(want, filepath.FromSlash(name))
		if *update {
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, got[name], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		w, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (run go test ./generator -update to create it)", err)
		}
		if !bytes.Equal(got[name], w) {
			t.Errorf("%s differs from %s:\n%s", name, file, firstDiff(string(w), string(got[name])))
		}
	}
}

// firstDiff shows the first differing line, for readable failures.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n want: " + w + "\n  got: " + g
		}
	}
	return "(no line differs)"
}

func TestBuildIsDeterministic(t *testing.T) {
	src := fixture(t, "basic")
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	if _, err := build(t, src, a); err != nil {
		t.Fatal(err)
	}
	if _, err := build(t, src, b); err != nil {
		t.Fatal(err)
	}
	ta, tb := tree(t, a), tree(t, b)
	if len(ta) != len(tb) {
		t.Fatalf("first build wrote %d files, second %d", len(ta), len(tb))
	}
	for name, data := range ta {
		if !bytes.Equal(data, tb[name]) {
			t.Errorf("%s differs between two builds of the same sources", name)
		}
	}
}

// TestUnchangedSourcesAreNotRebuilt checks the build stamp: a build of
// unchanged sources into an untouched folder stops early, and anything
// touched on either side makes it build again and leave a stamp that
// matches the folder.
func TestUnchangedSourcesAreNotRebuilt(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // the stamp's home
	src := fixture(t, "basic")
	dest := filepath.Join(t.TempDir(), "public")
	files := 0
	for _, step := range []struct {
		name     string
		change   func() // before the build
		upToDate bool
		written  int
	}{
		{"first build", nil, false, -1},
		{"again", nil, true, 0},
		{"an output file's time changed", func() {
			later := fixedTime.Add(time.Hour)
			must(t, os.Chtimes(filepath.Join(dest, "index.html"), later, later))
		}, false, 0},
		{"again after the touch", nil, true, 0},
		{"an output file removed", func() { must(t, os.Remove(filepath.Join(dest, "data", "pledges.json"))) }, false, 1},
		{"again after the removal", nil, true, 0},
		{"a source changed", func() {
			f := filepath.Join(src, "pledges", "ngo-shelter-kenya.yaml")
			data, err := os.ReadFile(f)
			must(t, err)
			must(t, os.WriteFile(f, append(data, "# reviewed\n"...), 0o644))
		}, false, -1},
		{"again after the source change", nil, true, 0},
		{"a source replaced keeping its size and time (cp -p; change time on Linux only)", func() {
			if runtime.GOOS != "linux" {
				// Without a change time the build cannot tell: leave the
				// file, and the step finds the folder up to date anyway.
				return
			}
			f := filepath.Join(src, "pledges", "ngo-shelter-kenya.yaml")
			st, err := os.Stat(f)
			must(t, err)
			data, err := os.ReadFile(f)
			must(t, err)
			data[len(data)-2] = 'X' // in "# reviewed\n"
			must(t, os.WriteFile(f, data, 0o644))
			must(t, os.Chtimes(f, st.ModTime(), st.ModTime()))
		}, runtime.GOOS != "linux", -1},
		{"again after the replacement", nil, true, 0},
		{"a theme file's time changed", func() {
			later := fixedTime.Add(2 * time.Hour)
			must(t, os.Chtimes(filepath.Join(src, "themes", "default", "layouts", "baseof.html"), later, later))
		}, false, 0},
		{"a source removed", func() {
			must(t, os.Remove(filepath.Join(src, "pledges", "ngo-hostile.yaml")))
		}, false, -1},
		{"again after the removal of a source", nil, true, 0},
		// The stamp outlives the folder: it must not make the build skip,
		// nor keep it from writing every file again.
		{"the output folder removed", func() { must(t, os.RemoveAll(dest)) }, false, -1},
		{"again after the folder's removal", nil, true, 0},
	} {
		if step.change != nil {
			step.change()
		}
		st, err := build(t, src, dest)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if st.UpToDate != step.upToDate {
			t.Errorf("%s: up to date = %v, want %v", step.name, st.UpToDate, step.upToDate)
		}
		if step.written >= 0 && st.Written != step.written {
			t.Errorf("%s: %d files written, want %d", step.name, st.Written, step.written)
		}
		if files == 0 || step.written != 0 {
			files = len(tree(t, dest))
		}
		if st.Files != files {
			t.Errorf("%s: %d files, want %d", step.name, st.Files, files)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestFailedBuildLeavesPreviousSite(t *testing.T) {
	src := fixture(t, "basic")
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	if _, err := build(t, src, dest); err != nil {
		t.Fatal(err)
	}
	before := tree(t, dest)

	// Break one record in two ways and add a record that fails a cross-check.
	bad := filepath.Join(src, "pledges", "ngo-shelter-kenya.yaml")
	data, _ := os.ReadFile(bad)
	data = bytes.Replace(data, []byte("status: in-progress"), []byte("status: in progres"), 1)
	data = bytes.Replace(data, []byte("title: Shelter"), []byte("titel: Shelter"), 1)
	if err := os.WriteFile(bad, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := build(t, src, dest)
	var list diag.List
	if !errors.As(err, &list) {
		t.Fatalf("build error = %v, want a diag.List", err)
	}
	var got []string
	for _, d := range list {
		got = append(got, d.Error())
	}
	want := []string{
		`pledges/ngo-shelter-kenya.yaml:3:1: unknown field "titel" (did you mean "title"?)`,
		`pledges/ngo-shelter-kenya.yaml:17:9: status: "in progres" is not a valid value (did you mean "in-progress"?)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("diagnostics:\n got %q\nwant %q", got, want)
	}

	after := tree(t, dest)
	if len(after) != len(before) {
		t.Fatalf("public/ has %d files after a failed build, %d before", len(after), len(before))
	}
	for name, data := range before {
		if !bytes.Equal(data, after[name]) {
			t.Errorf("%s changed after a failed build", name)
		}
	}
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		if e.Name() != "public" {
			t.Errorf("failed build left %s behind", e.Name())
		}
	}
}

// TestUntrustedTextIsEscaped checks the pages of a record whose every text
// field holds markup or script: none of it may reach a page as markup.
func TestUntrustedTextIsEscaped(t *testing.T) {
	src := fixture(t, "basic")
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := build(t, src, dest); err != nil {
		t.Fatal(err)
	}
	files := tree(t, dest)
	for name, data := range files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		for _, problem := range unsafeMarkup(t, data) {
			t.Errorf("%s: %s", name, problem)
		}
	}
	page := string(files["pledges/ngo-hostile/index.html"])
	for _, want := range []string{
		"&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; Legal aid &amp; &#34;justice&#34;",
		"A bad link, a sneaky one and",  // script links become plain text
		`<h3 id="a-top-level-heading">`, // "#" in a description sits under the page's h2
	} {
		if !strings.Contains(page, want) {
			t.Errorf("hostile pledge page lacks %q", want)
		}
	}
}

// unsafeMarkup parses a page and lists what could run script: inline
// scripts (JSON-LD data blocks aside), event-handler attributes, and URLs
// with a scheme other than http, https or mailto.
func unsafeMarkup(t testing.TB, page []byte) []string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		attr := map[string]string{}
		for _, a := range n.Attr {
			attr[a.Key] = a.Val
			if strings.HasPrefix(a.Key, "on") {
				out = append(out, "<"+n.Data+"> has event handler "+a.Key)
			}
			if a.Key == "href" || a.Key == "src" || a.Key == "action" {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if i := strings.IndexByte(v, ':'); i > 0 && !strings.ContainsAny(v[:i], "/?#") {
					if s := v[:i]; s != "http" && s != "https" && s != "mailto" {
						out = append(out, "<"+n.Data+"> "+a.Key+" uses scheme "+s)
					}
				}
			}
		}
		switch n.Data {
		case "script":
			if attr["src"] == "" && attr["type"] != "application/ld+json" {
				out = append(out, "inline <script>")
			}
		case "iframe", "object", "embed", "img":
			if n.Data != "img" || !strings.HasPrefix(attr["src"], "/") {
				out = append(out, "<"+n.Data+"> from contributor text")
			}
		}
	}
	return out
}

// The checker itself must catch what it looks for.
func TestUnsafeMarkupDetects(t *testing.T) {
	page := `<p onclick="x()"><a href=" JavaScript:alert(1)">a</a><script>x()</script><iframe src="https://e"></iframe>` +
		`<script type="application/ld+json">{}</script><script src="/js/a.js"></script><a href="https://ok">ok</a></p>`
	got := unsafeMarkup(t, []byte(page))
	want := []string{"<p> has event handler onclick", "<a> href uses scheme javascript", "inline <script>", "<iframe> from contributor text"}
	if !slices.Equal(got, want) {
		t.Errorf("unsafeMarkup = %q, want %q", got, want)
	}
}

// TestSitemapDatesFromGit builds the fixture site inside a git repository
// whose commits have known dates, and checks the sitemap's lastmod and the
// pledge page's "last updated" line.
func TestSitemapDatesFromGit(t *testing.T) {
	src := fixture(t, "basic")
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(src, "no-global-config"))
	gitc := func(env []string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = src
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	at := func(date string) []string {
		return []string{"GIT_AUTHOR_DATE=" + date + "T10:00:00Z", "GIT_COMMITTER_DATE=" + date + "T10:00:00Z"}
	}
	gitc(nil, "init", "-q", "-b", "main")
	gitc(nil, "config", "user.name", "Test")
	gitc(nil, "config", "user.email", "test@example.org")
	gitc(nil, "add", "-A")
	gitc(at("2024-01-10"), "commit", "-q", "-m", "first")
	p := filepath.Join(src, "pledges", "ngo-shelter-kenya.yaml")
	data, _ := os.ReadFile(p)
	os.WriteFile(p, bytes.Replace(data, []byte("Twenty beds"), []byte("Thirty beds"), 1), 0o644)
	gitc(nil, "add", "-A")
	gitc(at("2025-05-20"), "commit", "-q", "-m", "second")

	dest := filepath.Join(t.TempDir(), "public")
	if _, err := build(t, src, dest); err != nil {
		t.Fatal(err)
	}
	sitemap, _ := os.ReadFile(filepath.Join(dest, "sitemap.xml"))
	for url, date := range map[string]string{
		"https://example.org/pledges/ngo-shelter-kenya/":   "2025-05-20",
		"https://example.org/pledges/state-match-shelter/": "2024-01-10",
		"https://example.org/guidance/protection/shelter/": "2024-01-10",
	} {
		want := "<loc>" + url + "</loc>\n  <lastmod>" + date + "</lastmod>"
		if !bytes.Contains(sitemap, []byte(want)) {
			t.Errorf("sitemap lacks %q", want)
		}
	}
	page, _ := os.ReadFile(filepath.Join(dest, "pledges", "ngo-shelter-kenya", "index.html"))
	if !bytes.Contains(page, []byte(`Last updated <time datetime="2025-05-20">20 May 2025</time>.`)) {
		t.Error("pledge page does not show the date of its file's last commit")
	}
}

// memWriter keeps the files of a build, as the preview server does.
type memWriter struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memWriter) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[name] = bytes.Clone(data)
	return nil
}

// TestRebuildReadsDatesAfterACommit checks a long-running builder (the
// preview server's): a commit made since its last build moves the page
// dates of the next one.
func TestRebuildReadsDatesAfterACommit(t *testing.T) {
	src := fixture(t, "basic")
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(src, "no-global-config"))
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	gitc := func(date string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_DATE="+date+"T10:00:00Z", "GIT_COMMITTER_DATE="+date+"T10:00:00Z",
			"GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.org")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	gitc("2024-01-10", "init", "-q", "-b", "main")
	gitc("2024-01-10", "add", "-A")
	gitc("2024-01-10", "commit", "-q", "-m", "first")
	b, err := NewBuilder(context.Background(), src, sassBinary(t), true)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	page := "pledges/ngo-shelter-kenya/index.html"
	lastUpdated := func() string {
		t.Helper()
		w := &memWriter{files: map[string][]byte{}}
		if _, _, err := b.Build(context.Background(), "", w); err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`Last updated <time datetime="([0-9-]+)">`).FindSubmatch(w.files[page])
		if m == nil {
			t.Fatalf("%s has no last-updated line", page)
		}
		return string(m[1])
	}
	if got := lastUpdated(); got != "2024-01-10" {
		t.Fatalf("first build: last updated %s, want 2024-01-10", got)
	}
	p := filepath.Join(src, "pledges", "ngo-shelter-kenya.yaml")
	data, _ := os.ReadFile(p)
	must(t, os.WriteFile(p, bytes.Replace(data, []byte("Twenty beds"), []byte("Thirty beds"), 1), 0o644))
	gitc("2025-05-20", "commit", "-q", "-am", "second")
	if got := lastUpdated(); got != "2025-05-20" {
		t.Errorf("after a commit: last updated %s, want 2025-05-20", got)
	}
}

// TestMeasureOfABrokenGuidancePage: a guidance page whose front matter
// does not load defines no measure, so the records naming its measure
// are reported too, but as a consequence to fix first, not as their own
// mistake.
func TestMeasureOfABrokenGuidancePage(t *testing.T) {
	fsys := basicFS(t)
	page := "content/guidance/protection/shelter.md"
	fsys[page].Data = bytes.Replace(fsys[page].Data, []byte("weight: 1"), []byte("weight: [1"), 1)
	_, errs := Load(fsys, "")
	var content, measure bool
	for _, d := range errs {
		switch {
		case d.Path == page:
			content = true
		case d.Rule == record.RuleUnknownMeas:
			measure = true
			if !strings.Contains(d.Message, `no guidance measure has the id "c1"`) || !strings.HasSuffix(d.Message, "the guidance has problems too (listed first), which may be why: fix those first") {
				t.Errorf("%s: %s", d.Path, d.Message)
			}
		}
	}
	if !content || !measure {
		t.Errorf("want the page's error and the measure's consequence, got:\n%v", errs)
	}
}

// basicFS holds the sources of testdata/sites/basic, for a test to change.
func basicFS(t *testing.T) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	root := "testdata/sites/basic"
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(p, root+"/want") {
			return err
		}
		data, err := os.ReadFile(p)
		fsys[filepath.ToSlash(strings.TrimPrefix(p, root+"/"))] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

// TestSettingsCheckedAgainstTheSources: the settings only the rest of the
// sources can check are reported where they are written.
func TestSettingsCheckedAgainstTheSources(t *testing.T) {
	fsys := basicFS(t)
	fsys["site.yaml"] = &fstest.MapFile{Data: []byte("title: T\ntheme: nosuch\nfeatured: ngo-nosuch\n")}
	_, errs := Load(fsys, "")
	var got []string
	for _, d := range errs {
		if d.Path == "site.yaml" {
			got = append(got, d.Error())
		}
	}
	want := []string{
		`site.yaml:2:8: theme "nosuch" not found: expected themes/nosuch/layouts/baseof.html`,
		`site.yaml:3:11: featured: no multistakeholder pledge has the id "ngo-nosuch"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
