package yamlsrc

import (
	"bytes"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Records are written in a small part of YAML: keys of letters and
// underscores, values that are plain words, quoted text on one line, text
// blocks, lists in brackets, nested mappings and lists of mappings, all
// indented with spaces, and comment lines. yaml.v3 reads even these a
// character at a time through its reader, scanner and parser, which is
// most of the time a catalogue takes to load. A plainReader builds
// yaml.v3's tree for a file written only in that part, line by line, but
// for the comment lines, which it leaves out (see skip). At the first
// thing it does not know for certain how yaml.v3 reads (a comment after a
// value, an escape, a value going on to the next line, a number that is
// not plainly one, ...) it gives up, and unmarshal goes on as before; so
// errors are always yaml.v3's. TestPlainMatchesYAML, TestLiftMatchesYAML
// and FuzzLift hold the two ways to the same tree, node for node.

// maxPlainDepth bounds the nesting the reader follows: records nest two or
// three levels, and deeper files are left to yaml.v3 and Parse's checks.
const maxPlainDepth = 8

type plainReader struct {
	lines []string // of the file, without their line breaks
	i     int      // the line being read
	depth int
	// Nodes are taken from slabs, in order: a few allocations for a tree,
	// and none for the trees of a reader that ParseFunc recycles.
	slabs [][]yaml.Node
	slab  int // the slab nodes are taken from
	used  int // its nodes taken
	// arrays holds, by node, the array of the Content the node had as a
	// mapping or list, for when it is one again.
	arrays [][]*yaml.Node
	// text holds the values of all nodes, one after another, in one
	// allocation. A record keeps some of them: parts of the file would
	// keep all of it, keys and indentation too, and a string of its own
	// for each value would take an allocation each.
	text strings.Builder
}

// read sets doc to the tree yaml.Unmarshal makes of data, without head
// and foot comments, and reports whether it could. p must be new or
// recycled. data must hold none of the characters controlChar finds, and
// no second document.
func (p *plainReader) read(data []byte, doc *yaml.Node) bool {
	// Tabs and carriage returns are white space in some places and text in
	// others. Without a line break at the end, the last line of a text
	// block keeps none.
	if !bytes.HasSuffix(data, []byte("\n")) || bytes.IndexByte(data, '\t') >= 0 || bytes.IndexByte(data, '\r') >= 0 || !plainText(data) {
		return false
	}
	p.lines = p.lines[:0]
	size := len(data) // of the values, at most
	for src := string(data[:len(data)-1]); ; {
		line, rest, more := strings.Cut(src, "\n")
		p.lines = append(p.lines, line)
		if strings.HasPrefix(line, "#") {
			// A comment, which a record made from the template is mostly
			// made of: a text block's lines are indented. Too small a
			// guess would cost more than the file, as the text then
			// grows to twice its size and both are kept.
			size -= len(line)
		}
		if !more {
			break
		}
		src = rest
	}
	p.text.Grow(size)
	p.skip()
	if p.i == len(p.lines) {
		return false
	}
	root, ok := p.mapping(0)
	if !ok || p.i < len(p.lines) {
		return false
	}
	*doc = yaml.Node{Kind: yaml.DocumentNode, Line: root.Line, Column: 1, Content: []*yaml.Node{root}}
	return true
}

// keep returns s, from text.
func (p *plainReader) keep(s string) string {
	start := p.text.Len()
	p.text.WriteString(s)
	return p.text.String()[start:]
}

// recycle readies p for another file, whose tree takes the nodes of the
// last one. The strings of the last tree are left to it.
func (p *plainReader) recycle() {
	for k := range p.slab*slabSize + p.used {
		if c := p.slabs[k/slabSize][k%slabSize].Content; cap(c) > 0 {
			p.arrays[k] = c[:0]
		}
	}
	p.i, p.depth, p.slab, p.used = 0, 0, 0, 0
	p.text = strings.Builder{}
}

const slabSize = 32

// node takes the next node. Every field is set, or was never set on any.
func (p *plainReader) node(kind yaml.Kind, style yaml.Style, tag, value string, line, col int) *yaml.Node {
	if p.used == slabSize {
		p.slab, p.used = p.slab+1, 0
	}
	if p.slab == len(p.slabs) {
		p.slabs = append(p.slabs, make([]yaml.Node, slabSize))
		p.arrays = append(p.arrays, make([][]*yaml.Node, slabSize)...)
	}
	k := p.slab*slabSize + p.used
	n := &p.slabs[p.slab][p.used]
	p.used++
	n.Kind, n.Style, n.Tag, n.Value, n.Line, n.Column = kind, style, tag, value, line, col
	n.Content = nil
	if kind != yaml.ScalarNode {
		n.Content = p.arrays[k] // nil, or emptied: children follow
	}
	return n
}

// skip moves to the next line that is neither blank nor a comment.
// Comment lines are left out of the tree: yaml.v3 makes them the head or
// foot comment of a node by rules not worth copying, and nothing reads
// those. A comment after a value, which a record's checks read, ends the
// short way where the value is read.
func (p *plainReader) skip() {
	for ; p.i < len(p.lines); p.i++ {
		l := p.lines[p.i]
		if n := indent(l); n < len(l) && l[n] != '#' {
			return
		}
	}
}

// more reports whether a line follows, and its indentation.
func (p *plainReader) more() (int, bool) {
	if p.i >= len(p.lines) {
		return 0, false
	}
	return indent(p.lines[p.i]), true
}

// mapping reads a block mapping whose keys start at byte n of their lines
// (on the first line, n may follow a list's dash).
func (p *plainReader) mapping(n int) (*yaml.Node, bool) {
	if p.depth++; p.depth > maxPlainDepth {
		return nil, false
	}
	defer func() { p.depth-- }()
	var m *yaml.Node
	for {
		line := p.lines[p.i]
		end, ok := keyAt(line, n)
		if !ok {
			return nil, false
		}
		key := p.node(yaml.ScalarNode, 0, "!!str", p.keep(line[n:end]), p.i+1, n+1)
		if m == nil {
			m = p.node(yaml.MappingNode, 0, "!!map", "", p.i+1, n+1)
		}
		v, ok := p.value(n, line, end, true)
		if !ok {
			return nil, false
		}
		m.Content = append(m.Content, key, v)
		ind, more := p.more()
		if !more || ind < n {
			return m, true
		}
		if ind > n {
			return nil, false
		}
	}
}

// sequence reads a block list whose dashes are at byte m of their lines.
func (p *plainReader) sequence(m int) (*yaml.Node, bool) {
	if p.depth++; p.depth > maxPlainDepth {
		return nil, false
	}
	defer func() { p.depth-- }()
	seq := p.node(yaml.SequenceNode, 0, "!!seq", "", p.i+1, m+1)
	for {
		line := p.lines[p.i]
		o := m + 1
		for o < len(line) && line[o] == ' ' {
			o++
		}
		if o == len(line) || line[o] == '-' {
			return nil, false // an entry on the lines below, or a list in a list
		}
		var item *yaml.Node
		var ok bool
		if _, isKey := keyAt(line, o); isKey {
			item, ok = p.mapping(o)
		} else {
			item, ok = p.value(m, line, m, false)
		}
		if !ok {
			return nil, false
		}
		seq.Content = append(seq.Content, item)
		if ind, more := p.more(); !more || ind != m || !isDash(p.lines[p.i], m) {
			// The mapping the list is the value of goes on, or ends; a
			// deeper line is its error.
			return seq, true
		}
	}
}

// value reads the value after the indicator at line[c] (a key's colon or
// a list's dash), and moves past it. A value on the lines below must be
// indented deeper than parent, but for a list under a key, which may
// start at the key's own indentation.
func (p *plainReader) value(parent int, line string, c int, afterKey bool) (*yaml.Node, bool) {
	lineNo := p.i + 1
	o := c + 1
	for o < len(line) && line[o] == ' ' {
		o++
	}
	if o == len(line) {
		p.i++
		p.skip()
		if ind, more := p.more(); more && ind >= parent {
			next := p.lines[p.i]
			switch {
			case isDash(next, ind) && (ind > parent || afterKey):
				return p.sequence(ind)
			case ind > parent:
				return p.mapping(ind)
			}
		}
		// yaml.v3 places an empty value right after the colon.
		return p.node(yaml.ScalarNode, 0, "!!null", "", lineNo, c+2), true
	}
	var v *yaml.Node
	switch line[o] {
	case '|', '>':
		return p.block(parent, line, o)
	case '[':
		v = p.flow(line, o)
	default:
		var end int
		v, end = p.scalar(line, o, column(line, o), false)
		if v != nil && strings.TrimLeft(line[end:], " ") != "" {
			v = nil
		}
	}
	if v == nil {
		return nil, false
	}
	p.i++
	p.skip()
	// A deeper line would continue a plain value, or be an error.
	if ind, more := p.more(); more && ind > parent {
		return nil, false
	}
	return v, true
}

// scalar reads the quoted or plain scalar at line[o], in column col: one
// line of it, and in a list in brackets only up to a comma or the closing
// bracket. It returns the end of the scalar, or nil when the scalar is
// not one read here.
func (p *plainReader) scalar(line string, o, col int, inFlow bool) (*yaml.Node, int) {
	lineNo := p.i + 1
	switch line[o] {
	case '"':
		n := strings.IndexByte(line[o+1:], '"')
		if n < 0 || strings.IndexByte(line[o+1:o+1+n], '\\') >= 0 {
			return nil, 0
		}
		return p.node(yaml.ScalarNode, yaml.DoubleQuotedStyle, "!!str", p.keep(line[o+1:o+1+n]), lineNo, col), o + n + 2
	case '\'':
		b, start := &p.text, p.text.Len()
		for i := o + 1; i < len(line); i++ {
			if line[i] != '\'' {
				b.WriteByte(line[i])
				continue
			}
			if i+1 < len(line) && line[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			return p.node(yaml.ScalarNode, yaml.SingleQuotedStyle, "!!str", b.String()[start:], lineNo, col), i + 1
		}
		return nil, 0
	}
	var text string
	end := o
	if inFlow {
		for end < len(line) && flowWord(line[end]) {
			end++
		}
		text = line[o:end]
	} else {
		text = strings.TrimRight(line[o:], " ")
		end = o + len(text)
		// ": " would make a mapping, " #" a comment; a colon at the end
		// is a key.
		if strings.Contains(text, ": ") || strings.Contains(text, " #") || strings.HasSuffix(text, ":") {
			return nil, 0
		}
	}
	tag, ok := plainTag(text)
	if !ok {
		return nil, 0
	}
	return p.node(yaml.ScalarNode, 0, tag, p.keep(text), lineNo, col), end
}

// flowWord reports whether c may be part of a plain scalar in a list in
// brackets as read here: codes and numbers, nothing YAML gives a meaning.
func flowWord(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.'
}

// flow reads a list in brackets that closes on its line.
func (p *plainReader) flow(line string, o int) *yaml.Node {
	col := column(line, o)
	seq := p.node(yaml.SequenceNode, yaml.FlowStyle, "!!seq", "", p.i+1, col)
	spaces := func(i int) int {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		return i
	}
	i := spaces(o + 1)
	// Columns are counted on from the last item's, not from the start of
	// the line, which would take time quadratic in the length of a list.
	last := o
	if i < len(line) && line[i] == ']' {
		i++
	} else {
		for {
			if i == len(line) {
				return nil
			}
			col += utf8.RuneCountInString(line[last:i])
			last = i
			item, end := p.scalar(line, i, col, true)
			if item == nil {
				return nil
			}
			seq.Content = append(seq.Content, item)
			i = spaces(end)
			if i == len(line) {
				return nil
			}
			if line[i] == ']' {
				i++
				break
			}
			if line[i] != ',' {
				return nil
			}
			// A comma before the bracket, or before nothing, is left to
			// yaml.v3.
			if i = spaces(i + 1); i == len(line) || line[i] == ']' || line[i] == ',' {
				return nil
			}
		}
	}
	if strings.TrimLeft(line[i:], " ") != "" {
		return nil
	}
	if len(seq.Content) == 0 {
		seq.Content = nil // as yaml.v3 leaves "[]"
	}
	return seq
}

// block reads a literal or folded block scalar whose indicator is at
// line[o], written plainly: "|", "|-", ">" or ">-" alone after the key,
// its text starting on the next line, no line of spaces only; folded
// text, all at one indentation, with no blank line first.
func (p *plainReader) block(parent int, line string, o int) (*yaml.Node, bool) {
	header := line[o:]
	if header != "|" && header != "|-" && header != ">" && header != ">-" {
		return nil, false
	}
	folded := header[0] == '>'
	lineNo, col := p.i+1, column(line, o)
	start := p.i + 1
	first := start
	for first < len(p.lines) && p.lines[first] == "" {
		first++
	}
	if first == len(p.lines) || folded && first > start {
		return nil, false
	}
	m := indent(p.lines[first])
	if m <= parent || m == len(p.lines[first]) {
		return nil, false
	}
	last, end := first, first
	for ; end < len(p.lines); end++ {
		l := p.lines[end]
		if l == "" {
			continue
		}
		ind := indent(l)
		if ind == len(l) {
			return nil, false
		}
		if ind < m {
			break
		}
		if folded && ind > m {
			return nil, false // more indented lines keep their line breaks
		}
		last = end
	}
	b, from := &p.text, p.text.Len()
	for k := start; k <= last; k++ {
		l := p.lines[k]
		switch {
		case k == start:
		case !folded:
			b.WriteByte('\n')
		case l == "":
			b.WriteByte('\n')
			continue
		case p.lines[k-1] != "":
			b.WriteByte(' ')
		}
		if l != "" {
			b.WriteString(l[m:])
		}
	}
	if len(header) == 1 {
		b.WriteByte('\n')
	}
	style := yaml.LiteralStyle
	if folded {
		style = yaml.FoldedStyle
	}
	v := p.node(yaml.ScalarNode, style, "!!str", b.String()[from:], lineNo, col)
	p.i = end
	p.skip()
	if ind, more := p.more(); more && ind > parent {
		return nil, false
	}
	return v, true
}

// plainTag is the tag yaml.v3 resolves a plain scalar to, for the plain
// scalars records hold: words, whole numbers, decimals and dates. It
// reports false for anything else.
func plainTag(s string) (string, bool) {
	switch s {
	case "~", "null", "Null", "NULL":
		return "!!null", true
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return "!!bool", true
	}
	if s == "" {
		return "", false
	}
	c := s[0]
	switch {
	case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '(' || c == '/' || c >= utf8.RuneSelf:
		return "!!str", true
	case c < '0' || c > '9':
		return "", false
	case len(s) >= 5 && s[4] == '-' && isDigits(s[:4]):
		// yaml.v3 tries a date first, in four layouts; only the one
		// records use is read here.
		if _, err := time.Parse("2006-1-2", s); err == nil {
			return "!!timestamp", true
		}
		return "", false
	case strings.IndexFunc(s, notInNumber) >= 0:
		// Text that starts with a number ("642 staff were trained"): no
		// number yaml.v3 reads holds such a character.
		return "!!str", true
	}
	digits, dots := 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case '0' <= s[i] && s[i] <= '9':
			digits++
		case s[i] == '.' && i > 0 && i < len(s)-1:
			dots++
		default:
			return "", false
		}
	}
	switch {
	case dots == 1:
		return "!!float", true
	case dots > 0 || digits > 18 || s[0] == '0' && len(s) > 1:
		// Long numbers, and those with a leading zero (octal to yaml.v3,
		// or not), are left to it.
		return "", false
	}
	return "!!int", true
}

