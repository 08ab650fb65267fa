package yamlsrc

import (
	"bytes"
	"encoding/binary"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// A record's longest fields are literal block scalars ("description: |"),
// and yaml.v3 reads them a character at a time through its reader and
// scanner: on a typical record, over a third of its time. Their text needs
// no parsing, only its indentation taken off, so unmarshal lifts the text
// of such blocks out of the file before yaml.v3 sees it and puts it back
// into the tree. The next longest, the title and the summary, are
// double-quoted strings on one line, whose text needs none either when it
// holds no escape: a fifth of what was left. Only values written in the
// plainest way are lifted (see liftBlocks), and the tree must show each
// where it was found; anything else, and every file yaml.v3 finds fault
// with, is parsed as it is, so that errors and trees are yaml.v3's own.
// FuzzLift holds the two ways to the same result.

// lifted is the text of a scalar taken out of a file.
type lifted struct {
	line   int    // of the "key: |" or `key: "` line, from 1
	key    string // the key, a plain top-level one
	value  string // the scalar's value, as yaml.v3 would read it
	quoted bool   // a double-quoted string, else a literal block
}

// unmarshal parses one YAML document as yaml.Unmarshal does: line by line
// when the file is written in the plain reader's part of YAML, or else
// with plainly written block scalars lifted out of yaml.v3's way. p must
// be new or recycled. data must hold none of the characters controlChar
// finds.
func (p *plainReader) unmarshal(data []byte, doc *yaml.Node) error {
	if p.read(data, doc) {
		return nil
	}
	if src, blocks := liftBlocks(data); blocks != nil {
		if yaml.Unmarshal(src, doc) == nil && putBack(doc, blocks) {
			return nil
		}
		*doc = yaml.Node{}
	}
	return yaml.Unmarshal(data, doc)
}

// liftBlocks returns a copy of data in which the lines of every plainly
// written top-level literal block scalar are emptied, and the text of
// every plainly written top-level double-quoted string taken out from
// between its quotes, and the values of those; nil when there is none.
// Lines and columns of everything else are unchanged. A string is lifted
// when its line is exactly `key: "text"`, the key as below, the text not
// empty, with no quote or backslash, and only characters YAML allows in a
// file, none of which it reads as a line break: yaml.v3 reads such a
// string as its text, whatever comes before it. A block is lifted when:
//   - its header line is exactly "key: |" or "key: |-", the key in lowercase
//     letters, digits and underscores at the start of the line;
//   - its lines are empty or indented by spaces at least as far as its first
//     non-empty line, with no tab right after the spaces and no line of
//     spaces only;
//   - its text holds only characters YAML allows in a file, none of which
//     it reads as a line break;
//   - it ends at a line that starts with a lowercase letter or an
//     underscore (a key, or an error yaml.v3 reports), or at the end of a
//     file that ends with a line break. Not at a comment: yaml.v3 counts
//     the line breaks before a comment to decide what it belongs to, and
//     the emptied lines would count differently.
//
// Files with a carriage return, or a byte order mark at the start, are
// left whole. data must hold none of the characters controlChar finds,
// which Parse refuses first: U+0085, U+2028 and U+2029 end lines in YAML,
// so lines here would not be yaml.v3's, and plainText does not look for
// the ASCII controls yaml.v3 refuses.
func liftBlocks(data []byte) ([]byte, []lifted) {
	// YAML ends lines at a carriage return too, and reads what follows a
	// byte order mark at the start differently.
	if bytes.IndexByte(data, '\r') >= 0 || bytes.HasPrefix(data, bom) {
		return nil, nil
	}
	var (
		out    []byte
		blocks []lifted
		copied int // data[:copied] is in out
	)
	lines := lineStarts(data)
	for i := 0; i < len(lines); i++ {
		line := lineOf(data, lines, i)
		if key, value, ok := quotedLine(line); ok {
			if out == nil {
				out = make([]byte, 0, len(data))
			}
			out = append(out, data[copied:lines[i]+len(key)+3]...)
			out = append(out, '"')
			copied = lines[i] + len(line)
			blocks = append(blocks, lifted{line: i + 1, key: key, value: value, quoted: true})
			continue
		}
		key, clip, ok := blockHeader(line)
		if !ok {
			continue
		}
		end, value, ok := blockText(data, lines, i+1, clip)
		if !ok {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(data))
		}
		// Keep the header and its line break; keep one line break for
		// each line of the block.
		from := lines[i+1]
		out = append(out, data[copied:from]...)
		for range end - (i + 1) {
			out = append(out, '\n')
		}
		copied = len(data)
		if end < len(lines) {
			copied = lines[end]
		}
		blocks = append(blocks, lifted{line: i + 1, key: key, value: value})
		i = end - 1
	}
	if blocks == nil {
		return nil, nil
	}
	return append(out, data[copied:]...), blocks
}

