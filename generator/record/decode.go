package record

import (
	"fmt"
	"hash/maphash"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"pledgesite/generator/diag"
	"pledgesite/generator/markdown"
	"pledgesite/generator/vocab"
	"pledgesite/generator/yamlsrc"
)

// Rule names, stable for the JSON output of `pledgesite check`.
const (
	RuleRequired      = "required"
	RuleType          = "type"
	RuleEnum          = "enum"
	RuleIDFormat      = "id-format"
	RuleIDFile        = "id-filename"
	RuleTooLong       = "too-long"
	RuleSyntaxComment = "comment"
	RulePlaceholder   = "placeholder"
	RuleDate          = "date"
	RuleCountry       = "country"
	RuleCurrency      = "currency"
	RuleAmount        = "amount"
	RuleFinancial     = "financial"
	RuleKindField     = "kind-field"
	RuleURL           = "url"
	RuleEmail         = "email"
	RuleSDGTarget     = "sdg-target"
	RuleRange         = "range"
	RuleDuplicate     = "duplicate-value"
	RuleMatches       = "matches"
	RulePartners      = "partners"
	RuleUpdate        = "update"
	RuleDuplicateID   = "duplicate-id"
	RuleUnknownRef    = "unknown-ref"
	RuleUnknownMeas   = "unknown-measure"
	RuleFile          = "file"
	RuleMultiline     = "multiline"
	RuleEmptyList     = "empty-list"
	RuleControlChars  = "control-character"
)

// Limits on text fields, in characters.
const (
	MaxIDLen          = 64
	MaxTitleLen       = 200
	MaxSummaryLen     = 600
	MaxNameLen        = 200
	MaxDescriptionLen = 20000
	MaxUpdateLen      = 2000
	MaxListLen        = 200
)

