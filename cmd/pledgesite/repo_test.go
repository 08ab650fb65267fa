package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"pledgesite/generator"
	"pledgesite/generator/diag"
	"pledgesite/generator/record"
	"pledgesite/generator/vocab"
)

// The repository's GitHub files: workflows, issue forms and the pull
// request template. GitHub only reports mistakes in them once they are
// pushed, so their structure is checked here.

// githubFiles parses every .yml and .yaml file under .github, by path
// relative to .github.
func githubFiles(t *testing.T) map[string]map[string]any {
	t.Helper()
	root := filepath.Join(moduleRoot(t), ".github")
	files := map[string]map[string]any{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		var doc map[string]any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Errorf(".github/%s: %v", rel, err)
			return nil
		}
		if doc == nil {
			t.Errorf(".github/%s is empty", rel)
			return nil
		}
		files[filepath.ToSlash(rel)] = doc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"workflows/check.yml", "workflows/deploy.yml", "ISSUE_TEMPLATE/config.yml", "ISSUE_TEMPLATE/propose-a-pledge.yml"} {
		if files[want] == nil {
			t.Errorf(".github/%s is missing", want)
		}
	}
	return files
}

// Small accessors over decoded YAML, failing softly on the wrong shape.

func ghMap(v any, keys ...string) map[string]any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	m, _ := v.(map[string]any)
	return m
}

func ghList(v any) []any {
	l, _ := v.([]any)
	return l
}

