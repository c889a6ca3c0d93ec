// normalize.go owns NormalizePath, aiohttp's normalize_path_middleware: a
// request that resolved to no route is redirected to the same path with
// slashes merged and a trailing slash added or removed, when that path
// resolves.

package aioweb

import (
	"net/http"
	"strings"
)

// NormalizeOption configures NormalizePath.
type NormalizeOption func(*normalizeConfig)

type normalizeConfig struct {
	appendSlash, removeSlash, mergeSlashes bool
	redirect                               func(location string, opts ...ExcOption) *HTTPException
}

// NormalizeAppendSlash says whether a path without a trailing slash is
// tried with one (aiohttp's append_slash; on by default).
func NormalizeAppendSlash(on bool) NormalizeOption {
	return func(c *normalizeConfig) { c.appendSlash = on }
}

// NormalizeRemoveSlash says whether a path with a trailing slash is tried
// without it (aiohttp's remove_slash; off by default). It cannot be
// combined with NormalizeAppendSlash(true).
func NormalizeRemoveSlash(on bool) NormalizeOption {
	return func(c *normalizeConfig) { c.removeSlash = on }
}

// NormalizeMergeSlashes says whether runs of slashes are tried as one
// (aiohttp's merge_slashes; on by default).
func NormalizeMergeSlashes(on bool) NormalizeOption {
	return func(c *normalizeConfig) { c.mergeSlashes = on }
}

// NormalizeRedirect chooses the redirect (aiohttp's redirect_class), one of
// HTTPMovedPermanently, HTTPFound, HTTPSeeOther, HTTPTemporaryRedirect or
// HTTPPermanentRedirect (the default, 308, which keeps the method and body).
func NormalizeRedirect(redirect func(location string, opts ...ExcOption) *HTTPException) NormalizeOption {
	return func(c *normalizeConfig) { c.redirect = redirect }
}

// NormalizePath is aiohttp's normalize_path_middleware. When a request
// resolves to no route (a 404 or 405, including one inside a
// sub-application) it tries, in this order, the raw path with runs of
// slashes merged, with a trailing slash appended (or removed, with
// NormalizeRemoveSlash(true) and NormalizeAppendSlash(false)), and with
// both; the first that resolves for the request's method, in the router of
// the application the middleware belongs to, is answered with a redirect
// to it, the query string kept. When none resolves the request goes on to its 404 or 405. A leading
// run of slashes always becomes one, so "//evil.example" never redirects off
// the site. By default slashes are merged and appended, with 308.
//
// It panics when both NormalizeAppendSlash(true) and
// NormalizeRemoveSlash(true) are given, as aiohttp asserts.
func NormalizePath(opts ...NormalizeOption) Middleware {
	c := normalizeConfig{appendSlash: true, mergeSlashes: true, redirect: HTTPPermanentRedirect}
	for _, o := range opts {
		o(&c)
	}
	if c.appendSlash && c.removeSlash {
		panic("aioweb: NormalizePath: cannot both remove and append a slash")
	}
	if c.redirect == nil {
		c.redirect = HTTPPermanentRedirect
	}
	return func(app *Application, next Handler) (Handler, error) {
		rt := &app.Router
		return func(req *Request) (Resp, error) {
			if !unresolved(req) {
				return next(req)
			}
			raw := req.r.URL.EscapedPath()
			for _, p := range c.candidates(raw, strings.HasSuffix(req.Path, "/")) {
				if p == "" {
					continue
				}
				p = "/" + strings.TrimLeft(p, "/") // no "//host" open redirects
				if rt.resolvesMounted(req.Method, p, req.r.Host) {
					loc := p
					if q := req.r.URL.RawQuery; q != "" || req.r.URL.ForceQuery {
						loc += "?" + q
					}
					return nil, c.redirect(loc)
				}
			}
			return next(req)
		}, nil
	}
}

// unresolved reports whether the request is on its way to a routing 404 or
// 405, at the top level or inside a sub-application.
func unresolved(req *Request) bool {
	if req.Route != nil {
		return req.Route.subappRest
	}
	if req.routeErr == nil {
		return false
	}
	s := req.routeErr.Status
	return s == http.StatusNotFound || s == http.StatusMethodNotAllowed
}

// candidates lists the paths NormalizePath tries, in aiohttp's order.
func (c *normalizeConfig) candidates(raw string, slashed bool) []string {
	var ps []string
	if c.mergeSlashes {
		ps = append(ps, mergeSlashes(raw))
	}
	if c.appendSlash && !slashed {
		ps = append(ps, raw+"/")
	}
	if c.removeSlash && slashed {
		ps = append(ps, raw[:len(raw)-1])
	}
	if c.mergeSlashes && c.appendSlash {
		ps = append(ps, mergeSlashes(raw+"/"))
	}
	if c.mergeSlashes && c.removeSlash {
		m := mergeSlashes(raw)
		ps = append(ps, m[:len(m)-1])
	}
	return ps
}

func mergeSlashes(p string) string {
	if !strings.Contains(p, "//") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && i > 0 && p[i-1] == '/' {
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// resolvesMounted reports whether the raw path p, as the client sends it,
// reaches a route of this router for the Host header (not a 404 or 405),
// given where the router's application is mounted.
func (rt *Router) resolvesMounted(method, p, host string) bool {
	if rt.mounted != "" {
		rest, ok := strings.CutPrefix(p, rt.mounted)
		if !ok || rest != "" && rest[0] != '/' {
			return false
		}
		p = rest
	}
	res := rt.resolveHost(method, p, host)
	return res.route != nil && !res.route.subappRest
}
