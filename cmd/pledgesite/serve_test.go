package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"pledgesite/generator/server"
)

// liveServer is a preview server running in-process for one test.
type liveServer struct {
	*server.Server
	cancel  context.CancelFunc
	done    chan error
	stopped bool
	log     *lockedBuffer
}

// lockedBuffer collects the server's log, written from its goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// liveSass is the Dart Sass binary that `make test` installs from npm.
func liveSass(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(moduleRoot(t), "node_modules", "sass-embedded-linux-x64", "dart-sass", "sass")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%v (run `make test`, which installs sass-embedded)", err)
	}
	return bin
}

// liveSources copies the shipped sources (settings, guidance, pledges and
// theme) into a temporary source root that the test may edit.
func liveSources(t testing.TB) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "src")
	root := moduleRoot(t)
	for _, name := range []string{"site.yaml", "content", "pledges", "themes"} {
		liveCopy(t, filepath.Join(root, name), filepath.Join(src, name))
	}
	return src
}

func liveCopy(t testing.TB, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// startLive starts a preview server on src, on a free loopback port, and
// waits for its first build. The test must call stop, which requires Run
// to return nil; a test that fails first is cleaned up all the same.
func startLive(t testing.TB, src string) *liveServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := &lockedBuffer{}
	s, err := server.New(ctx, server.Config{Source: src, Addr: "127.0.0.1:0", SassBinary: liveSass(t), Log: log})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	l := &liveServer{Server: s, cancel: cancel, done: make(chan error, 1), log: log}
	go func() { l.done <- s.Run(ctx) }()
	t.Cleanup(func() { l.stop(t) })
	select {
	case <-s.Ready():
	case err := <-l.done:
		l.stopped = true
		t.Fatalf("Run returned before the first build was done: %v\n%s", err, log)
	case <-time.After(10 * time.Minute):
		t.Fatalf("first build did not finish\n%s", log)
	}
	return l
}

// stop cancels the server and requires Run to return nil, promptly.
func (l *liveServer) stop(t testing.TB) {
	t.Helper()
	if l.stopped {
		return
	}
	l.stopped = true
	l.cancel()
	select {
	case err := <-l.done:
		if err != nil {
			t.Errorf("Run returned %v after cancel, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Error("Run did not return within 15s of cancel")
	}
}

// waitRebuilds waits until the server has done more than after rebuilds
// and reports whether the last one failed.
func (l *liveServer) waitRebuilds(t testing.TB, after int) bool {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if n, failed := l.Rebuilds(); n > after {
			return failed
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no rebuild after the edit\n%s", l.log)
	return false
}

// lineOf returns the 1-based number of the first line of file starting
// with prefix.
func lineOf(t testing.TB, file, prefix string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, prefix) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line starting with %q", file, prefix)
	return 0
}

// liveView is what testdata/browser/serve.mjs reads off the page.
type liveView struct {
	H1         string `json:"h1"`
	Status     string `json:"status"`
	Color      string `json:"color"`
	Stylesheet string `json:"stylesheet"`
	Overlay    *struct {
		Visible bool   `json:"visible"`
		Heading string `json:"heading"`
		Text    string `json:"text"`
	} `json:"overlay"`
}

type liveStep struct {
	OK             bool      `json:"ok"`
	MS             int       `json:"ms"`
	Loads          int       `json:"loads"` // page loads during the step
	MarkerSurvived bool      `json:"markerSurvived"`
	View           *liveView `json:"view"`
	Wrote          string    `json:"wrote"`
	Before         *struct {
		Color      string `json:"color"`
		Stylesheet string `json:"stylesheet"`
	} `json:"before"`
}

type liveReport struct {
	HTTPStatus int       `json:"httpStatus"`
	Initial    *liveView `json:"initial"`
	Title      *liveStep `json:"title"`
	Broken     *liveStep `json:"broken"`
	Tab        *liveStep `json:"tab"`
	Fixed      *liveStep `json:"fixed"`
	CSS        *liveStep `json:"css"`
	Open       *liveStep `json:"open"`
	Loads      int       `json:"loads"`
	Streams    int       `json:"streams"`
	Errors     []string  `json:"errors"`
	CSP        []string  `json:"csp"`
}

// runLive runs serve.mjs. A page that is itself a 404 makes Chromium log
// "Failed to load resource"; allow404 lets that through.
func runLive(t *testing.T, allow404 bool, args ...string) liveReport {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Fatal("/usr/bin/chromium not found (run `make test`, which installs Debian's chromium)")
	}
	out := runNode(t, filepath.Join("testdata", "browser", "serve.mjs"), args...)
	var r liveReport
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("serve.mjs output: %v\n%s", err, out)
	}
	t.Logf("serve.mjs: %s", out)
	for _, e := range r.Errors {
		if allow404 && strings.Contains(e, "Failed to load resource: the server responded with a status of 404") {
			continue
		}
		t.Errorf("script error on the page: %s", e)
	}
	for _, e := range r.CSP {
		t.Errorf("Content-Security-Policy violation: %s", e)
	}
	return r
}

