// Package generator builds a pledge site from its sources. Data flows one
// way:
//
//	fs.FS (site.yaml, content/, pledges/, themes/)
//	  -> load and validate (config, content, record)
//	  -> model (site)
//	  -> render (markdown, render, styles, opendata, feeds)
//	  -> write: changed files to a staging folder (output), moved into the
//	     destination when every step succeeded; or to memory (server)
//
// Load runs the first two steps only; Build runs them all once; a Builder
// runs them again and again for the preview server, redoing only what the
// changed sources affect.
package generator

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"pledgesite/generator/config"
	"pledgesite/generator/content"
	"pledgesite/generator/diag"
	"pledgesite/generator/feeds"
	"pledgesite/generator/history"
	"pledgesite/generator/markdown"
	"pledgesite/generator/opendata"
	"pledgesite/generator/output"
	"pledgesite/generator/record"
	"pledgesite/generator/render"
	"pledgesite/generator/schema"
	"pledgesite/generator/search"
	"pledgesite/generator/site"
	"pledgesite/generator/styles"
)

// Config says what to build and where.
type Config struct {
	Source     string // source root folder
	Dest       string // output folder
	BaseURL    string // overrides site.yaml's base_url when set
	SassBinary string // Dart Sass binary; found by styles.FindBinary when empty
	// NoStamp leaves no stamp in the user's cache: for a build into a
	// temporary folder (deploy's), which no later build will use.
	NoStamp bool
}

// Sources is everything loaded from the source root.
type Sources struct {
	FS      fs.FS
	Config  config.Site
	Content *content.Set
	Records []*record.Pledge
}

// Load reads and checks every source. The returned list holds every
// problem, sorted by file and line; Sources is usable only when it is empty.
func Load(fsys fs.FS, baseURL string) (*Sources, diag.List) {
	src, _, errs := load(fsys, baseURL, nil)
	return src, errs
}

// load is Load with a cache, also returning where the time went. Loading
// (reading and parsing) and validating (checking each record's fields)
// are done file by file in one pass, so that no file's YAML tree is held
// longer than it takes to check it; the rules across records come after.
func load(fsys fs.FS, baseURL string, cache *record.Cache) (*Sources, []Phase, diag.List) {
	if errs := linkedInputs(fsys); len(errs) > 0 {
		return &Sources{FS: fsys, Content: &content.Set{}}, nil, errs
	}
	start := time.Now()
	cfg, errs := config.Load(fsys)
	if baseURL != "" {
		u, err := config.NormalizeBaseURL(baseURL)
		if err != nil {
			errs.Add("--base-url", 0, 0, config.RuleConfig, "%v", err)
		}
		cfg.BaseURL = u
	}
	set, cerrs := content.Load(fsys)
	pages := time.Since(start)
	recs, times, rerrs := record.Load(fsys, cache)
	start = time.Now()
	errs = append(errs, cerrs...)
	errs = append(errs, rerrs...)
	refs := cache.CheckRefs(recs, set.MeasureTitles())
	if len(cerrs) > 0 {
		// A guidance page that did not load defines no measure: records
		// naming it are not wrong for that.
		for i := range refs {
			if refs[i].Rule == record.RuleUnknownMeas {
				refs[i].Message += "; the guidance has problems too (listed first), which may be why: fix those first"
			}
		}
	}
	errs = append(errs, refs...)
	if cfg.Featured != "" {
		found := false
		for _, p := range recs {
			found = found || (p.ID == cfg.Featured && p.IsMultistakeholder())
		}
		if !found {
			errs.Add(config.File, cfg.FeaturedAt[0], cfg.FeaturedAt[1], config.RuleConfig, "featured: no multistakeholder pledge has the id %q", cfg.Featured)
		}
	}
	if _, err := fs.Stat(fsys, path.Join("themes", cfg.Theme, "layouts", "baseof.html")); err != nil {
		errs.Add(config.File, cfg.ThemeAt[0], cfg.ThemeAt[1], config.RuleConfig, "theme %q not found: expected themes/%s/layouts/baseof.html", cfg.Theme, cfg.Theme)
	}
	errs = errs.Sort()
	parts := []Phase{
		{Name: "settings and guidance", Duration: pages, Summed: true},
		{Name: "read record files", Duration: times.Read, Summed: true},
		{Name: "parse YAML", Duration: times.Parse, Summed: true},
		{Name: "check records", Duration: times.Check, Summed: true},
		{Name: "cross-record rules", Duration: time.Since(start), Summed: true},
	}
	return &Sources{FS: fsys, Config: cfg, Content: set, Records: recs}, parts, errs
}

