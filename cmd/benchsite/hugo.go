package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"pledgesite/generator/config"
	"pledgesite/generator/feeds"
	"pledgesite/generator/record"
	"pledgesite/generator/vocab"
)

// hugoModule is what `go install` builds. Hugo is installed into the
// project's tools folder and never enters go.mod: `go install pkg@version`
// ignores the current module.
const hugoModule = "github.com/gohugoio/hugo"

// installHugo returns the hugo binary under toolsBin at the wanted version,
// installing it with the Go toolchain when missing. When the module proxy
// does not serve that version, the nearest served version is tried once;
// the note says so.
func installHugo(root, toolsBin, want string) (bin, version, note string, err error) {
	bin = filepath.Join(toolsBin, "hugo")
	if v := hugoVersion(bin); strings.Contains(v, want+"+") || strings.Contains(v, want+" ") {
		return bin, v, "", nil
	}
	fmt.Printf("installing Hugo %s into %s (go install; takes a few minutes on 2 cores)\n", want, toolsBin)
	out, err := goInstall(root, toolsBin, want)
	if err == nil {
		return bin, hugoVersion(bin), "", nil
	}
	first := fmt.Sprintf("go install %s@%s failed: %s", hugoModule, want, strings.TrimSpace(tail(out, 600)))
	if strings.Contains(out, "requires go >=") || strings.Contains(out, "toolchain") {
		return "", "", "", fmt.Errorf("%s\nHugo %s needs a newer Go than %s; this machine sets GOTOOLCHAIN=local, "+
			"so run with GOTOOLCHAIN=auto (the toolchain comes from the Go module proxy) or install that Go", first, want, runtime.Version())
	}
	near, lerr := nearestVersion(root, want)
	if lerr != nil || near == "" || near == want {
		return "", "", "", fmt.Errorf("%s; no other version to try (%v)", first, lerr)
	}
	fmt.Printf("%s\ntrying the nearest served version, %s, once\n", first, near)
	if out, err := goInstall(root, toolsBin, near); err != nil {
		return "", "", "", fmt.Errorf("%s; go install @%s failed too: %s", first, near, tail(out, 600))
	}
	return bin, hugoVersion(bin), fmt.Sprintf("Hugo %s was not installable (%s); measured %s instead", want, tail(out, 200), near), nil
}

func goInstall(root, toolsBin, version string) (string, error) {
	abs, err := filepath.Abs(toolsBin)
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "install", hugoModule+"@"+version)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOBIN="+abs)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func hugoVersion(bin string) string {
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// nearestVersion asks the module proxy for the versions of Hugo it serves
// and returns the nearest to want: the newest one below it, else the oldest
// above it.
func nearestVersion(root, want string) (string, error) {
	cmd := exec.Command("go", "list", "-m", "-versions", hugoModule)
	cmd.Dir = os.TempDir() // outside the project module
	out, err := cmd.Output()
	if err != nil {
		return "", err
	}
	f := strings.Fields(string(out))
	if len(f) < 2 {
		return "", fmt.Errorf("the proxy lists no versions of %s", hugoModule)
	}
	var vs []string
	for _, v := range f[1:] {
		if _, ok := parseVersion(v); ok {
			vs = append(vs, v)
		}
	}
	slices.SortFunc(vs, compareVersions)
	below, above := "", ""
	for _, v := range vs {
		switch c := compareVersions(v, want); {
		case c < 0:
			below = v
		case c > 0 && above == "":
			above = v
		}
	}
	if below != "" {
		return below, nil
	}
	return above, nil
}

// parseVersion reads a release version vX.Y.Z; pre-releases are refused.
func parseVersion(v string) ([3]int, bool) {
	var out [3]int
	parts := strings.Split(strings.TrimPrefix(v, "v"), ".")
	if !strings.HasPrefix(v, "v") || len(parts) != 3 {
		return out, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return out, false
		}
		out[i] = n
	}
	return out, true
}

func compareVersions(a, b string) int {
	x, _ := parseVersion(a)
	y, _ := parseVersion(b)
	return slices.Compare(x[:], y[:])
}

// hugoTaxonomies are the taxonomies of the Hugo site: singular name,
// front matter key (Hugo's plural, which is also the URL segment, as on
// pledgesite) and how to read the values off a record. They match
// pledgesite's taxonomies but hlom-recommendations, which the synthetic
// records never use (pledgesite still makes its empty term pages).
var hugoTaxonomies = []struct {
	singular, plural string
	values           func(p *record.Pledge) []string
}{
	{"stakeholder", "stakeholders", func(p *record.Pledge) []string { return []string{p.Entity.Type} }},
	{"country", "countries", func(p *record.Pledge) []string { return p.Countries }},
	{"region", "regions", regions},
	{"state", "status", func(p *record.Pledge) []string { return nonEmpty(p.Status) }},
	{"forum", "forums", func(p *record.Pledge) []string { return nonEmpty(p.Forum) }},
	{"support-type", "support", func(p *record.Pledge) []string { return p.Support }},
	{"target-group", "target-groups", func(p *record.Pledge) []string { return p.TargetGroups }},
	{"sdg-target", "sdg", func(p *record.Pledge) []string { return p.SDGTargets }},
	{"gcr-objective", "gcr-objectives", func(p *record.Pledge) []string { return itoas(p.GCRObjectives) }},
	{"gcm-objective", "gcm-objectives", func(p *record.Pledge) []string { return itoas(p.GCMObjectives) }},
	{"measure", "measures", func(p *record.Pledge) []string { return p.Measures }},
	{"contribution", "contributions", func(p *record.Pledge) []string { return p.ContributesTo }},
}

