package tmplexec

import (
	"bytes"
	"errors"
	"html/template"
	"reflect"
	"strings"
	"testing"
	"text/template/parse"
)

type item struct {
	Name  string
	Count int
	Tags  []string
	Next  *item
	Any   any
	Plain any // an item, not a pointer: its methods have no address
	Attrs map[string]string
	Body  template.HTML
}

func (i *item) Upper() string            { return strings.ToUpper(i.Name) }
func (i *item) Greet(who string) string  { return "hello " + who + " from " + i.Name }
func (i item) Double() int               { return 2 * i.Count }
func (i *item) Fail() (string, error)    { return "", errors.New("failed") }
func (i *item) Link(path string) string  { return "/items/" + path }
func (i *item) Pair() (a, b string)      { return "a", "b" }
func (i *item) Panic() string            { panic("boom") }
func (i *item) Script() template.JS      { return template.JS(`{"a":1}`) }
func (i *item) Trusted() template.HTML   { return i.Body }
func (i *item) Nothing() *item           { return nil }
func (i *item) Items() []*item           { return []*item{i, i.Next} }
func (i *item) Mixed() []any             { return []any{i, item{Name: "value", Count: 2}} }
func (i *item) Label(kind string) string { return kind + ":" + i.Name }

var funcs = template.FuncMap{
	"rel":   func(p string) string { return "/base/" + strings.TrimPrefix(p, "/") },
	"join":  func(a, b string) string { return a + "/" + b },
	"label": func(kind string, v any) string { return kind + "=" + toString(v) },
	"link":  func(kind, v string) template.HTML { return template.HTML(`<a href="/` + kind + `/">` + v + `</a>`) },
	"add":   func(a, b int) int { return a + b },
	"fail":  func() (string, error) { return "", errors.New("func failed") },
	"pick":  func(n int, s []string) []string { return s[:min(n, len(s))] },
	"eq":    func(a, b string) bool { return a == b+"!" }, // a function of the map wins over the builtin
	"card":  card,
	"named": named,
	"fails": func(i *item) (string, error) { return "", errors.New("refused") },
	"list":  func(items []*item) (template.HTML, error) { return joined(items) },
}

// writeList writes what the function list returns; list's error is
// writeList's, after it has written part of the list.
func writeList(w *bytes.Buffer, items []*item) error {
	w.WriteString("<ul>")
	for _, i := range items {
		if i == nil {
			return errors.New("no item")
		}
		h, _ := card(i)
		w.WriteString("<li>" + string(h))
	}
	w.WriteString("</ul>")
	return nil
}

func joined(items []*item) (template.HTML, error) {
	var b bytes.Buffer
	err := writeList(&b, items)
	return template.HTML(b.String()), err
}

func card(i *item) (template.HTML, error) {
	if i == nil {
		return "<i>none</i>", nil
	}
	return template.HTML("<i>" + template.HTMLEscapeString(i.Name) + "</i>"), nil
}

func named(kind string, i *item) (string, error) { return kind + ": " + i.Name, nil }

// directs are the Direct calls of funcs, counted in directCalls.
var (
	directCalls int
	directs     = map[string]Direct{
		"card":  counted(Call1(card)),
		"named": counted(Call2(named)),
		"fails": counted(Call1(funcs["fails"].(func(*item) (string, error)))),
	}
)

// writes are the Writers of funcs, counted in written.
var (
	written int
	writes  = map[string]Writer{"list": func(w *bytes.Buffer, in []reflect.Value) (bool, error) {
		called, err := Write1(writeList)(w, in)
		if called {
			written++
		}
		return called, err
	}}
)

func counted(d Direct) Direct {
	return func(in []reflect.Value) (reflect.Value, bool, error) {
		v, called, err := d(in)
		if called {
			directCalls++
		}
		return v, called, err
	}
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strings.Repeat("I", x)
	}
	return "?"
}

