package config_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"pledgesite/generator/config"
	"pledgesite/generator/diag"
)

type want struct {
	pos, rule, msg string // pos is path:line:col; msg a part of the message
}

func pos(d diag.Diagnostic) string { return fmt.Sprintf("%s:%d:%d", d.Path, d.Line, d.Col) }

func load(yaml string) (config.Site, diag.List) {
	return config.Load(fstest.MapFS{config.File: {Data: []byte(yaml)}})
}

var defaults = config.Site{
	Title: "T", BaseURL: "/", Language: "en", Theme: "default", RepoBranch: "main", PageSize: 50,
}

func TestLoadDiagnostics(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []want
	}{
		{"missing title", "description: D\n", []want{{"site.yaml:1:1", config.RuleConfig, `missing required field "title"`}}},
		{"missing title after comments", "# settings\n\nbase_url: /\n", []want{{"site.yaml:3:1", config.RuleConfig, `missing required field "title"`}}},
		{"empty title", "title: \"\"\n", []want{{"site.yaml:1:1", config.RuleConfig, `"title"`}}},
		{"title is a list", "title: [a]\n", []want{
			{"site.yaml:1:8", config.RuleConfig, "title must be a single value"},
			{"site.yaml:1:1", config.RuleConfig, `missing required field "title"`},
		}},
		{"base_url without scheme", "title: T\nbase_url: example.org\n", []want{{"site.yaml:2:11", config.RuleConfig, `base_url: "example.org" must be an absolute http(s) URL`}}},
		{"base_url ftp", "title: T\nbase_url: ftp://example.org/\n", []want{{"site.yaml:2:11", config.RuleConfig, "absolute http(s) URL"}}},
		{"base_url protocol-relative", "title: T\nbase_url: //example.org/\n", []want{{"site.yaml:2:11", config.RuleConfig, "absolute http(s) URL"}}},
		{"base_url with query", "title: T\nbase_url: https://example.org/?a=1\n", []want{{"site.yaml:2:11", config.RuleConfig, "must not have a query, fragment or user"}}},
		{"base_url with fragment", "title: T\nbase_url: https://example.org/#top\n", []want{{"site.yaml:2:11", config.RuleConfig, "must not have a query"}}},
		{"base_url with user", "title: T\nbase_url: https://me@example.org/\n", []want{{"site.yaml:2:11", config.RuleConfig, "user"}}},
		{"base_url with dot-dot", "title: T\nbase_url: https://example.org/a/../b/\n", []want{{"site.yaml:2:11", config.RuleConfig, "unusual path"}}},
		{"base_url quoted on next line", "title: T\nbase_url:\n  \"example.org\"\n", []want{{"site.yaml:3:3", config.RuleConfig, "base_url"}}},
		{"page_size too small", "title: T\npage_size: 4\n", []want{{"site.yaml:2:12", config.RuleConfig, "page_size: must be a whole number from 5 to 1000"}}},
		{"page_size too large", "title: T\npage_size: 1001\n", []want{{"site.yaml:2:12", config.RuleConfig, "from 5 to 1000"}}},
		{"page_size zero", "title: T\npage_size: 0\n", []want{{"site.yaml:2:12", config.RuleConfig, "from 5 to 1000"}}},
		{"page_size negative", "title: T\npage_size: -10\n", []want{{"site.yaml:2:12", config.RuleConfig, "from 5 to 1000"}}},
		{"page_size not a number", "title: T\npage_size: ten\n", []want{{"site.yaml:2:12", config.RuleConfig, "whole number"}}},
		{"page_size fraction", "title: T\npage_size: 7.5\n", []want{{"site.yaml:2:12", config.RuleConfig, "whole number"}}},
		{"unknown field with hint", "title: T\nbase_ulr: /\n", []want{{"site.yaml:2:1", "unknown-field", `unknown field "base_ulr" (did you mean "base_url"?)`}}},
		{"unknown field with hint for cname", "title: T\ncnmae: x.example.org\n", []want{{"site.yaml:2:1", "unknown-field", `(did you mean "cname"?)`}}},
		{"unknown field without hint", "title: T\nauthor: Me\n", []want{{"site.yaml:2:1", "unknown-field", `unknown field "author"`}}},
		{"duplicate field", "title: T\ntitle: U\n", []want{{"site.yaml:2:1", "duplicate-field", "first at line 1"}}},
		{"cname with scheme", "title: T\ncname: https://pledges.example.org\n", []want{{"site.yaml:2:8", config.RuleConfig, `cname: "https://pledges.example.org" is not a host name`}}},
		{"cname with path", "title: T\ncname: pledges.example.org/x\n", []want{{"site.yaml:2:8", config.RuleConfig, "is not a host name"}}},
		{"cname with capitals", "title: T\ncname: Pledges.Example.org\n", []want{{"site.yaml:2:8", config.RuleConfig, "is not a host name"}}},
		{"cname without dot", "title: T\ncname: localhost\n", []want{{"site.yaml:2:8", config.RuleConfig, "is not a host name"}}},
		{"cname with leading hyphen", "title: T\ncname: -a.example.org\n", []want{{"site.yaml:2:8", config.RuleConfig, "is not a host name"}}},
		{"repo_url http", "title: T\nrepo_url: http://github.com/x/y\n", []want{{"site.yaml:2:11", config.RuleConfig, `repo_url: "http://github.com/x/y" must be an https:// address`}}},
		{"repo_url without scheme", "title: T\nrepo_url: github.com/x/y\n", []want{{"site.yaml:2:11", config.RuleConfig, "https://"}}},
		{"repo_url javascript", "title: T\nrepo_url: javascript:alert(1)\n", []want{{"site.yaml:2:11", config.RuleConfig, "https://"}}},
		{"repo_url without host", "title: T\nrepo_url: https:///x\n", []want{{"site.yaml:2:11", config.RuleConfig, "https://"}}},
		{"language", "title: T\nlanguage: English\n", []want{{"site.yaml:2:11", config.RuleConfig, "is not a language tag"}}},
		{"theme", "title: T\ntheme: ../x\n", []want{{"site.yaml:2:8", config.RuleConfig, "is not a theme folder name"}}},
		{"not a mapping", "- title\n", []want{{"site.yaml:1:1", "yaml-shape", "expected a mapping"}}},
		{"empty file", "# nothing\n", []want{{"site.yaml:1:1", "yaml-shape", "empty"}}},
		{"several problems", "tilte: T\npage_size: 3\ncname: X\n", []want{
			{"site.yaml:1:1", "unknown-field", `did you mean "title"`},
			{"site.yaml:3:8", config.RuleConfig, "cname"},
			{"site.yaml:2:12", config.RuleConfig, "page_size"},
			{"site.yaml:1:1", config.RuleConfig, `missing required field "title"`},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, errs := load(tc.yaml)
			if len(errs) != len(tc.want) {
				t.Errorf("got %d diagnostics, want %d:\n%v", len(errs), len(tc.want), errs)
			}
			for i := range min(len(errs), len(tc.want)) {
				g, w := errs[i], tc.want[i]
				if pos(g) != w.pos || g.Rule != w.rule || !strings.Contains(g.Message, w.msg) {
					t.Errorf("diagnostic %d:\n got %s [%s] %s\nwant %s [%s] ...%s...", i, pos(g), g.Rule, g.Message, w.pos, w.rule, w.msg)
				}
			}
			// A rejected value leaves the default in place.
			if s.PageSize < 5 || s.PageSize > 1000 {
				t.Errorf("PageSize = %d after an error", s.PageSize)
			}
			if _, err := config.NormalizeBaseURL(s.BaseURL); err != nil {
				t.Errorf("BaseURL %q after an error: %v", s.BaseURL, err)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	s, errs := config.Load(fstest.MapFS{})
	if len(errs) != 1 || pos(errs[0]) != "site.yaml:0:0" || errs[0].Rule != config.RuleConfig ||
		!strings.Contains(errs[0].Message, "cannot read the site settings") {
		t.Errorf("got %v", errs)
	}
	if s.BaseURL != "/" || s.PageSize != 50 {
		t.Errorf("defaults not kept: %+v", s)
	}
}

func TestLoadValues(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       config.Site
	}{
		{"defaults", "title: T\n", defaults},
		{"everything", `title: "  Pledges  "
description: >-
  One sentence
  on two lines.
base_url: https://example.org/sub
language: pt-BR
theme: dark-2
repo_url: https://github.com/o/r/
repo_branch: gh-pages
featured: msp-x
page_size: 1000
cname: pledges.example.org
`, config.Site{
			Title: "Pledges", Description: "One sentence on two lines.", BaseURL: "https://example.org/sub/",
			Language: "pt-BR", Theme: "dark-2", RepoURL: "https://github.com/o/r", RepoBranch: "gh-pages",
			Featured: "msp-x", PageSize: 1000, CNAME: "pledges.example.org",
			ThemeAt: [2]int{7, 8}, FeaturedAt: [2]int{10, 11},
		}},
		{"path base_url", "title: T\nbase_url: /preview\npage_size: 5\n", func() config.Site {
			s := defaults
			s.BaseURL, s.PageSize = "/preview/", 5
			return s
		}()},
		{"bad values keep defaults", "title: T\nbase_url: example.org\npage_size: 3\nlanguage: x\n", defaults},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := load(tc.yaml)
			if s != tc.want {
				t.Errorf("got  %+v\nwant %+v", s, tc.want)
			}
		})
	}
}

