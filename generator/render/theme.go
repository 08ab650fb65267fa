// Package render turns the site model into HTML pages through a theme's
// html/template layouts.
//
// A theme's layouts/ folder holds baseof.html (the page skeleton), one file
// per kind of page (home.html, pledge.html, ...) that defines "main", and
// partials/*.html shared by all. Each page kind is parsed once per build as
// a clone of the skeleton and partials, and templates keep their file names,
// so template errors point at the right file and line.
package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"

	"pledgesite/generator/content"
	"pledgesite/generator/diag"
	"pledgesite/generator/record"
	"pledgesite/generator/tmplexec"
)

// Kinds of page, each with its layout file <kind>.html.
var pageKinds = []string{
	"home", "pledge", "multistakeholder", "list", "browse", "taxonomy", "term",
	"guidance", "area", "measure", "page", "search", "submit", "404",
}

// Theme is a parsed set of layouts.
type Theme struct {
	Dir     string // theme folder relative to the source root
	Hash    string // of every layout file, so caches notice template edits
	layouts map[string]*template.Template
	// ids and idPrefixes are the element ids the layouts write, as they
	// are and up to a template action (id="status-{{.Value}}"), which
	// Markdown headings must not take: a heading "More" would otherwise
	// take the search page's id="more" from its script.
	ids        []string
	idPrefixes []string
	// funcs are the layouts' functions, and programs each layout's
	// templates compiled (tmplexec) once html/template has escaped them,
	// by kind and template name.
	funcs    template.FuncMap
	calls    tmplexec.Calls
	programs sync.Map // programKey -> *program
}

type programKey struct{ kind, name string }

// program is a template's compiled program, made on first use once
// html/template has escaped the template; nil when tmplexec does not
// cover it.
type program struct {
	once    sync.Once
	prog    *tmplexec.Program
	compile func() *tmplexec.Program
}

func (p *program) get() *tmplexec.Program {
	p.once.Do(func() { p.prog = p.compile() })
	return p.prog
}

