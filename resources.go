// resources.go owns route introspection: Resource, aiohttp's resource (one
// path, static prefix or sub-application with the routes registered on it),
// its Info and Canonical form, and the Router's views of them, for tools
// that list or document routes.

package aioweb

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// ResourceKind says what a Resource is.
type ResourceKind uint8

// The kinds of Resource, after aiohttp's resource classes.
const (
	ResourcePlain   ResourceKind = iota + 1 // a path without variables (PlainResource)
	ResourceDynamic                         // a path with variables (DynamicResource)
	ResourceStatic                          // AddStatic's prefix (StaticResource)
	ResourceSubapp                          // AddSubapp's prefix (PrefixedSubAppResource)
	ResourceDomain                          // AddDomain's host rule (MatchedSubAppResource)
)

// String names the kind as aiohttp's class does.
func (k ResourceKind) String() string {
	switch k {
	case ResourcePlain:
		return "PlainResource"
	case ResourceDynamic:
		return "DynamicResource"
	case ResourceStatic:
		return "StaticResource"
	case ResourceSubapp:
		return "PrefixedSubAppResource"
	case ResourceDomain:
		return "MatchedSubAppResource"
	}
	return "Resource"
}

// A Resource is aiohttp's resource: the routes registered on one path (a
// GET and a POST route of "/items" share one), a static directory's prefix,
// or a mounted sub-application. Router.Resources lists them; Route.Resource
// links a route to its own. A Resource is read-only.
type Resource struct {
	kind    ResourceKind
	pattern string // as registered, with the mount prefix once mounted
	name    string
	routes  []*Route
	route   *Route // first route (plain, dynamic, static)
	static  *staticConfig
	app     *Application // sub-application
	domain  *Domain      // AddDomain's rule
}

// Kind says what the resource is.
func (r *Resource) Kind() ResourceKind { return r.kind }

// Name returns the resource's name ("" when unnamed).
func (r *Resource) Name() string { return r.name }

// Routes lists the resource's routes (for a sub-application, every route of
// the sub-application) in registration order.
func (r *Resource) Routes() []*Route {
	if r.app != nil {
		return r.app.Router.Routes()
	}
	return append([]*Route(nil), r.routes...)
}

// Canonical is aiohttp's resource.canonical: the path of a plain resource,
// the pattern with every regex removed ("/get/{num}") of a dynamic one, the
// prefix of a static resource or sub-application, the rule of a domain
// ("example.com:81", `.*\.example\.com` for a mask).
func (r *Resource) Canonical() string {
	switch r.kind {
	case ResourceDynamic:
		return formatter(r.pattern)
	case ResourceStatic:
		return r.static.prefix
	case ResourceDomain:
		return r.domain.Canonical()
	}
	return r.pattern
}

// ResourceInfo is aiohttp's resource.get_info(): which fields are set
// depends on the resource's kind.
type ResourceInfo struct {
	// Path is a plain resource's path.
	Path string
	// Formatter and Pattern describe a dynamic resource: the pattern with
	// each {name:regex} written {name}, and the regular expression the raw
	// request path must match whole.
	Formatter string
	// Pattern: see Formatter.
	Pattern *regexp.Regexp
	// Prefix is a static resource's or a sub-application's prefix.
	Prefix string
	// Directory is a static resource's directory, absolute with symlinks
	// resolved.
	Directory string
	// App is the mounted sub-application (a prefix or a domain).
	App *Application
	// Domain is a domain resource's host rule.
	Domain *Domain
}

// Info describes the resource as aiohttp's get_info does.
func (r *Resource) Info() ResourceInfo {
	switch r.kind {
	case ResourcePlain:
		return ResourceInfo{Path: r.pattern}
	case ResourceDynamic:
		return ResourceInfo{Formatter: formatter(r.pattern), Pattern: r.route.re}
	case ResourceStatic:
		return ResourceInfo{Prefix: r.static.prefix, Directory: r.static.dir}
	case ResourceSubapp:
		return ResourceInfo{Prefix: r.pattern, App: r.app}
	case ResourceDomain:
		return ResourceInfo{Domain: r.domain, App: r.app}
	}
	return ResourceInfo{}
}

// URL builds a URL of the resource's first route (see Route.URL). A
// sub-application has no URL of its own: reverse its routes instead.
func (r *Resource) URL(parts Parts, query url.Values, opts ...URLOption) (string, error) {
	if r.route == nil {
		return "", errors.New("aioweb: URL of a " + r.kind.String() + ": reverse one of its routes instead")
	}
	return r.route.URL(parts, query, opts...)
}

// String describes the resource as "Kind canonical".
func (r *Resource) String() string {
	s := r.kind.String() + " " + r.Canonical()
	if r.name != "" {
		s += " name=" + r.name
	}
	return s
}

// Resource returns the resource the route belongs to.
func (r *Route) Resource() *Resource { return r.resource }

// Resources lists the router's resources in registration order (aiohttp's
// router.resources()). A mounted sub-application is one resource.
func (rt *Router) Resources() []*Resource { return append([]*Resource(nil), rt.resources...) }

// NamedResources returns the named resources by name (aiohttp's
// router.named_resources()); the map is a copy.
func (rt *Router) NamedResources() map[string]*Resource {
	m := make(map[string]*Resource, len(rt.named))
	for k, v := range rt.named {
		m[k] = v
	}
	return m
}

// addResource appends a resource, indexing it by name; rt.mu is held.
func (rt *Router) addResource(res *Resource) {
	rt.resources = append(rt.resources, res)
	if res.name != "" {
		if rt.named == nil {
			rt.named = map[string]*Resource{}
		}
		rt.named[res.name] = res
	}
}

// formatter writes a pattern's variables without their regexes.
func formatter(pattern string) string {
	parts, err := parsePattern(pattern)
	if err != nil {
		return pattern
	}
	var b strings.Builder
	for _, p := range parts {
		if p.isVar {
			b.WriteString("{" + p.name + "}")
		} else {
			b.WriteString(p.lit)
		}
	}
	return b.String()
}
