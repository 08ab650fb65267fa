// Package output writes a built site into its destination folder so that
// a failed build leaves the previous site untouched and a build that
// changes little writes little.
//
// Files are compared with what the destination already holds: unchanged
// files are not written at all (a rebuild of the same sources rewrites
// nothing, and a deploy's diff holds only what changed), changed and new
// files go to a staging folder beside the destination. Only when the whole
// build has succeeded does Commit move the staged files into place and
// remove the files the build owns and no longer produces. On a first
// build the staging folder simply becomes the destination.
//
// Every file name is checked to stay inside the output folder, whatever a
// record or a template asked for.
package output

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Dir collects the files of one build.
type Dir struct {
	dest    string
	staging string
	fresh   bool // dest did not exist: staging becomes dest
	owned   Owned

	mu       sync.Mutex
	produced map[string]bool // every file of this build, by slash path
	staged   []string        // files written to staging
	stats    map[string]Stat // what each file of this build is on disk
	dirs     sync.Map        // staging folders made, so each is made once
}

// Stat is the size and modification time of a file of the output, as the
// build left it: enough to tell later whether someone has touched it.
type Stat struct {
	Size int64
	Mod  int64 // Unix nanoseconds
}

func statOf(fi fs.FileInfo) Stat { return Stat{Size: fi.Size(), Mod: fi.ModTime().UnixNano()} }

// Owned names the files of the destination that are the build's to
// remove when it no longer makes them. Any other file there is left
// alone: a destination given by the user may hold files of their own.
type Owned struct {
	Files []string // files an earlier build left, by slash path (its stamp)
	All   bool     // every file but .git (a folder, or a worktree's file): the site's own output folder
}

// Begin prepares a build into dest. The staging folder is created beside
// dest, on the same file system, so moving files into place is a rename.
func Begin(dest string, owned Owned) (*Dir, error) {
	dest, err := filepath.Abs(dest)
	if err != nil {
		return nil, err
	}
	d := &Dir{dest: dest, owned: owned, produced: map[string]bool{}, stats: map[string]Stat{}}
	st, err := os.Stat(dest)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.fresh = true
	case err != nil:
		return nil, err
	case !st.IsDir():
		return nil, fmt.Errorf("%s exists and is not a folder", dest)
	}
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", parent, err)
	}
	staging, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+".staging-")
	if err != nil {
		return nil, fmt.Errorf("creating staging folder: %w", err)
	}
	d.staging = staging
	if err := os.Chmod(staging, 0o755); err != nil {
		_ = d.Abort()
		return nil, err
	}
	return d, nil
}

// Dest is the final destination.
func (d *Dir) Dest() string { return d.dest }

// clean checks a site path ("pledges/x/index.html") and returns it in
// slash form, refusing anything that would leave the output folder.
func clean(name string) (string, error) {
	rel := strings.TrimPrefix(name, "/")
	if rel == "" || strings.ContainsRune(rel, 0) || strings.Contains(rel, "\\") || !filepath.IsLocal(filepath.FromSlash(rel)) || path.Clean(rel) != rel {
		return "", fmt.Errorf("refusing to write %q: it is outside the output folder", name)
	}
	return rel, nil
}

// WriteFile records data as the site file name. It is written to staging
// only when the destination does not already hold exactly these bytes. It
// is safe for concurrent use.
func (d *Dir) WriteFile(name string, data []byte) error {
	rel, err := d.produce(name)
	if err != nil {
		return err
	}
	if !d.fresh {
		if st, ok := holds(filepath.Join(d.dest, filepath.FromSlash(rel)), data); ok {
			d.record(rel, st)
			return nil
		}
	}
	p, err := d.stagingPath(rel)
	if err != nil {
		return err
	}
	st, err := writeFile(p, data)
	if err != nil {
		return err
	}
	d.record(rel, st)
	d.stage(rel)
	return nil
}

