// Package schema describes the record format as a JSON Schema (draft
// 2020-12), for editors (yaml-language-server autocompletes fields and flags
// mistakes while typing) and for the submission form, which validates in
// the browser against the published copy.
//
// The schema is built from the same vocabularies and limits as the Go
// validator in package record; a test runs both over every example and every
// invalid case so the two cannot drift apart. Cross-record rules (unique
// ids, references that must exist) are the validator's alone.
package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"pledgesite/generator/record"
	"pledgesite/generator/vocab"
)

// ID is the path the build publishes the schema at.
const ID = "/schema/pledge.schema.json"

type obj = map[string]any

// A public host name, as record.PublicHost has it: labels of letters,
// marks, digits and inner hyphens, the last starting with a letter and not
// a name only a local network knows (in any case). The patterns run with
// the u flag, as ajv and submit.js compile them, so \p{L} is a letter.
var (
	label       = `[\p{L}0-9](?:[\p{L}\p{M}0-9-]{0,61}[\p{L}\p{M}0-9])?`
	topLabel    = `\p{L}(?:[\p{L}\p{M}0-9-]{0,61}[\p{L}\p{M}0-9])?`
	hostPattern = `(?:` + label + `\.)+(?!(?:` + caseless(record.LocalNames) + `)\.?(?![\p{L}\p{M}0-9-]))` + topLabel
)

// urlPattern is a link: https://, a public host, an optional port, and a
// path with no white space, control characters or bad % escapes.
var urlPattern = `^https://(?![\s\S]*%(?![0-9a-fA-F]{2}))` + hostPattern + `\.?(?::\d{1,5})?(?:[/?#][^\s\u0000-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]*)?$`

// emailPattern is a contact address: a dot-atom before the @ and a public
// host after it.
var emailPattern = `^[\p{L}\p{M}0-9!#$%&'*+/=?^_` + "`" + `{|}~-]+(?:\.[\p{L}\p{M}0-9!#$%&'*+/=?^_` + "`" + `{|}~-]+)*@` + hostPattern + `$`

