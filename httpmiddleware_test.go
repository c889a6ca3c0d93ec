// httpmiddleware_test.go tests net/http interop: HTTPMiddleware in the
// chain, Request.SetContext, http.Request.Pattern for middlewares around and
// inside the application, and WithPrefix behind http.StripPrefix.

package aioweb

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

type ctxKey string

// statusRecorder is a net/http middleware's writer wrapper: it records the
// status and the bytes that went through it.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = 200
	}
	n, err := s.ResponseWriter.Write(p)
	s.bytes += n
	return n, err
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logMW is the shape of chi's and gorilla's middlewares: it wraps the
// writer, puts a value in the context, sets a header, and logs
// "pattern status bytes" after the next handler returns.
type logMW struct {
	mu    sync.Mutex
	lines []string
}

func (l *logMW) mw(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		w.Header().Set("X-Std", "yes")
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), ctxKey("std"), "from-std")))
		l.mu.Lock()
		defer l.mu.Unlock()
		l.lines = append(l.lines, r.Method+" "+r.Pattern+" "+strconv.Itoa(rec.status))
	})
}

func (l *logMW) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.lines
	l.lines = nil
	return out
}

func TestHTTPMiddlewareInChain(t *testing.T) {
	log := &logMW{}
	var outer []string
	outerMW := MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
		resp, err := h(req)
		sent := resp == Sent
		outer = append(outer, req.Path+" sent="+map[bool]string{true: "yes", false: "no"}[sent]+" err="+map[bool]string{true: "yes", false: "no"}[err != nil])
		return resp, err
	})
	inner := MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
		resp, err := h(req)
		if r, ok := resp.(*Response); ok {
			r.Text += "[inner:" + ctxString(req.Context(), "std") + "]"
		}
		return resp, err
	})
	app := NewApplication(WithMiddlewares(outerMW, HTTPMiddleware(log.mw), inner))
	app.Router.AddGet("/greet/{name}", func(req *Request) (Resp, error) {
		return &Response{Text: "hi " + req.MatchInfo["name"] + " " + ctxString(req.Context(), "std") + " " + ctxString(req.HTTPRequest().Context(), "std")}, nil
	})
	app.Router.AddRoute("GET", "/wrapped/{id:[0-9]+}", WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "wrapped "+r.PathValue("id")+" "+ctxString(r.Context(), "std"))
	})))
	app.Router.AddRoute("GET", "/fail", func(*Request) (Resp, error) { return nil, errors.New("boom") })
	app.Router.AddRoute("GET", "/panic", func(*Request) (Resp, error) { panic("oops") })
	app.Router.AddRoute("GET", "/teapot", func(*Request) (Resp, error) { return nil, NewHTTPException(418) })
	addr := serve(t, app)

	cases := []struct {
		method, target string
		status         int
		body           string
		log            string
	}{
		{"GET", "/greet/ann", 200, "hi ann from-std from-std[inner:from-std]", "GET /greet/{name} 200"},
		{"HEAD", "/greet/ann", 200, "", "HEAD /greet/{name} 200"},
		{"GET", "/wrapped/42", 200, "wrapped 42 from-std", "GET /wrapped/{id:[0-9]+} 200"},
		{"GET", "/missing", 404, "404: Not Found", "GET  404"},
		{"POST", "/greet/ann", 405, "405: Method Not Allowed", "POST  405"},
		{"GET", "/fail", 500, internalErrorBody, "GET /fail 500"},
		{"GET", "/panic", 500, internalErrorBody, "GET /panic 500"},
		{"GET", "/teapot", 418, "418: I'm a Teapot", "GET /teapot 418"},
	}
	for _, c := range cases {
		got := rawDo(t, addr, c.method, c.target)
		if got.Status != c.status || got.Body != c.body || got.Header.Get("X-Std") != "yes" {
			t.Errorf("%s %s: %d %q X-Std=%q, want %d %q", c.method, c.target, got.Status, got.Body, got.Header.Get("X-Std"), c.status, c.body)
		}
		if lines := log.take(); len(lines) != 1 || lines[0] != c.log {
			t.Errorf("%s %s: the standard middleware logged %q, want %q", c.method, c.target, lines, c.log)
		}
	}
	if len(outer) != len(cases) {
		t.Fatalf("outer middleware ran %d times: %q", len(outer), outer)
	}
	for _, o := range outer {
		if !strings.HasSuffix(o, "sent=yes err=no") {
			t.Errorf("outer middleware saw %q, want the response as sent", o)
		}
	}
}

