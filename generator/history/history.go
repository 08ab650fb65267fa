// Package history tells when each source file last changed: the date of
// its last git commit, or, outside a git checkout or for a file git does
// not know yet, the file's modification date.
//
// Commit dates make sitemap lastmod values and "last updated" lines stable:
// the same commit builds the same bytes on any machine. A date after the
// day of the build, which only a commit or file date set by hand gives,
// reads as that day: a contributor's commit cannot date pages ahead.
package history

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"pledgesite/generator/usercache"
)

// Dates maps source paths (relative to the source root, with forward
// slashes) to YYYY-MM-DD.
type Dates struct {
	root   string
	byGit  map[string]string // written once, before ready is closed
	head   string            // the commit they hold for, written with byGit
	ready  chan struct{}
	loaded atomic.Bool   // ready is closed: a cheaper check than a receive
	took   time.Duration // reading git, written before ready is closed
	mu     sync.Mutex
	stat   map[string]string // file dates, looked up once per path
	today  string            // the latest date Of returns
}

// Load reads the git history of the source root in the background, so
// that a build parses its sources meanwhile. Without git or a repository
// the Dates fall back to file times.
//
// The dates found are kept in the user's cache folder with the commit
// they hold for. The next Load reads only the commits made since (or
// nothing, at the same commit): the whole log of a catalogue grown by a
// pull request per pledge grows with commits times records, 0.6 s for
// 2,000 commits adding 10,000 records.
func Load(ctx context.Context, root string) *Dates {
	d := &Dates{root: root, byGit: map[string]string{}, ready: make(chan struct{}),
		today: time.Now().UTC().Format(time.DateOnly)}
	go func() {
		start := time.Now()
		defer func() {
			d.took = time.Since(start)
			d.loaded.Store(true)
			close(d.ready)
		}()
		d.byGit, d.head = readGit(ctx, root)
	}()
	return d
}

// Head returns the commit the dates hold for, or "" outside git.
func (d *Dates) Head() string {
	<-d.ready
	return d.head
}

