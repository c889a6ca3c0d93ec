// resources_test.go tests route introspection and registration edges:
// aiohttp 3.8.6's tests/test_urldispatch.py cases on resources, views,
// get_info, canonical, sub-application resources and registration errors,
// translated case by case (named after the upstream test).

package aioweb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func nop(*Request) (Resp, error) { return &Response{Text: "nop"}, nil }

// fillRoutes is the upstream fill_routes fixture.
func fillRoutes(t *testing.T, rt *Router) []*Route {
	_, www := staticTree(t)
	r1 := rt.AddRoute("GET", "/plain", nop)
	r2 := rt.AddRoute("GET", "/variable/{name}", nop)
	st := rt.AddStatic("/static", www)
	return append([]*Route{r1, r2}, st.Resource().Routes()...)
}

func TestUpstream_urldispatch_test_routes_view_len(t *testing.T) {
	app := NewApplication()
	fillRoutes(t, &app.Router)
	if n := len(app.Router.Routes()); n != 4 {
		t.Errorf("len(Routes()) = %d, want 4", n)
	}
	app.MakeHandler() // freezing adds nothing to the listing
	if n := len(app.Router.Routes()); n != 4 {
		t.Errorf("after freezing: len(Routes()) = %d, want 4", n)
	}
}

func TestUpstream_urldispatch_test_routes_view_iter(t *testing.T) {
	app := NewApplication()
	routes := fillRoutes(t, &app.Router)
	if got := app.Router.Routes(); !slices.Equal(got, routes) {
		t.Errorf("Routes() = %v, want %v", got, routes)
	}
}

func TestUpstream_urldispatch_test_routes_view_contains(t *testing.T) {
	app := NewApplication()
	for _, r := range fillRoutes(t, &app.Router) {
		if !slices.Contains(app.Router.Routes(), r) {
			t.Errorf("%v not in Routes()", r)
		}
	}
}

func TestUpstream_urldispatch_test_named_resources(t *testing.T) {
	_, www := staticTree(t)
	var rt Router
	r1 := rt.AddRoute("GET", "/plain", nop, WithName("route1"))
	r2 := rt.AddRoute("GET", "/variable/{name}", nop, WithName("route2"))
	r3 := rt.AddStatic("/static", www, StaticName("route3"))
	named := rt.NamedResources()
	if len(named) != 3 {
		t.Fatalf("len(NamedResources()) = %d, want 3", len(named))
	}
	for _, r := range []*Route{r1, r2, r3} {
		if named[r.Name()] != r.Resource() || r.Resource() == nil {
			t.Errorf("NamedResources()[%q] = %v, want %v", r.Name(), named[r.Name()], r.Resource())
		}
	}
	delete(named, "route1") // a copy: the router keeps its own
	if len(rt.NamedResources()) != 3 {
		t.Error("NamedResources is not a copy")
	}
}

// test_len, test_iter and test_contains count and list the named resources.
func TestUpstream_urldispatch_test_len(t *testing.T) {
	var rt Router
	rt.AddRoute("GET", "/get1", nop, WithName("name1"))
	rt.AddRoute("GET", "/get2", nop, WithName("name2"))
	rt.AddRoute("GET", "/{path}/{subpath}", nop)
	named := rt.NamedResources()
	if len(named) != 2 || named["name1"] == nil || named["name2"] == nil || named["name3"] != nil {
		t.Errorf("NamedResources() = %v", named)
	}
}

func TestUpstream_urldispatch_test_resource_iter(t *testing.T) {
	var rt Router
	r1 := rt.AddRoute("GET", "/path", nop)
	r2 := rt.AddRoute("POST", "/path", nop)
	res := r1.Resource()
	if r2.Resource() != res || !slices.Equal(res.Routes(), []*Route{r1, r2}) || len(rt.Resources()) != 1 {
		t.Errorf("resource routes %v, resources %v", res.Routes(), rt.Resources())
	}
}

