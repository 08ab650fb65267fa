package diag

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Formats accepted by Write.
const (
	FormatText   = "text"
	FormatGitHub = "github"
	FormatJSON   = "json"
)

// SourceFunc returns the contents of a source file by its relative path, or
// nil when it cannot be read. Text output uses it to quote the offending line.
type SourceFunc func(path string) []byte

// Write prints the list in the named format. For text, each diagnostic is
// followed by its source line and a caret under the column, when src can
// supply the line.
func Write(w io.Writer, l List, format string, src SourceFunc) error {
	switch format {
	case FormatJSON:
		if l == nil {
			l = List{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(l)
	case FormatGitHub:
		for _, d := range l {
			if _, err := fmt.Fprintf(w, "::error file=%s,line=%d,col=%d,title=%s::%s\n",
				visible(ghProperty(d.Path)), max(d.Line, 1), max(d.Col, 1), ghProperty(d.Rule), visible(ghData(d.Message))); err != nil {
				return err
			}
		}
		return nil
	case FormatText, "":
		for _, d := range l {
			if _, err := fmt.Fprintln(w, d.Error()); err != nil {
				return err
			}
			if src == nil || d.Line < 1 {
				continue
			}
			line, ok := sourceLine(src(d.Path), d.Line)
			switch {
			case !ok:
			case d.Col < 1: // the line is known, the column is not
				fmt.Fprintf(w, "    %s\n", line)
			default:
				fmt.Fprintf(w, "    %s\n    %s^\n", line, caretPad(line, d.Col))
			}
		}
		return nil
	}
	return fmt.Errorf("unknown format %q (want text, github or json)", format)
}

// sourceLine returns line n (1-based) of data with tabs kept, or false when
// there is no such line or it is not printable text.
func sourceLine(data []byte, n int) (string, bool) {
	for i := 1; len(data) > 0; i++ {
		end := bytes.IndexByte(data, '\n')
		var line []byte
		if end < 0 {
			line, data = data, nil
		} else {
			line, data = data[:end], data[end+1:]
		}
		if i == n {
			line = bytes.TrimRight(line, "\r")
			if !utf8.Valid(line) || len(line) > 400 {
				return "", false
			}
			// Never print control characters to a terminal or a CI log.
			for _, r := range string(line) {
				if r < 0x20 && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0 || r == 0x2028 || r == 0x2029 {
					return "", false
				}
			}
			return string(line), true
		}
	}
	return "", false
}

// caretPad returns the white space that puts a caret under column col,
// counted in characters as yaml.v3 counts them, keeping tabs so the caret
// lines up with the quoted line.
func caretPad(line string, col int) string {
	var b strings.Builder
	n := 1
	for _, r := range line {
		if n >= col {
			break
		}
		switch {
		case r == '\t':
			b.WriteByte('\t')
		case wide(r):
			b.WriteString("  ") // takes two columns in a terminal
		default:
			b.WriteByte(' ')
		}
		n++
	}
	return b.String()
}

// ghData and ghProperty escape text for GitHub Actions workflow commands.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// wide reports whether a terminal shows r in two columns (East Asian wide
// and full-width characters, and most emoji).
func wide(r rune) bool {
	switch {
	case r >= 0x1100 && r <= 0x115f, r >= 0x2e80 && r <= 0x303e, r >= 0x3041 && r <= 0x33ff,
		r >= 0x3400 && r <= 0x4dbf, r >= 0x4e00 && r <= 0x9fff, r >= 0xa000 && r <= 0xa4cf,
		r >= 0xac00 && r <= 0xd7a3, r >= 0xf900 && r <= 0xfaff, r >= 0xfe30 && r <= 0xfe4f,
		r >= 0xff00 && r <= 0xff60, r >= 0xffe0 && r <= 0xffe6, r >= 0x1f300 && r <= 0x1f64f,
		r >= 0x1f900 && r <= 0x1f9ff, r >= 0x20000 && r <= 0x3fffd:
		return true
	}
	return false
}
