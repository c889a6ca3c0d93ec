// interop_test.go mounts aioweb applications in real routers and runs them
// behind and inside real net/http middlewares; every test goes over a real
// socket and fails when the interop breaks.

package interop

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aioweb/aioweb"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/gorilla/handlers"
	"github.com/gorilla/mux"
	"github.com/labstack/echo/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/cors"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// newApp builds the application the tests mount: a variable route, a named
// route for reversal, a redirect to it, a failing route, static files.
func newApp(t *testing.T, opts ...aioweb.AppOption) *aioweb.Application {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "css"), 0o755)
	os.WriteFile(filepath.Join(dir, "css", "site.css"), []byte("body{color:red}"), 0o644)
	app := aioweb.NewApplication(opts...)
	app.Router.AddGet("/greet/{name}", func(req *aioweb.Request) (aioweb.Resp, error) {
		return &aioweb.Response{Text: "Hello, " + req.MatchInfo["name"]}, nil
	}, aioweb.WithName("greet"))
	app.Router.AddGet("/where", func(req *aioweb.Request) (aioweb.Resp, error) {
		u, err := req.App.Router.Named("greet").URL(aioweb.Parts{"name": "a b"}, nil)
		if err != nil {
			return nil, err
		}
		return nil, aioweb.HTTPFound(u)
	})
	app.Router.AddGet("/fail", func(*aioweb.Request) (aioweb.Resp, error) { return nil, errors.New("boom") })
	app.Router.AddStatic("/static", dir, aioweb.StaticShowIndex(true))
	return app
}

type answer struct {
	status int
	body   string
	header http.Header
}

// do sends one request without following redirects or decoding bodies.
func do(t *testing.T, client *http.Client, method, url string, header ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if client == nil {
		client = &http.Client{}
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.Timeout = 20 * time.Second
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: body: %v", method, url, err)
	}
	return answer{resp.StatusCode, string(b), resp.Header}
}

// checkMounted checks the mounted application under base+"/api": routing,
// the reversed URL and following it, static files and their listing.
func checkMounted(t *testing.T, base string) {
	t.Helper()
	if a := do(t, nil, "GET", base+"/api/greet/bob"); a.status != 200 || a.body != "Hello, bob" {
		t.Errorf("greet: %d %q", a.status, a.body)
	}
	a := do(t, nil, "GET", base+"/api/where")
	if a.status != 302 || a.header.Get("Location") != "/api/greet/a%20b" {
		t.Fatalf("reversed URL: %d %q", a.status, a.header.Get("Location"))
	}
	if a := do(t, nil, "GET", base+a.header.Get("Location")); a.status != 200 || a.body != "Hello, a b" {
		t.Errorf("following the reversed URL: %d %q", a.status, a.body)
	}
	if a := do(t, nil, "GET", base+"/api/static/css/site.css"); a.status != 200 || a.body != "body{color:red}" {
		t.Errorf("static file: %d %q", a.status, a.body)
	}
	a = do(t, nil, "GET", base+"/api/static/css")
	if a.status != 200 || !strings.Contains(a.body, `href="/api/static/css/site.css"`) {
		t.Errorf("static listing: %d %q", a.status, a.body)
	}
	if a := do(t, nil, "GET", base+"/api/nothing"); a.status != 404 {
		t.Errorf("404: %d %q", a.status, a.body)
	}
}

func TestMountStripPrefix(t *testing.T) {
	m := http.NewServeMux()
	m.Handle("/api/", http.StripPrefix("/api", newApp(t, aioweb.WithPrefix("/api"))))
	srv := httptest.NewServer(m)
	defer srv.Close()
	checkMounted(t, srv.URL)
}