// TestLoadSiteSettings loads the repository's own site.yaml.
func TestLoadSiteSettings(t *testing.T) {
	s, errs := config.Load(os.DirFS("../.."))
	if len(errs) > 0 {
		t.Fatalf("site.yaml: %v", errs)
	}
	if s.Title == "" || !strings.HasSuffix(s.BaseURL, "/") || s.BasePath() == "" {
		t.Errorf("site.yaml gave %+v", s)
	}
}

func TestNormalizeBaseURL(t *testing.T) {
	ok := []struct{ in, want, basePath string }{
		{"https://example.org", "https://example.org/", "/"},
		{"https://example.org/", "https://example.org/", "/"},
		{"https://example.org/sub", "https://example.org/sub/", "/sub/"},
		{"https://example.org/sub/", "https://example.org/sub/", "/sub/"},
		{"https://example.org/a/b", "https://example.org/a/b/", "/a/b/"},
		{"http://localhost:8080", "http://localhost:8080/", "/"},
		{"HTTPS://example.org/x", "https://example.org/x/", "/x/"},
		{"/", "/", "/"},
		{"/sub/", "/sub/", "/sub/"},
		{"/sub", "/sub/", "/sub/"},
	}
	for _, tc := range ok {
		got, err := config.NormalizeBaseURL(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("NormalizeBaseURL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			continue
		}
		if bp := (config.Site{BaseURL: got}).BasePath(); bp != tc.basePath {
			t.Errorf("BasePath of %q = %q, want %q", got, bp, tc.basePath)
		}
		// Normalizing is idempotent.
		if again, err := config.NormalizeBaseURL(got); err != nil || again != got {
			t.Errorf("NormalizeBaseURL(%q) = %q, %v; want it unchanged", got, again, err)
		}
	}
	bad := []string{
		"", "ftp://example.org/", "example.org", "example.org/sub/", "sub/", "//example.org/",
		"https://", "https:///sub/", "javascript:alert(1)", "mailto:a@example.org", "file:///tmp/site/",
		"https://example.org/?q=1", "https://example.org/sub/?q", "https://example.org/#top",
		"https://me@example.org/", "https://me:pw@example.org/",
		"https://example.org/a/../b", "https://example.org/%2e%2e/", "https://example.org//sub/",
		"https://exa mple.org/", "\\sub\\",
		// An empty query is still a query: "https://example.org/?" would
		// make every page URL "https://example.org/?guidance/".
		"https://example.org/?", "https://example.org?", "/sub/?",
	}
	for _, in := range bad {
		if got, err := config.NormalizeBaseURL(in); err == nil {
			t.Errorf("NormalizeBaseURL(%q) = %q, want an error", in, got)
		}
	}
}

func TestBasePath(t *testing.T) {
	tests := []struct{ base, want string }{
		{"https://example.org/", "/"},
		{"https://example.org/sub/", "/sub/"},
		{"/sub/", "/sub/"},
		{"/", "/"},
		{"", "/"},
		{"https://example.org", "/"},
		{"%zz", "/"},
	}
	for _, tc := range tests {
		if got := (config.Site{BaseURL: tc.base}).BasePath(); got != tc.want {
			t.Errorf("BasePath(%q) = %q, want %q", tc.base, got, tc.want)
		}
	}
}
