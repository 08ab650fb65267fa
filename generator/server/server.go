// Package server is the preview server of `pledgesite serve`: it builds the
// site into memory, serves it, watches the sources and rebuilds on change,
// and tells open pages to reload over Server-Sent Events.
//
// Rebuilds go through the same generator.Builder as `pledgesite build`, with
// its caches on, so a changed pledge re-renders that pledge and the pages
// that list it. A failed rebuild never replaces the site being served: the
// last good build stays up and every page shows the errors over it.
package server

import (
	"bytes"
	"cmp"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"pledgesite/generator"
	"pledgesite/generator/diag"
)

//go:embed live.js
var liveJS []byte

// Prefix is where the server's own files live; the site never uses it.
const Prefix = "/_pledgesite/"

// Config says what to serve.
type Config struct {
	Source     string
	Addr       string // host:port to listen on
	SassBinary string
	Log        io.Writer // one line per rebuild
	// Quiet is how long the sources must be still before a rebuild.
	Quiet time.Duration
}

// Server serves one site.
type Server struct {
	cfg     Config
	builder *generator.Builder
	baseURL string

	mu      sync.RWMutex
	files   map[string][]byte // last good build
	errText string            // problems of the last build, "" when it succeeded
	// The open data of the last good build is made on first request (see
	// generator.Deferrer): lazy holds the makers, made what they made.
	// building is held while a build runs and while a maker does, since
	// the next build reuses what makers read.
	lazy map[string]func(io.Writer) error
	made map[string][]byte
	// The search index is made the same way, as a folder, when a file in
	// it is first requested (see generator.FolderDeferrer).
	folders     map[string]func(write func(string, []byte) error) error
	madeFolders map[string]bool
	// The list pages are made after the reload event of their build,
	// into made, while pending is set (see generator.PagesDeferrer).
	pending  bool
	building sync.Mutex
	clients  map[chan event]bool

	ln        net.Listener
	checkHost bool // answer only names of this machine and addresses: see allowedHost
	ready     chan struct{}
	attempts  int // rebuilds, good or failed
	good      int // rebuilds that replaced the site
	// moved is set when a folder of the source tree may have appeared
	// or moved since the last resync, which the next batch then runs.
	moved bool
}

type event struct{ name, data string }

// New prepares a server; Run starts it.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Quiet == 0 {
		cfg.Quiet = 20 * time.Millisecond
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, err
	}
	b, err := generator.NewBuilder(ctx, cfg.Source, cfg.SassBinary, true)
	if err != nil {
		ln.Close()
		return nil, err
	}
	// On this machine only, or on every address of it (":1313"): a page
	// from elsewhere can reach both by pointing its own name at them.
	local := false
	if a, ok := ln.Addr().(*net.TCPAddr); ok {
		local = a.IP.IsLoopback() || a.IP.IsUnspecified()
	}
	return &Server{cfg: cfg, builder: b, ln: ln, baseURL: "http://" + ln.Addr().String() + "/",
		clients: map[chan event]bool{}, ready: make(chan struct{}), checkHost: local}, nil
}

// URL is the address the site is served at.
func (s *Server) URL() string { return s.baseURL }

// Ready is closed once the first build is done, good or not.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// Files returns the files of the last good build, for tests.
func (s *Server) Files() map[string][]byte {
	s.waitLists()
	s.mu.RLock()
	files, lazy, folders := s.files, s.lazy, s.folders
	s.mu.RUnlock()
	// What is deferred is made into made, with the list pages.
	for name := range lazy {
		_, _, _ = s.lazyFile(name)
	}
	for dir := range folders {
		_ = s.makeFolder(dir)
	}
	all := maps.Clone(files)
	s.mu.RLock()
	defer s.mu.RUnlock()
	maps.Copy(all, s.made)
	return all
}

