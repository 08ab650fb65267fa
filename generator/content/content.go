// Package content holds the Markdown pages under content/: the pledging
// guidance (an index, one page per area, one page per measure) and the
// site's other pages (about, how to pledge, and the pages whose body the
// theme provides, such as search).
//
// A page's URL comes from its path: content/guidance/protection-services/
// legal-aid.md is served at /guidance/protection-services/legal-aid/, and an
// _index.md stands for its folder. Front matter is YAML between "---" lines
// and is checked like a record, with positions in the .md file.
package content

import (
	"bytes"
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"pledgesite/generator/diag"
	"pledgesite/generator/markdown"
	"pledgesite/generator/yamlsrc"
)

// Dir is the content folder, relative to the source root.
const Dir = "content"

// GuidanceSection is the folder of the pledging guidance.
const GuidanceSection = "guidance"

// Kinds of page.
const (
	KindPage     = "page"     // a stand-alone page such as /about/
	KindGuidance = "guidance" // the guidance index
	KindArea     = "area"     // one area of the guidance
	KindMeasure  = "measure"  // one measure
)

// Rule names.
const (
	RuleFrontMatter = "front-matter"
	RuleRequired    = "required"
	RuleMeasure     = "measure"
	RuleArea        = "area"
	RuleFileName    = "file-name"
	RuleLayout      = "layout"
	RuleTooLarge    = "too-large"
)

// Layouts a page may ask for instead of the default.
var Layouts = []string{"page", "search", "submit"}

// Page is one Markdown file.
type Page struct {
	Path    string // source path relative to the source root
	URL     string // site-relative URL path, "/guidance/" or "/about/"
	Kind    string
	Title   string
	Summary string
	Layout  string
	Area    string // area letter, on area and measure pages
	Measure string // measure id, on measure pages
	Weight  int
	// AreaPos and MeasurePos locate those front matter values, for
	// problems found across pages.
	AreaPos, MeasurePos diag.Diagnostic
	// Body is the Markdown after the front matter, with the front matter
	// lines kept as blank lines so line numbers match the file.
	Body []byte
}

// Area is one area of the guidance with its measures in order.
type Area struct {
	*Page
	Measures []*Page
}

// Set is all the content of a site.
type Set struct {
	Pages    []*Page // every page, sorted by URL
	Guidance *Page   // the guidance index, if any
	Areas    []*Area // sorted by weight, then letter
	Measures []*Page // sorted by area order, then weight
}

// MeasureTitles maps each measure id to its title, for checking records.
func (s *Set) MeasureTitles() map[string]string {
	out := make(map[string]string, len(s.Measures))
	for _, m := range s.Measures {
		out[m.Measure] = m.Title
	}
	return out
}

var (
	areaPattern    = regexp.MustCompile(`^[a-z]$`)
	measurePattern = regexp.MustCompile(`^[a-z][0-9]{1,2}$`)
	namePattern    = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// MaxPageSize is the largest page file. The longest guidance page is 5 KB;
// goldmark takes time that grows with the square of some inputs (50 s for
// 400 KB of "[a]("), and pages are written by contributors too.
const MaxPageSize = 128 << 10

// Load reads every .md file under Dir.
func Load(fsys fs.FS) (*Set, diag.List) {
	var errs diag.List
	set := &Set{}
	err := fs.WalkDir(fsys, Dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			errs.Add(p, 0, 0, RuleFileName, "cannot read: %v", err)
			return nil
		}
		name := e.Name()
		switch {
		case p == Dir:
			return nil
		case strings.HasPrefix(name, "."):
			if e.IsDir() {
				return fs.SkipDir
			}
			return nil
		case e.Type()&fs.ModeSymlink != 0:
			errs.Add(p, 0, 0, RuleFileName, "symbolic links are not allowed in %s/", Dir)
			return nil
		case e.IsDir():
			if !namePattern.MatchString(name) {
				errs.Add(p, 0, 0, RuleFileName, "folder name %q must use lowercase letters, digits and hyphens, as it becomes part of a URL", name)
				return fs.SkipDir
			}
			return nil
		case !strings.HasSuffix(name, ".md"):
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs.Add(p, 0, 0, RuleFileName, "cannot read: %v", err)
			return nil
		}
		if len(data) > MaxPageSize {
			errs.Add(p, 1, 1, RuleFileName, "file is %d bytes, larger than the limit of %d bytes: split the page", len(data), MaxPageSize)
			return nil
		}
		page, perrs := Parse(p, data)
		errs = append(errs, perrs...)
		// What would stop the page rendering, found here so that check
		// reports it; the body keeps the file's line numbers.
		if page != nil {
			if line, msg := markdown.Problem(page.Body); msg != "" {
				errs.Add(p, max(line, 1), 1, RuleTooLarge, "%s", msg)
			}
		}
		if page != nil {
			set.Pages = append(set.Pages, page)
		}
		return nil
	})
	if err != nil {
		errs.Add(Dir, 0, 0, RuleFileName, "cannot read the content folder: %v", err)
	}
	errs = append(errs, set.organise()...)
	return set, errs
}

