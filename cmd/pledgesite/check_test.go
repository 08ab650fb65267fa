package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// checkBase is a valid contribution; each case below breaks one thing. Its
// line numbers are what the cases' positions count from.
const checkBase = `# yaml-language-server: $schema=./schema.json
id: %s
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
support: [technical]
countries: [KEN]
sdg_targets: ["5.2"]
links:
  - title: Report
    url: https://example.org/report
contact:
  name: Coordinator
  email: pledges@example.org
`

// TestCheckReportsEveryProblem writes one broken record per rule into a
// copy of the shipped sources and runs `pledgesite check` once: it must exit
// 1 and report every problem, sorted by file and line, at the exact
// path:line:col with its rule, in each output format.
func TestCheckReportsEveryProblem(t *testing.T) {
	cases := []struct {
		name, from, to string
		line, col      int
		rule           string
	}{
		{"unknown-field", "title: Shelter", "titel: Shelter", 4, 1, "unknown-field"},
		{"missing-title", "title: Shelter beds in Nairobi\n", "", 2, 1, "required"},
		{"bad-status", "status: in-progress", "status: in progress", 14, 9, "enum"},
		{"bad-type", "  type: ngo-national", "  type: ngo", 8, 9, "enum"},
		{"bad-country", "countries: [KEN]", "countries: [KEN, Kenya]", 16, 18, "country"},
		{"bad-date", "date: 2023-12-15", "date: 2023-02-30", 13, 7, "date"},
		{"bad-forum", "forum: GRF-2023", "forum: GRF2023", 12, 8, "enum"},
		{"bad-sdg", `sdg_targets: ["5.2"]`, `sdg_targets: ["5.2", "19.1"]`, 17, 22, "sdg-target"},
		{"bad-url", "url: https://example.org/report", "url: javascript:alert(1)", 20, 10, "url"},
		{"bad-email", "email: pledges@example.org", "email: pledges", 23, 10, "email"},
		{"financial-missing", "support: [technical]", "support: [technical, financial]", 15, 1, "financial"},
		{"kind-field", "status: in-progress", "status: in-progress\nkey_outcome: More.", 15, 1, "kind-field"},
		{"bad-id-format", "id: %s", "id: Bad_Id", 2, 5, "id-format"},
		{"unknown-msp", "contributes_to: [msp-trafficking-in-persons]", "contributes_to: [msp-trafficking-in-person]", 10, 18, "unknown-ref"},
		{"unknown-measure", "measures: [c1]", "measures: [c1, z9]", 11, 16, "unknown-measure"},
		{"tab-indent", "  name: Fictional", "\tname: Fictional", 7, 2, "yaml-syntax"},
		{"duplicate-field", "forum: GRF-2023", "forum: GRF-2023\nforum: GRF-2019", 13, 1, "duplicate-field"},
		{"empty-file", "", "", 1, 1, "yaml-shape"},
	}
	src := newTestSource(t)
	var want []string
	for _, c := range cases {
		id := "check-" + c.name
		text := fmt.Sprintf(checkBase, id)
		if c.name == "empty-file" {
			text = ""
		} else {
			from := strings.ReplaceAll(c.from, "%s", id)
			if !strings.Contains(text, from) {
				t.Fatalf("%s: %q is not in the base record", c.name, from)
			}
			text = strings.Replace(text, from, c.to, 1)
		}
		if err := os.WriteFile(filepath.Join(src, "pledges", id+".yaml"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		want = append(want, fmt.Sprintf("pledges/%s.yaml:%d:%d %s", id, c.line, c.col, c.rule))
	}
	slices.Sort(want)

	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"check", "--source", src, "--format", "json"}, &stdout, &stderr); code != 1 {
		t.Fatalf("check exited %d, want 1\n%s", code, stderr.String())
	}
	var got []struct {
		File, Rule, Message string
		Line, Col           int
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("json output: %v\n%s", err, stdout.String())
	}
	var gotKeys []string
	for _, d := range got {
		gotKeys = append(gotKeys, fmt.Sprintf("%s:%d:%d %s", d.File, d.Line, d.Col, d.Rule))
	}
	if !slices.IsSorted(gotKeys) {
		t.Errorf("problems are not sorted by file and line:\n%s", strings.Join(gotKeys, "\n"))
	}
	if !slices.Equal(gotKeys, want) {
		t.Errorf("check --format json:\n got %s\nwant %s", strings.Join(gotKeys, "\n     "), strings.Join(want, "\n     "))
	}

	// The text format: compiler style, then the source line and a caret.
	stdout.Reset()
	stderr.Reset()
	if code := run(context.Background(), []string{"check", "--source", src}, &stdout, &stderr); code != 1 {
		t.Fatalf("check exited %d, want 1", code)
	}
	text := stderr.String()
	for _, s := range []string{
		"pledges/check-bad-status.yaml:14:9: status: \"in progress\" is not a valid value (did you mean \"in-progress\"?)\n    status: in progress\n            ^\n",
		"pledges/check-unknown-field.yaml:4:1: unknown field \"titel\" (did you mean \"title\"?)\n",
		fmt.Sprintf("%d problems\n", len(cases)),
	} {
		if !strings.Contains(text, s) {
			t.Errorf("text output lacks %q:\n%s", s, text)
		}
	}

	// The github format: one workflow command per problem.
	stdout.Reset()
	run(context.Background(), []string{"check", "--source", src, "--format", "github"}, &stdout, &stderr)
	if n := strings.Count(stdout.String(), "::error file=pledges/check-"); n != len(cases) {
		t.Errorf("github format has %d annotations, want %d:\n%s", n, len(cases), stdout.String())
	}
	if !strings.Contains(stdout.String(), "::error file=pledges/check-bad-status.yaml,line=14,col=9,title=enum::") {
		t.Errorf("github format lacks the bad-status annotation:\n%s", stdout.String())
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	src := moduleRoot(t)
	missing := filepath.Join(t.TempDir(), "missing")
	empty := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string // in the message
	}{
		{[]string{}, "Usage:"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"chek"}, `did you mean "check"?`},
		{[]string{"help", "bogus"}, `unknown command "bogus"`},
		{[]string{"build", "--no-such-flag"}, "unknown flag"},
		{[]string{"check", "-source", "."}, "did you mean --source?"},
		{[]string{"check", "--source", src, "--format", "xml"}, "--format"},
		{[]string{"check", "extra-argument"}, "unexpected argument"},
		{[]string{"serve", "--addr"}, "--addr"},
		{[]string{"serve", "--source", src, "--addr", "nonsense"}, "--addr nonsense: give a host and a port"},
		{[]string{"check", "--source", missing}, "no such folder"},
		{[]string{"schema", "--source", filepath.Join(src, "go.mod")}, "not a folder"},
		{[]string{"serve", "--source", missing}, "no such folder"},
		{[]string{"build", "--source", missing}, "no such folder"},
		{[]string{"check", "--source", empty}, "holds no site (no site.yaml, content/ or pledges/)"},
		{[]string{"build", "--source", empty}, "holds no site"},
		// Nothing is built over the sources: the build would remove them.
		{[]string{"build", "--source", src, "--dest", src}, "write over the sources"},
		{[]string{"build", "--source", src, "--dest", filepath.Dir(src)}, "write over the sources"},
		{[]string{"build", "--source", src, "--dest", filepath.Join(src, "pledges")}, "inside pledges"},
		{[]string{"build", "--source", src, "--base-url", "javascript:alert(1)"}, "--base-url"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), tc.args, &stdout, &stderr); code != 2 {
			t.Errorf("pledgesite %q exited %d, want 2\n%s", tc.args, code, stderr.String())
		}
		if !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("pledgesite %q printed %q, want it to say %q", tc.args, stderr.String(), tc.want)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"build", "-h"}, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "--base-url") {
		t.Errorf("build -h exited %d:\n%s", code, stderr.String())
	}
}