// makeFolder makes (once per build) the folder of the last good build
// that name is in, if the build deferred it. Its files are then in made.
func (s *Server) makeFolder(name string) error {
	dir, _, _ := strings.Cut(name, "/")
	look := func() (func(write func(string, []byte) error) error, bool) {
		s.mu.RLock()
		defer s.mu.RUnlock()
		return s.folders[dir], s.madeFolders[dir]
	}
	if build, done := look(); build == nil || done {
		return nil
	}
	s.building.Lock()
	defer s.building.Unlock()
	build, done := look() // as the last build left them
	if build == nil || done {
		return nil
	}
	s.mu.RLock()
	files := s.files
	s.mu.RUnlock()
	var mu sync.Mutex // build may write from several goroutines
	made := map[string][]byte{}
	err := build(func(name string, data []byte) error {
		mu.Lock()
		defer mu.Unlock()
		name = strings.TrimPrefix(name, "/")
		_, built := files[name]
		if _, dup := made[name]; dup || built {
			return fmt.Errorf("two files of the build are both named %s", name)
		}
		if !strings.HasPrefix(name, dir+"/") {
			return fmt.Errorf("%s was made with the folder %s/, outside it", name, dir)
		}
		made[name] = data
		return nil
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	maps.Copy(s.made, made)
	s.madeFolders[dir] = true
	s.mu.Unlock()
	return nil
}

// lazyFile makes (once per build) a file of the last good build that the
// build deferred. ok is false when there is no such file.
func (s *Server) lazyFile(name string) (data []byte, ok bool, err error) {
	look := func() ([]byte, bool, func(io.Writer) error) {
		s.mu.RLock()
		defer s.mu.RUnlock()
		data, done := s.made[name]
		return data, done, s.lazy[name]
	}
	// Most requests that get here are for no file at all, and need not
	// wait for a build.
	if data, done, write := look(); done || write == nil {
		return data, done, nil
	}
	s.building.Lock()
	defer s.building.Unlock()
	data, done, write := look() // as the last build left them
	switch {
	case done:
		return data, true, nil
	case write == nil:
		return nil, false, nil
	}
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return nil, true, err
	}
	s.mu.Lock()
	s.made[name] = b.Bytes()
	s.mu.Unlock()
	return b.Bytes(), true, nil
}

// Rebuilds counts the rebuilds done, good or failed, and reports whether
// the last one failed; tests wait on it.
func (s *Server) Rebuilds() (n int, failed bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.attempts, s.errText != ""
}

// Run builds, serves and watches until ctx is done, then shuts down: the
// listener, the watcher and the Dart Sass process are all closed.
func (s *Server) Run(ctx context.Context) error {
	defer s.builder.Close()
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	if err := s.watchTree(w); err != nil {
		return err
	}

	// The listener is open already: a browser that connects during the
	// first build waits for it instead of seeing an empty site.
	fmt.Fprintf(s.cfg.Log, "serving %s at %s (press Ctrl-C to stop)\n", s.cfg.Source, s.baseURL)
	s.rebuild(ctx, nil)
	close(s.ready)

	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(s.ln) }()

	batches := newBatcher(s.cfg.Quiet, 2*time.Second)
	defer batches.close()
	for {
		select {
		case <-ctx.Done():
			s.closeClients()
			shutdown, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			return srv.Shutdown(shutdown)
		case err := <-serveErr:
			return err
		case ev, ok := <-w.Events:
			if !ok {
				return errors.New("file watcher closed")
			}
			if rel, ok := s.watchEvent(w, ev); ok {
				batches.in <- rel
			}
		case err := <-w.Errors:
			// Events may have been lost (a full queue): look at every
			// record file again.
			fmt.Fprintf(s.cfg.Log, "watch: %v; checking every file\n", err)
			s.moved = true
			batches.in <- "pledges"
		case batch := <-batches.out:
			s.rebuild(ctx, append(batch, s.regained(w)...))
		}
	}
}

// watched are the parts of the source tree a build reads.
var watched = []string{"content", "pledges", "themes"}

func (s *Server) watchTree(w *fsnotify.Watcher) error {
	// The root is watched for site.yaml and for the folders appearing.
	if err := w.Add(s.cfg.Source); err != nil {
		return err
	}
	for _, d := range watched {
		if err := s.addTree(w, filepath.Join(s.cfg.Source, d)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

func (s *Server) addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && p != dir {
				return filepath.SkipDir
			}
			return w.Add(p)
		}
		return nil
	})
}