// regions derives the UNHCR regions of a record's countries with
// vocab.LookupCountry, in vocab.Regions order.
func regions(p *record.Pledge) []string {
	seen := map[string]bool{}
	for _, c := range p.Countries {
		if country, ok := vocab.LookupCountry(c); ok {
			seen[country.Region] = true
		}
	}
	var out []string
	for _, r := range vocab.Regions {
		if seen[r.Value] {
			out = append(out, r.Value)
		}
	}
	return out
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func itoas(v []int) []string {
	out := make([]string, len(v))
	for i, n := range v {
		out[i] = strconv.Itoa(n)
	}
	return out
}

// hugoSiteVersion changes whenever the generated Hugo content changes
// shape, so an old tree is made again.
const hugoSiteVersion = "hugo-site v1"

// hugoSite writes <work>/hugo-<n>: the records of src as Hugo content
// (content/pledges/<id>.md, YAML front matter, the description as body),
// hugo.toml and minimal layouts. The content is kept between runs while its
// stamp matches; settings and layouts are written every time.
func hugoSite(work, src string, n int, cfg config.Site) (string, error) {
	dir := filepath.Join(work, "hugo-"+strconv.Itoa(n))
	// The source tree's records are named by synth's mark beside it.
	srcStamp, _ := os.ReadFile(src + ".synth")
	stamp := hugoSiteVersion + "\n" + string(srcStamp)
	stampFile := dir + ".stamp"
	if old, err := os.ReadFile(stampFile); err != nil || string(old) != stamp {
		os.Remove(stampFile)
		tmp := dir + ".tmp"
		if err := os.RemoveAll(tmp); err != nil {
			return "", err
		}
		if err := hugoContent(filepath.Join(src, "pledges"), filepath.Join(tmp, "content", "pledges")); err != nil {
			return "", err
		}
		if err := os.RemoveAll(dir); err != nil {
			return "", err
		}
		if err := os.Rename(tmp, dir); err != nil {
			return "", err
		}
		if err := os.WriteFile(stampFile, []byte(stamp), 0o644); err != nil {
			return "", err
		}
	}
	if err := os.RemoveAll(filepath.Join(dir, "layouts")); err != nil {
		return "", err
	}
	files := hugoLayouts()
	files["hugo.toml"] = hugoConfig(cfg)
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// hugoContent decodes every record under from with record.Decode and
// writes it as a Markdown page under to, on all cores.
func hugoContent(from, to string) error {
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			names = append(names, e.Name())
		}
	}
	sections := `---
title: "All pledges"
---
`
	if err := os.WriteFile(filepath.Join(to, "_index.md"), []byte(sections), 0o644); err != nil {
		return err
	}
	return striped(len(names), runtime.GOMAXPROCS(0), func(i int) error {
		return hugoPage(filepath.Join(from, names[i]), to)
	})
}

func hugoPage(file, to string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	p, errs := record.Decode("pledges/"+filepath.Base(file), data)
	if len(errs) > 0 || p == nil {
		return fmt.Errorf("%s: %v", file, errs)
	}
	var b strings.Builder
	q := func(s string) string {
		j, _ := json.Marshal(s) // JSON strings are YAML double-quoted scalars
		return string(j)
	}
	list := func(v []string) string {
		j, _ := json.Marshal(v)
		return string(j)
	}
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s\n", q(p.Title))
	fmt.Fprintf(&b, "summary: %s\n", q(p.Summary))
	fmt.Fprintf(&b, "date: %s\n", p.Date)
	fmt.Fprintf(&b, "kind: %s\n", q(p.Kind))
	fmt.Fprintf(&b, "entity: %s\n", q(p.Entity.Name))
	for _, t := range hugoTaxonomies {
		if v := t.values(p); len(v) > 0 {
			fmt.Fprintf(&b, "%s: %s\n", t.plural, list(v))
		}
	}
	if len(p.Updates) > 0 {
		b.WriteString("updates:\n")
		for _, u := range p.Updates {
			fmt.Fprintf(&b, "  - date: %s\n    status: %s\n    text: %s\n", q(u.Date), q(u.Status), q(u.Text))
		}
	}
	b.WriteString("---\n")
	b.WriteString(p.Description)
	if !strings.HasSuffix(p.Description, "\n") {
		b.WriteString("\n")
	}
	return os.WriteFile(filepath.Join(to, p.ID+".md"), []byte(b.String()), 0o644)
}

