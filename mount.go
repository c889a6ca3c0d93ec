// mount.go owns the ways routes get in besides AddRoute: aiohttp 3's method
// shortcuts, route tables and views, sub-applications under a prefix, and
// net/http interop (any http.Handler as a route handler).

package aioweb

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
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
	head := rt.addTo(get.resource, "HEAD", path, handler, append(opts[:len(opts):len(opts)], unnamed)...)
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

// RouteDef is one entry of a route table given to Router.AddRoutes: aiohttp
// 3's web.get("/", handler) and friends. Build it with Get, Post, Put, Patch,
// Delete, Head or Options, or as a literal for any other method:
//
//	app.Router.AddRoutes(
//		aioweb.Get("/", hello),
//		aioweb.Post("/store", store, aioweb.WithName("store")),
//		aioweb.RouteDef{Method: "PROPFIND", Path: "/dav/{path:.*}", Handler: dav},
//	)
type RouteDef struct {
	// Method is the HTTP method, or "*" for any.
	Method string
	// Path is the route's pattern, as AddRoute takes it.
	Path string
	// Handler answers the route's requests.
	Handler Handler
	// Options are the route's options (WithName, WithExpectHandler, ...).
	Options []RouteOption
	// AllowHead also registers the handler for HEAD, as AddGet does; Get
	// sets it.
	AllowHead bool
}

// Get is a RouteDef for GET that also answers HEAD (aiohttp's web.get with
// allow_head=True).
func Get(path string, handler Handler, opts ...RouteOption) RouteDef {
	return RouteDef{Method: "GET", Path: path, Handler: handler, Options: opts, AllowHead: true}
}

// Post is a RouteDef for POST (aiohttp's web.post).
func Post(path string, handler Handler, opts ...RouteOption) RouteDef {
	return RouteDef{Method: "POST", Path: path, Handler: handler, Options: opts}
}

// Put is a RouteDef for PUT (aiohttp's web.put).
func Put(path string, handler Handler, opts ...RouteOption) RouteDef {
	return RouteDef{Method: "PUT", Path: path, Handler: handler, Options: opts}
}

// Patch is a RouteDef for PATCH (aiohttp's web.patch).
func Patch(path string, handler Handler, opts ...RouteOption) RouteDef {
	return RouteDef{Method: "PATCH", Path: path, Handler: handler, Options: opts}
}

// Delete is a RouteDef for DELETE (aiohttp's web.delete).
func Delete(path string, handler Handler, opts ...RouteOption) RouteDef {
	return RouteDef{Method: "DELETE", Path: path, Handler: handler, Options: opts}
}

// Head is a RouteDef for HEAD (aiohttp's web.head).
func Head(path string, handler Handler, opts ...RouteOption) RouteDef {
	return RouteDef{Method: "HEAD", Path: path, Handler: handler, Options: opts}
}

// Options is a RouteDef for OPTIONS (aiohttp's web.options).
func Options(path string, handler Handler, opts ...RouteOption) RouteDef {
	return RouteDef{Method: "OPTIONS", Path: path, Handler: handler, Options: opts}
}

// AddRoutes registers a route table in order (aiohttp 3's add_routes) and
// returns the routes, one per entry (the GET route for an entry that also
// answers HEAD). A bad entry panics as AddRoute does, naming its pattern.
func (rt *Router) AddRoutes(defs ...RouteDef) []*Route {
	routes := make([]*Route, 0, len(defs))
	for _, d := range defs {
		if d.AllowHead && strings.ToUpper(d.Method) == "GET" {
			routes = append(routes, rt.AddGet(d.Path, d.Handler, d.Options...))
		} else {
			routes = append(routes, rt.AddRoute(d.Method, d.Path, d.Handler, d.Options...))
		}
	}
	return routes
}

// View maps methods to handlers for one path: aiohttp's class-based
// web.View in Go form. A request with another method gets 405 listing the
// view's methods.
type View map[string]Handler