// watchEvent keeps the watches in step with a change to the source tree,
// and returns the source path changed, when the build reads it.
func (s *Server) watchEvent(w *fsnotify.Watcher, ev fsnotify.Event) (string, bool) {
	rel, ok := s.relevant(ev.Name)
	if !ok {
		return "", false
	}
	// A folder renamed away: its watches, and its subfolders', stay filed
	// under the old names; drop them, so that the new names get watches
	// of their own (see resync, which the next batch runs).
	if ev.Has(fsnotify.Rename) {
		for _, p := range w.WatchList() {
			if p == ev.Name || strings.HasPrefix(p, ev.Name+string(filepath.Separator)) {
				s.moved = true
				_ = w.Remove(p)
			}
		}
	}
	if ev.Has(fsnotify.Create) {
		// A new folder (or one moved in) is watched too.
		if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
			s.moved = true
			_ = s.addTree(w, ev.Name)
		}
	}
	return rel, true
}

// regained returns the source paths of the folders resync watched again,
// when folders may have moved since it last looked: walking the tree takes
// milliseconds with 10,000 records in one folder, too long for every save.
func (s *Server) regained(w *fsnotify.Watcher) []string {
	if !s.moved {
		return nil
	}
	s.moved = false
	var rels []string
	for _, dir := range s.resync(w) {
		if rel, ok := s.relevant(dir); ok {
			rels = append(rels, rel)
		}
	}
	return rels
}

// resync watches every folder of the source tree that is not watched, and
// returns those it added, whose changes may have been missed. fsnotify can
// lose a folder renamed within the tree: adding it under its new name gets
// back the kernel's watch, still filed under the old name, which the
// rename's own event then removes.
func (s *Server) resync(w *fsnotify.Watcher) []string {
	have := map[string]bool{}
	for _, p := range w.WatchList() {
		have[p] = true
	}
	var missing []string
	for _, d := range watched {
		root := filepath.Join(s.cfg.Source, d)
		_ = filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			switch {
			case err != nil || !e.IsDir():
				return nil
			case strings.HasPrefix(e.Name(), ".") && p != root:
				return filepath.SkipDir
			case !have[p]:
				missing = append(missing, p)
			}
			return nil
		})
	}
	if len(missing) == 0 {
		return nil
	}
	// Added only when the watcher then lists it: an Add of a folder whose
	// watch is filed under another name succeeds and changes nothing.
	for _, p := range missing {
		_ = w.Add(p)
	}
	have = map[string]bool{}
	for _, p := range w.WatchList() {
		have[p] = true
	}
	var added []string
	for _, p := range missing {
		if have[p] {
			added = append(added, p)
		}
	}
	return added
}

// relevant turns an event's path into a source path, or reports that the
// build does not read it (editor swap files, public/, .git).
func (s *Server) relevant(name string) (string, bool) {
	rel, err := filepath.Rel(s.cfg.Source, name)
	if err != nil {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	base := path.Base(rel)
	if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") || strings.HasPrefix(base, "#") {
		return "", false
	}
	if rel == "site.yaml" {
		return rel, true
	}
	top, _, _ := strings.Cut(rel, "/")
	return rel, slices.Contains(watched, top)
}

// memory holds the files of one build, and counts those that differ from
// the last build's (old) as they arrive.
type memory struct {
	mu           sync.Mutex
	files, old   map[string][]byte
	lazy         map[string]func(io.Writer) error // deferred files
	folders      map[string]func(write func(string, []byte) error) error
	pages, other int // new or changed files
	added        int // files the last build did not have
	// lists render the list pages, which are made after the reload
	// (see generator.PagesDeferrer), with their names.
	lists     []func(write func(string, []byte) error) error
	listNames map[string]bool
}

// changed returns how many pages and files are new or changed; files of
// the last build that this one did not make count as changed.
func (m *memory) changed() (pages, files int) {
	return m.pages, m.pages + m.other + len(m.old) - (len(m.files) - m.added)
}

