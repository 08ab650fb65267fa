package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"pledgesite/generator/record"
)

// newTestSource copies the shipped sources (site.yaml, content/, pledges/,
// themes/) into a temporary source root.
func newTestSource(t *testing.T) string {
	t.Helper()
	root := moduleRoot(t)
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(root, "site.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "site.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"content", "pledges", "themes"} {
		if err := os.CopyFS(filepath.Join(dir, sub), os.DirFS(filepath.Join(root, sub))); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func callNew(args ...string) (stdout, stderr string, err error) {
	var out, errb bytes.Buffer
	err = cmdNew(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

// pledgeFiles lists the files under dir/pledges, to show nothing was
// written.
func pledgeFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, record.Dir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestNewUsageErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, record.Dir), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no kind", nil, "missing the kind"},
		{"no id", []string{"pledge"}, "missing the id"},
		{"no id for a contribution", []string{"contribution", "--to", "msp-trafficking-in-persons"}, "missing the id"},
		{"unknown kind", []string{"multistakeholder", "my-msp"}, `unknown kind of record "multistakeholder"`},
		{"misspelt kind", []string{"pledeg", "my-pledge"}, `(did you mean "pledge"?)`},
		{"contribution without --to", []string{"contribution", "my-pledge"}, "needs --to"},
		{"contribution with empty --to", []string{"contribution", "my-pledge", "--to="}, "needs --to"},
		{"--to on a pledge", []string{"pledge", "my-pledge", "--to", "msp-trafficking-in-persons"}, "only used with"},
		{"two ids", []string{"pledge", "my", "pledge"}, `unexpected argument "pledge"`},
		{"unknown flag", []string{"pledge", "my-pledge", "--force"}, "unknown flag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := callNew(append(tc.args, "--source", dir)...)
			if !errors.Is(err, errUsage) {
				t.Fatalf("err = %v, want a usage error", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
			if files := pledgeFiles(t, dir); len(files) > 0 {
				t.Errorf("files were written: %v", files)
			}
		})
	}
}

func TestNewHelp(t *testing.T) {
	_, stderr, err := callNew("-h")
	if !errors.Is(err, pflag.ErrHelp) {
		t.Fatalf("err = %v, want pflag.ErrHelp", err)
	}
	for _, s := range []string{"pledgesite new pledge <id>", "pledgesite new contribution <id> --to", "--source", "--to"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("help does not mention %q:\n%s", s, stderr)
		}
	}
}

func TestNewBadIDs(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, record.Dir), 0o755); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("abcdefghij-", 7)
	for _, tc := range []struct {
		id, suggest string
	}{
		{"My Safe Routes Pledge", "my-safe-routes-pledge"},
		{"ngo_safe_routes", "ngo-safe-routes"},
		{"ngo-safe-routes.yaml", "ngo-safe-routes"},
		{"pledges/ngo-safe-routes.yml", "ngo-safe-routes"},
		{"ngo--safe-routes", "ngo-safe-routes"},
		{"-ngo-safe-routes-", "ngo-safe-routes"},
		{"NGO-Safe-Routes", "ngo-safe-routes"},
		{"ngo.safe.routes", "ngo-safe-routes"},
		{"../outside", "outside"},
		{long, strings.TrimRight(long[:record.MaxIDLen], "-")},
		{"---", ""},
		{"", ""},
	} {
		t.Run(tc.id, func(t *testing.T) {
			// "--" ends the flags, so ids starting with "-" reach the check.
			_, _, err := callNew("pledge", "--source", dir, "--", tc.id)
			if !errors.Is(err, errUsage) {
				t.Fatalf("err = %v, want a usage error", err)
			}
			if !strings.Contains(err.Error(), "is not a valid id") {
				t.Errorf("err = %v", err)
			}
			hint := `(did you mean "` + tc.suggest + `"?)`
			if tc.suggest == "" {
				if strings.Contains(err.Error(), "did you mean") {
					t.Errorf("err = %v, want no suggestion", err)
				}
			} else if !strings.Contains(err.Error(), hint) {
				t.Errorf("err = %v, want %s", err, hint)
			}
			if tc.suggest != "" && !record.IDPattern.MatchString(tc.suggest) {
				t.Errorf("suggestion %q is not a valid id", tc.suggest)
			}
			if files := pledgeFiles(t, dir); len(files) > 0 {
				t.Errorf("files were written: %v", files)
			}
		})
	}
}

func TestNewRefusesExistingFile(t *testing.T) {
	dir := newTestSource(t)
	if err := os.WriteFile(filepath.Join(dir, record.Dir, "old-draft.yml"), []byte("id: old-draft\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		file string
	}{
		{[]string{"pledge", "state-ken-referral-protocol"}, "state-ken-referral-protocol.yaml"},
		{[]string{"contribution", "ngo-harbour-light-legal-aid-kenya", "--to", "msp-trafficking-in-persons"}, "ngo-harbour-light-legal-aid-kenya.yaml"},
		{[]string{"pledge", "msp-trafficking-in-persons"}, "msp-trafficking-in-persons.yaml"},
		{[]string{"pledge", "old-draft"}, "old-draft.yml"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join(dir, record.Dir, tc.file)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = callNew(append(tc.args, "--source", dir)...)
			if err == nil || errors.Is(err, errUsage) {
				t.Fatalf("err = %v, want a refusal with exit status 1", err)
			}
			if !strings.Contains(err.Error(), tc.file+" already exists") {
				t.Errorf("err = %v", err)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Error("the existing file was changed")
			}
		})
	}
}

