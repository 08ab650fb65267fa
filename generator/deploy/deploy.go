// Package deploy publishes a built site by committing it to a branch of a
// git remote (GitHub Pages style) and pushing that commit.
//
// It runs the git command and never touches the user's working tree, index
// or refs. Everything happens in a private bare repository in a temporary
// folder, removed afterwards:
//
//   - the site folder is staged with GIT_WORK_TREE pointing at it and a
//     private GIT_INDEX_FILE, so the site folder is only read;
//   - .nojekyll and CNAME are written as blobs straight into the object
//     database and added to the private index, not to the site folder;
//   - the branch tip is fetched with --depth=1: the new commit only needs the
//     tip commit object to name it as its parent (the remote has the rest of
//     the history, and git can push from a shallow repository), and the tip's
//     tree to tell whether anything changed, while a deploy branch holds a
//     full copy of the site per commit and can grow large;
//   - the commit is made with commit-tree on top of the tip (no parent when
//     the branch does not exist yet) and pushed without force, so a branch
//     that moved in the meantime is rejected rather than overwritten.
//
// The private repository includes the source repository's configuration
// (read only), so credentials and settings scoped to it, such as the
// http.<url>.extraheader that actions/checkout stores, apply to the fetch
// and the push. Hooks, submodule recursion, automatic gc, line-ending
// conversion and attribute filters are switched off: the site is published
// byte for byte.
package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Defaults of Options.
const (
	DefaultRemote = "origin"
	DefaultBranch = "gh-pages"
)

// SourcePaths are the paths, relative to the source folder, a site is built
// from. Uncommitted changes under them make a deploy refuse to run.
var SourcePaths = []string{"content", "pledges", "themes", "site.yaml"}

// Fallback identity for the deploy commit when git has none configured.
const (
	FallbackName  = "pledgesite"
	FallbackEmail = "pledgesite@localhost"
)

// maxDirtyListed is how many uncommitted files a refusal names.
const maxDirtyListed = 10

// Errors a deploy can be refused with; test with errors.Is.
var (
	// ErrNotBuilt: the site folder is missing or has no index.html.
	ErrNotBuilt = errors.New("the site is not built")
	// ErrInvalidBranch: the branch is not a valid git branch name.
	ErrInvalidBranch = errors.New("invalid branch name")
	// ErrDirty: the site sources have uncommitted changes (see DirtyError).
	ErrDirty = errors.New("the site sources have uncommitted changes")
	// ErrNotRepo: the source folder is not in a git repository, so its
	// state cannot be checked and remote names cannot be resolved.
	ErrNotRepo = errors.New("not a git repository")
	// ErrRemote: the remote is neither a configured remote nor a URL.
	ErrRemote = errors.New("unknown remote")
)

// Options says what to deploy where.
type Options struct {
	// Repo is the source folder: the one with site.yaml, in a git checkout.
	// Its repository resolves remote names and provides the source commit,
	// identity and credentials. Default ".".
	Repo string
	// Dir is the built site folder. It must hold index.html.
	Dir string
	// Remote is a remote name configured in Repo, or a URL or path
	// (a relative path is relative to the current directory).
	// Default "origin".
	Remote string
	// Branch is the branch to commit to, created when missing.
	// Default "gh-pages". A leading "refs/heads/" is accepted.
	Branch string
	// Message is the commit message. Default: "Deploy <short source
	// commit> from <source branch>" and the full source commit hash.
	Message string
	// Unverified says Dir is not known to be the build of Repo's sources
	// at HEAD: the default message then says so instead of "Built from".
	Unverified bool
	// CNAME, when set, is published as the CNAME file (custom domain),
	// replacing any CNAME in Dir.
	CNAME string
	// AllowDirty deploys even when the sources have uncommitted changes or
	// Repo is not a git repository.
	AllowDirty bool
}

// Result says what a deploy did.
type Result struct {
	// Commit is the commit pushed, or when Unchanged the branch tip that
	// already holds the site.
	Commit string
	// Parent is the previous branch tip, empty for a new branch (and when
	// Unchanged).
	Parent string
	// Files is the number of files in the published tree, .nojekyll and
	// CNAME included.
	Files int
	// Remote is the URL pushed to, with any credentials removed.
	Remote string
	// Branch is the branch name.
	Branch string
	// Pushed is "Remote Branch".
	Pushed string
	// Source is the source commit the site was built from, if known.
	Source string
	// Unchanged is true when the branch already held this exact tree:
	// nothing was committed or pushed.
	Unchanged bool
}

