package tmplexec

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"reflect"
	"strings"
	"testing"
)

// rv is the data of the contract tests: methods with results text/template
// refuses, a method with a side effect, named and pointer types.
type rv struct {
	Any    any
	N      int
	Str    myStr
	Status status
	P      *string
	M      map[string]any
	ticks  int
}

type myStr string

type status string

func (s status) String() string { return "<" + string(s) + ">" }

func (r *rv) PtrSecond() (string, *int)           { return "ptr-second", nil }
func (r *rv) Three() (string, error, int)         { return "three", nil, 0 }
func (r *rv) IfaceSecond() (string, fmt.Stringer) { return "iface-second", nil }
func (r *rv) Tick() any                           { r.ticks++; return fmt.Sprint("t", r.ticks) }
func (r *rv) Nil() *rv                            { return nil }
func (r *rv) JS() template.JS                     { return template.JS(`{"a":"<b>"}`) }
func (r *rv) HTML() template.HTML                 { return "<b>x</b>" }
func (r *rv) Err() error                          { return nil }
func (r *rv) V(xs ...string) string               { return strings.Join(xs, ",") }
func (r *rv) Safe() string {
	if r == nil {
		return "nil-safe"
	}
	return "set"
}

var contractFuncs = template.FuncMap{
	"rel":   func(p string) string { return "/base/" + strings.TrimPrefix(p, "/") },
	"zero":  func() reflect.Value { return reflect.ValueOf(0) },
	"named": func(s myStr) string { return "named:" + string(s) },
	"label": func(kind string, v any) string { return fmt.Sprint(kind, "=", v) },
	"vf":    func(a string, rest ...int) string { return fmt.Sprint(a, rest) },
	"str":   func(s fmt.Stringer) string { return "s" },
	"i64":   func(n int64) int64 { return n },
	"f64":   func(f float64) string { return fmt.Sprint(f) },
}

func newRV() *rv {
	s := "<p>"
	return &rv{N: 3, Str: "<s>", Status: "st", P: &s, M: map[string]any{"k": nil}}
}

// run executes src with html/template on one fresh datum and the compiled
// program on another, made by mk.
func run(t *testing.T, src string, mk func() any) (want string, stdErr error, got string, err error, compiled bool) {
	t.Helper()
	p, want, stdErr := compile(t, contractFuncs, src, mk())
	if p == nil {
		return want, stdErr, "", nil, false
	}
	var g bytes.Buffer
	err = p.Execute(&g, mk())
	return want, stdErr, g.String(), err, true
}

// check requires the contract: html/template's output, or ErrFallback.
func check(t *testing.T, src string, mk func() any) {
	t.Helper()
	want, stdErr, got, err, compiled := run(t, src, mk)
	switch {
	case !compiled:
		t.Logf("%s: refused by Compile", src)
	case errors.Is(err, ErrFallback):
		t.Logf("%s: fallback (html/template: %q, %v)", src, want, stdErr)
	case err != nil:
		t.Errorf("%s: unexpected error %v", src, err)
	case stdErr != nil:
		t.Errorf("%s: tmplexec wrote %q where html/template failed: %v", src, got, stdErr)
	case got != want:
		t.Errorf("%s:\n got  %q\n want %q", src, got, want)
	}
}

func mkRV() any { return newRV() }

// html/template refuses a method whose second result is not an error, or
// with more than two results: so must a program.
func TestContractMethodResultSignature(t *testing.T) {
	for _, src := range []string{`{{.PtrSecond}}`, `{{.Three}}`, `{{.IfaceSecond}}`} {
		check(t, src, mkRV)
	}
}

// An argument is evaluated once, also when a function with a direct call
// (func(string) string...) is given a value of another type and called
// through reflection instead: a method with a side effect runs once.
func TestContractFastPathEvaluatesArgsTwice(t *testing.T) {
	check(t, `{{rel .Tick}}`, mkRV)
}

// text/template unwraps a reflect.Value returned by a function or method:
// a program leaves such a result to it.
func TestContractReflectValueResult(t *testing.T) {
	check(t, `{{if zero}}yes{{else}}no{{end}}`, mkRV)
	check(t, `{{$v := zero}}{{$v.String}}`, mkRV)
}