func TestNewUnknownTo(t *testing.T) {
	dir := newTestSource(t)
	before := pledgeFiles(t, dir)
	for _, tc := range []struct {
		to   string
		want []string
	}{
		{"msp-trafficking-in-person", []string{`no multistakeholder pledge has the id "msp-trafficking-in-person"`,
			`(did you mean "msp-trafficking-in-persons"?)`, "the multistakeholder pledges are: msp-trafficking-in-persons"}},
		{"trafficking", []string{`no multistakeholder pledge has the id "trafficking"`,
			"the multistakeholder pledges are: msp-trafficking-in-persons"}},
		{"state-ken-referral-protocol", []string{`"state-ken-referral-protocol" is a pledge, not a multistakeholder pledge`,
			"the multistakeholder pledges are: msp-trafficking-in-persons"}},
	} {
		t.Run(tc.to, func(t *testing.T) {
			_, _, err := callNew("contribution", "ngo-new-contribution", "--to", tc.to, "--source", dir)
			if err == nil || errors.Is(err, errUsage) {
				t.Fatalf("err = %v, want a refusal with exit status 1", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v\nwant it to contain %s", err, w)
				}
			}
			if !strings.Contains(err.Error(), "did you mean") && strings.Contains(tc.to, "msp") {
				t.Errorf("no hint in %v", err)
			}
			if after := pledgeFiles(t, dir); !slices.Equal(before, after) {
				t.Errorf("files changed: %v", after)
			}
		})
	}
}

func TestNewNoSource(t *testing.T) {
	_, _, err := callNew("pledge", "my-pledge", "--source", filepath.Join(t.TempDir(), "missing"))
	if err == nil || errors.Is(err, errUsage) || !strings.Contains(err.Error(), "--source") {
		t.Fatalf("err = %v, want a missing-folder error that names --source", err)
	}
}

// TestNewCreatesValidRecords creates a pledge and a contribution and checks
// that each file decodes with no problem but its placeholders, which
// "pledgesite check" reports, and that the whole source root passes once
// they are replaced.
func TestNewCreatesValidRecords(t *testing.T) {
	saved := newToday
	newToday = func() string { return "2026-03-02" }
	t.Cleanup(func() { newToday = saved })

	for _, tc := range []struct {
		args []string
		id   string
		to   []string
	}{
		{[]string{"pledge", "ngo-new-shelter-pledge"}, "ngo-new-shelter-pledge", nil},
		{[]string{"contribution", "state-new-contribution-2027", "--to", "msp-trafficking-in-persons"},
			"state-new-contribution-2027", []string{"msp-trafficking-in-persons"}},
		{[]string{"pledge", "null"}, "null", nil},
	} {
		t.Run(tc.id, func(t *testing.T) {
			dir := newTestSource(t)
			stdout, stderr, err := callNew(append(tc.args, "--source", dir)...)
			if err != nil {
				t.Fatalf("new: %v\n%s", err, stderr)
			}
			path := filepath.Join(dir, record.Dir, tc.id+".yaml")
			for _, s := range []string{"created " + path, "pledgesite check --source " + dir, "make check", "CONTRIBUTING.md"} {
				if !strings.Contains(stdout, s) {
					t.Errorf("output does not mention %q:\n%s", s, stdout)
				}
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			p, errs := record.Decode(record.Dir+"/"+tc.id+".yaml", data)
			for _, e := range errs {
				if e.Rule != record.RulePlaceholder {
					t.Fatalf("the new file has problems besides its placeholders:\n%v\n%s", errs, data)
				}
			}
			if p.ID != tc.id || p.Date != "2026-03-02" || !slices.Equal(p.ContributesTo, tc.to) {
				t.Errorf("id %q date %q contributes_to %v", p.ID, p.Date, p.ContributesTo)
			}
			if !bytes.Contains(data, []byte("#   b2  Referral between asylum and anti-trafficking systems")) {
				t.Error("the measures of the guidance are not listed")
			}

			// check reports the placeholders until they are replaced.
			var out, errb bytes.Buffer
			if code := run(context.Background(), []string{"check", "--source", dir}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "still holds the template's placeholder") {
				t.Fatalf("check of the draft exited %d, want 1 with its placeholders:\n%s%s", code, out.String(), errb.String())
			}
			filled := bytes.ReplaceAll(data, []byte(record.Placeholder), []byte("Our"))
			if err := os.WriteFile(path, filled, 0o644); err != nil {
				t.Fatal(err)
			}
			out.Reset()
			errb.Reset()
			if code := run(context.Background(), []string{"check", "--source", dir}, &out, &errb); code != 0 {
				t.Fatalf("check of the finished record exited %d:\n%s%s", code, out.String(), errb.String())
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}

			// A second run refuses and leaves the file alone.
			if _, _, err := callNew(append(tc.args, "--source", dir)...); err == nil || !strings.Contains(err.Error(), "already exists") {
				t.Errorf("second run: err = %v, want a refusal", err)
			}
			if again, _ := os.ReadFile(path); !bytes.Equal(again, data) {
				t.Error("the second run changed the file")
			}
		})
	}
}