func TestMountChi(t *testing.T) {
	r := chi.NewRouter()
	//lint:ignore SA1019 services still run RealIP (deprecated in chi 5.5 for spoofing); the test proves it reaches the handler
	r.Use(middleware.RequestID, middleware.RealIP, middleware.Recoverer)
	r.Get("/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "chi home") })
	app := newApp(t, aioweb.WithPrefix("/api"))
	app.Router.AddGet("/who", func(req *aioweb.Request) (aioweb.Resp, error) {
		// RequestID's context value and RealIP's RemoteAddr reach the handler.
		return &aioweb.Response{Text: middleware.GetReqID(req.Context()) + " " + req.HTTPRequest().RemoteAddr}, nil
	})
	r.Mount("/api", http.StripPrefix("/api", app))
	srv := httptest.NewServer(r)
	defer srv.Close()
	checkMounted(t, srv.URL)
	if a := do(t, nil, "GET", srv.URL+"/"); a.body != "chi home" {
		t.Errorf("chi's own route: %q", a.body)
	}
	a := do(t, nil, "GET", srv.URL+"/api/who", "X-Request-Id", "req-42", "X-Forwarded-For", "203.0.113.9")
	if a.status != 200 || a.body != "req-42 203.0.113.9" {
		t.Errorf("RequestID/RealIP through to the handler: %d %q", a.status, a.body)
	}
	// An aioweb error is aioweb's 500, not Recoverer's.
	if a := do(t, nil, "GET", srv.URL+"/api/fail"); a.status != 500 || !strings.HasPrefix(a.body, "500 Internal Server Error") {
		t.Errorf("fail: %d %q", a.status, a.body)
	}
}

func TestMountGorillaMux(t *testing.T) {
	r := mux.NewRouter()
	r.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "mux home") })
	r.PathPrefix("/api/").Handler(http.StripPrefix("/api", newApp(t, aioweb.WithPrefix("/api"))))
	srv := httptest.NewServer(r)
	defer srv.Close()
	checkMounted(t, srv.URL)
}

func TestMountEcho(t *testing.T) {
	e := echo.New()
	e.GET("/", func(c *echo.Context) error { return c.String(200, "echo home") })
	e.Any("/api/*", echo.WrapHandler(http.StripPrefix("/api", newApp(t, aioweb.WithPrefix("/api")))))
	srv := httptest.NewServer(e)
	defer srv.Close()
	checkMounted(t, srv.URL)
	if a := do(t, nil, "GET", srv.URL+"/"); a.body != "echo home" {
		t.Errorf("echo's own route: %q", a.body)
	}
}

func TestChiMiddlewaresInChain(t *testing.T) {
	app := newApp(t, aioweb.WithMiddlewares(
		aioweb.HTTPMiddleware(middleware.RequestID),
		aioweb.HTTPMiddleware(middleware.Recoverer),
		aioweb.HTTPMiddleware(middleware.Timeout(time.Second)), // /id must beat it on a loaded machine
	))
	app.Router.AddGet("/id", func(req *aioweb.Request) (aioweb.Resp, error) {
		return &aioweb.Response{Text: middleware.GetReqID(req.Context())}, nil
	})
	app.Router.AddGet("/slow", func(req *aioweb.Request) (aioweb.Resp, error) {
		select {
		case <-req.Context().Done(): // Timeout's deadline reaches the handler
			return nil, aioweb.HTTPGatewayTimeout()
		case <-time.After(20 * time.Second):
			return &aioweb.Response{Text: "no deadline"}, nil
		}
	})
	srv := httptest.NewServer(app)
	defer srv.Close()
	if a := do(t, nil, "GET", srv.URL+"/id", "X-Request-Id", "abc"); a.body != "abc" {
		t.Errorf("RequestID in the chain: %d %q", a.status, a.body)
	}
	if a := do(t, nil, "GET", srv.URL+"/slow"); a.status != 504 {
		t.Errorf("Timeout in the chain: %d %q", a.status, a.body)
	}
	if a := do(t, nil, "GET", srv.URL+"/fail"); a.status != 500 {
		t.Errorf("fail: %d %q", a.status, a.body)
	}
}

