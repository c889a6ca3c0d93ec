// signals_test.go tests OnResponsePrepare over real sockets: every response
// kind with the status the hook sees, header edits, a shared exception under
// concurrency, sub-applications (checked against aiohttp 3.8.4's order),
// failing hooks and registration rules.

package aioweb

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"
)

// prepareLog records what prepare hooks saw, per request path.
type prepareLog struct {
	mu   sync.Mutex
	seen map[string][]string
}

func (l *prepareLog) add(path, what string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string][]string{}
	}
	l.seen[path] = append(l.seen[path], what)
}

func (l *prepareLog) take(path string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.seen[path]
	delete(l.seen, path)
	return s
}

// TestPrepareEveryKind: one hook adds X-Content-Type-Options to every kind
// of response and sees the status that goes out (206, 304, 101, ...).
func TestPrepareEveryKind(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(file, []byte("hello world"), 0o644); err != nil {
		t.Fatal(err)
	}
	var log prepareLog
	app := NewApplication()
	app.OnResponsePrepare(func(req *Request, resp PreparedResponse) error {
		resp.Header.Set("X-Content-Type-Options", "nosniff")
		log.add(req.HTTPRequest().URL.Path, strings.Join([]string{resp.Kind.String(), http.StatusText(resp.Status)}, " "))
		return nil
	})
	r := &app.Router
	r.AddGet("/resp", func(*Request) (Resp, error) { return &Response{Text: "x"}, nil })
	r.AddGet("/json", func(*Request) (Resp, error) { return JSONResponse(map[string]int{"a": 1}) })
	r.AddGet("/stream", func(req *Request) (Resp, error) {
		s := NewStreamResponse(202)
		if err := s.Prepare(req); err != nil {
			return nil, err
		}
		s.Write([]byte("chunk"))
		return s, nil
	})
	r.AddGet("/stream-returned", func(*Request) (Resp, error) { return NewStreamResponse(0), nil })
	r.AddGet("/file", func(*Request) (Resp, error) { return &FileResponse{Path: file}, nil })
	r.AddGet("/file-missing", func(*Request) (Resp, error) { return &FileResponse{Path: file + ".nope"}, nil })
	r.AddStatic("/static", dir)
	r.AddGet("/returned", func(*Request) (Resp, error) { return HTTPFound("/resp"), nil })
	r.AddGet("/raised", func(*Request) (Resp, error) { return nil, HTTPGone() })
	r.AddGet("/panicked", func(*Request) (Resp, error) { panic(HTTPConflict()) })
	r.AddGet("/error", func(*Request) (Resp, error) { return nil, errors.New("boom") })
	r.AddGet("/panic", func(*Request) (Resp, error) { panic("boom") })
	r.AddGet("/raw", func(req *Request) (Resp, error) {
		io.WriteString(req.ResponseWriter(), "raw")
		return Sent, nil
	})
	r.AddGet("/wrapped", WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})))
	r.AddGet("/ws", func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		ws.Close()
		return ws, nil
	})
	addr := serve(t, app)

	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	lastMod := st.ModTime().UTC().Format(http.TimeFormat)
	long := "/" + strings.Repeat("a", DefaultMaxURILength+1)
	for _, c := range []struct {
		method, target string
		extra          []string
		status         int
		want           string // the hook's view: kind and status text
	}{
		{"GET", "/resp", nil, 200, "Response OK"},
		{"GET", "/json", nil, 200, "Response OK"},
		{"GET", "/stream", nil, 202, "StreamResponse Accepted"},
		{"GET", "/stream-returned", nil, 200, "StreamResponse OK"},
		{"GET", "/file", []string{"Range: bytes=0-4"}, 206, "FileResponse Partial Content"},
		{"GET", "/file", nil, 200, "FileResponse OK"},
		{"GET", "/file-missing", nil, 404, "HTTPException Not Found"},
		{"GET", "/static/f.txt", []string{"Range: bytes=6-"}, 206, "FileResponse Partial Content"},
		{"GET", "/static/f.txt", []string{"If-Modified-Since: " + lastMod}, 304, "FileResponse Not Modified"},
		{"GET", "/static/f.txt", []string{"Range: bytes=50-60"}, 416, "FileResponse Requested Range Not Satisfiable"},
		{"GET", "/static/nope.txt", nil, 404, "HTTPException Not Found"},
		{"GET", "/returned", nil, 302, "HTTPException Found"},
		{"GET", "/raised", nil, 410, "HTTPException Gone"},
		{"GET", "/panicked", nil, 409, "HTTPException Conflict"},
		{"GET", "/missing", nil, 404, "HTTPException Not Found"},
		{"POST", "/resp", nil, 405, "HTTPException Method Not Allowed"},
		{"GET", "/error", nil, 500, "internal error Internal Server Error"},
		{"GET", "/panic", nil, 500, "internal error Internal Server Error"},
		{"GET", "/raw", nil, 200, "writer OK"},
		{"GET", "/wrapped", nil, 418, "writer I'm a teapot"},
	} {
		got := rawDo(t, addr, c.method, c.target, c.extra...)
		if got.Status != c.status || got.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s: %d %v", c.method, c.target, got.Status, got.Header)
		}
		if seen := log.take(c.target); !reflect.DeepEqual(seen, []string{c.want}) {
			t.Errorf("%s %s: hook saw %q, want %q", c.method, c.target, seen, c.want)
		}
	}
	// 414: the hook gets the request too (aiohttp's parser answers 400
	// before any application code, so it signals nothing there).
	got := rawDo(t, addr, "GET", long)
	if got.Status != 414 || got.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("414: %d %v", got.Status, got.Header)
	}
	if seen := log.take(long); !reflect.DeepEqual(seen, []string{"HTTPException Request URI Too Long"}) {
		t.Errorf("414: hook saw %q", seen)
	}

	// The WebSocket 101, with a real client.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, "ws://"+addr+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	if resp.StatusCode != 101 || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("101: %d %v", resp.StatusCode, resp.Header)
	}
	if seen := log.take("/ws"); !reflect.DeepEqual(seen, []string{"WebSocketResponse Switching Protocols"}) {
		t.Errorf("/ws: hook saw %q", seen)
	}
	// A handshake the WebSocket refuses is an exception's 400.
	if got := rawDo(t, addr, "GET", "/ws"); got.Status != 400 || got.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("/ws without upgrade: %d %v", got.Status, got.Header)
	}
	if seen := log.take("/ws"); !reflect.DeepEqual(seen, []string{"HTTPException Bad Request"}) {
		t.Errorf("/ws without upgrade: hook saw %q", seen)
	}
}

