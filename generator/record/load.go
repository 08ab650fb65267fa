package record

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"pledgesite/generator/diag"
	"pledgesite/generator/yamlsrc"
)

// Dir is the folder of record files, relative to the source root.
const Dir = "pledges"

// Cache keeps decoded records between builds of a long-running process
// (the preview server), so that only files that changed are read again. A
// file counts as unchanged while its size and modification time are, or,
// once the owner trusts its file events, until it is forgotten.
type Cache struct {
	mu    sync.Mutex
	m     map[string]cached
	trust bool
	// entries is the last listing of Dir; forgotten holds the files
	// forgotten since. While trusted, a listing is brought up to date
	// with the forgotten files rather than made again (see readDir).
	entries   []fs.DirEntry
	forgotten map[string]bool
	// refs is the last CheckRefs that found nothing wrong.
	refs struct {
		recs     []*Pledge
		measures map[string]string
	}
}

type cached struct {
	size int64
	mod  time.Time
	rec  *Pledge
	errs diag.List
	// badName: the file's name is not a record id, which Load reports
	// each time it lists the file, so such a file is never trusted.
	badName bool
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{m: map[string]cached{}} }

// Forget drops a file from the cache, for callers that know it changed.
func (c *Cache) Forget(path string) {
	c.mu.Lock()
	if c.forgotten == nil {
		c.forgotten = map[string]bool{}
	}
	c.forgotten[path] = true
	delete(c.m, path)
	c.mu.Unlock()
}

// readDir lists Dir, or, while trusted, brings the last listing up to
// date with the files forgotten since, each changed, added or removed:
// listing 10,000 files again took a tenth of a rebuild, and a new pledge
// is what a contributor previews.
func (c *Cache) readDir(fsys fs.FS) ([]fs.DirEntry, error) {
	if c == nil {
		return fs.ReadDir(fsys, Dir)
	}
	c.mu.Lock()
	entries, trust, forgotten := c.entries, c.trust, c.forgotten
	c.forgotten = nil
	c.mu.Unlock()
	if trust && entries != nil {
		if entries = patchListing(fsys, entries, forgotten); entries != nil {
			c.mu.Lock()
			c.entries = entries
			c.mu.Unlock()
			return entries, nil
		}
	}
	entries, err := fs.ReadDir(fsys, Dir)
	c.mu.Lock()
	c.entries = entries
	c.mu.Unlock()
	return entries, err
}

// patchListing returns entries, a listing of Dir sorted by name as
// fs.ReadDir sorts it, with the forgotten files as they are now: a file
// changed, added or gone. It returns nil, for a listing made anew, when
// one of them is anything else: not in Dir itself, or not a plain file.
func patchListing(fsys fs.FS, entries []fs.DirEntry, forgotten map[string]bool) []fs.DirEntry {
	if len(forgotten) == 0 {
		return entries
	}
	// The last build's listing is not changed in place.
	entries = slices.Clone(entries)
	for p := range forgotten {
		if path.Dir(p) != Dir {
			return nil
		}
		name := path.Base(p)
		i, found := slices.BinarySearchFunc(entries, name, func(e fs.DirEntry, name string) int { return strings.Compare(e.Name(), name) })
		info, err := fs.Lstat(fsys, p)
		switch {
		case err == nil && info.Mode().IsRegular():
			e := fs.FileInfoToDirEntry(info)
			if found {
				entries[i] = e
			} else {
				entries = slices.Insert(entries, i, e)
			}
		case errors.Is(err, fs.ErrNotExist):
			if found {
				entries = slices.Delete(entries, i, i+1)
			}
		default:
			return nil
		}
	}
	return entries
}

// Trust tells the cache whether its owner calls Forget for every file that
// changed, as the preview server does from file system events. While it
// does, cached files are not even looked at: at 10,000 records, asking the
// file system for each one's size and time is a fifth of a rebuild. An
// owner that may have missed events turns trust off for a build.
func (c *Cache) Trust(on bool) {
	c.mu.Lock()
	c.trust = on
	c.mu.Unlock()
}

// trusted tells whether path is cached and need not be looked at; c.mu is
// held.
func (c *Cache) trusted(path string) bool {
	if c == nil {
		return false
	}
	e, ok := c.m[path]
	return ok && c.trust && !e.badName
}

// get looks a file up; c.mu is held.
func (c *Cache) get(path string, info fs.FileInfo) (cached, bool) {
	e, ok := c.m[path]
	if c.trust && ok {
		return e, true
	}
	return e, ok && info != nil && e.size == info.Size() && e.mod.Equal(info.ModTime())
}

