// match.go owns request matching: the matchers built when the application
// freezes (an exact-match map for static paths, one ServeMux pattern per
// segment shape, checked by a ServeMux and served by the shape tree, the
// regex fallback), the per-segment regex checks with
// their fast character-class matcher, and the resolution of each request,
// combined so that the first registered route wins, as in aiohttp.

package aioweb

import (
	"net/http"
	"net/url"
	"path"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"unicode"
)

type segment struct {
	lit   string // decoded literal when !isVar
	isVar bool
	// re, for a variable with its own regex, must match the segment's raw
	// (percent-encoded) form whole; nil for the default regex, which any
	// non-empty segment of a canonical path matches.
	re *regexp.Regexp
	// seq, when not nil, matches exactly what re matches, faster.
	seq charSeq
}

// accepts reports whether a variable segment's regex accepts the segment.
func (s *segment) accepts(seg string) bool {
	raw := rawSegment(seg)
	if s.seq != nil {
		return s.seq.match(raw)
	}
	return s.re.MatchString(raw)
}

// charSeq is a regex of the common route shape: a sequence of ASCII
// character classes, each repeated between min and max times, like
// [0-9]+, v[0-9]{1,3} or [0-9a-f]{8}-[0-9a-f]{4}. It matches greedily
// without backtracking, which compileCharSeq only allows when it gives the
// regex's answer.
type charSeq []charItem

type charItem struct {
	set      [2]uint64 // ASCII bytes in the class
	min, max int       // max < 0: unbounded
}

func (c *charItem) has(b byte) bool { return b < 128 && c.set[b>>6]&(1<<(b&63)) != 0 }

func (q charSeq) match(s string) bool {
	pos := 0
	for i := range q {
		it := &q[i]
		n := 0
		for (it.max < 0 || n < it.max) && pos < len(s) && it.has(s[pos]) {
			pos++
			n++
		}
		if n < it.min {
			return false
		}
	}
	return pos == len(s)
}

// compileCharSeq translates a parsed regex into a charSeq, or returns nil
// when it is not of that shape or when greedy matching could differ from
// the regex (a repeated class that shares a byte with what may follow it).
// Classes keep their ASCII part only: the subject is always a raw segment,
// which percent-encoding keeps ASCII.
func compileCharSeq(t *syntax.Regexp) charSeq {
	var q charSeq
	var add func(t *syntax.Regexp, min, max int) bool
	class := func(t *syntax.Regexp) (set [2]uint64, ok bool) {
		put := func(lo, hi rune) {
			for r := lo; r <= hi && r < 128; r++ {
				set[r>>6] |= 1 << (r & 63)
			}
		}
		switch t.Op {
		case syntax.OpLiteral:
			if len(t.Rune) != 1 {
				return set, false
			}
			r := t.Rune[0]
			put(r, r)
			if t.Flags&syntax.FoldCase != 0 {
				for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
					put(f, f)
				}
			}
			return set, true
		case syntax.OpCharClass:
			for i := 0; i+1 < len(t.Rune); i += 2 {
				put(t.Rune[i], t.Rune[i+1])
			}
			return set, true
		}
		return set, false
	}
	add = func(t *syntax.Regexp, min, max int) bool {
		switch t.Op {
		case syntax.OpLiteral: // one item per rune; repeats only reach here with one
			for _, r := range t.Rune {
				one := *t
				one.Rune = []rune{r}
				set, ok := class(&one)
				if !ok {
					return false
				}
				q = append(q, charItem{set: set, min: min, max: max})
			}
			return true
		case syntax.OpCharClass:
			set, _ := class(t)
			q = append(q, charItem{set: set, min: min, max: max})
			return true
		case syntax.OpConcat:
			if min != 1 || max != 1 {
				return false
			}
			for _, s := range t.Sub {
				if !add(s, 1, 1) {
					return false
				}
			}
			return true
		case syntax.OpPlus, syntax.OpStar, syntax.OpQuest, syntax.OpRepeat:
			if min != 1 || max != 1 {
				return false
			}
			lo, hi := 1, -1
			switch t.Op {
			case syntax.OpStar:
				lo = 0
			case syntax.OpQuest:
				lo, hi = 0, 1
			case syntax.OpRepeat:
				lo, hi = t.Min, t.Max
			}
			if s := t.Sub[0]; s.Op == syntax.OpLiteral && len(s.Rune) == 1 || s.Op == syntax.OpCharClass {
				return add(s, lo, hi)
			}
			return false
		}
		return false
	}
	if !add(t, 1, 1) || len(q) == 0 {
		return nil
	}
	// Greedy is exact when a repeated item shares no byte with what may
	// follow it: the items after it up to the first mandatory one.
	for i := range q {
		if q[i].min == q[i].max {
			continue
		}
		for j := i + 1; j < len(q); j++ {
			if q[i].set[0]&q[j].set[0] != 0 || q[i].set[1]&q[j].set[1] != 0 {
				return nil
			}
			if q[j].min > 0 {
				break
			}
		}
	}
	return q
}

