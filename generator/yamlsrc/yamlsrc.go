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
	"slices"
	"strconv"
	"strings"
	"sync"
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
// than MaxDepth. Its nodes' head and foot comments may be empty (a file
// written plainly is read without them); line comments are always kept.
func Parse(path string, data []byte) (*yaml.Node, diag.List) {
	return parse(path, data, new(plainReader))
}

// readers are kept for ParseFunc: the nodes of a tree it has let go are
// those of the next.
var readers = sync.Pool{New: func() any { return new(plainReader) }}

// ParseFunc parses data as Parse does, and calls use with the tree when
// there is no problem. The tree is valid only until use returns: its
// nodes are then used for another file's. The strings in it may be kept.
// Reading a catalogue, a record's tree is garbage once the record is
// checked, and making its nodes was a tenth of the time the records take
// to load.
func ParseFunc(path string, data []byte, use func(root *yaml.Node)) diag.List {
	p := readers.Get().(*plainReader)
	defer func() {
		p.recycle()
		readers.Put(p)
	}()
	root, errs := parse(path, data, p)
	if root != nil {
		use(root)
	}
	return errs
}

func parse(path string, data []byte, p *plainReader) (*yaml.Node, diag.List) {
	var errs diag.List
	if len(data) > MaxFileSize {
		errs.Add(path, 1, 1, RuleSize, "file is %d bytes, larger than the limit of %d bytes", len(data), MaxFileSize)
		return nil, errs
	}
	if line, col, ok := invalidUTF8(data); ok {
		errs.Add(path, line, col, RuleEncoding, "invalid UTF-8: save the file as UTF-8 text")
		return nil, errs
	}
	if line, col, r, ok := controlChar(data); ok {
		what := "the control character %U is not allowed: remove it"
		if r == 0x85 || r == 0x2028 || r == 0x2029 {
			what = "the line separator character %U is not allowed: use an ordinary line break"
		}
		errs.Add(path, line, col, RuleEncoding, what, r)
		return nil, errs
	}
	if onlyComments(data) {
		errs.Add(path, 1, 1, RuleShape, "file is empty: expected a mapping of fields such as \"id: ...\"")
		return nil, errs
	}

	var doc yaml.Node
	if !mayHoldDocuments(data) {
		// One document for sure: parse the bytes as they are, without the
		// Decoder's reader and its copies.
		if err := p.unmarshal(data, &doc); err != nil {
			errs = append(errs, syntaxError(path, data, err))
			return nil, errs
		}
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(data))
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
	}

	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		errs.Add(path, 1, 1, RuleShape, "file is empty: expected a mapping of fields such as \"id: ...\"")
		return nil, errs
	}
	if root.Kind != yaml.MappingNode {
		errs.Add(path, root.Line, root.Column, RuleShape, "expected a mapping of fields such as \"id: ...\" at the top of the file, found %s", Describe(root))
		return nil, errs
	}
	walk(root, 0, func(n *yaml.Node, depth int) {
		switch {
		case depth > MaxDepth && (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode):
			errs.Add(path, n.Line, n.Column, RuleShape, "values are nested more than %d levels deep", MaxDepth)
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

// walk visits every node below n with its nesting depth (a mapping's keys
// and values are one level below it). Aliases are visited but not
// followed, and nothing below MaxDepth+1 is visited.
func walk(n *yaml.Node, depth int, fn func(*yaml.Node, int)) {
	fn(n, depth)
	if n.Kind == yaml.AliasNode || depth > MaxDepth {
		return
	}
	for _, c := range n.Content {
		walk(c, depth+1, fn)
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

// parserProblems are the messages of yaml.v3's parser (as opposed to its
// scanner). For these yaml.v3 prints a 0-based line, and the line of the
// enclosing block rather than of the problem (the off-by-one Hugo users
// know from front matter errors).
var parserProblems = []string{
	"did not find expected key",
	"did not find expected node content",
	"did not find expected '-' indicator",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected <document start>",
	"did not find expected <stream-start>",
	"found undefined tag handle",
	"found duplicate %TAG directive",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
}

// syntaxError turns a yaml.v3 error into a diagnostic at the line of the
// problem. yaml.v3 gives no column; the column is the first non-blank
// character of the line, so the caret lands on something.
func syntaxError(path string, data []byte, err error) diag.Diagnostic {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	switch {
	case strings.HasPrefix(msg, "exceeded max depth"):
		// yaml.v3's own guard against deep nesting names no line: find the
		// bracket that goes too deep.
		l, c := deepBracket(data)
		return diag.Diagnostic{Path: path, Line: l, Col: c, Rule: RuleShape,
			Message: fmt.Sprintf("values are nested more than %d levels deep", MaxDepth)}
	case strings.HasPrefix(msg, "unknown anchor"):
		// An alias to nothing: point at the alias.
		name := strings.TrimSuffix(strings.TrimPrefix(msg, "unknown anchor '"), "' referenced")
		if l, c, ok := find(data, "*"+name); ok {
			return diag.Diagnostic{Path: path, Line: l, Col: c, Rule: RuleShape,
				Message: fmt.Sprintf("aliases (*%s) are not allowed: write the value out", name)}
		}
	case strings.Contains(msg, "tab character"):
		// yaml.v3 names the line of the value before the tab: find the tab.
		if l, c, ok := tabIndent(data, max(line, 1)); ok {
			return diag.Diagnostic{Path: path, Line: l, Col: c, Rule: RuleSyntax,
				Message: "YAML syntax: " + msg + " (indent with spaces, not tabs)"}
		}
	case strings.Contains(msg, "',' or"):
		// An unclosed flow collection: yaml.v3 names (0-based) the line of
		// its opening bracket, which is where the fix goes.
		line++
	case slices.Contains(parserProblems, msg):
		line = problemLine(data, line+1, msg)
		if q, ok := unclosedQuote(data, line); ok {
			return diag.Diagnostic{Path: path, Line: q, Col: firstNonBlank(data, q), Rule: RuleSyntax,
				Message: "YAML syntax: the quoted value that starts on this line is not closed (add the closing quote, or remove the opening one)"}
		}
	}
	if n := bytes.Count(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) + 1; line > n {
		line = n // past the end: the last line
	}
	line = max(line, 1)
	if col, why, ok := plainValueProblem(lineAt(data, line), msg); ok {
		return diag.Diagnostic{Path: path, Line: line, Col: col, Rule: RuleSyntax, Message: "YAML syntax: " + why}
	}
	if l, col, why, ok := layoutProblem(data, line, msg); ok {
		return diag.Diagnostic{Path: path, Line: l, Col: col, Rule: RuleSyntax, Message: "YAML syntax: " + why}
	}
	hint := syntaxHint(msg)
	if strings.Contains(msg, "cannot start any token") && !bytes.Contains(lineAt(data, line), []byte("\t")) {
		hint = ""
	}
	return diag.Diagnostic{Path: path, Line: line, Col: firstNonBlank(data, line), Rule: RuleSyntax,
		Message: "YAML syntax: " + msg + hint}
}

// plainValueProblem explains the usual ways a value written without quotes
// breaks a line of YAML, which yaml.v3 reports in its own terms: a value
// that starts with @ or ` (reserved), one that holds ": ", and text after
// a closing quote. It returns the column of the trouble and what to do.
func plainValueProblem(text []byte, msg string) (col int, why string, ok bool) {
	m := keyValue.FindSubmatchIndex(text)
	if m == nil {
		return 0, "", false
	}
	start := m[2] // of the value
	value := text[start:]
	column := func(off int) int { return utf8.RuneCount(text[:off]) + 1 }
	quote := func(c byte) string {
		return fmt.Sprintf("a value cannot start with %q unless it is in quotes: put the whole value in double quotes", c)
	}
	switch {
	case strings.Contains(msg, "cannot start any token") && (value[0] == '@' || value[0] == '`' || value[0] == '%'):
		return column(start), quote(value[0]), true
	case strings.Contains(msg, "expected alphabetic or numeric character") && (value[0] == '*' || value[0] == '&'):
		return column(start), quote(value[0]), true
	case strings.Contains(msg, "did not find expected key") && (value[0] == '[' || value[0] == '{'):
		// "title: [Draft] Plan": a list, then text YAML cannot place.
		what := "a list"
		if value[0] == '{' {
			what = "a group of fields"
		}
		return column(start), fmt.Sprintf("a value starting with %q is read as %s: put the whole value in double quotes", value[0], what), true
	case strings.Contains(msg, "block sequence entries are not allowed") && bytes.HasPrefix(value, []byte("- ")):
		return column(start), `a value starting with "- " is read as a list item: put the whole value in double quotes, or start the list on the next line`, true
	case strings.Contains(msg, "expected comment or line break") && (value[0] == '|' || value[0] == '>'):
		// "summary: >- text": a text block's text starts on the next line.
		rest := bytes.TrimLeft(value[1:], "+-0123456789")
		off := start + len(value) - len(bytes.TrimLeft(rest, " "))
		return column(off), fmt.Sprintf("text after %q starts on the next line: move it there, indented, or put the whole value in double quotes without the %q", value[0], value[0]), true
	case strings.Contains(msg, "mapping values are not allowed"):
		if i := bytes.Index(value, []byte(": ")); i >= 0 && value[0] != '"' && value[0] != '\'' {
			return column(start + i), `a value holding ": " must be in quotes: put the whole value in double quotes`, true
		}
	case strings.Contains(msg, "did not find expected key") && (value[0] == '"' || value[0] == '\''):
		if end := closingQuote(value, 0); end > 0 {
			if rest := bytes.TrimSpace(value[end+1:]); len(rest) > 0 && rest[0] != '#' {
				return column(start + end + 1), "text follows the closing quote: put the whole value in quotes, or none of it", true
			}
		}
	}
	return 0, "", false
}

// layoutProblem explains the messages yaml.v3 gives for lines laid out
// wrongly: a colon without a space after it, a line that goes on from the
// text above without its indentation, a field or list item indented
// unlike its neighbours, a list item without a space after its "-", a
// list in brackets left open. It returns where the fix goes.
func layoutProblem(data []byte, line int, msg string) (l, col int, why string, ok bool) {
	text := lineAt(data, line)
	switch {
	case strings.Contains(msg, "could not find expected ':'"):
		if keyNoSpace.Match(text) {
			colon := bytes.IndexByte(text, ':')
			return line, utf8.RuneCount(text[:colon+1]) + 1, `put a space after the colon, as in "status: planning"`, true
		}
		if !bytes.Contains(text, []byte(":")) {
			return line, firstNonBlank(data, line), `this line is not a field ("name: value"): if it goes on from the text above, indent it as that text is; if it is the value of the field above, put it on the field's line, after ": "`, true
		}
	case strings.Contains(msg, "mapping values are not allowed"):
		if line > 1 {
			if above := lineAt(data, line-1); dashNoSpace.Match(above) {
				dash := bytes.IndexByte(above, '-')
				return line - 1, utf8.RuneCount(above[:dash]) + 2, `put a space after "-" to start a list item, as in "- date: 2024-01-31"`, true
			}
		}
		return line, firstNonBlank(data, line), "this line is indented unlike the fields around it: indent the fields of one block by the same number of spaces", true
	case strings.Contains(msg, "did not find expected '-' indicator"):
		return line, firstNonBlank(data, line), `this list item is indented unlike the items before it: start each "-" of a list in the same column`, true
	case strings.Contains(msg, "did not find expected ',' or ']'"), strings.Contains(msg, "did not find expected ',' or '}'"):
		what, opener, closer := "list", byte('['), byte(']')
		if strings.HasSuffix(msg, "'}'") {
			what, opener, closer = "group of fields", '{', '}'
		}
		if i := bytes.IndexByte(text, opener); i >= 0 {
			return line, utf8.RuneCount(text[:i]) + 1, fmt.Sprintf("the %s that opens with %q here is not closed: add %q after its last value", what, opener, closer), true
		}
	}
	return 0, 0, "", false
}

// keyNoSpace is a field whose colon has no space after it: "status:planning".
var keyNoSpace = regexp.MustCompile(`^\s*(?:- +)?[A-Za-z0-9_-]+:[^\s:/]`)

// dashNoSpace is a list item whose "-" has no space after it: "-date: ...".
var dashNoSpace = regexp.MustCompile(`^\s*-[A-Za-z0-9_]+:`)

// keyValue is a line "key: value" or "- key: value" with a value.
var keyValue = regexp.MustCompile(`^\s*(?:- +)?[A-Za-z0-9_-]+: +(\S)`)

// lineAt returns line n (from 1) of data, without its line end.
func lineAt(data []byte, n int) []byte {
	for i := 1; len(data) > 0; i++ {
		end := bytes.IndexByte(data, '\n')
		cur := data
		if end >= 0 {
			cur, data = data[:end], data[end+1:]
		} else {
			data = nil
		}
		if i == n {
			return bytes.TrimSuffix(cur, []byte("\r"))
		}
	}
	return nil
}

// problemLine finds the line where a parser error starts: the first line,
// from the enclosing block's line on, at which a prefix of the file fails
// the same way. A binary search keeps this to a few parses; the work is
// capped, and on giving up the best line found so far is kept.
func problemLine(data []byte, from int, msg string) int {
	var ends []int // ends[k-1] is the offset just past line k
	for i, c := range data {
		if c == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		ends = append(ends, len(data))
	}
	fails := func(k int) bool {
		var n yaml.Node
		err := yaml.Unmarshal(data[:ends[k-1]], &n)
		return err != nil && strings.HasSuffix(err.Error(), msg)
	}
	lo, hi := from, len(ends) // the answer is in [lo, hi]
	if lo > hi {
		return from
	}
	budget := 8 << 20
	for lo < hi && budget > 0 {
		mid := (lo + hi) / 2
		budget -= ends[mid-1]
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return hi
}

// unclosedQuote looks above line for a value that opens a quote and does
// not close it before that line: the usual cause of a parser error far
// below, since the quoted text runs on to the next quote in the file.
func unclosedQuote(data []byte, line int) (int, bool) {
	lines := bytes.SplitAfter(data, []byte("\n"))
	offset := 0
	for i := 0; i < len(lines) && i < line-1; i++ {
		l := lines[i]
		if m := quoteStart.FindSubmatchIndex(l); m != nil {
			open := offset + m[2]
			if closeAt := closingQuote(data, open); closeAt < 0 || bytes.Count(data[:closeAt], []byte("\n"))+1 >= line {
				return i + 1, true
			}
		}
		offset += len(l)
	}
	return 0, false
}

// quoteStart matches a line whose value starts with a quote: "key: \"..."
// or "- '...". Apostrophes inside plain text do not count.
var quoteStart = regexp.MustCompile(`^\s*(?:- +)?(?:[A-Za-z0-9_-]+: +)?(["'])`)

// closingQuote returns the offset of the quote that closes the one at open,
// or -1.
func closingQuote(data []byte, open int) int {
	q := data[open]
	for i := open + 1; i < len(data); i++ {
		switch {
		case q == '"' && data[i] == '\\':
			i++
		case data[i] == q && q == '\'' && i+1 < len(data) && data[i+1] == '\'':
			i++
		case data[i] == q:
			return i
		}
	}
	return -1
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
	return indentCols(lineAt(data, line)) + 1
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
	data = bytes.TrimPrefix(data, bom) // editors do not count it as a column
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

// tabIndent finds the first line from line on whose indentation holds a
// tab, and the column of that tab.
func tabIndent(data []byte, line int) (int, int, bool) {
	lines := bytes.Split(data, []byte("\n"))
	for i := line - 1; i >= 0 && i < len(lines); i++ {
		l := lines[i]
		indent := l[:len(l)-len(bytes.TrimLeft(l, " \t"))]
		if t := bytes.IndexByte(indent, '\t'); t >= 0 {
			return i + 1, t + 1, true
		}
	}
	return 0, 0, false
}

// deepBracket finds the flow bracket that opens nesting level MaxDepth+1,
// outside quotes and comments, or returns 1, 1.
func deepBracket(data []byte) (line, col int) {
	depth, line, col := 0, 1, 0
	var quote rune
	comment := false
	for _, c := range string(data) {
		col++
		switch {
		case c == '\n':
			line, col, comment = line+1, 0, false
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
			if depth++; depth > MaxDepth {
				return line, col
			}
		case c == ']' || c == '}':
			depth = max(depth-1, 0)
		}
	}
	return 1, 1
}

// find returns the position of the first occurrence of s.
func find(data []byte, s string) (line, col int, ok bool) {
	i := bytes.Index(data, []byte(s))
	if i < 0 {
		return 0, 0, false
	}
	line = bytes.Count(data[:i], []byte("\n")) + 1
	start := bytes.LastIndexByte(data[:i], '\n') + 1
	return line, utf8.RuneCount(data[start:i]) + 1, true
}

// controlChar finds the first control character YAML does not allow in a
// file (all but tab, line feed and carriage return), so it can be reported
// where it is rather than at the top of the file.
func controlChar(data []byte) (line, col int, r rune, found bool) {
	if !mayHoldControl(data) {
		return 0, 0, 0, false
	}
	line, col = 1, 1
	for _, c := range string(bytes.TrimPrefix(data, bom)) {
		switch {
		case c == '\n':
			line, col = line+1, 1
			continue
		case c < 0x20 && c != '\t' && c != '\r', c == 0x7f:
			return line, col, c, true
		case c == 0x85 || c == 0x2028 || c == 0x2029:
			// YAML reads these as line breaks and editors mostly do not,
			// so every position after one would be off by a line.
			return line, col, c, true
		}
		col++
	}
	return 0, 0, 0, false
}

var bom = []byte("\ufeff")

// mayHoldControl is a quick byte scan for what controlChar looks for, so
// that the usual file is not decoded rune by rune: a control byte, or the
// UTF-8 of U+0085 (C2 85) or of U+2028 and U+2029 (E2 80 A8, E2 80 A9).
// data is valid UTF-8, so those bytes start a character wherever found;
// curly quotes and dashes (E2 80 98 and so on) do not match. A table
// tells the bytes worth a second look, and printable ASCII is skipped
// eight bytes at a time: every record file is scanned whole.
func mayHoldControl(data []byte) bool {
	for i := 0; i < len(data); i++ {
		if i+8 <= len(data) && i%8 == 0 && PlainChunk(data[i:]) {
			i += 7
			continue
		}
		c := data[i]
		if !suspect[c] {
			continue
		}
		switch c {
		case 0xc2:
			if i+1 < len(data) && data[i+1] == 0x85 {
				return true
			}
		case 0xe2:
			if i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xa8 || data[i+2] == 0xa9) {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// PlainChunk reports whether the first eight bytes of s, which has at
// least eight, are all printable ASCII (0x20 to 0x7e): a scan for control
// characters, or for the first bytes of other characters, can skip them
// together. Read as one number, a byte below 0x20 makes its difference
// with 0x20 borrow, and one above 0x7e has its top bit set, or gets it by
// adding one.
func PlainChunk[S ~string | ~[]byte](s S) bool {
	_ = s[7]
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	return ((x-0x20*ones)&^x|(x+ones)|x)&highs == 0
}

// suspect marks the control bytes YAML does not allow and the first bytes
// of U+0085, U+2028 and U+2029.
var suspect = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = c != '\t' && c != '\n' && c != '\r'
	}
	t[0x7f], t[0xc2], t[0xe2] = true, true, true
	return t
}()

// mayHoldDocuments reports whether data has a line that starts with a
// document marker ("---" or "..."), without which a YAML stream holds one
// document at most.
func mayHoldDocuments(data []byte) bool {
	data = bytes.TrimPrefix(data, bom)
	for _, m := range []string{"---", "..."} {
		if bytes.HasPrefix(data, []byte(m)) || bytes.Contains(data, []byte("\n"+m)) || bytes.Contains(data, []byte("\r"+m)) {
			return true
		}
	}
	return false
}

// onlyComments reports whether every line is blank or a full-line
// comment, so that a file holding only comments counts as empty.
func onlyComments(data []byte) bool {
	// YAML ends lines at a carriage return too: a file saved with old Mac
	// line ends is one line to bytes.Lines. The first line that is not a
	// comment ends the scan, which is at the top of most files.
	for len(data) > 0 {
		end := bytes.IndexAny(data, "\r\n")
		if end < 0 {
			end = len(data)
		}
		if t := bytes.TrimSpace(data[:end]); len(t) > 0 && t[0] != '#' {
			return false
		}
		data = data[min(end+1, len(data)):]
	}
	return true
}

// Errorf is a shorthand for a diagnostic at a node.
func Errorf(path string, n *yaml.Node, rule, format string, args ...any) diag.Diagnostic {
	return diag.Diagnostic{Path: path, Line: n.Line, Col: n.Column, Rule: rule, Message: fmt.Sprintf(format, args...)}
}