func (c *Cache) put(path string, info fs.FileInfo, badName bool, rec *Pledge, errs diag.List) {
	if c == nil || info == nil {
		return
	}
	c.mu.Lock()
	c.m[path] = cached{size: info.Size(), mod: info.ModTime(), rec: rec, errs: errs, badName: badName}
	c.mu.Unlock()
}

// keep drops entries for files that no longer exist.
func (c *Cache) keep(files []string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) == len(files) {
		return // every file is cached, so nothing else is
	}
	keep := make(map[string]bool, len(files))
	for _, f := range files {
		keep[f] = true
	}
	for p := range c.m {
		if !keep[p] {
			delete(c.m, p)
		}
	}
}

// Times is the time Load spent in each step, added up over the goroutines
// that ran it: on several cores they add up to more than Load took.
type Times struct {
	Read  time.Duration // listing the folder, opening and reading files
	Parse time.Duration // YAML
	Check time.Duration // fields and values, one record at a time
}

// Load reads and decodes every record file in Dir of fsys, in parallel. The
// records come back sorted by path; records whose file could not be parsed
// at all are left out, and every problem is in the list. cache may be nil.
func Load(fsys fs.FS, cache *Cache) ([]*Pledge, Times, diag.List) {
	var (
		errs  diag.List
		times Times
	)
	start := time.Now()
	entries, err := cache.readDir(fsys)
	times.Read = time.Since(start)
	if err != nil {
		errs.Add(Dir, 0, 0, RuleFile, "cannot read the records folder: %v", err)
		return nil, times, errs
	}
	var files []string
	infos := map[string]fs.FileInfo{}
	badNames := map[string]bool{}
	if cache != nil {
		cache.mu.Lock()
	}
	for _, e := range entries {
		name := e.Name()
		p := Dir + "/" + name
		switch {
		case strings.HasPrefix(name, "."):
			// Editor and system files.
		case e.Type()&fs.ModeSymlink != 0:
			errs.Add(p, 0, 0, RuleFile, "symbolic links are not allowed among records: copy the file in instead")
		case e.IsDir():
			errs.Add(p, 0, 0, RuleFile, "records are not read from subfolders: move the file up into %s/", Dir)
		case cache.trusted(p):
			// Its name was found good when it was cached.
			files = append(files, p)
		case strings.HasSuffix(name, ".yaml"):
			// A record under a bad name is still checked, so that all its
			// problems show in one run.
			if id := strings.TrimSuffix(name, ".yaml"); len(id) > MaxIDLen {
				errs.Add(p, 0, 0, RuleIDFile, "file name %q is longer than the limit of %d characters before .yaml: shorten it, such as to %q", name, MaxIDLen, suggestID(id)+".yaml")
				badNames[p] = true
			} else if !ValidID(id) {
				errs.Add(p, 0, 0, RuleIDFile, "file name %q is not a valid record id: use lowercase letters, digits and single hyphens, such as %q", name, suggestID(id)+".yaml")
				badNames[p] = true
			}
			files = append(files, p)
			if cache != nil {
				infos[p], _ = e.Info()
			}
		case name == "schema.json" || strings.HasPrefix(name, "README"):
			// The record format's JSON Schema, for editors (make schema),
			// and notes for maintainers.
		default:
			// Never skipped in silence: a record saved as .yml, .YAML,
			// .json or "x.yaml " would be missing from the site unnoticed.
			stem, _, _ := strings.Cut(strings.TrimSpace(name), ".")
			errs.Add(p, 0, 0, RuleFile, "only record files ending in .yaml belong in %s/: rename it to %q if it is a record, or move it out", Dir, suggestID(stem)+".yaml")
		}
	}

	// Cached files under one lock; the others are decoded on all cores.
	recs := make([]*Pledge, len(files))
	perFile := make([]diag.List, len(files))
	var todo []int
	for i, f := range files {
		if cache != nil {
			if c, ok := cache.get(f, infos[f]); ok {
				recs[i], perFile[i] = c.rec, c.errs
				continue
			}
		}
		todo = append(todo, i)
	}
	if cache != nil {
		cache.mu.Unlock()
	}
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), max(len(todo), 1))
	perWorker := make([]Times, workers)
	for w := range workers {
		wg.Go(func() {
			t := &perWorker[w]
			var buf []byte
			for k := w; k < len(todo); k += workers {
				i := todo[k]
				recs[i], perFile[i], buf = decodeFile(fsys, files[i], buf, t)
				cache.put(files[i], infos[files[i]], badNames[files[i]], recs[i], perFile[i])
			}
		})
	}
	wg.Wait()
	for _, t := range perWorker {
		times.Read += t.Read
		times.Parse += t.Parse
		times.Check += t.Check
	}

	for _, l := range perFile {
		errs = append(errs, l...)
	}
	cache.keep(files)
	recs = slices.DeleteFunc(recs, func(p *Pledge) bool { return p == nil })
	slices.SortFunc(recs, func(a, b *Pledge) int { return strings.Compare(a.Path, b.Path) })
	return recs, times, errs
}