func ghStr(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

type wfStep struct {
	job  string
	uses string
	run  string
	with map[string]any
}

var ghPinnedAction = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[A-Za-z0-9_./-]+)?@v[0-9]+$`)

// wfSteps checks the common structure of a workflow and returns its
// steps.
func wfSteps(t *testing.T, name string, wf map[string]any) []wfStep {
	t.Helper()
	if ghStr(wf["name"]) == "" {
		t.Errorf("%s: no name", name)
	}
	if wf["on"] == nil {
		t.Errorf("%s: no \"on\" (the events that run it)", name)
	}
	jobs := ghMap(wf, "jobs")
	if len(jobs) == 0 {
		t.Fatalf("%s: no jobs", name)
	}
	var steps []wfStep
	for id, j := range jobs {
		job := ghMap(j)
		if job == nil {
			t.Errorf("%s: job %s is not a mapping", name, id)
			continue
		}
		if ghStr(job["runs-on"]) == "" {
			t.Errorf("%s: job %s has no runs-on", name, id)
		}
		list := ghList(job["steps"])
		if len(list) == 0 {
			t.Errorf("%s: job %s has no steps", name, id)
		}
		for i, s := range list {
			m := ghMap(s)
			st := wfStep{job: id, uses: ghStr(m["uses"]), run: ghStr(m["run"]), with: ghMap(m, "with")}
			switch {
			case m == nil:
				t.Errorf("%s: job %s step %d is not a mapping", name, id, i+1)
			case (st.uses == "") == (st.run == ""):
				t.Errorf("%s: job %s step %d must have either uses or run", name, id, i+1)
			case st.uses != "" && !ghPinnedAction.MatchString(st.uses):
				t.Errorf("%s: job %s step %d: %q is not pinned to a major version tag such as @v4", name, id, i+1, st.uses)
			}
			steps = append(steps, st)
		}
	}
	return steps
}

func findWFStep(steps []wfStep, uses string) (wfStep, bool) {
	for _, s := range steps {
		if strings.HasPrefix(s.uses, uses+"@") {
			return s, true
		}
	}
	return wfStep{}, false
}

func wfRuns(steps []wfStep, re string) bool {
	r := regexp.MustCompile(re)
	return slices.ContainsFunc(steps, func(s wfStep) bool { return r.MatchString(s.run) })
}

func TestRepoWorkflows(t *testing.T) {
	files := githubFiles(t)
	for name, wf := range files {
		// check.yml and deploy.yml are checked in full below.
		if strings.HasPrefix(name, "workflows/") && name != "workflows/check.yml" && name != "workflows/deploy.yml" {
			wfSteps(t, name, wf)
		}
	}

	t.Run("check", func(t *testing.T) {
		wf := files["workflows/check.yml"]
		if wf == nil {
			t.Skip("missing")
		}
		steps := wfSteps(t, "check.yml", wf)
		if !slices.Contains(wfTriggers(wf), "pull_request") {
			t.Errorf("check.yml does not run on pull_request: on = %v", wf["on"])
		}
		checkout := slices.IndexFunc(steps, func(s wfStep) bool { return strings.HasPrefix(s.uses, "actions/checkout@") })
		build := slices.IndexFunc(steps, func(s wfStep) bool { return strings.Contains(s.run, "go build") })
		if checkout < 0 || build < checkout {
			t.Error("check.yml must check out the repository before building")
		}
		if s, ok := findWFStep(steps, "actions/setup-go"); !ok || ghStr(s.with["go-version-file"]) != "go.mod" {
			t.Error("check.yml must set up Go with go-version-file: go.mod")
		}
		if s, ok := findWFStep(steps, "actions/setup-node"); !ok || ghStr(s.with["node-version"]) != "20" || ghStr(s.with["cache"]) != "npm" {
			t.Error("check.yml must set up Node.js 20 with the npm cache")
		}
		if !wfRuns(steps, `(?m)^go build -o bin/pledgesite \./cmd/pledgesite$`) {
			t.Error("check.yml does not build bin/pledgesite")
		}
		if !wfRuns(steps, `(?m)^\./bin/pledgesite check --format github$`) {
			t.Error("check.yml does not run ./bin/pledgesite check --format github")
		}
		if !wfRuns(steps, `(?m)^make test$`) {
			t.Error("check.yml does not run make test")
		}
	})

	t.Run("deploy", func(t *testing.T) {
		wf := files["workflows/deploy.yml"]
		if wf == nil {
			t.Skip("missing")
		}
		steps := wfSteps(t, "deploy.yml", wf)
		on := ghMap(wf, "on")
		if !slices.ContainsFunc(ghList(ghMap(on, "push")["branches"]), func(b any) bool { return ghStr(b) == "main" }) {
			t.Errorf("deploy.yml does not run on push to main: on = %v", wf["on"])
		}
		if !slices.Contains(wfTriggers(wf), "workflow_dispatch") {
			t.Error("deploy.yml cannot be run by hand (workflow_dispatch)")
		}
		if s, ok := findWFStep(steps, "actions/checkout"); !ok || ghStr(s.with["fetch-depth"]) != "0" {
			t.Error("deploy.yml must check out the full history (fetch-depth: 0): the sitemap's lastmod comes from it")
		}
		if s, ok := findWFStep(steps, "actions/cache"); !ok || ghStr(s.with["path"]) != "~/.cache/pledgesite" || ghStr(s.with["restore-keys"]) == "" {
			t.Error("deploy.yml should restore ~/.cache/pledgesite from the last build (actions/cache with restore-keys): the page dates are kept there")
		}
		for _, a := range []string{"actions/setup-go", "actions/setup-node", "actions/configure-pages", "actions/deploy-pages"} {
			if _, ok := findWFStep(steps, a); !ok {
				t.Errorf("deploy.yml does not use %s", a)
			}
		}
		if s, ok := findWFStep(steps, "actions/upload-pages-artifact"); !ok || ghStr(s.with["path"]) != "public" {
			t.Error("deploy.yml must upload public/ with actions/upload-pages-artifact")
		}
		if !wfRuns(steps, `(?m)^make build$`) {
			t.Error("deploy.yml does not run make build")
		}
		perms := ghMap(wf, "permissions")
		if ghStr(perms["pages"]) != "write" || ghStr(perms["id-token"]) != "write" {
			t.Errorf("deploy.yml needs permissions pages: write and id-token: write, has %v", perms)
		}
		if ghStr(ghMap(wf, "concurrency")["group"]) == "" {
			t.Error("deploy.yml has no concurrency group")
		}
	})
}

// wfTriggers lists the events of a workflow's "on", which may be one event,
// a list of events or a mapping of events to their settings.
func wfTriggers(wf map[string]any) []string {
	switch on := wf["on"].(type) {
	case string:
		return []string{on}
	case []any:
		var out []string
		for _, e := range on {
			out = append(out, ghStr(e))
		}
		return out
	case map[string]any:
		var out []string
		for e := range on {
			out = append(out, e)
		}
		return out
	}
	return nil
}

var ghFormItemID = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func TestRepoIssueForms(t *testing.T) {
	files := githubFiles(t)
	forms := 0
	for name, form := range files {
		if !strings.HasPrefix(name, "ISSUE_TEMPLATE/") || name == "ISSUE_TEMPLATE/config.yml" {
			continue
		}
		forms++
		for _, k := range []string{"name", "description"} {
			if ghStr(form[k]) == "" {
				t.Errorf("%s: %s is missing", name, k)
			}
		}
		body := ghList(form["body"])
		if len(body) == 0 {
			t.Errorf("%s: body is missing or empty", name)
		}
		ids := map[string]bool{}
		for i, it := range body {
			item := ghMap(it)
			typ := ghStr(item["type"])
			attrs := ghMap(item, "attributes")
			id := ghStr(item["id"])
			where := fmt.Sprintf("%s: body item %d (%s %s)", name, i+1, typ, id)
			switch typ {
			case "markdown":
				if ghStr(attrs["value"]) == "" {
					t.Errorf("%s: attributes.value is missing", where)
				}
				continue
			case "input", "textarea", "dropdown", "checkboxes":
			default:
				t.Errorf("%s: type %q is not markdown, input, textarea, dropdown or checkboxes", where, typ)
				continue
			}
			if !ghFormItemID.MatchString(id) {
				t.Errorf("%s: id %q must be letters, digits, - and _", where, id)
			}
			if ids[id] {
				t.Errorf("%s: id %q is used twice", where, id)
			}
			ids[id] = true
			if ghStr(attrs["label"]) == "" {
				t.Errorf("%s: attributes.label is missing", where)
			}
			switch typ {
			case "dropdown":
				opts := ghList(attrs["options"])
				seen := map[string]bool{}
				for _, o := range opts {
					if s := ghStr(o); s == "" || seen[s] {
						t.Errorf("%s: empty or repeated option %q", where, s)
					} else {
						seen[s] = true
					}
				}
				if len(opts) == 0 {
					t.Errorf("%s: no options", where)
				}
			case "checkboxes":
				opts := ghList(attrs["options"])
				if len(opts) == 0 {
					t.Errorf("%s: no options", where)
				}
				for _, o := range opts {
					if ghStr(ghMap(o)["label"]) == "" {
						t.Errorf("%s: an option has no label", where)
					}
				}
			}
		}
	}
	if forms == 0 {
		t.Fatal("no issue forms under .github/ISSUE_TEMPLATE")
	}

	form := files["ISSUE_TEMPLATE/propose-a-pledge.yml"]
	if form == nil {
		t.Fatal("propose-a-pledge.yml is missing")
	}
	if !slices.ContainsFunc(ghList(form["labels"]), func(l any) bool { return ghStr(l) == "pledge-proposal" }) {
		t.Errorf("propose-a-pledge.yml: labels = %v, want pledge-proposal", form["labels"])
	}
	items := map[string]map[string]any{}
	for _, it := range ghList(form["body"]) {
		items[ghStr(ghMap(it)["id"])] = ghMap(it)
	}
	for _, id := range []string{"title", "entity", "entity-type", "countries", "summary", "measures", "contact"} {
		if items[id] == nil {
			t.Errorf("propose-a-pledge.yml: no body item with id %q", id)
		}
	}
	var opts []string
	for _, o := range ghList(ghMap(items["entity-type"], "attributes")["options"]) {
		opts = append(opts, ghStr(o))
	}
	labels := make([]string, len(vocab.StakeholderTypes))
	for i, term := range vocab.StakeholderTypes {
		labels[i] = term.Label
	}
	if ghStr(items["entity-type"]["type"]) != "dropdown" ||
		!slices.Equal(opts, labels) && !slices.Equal(opts, vocab.Values(vocab.StakeholderTypes)) {
		t.Errorf("propose-a-pledge.yml: the entity-type dropdown must offer the stakeholder types of package vocab\n got %q\nwant %q", opts, labels)
	}

	cfg := files["ISSUE_TEMPLATE/config.yml"]
	if _, ok := cfg["blank_issues_enabled"].(bool); !ok {
		t.Errorf("config.yml: blank_issues_enabled = %v, want true or false", cfg["blank_issues_enabled"])
	}
	site, err := os.ReadFile(filepath.Join(moduleRoot(t), "site.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var sc struct {
		BaseURL string `yaml:"base_url"`
	}
	if err := yaml.Unmarshal(site, &sc); err != nil {
		t.Fatal(err)
	}
	submit := strings.TrimSuffix(sc.BaseURL, "/") + "/submit/"
	links := ghList(cfg["contact_links"])
	for _, l := range links {
		m := ghMap(l)
		if ghStr(m["name"]) == "" || ghStr(m["about"]) == "" || !strings.HasPrefix(ghStr(m["url"]), "https://") {
			t.Errorf("config.yml: contact link %v needs name, about and an https url", m)
		}
	}
	if !slices.ContainsFunc(links, func(l any) bool { return ghStr(ghMap(l)["url"]) == submit }) {
		t.Errorf("config.yml: no contact link to %s", submit)
	}
}

func TestRepoPullRequestTemplate(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(moduleRoot(t), ".github", "pull_request_template.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, s := range []string{"- [ ] One file per pledge", "pledges/", "file name", "make check", "fictional example", "personal data", "role address", "https://"} {
		if !strings.Contains(text, s) {
			t.Errorf("pull_request_template.md does not mention %q", s)
		}
	}
}

// contributingExample returns the first ```yaml block of CONTRIBUTING.md
// and the whole file.
func contributingExample(t *testing.T) (example []byte, doc string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(moduleRoot(t), "CONTRIBUTING.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc = string(data)
	m := regexp.MustCompile("(?ms)^```yaml\n(.*?)^```$").FindStringSubmatch(doc)
	if m == nil {
		t.Fatal("CONTRIBUTING.md has no ```yaml block")
	}
	return []byte(m[1]), doc
}

func contributingExampleID(t *testing.T, example []byte) string {
	t.Helper()
	var head struct{ ID string }
	if err := yaml.Unmarshal(example, &head); err != nil || head.ID == "" {
		t.Fatalf("the worked example has no id: %v", err)
	}
	return head.ID
}

// TestContributingExample checks that the worked example is a valid record
// on its own and among the shipped records and guidance.
func TestContributingExample(t *testing.T) {
	example, _ := contributingExample(t)
	id := contributingExampleID(t, example)
	p, errs := record.Decode(record.Dir+"/"+id+".yaml", example)
	if len(errs) > 0 {
		t.Fatalf("the worked example has problems:\n%v", errs)
	}
	if !p.IsContribution() || !strings.Contains(p.Entity.Name, "(fictional example)") {
		t.Errorf("the worked example should be a contribution by a fictional entity: %v, %q", p.ContributesTo, p.Entity.Name)
	}
	if p.Contact == nil || len(p.Updates) == 0 || len(p.Measures) == 0 || len(p.Countries) == 0 {
		t.Error("the worked example should show contact, updates, measures and countries")
	}

	src, _ := generator.Load(os.DirFS(moduleRoot(t)), "")
	if errs := record.CheckRefs(append(slices.Clone(src.Records), p), src.Content.MeasureTitles()); len(errs) > 0 {
		t.Errorf("the worked example does not fit the shipped catalogue:\n%v", errs)
	}
}

// TestContributingErrorExample checks that the error message shown in
// CONTRIBUTING.md is what the check really prints for the mistakes it
// describes.
func TestContributingErrorExample(t *testing.T) {
	example, doc := contributingExample(t)
	id := contributingExampleID(t, example)
	bad := bytes.Replace(example, []byte("  type: ngo-national\n"), []byte("  type: ngo-nationl\n"), 1)
	bad = bytes.Replace(bad, []byte("countries: [UGA]\n"), []byte("countries: [Uganda]\n"), 1)
	if bytes.Equal(bad, example) {
		t.Fatal("the worked example no longer has the lines the error example changes")
	}
	_, errs := record.Decode(record.Dir+"/"+id+".yaml", bad)
	if len(errs) != 2 {
		t.Fatalf("want 2 problems, got:\n%v", errs)
	}
	var out bytes.Buffer
	if err := diag.Write(&out, errs.Sort(), diag.FormatText, func(string) []byte { return bad }); err != nil {
		t.Fatal(err)
	}
	if want := out.String() + count(len(errs)) + "\n"; !strings.Contains(doc, want) {
		t.Errorf("CONTRIBUTING.md should show the check's output exactly:\n%s", want)
	}
}