// IDPattern is the form of a record id, which is also its file name and
// its URL segment, so it can never hold a path separator or a dot.
var IDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidID reports whether id has the form of IDPattern. Every record's id
// and file name is checked: the loop takes 32 ns for an id of 26
// characters, the regexp 810 ns.
func ValidID(id string) bool {
	if id == "" || id[0] == '-' || id[len(id)-1] == '-' {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && id[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

var sdgPattern = regexp.MustCompile(`^([1-9][0-9]?)\.([1-9][0-9]?|[a-z])$`)

var commonFields = []string{
	"id", "kind", "title", "summary", "description",
	"entity", "partners", "pledge_type", "matches", "contributes_to", "measures",
	"forum", "date",
	"countries", "target_groups", "gcr_objectives", "sdg_targets", "gcm_objectives", "hlom_recommendations",
	"updates", "links", "contact",
}

var pledgeFields = []string{"status", "support", "financial"}

var multistakeholderFields = []string{"key_outcome", "leads", "supporters"}

// AllFields returns every field name a record may have, in the order the
// template and the schema list them.
func AllFields() []string { return slices.Clone(allFields) }

var allFields = slices.Concat(commonFields, pledgeFields, multistakeholderFields)

var entityFields = []string{"name", "type", "country"}

// Decode parses and checks one record file. path is the file's path relative
// to the source root; the id must equal the file's base name. The record is
// returned even when there are problems, as far as it could be read, so that
// cross-record checks can still run on it.
func Decode(path string, data []byte) (*Pledge, diag.List) {
	return decode(path, data, nil)
}

// sumSeed and sumSeed2 seed the two halves of Pledge.Sum. The caches that
// read it live in one process, so random seeds do no harm, and maphash
// reads a record of 3 KB in 0.7 µs, SHA-256 in 2.5 µs.
var sumSeed, sumSeed2 = maphash.MakeSeed(), maphash.MakeSeed()

// decode is Decode, adding the time spent parsing and checking to t when
// it is not nil.
func decode(path string, data []byte, t *Times) (*Pledge, diag.List) {
	start, parsed := time.Now(), time.Time{}
	var d *decoder
	// The tree is yamlsrc's again once the record is checked: the decoder
	// keeps no node of it, only strings and positions.
	errs := yamlsrc.ParseFunc(path, data, func(root *yaml.Node) {
		parsed = time.Now()
		d = &decoder{path: path, p: &Pledge{Path: path,
			Sum: [2]uint64{maphash.Bytes(sumSeed, data), maphash.Bytes(sumSeed2, data)}}}
		d.record(root, fileID(path))
	})
	if t != nil {
		if d == nil {
			parsed = time.Now()
		}
		t.Parse += parsed.Sub(start)
		t.Check += time.Since(parsed)
	}
	if d == nil {
		return nil, errs
	}
	return d.p, d.errs
}

func fileID(path string) string {
	base := path[strings.LastIndexByte(path, '/')+1:]
	return strings.TrimSuffix(base, ".yaml")
}

type decoder struct {
	path string
	p    *Pledge
	errs diag.List
	// hinted holds, per mapping, the field names "did you mean" suggested.
	hinted map[*yaml.Node]map[string]bool
}

// fields indexes a mapping's keys, remembering the names suggested for
// unknown keys.
func (d *decoder) fields(m *yaml.Node, known []string, prefix string) map[string]yamlsrc.Field {
	f, hinted := yamlsrc.FieldsHinted(d.path, m, known, prefix, &d.errs)
	if hinted != nil {
		if d.hinted == nil {
			d.hinted = map[*yaml.Node]map[string]bool{}
		}
		d.hinted[m] = hinted
	}
	return f
}

func (d *decoder) errorf(n *yaml.Node, rule, format string, args ...any) {
	if n == nil {
		n = &yaml.Node{Line: 1, Column: 1}
	}
	d.errs = append(d.errs, yamlsrc.Errorf(d.path, n, rule, format, args...))
}

func (d *decoder) record(root *yaml.Node, wantID string) {
	f := d.fields(root, allFields, "")
	p := d.p

	if n := d.required(root, f, "id"); n != nil {
		p.ID = d.text(n, "id", MaxIDLen)
		p.At.ID = Pos{n.Line, n.Column}
		switch {
		case utf8.RuneCountInString(p.ID) > MaxIDLen:
			// Reported by text; a second error about the same value helps no one.
		case !ValidID(p.ID):
			d.errorf(n, RuleIDFormat, "id %q is not a valid id: use lowercase letters, digits and single hyphens, such as \"ngo-safe-routes-2023\"", p.ID)
		case p.ID != wantID:
			d.errorf(n, RuleIDFile, "id %q does not match the file name %q: rename the file to %q or change the id", p.ID, wantID+".yaml", p.ID+".yaml")
		}
	}
	if n := d.required(root, f, "kind"); n != nil {
		p.Kind = d.enum(n, "kind", vocab.Kinds)
		if p.Kind == "" && strings.EqualFold(strings.TrimSpace(n.Value), "contribution") && n.Kind == yaml.ScalarNode {
			// What "pledgesite new contribution" makes, under the name
			// the site gives it: enum has just said the value is wrong.
			d.errs[len(d.errs)-1].Message += ": a contribution to a multistakeholder pledge is kind: pledge, with contributes_to naming that pledge"
		}
	}
	if n := d.required(root, f, "title"); n != nil {
		p.Title = d.line(n, "title", MaxTitleLen)
	}
	if n := d.required(root, f, "summary"); n != nil {
		p.Summary = d.text(n, "summary", MaxSummaryLen)
	}
	if n := d.optional(f, "description"); n != nil {
		p.Description = d.markdown(n, "description")
	}
	if n := d.required(root, f, "entity"); n != nil {
		p.Entity = d.entity(n, "entity")
	}
	if n := d.optional(f, "partners"); n != nil {
		p.Partners = d.entities(n, "partners")
	}
	p.PledgeType = "individual"
	if n := d.optional(f, "pledge_type"); n != nil {
		p.PledgeType = d.enum(n, "pledge_type", vocab.PledgeTypes)
	}
	if n := d.optional(f, "matches"); n != nil {
		p.Matches = d.ids(n, "matches", &p.At.Matches)
	}
	if n := d.optional(f, "contributes_to"); n != nil {
		p.ContributesTo = d.ids(n, "contributes_to", &p.At.ContributesTo)
	}
	if n := d.optional(f, "measures"); n != nil {
		p.Measures = d.ids(n, "measures", &p.At.Measures)
	}
	if n := d.required(root, f, "forum"); n != nil {
		p.Forum = d.enum(n, "forum", vocab.Forums)
	}
	if n := d.required(root, f, "date"); n != nil {
		p.Date = d.date(n, "date")
	}
	if n := d.optional(f, "countries"); n != nil {
		p.Countries = d.list(n, "countries", d.country, nil)
	}
	if n := d.optional(f, "target_groups"); n != nil {
		p.TargetGroups = d.list(n, "target_groups", func(n *yaml.Node, field string) string {
			return d.enum(n, field, vocab.TargetGroups)
		}, nil)
	}
	if n := d.optional(f, "gcr_objectives"); n != nil {
		p.GCRObjectives = d.numbers(n, "gcr_objectives", len(vocab.GCRObjectives))
	}
	if n := d.optional(f, "sdg_targets"); n != nil {
		p.SDGTargets = d.list(n, "sdg_targets", d.sdgTarget, nil)
	}
	if n := d.optional(f, "gcm_objectives"); n != nil {
		p.GCMObjectives = d.numbers(n, "gcm_objectives", len(vocab.GCMObjectives))
	}
	if n := d.optional(f, "hlom_recommendations"); n != nil {
		p.HLOMRecommendations = d.numbers(n, "hlom_recommendations", len(vocab.HLOMRecommendations))
	}
	if n := d.optional(f, "updates"); n != nil {
		p.Updates = d.updates(n)
	}
	if n := d.optional(f, "links"); n != nil {
		p.Links = d.links(n)
	}
	if n := d.optional(f, "contact"); n != nil {
		p.Contact = d.contact(n)
	}

	// With no valid kind, the fields are still checked, as those of the
	// kind they are most like, so that fixing the kind brings no new
	// errors; which fields belong to which kind waits for the kind.
	kind := p.Kind
	if kind == "" {
		kind = KindPledge
		for _, name := range multistakeholderFields {
			if _, ok := f[name]; ok {
				kind = KindMultistakeholder
			}
		}
	}
	switch kind {
	case KindPledge:
		if p.Kind != "" {
			d.notFor(f, multistakeholderFields, KindPledge)
		}
		if n := d.required(root, f, "status"); n != nil {
			p.Status = d.enum(n, "status", vocab.Statuses)
		}
		if n := d.required(root, f, "support"); n != nil {
			p.Support = d.list(n, "support", func(n *yaml.Node, field string) string {
				return d.enum(n, field, vocab.SupportTypes)
			}, nil)
			if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
				d.errorf(n, RuleEmptyList, "support must name at least one type of support%s", yamlsrc.Hint("", vocab.Values(vocab.SupportTypes)))
			}
		}
		d.financial(f, root)
	case KindMultistakeholder:
		if p.Kind != "" {
			d.notFor(f, pledgeFields, KindMultistakeholder)
		}
		if n := d.optional(f, "key_outcome"); n != nil {
			p.KeyOutcome = d.markdown(n, "key_outcome")
		}
		if n := d.optional(f, "leads"); n != nil {
			p.Leads = d.entities(n, "leads")
		}
		if n := d.optional(f, "supporters"); n != nil {
			p.Supporters = d.entities(n, "supporters")
		}
	}
	d.pledgeType(f)
	d.updateOrder(f)
	d.latestStatus(f)
}

// latestStatus checks that a pledge's status is not behind its latest
// update's (planning after an update that says in-progress): the page
// shows both, and a reader cannot tell which is right. A status ahead of
// the last update is the pledge moving on since it.
func (d *decoder) latestStatus(f map[string]yamlsrc.Field) {
	p := d.p
	if p.Status == "" || len(p.Updates) == 0 {
		return
	}
	last := p.Updates[len(p.Updates)-1]
	rank := func(s string) int { // planning, in-progress, fulfilled
		return slices.IndexFunc(vocab.Statuses, func(t vocab.Term) bool { return t.Value == s })
	}
	if fl, ok := f["status"]; ok && rank(p.Status) < rank(last.Status) {
		d.errorf(fl.Value, RuleUpdate, "status: %s, but the latest update (%s) says %s: update the status", p.Status, last.Date, last.Status)
	}
}

// notFor reports fields that belong to the other kind of record.
func (d *decoder) notFor(f map[string]yamlsrc.Field, fields []string, kind string) {
	for _, name := range fields {
		if fl, ok := f[name]; ok {
			other := KindMultistakeholder
			if kind == KindMultistakeholder {
				other = KindPledge
			}
			d.errorf(fl.Key, RuleKindField, "field %q is only used with kind: %s, and this record is kind: %s", name, other, kind)
		}
	}
}

func (d *decoder) financial(f map[string]yamlsrc.Field, root *yaml.Node) {
	p := d.p
	hasFinancial := false
	for _, s := range p.Support {
		hasFinancial = hasFinancial || s == "financial"
	}
	fl, ok := f["financial"]
	switch {
	case !ok && hasFinancial:
		at := root
		if s, ok := f["support"]; ok {
			at = s.Key
		}
		d.errorf(at, RuleFinancial, "support includes \"financial\", so the record needs a financial field with amount and currency")
		return
	case ok && !hasFinancial && len(p.Support) > 0:
		d.errorf(fl.Key, RuleFinancial, "financial is given but support does not include \"financial\": add it to support or remove financial")
	}
	if !ok || isNull(fl.Value) {
		if ok && hasFinancial {
			d.errorf(fl.Value, RuleRequired, "financial needs amount and currency")
		}
		return
	}
	n := fl.Value
	if !d.isMapping(n, "financial") {
		return
	}
	ff := d.fields(n, []string{"amount", "currency"}, "financial.")
	fin := &Financial{}
	if a := d.required(n, ff, "financial.amount"); a != nil {
		v, err := strconv.ParseFloat(a.Value, 64)
		if a.Kind != yaml.ScalarNode || (a.ShortTag() != "!!int" && a.ShortTag() != "!!float") || err != nil {
			d.errorf(a, RuleAmount, "financial.amount must be a number such as 250000, found %s%s", yamlsrc.Describe(a), unquote(a, err == nil))
		} else if v <= 0 || v > 1e13 {
			d.errorf(a, RuleAmount, "financial.amount must be greater than 0 and at most 10000000000000, found %s", a.Value)
		} else {
			fin.Amount = v
		}
	}
	if c := d.required(n, ff, "financial.currency"); c != nil {
		code := d.scalar(c, "financial.currency")
		if t, ok := vocab.Lookup(vocab.Currencies(), code); ok {
			fin.Currency = t.Value // shared, as in enum
		} else if code != "" {
			hint := yamlsrc.Hint(code, vocab.Values(vocab.Currencies()))
			if hint == "" { // "$", "US dollars"
				hint = ` (three capital letters, such as "USD", "EUR" or "KES")`
			}
			d.errorf(c, RuleCurrency, "financial.currency: %q is not an ISO 4217 currency code%s", code, hint)
		}
	}
	p.Financial = fin
}

func (d *decoder) pledgeType(f map[string]yamlsrc.Field) {
	p := d.p
	at := func(name string) *yaml.Node {
		if fl, ok := f[name]; ok {
			return fl.Key
		}
		return nil
	}
	switch p.PledgeType {
	case "matching":
		if len(p.Matches) == 0 {
			n := at("matches")
			if n == nil {
				n = at("pledge_type")
			}
			d.errorf(n, RuleMatches, "pledge_type: matching needs matches, the ids of the pledges it matches")
		}
	case "joint":
		if len(p.Partners) == 0 {
			d.errorf(at("pledge_type"), RulePartners, "pledge_type: joint needs at least one entry in partners")
		}
	}
	if p.PledgeType != "matching" && len(p.Matches) > 0 {
		d.errorf(at("matches"), RuleMatches, "matches is only used with pledge_type: matching")
	}
	// Partners make a pledge joint: the page would list them under a
	// pledge that says it is made alone.
	if p.PledgeType != "" && p.PledgeType != "joint" && len(p.Partners) > 0 {
		d.errorf(at("partners"), RulePartners, "partners is only used with pledge_type: joint: add that line, or remove partners")
	}
}

// updateOrder checks that progress reports follow the pledge date.
func (d *decoder) updateOrder(f map[string]yamlsrc.Field) {
	fl, ok := f["updates"]
	if !ok || fl.Value.Kind != yaml.SequenceNode || d.p.Date == "" {
		return
	}
	// updates skipped the items that are not mappings: the k-th update is
	// the k-th mapping.
	k := 0
	for i, c := range fl.Value.Content {
		if c.Kind != yaml.MappingNode || k >= len(d.p.Updates) {
			continue
		}
		u := d.p.Updates[k]
		k++
		if u.Date != "" && u.Date < d.p.Date {
			if dn := childValue(c, "date"); dn != nil {
				d.errorf(dn, RuleUpdate, "updates[%d].date: %s is before the pledge date %s", i, u.Date, d.p.Date)
			}
		}
	}
}

func childValue(m *yaml.Node, key string) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// required returns the value of a field, or reports it missing. A missing
// field is reported at the mapping that should hold it. name is the
// field's path ("links[1].title"), whose last part is its key in f.
func (d *decoder) required(m *yaml.Node, f map[string]yamlsrc.Field, name string) *yaml.Node {
	key := name[strings.LastIndexByte(name, '.')+1:]
	fl, ok := f[key]
	if !ok {
		if !d.hinted[m][key] { // else "did you mean" has said it already
			d.errs = append(d.errs, diag.Diagnostic{Path: d.path, Line: m.Line, Col: m.Column, Rule: RuleRequired,
				Message: fmt.Sprintf("missing required field %q", name)})
		}
		return nil
	}
	if isNull(fl.Value) {
		if !d.commented(fl, name) {
			d.errorf(fl.Key, RuleRequired, "required field %q is empty", name)
		}
		return nil
	}
	return fl.Value
}

func (d *decoder) optional(f map[string]yamlsrc.Field, name string) *yaml.Node {
	fl, ok := f[name]
	if !ok || isNull(fl.Value) {
		if ok {
			d.commented(fl, name)
		}
		return nil
	}
	return fl.Value
}

// commented reports a value that YAML read as a comment, as it starts with
// "#" ("title: #1 in the region"), where the field looks empty. A comment
// people mean has a space after its "#".
func (d *decoder) commented(fl yamlsrc.Field, name string) bool {
	c := fl.Key.LineComment
	if fl.Value.Line != fl.Key.Line || len(c) < 2 || c[0] != '#' || c[1] == ' ' || c[1] == '#' {
		return false
	}
	d.errorf(fl.Key, RuleSyntaxComment, "%s is empty: YAML reads the text from %q on as a comment, as it starts with \"#\": put the whole value in double quotes", name, strings.Fields(c)[0])
	return true
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" && (n.Value == "" || n.Value == "~" || n.Value == "null")
}

// scalar returns a scalar's text or reports the wrong shape.
func (d *decoder) scalar(n *yaml.Node, field string) string {
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, RuleType, "%s must be a single value, found %s", field, yamlsrc.Describe(n))
		return ""
	}
	return n.Value
}

