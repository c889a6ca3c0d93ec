// review_test.go holds regression tests from the hostile review of main:
// what a hook or a goroutine outliving its handler may do without touching
// other requests.

package aioweb

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestPrepareHookInPlaceEditStaysInItsResponse: a hook that edits a header
// value in place (h[k][0] += ...) changes its own response only. aioweb puts
// shared constant slices in the writer's map (text/plain, Content-Length 0,
// the 500's Connection: close); before the fix each request's edit went into
// the constant, so the third response carried the suffix three times and
// concurrent requests raced.
func TestPrepareHookInPlaceEditStaysInItsResponse(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/text", func(req *Request) (Resp, error) { return &Response{Text: "ok"}, nil })
	app.Router.AddRoute("GET", "/empty", func(req *Request) (Resp, error) { return &Response{Status: 200}, nil })
	app.Router.AddRoute("GET", "/fail", func(req *Request) (Resp, error) { return nil, errors.New("boom") })
	app.OnResponsePrepare(func(req *Request, r PreparedResponse) error {
		for _, k := range []string{"Content-Type", "Content-Length", "Connection"} {
			if v := r.Header[k]; len(v) == 1 {
				v[0] += "x"
			}
		}
		return nil
	})
	url := "http://" + serve(t, app)
	get := func(path string) http.Header {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.Header
	}
	for i := range 3 {
		if got := get("/text").Get("Content-Type"); got != "text/plain; charset=utf-8x" {
			t.Errorf("/text #%d: Content-Type %q, want the hook's one suffix", i, got)
		}
		if got := get("/fail").Get("Content-Type"); got != "text/plain; charset=utf-8x" {
			t.Errorf("/fail #%d: Content-Type %q, want the hook's one suffix", i, got)
		}
		get("/empty")
	}
	if hdrTextPlain[0] != "text/plain; charset=utf-8" || hdrClose[0] != "close" || hdrZero[0] != "0" || hdr500Length[0] != strconv.Itoa(len(internalErrorBody)) {
		t.Errorf("shared header constants changed: %q %q %q %q", hdrTextPlain, hdrClose, hdrZero, hdr500Length)
	}
}

// TestRetainedRequestReadAfterReturn: a handler may hand req to a goroutine
// that reads its fields after the handler returned; sending the response
// must not write them (it wrote req.App around the OnResponsePrepare hooks:
// DATA RACE under -race).
func TestRetainedRequestReadAfterReturn(t *testing.T) {
	if !raceEnabled {
		t.Skip("a race: meaningful under -race")
	}
	app := NewApplication()
	var wg sync.WaitGroup
	app.Router.AddRoute("GET", "/x/{name}", func(req *Request) (Resp, error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, _ = req.App, req.MatchInfo["name"], req.Route
			_ = req.Method + req.Path + req.Header.Get("X")
		}()
		return &Response{Text: "ok"}, nil
	})
	app.OnResponsePrepare(func(*Request, PreparedResponse) error { return nil })
	url := "http://" + serve(t, app)
	for range 5 {
		resp, err := http.Get(url + "/x/a")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	wg.Wait()
}

// TestRetainedRequestThroughHTTPMiddleware: the same with an HTTPMiddleware
// in the chain, which restored req.Header after its next handler returned
// even when the middleware passed the same headers (DATA RACE under -race).
// A middleware passing other headers still has them seen inside and the
// original ones outside.
func TestRetainedRequestThroughHTTPMiddleware(t *testing.T) {
	var wg sync.WaitGroup
	outerSaw := make(chan string, 1)
	outer := func(app *Application, next Handler) (Handler, error) {
		return func(req *Request) (Resp, error) {
			resp, err := next(req)
			outerSaw <- req.Header.Get("X-Added") + "|" + req.Header.Get("X-In")
			return resp, err
		}, nil
	}
	app := NewApplication(WithMiddlewares(outer, HTTPMiddleware(func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/clone/a" {
				r = r.Clone(r.Context())
				r.Header.Set("X-Added", "yes")
			}
			h.ServeHTTP(w, r)
		})
	})))
	handler := func(req *Request) (Resp, error) {
		seen := req.Header.Get("X-Added") + "|" + req.Header.Get("X-In")
		if req.Path == "/same/a" { // a clone's headers are set back (documented)
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = req.Header.Get("X-In")
			}()
		}
		return &Response{Text: seen}, nil
	}
	app.Router.AddRoute("GET", "/same/{name}", handler)
	app.Router.AddRoute("GET", "/clone/{name}", handler)
	url := "http://" + serve(t, app)
	for range 3 {
		for _, c := range []struct{ path, inner, outer string }{{"/same/a", "|in", "|in"}, {"/clone/a", "yes|in", "|in"}} {
			r, _ := http.NewRequest("GET", url+c.path, nil)
			r.Header.Set("X-In", "in")
			resp, err := http.DefaultClient.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if saw := <-outerSaw; string(b) != c.inner || saw != c.outer {
				t.Errorf("%s: handler saw %q, outer middleware %q; want %q, %q", c.path, b, saw, c.inner, c.outer)
			}
		}
	}
	wg.Wait()
}

// TestRunAppStartupPanicTearsDown: a startup step that panics is a bug the
// panic reports, but what had started is torn down first, as after an
// error, and RunApp's listener is closed (before the fix: no teardown, and
// the port stayed bound for the process that recovered).
func TestRunAppStartupPanicTearsDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	app := NewApplication()
	tornDown := false
	app.CleanupCtx(func(context.Context) (func(context.Context) error, error) {
		return func(context.Context) error { tornDown = true; return nil }, nil
	})
	app.OnStartup(func(context.Context) error { panic("startup bug") })
	v := func() (v any) {
		defer func() { v = recover() }()
		RunApp(app, "", RunListener(ln), RunOutput(nil))
		return nil
	}()
	if v != "startup bug" {
		t.Fatalf("RunApp: recovered %v, want the startup step's panic", v)
	}
	if !tornDown {
		t.Error("the cleanup context set up before the panic was not torn down")
	}
	if c, err := net.DialTimeout("tcp", addr, 5*time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after RunApp panicked", addr)
	}
}