// TestPrepareEditsHeaders: hooks set, replace and delete the response's
// own headers and ResponseHeader's; a later hook sees an earlier one's
// edits; the handler's shared value is untouched.
func TestPrepareEditsHeaders(t *testing.T) {
	shared := &Response{Text: "x", Headers: http.Header{"X-Internal": {"secret"}, "Cache-Control": {"max-age=60"}}}
	app := NewApplication(WithMiddlewares(MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
		req.ResponseHeader().Set("X-Debug", "1")
		return h(req)
	})))
	app.OnResponsePrepare(func(req *Request, resp PreparedResponse) error {
		resp.Header.Del("X-Internal")
		resp.Header.Del("X-Debug")
		resp.Header.Set("Cache-Control", "no-store")
		resp.Header.Add("Vary", "Cookie")
		return nil
	})
	app.OnResponsePrepare(func(req *Request, resp PreparedResponse) error {
		resp.Header.Set("X-Seen-Cache", resp.Header.Get("Cache-Control"))
		return nil
	})
	app.Router.AddGet("/", func(*Request) (Resp, error) { return shared, nil })
	addr := serve(t, app)
	got := rawDo(t, addr, "GET", "/")
	h := got.Header
	if got.Status != 200 || got.Body != "x" || h.Get("X-Internal") != "" || h.Get("X-Debug") != "" ||
		h.Get("Cache-Control") != "no-store" || h.Get("Vary") != "Cookie" || h.Get("X-Seen-Cache") != "no-store" {
		t.Errorf("%d %q %v", got.Status, got.Body, h)
	}
	want := http.Header{"X-Internal": {"secret"}, "Cache-Control": {"max-age=60"}}
	if d := cmp.Diff(want, shared.Headers); d != "" {
		t.Errorf("shared response changed (-want +got):\n%s", d)
	}
}