func TestHTTPMiddlewareHeadersSurvive500(t *testing.T) {
	// A header the standard middleware set before calling the handler is
	// still there when the handler's error becomes a 500.
	log := &logMW{}
	app := NewApplication(WithMiddlewares(HTTPMiddleware(log.mw)))
	app.Router.AddRoute("GET", "/fail", func(*Request) (Resp, error) { return nil, errors.New("boom") })
	got := rawDo(t, serve(t, app), "GET", "/fail")
	if got.Status != 500 || got.Header.Get("X-Std") != "yes" {
		t.Errorf("500: X-Std=%q", got.Header.Get("X-Std"))
	}
}

func ctxString(ctx context.Context, k string) string {
	s, _ := ctx.Value(ctxKey(k)).(string)
	if s == "" {
		return "-"
	}
	return s
}

func TestHTTPMiddlewareAnswersItself(t *testing.T) {
	ran := false
	refuse := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Key") != "k" {
				http.Error(w, "refused", http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	outer := MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
		req.ResponseHeader().Set("X-Outer", "1")
		return h(req)
	})
	app := NewApplication(WithMiddlewares(outer, HTTPMiddleware(refuse)))
	app.Router.AddGet("/", func(*Request) (Resp, error) { ran = true; return &Response{Text: "in"}, nil })
	app.Router.AddGet("/silent", WrapHandler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	addr := serve(t, app)
	if got := rawDo(t, addr, "GET", "/"); got.Status != 403 || got.Body != "refused\n" || ran || got.Header.Get("X-Outer") != "1" {
		t.Errorf("refused: %d %q ran=%v X-Outer=%q", got.Status, got.Body, ran, got.Header.Get("X-Outer"))
	}
	if got := rawDo(t, addr, "GET", "/", "X-Key: k"); got.Status != 200 || got.Body != "in" || !ran || got.Header.Get("X-Outer") != "1" {
		t.Errorf("let in: %d %q ran=%v X-Outer=%q", got.Status, got.Body, ran, got.Header.Get("X-Outer"))
	}
	if got := rawDo(t, addr, "GET", "/silent", "X-Key: k"); got.Status != 200 || got.Body != "" || got.Header.Get("X-Outer") != "1" {
		t.Errorf("handler writing nothing: %d %q X-Outer=%q", got.Status, got.Body, got.Header.Get("X-Outer"))
	}
}

func TestHTTPMiddlewareFactoryErrors(t *testing.T) {
	if _, err := NewApplication(WithMiddlewares(HTTPMiddleware(nil))).MakeHandler(); err == nil || !strings.Contains(err.Error(), "HTTPMiddleware(nil)") {
		t.Errorf("nil middleware: %v", err)
	}
	nilHandler := func(http.Handler) http.Handler { return nil }
	if _, err := NewApplication(WithMiddlewares(HTTPMiddleware(nilHandler))).MakeHandler(); err == nil || !strings.Contains(err.Error(), "nil http.Handler") {
		t.Errorf("middleware returning nil: %v", err)
	}
}

func TestHTTPMiddlewareForeignContext(t *testing.T) {
	fresh := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Fresh", "1")
			next.ServeHTTP(w, r.WithContext(context.Background()))
		})
	}
	logger, logs := bufferLogger()
	ran := false
	app := NewApplication(WithLogger(logger), WithMiddlewares(HTTPMiddleware(fresh)))
	app.Router.AddGet("/", func(*Request) (Resp, error) { ran = true; return &Response{Text: "in"}, nil })
	got := rawDo(t, serve(t, app), "GET", "/")
	if got.Status != 500 || ran || !strings.Contains(logs.String(), "does not derive") {
		t.Errorf("context not derived: %d ran=%v log %q", got.Status, ran, logs.String())
	}
}