// DirtyError lists the uncommitted source files that stopped a deploy.
type DirtyError struct {
	Repo  string
	Files []string // "XY path" lines of git status --porcelain
}

func (e *DirtyError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v in %s, so the deployed site would match no commit:", ErrDirty, e.Repo)
	for i, f := range e.Files {
		if i == maxDirtyListed {
			fmt.Fprintf(&b, "\n  ... and %d more", len(e.Files)-maxDirtyListed)
			break
		}
		b.WriteString("\n  " + f)
	}
	b.WriteString("\ncommit or stash them first, or pass --allow-dirty")
	if slices.ContainsFunc(e.Files, func(f string) bool { return strings.HasPrefix(f, "!! ") }) {
		b.WriteString("\n(!! marks a file git ignores but the build reads: add it with git add -f, or move it out)")
	}
	return b.String()
}

// Is makes errors.Is(err, ErrDirty) true.
func (e *DirtyError) Is(target error) bool { return target == ErrDirty }

// plan is everything checked before any work is done.
type plan struct {
	opt      Options
	inRepo   bool
	top      string   // work tree root of the source repository
	configs  []string // its config files, included by the private repository
	head     string   // source commit, empty when unknown
	short    string
	branch   string // source branch, empty when detached or unknown
	dirty    []string
	fetchURL string
	pushURL  string
	// ident is the author and committer identity as the source repository
	// has it (GIT_AUTHOR_NAME=..., for the commit's environment), empty
	// when it has none configured. The private repository includes the
	// source's config files, but an includeIf "gitdir:" there would be
	// judged against the private repository, so the identity is asked of
	// the source itself.
	ident []string
}

// Check validates opt (all but the site folder) without changing anything:
// the branch name, the remote, and that the sources are committed.
// Deploy runs the same checks; Check lets a caller fail before building.
func Check(ctx context.Context, opt Options) error {
	_, err := prepare(ctx, opt)
	return err
}

func prepare(ctx context.Context, opt Options) (*plan, error) {
	if opt.Repo == "" {
		opt.Repo = "."
	}
	if opt.Remote == "" {
		opt.Remote = DefaultRemote
	}
	if opt.Branch == "" {
		opt.Branch = DefaultBranch
	}
	opt.Branch = strings.TrimPrefix(opt.Branch, "refs/heads/")
	repo, err := filepath.Abs(opt.Repo)
	if err != nil {
		return nil, err
	}
	opt.Repo = repo
	if st, err := os.Stat(repo); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", repo)
	}
	if err := checkBranch(ctx, opt.Branch); err != nil {
		return nil, err
	}
	p := &plan{opt: opt}
	src := runner{dir: repo, env: cleanEnv()}
	if err := p.inspectSource(ctx, src); err != nil {
		return nil, err
	}
	if len(p.dirty) > 0 && !opt.AllowDirty {
		return nil, &DirtyError{Repo: repo, Files: p.dirty}
	}
	if err := p.resolveRemote(ctx, src); err != nil {
		return nil, err
	}
	return p, nil
}

// checkBranch accepts what git accepts as a new branch name, and nothing
// that git would expand (such as @{-1}).
func checkBranch(ctx context.Context, name string) error {
	bad := func() error { return fmt.Errorf("%w %q", ErrInvalidBranch, name) }
	if name == "" || strings.HasPrefix(name, "-") || name == "HEAD" || name == "@" {
		return bad()
	}
	out, err := runner{dir: os.TempDir(), env: cleanEnv()}.run(ctx, nil, "check-ref-format", "--branch", name)
	if err != nil || strings.TrimSpace(out) != name {
		return bad()
	}
	return nil
}

