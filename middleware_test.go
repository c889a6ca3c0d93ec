// middleware_test.go tests middleware factories: order, route errors
// travelling through them, answering without the handler, and factory errors.

package aioweb

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// appender is the text-appending middleware of aiohttp's own tests.
func appender(tag string) Middleware {
	return func(app *Application, h Handler) (Handler, error) {
		return func(req *Request) (Resp, error) {
			resp, err := h(req)
			if r, ok := resp.(*Response); ok && err == nil {
				r.Text += tag
			}
			return resp, err
		}, nil
	}
}

func TestMiddlewareOrder(t *testing.T) {
	// aiohttp tests/test_web_middleware.py: [m1, m2] gives "OK[2][1]".
	app := NewApplication(WithMiddlewares(appender("[1]"), appender("[2]")))
	app.Router.AddRoute("GET", "/", func(*Request) (Resp, error) { return &Response{Text: "OK"}, nil })
	if got := rawDo(t, serve(t, app), "GET", "/"); got.Body != "OK[2][1]" {
		t.Errorf("body %q, want OK[2][1]", got.Body)
	}
}

func TestRouteErrorsReachMiddlewares(t *testing.T) {
	var seen []string
	custom404 := func(app *Application, h Handler) (Handler, error) {
		return func(req *Request) (Resp, error) {
			resp, err := h(req)
			var exc *HTTPException
			if errors.As(err, &exc) {
				seen = append(seen, exc.Error())
				if exc.Status == 404 {
					return &Response{Status: 404, Text: "<h1>nothing at " + req.Path + "</h1>", ContentType: "text/html"}, nil
				}
				req.ResponseHeader().Set("X-MW", "exc-"+exc.Error()[:3])
			}
			return resp, err
		}, nil
	}
	app := NewApplication(WithMiddlewares(custom404))
	app.Router.AddRoute("GET", "/only-get", infoHandler(0))
	addr := serve(t, app)
	got := rawDo(t, addr, "GET", "/missing")
	if got.Status != 404 || got.Body != "<h1>nothing at /missing</h1>" || got.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("custom 404: %d %q %q", got.Status, got.Body, got.Header.Get("Content-Type"))
	}
	got = rawDo(t, addr, "POST", "/only-get")
	if got.Status != 405 || got.Header.Get("X-MW") != "exc-405" || got.Allow != "GET" {
		t.Errorf("405 through middleware: %d %v", got.Status, got.Header)
	}
	if strings.Join(seen, ";") != "404: Not Found;405: Method Not Allowed" {
		t.Errorf("middleware saw %q", seen)
	}
}

func TestMiddlewareAnswersWithoutHandler(t *testing.T) {
	called := false
	auth := MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
		if req.Header.Get("Authorization") == "" {
			return nil, HTTPForbidden()
		}
		return h(req)
	})
	app := NewApplication(WithMiddlewares(auth))
	app.Router.AddRoute("GET", "/", func(*Request) (Resp, error) { called = true; return &Response{Text: "secret"}, nil })
	addr := serve(t, app)
	if got := rawDo(t, addr, "GET", "/"); got.Status != 403 || called {
		t.Errorf("got %d, handler called %v", got.Status, called)
	}
	if got := rawDo(t, addr, "GET", "/", "Authorization: yes"); got.Status != 200 || got.Body != "secret" {
		t.Errorf("authorized: %d %q", got.Status, got.Body)
	}
}

func TestMiddlewareTurnsErrorIntoResponse(t *testing.T) {
	// aiohttp tests: a handler's RuntimeError becomes a 501 response.
	mw := MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
		resp, err := h(req)
		if err != nil {
			return &Response{Status: 501, Text: "error: " + err.Error()}, nil
		}
		return resp, nil
	})
	app := NewApplication(WithMiddlewares(mw))
	app.Router.AddRoute("GET", "/", func(*Request) (Resp, error) { return nil, errors.New("boom") })
	if got := rawDo(t, serve(t, app), "GET", "/"); got.Status != 501 || got.Body != "error: boom" {
		t.Errorf("got %d %q", got.Status, got.Body)
	}
}

func TestMiddlewareFactoryErrors(t *testing.T) {
	bad := func(app *Application, h Handler) (Handler, error) { return nil, errors.New("no database") }
	app := NewApplication(WithMiddlewares(bad))
	app.Router.AddRoute("GET", "/", infoHandler(0))
	if _, err := app.MakeHandler(); err == nil || !strings.Contains(err.Error(), "no database") {
		t.Errorf("MakeHandler error = %v", err)
	}
	if got := rawDo(t, serve(t, app), "GET", "/"); got.Status != 500 {
		t.Errorf("serving a broken app: %d", got.Status)
	}
	nilMW := func(app *Application, h Handler) (Handler, error) { return nil, nil }
	app = NewApplication(WithMiddlewares(nilMW))
	if _, err := app.MakeHandler(); err == nil || !strings.Contains(err.Error(), "nil handler") {
		t.Errorf("nil handler factory: %v", err)
	}
}

func TestMiddlewareSeesPanicsAsErrors(t *testing.T) {
	// A panicked HTTPException is aiohttp's raise: middlewares see it.
	var got error
	mw := MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
		resp, err := h(req)
		got = err
		return resp, err
	})
	app := NewApplication(WithMiddlewares(mw))
	app.Router.AddRoute("GET", "/", func(*Request) (Resp, error) { panic(HTTPGone()) })
	app.Router.AddRoute("GET", "/boom", func(*Request) (Resp, error) { panic("boom") })
	addr := serve(t, app)
	if r := rawDo(t, addr, "GET", "/"); r.Status != http.StatusGone || !errors.Is(got, HTTPGone()) {
		t.Errorf("status %d, middleware saw %v", r.Status, got)
	}
	var pe *PanicError
	if r := rawDo(t, addr, "GET", "/boom"); r.Status != 500 || !errors.As(got, &pe) || pe.Value != "boom" || len(pe.Stack) == 0 {
		t.Errorf("status %d, middleware saw %#v", r.Status, got)
	}
}
