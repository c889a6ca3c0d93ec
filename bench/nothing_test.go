// nothing_test.go is the go-http-routing-benchmark convention set: every
// router's handler answers 200 with no body and does nothing else, one
// reused no-op ResponseWriter serves every request, and the requests are
// built once. What is left is each router's own cost: matching, its
// parameter storage, and (for aioweb) the Request and the response send.
// The handlers that read their parameters and format an answer are in
// routers_test.go.

package bench

import (
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aioweb/aioweb"
	"github.com/go-chi/chi/v5"
	"github.com/gorilla/mux"
	"github.com/julienschmidt/httprouter"
	"github.com/labstack/echo/v4"
)

// Do-nothing handlers, one per router API. aioweb's returns one shared
// empty Response: aioweb never writes into a returned value, so a canned
// response is a documented way to answer.
var (
	okResponse = &aioweb.Response{}

	nothingStd     = func(http.ResponseWriter, *http.Request) {}
	nothingAioweb  = func(*aioweb.Request) (aioweb.Resp, error) { return okResponse, nil }
	nothingEcho    = func(echo.Context) error { return nil }
	nothingHTTPRtr = func(http.ResponseWriter, *http.Request, httprouter.Params) {}
)

// The builders take hit: nil builds the do-nothing handlers the benchmarks
// use; otherwise each handler records its route index there, so the tests
// can check the routing of the very same router configuration.

func stdHandler(i int, hit *int) http.HandlerFunc {
	if hit == nil {
		return nothingStd
	}
	return func(http.ResponseWriter, *http.Request) { *hit = i }
}

func nothingServeMux(rs []route, hit *int) http.Handler {
	m := http.NewServeMux()
	for i, r := range rs {
		m.HandleFunc(r.method+" "+syntax(r.path, "{", "}"), stdHandler(i, hit))
	}
	return m
}

// requestSink keeps the floor's *Request escaping to the heap, as a
// handler func value makes aioweb's escape.
var requestSink = func(*aioweb.Request) {}

// nothingFloor is the floor of any design under issue 14's constraints: a
// ServeMux whose handler allocates what aioweb cannot avoid per request,
// the *Request a handler may keep (it cannot be pooled) and, on a route
// with variables, the MatchInfo map req.MatchInfo["name"] must index.
// aioweb's ratio to this row is its own overhead: matching beyond the
// ServeMux, the chain, the in-flight count and sending the Response.
func nothingFloor(rs []route, hit *int) http.Handler {
	m := http.NewServeMux()
	for i, r := range rs {
		pattern := syntax(r.path, "{", "}")
		var names []string
		for _, seg := range strings.Split(pattern, "/") {
			if strings.HasPrefix(seg, "{") {
				names = append(names, strings.Trim(seg, "{}"))
			}
		}
		inner := stdHandler(i, hit)
		m.HandleFunc(r.method+" "+pattern, func(w http.ResponseWriter, req *http.Request) {
			var info map[string]string
			if len(names) > 0 {
				info = make(map[string]string, len(names))
				for _, n := range names {
					info[n] = req.PathValue(n)
				}
			}
			requestSink(&aioweb.Request{Method: req.Method, Path: req.URL.Path, Header: req.Header, MatchInfo: info})
			inner(w, req)
		})
	}
	return m
}

func nothingAiowebRouter(rs []route, hit *int) http.Handler {
	app := aioweb.NewApplication()
	for i, r := range rs {
		h := aioweb.Handler(nothingAioweb)
		if hit != nil {
			h = func(*aioweb.Request) (aioweb.Resp, error) { *hit = i; return okResponse, nil }
		}
		app.Router.AddRoute(r.method, syntax(r.path, "{", "}"), h)
	}
	h, err := app.MakeHandler()
	if err != nil {
		panic(err)
	}
	return h
}

func nothingChi(rs []route, hit *int) http.Handler {
	c := chi.NewRouter()
	for i, r := range rs {
		c.MethodFunc(r.method, syntax(r.path, "{", "}"), stdHandler(i, hit))
	}
	return c
}

func nothingGorilla(rs []route, hit *int) http.Handler {
	m := mux.NewRouter()
	for i, r := range rs {
		m.HandleFunc(syntax(r.path, "{", "}"), stdHandler(i, hit)).Methods(r.method)
	}
	return m
}