// text returns a string field, checking its length and for control
// characters that would corrupt pages and feeds.
func (d *decoder) text(n *yaml.Node, field string, maxLen int) string {
	s := d.scalar(n, field)
	if n.Kind == yaml.ScalarNode && strings.TrimSpace(s) == "" {
		d.errorf(n, RuleRequired, "%s is empty", field)
		return ""
	}
	// No string has more characters than bytes: most need no count.
	if len(s) > maxLen {
		if c := utf8.RuneCountInString(s); c > maxLen {
			d.errorf(n, RuleTooLong, "%s is %d characters long; the limit is %d", field, c, maxLen)
			return s
		}
	}
	// The control characters are ASCII, so bytes will do; the file's own
	// bytes were checked by yamlsrc, but a quoted scalar's escapes ("\x01")
	// make new ones.
	for i := 0; i < len(s); i++ {
		if i+8 <= len(s) && i%8 == 0 && yamlsrc.PlainChunk(s[i:]) {
			i += 7
			continue
		}
		if c := s[i]; c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			d.errorf(n, RuleControlChars, "%s contains the control character %U", field, rune(c))
			return s
		}
	}
	if strings.Contains(s, Placeholder) {
		for _, ph := range Placeholders {
			if strings.Contains(s, ph) {
				d.errorf(n, RulePlaceholder, "%s still holds the template's placeholder %q: write your own text", field, ph)
				break
			}
		}
	}
	if r, ok := hiddenControl(s); ok {
		d.errorf(n, RuleControlChars, "%s contains the invisible control character %U: delete it (it can make the text read differently from how it shows)", field, r)
	}
	return s
}