// TestPrepareSharedExceptionConcurrent: many requests return one
// *HTTPException while a hook rewrites the outgoing headers; the exception
// stays as it was (run with -race).
func TestPrepareSharedExceptionConcurrent(t *testing.T) {
	mk := func() *HTTPException {
		return HTTPForbidden(WithText("no"), WithHeaders(http.Header{"X-Reason": {"policy"}}))
	}
	errForbidden := mk()
	app := NewApplication()
	app.OnResponsePrepare(func(req *Request, resp PreparedResponse) error {
		resp.Header.Set("X-Reason", req.Header.Get("X-N"))
		resp.Header.Add("X-Reason", "hook")
		resp.Header.Del("Content-Type")
		resp.Header.Set("Content-Type", "text/plain; charset=utf-8")
		return nil
	})
	app.Router.AddGet("/returned", func(*Request) (Resp, error) { return errForbidden, nil })
	app.Router.AddGet("/raised", func(*Request) (Resp, error) { return nil, errForbidden })
	addr := serve(t, app)
	client := &http.Client{Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := "/returned"
			if i%2 == 1 {
				path = "/raised"
			}
			req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
			n := strings.Repeat("n", i%7+1)
			req.Header.Set("X-N", n)
			resp, err := client.Do(req)
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 403 || string(body) != "no" || !reflect.DeepEqual(resp.Header.Values("X-Reason"), []string{n, "hook"}) {
				errs <- errors.New(path + ": " + resp.Status + " " + string(body) + " " + strings.Join(resp.Header.Values("X-Reason"), ","))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if !reflect.DeepEqual(errForbidden, mk()) {
		t.Errorf("shared exception changed: %+v", errForbidden)
	}
}

// TestPrepareSubapps: the hooks of every application from the root to the
// handling sub-application run, root first, with req.App the handling
// application, for its responses and its 404/405 (aiohttp 3.8.4 gives the
// same lists: root; root, sub; root, sub, sub2).
func TestPrepareSubapps(t *testing.T) {
	var log prepareLog
	names := map[*Application]string{}
	hook := func(name string) PrepareHook {
		return func(req *Request, resp PreparedResponse) error {
			log.add(req.HTTPRequest().URL.Path, name+"@"+names[req.App])
			resp.Header.Add("X-Hooks", name)
			return nil
		}
	}
	ok := func(*Request) (Resp, error) { return &Response{Text: "ok"}, nil }
	root, sub, sub2, dom := NewApplication(), NewApplication(), NewApplication(), NewApplication()
	names[root], names[sub], names[sub2], names[dom] = "root", "sub", "sub2", "dom"
	dom.Router.AddGet("/d", ok)
	sub2.Router.AddGet("/x", ok)
	sub.Router.AddGet("/ok", ok)
	sub.Router.AddGet("/stream", func(req *Request) (Resp, error) {
		s := NewStreamResponse(0)
		if err := s.Prepare(req); err != nil {
			return nil, err
		}
		return s, nil
	})
	sub.Router.AddGet("/boom", func(*Request) (Resp, error) { return nil, errors.New("boom") })
	sub.AddSubapp("/s2", sub2)
	root.Router.AddGet("/ok", ok)
	root.AddSubapp("/sub", sub)
	root.AddDomain("example.com", dom)
	// Registered after mounting, before serving: allowed, as in aiohttp.
	root.OnResponsePrepare(hook("root"))
	sub.OnResponsePrepare(hook("sub"))
	sub2.OnResponsePrepare(hook("sub2"))
	dom.OnResponsePrepare(hook("dom"))
	addr := serve(t, root)
	for _, c := range []struct {
		method, path string
		status       int
		want         []string
	}{
		{"GET", "/ok", 200, []string{"root@root"}},
		{"GET", "/nope", 404, []string{"root@root"}},
		{"GET", "/sub/ok", 200, []string{"root@sub", "sub@sub"}},
		{"GET", "/sub/stream", 200, []string{"root@sub", "sub@sub"}},
		{"GET", "/sub/nope", 404, []string{"root@sub", "sub@sub"}},
		{"POST", "/sub/ok", 405, []string{"root@sub", "sub@sub"}},
		{"GET", "/sub/boom", 500, []string{"root@sub", "sub@sub"}},
		{"GET", "/sub/s2/x", 200, []string{"root@sub2", "sub@sub2", "sub2@sub2"}},
		{"GET", "/sub/s2/nope", 404, []string{"root@sub2", "sub@sub2", "sub2@sub2"}},
	} {
		got := rawDo(t, addr, c.method, c.path)
		var hooks []string
		for _, w := range c.want {
			hooks = append(hooks, strings.Split(w, "@")[0])
		}
		if got.Status != c.status || !reflect.DeepEqual(got.Header.Values("X-Hooks"), hooks) {
			t.Errorf("%s %s: %d %v", c.method, c.path, got.Status, got.Header)
		}
		if d := cmp.Diff(c.want, log.take(c.path)); d != "" {
			t.Errorf("%s %s: hooks saw (-want +got):\n%s", c.method, c.path, d)
		}
	}
	// AddDomain's sub-application, chosen by Host.
	for host, want := range map[string][]string{"example.com": {"root@dom", "dom@dom"}, "other.org": {"root@root"}} {
		req, _ := http.NewRequest("GET", "http://"+addr+"/d", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if d := cmp.Diff(want, log.take("/d")); d != "" {
			t.Errorf("Host %s: hooks saw (-want +got):\n%s", host, d)
		}
	}
}

// TestPrepareHookFails: a failing (or panicking) hook gets a logged plain
// 500 with Connection: close instead of the response, without the
// response's headers but with an outer handler's; StreamResponse.Prepare
// reports it; a WebSocket does not upgrade; a hook failing on the 500
// itself still lets the 500 out.
func TestPrepareHookFails(t *testing.T) {
	logger, logs := bufferLogger()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	app := NewApplication(WithLogger(logger))
	var calls prepareLog
	app.OnResponsePrepare(func(req *Request, resp PreparedResponse) error {
		calls.add(req.Path, http.StatusText(resp.Status))
		resp.Header.Set("X-Hooked", "1")
		switch {
		case req.Path == "/panic":
			panic("hook panic")
		case req.Path == "/error" && resp.Status != 500:
			return nil
		case strings.HasPrefix(req.Path, "/fail") || req.Path == "/static/f.txt" || req.Path == "/error":
			return errors.New("hook says no")
		}
		return nil
	})
	var prepErr error
	app.Router.AddGet("/fail", func(*Request) (Resp, error) {
		return &Response{Text: "secret", Headers: http.Header{"Set-Cookie": {"s=1"}, "Location": {"/x"}}}, nil
	})
	app.Router.AddGet("/panic", func(*Request) (Resp, error) { return &Response{Text: "secret"}, nil })
	app.Router.AddGet("/fail-stream", func(req *Request) (Resp, error) {
		s := NewStreamResponse(0)
		prepErr = s.Prepare(req)
		if _, err := s.Write([]byte("secret")); err == nil {
			t.Error("Write after a failed prepare succeeded")
		}
		return nil, prepErr
	})
	app.Router.AddGet("/fail-ws", func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		return ws, nil
	})
	app.Router.AddGet("/error", func(*Request) (Resp, error) { return nil, errors.New("handler failed") })
	app.Router.AddStatic("/static", dir)
	addr := serveHandler(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "abc")
		app.ServeHTTP(w, r)
	}))
	for _, path := range []string{"/fail", "/panic", "/fail-stream", "/static/f.txt", "/error"} {
		got := rawDo(t, addr, "GET", path)
		h := got.Header
		if got.Status != 500 || got.Body != internalErrorBody || !got.Close || h.Get("X-Request-Id") != "abc" ||
			h.Get("Set-Cookie") != "" || h.Get("Location") != "" || h.Get("X-Hooked") != "" || h.Get("Etag") != "" {
			t.Errorf("%s: %d %q %v", path, got.Status, got.Body, h)
		}
	}
	if !errors.Is(prepErr, ErrPrepareHook) || !strings.Contains(prepErr.Error(), "hook says no") {
		t.Errorf("StreamResponse.Prepare returned %v", prepErr)
	}
	// The hooks ran once per response (not again for the failure's 500);
	// for the handler error, once for the 500 itself.
	for path, want := range map[string][]string{
		"/fail": {"OK"}, "/panic": {"OK"}, "/fail-stream": {"OK"}, "/static/f.txt": {"OK"}, "/error": {"Internal Server Error"},
	} {
		if d := cmp.Diff(want, calls.take(path)); d != "" {
			t.Errorf("%s: hooks saw (-want +got):\n%s", path, d)
		}
	}
	// A WebSocket whose 101 a hook refuses gets the 500, not an upgrade.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, "ws://"+addr+"/fail-ws", nil)
	if err == nil {
		conn.CloseNow()
		t.Fatal("upgraded despite the failing hook")
	}
	if resp == nil || resp.StatusCode != 500 {
		t.Errorf("/fail-ws: %v %v", resp, err)
	}
	l := logs.String()
	for _, want := range []string{"hook says no", "hook panic", "handler failed"} {
		if !strings.Contains(l, want) {
			t.Errorf("log lacks %q:\n%s", want, l)
		}
	}
	// The stream's and the WebSocket's handlers return the hook's error:
	// logged once.
	for _, p := range []string{"/fail-stream", "/fail-ws"} {
		if n := strings.Count(l, "path="+p+" "); n != 1 {
			t.Errorf("%s logged %d times:\n%s", p, n, l)
		}
	}
}

