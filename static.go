// static.go owns file serving: static routes (aiohttp's add_static), a
// prefix route over one directory that never serves a byte from outside it
// (files are opened through an os.Root), versioned static URLs, and
// FileResponse (aiohttp 3's web.FileResponse) for one file from a handler,
// with precompressed .br/.gz siblings; both go through http.ServeContent for
// Range, conditional requests and HEAD.

package aioweb

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// StaticOption configures AddStatic.
type StaticOption func(*staticConfig)

type staticConfig struct {
	prefix         string
	dir            string   // absolute, symlinks resolved
	root           *os.Root // dir, for every open: nothing escapes it
	showIndex      bool
	followSymlinks bool
	appendVersion  bool
	name           string
}

// StaticShowIndex sets whether directories are listed as HTML pages
// (aiohttp's show_index; off by default, when a directory is 403).
func StaticShowIndex(on bool) StaticOption { return func(c *staticConfig) { c.showIndex = on } }

// StaticFollowSymlinks sets whether files whose symlinks lead outside the
// directory are served (aiohttp's follow_symlinks; off by default, when they
// are 404).
func StaticFollowSymlinks(on bool) StaticOption {
	return func(c *staticConfig) { c.followSymlinks = on }
}

// StaticName names the static route, for URL reversal (aiohttp's name=).
// It is not WithName because AddStatic takes StaticOptions, not
// RouteOptions: every option of a static route starts with its target's
// name (see "Naming" in the package documentation).
func StaticName(name string) StaticOption { return func(c *staticConfig) { c.name = name } }

// StaticAppendVersion sets whether the static route's URLs carry the file's
// content hash, "?v=<urlsafe base64 of its SHA-256>", so that browsers can
// cache them forever (aiohttp's append_version=True). URLAppendVersion(false)
// turns it off for one URL.
func StaticAppendVersion(on bool) StaticOption { return func(c *staticConfig) { c.appendVersion = on } }

