// normalize_test.go tests NormalizePath: aiohttp 3.8.6's
// TestNormalizePathMiddleware (tests/test_web_middleware.py) translated case
// by case, and its interplay with sub-applications.

package aioweb

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// normalizeApp is the upstream "cli" fixture: five routes and the middleware.
func normalizeApp(t *testing.T, mw Middleware) string {
	t.Helper()
	ok := func(*Request) (Resp, error) { return &Response{Text: "OK"}, nil }
	app := NewApplication(WithMiddlewares(mw))
	app.Router.AddRoute("GET", "/resource1", ok)
	app.Router.AddRoute("GET", "/resource2/", ok)
	app.Router.AddRoute("GET", "/resource1/a/b", ok)
	app.Router.AddRoute("GET", "/resource2/a/b/", ok)
	app.Router.AddRoute("GET", "/resource2/a/b%2Fc/", ok)
	return serve(t, app)
}

type normCase struct {
	path   string
	status int
}

// checkNormalize GETs each path following redirects, as aiohttp's test
// client does, and checks the final status and that the query survived.
func checkNormalize(t *testing.T, addr string, cases []normCase) {
	t.Helper()
	for _, c := range cases {
		resp, err := http.Get("http://" + addr + c.path)
		if err != nil {
			t.Errorf("GET %s: %v", c.path, err)
			continue
		}
		resp.Body.Close()
		want, _ := url.Parse(c.path)
		if resp.StatusCode != c.status || resp.Request.URL.RawQuery != want.RawQuery {
			t.Errorf("GET %s: %d at %s, want %d with query %q", c.path, resp.StatusCode, resp.Request.URL, c.status, want.RawQuery)
		}
	}
}

func TestUpstream_web_middleware_test_add_trailing_when_necessary(t *testing.T) {
	addr := normalizeApp(t, NormalizePath(NormalizeMergeSlashes(false)))
	checkNormalize(t, addr, []normCase{
		{"/resource1", 200},
		{"/resource1/", 404},
		{"/resource2", 200},
		{"/resource2/", 200},
		{"/resource1?p1=1&p2=2", 200},
		{"/resource1/?p1=1&p2=2", 404},
		{"/resource2?p1=1&p2=2", 200},
		{"/resource2/?p1=1&p2=2", 200},
		{"/resource2/a/b%2Fc", 200},
		{"/resource2/a/b%2Fc/", 200},
	})
}

func TestUpstream_web_middleware_test_remove_trailing_when_necessary(t *testing.T) {
	addr := normalizeApp(t, NormalizePath(NormalizeAppendSlash(false), NormalizeRemoveSlash(true), NormalizeMergeSlashes(false)))
	checkNormalize(t, addr, []normCase{
		{"/resource1", 200},
		{"/resource1/", 200},
		{"/resource2", 404},
		{"/resource2/", 200},
		{"/resource1?p1=1&p2=2", 200},
		{"/resource1/?p1=1&p2=2", 200},
		{"/resource2?p1=1&p2=2", 404},
		{"/resource2/?p1=1&p2=2", 200},
		{"/resource2/a/b%2Fc", 404},
		{"/resource2/a/b%2Fc/", 200},
	})
}

func TestUpstream_web_middleware_test_no_trailing_slash_when_disabled(t *testing.T) {
	addr := normalizeApp(t, NormalizePath(NormalizeAppendSlash(false), NormalizeMergeSlashes(false)))
	checkNormalize(t, addr, []normCase{
		{"/resource1", 200},
		{"/resource1/", 404},
		{"/resource2", 404},
		{"/resource2/", 200},
		{"/resource1?p1=1&p2=2", 200},
		{"/resource1/?p1=1&p2=2", 404},
		{"/resource2?p1=1&p2=2", 404},
		{"/resource2/?p1=1&p2=2", 200},
		{"/resource2/a/b%2Fc", 404},
		{"/resource2/a/b%2Fc/", 200},
	})
}

