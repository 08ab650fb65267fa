package server

import (
	"bytes"
	"fmt"
	"html"
	"mime"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// contentTypes covers the extensions mime's table may lack or get wrong.
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".json":        "application/json",
	".xml":         "application/xml",
	".txt":         "text/plain; charset=utf-8",
	".csv":         "text/csv; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".ico":         "image/x-icon",
	".webmanifest": "application/manifest+json",
	".bin":         "application/octet-stream",
}

func contentType(name string) string {
	ext := path.Ext(name)
	if ct, ok := contentTypes[ext]; ok {
		return ct
	}
	if ct := mime.TypeByExtension(ext); ct != "" {
		return ct
	}
	return "application/octet-stream"
}

// allowedHost reports whether a request's Host is an address or a name of
// this machine. A web page elsewhere could point a name of its own at
// 127.0.0.1 and read the preview (DNS rebinding); that takes a name, so
// addresses, which a phone on the same network uses, are let through.
func allowedHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if net.ParseIP(host) != nil {
		return true
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}

// ServeHTTP serves the last good build from memory, and the server's own
// reload script and event stream under Prefix.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.checkHost && !allowedHost(r.Host) {
		http.Error(w, "this preview server answers only to localhost or an IP address", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case Prefix + "live.js":
		w.Header().Set("Content-Type", contentTypes[".js"])
		w.Header().Set("Cache-Control", "no-store")
		w.Write(liveJS)
		return
	case Prefix + "events":
		s.events(w, r)
		return
	}
	s.waitLists()
	s.mu.RLock()
	files, build := s.files, s.good
	s.mu.RUnlock()
	if files == nil {
		// No build has succeeded yet: a page that shows the errors (the
		// script adds them) and reloads once the sources are fixed.
		notice(w, http.StatusOK, "Building…", "The site has not been built yet", "", build)
		return
	}

	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if strings.HasSuffix(r.URL.Path, "/") && name != "" {
		name += "/"
	}
	unavailable := func(err error) {
		// The build that deferred the file has been followed by one that
		// failed after reusing its model: serve no stale data. A page (the
		// search page) still gets the reload script, which shows the
		// problems over it and reloads it once they are fixed.
		msg := name + ": " + err.Error() + "; fix the problems the pages show and it is made again"
		if name != "" && !strings.HasSuffix(name, "/") && !strings.HasSuffix(name, ".html") {
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, msg, http.StatusServiceUnavailable)
			return
		}
		notice(w, http.StatusServiceUnavailable, "Waiting for a good build", "This page is made again once the site builds", msg, build)
	}
	if err := s.makeFolder(name); err != nil {
		unavailable(err)
		return
	}
	// file looks name up in the build, and in the folders made since.
	file := func(name string) ([]byte, bool) {
		if data, ok := files[name]; ok {
			return data, true
		}
		s.mu.RLock()
		defer s.mu.RUnlock()
		data, ok := s.made[name]
		return data, ok
	}
	data, ok := file(name)
	if !ok && name != "" && !strings.HasSuffix(name, "/") {
		var err error
		if data, ok, err = s.lazyFile(name); err != nil {
			unavailable(err)
			return
		}
	}
	switch {
	case ok && !strings.HasSuffix(name, "/") && name != "":
	case name == "" || strings.HasSuffix(name, "/"):
		name += "index.html"
		data, ok = file(name)
	default:
		// /pledges/x without the slash: send the browser to /pledges/x/.
		if _, dir := file(name + "/index.html"); dir {
			target := "/" + name + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
	}
	status := http.StatusOK
	if !ok {
		name, status = "404.html", http.StatusNotFound
		data, ok = files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
	}
	if strings.HasSuffix(name, ".html") {
		data = inject(data, build)
	}
	w.Header().Set("Content-Type", contentType(name))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// notice writes a page of the server's own in place of one the site does
// not have yet, with the reload script, which shows the problems over it
// and reloads it once they are fixed.
func notice(w http.ResponseWriter, status int, title, heading, text string, build int) {
	page := "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title></head>" +
		"<body><main><h1>" + heading + "</h1>"
	if text != "" {
		page += "<p>" + html.EscapeString(text) + "</p>"
	}
	page += "</main></body></html>"
	w.Header().Set("Content-Type", contentTypes[".html"])
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(inject([]byte(page), build))
}

// inject adds the reload script before </body>. It is the only difference
// between a served page and the same page from `pledgesite build`. The
// script carries the number of the build the page came from, so a page
// that loaded just before a rebuild, when its event stream was not yet
// open, still learns that it is out of date.
func inject(page []byte, build int) []byte {
	tag := []byte(`<script src="` + Prefix + `live.js" data-build="` + strconv.Itoa(build) + `" defer></script>`)
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		return append(page[:len(page):len(page)], tag...)
	}
	out := make([]byte, 0, len(page)+len(tag))
	out = append(out, page[:i]...)
	out = append(out, tag...)
	return append(out, page[i:]...)
}

// events streams rebuild events to one page.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	c := make(chan event, 8)
	s.mu.Lock()
	s.clients[c] = true
	errText, build := s.errText, s.good
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if s.clients[c] {
			delete(s.clients, c)
		}
		s.mu.Unlock()
	}()
	fmt.Fprint(w, "retry: 500\n\n")
	writeEvent(w, event{"build", strconv.Itoa(build)})
	if errText != "" {
		writeEvent(w, event{"errors", errText})
	}
	flusher.Flush()
	ping := time.NewTicker(15 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case e, ok := <-c:
			if !ok {
				return
			}
			writeEvent(w, e)
			flusher.Flush()
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
			flusher.Flush()
		}
	}
}

func writeEvent(w http.ResponseWriter, e event) {
	fmt.Fprintf(w, "event: %s\n", e.name)
	// An event's data ends at any line end, a carriage return too: a file
	// name holding one must not start an event of its own.
	data := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(e.data)
	for _, line := range strings.Split(data, "\n") {
		fmt.Fprintf(w, "data: %s\n", line)
	}
	fmt.Fprint(w, "\n")
}
