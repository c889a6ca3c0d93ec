// mount.go owns the ways routes get in besides AddRoute: aiohttp 3's method
// shortcuts and views, sub-applications under a prefix, and net/http
// interop (any http.Handler as a route handler).

package aioweb

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// AddGet registers handler for GET and, like aiohttp 3's add_get with
// allow_head=True, for HEAD too (use AddRoute("GET", ...) for GET alone).
// The HEAD route gets the same options except the name, which belongs to
// the GET route. It returns the GET route.
func (rt *Router) AddGet(path string, handler Handler, opts ...RouteOption) *Route {
	get := rt.AddRoute("GET", path, handler, opts...)
	get.twin = rt.nextTwin()
	unnamed := func(r *Route) { r.name = "" }
	head := rt.AddRoute("HEAD", path, handler, append(opts[:len(opts):len(opts)], unnamed)...)
	head.twin = get.twin
	return get
}

// AddPost registers handler for POST.
func (rt *Router) AddPost(path string, handler Handler, opts ...RouteOption) *Route {
	return rt.AddRoute("POST", path, handler, opts...)
}

// AddPut registers handler for PUT.
func (rt *Router) AddPut(path string, handler Handler, opts ...RouteOption) *Route {
	return rt.AddRoute("PUT", path, handler, opts...)
}

// AddPatch registers handler for PATCH.
func (rt *Router) AddPatch(path string, handler Handler, opts ...RouteOption) *Route {
	return rt.AddRoute("PATCH", path, handler, opts...)
}

// AddDelete registers handler for DELETE.
func (rt *Router) AddDelete(path string, handler Handler, opts ...RouteOption) *Route {
	return rt.AddRoute("DELETE", path, handler, opts...)
}

// AddHead registers handler for HEAD.
func (rt *Router) AddHead(path string, handler Handler, opts ...RouteOption) *Route {
	return rt.AddRoute("HEAD", path, handler, opts...)
}

// AddOptions registers handler for OPTIONS.
func (rt *Router) AddOptions(path string, handler Handler, opts ...RouteOption) *Route {
	return rt.AddRoute("OPTIONS", path, handler, opts...)
}

// View maps methods to handlers for one path: aiohttp's class-based
// web.View in Go form. A request with another method gets 405 listing the
// view's methods.
type View map[string]Handler

// AddView registers every method of view on path (aiohttp's add_view) and
// returns the routes, sorted by method. Options (a name) apply to the first.
func (rt *Router) AddView(path string, view View, opts ...RouteOption) []*Route {
	methods := make([]string, 0, len(view))
	for m := range view {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	twin := rt.nextTwin()
	var routes []*Route
	for i, m := range methods {
		var o []RouteOption
		if i == 0 {
			o = opts
		}
		r := rt.AddRoute(m, path, view[m], o...)
		r.twin = twin
		routes = append(routes, r)
	}
	return routes
}

// AddSubapp mounts sub under prefix (aiohttp 3's add_subapp): sub's routes
// answer at prefix + their pattern, wrapped in sub's middlewares inside this
// application's; a path under prefix that no sub route matches is a 404 (or
// 405) that sub's middlewares see too. Requests reach sub's handlers with
// req.App == sub, sub's routes reverse with the prefix (sub.Router.Named),
// and sub's OnShutdown/OnCleanup hooks run with this application's. Register
// sub's routes before mounting it; it panics on a bad prefix, a sub that is
// mounted twice, or a sub middleware factory error.
func (a *Application) AddSubapp(prefix string, sub *Application) {
	prefix = strings.TrimRight(prefix, "/")
	if !strings.HasPrefix(prefix, "/") || strings.ContainsAny(prefix, "{}") {
		panic(fmt.Sprintf("aioweb: AddSubapp(%q): the prefix must start with '/' and hold no variables", prefix))
	}
	if sub == a || sub.Router.frozen {
		panic(fmt.Sprintf("aioweb: AddSubapp(%q): the application is already mounted or serving", prefix))
	}
	sub.Router.frozen = true
	for _, r := range sub.Router.routes {
		handler, static := r.handler, r.static
		if static != nil {
			cfg := *static
			cfg.prefix = prefix + cfg.prefix
			handler, static = cfg.handle, &cfg
		}
		h, err := sub.wrap(handler)
		if err != nil {
			panic(fmt.Sprintf("aioweb: AddSubapp(%q): %v", prefix, err))
		}
		nr := a.Router.AddRoute(r.method, prefix+r.pattern, h, WithExpectHandler(r.expect))
		nr.static = static
		nr.name, nr.twin = r.name, r.twin
		if r.name != "" {
			sub.Router.names[r.name] = nr // reversal includes the prefix
		}
	}
	notFound, err := sub.wrap(func(req *Request) (Resp, error) {
		rest := strings.TrimPrefix(req.r.URL.EscapedPath(), prefix)
		if res := sub.Router.resolveSlow(req.Method, rest); res.allow != "" {
			return nil, HTTPMethodNotAllowed(req.Method, strings.Split(res.allow, ","))
		}
		return nil, HTTPNotFound()
	})
	if err != nil {
		panic(fmt.Sprintf("aioweb: AddSubapp(%q): %v", prefix, err))
	}
	a.Router.AddRoute(MethodAny, prefix+"/{aioweb_subapp_rest:.*}", notFound)
	a.OnShutdown(sub.Shutdown)
	a.OnCleanup(sub.Cleanup)
}

// wrap runs h with sub's middlewares and req.App set to sub.
func (a *Application) wrap(h Handler) (Handler, error) {
	inner, err := chain(a, recoverHandler(h), a.middlewares)
	if err != nil {
		return nil, err
	}
	return func(req *Request) (Resp, error) {
		parent := req.App
		req.App = a
		defer func() { req.App = parent }()
		return inner(req)
	}, nil
}

// WrapHandler makes any http.Handler a route handler. It writes the response
// itself; MatchInfo is reachable through r.PathValue. Middlewares see the
// returned response as already sent (SetHeader on it fails), so set headers
// they add before calling the wrapped handler.
func WrapHandler(h http.Handler) Handler {
	return func(req *Request) (Resp, error) {
		req.started = true
		h.ServeHTTP(req.w, req.r)
		return sentResponse{}, nil
	}
}

// sentResponse is the result of a handler that wrote its own response.
type sentResponse struct{}

// SetHeader fails: the wrapped handler has written the response.
func (sentResponse) SetHeader(key, value string) error { return ErrAlreadyPrepared }
func (sentResponse) send(*Request) error               { return nil }
