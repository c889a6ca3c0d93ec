// web_functional_routes_test.go translates the routing cases of aiohttp
// 3.8.6's tests/test_web_functional.py: sub-applications (serving, reverse
// URLs through redirects, 404/405, middleware order across nesting) and
// add_routes.

package aioweb

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func okText(*Request) (Resp, error) { return &Response{Text: "OK"}, nil }

// subappGet serves app and GETs path, following redirects as aiohttp's
// client does.
func subappGet(t *testing.T, app *Application, path string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get("http://" + serve(t, app) + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestUpstream_web_functional_test_simple_subapp(t *testing.T) {
	app, sub := NewApplication(), NewApplication()
	sub.Router.AddGet("/to", okText)
	app.AddSubapp("/path", sub)
	if resp, body := subappGet(t, app, "/path/to"); resp.StatusCode != 200 || body != "OK" {
		t.Errorf("%d %q", resp.StatusCode, body)
	}
}

func TestUpstream_web_functional_test_subapp_reverse_url(t *testing.T) {
	app, sub := NewApplication(), NewApplication()
	sub.Router.AddGet("/to", func(*Request) (Resp, error) {
		u, err := sub.Router.Named("name").URL(nil, nil)
		if err != nil {
			return nil, err
		}
		return nil, HTTPMovedPermanently(u)
	})
	sub.Router.AddGet("/final", okText, WithName("name"))
	app.AddSubapp("/path", sub)
	if resp, body := subappGet(t, app, "/path/to"); resp.StatusCode != 200 || body != "OK" || resp.Request.URL.Path != "/path/final" {
		t.Errorf("%d %q at %s", resp.StatusCode, body, resp.Request.URL)
	}
}

func TestUpstream_web_functional_test_subapp_reverse_variable_url(t *testing.T) {
	app, sub := NewApplication(), NewApplication()
	sub.Router.AddGet("/to", func(*Request) (Resp, error) {
		u, err := sub.Router.Named("name").URL(Parts{"part": "final"}, nil)
		if err != nil {
			return nil, err
		}
		return nil, HTTPMovedPermanently(u)
	})
	sub.Router.AddGet("/{part}", okText, WithName("name"))
	app.AddSubapp("/path", sub)
	if resp, body := subappGet(t, app, "/path/to"); resp.StatusCode != 200 || body != "OK" || resp.Request.URL.Path != "/path/final" {
		t.Errorf("%d %q at %s", resp.StatusCode, body, resp.Request.URL)
	}
}

func TestUpstream_web_functional_test_subapp_reverse_static_url(t *testing.T) {
	dir := t.TempDir()
	png := []byte("\x89PNG not really")
	os.WriteFile(filepath.Join(dir, "aiohttp.png"), png, 0o644)
	app, sub := NewApplication(), NewApplication()
	sub.Router.AddGet("/to", func(*Request) (Resp, error) {
		u, err := sub.Router.Named("name").URL(Parts{"filename": "aiohttp.png"}, nil)
		if err != nil {
			return nil, err
		}
		return nil, HTTPMovedPermanently(u)
	})
	sub.Router.AddStatic("/static", dir, StaticName("name"))
	app.AddSubapp("/path", sub)
	if resp, body := subappGet(t, app, "/path/to"); resp.StatusCode != 200 || body != string(png) || resp.Request.URL.Path != "/path/static/aiohttp.png" {
		t.Errorf("%d %q at %s", resp.StatusCode, body, resp.Request.URL)
	}
}

func TestUpstream_web_functional_test_subapp_app(t *testing.T) {
	app, sub := NewApplication(), NewApplication()
	sub.Router.AddGet("/to", func(req *Request) (Resp, error) {
		if req.App != sub {
			return nil, HTTPInternalServerError()
		}
		return &Response{Text: "OK"}, nil
	})
	app.AddSubapp("/path/", sub)
	if resp, body := subappGet(t, app, "/path/to"); resp.StatusCode != 200 || body != "OK" {
		t.Errorf("%d %q", resp.StatusCode, body)
	}
}

func TestUpstream_web_functional_test_subapp_not_found(t *testing.T) {
	// and test_subapp_not_found2, test_subapp_not_allowed
	app, sub := NewApplication(), NewApplication()
	sub.Router.AddGet("/to", okText)
	app.AddSubapp("/path/", sub)
	addr := serve(t, app)
	if got := rawDo(t, addr, "GET", "/path/other"); got.Status != 404 {
		t.Errorf("not found: %d", got.Status)
	}
	if got := rawDo(t, addr, "GET", "/invalid/other"); got.Status != 404 {
		t.Errorf("not found 2: %d", got.Status)
	}
	if got := rawDo(t, addr, "POST", "/path/to", "Content-Length: 0"); got.Status != 405 || got.Allow != "GET,HEAD" {
		t.Errorf("not allowed: %d %q", got.Status, got.Allow)
	}
}

func TestUpstream_web_functional_test_subapp_middlewares(t *testing.T) {
	var order []string
	factory := func(tag string) Middleware {
		return func(app *Application, h Handler) (Handler, error) {
			return func(req *Request) (Resp, error) {
				order = append(order, "1"+tag)
				resp, err := h(req)
				order = append(order, "2"+tag)
				return resp, err
			}, nil
		}
	}
	app := NewApplication(WithMiddlewares(factory("app")))
	sub1 := NewApplication(WithMiddlewares(factory("sub1")))
	sub2 := NewApplication(WithMiddlewares(factory("sub2")))
	sub2.Router.AddGet("/to", okText)
	sub1.AddSubapp("/b/", sub2)
	app.AddSubapp("/a/", sub1)
	if got := rawDo(t, serve(t, app), "GET", "/a/b/to"); got.Status != 200 || strings.Join(order, ",") != "1app,1sub1,1sub2,2sub2,2sub1,2app" {
		t.Errorf("%d, order %v", got.Status, order)
	}
}

func TestUpstream_web_functional_test_app_add_routes(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoutes(Get("/get", nop))
	if got := rawDo(t, serve(t, app), "GET", "/get"); got.Status != 200 {
		t.Errorf("%d", got.Status)
	}
}