// linkedInputs refuses a source root whose content/, pledges/, themes/ or
// site.yaml is a symbolic link: the loaders refuse links inside them, and
// a link in their place would have the build read, and its errors quote,
// files from anywhere on the machine that runs it (a CI runner's keys).
func linkedInputs(fsys fs.FS) diag.List {
	var errs diag.List
	for _, name := range sources {
		if st, err := fs.Lstat(fsys, name); err == nil && st.Mode()&fs.ModeSymlink != 0 {
			errs.Add(name, 0, 0, record.RuleFile, "%s is a symbolic link: sources must be real files and folders in the source root", name)
		}
	}
	return errs
}

// Schema returns the JSON Schema of the record format, offering the
// measures the sources' guidance defines.
func Schema(src *Sources) ([]byte, error) {
	ids := make([]string, len(src.Content.Measures))
	for i, m := range src.Content.Measures {
		ids[i] = m.Measure
	}
	return schema.Generate(ids)
}

// Stats describes a finished build.
type Stats struct {
	Pages    int   // HTML pages
	Files    int   // files of the site
	Bytes    int64 // their size
	Written  int   // files written because they were new or changed
	Removed  int   // files removed because the build no longer makes them
	UpToDate bool  // nothing was built: the sources and the output were as the last build left them
	Duration time.Duration
	Phases   []Phase // time per step; the search index and the data are built beside the pages, and files are written in every step
}

// Phase is the time one step of the build took.
type Phase struct {
	Name     string
	Duration time.Duration
	// Summed tells that Duration is added up over the goroutines that ran
	// the step, rather than the time from its start to its end: on several
	// cores it can be longer than the build.
	Summed bool
	Parts  []Phase // where the step's time went, each part Summed
}

// Writer receives the files of a build by site path. output.Dir writes
// them to disk; the preview server keeps them in memory. A Builder that
// does not cache renders pages into reused buffers, so its writer must not
// keep data past the call; a caching Builder hands every file over for
// good. A Writer that also has Create(name) (io.WriteCloser, error), as
// output.Dir does, receives the open data in pieces instead of whole; one
// that has Defer (see Deferrer) is handed the means to make it instead, one
// that has DeferFolder (see FolderDeferrer) the search index too, and one
// that has DeferPages (see PagesDeferrer) the list pages.
type Writer interface {
	WriteFile(name string, data []byte) error
}

// Build builds the site at cfg.Source into cfg.Dest. On failure the error is
// a diag.List when the sources are at fault, and cfg.Dest is left as it was.
func Build(ctx context.Context, cfg Config) (Stats, error) {
	start := time.Now()
	if err := CheckDest(cfg.Source, cfg.Dest); err != nil {
		return Stats{}, err
	}
	// Sources unchanged since the last build into this folder, and the
	// folder untouched: there is nothing to do.
	var stamp []byte
	key, kerr := "", errors.New("no stamp")
	if !cfg.NoStamp {
		// A stamp speaks of the files in its folder. With the folder gone
		// there is nothing to compare or remove, and nothing to read its
		// list of 225,000 files (at 100,000 pledges) for.
		if _, err := os.Stat(cfg.Dest); !errors.Is(err, fs.ErrNotExist) {
			stamp = readStampFile(cfg.Dest)
		}
		key, kerr = sourcesKey(cfg)
	}
	if kerr == nil {
		if n, ok := upToDate(cfg, key, stamp); ok {
			return Stats{Files: n, UpToDate: true, Duration: time.Since(start),
				Phases: []Phase{{Name: "check sources unchanged", Duration: time.Since(start)}}}, nil
		}
	}
	ph := &phases{last: start}
	ph.done("check sources changed")
	b, err := NewBuilder(ctx, cfg.Source, cfg.SassBinary, false)
	if err != nil {
		return Stats{}, err
	}
	defer b.Close()
	out, err := output.Begin(cfg.Dest, owned(cfg, stamp))
	if err != nil {
		return Stats{}, err
	}
	ph.done("start")
	st, _, err := b.Build(ctx, cfg.BaseURL, out)
	if err != nil {
		_ = out.Abort()
		return st, err
	}
	st.Phases = append(ph.list, st.Phases...)
	ph = &phases{last: time.Now()}
	removed, err := out.Commit()
	if err != nil {
		_ = out.Abort()
		return st, err
	}
	ph.done("commit")
	st.Written, st.Removed = out.Changed(), removed
	if kerr == nil {
		writeStamp(cfg, key, out.Stats())
		ph.done("stamp")
	}
	st.Phases = append(st.Phases, ph.list...)
	st.Duration = time.Since(start)
	return st, nil
}

