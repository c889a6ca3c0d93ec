// route.go owns URL patterns and the Router: aiohttp's pattern grammar, its
// compilation to a whole-path regex and, where the pattern allows, to the
// segment form a ServeMux pattern expresses; Route, registration and route
// options. match.go turns the registered routes into matchers.

package aioweb

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"sync/atomic"
)

// DefaultVarRegex is the regular expression a {name} variable matches when no
// regex is given: one or more characters other than '/', '{' and '}'.
const DefaultVarRegex = `[^{}/]+`

// MethodAny registers a route for every method (aiohttp's '*').
const MethodAny = "*"

// Matcher names reported by Route.Matcher.
const (
	MatcherStatic   = "static"   // exact string compare (map lookup)
	MatcherServeMux = "servemux" // served by a net/http ServeMux pattern
	MatcherRegex    = "regex"    // regular-expression fallback
)

// A Route is one registered method + path pattern + handler. AddRoute returns
// it; its accessors describe it. A Route is immutable once registered.
type Route struct {
	method  string
	pattern string
	name    string
	handler Handler
	expect  ExpectHandler
	router  *Router

	kind     routeKind
	literal  string         // requoted static path (kindLiteral)
	segs     []segment      // per-segment form (kindLiteral, kindSegments)
	re       *regexp.Regexp // always set for dynamic routes
	vars     []string       // variable names in order
	subIdx   []int          // re's submatch index of each variable
	prefix   string         // literal text before the first variable (requoted)
	slashOK  bool           // some variable can match '/'
	matcher  string         // the matcher expected at registration
	fellBack atomic.Bool    // freeze found the expected matcher unusable: regex

	chain Handler // handler wrapped by the middlewares, built at freeze
	group *muxGroup

	static     *staticConfig // AddStatic's route
	subappRest bool          // AddSubapp's catch-all: a 404/405 inside the sub-application
	owner      *Application  // AddSubapp's copies: the sub-application the route is of (nil: the router's own)
	resource   *Resource     // the resource the route belongs to
	hosts      []*Domain     // AddDomain: the Host header must match every rule
	twin       int           // routes registered together share a non-zero twin

	// AddSubapp's copies: the applications whose middlewares wrap handler
	// at freeze, innermost first.
	mounts []*Application
}

type routeKind uint8

const (
	kindLiteral  routeKind = iota // no variables
	kindSegments                  // every segment is a literal or exactly one {var} confined to it
	kindRegex                     // anything else
)

// Method returns the route's upper-cased method, or "*".
func (r *Route) Method() string { return r.method }

// Pattern returns the path pattern as registered. While a request for the
// route is served, the *http.Request that req.HTTPRequest returns, and that
// HTTPMiddleware's middlewares get, holds it in Pattern, after the
// application's WithPrefix (for otelhttp, promhttp and the like).
func (r *Route) Pattern() string { return r.pattern }

// Name returns the route's name ("" when unnamed).
func (r *Route) Name() string { return r.name }

// Vars returns the names of the pattern's variables in order.
func (r *Route) Vars() []string { return append([]string(nil), r.vars...) }

// Matcher says which matcher serves the route: MatcherStatic, MatcherServeMux
// or MatcherRegex. It is known once the application has started serving
// (before that it is the matcher the route is expected to get).
func (r *Route) Matcher() string {
	if r.fellBack.Load() || r.router != nil && r.router.hostRouted {
		return MatcherRegex // AddDomain: every route is scanned in order
	}
	return r.matcher
}

// String describes the route as "METHOD pattern [name=...] [host=...]
// (matcher)".
func (r *Route) String() string {
	s := r.method + " " + r.pattern
	if r.name != "" {
		s += " name=" + r.name
	}
	for _, d := range r.hosts {
		s += " host=" + d.String()
	}
	return s + " (" + r.Matcher() + ")"
}

// RouteOption configures a route at registration.
type RouteOption func(*Route)

