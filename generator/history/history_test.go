package history

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func git(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// newRepo makes an empty repository, with git's and pledgesite's settings
// and caches kept from the user's.
func newRepo(t *testing.T) string {
	t.Helper()
	repo := t.TempDir()
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(repo, "no-global-config"))
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	git(t, repo, nil, "init", "-q", "-b", "main")
	git(t, repo, nil, "config", "user.name", "Test")
	git(t, repo, nil, "config", "user.email", "test@example.org")
	return repo
}

// TestDatesFromGit commits files on chosen dates in a temporary repository
// and checks that each file's date is that of its last commit, that files
// git does not know fall back to their modification time, and that a
// source root below the repository's top works and takes no date from
// files outside it.
func TestDatesFromGit(t *testing.T) {
	repo := newRepo(t)
	site := filepath.Join(repo, "site")
	write := func(name, data string) {
		p := filepath.Join(site, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	commit := func(date string, files ...string) {
		for _, f := range files {
			git(t, repo, nil, "add", filepath.Join("site", f))
		}
		env := []string{"GIT_AUTHOR_DATE=" + date + "T12:00:00Z", "GIT_COMMITTER_DATE=" + date + "T12:00:00Z"}
		git(t, repo, env, "commit", "-q", "-m", "change on "+date)
	}
	write("pledges/a.yaml", "id: a\n")
	write("pledges/b.yaml", "id: b\n")
	commit("2024-03-01", "pledges/a.yaml", "pledges/b.yaml")
	write("pledges/b.yaml", "id: b\ntitle: B\n")
	write("content/about.md", "about\n")
	commit("2025-07-15", "pledges/b.yaml", "content/about.md")
	// A file of the same name outside the source root is not a source.
	other := filepath.Join(repo, "pledges", "a.yaml")
	os.MkdirAll(filepath.Dir(other), 0o755)
	os.WriteFile(other, []byte("elsewhere\n"), 0o644)
	git(t, repo, nil, "add", other)
	env := []string{"GIT_AUTHOR_DATE=2026-01-09T12:00:00Z", "GIT_COMMITTER_DATE=2026-01-09T12:00:00Z"}
	git(t, repo, env, "commit", "-q", "-m", "outside the site")
	// A commit dated ahead, as a contributor's can be, and a file dated
	// ahead, read as the day of the build.
	write("pledges/ahead.yaml", "id: ahead\n")
	commit("2099-12-31", "pledges/ahead.yaml")
	write("pledges/new.yaml", "id: new\n") // never committed
	old := time.Date(2020, 2, 3, 4, 5, 6, 0, time.UTC)
	os.Chtimes(filepath.Join(site, "pledges", "new.yaml"), old, old)
	write("pledges/later.yaml", "id: later\n")
	later := time.Date(2098, 1, 1, 0, 0, 0, 0, time.UTC)
	os.Chtimes(filepath.Join(site, "pledges", "later.yaml"), later, later)

	d := Load(context.Background(), site)
	today := time.Now().UTC().Format(time.DateOnly)
	for path, want := range map[string]string{
		"pledges/a.yaml":     "2024-03-01",
		"pledges/b.yaml":     "2025-07-15",
		"content/about.md":   "2025-07-15",
		"pledges/ahead.yaml": today,
		"pledges/new.yaml":   "2020-02-03",
		"pledges/later.yaml": today,
		"pledges/gone.yaml":  "",
	} {
		if got := d.Of(path); got != want {
			t.Errorf("Of(%q) = %q, want %q", path, got, want)
		}
	}
	if got := d.Latest("pledges/a.yaml", "pledges/b.yaml"); got != "2025-07-15" {
		t.Errorf("Latest = %q, want 2025-07-15", got)
	}
}

// TestDatesCache: the dates are kept with their commit, taken as they are
// at that commit, extended by the commits made since, and read again from
// the whole log when the commit is no longer in the history.
func TestDatesCache(t *testing.T) {
	repo := newRepo(t)
	commit := func(date, name, data string) {
		if err := os.WriteFile(filepath.Join(repo, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		git(t, repo, nil, "add", name)
		env := []string{"GIT_AUTHOR_DATE=" + date + "T12:00:00Z", "GIT_COMMITTER_DATE=" + date + "T12:00:00Z"}
		git(t, repo, env, "commit", "-q", "-m", "change on "+date)
	}
	head := func() string {
		out, err := exec.Command("git", "-C", repo, "rev-parse", "HEAD").Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	commit("2024-03-01", "a.md", "a")
	commit("2024-04-01", "b.md", "b")
	check := func(step string, want map[string]string) {
		t.Helper()
		d := Load(context.Background(), repo)
		for path, date := range want {
			if got := d.Of(path); got != date {
				t.Errorf("%s: Of(%q) = %q, want %q", step, path, got, date)
			}
		}
	}
	check("first load", map[string]string{"a.md": "2024-03-01", "b.md": "2024-04-01"})

	// A cache that says otherwise, at this commit, is believed: the log
	// is not read again.
	top, _ := filepath.EvalSymlinks(repo)
	name := cacheFile(top, "")
	if _, err := os.Stat(name); err != nil {
		t.Fatalf("no cache after the first load: %v", err)
	}
	data, _ := encodeCache(head(), map[string]string{"a.md": "1999-01-01", "b.md": "2024-04-01"})
	os.WriteFile(name, data, 0o644)
	check("same commit", map[string]string{"a.md": "1999-01-01", "b.md": "2024-04-01"})

	// A new commit is read on top of the cache.
	commit("2025-05-05", "b.md", "b2")
	check("one commit later", map[string]string{"a.md": "1999-01-01", "b.md": "2025-05-05"})

	// A cached commit that is not in the history (after a rebase) is
	// dropped with its dates.
	data, _ = encodeCache("0123456789abcdef0123456789abcdef01234567", map[string]string{"a.md": "1999-01-01"})
	os.WriteFile(name, data, 0o644)
	check("unknown commit", map[string]string{"a.md": "2024-03-01", "b.md": "2025-05-05"})
}

func TestDecodeCacheRejects(t *testing.T) {
	for _, text := range []string{
		"",
		"pledgesite history 0\nabc\n2024-01-01 a.md\n",
		"pledgesite history 1\n\n2024-01-01 a.md\n",
		"pledgesite history 1\nabc\n2024-1-1 a.md\n",
		"pledgesite history 1\nabc\n2024-01-01\n",
		"pledgesite history 1\nabc\n2024-01-01 a.md",
	} {
		if dates, commit, ok := decodeCache(text); ok {
			t.Errorf("%q: decoded %v at %q", text, dates, commit)
		}
	}
	dates := map[string]string{"a b/c.md": "2024-01-01", "ü.md": "2025-12-31"}
	data, _ := encodeCache("abc", dates)
	if got, commit, ok := decodeCache(string(data)); !ok || commit != "abc" || !maps.Equal(got, dates) {
		t.Errorf("round trip: %v at %q (ok %v), want %v", got, commit, ok, dates)
	}
}

// TestDatesWithoutGit falls back to file times outside a repository.
func TestDatesWithoutGit(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.md")
	os.WriteFile(p, []byte("x"), 0o644)
	when := time.Date(2019, 12, 17, 9, 0, 0, 0, time.UTC)
	os.Chtimes(p, when, when)
	if got := Load(context.Background(), dir).Of("x.md"); got != "2019-12-17" {
		t.Errorf("Of(x.md) = %q, want 2019-12-17", got)
	}
}