func nothingEchoRouter(rs []route, hit *int) http.Handler {
	e := echo.New()
	for i, r := range rs {
		h := echo.HandlerFunc(nothingEcho)
		if hit != nil {
			h = func(echo.Context) error { *hit = i; return nil }
		}
		e.Add(r.method, r.path, h)
	}
	return e
}

func nothingHTTPRouter(rs []route, hit *int) http.Handler {
	h := httprouter.New()
	for i, r := range rs {
		f := httprouter.Handle(nothingHTTPRtr)
		if hit != nil {
			f = func(http.ResponseWriter, *http.Request, httprouter.Params) { *hit = i }
		}
		h.Handle(r.method, r.path, f)
	}
	return h
}

var nothingRouters = []struct {
	name  string
	build func([]route, *int) http.Handler
}{
	{"servemux", nothingServeMux},
	{"aioweb", nothingAiowebRouter},
	{"chi", nothingChi},
	{"gorillamux", nothingGorilla},
	{"echo", nothingEchoRouter},
	{"httprouter", nothingHTTPRouter},
	{"servemux+floor", nothingFloor},
}

// statusWriter is the tests' writer: it keeps the status and body size.
type statusWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *statusWriter) Header() http.Header { return w.h }
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = 200
	}
	w.n += len(b)
	return len(b), nil
}
func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func TestNothingGitHubRoutes(t *testing.T) {
	rs := loadGitHub(t)
	reqs := requests(rs)
	for _, rt := range nothingRouters {
		hit := -1
		routed := rt.build(rs, &hit)
		plain := rt.build(rs, nil)
		for i, req := range reqs {
			hit = -1
			routed.ServeHTTP(&statusWriter{h: http.Header{}}, req)
			if hit != i {
				t.Errorf("%s: %s %s ran route %d, want %d", rt.name, req.Method, req.URL.Path, hit, i)
			}
			w := &statusWriter{h: http.Header{}}
			plain.ServeHTTP(w, req)
			if (w.status != 0 && w.status != 200) || w.n != 0 {
				t.Errorf("%s: %s %s answered %d with %d body bytes, want 200 and none", rt.name, req.Method, req.URL.Path, w.status, w.n)
			}
		}
	}
}

// The regex set with do-nothing handlers. The ServeMux baseline matches
// {name} segments and then checks each value against its regexp by hand.
func nothingRegexHandlers(set []regexRoute, hit *int) map[string]http.Handler {
	app := aioweb.NewApplication()
	c := chi.NewRouter()
	g := mux.NewRouter()
	sm := http.NewServeMux()
	for i, r := range set {
		var names []string
		for _, m := range tokenRE.FindAllStringSubmatch(r.pattern, -1) {
			names = append(names, m[1])
		}
		ah := aioweb.Handler(nothingAioweb)
		if hit != nil {
			ah = func(*aioweb.Request) (aioweb.Resp, error) { *hit = i; return okResponse, nil }
		}
		app.Router.AddRoute("GET", r.pattern, ah)
		c.Get(r.pattern, stdHandler(i, hit))
		g.HandleFunc(r.pattern, stdHandler(i, hit)).Methods("GET")
		res := make([]*regexp.Regexp, len(names))
		plain := tokenRE.ReplaceAllStringFunc(r.pattern, func(tok string) string {
			m := tokenRE.FindStringSubmatch(tok)
			for j, n := range names {
				if n == m[1] {
					res[j] = regexp.MustCompile("^(?:" + m[2] + ")$")
				}
			}
			return "{" + m[1] + "}"
		})
		inner := stdHandler(i, hit)
		sm.HandleFunc("GET "+plain, func(w http.ResponseWriter, req *http.Request) {
			for j, n := range names {
				if !res[j].MatchString(req.PathValue(n)) {
					http.NotFound(w, req)
					return
				}
			}
			inner(w, req)
		})
	}
	a, err := app.MakeHandler()
	if err != nil {
		panic(err)
	}
	return map[string]http.Handler{"servemux+regexp": sm, "aioweb": a, "chi": c, "gorillamux": g}
}

func regexRequests() []*http.Request {
	var reqs []*http.Request
	for _, r := range regexSet {
		req, _ := http.NewRequest("GET", r.path, nil)
		reqs = append(reqs, req)
	}
	return reqs
}

