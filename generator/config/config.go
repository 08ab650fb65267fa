// Package config holds the site settings read from site.yaml at the source
// root, merged with what the command line overrides.
package config

import (
	"fmt"
	"io/fs"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"pledgesite/generator/diag"
	"pledgesite/generator/yamlsrc"
)

// File is the name of the settings file at the source root.
const File = "site.yaml"

// Site is the settings of one site.
type Site struct {
	Title       string // site name, shown in the header and the title of every page
	Description string // one sentence for search engines and link previews
	BaseURL     string // absolute URL the site is published at, ending in "/"
	Language    string // BCP 47 language tag of the content
	Theme       string // folder under themes/
	RepoURL     string // web address of the source repository, for edit and history links
	RepoBranch  string // branch the site is published from
	Featured    string // id of the multistakeholder pledge the home page presents
	PageSize    int    // pledges per list page
	CNAME       string // custom domain written to CNAME on deploy, if any
	// FeaturedAt and ThemeAt are where those values were written (line
	// and column, zero when they were not), for the checks that need the
	// rest of the sources.
	FeaturedAt, ThemeAt [2]int
}

// Rule names.
const RuleConfig = "config"

var (
	langPattern  = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
	themePattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	hostPattern  = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)
)

var fields = []string{"title", "description", "base_url", "language", "theme", "repo_url", "repo_branch", "featured", "page_size", "cname"}

// Load reads site.yaml from fsys.
func Load(fsys fs.FS) (Site, diag.List) {
	s := Site{Language: "en", Theme: "default", PageSize: 50, RepoBranch: "main", BaseURL: "/"}
	var errs diag.List
	data, err := fs.ReadFile(fsys, File)
	if err != nil {
		errs.Add(File, 0, 0, RuleConfig, "cannot read the site settings: %v", err)
		return s, errs
	}
	root, errs := yamlsrc.Parse(File, data)
	if root == nil {
		return s, errs
	}
	f := yamlsrc.Fields(File, root, fields, "", &errs)
	// str sets *dst to a setting's value and returns where it was
	// written, or leaves *dst and returns zeros.
	str := func(name string, dst *string, check func(string) string) (at [2]int) {
		fl, ok := f[name]
		if !ok {
			return at
		}
		if fl.Value.Kind != yaml.ScalarNode {
			errs = append(errs, yamlsrc.Errorf(File, fl.Value, RuleConfig, "%s must be a single value", name))
			return at
		}
		v := strings.TrimSpace(fl.Value.Value)
		if check != nil {
			if msg := check(v); msg != "" {
				errs = append(errs, yamlsrc.Errorf(File, fl.Value, RuleConfig, "%s: %s", name, msg))
				return at
			}
		}
		*dst = v
		return [2]int{fl.Value.Line, fl.Value.Column}
	}
	str("title", &s.Title, nil)
	str("description", &s.Description, nil)
	str("base_url", &s.BaseURL, func(v string) string {
		if _, err := NormalizeBaseURL(v); err != nil {
			return err.Error()
		}
		return ""
	})
	str("language", &s.Language, func(v string) string {
		if !langPattern.MatchString(v) {
			return fmt.Sprintf("%q is not a language tag such as \"en\"", v)
		}
		return ""
	})
	s.ThemeAt = str("theme", &s.Theme, func(v string) string {
		if !themePattern.MatchString(v) {
			return fmt.Sprintf("%q is not a theme folder name", v)
		}
		return ""
	})
	str("repo_url", &s.RepoURL, func(v string) string {
		if u, err := url.Parse(v); err != nil || u.Scheme != "https" || u.Host == "" {
			return fmt.Sprintf("%q must be an https:// address", v)
		}
		return ""
	})
	str("repo_branch", &s.RepoBranch, nil)
	s.FeaturedAt = str("featured", &s.Featured, nil)
	str("cname", &s.CNAME, func(v string) string {
		if !hostPattern.MatchString(v) {
			return fmt.Sprintf("%q is not a host name such as pledges.example.org", v)
		}
		return ""
	})
	var size string
	str("page_size", &size, func(v string) string {
		if n, err := strconv.Atoi(v); err != nil || n < 5 || n > 1000 {
			return "must be a whole number from 5 to 1000"
		}
		return ""
	})
	if size != "" {
		s.PageSize, _ = strconv.Atoi(size)
	}
	if s.Title == "" {
		errs.Add(File, root.Line, root.Column, RuleConfig, "missing required field \"title\"")
	}
	s.BaseURL, _ = NormalizeBaseURL(s.BaseURL)
	s.RepoURL = strings.TrimSuffix(s.RepoURL, "/")
	return s, errs
}

// NormalizeBaseURL checks a base URL and makes it end in "/". A bare path
// such as "/" or "/sub/" is accepted for local previews.
func NormalizeBaseURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil {
		return "", fmt.Errorf("%q is not a URL", v)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(v, "?#") || u.User != nil {
		return "", fmt.Errorf("%q must not have a query, fragment or user", v)
	}
	switch {
	case u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/"):
	case (u.Scheme == "https" || u.Scheme == "http") && u.Host != "":
	default:
		return "", fmt.Errorf("%q must be an absolute http(s) URL such as https://example.org/ or a path such as /sub/", v)
	}
	if strings.Contains(u.Path, "..") || strings.Contains(u.Path, "//") {
		return "", fmt.Errorf("%q has an unusual path", v)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), nil
}

// BasePath is the path part of the base URL: "/" or "/sub/".
func (s Site) BasePath() string {
	u, err := url.Parse(s.BaseURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}
