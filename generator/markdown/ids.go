package markdown

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
)

// ids makes heading ids that are unique within one text, and apart from
// the ids the page template reserves, and that hold only ASCII letters, digits and
// hyphens so they are safe in URLs and CSS selectors.
type ids struct {
	used     map[string]bool
	reserved []string // looked through, not copied: a theme reserves a hundred or more, a text has a few headings
	prefixes []string // reserved starts
	prefix   string   // of every id
}

func newIDs(opt Options) *ids {
	return &ids{used: map[string]bool{}, reserved: opt.ReservedIDs, prefixes: opt.ReservedPrefixes, prefix: opt.IDPrefix}
}

func (s *ids) taken(id string) bool { return s.used[id] || slices.Contains(s.reserved, id) }

func (s *ids) Generate(value []byte, _ ast.NodeKind) []byte {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(string(value)) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	base := strings.TrimRight(b.String(), "-")
	if base == "" || base[0] >= '0' && base[0] <= '9' {
		base = strings.TrimRight("section-"+base, "-")
	}
	// A text with a prefix of its own keeps to it; one without keeps off
	// the prefixes reserved for the page's and other texts' ids.
	if s.prefix != "" {
		base = s.prefix + base
	} else if slices.ContainsFunc(s.prefixes, func(p string) bool { return strings.HasPrefix(base, p) }) {
		base = "section-" + base
	}
	id := base
	for i := 1; s.taken(id); i++ {
		id = base + "-" + strconv.Itoa(i)
	}
	s.used[id] = true
	return []byte(id)
}

func (s *ids) Put(value []byte) { s.used[string(value)] = true }
