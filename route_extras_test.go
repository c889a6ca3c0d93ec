// route_extras_test.go tests the router beyond the seed page: URL reversal,
// method shortcuts, views, sub-applications, WrapHandler and mounting.

package aioweb

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestURLReversal(t *testing.T) {
	_, www := staticTree(t)
	app := NewApplication()
	h := infoHandler(0)
	rt := &app.Router
	rt.AddRoute("GET", "/plain/path", h, WithName("plain"))
	rt.AddRoute("GET", "/greet/{name}", h, WithName("greet"))
	rt.AddRoute("GET", `/num/{id:\d+}`, h, WithName("num"))
	rt.AddRoute("GET", `/year/{y:\d{4}}/{m:\d{2}}`, h, WithName("date"))
	rt.AddRoute("GET", "/file/{name}.{ext}", h, WithName("file"))
	rt.AddRoute("GET", "/tail/{rest:.+}", h, WithName("tail"))
	rt.AddRoute("GET", "/shadow/{x}", h)
	rt.AddRoute("GET", "/shadow/me", h, WithName("shadowed"))
	rt.AddStatic("/static", www, StaticName("static"))
	addr := serve(t, app)

	for _, c := range []struct {
		name  string
		parts Parts
		query url.Values
		want  string
	}{
		{"plain", nil, nil, "/plain/path"},
		{"plain", nil, url.Values{"q": {"a b"}, "n": {"1", "2"}}, "/plain/path?n=1&n=2&q=a+b"},
		{"greet", Parts{"name": "bob"}, nil, "/greet/bob"},
		{"greet", Parts{"name": "a b/c"}, nil, "/greet/a%20b%2Fc"},
		{"greet", Parts{"name": "100%?#{}"}, nil, "/greet/100%25%3F%23%7B%7D"},
		{"greet", Parts{"name": "café"}, nil, "/greet/caf%C3%A9"},
		{"num", Parts{"id": "42"}, nil, "/num/42"},
		{"date", Parts{"y": "2015", "m": "04"}, nil, "/year/2015/04"},
		{"file", Parts{"name": "a.b", "ext": "html"}, nil, "/file/a.b.html"},
		{"tail", Parts{"rest": "x/y z"}, nil, "/tail/x%2Fy%20z"},
		{"static", Parts{"filename": "sub/page.html"}, nil, "/static/sub/page.html"},
		{"static", Parts{"filename": "/space name.txt"}, nil, "/static/space%20name.txt"},
	} {
		got, err := rt.Named(c.name).URL(c.parts, c.query)
		if err != nil || got != c.want {
			t.Errorf("%s %v: %q %v, want %q", c.name, c.parts, got, err, c.want)
			continue
		}
		// The URL routes back to the same route with the same values.
		if c.name == "static" {
			if status, _ := rawGet(t, addr, got); status != 200 {
				t.Errorf("%s: GET %s = %d", c.name, got, status)
			}
			continue
		}
		r := rawDo(t, addr, "GET", got)
		info := map[string]string{}
		for k, v := range c.parts {
			info[k] = v
		}
		if want := infoBody(0, info); r.Status != 200 || r.Body != want {
			t.Errorf("%s: GET %s = %d %q, want %q", c.name, got, r.Status, r.Body, want)
		}
	}

	for _, c := range []struct {
		name  string
		parts Parts
		want  string
	}{
		{"greet", Parts{}, `missing part "name"`},
		{"greet", Parts{"name": "x", "typo": "y"}, `unknown parts ["typo"]`},
		{"greet", Parts{"name": ""}, "does not match the pattern"},
		{"num", Parts{"id": "abc"}, "does not match the pattern"},
		{"date", Parts{"y": "15", "m": "04"}, "does not match the pattern"},
		{"file", Parts{"name": "a", "ext": "b.c"}, "would route back as"},
		{"shadowed", nil, "taken by the earlier route GET /shadow/{x}"},
		{"static", Parts{}, `takes exactly Parts{"filename": ...}`},
		{"static", Parts{"filename": "../secret.txt"}, "dot segment"},
		{"greet", Parts{"name": ".."}, "dot segment that clients remove"},
		{"missing", nil, "nil route"},
	} {
		if got, err := rt.Named(c.name).URL(c.parts, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: %q %v, want an error about %q", c.name, c.parts, got, err, c.want)
		}
	}

	// A huge bad value is clipped in the error, not echoed whole.
	for _, v := range []string{strings.Repeat("x", 1<<20), strings.Repeat("../", 1<<18)} {
		_, err := rt.Named("num").URL(Parts{"id": v}, nil)
		if err == nil || len(err.Error()) > 300 || !strings.Contains(err.Error(), " bytes)") {
			t.Errorf("URL with a %d-byte part: error %.300q..., want a short one naming the length", len(v), err)
		}
	}
}

