// Package yamlsrc parses YAML written by people, keeping the position of
// every value so that problems can be reported at the right line and column.
//
// It guards the parser against hostile input before yaml.v3 sees it (size,
// encoding, nesting) and refuses YAML features a record has no use for
// (anchors, aliases, tags, several documents), so that walking the tree is
// bounded by the size of the file.
package yamlsrc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"pledgesite/generator/diag"
)

// Limits that keep one file from taking the build down.
const (
	MaxFileSize = 1 << 20 // bytes
	MaxDepth    = 32      // nested collections
)

// Rule names reported for problems found here.
const (
	RuleSyntax   = "yaml-syntax"
	RuleEncoding = "encoding"
	RuleSize     = "file-size"
	RuleShape    = "yaml-shape"
)

// Parse parses data as a single YAML document whose top level is a mapping.
// path names the file in diagnostics. On any problem it returns nil and the
// diagnostics; the tree it returns holds no aliases and no deeper nesting
// than MaxDepth.
func Parse(path string, data []byte) (*yaml.Node, diag.List) {
	var errs diag.List
	if len(data) > MaxFileSize {
		errs.Add(path, 1, 1, RuleSize, "file is %d bytes, larger than the limit of %d bytes", len(data), MaxFileSize)
		return nil, errs
	}
	if line, col, ok := invalidUTF8(data); ok {
		errs.Add(path, line, col, RuleEncoding, "invalid UTF-8: save the file as UTF-8 text")
		return nil, errs
	}
	if line, col, ok := tooDeep(data); ok {
		errs.Add(path, line, col, RuleShape, "values are nested more than %d levels deep", MaxDepth)
		return nil, errs
	}
	if len(bytes.TrimSpace(stripComments(data))) == 0 {
		errs.Add(path, 1, 1, RuleShape, "file is empty: expected a mapping of fields such as \"id: ...\"")
		return nil, errs
	}

	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		errs = append(errs, syntaxError(path, data, err))
		return nil, errs
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		errs.Add(path, next.Line, max(next.Column, 1), RuleShape, "file holds more than one YAML document: put one record in each file and remove the \"---\" separator")
		return nil, errs
	case !errors.Is(err, io.EOF):
		// A syntax error in a later document is still an error in this file.
		errs = append(errs, syntaxError(path, data, err))
		return nil, errs
	}

	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		errs.Add(path, root.Line, root.Column, RuleShape, "expected a mapping of fields such as \"id: ...\" at the top of the file, found %s", Describe(root))
		return nil, errs
	}
	walk(root, func(n *yaml.Node) {
		switch {
		case n.Kind == yaml.AliasNode:
			errs.Add(path, n.Line, n.Column, RuleShape, "aliases (*%s) are not allowed: write the value out", n.Value)
		case n.Anchor != "":
			errs.Add(path, n.Line, n.Column, RuleShape, "anchors (&%s) are not allowed: write each value out", n.Anchor)
		case n.Style&yaml.TaggedStyle != 0 && !isPlainTag(n.Tag):
			errs.Add(path, n.Line, n.Column, RuleShape, "YAML tags (%s) are not allowed", n.Tag)
		}
	})
	if len(errs) > 0 {
		return nil, errs
	}
	return root, nil
}

func isPlainTag(tag string) bool {
	switch tag {
	case "!!str", "!!int", "!!float", "!!bool", "!!null", "!!seq", "!!map":
		return true
	}
	return false
}

// walk visits every node below n. Aliases are visited but not followed.
func walk(n *yaml.Node, fn func(*yaml.Node)) {
	fn(n)
	if n.Kind == yaml.AliasNode {
		return
	}
	for _, c := range n.Content {
		walk(c, fn)
	}
}

// Describe names the kind of a node for messages: "a list", "a mapping",
// "the text \"x\"".
func Describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "an empty value"
		}
		v := n.Value
		if utf8.RuneCountInString(v) > 40 {
			v = string([]rune(v)[:40]) + "…"
		}
		return strconv.Quote(v)
	}
	return "nothing"
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError turns a yaml.v3 error into a diagnostic. yaml.v3 gives the line
// but not the column; the column is set to the first non-blank character of
// that line so the caret lands on something.
func syntaxError(path string, data []byte, err error) diag.Diagnostic {
	msg := err.Error()
	d := diag.Diagnostic{Path: path, Line: 1, Col: 1, Rule: RuleSyntax}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		d.Line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else if after, ok := bytes.CutPrefix([]byte(msg), []byte("yaml: ")); ok {
		msg = string(after)
	}
	d.Col = firstNonBlank(data, d.Line)
	d.Message = "YAML syntax: " + msg + syntaxHint(msg)
	return d
}

func syntaxHint(msg string) string {
	switch {
	case bytes.Contains([]byte(msg), []byte("found character that cannot start any token")):
		return " (a tab used for indentation? indent with spaces)"
	case bytes.Contains([]byte(msg), []byte("did not find expected key")):
		return " (check the indentation of this line and the one before)"
	case bytes.Contains([]byte(msg), []byte("found unexpected end of stream")):
		return " (an unclosed quote?)"
	}
	return ""
}

func firstNonBlank(data []byte, line int) int {
	for i := 1; len(data) > 0; i++ {
		end := bytes.IndexByte(data, '\n')
		cur := data
		if end >= 0 {
			cur, data = data[:end], data[end+1:]
		} else {
			data = nil
		}
		if i == line {
			return indentCols(cur) + 1
		}
	}
	return 1
}

func indentCols(line []byte) int {
	return utf8.RuneCount(line) - utf8.RuneCount(bytes.TrimLeft(line, " \t"))
}

// invalidUTF8 reports the position of the first byte that is not UTF-8.
func invalidUTF8(data []byte) (line, col int, bad bool) {
	if utf8.Valid(data) {
		return 0, 0, false
	}
	line, col = 1, 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size == 1 {
			return line, col, true
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		data = data[size:]
	}
	return line, col, true
}

// tooDeep finds flow or block nesting beyond MaxDepth without parsing, so a
// file of ten thousand "[" never reaches the recursive parts of yaml.v3. It
// counts flow brackets outside quotes and comments, and block nesting by
// indentation steps; it may over-count in odd files, which only costs a
// clear error.
func tooDeep(data []byte) (line, col int, deep bool) {
	depth := 0
	line, col = 1, 0
	var quote byte
	comment := false
	for _, c := range data {
		col++
		switch {
		case c == '\n':
			line, col, comment = line+1, 0, false
			if quote == '\'' || quote == '"' {
				continue // multi-line quoted scalar
			}
		case comment:
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '#':
			comment = true
		case c == '"' || c == '\'':
			quote = c
		case c == '[' || c == '{':
			depth++
			if depth > MaxDepth {
				return line, col, true
			}
		case c == ']' || c == '}':
			depth = max(depth-1, 0)
		}
	}
	return 0, 0, false
}

// stripComments removes full-line comments so that a file holding only
// comments counts as empty.
func stripComments(data []byte) []byte {
	var out []byte
	for line := range bytes.Lines(data) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			out = append(out, line...)
		}
	}
	return out
}

// Errorf is a shorthand for a diagnostic at a node.
func Errorf(path string, n *yaml.Node, rule, format string, args ...any) diag.Diagnostic {
	return diag.Diagnostic{Path: path, Line: n.Line, Col: n.Column, Rule: rule, Message: fmt.Sprintf(format, args...)}
}