func TestUpstream_urldispatch_test_error_on_double_route_adding(t *testing.T) {
	var rt Router
	rt.AddRoute("GET", "/path", nop)
	msg := catchPanic(func() { rt.AddRoute("GET", "/path", nop) })
	if !strings.Contains(msg, "Added route will never be executed, method GET is already registered") {
		t.Errorf("panic %q", msg)
	}
	if len(rt.Routes()) != 1 || len(rt.routes) != 1 {
		t.Errorf("the refused route was kept: %v", rt.Routes())
	}
	// AddGet registers HEAD too: a later HEAD route on the path is refused.
	rt.AddGet("/g", nop)
	if msg := catchPanic(func() { rt.AddRoute("HEAD", "/g", nop) }); !strings.Contains(msg, "method HEAD is already registered") {
		t.Errorf("HEAD after AddGet: panic %q", msg)
	}
}

func TestUpstream_urldispatch_test_error_on_adding_route_after_wildcard(t *testing.T) {
	var rt Router
	rt.AddRoute("*", "/path", nop)
	msg := catchPanic(func() { rt.AddRoute("GET", "/path", nop) })
	if !strings.Contains(msg, "Added route will never be executed, method * is already registered") {
		t.Errorf("panic %q", msg)
	}
}

// infoOf serves a request and returns the matched route's resource Info.
func infoOf(t *testing.T, pattern, path string) ResourceInfo {
	t.Helper()
	var got ResourceInfo
	app := NewApplication()
	app.Router.AddRoute("GET", pattern, func(req *Request) (Resp, error) {
		got = req.Route.Resource().Info()
		return &Response{}, nil
	})
	if r := rawDo(t, serve(t, app), "GET", path); r.Status != 200 {
		t.Fatalf("GET %s: %d", path, r.Status)
	}
	return got
}

func TestUpstream_urldispatch_test_match_info_get_info_plain(t *testing.T) {
	if info := infoOf(t, "/", "/"); info != (ResourceInfo{Path: "/"}) {
		t.Errorf("Info() = %+v", info)
	}
}

func TestUpstream_urldispatch_test_match_info_get_info_dynamic(t *testing.T) {
	info := infoOf(t, "/{a}", "/value")
	if info.Formatter != "/{a}" || info.Path != "" || info.Pattern == nil {
		t.Fatalf("Info() = %+v", info)
	}
	if m := info.Pattern.FindStringSubmatch("/value"); m == nil || m[info.Pattern.SubexpIndex("a")] != "value" || info.Pattern.MatchString("/a/b") {
		t.Errorf("Pattern %v: %q", info.Pattern, m)
	}
}

func TestUpstream_urldispatch_test_match_info_get_info_dynamic2(t *testing.T) {
	info := infoOf(t, "/{a}/{b}", "/path/to")
	if info.Formatter != "/{a}/{b}" || !info.Pattern.MatchString("/path/to") || info.Pattern.MatchString("/path") {
		t.Errorf("Info() = %+v", info)
	}
}

func TestUpstream_urldispatch_test_static_resource_get_info(t *testing.T) {
	_, www := staticTree(t)
	var rt Router
	res := rt.AddStatic("/st", www).Resource()
	dir, _ := filepath.EvalSymlinks(www)
	info := res.Info()
	if info.Directory != dir || info.Prefix != "/st" || info.Path != "" || res.Kind() != ResourceStatic {
		t.Errorf("Info() = %+v", info)
	}
	for _, r := range res.Routes() {
		if r.Resource() != res || r.Pattern() != "/st/{filename:.*}" {
			t.Errorf("route %v", r)
		}
	}
}

func TestUpstream_urldispatch_test_resources_view_len(t *testing.T) {
	var rt Router
	rt.AddRoute("GET", "/plain", nop)
	rt.AddRoute("GET", "/variable/{name}", nop)
	if n := len(rt.Resources()); n != 2 {
		t.Errorf("len(Resources()) = %d", n)
	}
}

func TestUpstream_urldispatch_test_resources_view_iter(t *testing.T) {
	var rt Router
	r1 := rt.AddRoute("GET", "/plain", nop)
	r2 := rt.AddRoute("GET", "/variable/{name}", nop)
	if got := rt.Resources(); !slices.Equal(got, []*Resource{r1.Resource(), r2.Resource()}) {
		t.Errorf("Resources() = %v", got)
	}
	if k1, k2 := r1.Resource().Kind(), r2.Resource().Kind(); k1 != ResourcePlain || k2 != ResourceDynamic {
		t.Errorf("kinds %v %v", k1, k2)
	}
}