const (
	livePledge = "ngo-harbour-light-legal-aid-kenya"
	liveTitle  = "Free legal aid for refugee survivors, edited while serving" // serve.mjs NEW_TITLE
	liveInk    = "rgb(122, 31, 92)"                                           // serve.mjs NEW_INK
)

// TestServeLiveReload opens a pledge page of the preview server in
// Chromium and edits the sources under it: the page must follow every
// edit by itself (serve.mjs never reloads it), show build errors over the
// page at the right place, recover when they are fixed, and take a
// stylesheet change without a reload.
func TestServeLiveReload(t *testing.T) {
	src := liveSources(t)
	yamlPath := filepath.Join(src, "pledges", livePledge+".yaml")
	rel := "pledges/" + livePledge + ".yaml"
	statusLine := lineOf(t, yamlPath, "status: ")
	nameLine := lineOf(t, yamlPath, "  name: ")
	origTitle := strings.TrimPrefix(strings.Split(string(must(os.ReadFile(yamlPath))), "\n")[lineOf(t, yamlPath, "title: ")-1], "title: ")

	l := startLive(t, src)
	if n, failed := l.Rebuilds(); n != 1 || failed {
		t.Fatalf("after the first build: %d builds, failed %v\n%s", n, failed, l.log)
	}
	pageURL := l.URL() + "pledges/" + livePledge + "/"
	r := runLive(t, false, pageURL, yamlPath)

	if r.HTTPStatus != 200 || r.Initial == nil || r.Initial.H1 != origTitle || r.Initial.Overlay != nil {
		t.Fatalf("the page as opened: status %d, view %+v; want 200, heading %q and no overlay", r.HTTPStatus, r.Initial, origTitle)
	}
	check := func(name string, s *liveStep) bool {
		t.Helper()
		switch {
		case s == nil:
			t.Errorf("%s: step did not run", name)
			return false
		case !s.OK:
			t.Errorf("%s: the page did not change as expected within 20s; it shows %+v", name, s.View)
			return false
		case s.View == nil:
			t.Errorf("%s: the page could not be read after the step", name)
			return false
		}
		t.Logf("%s: %d ms, %d page loads, marker survived: %v", name, s.MS, s.Loads, s.MarkerSurvived)
		return true
	}
	overlayAt := func(name string, s *liveStep, line, col int) {
		t.Helper()
		if !check(name, s) {
			return
		}
		if s.Loads != 0 || !s.MarkerSurvived {
			t.Errorf("%s: the page reloaded (%d loads, marker kept %v) to show the errors; the overlay should come over the page", name, s.Loads, s.MarkerSurvived)
		}
		o := s.View.Overlay
		if o == nil || !o.Visible {
			t.Errorf("%s: no visible #pledgesite-errors overlay: %+v", name, s.View)
			return
		}
		want := fmt.Sprintf("%s:%d:%d: ", rel, line, col)
		if !strings.HasPrefix(o.Text, want) {
			t.Errorf("%s: overlay says %q, want it to start with %q", name, o.Text, want)
		}
		if n := strings.Count(o.Text, "\n") + 1; n != 1 {
			t.Errorf("%s: overlay lists %d lines, want 1 problem:\n%s", name, n, o.Text)
		}
		if o.Heading != "The site could not be rebuilt" {
			t.Errorf("%s: overlay heading %q", name, o.Heading)
		}
		// The last good build stays underneath.
		if s.View.H1 != liveTitle {
			t.Errorf("%s: under the overlay the page shows %q, want the last good build's %q", name, s.View.H1, liveTitle)
		}
	}

	if check("title", r.Title) {
		if r.Title.Loads != 1 || r.Title.MarkerSurvived {
			t.Errorf("title: %d page loads, marker kept %v; want exactly one reload, made by the page itself", r.Title.Loads, r.Title.MarkerSurvived)
		}
		if r.Title.Wrote != liveTitle || r.Title.View.H1 != liveTitle || r.Title.View.Overlay != nil {
			t.Errorf("title: page shows %q (overlay %v), wrote %q; want %q", r.Title.View.H1, r.Title.View.Overlay, r.Title.Wrote, liveTitle)
		}
	}
	overlayAt("broken", r.Broken, statusLine, len("status: ")+1)
	if r.Broken != nil && r.Broken.View != nil && r.Broken.View.Overlay != nil && !strings.Contains(r.Broken.View.Overlay.Text, `"in-progress-typo" is not a valid value`) {
		t.Errorf("broken: overlay does not name the bad value: %q", r.Broken.View.Overlay.Text)
	}
	// A tab before "name:" counts as one column: the caret goes on "name".
	overlayAt("tab", r.Tab, nameLine, 2)
	if r.Tab != nil && r.Tab.View != nil && r.Tab.View.Overlay != nil && !strings.Contains(r.Tab.View.Overlay.Text, "tab") {
		t.Errorf("tab: overlay does not mention the tab: %q", r.Tab.View.Overlay.Text)
	}
	if check("fixed", r.Fixed) {
		if r.Fixed.Loads != 1 || r.Fixed.MarkerSurvived {
			t.Errorf("fixed: %d page loads, marker kept %v; want exactly one reload, made by the page itself", r.Fixed.Loads, r.Fixed.MarkerSurvived)
		}
		if r.Fixed.View.Overlay != nil || r.Fixed.View.H1 != liveTitle || r.Fixed.View.Status != "Fulfilled" {
			t.Errorf("fixed: page shows heading %q, status %q, overlay %+v; want %q, Fulfilled and no overlay", r.Fixed.View.H1, r.Fixed.View.Status, r.Fixed.View.Overlay, liveTitle)
		}
	}
	if check("css", r.CSS) {
		if r.CSS.Loads != 0 || !r.CSS.MarkerSurvived {
			t.Errorf("css: %d page loads, marker kept %v; want the stylesheet swapped without a reload", r.CSS.Loads, r.CSS.MarkerSurvived)
		}
		if r.CSS.Before == nil || r.CSS.Before.Color == liveInk || r.CSS.View.Color != liveInk {
			t.Errorf("css: body colour %+v before, %q after; want it to change to %s", r.CSS.Before, r.CSS.View.Color, liveInk)
		}
		if r.CSS.Before == nil || r.CSS.Before.Stylesheet == r.CSS.View.Stylesheet || !strings.HasPrefix(r.CSS.View.Stylesheet, "/css/") {
			t.Errorf("css: stylesheet %+v before, %q after; want a new fingerprinted /css/ file", r.CSS.Before, r.CSS.View.Stylesheet)
		}
		if r.CSS.View.H1 != liveTitle || r.CSS.View.Overlay != nil {
			t.Errorf("css: page shows %q, overlay %+v after the stylesheet swap", r.CSS.View.H1, r.CSS.View.Overlay)
		}
	}

	// The served site agrees with what the page showed.
	page := string(l.Files()["pledges/"+livePledge+"/index.html"])
	if !strings.Contains(page, liveTitle) {
		t.Errorf("the served pledge page lacks the new title")
	}
	if n, failed := l.Rebuilds(); failed {
		t.Errorf("after the steps the last of %d builds failed\n%s", n, l.log)
	}
	l.stop(t)
	if t.Failed() {
		t.Logf("server log:\n%s", l.log)
	}
}