// Parse reads one page. p is its path relative to the source root.
func Parse(p string, data []byte) (*Page, diag.List) {
	var errs diag.List
	rel := strings.TrimPrefix(p, Dir+"/")
	dir, file := path.Split(rel)
	stem := strings.TrimSuffix(file, ".md")
	if stem != "_index" && !namePattern.MatchString(stem) {
		errs.Add(p, 0, 0, RuleFileName, "file name %q must use lowercase letters, digits and hyphens, as it becomes part of a URL", file)
		return nil, errs
	}
	page := &Page{Path: p, Layout: "page"}
	if stem == "_index" {
		page.URL = "/" + dir
	} else {
		page.URL = "/" + dir + stem + "/"
	}
	top := strings.SplitN(dir, "/", 2)[0]
	switch {
	case top != GuidanceSection:
		page.Kind = KindPage
	case dir == GuidanceSection+"/" && stem == "_index":
		page.Kind = KindGuidance
	case strings.Count(dir, "/") == 2 && stem == "_index":
		page.Kind = KindArea
	case strings.Count(dir, "/") == 2:
		page.Kind = KindMeasure
	default:
		errs.Add(p, 0, 0, RuleFileName, "guidance pages go in %s/%s/<area>/: an _index.md for the area and one file per measure", Dir, GuidanceSection)
		return nil, errs
	}

	fm, body, line, ok := splitFrontMatter(data)
	if !ok {
		errs.Add(p, 1, 1, RuleFrontMatter, "a page starts with front matter between \"---\" lines, giving at least its title")
		return nil, errs
	}
	page.Body = body
	root, perrs := yamlsrc.Parse(p, fm)
	for i := range perrs {
		perrs[i].Line += line - 1
	}
	errs = append(errs, perrs...)
	if root == nil {
		return nil, errs
	}
	shiftLines(root, line-1)
	errs = append(errs, page.decode(root)...)
	return page, errs
}

// splitFrontMatter finds the front matter, returning it, the body with the
// front matter blanked out, and the line on which the front matter's YAML
// starts.
func splitFrontMatter(data []byte) (fm, body []byte, line int, ok bool) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	rest, found := bytes.CutPrefix(data, []byte("---\n"))
	if !found {
		if rest, found = bytes.CutPrefix(data, []byte("---\r\n")); !found {
			return nil, nil, 0, false
		}
	}
	end := -1
	for off := 0; off < len(rest); {
		nl := bytes.IndexByte(rest[off:], '\n')
		cur := rest[off:]
		if nl >= 0 {
			cur = rest[off : off+nl]
		}
		if string(bytes.TrimRight(cur, "\r")) == "---" {
			end = off
			break
		}
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	if end < 0 {
		return nil, nil, 0, false
	}
	fm = rest[:end]
	after := rest[end:]
	if nl := bytes.IndexByte(after, '\n'); nl >= 0 {
		after = after[nl+1:]
	} else {
		after = nil
	}
	blank := bytes.Repeat([]byte("\n"), bytes.Count(fm, []byte("\n"))+2)
	return fm, append(blank, after...), 2, true
}

func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

var kindNames = map[string]string{
	KindPage: "a page", KindGuidance: "the guidance index", KindArea: "a guidance area", KindMeasure: "a measure page",
}

var pageFields = []string{"title", "summary", "layout", "area", "measure", "weight"}

func (page *Page) decode(root *yaml.Node) diag.List {
	var errs diag.List
	p := page.Path
	f := yamlsrc.Fields(p, root, pageFields, "", &errs)
	str := func(name string) (string, *yaml.Node) {
		fl, ok := f[name]
		if !ok {
			return "", nil
		}
		if fl.Value.Kind != yaml.ScalarNode {
			errs = append(errs, yamlsrc.Errorf(p, fl.Value, RuleFrontMatter, "%s must be a single value, found %s", name, yamlsrc.Describe(fl.Value)))
			return "", nil
		}
		return strings.TrimSpace(fl.Value.Value), fl.Value
	}
	need := func(name string) {
		errs.Add(p, root.Line, root.Column, RuleRequired, "missing required front matter field %q for %s", name, kindNames[page.Kind])
	}
	page.Title, _ = str("title")
	if page.Title == "" {
		need("title")
	}
	page.Summary, _ = str("summary")
	if v, n := str("layout"); n != nil {
		if !slices.Contains(Layouts, v) {
			errs = append(errs, yamlsrc.Errorf(p, n, RuleLayout, "layout %q is not one of the theme's layouts%s", v, yamlsrc.Hint(v, Layouts)))
		}
		page.Layout = v
	}
	if v, n := str("weight"); n != nil {
		w, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, yamlsrc.Errorf(p, n, RuleFrontMatter, "weight must be a whole number, found %q", v))
		}
		page.Weight = w
	}
	area, an := str("area")
	measure, mn := str("measure")
	at := func(n *yaml.Node) diag.Diagnostic {
		if n == nil {
			return diag.Diagnostic{Path: p, Line: root.Line, Col: root.Column}
		}
		return diag.Diagnostic{Path: p, Line: n.Line, Col: n.Column}
	}
	page.AreaPos, page.MeasurePos = at(an), at(mn)
	switch page.Kind {
	case KindArea, KindMeasure:
		if an == nil {
			need("area")
		} else if !areaPattern.MatchString(area) {
			errs = append(errs, yamlsrc.Errorf(p, an, RuleArea, "area %q must be a single lowercase letter such as \"a\"", area))
		}
		page.Area = area
	default:
		if an != nil {
			errs = append(errs, yamlsrc.Errorf(p, an, RuleArea, "area is only used on guidance area and measure pages"))
		}
	}
	switch page.Kind {
	case KindMeasure:
		if mn == nil {
			need("measure")
		} else if !measurePattern.MatchString(measure) {
			errs = append(errs, yamlsrc.Errorf(p, mn, RuleMeasure, "measure %q must be an area letter and a number, such as \"c3\"", measure))
		} else if measure[:1] != area {
			errs = append(errs, yamlsrc.Errorf(p, mn, RuleMeasure, "measure %q does not belong to area %q: its id must start with the area letter", measure, area))
		}
		page.Measure = measure
	default:
		if mn != nil {
			errs = append(errs, yamlsrc.Errorf(p, mn, RuleMeasure, "measure is only used on measure pages under %s/%s/<area>/", Dir, GuidanceSection))
		}
	}
	return errs
}