// TestChiRecovererLetsAbortThrough: a stream that fails after its headers
// went out is aborted (http.ErrAbortHandler); chi's Recoverer, around the
// application or in its chain, must let that through, so the client sees a
// broken response, not a 200 that looks complete.
func TestChiRecovererLetsAbortThrough(t *testing.T) {
	for _, inChain := range []bool{false, true} {
		var opts []aioweb.AppOption
		if inChain {
			opts = append(opts, aioweb.WithMiddlewares(aioweb.HTTPMiddleware(middleware.Recoverer)))
		}
		app := aioweb.NewApplication(opts...)
		app.Router.AddGet("/broken", func(req *aioweb.Request) (aioweb.Resp, error) {
			s := aioweb.NewStreamResponse(200)
			if err := s.SetContentLength(100); err != nil {
				return nil, err
			}
			if err := s.Prepare(req); err != nil {
				return nil, err
			}
			s.Write([]byte("partial"))
			return nil, errors.New("the source died")
		})
		var h http.Handler = app
		if !inChain {
			h = middleware.Recoverer(app)
		}
		srv := httptest.NewServer(h)
		resp, err := http.Get(srv.URL + "/broken")
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			t.Errorf("in chain %v: the aborted stream read as complete", inChain)
		}
		srv.Close()
	}
}

func TestGorillaHandlers(t *testing.T) {
	var outer, inner bytes.Buffer
	var mu sync.Mutex
	locked := func(w io.Writer) io.Writer {
		return writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return w.Write(p) })
	}
	app := newApp(t, aioweb.WithMiddlewares(
		aioweb.HTTPMiddleware(func(h http.Handler) http.Handler { return handlers.CombinedLoggingHandler(locked(&inner), h) }),
		aioweb.HTTPMiddleware(handlers.CompressHandler),
	))
	srv := httptest.NewServer(handlers.CombinedLoggingHandler(locked(&outer), app))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for _, c := range []struct {
		path   string
		status int
		body   string
	}{{"/greet/bob", 200, "Hello, bob"}, {"/nothing", 404, "404: Not Found"}, {"/fail", 500, "500 Internal Server Error\n\nServer got itself in trouble"}} {
		a := do(t, client, "GET", srv.URL+c.path, "Accept-Encoding", "gzip", "Referer", "http://ref.example/", "User-Agent", "interop-test")
		if a.status != c.status || a.header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: %d Content-Encoding %q", c.path, a.status, a.header.Get("Content-Encoding"))
			continue
		}
		if got := gunzip(t, a.body); got != c.body {
			t.Errorf("%s: body %q, want %q", c.path, got, c.body)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for name, log := range map[string]string{"outside": outer.String(), "in the chain": inner.String()} {
		for _, want := range []string{`"GET /greet/bob HTTP/1.1" 200 `, `"GET /nothing HTTP/1.1" 404 `, `"GET /fail HTTP/1.1" 500 `} {
			if !strings.Contains(log, want) || !strings.Contains(log, `"http://ref.example/" "interop-test"`) {
				t.Errorf("CombinedLoggingHandler %s: no %q in\n%s", name, want, log)
			}
		}
	}
}

// TestGorillaCompressOutside: gorilla's CompressHandler wrapped around the
// whole Application compresses every answer, aioweb's own 500 included,
// which keeps the Content-Encoding the outer writer set.
func TestGorillaCompressOutside(t *testing.T) {
	app := newApp(t)
	srv := httptest.NewServer(handlers.CompressHandler(app))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for _, c := range []struct {
		path   string
		status int
		body   string
	}{{"/greet/bob", 200, "Hello, bob"}, {"/nothing", 404, "404: Not Found"}, {"/fail", 500, "500 Internal Server Error\n\nServer got itself in trouble"}} {
		a := do(t, client, "GET", srv.URL+c.path, "Accept-Encoding", "gzip")
		if a.status != c.status || a.header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: %d Content-Encoding %q", c.path, a.status, a.header.Get("Content-Encoding"))
			continue
		}
		if got := gunzip(t, a.body); got != c.body {
			t.Errorf("%s: body %q, want %q", c.path, got, c.body)
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func gunzip(t *testing.T, s string) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(s))
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return string(b)
}