func TestUpstream_web_middleware_test_merge_slash(t *testing.T) {
	addr := normalizeApp(t, NormalizePath(NormalizeAppendSlash(false)))
	checkNormalize(t, addr, []normCase{
		{"/resource1/a/b", 200},
		{"//resource1//a//b", 200},
		{"//resource1//a//b/", 404},
		{"///resource1//a//b", 200},
		{"/////resource1/a///b", 200},
		{"/////resource1/a//b/", 404},
		{"/resource1/a/b?p=1", 200},
		{"//resource1//a//b?p=1", 200},
		{"//resource1//a//b/?p=1", 404},
		{"///resource1//a//b?p=1", 200},
		{"/////resource1/a///b?p=1", 200},
		{"/////resource1/a//b/?p=1", 404},
	})
}

func TestUpstream_web_middleware_test_append_and_merge_slash(t *testing.T) {
	addr := normalizeApp(t, NormalizePath())
	checkNormalize(t, addr, []normCase{
		{"/resource1/a/b", 200},
		{"/resource1/a/b/", 404},
		{"//resource2//a//b", 200},
		{"//resource2//a//b/", 200},
		{"///resource1//a//b", 200},
		{"///resource1//a//b/", 404},
		{"/////resource1/a///b", 200},
		{"/////resource1/a///b/", 404},
		{"/resource2/a/b", 200},
		{"//resource2//a//b", 200},
		{"//resource2//a//b/", 200},
		{"///resource2//a//b", 200},
		{"///resource2//a//b/", 200},
		{"/////resource2/a///b", 200},
		{"/////resource2/a///b/", 200},
		{"/resource1/a/b?p=1", 200},
		{"/resource1/a/b/?p=1", 404},
		{"//resource2//a//b?p=1", 200},
		{"//resource2//a//b/?p=1", 200},
		{"///resource1//a//b?p=1", 200},
		{"///resource1//a//b/?p=1", 404},
		{"/////resource1/a///b?p=1", 200},
		{"/////resource1/a///b/?p=1", 404},
		{"/resource2/a/b?p=1", 200},
		{"//resource2//a//b?p=1", 200},
		{"//resource2//a//b/?p=1", 200},
		{"///resource2//a//b?p=1", 200},
		{"///resource2//a//b/?p=1", 200},
		{"/////resource2/a///b?p=1", 200},
		{"/////resource2/a///b/?p=1", 200},
	})
}

func TestUpstream_web_middleware_test_remove_and_merge_slash(t *testing.T) {
	addr := normalizeApp(t, NormalizePath(NormalizeAppendSlash(false), NormalizeRemoveSlash(true)))
	checkNormalize(t, addr, []normCase{
		{"/resource1/a/b", 200},
		{"/resource1/a/b/", 200},
		{"//resource2//a//b", 404},
		{"//resource2//a//b/", 200},
		{"///resource1//a//b", 200},
		{"///resource1//a//b/", 200},
		{"/////resource1/a///b", 200},
		{"/////resource1/a///b/", 200},
		{"/////resource1/a///b///", 200},
		{"/resource2/a/b", 404},
		{"//resource2//a//b", 404},
		{"//resource2//a//b/", 200},
		{"///resource2//a//b", 404},
		{"///resource2//a//b/", 200},
		{"/////resource2/a///b", 404},
		{"/////resource2/a///b/", 200},
		{"/resource1/a/b?p=1", 200},
		{"/resource1/a/b/?p=1", 200},
		{"//resource2//a//b?p=1", 404},
		{"//resource2//a//b/?p=1", 200},
		{"///resource1//a//b?p=1", 200},
		{"///resource1//a//b/?p=1", 200},
		{"/////resource1/a///b?p=1", 200},
		{"/////resource1/a///b/?p=1", 200},
		{"/resource2/a/b?p=1", 404},
		{"//resource2//a//b?p=1", 404},
		{"//resource2//a//b/?p=1", 200},
		{"///resource2//a//b?p=1", 404},
		{"///resource2//a//b/?p=1", 200},
		{"/////resource2/a///b?p=1", 404},
		{"/////resource2/a///b/?p=1", 200},
	})
}