// WithName names the route (aiohttp's name=); names are unique per router.
func WithName(name string) RouteOption { return func(r *Route) { r.name = name } }

// WithExpectHandler sets the route's expect handler (aiohttp's
// expect_handler=).
func WithExpectHandler(h ExpectHandler) RouteOption { return func(r *Route) { r.expect = h } }

// Router is aiohttp's UrlDispatcher: it holds the routes in registration
// order and resolves requests to them. The zero value is ready to use.
// Routes must be registered before the application serves its first request.
type Router struct {
	// mu orders registration and freeze: a route is either registered
	// before the matchers are built or refused.
	mu     sync.Mutex
	routes []*Route
	names  map[string]*Route
	frozen bool // guarded by mu
	twins  int

	resources []*Resource
	named     map[string]*Resource

	mounted    string    // where the application is mounted (AddSubapp), "" at the top
	prefix     string    // WithPrefix: where something in front serves the application
	hostRouted bool      // some route has a host rule (AddDomain): routed by resolveHost
	subs       []*Router // routers of the applications mounted in this one

	// built by freeze
	static   map[string]*staticEntry
	mux      *http.ServeMux
	fallback []*Route
	groups   map[string]*muxGroup
	tree     *shapeNode // serves the ServeMux's patterns (match.go)
	app      *Application
}

// AddRoute registers handler for method and path and returns the route.
// method is case-insensitive; "*" matches any method. path follows aiohttp:
// '{name}' matches DefaultVarRegex, '{name:regex}' matches regex. An empty
// path is "/" in an application and the bare prefix ("/admin") in a
// sub-application, as in aiohttp. Like http.ServeMux.Handle, it panics on a
// programmer error: an invalid method, a malformed pattern, a bad regex, a
// duplicate route name, a nil handler, registration after the application
// started serving, or a route that could never run because the same path,
// registered just before, already has a route for that method or for "*"
// (aiohttp's "Added route will never be executed").
//
// A route joins the Resource of the route registered just before it when
// both have the same path and name, as aiohttp's add_route does; otherwise
// it starts a new Resource.
func (rt *Router) AddRoute(method, path string, handler Handler, opts ...RouteOption) *Route {
	return rt.addTo(nil, method, path, handler, opts...)
}

// addTo registers a route on res, or, when res is nil, on the previous
// resource when aiohttp would reuse it, else on a new resource.
func (rt *Router) addTo(res *Resource, method, path string, handler Handler, opts ...RouteOption) *Route {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	r := rt.compile(method, path, handler, opts...)
	if res == nil {
		if n := len(rt.resources); n > 0 {
			last := rt.resources[n-1]
			if (last.kind == ResourcePlain || last.kind == ResourceDynamic) && last.pattern == path && last.name == r.name {
				res = last
			}
		}
	}
	if res != nil {
		for _, o := range res.routes {
			if o.method == r.method || o.method == MethodAny {
				panic(fmt.Sprintf("aioweb: AddRoute(%q, %q): Added route will never be executed, method %s is already registered", method, path, o.method))
			}
		}
		if r.name != "" && r.name == res.name {
			r.name = "" // the name is the resource's, reached through its first route
		}
	}
	rt.register(r)
	if res == nil {
		kind := ResourcePlain
		if r.kind != kindLiteral {
			kind = ResourceDynamic
		}
		res = &Resource{kind: kind, pattern: path, name: r.name, route: r}
		rt.addResource(res)
	}
	r.resource = res
	res.routes = append(res.routes, r)
	return r
}

// compile checks and compiles a route without registering it; its callers
// hold rt.mu (it reads rt.frozen).
func (rt *Router) compile(method, path string, handler Handler, opts ...RouteOption) *Route {
	if rt.frozen {
		panic(fmt.Sprintf("aioweb: AddRoute(%q, %q) after the application started serving", method, path))
	}
	if handler == nil {
		panic(fmt.Sprintf("aioweb: AddRoute(%q, %q): nil handler", method, path))
	}
	m, err := checkMethod(method)
	if err != nil {
		panic(fmt.Sprintf("aioweb: AddRoute(%q, %q): %v", method, path, err))
	}
	r, err := compileRoute(path)
	if err != nil {
		panic(err.Error())
	}
	r.method, r.handler, r.router = m, handler, rt
	for _, o := range opts {
		o(r)
	}
	return r
}