func TestHTTPMiddlewareTimeoutHandlerInside(t *testing.T) {
	// http.TimeoutHandler runs the next handler on its own goroutine and
	// answers 503 when the time is up; the request must not end (and its
	// Request be reused) while that handler still runs.
	var finished atomic.Bool
	timeout := func(next http.Handler) http.Handler {
		// Long enough for /fast on a loaded machine under -race; /slow
		// waits it out.
		return http.TimeoutHandler(next, time.Second, "too slow")
	}
	app := NewApplication(WithMiddlewares(HTTPMiddleware(timeout)))
	app.Router.AddGet("/slow", func(req *Request) (Resp, error) {
		<-req.Context().Done() // TimeoutHandler cancels it
		time.Sleep(100 * time.Millisecond)
		req.Set("late", true) // touches the Request after the 503
		finished.Store(true)
		return &Response{Text: "late"}, nil
	})
	app.Router.AddGet("/fast", func(req *Request) (Resp, error) { return &Response{Text: "fast"}, nil })
	addr := serve(t, app)
	if got := rawDo(t, addr, "GET", "/fast"); got.Status != 200 || got.Body != "fast" {
		t.Errorf("fast: %d %q", got.Status, got.Body)
	}
	got := rawDo(t, addr, "GET", "/slow")
	if got.Status != 503 || got.Body != "too slow" {
		t.Errorf("slow: %d %q", got.Status, got.Body)
	}
	if !finished.Load() || app.InFlight() != 0 {
		t.Errorf("the request ended before its handler: finished=%v inflight=%d", finished.Load(), app.InFlight())
	}
}

func TestHTTPMiddlewareWebSocket(t *testing.T) {
	log := &logMW{}
	app := NewApplication(WithMiddlewares(HTTPMiddleware(log.mw)))
	app.Router.AddGet("/ws", func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		for {
			msg := ws.Receive(req.Context())
			if msg.Type != MsgText {
				return ws, nil
			}
			ws.SendStr(msg.Str() + " " + ctxString(req.Context(), "std"))
		}
	})
	logger, logs := bufferLogger()
	app.logger = logger
	addr := serve(t, app)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+addr+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Write(ctx, websocket.MessageText, []byte("ping")); err != nil {
		t.Fatal(err)
	}
	_, b, err := c.Read(ctx)
	if err != nil || string(b) != "ping from-std" {
		t.Fatalf("echo %q %v", b, err)
	}
	c.Close(websocket.StatusNormalClosure, "")
	waitFor(t, func() bool { return app.InFlight() == 0 })
	if s := logs.String(); s != "" {
		t.Errorf("logged %q", s)
	}
	if lines := log.take(); len(lines) != 1 || lines[0] != "GET /ws 101" {
		t.Errorf("middleware logged %q", lines)
	}
}

// waitFor polls cond for up to 30 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 30s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestHTTPMiddlewareStreamsFlush(t *testing.T) {
	// A StreamResponse's chunks go out through the middleware's writer as
	// they are written, through a wrapper that reaches Flush only by
	// Unwrap (http.ResponseController).
	log := &logMW{}
	second := make(chan struct{})
	app := NewApplication(WithMiddlewares(HTTPMiddleware(log.mw)))
	app.Router.AddGet("/stream", func(req *Request) (Resp, error) {
		s := &StreamResponse{}
		if err := s.Prepare(req); err != nil {
			return nil, err
		}
		s.Write([]byte("first\n"))
		<-second
		s.Write([]byte("second\n"))
		return s, nil
	})
	addr := serve(t, app)
	t.Cleanup(func() { close(second) }) // runs before the server closes
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || line != "first\n" {
		t.Fatalf("first chunk %q %v (not flushed through the middleware?)", line, err)
	}
}

