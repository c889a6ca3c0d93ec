// subapp.go owns sub-applications: Application.AddSubapp (aiohttp 3's
// add_subapp), the mount that copies a sub-application's routes under a
// prefix (AddDomain mounts through it too), and the wrap that runs a
// sub-application's handlers inside its own middlewares.

package aioweb

import (
	"fmt"
	"slices"
	"strings"
)

// AddSubapp mounts sub under prefix (aiohttp 3's add_subapp): sub's routes
// answer at prefix + their pattern, wrapped in sub's middlewares inside this
// application's; a path under prefix that no sub route matches is a 404 (or
// 405) that sub's middlewares see too. Requests reach sub's handlers with
// req.App == sub, sub's routes reverse with the prefix (sub.Router.Named),
// sub's handlers see this application's values through req.ConfigGet and
// AppKey.Get, and sub's startup, shutdown and cleanup run among this
// application's hooks at the point AddSubapp was called (aiohttp's order).
// Register sub's routes before mounting it. sub's middleware factories run
// when this application freezes (MakeHandler, RunApp or the first request),
// not at mount time, and an error from one is returned by MakeHandler and
// RunApp like this application's own. AddSubapp panics on a bad prefix, a
// sub that is mounted twice or is serving, once this application serves,
// or after Startup.
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
	a.Router.mu.Lock()
	serving := a.Router.frozen
	a.Router.mu.Unlock()
	if serving {
		panic(fmt.Sprintf("aioweb: %s after the application started serving", what))
	}
	a.life.mu.Lock()
	started := a.life.started
	a.life.mu.Unlock()
	if started {
		// Refused before anything is copied in (addSub checks again).
		panic(fmt.Sprintf("aioweb: %s after Startup began", what))
	}
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
		nr := a.Router.add(r.method, prefix+r.pattern, handler, WithExpectHandler(r.expect))
		nr.mounts = append(slices.Clip(r.mounts), sub)
		nr.static, nr.subappRest = static, r.subappRest
		nr.name, nr.twin = r.name, r.twin
		guard(nr, r.hosts)
		if nr.owner = r.owner; nr.owner == nil {
			nr.owner = sub
		}
		copies[r] = nr
	}
	notFound := func(req *Request) (Resp, error) {
		rest := strings.TrimPrefix(req.r.URL.EscapedPath(), prefix)
		if res := sub.Router.resolveHost(req.Method, rest, req.r.Host); res.allow != "" {
			return nil, HTTPMethodNotAllowed(req.Method, strings.Split(res.allow, ","))
		}
		return nil, HTTPNotFound()
	}
	rest := a.Router.add(MethodAny, prefix+"/{aioweb_subapp_rest:.*}", notFound)
	rest.subappRest, rest.owner, rest.mounts = true, sub, []*Application{sub}
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
	inner, err := chain(a, h, a.middlewares)
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
