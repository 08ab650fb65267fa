// Package history tells when each source file last changed: the date of
// its last git commit, or, outside a git checkout or for a file git does
// not know yet, the file's modification date.
//
// Commit dates make sitemap lastmod values and "last updated" lines stable:
// the same commit builds the same bytes on any machine.
package history

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Dates maps source paths (relative to the source root, with forward
// slashes) to YYYY-MM-DD.
type Dates struct {
	root  string
	byGit map[string]string
	mu    sync.Mutex
	stat  map[string]string // file dates, looked up once per path
}

// Load reads the git history of the source root once. Without git or a
// repository it returns Dates that fall back to file times.
func Load(ctx context.Context, root string) *Dates {
	d := &Dates{root: root, byGit: map[string]string{}}
	cmd := exec.CommandContext(ctx, "git", "-c", "core.quotePath=false", "-C", root,
		"log", "--format=%x01%cs", "--name-only", "--relative", "--no-renames", "--", ".")
	out, err := cmd.Output()
	if err != nil {
		return d
	}
	// Commits come newest first: a "\x01YYYY-MM-DD" line, then the names of
	// the files it touched. The first date seen for a file is its last.
	date := ""
	for line := range strings.Lines(string(out)) {
		line = strings.TrimRight(line, "\n")
		if after, ok := strings.CutPrefix(line, "\x01"); ok {
			date = after
			continue
		}
		if _, seen := d.byGit[line]; line != "" && !seen && date != "" {
			d.byGit[line] = date
		}
	}
	return d
}

// Of returns the last change date of a source path, or "" when unknown.
func (d *Dates) Of(path string) string {
	if d == nil {
		return ""
	}
	if s, ok := d.byGit[path]; ok {
		return s
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if s, ok := d.stat[path]; ok {
		return s
	}
	date := ""
	if st, err := os.Stat(filepath.Join(d.root, filepath.FromSlash(path))); err == nil {
		date = st.ModTime().UTC().Format(time.DateOnly)
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
