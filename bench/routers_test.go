// Package bench compares aioweb with net/http's ServeMux, chi, gorilla/mux,
// echo and httprouter on identical route sets: the GitHub API (203 routes,
// from julienschmidt/go-http-routing-benchmark) and a regex set, plus a
// worst case for aioweb's regex fallback. It is its own module so that the
// library's users never download these routers.
//
// Every router's handler does the same work: read the route's parameters,
// set a text content type and write "r<index>" plus the parameter values, so
// the tests can check that each router answers each route correctly.
package bench

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/aioweb/aioweb"
	"github.com/go-chi/chi/v5"
	"github.com/gorilla/mux"
	"github.com/julienschmidt/httprouter"
	"github.com/labstack/echo/v4"
)

// route is one METHOD + path with ":param" segments (httprouter syntax).
type route struct {
	method, path string
	params       []string
}

func loadGitHub(tb testing.TB) []route {
	f, err := os.Open("testdata/github-api-routes.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var rs []route
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m, p, _ := strings.Cut(line, " ")
		r := route{method: m, path: p}
		for _, seg := range strings.Split(p, "/") {
			if strings.HasPrefix(seg, ":") {
				r.params = append(r.params, seg[1:])
			}
		}
		rs = append(rs, r)
	}
	return rs
}

// syntax converts ":name" to a router's parameter syntax.
func syntax(p, open, close string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			segs[i] = open + s[1:] + close
		}
	}
	return strings.Join(segs, "/")
}

// concrete fills every parameter with "v<name>".
func concrete(r route) string {
	segs := strings.Split(r.path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			segs[i] = "v" + s[1:]
		}
	}
	return strings.Join(segs, "/")
}

func answer(i int, values []string) string {
	return fmt.Sprintf("r%d:%s", i, strings.Join(values, ","))
}

func write(w http.ResponseWriter, s string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, s)
}

// Builders: each returns the router serving rs.

func buildServeMux(rs []route) http.Handler {
	m := http.NewServeMux()
	for i, r := range rs {
		i, r := i, r
		m.HandleFunc(r.method+" "+syntax(r.path, "{", "}"), func(w http.ResponseWriter, req *http.Request) {
			vals := make([]string, len(r.params))
			for j, p := range r.params {
				vals[j] = req.PathValue(p)
			}
			write(w, answer(i, vals))
		})
	}
	return m
}

func buildAioweb(rs []route) http.Handler {
	app := aioweb.NewApplication()
	for i, r := range rs {
		i, r := i, r
		app.Router.AddRoute(r.method, syntax(r.path, "{", "}"), func(req *aioweb.Request) (aioweb.Resp, error) {
			vals := make([]string, len(r.params))
			for j, p := range r.params {
				vals[j] = req.MatchInfo[p]
			}
			return &aioweb.Response{Text: answer(i, vals)}, nil
		})
	}
	h, err := app.MakeHandler()
	if err != nil {
		panic(err)
	}
	return h
}

func buildChi(rs []route) http.Handler {
	c := chi.NewRouter()
	for i, r := range rs {
		i, r := i, r
		c.MethodFunc(r.method, syntax(r.path, "{", "}"), func(w http.ResponseWriter, req *http.Request) {
			vals := make([]string, len(r.params))
			for j, p := range r.params {
				vals[j] = chi.URLParam(req, p)
			}
			write(w, answer(i, vals))
		})
	}
	return c
}

func buildGorilla(rs []route) http.Handler {
	m := mux.NewRouter()
	for i, r := range rs {
		i, r := i, r
		m.HandleFunc(syntax(r.path, "{", "}"), func(w http.ResponseWriter, req *http.Request) {
			v := mux.Vars(req)
			vals := make([]string, len(r.params))
			for j, p := range r.params {
				vals[j] = v[p]
			}
			write(w, answer(i, vals))
		}).Methods(r.method)
	}
	return m
}

func buildEcho(rs []route) http.Handler {
	e := echo.New()
	for i, r := range rs {
		i, r := i, r
		e.Add(r.method, r.path, func(c echo.Context) error {
			vals := make([]string, len(r.params))
			for j, p := range r.params {
				vals[j] = c.Param(p)
			}
			write(c.Response(), answer(i, vals))
			return nil
		})
	}
	return e
}

func buildHTTPRouter(rs []route) http.Handler {
	h := httprouter.New()
	for i, r := range rs {
		i, r := i, r
		h.Handle(r.method, r.path, func(w http.ResponseWriter, req *http.Request, ps httprouter.Params) {
			vals := make([]string, len(r.params))
			for j, p := range r.params {
				vals[j] = ps.ByName(p)
			}
			write(w, answer(i, vals))
		})
	}
	return h
}

var routers = []struct {
	name  string
	build func([]route) http.Handler
}{
	{"servemux", buildServeMux},
	{"aioweb", buildAioweb},
	{"chi", buildChi},
	{"gorillamux", buildGorilla},
	{"echo", buildEcho},
	{"httprouter", buildHTTPRouter},
}