func TestCORS(t *testing.T) {
	c := cors.New(cors.Options{
		AllowedOrigins: []string{"https://app.example"},
		AllowedMethods: []string{"GET", "PUT"},
		AllowedHeaders: []string{"X-Token"},
		MaxAge:         600,
	})
	for _, inChain := range []bool{true, false} {
		var app *aioweb.Application
		var h http.Handler
		if inChain {
			app = newApp(t, aioweb.WithMiddlewares(aioweb.HTTPMiddleware(c.Handler)))
			h = app
		} else {
			app = newApp(t)
			h = c.Handler(app)
		}
		putRan := false
		app.Router.AddPut("/greet/{name}", func(req *aioweb.Request) (aioweb.Resp, error) {
			putRan = true
			return &aioweb.Response{Text: "stored " + req.MatchInfo["name"]}, nil
		})
		srv := httptest.NewServer(h)
		name := map[bool]string{true: "in the chain", false: "outside"}[inChain]
		// Preflight: the route has no OPTIONS handler; cors answers it.
		a := do(t, nil, "OPTIONS", srv.URL+"/greet/bob", "Origin", "https://app.example", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-token")
		if a.status != 204 || a.header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
			a.header.Get("Access-Control-Allow-Methods") != "PUT" || a.header.Get("Access-Control-Max-Age") != "600" || putRan {
			t.Errorf("%s: preflight %d %v ran=%v", name, a.status, a.header, putRan)
		}
		a = do(t, nil, "PUT", srv.URL+"/greet/bob", "Origin", "https://app.example", "X-Token", "t")
		if a.status != 200 || a.body != "stored bob" || a.header.Get("Access-Control-Allow-Origin") != "https://app.example" {
			t.Errorf("%s: actual request %d %q %v", name, a.status, a.body, a.header)
		}
		a = do(t, nil, "GET", srv.URL+"/greet/bob", "Origin", "https://evil.example")
		if a.status != 200 || a.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s: foreign origin %d ACAO=%q", name, a.status, a.header.Get("Access-Control-Allow-Origin"))
		}
		// A 404 through cors still carries the CORS headers, so the
		// browser shows the error to the page.
		a = do(t, nil, "GET", srv.URL+"/nothing", "Origin", "https://app.example")
		if a.status != 404 || a.header.Get("Access-Control-Allow-Origin") != "https://app.example" {
			t.Errorf("%s: 404 %d ACAO=%q", name, a.status, a.header.Get("Access-Control-Allow-Origin"))
		}
		srv.Close()
	}
}

func TestOtelHTTPSpansByRoute(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	defer tp.Shutdown(context.Background())
	app := newApp(t, aioweb.WithMiddlewares(aioweb.HTTPMiddleware(otelhttp.NewMiddleware("api", otelhttp.WithTracerProvider(tp)))))
	app.Router.AddGet("/trace", func(req *aioweb.Request) (aioweb.Resp, error) {
		// The span is in the handler's context.
		return &aioweb.Response{Text: trace.SpanFromContext(req.Context()).SpanContext().TraceID().String()}, nil
	})
	srv := httptest.NewServer(app)
	defer srv.Close()
	for _, p := range []string{"/greet/ann", "/greet/bob", "/greet/cy", "/nothing", "/fail"} {
		do(t, nil, "GET", srv.URL+p)
	}
	traceID := do(t, nil, "GET", srv.URL+"/trace").body

	spans := exp.GetSpans()
	if len(spans) != 6 {
		t.Fatalf("%d spans, want one per request (6)", len(spans))
	}
	type got struct {
		name, route string
		status      int64
		code        codes.Code
	}
	attr := func(s tracetest.SpanStub, k attribute.Key) attribute.Value {
		for _, a := range s.Attributes {
			if a.Key == k {
				return a.Value
			}
		}
		return attribute.Value{}
	}
	want := []got{
		{"GET /greet/{name}", "/greet/{name}", 200, codes.Unset},
		{"GET /greet/{name}", "/greet/{name}", 200, codes.Unset},
		{"GET /greet/{name}", "/greet/{name}", 200, codes.Unset},
		{"GET", "", 404, codes.Unset},
		{"GET /fail", "/fail", 500, codes.Error},
		{"GET /trace", "/trace", 200, codes.Unset},
	}
	for i, s := range spans {
		g := got{s.Name, attr(s, "http.route").AsString(), attr(s, "http.response.status_code").AsInt64(), s.Status.Code}
		if g != want[i] {
			t.Errorf("span %d: %+v, want %+v", i, g, want[i])
		}
		if s.SpanKind != trace.SpanKindServer {
			t.Errorf("span %d: kind %v", i, s.SpanKind)
		}
	}
	if spans[5].SpanContext.TraceID().String() != traceID {
		t.Errorf("the handler saw trace %s, the span is %s", traceID, spans[5].SpanContext.TraceID())
	}
}