// Builder builds one source tree, once (pledgesite build) or again and
// again (the preview server). Built for reuse, it keeps one Dart Sass
// process and one Markdown renderer, and, when caching, what each record,
// page and search document produced, so a rebuild redoes only what changed.
type Builder struct {
	root    string
	fsys    fs.FS
	sass    *styles.Compiler
	md      *markdown.Renderer
	dates   *history.Dates
	records *record.Cache
	memo    *render.Memo
	index   *search.Cache
	data    *opendata.Cache
	cache   bool             // keep results between builds
	renders atomic.Uint64    // renders begun: deferred files of an earlier one are stale
	model   *site.Site       // the last build's model, when caching
	render  *render.Renderer // the last build's renderer, when caching
	css     struct{ key, css string }
	// datesTimed: the first build reported the time of reading git.
	datesTimed bool
}

// NewBuilder starts a builder for the sources at root. With cache, it keeps
// results between builds; a one-off build has nothing to gain from that.
func NewBuilder(ctx context.Context, root, sassBinary string, cache bool) (*Builder, error) {
	binary, err := styles.FindBinary(sassBinary, root, ".")
	if err != nil {
		return nil, err
	}
	sass, err := styles.Start(binary)
	if err != nil {
		return nil, err
	}
	b := &Builder{root: root, fsys: os.DirFS(root), sass: sass, md: markdown.New(), dates: history.Load(ctx, root), cache: cache}
	if cache {
		b.records, b.memo, b.index, b.data = record.NewCache(), render.NewMemo(), search.NewCache(), opendata.NewCache()
	}
	return b, nil
}

// Close stops the Dart Sass process.
func (b *Builder) Close() error { return b.sass.Close() }

// ForgetRecord tells the builder a record file changed, in case its size
// and time did not (an editor that restores both).
func (b *Builder) ForgetRecord(path string) {
	if b.records != nil {
		b.records.Forget(path)
	}
}

// TrustEvents tells the builder whether its caller reports every record
// file that changed, was added or was removed with ForgetRecord, so that
// a rebuild need not look at the others.
func (b *Builder) TrustEvents(on bool) {
	if b.records != nil {
		b.records.Trust(on)
	}
}

// Build loads, checks and renders the whole site into w. The sources are
// returned, checked, for callers that report on them.
func (b *Builder) Build(ctx context.Context, baseURL string, w Writer) (Stats, *Sources, error) {
	start := time.Now()
	var st Stats
	ph := &phases{last: start}
	// A rebuild of a long-running builder looks for a commit made since
	// the page dates were read, beside the load.
	var head chan string
	if b.render != nil {
		head = make(chan string, 1)
		go func() { head <- history.Head(ctx, b.root) }()
	}
	src, parts, errs := load(b.fsys, baseURL, b.records)
	ph.done("load and validate", parts...)
	if head != nil {
		if h := <-head; h != b.dates.Head() {
			b.dates = history.Load(ctx, b.root)
			b.datesTimed = false
			b.render.SetDates(b.dates.Of)
		}
	}
	if len(errs) > 0 {
		st.Phases = ph.list
		return st, src, errs
	}
	// From here the model and the caches of the last build are reused:
	// what that build deferred would now make another build's files.
	n := b.renders.Add(1)
	cw := &countingWriter{w: w, stale: func() bool { return b.renders.Load() != n }}
	err := b.write(ctx, src, cw, ph)
	st.Phases = ph.list
	if err != nil {
		return st, src, err
	}
	st.Pages, st.Files, st.Bytes = cw.pages, int(cw.files.Load()), cw.bytes.Load()
	st.Duration = time.Since(start)
	return st, src, nil
}

// phases records the time each step of a build took.
type phases struct {
	list []Phase
	last time.Time
}