// register appends a compiled route, with its name.
func (rt *Router) register(r *Route) {
	if r.name != "" {
		if old, dup := rt.names[r.name]; dup {
			panic(fmt.Sprintf("aioweb: duplicate route name %q: already used by %s %s", r.name, old.method, old.pattern))
		}
		if rt.names == nil {
			rt.names = map[string]*Route{}
		}
		rt.names[r.name] = r
	}
	rt.routes = append(rt.routes, r)
}

// add registers a route that belongs to no resource: one aioweb needs for
// itself, or a sub-application's route copied in.
func (rt *Router) add(method, path string, handler Handler, opts ...RouteOption) *Route {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	r := rt.compile(method, path, handler, opts...)
	rt.register(r)
	return r
}

// nextTwin numbers routes registered together (see Route.sameTarget).
func (rt *Router) nextTwin() int {
	rt.twins++
	return rt.twins
}

// Routes lists the routes in registration order, those of mounted
// sub-applications (with their prefix) where the sub-application was
// mounted: aiohttp's router.routes(). Routes aioweb registers for its own
// needs (a static route's bare prefix, a sub-application's 404 catch-all)
// are not listed.
func (rt *Router) Routes() []*Route {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	var out []*Route
	for _, res := range rt.resources {
		out = append(out, res.Routes()...)
	}
	return out
}

// Named returns the route registered with name, or nil.
func (rt *Router) Named(name string) *Route { return rt.names[name] }

// emptyToSlash turns the routes registered on "" into routes on "/", as
// aiohttp does when the router freezes (a sub-application's "" routes got
// its prefix when it was mounted).
func (rt *Router) emptyToSlash() {
	for _, r := range rt.routes {
		if r.pattern == "" {
			r.pattern, r.literal, r.segs = "/", "/", splitLiteralSegments("/")
		}
	}
	for _, res := range rt.resources {
		if res.pattern == "" && res.kind == ResourcePlain {
			res.pattern = "/"
		}
	}
}

// checkMethod upper-cases method and checks it is "*" or an RFC 9110 token.
func checkMethod(method string) (string, error) {
	if method == MethodAny {
		return method, nil
	}
	if method == "" {
		return "", fmt.Errorf("empty method")
	}
	for i := 0; i < len(method); i++ {
		if !isTokenChar(method[i]) {
			return "", fmt.Errorf("invalid method %q: not an HTTP token", method)
		}
	}
	return strings.ToUpper(method), nil
}

func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// patternPart is a literal piece or a variable of a parsed pattern.
type patternPart struct {
	lit   string
	name  string
	regex string
	isVar bool
}

