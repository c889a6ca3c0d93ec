// server_test.go tests the server side of the core: panics under load,
// error logging, RunApp's start and graceful shutdown, lifecycle hooks, and
// mounting the Application inside another net/http router.

package aioweb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"
)

func TestPanicsUnderLoad(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/n/{i:\\d+}", func(req *Request) (Resp, error) {
		var i int
		fmt.Sscan(req.MatchInfo["i"], &i)
		if i%10 == 0 {
			panic(fmt.Sprintf("handler %d panics", i))
		}
		return &Response{Text: req.MatchInfo["i"]}, nil
	})
	url := serveURL(t, app)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1000}}
	var wg sync.WaitGroup
	var ok, failed atomic.Int64
	start := make(chan struct{})
	for i := 0; i < 1000; i++ { // 1,000 requests in flight at once
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			resp, err := client.Get(fmt.Sprintf("%s/n/%d", url, i))
			if err != nil {
				t.Errorf("request %d: %v", i, err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch {
			case i%10 == 0 && resp.StatusCode == 500 && string(b) == internalErrorBody:
				failed.Add(1)
			case i%10 != 0 && resp.StatusCode == 200 && string(b) == fmt.Sprint(i):
				ok.Add(1)
			default:
				t.Errorf("request %d: %d %q", i, resp.StatusCode, b)
			}
		}(i)
	}
	close(start)
	wg.Wait()
	if ok.Load() != 900 || failed.Load() != 100 {
		t.Errorf("ok %d, 500s %d; want 900 and 100", ok.Load(), failed.Load())
	}
	if got := rawDo(t, strings.TrimPrefix(url, "http://"), "GET", "/n/7"); got.Status != 200 {
		t.Errorf("server not serving after the panics: %d", got.Status)
	}
}

func TestErrorsAreLoggedWithoutLeakingDetail(t *testing.T) {
	logger, buf := bufferLogger()
	app := NewApplication(WithLogger(logger))
	app.Router.AddRoute("GET", "/err", func(*Request) (Resp, error) { return nil, errors.New("db password wrong") })
	app.Router.AddRoute("GET", "/panic", func(*Request) (Resp, error) { panic("secret state") })
	addr := serve(t, app)
	for _, p := range []string{"/err", "/panic"} {
		got := rawDo(t, addr, "GET", p)
		if got.Status != 500 || got.Body != internalErrorBody {
			t.Errorf("%s: %d %q", p, got.Status, got.Body)
		}
	}
	log := buf.String()
	for _, want := range []string{"db password wrong", "panic: secret state", "stack=", "server_test.go", "path=/panic"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

func TestDeadlineExceededIs504(t *testing.T) {
	// aiohttp 3.8 answers a handler's asyncio.TimeoutError with 504; a Go
	// handler's context.DeadlineExceeded, however wrapped, is the same
	// thing. Middlewares still see the error; other errors stay 500.
	logger, buf := bufferLogger()
	var seen error
	mw := MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
		resp, err := h(req)
		seen = err
		return resp, err
	})
	app := NewApplication(WithLogger(logger), WithMiddlewares(mw))
	app.Router.AddGet("/wrapped", func(*Request) (Resp, error) {
		return nil, fmt.Errorf("query users: %w", context.DeadlineExceeded)
	})
	app.Router.AddGet("/ctx", func(req *Request) (Resp, error) {
		ctx, cancel := context.WithTimeout(req.Context(), time.Millisecond)
		defer cancel()
		<-ctx.Done()
		return nil, ctx.Err()
	})
	app.Router.AddGet("/panic", func(*Request) (Resp, error) { panic(context.DeadlineExceeded) })
	app.Router.AddGet("/canceled", func(*Request) (Resp, error) { return nil, context.Canceled })
	addr := serve(t, app)
	for _, c := range []struct {
		path   string
		status int
		body   string
	}{
		{"/wrapped", 504, "504: Gateway Timeout"},
		{"/ctx", 504, "504: Gateway Timeout"},
		{"/panic", 504, "504: Gateway Timeout"},
		{"/canceled", 500, internalErrorBody},
	} {
		seen = nil
		got := rawDo(t, addr, "GET", c.path)
		if got.Status != c.status || got.Body != c.body {
			t.Errorf("%s: %d %q; want %d %q", c.path, got.Status, got.Body, c.status, c.body)
		}
		if seen == nil {
			t.Errorf("%s: the middleware did not see the error", c.path)
		}
	}
	if log := buf.String(); !strings.Contains(log, "query users: context deadline exceeded") {
		t.Errorf("the 504's cause was not logged:\n%s", log)
	}
}