// Head returns the commit checked out at root, or "" outside git: a
// long-running build compares it with its Dates' to notice a commit.
func Head(ctx context.Context, root string) string {
	out, err := exec.CommandContext(ctx, "git", "-C", root, "rev-parse", "-q", "--verify", "HEAD").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// Took returns how long reading git took, once it is done.
func (d *Dates) Took() time.Duration {
	<-d.ready
	return d.took
}

// readGit returns the date of the last commit of every file under root
// that git knows, and the commit, or nil outside a repository.
func readGit(ctx context.Context, root string) (map[string]string, string) {
	git := func(args ...string) ([]byte, error) {
		args = append([]string{"-c", "core.quotePath=false", "-C", root}, args...)
		return exec.CommandContext(ctx, "git", args...).Output()
	}
	// The repository, the source root's folder in it, and the commit.
	out, err := git("rev-parse", "--show-toplevel", "--show-prefix", "HEAD")
	if err != nil {
		return nil, ""
	}
	lines := strings.Split(string(out), "\n")
	if len(lines) < 3 {
		return nil, ""
	}
	top, prefix, head := lines[0], lines[1], lines[2]
	cachePath := cacheFile(top, prefix)
	cached, since := readCache(cachePath)
	if since == head {
		return cached, head
	}
	// The log is asked for without a pathspec and cut to the source
	// root's folder here: a pathspec (or --relative) makes git diff every
	// commit's trees path by path, 1.4 s instead of 0.6 s for the log
	// above.
	args := []string{"log", "--format=%x01%cs", "--name-only", "--no-renames"}
	if since != "" {
		// Only the commits made since the cached one, when it is still in
		// the history (a rebase can drop it).
		if _, err := git("merge-base", "--is-ancestor", since, head); err == nil {
			args = append(args, since+".."+head)
		} else {
			cached = nil
		}
	} else {
		args = append(args, head)
	}
	if out, err = git(args...); err != nil {
		return nil, ""
	}
	dates := parseLog(string(out), prefix)
	for path, date := range cached {
		// A commit merged from a branch can be older than the cached
		// one; the newer date wins, as it does in one log of everything.
		dates[path] = max(dates[path], date)
	}
	writeCache(cachePath, head, dates)
	return dates, head
}

// parseLog reads git log output: commits newest first, each a
// "\x01YYYY-MM-DD" line and then the names of the files it touched, from
// the top of the repository. The first date seen for a file is its last;
// files outside prefix are not sources.
func parseLog(out, prefix string) map[string]string {
	dates := map[string]string{}
	date := ""
	for line := range strings.Lines(out) {
		line = strings.TrimRight(line, "\n")
		if after, ok := strings.CutPrefix(line, "\x01"); ok {
			date = after
			continue
		}
		path, ok := strings.CutPrefix(line, prefix)
		if _, seen := dates[path]; ok && path != "" && !seen && date != "" {
			dates[path] = date
		}
	}
	return dates
}

// The cache is text: a header line, the commit, then "date path" lines
// sorted by path. It is named for the repository and the source root's
// folder in it.
const cacheHeader = "pledgesite history 1\n"

func cacheFile(top, prefix string) string {
	name, err := usercache.Path("history", top+"\x00"+prefix)
	if err != nil {
		return ""
	}
	return name
}

// readCache returns the cached dates and their commit, or nothing.
func readCache(name string) (dates map[string]string, commit string) {
	if name == "" {
		return nil, ""
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, ""
	}
	dates, commit, ok := decodeCache(string(data))
	if !ok {
		return nil, ""
	}
	return dates, commit
}

func decodeCache(text string) (dates map[string]string, commit string, ok bool) {
	text, ok = strings.CutPrefix(text, cacheHeader)
	if !ok {
		return nil, "", false
	}
	commit, text, ok = strings.Cut(text, "\n")
	if !ok || commit == "" {
		return nil, "", false
	}
	dates = make(map[string]string, strings.Count(text, "\n"))
	for line := range strings.Lines(text) {
		date, path, ok1 := strings.Cut(line, " ")
		path, ok2 := strings.CutSuffix(path, "\n")
		if !ok1 || !ok2 || len(date) != len("2006-01-02") || path == "" {
			return nil, "", false
		}
		dates[path] = date
	}
	return dates, commit, true
}

func encodeCache(commit string, dates map[string]string) ([]byte, bool) {
	b := []byte(cacheHeader + commit + "\n")
	for _, path := range slices.Sorted(maps.Keys(dates)) {
		if strings.ContainsAny(path, "\n\r") {
			return nil, false
		}
		b = append(b, dates[path]...)
		b = append(b, ' ')
		b = append(b, path...)
		b = append(b, '\n')
	}
	return b, true
}

// writeCache replaces the cache file. Failing only costs the next build
// the whole log.
func writeCache(name, commit string, dates map[string]string) {
	if data, ok := encodeCache(commit, dates); ok && name != "" {
		usercache.Write(name, data)
	}
}

// Of returns the last change date of a source path, or "" when unknown.
func (d *Dates) Of(path string) string {
	if d == nil {
		return ""
	}
	if !d.loaded.Load() {
		<-d.ready
	}
	if s, ok := d.byGit[path]; ok {
		return min(s, d.today)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if s, ok := d.stat[path]; ok {
		return s
	}
	date := ""
	if st, err := os.Stat(filepath.Join(d.root, filepath.FromSlash(path))); err == nil {
		date = min(st.ModTime().UTC().Format(time.DateOnly), d.today)
	}
	if d.stat == nil {
		d.stat = map[string]string{}
	}
	d.stat[path] = date
	return date
}

// Latest returns the newest date among paths.
func (d *Dates) Latest(paths ...string) string {
	out := ""
	for _, p := range paths {
		out = max(out, d.Of(p))
	}
	return out
}