// Placeholder starts each piece of text that pledgesite new writes for a
// contributor to replace.
const Placeholder = "Replace with"

// Placeholders are those pieces (package scaffold's template). A record
// that still holds one fails check, so that "run check until it reports
// no problems" finishes the record. Only the template's own phrases
// count: "Replace with durable shelters" is a pledge.
var Placeholders = []string{
	"Replace with a specific title",
	"Replace with a short summary",
	"Replace with the full description",
	"Replace with the name of your organisation",
	"Replace with the name of a partner",
	"Replace with what has been done so far",
	"Replace with the title of the page",
	"Replace with your organisation",
}

// PlaceholderURL is the template's example link address.
const PlaceholderURL = "https://example.org/replace-with-the-address"

// hiddenControl finds a character outside ASCII that no record text needs
// and that can hide what text says: a C1 control, a line or paragraph
// separator, a bidirectional embedding, override or isolate, which can
// show a title or name in another order than it is written, or a
// character that shows nothing at all (see hidden). The marks U+200E and
// U+200F, which right-to-left text does use, are allowed, as are the
// joiners U+200C and U+200D, which Persian text and emoji need. All of
// these begin with 0xC2, 0xE2, 0xEF or 0xF0 to 0xF4 in UTF-8, which most
// text lacks.
func hiddenControl(s string) (rune, bool) {
	// IndexByte rather than a loop over every byte: records are mostly
	// ASCII, and this runs over all their text.
	for _, lead := range [...]byte{0xC2, 0xE2, 0xEF, 0xF0, 0xF1, 0xF2, 0xF3, 0xF4} {
		for rest := s; ; {
			i := strings.IndexByte(rest, lead)
			if i < 0 {
				break
			}
			if r, _ := utf8.DecodeRuneInString(rest[i:]); hidden(r) {
				return r, true
			}
			rest = rest[i+1:]
		}
	}
	return 0, false
}