// done ends the step that began when the last one ended.
func (p *phases) done(name string, parts ...Phase) {
	now := time.Now()
	p.list = append(p.list, Phase{Name: name, Duration: now.Sub(p.last), Parts: parts})
	p.last = now
}

// add records a step that ran beside others.
func (p *phases) add(step Phase) { p.list = append(p.list, step) }

// write renders the whole site from checked sources into w.
func (b *Builder) write(ctx context.Context, src *Sources, w *countingWriter, ph *phases) error {
	// Dart Sass compiles in a process of its own: the style sheet and the
	// theme's other assets are made beside the model.
	theme := path.Join("themes", src.Config.Theme)
	var (
		assets    render.Assets
		assetsErr error
		made      sync.WaitGroup
	)
	made.Go(func() { assets, assetsErr = b.writeAssets(src.FS, theme, w) })
	var s *site.Site
	if b.cache {
		s = site.Update(b.model, src.Config, src.Content, src.Records)
		b.model = s
	} else {
		s = site.New(src.Config, src.Content, src.Records)
	}
	ph.done("model")
	made.Wait()
	if assetsErr != nil {
		return assetsErr
	}
	ph.done("sass and assets")

	r := b.render
	if r != nil {
		r.Reset(s, assets)
	} else {
		r = render.New(s, b.md, assets, b.dates.Of, b.memo)
		if b.cache {
			b.render = r
		}
	}
	r.PrepareDescriptions()
	th := r.Theme()
	if th == nil || th.Hash != render.ThemeHash(src.FS, theme) {
		var terrs diag.List
		if th, terrs = render.LoadTheme(src.FS, theme, r.Funcs()); len(terrs) > 0 {
			return terrs.Sort()
		}
	}
	r.SetTheme(th)
	jobs, err := r.Jobs()
	if err != nil {
		return err
	}
	w.pages = len(jobs)
	ph.done("theme and page list")

	var pages, searchPages []render.Job
	for _, j := range jobs {
		if j.Page.Kind == "search" {
			searchPages = append(searchPages, j)
		} else {
			pages = append(pages, j)
		}
	}
	// index builds the search index and writes its files with write.
	index := func(write func(name string, data []byte) error) (*search.Index, error) {
		// A description that cannot be rendered fails its pledge page.
		text := func(p *record.Pledge) string {
			html, _ := r.Description(p)
			return markdown.TextOf(html)
		}
		idx, err := search.Build(s, r.Rel, text, b.index, write)
		if err != nil {
			return nil, fmt.Errorf("building the search index: %w", err)
		}
		for name, data := range idx.Files {
			if err := write(name, data); err != nil {
				return nil, err
			}
		}
		return idx, nil
	}
	deferred, err := w.deferSearch(searchPages, func(write func(name string, data []byte) error) error {
		idx, err := index(write)
		if err != nil {
			return err
		}
		r.SetSearch(idx.Facets, "/search/meta.json?v="+idx.Meta.Hash)
		return r.Render(searchPages, writeFunc(write))
	})
	if err != nil {
		return err
	}
	pages, listsDeferred, err := w.deferLists(pages, func(lists []render.Job, w render.Writer) error {
		// On one core: the other sends the reload and serves the page
		// the browser asks for then.
		err := r.RenderOn(1, lists, w)
		r.PruneMemo()
		return err
	})
	if err != nil {
		return err
	}

	// The search index and the open data are built beside the pages; only
	// the search page waits for the index, whose facets it shows. Their
	// phases overlap.
	var (
		wg                   sync.WaitGroup
		idx                  *search.Index
		searchErr, dataErr   error
		searchTime, dataTime time.Duration
	)
	if !deferred {
		wg.Go(func() {
			start := time.Now()
			idx, searchErr = index(w.WriteFile)
			searchTime = time.Since(start)
		})
	}
	wg.Go(func() {
		start := time.Now()
		defer func() { dataTime = time.Since(start) }()
		sch, err := Schema(src)
		if err == nil {
			err = w.WriteFile(schema.ID, sch)
		}
		if err == nil {
			err = writeData(s, r, jobs, b.dates, b.data, w)
		}
		dataErr = err
	})
	renderErr := r.Render(pages, w)
	wg.Wait()
	if err := cmp.Or(renderErr, searchErr, dataErr); err != nil {
		return err
	}
	if !deferred {
		r.SetSearch(idx.Facets, "/search/meta.json?v="+idx.Meta.Hash)
		if err := r.Render(searchPages, w); err != nil {
			return err
		}
	}
	ph.done("render pages", Phase{Name: "layouts", Duration: r.LayoutTime(), Summed: true})
	// Beside the pages, and in every step:
	if !b.datesTimed {
		// Read once per Builder, beside the loading and rendering.
		ph.add(Phase{Name: "page dates from git", Duration: b.dates.Took()})
		b.datesTimed = true
	}
	if !deferred {
		ph.add(Phase{Name: "search index", Duration: searchTime})
	}
	ph.add(Phase{Name: "data, feed and sitemap", Duration: dataTime})
	ph.add(Phase{Name: "write files", Duration: time.Duration(w.busy.Load()), Summed: true})
	b.data.Prune(s)
	if !listsDeferred {
		r.PruneMemo()
	}
	return nil
}

