package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// The shipped site is built once and shared by the tests that check it.
var shipped struct {
	once sync.Once
	dir  string
	err  string
}

func moduleRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func buildShipped(t *testing.T) string {
	t.Helper()
	shipped.once.Do(func() {
		dir, err := os.MkdirTemp("", "pledgesite-shipped-")
		if err != nil {
			shipped.err = err.Error()
			return
		}
		var stdout, stderr bytes.Buffer
		dest := filepath.Join(dir, "public")
		code := run(context.Background(), []string{"build", "--source", moduleRoot(t), "--dest", dest}, &stdout, &stderr)
		if code != 0 {
			shipped.err = "build exited " + string(rune('0'+code)) + ": " + stderr.String()
			return
		}
		shipped.dir = dest
	})
	if shipped.err != "" {
		t.Fatal(shipped.err)
	}
	return shipped.dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shipped.dir != "" {
		os.RemoveAll(filepath.Dir(shipped.dir))
	}
	os.Exit(code)
}

// TestShippedSiteIsValidHTML runs the Nu HTML Checker (npm vnu-jar) over
// every page of the shipped site.
func TestShippedSiteIsValidHTML(t *testing.T) {
	dir := buildShipped(t)
	jar := filepath.Join(moduleRoot(t), "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("%v (run `make test`, which installs vnu-jar)", err)
	}
	if _, err := exec.LookPath("java"); err != nil {
		t.Fatal("java not found (run `make test`, which installs default-jre-headless)")
	}
	cmd := exec.Command("java", "-jar", jar, "--errors-only", "--format", "json", "--skip-non-html", dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var report struct {
		Messages []struct {
			URL      string `json:"url"`
			Type     string `json:"type"`
			Message  string `json:"message"`
			LastLine int    `json:"lastLine"`
			FirstCol int    `json:"firstColumn"`
			Extract  string `json:"extract"`
		} `json:"messages"`
	}
	if jerr := json.Unmarshal(out.Bytes(), &report); jerr != nil {
		t.Fatalf("vnu: %v\n%s", err, out.String())
	}
	for _, m := range report.Messages {
		t.Errorf("%s:%d:%d: %s: %s (%q)", strings.TrimPrefix(m.URL, "file:"+dir), m.LastLine, m.FirstCol, m.Type, m.Message, m.Extract)
	}
	if err != nil && len(report.Messages) == 0 {
		t.Fatalf("vnu failed: %v\n%s", err, out.String())
	}
}

// TestShippedSiteLinks checks that every internal link, asset and fragment
// of every page resolves to a file and an element of the built site.
func TestShippedSiteLinks(t *testing.T) {
	dir := buildShipped(t)
	for _, problem := range checkLinks(t, dir, "/") {
		t.Error(problem)
	}
}

// page is what checkLinks learns from one HTML file.
type page struct {
	ids   map[string]bool
	links []string // href, src and action values
}

// checkLinks resolves every internal reference of every HTML page in dir,
// for a site served under base ("/" or "/sub/").
func checkLinks(t testing.TB, dir, base string) []string {
	t.Helper()
	pages := map[string]*page{}
	files := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		files[rel] = true
		if !strings.HasSuffix(rel, ".html") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			return err
		}
		pg := &page{ids: map[string]bool{}}
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode {
				continue
			}
			for _, a := range n.Attr {
				switch a.Key {
				case "id":
					pg.ids[a.Val] = true
				case "href", "src", "action":
					pg.links = append(pg.links, a.Val)
				}
			}
		}
		pages[rel] = pg
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	var names []string
	for name := range pages {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		pageURL := &url.URL{Path: base + strings.TrimSuffix(name, "index.html")}
		for _, link := range pages[name].links {
			u, err := url.Parse(link)
			if err != nil {
				problems = append(problems, name+": unparsable link "+link)
				continue
			}
			if u.Scheme != "" || u.Host != "" {
				continue // external
			}
			target := pageURL.ResolveReference(u)
			if !strings.HasPrefix(target.Path, base) {
				problems = append(problems, name+": link "+link+" leaves the site's base path "+base)
				continue
			}
			file := strings.TrimPrefix(target.Path, base)
			if file == "" || strings.HasSuffix(file, "/") {
				file += "index.html"
			}
			file = path.Clean(file)
			if !files[file] {
				problems = append(problems, name+": broken link "+link+" (no "+file+")")
				continue
			}
			if u.Fragment != "" && pages[file] != nil && !pages[file].ids[u.Fragment] {
				problems = append(problems, name+": link "+link+" names a missing fragment")
			}
		}
	}
	return problems
}

// TestLinkCheckerFindsProblems keeps the checker honest.
func TestLinkCheckerFindsProblems(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "a"), 0o755)
	os.WriteFile(filepath.Join(dir, "index.html"), []byte(`<a href="/a/">ok</a><a href="/b/">broken</a><a href="/a/#nope">frag</a><a href="/a/#x">ok</a><img src="../../x.png">`), 0o644)
	os.WriteFile(filepath.Join(dir, "a", "index.html"), []byte(`<h1 id="x">A</h1><a href="../">up</a>`), 0o644)
	got := checkLinks(t, dir, "/")
	want := []string{
		"index.html: broken link /b/ (no b/index.html)",
		"index.html: link /a/#nope names a missing fragment",
		"index.html: broken link ../../x.png (no x.png)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("checkLinks:\n got %q\nwant %q", got, want)
	}
}

// serve serves dir over HTTP on 127.0.0.1 under base, returning the URL.
func serve(t testing.TB, dir, base string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(base, http.StripPrefix(strings.TrimSuffix(base, "/"), http.FileServer(http.Dir(dir))))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + base
}

// TestShippedSiteAccessibility runs axe-core in headless Chromium on the
// main kinds of page, at desktop and phone widths.
func TestShippedSiteAccessibility(t *testing.T) {
	dir := buildShipped(t)
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Fatal("/usr/bin/chromium not found (run `make test`, which installs Debian's chromium)")
	}
	base := serve(t, dir, "/")
	pages := []string{
		"",
		"pledges/ngo-harbour-light-legal-aid-kenya/",
		"pledges/msp-trafficking-in-persons/",
		"guidance/protection-services/legal-aid-and-remedies/",
		"guidance/",
		"guidance/protection-services/",
		"pledges/",
		"countries/",
		"countries/ken/",
		"browse/",
		"about/",
		"404.html",
		// Long words and addresses that pushed a 320px screen sideways
		// with text spacing.
		"pledges/ngo-sahelbridge-sudan-chad-displacement-sites/",
		"hlom-recommendations/",
		"contributions/",
		"search/",
		"submit/",
	}
	out := runNode(t, filepath.Join("testdata", "browser", "axe.mjs"), append([]string{base}, pages...)...)
	var results map[string][]struct {
		ID     string   `json:"id"`
		Impact string   `json:"impact"`
		Help   string   `json:"help"`
		Nodes  []string `json:"nodes"`
	}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("axe output: %v\n%s", err, out)
	}
	if len(results) != 3*len(pages) {
		t.Fatalf("axe checked %d page views, want %d", len(results), 3*len(pages))
	}
	for key, vs := range results {
		for _, v := range vs {
			t.Errorf("%s: %s (%s): %s %v", key, v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
}

// runNode runs a Node.js script from the module's node_modules setup.
func runNode(t testing.TB, script string, args ...string) []byte {
	t.Helper()
	if _, err := os.Stat(filepath.Join(moduleRoot(t), "node_modules", "playwright-core")); err != nil {
		t.Fatal("playwright-core not installed (run `make test`)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{script}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, stderr.String())
	}
	return stdout.Bytes()
}