// hidden reports the characters hiddenControl finds: besides the controls
// and separators, the invisible operators and deprecated format
// characters, a byte order mark inside text, the interlinear annotation
// characters, the tag characters and the noncharacters, with which two
// names that look the same can differ.
func hidden(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f, r >= 0x2028 && r <= 0x202e, r >= 0x2060 && r <= 0x2064,
		r >= 0x2066 && r <= 0x206f, r == 0xfeff, r >= 0xfdd0 && r <= 0xfdef,
		r >= 0xfff9 && r <= 0xfffb, r >= 0xe0000 && r <= 0xe007f:
		return true
	}
	return r&0xfffe == 0xfffe && r <= unicode.MaxRune // U+FFFE, U+1FFFF, ...
}

// characterReference finds a numeric character reference ("&#x202E;") in
// Markdown that makes a character text may not hold: the renderer would
// put the character itself on the page, where the checks of text never
// saw it.
func characterReference(s string) (ref string, r rune, line int, found bool) {
	for i := 0; ; {
		j := strings.Index(s[i:], "&#")
		if j < 0 {
			return "", 0, 0, false
		}
		i += j + 2
		hex := i < len(s) && (s[i] == 'x' || s[i] == 'X')
		k := i
		if hex {
			k++
		}
		start := k
		for k < len(s) && k-start < 8 && (s[k] >= '0' && s[k] <= '9' || hex && strings.IndexByte("abcdefABCDEF", s[k]) >= 0) {
			k++
		}
		if k == start || k >= len(s) || s[k] != ';' {
			continue
		}
		base := 10
		if hex {
			base = 16
		}
		n, err := strconv.ParseUint(s[start:k], base, 32)
		if err != nil || n > unicode.MaxRune {
			continue // the renderer makes U+FFFD of it
		}
		// &#0; makes U+FFFD, as in HTML.
		if c := rune(n); c > 0 && c < 0x20 && c != '\n' && c != '\t' || c == 0x7f || hidden(c) {
			return s[i-2 : k+1], c, strings.Count(s[:i], "\n") + 1, true
		}
	}
}