// AddView registers every method of view on path (aiohttp's add_view) and
// returns the routes, sorted by method. Options (a name) apply to the first.
func (rt *Router) AddView(path string, view View, opts ...RouteOption) []*Route {
	methods := slices.Sorted(maps.Keys(view))
	twin := rt.nextTwin()
	var routes []*Route
	var res *Resource
	for i, m := range methods {
		var o []RouteOption
		if i == 0 {
			o = opts
		}
		r := rt.addTo(res, m, path, view[m], o...)
		res, r.twin = r.resource, twin
		routes = append(routes, r)
	}
	return routes
}

// AddSubapp mounts sub under prefix (aiohttp 3's add_subapp): sub's routes
// answer at prefix + their pattern, wrapped in sub's middlewares inside this
// application's; a path under prefix that no sub route matches is a 404 (or
// 405) that sub's middlewares see too. Requests reach sub's handlers with
// req.App == sub, sub's routes reverse with the prefix (sub.Router.Named),
// sub's handlers see this application's values through req.ConfigGet and
// AppKey.Get, and sub's startup, shutdown and cleanup run among this
// application's hooks at the point AddSubapp was called (aiohttp's order).
// Register sub's routes before mounting it; it panics on a bad prefix, a sub
// that is mounted twice, a sub middleware factory error, or after Startup.
func (a *Application) AddSubapp(prefix string, sub *Application) {
	prefix = strings.TrimRight(prefix, "/")
	if !strings.HasPrefix(prefix, "/") || strings.ContainsAny(prefix, "{}") {
		panic(fmt.Sprintf("aioweb: AddSubapp(%q): the prefix must start with '/' and hold no variables", prefix))
	}
	a.mount(fmt.Sprintf("AddSubapp(%q)", prefix), prefix, nil, sub)
}

// mount copies sub's routes into this application's router under prefix,
// guarded by the host rule when not nil, with a catch-all that answers
// sub's 404 and 405 through sub's middlewares. what names the call for
// panics. It returns the sub-application's resource in this router.
func (a *Application) mount(what, prefix string, rule *Domain, sub *Application) *Resource {
	sub.Router.mu.Lock()
	busy := sub == a || sub.Router.frozen
	if !busy {
		sub.Router.frozen = true
	}
	sub.Router.mu.Unlock()
	if busy {
		panic(fmt.Sprintf("aioweb: %s: the application is already mounted or serving", what))
	}
	sub.Router.mountAt(prefix)
	a.Router.mu.Lock()
	a.Router.subs = append(a.Router.subs, &sub.Router)
	a.Router.mu.Unlock()
	guard := func(r *Route, hosts []*Domain) {
		r.hosts = hosts
		if rule != nil {
			r.hosts = append(slices.Clip(hosts), rule)
		}
		if len(r.hosts) > 0 {
			a.Router.hostRouted = true
		}
	}
	copies := make(map[*Route]*Route, len(sub.Router.routes))
	for _, r := range sub.Router.routes {
		handler, static := r.handler, r.static
		if static != nil {
			cfg := *static
			cfg.prefix = prefix + cfg.prefix
			handler, static = cfg.handle, &cfg
		}
		h, err := sub.wrap(handler)
		if err != nil {
			panic(fmt.Sprintf("aioweb: %s: %v", what, err))
		}
		nr := a.Router.add(r.method, prefix+r.pattern, h, WithExpectHandler(r.expect))
		nr.static, nr.subappRest = static, r.subappRest
		nr.name, nr.twin = r.name, r.twin
		guard(nr, r.hosts)
		if nr.owner = r.owner; nr.owner == nil {
			nr.owner = sub
		}
		copies[r] = nr
	}
	notFound, err := sub.wrap(func(req *Request) (Resp, error) {
		rest := strings.TrimPrefix(req.r.URL.EscapedPath(), prefix)
		if res := sub.Router.resolveHost(req.Method, rest, req.r.Host); res.allow != "" {
			return nil, HTTPMethodNotAllowed(req.Method, strings.Split(res.allow, ","))
		}
		return nil, HTTPNotFound()
	})
	if err != nil {
		panic(fmt.Sprintf("aioweb: %s: %v", what, err))
	}
	rest := a.Router.add(MethodAny, prefix+"/{aioweb_subapp_rest:.*}", notFound)
	rest.subappRest, rest.owner = true, sub
	guard(rest, nil)
	for old, nr := range copies {
		nr.resource = old.resource // resources move with their routes
	}
	sub.Router.prefixResources(prefix, copies)
	res := &Resource{kind: ResourceSubapp, pattern: prefix, app: sub}
	if rule != nil {
		res = &Resource{kind: ResourceDomain, app: sub, domain: rule}
	}
	a.Router.mu.Lock()
	a.Router.addResource(res)
	a.Router.mu.Unlock()
	sub.parent = a
	a.addSub(sub)
	return res
}

