package feeds

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// encodeXML is what appendSet replaces: encoding/xml with a one-space
// indent. The two must agree byte for byte.
func encodeXML(t *testing.T, set, item string, entries []Entry) []byte {
	t.Helper()
	type wrap struct {
		XMLName xml.Name
		Items   []Entry
	}
	start := xml.StartElement{Name: xml.Name{Space: sitemapNS, Local: set}}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.EncodeToken(start); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := enc.EncodeElement(e, xml.StartElement{Name: xml.Name{Local: item}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.EncodeToken(start.End()); err != nil {
		t.Fatal(err)
	}
	if err := enc.Flush(); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

func TestAppendSetMatchesEncodingXML(t *testing.T) {
	tests := map[string][]Entry{
		"empty":   nil,
		"one":     {{Loc: "https://example.org/", LastMod: "2024-01-02"}},
		"no date": {{Loc: "https://example.org/a/"}, {Loc: "https://example.org/b/", LastMod: "2025-12-31"}},
		"escaped": {{Loc: "https://example.org/?a=1&b=<2>\"'\t\r\n", LastMod: "x&y"}},
		"invalid": {{Loc: "https://example.org/\x00\uFFFE\xff/"}},
	}
	for name, entries := range tests {
		for _, kind := range [][2]string{{"urlset", "url"}, {"sitemapindex", "sitemap"}} {
			t.Run(fmt.Sprint(name, "/", kind[0]), func(t *testing.T) {
				want := encodeXML(t, kind[0], kind[1], entries)
				got := appendSet(nil, kind[0], kind[1], entries)
				if !bytes.Equal(got, want) {
					t.Errorf("got\n%s\nwant\n%s", got, want)
				}
			})
		}
	}
}

func TestSitemapsSplitsAtTheLimit(t *testing.T) {
	entries := make([]Entry, MaxSitemapURLs+1)
	for i := range entries {
		entries[i] = Entry{Loc: fmt.Sprintf("https://example.org/%d/", i), LastMod: fmt.Sprintf("2024-01-%02d", i%28+1)}
	}
	files, err := Sitemaps(entries, func(p string) string { return "https://example.org" + p })
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 {
		t.Fatalf("got %d files, want sitemap.xml, sitemap-1.xml and sitemap-2.xml", len(files))
	}
	index := string(files["sitemap.xml"])
	for _, want := range []string{"<sitemapindex", "<loc>https://example.org/sitemap-1.xml</loc>", "<loc>https://example.org/sitemap-2.xml</loc>", "<lastmod>2024-01-28</lastmod>"} {
		if !strings.Contains(index, want) {
			t.Errorf("sitemap.xml lacks %s:\n%s", want, index)
		}
	}
	if n := strings.Count(string(files["sitemap-2.xml"]), "<url>"); n != 1 {
		t.Errorf("sitemap-2.xml has %d addresses, want 1", n)
	}
}

// The preview defers the sitemaps, so it must know their names before it
// makes them.
func TestSitemapNamesAreSitemapsFiles(t *testing.T) {
	for _, n := range []int{0, 1, MaxSitemapURLs, MaxSitemapURLs + 1, 2 * MaxSitemapURLs, 2*MaxSitemapURLs + 1} {
		entries := make([]Entry, n)
		for i := range entries {
			entries[i] = Entry{Loc: "https://example.org/" + strconv.Itoa(i) + "/"}
		}
		files, err := Sitemaps(entries, func(p string) string { return "https://example.org" + p })
		if err != nil {
			t.Fatal(err)
		}
		names := SitemapNames(n)
		if got, want := slices.Sorted(maps.Keys(files)), slices.Sorted(slices.Values(names)); !slices.Equal(got, want) {
			t.Errorf("%d entries: Sitemaps makes %v, SitemapNames gives %v", n, got, names)
		}
	}
}