func TestPrometheusByRoute(t *testing.T) {
	reg := prometheus.NewRegistry()
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "http_requests_total", Help: "Requests."}, []string{"code", "method", "route"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "http_request_duration_seconds", Help: "Latency."}, []string{"code", "route"})
	reg.MustRegister(requests, duration)
	route := promhttp.WithLabelFromRequest("route", func(r *http.Request) string { return r.Pattern })
	instrument := func(h http.Handler) http.Handler {
		return promhttp.InstrumentHandlerCounter(requests, promhttp.InstrumentHandlerDuration(duration, h, route), route)
	}
	app := newApp(t, aioweb.WithMiddlewares(aioweb.HTTPMiddleware(instrument)))
	srv := httptest.NewServer(app)
	defer srv.Close()
	for i := range 50 {
		do(t, nil, "GET", fmt.Sprintf("%s/greet/user%d", srv.URL, i))
	}
	do(t, nil, "POST", srv.URL+"/greet/x")
	do(t, nil, "GET", srv.URL+"/nothing")
	do(t, nil, "GET", srv.URL+"/fail")
	for _, c := range []struct {
		labels []string
		n      float64
	}{
		{[]string{"200", "get", "/greet/{name}"}, 50},
		{[]string{"405", "post", ""}, 1},
		{[]string{"404", "get", ""}, 1},
		{[]string{"500", "get", "/fail"}, 1},
	} {
		if got := testutil.ToFloat64(requests.WithLabelValues(c.labels...)); got != c.n {
			t.Errorf("requests%v = %v, want %v", c.labels, got, c.n)
		}
	}
	// One series per route and status, not one per path: no label explosion.
	if n := testutil.CollectAndCount(requests); n != 4 {
		t.Errorf("%d request series, want 4", n)
	}
	if n := testutil.CollectAndCount(duration); n != 4 {
		t.Errorf("%d duration series, want 4", n)
	}
}

func TestTimeoutHandlerAround(t *testing.T) {
	app := newApp(t)
	finished := make(chan struct{})
	app.Router.AddGet("/slow", func(req *aioweb.Request) (aioweb.Resp, error) {
		defer close(finished)
		<-req.Context().Done() // TimeoutHandler cancels it
		return nil, req.Context().Err()
	})
	// Long enough for the fast requests on a loaded machine under -race.
	srv := httptest.NewServer(http.TimeoutHandler(app, time.Second, "too slow"))
	defer srv.Close()
	if a := do(t, nil, "GET", srv.URL+"/greet/bob"); a.status != 200 || a.body != "Hello, bob" {
		t.Errorf("fast: %d %q", a.status, a.body)
	}
	if a := do(t, nil, "GET", srv.URL+"/slow"); a.status != 503 || a.body != "too slow" {
		t.Errorf("slow: %d %q", a.status, a.body)
	}
	select {
	case <-finished:
	case <-time.After(10 * time.Second):
		t.Fatal("the handler did not see its context end")
	}
	if a := do(t, nil, "GET", srv.URL+"/nothing"); a.status != 404 {
		t.Errorf("404: %d %q", a.status, a.body)
	}
}

// streamApp streams two chunks; the second is written only after the
// client read the first, so the test hangs (and fails on its deadline) if
// the first is held back anywhere.
func streamApp(t *testing.T, opts ...aioweb.AppOption) (*aioweb.Application, chan struct{}) {
	app := newApp(t, opts...)
	readFirst := make(chan struct{})
	app.Router.AddGet("/stream", func(req *aioweb.Request) (aioweb.Resp, error) {
		s := aioweb.NewStreamResponse(200)
		if err := s.SetContentType("text/plain"); err != nil {
			return nil, err
		}
		if err := s.Prepare(req); err != nil {
			return nil, err
		}
		s.Write([]byte("first chunk\n"))
		select {
		case <-readFirst:
		case <-time.After(10 * time.Second):
			return s, nil
		}
		s.Write([]byte("second chunk\n"))
		return s, nil
	})
	return app, readFirst
}