// nopWriter is a reusable ResponseWriter that discards the body.
type nopWriter struct {
	h    http.Header
	body strings.Builder
	keep bool
}

func (w *nopWriter) Header() http.Header { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) {
	if w.keep {
		w.body.Write(b)
	}
	return len(b), nil
}
func (w *nopWriter) WriteString(s string) (int, error) {
	if w.keep {
		w.body.WriteString(s)
	}
	return len(s), nil
}
func (w *nopWriter) WriteHeader(int) {}
func (w *nopWriter) reset() {
	for k := range w.h {
		delete(w.h, k)
	}
	w.body.Reset()
}

func requests(rs []route) []*http.Request {
	reqs := make([]*http.Request, len(rs))
	for i, r := range rs {
		reqs[i], _ = http.NewRequest(r.method, concrete(r), nil)
	}
	return reqs
}

func expected(rs []route) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		vals := make([]string, len(r.params))
		for j, p := range r.params {
			vals[j] = "v" + p
		}
		out[i] = answer(i, vals)
	}
	return out
}

func TestGitHubRoutesAnswerCorrectly(t *testing.T) {
	rs := loadGitHub(t)
	if len(rs) != 203 {
		t.Fatalf("%d routes, want 203", len(rs))
	}
	reqs, want := requests(rs), expected(rs)
	for _, rt := range routers {
		h := rt.build(rs)
		w := &nopWriter{h: http.Header{}, keep: true}
		for i, req := range reqs {
			w.reset()
			h.ServeHTTP(w, req)
			if got := w.body.String(); got != want[i] {
				t.Errorf("%s: %s %s answered %q, want %q", rt.name, req.Method, req.URL.Path, got, want[i])
			}
		}
	}
}

func benchRequests(b *testing.B, h http.Handler, reqs []*http.Request) {
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		for _, r := range reqs {
			w.reset()
			h.ServeHTTP(w, r)
		}
	}
	cpu.report(b)
}

func pick(rs []route, method, path string) []*http.Request {
	for _, r := range rs {
		if r.method == method && r.path == path {
			return requests([]route{r})
		}
	}
	panic("no route " + path)
}

func BenchmarkGitHubStatic(b *testing.B) {
	rs := loadGitHub(b)
	reqs := pick(rs, "GET", "/user/repos")
	for _, rt := range rotated(routers) {
		b.Run(rt.name, func(b *testing.B) { benchRequests(b, rt.build(rs), reqs) })
	}
}

func BenchmarkGitHubParam(b *testing.B) {
	rs := loadGitHub(b)
	reqs := pick(rs, "GET", "/repos/:owner/:repo/issues/:number")
	for _, rt := range rotated(routers) {
		b.Run(rt.name, func(b *testing.B) { benchRequests(b, rt.build(rs), reqs) })
	}
}

func BenchmarkGitHubAll(b *testing.B) {
	rs := loadGitHub(b)
	reqs := requests(rs)
	for _, rt := range rotated(routers) {
		b.Run(rt.name, func(b *testing.B) { benchRequests(b, rt.build(rs), reqs) })
	}
}

// The regex set: aioweb, chi and gorilla/mux take the regexes in their
// syntax; the ServeMux baseline checks them by hand after matching.

type regexRoute struct {
	pattern string // aioweb/chi/gorilla syntax: {name:regex}
	path    string // a request that matches it
}

var regexSet = []regexRoute{
	{`/num/{id:[0-9]+}`, "/num/12345"},
	{`/year/{y:[0-9]{4}}`, "/year/2015"},
	{`/date/{y:[0-9]{4}}/{m:[0-9]{2}}/{d:[0-9]{2}}`, "/date/2015/04/22"},
	{`/hex/{h:[0-9a-f]+}`, "/hex/deadbeef"},
	{`/user/{name:[a-z]+}`, "/user/gopher"},
	{`/user/{name:[a-z]+}/posts/{id:[0-9]+}`, "/user/gopher/posts/7"},
	{`/lang/{code:[a-z]{2}}`, "/lang/en"},
	{`/uuid/{u:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}`, "/uuid/123e4567-e89b-12d3-a456-426614174000"},
	{`/ver/{v:v[0-9]+}`, "/ver/v2"},
	{`/sha/{s:[0-9a-f]{40}}`, "/sha/da39a3ee5e6b4b0d3255bfef95601890afd80709"},
	{`/page/{n:[1-9][0-9]*}`, "/page/42"},
	{`/tag/{t:[a-z0-9-]+}`, "/tag/go-lang"},
	{`/zip/{z:[0-9]{5}}`, "/zip/90210"},
	{`/ip/{a:[0-9]+}/{b:[0-9]+}`, "/ip/10/20"},
	{`/cat/{c:[A-Z][a-z]+}`, "/cat/Books"},
	{`/order/{id:[0-9]+}/items/{item:[0-9]+}`, "/order/5/items/9"},
	{`/slug/{s:[a-z]+-[a-z]+}`, "/slug/hello-world"},
	{`/hash/{h:[A-Za-z0-9]{8}}`, "/hash/aB3dE5gH"},
	{`/week/{w:[0-9]{1,2}}`, "/week/12"},
	{`/code/{c:[A-Z]{3}}`, "/code/USD"},
	{`/ssn/{s:[0-9]{3}-[0-9]{2}-[0-9]{4}}`, "/ssn/123-45-6789"},
	{`/color/{c:#?[0-9a-f]{6}}`, "/color/ff0000"},
}

