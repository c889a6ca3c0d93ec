// pipeline_test.go tests the request pipeline's promises: aioweb never
// writes into what a handler returned (shared responses under -race),
// per-request response headers reach every kind of response, a handler that
// wrote through ResponseWriter gets nothing appended, every typed nil is a
// logged 500 and the send path is recovered, and the caller's request and
// headers are left alone.

package aioweb

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSharedResponsesNotWritten returns one *HTTPException, one *Response
// and one *FileResponse from every request at once, through a middleware
// that adds headers per request. Under -race any write aioweb made into
// them is a DATA RACE; afterwards they must equal fresh copies.
func TestSharedResponsesNotWritten(t *testing.T) {
	mkExc := func() *HTTPException {
		return HTTPGone(WithHeaders(http.Header{"X-Shared": {"exc"}, "Set-Cookie": {"e=1; Path=/"}}))
	}
	mkResp := func() *Response {
		r := &Response{Text: "shared body", Headers: http.Header{"X-Shared": {"resp"}}, Compress: true}
		r.SetCookie(&http.Cookie{Name: "r", Value: "1"})
		return r
	}
	file := filepath.Join(t.TempDir(), "f.txt")
	if err := os.WriteFile(file, []byte("file body"), 0o644); err != nil {
		t.Fatal(err)
	}
	mkFile := func() *FileResponse {
		return &FileResponse{Path: file, Headers: http.Header{"X-Shared": {"file"}}}
	}
	errGone, shared, sharedFile := mkExc(), mkResp(), mkFile()

	mw := MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
		req.ResponseHeader().Set("X-MW", req.Path)
		req.ResponseHeader().Add("Set-Cookie", "mw=1; Path=/")
		resp, err := h(req)
		req.ResponseHeader().Set("X-After", "1") // before sending: still applies
		return resp, err
	})
	app := NewApplication(WithMiddlewares(mw))
	app.Router.AddRoute("GET", "/raised/{n}", func(*Request) (Resp, error) { return nil, errGone })
	app.Router.AddRoute("GET", "/returned/{n}", func(*Request) (Resp, error) { return errGone, nil })
	app.Router.AddRoute("GET", "/panicked/{n}", func(*Request) (Resp, error) { panic(errGone) })
	app.Router.AddRoute("GET", "/resp/{n}", func(*Request) (Resp, error) { return shared, nil })
	app.Router.AddRoute("GET", "/file/{n}", func(*Request) (Resp, error) { return sharedFile, nil })
	srv := serveHandler(t, app)

	kinds := []struct {
		prefix, body, shared string
		status               int
	}{
		{"/raised/", "410: Gone", "exc", 410},
		{"/returned/", "410: Gone", "exc", 410},
		{"/panicked/", "410: Gone", "exc", 410},
		{"/resp/", "shared body", "resp", 200},
		{"/file/", "file body", "file", 200},
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true}}
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 30; i++ {
				k := kinds[(g+i)%len(kinds)]
				p := fmt.Sprintf("%s%d-%d", k.prefix, g, i)
				resp, err := client.Get("http://" + srv + p)
				if err != nil {
					errs <- err
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				cookies := strings.Join(resp.Header.Values("Set-Cookie"), ";")
				if resp.StatusCode != k.status || string(b) != k.body || resp.Header.Get("X-MW") != p ||
					resp.Header.Get("X-Shared") != k.shared || resp.Header.Get("X-After") != "1" ||
					!strings.Contains(cookies, "mw=1") {
					errs <- fmt.Errorf("%s: %d %q %v", p, resp.StatusCode, b, resp.Header)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if !reflect.DeepEqual(errGone, mkExc()) {
		t.Errorf("shared exception changed: %+v", errGone)
	}
	if !reflect.DeepEqual(shared, mkResp()) {
		t.Errorf("shared response changed: %+v", shared)
	}
	if !reflect.DeepEqual(sharedFile, mkFile()) {
		t.Errorf("shared file response changed: %+v", sharedFile)
	}
}

// TestResponseHeaderEveryKind checks that req.ResponseHeader reaches a
// stream, a 404 and 405 from routing, a WebSocket 101 and a raw write, and
// that a header that would split the response is a 500 without it.
func TestResponseHeaderEveryKind(t *testing.T) {
	mw := MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
		req.ResponseHeader().Set("X-MW", "1")
		if req.Path == "/bad" || req.Path == "/badstream" {
			req.ResponseHeader().Set("X-Bad", "a\r\nX-Injected: 1")
		}
		return h(req)
	})
	app := NewApplication(WithMiddlewares(mw))
	app.Router.AddRoute("GET", "/stream", func(req *Request) (Resp, error) {
		s := NewStreamResponse(201)
		if err := s.Prepare(req); err != nil {
			return nil, err
		}
		s.Write([]byte("chunk"))
		return s, nil
	})
	// Prepared inside the handler: the headers go out before finish could
	// turn a bad one into a 500, so Prepare drops them all (and logs).
	app.Router.AddRoute("GET", "/badstream", func(req *Request) (Resp, error) {
		s := NewStreamResponse(201)
		if err := s.Prepare(req); err != nil {
			return nil, err
		}
		s.Write([]byte("chunk"))
		return s, nil
	})
	app.Router.AddRoute("GET", "/raw", func(req *Request) (Resp, error) {
		io.WriteString(req.ResponseWriter(), "raw")
		return nil, nil
	})
	app.Router.AddRoute("GET", "/ws", func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		ws.Close()
		return ws, nil
	})
	app.Router.AddRoute("GET", "/bad", func(req *Request) (Resp, error) { return &Response{Text: "x"}, nil })
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("static"), 0o644)
	app.Router.AddStatic("/files", dir)
	addr := serve(t, app)
	if got := rawDo(t, addr, "GET", "/files/a.txt"); got.Status != 200 || got.Body != "static" || got.Header.Get("X-MW") != "1" {
		t.Errorf("static: %d %q %v", got.Status, got.Body, got.Header)
	}
	if got := rawDo(t, addr, "GET", "/files/missing.txt"); got.Status != 404 || got.Header.Get("X-MW") != "1" {
		t.Errorf("static 404: %d %v", got.Status, got.Header)
	}
	lm := rawDo(t, addr, "GET", "/files/a.txt").Header.Get("Last-Modified")
	if got := rawDo(t, addr, "GET", "/files/a.txt", "If-Modified-Since: "+lm); got.Status != 304 || got.Header.Get("X-MW") != "1" {
		t.Errorf("static 304: %d %v", got.Status, got.Header)
	}
	for _, c := range []struct {
		path   string
		status int
		body   string
	}{{"/stream", 201, "chunk"}, {"/raw", 200, "raw"}, {"/missing", 404, "404: Not Found"}} {
		got := rawDo(t, addr, "GET", c.path)
		if got.Status != c.status || got.Body != c.body || got.Header.Get("X-MW") != "1" {
			t.Errorf("%s: %d %q %v", c.path, got.Status, got.Body, got.Header)
		}
	}
	if got := rawDo(t, addr, "POST", "/raw"); got.Status != 405 || got.Header.Get("X-MW") != "1" {
		t.Errorf("405: %d %v", got.Status, got.Header)
	}
	got := rawDo(t, addr, "GET", "/bad")
	if got.Status != 500 || got.Header.Get("X-Injected") != "" || got.Header.Get("X-Bad") != "" || got.Header.Get("X-MW") != "" {
		t.Errorf("/bad: %d %v", got.Status, got.Header)
	}
	got = rawDo(t, addr, "GET", "/badstream")
	if got.Status != 201 || got.Body != "chunk" || got.Header.Get("X-Injected") != "" || got.Header.Get("X-Bad") != "" || got.Header.Get("X-MW") != "" {
		t.Errorf("/badstream: %d %q %v", got.Status, got.Body, got.Header)
	}
	// The 101 carries the header.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 101 || resp.Header.Get("X-MW") != "1" {
		t.Errorf("101: %d %v", resp.StatusCode, resp.Header)
	}
}