// and and or with no argument at all: html/template fails (wrong number
// of args), and a program must not print instead.
func TestContractAndOrWithoutArguments(t *testing.T) {
	check(t, `{{if and}}a{{else}}b{{end}}`, mkRV)
	check(t, `{{if or}}a{{else}}b{{end}}`, mkRV)
	check(t, `{{if not and}}a{{else}}b{{end}}`, mkRV)
}

// index of a nil with no indexes: html/template fails ("index of untyped
// nil"), and a program must not print instead.
func TestContractIndexWithoutIndexes(t *testing.T) {
	check(t, `{{$x := .Any}}{{if index $x}}a{{else}}b{{end}}`, mkRV)
}

// TestContractCovered: each of these gives html/template's output or
// falls back to it.
func TestContractCovered(t *testing.T) {
	for _, src := range []string{
		// escapers on values they do not cover fall back
		`{{.Str}}`, `{{.Status}}`, `{{.P}}`, `{{.Any}}`, `{{.Err}}`, `{{.Nil}}`,
		`<a title="{{.Str}}">`, `<a title="{{.HTML}}">`, `<a href="{{.Status}}">`, `<a href="{{.HTML}}">`,
		`<script>var x = {{.N}};</script>`, `<script>var x = {{.HTML}};</script>`,
		// escapers on what they cover
		`{{.N}} {{true}} {{.HTML}} <a title="{{.N}}{{false}}" href="{{.N}}">`, `<script>{{.JS}}</script><a onclick="f({{.JS}})">`,
		`<a href="/x/{{.N}}?q=1">`, `<a href='{{"a'b"}}'>`,
		// fields, methods, nil
		`{{.Nil.Safe}}`, `{{index .M "none"}}`, `{{.M.none}}`, `{{.M.k}}`,
		// constants for parameters
		`{{named "x"}}`, `{{named .Str}}`, `{{str "x"}}`, `{{i64 5}}`, `{{f64 2}}`, `{{f64 2.5}}`,
		`{{"a" | vf}} {{vf "a" 1 2}} {{2 | vf "a" 1}} {{vf "a"}}`,
		`{{.N | label "k"}} {{label "k" .Any}} {{label "k" .Str}} {{label "k" 1.5}} {{label "k" 2.0}}`,
		`{{label "k" 0x10}}`, `{{label "k" 'a'}}`, `{{label "k" 1e3}}`, `{{label "k" 1_000}}`,
		`{{.V}} {{.V "a" "b"}} {{"c" | .V "a"}}`, `{{.V 1}}`,
		// builtins with nil, and/or values
		`{{$x := .Any}}{{if not $x}}empty{{end}}`, `{{if not (index .M "k")}}empty{{end}}`,
		`{{if .Any | and 1}}yes{{else}}no{{end}}`, `{{or .Any "d"}} {{and .N .Str}} {{or 0 .N}} {{and 1 0}}`,
		`{{$x := .Any}}{{or $x "d"}}`, `{{$x := .Any}}{{if eq $x "a"}}a{{end}}`,
		`{{eq .N 3 "x"}} {{eq .N 4 3}} {{lt .Str "z"}} {{eq .Str .Status}} {{len .M}} {{len .Str}}`,
		`{{lt .N 2.5}}`, `{{eq true true}}`, `{{index "ab" 0}}`,
		// variables and scopes
		`{{template "t" $x := .N}}{{$x}}{{define "t"}}[{{.}}{{$}}]{{end}}`,
		`{{with $x := .Any}}a{{else}}{{$x}}b{{end}}`,
		`{{range $i, $v := .M}}{{$i}}{{end}}`, `{{range $i := 3}}{{$i}}{{end}}`,
		`{{range $x := .Nil}}a{{else}}b{{end}}`,
		// a template called outside the text context (derived template)
		`{{define "t"}}x{{.}}{{end}}<a title="{{template "t" .N}}">`,
	} {
		check(t, src, mkRV)
	}
}