func (m *memory) WriteFile(name string, data []byte) error {
	name = strings.TrimPrefix(name, "/")
	m.mu.Lock()
	defer m.mu.Unlock()
	// A name already taken leaves the map's size as it was: one lookup
	// fewer per file, of 20,000 on each save of a large catalogue.
	n := len(m.files)
	if m.lazy[name] == nil && !m.listNames[name] {
		m.files[name] = data
	}
	if len(m.files) == n {
		return fmt.Errorf("two files of the build are both named %s", name)
	}
	prev, ok := m.old[name]
	if !ok {
		m.added++
	}
	if !ok || !bytes.Equal(prev, data) {
		if strings.HasSuffix(name, ".html") {
			m.pages++
		} else {
			m.other++
		}
	}
	return nil
}

// Defer takes a file to make when it is first requested. It does not
// count as changed: what a deferred file (the open data) holds, the pages
// show too.
func (m *memory) Defer(name string, write func(io.Writer) error) error {
	name = strings.TrimPrefix(name, "/")
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.files[name]; dup || m.lazy[name] != nil {
		return fmt.Errorf("two files of the build are both named %s", name)
	}
	if m.lazy == nil {
		m.lazy = map[string]func(io.Writer) error{}
	}
	m.lazy[name] = write
	return nil
}

// DeferPages takes list pages to make once the reload is sent. They
// count as changed once made (see makeLists).
func (m *memory) DeferPages(names []string, build func(write func(string, []byte) error) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.listNames == nil {
		m.listNames = map[string]bool{}
	}
	for _, name := range names {
		name = strings.TrimPrefix(name, "/")
		if _, dup := m.files[name]; dup || m.lazy[name] != nil || m.listNames[name] {
			return fmt.Errorf("two files of the build are both named %s", name)
		}
		m.listNames[name] = true
	}
	m.lists = append(m.lists, build)
	return nil
}

// DeferFolder takes the files of the folder dir, to make together when
// one of them is first requested. They do not count as changed (see
// rebuild for the search page).
func (m *memory) DeferFolder(dir string, build func(write func(string, []byte) error) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.folders[dir] != nil || strings.Contains(dir, "/") {
		return fmt.Errorf("cannot defer the folder %s", dir)
	}
	if m.folders == nil {
		m.folders = map[string]func(write func(string, []byte) error) error{}
	}
	m.folders[dir] = build
	return nil
}

// rebuild builds the site again and tells the pages. changed lists the
// source paths that triggered it (nil for the first build).
func (s *Server) rebuild(ctx context.Context, changed []string) {
	start := time.Now()
	// The file events name every record file that changed, so the others
	// need not be looked at; an event on the folder itself, or on
	// something in it that is not a record, might hide others.
	trust := changed != nil
	for _, p := range changed {
		switch {
		case strings.HasPrefix(p, "pledges/") && strings.HasSuffix(p, ".yaml"):
			s.builder.ForgetRecord(p)
		case p == "pledges" || strings.HasPrefix(p, "pledges/"):
			trust = false
		}
	}
	s.builder.TrustEvents(trust)
	s.mu.Lock()
	old := s.files
	s.mu.Unlock()
	mem := &memory{files: make(map[string][]byte, len(old)), old: old}
	s.building.Lock()
	defer s.building.Unlock()
	st, _, err := s.builder.Build(ctx, s.baseURL, mem)
	took := time.Since(start).Round(time.Millisecond)
	what := "first build"
	if changed != nil {
		what = describe(changed)
	}
	if err != nil {
		text := errorText(err)
		s.mu.Lock()
		s.errText = text
		s.attempts++
		serving := "still serving the last good build"
		if s.files == nil {
			serving = "serving the errors until a build succeeds"
		}
		s.mu.Unlock()
		fmt.Fprintf(s.cfg.Log, "%s: build failed in %s; %s\n%s\n", what, took, serving, text)
		s.broadcast(event{"errors", text})
		return
	}

	s.mu.Lock()
	hadErrors := s.errText != ""
	prevMade := s.made
	s.files, s.errText = mem.files, ""
	s.lazy, s.made = mem.lazy, map[string][]byte{}
	s.folders, s.madeFolders = mem.folders, map[string]bool{}
	s.pending = len(mem.lists) > 0
	s.good++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.attempts++ // once the list pages are made too
		s.mu.Unlock()
	}()

	pages, files := mem.changed()
	told := true
	switch {
	case changed == nil:
	case onlyStyles(changed) && !hadErrors:
		s.broadcast(event{"css", cssURL(mem.files)})
	case files > 0 || hadErrors || len(mem.folders) > 0 && !onlyRecords(changed):
		// A change of the theme or of the search page's text may change
		// that page alone, whose folder is made on request. What a record
		// gives the search index, its page shows too.
		s.broadcast(event{"reload", ""})
	default:
		told = false
	}
	// Then the list pages: a request waits for them (see ServeHTTP), and
	// the next build too, since s.building is held.
	lists, err := s.makeLists(mem.lists, prevMade)
	if err != nil {
		// As a failed build's errors, though the other pages are served:
		// the list pages are not found until a build makes them.
		text := errorText(err)
		s.mu.Lock()
		s.errText = text
		s.mu.Unlock()
		fmt.Fprintf(s.cfg.Log, "%s: the list pages failed\n%s\n", what, text)
		s.broadcast(event{"errors", text})
		return
	}
	if lists > 0 && !told {
		s.broadcast(event{"reload", ""})
	}
	fmt.Fprintf(s.cfg.Log, "%s: %d pages and %d files changed of %d files, in %s\n", what, pages+lists, files+lists, st.Files, took)
}