func TestRunAppServesAndDrains(t *testing.T) {
	var order []string
	var mu sync.Mutex
	note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
	app := NewApplication()
	slow := addSlowRoute(app, nil)
	app.OnShutdown(func(context.Context) error { note("shutdown1"); return nil })
	app.OnShutdown(func(context.Context) error { note("shutdown2"); return errors.New("hook failed") })
	app.OnCleanup(func(context.Context) error { note("cleanup1"); return nil })
	app.OnCleanup(func(context.Context) error { note("cleanup2"); return nil })

	var out bytes.Buffer
	addr, cancel, done := runInBackground(t, app, RunOutput(&out), RunShutdownTimeout(5*time.Second))
	got := slow.get(addr)
	cancel() // like SIGINT while a request is in flight
	select {
	case <-app.Closing():
	case <-time.After(30 * time.Second):
		t.Fatal("Closing not closed")
	}
	// RunApp closes the listener before it runs the shutdown hooks (which
	// close Closing): no wait needed.
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Error("still accepting connections during shutdown")
	}
	close(slow.release)
	if b := <-got; b != "finished" {
		t.Errorf("in-flight request got %q", b)
	}
	err := <-done
	if err == nil || !strings.Contains(err.Error(), "hook failed") {
		t.Errorf("RunApp returned %v; want the hook error", err)
	}
	if want := "serving on " + addr + "\n"; out.String() != want {
		t.Errorf("printed %q, want %q", out.String(), want)
	}
	if s := strings.Join(order, ","); s != "shutdown1,shutdown2,cleanup1,cleanup2" {
		t.Errorf("hooks ran %s", s)
	}
}

func TestRunAppDrainTimeout(t *testing.T) {
	app := NewApplication()
	block := make(chan struct{})
	defer close(block)
	started := make(chan struct{})
	app.Router.AddRoute("GET", "/stuck", func(req *Request) (Resp, error) {
		close(started)
		select {
		case <-block:
		case <-req.Context().Done():
		}
		return &Response{}, nil
	})
	addr, cancel, done := runInBackground(t, app, RunShutdownTimeout(200*time.Millisecond))
	go http.Get("http://" + addr + "/stuck")
	<-started
	t0 := time.Now()
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Error("RunApp reported a clean shutdown with a stuck handler")
		}
		// The handler never returns by itself: RunApp returning at all
		// shows the drain timeout; the bound leaves a loaded machine
		// room while still far below anything but the 200ms.
		if d := time.Since(t0); d > 10*time.Second {
			t.Errorf("shutdown took %v with a 200ms drain timeout", d)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("RunApp did not return after its drain timeout")
	}
}

func TestMountedUnderStripPrefix(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/greet/{name}", func(req *Request) (Resp, error) {
		return &Response{Text: "Hello, " + req.MatchInfo["name"]}, nil
	})
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", app))
	mux.HandleFunc("/other", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "other") })
	srv := serveHandler(t, mux)
	for _, c := range []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/api/greet/bob", 200, "Hello, bob"},
		{"GET", "/api/greet/a%20b", 200, "Hello, a b"},
		{"POST", "/api/greet/bob", 405, "405: Method Not Allowed"},
		{"GET", "/api/nope", 404, "404: Not Found"},
		{"GET", "/other", 200, "other"},
	} {
		got := rawDo(t, srv, c.method, c.path)
		if got.Status != c.status || got.Body != c.body {
			t.Errorf("%s %s: %d %q", c.method, c.path, got.Status, got.Body)
		}
	}
}