// TestRawWriterThenNil: a handler that answered through ResponseWriter gets
// nothing appended, whatever it returns; Sent without a write is a 200.
func TestRawWriterThenNil(t *testing.T) {
	logger, logs := bufferLogger()
	app := NewApplication(WithLogger(logger), WithMiddlewares(MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
		req.ResponseHeader().Set("X-MW", "1")
		return h(req)
	})))
	app.Router.AddRoute("GET", "/nil", func(req *Request) (Resp, error) {
		io.WriteString(req.ResponseWriter(), "hi")
		return nil, nil
	})
	app.Router.AddRoute("GET", "/sent", func(req *Request) (Resp, error) {
		w := req.ResponseWriter()
		w.Header().Set("Content-Type", "text/x-mine")
		w.WriteHeader(202)
		io.WriteString(w, "mine")
		return Sent, nil
	})
	app.Router.AddRoute("GET", "/sent-empty", func(req *Request) (Resp, error) { return Sent, nil })
	app.Router.AddRoute("GET", "/both", func(req *Request) (Resp, error) {
		io.WriteString(req.ResponseWriter(), "first")
		return &Response{Text: "second"}, nil
	})
	app.Router.AddRoute("GET", "/header-only", func(req *Request) (Resp, error) {
		req.ResponseWriter().Header().Set("X-Raw", "1") // not an answer: the Response goes out
		return &Response{Text: "resp"}, nil
	})
	addr := serve(t, app)
	for _, c := range []struct {
		path   string
		status int
		body   string
	}{{"/nil", 200, "hi"}, {"/sent", 202, "mine"}, {"/sent-empty", 200, ""}, {"/both", 200, "first"}, {"/header-only", 200, "resp"}} {
		got := rawDo(t, addr, "GET", c.path)
		if got.Status != c.status || got.Body != c.body || got.Header.Get("X-MW") != "1" {
			t.Errorf("%s: %d %q %v", c.path, got.Status, got.Body, got.Header)
		}
	}
	if got := rawDo(t, addr, "GET", "/header-only"); got.Header.Get("X-Raw") != "1" {
		t.Errorf("header-only: %v", got.Header)
	}
	l := logs.String()
	if strings.Count(l, "level=ERROR") != 1 || !strings.Contains(l, "returned a response too") || !strings.Contains(l, "path=/both") {
		t.Errorf("logs: %s", l)
	}
}