// lineStarts returns the offset of the start of every line of data.
func lineStarts(data []byte) []int {
	starts := make([]int, 0, bytes.Count(data, []byte{'\n'})+1)
	for off := 0; off < len(data); {
		starts = append(starts, off)
		nl := bytes.IndexByte(data[off:], '\n')
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	return starts
}

// lineOf returns line i (from 0) without its line break.
func lineOf(data []byte, starts []int, i int) []byte {
	if i+1 < len(starts) {
		return data[starts[i] : starts[i+1]-1]
	}
	return bytes.TrimSuffix(data[starts[i]:], []byte{'\n'})
}

// quotedLine reports whether line is `key: "text"` with text that
// yaml.v3 reads as it is, and returns the key and the text.
func quotedLine(line []byte) (key, text string, ok bool) {
	colon := keyEnd(line)
	if colon < 0 {
		return "", "", false
	}
	rest := line[colon+1:]
	if len(rest) < 4 || rest[0] != ' ' || rest[1] != '"' || rest[len(rest)-1] != '"' {
		return "", "", false
	}
	t := rest[2 : len(rest)-1]
	if bytes.IndexByte(t, '"') >= 0 || bytes.IndexByte(t, '\\') >= 0 || !plainText(t) {
		return "", "", false
	}
	return string(line[:colon]), string(t), true
}

// keyEnd returns the index of the colon after a plain key at the start of
// line (lowercase letters, digits and underscores), or -1.
func keyEnd(line []byte) int {
	colon := bytes.IndexByte(line, ':')
	if colon < 1 || !isKeyStart(line[0]) {
		return -1
	}
	for _, c := range line[1:colon] {
		if !isKeyStart(c) && (c < '0' || c > '9') {
			return -1
		}
	}
	return colon
}

// blockHeader reports whether line is "key: |" (clip) or "key: |-".
func blockHeader(line []byte) (key string, clip, ok bool) {
	colon := keyEnd(line)
	if colon < 0 {
		return "", false, false
	}
	switch string(line[colon:]) {
	case ": |":
		return string(line[:colon]), true, true
	case ": |-":
		return string(line[:colon]), false, true
	}
	return "", false, false
}

func isKeyStart(c byte) bool { return c >= 'a' && c <= 'z' || c == '_' }

// blockText reads the lines of a block scalar from line first (from 0) and
// returns the line that ends it and its value, or false when the block is
// not plainly written.
func blockText(data []byte, starts []int, first int, clip bool) (end int, value string, ok bool) {
	indent, last := 0, -1 // indentation, last non-empty line
	for end = first; end < len(starts); end++ {
		line := lineOf(data, starts, end)
		if len(line) == 0 {
			continue
		}
		spaces := 0
		for spaces < len(line) && line[spaces] == ' ' {
			spaces++
		}
		switch {
		case spaces == len(line):
			return 0, "", false // spaces only: how they count depends on where
		case spaces == 0:
			if !isKeyStart(line[0]) {
				return 0, "", false
			}
		case indent == 0:
			indent = spaces
		case spaces < indent:
			return 0, "", false // yaml.v3 would refuse it or end the block
		}
		if spaces == 0 {
			break
		}
		if line[spaces] == '\t' || !plainText(line[indent:]) {
			return 0, "", false
		}
		last = end
	}
	if last < 0 || end == len(starts) && data[len(data)-1] != '\n' {
		return 0, "", false
	}
	var b strings.Builder
	for i := first; i <= last; i++ {
		if line := lineOf(data, starts, i); len(line) > 0 {
			b.Write(line[indent:])
		}
		if i < last || clip {
			b.WriteByte('\n')
		}
	}
	return end, b.String(), true
}

// plainText reports whether yaml.v3 reads text as it is. Of the
// characters its reader refuses or reads as a line break, those outside
// controlChar's are all beyond ASCII: C1 controls, U+FFFE and U+FFFF. A
// byte order mark, which yaml.v3 skips in places, is refused too, to be
// safe. Text is mostly ASCII, skipped eight bytes at a time.
func plainText(text []byte) bool {
	for i := 0; i < len(text); {
		if i+8 <= len(text) && binary.LittleEndian.Uint64(text[i:])&0x8080808080808080 == 0 {
			i += 8
			continue
		}
		if text[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(text[i:])
		switch {
		case r == utf8.RuneError && size == 1, r < 0xa0, r == 0x2028, r == 0x2029, r == 0xfeff, r == 0xfffe, r == 0xffff:
			return false
		}
		i += size
	}
	return true
}

// putBack sets the lifted values into the tree parsed without them, and
// reports whether each was found where it was lifted from: the value of
// its key in the top-level mapping, an empty literal or double-quoted
// scalar after the key on the same line.
func putBack(doc *yaml.Node, blocks []lifted) bool {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return false
	}
	m, b := doc.Content[0], 0
	for i := 0; i+1 < len(m.Content) && b < len(blocks); i += 2 {
		k, v, want := m.Content[i], m.Content[i+1], blocks[b]
		if k.Line < want.line {
			continue
		}
		style := yaml.LiteralStyle
		if want.quoted {
			style = yaml.DoubleQuotedStyle
		}
		if k.Line > want.line || k.Column != 1 || k.Kind != yaml.ScalarNode || k.Style != 0 || k.Value != want.key ||
			v.Kind != yaml.ScalarNode || v.Style != style || v.Tag != "!!str" || v.Value != "" ||
			v.Line != want.line || v.Column != len(want.key)+3 {
			return false
		}
		v.Value = want.value
		b++
	}
	return b == len(blocks)
}