// matchRaw tests the route against a raw (escaped) request path, the slow
// and exact form of matching. It returns the match info (nil for none).
func (r *Route) matchRaw(raw string) (map[string]string, bool) {
	if r.kind == kindLiteral {
		return nil, raw == r.literal
	}
	if !strings.HasPrefix(raw, r.prefix) {
		return nil, false
	}
	m := r.re.FindStringSubmatchIndex(raw)
	if m == nil {
		return nil, false
	}
	info := make(map[string]string, len(r.vars))
	for k, v := range r.vars {
		if i := r.subIdx[k]; m[2*i] >= 0 {
			info[v] = unquote(raw[m[2*i]:m[2*i+1]])
		}
	}
	return info, true
}

// matchSegs tests a segment-form route against a decoded, canonical path.
func (r *Route) matchSegs(p string) bool {
	if len(p) == 0 || p[0] != '/' {
		return false
	}
	p = p[1:]
	for i, s := range r.segs {
		var seg string
		if i == len(r.segs)-1 {
			seg, p = p, ""
			if strings.IndexByte(seg, '/') >= 0 {
				return false
			}
		} else {
			j := strings.IndexByte(p, '/')
			if j < 0 {
				return false
			}
			seg, p = p[:j], p[j+1:]
		}
		if s.isVar {
			if seg == "" || s.re != nil && !s.accepts(seg) {
				return false
			}
		} else if seg != s.lit {
			return false
		}
	}
	return true
}

// segValues extracts a segment-form route's values from a decoded path.
func (r *Route) segValues(p string) map[string]string {
	info := make(map[string]string, len(r.vars))
	parts := strings.SplitN(p[1:], "/", len(r.segs))
	v := 0
	for i, s := range r.segs {
		if s.isVar {
			info[r.vars[v]] = parts[i]
			v++
		}
	}
	return info
}

// staticEntry answers an exact request path: every route whose pattern
// matches that path, in registration order, with their match infos.
type staticEntry struct {
	routes []*Route
	infos  []map[string]string
	allow  string
}

// muxGroup is what the ServeMux dispatches to for one pattern shape: the
// candidate routes that may match a path of that shape, in registration order.
type muxGroup struct {
	rt       *Router
	vars     []string // wildcard names as registered in the ServeMux
	segRoute *Route   // first route of this shape
	cands    []cand
}

type cand struct {
	r     *Route
	exact bool // same shape as the group: matches without testing
	// same shape as the group but with regex variables: matches when the
	// regexes accept the ServeMux's path values
	checked bool
}