// inspectSource finds the source repository, its commit and its
// uncommitted source files, reading only.
func (p *plan) inspectSource(ctx context.Context, src runner) error {
	out, err := src.run(ctx, nil, "rev-parse", "--path-format=absolute", "--show-toplevel", "--git-common-dir", "--absolute-git-dir")
	if err != nil {
		if p.opt.AllowDirty {
			return nil // deploying from outside a repository: no checks
		}
		return fmt.Errorf("%s: %w, so deploy cannot check that the site sources are committed; pass --allow-dirty to deploy anyway", p.opt.Repo, ErrNotRepo)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 3 {
		return fmt.Errorf("git rev-parse: unexpected output %q", out)
	}
	p.inRepo = true
	p.top = lines[0]
	for _, c := range []string{filepath.Join(lines[1], "config"), filepath.Join(lines[2], "config.worktree")} {
		if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() && !slices.Contains(p.configs, c) {
			p.configs = append(p.configs, c)
		}
	}
	if head, err := src.run(ctx, nil, "rev-parse", "-q", "--verify", "HEAD^{commit}"); err == nil {
		p.head = strings.TrimSpace(head)
		if s, err := src.run(ctx, nil, "rev-parse", "--short", p.head); err == nil {
			p.short = strings.TrimSpace(s)
		} else {
			p.short = Short(p.head)
		}
	}
	if b, err := src.run(ctx, nil, "symbolic-ref", "-q", "--short", "HEAD"); err == nil {
		p.branch = strings.TrimSpace(b)
	}
	p.ident = identity(ctx, src)
	// --no-optional-locks: status must not refresh the user's index.
	// Ignored files count too when a build reads them (a page listed in
	// .git/info/exclude): the site would then match no commit. Editor
	// backups and tools' folders that it does not read do not.
	args := append([]string{"--no-optional-locks", "status", "--porcelain", "-z", "--untracked-files=all", "--ignored=matching", "--"}, SourcePaths...)
	out, err = src.run(ctx, nil, args...)
	if err != nil {
		return err
	}
	fields := strings.Split(out, "\x00")
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if len(f) < 4 {
			continue
		}
		if strings.HasPrefix(f, "!! ") && !readByBuild(f[3:]) {
			continue
		}
		p.dirty = append(p.dirty, f)
		if f[0] == 'R' || f[0] == 'C' {
			i++ // the rename or copy source follows
		}
	}
	return nil
}

// readByBuild reports whether a build reads the file (or the folder, with
// a trailing slash) at slash path p of the source root: site.yaml, pages
// under content/, anything directly in pledges/ (a record, or a file the
// build refuses), and a theme's layouts, assets and static files. Names
// starting with a dot are skipped by all but static/.
func readByBuild(p string) bool {
	parts := strings.Split(strings.TrimSuffix(p, "/"), "/")
	dir := strings.HasSuffix(p, "/")
	hidden := slices.ContainsFunc(parts, func(s string) bool { return strings.HasPrefix(s, ".") })
	switch {
	case p == "site.yaml":
		return true
	case parts[0] == "content":
		return !hidden && (dir || strings.HasSuffix(p, ".md"))
	case parts[0] == "pledges":
		return !hidden && len(parts) == 2
	case parts[0] == "themes" && len(parts) >= 3:
		switch parts[2] {
		case "static":
			return true
		case "layouts", "assets":
			return !hidden
		}
		return false
	case parts[0] == "themes" && len(parts) == 2:
		return dir && !hidden // a whole theme
	}
	return false
}

// resolveRemote turns the remote name or URL into the URLs to fetch from
// and push to.
func (p *plan) resolveRemote(ctx context.Context, src runner) error {
	r := p.opt.Remote
	if p.inRepo {
		names, err := src.run(ctx, nil, "remote")
		if err != nil {
			return err
		}
		if slices.Contains(strings.Split(strings.TrimSpace(names), "\n"), r) {
			fetch, err := src.run(ctx, nil, "remote", "get-url", "--", r)
			if err != nil {
				return err
			}
			push, err := src.run(ctx, nil, "remote", "get-url", "--push", "--", r)
			if err != nil {
				return err
			}
			// Relative paths in the remote's configuration are relative to
			// the top of the work tree, where git runs from.
			p.fetchURL = absLocal(strings.TrimSpace(fetch), p.top)
			p.pushURL = absLocal(strings.TrimSpace(push), p.top)
			return nil
		}
	}
	if strings.HasPrefix(r, "-") {
		return fmt.Errorf("%w %q", ErrRemote, r)
	}
	if !isLocal(r) {
		p.fetchURL, p.pushURL = r, r
		return nil
	}
	abs, err := filepath.Abs(r)
	if err != nil {
		return err
	}
	if _, err := os.Stat(abs); err != nil {
		where := "in " + p.top
		if !p.inRepo {
			where = "(" + p.opt.Repo + " is not a git repository)"
		}
		return fmt.Errorf("%w %q: no remote of that name %s, and no such folder", ErrRemote, r, where)
	}
	p.fetchURL, p.pushURL = abs, abs
	return nil
}

