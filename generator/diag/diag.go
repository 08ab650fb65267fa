// Package diag holds the problems found in a site's sources, each tied to a
// file position, and prints them the way the Go compiler does
// (path:line:col: message) or as GitHub Actions annotations or JSON.
//
// Every stage of the build appends to a List instead of stopping at the
// first problem, so one run of `pledgesite check` reports all of them.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Diagnostic is one problem at one place in a source file. Path is relative
// to the source root and uses forward slashes. Line and Col are 1-based; zero
// means the position is unknown (a missing file, say).
type Diagnostic struct {
	Path    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

func (d Diagnostic) Error() string {
	var b strings.Builder
	// A file name holds no line break that should show as one: a name
	// such as "a\n::error ..." must not print a line of its own.
	b.WriteString(visible(breaks.Replace(d.Path)))
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
		if d.Col > 0 {
			fmt.Fprintf(&b, ":%d", d.Col)
		}
	}
	b.WriteString(": ")
	b.WriteString(visible(d.Message))
	return b.String()
}

// breaks writes line breaks and tabs as escapes, for a path.
var breaks = strings.NewReplacer("\n", `\n`, "\t", `\t`)

// visible writes the control characters of s as Go escapes (\x1b,
// \u2028): a file name is the contributor's, and one holding an escape
// sequence must not drive the terminal or CI log it is printed to.
func visible(s string) string {
	if !strings.ContainsFunc(s, control) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if control(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// control reports the characters visible escapes: all controls but line
// feeds and tabs, which only lay text out, and the Unicode ones that move
// text about.
func control(r rune) bool {
	return unicode.IsControl(r) && r != '\n' && r != '\t' || r == 0x2028 || r == 0x2029 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// List collects diagnostics. Its zero value is ready to use.
type List []Diagnostic

// Add appends a diagnostic with a printf-style message.
func (l *List) Add(path string, line, col int, rule, format string, args ...any) {
	*l = append(*l, Diagnostic{Path: path, Line: line, Col: col, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// Sort orders the list by path, line, column and message, and drops exact
// duplicates, so output does not depend on the order of parallel work.
func (l List) Sort() List {
	slices.SortFunc(l, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Message, b.Message),
			cmp.Compare(a.Rule, b.Rule),
		)
	})
	return slices.Compact(l)
}

// Err returns the list as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

func (l List) Error() string {
	var b strings.Builder
	for i, d := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.Error())
	}
	return b.String()
}