// decodeFile reads and decodes one record file into buf's memory, adding
// the time each step took to t, and returns buf for the next file: a
// record keeps none of its file's bytes, and a buffer of its own for each
// file was a twentieth of the bytes a build allocated.
func decodeFile(fsys fs.FS, p string, buf []byte, t *Times) (*Pledge, diag.List, []byte) {
	data, errs := readFile(fsys, p, buf, t)
	if len(errs) > 0 {
		return nil, errs, buf
	}
	rec, errs := decode(p, data, t)
	return rec, errs, data
}

// readFile reads a record file whole into buf's memory, refusing one over
// the size limit.
func readFile(fsys fs.FS, p string, buf []byte, t *Times) ([]byte, diag.List) {
	start := time.Now()
	defer func() { t.Read += time.Since(start) }()
	f, err := fsys.Open(p)
	if err != nil {
		return nil, diag.List{{Path: p, Rule: RuleFile, Message: fmt.Sprintf("cannot read: %v", err)}}
	}
	defer f.Close()
	size := int64(512)
	if st, err := f.Stat(); err == nil {
		if st.Size() > yamlsrc.MaxFileSize {
			return nil, diag.List{{Path: p, Line: 1, Col: 1, Rule: yamlsrc.RuleSize,
				Message: fmt.Sprintf("file is %d bytes, larger than the limit of %d bytes", st.Size(), yamlsrc.MaxFileSize)}}
		}
		size = st.Size()
	}
	buf, err = readLimited(f, int(size), buf)
	if err != nil {
		return nil, diag.List{{Path: p, Rule: RuleFile, Message: fmt.Sprintf("cannot read: %v", err)}}
	}
	return buf, nil
}

