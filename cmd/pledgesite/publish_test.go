package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// htmlFiles reads every page of a built site.
func htmlFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)], _ = os.ReadFile(p)
		}
		return err
	})
	if len(out) < 50 {
		t.Fatalf("only %d pages in %s", len(out), dir)
	}
	return out
}

// TestEveryPageIsLockedDown checks what a public site must have on every
// page: a content security policy that allows only the site's own scripts
// and styles, no inline script, rel="noopener" on links to other sites,
// a language, a canonical URL and link-preview metadata.
func TestEveryPageIsLockedDown(t *testing.T) {
	dir := buildShipped(t)
	for name, data := range htmlFiles(t, dir) {
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		var csp, canonical, ogTitle, lang string
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode {
				continue
			}
			a := map[string]string{}
			for _, at := range n.Attr {
				a[at.Key] = at.Val
			}
			switch n.Data {
			case "html":
				lang = a["lang"]
			case "meta":
				if a["http-equiv"] == "Content-Security-Policy" {
					csp = a["content"]
				}
				if a["property"] == "og:title" {
					ogTitle = a["content"]
				}
			case "link":
				if a["rel"] == "canonical" {
					canonical = a["href"]
				}
			case "script":
				// JSON-LD is data, not code: browsers never run it.
				if a["src"] == "" && a["type"] != "application/ld+json" {
					t.Errorf("%s: inline script", name)
				}
			case "a":
				if h := a["href"]; (strings.HasPrefix(h, "http://") || strings.HasPrefix(h, "https://")) &&
					!strings.HasPrefix(h, "https://pledgesite.example.org/") && !strings.Contains(a["rel"], "noopener") {
					t.Errorf("%s: external link %s without rel=noopener", name, h)
				}
			}
			if _, ok := a["style"]; ok {
				t.Errorf("%s: inline style attribute on <%s>", name, n.Data)
			}
		}
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: content security policy %q lacks %q", name, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: content security policy allows unsafe code: %q", name, csp)
		}
		if lang != "en" || !strings.HasPrefix(canonical, "https://pledgesite.example.org/") || ogTitle == "" {
			t.Errorf("%s: lang %q, canonical %q, og:title %q", name, lang, canonical, ogTitle)
		}
	}
}

// TestSubPathHosting builds the site for https://example.org/sub/, as a
// project site on GitHub Pages is hosted, serves it under /sub/ on
// 127.0.0.1, and follows every internal link and asset.
func TestSubPathHosting(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"build", "--source", moduleRoot(t), "--dest", dest, "--base-url", "https://example.org/sub/"}, &stdout, &stderr); code != 0 {
		t.Fatalf("build exited %d: %s", code, stderr.String())
	}
	for _, problem := range checkLinks(t, dest, "/sub/") {
		t.Error(problem)
	}
	// Feeds, sitemap and data name absolute URLs under the sub-path.
	for _, f := range []string{"feed.xml", "sitemap.xml", "robots.txt", "data/pledges.json", "data/measures.json"} {
		data, err := os.ReadFile(filepath.Join(dest, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte("https://example.org/sub/")) || bytes.Contains(data, []byte("https://pledgesite.example.org")) {
			t.Errorf("%s does not use the sub-path base URL", f)
		}
	}
	// Served under /sub/ only, every asset a page names must load.
	base := serve(t, dest, "/sub/")
	page, err := os.ReadFile(filepath.Join(dest, "search", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := html.Parse(bytes.NewReader(page))
	var assets []string
	for n := range doc.Descendants() {
		for _, a := range n.Attr {
			if (a.Key == "src" || a.Key == "href" || a.Key == "data-meta" || a.Key == "action") && strings.HasPrefix(a.Val, "/") {
				assets = append(assets, a.Val)
			}
		}
	}
	if len(assets) < 10 {
		t.Fatalf("found only %d site paths on the search page", len(assets))
	}
	origin := strings.TrimSuffix(base, "/sub/")
	for _, a := range assets {
		if !strings.HasPrefix(a, "/sub/") {
			t.Errorf("search page names %s, outside /sub/", a)
			continue
		}
		resp, err := http.Get(origin + a)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", a, resp.StatusCode)
		}
	}
}