func data() *item {
	next := &item{Name: "second", Count: 0, Tags: nil}
	return &item{
		Name:  `Shelter & "care" <now> +1 it's`,
		Count: 3,
		Tags:  []string{"b", "a", "c & d"},
		Next:  next,
		Any:   "in an interface",
		Plain: item{Name: "plain", Count: 5},
		Attrs: map[string]string{"z": "last", "a": "first", "m": "<mid>"},
		Body:  template.HTML("<em>trusted</em>"),
	}
}

// compile parses src as html/template with fm, executes it on dot once so
// that it is escaped, and compiles it: the program is nil when Compile
// refuses the tree.
func compile(t *testing.T, fm template.FuncMap, src string, dot any) (p *Program, want string, stdErr error) {
	t.Helper()
	tmpl, err := template.New("page").Funcs(fm).Parse(src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	var b bytes.Buffer
	stdErr = tmpl.Execute(&b, dot)
	p, _ = NewCompiler(func(name string) *parse.Tree {
		if x := tmpl.Lookup(name); x != nil {
			return x.Tree
		}
		return nil
	}, fm, Calls{Direct: directs, Write: writes}).Compile("page")
	return p, b.String(), stdErr
}

// TestMatchesHTMLTemplate runs each template with html/template and
// compiled, and requires the same output, or a fallback where the
// compiled form leaves the case to html/template (errors included).
func TestMatchesHTMLTemplate(t *testing.T) {
	tests := []struct {
		name, src string
		fallback  bool // Execute must return ErrFallback
		refused   bool // Compile must refuse the template
		direct    int  // calls made without reflection
		written   int  // calls whose HTML a Writer wrote
	}{
		{name: "text and fields", src: `<p title="{{.Name}}">{{.Name}} {{.Count}} {{.Next.Name}}</p>`},
		{name: "trusted HTML in text", src: `<div>{{.Body}}{{.Trusted}}</div>`},
		{name: "trusted HTML in an attribute", src: `<p title="{{.Body}}">`, fallback: true},
		{name: "URLs", src: `<a href="{{rel .Name}}">x</a><a href="{{.Link "a b"}}">y</a><a href="javascript:{{.Name}}">z</a>`},
		{name: "unsafe URL", src: `{{with $u := "javascript:alert(1)"}}<a href="{{$u}}">x</a>{{end}}`},
		{name: "URL with escapes", src: `<a href="{{"/a%20b/%zz/ü?x=1&y=<2>#f"}}">x</a>`},
		{name: "script of trusted JSON", src: `<script type="application/ld+json">{{.Script}}</script>`},
		{name: "script of a string", src: `<script>var x = {{.Name}};</script>`, fallback: true},
		{name: "methods", src: `{{.Upper}} {{.Double}} {{.Greet "you"}} {{.Greet .Next.Name}} {{.Next.Upper}} {{.Label "kind"}}`},
		{name: "method chain", src: `{{range .Items}}{{.Name}};{{end}}`},
		{name: "a method of a value without an address", src: `{{.Plain.Double}} {{.Plain.Name}}`},
		{name: "a pointer's method on a value without an address", src: `{{.Plain.Upper}}`, fallback: true},
		{name: "a method on values with and without an address at one place", src: `{{range .Mixed}}{{.Double}};{{end}}`},
		{name: "a pointer's method then a value without an address", src: `{{range .Mixed}}{{.Upper}};{{end}}`, fallback: true},
		{name: "variables", src: `{{$n := .Name}}{{$c := .Count}}{{with .Next}}{{$n}} {{.Name}} {{$.Count}} {{$c}}{{end}}`},
		{name: "variable scope ends with the block", src: `{{if true}}{{$x := 1}}{{$x}}{{end}}{{$x := 2}}{{$x}}`},
		{name: "range with index", src: `{{range $i, $t := .Tags}}{{$i}}={{$t}} {{end}}`},
		{name: "range with element", src: `{{range $t := .Tags}}[{{$t}}|{{.}}]{{end}}`},
		{name: "range else", src: `{{range .Next.Tags}}x{{else}}none{{end}}`},
		{name: "range over a map", src: `{{range $k, $v := .Attrs}}{{$k}}:{{$v}} {{end}}`},
		{name: "range over nothing", src: `{{range .Any.Missing}}x{{else}}none{{end}}`, fallback: true},
		{name: "if else chains", src: `{{if .Next.Count}}a{{else if .Next.Tags}}b{{else if .Tags}}c{{else}}d{{end}}`},
		{name: "with else with", src: `{{with .Next.Tags}}a{{else with .Tags}}{{index . 1}}{{end}}`},
		{name: "and or not", src: `{{and .Name .Count}} {{or .Next.Count .Next.Name}} {{or .Next.Count 0}} {{not .Next.Count}} {{and .Next.Count .Fail}}`},
		{name: "or short-circuits", src: `{{or .Name .Fail}}`},
		{name: "and in a pipeline", src: `{{.Count | and .Name}} {{.Next.Count | or .Name}}`},
		{name: "comparisons", src: `{{if gt .Count 2}}gt{{end}} {{if lt .Name "T"}}lt{{end}} {{le .Count 3}} {{ge .Count 4}} {{ne .Name "x"}} {{len .Tags}} {{len .Attrs}} {{len .Name}}`},
		{name: "mixed comparison", src: `{{lt .Count 2.5}}`, fallback: true},
		{name: "index", src: `{{index .Tags 2}} {{index .Attrs "m"}} {{index .Attrs "none"}}.`},
		{name: "index out of range", src: `{{index .Tags 5}}`, fallback: true},
		{name: "function of the map over a builtin", src: `{{eq .Name .Name}} {{eq "x!" "x"}}`},
		{name: "functions", src: `{{label "k" .Name}} {{label "n" .Count}} {{link "k" .Name}} {{add .Count 2}} {{join "a" .Name}} {{.Name | rel}} {{range pick 2 .Tags}}{{.}}{{end}}`},
		{name: "a function of strings on an interface", src: `<a href="{{rel .Any}}">{{rel .Any}}</a> {{label "k" .Any}} {{join .Name .Any}}`},
		{name: "a function of strings before escapers", src: `<a href="{{rel .Name}}" title="{{join "a" .Name}}">{{.Name | rel}} {{label "k" .Count}}</a>`},
		{name: "interface values", src: `{{.Any}} {{if .Any}}yes{{end}} {{label "k" .Any}}`},
		{name: "parenthesized pipeline", src: `{{(rel "x") | join "a"}} {{len (pick 1 .Tags)}}`},
		{name: "nested templates", src: `{{define "t"}}<b>{{.}}</b>{{$}}{{end}}{{template "t" .Name}}{{range .Tags}}{{template "t" .}}{{end}}`},
		{name: "template without an argument", src: `{{define "u"}}none{{end}}{{template "u"}}`},
		{name: "comments and trims", src: "{{/* note */}}a  {{- .Count -}}  b"},
		{name: "a function's error", src: `{{fail}}`, fallback: true},
		{name: "a method's error", src: `{{.Fail}}`, fallback: true},
		{name: "a panic", src: `{{.Panic}}`, fallback: true},
		{name: "nil pointer", src: `{{.Nothing.Name}}`, fallback: true},
		{name: "missing map key", src: `{{.Attrs.none}}`, fallback: true},
		{name: "a field with arguments", src: `{{.Name "x"}}`, fallback: true},
		{name: "direct calls", src: `{{card .}} {{card .Next}} {{card .Nothing}} {{named "k" .Next}} <b title="{{named "t" .}}"></b>`, direct: 5},
		{name: "a direct call of a value of another type", src: `{{card .Any}}`, fallback: true},
		{name: "a direct call's error", src: `{{fails .}}`, fallback: true, direct: 1},
		{name: "a list written", src: `<div>{{list .Items}}</div><p>{{list .Items}}</p>`, written: 2},
		{name: "a list in an attribute", src: `<p title="{{list .Items}}">`, fallback: true},
		{name: "a list through a pipeline or a variable", src: `{{.Items | list}} {{$l := list .Items}}{{$l}} {{list (.Items)}} {{(list .Items)}}`, written: 1},
		{name: "a list of values of another type", src: `{{list .Any}}`, fallback: true},
		{name: "a list whose writer fails", src: `<div>{{list .Next.Items}}</div>`, fallback: true, written: 1},
		{name: "printf", src: `{{printf "%d" .Count}}`, refused: true},
		{name: "assignment", src: `{{$x := 1}}{{$x = 2}}{{$x}}`, refused: true},
		{name: "break", src: `{{range .Tags}}{{break}}{{end}}`, refused: true},
		{name: "recursion", src: `{{define "r"}}{{if .}}{{.Name}}{{template "r" .Next}}{{end}}{{end}}{{template "r" .}}`, refused: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, want, stdErr := compile(t, funcs, tt.src, data())
			if p == nil {
				if !tt.refused {
					t.Fatal("Compile refused the template")
				}
				return
			}
			if tt.refused {
				t.Fatal("Compile took a template it does not cover")
			}
			var got bytes.Buffer
			directCalls, written = 0, 0
			err := p.Execute(&got, data())
			if directCalls != tt.direct {
				t.Errorf("%d calls without reflection, want %d", directCalls, tt.direct)
			}
			if written != tt.written {
				t.Errorf("%d calls written by a Writer, want %d", written, tt.written)
			}
			switch {
			case tt.fallback && !errors.Is(err, ErrFallback):
				t.Fatalf("got %q, %v; want ErrFallback (html/template: %q, %v)", got.String(), err, want, stdErr)
			case tt.fallback:
			case stdErr != nil:
				t.Fatalf("html/template failed (%v): the case must be a fallback", stdErr)
			case err != nil:
				t.Fatalf("Execute: %v", err)
			case got.String() != want:
				t.Errorf("got  %q\nwant %q", got.String(), want)
			}
		})
	}
}