// freeze builds the matchers. It is called once, before the first request.
func (rt *Router) freeze(app *Application) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	rt.frozen, rt.app = true, app
	rt.emptyToSlash()
	rt.static = map[string]*staticEntry{}
	rt.groups = map[string]*muxGroup{}
	rt.mux = http.NewServeMux()

	// Exact map: for each canonical static path, every route matching it.
	for _, r := range rt.routes {
		if r.kind != kindLiteral {
			continue
		}
		key, err := url.PathUnescape(r.literal)
		if err != nil || escapePath(key) != r.literal {
			r.fellBack.Store(true) // non-canonical: only raw requests match
			rt.fallback = append(rt.fallback, r)
			continue
		}
		if _, done := rt.static[key]; done {
			continue
		}
		e := &staticEntry{}
		var methods []string
		for _, o := range rt.routes {
			if info, ok := o.matchRaw(r.literal); ok {
				e.routes = append(e.routes, o)
				e.infos = append(e.infos, info)
				methods = append(methods, o.method)
			}
		}
		e.allow = allowHeader(methods)
		rt.static[key] = e
	}

	// ServeMux groups, one per shape, registered in route order.
	var order []*muxGroup
	for _, r := range rt.routes {
		if r.kind != kindSegments {
			if r.kind == kindRegex {
				rt.fallback = append(rt.fallback, r)
			}
			continue
		}
		shape := segShape(r.segs)
		if g := rt.groups[shape]; g != nil {
			r.group = g
			continue
		}
		g := &muxGroup{rt: rt, vars: r.vars, segRoute: r}
		if registerMux(rt.mux, muxPattern(r.segs, r.vars), g) {
			rt.groups[shape] = g
			r.group = g
			order = append(order, g)
		} else {
			r.fellBack.Store(true) // ServeMux refuses the pattern: fall back
			r.kind = kindRegex
			rt.fallback = append(rt.fallback, r)
		}
	}
	for _, r := range rt.routes {
		if r.kind == kindSegments && r.group == nil {
			r.group = rt.groups[segShape(r.segs)]
		}
	}
	sort.SliceStable(rt.fallback, func(i, j int) bool { return rt.indexOf(rt.fallback[i]) < rt.indexOf(rt.fallback[j]) })
	for _, g := range order {
		for _, o := range rt.routes {
			if o.group == g {
				g.cands = append(g.cands, cand{r: o, exact: !o.checked(), checked: o.checked()})
			} else if overlaps(o, g.segRoute) {
				g.cands = append(g.cands, cand{r: o})
			}
		}
	}
	catch := &muxGroup{rt: rt} // the catch-all "/" group, rt.groups[""]
	for _, o := range rt.fallback {
		catch.cands = append(catch.cands, cand{r: o})
	}
	rt.mux.Handle("/", catch)
	rt.groups[""] = catch
	rt.tree = &shapeNode{}
	for _, g := range order {
		rt.tree.insert(g.segRoute.segs, g)
	}
}

// shapeNode is the serving side of the ServeMux patterns: a tree of the
// registered shapes, one level per segment. The ServeMux decides at freeze
// which shapes register (it refuses conflicting ones); the tree then
// answers as the ServeMux would for those exact, single-segment-wildcard
// patterns: a literal child before the wildcard, backtracking when a
// branch fails (routing_tree.go's matchPath). It needs no copy of the
// request and allocates nothing.
type shapeNode struct {
	lits  []shapeChild // literal children, few: scanned
	index map[string]*shapeNode
	wild  *shapeNode
	group *muxGroup // the shape ending here
}

type shapeChild struct {
	lit  string
	node *shapeNode
}

func (n *shapeNode) insert(segs []segment, g *muxGroup) {
	for _, s := range segs {
		if s.isVar {
			if n.wild == nil {
				n.wild = &shapeNode{}
			}
			n = n.wild
			continue
		}
		c := n.child(s.lit)
		if c == nil {
			c = &shapeNode{}
			n.lits = append(n.lits, shapeChild{s.lit, c})
			if len(n.lits) > 8 {
				n.index = map[string]*shapeNode{}
				for _, l := range n.lits {
					n.index[l.lit] = l.node
				}
			}
		}
		n = c
	}
	n.group = g
}

func (n *shapeNode) child(seg string) *shapeNode {
	if n.index != nil {
		return n.index[seg]
	}
	for i := range n.lits {
		if n.lits[i].lit == seg {
			return n.lits[i].node
		}
	}
	return nil
}

// match finds the group for p, a clean decoded path without its leading
// '/', appending the wildcard segments' values to vals.
func (n *shapeNode) match(p string, vals []string) (*muxGroup, []string) {
	seg, rest, last := p, "", true
	if i := strings.IndexByte(p, '/'); i >= 0 {
		seg, rest, last = p[:i], p[i+1:], false
	}
	if c := n.child(seg); c != nil {
		if last {
			if c.group != nil {
				return c.group, vals
			}
		} else if g, v := c.match(rest, vals); g != nil {
			return g, v
		}
	}
	if c := n.wild; c != nil && seg != "" {
		if last {
			if c.group != nil {
				return c.group, append(vals, seg)
			}
		} else if g, v := c.match(rest, append(vals, seg)); g != nil {
			return g, v
		}
	}
	return nil, nil
}