// notInNumber reports whether r cannot be part of a number, in any of the
// ways yaml.v3 reads one: decimal, hexadecimal, octal or binary integers,
// with underscores, and decimals with an exponent.
func notInNumber(r rune) bool {
	return !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F' || strings.ContainsRune("xXoO_.+-", r))
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// keyAt returns the end of the key that starts at line[o] and is followed
// by a colon and a space or the end of the line: letters, digits,
// underscores and hyphens, starting with a letter or underscore.
func keyAt(line string, o int) (int, bool) {
	i := o
	for i < len(line) && i-o < 100 {
		c := line[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || i > o && ('0' <= c && c <= '9' || c == '-')) {
			break
		}
		i++
	}
	if i == o || i == len(line) || line[i] != ':' || i+1 < len(line) && line[i+1] != ' ' {
		return 0, false
	}
	if tag, _ := plainTag(line[o:i]); tag != "!!str" {
		return 0, false // true:, null: ...
	}
	return i, true
}

func isDash(line string, m int) bool {
	return m < len(line) && line[m] == '-' && (m+1 == len(line) || line[m+1] == ' ')
}

func indent(line string) int {
	n := 0
	for n < len(line) && line[n] == ' ' {
		n++
	}
	return n
}

// column is the 1-based column of line[o], counted in characters as
// yaml.v3 counts.
func column(line string, o int) int {
	for i := 0; i < o; i++ {
		if line[i] >= utf8.RuneSelf {
			return utf8.RuneCountInString(line[:o]) + 1
		}
	}
	return o + 1
}