func TestNothingRegexSet(t *testing.T) {
	hit := -1
	routed := nothingRegexHandlers(regexSet, &hit)
	plain := nothingRegexHandlers(regexSet, nil)
	for _, name := range regexRouters {
		for i, req := range regexRequests() {
			hit = -1
			routed[name].ServeHTTP(&statusWriter{h: http.Header{}}, req)
			if hit != i {
				t.Errorf("%s: %s ran route %d, want %d", name, req.URL.Path, hit, i)
			}
			w := &statusWriter{h: http.Header{}}
			plain[name].ServeHTTP(w, req)
			if (w.status != 0 && w.status != 200) || w.n != 0 {
				t.Errorf("%s: %s answered %d with %d body bytes", name, req.URL.Path, w.status, w.n)
			}
		}
	}
}

// benchNothing serves reqs in a loop through one reused no-op writer.
func benchNothing(b *testing.B, h http.Handler, reqs []*http.Request) {
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		for _, r := range reqs {
			h.ServeHTTP(w, r)
		}
	}
	cpu.report(b)
}

// cpuClock measures the CPU time the whole process spends (every thread:
// the benchmark loop and the garbage collector's workers). On a machine
// shared with other work, wall-clock ns/op counts the time the benchmark
// waits for a core; CPU time does not, so its ratios stay steady under
// load. Reported as cpu-ns/op beside ns/op.
type cpuClock struct{ start time.Duration }

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU() cpuClock { return cpuClock{processCPU()} }

func (c cpuClock) report(b *testing.B) {
	if d := processCPU() - c.start; d > 0 && b.N > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkNothingGitHubStatic(b *testing.B) {
	rs := loadGitHub(b)
	reqs := pick(rs, "GET", "/user/repos")
	for _, rt := range rotated(nothingRouters) {
		b.Run(rt.name, func(b *testing.B) { benchNothing(b, rt.build(rs, nil), reqs) })
	}
}

func BenchmarkNothingGitHubParam(b *testing.B) {
	rs := loadGitHub(b)
	reqs := pick(rs, "GET", "/repos/:owner/:repo/issues/:number")
	for _, rt := range rotated(nothingRouters) {
		b.Run(rt.name, func(b *testing.B) { benchNothing(b, rt.build(rs, nil), reqs) })
	}
}

func BenchmarkNothingGitHubAll(b *testing.B) {
	rs := loadGitHub(b)
	reqs := requests(rs)
	for _, rt := range rotated(nothingRouters) {
		b.Run(rt.name, func(b *testing.B) { benchNothing(b, rt.build(rs, nil), reqs) })
	}
}

func BenchmarkNothingRegexAll(b *testing.B) {
	hs := nothingRegexHandlers(regexSet, nil)
	reqs := regexRequests()
	for _, name := range rotated(regexRouters) {
		b.Run(name, func(b *testing.B) { benchNothing(b, hs[name], reqs) })
	}
}

// rotated returns s rotated left by $BENCH_ROTATE (run.sh sets the round
// number), so that no router always runs first or last in a round.
func rotated[T any](s []T) []T {
	k, _ := strconv.Atoi(os.Getenv("BENCH_ROTATE"))
	if len(s) == 0 || k <= 0 {
		return s
	}
	k %= len(s)
	return append(append([]T(nil), s[k:]...), s[:k]...)
}

// BenchmarkNothingParallel serves the static and the param route from
// GOMAXPROCS goroutines at once (run with -cpu 1,2,...): what is shared
// between requests (a counter every request writes, a lock) shows here as
// ns/op that stops falling when cores are added.
func BenchmarkNothingParallel(b *testing.B) {
	rs := loadGitHub(b)
	for _, rt := range rotated(nothingRouters[:3]) { // servemux, aioweb, chi
		h := rt.build(rs, nil)
		b.Run(rt.name, func(b *testing.B) {
			b.ReportAllocs()
			var served atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				// Each goroutine its own requests: the ServeMux writes
				// its match into the request it serves.
				reqs := append(pick(rs, "GET", "/user/repos"), pick(rs, "GET", "/repos/:owner/:repo/issues/:number")...)
				w := &nopWriter{h: http.Header{}}
				n := int64(0)
				for pb.Next() {
					for _, r := range reqs {
						h.ServeHTTP(w, r)
					}
					n++
				}
				served.Add(n)
			})
			if served.Load() == 0 {
				b.Fatal("nothing served")
			}
		})
	}
}
