// Package scaffold writes the text of a new record file: every required
// field filled with a placeholder the contributor replaces, and every
// optional field as a commented-out example, each explained by a comment
// that lists its allowed values.
//
// The file it writes is a valid record but for its placeholder text
// ("Replace with ..."), which `pledgesite check` reports until every piece
// is replaced: a contributor runs check until it reports no problems, and
// that must mean the record is finished.
package scaffold

import (
	"bytes"
	"strconv"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"pledgesite/generator/vocab"
)

// MaxLine is the longest line the template writes, in characters. Lists of
// values are wrapped shorter, at wrapWidth, to be easy to read.
const (
	MaxLine   = 99
	wrapWidth = 80
)

// Measure is one guidance measure offered in the comments.
type Measure struct {
	ID    string
	Title string
}

// Options say what kind of record to write.
type Options struct {
	// Contribution makes the record a contribution to the multistakeholder
	// pledge To.
	Contribution bool
	To           string
	// Measures are the guidance measures, listed in the comment above the
	// measures field.
	Measures []Measure
	// Multistakeholders are the ids of the multistakeholder pledges, shown
	// in the comment above a plain pledge's contributes_to example.
	Multistakeholders []string
	// Date is the pledge date, YYYY-MM-DD: today's date, passed in by the
	// caller so the output is reproducible. Empty means today.
	Date string
}

// Pledge returns the text of a new record file for a pledge (or a
// contribution, with opts.Contribution) with the given id.
func Pledge(id string, opts Options) []byte {
	if opts.Date == "" {
		opts.Date = time.Now().Format(time.DateOnly)
	}
	measureEx := "[b1, b2]"
	if n := min(len(opts.Measures), 2); n > 0 {
		ids := make([]string, n)
		for i := range n {
			ids[i] = opts.Measures[i].ID
		}
		measureEx = "[" + strings.Join(ids, ", ") + "]"
	}
	mspEx := "msp-trafficking-in-persons"
	if len(opts.Multistakeholders) > 0 {
		mspEx = opts.Multistakeholders[0]
	}
	data := map[string]any{
		"ID":                scalar(id),
		"Contribution":      opts.Contribution,
		"To":                scalar(opts.To),
		"Date":              opts.Date,
		"Forum":             nextForum(opts.Date),
		"Measures":          opts.Measures,
		"MeasureExample":    measureEx,
		"Multistakeholders": opts.Multistakeholders,
		"MSPExample":        scalar(mspEx),
		"StakeholderTypes":  vocab.StakeholderTypes,
		"PledgeTypes":       vocab.PledgeTypes,
		"Forums":            vocab.Forums,
		"Statuses":          vocab.Statuses,
		"SupportTypes":      vocab.SupportTypes,
		"TargetGroups":      vocab.TargetGroups,
		"GCRObjectives":     vocab.GCRObjectives,
		"GCMObjectives":     vocab.GCMObjectives,
		"HLOMs":             vocab.HLOMRecommendations,
		"SDGGoals":          len(vocab.SDGGoals),
		"MaxTitle":          200,
		"MaxSummary":        600,
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, data); err != nil {
		// The template and its data are fixed: a failure is a bug here.
		panic("scaffold: " + err.Error())
	}
	return b.Bytes()
}

// nextForum is the first forum held in or after the year of date, the one a
// new pledge not tied to an event is announced at, or "other".
func nextForum(date string) string {
	year, err := strconv.Atoi(date[:min(4, len(date))])
	if err != nil {
		return "other"
	}
	for _, f := range vocab.Forums {
		_, y, ok := strings.Cut(f.Value, "-")
		if fy, err := strconv.Atoi(y); ok && err == nil && fy >= year {
			return f.Value
		}
	}
	return "other"
}

// scalar writes s as a YAML scalar that reads back as the same string,
// quoting it only when it would otherwise read as something else ("null").
func scalar(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return strconv.Quote(s)
	}
	return strings.TrimSuffix(string(out), "\n")
}

// values wraps the values of terms into comment lines under indent.
func values(indent string, terms []vocab.Term) string {
	return wrap(indent+"#   ", vocab.Values(terms))
}

// wrap joins words with ", " into lines that start with prefix and fit
// wrapWidth (a single long word may overrun it).
func wrap(prefix string, words []string) string {
	var lines []string
	line := prefix
	for i, w := range words {
		if i < len(words)-1 {
			w += ","
		}
		switch {
		case line == prefix:
			line += w
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > wrapWidth:
			lines = append(lines, line)
			line = prefix + w
		default:
			line += " " + w
		}
	}
	return strings.Join(append(lines, line), "\n")
}

// labelled writes one comment line per term: the value, then its label,
// cut to fit MaxLine.
func labelled(indent string, terms []vocab.Term) string {
	width := 0
	for _, t := range terms {
		width = max(width, len(t.Value))
	}
	lines := make([]string, len(terms))
	for i, t := range terms {
		lines[i] = fit(indent + "#   " + t.Value + strings.Repeat(" ", width-len(t.Value)+2) + t.Label)
	}
	return strings.Join(lines, "\n")
}

func measures(ms []Measure) string {
	terms := make([]vocab.Term, len(ms))
	for i, m := range ms {
		terms[i] = vocab.Term{Value: m.ID, Label: m.Title}
	}
	return labelled("", terms)
}

// fit cuts a line to MaxLine characters, ending it with "…" when cut.
func fit(s string) string {
	if utf8.RuneCountInString(s) <= MaxLine {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:MaxLine-1]), " ,") + "…"
}

var tmpl = template.Must(template.New("pledge").Funcs(template.FuncMap{
	"values":   values,
	"labelled": labelled,
	"measures": measures,
	"wrap":     wrap,
	"join":     func(terms []vocab.Term) string { return strings.Join(vocab.Values(terms), ", ") },
}).Parse(pledgeTemplate))