// holds reports whether the file at name holds exactly data, and its stat
// when it does.
func holds(name string, data []byte) (Stat, bool) {
	f, err := os.Open(name)
	if err != nil {
		return Stat{}, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != int64(len(data)) {
		return Stat{}, false
	}
	// One byte more than expected is read to be sure the file ends there.
	buf := make([]byte, len(data)+1)
	n, err := io.ReadFull(f, buf)
	if err != io.ErrUnexpectedEOF && err != io.EOF || !bytes.Equal(buf[:n], data) {
		return Stat{}, false
	}
	return statOf(fi), true
}

// Create starts the site file name, for a file too large to hold in
// memory whole: the open data of a big catalogue. It is written to
// staging as it comes; Close keeps it only when it differs from what the
// destination holds, as WriteFile would. It is safe for concurrent use.
func (d *Dir) Create(name string) (io.WriteCloser, error) {
	rel, err := d.produce(name)
	if err != nil {
		return nil, err
	}
	p, err := d.stagingPath(rel)
	if err != nil {
		return nil, err
	}
	f, err := os.Create(p)
	if err != nil {
		return nil, err
	}
	return &stream{Writer: bufio.NewWriterSize(f, 256<<10), f: f, d: d, rel: rel}, nil
}

// stream is a file that Create began.
type stream struct {
	*bufio.Writer
	f   *os.File
	d   *Dir
	rel string
}

func (s *stream) Close() error {
	err := s.Flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	// The file the build leaves: the staged one, or the destination's
	// when that holds the same bytes.
	kept, same := s.f.Name(), false
	if !s.d.fresh {
		dest := filepath.Join(s.d.dest, filepath.FromSlash(s.rel))
		if same, err = sameFiles(kept, dest); err != nil {
			return err
		}
		if same {
			if err := os.Remove(kept); err != nil {
				return err
			}
			kept = dest
		}
	}
	fi, err := os.Stat(kept)
	if err != nil {
		return err
	}
	s.d.record(s.rel, statOf(fi))
	if !same {
		s.d.stage(s.rel)
	}
	return nil
}

// sameFiles reports whether the file at a holds the bytes of the file at
// b; a missing b differs. Both are read in pieces.
func sameFiles(a, b string) (bool, error) {
	fb, err := os.Open(b)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	defer fb.Close()
	fa, err := os.Open(a)
	if err != nil {
		return false, err
	}
	defer fa.Close()
	sa, errA := fa.Stat()
	sb, errB := fb.Stat()
	if err := cmp.Or(errA, errB); err != nil || sa.Size() != sb.Size() || !sb.Mode().IsRegular() {
		return false, err
	}
	// Equal sizes: both files end on the same read.
	bufA, bufB := make([]byte, 64<<10), make([]byte, 64<<10)
	for {
		n, errA := io.ReadFull(fa, bufA)
		m, errB := io.ReadFull(fb, bufB)
		if !bytes.Equal(bufA[:n], bufB[:m]) {
			return false, nil
		}
		if errA == io.EOF || errA == io.ErrUnexpectedEOF {
			return true, nil
		}
		if err := cmp.Or(errA, errB); err != nil {
			return false, err
		}
	}
}

// produce checks name and records it as a file of this build.
func (d *Dir) produce(name string) (string, error) {
	rel, err := clean(name)
	if err != nil {
		return "", err
	}
	d.mu.Lock()
	dup := d.produced[rel]
	d.produced[rel] = true
	d.mu.Unlock()
	if dup {
		return "", fmt.Errorf("two files of the build are both named %s", rel)
	}
	return rel, nil
}

// stagingPath returns where rel is staged, making its folder.
func (d *Dir) stagingPath(rel string) (string, error) {
	p := filepath.Join(d.staging, filepath.FromSlash(rel))
	if err := d.mkdir(filepath.Dir(p)); err != nil {
		return "", err
	}
	return p, nil
}

// mkdir makes the staging folder dir and its missing parents. Most folders
// of a build are new and hold one page: making them straight away, rather
// than looking first as os.MkdirAll does, saves two system calls a page.
func (d *Dir) mkdir(dir string) error {
	if d.made(dir) || dir == d.staging {
		return nil
	}
	err := os.Mkdir(dir, 0o755)
	if errors.Is(err, fs.ErrNotExist) {
		if err = d.mkdir(filepath.Dir(dir)); err == nil {
			err = os.Mkdir(dir, 0o755)
		}
	}
	// Another writer may have made it first; a file in its place makes
	// the write fail with a clear error.
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	d.dirs.Store(dir, true)
	return nil
}

// record notes what the file rel is on disk.
func (d *Dir) record(rel string, st Stat) {
	d.mu.Lock()
	d.stats[rel] = st
	d.mu.Unlock()
}

// Stats returns the size and time of every file of the build, by slash
// path, once Commit has put them in place. A build moves files by
// renaming them, which keeps their times. The map is the Dir's own, not
// a copy: it must not be written to, nor used while files are added.
func (d *Dir) Stats() map[string]Stat {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// stage records that rel was written to staging, for Commit.
func (d *Dir) stage(rel string) {
	d.mu.Lock()
	d.staged = append(d.staged, rel)
	d.mu.Unlock()
}

func (d *Dir) made(dir string) bool {
	_, ok := d.dirs.Load(dir)
	return ok
}

// Changed is the number of files the build wrote (new or different).
func (d *Dir) Changed() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.staged)
}

