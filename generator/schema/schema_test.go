package schema_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"pledgesite/generator"
	"pledgesite/generator/diag"
	"pledgesite/generator/record"
)

const root = "../.."

// validBase is a complete pledge that both validators accept; each invalid
// case changes one thing.
const validBase = `id: %ID%
kind: pledge
title: Shelter beds in Nairobi
summary: Twenty beds for survivors.
entity:
  name: Fictional Shelter Network
  type: ngo-national
  country: KEN
contributes_to: [msp-trafficking-in-persons]
measures: [c1]
forum: GRF-2023
date: 2023-12-15
status: in-progress
support: [financial, material]
financial:
  amount: 120000
  currency: USD
countries: [KEN]
target_groups: [survivors]
gcr_objectives: [1]
sdg_targets: ["5.2"]
gcm_objectives: [10]
hlom_recommendations: [2]
updates:
  - date: 2024-06-30
    status: in-progress
    text: Ten beds open.
links:
  - title: Report
    url: https://example.org/report
contact:
  name: Coordinator
  email: coordinator@example.org
`

// invalid lists one record per rule both validators can see; cross-record
// rules (ids that must exist elsewhere) are the Go validator's alone.
var invalid = []struct{ name, from, to string }{
	{"missing-title", "title: Shelter beds in Nairobi\n", ""},
	{"blank-title", "title: Shelter beds in Nairobi", "title: '   '"},
	{"multiline-title", "title: Shelter beds in Nairobi", "title: \"Shelter\\nbeds\""},
	{"control-char", "summary: Twenty beds for survivors.", "summary: \"Twenty\\u0007 beds\""},
	{"long-title", "title: Shelter beds in Nairobi", "title: " + strings.Repeat("x", record.MaxTitleLen+1)},
	{"unknown-field", "title: Shelter", "titel: Shelter"},
	{"bad-kind", "kind: pledge", "kind: promise"},
	{"bad-id", "id: %ID%", "id: Bad_Id"},
	{"bad-entity-type", "type: ngo-national", "type: ngo"},
	{"bad-country", "countries: [KEN]", "countries: [KE]"},
	{"bad-entity-country", "  country: KEN", "  country: Kenya"},
	{"bad-forum", "forum: GRF-2023", "forum: GRF-2024"},
	{"bad-date", "date: 2023-12-15", "date: 2023-02-30x"},
	{"date-words", "date: 2023-12-15", "date: 15 December 2023"},
	{"bad-status", "status: in-progress\nsupport", "status: done\nsupport"},
	{"missing-status", "status: in-progress\nsupport", "support"},
	{"empty-support", "support: [financial, material]", "support: []"},
	{"bad-support", "support: [financial, material]", "support: [financial, money]"},
	{"financial-missing", "financial:\n  amount: 120000\n  currency: USD\n", ""},
	{"financial-unneeded", "support: [financial, material]", "support: [material]"},
	{"bad-amount", "amount: 120000", "amount: -5"},
	{"amount-text", "amount: 120000", "amount: lots"},
	{"bad-currency", "currency: USD", "currency: DOLLARS"},
	{"bad-target-group", "target_groups: [survivors]", "target_groups: [victims]"},
	{"gcr-range", "gcr_objectives: [1]", "gcr_objectives: [5]"},
	{"gcm-range", "gcm_objectives: [10]", "gcm_objectives: [24]"},
	{"hlom-range", "hlom_recommendations: [2]", "hlom_recommendations: [0]"},
	{"sdg-form", `sdg_targets: ["5.2"]`, `sdg_targets: ["five"]`},
	{"sdg-goal", `sdg_targets: ["5.2"]`, `sdg_targets: ["18.1"]`},
	{"duplicate-tag", "countries: [KEN]", "countries: [KEN, KEN]"},
	{"bad-measure", "measures: [c1]", "measures: [z9]"},
	{"bad-url", "url: https://example.org/report", "url: javascript:alert(1)"},
	{"bad-email", "email: coordinator@example.org", "email: coordinator"},
	// Links and emails: the schema's host pattern and record.PublicHost.
	{"url-http", "url: https://example.org/report", "url: http://example.org/report"},
	{"url-second-bad-escape", "url: https://example.org/report", "url: https://example.org/a%20b%zz"},
	{"url-local-in-capitals", "url: https://example.org/report", "url: https://printer.LOCAL/x"},
	{"url-address", "url: https://example.org/report", "url: https://10.0.0.1/x"},
	{"url-short-address", "url: https://example.org/report", "url: https://127.1/"},
	{"url-user", "url: https://example.org/report", "url: https://user:pw@example.org/"},
	{"url-soft-hyphen", "url: https://example.org/report", "url: \"https://ex\\u00adample.org/\""},
	{"url-bidi", "url: https://example.org/report", "url: \"https://a\\u202eb.org/\""},
	{"url-long-label", "url: https://example.org/report", "url: https://" + strings.Repeat("a", 64) + ".org/"},
	{"url-underscore", "url: https://example.org/report", "url: https://ex_ample.org/"},
	{"email-dots", "email: coordinator@example.org", "email: a..b@example.org"},
	{"email-local-host", "email: coordinator@example.org", "email: a@x.LOCAL"},
	{"email-address", "email: coordinator@example.org", "email: a@192.168.0.1"},
	{"email-bare-host", "email: coordinator@example.org", "email: coordinator@riverside"},
	{"update-status", "    status: in-progress\n    text", "    status: ongoing\n    text"},
	{"update-missing-text", "    text: Ten beds open.\n", ""},
	{"matching-without-matches", "kind: pledge", "kind: pledge\npledge_type: matching"},
	{"matches-not-matching", "kind: pledge", "kind: pledge\nmatches: [state-ken-referral-protocol]"},
	{"joint-without-partners", "kind: pledge", "kind: pledge\npledge_type: joint"},
	{"msp-field-on-pledge", "kind: pledge", "kind: pledge\nkey_outcome: More protection."},
	{"pledge-field-on-msp", "kind: pledge", "kind: multistakeholder"},
	{"entity-not-mapping", "entity:\n  name: Fictional Shelter Network\n  type: ngo-national\n  country: KEN", "entity: Fictional Shelter Network"},
	{"list-not-list", "countries: [KEN]", "countries: KEN"},
}