// TestHTTP2 mounts the Application in a TLS server that speaks HTTP/2 (aiohttp
// does not): routing, errors, panics and streaming work as over HTTP/1.1;
// net/http consumes Expect itself, so the expect handler does not run;
// WebSocket upgrades get aiohttp's 400.
func TestHTTP2(t *testing.T) {
	app := NewApplication()
	var expectRan atomic.Bool
	app.Router.AddGet("/", func(*Request) (Resp, error) { return &Response{Text: "hi"}, nil })
	app.Router.AddPost("/echo", func(req *Request) (Resp, error) {
		b, err := req.Read()
		if err != nil {
			return nil, err
		}
		return &Response{Body: b}, nil
	}, WithExpectHandler(func(req *Request) (Resp, error) {
		expectRan.Store(true)
		return HTTPForbidden(), nil
	}))
	app.Router.AddGet("/panic", func(*Request) (Resp, error) { panic("boom") })
	app.Router.AddGet("/ws", func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		return ws, nil
	})
	app.Router.AddGet("/stream", func(req *Request) (Resp, error) {
		s := NewStreamResponse(200)
		if err := s.Prepare(req); err != nil {
			return nil, err
		}
		io.WriteString(s, "a")
		io.WriteString(s, "b")
		return s, nil
	})
	srv := httptest.NewUnstartedServer(app)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()

	type result struct {
		status      int
		body, allow string
	}
	do := func(method, path, body string, hdr ...string) result {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, srv.URL+path, rd)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		if resp.ProtoMajor != 2 {
			t.Fatalf("%s %s: answered over %s, not HTTP/2", method, path, resp.Proto)
		}
		b, _ := io.ReadAll(resp.Body)
		return result{resp.StatusCode, string(b), resp.Header.Get("Allow")}
	}
	for _, c := range []struct {
		method, path, body string
		hdr                []string
		want               result
	}{
		{"GET", "/", "", nil, result{200, "hi", ""}},
		{"DELETE", "/", "", nil, result{405, "405: Method Not Allowed", "GET,HEAD"}},
		{"GET", "/nope", "", nil, result{404, "404: Not Found", ""}},
		{"POST", "/echo", "payload", []string{"Expect", "100-continue"}, result{200, "payload", ""}},
		{"GET", "/panic", "", nil, result{500, "500 Internal Server Error\n\nServer got itself in trouble", ""}},
		{"GET", "/stream", "", nil, result{200, "ab", ""}},
		{"GET", "/ws", "", nil, result{400, "No WebSocket UPGRADE hdr: None\n Can \"Upgrade\" only to \"WebSocket\".", ""}},
		{"GET", "/", "", nil, result{200, "hi", ""}},
	} {
		if got := do(c.method, c.path, c.body, c.hdr...); got != c.want {
			t.Errorf("%s %s over HTTP/2: %+v, want %+v", c.method, c.path, got, c.want)
		}
	}
	if expectRan.Load() {
		t.Error("the expect handler ran over HTTP/2, where net/http hides the Expect header: update the docs")
	}
}

// TestRunAppShutdownOrder runs a real server with an in-flight request and a
// WebSocket in a sub-app and checks aiohttp's order: stop accepting →
// on_shutdown hooks (WebSockets closed with 1001) → drain, hijacked
// connections included → cleanup → return.
func TestRunAppShutdownOrder(t *testing.T) {
	var mu sync.Mutex
	var events []string
	note := func(s string) { mu.Lock(); events = append(events, s); mu.Unlock() }
	wsRelease, wsUp := make(chan struct{}), make(chan struct{})

	app := NewApplication()
	slowReq := addSlowRoute(app, func() { note("slow handler returns") })
	live := NewApplication()
	live.Router.AddGet("/ws", func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		close(wsUp)
		for m := ws.Receive(req.Context()); m.Type != MsgClose && m.Type != MsgClosed && m.Type != MsgError; m = ws.Receive(req.Context()) {
		}
		<-wsRelease // still busy after the close: the drain must wait
		note("ws handler returns")
		return ws, nil
	})
	live.OnShutdown(func(context.Context) error { note("live shutdown"); return nil })
	app.AddSubapp("/live", live)
	var addr string
	app.OnShutdown(func(context.Context) error {
		note("shutdown")
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			note("still accepting during on_shutdown")
		}
		note(fmt.Sprintf("in flight %d/%d", app.InFlight(), live.InFlight()))
		close(slowReq.release)
		return nil
	})
	app.OnCleanup(func(context.Context) error {
		note(fmt.Sprintf("cleanup, %d in flight", app.InFlight()))
		return nil
	})

	addr, cancel, done := runInBackground(t, app, RunShutdownTimeout(30*time.Second))
	slow := slowReq.get(addr)
	c := dial(t, "ws://"+addr+"/live/ws", nil)
	<-wsUp
	wsEnd := make(chan error, 1)
	go func() {
		_, _, err := c.Read(ctx5())
		wsEnd <- err
	}()

	cancel() // like SIGTERM
	if b := <-slow; b != "finished" {
		t.Errorf("in-flight request got %q", b)
	}
	// The HTTP connections are drained; the hijacked one is not, and net/http
	// does not track it: RunApp must still be waiting for its handler.
	select {
	case err := <-done:
		t.Fatalf("RunApp returned (%v) while a WebSocket handler was running", err)
	case <-time.After(300 * time.Millisecond):
	}
	close(wsRelease)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunApp: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("RunApp did not return")
	}
	note("RunApp returned")
	if err := <-wsEnd; websocket.CloseStatus(err) != websocket.StatusGoingAway {
		t.Errorf("WebSocket client: %v; want close 1001", err)
	}
	mu.Lock()
	got := slices.Clone(events)
	mu.Unlock()
	want := []string{"live shutdown", "shutdown", "in flight 2/1", "slow handler returns",
		"ws handler returns", "cleanup, 0 in flight", "RunApp returned"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
}