// panicSend is a response whose send panics, after writing the header or
// before.
type panicSend struct{ afterHeader bool }

func (p panicSend) send(req *Request) error {
	if p.afterHeader {
		req.writeHeader(200)
		io.WriteString(req.w, "partial")
		http.NewResponseController(req.w).Flush()
	}
	panic("send broke")
}

// TestTypedNilAndSendPanics: every exported response type's typed nil is a
// logged 500, and a panic while sending is a 500 before the header went out
// and an aborted connection after.
func TestTypedNilAndSendPanics(t *testing.T) {
	logger, logs := bufferLogger()
	app := NewApplication(WithLogger(logger))
	nils := map[string]Resp{
		"response": (*Response)(nil), "stream": (*StreamResponse)(nil), "exception": (*HTTPException)(nil),
		"websocket": (*WebSocketResponse)(nil), "file": (*FileResponse)(nil),
	}
	for name, r := range nils {
		app.Router.AddRoute("GET", "/nil/"+name, func(*Request) (Resp, error) { return r, nil })
	}
	app.Router.AddRoute("GET", "/nil/raised", func(*Request) (Resp, error) { return nil, (*HTTPException)(nil) })
	app.Router.AddRoute("GET", "/panic/before", func(*Request) (Resp, error) { return panicSend{}, nil })
	app.Router.AddRoute("GET", "/panic/after", func(*Request) (Resp, error) { return panicSend{afterHeader: true}, nil })
	addr := serve(t, app)
	for _, name := range []string{"response", "stream", "exception", "websocket", "file", "raised"} {
		if got := rawDo(t, addr, "GET", "/nil/"+name); got.Status != 500 || !strings.HasPrefix(got.Body, "500 Internal Server Error") {
			t.Errorf("typed nil %s: %d %q", name, got.Status, got.Body)
		}
	}
	if got := rawDo(t, addr, "GET", "/panic/before"); got.Status != 500 {
		t.Errorf("panic before header: %d %q", got.Status, got.Body)
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 7 {
		t.Errorf("%d errors logged, want 7:\n%s", n, logs)
	}
	// After the header: the client sees the connection cut, not a clean end.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET /panic/after HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Errorf("panic after header: body ended cleanly (status %d)", resp.StatusCode)
	}
	if !strings.Contains(logs.String(), "send broke") {
		t.Errorf("send panic not logged:\n%s", logs)
	}
}