func TestUpstream_web_middleware_test_cannot_remove_and_add_slash(t *testing.T) {
	if msg := catchPanic(func() { NormalizePath(NormalizeAppendSlash(true), NormalizeRemoveSlash(true)) }); !strings.Contains(msg, "cannot both remove and append") {
		t.Errorf("panic %q", msg)
	}
}

func TestUpstream_web_middleware_test_open_redirects(t *testing.T) {
	for _, c := range []struct{ appendSlash, removeSlash bool }{{true, false}, {false, true}, {false, false}} {
		fail := func(*Request) (Resp, error) {
			t.Errorf("append=%v remove=%v: handler matched unexpectedly", c.appendSlash, c.removeSlash)
			return &Response{}, nil
		}
		app := NewApplication(WithMiddlewares(NormalizePath(NormalizeAppendSlash(c.appendSlash), NormalizeRemoveSlash(c.removeSlash))))
		app.Router.AddRoutes(Get("/", fail), Get("/google.com", fail))
		got := rawDo(t, serve(t, app), "GET", "//google.com")
		if got.Status != 308 || got.Header.Get("Location") != "/google.com" {
			t.Errorf("append=%v remove=%v: %d Location %q", c.appendSlash, c.removeSlash, got.Status, got.Header.Get("Location"))
		}
	}
}

// TestNormalizePathSubapp checks the middleware in a parent and in a
// sub-application: a path inside the sub-app that resolves only with a
// slash added redirects from either, with the query; a path that resolves
// nowhere stays 404; 405 and the redirect class are honoured.
func TestNormalizePathSubapp(t *testing.T) {
	ok := func(req *Request) (Resp, error) { return &Response{Text: "OK " + req.Path}, nil }
	for _, where := range []string{"parent", "sub", "inner"} {
		inner := NewApplication()
		sub := NewApplication()
		app := NewApplication()
		switch where {
		case "parent":
			app = NewApplication(WithMiddlewares(NormalizePath(NormalizeRedirect(HTTPFound))))
		case "sub":
			sub = NewApplication(WithMiddlewares(NormalizePath(NormalizeRedirect(HTTPFound))))
		case "inner":
			inner = NewApplication(WithMiddlewares(NormalizePath(NormalizeRedirect(HTTPFound))))
		}
		inner.Router.AddRoute("GET", "/deep/", ok)
		sub.Router.AddRoute("GET", "/users/", ok)
		sub.Router.AddRoute("POST", "/form/", ok)
		sub.AddSubapp("/in", inner)
		app.Router.AddRoute("GET", "/top/", ok)
		app.AddSubapp("/admin", sub)
		addr := serve(t, app)
		for _, c := range []struct {
			path, loc string
			status    int
		}{
			{"/admin/users?x=1", "/admin/users/?x=1", 302},
			{"/admin//users", "/admin/users/", 302},
			{"/admin/in/deep", "/admin/in/deep/", 302},
			{"/admin/nothing", "", 404},
			{"/top", "/top/", 302},
			{"/admin/form", "", 404}, // POST only: GET does not resolve there
		} {
			if where != "parent" && c.path == "/top" {
				c.loc, c.status = "", 404 // only the parent's router has /top/
			}
			if where == "inner" && c.path != "/admin/in/deep" && c.path != "/top" {
				c.loc, c.status = "", 404 // only the inner app's paths are redirected
			}
			got := rawDo(t, addr, "GET", c.path)
			if got.Status != c.status || got.Header.Get("Location") != c.loc {
				t.Errorf("%s: GET %s: %d Location %q, want %d %q", where, c.path, got.Status, got.Header.Get("Location"), c.status, c.loc)
			}
		}
		if where != "inner" {
			got := rawDo(t, addr, "POST", "/admin/form", "Content-Length: 0")
			if got.Status != 302 || got.Header.Get("Location") != "/admin/form/" {
				t.Errorf("%s: POST /admin/form: %d %q", where, got.Status, got.Header.Get("Location"))
			}
		}
	}
}