// readLimited reads r to its end, or one byte past the size limit so that a
// file that grows while being read is still caught without reading all of
// it. The buffer is sized to hold size bytes and the read that finds the
// end, so a file that keeps its size is read in one allocation (a
// bytes.Buffer would double its buffer to keep 512 bytes free for that
// last read). It reads into buf's memory when that is large enough.
func readLimited(r io.Reader, size int, buf []byte) ([]byte, error) {
	buf = slices.Grow(buf[:0], min(size, yamlsrc.MaxFileSize)+1)
	for len(buf) <= yamlsrc.MaxFileSize {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, 4096)
		}
		n, err := r.Read(buf[len(buf):min(cap(buf), yamlsrc.MaxFileSize+1)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// suggestID turns a file name into the id it was probably meant to be.
func suggestID(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if i := strings.IndexRune(accented, r); i >= 0 {
			r = rune(unaccented[utf8.RuneCountInString(accented[:i])])
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := b.String()
	s = strings.Trim(s[:min(len(s), MaxIDLen)], "-")
	if s == "" {
		s = "my-pledge"
	}
	return s
}

// accented letters of Latin scripts and, at the same place in
// unaccented, the letter an id would use for each.
const (
	accented   = "àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšţťŧùúûüũūŭůűųŵýÿŷźżž"
	unaccented = "aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnooooooooorrrsssstttuuuuuuuuuuwyyyzzz"
)

// CheckRefs checks what only the whole catalogue can tell: that ids are
// unique, that contributes_to names multistakeholder records, that matches
// names pledges, and that every measure exists. measures maps a measure id
// to its title.
func CheckRefs(recs []*Pledge, measures map[string]string) diag.List {
	var errs diag.List
	byID := make(map[string]*Pledge, len(recs))
	for _, p := range recs {
		if p.ID == "" {
			continue
		}
		if first, dup := byID[p.ID]; dup {
			// The record in the file named after the id keeps it; the
			// copy, usually the file a pull request adds, is told.
			owner, other := first, p
			if p.Path == Dir+"/"+p.ID+".yaml" {
				owner, other = p, first
				byID[p.ID] = p
			}
			hint := ""
			if stem := strings.TrimSuffix(path.Base(other.Path), ".yaml"); ValidID(stem) && stem != p.ID {
				hint = fmt.Sprintf(", such as %q, its file name", stem)
			}
			pos := other.At.ID
			errs.Add(other.Path, pos.Line, pos.Col, RuleDuplicateID, "id %q is already used by %s: give this record an id of its own%s", p.ID, owner.Path, hint)
			continue
		}
		byID[p.ID] = p
	}
	// The lists for hints are made only when a reference is wrong: at
	// 10,000 records, checking the right ones is most of the work.
	var msps, pledges []string
	ids := func() {
		if msps != nil || pledges != nil {
			return
		}
		msps, pledges = []string{}, []string{}
		for _, p := range recs {
			if p.IsMultistakeholder() {
				msps = append(msps, p.ID)
			} else if p.ID != "" {
				pledges = append(pledges, p.ID)
			}
		}
	}
	measureIDs := make([]string, 0, len(measures))
	for id := range measures {
		measureIDs = append(measureIDs, id)
	}
	slices.Sort(measureIDs)

	at := func(pos []Pos, i int) Pos {
		if i < len(pos) {
			return pos[i]
		}
		return Pos{}
	}
	for _, p := range recs {
		for i, id := range p.ContributesTo {
			switch t, ok := byID[id]; {
			case !ok:
				ids()
				pos := at(p.At.ContributesTo, i)
				errs.Add(p.Path, pos.Line, pos.Col, RuleUnknownRef, "contributes_to: no multistakeholder pledge has the id %q%s", id, refHint(id, msps))
			case !t.IsMultistakeholder():
				ids()
				pos := at(p.At.ContributesTo, i)
				errs.Add(p.Path, pos.Line, pos.Col, RuleUnknownRef, "contributes_to: %q is a pledge, not a multistakeholder pledge%s", id, refHint(id, msps))
			}
		}
		if p.IsMultistakeholder() && len(p.ContributesTo) > 0 {
			pos := at(p.At.ContributesTo, 0)
			errs.Add(p.Path, pos.Line, pos.Col, RuleKindField, "a multistakeholder pledge cannot contribute to another one")
		}
		for i, id := range p.Matches {
			switch t, ok := byID[id]; {
			case !ok:
				ids()
				pos := at(p.At.Matches, i)
				errs.Add(p.Path, pos.Line, pos.Col, RuleUnknownRef, "matches: no pledge has the id %q%s", id, refHint(id, pledges))
			case t.IsMultistakeholder():
				pos := at(p.At.Matches, i)
				errs.Add(p.Path, pos.Line, pos.Col, RuleUnknownRef, "matches: %q is a multistakeholder pledge; a matching pledge matches an ordinary pledge", id)
			case t == p:
				pos := at(p.At.Matches, i)
				errs.Add(p.Path, pos.Line, pos.Col, RuleUnknownRef, "matches: a pledge cannot match itself")
			}
		}
		for i, id := range p.Measures {
			if _, ok := measures[id]; !ok {
				pos := at(p.At.Measures, i)
				errs.Add(p.Path, pos.Line, pos.Col, RuleUnknownMeas, "measures: no guidance measure has the id %q%s", id, refHint(id, measureIDs))
			}
		}
	}
	return errs
}

// CheckRefs is CheckRefs for an owner that checks much the same records
// again and again (the preview server): when the last check found nothing
// wrong, and the records differ from the last ones only in records that
// keep their file, id, kind and references, it answers without checking
// 10,000 records again. A nil Cache checks every time.
func (c *Cache) CheckRefs(recs []*Pledge, measures map[string]string) diag.List {
	if c == nil {
		return CheckRefs(recs, measures)
	}
	c.mu.Lock()
	last, lastMeasures := c.refs.recs, c.refs.measures
	c.mu.Unlock()
	if last != nil && len(last) == len(recs) && maps.Equal(lastMeasures, measures) &&
		sameRefsAll(last, recs) {
		c.mu.Lock()
		c.refs.recs = recs
		c.mu.Unlock()
		return nil
	}
	errs := CheckRefs(recs, measures)
	c.mu.Lock()
	c.refs.recs, c.refs.measures = nil, nil
	if len(errs) == 0 {
		c.refs.recs, c.refs.measures = recs, measures
	}
	c.mu.Unlock()
	return errs
}

// sameRefsAll tells whether b are the records a, or versions of them with
// the same file, id, kind and references.
func sameRefsAll(a, b []*Pledge) bool {
	for i, p := range b {
		if o := a[i]; o != p && (o.Path != p.Path || o.ID != p.ID || o.Kind != p.Kind ||
			!slices.Equal(o.ContributesTo, p.ContributesTo) || !slices.Equal(o.Matches, p.Matches) || !slices.Equal(o.Measures, p.Measures)) {
			return false
		}
	}
	return true
}

// refHint suggests the nearest existing id, or lists the ids when there are
// few enough to read.
func refHint(id string, ids []string) string {
	if s, ok := yamlsrc.Nearest(id, ids); ok {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	switch {
	case len(ids) == 0:
		return " (there are none yet)"
	case len(ids) <= 30:
		return " (existing ids: " + strings.Join(ids, ", ") + ")"
	}
	return fmt.Sprintf(" (see the %d ids in %s/)", len(ids), path.Clean(Dir))
}