// Commit moves the build into place: staged files replace their old
// versions, and the owned files the build did not produce are removed.
func (d *Dir) Commit() (removed int, err error) {
	if d.fresh {
		return 0, os.Rename(d.staging, d.dest)
	}
	slices.Sort(d.staged)
	stale, err := d.stale()
	if err != nil {
		return 0, err
	}
	// Moving, keeping and removing go through the folders of dest: a link
	// among them would take files out of it, lose the files the build
	// found unchanged through it, or remove files elsewhere.
	if err := d.checkLinks(slices.Concat(slices.Collect(maps.Keys(d.produced)), stale)); err != nil {
		return 0, err
	}
	for _, rel := range d.staged {
		to := filepath.Join(d.dest, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return removed, err
		}
		// A folder where a file now goes (or the reverse) is replaced.
		if st, err := os.Lstat(to); err == nil && st.IsDir() {
			if err := os.RemoveAll(to); err != nil {
				return removed, err
			}
		}
		if err := os.Rename(filepath.Join(d.staging, filepath.FromSlash(rel)), to); err != nil {
			return removed, fmt.Errorf("moving %s into place: %w", rel, err)
		}
	}
	removed, err = d.prune(stale)
	if err != nil {
		return removed, err
	}
	return removed, os.RemoveAll(d.staging)
}

// checkLinks refuses to go on when a folder on the way to one of the
// files rels, inside dest, is a symbolic link. Each folder is looked at
// once, and none below one that does not exist.
func (d *Dir) checkLinks(rels []string) error {
	seen := map[string]bool{}
	for _, name := range rels {
		rel, err := clean(name)
		if err != nil {
			continue // never written nor removed
		}
		for dir, i := "", 0; ; {
			j := strings.IndexByte(rel[i:], '/')
			if j < 0 {
				break
			}
			dir, i = rel[:i+j], i+j+1
			if seen[dir] {
				continue
			}
			seen[dir] = true
			st, err := os.Lstat(filepath.Join(d.dest, filepath.FromSlash(dir)))
			if err != nil {
				break
			}
			if st.Mode()&fs.ModeSymlink != 0 {
				return fmt.Errorf("%s is a symbolic link: a build writes only into folders of its own; remove the link", filepath.Join(d.dest, filepath.FromSlash(dir)))
			}
		}
	}
	return nil
}

// stale returns the files of dest the build owns but did not produce.
func (d *Dir) stale() ([]string, error) {
	var stale []string
	if !d.owned.All {
		for _, name := range d.owned.Files {
			// The list comes from a file in the user's cache: a name it
			// holds is checked as one a template asked for would be.
			if rel, err := clean(name); err == nil && !d.produced[rel] {
				stale = append(stale, rel)
			}
		}
		return stale, nil
	}
	err := filepath.WalkDir(d.dest, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(d.dest, p)
		rel = filepath.ToSlash(rel)
		switch {
		case rel == ".":
		case e.Name() == ".git": // a repository, or a worktree's .git file
			if e.IsDir() {
				return fs.SkipDir
			}
		case !e.IsDir() && !d.produced[rel]:
			stale = append(stale, rel)
		}
		return nil
	})
	return stale, err
}

// prune removes the stale files and the folders that leaves empty.
func (d *Dir) prune(stale []string) (int, error) {
	removed := 0
	dirs := map[string]bool{}
	for _, rel := range stale {
		err := os.Remove(filepath.Join(d.dest, filepath.FromSlash(rel)))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return removed, err
		}
		removed++
		for dir := path.Dir(rel); dir != "."; dir = path.Dir(dir) {
			dirs[dir] = true
		}
	}
	// Deepest first, so a folder is empty once its children are gone.
	order := slices.SortedFunc(maps.Keys(dirs), func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	for _, dir := range order {
		_ = os.Remove(filepath.Join(d.dest, filepath.FromSlash(dir))) // fails, as it should, while the folder holds files
	}
	return removed, nil
}

// Abort removes the staging folder, leaving the destination as it was.
func (d *Dir) Abort() error { return os.RemoveAll(d.staging) }
