package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"pledgesite/generator/config"
)

// submitView is what testdata/browser/submit.mjs reads off the submission
// form after filling it in.
type submitView struct {
	Errors  map[string]string `json:"errors"` // by field or group id
	Invalid []string          `json:"invalid"`
	Summary *struct {
		Title string `json:"title"`
		Items []struct {
			Text string `json:"text"`
			Href string `json:"href"`
		} `json:"items"`
		Role    string `json:"role"`
		Focused bool   `json:"focused"`
	} `json:"summary"`
	Focused string `json:"focused"`
	State   string `json:"state"`
	File    string `json:"file"`
	YAML    string `json:"yaml"`
	Open    struct {
		Enabled bool   `json:"enabled"`
		Href    string `json:"href"`
		Help    string `json:"help"`
	} `json:"open"`
}

type submitReport struct {
	Cases map[string]submitView `json:"cases"`
	Focus map[string]string     `json:"focus"`
	Copy  struct {
		Status    string `json:"status"`
		Clipboard string `json:"clipboard"`
	} `json:"copy"`
	Axe map[string][]struct {
		ID     string   `json:"id"`
		Impact string   `json:"impact"`
		Help   string   `json:"help"`
		Nodes  []string `json:"nodes"`
	} `json:"axe"`
	NoJS struct {
		FormVisible   bool `json:"formVisible"`
		NoticeVisible bool `json:"noticeVisible"`
	} `json:"nojs"`
	Overflow     map[string]int `json:"overflow"`
	CSP          []string       `json:"csp"`
	Errors       []string       `json:"errors"`
	State        string         `json:"state"`
	NoticeHidden bool           `json:"noticeHidden"`
	SuggestedID  string         `json:"suggestedID"`
}

// submitInvalid is what the form must say for each invalid case of
// submit.mjs (field or group id: message; a key ending in * matches any id
// with that prefix, for repeatable rows), and what `pledgesite check` must
// say about the record the form produced.
var submitInvalid = map[string]struct {
	errors map[string]string
	check  []string
}{
	"no-support": {
		errors: map[string]string{"support": "Choose at least one type of support"},
		check:  []string{`missing required field "support"`},
	},
	"financial-without-amount": {
		errors: map[string]string{"f-amount": "Enter the amount, such as 250000"},
		check:  []string{`missing required field "financial.amount"`},
	},
	"bad-id-and-date": {
		errors: map[string]string{
			"f-id":   "Use only lowercase letters, digits and single hyphens, such as ngo-safe-routes-2025",
			"f-date": "Use a date like 2024-03-31",
		},
		check: []string{`id "Bad_ID" is not a valid id`, `"31/12/2024" is not a real date`},
	},
	"future-date": {
		errors: map[string]string{"f-date": "The date 2099-01-01 is in the future: give the date the pledge was made"},
		check:  []string{"date: 2099-01-01 is in the future"},
	},
	"bad-link-email-match": {
		errors: map[string]string{
			"f-matches":       "No pledge on this site has the id “no-such-pledge”: copy it from the end of the pledge’s web address",
			"link-*":          "Enter a full web address starting with https://, without spaces",
			"f-contact-email": "Enter an email address such as name@example.org",
		},
		check: []string{"must be a full web address", "is not an email address", `no pledge has the id "no-such-pledge"`},
	},
}