// parsePattern splits an aiohttp route pattern into literal pieces and
// variables. A variable token is '{' name [':' regex] '}' where the regex may
// hold non-nested '{...}' groups such as \d{4}.
func parsePattern(p string) ([]patternPart, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("aioweb: invalid route pattern %q: %s", p, fmt.Sprintf(format, a...))
	}
	if !strings.HasPrefix(p, "/") {
		return nil, bad("must start with '/'")
	}
	var parts []patternPart
	seen := map[string]bool{}
	lit := strings.Builder{}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '}' {
			return nil, bad("unbalanced '}' at offset %d", i)
		}
		if c != '{' {
			lit.WriteByte(c)
			continue
		}
		end, depth := -1, 0
		for j := i + 1; j < len(p) && end < 0; j++ {
			switch p[j] {
			case '{':
				depth++
				if depth > 1 {
					return nil, bad("nested braces in variable at offset %d", i)
				}
			case '}':
				if depth == 0 {
					end = j
				} else {
					depth--
				}
			}
		}
		if end < 0 {
			return nil, bad("unbalanced '{' at offset %d", i)
		}
		tok := p[i+1 : end]
		name, re, hasRe := strings.Cut(tok, ":")
		if name == "" {
			return nil, bad("empty variable name in {%s}", tok)
		}
		if !validVarName(name) {
			return nil, bad("invalid variable name %q (want a letter or '_' then letters, digits, '_')", name)
		}
		if hasRe {
			if re == "" {
				return nil, bad("empty regex for variable %q", name)
			}
			if _, err := syntax.Parse(re, syntax.Perl); err != nil {
				return nil, bad("bad regex for variable %q: %v", name, err)
			}
		} else {
			re = DefaultVarRegex
		}
		if seen[name] {
			return nil, bad("duplicate variable name %q", name)
		}
		seen[name] = true
		if lit.Len() > 0 {
			parts = append(parts, patternPart{lit: lit.String()})
			lit.Reset()
		}
		parts = append(parts, patternPart{name: name, regex: re, isVar: true})
		i = end
	}
	if lit.Len() > 0 {
		parts = append(parts, patternPart{lit: lit.String()})
	}
	return parts, nil
}

func validVarName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9' {
			continue
		}
		return false
	}
	return s != ""
}

// compileRoute parses and compiles a pattern into an unregistered Route.
func compileRoute(p string) (*Route, error) {
	if p == "" { // "/" at the top, the bare prefix in a sub-application
		return &Route{pattern: p, kind: kindLiteral, matcher: MatcherStatic}, nil
	}
	parts, err := parsePattern(p)
	if err != nil {
		return nil, err
	}
	r := &Route{pattern: p}
	if len(parts) == 1 && !parts[0].isVar {
		r.kind, r.literal, r.matcher = kindLiteral, requotePath(p), MatcherStatic
		r.segs = splitLiteralSegments(p)
		return r, nil
	}
	var re strings.Builder
	re.WriteString(`^(?:`)
	prefixDone := false
	for _, pt := range parts {
		if !pt.isVar {
			q := requotePath(pt.lit)
			re.WriteString(regexp.QuoteMeta(q))
			if !prefixDone {
				r.prefix += q
			}
			continue
		}
		prefixDone = true
		r.vars = append(r.vars, pt.name)
		fmt.Fprintf(&re, `(?P<%s>%s)`, pt.name, pt.regex)
		if regexCanMatchByte(pt.regex, '/') {
			r.slashOK = true
		}
	}
	re.WriteString(`)$`)
	r.re, err = regexp.Compile(re.String())
	if err != nil {
		return nil, fmt.Errorf("aioweb: invalid route pattern %q: bad pattern %q: %v", p, re.String(), err)
	}
	for _, v := range r.vars {
		r.subIdx = append(r.subIdx, r.re.SubexpIndex(v))
	}
	r.kind, r.matcher = kindRegex, MatcherRegex
	if segs, ok := segmentForm(parts); ok {
		r.kind, r.segs, r.matcher = kindSegments, segs, MatcherServeMux
	}
	return r, nil
}

// segmentForm reports whether every '/'-separated segment of the pattern is a
// canonical literal or exactly one variable confined to that segment: the
// shape a ServeMux pattern expresses, with a per-segment regex check for a
// variable that has its own regex (see segmentRegex).
func segmentForm(parts []patternPart) ([]segment, bool) {
	var b strings.Builder
	var res []segment // per variable, in order
	for _, pt := range parts {
		if !pt.isVar {
			if strings.IndexByte(pt.lit, 0) >= 0 {
				return nil, false // NUL marks variables below
			}
			b.WriteString(pt.lit)
			continue
		}
		sg := segment{isVar: true}
		if pt.regex != DefaultVarRegex {
			if sg.re, sg.seq = segmentRegex(pt.regex); sg.re == nil {
				return nil, false
			}
		}
		res = append(res, sg)
		b.WriteByte(0)
	}
	var segs []segment
	for _, s := range strings.Split(b.String()[1:], "/") {
		switch {
		case s == "\x00":
			segs = append(segs, res[0])
			res = res[1:]
		case s == "" || strings.IndexByte(s, 0) >= 0 || !muxSafeLiteral(s):
			// empty segment ("//", trailing '/': ServeMux would redirect),
			// a partial-segment variable, or a literal needing escapes
			return nil, false
		default:
			segs = append(segs, segment{lit: s})
		}
	}
	return segs, true
}

