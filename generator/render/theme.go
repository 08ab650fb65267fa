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
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"

	"pledgesite/generator/diag"
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
}

// LoadTheme parses the layouts of the theme in dir with the given funcs.
func LoadTheme(fsys fs.FS, dir string, funcs template.FuncMap) (*Theme, diag.List) {
	var errs diag.List
	sum := sha256.New()
	layouts := path.Join(dir, "layouts")
	base := template.New("").Funcs(funcs)
	common, err := fs.Glob(fsys, path.Join(layouts, "partials", "*.html"))
	if err == nil {
		common = append([]string{path.Join(layouts, "baseof.html")}, common...)
	}
	for _, name := range common {
		if err := parseFile(fsys, base, name, sum); err != nil {
			errs = append(errs, templateDiagnostic(dir, name, err))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	t := &Theme{Dir: dir, layouts: map[string]*template.Template{}}
	for _, kind := range pageKinds {
		name := path.Join(layouts, kind+".html")
		clone, err := base.Clone()
		if err == nil {
			err = parseFile(fsys, clone, name, sum)
		}
		if err != nil {
			errs = append(errs, templateDiagnostic(dir, name, err))
			continue
		}
		t.layouts[kind] = clone
	}
	t.Hash = hex.EncodeToString(sum.Sum(nil))
	return t, errs
}

func parseFile(fsys fs.FS, t *template.Template, name string, sum hash.Hash) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(sum, "%s\x00%d\x00", name, len(data))
	sum.Write(data)
	_, err = t.New(name).Parse(string(data))
	return err
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