// writeAssets compiles the stylesheet, fingerprints scripts and copies the
// theme's static files.
func (b *Builder) writeAssets(fsys fs.FS, theme string, w *countingWriter) (render.Assets, error) {
	a := render.Assets{JS: map[string]string{}}
	// Dart Sass is the slowest step of a small rebuild: compile again only
	// when a stylesheet changed.
	key, err := treeHash(fsys, path.Join(theme, "assets", "scss"))
	if err != nil {
		return a, err
	}
	css := b.css.css
	if key != b.css.key {
		var errs diag.List
		css, errs = b.sass.Compile(fsys, path.Join(theme, "assets", "scss", "main.scss"))
		if len(errs) > 0 {
			return a, errs
		}
		b.css.key, b.css.css = key, css
	}
	a.CSS = "/css/" + fingerprint("main", ".css", []byte(css))
	if err := w.WriteFile(a.CSS, []byte(css)); err != nil {
		return a, err
	}
	scripts, _ := fs.Glob(fsys, path.Join(theme, "assets", "js", "*.js"))
	for _, s := range scripts {
		// A link would publish whatever file it points at: skipped, as
		// links among the static files are.
		if st, err := fs.Lstat(fsys, s); err != nil || !st.Mode().IsRegular() {
			continue
		}
		data, err := fs.ReadFile(fsys, s)
		if err != nil {
			return a, err
		}
		base := path.Base(s)
		a.JS[base] = "/js/" + fingerprint(strings.TrimSuffix(base, ".js"), ".js", data)
		if err := w.WriteFile(a.JS[base], data); err != nil {
			return a, err
		}
	}
	static := path.Join(theme, "static")
	err = fs.WalkDir(fsys, static, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == static {
			return fs.SkipDir
		}
		if err != nil || d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		return w.WriteFile(strings.TrimPrefix(p, static+"/"), data)
	})
	return a, err
}

// treeHash hashes the names and contents of the files under dir.
func treeHash(fsys fs.FS, dir string) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
		h.Write(data)
		return err
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

func fingerprint(stem, ext string, data []byte) string {
	sum := sha256.Sum256(data)
	return stem + "." + hex.EncodeToString(sum[:])[:10] + ext
}

// writeData writes the open data, the feed, the sitemap and robots.txt.
func writeData(s *site.Site, r *render.Renderer, jobs []render.Job, dates *history.Dates, cache *opendata.Cache, w *countingWriter) error {
	abs := r.Abs
	// The files of every record grow with the catalogue: they are written
	// as they are made.
	streams := map[string]func(io.Writer) error{
		"data/pledges.json": func(to io.Writer) error { return opendata.PledgesJSON(to, s, abs, cache) },
		"data/pledges.csv":  func(to io.Writer) error { return opendata.PledgesCSV(to, s, abs, cache) },
	}
	for name, f := range streams {
		if err := w.stream(name, f); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
	}
	// The smaller files, which no page shows either, are made the same
	// way: on request in the preview, which then does not make a sitemap
	// of every page on every save.
	files := map[string]func() ([]byte, error){
		"data/measures.json": func() ([]byte, error) { return opendata.MeasuresJSON(s, abs) },
		"data/ids.json":      func() ([]byte, error) { return opendata.IDs(s, cache) },
		"feed.xml":           func() ([]byte, error) { return feeds.Atom(s.Config.Title, s.Config.Language, s.Records, abs) },
		"robots.txt":         func() ([]byte, error) { return feeds.Robots(abs), nil },
	}
	sitemaps := sync.OnceValues(func() (map[string][]byte, error) {
		return feeds.Sitemaps(sitemapEntries(s, jobs, dates, abs), abs)
	})
	pages := 0
	for _, j := range jobs {
		if inSitemap(j.Page) {
			pages++
		}
	}
	for _, name := range feeds.SitemapNames(pages) {
		files[name] = func() ([]byte, error) {
			maps, err := sitemaps()
			return maps[name], err
		}
	}
	for name, f := range files {
		if err := w.make(name, f); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
	}
	return nil
}

