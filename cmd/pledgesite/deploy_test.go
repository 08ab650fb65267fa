package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// isolateGit makes git ignore the machine's configuration and identity.
func isolateGit(t *testing.T) {
	t.Helper()
	empty := filepath.Join(t.TempDir(), "gitconfig")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GIT_CONFIG_GLOBAL", empty)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_TERMINAL_PROMPT", "0")
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// sourceRepo makes a git repository holding files, with identity, whose
// origin is a new bare repository. It returns both folders.
func sourceRepo(t *testing.T, fill func(dir string)) (src, remote string) {
	t.Helper()
	isolateGit(t)
	root := t.TempDir()
	src, remote = filepath.Join(root, "src"), filepath.Join(root, "remote.git")
	gitIn(t, root, "init", "--quiet", "--bare", remote)
	gitIn(t, root, "init", "--quiet", "--initial-branch=main", src)
	gitIn(t, src, "config", "user.name", "Site Editor")
	gitIn(t, src, "config", "user.email", "editor@example.org")
	fill(src)
	gitIn(t, src, "add", "-A")
	gitIn(t, src, "commit", "--quiet", "-m", "sources")
	gitIn(t, src, "remote", "add", "origin", remote)
	return src, remote
}

func deployCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = cmdDeploy(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestDeployCommandDir(t *testing.T) {
	src, remote := sourceRepo(t, func(dir string) {
		if err := os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: T\ncname: pledges.example.org\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	site := filepath.Join(t.TempDir(), "public")
	if err := os.MkdirAll(filepath.Join(site, "pledges", "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"index.html": "home", "pledges/a/index.html": "a"} {
		if err := os.WriteFile(filepath.Join(site, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	head := gitIn(t, src, "rev-parse", "HEAD")

	// A folder no build made is published only with --as-is.
	if _, _, err := deployCmd(t, "--source", src, "--dir", site); err == nil || !strings.Contains(err.Error(), "not known to be the build of the sources as they are now") {
		t.Fatalf("deploy of a folder no build made: err = %v", err)
	}
	stdout, stderr, err := deployCmd(t, "--source", src, "--dir", site, "--as-is")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	first := gitIn(t, remote, "rev-parse", "gh-pages")
	if want := "pushed " + first[:7] + " to " + remote + " gh-pages (4 files; new branch)\n"; stdout != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
	files := strings.Split(gitIn(t, remote, "ls-tree", "-r", "--name-only", "gh-pages"), "\n")
	if want := []string{".nojekyll", "CNAME", "index.html", "pledges/a/index.html"}; !slices.Equal(files, want) {
		t.Errorf("tree = %q, want %q", files, want)
	}
	if got := gitIn(t, remote, "show", "gh-pages:CNAME"); got != "pledges.example.org" {
		t.Errorf("CNAME = %q", got)
	}

	if err := os.WriteFile(filepath.Join(site, "index.html"), []byte("home v2"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err = deployCmd(t, "--source", src, "--dir", site, "--as-is", "--remote", remote, "--message", "v2")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	second := gitIn(t, remote, "rev-parse", "gh-pages")
	if want := "pushed " + second[:7] + " to " + remote + " gh-pages (4 files; parent " + first[:7] + ")\n"; stdout != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
	if got := gitIn(t, remote, "log", "--format=%H %s", "gh-pages"); got != second+" v2\n"+first+" Deploy "+head[:7]+" from main, the site folder as it was" {
		t.Errorf("history:\n%s", got)
	}

	stdout, _, err = deployCmd(t, "--source", src, "--dir", site, "--as-is")
	if err != nil {
		t.Fatal(err)
	}
	if want := "nothing to deploy: gh-pages already holds this site (" + second[:7] + " at " + remote + ")\n"; stdout != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
	if got := gitIn(t, src, "status", "--porcelain"); got != "" {
		t.Errorf("the source repository is no longer clean:\n%s", got)
	}
	if got := gitIn(t, src, "rev-parse", "HEAD"); got != head {
		t.Errorf("HEAD moved to %s", got)
	}
}

func TestDeployCommandRefuses(t *testing.T) {
	src, remote := sourceRepo(t, func(dir string) {
		if err := os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: T\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	site := t.TempDir()
	for _, tc := range []struct {
		args  []string
		usage bool
		want  string
	}{
		{[]string{"--dir", site, "--base-url", "https://x.example/"}, true, "only when deploy builds"},
		{[]string{"--dir", site, "extra"}, true, "unexpected argument"},
		{[]string{"--dir", site, "--branch", "bad..name"}, true, "invalid branch name"},
		{[]string{"--dir", site, "--remote", "nowhere"}, true, "unknown remote"},
		{[]string{"--dir", site}, false, "run `pledgesite build` first, or pass the built site's folder as --dir"},
		{[]string{"--as-is"}, true, "--as-is applies only with --dir"},
		{[]string{"--dir", filepath.Join(site, "missing")}, false, "does not exist"},
	} {
		_, _, err := deployCmd(t, append([]string{"--source", src}, tc.args...)...)
		if err == nil || errors.Is(err, errUsage) != tc.usage || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want usage=%v and %q", tc.args, err, tc.usage, tc.want)
		}
	}
	// Uncommitted sources stop the deploy before it builds.
	if err := os.WriteFile(filepath.Join(src, "site.yaml"), []byte("title: Changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := deployCmd(t, "--source", src)
	if err == nil || errors.Is(err, errUsage) || !strings.Contains(err.Error(), " M site.yaml") {
		t.Errorf("dirty sources: err = %v", err)
	}
	if got := gitIn(t, remote, "for-each-ref"); got != "" {
		t.Errorf("refused deploys pushed:\n%s", got)
	}
}

// TestDeployCommandBuilds builds the shipped site from a copy of its
// sources and deploys it.
func TestDeployCommandBuilds(t *testing.T) {
	root := moduleRoot(t)
	sass := filepath.Join(root, "node_modules", "sass-embedded-linux-x64", "dart-sass", "sass")
	if _, err := os.Stat(sass); err != nil {
		t.Fatalf("%v (run `make test`, which runs npm ci)", err)
	}
	t.Setenv("DART_SASS_BINARY", sass)
	src, remote := sourceRepo(t, func(dir string) {
		for _, d := range []string{"content", "pledges", "themes"} {
			if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join(root, d))); err != nil {
				t.Fatal(err)
			}
		}
		data, err := os.ReadFile(filepath.Join(root, "site.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, "cname: pledges.example.org\n"...)
		if err := os.WriteFile(filepath.Join(dir, "site.yaml"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	})
	head := gitIn(t, src, "rev-parse", "HEAD")

	// The build into a temporary folder leaves nothing in the cache.
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	stdout, stderr, err := deployCmd(t, "--source", src, "--base-url", "https://pledges.example.org/")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if stamps, _ := filepath.Glob(filepath.Join(cache, "pledgesite", "stamp-*")); len(stamps) > 0 {
		t.Errorf("deploy left build stamps in the cache: %v", stamps)
	}
	t.Logf("%s", stdout)
	m := regexp.MustCompile(`(?m)^pushed ([0-9a-f]{7}) to (.+) gh-pages \((\d+) files; new branch\)$`).FindStringSubmatch(stdout)
	if !strings.HasPrefix(stdout, "built ") || m == nil || m[2] != remote {
		t.Fatalf("stdout:\n%s", stdout)
	}
	tip := gitIn(t, remote, "rev-parse", "gh-pages")
	if m[1] != tip[:7] {
		t.Errorf("printed %s, gh-pages is %s", m[1], tip)
	}
	files := strings.Split(gitIn(t, remote, "ls-tree", "-r", "--name-only", "gh-pages"), "\n")
	for _, want := range []string{".nojekyll", "CNAME", "index.html", "schema/pledge.schema.json"} {
		if !slices.Contains(files, want) {
			t.Errorf("the deployed tree lacks %s", want)
		}
	}
	if len(files) < 20 || m[3] != strconv.Itoa(len(files)) {
		t.Errorf("%d files deployed, printed %s", len(files), m[3])
	}
	if msg := gitIn(t, remote, "log", "-1", "--format=%B", "gh-pages"); !strings.Contains(msg, head) {
		t.Errorf("message %q does not name the source commit %s", msg, head)
	}
	if home := gitIn(t, remote, "show", "gh-pages:index.html"); !strings.Contains(home, "https://pledges.example.org/") {
		t.Error("index.html does not use --base-url")
	}
	// The build went to a temporary folder, not into the source tree.
	if _, err := os.Stat(filepath.Join(src, "public")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the source has a public/ folder: %v", err)
	}
	if got := gitIn(t, src, "status", "--porcelain", "--ignored"); got != "" {
		t.Errorf("the source repository is no longer clean:\n%s", got)
	}

	// Building again gives the same site: nothing to deploy.
	stdout, stderr, err = deployCmd(t, "--source", src, "--base-url", "https://pledges.example.org/")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "nothing to deploy: gh-pages already holds this site") {
		t.Errorf("second deploy:\n%s", stdout)
	}
	if got := gitIn(t, remote, "rev-list", "--count", "gh-pages"); got != "1" {
		t.Errorf("gh-pages has %s commits, want 1", got)
	}
}

// TestDeployCommandDirBuilt: a folder pledgesite build made from the
// sources as they are is published as their build; once a commit changes
// them, the same folder is refused, and a build makes it current again.
func TestDeployCommandDirBuilt(t *testing.T) {
	t.Setenv("DART_SASS_BINARY", liveSass(t))
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	shipped := liveSources(t)
	src, remote := sourceRepo(t, func(dir string) { liveCopy(t, shipped, dir) })
	site := filepath.Join(t.TempDir(), "public")
	build := func() {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"build", "--source", src, "--dest", site}, &stdout, &stderr); code != 0 {
			t.Fatalf("build exited %d:\n%s", code, stderr.String())
		}
	}
	build()
	if _, stderr, err := deployCmd(t, "--source", src, "--dir", site); err != nil {
		t.Fatalf("deploy of a current build: %v\n%s", err, stderr)
	}
	head := gitIn(t, src, "rev-parse", "HEAD")
	if got := gitIn(t, remote, "log", "-1", "--format=%B", "gh-pages"); !strings.Contains(got, "Built from "+head) {
		t.Errorf("message of a current build:\n%s", got)
	}

	// A pull request merged since the build: the folder is not its build.
	p := filepath.Join(src, "pledges", "state-ken-referral-protocol.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, bytes.Replace(data, []byte("title: National"), []byte("title: Revised national"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	gitIn(t, src, "commit", "--quiet", "-am", "revise a title")
	if _, _, err := deployCmd(t, "--source", src, "--dir", site); err == nil || !strings.Contains(err.Error(), "run `pledgesite build` and deploy again") {
		t.Fatalf("deploy of a stale build: err = %v", err)
	}
	build()
	if _, stderr, err := deployCmd(t, "--source", src, "--dir", site); err != nil {
		t.Fatalf("deploy after building again: %v\n%s", err, stderr)
	}
	if got := gitIn(t, remote, "show", "gh-pages:pledges/state-ken-referral-protocol/index.html"); !strings.Contains(got, "Revised national") {
		t.Error("the published page lacks the revised title")
	}
}