func infoBody(i int, info map[string]string) string {
	req := &Request{MatchInfo: info}
	resp, _ := infoHandler(i)(req)
	return resp.(*Response).Text
}

func TestShortcutsAndViews(t *testing.T) {
	app := NewApplication()
	text := func(s string) Handler { return func(*Request) (Resp, error) { return &Response{Text: s}, nil } }
	app.Router.AddGet("/get", text("get"))
	app.Router.AddPost("/get", text("post"))
	app.Router.AddPut("/put", text("put"))
	app.Router.AddPatch("/patch", text("patch"))
	app.Router.AddDelete("/delete", text("delete"))
	app.Router.AddHead("/head", text("head"))
	app.Router.AddOptions("/options", text("options"))
	app.Router.AddView("/view", View{"GET": text("view-get"), "DELETE": text("view-delete")})
	deny := func(*Request) (Resp, error) { return nil, HTTPForbidden() }
	guarded := app.Router.AddGet("/guarded", text("guarded"), WithName("guarded"), WithExpectHandler(deny))
	addr := serve(t, app)
	// AddGet's HEAD twin shares the options but not the name.
	if app.Router.Named("guarded") != guarded {
		t.Error("the name does not belong to the GET route")
	}
	for _, m := range []string{"GET", "HEAD"} {
		if r := rawDo(t, addr, m, "/guarded", "Expect: 100-continue"); r.Status != 403 {
			t.Errorf("%s /guarded with Expect: %d, want the expect handler's 403", m, r.Status)
		}
		if r := rawDo(t, addr, m, "/guarded"); r.Status != 200 {
			t.Errorf("%s /guarded: %d", m, r.Status)
		}
	}
	checkAnswers(t, addr, []answer{
		{"GET", "/get", 200, "get", ""},
		{"HEAD", "/get", 200, "", ""},
		{"POST", "/get", 200, "post", ""},
		{"PUT", "/get", 405, "405: Method Not Allowed", "GET,HEAD,POST"}, // verified on aiohttp 3.8.4
		{"PUT", "/put", 200, "put", ""},
		{"PATCH", "/patch", 200, "patch", ""},
		{"DELETE", "/delete", 200, "delete", ""},
		{"HEAD", "/head", 200, "", ""},
		{"OPTIONS", "/options", 200, "options", ""},
		{"GET", "/view", 200, "view-get", ""},
		{"DELETE", "/view", 200, "view-delete", ""},
		{"POST", "/view", 405, "405: Method Not Allowed", "DELETE,GET"},
	})
}

// answer is the expected answer to method path over a raw connection.
type answer struct {
	method, path string
	status       int
	body, allow  string
}

// checkAnswers sends each request to addr and compares status, body and
// Allow (HEAD bodies are not compared).
func checkAnswers(t *testing.T, addr string, answers []answer) {
	t.Helper()
	for _, c := range answers {
		got := rawDo(t, addr, c.method, c.path)
		if c.method == "HEAD" {
			got.Body = ""
		}
		if got.Status != c.status || got.Body != c.body || got.Allow != c.allow {
			t.Errorf("%s %s: %d %q allow=%q, want %d %q allow=%q", c.method, c.path, got.Status, got.Body, got.Allow, c.status, c.body, c.allow)
		}
	}
}