func (rt *Router) indexOf(r *Route) int {
	for i, o := range rt.routes {
		if o == r {
			return i
		}
	}
	return -1
}

func registerMux(mux *http.ServeMux, pattern string, h http.Handler) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	mux.Handle(pattern, h)
	return true
}

func segShape(segs []segment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		if s.isVar {
			b.WriteString("{}")
		} else {
			b.WriteString(s.lit)
		}
	}
	return b.String()
}

func muxPattern(segs []segment, vars []string) string {
	var b strings.Builder
	v := 0
	for _, s := range segs {
		b.WriteByte('/')
		if s.isVar {
			b.WriteString("{" + vars[v] + "}")
			v++
		} else {
			b.WriteString(s.lit)
		}
	}
	return b.String()
}

// checkValues tests the regex variables of a route of the group's shape
// against the values matched for the group's variables.
func (r *Route) checkValues(vals []string) bool {
	v := 0
	for _, s := range r.segs {
		if !s.isVar {
			continue
		}
		if s.re != nil && !s.accepts(vals[v]) {
			return false
		}
		v++
	}
	return true
}

// checked reports whether a segment-form route has a variable whose regex
// must be checked beyond what the ServeMux pattern says.
func (r *Route) checked() bool {
	for _, s := range r.segs {
		if s.re != nil {
			return true
		}
	}
	return false
}

// overlaps conservatively reports whether route o can match some path that
// the segment-form route g matches.
func overlaps(o, g *Route) bool {
	switch o.kind {
	case kindLiteral:
		// A literal route never matches in a ServeMux group: the ServeMux
		// only sees canonical clean paths, which the static map answered
		// already if any literal route matched them.
		return false
	case kindSegments:
		if len(o.segs) != len(g.segs) {
			return false
		}
		for i := range o.segs {
			a, b := o.segs[i], g.segs[i]
			if !a.isVar && !b.isVar && a.lit != b.lit {
				return false
			}
		}
		return true
	}
	// regex: compare literal prefixes, then segment counts when no
	// variable can span a '/'.
	gp := muxPattern(g.segs, g.vars)
	if i := strings.IndexByte(gp, '{'); i >= 0 {
		gp = gp[:i]
	}
	if !strings.HasPrefix(o.prefix, gp) && !strings.HasPrefix(gp, o.prefix) {
		return false
	}
	if !o.slashOK && strings.Count(litText(o.pattern), "/") != len(g.segs) {
		return false
	}
	return true
}

// litText returns the pattern with variable tokens removed.
func litText(p string) string {
	parts, _ := parsePattern(p)
	var b strings.Builder
	for _, pt := range parts {
		b.WriteString(pt.lit)
	}
	return b.String()
}

func escapePath(s string) string { return (&url.URL{Path: s}).EscapedPath() }

// allowHeader builds aiohttp's Allow value: unique methods, sorted, joined
// by ',' with no space; '*' is never listed.
func allowHeader(methods []string) string {
	var ms []string
	for _, m := range methods {
		if m == MethodAny {
			continue
		}
		dup := false
		for _, x := range ms {
			dup = dup || x == m
		}
		if !dup {
			ms = append(ms, m)
		}
	}
	sort.Strings(ms)
	return strings.Join(ms, ",")
}

// resolution is the result of routing one request.
type resolution struct {
	route   *Route
	info    map[string]string
	allow   string // set for 405
	tooLong bool   // the request target is over the app's limit: 414
	// dupHeader names a header sent more than once that must be single
	// (Content-Type): 400
	dupHeader string
}

// serve routes r and dispatches it: a canonical clean path is looked up in
// the static map, then in the shape tree (which answers as the ServeMux
// would); other paths, and every path of a Host-routed router, by scanning
// the routes in order.
func (rt *Router) serve(w http.ResponseWriter, r *http.Request) {
	if rt.hostRouted { // AddDomain: the Host header takes part (domain.go)
		rt.app.dispatch(w, r, rt.resolveHost(r.Method, r.URL.EscapedPath(), r.Host))
		return
	}
	p := r.URL.Path
	if r.URL.RawPath == "" && r.Method != http.MethodConnect && isCleanPath(p) {
		if e := rt.static[p]; e != nil {
			rt.app.dispatch(w, r, e.resolve(r.Method))
			return
		}
		var buf [8]string
		g, vals := rt.tree.match(p[1:], buf[:0])
		if g == nil {
			g = rt.groups[""] // the ServeMux's catch-all
		}
		rt.app.dispatch(w, r, g.resolve(r, vals))
		return
	}
	rt.app.dispatch(w, r, rt.resolveSlow(r.Method, r.URL.EscapedPath()))
}

