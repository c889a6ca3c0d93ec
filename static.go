// static.go owns file serving: static routes (aiohttp's add_static), a
// prefix route over one directory that never serves a byte from outside it,
// and FileResponse (aiohttp 3's web.FileResponse) for one file from a
// handler; both go through http.ServeContent for Range, conditional
// requests, HEAD and types.

package aioweb

import (
	"errors"
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// StaticOption configures AddStatic.
type StaticOption func(*staticConfig)

type staticConfig struct {
	prefix         string
	dir            string // absolute, symlinks resolved
	showIndex      bool
	followSymlinks bool
	name           string
}

// ShowIndex lists directories as HTML pages (aiohttp's show_index; off by
// default, when a directory is 403).
func ShowIndex() StaticOption { return func(c *staticConfig) { c.showIndex = true } }

// FollowSymlinks serves files whose symlinks lead outside the directory
// (aiohttp's follow_symlinks; off by default, when they are 404).
func FollowSymlinks() StaticOption { return func(c *staticConfig) { c.followSymlinks = true } }

// StaticName names the static route, for URL reversal.
func StaticName(name string) StaticOption { return func(c *staticConfig) { c.name = name } }

// AddStatic serves the files under dir at prefix/<path> for GET and HEAD
// (aiohttp's add_static) and returns the GET route. Like aiohttp it claims
// every path under prefix in registration order. Paths that would leave dir
// (through "..", encoded separators, absolute paths, backslashes, NUL bytes
// or, unless FollowSymlinks, symlinks) are 404, as aiohttp answers them, and
// never serve a byte from outside; a directory is 403 unless ShowIndex. Files go through http.ServeContent (Range, ETag,
// If-Modified-Since, If-None-Match, Content-Type from the extension).
// A leading "~/" in dir is the user's home directory, as in aiohttp.
// It panics, as AddRoute does, if prefix does not start with '/' or dir is
// not a directory.
func (rt *Router) AddStatic(prefix, dir string, opts ...StaticOption) *Route {
	if !strings.HasPrefix(prefix, "/") {
		panic(fmt.Sprintf("aioweb: AddStatic(%q, %q): prefix must start with '/'", prefix, dir))
	}
	abs, err := filepath.Abs(expandHome(dir))
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if st, serr := os.Stat(abs); err != nil || serr != nil || !st.IsDir() {
		panic(fmt.Sprintf("aioweb: AddStatic(%q, %q): no directory exists there", prefix, dir))
	}
	cfg := &staticConfig{prefix: strings.TrimRight(prefix, "/"), dir: abs}
	for _, o := range opts {
		o(cfg)
	}
	if strings.ContainsAny(cfg.prefix, "{}") {
		panic(fmt.Sprintf("aioweb: AddStatic(%q, %q): prefix may not contain braces", prefix, dir))
	}
	pattern := cfg.prefix + "/{filename:.*}"
	h := cfg.handle
	res := &Resource{kind: ResourceStatic, pattern: cfg.prefix, name: cfg.name, static: cfg}
	twin := rt.nextTwin()
	for _, p := range []string{pattern, cfg.prefix} { // the bare prefix is the directory: 403
		if p == "" {
			continue
		}
		for _, m := range []string{"GET", "HEAD"} {
			var ro []RouteOption
			if res.route == nil && cfg.name != "" {
				ro = append(ro, WithName(cfg.name))
			}
			r := rt.add(m, p, h, ro...)
			r.static, r.twin, r.resource = cfg, twin, res
			if p == pattern { // the bare prefix's routes are not listed
				res.routes = append(res.routes, r)
			}
			if res.route == nil {
				res.route = r
			}
		}
	}
	rt.addResource(res)
	return res.route
}

// expandHome replaces a leading "~" or "~/" with the user's home directory,
// as aiohttp's add_static (Path.expanduser) does; dir is unchanged when
// there is no home directory.
func expandHome(dir string) string {
	if dir != "~" && !strings.HasPrefix(dir, "~/") && !strings.HasPrefix(dir, "~"+string(filepath.Separator)) {
		return dir
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return dir
	}
	return filepath.Join(home, dir[1:])
}

// handle serves one file; MatchInfo["filename"] is the decoded rest of the
// path after the prefix.
func (c *staticConfig) handle(req *Request) (Resp, error) {
	name := req.MatchInfo["filename"]
	switch {
	case strings.ContainsAny(name, "\x00\\"):
		return nil, HTTPNotFound()
	case strings.HasPrefix(name, "/") || filepath.IsAbs(name):
		return nil, HTTPNotFound() // as aiohttp 3.8 answers "/static//etc/passwd"
	}
	full := filepath.Join(c.dir, filepath.FromSlash(name))
	if !within(c.dir, full) {
		return nil, HTTPNotFound() // ".." out of the directory
	}
	resolved, err := filepath.EvalSymlinks(full)
	if err != nil {
		return nil, HTTPNotFound()
	}
	if !c.followSymlinks && !within(c.dir, resolved) {
		return nil, HTTPNotFound() // a symlink out of the directory
	}
	st, err := os.Stat(resolved)
	if err != nil {
		return nil, HTTPNotFound()
	}
	if st.IsDir() {
		if !c.showIndex {
			return nil, HTTPForbidden()
		}
		return c.index(full, name)
	}
	if !st.Mode().IsRegular() {
		return nil, HTTPNotFound()
	}
	return &FileResponse{Path: resolved, checked: true}, nil
}

// within reports whether path is dir or inside it.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// index renders a directory listing like aiohttp's, names HTML-escaped.
func (c *staticConfig) index(dir, rel string) (Resp, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, HTTPForbidden()
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	rel = strings.Trim(rel, "/")
	title := html.EscapeString("Index of /" + rel)
	var b strings.Builder
	fmt.Fprintf(&b, "<html>\n<head>\n<title>%s</title>\n</head>\n<body>\n<h1>%s</h1>\n<ul>\n", title, title)
	for _, e := range ents {
		p := e.Name()
		if rel != "" {
			p = rel + "/" + p
		}
		shown := e.Name()
		if e.IsDir() {
			shown += "/"
		}
		href := c.prefix + "/" + (&url.URL{Path: p}).EscapedPath()
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", html.EscapeString(href), html.EscapeString(shown))
	}
	b.WriteString("</ul>\n</body>\n</html>")
	return &Response{Text: b.String(), ContentType: "text/html"}, nil
}

// FileResponse sends one file, as aiohttp 3's web.FileResponse: a handler
// returns &aioweb.FileResponse{Path: "report.pdf"}. The file is opened when
// the response is sent and goes out through http.ServeContent, so Range,
// If-Modified-Since, If-None-Match (against an ETag built like aiohttp's
// from the modification time and size), HEAD and a Content-Type guessed from
// the file name all work. A missing file is a 404 and a directory, device,
// pipe or unreadable file a 403, as in aiohttp 3.9+.
//
// Path is used as given: never build it from request input without the
// checks AddStatic makes (or use AddStatic), or a "../" walks out.
type FileResponse struct {
	// Path is the file to send.
	Path string
	// Headers are sent with the file. A Content-Type here replaces the
	// guessed one; Content-Disposition offers a download name.
	Headers http.Header

	checked bool // the static handler found Path a regular file already
}

// SetHeader sets a header sent with the file.
func (f *FileResponse) SetHeader(key, value string) error {
	if err := checkHeaders(http.Header{key: {value}}); err != nil {
		return err
	}
	if f.Headers == nil {
		f.Headers = http.Header{}
	}
	f.Headers.Set(key, value)
	return nil
}

func (f *FileResponse) send(req *Request) error {
	if err := checkHeaders(f.Headers); err != nil {
		return err
	}
	if !f.checked {
		// Stat before opening: opening a FIFO would block until a writer
		// came.
		st, err := os.Stat(f.Path)
		switch {
		case errors.Is(err, fs.ErrPermission):
			return HTTPForbidden().send(req)
		case err != nil:
			return HTTPNotFound().send(req)
		case !st.Mode().IsRegular():
			return HTTPForbidden().send(req)
		}
	}
	file, err := os.Open(f.Path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return HTTPNotFound().send(req)
		}
		return HTTPForbidden().send(req)
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() { // swapped since the first Stat
		return HTTPForbidden().send(req)
	}
	h := req.w.Header()
	copyHeader(h, f.Headers)
	if _, ok := h["Etag"]; !ok {
		h.Set("Etag", fmt.Sprintf(`"%x-%x"`, st.ModTime().UnixNano(), st.Size()))
	}
	h.Set("Accept-Ranges", "bytes")
	req.started = true
	http.ServeContent(req.ResponseWriter(), req.r, st.Name(), st.ModTime(), file)
	return nil
}

// nextTwin numbers routes registered together (see Route.sameTarget).
func (rt *Router) nextTwin() int {
	rt.twins++
	return rt.twins
}