func TestSubapp(t *testing.T) {
	var trail []string
	mark := func(tag string) Middleware {
		return MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
			trail = append(trail, tag)
			return h(req)
		})
	}
	_, www := staticTree(t)
	admin := NewApplication(WithMiddlewares(mark("admin")))
	admin.Set("who", "admin")
	admin.Router.AddGet("/users/{id}", func(req *Request) (Resp, error) {
		return &Response{Text: fmt.Sprintf("user %s of %v", req.MatchInfo["id"], req.App.Get("who"))}, nil
	}, WithName("user"))
	admin.Router.AddStatic("/files", www, StaticName("files"))
	app := NewApplication(WithMiddlewares(mark("outer")))
	app.Router.AddGet("/users/{id}", func(req *Request) (Resp, error) { return &Response{Text: "outer user"}, nil })
	app.AddSubapp("/admin", admin)
	app.Router.AddGet("/admin/late", func(req *Request) (Resp, error) { return &Response{Text: "late"}, nil })
	addr := serve(t, app)
	for _, c := range []struct {
		method, path string
		status       int
		body, allow  string
		trail        string
	}{
		{"GET", "/admin/users/7", 200, "user 7 of admin", "", "outer,admin"},
		{"GET", "/users/7", 200, "outer user", "", "outer"},
		{"POST", "/admin/users/7", 405, "405: Method Not Allowed", "GET,HEAD", "outer,admin"},
		{"GET", "/admin/nope", 404, "404: Not Found", "", "outer,admin"},
		{"GET", "/admin/late", 404, "404: Not Found", "", "outer,admin"}, // the sub-app claims its prefix, as in aiohttp
		{"GET", "/admin/files/hello.txt", 200, "hello world", "", "outer,admin"},
		{"GET", "/nope", 404, "404: Not Found", "", "outer"},
	} {
		trail = nil
		got := rawDo(t, addr, c.method, c.path)
		if got.Status != c.status || got.Body != c.body || got.Allow != c.allow || strings.Join(trail, ",") != c.trail {
			t.Errorf("%s %s: %d %q %q trail %v", c.method, c.path, got.Status, got.Body, got.Allow, trail)
		}
	}
	if u, err := admin.Router.Named("user").URL(Parts{"id": "a/b"}, nil); err != nil || u != "/admin/users/a%2Fb" {
		t.Errorf("sub-app reversal: %q %v", u, err)
	}
	if u, err := admin.Router.Named("files").URL(Parts{"filename": "hello.txt"}, nil); err != nil || u != "/admin/files/hello.txt" {
		t.Errorf("sub-app static reversal: %q %v", u, err)
	}
	if msg := catchPanic(func() { NewApplication().AddSubapp("/again", admin) }); !strings.Contains(msg, "already mounted") {
		t.Errorf("mounting twice: %q", msg)
	}
	if msg := catchPanic(func() { NewApplication().AddSubapp("x", NewApplication()) }); !strings.Contains(msg, "must start with '/'") {
		t.Errorf("bad prefix: %q", msg)
	}
}

func TestWrapHandler(t *testing.T) {
	std := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Std", "1")
		fmt.Fprintf(w, "std %s %s", r.PathValue("name"), r.PathValue("id"))
	})
	app := NewApplication(WithMiddlewares(MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
		req.ResponseHeader().Set("X-MW", "1")
		resp, err := h(req)
		req.ResponseHeader().Set("X-Late", "1") // the response is out: no effect
		return resp, err
	})))
	app.Router.AddRoute("GET", "/mux/{name}", WrapHandler(std))            // ServeMux-served
	app.Router.AddRoute("GET", `/regex/{name}/{id:\d+}`, WrapHandler(std)) // regex fallback
	addr := serve(t, app)
	for path, want := range map[string]string{"/mux/bob": "std bob ", "/regex/amy/42": "std amy 42"} {
		got := rawDo(t, addr, "GET", path)
		if got.Status != 200 || got.Body != want || got.Header.Get("X-Std") != "1" || got.Header.Get("X-MW") != "1" || got.Header.Get("X-Late") != "" {
			t.Errorf("%s: %d %q %v", path, got.Status, got.Body, got.Header)
		}
	}
}