func TestSetContext(t *testing.T) {
	setter := MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
		before := req.HTTPRequest()
		req.SetContext(context.WithValue(req.Context(), ctxKey("mw"), "from-mw"))
		if before.Context().Value(ctxKey("mw")) != nil {
			return nil, errors.New("SetContext changed the *http.Request aioweb got")
		}
		return h(req)
	})
	app := NewApplication(WithMiddlewares(setter))
	app.Router.AddGet("/", func(req *Request) (Resp, error) {
		return &Response{Text: ctxString(req.Context(), "mw") + " " + ctxString(req.HTTPRequest().Context(), "mw")}, nil
	})
	app.Router.AddGet("/wrapped", WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, ctxString(r.Context(), "mw")+" "+r.Pattern)
	})))
	addr := serve(t, app)
	if got := rawDo(t, addr, "GET", "/"); got.Body != "from-mw from-mw" {
		t.Errorf("handler: %d %q", got.Status, got.Body)
	}
	if got := rawDo(t, addr, "GET", "/wrapped"); got.Body != "from-mw /wrapped" {
		t.Errorf("WrapHandler: %d %q", got.Status, got.Body)
	}
	defer func() {
		if recover() == nil {
			t.Error("SetContext(nil) did not panic")
		}
	}()
	(&Request{r: httptest.NewRequest("GET", "/", nil)}).SetContext(nil) //lint:ignore SA1012 the panic is the point
}

func TestPatternForMiddlewares(t *testing.T) {
	// The request a middleware in the chain gets, and WrapHandler'd
	// handlers, carry the matched route's pattern in r.Pattern, as if
	// ServeMux had routed it; the caller's request keeps its own.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("A"), 0o644)
	var inner atomic.Value
	in := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			inner.Store(r.Pattern)
			next.ServeHTTP(w, r)
		})
	}
	for _, prefix := range []string{"", "/api"} {
		app := NewApplication(WithPrefix(prefix), WithMiddlewares(HTTPMiddleware(in)))
		app.Router.AddGet("/", infoHandler(0))
		app.Router.AddGet("/greet/{name}", infoHandler(1))
		app.Router.AddGet("/num/{n:[0-9]+}", infoHandler(2))
		app.Router.AddGet("/files/{path:.*}", infoHandler(3))
		app.Router.AddStatic("/static", dir)
		sub := NewApplication()
		sub.Router.AddGet("/item/{id}", infoHandler(4))
		app.AddSubapp("/sub", sub)
		var outer string
		addr := serveHandler(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Pattern = "stale"
			app.ServeHTTP(w, r)
			outer = r.Pattern
		}))
		for target, want := range map[string]string{
			"/":              "/",
			"/greet/bob":     "/greet/{name}",
			"/num/12":        "/num/{n:[0-9]+}",
			"/files/x/y%2Fz": "/files/{path:.*}",
			"/static/a.txt":  "/static/{filename:.*}",
			"/sub/item/7":    "/sub/item/{id}",
			"/nothing":       "",
			"/sub/nothing":   "/sub/{aioweb_subapp_rest:.*}",
		} {
			want := prefix + want
			if want == prefix && target == "/nothing" {
				want = ""
			}
			inner.Store("unset")
			got := rawDo(t, addr, "GET", target)
			if outer != "stale" || inner.Load() != want {
				t.Errorf("prefix %q GET %s (%d): pattern outside %q (want it untouched), inside %q, want %q", prefix, target, got.Status, outer, inner.Load(), want)
			}
		}
	}
}

