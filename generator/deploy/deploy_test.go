package deploy

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// isolate makes git ignore the machine's configuration and identity, so the
// tests behave the same on a developer machine and on CI.
func isolate(t *testing.T) {
	t.Helper()
	empty := filepath.Join(t.TempDir(), "gitconfig")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GIT_CONFIG_GLOBAL", empty)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_TERMINAL_PROMPT", "0")
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",
		"GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL", "GIT_CONFIG_COUNT", "GIT_CONFIG_PARAMETERS"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// git runs git in dir and returns its trimmed output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return strings.TrimSpace(string(out))
}

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fixture is a source repository whose origin is a bare repository, and a
// built site folder outside both.
type fixture struct {
	remote, src, site string
}

func newFixture(t *testing.T, identity bool) fixture {
	t.Helper()
	isolate(t)
	root := t.TempDir()
	f := fixture{
		remote: filepath.Join(root, "remote.git"),
		src:    filepath.Join(root, "src"),
		site:   filepath.Join(root, "built", "public"),
	}
	git(t, root, "init", "--quiet", "--bare", f.remote)
	git(t, root, "init", "--quiet", "--initial-branch=main", f.src)
	if identity {
		git(t, f.src, "config", "user.name", "Site Editor")
		git(t, f.src, "config", "user.email", "editor@example.org")
	}
	writeFiles(t, f.src, map[string]string{
		"site.yaml":                      "title: Test\n",
		"content/about.md":               "# About\n",
		"pledges/p1.yaml":                "id: p1\n",
		"themes/default/layouts/a.html":  "<main></main>\n",
		"README.md":                      "readme\n",
		".gitignore":                     "/public/\n",
		"public/stale-local-output.html": "not deployed\n",
	})
	git(t, f.src, "add", "-A")
	git(t, f.src, "-c", "user.name=Setup", "-c", "user.email=setup@example.org", "commit", "--quiet", "-m", "sources")
	// A relative remote path: resolved against the top of the work tree.
	git(t, f.src, "remote", "add", "origin", "../remote.git")
	git(t, f.src, "push", "--quiet", "origin", "main")
	// Hooks of the source repository must not run on the deploy's push.
	hooks := filepath.Join(root, "hooks")
	writeFiles(t, hooks, map[string]string{"pre-push": "#!/bin/sh\nexit 1\n", "reference-transaction": "#!/bin/sh\nexit 1\n"})
	for _, h := range []string{"pre-push", "reference-transaction"} {
		if err := os.Chmod(filepath.Join(hooks, h), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	git(t, f.src, "config", "core.hooksPath", hooks)
	writeFiles(t, f.site, map[string]string{
		"index.html":            "<h1>Home</h1>\n",
		"css/site.css":          "body{}\n",
		"pledges/p1/index.html": "<h1>P1</h1>\n",
		"pledges/p2/index.html": "<h1>P2</h1>\n",
		".gitignore":            "*.css\n", // must not keep css/site.css out
	})
	return f
}

// snapshot is the observable state of the user's repository and site folder.
type snapshot struct {
	head, status, cached, refs, index, tree, site string
}

func (f fixture) snapshot(t *testing.T) snapshot {
	t.Helper()
	idx, err := os.ReadFile(filepath.Join(f.src, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	return snapshot{
		index:  fmt.Sprintf("%x", sha256.Sum256(idx)), // first: status below may refresh it
		head:   git(t, f.src, "rev-parse", "HEAD"),
		status: git(t, f.src, "--no-optional-locks", "status", "--porcelain", "--untracked-files=all", "--ignored"),
		cached: git(t, f.src, "--no-optional-locks", "diff", "--cached", "--name-status"),
		refs:   git(t, f.src, "for-each-ref"),
		tree:   listTree(t, f.src),
		site:   listTree(t, f.site),
	}
}

// listTree lists the files of a folder with their content hashes.
func listTree(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %x\n", rel, sha256.Sum256(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func remoteFiles(t *testing.T, remote, rev string) []string {
	t.Helper()
	return strings.Split(git(t, remote, "ls-tree", "-r", "--name-only", rev), "\n")
}

func TestDeployTwiceThenUnchanged(t *testing.T) {
	f := newFixture(t, true)
	ctx := context.Background()
	before := f.snapshot(t)
	mainBefore := git(t, f.remote, "rev-parse", "refs/heads/main")

	// 1. By remote name, to a branch that does not exist yet.
	r1, err := Deploy(ctx, Options{Repo: f.src, Dir: f.site, CNAME: "pledges.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if r1.Unchanged || r1.Parent != "" || r1.Branch != "gh-pages" {
		t.Errorf("first deploy: %+v, want a new branch gh-pages", r1)
	}
	if got := git(t, f.remote, "rev-parse", "refs/heads/gh-pages"); got != r1.Commit {
		t.Errorf("remote gh-pages = %s, result says %s", got, r1.Commit)
	}
	if n := git(t, f.remote, "rev-list", "--count", "gh-pages"); n != "1" {
		t.Errorf("after the first deploy gh-pages has %s commits, want 1", n)
	}
	want := []string{".gitignore", ".nojekyll", "CNAME", "css/site.css", "index.html", "pledges/p1/index.html", "pledges/p2/index.html"}
	if got := remoteFiles(t, f.remote, "gh-pages"); !slices.Equal(got, want) {
		t.Errorf("first deploy tree:\n got %q\nwant %q", got, want)
	}
	if r1.Files != len(want) {
		t.Errorf("Files = %d, want %d", r1.Files, len(want))
	}
	if got := git(t, f.remote, "cat-file", "-p", "gh-pages:CNAME"); got != "pledges.example.org" {
		t.Errorf("CNAME = %q", got)
	}
	if got := git(t, f.remote, "cat-file", "-s", "gh-pages:.nojekyll"); got != "0" {
		t.Errorf(".nojekyll has %s bytes, want 0", got)
	}
	if got := git(t, f.remote, "cat-file", "-p", "gh-pages:index.html"); got != "<h1>Home</h1>" {
		t.Errorf("index.html = %q", got)
	}
	msg := git(t, f.remote, "log", "-1", "--format=%B", "gh-pages")
	if !strings.HasPrefix(msg, "Deploy "+before.head[:7]) || !strings.Contains(msg, "from main") || !strings.Contains(msg, before.head) {
		t.Errorf("commit message %q does not name source commit %s on main", msg, before.head)
	}
	if got := git(t, f.remote, "log", "-1", "--format=%an <%ae>", "gh-pages"); got != "Site Editor <editor@example.org>" {
		t.Errorf("author = %q, want the source repository's identity", got)
	}
	if r1.Source != before.head {
		t.Errorf("Source = %q, want %q", r1.Source, before.head)
	}
	if want := f.remote + " gh-pages"; r1.Pushed != want {
		t.Errorf("Pushed = %q, want %q", r1.Pushed, want)
	}
	if after := f.snapshot(t); after != before {
		t.Errorf("the first deploy changed the user's repository or site folder:\nbefore %+v\nafter  %+v", before, after)
	}

	// 2. By URL (file://, a real transport with a shallow fetch), after
	// the site changed: one file edited, one removed, one added.
	writeFiles(t, f.site, map[string]string{"index.html": "<h1>Home v2</h1>\n", "pledges/p3/index.html": "<h1>P3</h1>\n"})
	if err := os.RemoveAll(filepath.Join(f.site, "pledges", "p2")); err != nil {
		t.Fatal(err)
	}
	before = f.snapshot(t)
	r2, err := Deploy(ctx, Options{Repo: f.src, Dir: f.site, Remote: "file://" + f.remote, Message: "second\n"})
	if err != nil {
		t.Fatal(err)
	}
	if r2.Unchanged || r2.Parent != r1.Commit || r2.Commit == r1.Commit {
		t.Errorf("second deploy: %+v, want a new commit with parent %s", r2, r1.Commit)
	}
	if n := git(t, f.remote, "rev-list", "--count", "gh-pages"); n != "2" {
		t.Errorf("after the second deploy gh-pages has %s commits, want 2", n)
	}
	if got := git(t, f.remote, "rev-parse", "gh-pages^"); got != r1.Commit {
		t.Errorf("parent of the second deploy = %s, want %s", got, r1.Commit)
	}
	if got := git(t, f.remote, "rev-parse", "gh-pages"); got != r2.Commit {
		t.Errorf("remote gh-pages = %s, result says %s", got, r2.Commit)
	}
	want = []string{".gitignore", ".nojekyll", "css/site.css", "index.html", "pledges/p1/index.html", "pledges/p3/index.html"}
	if got := remoteFiles(t, f.remote, "gh-pages"); !slices.Equal(got, want) {
		t.Errorf("second deploy tree (no CNAME asked for):\n got %q\nwant %q", got, want)
	}
	if got := git(t, f.remote, "log", "-1", "--format=%B", "gh-pages"); got != "second" {
		t.Errorf("message = %q, want the one given", got)
	}
	if after := f.snapshot(t); after != before {
		t.Errorf("the second deploy changed the user's repository or site folder:\nbefore %+v\nafter  %+v", before, after)
	}

	// 3. Nothing changed: no new commit, nothing pushed.
	r3, err := Deploy(ctx, Options{Repo: f.src, Dir: f.site})
	if err != nil {
		t.Fatal(err)
	}
	if !r3.Unchanged || r3.Commit != r2.Commit || r3.Parent != "" {
		t.Errorf("third deploy: %+v, want Unchanged at %s", r3, r2.Commit)
	}
	if n := git(t, f.remote, "rev-list", "--count", "gh-pages"); n != "2" {
		t.Errorf("after the unchanged deploy gh-pages has %s commits, want 2", n)
	}
	if got := git(t, f.remote, "rev-parse", "refs/heads/main"); got != mainBefore {
		t.Errorf("deploying moved main from %s to %s", mainBefore, got)
	}
	if got := git(t, f.remote, "for-each-ref", "--format=%(refname)"); got != "refs/heads/gh-pages\nrefs/heads/main" {
		t.Errorf("remote refs:\n%s", got)
	}
	if err := exec.Command("git", "-C", f.remote, "fsck", "--strict").Run(); err != nil {
		t.Errorf("git fsck of the remote: %v", err)
	}
}

func TestDeployOtherBranchAndFallbackIdentity(t *testing.T) {
	f := newFixture(t, false) // no identity anywhere
	r, err := Deploy(context.Background(), Options{Repo: f.src, Dir: f.site, Branch: "refs/heads/site/live", Remote: f.remote})
	if err != nil {
		t.Fatal(err)
	}
	if r.Branch != "site/live" {
		t.Errorf("Branch = %q", r.Branch)
	}
	if got := git(t, f.remote, "rev-parse", "refs/heads/site/live"); got != r.Commit {
		t.Errorf("site/live = %s, want %s", got, r.Commit)
	}
	if got := git(t, f.remote, "log", "-1", "--format=%an <%ae>|%cn <%ce>", "site/live"); got != "pledgesite <pledgesite@localhost>|pledgesite <pledgesite@localhost>" {
		t.Errorf("identity = %q, want the fallback", got)
	}
	// The user's configuration is not changed by the fallback.
	if out, err := exec.Command("git", "-C", f.src, "config", "user.name").Output(); err == nil {
		t.Errorf("user.name is now set: %s", out)
	}
}

func TestDeployRefusesDirtySource(t *testing.T) {
	f := newFixture(t, true)
	ctx := context.Background()
	// Changes outside the sources do not count.
	writeFiles(t, f.src, map[string]string{"README.md": "edited\n", "notes.txt": "x\n"})
	if err := Check(ctx, Options{Repo: f.src}); err != nil {
		t.Fatalf("changes outside the sources refused: %v", err)
	}
	writeFiles(t, f.src, map[string]string{"content/about.md": "# Edited\n", "pledges/new.yaml": "id: new\n"})
	for i := range 12 {
		writeFiles(t, f.src, map[string]string{fmt.Sprintf("themes/default/x%02d.html", i): "x"})
	}
	before := f.snapshot(t)
	_, err := Deploy(ctx, Options{Repo: f.src, Dir: f.site})
	var dirty *DirtyError
	if !errors.As(err, &dirty) || !errors.Is(err, ErrDirty) {
		t.Fatalf("err = %v, want a DirtyError", err)
	}
	if len(dirty.Files) != 14 {
		t.Errorf("dirty files = %q, want 14", dirty.Files)
	}
	msg := err.Error()
	for _, want := range []string{" M content/about.md", "?? pledges/new.yaml", "... and 4 more", "--allow-dirty"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "README.md") {
		t.Errorf("message lists a file outside the sources:\n%s", msg)
	}
	if out := git(t, f.remote, "for-each-ref", "refs/heads/gh-pages"); out != "" {
		t.Errorf("a refused deploy created gh-pages: %s", out)
	}
	r, err := Deploy(ctx, Options{Repo: f.src, Dir: f.site, AllowDirty: true})
	if err != nil {
		t.Fatalf("--allow-dirty: %v", err)
	}
	if msg := git(t, f.remote, "log", "-1", "--format=%s", "gh-pages"); !strings.Contains(msg, "uncommitted changes") {
		t.Errorf("message %q does not say the sources were dirty", msg)
	}
	if r.Commit == "" || r.Unchanged {
		t.Errorf("--allow-dirty result %+v", r)
	}
	if after := f.snapshot(t); after != before {
		t.Errorf("the deploy changed the user's repository:\nbefore %+v\nafter  %+v", before, after)
	}
}

func TestDeployRefusesUnbuiltSite(t *testing.T) {
	f := newFixture(t, true)
	empty := t.TempDir()
	writeFiles(t, empty, map[string]string{"css/site.css": "x"})
	for _, dir := range []string{"", filepath.Join(f.site, "missing"), empty} {
		_, err := Deploy(context.Background(), Options{Repo: f.src, Dir: dir})
		if !errors.Is(err, ErrNotBuilt) || !strings.Contains(err.Error(), "pledgesite build") {
			t.Errorf("Dir %q: err = %v, want ErrNotBuilt", dir, err)
		}
	}
	if out := git(t, f.remote, "for-each-ref", "refs/heads/gh-pages"); out != "" {
		t.Errorf("a refused deploy created gh-pages: %s", out)
	}
}

func TestDeployRefusesInvalidBranch(t *testing.T) {
	f := newFixture(t, true)
	for _, b := range []string{"bad..name", "-f", "HEAD", "a b", "@{-1}", "x.lock", "a:b", "trailing/", "@", "refs/heads/"} {
		_, err := Deploy(context.Background(), Options{Repo: f.src, Dir: f.site, Branch: b})
		if !errors.Is(err, ErrInvalidBranch) {
			t.Errorf("branch %q: err = %v, want ErrInvalidBranch", b, err)
		}
	}
	if out := git(t, f.remote, "for-each-ref", "--format=%(refname)"); out != "refs/heads/main" {
		t.Errorf("refused deploys left refs:\n%s", out)
	}
}

func TestDeployRemotes(t *testing.T) {
	f := newFixture(t, true)
	ctx := context.Background()
	if _, err := Deploy(ctx, Options{Repo: f.src, Dir: f.site, Remote: "upstream"}); !errors.Is(err, ErrRemote) {
		t.Errorf("unknown remote name: err = %v, want ErrRemote", err)
	}
	// A path relative to the current directory.
	t.Chdir(filepath.Dir(f.remote))
	r, err := Deploy(ctx, Options{Repo: f.src, Dir: f.site, Remote: "remote.git"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Remote != f.remote {
		t.Errorf("Remote = %q, want %q", r.Remote, f.remote)
	}
	// Credentials in a URL are never shown, not even in git's errors.
	_, err = Deploy(ctx, Options{Repo: f.src, Dir: f.site, Remote: "https://deployer:s3cret@127.0.0.1:1/repo.git"})
	if err == nil {
		t.Fatal("deploy to a closed port succeeded")
	}
	if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "deployer") {
		t.Errorf("error shows the credentials: %v", err)
	}
}

func TestDeployOutsideRepository(t *testing.T) {
	isolate(t)
	root := t.TempDir()
	remote := filepath.Join(root, "remote.git")
	git(t, root, "init", "--quiet", "--bare", remote)
	site := filepath.Join(root, "site")
	writeFiles(t, site, map[string]string{"index.html": "hi\n"})
	src := filepath.Join(root, "plain")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GIT_CEILING_DIRECTORIES", root)
	if _, err := Deploy(context.Background(), Options{Repo: src, Dir: site, Remote: remote}); !errors.Is(err, ErrNotRepo) {
		t.Errorf("err = %v, want ErrNotRepo", err)
	}
	r, err := Deploy(context.Background(), Options{Repo: src, Dir: site, Remote: remote, AllowDirty: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Files != 2 || r.Source != "" {
		t.Errorf("result %+v", r)
	}
	if msg := git(t, remote, "log", "-1", "--format=%s", "gh-pages"); msg != "Deploy site" {
		t.Errorf("message = %q", msg)
	}
}

func TestDeployRedact(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:pa@ss@host/x.git":            "https://host/x.git",
		"fatal: unable to access 'https://tok@h/'": "fatal: unable to access 'https://h/'",
		"git@github.com:o/r.git":                   "git@github.com:o/r.git",
		"/srv/git/r.git":                           "/srv/git/r.git",
		"ssh://git@host:22/r.git and http://a:b@c": "ssh://host:22/r.git and http://c",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDeployRefusesIgnoredSources checks that a source file git ignores,
// which a build reads all the same, counts as uncommitted; editor backups
// and tools' folders that no build reads do not.
func TestDeployRefusesIgnoredSources(t *testing.T) {
	f := newFixture(t, true)
	ctx := context.Background()
	writeFiles(t, f.src, map[string]string{
		".git/info/exclude":                  "content/draft-notes.md\n*.swp\n*~\nnode_modules/\n",
		"pledges/.x.yaml.swp":                "editor state",
		"content/about.md~":                  "backup",
		"themes/default/node_modules/x/a.js": "tool",
	})
	if err := Check(ctx, Options{Repo: f.src}); err != nil {
		t.Fatalf("an ignored editor file refused: %v", err)
	}
	writeFiles(t, f.src, map[string]string{"content/draft-notes.md": "# Draft\n"})
	err := Check(ctx, Options{Repo: f.src})
	var dirty *DirtyError
	if !errors.As(err, &dirty) || len(dirty.Files) != 1 || !strings.Contains(dirty.Files[0], "content/draft-notes.md") {
		t.Fatalf("err = %v, want the ignored page listed as uncommitted", err)
	}
}

// TestDeployRefusesLinksAndRepositories checks a --dir folder holding a
// symbolic link or a repository of its own: git would publish the link
// (pointing anywhere) or an empty submodule, not files.
func TestDeployRefusesLinksAndRepositories(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(t *testing.T, site string)
		want string
	}{
		{"a link", func(t *testing.T, site string) {
			if err := os.Symlink("/etc/passwd", filepath.Join(site, "passwd")); err != nil {
				t.Fatal(err)
			}
		}, "passwd is a symbolic link"},
		{"a repository", func(t *testing.T, site string) {
			writeFiles(t, site, map[string]string{"nested/f.txt": "x"})
			git(t, filepath.Join(site, "nested"), "init", "-q")
			git(t, filepath.Join(site, "nested"), "add", "f.txt")
			git(t, filepath.Join(site, "nested"), "-c", "user.name=a", "-c", "user.email=a@example.org", "commit", "-qm", "x")
		}, "nested is a git repository of its own"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, true)
			tc.make(t, f.site)
			_, err := Deploy(context.Background(), Options{Repo: f.src, Dir: f.site})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if out := git(t, f.remote, "for-each-ref", "refs/heads/gh-pages"); out != "" {
				t.Errorf("a refused deploy created gh-pages: %s", out)
			}
		})
	}
}

// TestDeployTakesTheSourcesIdentity checks an identity the user's git
// config gives the source repository through includeIf "gitdir:": the
// private repository would judge the condition against itself.
func TestDeployTakesTheSourcesIdentity(t *testing.T) {
	f := newFixture(t, false)
	inc := filepath.Join(t.TempDir(), "work.inc")
	writeFiles(t, filepath.Dir(inc), map[string]string{"work.inc": "[user]\n\tname = Work Person\n\temail = work@example.org\n"})
	global := filepath.Join(t.TempDir(), "gitconfig")
	writeFiles(t, filepath.Dir(global), map[string]string{"gitconfig": "[includeIf \"gitdir:" + f.src + "/\"]\n\tpath = " + inc + "\n"})
	t.Setenv("GIT_CONFIG_GLOBAL", global)
	if _, err := Deploy(context.Background(), Options{Repo: f.src, Dir: f.site}); err != nil {
		t.Fatal(err)
	}
	if got := git(t, f.remote, "log", "-1", "--format=%an <%ae> / %cn <%ce>", "gh-pages"); got != "Work Person <work@example.org> / Work Person <work@example.org>" {
		t.Errorf("deploy commit by %q, want the identity the source repository has", got)
	}
}

func TestReadByBuild(t *testing.T) {
	for p, want := range map[string]bool{
		"site.yaml": true, "content/a.md": true, "content/g/b.md": true, "content/a.md~": false, "content/.a.md.swp": false,
		"content/g/": true, "pledges/x.yaml": true, "pledges/x.yaml~": true, "pledges/.x.swp": false, "pledges/sub/x.yaml": false,
		"themes/t/static/.well-known/x": true, "themes/t/layouts/a.html": true, "themes/t/assets/js/.a.swp": false,
		"themes/t/node_modules/": false, "themes/t/": true, "README.md": false,
	} {
		if got := readByBuild(p); got != want {
			t.Errorf("readByBuild(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestDeployIgnoresAttributes: a .gitattributes in the site folder (a
// theme's static files may bring one), or the source repository's
// autocrlf, changes no byte of what is published.
func TestDeployIgnoresAttributes(t *testing.T) {
	f := newFixture(t, true)
	git(t, f.src, "config", "core.autocrlf", "true")
	writeFiles(t, f.site, map[string]string{
		".gitattributes": "* text eol=lf\n*.txt filter=nosuch ident\n",
		"notes.txt":      "line one\r\nline two $Id$\r\n",
	})
	r, err := Deploy(context.Background(), Options{Repo: f.src, Dir: f.site})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("git", "cat-file", "blob", r.Commit+":notes.txt")
	cmd.Dir = f.remote
	got, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "line one\r\nline two $Id$\r\n"; string(got) != want {
		t.Errorf("published notes.txt = %q, want %q", got, want)
	}
}
