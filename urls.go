// urls.go owns URL reversal: building, from a route and the values of its
// variables, a URL that routes back to the same route with the same
// MatchInfo (aiohttp's route.url / resource.url_for).

package aioweb

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// Parts holds the values of a route's variables for URL (aiohttp's parts=).
type Parts map[string]string

// URLOption configures one URL built by Route.URL.
type URLOption func(*urlConfig)

type urlConfig struct {
	appendVersion *bool
}

// URLAppendVersion says whether a static route's URL carries the file's
// content hash as "?v=..." (aiohttp's url_for(append_version=...)), over
// the route's StaticAppendVersion setting. A file that does not exist, or
// that the route would not serve, gets no version. Other routes ignore it.
// The file is read and hashed on every call, as aiohttp does: build the
// URLs of large files once (at startup, say) rather than per request.
func URLAppendVersion(on bool) URLOption { return func(c *urlConfig) { c.appendVersion = &on } }

// URL builds the path of this route for parts, with query appended when
// non-empty. Every value is percent-escaped, '/' included, so the URL
// routes back to this route with MatchInfo equal to parts. A missing or
// unknown part, or a value the variable's regex does not accept, is an error,
// never a wrong URL; so is a URL an earlier route would take. A static route
// (AddStatic) takes the file as Parts{"filename": "css/site.css"}, whose
// '/' separate path segments, and may append its version (URLAppendVersion,
// StaticAppendVersion). The URL starts with the application's WithPrefix,
// if any.
//
//	u, err := app.Router.Named("greet").URL(aioweb.Parts{"name": "a b"}, nil) // "/greet/a%20b"
func (r *Route) URL(parts Parts, query url.Values, opts ...URLOption) (string, error) {
	if r == nil {
		return "", errors.New("aioweb: URL of a nil route (no route has that name?)")
	}
	path, err := r.buildPath(parts)
	if err != nil {
		return "", err
	}
	if r.static != nil { // leading slashes are dropped, as aiohttp does
		parts = Parts{"filename": strings.TrimLeft(parts["filename"], "/")}
	}
	// The URL must come back here, with the same values.
	info, ok := r.matchRaw(path)
	if !ok {
		return "", fmt.Errorf("aioweb: URL for %s: %q does not match the pattern (check the values against the regexes)", r.pattern, clip(path))
	}
	for k, v := range parts {
		if info[k] != v {
			return "", fmt.Errorf("aioweb: URL for %s: part %s=%q would route back as %q", r.pattern, k, clip(v), clip(info[k]))
		}
	}
	if r.router != nil {
		method := r.method
		if method == MethodAny {
			method = "GET"
		}
		if got := r.router.resolveLike(r, method, path); got.route != nil && got.route != r && got.route.handler != nil && !r.sameTarget(got.route) {
			return "", fmt.Errorf("aioweb: URL for %s: %q is taken by the earlier route %s %s", r.pattern, clip(path), got.route.method, got.route.pattern)
		}
	}
	if r.static != nil {
		var c urlConfig
		for _, o := range opts {
			o(&c)
		}
		if c.appendVersion == nil && r.static.appendVersion || c.appendVersion != nil && *c.appendVersion {
			if v := r.static.version(parts["filename"]); v != "" {
				query = maps.Clone(query)
				if query == nil {
					query = url.Values{}
				}
				query.Set("v", v)
			}
		}
	}
	if r.router != nil {
		path = r.router.prefix + path // WithPrefix: the URL clients use
	}
	if len(query) > 0 {
		path += "?" + query.Encode()
	}
	return path, nil
}

// sameTarget reports routes registered together for one target (AddGet's
// HEAD twin, a view's methods, a static route's HEAD).
func (r *Route) sameTarget(o *Route) bool {
	return r.pattern == o.pattern && r.twin == o.twin && r.twin != 0
}

func (r *Route) buildPath(parts Parts) (string, error) {
	if r.static != nil {
		name, ok := parts["filename"]
		if !ok || len(parts) != 1 {
			return "", fmt.Errorf("aioweb: URL for static route %s takes exactly Parts{\"filename\": ...}", r.pattern)
		}
		segs := strings.Split(strings.TrimLeft(name, "/"), "/")
		for i, s := range segs {
			if s == "." || s == ".." || strings.ContainsRune(s, 0) {
				return "", fmt.Errorf("aioweb: URL for static route %s: filename %q has a dot segment or NUL", r.pattern, clip(name))
			}
			segs[i] = url.PathEscape(s)
		}
		return requotePath(r.static.prefix) + "/" + strings.Join(segs, "/"), nil
	}
	ps, err := parsePattern(r.pattern)
	if err != nil {
		return "", err
	}
	used := 0
	var b strings.Builder
	for _, p := range ps {
		if !p.isVar {
			b.WriteString(requotePath(p.lit))
			continue
		}
		v, ok := parts[p.name]
		if !ok {
			return "", fmt.Errorf("aioweb: URL for %s: missing part %q", r.pattern, p.name)
		}
		used++
		if v == "." || v == ".." || strings.HasSuffix(b.String(), "/") && (strings.HasPrefix(v, "./") || strings.HasPrefix(v, "../")) {
			// clients resolve dot segments before sending: the URL would
			// not arrive as built
			return "", fmt.Errorf("aioweb: URL for %s: part %s=%q makes a dot segment that clients remove", r.pattern, p.name, clip(v))
		}
		b.WriteString(url.PathEscape(v))
	}
	if used != len(parts) {
		var extra []string
		for k := range parts {
			if !slices.Contains(r.vars, k) {
				extra = append(extra, k)
			}
		}
		slices.Sort(extra)
		return "", fmt.Errorf("aioweb: URL for %s: unknown parts %q", r.pattern, extra)
	}
	return b.String(), nil
}

// clip shortens a caller's value for an error message, so that a
// megabyte-long part does not become a megabyte-long error.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return fmt.Sprintf("%s…(%d bytes)", s[:max], len(s))
}