func TestUpstream_urldispatch_test_static_route_user_home(t *testing.T) {
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skip("no home directory")
	}
	dir, err := os.MkdirTemp(home, "aioweb-home-test")
	if err != nil {
		t.Skip("home directory not writable")
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.WriteFile(filepath.Join(dir, "f.txt"), []byte("home file"), 0o644)
	app := NewApplication()
	res := app.Router.AddStatic("/st", "~/"+filepath.Base(dir)).Resource()
	want, _ := filepath.EvalSymlinks(dir)
	if res.Info().Directory != want {
		t.Errorf("Directory = %q, want %q", res.Info().Directory, want)
	}
	if st, body := rawGet(t, serve(t, app), "/st/f.txt"); st != 200 || body != "home file" {
		t.Errorf("GET: %d %q", st, body)
	}
}

func TestUpstream_urldispatch_test_static_route_points_to_file(t *testing.T) {
	_, www := staticTree(t)
	var rt Router
	if msg := catchPanic(func() { rt.AddStatic("/st", filepath.Join(www, "hello.txt")) }); !strings.Contains(msg, "no directory") {
		t.Errorf("panic %q", msg)
	}
}

func TestUpstream_urldispatch_test_url_for_in_static_resource(t *testing.T) {
	_, www := staticTree(t)
	var rt Router
	res := rt.AddStatic("/static", www).Resource()
	if u, err := res.URL(Parts{"filename": "file.txt"}, nil); err != nil || u != "/static/file.txt" {
		t.Errorf("URL = %q, %v", u, err)
	}
}

func TestUpstream_urldispatch_test_url_for_in_resource_route(t *testing.T) {
	var rt Router
	r := rt.AddRoute("GET", "/get/{name}", nop, WithName("name"))
	if u, err := rt.NamedResources()["name"].URL(Parts{"name": "John"}, nil); err != nil || u != "/get/John" {
		t.Errorf("URL = %q, %v", u, err)
	}
	if u, err := r.URL(Parts{"name": "John"}, nil); err != nil || u != "/get/John" {
		t.Errorf("route URL = %q, %v", u, err)
	}
}

func TestUpstream_urldispatch_test_dynamic_url_with_name_started_from_underscore(t *testing.T) {
	var rt Router
	r := rt.AddRoute("GET", "/get/{_name}", nop)
	if u, err := r.URL(Parts{"_name": "John"}, nil); err != nil || u != "/get/John" {
		t.Errorf("URL = %q, %v", u, err)
	}
}

func TestUpstream_urldispatch_test_subapp_get_info(t *testing.T) {
	app, sub := NewApplication(), NewApplication()
	app.AddSubapp("/pre", sub)
	res := app.Router.Resources()[0]
	if info := res.Info(); info != (ResourceInfo{Prefix: "/pre", App: sub}) || res.Kind() != ResourceSubapp {
		t.Errorf("Info() = %+v, kind %v", info, res.Kind())
	}
}

func TestUpstream_urldispatch_test_subapp_url_for(t *testing.T) {
	app, sub := NewApplication(), NewApplication()
	app.AddSubapp("/pre", sub)
	if _, err := app.Router.Resources()[0].URL(nil, nil); err == nil {
		t.Error("a sub-application resource built a URL")
	}
}

func TestUpstream_urldispatch_test_subapp_len(t *testing.T) {
	app, sub := NewApplication(), NewApplication()
	sub.Router.AddRoute("GET", "/", nop)
	sub.Router.AddPost("/", nop)
	app.AddSubapp("/pre", sub)
	if n := len(app.Router.Resources()[0].Routes()); n != 2 {
		t.Errorf("len = %d, want 2", n)
	}
}

func TestUpstream_urldispatch_test_subapp_iter(t *testing.T) {
	app, sub := NewApplication(), NewApplication()
	sub.Router.AddRoute("GET", "/", nop)
	sub.Router.AddPost("/", nop)
	app.AddSubapp("/pre", sub)
	var got []string
	for _, r := range app.Router.Resources()[0].Routes() {
		got = append(got, r.Method()+" "+r.Pattern())
	}
	if strings.Join(got, ",") != "GET /pre/,POST /pre/" {
		t.Errorf("routes %v", got)
	}
	// the parent's listing holds them too, without the 404 catch-all
	if n := len(app.Router.Routes()); n != 2 {
		t.Errorf("parent Routes() = %v", app.Router.Routes())
	}
}