var tokenRE = regexp.MustCompile(`\{([a-z]+):((?:[^{}]|\{[^{}]*\})+)\}`)

func regexHandlers(set []regexRoute) map[string]http.Handler {
	app := aioweb.NewApplication()
	c := chi.NewRouter()
	g := mux.NewRouter()
	sm := http.NewServeMux()
	for i, r := range set {
		i, r := i, r
		names := []string{}
		for _, m := range tokenRE.FindAllStringSubmatch(r.pattern, -1) {
			names = append(names, m[1])
		}
		app.Router.AddRoute("GET", r.pattern, func(req *aioweb.Request) (aioweb.Resp, error) {
			vals := make([]string, len(names))
			for j, n := range names {
				vals[j] = req.MatchInfo[n]
			}
			return &aioweb.Response{Text: answer(i, vals)}, nil
		})
		c.Get(r.pattern, func(w http.ResponseWriter, req *http.Request) {
			vals := make([]string, len(names))
			for j, n := range names {
				vals[j] = chi.URLParam(req, n)
			}
			write(w, answer(i, vals))
		})
		g.HandleFunc(r.pattern, func(w http.ResponseWriter, req *http.Request) {
			v := mux.Vars(req)
			vals := make([]string, len(names))
			for j, n := range names {
				vals[j] = v[n]
			}
			write(w, answer(i, vals))
		}).Methods("GET")
		// ServeMux: {name} segments, then each value checked by hand.
		res := map[string]*regexp.Regexp{}
		plain := tokenRE.ReplaceAllStringFunc(r.pattern, func(tok string) string {
			m := tokenRE.FindStringSubmatch(tok)
			res[m[1]] = regexp.MustCompile("^(?:" + m[2] + ")$")
			return "{" + m[1] + "}"
		})
		sm.HandleFunc("GET "+plain, func(w http.ResponseWriter, req *http.Request) {
			vals := make([]string, len(names))
			for j, n := range names {
				vals[j] = req.PathValue(n)
				if !res[n].MatchString(vals[j]) {
					http.NotFound(w, req)
					return
				}
			}
			write(w, answer(i, vals))
		})
	}
	a, _ := app.MakeHandler()
	return map[string]http.Handler{"servemux+regexp": sm, "aioweb": a, "chi": c, "gorillamux": g}
}

var regexRouters = []string{"servemux+regexp", "aioweb", "chi", "gorillamux"}

func TestRegexSetAnswersCorrectly(t *testing.T) {
	hs := regexHandlers(regexSet)
	for _, name := range regexRouters {
		w := &nopWriter{h: http.Header{}, keep: true}
		for i, r := range regexSet {
			w.reset()
			req, _ := http.NewRequest("GET", r.path, nil)
			hs[name].ServeHTTP(w, req)
			if got := w.body.String(); !strings.HasPrefix(got, fmt.Sprintf("r%d:", i)) {
				t.Errorf("%s: %s answered %q", name, r.path, got)
			}
		}
	}
}

func BenchmarkRegexAll(b *testing.B) {
	hs := regexHandlers(regexSet)
	var reqs []*http.Request
	for _, r := range regexSet {
		req, _ := http.NewRequest("GET", r.path, nil)
		reqs = append(reqs, req)
	}
	for _, name := range rotated(regexRouters) {
		b.Run(name, func(b *testing.B) { benchRequests(b, hs[name], reqs) })
	}
}

// manyRegex is 200 regex routes /rN/{id:[0-9]+}; the worst case asks for
// the last one, the best case for the first.
func manyRegex() []regexRoute {
	var set []regexRoute
	for i := 0; i < 200; i++ {
		set = append(set, regexRoute{fmt.Sprintf(`/r%d/{id:[0-9]+}`, i), fmt.Sprintf("/r%d/42", i)})
	}
	return set
}

func TestManyRegexAnswersCorrectly(t *testing.T) {
	set := manyRegex()
	h := regexHandlers(set)["aioweb"]
	w := &nopWriter{h: http.Header{}, keep: true}
	for i, r := range set {
		w.reset()
		req, _ := http.NewRequest("GET", r.path, nil)
		h.ServeHTTP(w, req)
		if got, want := w.body.String(), fmt.Sprintf("r%d:42", i); got != want {
			t.Errorf("%s answered %q, want %q", r.path, got, want)
		}
	}
}

func BenchmarkRegexWorstCase(b *testing.B) {
	set := manyRegex()
	h := regexHandlers(set)["aioweb"]
	for _, c := range []struct{ name, path string }{{"first", set[0].path}, {"last", set[len(set)-1].path}} {
		req, _ := http.NewRequest("GET", c.path, nil)
		b.Run(c.name, func(b *testing.B) { benchRequests(b, h, []*http.Request{req}) })
	}
}