// hugoConfig mirrors site.yaml: the same base URL, title and page size, a
// sitemap, robots.txt and one feed of the newest records (pledgesite's feed
// holds feeds.FeedSize), and no feeds per list page, which pledgesite does
// not make either.
func hugoConfig(cfg config.Site) string {
	var b strings.Builder
	fmt.Fprintf(&b, "baseURL = %q\nlocale = %q\ntitle = %q\nenableRobotsTXT = true\n\n", cfg.BaseURL, cfg.Language, cfg.Title)
	fmt.Fprintf(&b, "[params]\ndescription = %q\n\n", cfg.Description)
	fmt.Fprintf(&b, "[pagination]\npagerSize = %d\n\n", max(cfg.PageSize, 1))
	fmt.Fprintf(&b, "[services.rss]\nlimit = %d\n\n", feeds.FeedSize)
	b.WriteString("[outputs]\nhome = [\"html\", \"rss\"]\nsection = [\"html\"]\ntaxonomy = [\"html\"]\nterm = [\"html\"]\npage = [\"html\"]\n\n")
	b.WriteString("[taxonomies]\n")
	for _, t := range hugoTaxonomies {
		fmt.Fprintf(&b, "%q = %q\n", t.singular, t.plural)
	}
	return b.String()
}

// hugoLayouts are the minimal equivalent of the default theme: a page per
// pledge with its fields and linked terms, the paginated list of all
// pledges, a page per taxonomy listing its terms and a paginated page per
// term. They live in layouts/, which old and new Hugo both read.
func hugoLayouts() map[string]string {
	var taxa []string
	for _, t := range hugoTaxonomies {
		taxa = append(taxa, strconv.Quote(t.plural))
	}
	slices.Sort(taxa)
	pager := `<nav class="pager">{{ with $pager.Prev }}<a rel="prev" href="{{ .URL }}">Previous</a> {{ end }}Page {{ $pager.PageNumber }} of {{ $pager.TotalPages }}{{ with $pager.Next }} <a rel="next" href="{{ .URL }}">Next</a>{{ end }}</nav>`
	row := `<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="entity">{{ .Params.entity }}</span> <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time><p>{{ .Params.summary }}</p></li>`
	return map[string]string{
		"layouts/baseof.html": `<!doctype html>
<html lang="{{ site.Language.Locale }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<meta name="description" content="{{ with .Params.summary }}{{ . }}{{ else }}{{ site.Params.description }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ with site.Home.OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}" title="{{ site.Title }}">{{ end }}
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "/pledges/" | relURL }}">Pledges</a>{{ range slice ` + strings.Join(taxa, " ") + ` }} <a href="{{ (printf "/%s/" .) | relURL }}">{{ . }}</a>{{ end }}</nav>
</header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>{{ site.Title }}</p></footer>
</body>
</html>
`,
		"layouts/home.html": `{{ define "main" }}<h1>{{ site.Title }}</h1>
<p class="lead">{{ site.Params.description }}</p>
<h2>Newest pledges</h2>
<ol>{{ range first 10 (where site.RegularPages "Section" "pledges") }}` + row + `{{ end }}</ol>
{{ end }}
`,
		"layouts/single.html": `{{ define "main" }}<article>
<p class="crumbs"><a href="{{ "/pledges/" | relURL }}">Pledges</a></p>
<h1>{{ .Title }}</h1>
<p class="lead">{{ .Params.summary }}</p>
<dl>
<dt>Entity</dt><dd>{{ .Params.entity }}</dd>
<dt>Date</dt><dd><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time></dd>
{{ range slice ` + strings.Join(taxa, " ") + ` }}{{ with $.GetTerms . }}<dt>{{ (index . 0).Parent.Title }}</dt><dd>{{ range $i, $t := . }}{{ if $i }}, {{ end }}<a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</dd>
{{ end }}{{ end }}</dl>
<div class="description">{{ .Content }}</div>
{{ with .Params.updates }}<h2>Updates</h2><ul>{{ range . }}<li><time>{{ .date }}</time> ({{ .status }}) {{ .text }}</li>{{ end }}</ul>{{ end }}
</article>
{{ end }}
`,
		"layouts/list.html": `{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .RegularPages }}<ol>{{ range $pager.Pages }}` + row + `{{ end }}</ol>
` + pager + `
{{ end }}
`,
		"layouts/taxonomy.html": `{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
`,
		"layouts/term.html": `{{ define "main" }}<p class="crumbs"><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></p>
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages }}<ol>{{ range $pager.Pages }}` + row + `{{ end }}</ol>
` + pager + `
{{ end }}
`,
		"layouts/404.html": `{{ define "main" }}<h1>Page not found</h1><p><a href="{{ "/" | relURL }}">Home</a></p>{{ end }}
`,
	}
}
