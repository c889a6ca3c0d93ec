// routedef.go owns the ways routes get in besides AddRoute: aiohttp 3's
// method shortcuts (Router.AddGet, AddPost, ...), route tables (RouteDef,
// Get, Post, ... and Router.AddRoutes) and views (View, Router.AddView).

package aioweb

import (
	"maps"
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