// TestCallerRequestUntouched: aioweb leaves the caller's *http.Request as
// it came (method case, Pattern, path values), whichever matcher serves the
// route, and WrapHandler'd handlers still see MatchInfo as path values.
func TestCallerRequestUntouched(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/mux/{name}", WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Method+" "+r.PathValue("name"))
	})))
	app.Router.AddRoute("GET", `/re/{name:\d+}x`, WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Method+" "+r.PathValue("name"))
	})))
	app.Router.AddRoute("GET", "/static/page", func(req *Request) (Resp, error) { return &Response{Text: req.Method}, nil })
	outer := http.NewServeMux()
	type seen struct{ method, pattern, a, name string }
	var mu sync.Mutex
	var got []seen
	outer.HandleFunc("/{a}/{rest...}", func(w http.ResponseWriter, r *http.Request) {
		app.ServeHTTP(w, r)
		mu.Lock()
		got = append(got, seen{r.Method, r.Pattern, r.PathValue("a"), r.PathValue("name")})
		mu.Unlock()
	})
	// An app with no ServeMux-served route resolves on the caller's request.
	regexOnly := NewApplication()
	regexOnly.Router.AddRoute("GET", `/other/{name:\d+}x`, WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Method+" "+r.PathValue("name"))
	})))
	outer.HandleFunc("/other/{rest...}", func(w http.ResponseWriter, r *http.Request) {
		regexOnly.ServeHTTP(w, r)
		mu.Lock()
		got = append(got, seen{r.Method, r.Pattern, r.PathValue("rest"), r.PathValue("name")})
		mu.Unlock()
	})
	addr := serveHandler(t, outer)
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/other/7x", "GET 7"},
		{"GET", "/mux/bob", "GET bob"}, {"get", "/mux/amy", "GET amy"}, {"GET", "/re/42x", "GET 42"}, {"get", "/static/page", "GET"},
	} {
		if r := rawDo(t, addr, c.method, c.path); r.Status != 200 || r.Body != c.body {
			t.Errorf("%s %s: %d %q", c.method, c.path, r.Status, r.Body)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	want := []seen{{"GET", "/other/{rest...}", "7x", ""}, {"GET", "/{a}/{rest...}", "mux", ""}, {"get", "/{a}/{rest...}", "mux", ""}, {"GET", "/{a}/{rest...}", "re", ""}, {"get", "/{a}/{rest...}", "static", ""}}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(seen{})); d != "" {
		t.Errorf("caller's request after aioweb (-want +got):\n%s", d)
	}
}