func TestSchemaFileIsCurrent(t *testing.T) {
	src, errs := generator.Load(os.DirFS(root), "")
	if len(errs) > 0 {
		t.Fatalf("shipped sources have problems:\n%v", errs)
	}
	want, err := generator.Schema(src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root, record.Dir, "schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("pledges/schema.json is out of date: run `make schema`")
	}
}

// TestSchemaAgreesWithValidator runs the Go validator and ajv over every
// shipped record and every invalid case and requires the same verdict.
func TestSchemaAgreesWithValidator(t *testing.T) {
	src, errs := generator.Load(os.DirFS(root), "")
	if len(errs) > 0 {
		t.Fatalf("shipped sources have problems:\n%v", errs)
	}
	sch, err := generator.Schema(src)
	if err != nil {
		t.Fatal(err)
	}
	measures := src.Content.MeasureTitles()

	type doc struct {
		path string
		data []byte
	}
	var docs []doc
	files, _ := filepath.Glob(filepath.Join(root, record.Dir, "*.yaml"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, doc{record.Dir + "/" + filepath.Base(f), data})
	}
	if len(docs) < 30 {
		t.Fatalf("found %d shipped records, want at least 30", len(docs))
	}
	base := strings.ReplaceAll(validBase, "%ID%", "valid-base")
	docs = append(docs, doc{"pledges/valid-base.yaml", []byte(base)})
	for _, c := range invalid {
		id := "case-" + c.name
		text := strings.ReplaceAll(validBase, "%ID%", id)
		if !strings.Contains(text, strings.ReplaceAll(c.from, "%ID%", id)) {
			t.Fatalf("case %s: %q not in the base record", c.name, c.from)
		}
		text = strings.Replace(text, strings.ReplaceAll(c.from, "%ID%", id), c.to, 1)
		docs = append(docs, doc{"pledges/" + id + ".yaml", []byte(text)})
	}

	// Valid but unusual: both validators must accept these.
	for i, v := range []struct{ from, to string }{
		{"url: https://example.org/report", "url: https://उदाहरण.भारत/report"},
		{"url: https://example.org/report", "url: https://example.org.:8443/a%20b?c=d#e"},
		{"email: coordinator@example.org", "email: coordinator@пример.рф"},
	} {
		id := fmt.Sprintf("valid-unusual-%d", i)
		text := strings.Replace(strings.ReplaceAll(validBase, "%ID%", id), v.from, v.to, 1)
		docs = append(docs, doc{"pledges/" + id + ".yaml", []byte(text)})
	}

	goVerdict := map[string]diag.List{}
	jsonDocs := map[string]any{}
	for _, d := range docs {
		rec, errs := record.Decode(d.path, d.data)
		if rec != nil {
			for _, e := range record.CheckRefs([]*record.Pledge{rec}, measures) {
				if e.Rule == record.RuleUnknownMeas {
					errs = append(errs, e)
				}
			}
		}
		goVerdict[d.path] = errs
		var n yaml.Node
		if err := yaml.Unmarshal(d.data, &n); err != nil {
			t.Fatalf("%s: %v", d.path, err)
		}
		jsonDocs[d.path] = toJSON(n.Content[0])
	}

	ajv := runAjv(t, sch, jsonDocs)
	for _, d := range docs {
		g, j := goVerdict[d.path], ajv[d.path]
		shouldFail := strings.Contains(d.path, "/case-")
		switch {
		case (len(g) == 0) != (len(j) == 0):
			t.Errorf("%s: validators disagree:\n  go:  %v\n  ajv: %v", d.path, g, j)
		case shouldFail && len(g) == 0:
			t.Errorf("%s: invalid case accepted by both validators", d.path)
		case !shouldFail && len(g) > 0:
			t.Errorf("%s: valid record rejected:\n  go:  %v\n  ajv: %v", d.path, g, j)
		}
	}
}

// toJSON converts a YAML node to the value a JSON Schema validator sees:
// scalars by their resolved tag, dates kept as the text written.
func toJSON(n *yaml.Node) any {
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = toJSON(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			l = append(l, toJSON(c))
		}
		return l
	}
	switch n.ShortTag() {
	case "!!int", "!!float":
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return f
		}
	case "!!bool":
		return n.Value == "true"
	case "!!null":
		return nil
	}
	return n.Value
}

func runAjv(t *testing.T, schema []byte, docs map[string]any) map[string][]string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(root, "node_modules", "ajv")); err != nil {
		t.Fatal("ajv not installed (run `make test`)")
	}
	in, err := json.Marshal(map[string]any{"schema": json.RawMessage(schema), "docs": docs})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join("testdata", "ajv.mjs"))
	cmd.Stdin = bytes.NewReader(in)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ajv: %v\n%s", err, stderr.String())
	}
	var res map[string][]string
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("ajv output: %v\n%s", err, out.String())
	}
	return res
}