func TestUpstream_urldispatch_test_convert_empty_path_to_slash_on_freezing(t *testing.T) {
	app := NewApplication()
	res := app.Router.AddGet("", nop).Resource()
	if info := res.Info(); info != (ResourceInfo{Path: ""}) {
		t.Errorf("before freezing: %+v", info)
	}
	addr := serve(t, app)
	if got := rawDo(t, addr, "GET", "/"); got.Status != 200 || got.Body != "nop" {
		t.Errorf("GET /: %d %q", got.Status, got.Body)
	}
	if info := res.Info(); info != (ResourceInfo{Path: "/"}) {
		t.Errorf("after freezing: %+v", info)
	}
}

func TestUpstream_urldispatch_test_plain_resource_canonical(t *testing.T) {
	var rt Router
	if c := rt.AddRoute("GET", "/plain/path", nop).Resource().Canonical(); c != "/plain/path" {
		t.Errorf("Canonical() = %q", c)
	}
}

func TestUpstream_urldispatch_test_dynamic_resource_canonical(t *testing.T) {
	for pattern, want := range map[string]string{
		"/get/{name}":        "/get/{name}",
		`/get/{num:^\d+}`:    "/get/{num}",
		`/handler/{to:\d+}`:  "/handler/{to}",
		`/{one}/{two:.+}`:    "/{one}/{two}",
		`/x/{y:\d{4}}-{z:.}`: "/x/{y}-{z}",
	} {
		var rt Router
		if c := rt.AddRoute("GET", pattern, nop).Resource().Canonical(); c != want {
			t.Errorf("%s: Canonical() = %q, want %q", pattern, c, want)
		}
	}
}

func TestUpstream_urldispatch_test_static_resource_canonical(t *testing.T) {
	_, www := staticTree(t)
	var rt Router
	if c := rt.AddStatic("/prefix", www).Resource().Canonical(); c != "/prefix" {
		t.Errorf("Canonical() = %q", c)
	}
}

func TestUpstream_urldispatch_test_prefixed_subapp_resource_canonical(t *testing.T) {
	app := NewApplication()
	app.AddSubapp("/prefix", NewApplication())
	if c := app.Router.Resources()[0].Canonical(); c != "/prefix" {
		t.Errorf("Canonical() = %q", c)
	}
}

func TestUpstream_urldispatch_test_prefixed_subapp_overlap(t *testing.T) {
	app, s1, s2 := NewApplication(), NewApplication(), NewApplication()
	s1.Router.AddGet("/a", func(*Request) (Resp, error) { return &Response{Text: "h1"}, nil })
	app.AddSubapp("/s", s1)
	s2.Router.AddGet("/b", func(*Request) (Resp, error) { return &Response{Text: "h2"}, nil })
	app.AddSubapp("/ss", s2)
	checkAnswers(t, serve(t, app), []answer{
		{"GET", "/s/a", 200, "h1", ""},
		{"GET", "/ss/b", 200, "h2", ""},
	})
}

func TestUpstream_urldispatch_test_prefixed_subapp_empty_route(t *testing.T) {
	app, sub := NewApplication(), NewApplication()
	sub.Router.AddGet("", func(*Request) (Resp, error) { return &Response{Text: "bare"}, nil }, WithName("bare"))
	app.AddSubapp("/s", sub)
	checkAnswers(t, serve(t, app), []answer{
		{"GET", "/s", 200, "bare", ""},
		{"GET", "/s/", 404, "404: Not Found", ""},
	})
	if u, err := sub.Router.Named("bare").URL(nil, nil); err != nil || u != "/s" {
		t.Errorf("URL = %q, %v", u, err)
	}
	if info := sub.Router.Resources()[0].Info(); info.Path != "/s" {
		t.Errorf("the sub-application's resource: %+v", info)
	}
}

func TestUpstream_urldispatch_test_prefixed_subapp_root_route(t *testing.T) {
	app, sub := NewApplication(), NewApplication()
	sub.Router.AddGet("/", func(*Request) (Resp, error) { return &Response{Text: "root"}, nil })
	app.AddSubapp("/s", sub)
	checkAnswers(t, serve(t, app), []answer{
		{"GET", "/s/", 200, "root", ""},
		{"GET", "/s", 404, "404: Not Found", ""},
	})
}