// markdown is text the site renders as Markdown. What would stop it
// rendering (a table of too many cells, a link reference that swells it)
// is found here, so that check reports it, at its line when it has one.
func (d *decoder) markdown(n *yaml.Node, field string) string {
	s := d.text(n, field, MaxDescriptionLen)
	if strings.Contains(s, "&#") {
		if ref, r, line, ok := characterReference(s); ok {
			at := *n
			if n.Style&yaml.LiteralStyle != 0 {
				at.Line, at.Column = n.Line+line, 1
			}
			d.errorf(&at, RuleControlChars, "%s: the character reference %q makes the invisible control character %U: delete it (it can make the text read differently from how it shows)", field, ref, r)
		}
	}
	if strings.IndexByte(s, '|') < 0 && !strings.Contains(s, "]:") {
		return s // no table, no link reference, and no copy of the text to find none
	}
	if line, msg := markdown.Problem([]byte(s)); msg != "" {
		// A literal block's lines are the file's, from the line below its
		// "|"; other styles fold lines, so their start is all there is.
		at := *n
		if line > 0 && n.Style&yaml.LiteralStyle != 0 {
			at.Line, at.Column = n.Line+line, 1
		}
		d.errorf(&at, RuleTooLong, "%s: %s", field, msg)
	}
	return s
}

// line is text that must fit on one line, such as a title or a name.
func (d *decoder) line(n *yaml.Node, field string, maxLen int) string {
	s := d.text(n, field, maxLen)
	// "title: Safe house #1" is "Safe house" and a comment to YAML. A
	// comment people mean has a space after its "#".
	if c := n.LineComment; n.Style == 0 && len(c) > 1 && c[0] == '#' && c[1] != ' ' && c[1] != '#' {
		at := *n
		at.Column += utf8.RuneCountInString(n.Value) + 1
		d.errorf(&at, RuleSyntaxComment, "%s: the text from %q on was read as a comment, which starts at \" #\": put the whole value in double quotes", field, strings.Fields(c)[0])
	}
	if strings.ContainsAny(strings.TrimRight(s, "\n"), "\n") {
		d.errorf(n, RuleMultiline, "%s must be a single line", field)
	}
	return strings.TrimSpace(s)
}

func (d *decoder) enum(n *yaml.Node, field string, terms []vocab.Term) string {
	s := d.scalar(n, field)
	if n.Kind != yaml.ScalarNode {
		return ""
	}
	t, ok := vocab.Lookup(terms, s)
	if !ok {
		d.errorf(n, RuleEnum, "%s: %q is not a valid value%s", field, s, yamlsrc.Hint(s, vocab.Values(terms)))
		return ""
	}
	// The table's string rather than the parser's: records then share one
	// copy of each value, and the collector has fewer objects to mark.
	return t.Value
}

func (d *decoder) date(n *yaml.Node, field string) string {
	s := d.scalar(n, field)
	if n.Kind != yaml.ScalarNode {
		return ""
	}
	t, err := time.Parse(time.DateOnly, s)
	switch {
	case err != nil:
		d.errorf(n, RuleDate, "%s: %q is not a real date in the form YYYY-MM-DD", field, s)
		return ""
	case t.Year() < 1990:
		d.errorf(n, RuleDate, "%s: %s is before 1990: check the year", field, s)
		return ""
	case t.After(today().AddDate(0, 0, 1)): // a day ahead, for time zones
		d.errorf(n, RuleDate, "%s: %s is in the future: give the date the pledge was made, or the update written", field, s)
		return ""
	}
	return s
}

// today is the date a record's dates may not be after; a variable so that
// tests can fix it.
var today = func() time.Time { return time.Now().UTC().Truncate(24 * time.Hour) }

func (d *decoder) country(n *yaml.Node, field string) string {
	s := d.scalar(n, field)
	if n.Kind != yaml.ScalarNode {
		return ""
	}
	c, ok := vocab.LookupCountry(s)
	if !ok {
		hint := ""
		if g, ok := vocab.GuessCountry(s); ok {
			hint = fmt.Sprintf(" (did you mean %q, %s?)", g.Code, g.Name)
		}
		d.errorf(n, RuleCountry, "%s: %q is not an ISO 3166-1 alpha-3 country code such as \"KEN\"%s", field, s, hint)
		return ""
	}
	return c.Code // shared, as in enum
}

func (d *decoder) sdgTarget(n *yaml.Node, field string) string {
	s := d.scalar(n, field)
	if n.Kind != yaml.ScalarNode {
		return ""
	}
	m := sdgPattern.FindStringSubmatch(s)
	if m == nil {
		d.errorf(n, RuleSDGTarget, "%s: %q is not an SDG target: write it as a quoted goal and target such as \"16.2\"", field, s)
		return ""
	}
	g, _ := strconv.Atoi(m[1])
	if g < 1 || g > len(vocab.SDGGoals) {
		d.errorf(n, RuleSDGTarget, "%s: %q names goal %d, but the SDGs are numbered 1 to %d", field, s, g, len(vocab.SDGGoals))
		return ""
	}
	numbered, lettered := vocab.SDGTargets[g-1][0], vocab.SDGTargets[g-1][1]
	t, err := strconv.Atoi(m[2])
	if err == nil && t > numbered || err != nil && int(m[2][0]-'a') >= lettered {
		targets := fmt.Sprintf("%d.1 to %d.%d", g, g, numbered)
		if lettered > 0 {
			targets += fmt.Sprintf(" and %d.a to %d.%c", g, g, 'a'+lettered-1)
		}
		d.errorf(n, RuleSDGTarget, "%s: goal %d has no target %q: its targets are %s", field, g, s, targets)
		return ""
	}
	return s
}