// TestPrepareRegistration: a nil hook panics; so does registering on an
// application, or a sub-application of one, that serves already.
func TestPrepareRegistration(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	nop := func(*Request, PreparedResponse) error { return nil }
	root, sub := NewApplication(), NewApplication()
	mustPanic("nil", func() { root.OnResponsePrepare(nil) })
	root.AddSubapp("/sub", sub)
	sub.OnResponsePrepare(nop) // mounted, not serving: fine
	if _, err := root.MakeHandler(); err != nil {
		t.Fatal(err)
	}
	mustPanic("root after freeze", func() { root.OnResponsePrepare(nop) })
	mustPanic("sub after freeze", func() { sub.OnResponsePrepare(nop) })
	if len(root.prepareHooks) != 0 || len(sub.prepareHooks) != 1 {
		t.Errorf("hooks: root %d, sub %d", len(root.prepareHooks), len(sub.prepareHooks))
	}
}

// TestPrepareNotForInterim: 100 Continue (from an expect handler) and a
// 103 written through ResponseWriter are not signalled; the final response
// is, once, and an expect handler's refusal is too.
func TestPrepareNotForInterim(t *testing.T) {
	var log prepareLog
	app := NewApplication()
	app.OnResponsePrepare(func(req *Request, resp PreparedResponse) error {
		log.add(req.Path, resp.Kind.String()+" "+http.StatusText(resp.Status))
		resp.Header.Set("X-Hooked", "1")
		return nil
	})
	app.Router.AddRoute("POST", "/guarded", echoBody, WithExpectHandler(checkAuth))
	app.Router.AddGet("/hints", func(req *Request) (Resp, error) {
		w := req.ResponseWriter()
		w.Header().Set("Link", "</style.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		io.WriteString(w, "final")
		return Sent, nil
	})
	addr := serve(t, app)
	if got := expectExchange(t, addr, "HTTP/1.1", "/guarded", []string{"Expect: 100-continue", "Authorization: x"}, "hello"); !got.interim || got.status != 200 || got.body != "hello" {
		t.Errorf("guarded with auth: %+v", got)
	}
	if seen := log.take("/guarded"); !reflect.DeepEqual(seen, []string{"Response OK"}) {
		t.Errorf("guarded with auth: hooks saw %q", seen)
	}
	if got := expectExchange(t, addr, "HTTP/1.1", "/guarded", []string{"Expect: 100-continue"}, "hello"); got.interim || got.status != 403 {
		t.Errorf("guarded without auth: %+v", got)
	}
	if seen := log.take("/guarded"); !reflect.DeepEqual(seen, []string{"HTTPException Forbidden"}) {
		t.Errorf("guarded without auth: hooks saw %q", seen)
	}
	// net/http's client reads past the 103.
	resp, err := http.Get("http://" + addr + "/hints")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "final" || resp.Header.Get("X-Hooked") != "1" {
		t.Errorf("/hints: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if seen := log.take("/hints"); !reflect.DeepEqual(seen, []string{"writer OK"}) {
		t.Errorf("/hints: hooks saw %q", seen)
	}
}