// TestResourcesNestedSubapps checks that mounting moves resources under the
// prefix at every level, and Route.Resource follows the served copies.
func TestResourcesNestedSubapps(t *testing.T) {
	_, www := staticTree(t)
	app, mid, inner := NewApplication(), NewApplication(), NewApplication()
	var seen *Resource
	inner.Router.AddGet("/x/{id}", func(req *Request) (Resp, error) {
		seen = req.Route.Resource()
		return &Response{Text: req.MatchInfo["id"]}, nil
	}, WithName("x"))
	inner.Router.AddStatic("/files", www, StaticName("files"))
	mid.AddSubapp("/b", inner)
	app.AddSubapp("/a", mid)
	addr := serve(t, app)
	if got := rawDo(t, addr, "GET", "/a/b/x/7"); got.Status != 200 || got.Body != "7" {
		t.Fatalf("GET: %d %q", got.Status, got.Body)
	}
	res := inner.Router.NamedResources()["x"]
	if seen != res || res.Canonical() != "/a/b/x/{id}" {
		t.Errorf("resource %v, served with %v", res, seen)
	}
	if c := inner.Router.NamedResources()["files"].Canonical(); c != "/a/b/files" {
		t.Errorf("static canonical %q", c)
	}
	if c := mid.Router.Resources()[0].Canonical(); c != "/a/b" {
		t.Errorf("mid's sub-application resource %q", c)
	}
	var listed []string
	for _, r := range app.Router.Routes() {
		listed = append(listed, r.Method()+" "+r.Pattern())
	}
	want := "GET /a/b/x/{id},HEAD /a/b/x/{id},GET /a/b/files/{filename:.*},HEAD /a/b/files/{filename:.*}"
	if strings.Join(listed, ",") != want {
		t.Errorf("Routes() = %v", listed)
	}
}

func TestUpstream_urldispatch_test_resources_view_contains(t *testing.T) {
	var rt Router
	r1 := rt.AddRoute("GET", "/plain", nop)
	r2 := rt.AddRoute("GET", "/variable/{name}", nop)
	for _, r := range []*Route{r1, r2} {
		if !slices.Contains(rt.Resources(), r.Resource()) {
			t.Errorf("%v not in Resources()", r.Resource())
		}
	}
}

// test_http_exception_is_none_when_resolved and
// test_http_exception_is_not_none_when_not_resolved:
// a resolved request has its Route, an unresolved one reaches the
// middlewares as a 404 HTTPException with no Route.
func TestUpstream_urldispatch_test_http_exception_is_none_when_resolved(t *testing.T) {
	var seen []string
	mw := MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
		resp, err := h(req)
		var e *HTTPException
		if errors.As(err, &e) {
			seen = append(seen, fmt.Sprintf("%s route=%v err=%d", req.Path, req.Route != nil, e.Status))
		} else {
			seen = append(seen, fmt.Sprintf("%s route=%v err=none", req.Path, req.Route != nil))
		}
		return resp, err
	})
	app := NewApplication(WithMiddlewares(mw))
	app.Router.AddRoute("GET", "/", nop)
	addr := serve(t, app)
	rawDo(t, addr, "GET", "/")
	rawDo(t, addr, "GET", "/abc")
	if strings.Join(seen, "|") != "/ route=true err=none|/abc route=false err=404" {
		t.Errorf("%v", seen)
	}
}

func TestUpstream_urldispatch_test_check_allowed_method_for_found_resource(t *testing.T) {
	var rt Router
	r := rt.AddRoute("GET", "/", nop)
	if rs := r.Resource().Routes(); len(rs) != 1 || rs[0].Method() != "GET" {
		t.Errorf("routes %v", rs)
	}
}

func TestUpstream_urldispatch_test_static_repr(t *testing.T) {
	// and test_subapp_repr: Resource.String names the kind, the canonical
	// form and the name
	_, www := staticTree(t)
	app := NewApplication()
	st := app.Router.AddStatic("/get", www, StaticName("name")).Resource()
	app.AddSubapp("/pre", NewApplication())
	if s := st.String(); s != "StaticResource /get name=name" {
		t.Errorf("static: %q", s)
	}
	if s := app.Router.Resources()[1].String(); s != "PrefixedSubAppResource /pre" {
		t.Errorf("sub-app: %q", s)
	}
}