func (d *decoder) isMapping(n *yaml.Node, field string) bool {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, RuleType, "%s must be a mapping of fields, found %s", field, yamlsrc.Describe(n))
		return false
	}
	return true
}

func (d *decoder) seq(n *yaml.Node, field string) bool {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, RuleType, "%s must be a list (one \"- item\" per line, or [a, b]), found %s", field, yamlsrc.Describe(n))
		return false
	}
	if len(n.Content) > MaxListLen {
		d.errorf(n, RuleTooLong, "%s has %d items; the limit is %d", field, len(n.Content), MaxListLen)
		return false
	}
	return true
}

// list decodes a list of scalars with item, dropping invalid and repeated
// items (repeats are reported). When at is not nil, it receives the
// position of each item kept.
func (d *decoder) list(n *yaml.Node, field string, item func(*yaml.Node, string) string, at *[]Pos) []string {
	if !d.seq(n, field) {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for i, c := range n.Content {
		v := item(c, itemName(field, i))
		if v == "" {
			continue
		}
		if seen[v] {
			d.errorf(c, RuleDuplicate, "%s lists %q twice", field, v)
			continue
		}
		seen[v] = true
		if at != nil {
			*at = append(*at, Pos{c.Line, c.Column})
		}
		out = append(out, v)
	}
	return out
}

// itemNames are the names of the first items of the list fields, as
// errors name them ("countries[2]"), made once: formatting the name of
// every item of every record's lists, in case of an error, took an
// allocation each.
var itemNames = func() map[string][]string {
	m := map[string][]string{}
	for _, field := range []string{"contributes_to", "countries", "gcm_objectives", "gcr_objectives", "hlom_recommendations",
		"matches", "measures", "sdg_targets", "support", "target_groups"} {
		for i := range 32 {
			m[field] = append(m[field], fmt.Sprintf("%s[%d]", field, i))
		}
	}
	return m
}()

func itemName(field string, i int) string {
	if names := itemNames[field]; i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%s[%d]", field, i)
}

// unquote is the hint for a number written in quotes, which YAML reads as
// text: ok tells that the text is the number wanted.
func unquote(n *yaml.Node, ok bool) string {
	if ok && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		return ": remove the quotes"
	}
	return ""
}

// ids decodes a list of record or measure ids; whether they exist is
// checked across the catalogue by CheckRefs.
func (d *decoder) ids(n *yaml.Node, field string, at *[]Pos) []string {
	return d.list(n, field, func(c *yaml.Node, f string) string {
		s := d.scalar(c, f)
		if c.Kind == yaml.ScalarNode && !ValidID(s) {
			hint := ""
			if low := strings.ToLower(s); ValidID(low) {
				hint = fmt.Sprintf(" (did you mean %q?)", low)
			}
			d.errorf(c, RuleIDFormat, "%s: %q is not a valid id: ids are lowercase letters, digits and single hyphens%s", field, s, hint)
			return ""
		}
		return s
	}, at)
}

func (d *decoder) numbers(n *yaml.Node, field string, maxN int) []int {
	vals := d.list(n, field, func(c *yaml.Node, f string) string {
		s := d.scalar(c, f)
		if c.Kind != yaml.ScalarNode {
			return ""
		}
		v, err := strconv.Atoi(s)
		if err != nil || c.ShortTag() != "!!int" || v < 1 || v > maxN {
			d.errorf(c, RuleRange, "%s: %q is not a whole number from 1 to %d%s", field, s, maxN, unquote(c, err == nil && v >= 1 && v <= maxN))
			return ""
		}
		return strconv.Itoa(v)
	}, nil)
	out := make([]int, len(vals))
	for i, v := range vals {
		out[i], _ = strconv.Atoi(v)
	}
	return out
}

func (d *decoder) entity(n *yaml.Node, field string) Entity {
	var e Entity
	if !d.isMapping(n, field) {
		return e
	}
	f := d.fields(n, entityFields, field+".")
	if v := d.required(n, f, field+".name"); v != nil {
		e.Name = d.line(v, field+".name", MaxNameLen)
	}
	if v := d.required(n, f, field+".type"); v != nil {
		e.Type = d.enum(v, field+".type", vocab.StakeholderTypes)
	}
	if v := d.optional(f, "country"); v != nil {
		e.Country = d.country(v, field+".country")
	}
	return e
}

func (d *decoder) entities(n *yaml.Node, field string) []Entity {
	if !d.seq(n, field) {
		return nil
	}
	out := make([]Entity, 0, len(n.Content))
	for i, c := range n.Content {
		e := d.entity(c, fmt.Sprintf("%s[%d]", field, i))
		// The same entity twice is a slip, and the schema, which the
		// form checks with, refuses it too.
		if e.Name != "" && slices.Contains(out, e) {
			d.errorf(c, RuleDuplicate, "%s lists %q twice", field, e.Name)
		}
		out = append(out, e)
	}
	return out
}