// TestSubmitForm fills in the submission form in headless Chromium and
// checks what it says, that it has no accessibility violations, and that
// `pledgesite check` accepts the record it makes of a valid pledge and
// rejects the records of the invalid ones.
func TestSubmitForm(t *testing.T) {
	dir := buildShipped(t)
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Fatal("/usr/bin/chromium not found (run `make test`, which installs Debian's chromium)")
	}
	cfg, errs := config.Load(os.DirFS(moduleRoot(t)))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	base := serve(t, dir, "/")
	out := runNode(t, filepath.Join("testdata", "browser", "submit.mjs"), base)
	var rep submitReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("submit.mjs output: %v\n%s", err, out)
	}

	if rep.State != "ready" {
		t.Errorf("form state %q, want ready (the schema did not load?)", rep.State)
	}
	if !rep.NoticeHidden {
		t.Error("the notice that the form needs JavaScript is still shown after the script started")
	}
	for _, v := range rep.CSP {
		t.Errorf("Content-Security-Policy violation: %s", v)
	}
	for _, e := range rep.Errors {
		t.Errorf("script error: %s", e)
	}

	// Accessibility and layout.
	if len(rep.Axe) != 4 {
		t.Errorf("axe ran on %d views, want 4: %v", len(rep.Axe), slices.Sorted(maps.Keys(rep.Axe)))
	}
	for view, vs := range rep.Axe {
		for _, v := range vs {
			t.Errorf("axe %s: %s (%s): %s %v", view, v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
	if rep.NoJS.FormVisible || !rep.NoJS.NoticeVisible {
		t.Errorf("without JavaScript: form visible %v, notice visible %v; want only the notice", rep.NoJS.FormVisible, rep.NoJS.NoticeVisible)
	}
	if _, ok := rep.Overflow["after @375px"]; !ok {
		t.Error("no horizontal-scroll measure at 375px")
	}
	for view, px := range rep.Overflow {
		if px > 1 {
			t.Errorf("%s: the page is %dpx wider than the screen", view, px)
		}
	}

	// The valid pledge.
	valid, ok := rep.Cases["valid"]
	if !ok {
		t.Fatal("no valid case in the report")
	}
	if len(valid.Errors) > 0 || valid.Summary != nil {
		t.Errorf("valid pledge: errors %v, summary %+v", valid.Errors, valid.Summary)
	}
	id := rep.SuggestedID
	if id != "safe-referral-desks-for-trafficking-survivors-at-mombasa-port" {
		t.Errorf("id suggested from the title: %q", id)
	}
	if valid.Focused != "record-output-title" {
		t.Errorf("after a successful check, focus is on %q, want the record's heading", valid.Focused)
	}
	if !strings.HasPrefix(valid.YAML, "# yaml-language-server: $schema=./schema.json\nid: "+id+"\nkind: pledge\n") {
		t.Errorf("valid YAML starts:\n%s", valid.YAML)
	}
	for _, want := range []string{
		"\nsdg_targets: [\"16.2\", \"8.7\"]\n",
		"\n  name: \"Coastal Refuge Kenya: Legal Aid\"\n",
		"\ndescription: |-\n  The desks will:\n\n  - screen",
		"\nfinancial:\n  amount: 250000\n  currency: USD\n",
		"\ncountries: [KEN, UGA]\n",
	} {
		if !strings.Contains(valid.YAML, want) {
			t.Errorf("valid YAML lacks %q:\n%s", want, valid.YAML)
		}
	}
	wantHref := cfg.RepoURL + "/new/" + cfg.RepoBranch + "?filename=pledges/" + id + ".yaml&value="
	switch {
	case !valid.Open.Enabled:
		t.Error("the link to the repository's editor is disabled for a valid pledge")
	case !strings.HasPrefix(valid.Open.Href, wantHref):
		t.Errorf("open link %q, want it to start with %q", valid.Open.Href, wantHref)
	default:
		value, err := url.QueryUnescape(strings.TrimPrefix(valid.Open.Href, wantHref))
		if err != nil || value != valid.YAML {
			t.Errorf("the open link's value is not the YAML record (%v):\n%s", err, value)
		}
	}
	if rep.Copy.Status != "Copied" || rep.Copy.Clipboard != valid.YAML {
		t.Errorf("copy: status %q, clipboard:\n%s", rep.Copy.Status, rep.Copy.Clipboard)
	}

	// Keyboard focus when rows come and go, and from the summary's links.
	rowInput := regexp.MustCompile(`^link-\d+-title$`)
	if a, r := rep.Focus["afterAdd"], rep.Focus["afterRemove"]; !rowInput.MatchString(a) || !rowInput.MatchString(r) || a == r {
		t.Errorf("focus after adding a link row %q, after removing it %q: want the new row's title, then the row before's", a, r)
	}
	if got := rep.Focus["fromSummary"]; got != "f-matches" {
		t.Errorf("the summary's first link moved focus to %q, want f-matches", got)
	}

	// Typing alone (no button) shows the error once the typing pauses.
	if typing := rep.Cases["typing"]; !strings.Contains(typing.Errors["f-date"], "2026-02-30 is not a real date") || typing.Summary != nil || typing.Open.Enabled {
		t.Errorf("typing a wrong date: errors %v, summary %+v, open link enabled %v", typing.Errors, typing.Summary, typing.Open.Enabled)
	}

	// The invalid pledges.
	for name, want := range submitInvalid {
		got, ok := rep.Cases[name]
		if !ok {
			t.Errorf("%s: not in the report", name)
			continue
		}
		if !matchErrors(got.Errors, want.errors) {
			t.Errorf("%s: the form says\n  %v\nwant\n  %v", name, got.Errors, want.errors)
		}
		if got.Open.Enabled {
			t.Errorf("%s: the link to the repository's editor is enabled", name)
		}
		switch s := got.Summary; {
		case s == nil:
			t.Errorf("%s: no error summary", name)
		case s.Role != "alert" || !s.Focused:
			t.Errorf("%s: error summary role %q, focused %v", name, s.Role, s.Focused)
		case len(s.Items) != len(want.errors):
			t.Errorf("%s: the summary lists %d problems, want %d: %+v", name, len(s.Items), len(want.errors), s.Items)
		default:
			msgs := slices.Collect(maps.Values(got.Errors))
			for _, it := range s.Items {
				if !slices.Contains(msgs, it.Text) || !strings.HasPrefix(it.Href, "#") {
					t.Errorf("%s: summary item %q (%s) is not one of the field messages", name, it.Text, it.Href)
				}
			}
		}
	}

	// `pledgesite check` accepts the valid record and rejects the others.
	t.Run("check", func(t *testing.T) {
		if code, out := checkRecord(t, id, valid.YAML); code != 0 {
			t.Errorf("check of the valid record exited %d:\n%s\n%s", code, out, valid.YAML)
		}
		for name, want := range submitInvalid {
			doc := rep.Cases[name].YAML
			if doc == "" {
				continue // the page produced no YAML for it
			}
			var rec struct{ ID string }
			if err := yaml.Unmarshal([]byte(doc), &rec); err != nil {
				t.Errorf("%s: the form's YAML does not parse: %v\n%s", name, err, doc)
				continue
			}
			// A record whose id cannot be a file name goes in a file named
			// after the case, so check reads it and reports the id.
			file := rec.ID
			if !submitIDPattern.MatchString(file) {
				file = name
			}
			code, out := checkRecord(t, file, doc)
			if code == 0 {
				t.Errorf("%s: check accepted the record:\n%s", name, doc)
				continue
			}
			for _, w := range want.check {
				if !strings.Contains(out, w) {
					t.Errorf("%s: check output lacks %q:\n%s", name, w, out)
				}
			}
		}
	})
}

var submitIDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// matchErrors compares the errors shown with the wanted ones; a wanted key
// ending in * stands for one id with that prefix.
func matchErrors(got, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, msg := range want {
		if prefix, ok := strings.CutSuffix(k, "*"); ok {
			found := false
			for gk, gm := range got {
				found = found || (strings.HasPrefix(gk, prefix) && gm == msg)
			}
			if !found {
				return false
			}
		} else if got[k] != msg {
			return false
		}
	}
	return true
}

// checkRecord copies the shipped sources to a temporary folder, adds the
// record as pledges/<name>.yaml and runs `pledgesite check` on it.
func checkRecord(t *testing.T, name, doc string) (int, string) {
	t.Helper()
	root, tmp := moduleRoot(t), t.TempDir()
	for _, d := range []string{"content", "pledges", "themes"} {
		if err := os.CopyFS(filepath.Join(tmp, d), os.DirFS(filepath.Join(root, d))); err != nil {
			t.Fatal(err)
		}
	}
	site, err := os.ReadFile(filepath.Join(root, "site.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "site.yaml"), site, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "pledges", name+".yaml"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"check", "--source", tmp}, &out, &errOut)
	return code, out.String() + errOut.String()
}

// submitValidator runs testdata/browser/validator.mjs, which checks each
// document with both the form's validator and ajv.
type submitValidatorOut struct {
	Unsupported []string `json:"unsupported"`
	Results     map[string]struct {
		Form     []string `json:"form"`
		Messages []string `json:"messages"`
		Ajv      []string `json:"ajv"`
		YAML     string   `json:"yaml"`
	} `json:"results"`
}

func submitValidator(t *testing.T, schema []byte, docs map[string]any) submitValidatorOut {
	t.Helper()
	if _, err := os.Stat(filepath.Join(moduleRoot(t), "node_modules", "ajv")); err != nil {
		t.Fatal("ajv not installed (run `make test`)")
	}
	in, err := json.Marshal(map[string]any{"schema": json.RawMessage(schema), "docs": docs})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join("testdata", "browser", "validator.mjs"))
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("validator.mjs: %v\n%s", err, stderr.String())
	}
	var out submitValidatorOut
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("validator.mjs output: %v\n%s", err, stdout.String())
	}
	if len(out.Results) != len(docs) {
		t.Fatalf("validator.mjs checked %d documents, want %d", len(out.Results), len(docs))
	}
	return out
}

// submitYAMLToJSON turns a YAML node into the JSON value a schema validator
// sees: numbers become numbers, dates stay strings.
func submitYAMLToJSON(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		return submitYAMLToJSON(n.Content[0])
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = submitYAMLToJSON(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			l = append(l, submitYAMLToJSON(c))
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

func submitDeepCopy(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSubmitValidatorAgreesWithAjv runs the form's JSON Schema validator
// (submit.js, as the browser gets it) and ajv over every shipped record and
// over invalid documents, and requires them to agree on each.
func TestSubmitValidatorAgreesWithAjv(t *testing.T) {
	dir := buildShipped(t)
	schema, err := os.ReadFile(filepath.Join(dir, "schema", "pledge.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]any{}
	files, _ := filepath.Glob(filepath.Join(moduleRoot(t), "pledges", "*.yaml"))
	var base map[string]any
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var n yaml.Node
		if err := yaml.Unmarshal(data, &n); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		docs["shipped/"+name] = submitYAMLToJSON(&n)
		if name == "state-deu-match-kenya-referral" {
			base = docs["shipped/"+name].(map[string]any)
		}
	}
	if len(docs) < 10 || base == nil {
		t.Fatalf("found %d shipped records (and the matching pledge: %v)", len(docs), base != nil)
	}

	// Each case changes a copy of a valid matching pledge with financial
	// support; valid/ cases must stay valid, invalid/ ones must not.
	cases := map[string]func(d map[string]any){
		"valid/amount-with-cents":      func(d map[string]any) { d["financial"].(map[string]any)["amount"] = 1250.5 },
		"valid/title-ending-newline":   func(d map[string]any) { d["title"] = "A title\n" },
		"valid/no-optional-lists":      func(d map[string]any) { delete(d, "countries"); delete(d, "updates"); delete(d, "measures") },
		"valid/leap-day":               func(d map[string]any) { d["date"] = "2024-02-29" },
		"valid/astral-title-64":        func(d map[string]any) { d["id"] = strings.Repeat("a", 64); d["title"] = strings.Repeat("𝄞", 200) },
		"invalid/no-support":           func(d map[string]any) { delete(d, "support") },
		"invalid/empty-support":        func(d map[string]any) { d["support"] = []any{} },
		"invalid/financial-no-amount":  func(d map[string]any) { delete(d["financial"].(map[string]any), "amount") },
		"invalid/financial-not-chosen": func(d map[string]any) { d["support"] = []any{"technical"} },
		"invalid/support-no-financial": func(d map[string]any) { delete(d, "financial") },
		"invalid/amount-zero":          func(d map[string]any) { d["financial"].(map[string]any)["amount"] = 0 },
		"invalid/amount-string":        func(d map[string]any) { d["financial"].(map[string]any)["amount"] = "1800000" },
		"invalid/bad-id":               func(d map[string]any) { d["id"] = "Bad_ID" },
		"invalid/id-too-long":          func(d map[string]any) { d["id"] = strings.Repeat("a", 65) },
		"invalid/title-too-long":       func(d map[string]any) { d["title"] = strings.Repeat("𝄞", 201) },
		"invalid/not-a-real-date":      func(d map[string]any) { d["date"] = "2023-02-29" },
		"invalid/date-written-dmy":     func(d map[string]any) { d["date"] = "31/12/2024" },
		"invalid/year-out-of-range":    func(d map[string]any) { d["date"] = "1989-12-31" },
		"invalid/unknown-country":      func(d map[string]any) { d["countries"] = []any{"KEN", "XXX"} },
		"invalid/repeated-group":       func(d map[string]any) { d["target_groups"] = []any{"refugees", "refugees"} },
		"invalid/sdg-as-number":        func(d map[string]any) { d["sdg_targets"] = []any{16.2} },
		"invalid/sdg-goal-18":          func(d map[string]any) { d["sdg_targets"] = []any{"18.1"} },
		"invalid/gcr-objective-5":      func(d map[string]any) { d["gcr_objectives"] = []any{5} },
		"invalid/gcm-objective-1.5":    func(d map[string]any) { d["gcm_objectives"] = []any{1.5} },
		"invalid/matching-no-matches":  func(d map[string]any) { delete(d, "matches") },
		"invalid/matches-individual":   func(d map[string]any) { d["pledge_type"] = "individual" },
		"invalid/joint-no-partners":    func(d map[string]any) { d["pledge_type"] = "joint"; delete(d, "matches") },
		"invalid/msp-with-status":      func(d map[string]any) { d["kind"] = "multistakeholder"; delete(d, "support"); delete(d, "financial") },
		"invalid/pledge-with-leads":    func(d map[string]any) { d["leads"] = []any{map[string]any{"name": "X", "type": "state"}} },
		"invalid/unknown-field":        func(d map[string]any) { d["colour"] = "blue" },
		"invalid/entity-no-type":       func(d map[string]any) { delete(d["entity"].(map[string]any), "type") },
		"invalid/entity-bad-country":   func(d map[string]any) { d["entity"].(map[string]any)["country"] = "deu" },
		"invalid/title-two-lines":      func(d map[string]any) { d["title"] = "A title\non two lines" },
		"invalid/summary-blank":        func(d map[string]any) { d["summary"] = "   \n " },
		"invalid/control-character":    func(d map[string]any) { d["summary"] = "Bell \u0007 here" },
		"invalid/link-ftp":             func(d map[string]any) { d["links"] = []any{map[string]any{"title": "T", "url": "ftp://example.org/x"}} },
		"invalid/contact-no-dot":       func(d map[string]any) { d["contact"] = map[string]any{"name": "N", "email": "a@b"} },
		"invalid/contact-no-name":      func(d map[string]any) { d["contact"] = map[string]any{"email": "a@b.org"} },
		"invalid/update-bad-status":    func(d map[string]any) { d["updates"].([]any)[0].(map[string]any)["status"] = "done" },
		"invalid/measure-unknown":      func(d map[string]any) { d["measures"] = []any{"z9"} },
		"invalid/kind-missing":         func(d map[string]any) { delete(d, "kind") },
	}
	for name, change := range cases {
		d := submitDeepCopy(t, base)
		change(d)
		docs[name] = d
	}

	out := submitValidator(t, schema, docs)
	if len(out.Unsupported) > 0 {
		t.Errorf("the schema uses keywords submit.js does not implement: %v", out.Unsupported)
	}
	for _, name := range slices.Sorted(maps.Keys(docs)) {
		r := out.Results[name]
		formValid, ajvValid := len(r.Form) == 0, len(r.Ajv) == 0
		if formValid != ajvValid {
			t.Errorf("%s: the form's validator says valid=%v, ajv valid=%v\n form: %v\n ajv: %v", name, formValid, ajvValid, r.Form, r.Ajv)
			continue
		}
		wantValid := !strings.HasPrefix(name, "invalid/")
		if ajvValid != wantValid {
			t.Errorf("%s: valid=%v, want %v (the case is wrong): %v", name, ajvValid, wantValid, r.Ajv)
		}
		if !formValid && len(r.Messages) == 0 {
			t.Errorf("%s: invalid but no message for the user", name)
		}
		t.Logf("%s: %s", name, strings.Join(r.Messages, "; "))
	}
}

// TestSubmitYAMLRoundTrip writes awkward values with the form's YAML writer
// and reads them back with go-yaml, the parser `pledgesite` uses.
func TestSubmitYAMLRoundTrip(t *testing.T) {
	tricky := []any{
		"plain words", "yes", "No", "on", "OFF", "y", "n", "true", "False", "null", "Null", "~", "", " ",
		"123", "-12", "+1", "1.5", ".5", "1e3", "0x1F", "0o17", ".inf", "-.inf", ".NaN", "1:20", "2024-03-31",
		"2024-03-31T10:00:00Z", "16.2", "- item", "-", "--- doc", "...", "? key", ": value", "a: b", "a:b",
		"a #b", "a#b", "#comment", "'single'", "\"double\"", "it's", "say \"hi\"", "@at", "`tick`", "%pct",
		"!bang", "&anchor", "*alias", "|pipe", ">fold", "{brace}", "[bracket]", "a, b", "a [b]", "a {b}",
		" leading", "trailing ", "tab\there", "back\\slash", "=", "<<", "é ✓ 𝄞 中文", "nbsp\u00a0here",
		"line\u2028sep", "para\u2029sep", "next\u0085line", "bom\ufeff", "del\u007f", "bell\u0007",
		"https://example.org/a#frag?b=c", "pledges@example.org",
		"two\nlines", "ends\nwith newline\n", "blank\n\nlines\n", "keep\n\n", "keep more\n\n\n",
		"  indented\nfirst line", "\nleading newline", "\n\nleading blank lines\n", "spaces \n  \nline",
		"trailing spaces  \nhere  ", "tabs\n\tindented", "cr\r\nlf", "- list\n- items\n", "# heading\ntext\n",
		"a: b\nc: d\n", "\"quoted\"\nlines\n", 0, 1, -1, 2.5, 1e13, true, false, nil,
	}
	docs := map[string]any{}
	doc := map[string]any{}
	for i, v := range tricky {
		doc[fmt.Sprintf("k%03d", i)] = v
	}
	docs["scalars"] = doc
	docs["lists"] = map[string]any{
		"sdg_targets": []any{"16.2", "8.7", "1.a"},
		"countries":   []any{"KEN", "NOR", "ON"},
		"flow":        tricky,
		"empty":       []any{},
		"objects":     []any{map[string]any{"title": "a: b", "url": "https://x.org/#y"}, map[string]any{"text": "one\ntwo\n"}, map[string]any{}},
		"nested":      []any{[]any{"a", "b, c"}, []any{}},
	}
	docs["record"] = map[string]any{
		"id": "x", "kind": "pledge", "title": "Title: with colon", "description": "Para one.\n\n- item: one\n- item #2\n",
		"entity":  map[string]any{"name": "No", "type": "state", "country": "NOR"},
		"updates": []any{map[string]any{"date": "2024-01-02", "status": "planning", "text": "Multi\nline text\n"}},
		"empty":   map[string]any{},
		"colour":  "unknown fields come last",
	}
	dir := buildShipped(t)
	schema, err := os.ReadFile(filepath.Join(dir, "schema", "pledge.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := submitValidator(t, schema, docs)
	for _, name := range slices.Sorted(maps.Keys(docs)) {
		text := out.Results[name].YAML
		if !strings.HasPrefix(text, "# yaml-language-server: $schema=./schema.json\n") {
			t.Errorf("%s: YAML does not start with the schema comment:\n%s", name, text)
		}
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(text), &n); err != nil {
			t.Errorf("%s: go-yaml cannot read the form's YAML: %v\n%s", name, err, text)
			continue
		}
		got, _ := json.Marshal(submitYAMLToJSON(&n))
		want, _ := json.Marshal(docs[name])
		var g, w any
		json.Unmarshal(got, &g)
		json.Unmarshal(want, &w)
		if !jsonEqual(g, w) {
			t.Errorf("%s: read back differently.\nYAML:\n%s\ngot  %s\nwant %s", name, text, got, want)
		}
	}
	if rec := out.Results["record"].YAML; !strings.Contains(rec, "\nid: x\nkind: pledge\ntitle: \"Title: with colon\"\ndescription: |\n  Para one.\n\n  - item: one\n") ||
		!strings.HasSuffix(rec, "\ncolour: unknown fields come last\nempty: {}\n") {
		t.Errorf("record YAML is not in the order and style of the examples:\n%s", rec)
	}
}

// jsonEqual compares decoded JSON values by their canonical encoding
// (encoding/json sorts map keys).
func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