func (e *staticEntry) resolve(method string) resolution {
	for i, rr := range e.routes {
		if rr.method == method || rr.method == MethodAny {
			info := e.infos[i]
			if len(info) > 0 {
				c := make(map[string]string, len(info))
				for k, v := range info {
					c[k] = v
				}
				info = c
			}
			return resolution{route: rr, info: info}
		}
	}
	return resolution{allow: e.allow}
}

// ServeHTTP makes a group a handler the ServeMux accepts at freeze, where
// it checks the patterns; requests are served through the shape tree.
func (g *muxGroup) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "aioweb: internal routing error", http.StatusInternalServerError)
}

// resolve picks the route for a request of this group's shape; vals holds
// the values of the group's variables, in order.
func (g *muxGroup) resolve(r *http.Request, vals []string) resolution {
	method, p := r.Method, r.URL.Path
	var raw string
	pending := false
	for _, c := range g.cands {
		if c.r.method != method && c.r.method != MethodAny {
			pending = true
			continue
		}
		if c.checked && !c.r.checkValues(vals) {
			continue
		}
		if c.exact || c.checked {
			info := make(map[string]string, len(vals))
			for i, v := range vals {
				info[c.r.vars[i]] = v
			}
			return resolution{route: c.r, info: info}
		}
		if raw == "" {
			raw = r.URL.EscapedPath()
		}
		if info, ok := c.r.matchFast(p, raw); ok {
			return resolution{route: c.r, info: info}
		}
	}
	if !pending {
		return resolution{}
	}
	if raw == "" {
		raw = r.URL.EscapedPath()
	}
	var methods []string
	for _, c := range g.cands {
		var ok bool
		switch {
		case c.exact:
			ok = true
		case c.checked:
			ok = c.r.checkValues(vals)
		default:
			_, ok = c.r.matchFast(p, raw)
		}
		if ok {
			methods = append(methods, c.r.method)
		}
	}
	return resolution{allow: allowHeader(methods)}
}

// matchFast matches a route against a canonical request path, given both
// decoded (p) and raw forms.
func (r *Route) matchFast(p, raw string) (map[string]string, bool) {
	switch r.kind {
	case kindSegments:
		if r.matchSegs(p) {
			return r.segValues(p), true
		}
		return nil, false
	}
	return r.matchRaw(raw)
}

// resolveSlow scans every route in order against the raw path: used for
// paths the ServeMux would clean or redirect, and non-canonical encodings.
func (rt *Router) resolveSlow(method, raw string) resolution {
	// A route with host rules answers only its domain's hosts (resolveHost).
	return rt.resolveScan(method, raw, func(rr *Route) bool { return rr.hosts == nil })
}

// resolveScan tries the routes that take part, in order, against the raw
// path: the first that matches with method wins; when only other methods
// match it is a 405 with their Allow header, when none a 404.
func (rt *Router) resolveScan(method, raw string, takesPart func(*Route) bool) resolution {
	var methods []string
	for _, rr := range rt.routes {
		if !takesPart(rr) {
			continue
		}
		info, ok := rr.matchRaw(raw)
		if !ok {
			continue
		}
		if rr.method == method || rr.method == MethodAny {
			return resolution{route: rr, info: info}
		}
		methods = append(methods, rr.method)
	}
	if methods == nil {
		return resolution{}
	}
	return resolution{allow: allowHeader(methods)}
}

// isCleanPath reports whether ServeMux would leave p unchanged.
func isCleanPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	clean := true // no "//" and no "/." in p: one pass
	for i := 0; i+1 < len(p); i++ {
		if p[i] == '/' && (p[i+1] == '/' || p[i+1] == '.') {
			clean = false
			break
		}
	}
	if clean {
		return true
	}
	c := path.Clean(p)
	if p[len(p)-1] == '/' && c != "/" {
		c += "/"
	}
	return c == p
}