// inSitemap tells whether a page is listed in the sitemap: all but the
// page for missing addresses.
func inSitemap(p *render.Page) bool { return p.Kind != "404" }

// sitemapEntries lists the pages of the sitemap, each with its date.
func sitemapEntries(s *site.Site, jobs []render.Job, dates *history.Dates, abs func(string) string) []feeds.Entry {
	// List pages take the newest of up to a hundred records each: look
	// each record's date up once.
	recDates := make(map[*record.Pledge]string, len(s.Records))
	for _, p := range s.Records {
		recDates[p] = dates.Of(p.Path)
	}
	entries := make([]feeds.Entry, 0, len(jobs))
	for _, j := range jobs {
		if inSitemap(j.Page) {
			entries = append(entries, feeds.Entry{Loc: abs(j.Page.URL), LastMod: lastMod(j.Page, dates, recDates)})
		}
	}
	return entries
}

// lastMod is when a page's sources last changed: the record or Markdown
// file; list pages take the newest record they show.
func lastMod(p *render.Page, dates *history.Dates, recDates map[*record.Pledge]string) string {
	switch {
	case p.Record != nil && p.Kind != "home":
		return recDates[p.Record]
	case p.Source != nil:
		return dates.Of(p.Source.Path)
	}
	d := ""
	for _, rec := range p.Records {
		d = max(d, recDates[rec])
	}
	return d
}

// countingWriter counts what is written, for the build summary. Pages are
// written from several goroutines, hence the atomics.
type countingWriter struct {
	w     Writer
	stale func() bool // whether a deferred file can no longer be made
	pages int
	files atomic.Int64
	bytes atomic.Int64
	busy  atomic.Int64 // nanoseconds in w, added up over goroutines
}

// ErrStale is what a deferred file's function returns once another build
// of its Builder has begun.
var ErrStale = errors.New("the sources were rebuilt since this file's build")

func (c *countingWriter) WriteFile(name string, data []byte) error {
	start := time.Now()
	err := c.w.WriteFile(name, data)
	c.busy.Add(int64(time.Since(start)))
	if err != nil {
		return err
	}
	c.files.Add(1)
	c.bytes.Add(int64(len(data)))
	return nil
}

// creator is a Writer that also takes a file in pieces (output.Dir).
type creator interface {
	Create(name string) (io.WriteCloser, error)
}

// Deferrer is a Writer that takes the open data, the largest files of a
// build and the least read, as a function that writes it, to call when
// the file is first wanted: the preview server, which rebuilds on every
// save and seldom serves those files. The function may be called only
// until the next build of the same Builder begins to render, which
// reuses what it reads; after that it returns ErrStale. It must not be
// called while a build runs.
type Deferrer interface {
	Defer(name string, write func(io.Writer) error) error
}

// FolderDeferrer is a Deferrer that also takes the search index, and the
// search page that shows its facets, as one function that writes them all
// with write, to call when the first file of the folder is wanted: the
// preview server, where no page but the search page needs the index. It
// took a third of the CPU of a rebuild of 10,000 pledges, and a new pledge
// dated among the others moves every later document of the index. The
// function may be called as a Deferrer's may.
type FolderDeferrer interface {
	Deferrer
	DeferFolder(dir string, build func(write func(name string, data []byte) error) error) error
}

// PagesDeferrer is a Writer that takes the list pages (the pledge list and
// every term's, page by page) as one function that renders them with
// write, to call once the reload is sent: the preview server. A new pledge
// moves every page of the lists it is on down by a row, about 570 of the
// 2,061 list pages at 10,000 pledges, and rendering them took two fifths
// of the time from saving the file to the reload, while the page the
// contributor has open is the pledge's. The function may be called as a
// Deferrer's may.
type PagesDeferrer interface {
	DeferPages(names []string, build func(write func(name string, data []byte) error) error) error
}