// muxSafeLiteral reports whether s needs no escaping in a path and holds
// nothing a ServeMux pattern treats specially.
func muxSafeLiteral(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`%{}?#"<>\^|[]`+"`", c) >= 0 {
			return false
		}
	}
	return true
}

func splitLiteralSegments(p string) []segment {
	var segs []segment
	for _, s := range strings.Split(p[1:], "/") {
		segs = append(segs, segment{lit: s})
	}
	return segs
}

// segmentRegex compiles a variable's regex anchored for a whole segment, or
// returns nil when checking it segment by segment could disagree with
// matching the whole pattern, as aiohttp does: when it can match '/' or the
// empty string, or uses anchors or word boundaries (whose meaning depends on
// the text around the segment).
// The charSeq, when not nil, is a faster matcher for the same regex.
func segmentRegex(re string) (*regexp.Regexp, charSeq) {
	if regexCanMatchByte(re, '/') {
		return nil, nil
	}
	t, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return nil, nil
	}
	var contextual func(*syntax.Regexp) bool
	contextual = func(t *syntax.Regexp) bool {
		switch t.Op {
		case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
			syntax.OpWordBoundary, syntax.OpNoWordBoundary:
			return true
		}
		for _, s := range t.Sub {
			if contextual(s) {
				return true
			}
		}
		return false
	}
	if contextual(t) {
		return nil, nil
	}
	c, err := regexp.Compile(`^(?:` + re + `)$`)
	if err != nil || c.MatchString("") {
		return nil, nil
	}
	return c, compileCharSeq(t)
}

// rawSegment returns a segment of a canonical decoded path in the raw form a
// regex sees: the segment as url.URL.EscapedPath escapes it.
func rawSegment(seg string) string {
	for i := 0; i < len(seg); i++ {
		switch c := seg[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-_.~$&+,:;=@", c) >= 0:
		default:
			return escapePath(seg)
		}
	}
	return seg
}

// regexCanMatchByte conservatively reports whether the regex can match c.
func regexCanMatchByte(re string, c rune) bool {
	t, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return true
	}
	var walk func(*syntax.Regexp) bool
	walk = func(t *syntax.Regexp) bool {
		switch t.Op {
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			return true
		case syntax.OpLiteral:
			for _, r := range t.Rune {
				if r == c || t.Flags&syntax.FoldCase != 0 {
					return true
				}
			}
		case syntax.OpCharClass:
			for i := 0; i+1 < len(t.Rune); i += 2 {
				if t.Rune[i] <= c && c <= t.Rune[i+1] {
					return true
				}
			}
		}
		for _, s := range t.Sub {
			if walk(s) {
				return true
			}
		}
		return false
	}
	return walk(t)
}

// requotePath percent-encodes what must be encoded in a URL path and keeps
// valid %XX escapes, as aiohttp requotes static route paths.
func requotePath(s string) string {
	const hex = "0123456789ABCDEF"
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]) {
			if b != nil {
				b = append(b, s[i:i+3]...)
			}
			i += 2
			continue
		}
		if pathSafeByte(c) {
			if b != nil {
				b = append(b, c)
			}
			continue
		}
		if b == nil {
			b = append(make([]byte, 0, len(s)+8), s[:i]...)
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	if b == nil {
		return s
	}
	return string(b)
}

func pathSafeByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,;=:@/", c) >= 0
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// unquote decodes a matched raw value; invalid escapes are kept literally.
func unquote(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
