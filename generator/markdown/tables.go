package markdown

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
)

// Problem reports what would make Render refuse src, so that checking
// sources finds it before a build does: a table of too many cells (with
// the line of its delimiter row), or text that renders to far more HTML
// than it holds (line 0). The second needs a rendering, done only for text
// that defines a link reference ("[r]: ..."), the one way it can happen.
func Problem(src []byte) (line int, msg string) {
	if line, msg := TableProblem(src); line > 0 {
		return line, msg
	}
	if bytes.Contains(src, []byte("]:")) {
		if _, err := checker().Render(src, Options{}); errors.Is(err, errTooLarge) {
			return 0, errTooLarge.Error()
		}
	}
	return 0, ""
}

// checker renders for Problem.
var checker = sync.OnceValue(New)

// MaxTableCells is the most cells a table may have. goldmark gives every
// row of a table as many cells as it has columns, so its HTML grows as
// columns times rows: a header of 3,000 columns over 4,000 one-letter
// lines turns 20 KB of Markdown into 120 MB of HTML.
const MaxTableCells = 5000

// TableProblem finds the first table in src with more than MaxTableCells
// cells and returns its delimiter row's line (from 1) and what is wrong,
// or 0. It reads lines, not Markdown, and so may count lines as rows that
// goldmark would not (inside a code block, say): it errs on the side of
// refusing, and only tables far larger than any reader could use.
func TableProblem(src []byte) (line int, msg string) {
	if bytes.IndexByte(src, '|') < 0 {
		return 0, ""
	}
	lines := bytes.Split(src, []byte("\n"))
	for i := 1; i < len(lines); i++ {
		cols := delimiterCells(lines[i])
		if cols == 0 || len(bytes.TrimSpace(lines[i-1])) == 0 {
			continue
		}
		rows, j := 1, i+1 // the header, and the lines below
		for ; j < len(lines) && len(bytes.TrimSpace(lines[j])) > 0; j++ {
			rows++
		}
		if cols*rows > MaxTableCells {
			return i + 1, fmt.Sprintf("a table of %d columns and %d rows has %d cells, more than the limit of %d", cols, rows, cols*rows, MaxTableCells)
		}
		i = j // its rows are counted: a thousand delimiter-like rows are not a thousand tables
	}
	return 0, ""
}

// delimiterCells returns the number of columns a table's delimiter row
// ("| --- | :-: |") gives, or 0 for a line that is not one.
func delimiterCells(l []byte) int {
	l = bytes.TrimSpace(l)
	if bytes.IndexByte(l, '|') < 0 || bytes.IndexByte(l, '-') < 0 {
		return 0
	}
	cells, inCell := 0, false
	for _, c := range l {
		switch c {
		case '-', ':':
			if !inCell {
				cells, inCell = cells+1, true
			}
		case '|':
			inCell = false
		case ' ', '\t':
		default:
			return 0
		}
	}
	return cells
}