// TestInternalErrorKeepsOuterHeaders: headers an outer handler set before
// aioweb survive the 500, except those describing a body, which would
// corrupt it; an outer compressing writer's Content-Encoding is kept, since
// that writer encodes the 500 too.
func TestInternalErrorKeepsOuterHeaders(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/", func(*Request) (Resp, error) { panic("boom") })
	addr := serveHandler(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "abc")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Content-Range", "bytes 0-1/2")
		w.Header().Set("Content-Length", "99")
		app.ServeHTTP(w, r)
	}))
	got := rawDo(t, addr, "GET", "/")
	if got.Status != 500 || got.Header.Get("X-Request-Id") != "abc" || got.Header.Get("Access-Control-Allow-Origin") != "*" ||
		got.Header.Get("Content-Range") != "" || got.Body != internalErrorBody || !got.Close {
		t.Errorf("500: %d %q %v", got.Status, got.Body, got.Header)
	}
	// An outer gzip writer, as gorilla's CompressHandler and chi's Compress
	// are: the 500 arrives gzip-encoded with its Content-Encoding.
	addr = serveHandler(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		defer zw.Close()
		app.ServeHTTP(&gzipWriter{ResponseWriter: w, zw: zw}, r)
	}))
	got = rawDo(t, addr, "GET", "/")
	if got.Status != 500 || got.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip 500: %d %v", got.Status, got.Header)
	}
	zr, err := gzip.NewReader(strings.NewReader(got.Body))
	if err != nil {
		t.Fatalf("gzip 500 body is not gzip: %v (%q)", err, got.Body)
	}
	if b, _ := io.ReadAll(zr); string(b) != internalErrorBody {
		t.Errorf("gzip 500 body %q", b)
	}
}

// gzipWriter is a minimal outer compressing writer.
type gzipWriter struct {
	http.ResponseWriter
	zw *gzip.Writer
}

func (g *gzipWriter) WriteHeader(code int) {
	g.Header().Del("Content-Length")
	g.ResponseWriter.WriteHeader(code)
}
func (g *gzipWriter) Write(p []byte) (int, error) { return g.zw.Write(p) }

// TestDocsDoNotFatalOnCleanExit: RunApp returns nil after a clean Ctrl-C, so
// log.Fatal(aioweb.RunApp(...)) would print <nil> and exit 1; no example in
// the docs may show it.
func TestDocsDoNotFatalOnCleanExit(t *testing.T) {
	files := []string{"README.md", "doc.go"}
	more, _ := filepath.Glob("examples/*/*.go")
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "log.Fatal(aioweb.RunApp(") {
			t.Errorf("%s: log.Fatal(aioweb.RunApp(...)) exits 1 after a clean shutdown", f)
		}
	}
}

// unwrapOnly is an outer middleware's writer with none of the optional
// interfaces, only Unwrap (as http.ResponseController expects).
type unwrapOnly struct{ w http.ResponseWriter }

func (u *unwrapOnly) Header() http.Header         { return u.w.Header() }
func (u *unwrapOnly) Write(p []byte) (int, error) { return u.w.Write(p) }
func (u *unwrapOnly) WriteHeader(code int)        { u.w.WriteHeader(code) }
func (u *unwrapOnly) Unwrap() http.ResponseWriter { return u.w }

// TestStreamFlushesBehindUnwrapOnlyWriter: the headers and the first chunk
// of a StreamResponse (plain and compressed) reach the client while the
// handler still runs, behind a writer that only has Unwrap.
func TestStreamFlushesBehindUnwrapOnlyWriter(t *testing.T) {
	for _, compress := range []bool{false, true} {
		t.Run(fmt.Sprint("compress=", compress), func(t *testing.T) {
			release := make(chan struct{})
			var returned sync.WaitGroup
			returned.Add(1)
			var done atomic.Bool
			app := NewApplication()
			app.Router.AddRoute("GET", "/", func(req *Request) (Resp, error) {
				defer returned.Done()
				s := NewStreamResponse(200)
				if compress {
					s.EnableCompression()
				}
				if err := s.Prepare(req); err != nil {
					return nil, err
				}
				s.Write([]byte("first"))
				select {
				case <-release:
				case <-time.After(15 * time.Second):
				}
				s.Write([]byte("second"))
				done.Store(true)
				return s, nil
			})
			addr := serveHandler(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				app.ServeHTTP(&unwrapOnly{w}, r)
			}))
			req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
			if compress {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var rd io.Reader = resp.Body
			if compress {
				if resp.Header.Get("Content-Encoding") != "gzip" {
					t.Fatalf("not compressed: %v", resp.Header)
				}
				zr, err := gzip.NewReader(resp.Body)
				if err != nil {
					t.Fatal(err)
				}
				rd = zr
			}
			buf := make([]byte, 5)
			if _, err := io.ReadFull(rd, buf); err != nil || string(buf) != "first" {
				t.Fatalf("first chunk: %q %v", buf, err)
			}
			if done.Load() {
				t.Error("the first chunk arrived only after the handler returned")
			}
			close(release)
			rest, _ := io.ReadAll(rd)
			if string(rest) != "second" {
				t.Errorf("rest %q", rest)
			}
			returned.Wait()
		})
	}
}