// readStream reads the gzip-compressed stream line by line, signalling
// after the first.
func readStream(t *testing.T, client *http.Client, url string, readFirst chan struct{}, wantProto int) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ProtoMajor != wantProto || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("proto %s, Content-Encoding %q", resp.Proto, resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(zr)
	first, err := br.ReadString('\n')
	if err != nil || first != "first chunk\n" {
		t.Fatalf("first chunk %q %v (held back by the compressor?)", first, err)
	}
	close(readFirst)
	rest, err := io.ReadAll(br)
	if err != nil || string(rest) != "second chunk\n" {
		t.Fatalf("rest %q %v", rest, err)
	}
}

func TestStreamFlushesThroughChiCompress(t *testing.T) {
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	t.Run("in the chain", func(t *testing.T) {
		app, readFirst := streamApp(t, aioweb.WithMiddlewares(aioweb.HTTPMiddleware(middleware.Compress(5))))
		srv := httptest.NewServer(app)
		defer srv.Close()
		readStream(t, client, srv.URL+"/stream", readFirst, 1)
	})
	t.Run("outside", func(t *testing.T) {
		app, readFirst := streamApp(t)
		srv := httptest.NewServer(middleware.Compress(5)(app))
		defer srv.Close()
		readStream(t, client, srv.URL+"/stream", readFirst, 1)
	})
}

func TestHTTP2(t *testing.T) {
	check := func(t *testing.T, client *http.Client, base string) {
		for _, c := range []struct {
			method, path string
			status       int
			body         string
		}{{"GET", "/greet/bob", 200, "Hello, bob"}, {"POST", "/greet/bob", 405, "405: Method Not Allowed"}, {"GET", "/nothing", 404, "404: Not Found"}} {
			req, _ := http.NewRequest(c.method, base+c.path, nil)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.ProtoMajor != 2 || resp.StatusCode != c.status || string(b) != c.body {
				t.Errorf("%s %s: %s %d %q", c.method, c.path, resp.Proto, resp.StatusCode, b)
			}
		}
	}
	t.Run("cleartext", func(t *testing.T) {
		app, readFirst := streamApp(t, aioweb.WithMiddlewares(aioweb.HTTPMiddleware(middleware.Compress(5))))
		var protos http.Protocols
		protos.SetHTTP1(true)
		protos.SetUnencryptedHTTP2(true)
		srv := httptest.NewUnstartedServer(app)
		srv.Config.Protocols = &protos
		srv.Start()
		defer srv.Close()
		var cp http.Protocols
		cp.SetUnencryptedHTTP2(true)
		client := &http.Client{Transport: &http.Transport{Protocols: &cp, DisableCompression: true}}
		check(t, client, srv.URL)
		readStream(t, client, srv.URL+"/stream", readFirst, 2)
	})
	t.Run("TLS", func(t *testing.T) {
		app, readFirst := streamApp(t, aioweb.WithMiddlewares(aioweb.HTTPMiddleware(middleware.Compress(5))))
		srv := httptest.NewUnstartedServer(app)
		srv.EnableHTTP2 = true
		srv.StartTLS()
		defer srv.Close()
		client := srv.Client()
		client.Transport.(*http.Transport).DisableCompression = true
		check(t, client, srv.URL)
		readStream(t, client, srv.URL+"/stream", readFirst, 2)
		// And an HTTP/1.1-only TLS client still works.
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: client.Transport.(*http.Transport).TLSClientConfig.RootCAs}, TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{}}
		resp, err := (&http.Client{Transport: tr}).Get(srv.URL + "/greet/h1")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.ProtoMajor != 1 || string(b) != "Hello, h1" {
			t.Errorf("HTTP/1.1 over TLS: %s %q", resp.Proto, b)
		}
	})
}