func TestWithPrefixBehindStripPrefix(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "css"), 0o755)
	os.WriteFile(filepath.Join(dir, "css", "site.css"), []byte("body{}"), 0o644)
	app := NewApplication(WithPrefix("/api/"))
	app.Router.AddGet("/greet/{name}", func(req *Request) (Resp, error) {
		return &Response{Text: "hello " + req.MatchInfo["name"]}, nil
	}, WithName("greet"))
	app.Router.AddGet("/where", func(req *Request) (Resp, error) {
		u, err := req.App.Router.Named("greet").URL(Parts{"name": "a b"}, nil)
		if err != nil {
			return nil, err
		}
		return nil, HTTPFound(u)
	})
	app.Router.AddStatic("/static", dir, StaticShowIndex(true), StaticName("static"))
	sub := NewApplication()
	sub.Router.AddGet("/item/{id}", func(req *Request) (Resp, error) { return &Response{Text: "item " + req.MatchInfo["id"]}, nil }, WithName("item"))
	app.AddSubapp("/sub", sub)
	if app.Prefix() != "/api" {
		t.Errorf("Prefix() = %q", app.Prefix())
	}

	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", app))
	addr := serveHandler(t, mux)

	got := rawDo(t, addr, "GET", "/api/where")
	if got.Status != 302 || got.Header.Get("Location") != "/api/greet/a%20b" {
		t.Fatalf("redirect: %d %q", got.Status, got.Header.Get("Location"))
	}
	if got := rawDo(t, addr, "GET", got.Header.Get("Location")); got.Status != 200 || got.Body != "hello a b" {
		t.Errorf("following the reversed URL: %d %q", got.Status, got.Body)
	}
	u, err := sub.Router.Named("item").URL(Parts{"id": "7"}, nil)
	if err != nil || u != "/api/sub/item/7" {
		t.Errorf("sub URL %q %v", u, err)
	}
	if got := rawDo(t, addr, "GET", u); got.Body != "item 7" {
		t.Errorf("GET %s: %d %q", u, got.Status, got.Body)
	}
	u, err = app.Router.Named("static").URL(Parts{"filename": "css/site.css"}, nil)
	if err != nil || u != "/api/static/css/site.css" {
		t.Errorf("static URL %q %v", u, err)
	}
	if got := rawDo(t, addr, "GET", u); got.Status != 200 || got.Body != "body{}" {
		t.Errorf("GET %s: %d %q", u, got.Status, got.Body)
	}
	got = rawDo(t, addr, "GET", "/api/static/")
	if got.Status != 200 || !strings.Contains(got.Body, `<a href="/api/static/css">css/</a>`) {
		t.Errorf("index: %d %q", got.Status, got.Body)
	}
	got = rawDo(t, addr, "GET", "/api/static/css")
	if got.Status != 200 || !strings.Contains(got.Body, `<a href="/api/static/css/site.css">site.css</a>`) {
		t.Errorf("index of css: %d %q", got.Status, got.Body)
	}
}

func TestWithPrefixRejects(t *testing.T) {
	for _, p := range []string{"api", "/a?b", "/a#b", "/a b", "/a\x00"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("WithPrefix(%q) did not panic", p)
				}
			}()
			WithPrefix(p)
		}()
	}
	if a := NewApplication(WithPrefix("/")); a.Prefix() != "" {
		t.Errorf("WithPrefix(\"/\"): %q", a.Prefix())
	}
}

func TestHTTPMiddlewareSecondStatusDropped(t *testing.T) {
	// chi's Timeout writes 504 after the handler returns when the deadline
	// passed; once aioweb answered, that second status is dropped quietly
	// instead of net/http's "superfluous WriteHeader" log.
	late := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r)
			w.WriteHeader(http.StatusGatewayTimeout)
		})
	}
	app := NewApplication(WithMiddlewares(HTTPMiddleware(late)))
	app.Router.AddGet("/", func(*Request) (Resp, error) { return &Response{Text: "done"}, nil })
	srv := httptest.NewUnstartedServer(app)
	logs := &syncBuffer{}
	srv.Config.ErrorLog = log.New(logs, "", 0)
	srv.Start()
	defer srv.Close()
	got := rawDo(t, strings.TrimPrefix(srv.URL, "http://"), "GET", "/")
	if got.Status != 200 || got.Body != "done" || strings.Contains(logs.String(), "superfluous") {
		t.Errorf("%d %q, server log %q", got.Status, got.Body, logs.String())
	}
}