// FuzzEscapers checks the escapers against html/template's in text, in a
// quoted attribute and in a URL attribute, for any string.
func FuzzEscapers(f *testing.F) {
	for _, s := range []string{"", "plain", `a&b<c>"d"'e'+f`, "x\x00y", "javascript:alert(1)", "JavaScript:x", "mailto:a@b",
		"HTTPS://e.org/a b?c=d&e=<f>#g", "/p%20q/%zz/%4", "ü\xff\xfe", "data:text/html,x", "/a/b:c", "tel:1", "\uFDD0\uFFFE"} {
		f.Add(s)
	}
	tmpl := template.Must(template.New("").Parse(`<p>{{.}}</p><p title="{{.}}"></p><a href="{{.}}"></a>`))
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		if err := tmpl.Execute(&b, s); err != nil {
			t.Skip(err)
		}
		got := "<p>" + call(t, "htmlescaper", s) + `</p><p title="` + call(t, "attrescaper", s) +
			`"></p><a href="` + call(t, "attrescaper", call(t, "urlnormalizer", call(t, "urlfilter", s))) + `"></a>`
		if got != b.String() {
			t.Errorf("escaped %q:\n got %q\nwant %q", s, got, b.String())
		}
	})
}

func call(t *testing.T, name, s string) string {
	e := escapers["_html_template_"+name]
	out, ok := e.value(reflect.ValueOf(s))
	if !ok {
		t.Fatalf("%s does not cover a string", name)
	}
	// What an action ending in escapers gives the ones after the first.
	if text := e.text(s); text != out {
		t.Fatalf("%s: %q as a string, %q as a value", name, text, out)
	}
	return out
}