// waitLists returns once the list pages of the last good build are made:
// rebuild makes them after the reload event, holding s.building.
func (s *Server) waitLists() {
	for {
		s.mu.RLock()
		pending := s.pending
		s.mu.RUnlock()
		if !pending {
			return
		}
		s.building.Lock()
		s.building.Unlock() //nolint:staticcheck // an empty critical section: it waits for rebuild
	}
}

// makeLists makes the list pages of the build just served with lists,
// into made, and returns how many differ from those of the last build.
// None is made if one fails.
func (s *Server) makeLists(lists []func(write func(string, []byte) error) error, prev map[string][]byte) (changed int, err error) {
	var mu sync.Mutex // render may write from several goroutines
	made := map[string][]byte{}
	for _, build := range lists {
		err = cmp.Or(err, build(func(name string, data []byte) error {
			mu.Lock()
			made[strings.TrimPrefix(name, "/")] = data
			mu.Unlock()
			return nil
		}))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending = false
	if err != nil {
		return 0, err
	}
	for name, data := range made {
		s.made[name] = data
		if old, ok := prev[name]; !ok || !bytes.Equal(old, data) {
			changed++
		}
	}
	return changed, nil
}

func describe(changed []string) string {
	if len(changed) <= 3 {
		return strings.Join(changed, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(changed[:2], ", "), len(changed)-2)
}

func onlyRecords(changed []string) bool {
	return !slices.ContainsFunc(changed, func(p string) bool { return p != "pledges" && !strings.HasPrefix(p, "pledges/") })
}

func onlyStyles(changed []string) bool {
	for _, p := range changed {
		if !strings.HasSuffix(p, ".scss") {
			return false
		}
	}
	return len(changed) > 0
}

func cssURL(files map[string][]byte) string {
	for name := range files {
		if strings.HasPrefix(name, "css/") && strings.HasSuffix(name, ".css") {
			return "/" + name
		}
	}
	return ""
}

func errorText(err error) string {
	var list diag.List
	if errors.As(err, &list) {
		var b strings.Builder
		_ = diag.Write(&b, list, diag.FormatText, nil)
		return strings.TrimRight(b.String(), "\n")
	}
	return err.Error()
}

func (s *Server) broadcast(e event) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for c := range s.clients {
		select {
		case c <- e:
		default: // a stuck client misses an event rather than stalling rebuilds
		}
	}
}

func (s *Server) closeClients() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.clients {
		close(c)
		delete(s.clients, c)
	}
}
