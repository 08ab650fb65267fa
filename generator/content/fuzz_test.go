package content_test

import (
	"bytes"
	"io/fs"
	"os"
	"strings"
	"testing"

	"pledgesite/generator/content"
)

// FuzzParse checks that Parse never panics and that what it returns is
// consistent: every diagnostic names the file, has a rule, a non-negative
// position inside the file (line 0 only with column 0), and a returned page
// has a URL path and a body whose line numbers match the file.
//
// Seeds: testdata/fuzz/FuzzParse, plus the site's own content pages.
//
//	go test ./generator/content -run '^$' -fuzz FuzzParse -fuzztime 60s
func FuzzParse(f *testing.F) {
	root := os.DirFS("../..")
	_ = fs.WalkDir(root, content.Dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			if data, err := fs.ReadFile(root, p); err == nil {
				f.Add(p, data)
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, p string, data []byte) {
		// Load passes the paths fs.WalkDir finds under content/.
		if !fs.ValidPath(p) || !strings.HasPrefix(p, content.Dir+"/") || !strings.HasSuffix(p, ".md") {
			return
		}
		page, errs := content.Parse(p, data)
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, d := range errs {
			switch {
			case d.Path != p:
				t.Fatalf("diagnostic names %q, not %q: %v", d.Path, p, d)
			case d.Rule == "" || d.Message == "":
				t.Fatalf("diagnostic without rule or message: %#v", d)
			case d.Line < 0 || d.Col < 0:
				t.Fatalf("negative position: %v\ninput: %q", d, data)
			case d.Line == 0 && d.Col != 0:
				t.Fatalf("column without line: %#v", d)
			case d.Line > lines:
				t.Fatalf("line %d is past the end of a %d-line file: %v\ninput: %q", d.Line, lines, d, data)
			}
		}
		if page == nil {
			return
		}
		if page.Path != p {
			t.Fatalf("page path %q, want %q", page.Path, p)
		}
		if !strings.HasPrefix(page.URL, "/") || !strings.HasSuffix(page.URL, "/") || strings.Contains(page.URL, "//") {
			t.Fatalf("URL %q of %q is not a clean path", page.URL, p)
		}
		switch page.Kind {
		case content.KindPage, content.KindGuidance, content.KindArea, content.KindMeasure:
		default:
			t.Fatalf("kind %q", page.Kind)
		}
		checkBodyLines(t, data, page.Body)
	})
}