func TestRouteListing(t *testing.T) {
	_, www := staticTree(t)
	app := NewApplication()
	app.Router.AddGet("/a/{x}", infoHandler(0), WithName("a"))
	app.Router.AddRoute("POST", `/b/{y:\d+}`, infoHandler(1))
	app.Router.AddStatic("/s", www)
	app.MakeHandler()
	var got []string
	for _, r := range app.Router.Routes() {
		got = append(got, r.String())
	}
	// the static route's bare-prefix routes (its directory's 403) are
	// internal and not listed, as aiohttp lists 2 routes per static resource
	want := "GET /a/{x} name=a (servemux)|HEAD /a/{x} (servemux)|POST /b/{y:\\d+} (servemux)|" +
		"GET /s/{filename:.*} (regex)|HEAD /s/{filename:.*} (regex)"
	if strings.Join(got, "|") != want {
		t.Errorf("listing:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
}

func TestAddRoutesTable(t *testing.T) {
	app := NewApplication()
	text := func(s string) Handler { return func(*Request) (Resp, error) { return &Response{Text: s}, nil } }
	routes := app.Router.AddRoutes(
		Get("/", text("index"), WithName("index")),
		Post("/items", text("create")),
		Put("/items/{id:[0-9]+}", text("replace")),
		Patch("/items/{id:[0-9]+}", text("update")),
		Delete("/items/{id:[0-9]+}", text("delete")),
		Head("/ping", text("")),
		Options("/items", text("options")),
		RouteDef{Method: "propfind", Path: "/dav/{path:.*}", Handler: text("dav")},
		RouteDef{Method: "*", Path: "/any", Handler: text("any")},
	)
	if len(routes) != 9 || routes[0] != app.Router.Named("index") || routes[0].Method() != "GET" || routes[7].Method() != "PROPFIND" {
		t.Fatalf("AddRoutes returned %v", routes)
	}
	var listing []string
	for _, r := range app.Router.Routes() {
		listing = append(listing, r.Method()+" "+r.Pattern())
	}
	want := "GET /|HEAD /|POST /items|PUT /items/{id:[0-9]+}|PATCH /items/{id:[0-9]+}|DELETE /items/{id:[0-9]+}|HEAD /ping|OPTIONS /items|PROPFIND /dav/{path:.*}|* /any"
	if got := strings.Join(listing, "|"); got != want {
		t.Errorf("registered in order:\n%s\nwant\n%s", got, want)
	}
	checkAnswers(t, serve(t, app), []answer{
		{"GET", "/", 200, "index", ""},
		{"HEAD", "/", 200, "", ""},
		{"POST", "/items", 200, "create", ""},
		{"OPTIONS", "/items", 200, "options", ""},
		{"GET", "/items", 405, "405: Method Not Allowed", "OPTIONS,POST"},
		{"PUT", "/items/7", 200, "replace", ""},
		{"PATCH", "/items/7", 200, "update", ""},
		{"DELETE", "/items/7", 200, "delete", ""},
		{"DELETE", "/items/x", 404, "404: Not Found", ""},
		{"PROPFIND", "/dav/a/b", 200, "dav", ""},
		{"BREW", "/any", 200, "any", ""},
	})
	msg := catchPanic(func() { NewApplication().Router.AddRoutes(Get("/ok", text("")), Post("no-slash", text(""))) })
	if !strings.Contains(msg, `"no-slash"`) {
		t.Errorf("bad entry panic %q does not name it", msg)
	}
}

func TestSubappFactoryErrorIsReturned(t *testing.T) {
	// A sub-application's middleware factories run when the parent freezes,
	// not at AddSubapp, and their error comes back from MakeHandler and
	// RunApp as the parent's own factories' errors do.
	var calls atomic.Int32
	failing := func(*Application, Handler) (Handler, error) {
		calls.Add(1)
		return nil, errors.New("no database")
	}
	newApp := func() *Application {
		sub := NewApplication(WithMiddlewares(failing))
		sub.Router.AddGet("/x", infoHandler(0))
		app := NewApplication()
		app.Router.AddGet("/", infoHandler(0))
		calls.Store(0)
		if msg := catchPanic(func() { app.AddSubapp("/sub", sub) }); msg != "" {
			t.Fatalf("AddSubapp panicked: %s", msg)
		}
		if n := calls.Load(); n != 0 {
			t.Errorf("AddSubapp ran %d factories", n)
		}
		return app
	}
	app := newApp()
	if _, err := app.MakeHandler(); err == nil || !strings.Contains(err.Error(), "no database") || !strings.Contains(err.Error(), "/sub/x") {
		t.Errorf("MakeHandler: %v; want the sub-application's factory error naming its route", err)
	}
	if got := rawDo(t, serve(t, app), "GET", "/"); got.Status != 500 {
		t.Errorf("serving an application whose sub-application cannot build: %d", got.Status)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := RunApp(newApp(), "", RunListener(ln), RunOutput(nil)); err == nil || !strings.Contains(err.Error(), "no database") {
		t.Errorf("RunApp: %v; want the sub-application's factory error", err)
	}
}

func TestNestedSubappFactoriesRunAtFreeze(t *testing.T) {
	var trail []string
	var built []string
	mark := func(tag string) Middleware {
		return func(_ *Application, h Handler) (Handler, error) {
			built = append(built, tag)
			return func(req *Request) (Resp, error) {
				trail = append(trail, tag+":"+req.App.Get("name").(string))
				return h(req)
			}, nil
		}
	}
	named := func(name string, mws ...Middleware) *Application {
		a := NewApplication(WithMiddlewares(mws...))
		a.Set("name", name)
		return a
	}
	inner, mid, app := named("inner", mark("inner")), named("mid", mark("mid")), named("app", mark("app"))
	inner.Router.AddRoute("GET", "/x", func(req *Request) (Resp, error) {
		return &Response{Text: req.App.Get("name").(string)}, nil
	})
	mid.AddSubapp("/inner", inner)
	app.AddSubapp("/mid", mid)
	if len(built) != 0 {
		t.Errorf("factories ran while mounting: %v", built)
	}
	addr := serve(t, app)
	got := rawDo(t, addr, "GET", "/mid/inner/x")
	if got.Status != 200 || got.Body != "inner" {
		t.Errorf("GET /mid/inner/x: %d %q", got.Status, got.Body)
	}
	if d := cmp.Diff([]string{"app:app", "mid:mid", "inner:inner"}, trail); d != "" {
		t.Errorf("middleware order (-want +got):\n%s", d)
	}
	trail = nil
	if got := rawDo(t, addr, "GET", "/mid/inner/nope"); got.Status != 404 {
		t.Errorf("GET /mid/inner/nope: %d", got.Status)
	}
	if d := cmp.Diff([]string{"app:app", "mid:mid", "inner:inner"}, trail); d != "" {
		t.Errorf("404 middleware order (-want +got):\n%s", d)
	}
}

func TestSubappAfterServingPanicsNamingTheCall(t *testing.T) {
	app := NewApplication()
	if _, err := app.MakeHandler(); err != nil {
		t.Fatal(err)
	}
	sub := NewApplication()
	sub.Router.AddGet("/x", infoHandler(0))
	if msg := catchPanic(func() { app.AddSubapp("/late", sub) }); msg != `aioweb: AddSubapp("/late") after the application started serving` {
		t.Errorf("AddSubapp on a serving application: %q", msg)
	}
	if msg := catchPanic(func() { app.AddDomain("example.com", sub) }); !strings.Contains(msg, "AddDomain") || !strings.Contains(msg, "after the application started serving") {
		t.Errorf("AddDomain on a serving application: %q", msg)
	}
	// The refused sub-application is not left half-mounted.
	other := NewApplication()
	other.AddSubapp("/sub", sub)
	if got := rawDo(t, serve(t, other), "GET", "/sub/x"); got.Status != 200 {
		t.Errorf("mounting the refused sub-application elsewhere: %d", got.Status)
	}
}
