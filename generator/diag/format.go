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
				ghProperty(d.Path), max(d.Line, 1), max(d.Col, 1), ghProperty(d.Rule), ghData(d.Message)); err != nil {
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
			if line, ok := sourceLine(src(d.Path), d.Line); ok {
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
		if r == '\t' {
			b.WriteByte('\t')
		} else {
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