// mountAt records that the router's application now answers under prefix,
// and so do the applications mounted in it.
func (rt *Router) mountAt(prefix string) {
	rt.mounted = prefix + rt.mounted
	for _, s := range rt.subs {
		s.mountAt(prefix)
	}
}

// prefixResources moves the router's resources, and those of the
// sub-applications mounted in it, under prefix, onto the copies of their
// routes (aiohttp's add_prefix).
func (rt *Router) prefixResources(prefix string, copies map[*Route]*Route) {
	for name, r := range rt.names {
		if c := copies[r]; c != nil {
			rt.names[name] = c // reversal includes the prefix
		}
	}
	for _, res := range rt.resources {
		res.pattern = prefix + res.pattern
		for i, r := range res.routes {
			res.routes[i] = copies[r]
		}
		if res.route != nil {
			res.route = copies[res.route]
		}
		if res.static != nil {
			res.static = res.route.static
		}
		if res.app != nil {
			res.app.Router.prefixResources(prefix, copies)
		}
	}
}

// wrap runs h with sub's middlewares and req.App set to sub, counted in
// sub's InFlight.
func (a *Application) wrap(h Handler) (Handler, error) {
	inner, err := chain(a, recoverHandler(h), a.middlewares)
	if err != nil {
		return nil, err
	}
	return func(req *Request) (Resp, error) {
		parent := req.App
		req.App = a
		sh := a.inflight.begin()
		defer func() { req.App = parent; a.inflight.end(sh) }()
		return inner(req)
	}, nil
}

// WrapHandler makes any http.Handler a route handler. It writes the response
// itself, through req.ResponseWriter() (so the headers middlewares put in
// req.ResponseHeader() go out with it) and req.HTTPRequest() (so MatchInfo
// is reachable through r.PathValue), and returns Sent. Middlewares that add
// headers must add them before calling the handler.
func WrapHandler(h http.Handler) Handler {
	return func(req *Request) (Resp, error) {
		h.ServeHTTP(req.ResponseWriter(), req.HTTPRequest())
		return Sent, nil
	}
}

// WithPrefix tells the application the path prefix it is served under when
// something in front of it strips that prefix: http.StripPrefix, or chi's
// Mount, gorilla/mux's PathPrefix and echo's WrapHandler with StripPrefix:
//
//	app := aioweb.NewApplication(aioweb.WithPrefix("/api"))
//	mux.Handle("/api/", http.StripPrefix("/api", app))
//
// Routing is unchanged (the application routes the path it receives), but
// Route.URL, static directory listings and the route pattern in
// http.Request.Pattern start with prefix, so the URLs it hands out work for
// clients. (aiohttp apps learn this from add_subapp; AddSubapp is the way
// to mount one aioweb application inside another.) prefix is a path as
// sent, percent-encoded, starting with '/'; a trailing '/' is dropped, and
// "" means none. It panics on a prefix that does not start with '/' or holds
// a '?', '#', space or control character.
func WithPrefix(prefix string) AppOption {
	p := strings.TrimRight(prefix, "/")
	if prefix != "" && !strings.HasPrefix(prefix, "/") || strings.ContainsFunc(p, func(c rune) bool {
		return c == '?' || c == '#' || c <= ' ' || c == 0x7f
	}) {
		panic(fmt.Sprintf("aioweb: WithPrefix(%q): the prefix must be a path starting with '/'", prefix))
	}
	return func(a *Application) { a.Router.prefix = p }
}

// Prefix returns the prefix set by WithPrefix ("" when none).
func (a *Application) Prefix() string { return a.Router.prefix }