// LoadTheme parses the layouts of the theme in dir with the given funcs.
func LoadTheme(fsys fs.FS, dir string, funcs Funcs) (*Theme, diag.List) {
	common, pages, hash := readTheme(fsys, dir)
	var errs diag.List
	base := template.New("").Funcs(funcs.Map)
	for _, f := range common {
		if err := f.parse(base); err != nil {
			errs = append(errs, templateDiagnostic(dir, f.name, err))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	t := &Theme{Dir: dir, Hash: hash, layouts: map[string]*template.Template{}, funcs: funcs.Map,
		calls: tmplexec.Calls{Direct: directCalls(funcs.Map), Write: funcs.Write}}
	t.ids, t.idPrefixes = layoutIDs(append(common, pages...))
	for i, kind := range pageKinds {
		clone, err := base.Clone()
		if err == nil {
			err = pages[i].parse(clone)
		}
		if err != nil {
			errs = append(errs, templateDiagnostic(dir, pages[i].name, err))
			continue
		}
		t.layouts[kind] = clone
	}
	return t, errs
}

// directCalls are the calls without reflection of the functions of the
// signatures the layouts call most: 92,000 calls a build at 10,000
// pledges, each of which took two allocations more through reflection
// and its frame's setup.
func directCalls(funcs template.FuncMap) map[string]tmplexec.Direct {
	direct := map[string]tmplexec.Direct{}
	for name, fn := range funcs {
		switch f := fn.(type) {
		case func(*record.Pledge) (template.HTML, error):
			direct[name] = tmplexec.Call1(f)
		case func([]*record.Pledge) (template.HTML, error):
			direct[name] = tmplexec.Call1(f)
		case func(*Page) (template.HTML, error):
			direct[name] = tmplexec.Call1(f)
		case func(string, *Page) (template.HTML, error):
			direct[name] = tmplexec.Call2(f)
		case func(*Page) template.HTML:
			direct[name] = tmplexec.Call1(func(p *Page) (template.HTML, error) { return f(p), nil })
		case func(*record.Pledge) template.HTML:
			direct[name] = tmplexec.Call1(func(p *record.Pledge) (template.HTML, error) { return f(p), nil })
		case func(any) (template.JS, error):
			direct[name] = tmplexec.Call1(f)
		// Called on every pledge page: its JSON-LD, its amount, its
		// regions, its contributions and matches, the records it names.
		case func(*Page) creativeWork:
			direct[name] = call1(f)
		case func(*record.Financial) string:
			direct[name] = call1(f)
		case func(*record.Pledge) []string:
			direct[name] = call1(f)
		case func(*record.Pledge) []*record.Pledge:
			direct[name] = call1(f)
		case func(string) *record.Pledge:
			direct[name] = call1(f)
		case func(string) *content.Page:
			direct[name] = call1(f)
		case func(any) string:
			direct[name] = call1(f)
		}
	}
	return direct
}

// call1 is the Direct call of a function of one argument that cannot fail.
func call1[A, R any](f func(A) R) tmplexec.Direct {
	return tmplexec.Call1(func(a A) (R, error) { return f(a), nil })
}

// ThemeHash is the Hash LoadTheme would give the theme in dir, without
// parsing it, so a renderer can tell whether its theme is current.
func ThemeHash(fsys fs.FS, dir string) string {
	_, _, hash := readTheme(fsys, dir)
	return hash
}

// themeFile is a layout file's contents, or why it could not be read.
type themeFile struct {
	name string
	data []byte
	err  error
}

func (f themeFile) parse(t *template.Template) error {
	if f.err != nil {
		return f.err
	}
	_, err := t.New(f.name).Parse(string(f.data))
	return err
}

// readTheme reads the skeleton and partials, then the layout of each page
// kind, and hashes them all.
func readTheme(fsys fs.FS, dir string) (common, pages []themeFile, hash string) {
	sum := sha256.New()
	read := func(name string) themeFile {
		data, err := fs.ReadFile(fsys, name)
		fmt.Fprintf(sum, "%s\x00%d\x00", name, len(data))
		sum.Write(data)
		return themeFile{name, data, err}
	}
	layouts := path.Join(dir, "layouts")
	names, err := fs.Glob(fsys, path.Join(layouts, "partials", "*.html"))
	if err == nil {
		names = append([]string{path.Join(layouts, "baseof.html")}, names...)
	}
	for _, name := range names {
		common = append(common, read(name))
	}
	for _, kind := range pageKinds {
		pages = append(pages, read(path.Join(layouts, kind+".html")))
	}
	return common, pages, hex.EncodeToString(sum.Sum(nil))
}

// idAttr is an id attribute in a layout: its literal start, and whether a
// template action follows.
var idAttr = regexp.MustCompile(`\sid="([^"{]*)(\{\{)?`)

// layoutIDs returns the ids the layout files write, and the literal starts
// of those made with an action, sorted.
func layoutIDs(files []themeFile) (ids, prefixes []string) {
	seenID, seenPrefix := map[string]bool{}, map[string]bool{}
	for _, f := range files {
		for _, m := range idAttr.FindAllSubmatch(f.data, -1) {
			v := string(m[1])
			switch {
			case m[2] == nil && !seenID[v]:
				seenID[v] = true
				ids = append(ids, v)
			case m[2] != nil && v != "" && !seenPrefix[v]:
				seenPrefix[v] = true
				prefixes = append(prefixes, v)
			}
		}
	}
	ids = append(ids, reservedIDs...)
	prefixes = append(prefixes, textPrefixes...)
	slices.Sort(ids)
	slices.Sort(prefixes)
	return slices.Compact(ids), slices.Compact(prefixes)
}

var templatePos = regexp.MustCompile(`template: ([^:]+):(\d+)(?::(\d+))?: (.*)`)

// templateDiagnostic turns an html/template error, which names the template
// file and line, into a diagnostic.
func templateDiagnostic(dir, name string, err error) diag.Diagnostic {
	d := diag.Diagnostic{Path: name, Rule: "template", Message: err.Error()}
	if m := templatePos.FindStringSubmatch(err.Error()); m != nil {
		d.Path = m[1]
		d.Line, _ = strconv.Atoi(m[2])
		d.Col, _ = strconv.Atoi(m[3])
		d.Message = "template: " + m[4]
	}
	if !strings.HasPrefix(d.Path, dir) {
		d.Path = name
	}
	return d
}

// layout returns the parsed template for a page kind.
func (t *Theme) layout(kind string) (*template.Template, error) {
	l, ok := t.layouts[kind]
	if !ok {
		return nil, fmt.Errorf("theme %s has no layout for %q pages", t.Dir, kind)
	}
	return l, nil
}

// execute applies the template name of a page kind's layouts to data.
// html/template escapes a template the first time it runs; from then on
// the template's compiled program runs instead, and html/template again
// only for what the program does not cover (tmplexec.ErrFallback).
func (t *Theme) execute(buf *bytes.Buffer, kind, name string, data any) error {
	l, err := t.layout(kind)
	if err != nil {
		return err
	}
	key := programKey{kind, name}
	if v, ok := t.programs.Load(key); ok {
		if prog := v.(*program).get(); prog != nil {
			start := buf.Len()
			err := prog.Execute(buf, data)
			if !errors.Is(err, tmplexec.ErrFallback) {
				return err
			}
			buf.Truncate(start)
		}
		return l.ExecuteTemplate(buf, name, data)
	}
	if err := l.ExecuteTemplate(buf, name, data); err != nil {
		return err
	}
	// The template is escaped now: it can be compiled.
	t.programs.LoadOrStore(key, &program{compile: func() *tmplexec.Program {
		c := tmplexec.NewCompiler(func(name string) *parse.Tree {
			if x := l.Lookup(name); x != nil {
				return x.Tree
			}
			return nil
		}, t.funcs, t.calls)
		prog, _ := c.Compile(name) // not covered: html/template runs
		return prog
	}})
	return nil
}