// isLocal tells whether git takes url as a local path: no scheme, and no
// colon before the first slash (which would make it host:path).
func isLocal(url string) bool {
	if strings.Contains(url, "://") {
		return false
	}
	colon := strings.IndexByte(url, ':')
	slash := strings.IndexByte(url, '/')
	return colon < 0 || (slash >= 0 && slash < colon)
}

func absLocal(url, base string) string {
	if isLocal(url) && !filepath.IsAbs(url) {
		return filepath.Join(base, url)
	}
	return url
}

var userinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://)[^/\s]*@`)

// Redact removes credentials (user:password@) from the URLs in s.
func Redact(s string) string { return userinfo.ReplaceAllString(s, "$1") }

// Deploy commits the site in opt.Dir to opt.Branch of opt.Remote and pushes
// it. See the package documentation for how.
func Deploy(ctx context.Context, opt Options) (Result, error) {
	p, err := prepare(ctx, opt)
	if err != nil {
		return Result{}, err
	}
	opt = p.opt
	dir, err := CheckBuilt(opt.Dir)
	if err != nil {
		return Result{}, err
	}
	res := Result{Remote: Redact(p.pushURL), Branch: opt.Branch, Source: p.head}
	res.Pushed = res.Remote + " " + res.Branch

	tmp, err := os.MkdirTemp("", "pledgesite-deploy-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(tmp)
	g, err := p.privateRepo(ctx, tmp)
	if err != nil {
		return res, err
	}

	// Stage the site: the site folder is the work tree, read only.
	stage := g
	stage.dir = dir
	stage.env = append(slices.Clip(g.env), "GIT_WORK_TREE="+dir)
	if _, err := stage.run(ctx, nil, "add", "--all", "--force", "--", "."); err != nil {
		return res, err
	}
	// A link or a nested repository would be published as git keeps them,
	// not as files: a link that may point out of the site, a submodule
	// with no contents. A build makes neither; a --dir folder might hold
	// them.
	entries, err := g.run(ctx, nil, "ls-files", "--cached", "--stage", "-z")
	if err != nil {
		return res, err
	}
	for e := range strings.SplitSeq(entries, "\x00") {
		mode, rest, _ := strings.Cut(e, " ")
		_, name, _ := strings.Cut(rest, "\t")
		switch mode {
		case "120000":
			return res, fmt.Errorf("%s: %s is a symbolic link: a deployed site holds files and folders only", dir, name)
		case "160000":
			return res, fmt.Errorf("%s: %s is a git repository of its own: a deployed site holds files and folders only", dir, name)
		}
	}
	extra := map[string]string{".nojekyll": ""}
	if opt.CNAME != "" {
		extra["CNAME"] = strings.TrimSpace(opt.CNAME) + "\n"
	}
	for _, name := range []string{".nojekyll", "CNAME"} {
		data, ok := extra[name]
		if !ok {
			continue
		}
		blob, err := g.run(ctx, []byte(data), "hash-object", "-w", "--stdin")
		if err != nil {
			return res, err
		}
		if _, err := g.run(ctx, nil, "update-index", "--add", "--cacheinfo", "100644,"+strings.TrimSpace(blob)+","+name); err != nil {
			return res, err
		}
	}
	files, err := g.run(ctx, nil, "ls-files", "--cached", "-z")
	if err != nil {
		return res, err
	}
	res.Files = strings.Count(files, "\x00")
	tree, err := g.run(ctx, nil, "write-tree")
	if err != nil {
		return res, err
	}
	tree = strings.TrimSpace(tree)

	// The current tip of the branch, if any.
	ref := "refs/heads/" + opt.Branch
	heads, err := g.run(ctx, nil, "ls-remote", "--heads", "--", p.fetchURL, ref)
	if err != nil {
		return res, err
	}
	exists := false
	for line := range strings.Lines(heads) {
		hash, name, _ := strings.Cut(strings.TrimSpace(line), "\t")
		exists = exists || (name == ref && hash != "")
	}
	parent := ""
	if exists {
		const tip = "refs/pledgesite/tip"
		if _, err := g.run(ctx, nil, "fetch", "--quiet", "--depth=1", "--no-tags", "--no-recurse-submodules",
			"--no-write-fetch-head", "--", p.fetchURL, "+"+ref+":"+tip); err != nil {
			return res, err
		}
		out, err := g.run(ctx, nil, "rev-parse", tip+"^{commit}", tip+"^{tree}")
		if err != nil {
			return res, err
		}
		f := strings.Fields(out)
		if len(f) != 2 {
			return res, fmt.Errorf("git rev-parse: unexpected output %q", out)
		}
		parent = f[0]
		if f[1] == tree {
			res.Commit, res.Unchanged = parent, true
			return res, nil
		}
	}

	// Commit on top of the tip.
	msg := opt.Message
	if strings.TrimSpace(msg) == "" {
		msg = p.defaultMessage()
	}
	commit := []string{"commit-tree", tree, "-F", "-"}
	if parent != "" {
		commit = append(commit, "-p", parent)
	}
	committer := g
	switch {
	case p.ident != nil:
		committer.env = append(slices.Clip(g.env), p.ident...)
	case !g.hasIdentity(ctx):
		commit = append([]string{"-c", "user.name=" + FallbackName, "-c", "user.email=" + FallbackEmail}, commit...)
	}
	hash, err := committer.run(ctx, []byte(msg), commit...)
	if err != nil {
		return res, err
	}
	res.Commit, res.Parent = strings.TrimSpace(hash), parent

	// Push without force: a branch that moved since the fetch is rejected.
	if _, err := g.run(ctx, nil, "push", "--quiet", "--no-verify", "--recurse-submodules=no", "--", p.pushURL, res.Commit+":"+ref); err != nil {
		return res, fmt.Errorf("%w (if %s moved during the deploy, run it again)", err, opt.Branch)
	}
	return res, nil
}

// CheckBuilt returns the absolute site folder if it holds a built site
// (an index.html), or explains why it does not, as ErrNotBuilt.
func CheckBuilt(dir string) (string, error) {
	if dir == "" {
		return "", fmt.Errorf("%w: no site folder given; run `pledgesite build` first, or pass the built site's folder as --dir", ErrNotBuilt)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(filepath.Join(abs, "index.html"))
	if err != nil || !st.Mode().IsRegular() {
		why := "has no index.html"
		if _, err := os.Stat(abs); errors.Is(err, fs.ErrNotExist) {
			why = "does not exist"
		}
		return "", fmt.Errorf("%w: %s %s; run `pledgesite build` first, or pass the built site's folder as --dir", ErrNotBuilt, abs, why)
	}
	return abs, nil
}

func (p *plan) defaultMessage() string {
	if p.head == "" {
		return "Deploy site\n"
	}
	var b strings.Builder
	b.WriteString("Deploy " + p.short)
	if p.branch != "" {
		b.WriteString(" from " + p.branch)
	}
	if len(p.dirty) > 0 {
		b.WriteString(" with uncommitted changes")
	}
	if p.opt.Unverified {
		b.WriteString(", the site folder as it was")
		b.WriteString("\n\nThe folder was not known to be built from " + p.head + ".\n")
		return b.String()
	}
	b.WriteString("\n\nBuilt from " + p.head + ".\n")
	return b.String()
}

// privateRepo creates the temporary bare repository the deploy works in.
func (p *plan) privateRepo(ctx context.Context, tmp string) (runner, error) {
	gitDir := filepath.Join(tmp, "repo.git")
	hooks := filepath.Join(tmp, "no-hooks")
	if err := os.Mkdir(hooks, 0o700); err != nil {
		return runner{}, err
	}
	base := runner{dir: tmp, env: cleanEnv()}
	if _, err := base.run(ctx, nil, "init", "--quiet", "--bare", "--template=", gitDir); err != nil {
		return runner{}, err
	}
	// Include the source repository's configuration first, so that what
	// follows overrides it.
	cfgFile := filepath.Join(gitDir, "config")
	own, err := os.ReadFile(cfgFile)
	if err != nil {
		return runner{}, err
	}
	var cfg bytes.Buffer
	if len(p.configs) > 0 {
		cfg.WriteString("[include]\n")
		for _, c := range p.configs {
			fmt.Fprintf(&cfg, "\tpath = %s\n", strconv.Quote(filepath.ToSlash(c)))
		}
	}
	cfg.Write(own)
	if err := os.WriteFile(cfgFile, cfg.Bytes(), 0o600); err != nil {
		return runner{}, err
	}
	// The site goes out byte for byte: attributes in the private
	// repository's info/attributes override any .gitattributes in the
	// site folder (which a theme's static files may bring), so no line
	// ending is converted and no filter runs.
	if err := os.MkdirAll(filepath.Join(gitDir, "info"), 0o755); err != nil {
		return runner{}, err
	}
	if err := os.WriteFile(filepath.Join(gitDir, "info", "attributes"), []byte("* -text -eol -filter -ident -working-tree-encoding\n"), 0o644); err != nil {
		return runner{}, err
	}
	g := runner{dir: tmp, env: append(cleanEnv(),
		"GIT_DIR="+gitDir,
		"GIT_INDEX_FILE="+filepath.Join(tmp, "index"),
	)}
	for _, kv := range [][2]string{
		{"core.bare", "true"},
		{"core.hooksPath", hooks},
		{"core.autocrlf", "false"},
		{"core.safecrlf", "false"},
		{"core.attributesFile", os.DevNull},
		{"core.excludesFile", os.DevNull},
		{"core.fsmonitor", "false"},
		{"core.untrackedCache", "false"},
		{"core.splitIndex", "false"},
		{"core.sparseCheckout", "false"},
		{"gc.auto", "0"},
		{"maintenance.auto", "false"},
		{"fetch.recurseSubmodules", "false"},
		{"fetch.writeCommitGraph", "false"},
		{"submodule.recurse", "false"},
		{"push.followTags", "false"},
	} {
		if _, err := g.run(ctx, nil, "config", "--file", cfgFile, kv[0], kv[1]); err != nil {
			return runner{}, err
		}
	}
	return g, nil
}

// identity returns the configured (not guessed) author and committer of
// the repository src runs in, as environment settings, or nil.
func identity(ctx context.Context, src runner) []string {
	var env []string
	for _, who := range []string{"AUTHOR", "COMMITTER"} {
		out, err := src.run(ctx, nil, "-c", "user.useConfigOnly=true", "var", "GIT_"+who+"_IDENT")
		m := identLine.FindStringSubmatch(strings.TrimSpace(out))
		if err != nil || m == nil {
			return nil
		}
		env = append(env, "GIT_"+who+"_NAME="+m[1], "GIT_"+who+"_EMAIL="+m[2])
	}
	return env
}

// identLine is what git var prints for an identity: name <email> time zone.
var identLine = regexp.MustCompile(`^(.*) <([^<>]*)> \d+ [+-]\d{4}$`)

// hasIdentity tells whether git has a configured (not guessed) author and
// committer identity.
func (g runner) hasIdentity(ctx context.Context) bool {
	for _, v := range []string{"GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"} {
		if _, err := g.run(ctx, nil, "-c", "user.useConfigOnly=true", "var", v); err != nil {
			return false
		}
	}
	return true
}

// runner runs git in a folder with an environment.
type runner struct {
	dir string
	env []string
}

func (r runner) run(ctx context.Context, stdin []byte, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = r.dir
	cmd.Env = r.env
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return "", fmt.Errorf("deploy needs git: %w", err)
		}
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		name := command(args)
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("git %s: %s", name, Redact(msg))
	}
	return stdout.String(), nil
}

// cleanEnv is the environment without the variables that would point git
// at another repository, index or work tree (as inside a git hook).
func cleanEnv() []string {
	drop := []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
		"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_PREFIX", "GIT_NAMESPACE",
		"GIT_QUARANTINE_PATH", "GIT_SHALLOW_FILE", "GIT_REPLACE_REF_BASE", "GIT_NO_REPLACE_OBJECTS"}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(drop, k) {
			env = append(env, kv)
		}
	}
	return env
}

// command is the git subcommand in args, after the global options.
func command(args []string) string {
	for i := 0; i < len(args); i++ {
		switch {
		case args[i] == "-c":
			i++
		case !strings.HasPrefix(args[i], "-"):
			return args[i]
		}
	}
	return strings.Join(args, " ")
}

// Short abbreviates a commit hash for display.
func Short(hash string) string {
	if len(hash) > 7 {
		return hash[:7]
	}
	return hash
}