func (d *decoder) updates(n *yaml.Node) []Update {
	if !d.seq(n, "updates") {
		return nil
	}
	out := make([]Update, 0, len(n.Content))
	prev := ""
	for i, c := range n.Content {
		field := fmt.Sprintf("updates[%d]", i)
		if !d.isMapping(c, field) {
			continue
		}
		f := d.fields(c, []string{"date", "status", "text"}, field+".")
		var u Update
		if v := d.required(c, f, field+".date"); v != nil {
			u.Date = d.date(v, field+".date")
			if u.Date != "" && u.Date < prev {
				d.errorf(v, RuleUpdate, "%s.date: %s is earlier than the update before it (%s): list updates oldest first", field, u.Date, prev)
			}
			prev = max(prev, u.Date)
		}
		if v := d.required(c, f, field+".status"); v != nil {
			u.Status = d.enum(v, field+".status", vocab.Statuses)
		}
		if v := d.required(c, f, field+".text"); v != nil {
			u.Text = strings.TrimSpace(d.text(v, field+".text", MaxUpdateLen))
		}
		out = append(out, u)
	}
	return out
}

func (d *decoder) links(n *yaml.Node) []Link {
	if !d.seq(n, "links") {
		return nil
	}
	out := make([]Link, 0, len(n.Content))
	for i, c := range n.Content {
		field := fmt.Sprintf("links[%d]", i)
		if !d.isMapping(c, field) {
			continue
		}
		f := d.fields(c, []string{"title", "url"}, field+".")
		var l Link
		if v := d.required(c, f, field+".title"); v != nil {
			l.Title = d.line(v, field+".title", MaxTitleLen)
		}
		if v := d.required(c, f, field+".url"); v != nil {
			s := d.line(v, field+".url", 2000)
			if u, problem := publicURL(s); problem != "" {
				d.errorf(v, RuleURL, "%s.url: %q %s", field, s, problem)
			} else if strings.EqualFold(u.Hostname(), "example.org") && strings.Contains(strings.ToLower(u.Path), "replace-with") {
				d.errorf(v, RulePlaceholder, "%s.url still holds the template's example address: give the address of your page", field)
			} else {
				l.URL = u.String()
			}
		}
		out = append(out, l)
	}
	return out
}

// publicURL parses a link's address, or says what keeps it from being a
// public https:// page that every reader can open: the site links to it
// from every pledge page.
func publicURL(s string) (*url.URL, string) {
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || u.Scheme != "https" && u.Scheme != "http":
		return nil, "must be a full web address starting with https://"
	case u.Scheme == "http":
		return nil, "must start with https://: most sites answer at https:// too (try it in a browser)"
	case u.User != nil:
		return nil, "must not hold a user name or password (the part before @)"
	}
	if !PublicHost(u.Hostname()) {
		return nil, "must be a public web address with a domain name, such as https://example.org/report"
	}
	return u, ""
}

// LocalNames are last labels of host names only a local network knows.
var LocalNames = []string{"localhost", "local", "internal", "localdomain", "lan", "home", "intranet", "corp"}

// PublicHost reports whether host is a public domain name, such as
// example.org: two or more labels of letters, marks, digits and inner
// hyphens, at most 63 characters each, the last starting with a letter
// (127.1 is an address) and not one of LocalNames. Links and contact
// addresses must reach every reader. The schema's hostPattern says the
// same for the submission form.
func PublicHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	labels := strings.Split(host, ".")
	if len(labels) < 2 || len(host) > 253 {
		return false
	}
	last := labels[len(labels)-1]
	if r, _ := utf8.DecodeRuneInString(last); !unicode.IsLetter(r) || slices.Contains(LocalNames, last) {
		return false
	}
	for _, l := range labels {
		if l == "" || utf8.RuneCountInString(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i, r := range l {
			ok := r == '-' || r >= '0' && r <= '9' || unicode.IsLetter(r) || i > 0 && unicode.IsMark(r)
			if !ok {
				return false
			}
		}
	}
	return true
}

func (d *decoder) contact(n *yaml.Node) *Contact {
	if !d.isMapping(n, "contact") {
		return nil
	}
	f := d.fields(n, []string{"name", "email"}, "contact.")
	c := &Contact{}
	if v := d.required(n, f, "contact.name"); v != nil {
		c.Name = d.line(v, "contact.name", MaxNameLen)
	}
	if v := d.required(n, f, "contact.email"); v != nil {
		s := d.line(v, "contact.email", 254)
		if a, err := mail.ParseAddress(s); err != nil || a.Address != s || a.Name != "" || !PublicHost(s[strings.LastIndexByte(s, '@')+1:]) {
			d.errorf(v, RuleEmail, "contact.email: %q is not an email address such as name@example.org", s)
		} else {
			c.Email = s
		}
	}
	return c
}