// AddStatic serves the files under dir at prefix/<path> for GET and HEAD
// (aiohttp's add_static) and returns the GET route. Like aiohttp it claims
// every path under prefix in registration order. Paths that would leave dir
// (through "..", encoded separators, absolute paths, backslashes, NUL bytes
// or, unless StaticFollowSymlinks, symlinks) are 404, as aiohttp answers
// them, and never serve a byte from outside: files inside dir are opened
// through an os.Root, so a symlink swapped in between the check and the
// open cannot lead out either. A directory is 403 unless StaticShowIndex,
// and anything else that is not a regular file (a FIFO, a device) is 403,
// as FileResponse answers it. Files are sent as FileResponse sends them (Range, ETag,
// If-Modified-Since, If-None-Match, Content-Type from the extension,
// precompressed siblings).
// A leading "~/" in dir is the user's home directory, as in aiohttp.
// It panics, as AddRoute does, if prefix does not start with '/' or dir is
// not a directory.
//
// The directory stays open (one file descriptor) for the life of the
// process.
func (rt *Router) AddStatic(prefix, dir string, opts ...StaticOption) *Route {
	rt.mu.Lock()
	serving := rt.frozen
	rt.mu.Unlock()
	if serving { // before the directory is opened
		panic(fmt.Sprintf("aioweb: AddStatic(%q, %q) after the application started serving", prefix, dir))
	}
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
	if cfg.root, err = os.OpenRoot(abs); err != nil {
		panic(fmt.Sprintf("aioweb: AddStatic(%q, %q): %v", prefix, dir, err))
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
	rt.mu.Lock()
	rt.addResource(res)
	rt.mu.Unlock()
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

// resolve finds the file a static path names, as aiohttp does: the path is
// joined to the directory and its symlinks resolved; the result must stay
// inside unless StaticFollowSymlinks. It returns the resolved path and, when
// that is inside the directory, the path relative to it (for the os.Root).
func (c *staticConfig) resolve(name string) (resolved, rel string, ok bool) {
	if strings.ContainsAny(name, "\x00\\") || strings.HasPrefix(name, "/") || filepath.IsAbs(name) {
		return "", "", false // as aiohttp 3.8 answers "/static//etc/passwd"
	}
	full := filepath.Join(c.dir, filepath.FromSlash(name))
	if !within(c.dir, full) {
		return "", "", false // ".." out of the directory
	}
	resolved, err := filepath.EvalSymlinks(full)
	if err != nil {
		return "", "", false
	}
	if within(c.dir, resolved) {
		rel, _ = filepath.Rel(c.dir, resolved)
		return resolved, rel, true
	}
	return resolved, "", c.followSymlinks // a symlink out of the directory
}

// handle serves one file; MatchInfo["filename"] is the decoded rest of the
// path after the prefix.
func (c *staticConfig) handle(req *Request) (Resp, error) {
	name := req.MatchInfo["filename"]
	resolved, rel, ok := c.resolve(name)
	if !ok {
		return nil, HTTPNotFound()
	}
	var st fs.FileInfo
	var err error
	if rel != "" {
		st, err = c.root.Stat(rel)
	} else {
		st, err = os.Stat(resolved)
	}
	if err != nil {
		return nil, HTTPNotFound()
	}
	if st.IsDir() {
		if !c.showIndex {
			return nil, HTTPForbidden()
		}
		return c.index(req.mountPrefix()+c.prefix, resolved, rel, name)
	}
	// Opened again when sent, through the root: a swap since the Stat
	// reaches nothing outside.
	f := &FileResponse{Path: resolved}
	if rel != "" {
		f.root, f.rel = c.root, rel
	}
	return f, nil
}

// within reports whether path is dir or inside it.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// index renders a directory listing like aiohttp's, names HTML-escaped:
// the title is "Index of /" and the directory's path relative to the
// static directory ("." for the directory itself). The links start with
// base.
func (c *staticConfig) index(base, resolved, rel, name string) (Resp, error) {
	var d *os.File
	var err error
	if rel != "" {
		d, err = c.root.Open(rel)
	} else {
		d, err = os.Open(resolved)
	}
	if err != nil {
		return nil, HTTPForbidden()
	}
	defer d.Close()
	ents, err := d.ReadDir(-1)
	if err != nil {
		return nil, HTTPForbidden()
	}
	slices.SortFunc(ents, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	dir := filepath.ToSlash(rel) // as aiohttp: relative to the directory, symlinks resolved
	if rel == "" {
		dir = strings.Trim(name, "/") // StaticFollowSymlinks led outside
	}
	title := html.EscapeString("Index of /" + dir)
	var b strings.Builder
	fmt.Fprintf(&b, "<html>\n<head>\n<title>%s</title>\n</head>\n<body>\n<h1>%s</h1>\n<ul>\n", title, title)
	for _, e := range ents {
		p := e.Name()
		if dir != "." && dir != "" {
			p = dir + "/" + p
		}
		shown := e.Name()
		isDir := e.IsDir()
		if e.Type()&fs.ModeSymlink != 0 { // aiohttp's is_dir() follows links
			st, err := os.Stat(filepath.Join(resolved, e.Name()))
			isDir = err == nil && st.IsDir()
		}
		if isDir {
			shown += "/"
		}
		href := base + "/" + (&url.URL{Path: p}).EscapedPath()
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", html.EscapeString(href), html.EscapeString(shown))
	}
	b.WriteString("</ul>\n</body>\n</html>")
	return &Response{Text: b.String(), ContentType: "text/html"}, nil
}

// version returns the "v" value of a file's versioned URL (the urlsafe
// base64 SHA-256 of its content, as aiohttp's append_version), or "" when
// the name resolves to no regular file the route would serve.
func (c *staticConfig) version(name string) string {
	resolved, rel, ok := c.resolve(name)
	if !ok {
		return ""
	}
	f, err := c.open(resolved, rel)
	if err != nil {
		return ""
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return ""
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return base64.URLEncoding.EncodeToString(h.Sum(nil))
}

// open opens a resolved file, through the root when it is inside.
func (c *staticConfig) open(resolved, rel string) (*os.File, error) {
	if rel != "" {
		return c.root.OpenFile(rel, os.O_RDONLY|openNonblock, 0)
	}
	return os.OpenFile(resolved, os.O_RDONLY|openNonblock, 0)
}

// FileResponse sends one file, as aiohttp 3's web.FileResponse: a handler
// returns &aioweb.FileResponse{Path: "report.pdf"}. The file is opened when
// the response is sent and goes out through http.ServeContent, so Range,
// If-Modified-Since, If-None-Match (against an ETag built like aiohttp's
// from the modification time and size) and HEAD work. The Content-Type comes
// from the file name's extension, application/octet-stream when it has no
// known one (never sniffed); a name ending in .gz or .br is sent as the
// type of the name without it, with Content-Encoding gzip or br, as
// aiohttp's mimetypes guess gives. When the request's Accept-Encoding
// accepts br or gzip (quality above 0) and a regular file Path+".br" or
// Path+".gz" exists, that precompressed sibling is sent instead, with the
// original's type, the coding and Vary: Accept-Encoding (aiohttp 3.8 does
// this for .gz). A missing file is a 404 and a directory, device, pipe or
// unreadable file a 403, as in aiohttp 3.9+. Opening never blocks (a FIFO
// is refused, not waited on).
//
// Path is used as given: never build it from request input without the
// checks AddStatic makes (or use AddStatic), or a "../" walks out.
type FileResponse struct {
	// Path is the file to send.
	Path string
	// Headers are sent with the file. A Content-Type here replaces the
	// guessed one; Content-Disposition offers a download name; a
	// Content-Encoding here turns the precompressed siblings off.
	Headers http.Header

	root *os.Root // AddStatic's directory, when Path is inside it
	rel  string   // Path relative to root
}

// SetHeader sets a header sent with the file.
func (f *FileResponse) SetHeader(key, value string) error {
	return editHeader(&f.Headers, key, value, http.Header.Set)
}

// openFile opens Path, or its sibling with suffix, without blocking and
// checks it is a regular file. The status is 404 or 403 on failure.
func (f *FileResponse) openFile(suffix string) (*os.File, fs.FileInfo, int) {
	var file *os.File
	var err error
	if f.root != nil {
		file, err = f.root.OpenFile(f.rel+suffix, os.O_RDONLY|openNonblock, 0)
	} else {
		file, err = os.OpenFile(f.Path+suffix, os.O_RDONLY|openNonblock, 0)
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil, http.StatusNotFound
	case err != nil && f.root != nil && !errors.Is(err, fs.ErrPermission):
		return nil, nil, http.StatusNotFound // led out of the root since the check
	case err != nil:
		return nil, nil, http.StatusForbidden
	}
	st, err := file.Stat()
	if err != nil || !st.Mode().IsRegular() {
		file.Close()
		return nil, nil, http.StatusForbidden
	}
	return file, st, 0
}

func (f *FileResponse) send(req *Request) error {
	if err := checkHeaders(f.Headers); err != nil {
		return err
	}
	var file *os.File
	var st fs.FileInfo
	coding := ""
	if _, set := f.Headers["Content-Encoding"]; !set {
		for _, c := range precompressed(req.Header.Values("Accept-Encoding")) {
			if file, st, _ = f.openFile(c.suffix); file != nil {
				coding = c.coding
				break
			}
		}
	}
	sibling := file != nil
	if file == nil {
		var status int
		if file, st, status = f.openFile(""); file == nil {
			req.kind = KindException
			if status == http.StatusNotFound {
				return HTTPNotFound().send(req)
			}
			return HTTPForbidden().send(req)
		}
	}
	defer file.Close()
	h := req.w.Header()
	copyHeader(h, f.Headers)
	if _, ok := f.Headers["Content-Type"]; !ok {
		ctype, byName := fileType(f.Path)
		h.Set("Content-Type", ctype)
		if coding == "" {
			coding = byName
		}
	}
	if coding != "" {
		h.Set("Content-Encoding", coding)
	}
	if sibling {
		h.Add("Vary", "Accept-Encoding")
	}
	if _, ok := h["Etag"]; !ok {
		h.Set("Etag", fmt.Sprintf(`"%x-%x"`, st.ModTime().UnixNano(), st.Size()))
	}
	h.Set("Accept-Ranges", "bytes")
	req.started = true
	http.ServeContent(req.ResponseWriter(), lenientDates(req.r), "", st.ModTime(), file)
	return nil
}

// lenientDates returns r, or a copy of it whose conditional dates that
// aiohttp parses but net/http does not (a one-digit day, "Mon, 1 Jan 1990
// 01:01:01 GMT") are rewritten in http.TimeFormat; r itself is unchanged.
func lenientDates(r *http.Request) *http.Request {
	var h http.Header
	for _, k := range [...]string{"If-Modified-Since", "If-Unmodified-Since", "If-Range"} {
		v := r.Header.Get(k)
		if v == "" || v[0] == '"' || strings.HasPrefix(v, "W/") {
			continue
		}
		if _, err := http.ParseTime(v); err == nil {
			continue
		}
		t, err := time.Parse("Mon, 2 Jan 2006 15:04:05 GMT", v)
		if err != nil {
			continue
		}
		if h == nil {
			h = r.Header.Clone()
		}
		h.Set(k, t.Format(http.TimeFormat))
	}
	if h == nil {
		return r
	}
	r2 := r.WithContext(r.Context())
	r2.Header = h
	return r2
}

// sibling is a precompressed variant of a file.
type sibling struct{ coding, suffix string }

// precompressed lists the siblings the Accept-Encoding values accept, best
// quality first (br before gzip on a tie).
func precompressed(values []string) []sibling {
	br, gz := codingQuality(values, "br"), codingQuality(values, "gzip")
	var out []sibling
	if br > 0 && br >= gz {
		out = append(out, sibling{"br", ".br"})
	}
	if gz > 0 {
		out = append(out, sibling{"gzip", ".gz"})
	}
	if br > 0 && br < gz {
		out = append(out, sibling{"br", ".br"})
	}
	return out
}

// codingQuality is the quality Accept-Encoding gives coding (x-gzip counts
// as gzip, "*" stands for a coding not named), 0 when not acceptable.
func codingQuality(values []string, coding string) float64 {
	q, star := -1.0, -1.0
	for n, weight := range acceptEncodings(values) {
		switch {
		case n == coding, coding == "gzip" && n == "x-gzip":
			q = weight
		case n == "*":
			star = weight
		}
	}
	if q < 0 {
		q = star
	}
	return max(q, 0)
}

// fileType gives a file name's Content-Type and, for a name ending in .gz
// or .br, its Content-Encoding, as Python's mimetypes.guess_type does for
// aiohttp: "a.txt.gz" is text/plain encoded with gzip. A name without a
// known extension is application/octet-stream.
func fileType(name string) (ctype, coding string) {
	switch ext := filepath.Ext(name); ext {
	case ".gz":
		coding, name = "gzip", strings.TrimSuffix(name, ext)
	case ".br":
		coding, name = "br", strings.TrimSuffix(name, ext)
	}
	if ctype = mime.TypeByExtension(filepath.Ext(name)); ctype == "" {
		ctype = "application/octet-stream"
	}
	return ctype, coding
}