// TestRoutesListedWhileServingStarts lists the routes and describes them
// while the first requests freeze the router, and keeps registering until
// registration is refused: under -race nothing may be reported, and the
// matchers listed after serving are the final ones.
func TestRoutesListedWhileServingStarts(t *testing.T) {
	for round := 0; round < 5; round++ {
		app := NewApplication()
		ok := func(*Request) (Resp, error) { return &Response{Text: "ok"}, nil }
		app.Router.AddRoute("GET", "/a", ok)
		app.Router.AddRoute("GET", "/u/{name}", ok)
		app.Router.AddRoute("GET", `/n/{id:\d+}`, ok)
		app.Router.AddRoute("GET", "/x%41", ok) // non-canonical: falls back to regex at freeze
		addr := serve(t, app)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < 4; i++ {
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				for _, p := range []string{"/a", "/u/x", "/n/1"} {
					if got := rawDo(t, addr, "GET", p); got.Status != 200 {
						t.Errorf("%s: %d", p, got.Status)
					}
				}
			}()
			go func() {
				defer wg.Done()
				<-start
				for j := 0; j < 50; j++ {
					for _, r := range app.Router.Routes() {
						_ = r.String() + r.Matcher()
					}
				}
			}()
		}
		refused := make(chan string, 1)
		go func() {
			<-start
			for i := 0; ; i++ {
				msg := catchPanic(func() { app.Router.AddRoute("GET", fmt.Sprintf("/late/%d", i), ok) })
				if msg != "" {
					refused <- msg
					return
				}
				runtime.Gosched()
			}
		}()
		close(start)
		wg.Wait()
		if msg := <-refused; !strings.Contains(msg, "after the application started serving") {
			t.Errorf("late AddRoute: %q", msg)
		}
		for _, r := range app.Router.Routes() {
			if r.Pattern() == "/x%41" && r.Matcher() != MatcherRegex {
				t.Errorf("%s: matcher %s after freeze", r, r.Matcher())
			}
		}
	}
}

// TestContentLengthWithChunked pins net/http's handling of a request with
// both Content-Length and Transfer-Encoding: chunked, as doc.go describes
// it: read as chunked, Content-Length dropped before the handler, and the
// connection kept for the next pipelined request. If Go starts refusing or
// closing, this fails and the documentation must change.
func TestContentLengthWithChunked(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("POST", "/echo", func(req *Request) (Resp, error) {
		b, err := req.Read()
		if err != nil {
			return nil, err
		}
		return &Response{Text: fmt.Sprintf("%s cl=%d hdr=%q te=%v", b, req.ContentLength(), req.Header.Get("Content-Length"), req.HTTPRequest().TransferEncoding)}, nil
	})
	app.Router.AddRoute("GET", "/next", func(*Request) (Resp, error) { return &Response{Text: "next"}, nil })
	c, err := net.Dial("tcp", serve(t, app))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"+
		"GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(c)
	var bodies []string
	for i := 0; i < 2; i++ {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("response %d: %v (bodies so far %q)", i, err, bodies)
		}
		b, _ := io.ReadAll(resp.Body)
		bodies = append(bodies, fmt.Sprint(resp.StatusCode, " ", string(b)))
	}
	want := []string{`200 abc cl=-1 hdr="" te=[chunked]`, "200 next"}
	if !reflect.DeepEqual(bodies, want) {
		t.Errorf("got %q, want %q", bodies, want)
	}
}