// pledgeTemplate is the record file. Lines starting with "# field:" are
// optional fields: removing the "# " (keeping the indentation) turns them
// and the "#   " lines below them into YAML.
const pledgeTemplate = `# yaml-language-server: $schema=./schema.json
#
{{- if .Contribution}}
# A contribution to the multistakeholder pledge {{.To}}.
{{- else}}
# A new pledge.
{{- end}}
# 1. Replace every text that starts with "Replace with".
# 2. Check the values under the lines marked "Check:".
# 3. Optional fields are commented out. To use one, remove the "# " in front
#    of its lines, keeping the spaces after it; delete the ones you do not need.
# 4. Run "pledgesite check" (or "make check") until it reports no problems.
# Everything in this file is published: use a role email address, never a
# personal one, and no personal details of the people you work with.
# Step-by-step guide and a worked example: CONTRIBUTING.md.

# The id is also the file name and the page address. To change it, rename the
# file too.
id: {{.ID}}
kind: pledge

# Required. One line, at most {{.MaxTitle}} characters: what you will do, where, for whom.
title: Replace with a specific title
# Required. Two or three sentences, at most {{.MaxSummary}} characters.
summary: >-
  Replace with a short summary: what you will do, where, for whom and by when.
# Optional. The full text, in Markdown: paragraphs, "- " lists, **bold**.
# description: |
#   Replace with the full description: activities, resources, partners,
#   indicators and timeline.

# Required. Who makes the pledge.
entity:
  name: Replace with the name of your organisation
  # Check: the type of entity, one of:
{{values "  " .StakeholderTypes}}
  type: other
  # Optional. The entity's country, as a country code (see countries below).
  # country: KEN

# Optional. How the pledge is made, one of: {{join .PledgeTypes}}.
#   individual (the default): alone; joint: with the partners listed below;
#   matching: supports another pledge, named in matches.
# pledge_type: joint
# Only with pledge_type: joint. Each partner has a name, a type and a
# country (optional), as entity has.
# partners:
#   - name: Replace with the name of a partner
#     type: ngo-national
#     country: KEN
# Only with pledge_type: matching. The ids of the pledges this one matches:
# their file names under pledges/ without ".yaml".
# matches: [id-of-the-matched-pledge]
{{if .Contribution}}
# The multistakeholder pledge this pledge contributes to.
contributes_to: [{{.To}}]
{{- else}}
# Optional. The multistakeholder pledges this pledge contributes to
{{- if .Multistakeholders}}, any of:
{{wrap "#   " .Multistakeholders}}
{{- else}}.
{{- end}}
# contributes_to: [{{.MSPExample}}]
{{- end}}
# Optional. The guidance measures the pledge puts into practice
{{- if .Measures}}, any of:
{{measures .Measures}}
{{- else}}: see the guidance pages.
{{- end}}
# measures: {{.MeasureExample}}

# Required. Where the pledge was made or announced, one of:
{{labelled "" .Forums}}
# Check: a pledge not tied to an event takes the next forum.
forum: {{.Forum}}
# Required. The date the pledge was made, as YYYY-MM-DD.
date: {{.Date}}

# Required. Check: the status, one of: {{join .Statuses}}.
status: planning
# Required. Check: the kinds of support, at least one of:
{{values "" .SupportTypes}}
# With financial, add the financial field below too.
support: [technical]
# Only when support includes financial. The amount, a number without spaces or
# commas, and its ISO 4217 currency code, such as USD, EUR, GBP, CHF, KES or UGX.
# All codes: https://www.iso.org/iso-4217-currency-codes.html
# financial:
#   amount: 250000
#   currency: USD

# Optional. Where the pledge is carried out, as ISO 3166-1 alpha-3 country
# codes in capitals, such as KEN (Kenya), UGA (Uganda), COL (Colombia),
# DEU (Germany). All codes: the "country" list in pledges/schema.json, or the
# "ISO-alpha3 code" column of https://unstats.un.org/unsd/methodology/m49/
# countries: [KEN, UGA]
# Optional. The people the pledge is for, any of:
{{values "" .TargetGroups}}
# target_groups: [refugees, survivors]

# Optional. Objectives of the Global Compact on Refugees, numbers 1 to {{len .GCRObjectives}}:
{{labelled "" .GCRObjectives}}
# gcr_objectives: [1]
# Optional. Sustainable Development Goal targets, each in quotes as "goal.target",
# goals 1 to {{.SDGGoals}}: "5.2" (trafficking of women and girls), "8.7" (forced labour),
# "16.2" (trafficking of children). All targets: https://sdgs.un.org/goals
# sdg_targets: ["16.2", "8.7"]
# Optional. Objectives of the Global Compact for Migration, numbers 1 to {{len .GCMObjectives}}:
{{labelled "" .GCMObjectives}}
# gcm_objectives: [10]
# Optional. Key recommendations of the High-Level Officials Meeting 2021,
# numbers 1 to {{len .HLOMs}}:
{{labelled "" .HLOMs}}
# hlom_recommendations: [2]

# Optional. Progress reports, oldest first, none before the date above. Each
# has a date, a status ({{join .Statuses}}) and a short text.
# The status above may not be behind the latest report's.
# updates:
#   - date: {{.Date}}
#     status: planning
#     text: Replace with what has been done so far.

# Optional. Web pages with more about the pledge: full addresses, https://.
# links:
#   - title: Replace with the title of the page
#     url: https://example.org/replace-with-the-address

# Optional, recommended. Who to write to about the pledge. It is published:
# use a role address such as pledges@your-organisation.org, not a personal one.
# contact:
#   name: Pledge coordinator, Replace with your organisation
#   email: pledges@example.org
`
