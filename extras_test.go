// extras_test.go covers smaller API pieces: per-request values, the URI
// limit option, the server options of RunApp, StreamResponse cookies and
// JSONResponse errors.

package aioweb

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestRequestValuesShareBetweenMiddlewareAndHandler(t *testing.T) {
	mw := MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
		if req.Get("user") != nil {
			return nil, HTTPInternalServerError()
		}
		req.Set("user", "alice")
		return h(req)
	})
	app := NewApplication(WithMiddlewares(mw))
	app.Router.AddRoute("GET", "/", func(req *Request) (Resp, error) {
		u, _ := req.Get("user").(string)
		return &Response{Text: "hi " + u}, nil
	})
	if got := rawDo(t, serve(t, app), "GET", "/"); got.Status != 200 || got.Body != "hi alice" {
		t.Errorf("got %d %q", got.Status, got.Body)
	}
}

func TestMaxURILengthOption(t *testing.T) {
	for _, c := range []struct {
		limit  int
		target string
		status int
	}{
		{20, "/v/" + strings.Repeat("a", 10), 200},
		{20, "/v/" + strings.Repeat("a", 30), 414},
		{-1, "/v/" + strings.Repeat("a", 9000), 200}, // no limit
		{0, "/v/" + strings.Repeat("a", 9000), 414},  // the default, 8190
	} {
		app := NewApplication(WithMaxURILength(c.limit))
		app.Router.AddRoute("GET", "/v/{x}", func(req *Request) (Resp, error) { return &Response{Text: "ok"}, nil })
		if got := rawDo(t, serve(t, app), "GET", c.target); got.Status != c.status {
			t.Errorf("limit %d, %d-byte target: %d, want %d", c.limit, len(c.target), got.Status, c.status)
		}
	}
}

func TestRunAppServerConfig(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/", func(*Request) (Resp, error) { return &Response{Text: "ok"}, nil })
	if s := NewServer(app, ":1"); s.ReadHeaderTimeout != DefaultReadHeaderTimeout || s.IdleTimeout != DefaultIdleTimeout ||
		s.MaxHeaderBytes != DefaultMaxHeaderBytes || s.Handler != app {
		t.Errorf("NewServer: %+v", s)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	configured := make(chan *http.Server, 1)
	done := make(chan error, 1)
	go func() {
		done <- RunApp(app, "", RunContext(ctx), RunListener(ln), RunOutput(nil),
			RunServerConfig(func(s *http.Server) { s.MaxHeaderBytes = 1024; configured <- s }))
	}()
	<-configured
	// A header block over the configured 1 KiB (+ net/http's 4 KiB slack) is
	// refused. The listener is open already: the connection waits in its
	// backlog until Serve accepts it, with the configuration in place.
	got := rawDo(t, ln.Addr().String(), "GET", "/", "X-Big: "+strings.Repeat("b", 8<<10))
	if got.Status != 431 {
		t.Errorf("big header with MaxHeaderBytes 1024: %d", got.Status)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("RunApp: %v", err)
	}
}

func TestStreamResponseCookiesAndJSONErrors(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/s", func(req *Request) (Resp, error) {
		s := NewStreamResponse(200)
		if err := s.SetCookie(&http.Cookie{Name: "a", Value: "1"}); err != nil {
			return nil, err
		}
		if err := s.DelCookie("old", "/x"); err != nil {
			return nil, err
		}
		if err := s.Prepare(req); err != nil {
			return nil, err
		}
		if s.SetCookie(&http.Cookie{Name: "late", Value: "1"}) != ErrAlreadyPrepared {
			return nil, HTTPInternalServerError()
		}
		s.Write([]byte("body"))
		return s, nil
	})
	app.Router.AddRoute("GET", "/json", func(req *Request) (Resp, error) {
		return JSONResponse(map[string]any{"f": func() {}}) // cannot be encoded
	})
	addr := serve(t, app)
	got := rawDo(t, addr, "GET", "/s")
	if cs := got.Header.Values("Set-Cookie"); got.Body != "body" || len(cs) != 2 || cs[0] != "a=1; Path=/" ||
		!strings.HasPrefix(cs[1], "old=; Path=/x; Expires=Thu, 01 Jan 1970") {
		t.Errorf("stream cookies: %q %q", got.Body, cs)
	}
	if got := rawDo(t, addr, "GET", "/json"); got.Status != 500 {
		t.Errorf("unencodable JSON: %d", got.Status)
	}
	if l := HTTPSeeOther("/next").Location(); l != "/next" {
		t.Errorf("Location() = %q", l)
	}
}