// TestServeOverlayOnOpen opens a page while the build is broken: the
// overlay must be there at once, from the event stream's first message,
// without waiting for another rebuild.
func TestServeOverlayOnOpen(t *testing.T) {
	rel := "pledges/" + livePledge + ".yaml"
	breakIt := func(t *testing.T, src string) int {
		yamlPath := filepath.Join(src, filepath.FromSlash(rel))
		data := must(os.ReadFile(yamlPath))
		broken := bytes.Replace(data, []byte("\nstatus: in-progress\n"), []byte("\nstatus: in-progress-typo\n"), 1)
		if bytes.Equal(broken, data) {
			t.Fatalf("%s has no status: in-progress line", rel)
		}
		if err := os.WriteFile(yamlPath, broken, 0o644); err != nil {
			t.Fatal(err)
		}
		return lineOf(t, yamlPath, "status: ")
	}
	open := func(t *testing.T, l *liveServer, line int, wantH1 string) {
		t.Helper()
		before, _ := l.Rebuilds()
		r := runLive(t, wantH1 == "", "--open", l.URL()+"pledges/"+livePledge+"/")
		s := r.Open
		switch {
		case s == nil || s.View == nil:
			t.Fatalf("serve.mjs read nothing off the page (status %d)", r.HTTPStatus)
		case !s.OK || s.View.Overlay == nil || !s.View.Overlay.Visible:
			// Say what the server answered instead.
			resp, err := http.Get(l.URL() + "pledges/" + livePledge + "/")
			var answer string
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				answer = fmt.Sprintf("%s, %s, %d bytes, reload script %v: %.80q", resp.Status, resp.Header.Get("Content-Type"), len(body),
					strings.Contains(string(body), server.Prefix+"live.js"), body)
			}
			t.Fatalf("no error overlay on a page opened while the build is broken; the server answers %s", answer)
		}
		want := fmt.Sprintf("%s:%d:9: ", rel, line)
		if !strings.HasPrefix(s.View.Overlay.Text, want) {
			t.Errorf("overlay says %q, want it to start with %q", s.View.Overlay.Text, want)
		}
		// At once: the first message of the stream, well within a second
		// of the load event, and with no rebuild in between.
		if s.MS > 1000 {
			t.Errorf("overlay came %d ms after the page loaded, want it at once", s.MS)
		}
		if after, _ := l.Rebuilds(); after != before {
			t.Errorf("%d rebuilds while the page opened; the overlay must not wait for one", after-before)
		}
		if wantH1 != "" && s.View.H1 != wantH1 {
			t.Errorf("under the overlay the page shows %q, want %q", s.View.H1, wantH1)
		}
		if r.Loads != 1 {
			t.Errorf("the page loaded %d times, want once", r.Loads)
		}
	}

	t.Run("after a good build", func(t *testing.T) {
		src := liveSources(t)
		l := startLive(t, src)
		n, _ := l.Rebuilds()
		line := breakIt(t, src)
		if failed := l.waitRebuilds(t, n); !failed {
			t.Fatalf("the rebuild after breaking %s did not fail\n%s", rel, l.log)
		}
		open(t, l, line, "Free legal representation for refugee survivors of trafficking in Nairobi and Kakuma")
		l.stop(t)
	})

	// With no good build yet there is no page to serve, but whatever the
	// server answers must still carry the overlay, so that the person
	// starting `pledgesite serve` on broken sources sees why.
	t.Run("from the first build", func(t *testing.T) {
		src := liveSources(t)
		line := breakIt(t, src)
		l := startLive(t, src)
		if n, failed := l.Rebuilds(); n != 1 || !failed {
			t.Fatalf("first build: %d builds, failed %v; want 1, failed", n, failed)
		}
		open(t, l, line, "")
		l.stop(t)
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestServeStopWithOpenStream stops the server while a page listens to its
// event stream: Run must still return nil promptly, and end the stream.
func TestServeStopWithOpenStream(t *testing.T) {
	l := startLive(t, liveSources(t))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := listenEvents(t, ctx, l.URL())
	start := time.Now()
	l.stop(t)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Run took %s to return with a page listening", d.Round(time.Millisecond))
	}
	deadline := time.After(5 * time.Second)
	for done := false; !done; {
		select {
		case e, ok := <-events:
			switch {
			case !ok:
				done = true
			case e.name == "build":
				// Sent when the stream opens: which build is current.
			default:
				t.Errorf("the stream sent %q (%q) on shutdown, want it closed", e.name, e.data)
			}
		case <-deadline:
			t.Error("the event stream is still open 5s after Run returned")
			done = true
		}
	}
}