// caseless is an ECMAScript alternation of names, in any case.
func caseless(names []string) string {
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteByte('|')
		}
		for _, r := range n {
			if unicode.IsLetter(r) {
				fmt.Fprintf(&b, "[%c%c]", unicode.ToLower(r), unicode.ToUpper(r))
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// Text must hold something other than white space and no control
// characters but tab and newline; a line is text without inner newlines.
// The patterns are ECMAScript, as JSON Schema validators run them.
const (
	textPattern = `^(?=[\s\S]*\S)[^\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]*$`
	linePattern = `^(?=[^\n]*\S)[^\n\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]*\n?$`
)

// Generate returns the schema. measures are the measure ids of the guidance,
// offered as the values of "measures".
func Generate(measures []string) ([]byte, error) {
	str := func(maxLen int, desc string) obj {
		return obj{"type": "string", "minLength": 1, "maxLength": maxLen, "pattern": textPattern, "description": desc}
	}
	line := func(maxLen int, desc string) obj {
		s := str(maxLen, desc)
		s["pattern"] = linePattern
		return s
	}
	enum := func(terms []vocab.Term, desc string) obj {
		return obj{"enum": vocab.Values(terms), "description": desc}
	}
	list := func(items obj, desc string) obj {
		return obj{"type": "array", "items": items, "uniqueItems": true, "maxItems": record.MaxListLen, "description": desc}
	}
	numbers := func(n int, desc string) obj {
		return list(obj{"type": "integer", "minimum": 1, "maximum": n}, desc)
	}
	id := obj{"type": "string", "pattern": record.IDPattern.String(), "maxLength": record.MaxIDLen}
	date := obj{"type": "string", "format": "date", "pattern": `^(199\d|20\d\d|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$`, "description": "A date as YYYY-MM-DD."}

	props := obj{
		"id":             withDesc(id, "The record's id: lowercase letters, digits and single hyphens. It must equal the file name without .yaml."),
		"kind":           enum(vocab.Kinds, "pledge for a pledge or contribution; multistakeholder for a multistakeholder pledge."),
		"title":          line(record.MaxTitleLen, "A specific title, plain text."),
		"summary":        str(record.MaxSummaryLen, "One or two sentences, plain text."),
		"description":    str(record.MaxDescriptionLen, "What, where, for whom, how and by when, in Markdown."),
		"entity":         obj{"$ref": "#/$defs/entity", "description": "Who makes the pledge."},
		"partners":       list(obj{"$ref": "#/$defs/entity"}, "Partners of a joint pledge."),
		"pledge_type":    enum(vocab.PledgeTypes, "individual (default), joint (with partners) or matching (matches another pledge)."),
		"matches":        list(id, "Ids of the pledges a matching pledge matches."),
		"contributes_to": list(id, "Ids of the multistakeholder pledges this pledge contributes to."),
		"measures":       list(obj{"enum": measures}, "Ids of the guidance measures the pledge puts into practice."),
		"forum":          enum(vocab.Forums, "The meeting at which the pledge was announced."),
		"date":           date,
		"status":         enum(vocab.Statuses, "How far the pledge has come."),
		"support":        withMin(list(obj{"enum": vocab.Values(vocab.SupportTypes)}, "The kinds of support offered."), 1),
		"financial": obj{
			"type": "object", "additionalProperties": false, "required": []string{"amount", "currency"},
			"description": "Required exactly when support includes financial.",
			"properties": obj{
				"amount":   obj{"type": "number", "exclusiveMinimum": 0, "maximum": 1e13},
				"currency": obj{"enum": vocab.Values(vocab.Currencies()), "description": "ISO 4217 code, such as USD."},
			},
		},
		"countries":            list(obj{"enum": vocab.CountryCodes()}, "ISO 3166-1 alpha-3 codes of the countries where the pledge is carried out."),
		"target_groups":        list(obj{"enum": vocab.Values(vocab.TargetGroups)}, "The people the pledge is for."),
		"gcr_objectives":       numbers(len(vocab.GCRObjectives), "Objectives of the Global Compact on Refugees, 1 to 4."),
		"sdg_targets":          list(obj{"type": "string", "enum": sdgTargets()}, `SDG targets as quoted strings, such as "16.2".`),
		"gcm_objectives":       numbers(len(vocab.GCMObjectives), "Objectives of the Global Compact for Migration, 1 to 23."),
		"hlom_recommendations": numbers(len(vocab.HLOMRecommendations), "Key recommendations of the HLOM 2021, 1 to 11."),
		"updates": obj{"type": "array", "maxItems": record.MaxListLen, "description": "Progress reports, oldest first.", "items": obj{
			"type": "object", "additionalProperties": false, "required": []string{"date", "status", "text"},
			"properties": obj{"date": date, "status": enum(vocab.Statuses, ""), "text": str(record.MaxUpdateLen, "")},
		}},
		"links": obj{"type": "array", "maxItems": record.MaxListLen, "items": obj{
			"type": "object", "additionalProperties": false, "required": []string{"title", "url"},
			"properties": obj{"title": line(record.MaxTitleLen, ""), "url": obj{"type": "string", "pattern": urlPattern, "maxLength": 2000}},
		}},
		"contact": obj{"type": "object", "additionalProperties": false, "required": []string{"name", "email"},
			"properties": obj{"name": line(record.MaxNameLen, ""), "email": obj{"type": "string", "pattern": emailPattern, "maxLength": 254}}},
		"key_outcome": str(record.MaxDescriptionLen, "The key outcome of a multistakeholder pledge, in Markdown."),
		"leads":       list(obj{"$ref": "#/$defs/entity"}, "Entities leading a multistakeholder pledge."),
		"supporters":  list(obj{"$ref": "#/$defs/entity"}, "Entities supporting a multistakeholder pledge."),
	}
	s := obj{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  ID,
		"title":                "Pledge record",
		"description":          "One pledge, contribution or multistakeholder pledge: a YAML file under pledges/ named <id>.yaml.",
		"type":                 "object",
		"additionalProperties": false,
		"required":             []string{"id", "kind", "title", "summary", "entity", "forum", "date"},
		"properties":           props,
		"$defs": obj{
			"entity": obj{
				"type": "object", "additionalProperties": false, "required": []string{"name", "type"},
				"properties": obj{
					"name":    line(record.MaxNameLen, "The entity's name."),
					"type":    enum(vocab.StakeholderTypes, "The type of stakeholder."),
					"country": obj{"enum": vocab.CountryCodes(), "description": "ISO 3166-1 alpha-3 code."},
				},
			},
		},
		"allOf": []obj{
			{ // A pledge has a status and support; a multistakeholder pledge has neither.
				"if":   obj{"properties": obj{"kind": obj{"type": "string", "const": "pledge"}}, "required": []string{"kind"}},
				"then": obj{"required": []string{"status", "support"}, "not": anyRequired("key_outcome", "leads", "supporters")},
				"else": obj{"not": anyRequired("status", "support", "financial")},
			},
			{ // financial exactly when support includes financial.
				"if":   obj{"properties": obj{"support": obj{"type": "array", "contains": obj{"const": "financial"}}}, "required": []string{"support"}},
				"then": obj{"required": []string{"financial"}},
				"else": obj{"not": obj{"required": []string{"financial"}}},
			},
			{ // matching pledges name what they match; others do not.
				"if":   obj{"properties": obj{"pledge_type": obj{"type": "string", "const": "matching"}}, "required": []string{"pledge_type"}},
				"then": obj{"required": []string{"matches"}, "properties": obj{"matches": obj{"type": "array", "minItems": 1}}},
				"else": obj{"not": obj{"required": []string{"matches"}}},
			},
			{ // joint pledges have partners.
				"if":   obj{"properties": obj{"pledge_type": obj{"type": "string", "const": "joint"}}, "required": []string{"pledge_type"}},
				"then": obj{"required": []string{"partners"}, "properties": obj{"partners": obj{"type": "array", "minItems": 1}}},
			},
		},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	err := enc.Encode(s)
	return buf.Bytes(), err
}

func withDesc(o obj, d string) obj {
	out := obj{}
	for k, v := range o {
		out[k] = v
	}
	out["description"] = d
	return out
}

func withMin(o obj, n int) obj {
	o["minItems"] = n
	return o
}

func anyRequired(fields ...string) obj {
	var any []obj
	for _, f := range fields {
		any = append(any, obj{"required": []string{f}})
	}
	return obj{"anyOf": any}
}

// sdgTargets lists the 169 SDG targets, goal by goal: an editor offers
// them, and the form refuses one that does not exist.
func sdgTargets() []string {
	var out []string
	for g, c := range vocab.SDGTargets {
		for i := 1; i <= c[0]; i++ {
			out = append(out, fmt.Sprintf("%d.%d", g+1, i))
		}
		for i := range c[1] {
			out = append(out, fmt.Sprintf("%d.%c", g+1, 'a'+i))
		}
	}
	return out
}