// listPage tells whether a PagesDeferrer takes j.
func listPage(j render.Job) bool { return j.Page.Kind == "list" || j.Page.Kind == "term" }

// deferLists hands the list pages among pages to a PagesDeferrer, with
// renderPages, which renders the pages it is given and ends the build's use
// of the renderer's memo, and returns the other pages. It leaves pages as
// they are when the writer takes no pages.
func (c *countingWriter) deferLists(pages []render.Job, renderPages func([]render.Job, render.Writer) error) ([]render.Job, bool, error) {
	d, ok := c.w.(PagesDeferrer)
	if !ok {
		return pages, false, nil
	}
	var now, lists []render.Job
	var names []string
	for _, j := range pages {
		if listPage(j) {
			lists = append(lists, j)
			names = append(names, j.Path)
		} else {
			now = append(now, j)
		}
	}
	err := d.DeferPages(names, whileCurrent(c.stale, func(write func(name string, data []byte) error) error {
		return renderPages(lists, writeFunc(write))
	}))
	if err != nil {
		return nil, false, err
	}
	c.files.Add(int64(len(lists)))
	return now, true, nil
}

// searchFolder holds the files of the search index, and the search page.
const searchFolder = "search"

// deferSearch hands build, which writes the search index and renders
// pages, to a FolderDeferrer, and reports whether it did. It does not when
// a page would fall outside the folder (a theme may put the search page
// elsewhere).
func (c *countingWriter) deferSearch(pages []render.Job, build func(write func(name string, data []byte) error) error) (bool, error) {
	d, ok := c.w.(FolderDeferrer)
	if !ok {
		return false, nil
	}
	for _, j := range pages {
		if !strings.HasPrefix(strings.TrimPrefix(j.Path, "/"), searchFolder+"/") {
			return false, nil
		}
	}
	err := d.DeferFolder(searchFolder, whileCurrent(c.stale, build))
	return err == nil, err
}

// whileCurrent is f, the function that makes what a build deferred,
// returning ErrStale once stale reports that another build has begun.
func whileCurrent[W any](stale func() bool, f func(W) error) func(W) error {
	return func(w W) error {
		if stale != nil && stale() {
			return ErrStale
		}
		return f(w)
	}
}

// writeFunc is a function that writes a file, as a render.Writer.
type writeFunc func(name string, data []byte) error

func (f writeFunc) WriteFile(name string, data []byte) error { return f(name, data) }

// stream writes the file name that write makes: deferred when the writer
// takes that, in pieces when it takes them, else whole.
func (c *countingWriter) stream(name string, write func(io.Writer) error) error {
	if d, ok := c.w.(Deferrer); ok {
		err := d.Defer(name, whileCurrent(c.stale, write))
		if err != nil {
			return err
		}
		c.files.Add(1)
		return nil
	}
	cr, ok := c.w.(creator)
	if !ok {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			return err
		}
		return c.WriteFile(name, buf.Bytes())
	}
	start := time.Now()
	f, err := cr.Create(name)
	if err != nil {
		return err
	}
	n := &byteCounter{w: f}
	n.busy = time.Since(start)
	err = write(n)
	// Closed even when write failed, to release the file; what it staged
	// is discarded with the failed build.
	start = time.Now()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	c.busy.Add(int64(n.busy + time.Since(start)))
	if err != nil {
		return err
	}
	c.files.Add(1)
	c.bytes.Add(n.n)
	return nil
}

// make writes the file name that f makes: deferred when the writer takes
// that, else at once.
func (c *countingWriter) make(name string, f func() ([]byte, error)) error {
	if _, ok := c.w.(Deferrer); ok {
		return c.stream(name, func(to io.Writer) error {
			data, err := f()
			if err == nil {
				_, err = to.Write(data)
			}
			return err
		})
	}
	data, err := f()
	if err != nil {
		return err
	}
	return c.WriteFile(name, data)
}

type byteCounter struct {
	w    io.Writer
	n    int64
	busy time.Duration // in w, not in making what it is given
}

func (b *byteCounter) Write(p []byte) (int, error) {
	start := time.Now()
	n, err := b.w.Write(p)
	b.busy += time.Since(start)
	b.n += int64(n)
	return n, err
}