// organise sorts the pages and builds the guidance tree, checking that URLs,
// areas and measures are unique and that each measure's area matches its
// folder.
func (s *Set) organise() diag.List {
	var errs diag.List
	slices.SortFunc(s.Pages, func(a, b *Page) int { return cmp.Or(strings.Compare(a.URL, b.URL), strings.Compare(a.Path, b.Path)) })
	s.Pages = slices.CompactFunc(s.Pages, func(a, b *Page) bool {
		if a.URL != b.URL {
			return false
		}
		errs.Add(b.Path, 0, 0, RuleFileName, "%s and %s would both be the page %s: rename one", a.Path, b.Path, b.URL)
		return true
	})
	areaByDir := map[string]*Area{}
	areaByLetter := map[string]*Area{}
	for _, p := range s.Pages {
		switch p.Kind {
		case KindGuidance:
			s.Guidance = p
		case KindArea:
			a := &Area{Page: p}
			// The folder keeps its area even when the letter is taken, so its
			// measures are not also reported as having none.
			areaByDir[path.Dir(p.Path)] = a
			if prev, dup := areaByLetter[p.Area]; dup && p.Area != "" {
				d := p.AreaPos
				errs.Add(d.Path, d.Line, d.Col, RuleArea, "area %q is already used by %s", p.Area, prev.Path)
				continue
			}
			areaByLetter[p.Area] = a
			s.Areas = append(s.Areas, a)
		}
	}
	seen := map[string]*Page{}
	for _, p := range s.Pages {
		if p.Kind != KindMeasure {
			continue
		}
		a := areaByDir[path.Dir(p.Path)]
		switch {
		case a == nil:
			errs.Add(p.Path, 1, 1, RuleArea, "measure page has no area: add %s/_index.md", path.Dir(p.Path))
			continue
		case p.Area != "" && a.Area != "" && p.Area != a.Area:
			d := p.AreaPos
			errs.Add(d.Path, d.Line, d.Col, RuleArea, "area %q does not match its folder's area %q (%s)", p.Area, a.Area, a.Path)
		}
		if prev, dup := seen[p.Measure]; dup && p.Measure != "" {
			d := p.MeasurePos
			errs.Add(d.Path, d.Line, d.Col, RuleMeasure, "measure %q is already defined by %s", p.Measure, prev.Path)
			continue
		}
		seen[p.Measure] = p
		a.Measures = append(a.Measures, p)
	}
	slices.SortFunc(s.Areas, func(a, b *Area) int {
		return cmp.Or(a.Weight-b.Weight, strings.Compare(a.Area, b.Area), strings.Compare(a.URL, b.URL))
	})
	for _, a := range s.Areas {
		slices.SortFunc(a.Measures, func(a, b *Page) int {
			return cmp.Or(a.Weight-b.Weight, compareMeasures(a.Measure, b.Measure), strings.Compare(a.URL, b.URL))
		})
		s.Measures = append(s.Measures, a.Measures...)
	}
	return errs
}

// compareMeasures orders measure ids by letter, then number: e2 before e10.
func compareMeasures(a, b string) int {
	if a == "" || b == "" {
		return strings.Compare(a, b)
	}
	an, _ := strconv.Atoi(a[1:])
	bn, _ := strconv.Atoi(b[1:])
	return cmp.Or(strings.Compare(a[:1], b[:1]), an-bn, strings.Compare(a, b))
}

// String is for debugging.
func (page *Page) String() string { return fmt.Sprintf("%s (%s)", page.URL, page.Kind) }