func TestRunAppStartupFailure(t *testing.T) {
	var events []string // startup runs in RunApp's goroutine; read after it returns
	app := NewApplication()
	app.Router.AddGet("/", func(*Request) (Resp, error) { return &Response{Text: "served"}, nil })
	app.CleanupCtx(func(context.Context) (func(context.Context) error, error) {
		events = append(events, "pool opened")
		return func(context.Context) error { events = append(events, "pool closed"); return nil }, nil
	})
	app.OnStartup(func(context.Context) error { events = append(events, "startup1"); return nil })
	app.OnStartup(func(context.Context) error {
		events = append(events, "startup2")
		return errors.New("migration failed")
	})
	app.OnStartup(func(context.Context) error { events = append(events, "startup3"); return nil })
	app.OnShutdown(func(context.Context) error { events = append(events, "shutdown"); return nil })
	app.OnCleanup(func(context.Context) error { events = append(events, "cleanup"); return nil })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- RunApp(app, "", RunListener(ln), RunOutput(&out)) }()
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("RunApp did not return after a failing startup hook")
	}
	if err == nil || err.Error() != "migration failed" {
		t.Errorf("RunApp returned %v", err)
	}
	if s := strings.Join(events, ","); s != "pool opened,startup1,startup2,pool closed" {
		t.Errorf("events %s", s)
	}
	if out.Len() != 0 {
		t.Errorf("printed %q", out.String())
	}
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Error("the listener is still open")
	}
}

// TestRunAppHookAndDrainBoundsAreSeparate: an OnShutdown hook that uses its
// whole bound leaves the drain its own.
func TestRunAppHookAndDrainBoundsAreSeparate(t *testing.T) {
	const bound = 3 * time.Second // the drain's own share must cover a loaded machine
	app := NewApplication()
	slow := addSlowRoute(app, nil)
	var hookDeadline bool
	app.OnShutdown(func(ctx context.Context) error {
		_, hookDeadline = ctx.Deadline()
		<-ctx.Done() // a slow hook: takes all its time
		close(slow.release)
		return nil
	})
	var cleanupErr error
	app.OnCleanup(func(ctx context.Context) error { cleanupErr = ctx.Err(); return nil })
	addr, cancel, done := runInBackground(t, app, RunHookTimeout(bound), RunShutdownTimeout(bound))
	got := slow.get(addr)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("RunApp: %v; the drain must not share the hooks' deadline", err)
	}
	if b := <-got; b != "finished" {
		t.Errorf("in-flight request got %q", b)
	}
	if !hookDeadline || cleanupErr != nil {
		t.Errorf("hook context has a deadline: %v; cleanup context error: %v", hookDeadline, cleanupErr)
	}
}

func TestRunAppBusyAddressRunsNoHook(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	app := NewApplication()
	ran := false
	app.OnStartup(func(context.Context) error { ran = true; return nil })
	err = RunApp(app, busy.Addr().String(), RunOutput(nil))
	if err == nil || !strings.Contains(err.Error(), "address already in use") || ran {
		t.Errorf("RunApp on a busy address: %v; startup hook ran: %v", err, ran)
	}
}

// slowRequest is a GET /slow route whose handler, once a request is in
// flight, waits for release before answering "finished": the in-flight
// request that the shutdown tests stop a server around.
type slowRequest struct {
	started, release chan struct{}
}

// addSlowRoute registers GET /slow on app; after, when not nil, runs as
// the handler returns.
func addSlowRoute(app *Application, after func()) *slowRequest {
	s := &slowRequest{started: make(chan struct{}), release: make(chan struct{})}
	app.Router.AddGet("/slow", func(*Request) (Resp, error) {
		close(s.started)
		<-s.release
		if after != nil {
			after()
		}
		return &Response{Text: "finished"}, nil
	})
	return s
}

// get sends GET /slow to addr in the background and returns once the
// handler is running; the channel gets the body, or the error's text.
func (s *slowRequest) get(addr string) <-chan string {
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/slow")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-s.started
	return got
}

// runInBackground runs app with RunApp on a fresh local listener, printing
// nothing unless opts say otherwise, and returns its address, the cancel
// that stops it (like SIGINT) and the channel RunApp's result arrives on.
func runInBackground(t *testing.T, app *Application, opts ...RunOption) (addr string, cancel func(), done <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch := make(chan error, 1)
	opts = append([]RunOption{RunContext(ctx), RunListener(ln), RunOutput(nil)}, opts...)
	go func() { ch <- RunApp(app, "", opts...) }()
	return ln.Addr().String(), cancel, ch
}