// TestJSONAndExceptionErgonomics: JSONResponse's options (aiohttp's
// json_response status=, headers=, content_type=, dumps=), HTTPException's
// Error with its text, header maps usable at once, and req.JSON's 400s
// saying what was wrong (a wrong target is the program's 500).
func TestJSONAndExceptionErgonomics(t *testing.T) {
	r, err := JSONResponse(map[string]int{"a": 1}, JSONStatus(201), JSONHeaders(http.Header{"X-A": {"1"}}),
		JSONDumps(func(any) ([]byte, error) { return []byte(`{"custom":1}`), nil }))
	if err != nil || r.Status != 201 || r.Text != `{"custom":1}` || r.Headers.Get("X-A") != "1" {
		t.Errorf("JSONResponse options: %+v %v", r, err)
	}
	if _, err := JSONResponse(1, JSONHeaders(http.Header{"X-A": {"a\nb"}})); err == nil {
		t.Error("JSONResponse accepted a header with LF")
	}
	if _, err := JSONResponse(1, JSONStatus(42)); err == nil {
		t.Error("JSONResponse accepted status 42")
	}
	if r, _ := JSONResponse([]int{1}); r.Status != 0 || r.Text != "[1]" || r.ContentType != "application/json" {
		t.Errorf("JSONResponse(data): %+v", r)
	}
	for _, c := range []struct {
		e    *HTTPException
		want string
	}{
		{HTTPGone(), "410: Gone"},
		{HTTPGone(WithText("moved to the archive")), "410: Gone: moved to the archive"},
		{HTTPBadRequest(WithText("400: Bad Request: no name")), "400: Bad Request: no name"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
	e := HTTPUnauthorized()
	e.Headers.Add("WWW-Authenticate", `Basic realm="x"`) // no nil-map panic
	var plain Response
	plain.Header().Add("X-B", "1")
	if e.Headers.Get("Www-Authenticate") == "" || plain.Headers.Get("X-B") != "1" {
		t.Errorf("headers: %v %v", e.Headers, plain.Headers)
	}

	app := NewApplication()
	app.Router.AddRoute("POST", "/note", func(req *Request) (Resp, error) {
		var n struct {
			Title string `json:"title"`
			Stars int    `json:"stars"`
		}
		if err := req.JSON(&n); err != nil {
			return nil, err
		}
		return JSONResponse(n, JSONStatus(201))
	})
	app.Router.AddRoute("POST", "/bad-target", func(req *Request) (Resp, error) {
		var n struct{}
		return nil, req.JSON(n) // not a pointer: the program's mistake
	})
	addr := serve(t, app)
	post := func(path, body string) (int, string) {
		resp, err := http.Post("http://"+addr+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, c := range []struct {
		path, body string
		status     int
		want       string
	}{
		{"/note", `{"title":"a","stars":3}`, 201, `{"title":"a","stars":3}`},
		{"/note", ``, 400, "400: Bad Request: invalid JSON body: the body is empty"},
		{"/note", `{"title": x}`, 400, "400: Bad Request: invalid JSON body: invalid character 'x' looking for beginning of value at byte 11"},
		{"/note", `{"title":"a","stars":"many"}`, 400, `400: Bad Request: invalid JSON body: "stars" is a JSON string, want number (at byte 27)`},
		{"/note", `[1]`, 400, `400: Bad Request: invalid JSON body: the body is a JSON array, want object (at byte 1)`},
		{"/bad-target", `{}`, 500, internalErrorBody},
	} {
		if st, b := post(c.path, c.body); st != c.status || b != c.want {
			t.Errorf("%s %q: %d %q, want %d %q", c.path, c.body, st, b, c.status, c.want)
		}
	}
}
