// aioweb_test.go owns the core's tests: routing (every pattern kind,
// ordering, 404/405, encodings, HEAD) checked against aiohttp, exceptions in
// every delivery form, middlewares, requests, responses, panics under load
// and RunApp.

package aioweb

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
)

// routeTable is registered in this order in both aioweb and the oracle.
var routeTable = [][2]string{
	{"GET", "/"},                 // r0
	{"GET", "/static/path"},      // r1
	{"POST", "/static/path"},     // r2
	{"GET", "/a/{x}"},            // r3
	{"GET", "/{first}/b"},        // r4: ServeMux refuses it beside /a/{x}: regex fallback
	{"GET", `/num/{id:\d+}`},     // r5
	{"GET", "/num/{name}"},       // r6
	{"GET", `/year/{y:\d{4}}`},   // r7: braces inside the regex
	{"GET", "/file/{name}.html"}, // r8: partial segment
	{"GET", "/pair/{a}-{b}"},     // r9
	{"GET", "/tail/{tail:.+}"},   // r10: multi-segment
	{"GET", "/trail/{x}/"},       // r11: trailing slash
	{"PUT", "/m"},                // r12
	{"POST", "/m"},               // r13
	{"*", "/any/{x}"},            // r14
	{"GET", "/shadow/{name}"},    // r15
	{"GET", "/shadow/intro"},     // r16: shadowed by r15 for GET
	{"POST", "/shadow/intro"},    // r17
	{"GET", "/enc/a b"},          // r18: literal needing escapes
	{"GET", "/v/{name}"},         // r19
	{"HEAD", "/head"},            // r20
	{"GET", "/{name}"},           // r21: registered last
}

func routeTableApp() *Application {
	app := NewApplication()
	for i, r := range routeTable {
		app.Router.AddRoute(r[0], r[1], infoHandler(i))
	}
	return app
}

// routingCases: requests and the answers aiohttp 3.8.4 gives for routeTable
// (generated and re-checked by TestRoutingMatchesAiohttp).
// routingCases: requests and the answers aiohttp 3.8.4 gives for routeTable
// (generated with AIOWEB_ORACLE_DUMP=1 and re-checked by
// TestRoutingMatchesAiohttp). Surprising rows, all aiohttp's behaviour:
// HEAD never falls back to GET (405); "/{name}" registered last still gets
// "/m" for GET although PUT/POST "/m" came first; "/shadow/{name}" shadows
// the later "/shadow/intro" for GET; "%2F" stays inside one segment; paths
// are never cleaned ("/v/./x" is 404, "/v/.." matches with name "..").
// oracleDiff explains the rows where aioweb deliberately differs.
var routingCases = []struct {
	method, target string
	status         int
	body, allow    string
	oracleDiff     string
}{
	{"GET", "/", 200, "r0|{}", "", ""},
	{"GET", "/static/path", 200, "r1|{}", "", ""},
	{"POST", "/static/path", 200, "r2|{}", "", ""},
	{"DELETE", "/static/path", 405, "405: Method Not Allowed", "GET,POST", ""},
	{"HEAD", "/static/path", 405, "", "GET,POST", ""},
	{"GET", "/a/x", 200, "r3|{\"x\":\"x\"}", "", ""},
	{"GET", "/a/b", 200, "r3|{\"x\":\"b\"}", "", ""},
	{"GET", "/z/b", 200, "r4|{\"first\":\"z\"}", "", ""},
	{"GET", "/num/12", 200, "r5|{\"id\":\"12\"}", "", ""},
	{"GET", "/num/abc", 200, "r6|{\"name\":\"abc\"}", "", ""},
	{"GET", "/year/2024", 200, "r7|{\"y\":\"2024\"}", "", ""},
	{"GET", "/year/24", 404, "404: Not Found", "", ""},
	// r5 and r7 run on the ServeMux with a per-segment regex check; the
	// regex sees the raw segment, as aiohttp's: "%31%32" is not \d+.
	{"GET", "/num/12x", 200, "r6|{\"name\":\"12x\"}", "", ""},
	{"GET", "/num/%31%32", 200, "r6|{\"name\":\"12\"}", "", ""},
	{"GET", "/num/1%202", 200, "r6|{\"name\":\"1 2\"}", "", ""},
	{"POST", "/num/12", 405, "405: Method Not Allowed", "GET", ""},
	{"GET", "/year/20245", 404, "404: Not Found", "", ""},
	{"GET", "/year/%D9%A2%D9%A0%D9%A2%D9%A4", 404, "404: Not Found", "", ""},
	{"GET", "/year/2024/", 404, "404: Not Found", "", ""},
	{"GET", "/file/a.b.html", 200, "r8|{\"name\":\"a.b\"}", "", ""},
	{"GET", "/file/.html", 404, "404: Not Found", "", ""},
	{"GET", "/pair/x-y", 200, "r9|{\"a\":\"x\",\"b\":\"y\"}", "", ""},
	{"GET", "/pair/x-y-z", 200, "r9|{\"a\":\"x-y\",\"b\":\"z\"}", "", ""},
	{"GET", "/tail/a/b/c", 200, "r10|{\"tail\":\"a/b/c\"}", "", ""},
	{"GET", "/tail/a//b", 200, "r10|{\"tail\":\"a//b\"}", "", ""},
	{"GET", "/tail/a/../b", 200, "r10|{\"tail\":\"a/../b\"}", "", ""},
	{"GET", "/trail/x/", 200, "r11|{\"x\":\"x\"}", "", ""},
	{"GET", "/trail/x", 404, "404: Not Found", "", ""},
	{"PUT", "/m", 200, "r12|{}", "", ""},
	{"DELETE", "/m", 405, "405: Method Not Allowed", "GET,POST,PUT", ""},
	{"GET", "/m", 200, "r21|{\"name\":\"m\"}", "", ""},
	{"OPTIONS", "/any/1", 200, "r14|{\"x\":\"1\"}", "", ""},
	{"GET", "/any/1", 200, "r14|{\"x\":\"1\"}", "", ""},
	{"GET", "/shadow/intro", 200, "r15|{\"name\":\"intro\"}", "", ""},
	{"POST", "/shadow/intro", 200, "r17|{}", "", ""},
	{"PUT", "/shadow/intro", 405, "405: Method Not Allowed", "GET,POST", ""},
	{"GET", "/shadow/bob", 200, "r15|{\"name\":\"bob\"}", "", ""},
	{"GET", "/enc/a%20b", 200, "r18|{}", "", ""},
	{"GET", "/v/a%2Fb", 200, "r19|{\"name\":\"a/b\"}", "", ""},
	{"GET", "/v/a%2fb", 200, "r19|{\"name\":\"a/b\"}", "", ""},
	{"GET", "/v/%7Bx%7D", 200, "r19|{\"name\":\"{x}\"}", "", ""},
	{"GET", "/v/caf%C3%A9", 200, "r19|{\"name\":\"café\"}", "", ""},
	{"GET", "/v/a+b", 200, "r19|{\"name\":\"a+b\"}", "", ""},
	{"GET", "/v/%25", 200, "r19|{\"name\":\"%\"}", "", ""},
	{"GET", "/v/", 404, "404: Not Found", "", ""},
	{"GET", "/v//x", 404, "404: Not Found", "", ""},
	{"GET", "/v/./x", 404, "404: Not Found", "", ""},
	{"GET", "/v/x/..", 404, "404: Not Found", "", ""},
	{"GET", "/v/..", 200, "r19|{\"name\":\"..\"}", "", ""},
	{"HEAD", "/head", 200, "", "", ""},
	{"GET", "/head", 200, "r21|{\"name\":\"head\"}", "", ""},
	{"HEAD", "/", 405, "", "GET", ""},
	{"GET", "/x/y/z", 404, "404: Not Found", "", ""},
	{"GET", "/bob", 200, "r21|{\"name\":\"bob\"}", "", ""},
	{"get", "/bob", 200, "r21|{\"name\":\"bob\"}", "", "aiohttp 3.8's C parser answers 400; aiohttp 0.15 upper-cased the method, as aioweb does"},
	{"GET", "/static/path/", 404, "404: Not Found", "", ""},
	{"GET", "/static/path?q=1", 200, "r1|{}", "", ""},
	{"GET", "/static//path", 404, "404: Not Found", "", ""},
	{"GET", "/%73tatic/path", 404, "404: Not Found", "", ""},
	{"FOO", "/bob", 405, "405: Method Not Allowed", "GET", "aiohttp 3.8's C parser answers 400; aiohttp 0.15 routed any token method, as aioweb does"},
	{"GET", "/a/x?y=1", 200, "r3|{\"x\":\"x\"}", "", ""},
}

func TestRouting(t *testing.T) {
	answers := make([]answer, len(routingCases))
	for i, c := range routingCases {
		answers[i] = answer{c.method, c.target, c.status, c.body, c.allow}
	}
	checkAnswers(t, serve(t, routeTableApp()), answers)
}

// TestRoutingMatchesAiohttp sends every routing case to a real aiohttp
// serving the same table and compares. With AIOWEB_ORACLE_DUMP=1 it prints
// the oracle's answers as Go table rows.
func TestRoutingMatchesAiohttp(t *testing.T) {
	oracle := startOracle(t, routeTable)
	dump := os.Getenv("AIOWEB_ORACLE_DUMP") != ""
	for _, c := range routingCases {
		want := rawDo(t, oracle, c.method, c.target)
		if c.method == "HEAD" {
			want.Body = ""
		}
		if dump {
			fmt.Printf("\t{%q, %q, %d, %q, %q},\n", c.method, c.target, want.Status, want.Body, want.Allow)
			continue
		}
		if c.oracleDiff != "" {
			t.Logf("%s %s: aiohttp answers %d %q; aioweb differs: %s", c.method, c.target, want.Status, want.Body, c.oracleDiff)
			continue
		}
		if want.Status != c.status || want.Body != c.body || want.Allow != c.allow {
			t.Errorf("aiohttp: %s %s = %d %q allow=%q; table says %d %q allow=%q", c.method, c.target, want.Status, want.Body, want.Allow, c.status, c.body, c.allow)
		}
	}
}

func TestRouteMatchers(t *testing.T) {
	app := routeTableApp()
	if _, err := app.MakeHandler(); err != nil {
		t.Fatal(err)
	}
	want := map[int]string{0: MatcherStatic, 1: MatcherStatic, 3: MatcherServeMux, 4: MatcherRegex,
		5: MatcherServeMux, 6: MatcherServeMux, 7: MatcherServeMux, 8: MatcherRegex, 11: MatcherRegex, 18: MatcherStatic, 21: MatcherServeMux}
	routes := app.Router.Routes()
	for i, m := range want {
		if got := routes[i].Matcher(); got != m {
			t.Errorf("route %d %s: matcher %q, want %q", i, routes[i].Pattern(), got, m)
		}
	}
	if s := routes[3].String(); s != "GET /a/{x} (servemux)" {
		t.Errorf("String() = %q", s)
	}
}

func TestRegistrationPanics(t *testing.T) {
	h := infoHandler(0)
	cases := []struct{ method, path, want string }{
		{"GET", "abc", `must start with '/'`},
		{"GET", "/a/{x", `unbalanced '{'`},
		{"GET", "/a/x}", `unbalanced '}'`},
		{"GET", "/a/{x:(}", `bad regex for variable "x"`},
		{"GET", "/a/{x}/{x}", `duplicate variable name "x"`},
		{"GET", "/a/{}", `empty variable name`},
		{"GET", "/a/{:\\d+}", `empty variable name`},
		{"GET", "/a/{1x}", `invalid variable name "1x"`},
		{"GET", "/a/{x:}", `empty regex for variable "x"`},
		{"GET", "/a/{x:a{b{c}}}", `nested braces`},
		{"GET", `/a/{x:(?=a)}`, `bad regex`},
		{"GE T", "/", `invalid method "GE T"`},
		{"", "/", `empty method`},
	}
	for _, c := range cases {
		msg := catchPanic(func() { NewApplication().Router.AddRoute(c.method, c.path, h) })
		if !strings.Contains(msg, c.want) || !strings.Contains(msg, "aioweb") {
			t.Errorf("AddRoute(%q, %q) panic %q, want it to mention %q", c.method, c.path, msg, c.want)
		}
	}
	app := NewApplication()
	app.Router.AddRoute("GET", "/a", h, WithName("a"))
	if msg := catchPanic(func() { app.Router.AddRoute("GET", "/b", h, WithName("a")) }); !strings.Contains(msg, `duplicate route name "a"`) {
		t.Errorf("duplicate name panic = %q", msg)
	}
	if msg := catchPanic(func() { app.Router.AddRoute("GET", "/c", nil) }); !strings.Contains(msg, "nil handler") {
		t.Errorf("nil handler panic = %q", msg)
	}
	app.MakeHandler()
	if msg := catchPanic(func() { app.Router.AddRoute("GET", "/d", h) }); !strings.Contains(msg, "after the application started") {
		t.Errorf("late AddRoute panic = %q", msg)
	}
	// Accepted: lower-case methods, '*', regexes with braces, '_' names.
	r := NewApplication().Router.AddRoute("get", `/{_y:\d{4}}/{tail:.+}`, h)
	if r.Method() != "GET" || len(r.Vars()) != 2 {
		t.Errorf("route = %v", r)
	}
}

func catchPanic(f func()) (msg string) {
	defer func() {
		if v := recover(); v != nil {
			msg = fmt.Sprint(v)
		}
	}()
	f()
	return ""
}

// exceptionClasses lists every constructor with its status and aiohttp's
// default body.
var exceptionClasses = []struct {
	make func() *HTTPException
	body string
}{
	{func() *HTTPException { return HTTPOk() }, "200: OK"},
	{func() *HTTPException { return HTTPCreated() }, "201: Created"},
	{func() *HTTPException { return HTTPAccepted() }, "202: Accepted"},
	{func() *HTTPException { return HTTPNonAuthoritativeInformation() }, "203: Non-Authoritative Information"},
	{func() *HTTPException { return HTTPNoContent() }, ""},
	{func() *HTTPException { return HTTPResetContent() }, ""},
	{func() *HTTPException { return HTTPPartialContent() }, "206: Partial Content"},
	{func() *HTTPException { return HTTPMultipleChoices("/x") }, "300: Multiple Choices"},
	{func() *HTTPException { return HTTPMovedPermanently("/x") }, "301: Moved Permanently"},
	{func() *HTTPException { return HTTPFound("/x") }, "302: Found"},
	{func() *HTTPException { return HTTPSeeOther("/x") }, "303: See Other"},
	{func() *HTTPException { return HTTPNotModified() }, ""},
	{func() *HTTPException { return HTTPUseProxy("/x") }, "305: Use Proxy"},
	{func() *HTTPException { return HTTPTemporaryRedirect("/x") }, "307: Temporary Redirect"},
	{func() *HTTPException { return HTTPPermanentRedirect("/x") }, "308: Permanent Redirect"},
	{func() *HTTPException { return HTTPBadRequest() }, "400: Bad Request"},
	{func() *HTTPException { return HTTPUnauthorized() }, "401: Unauthorized"},
	{func() *HTTPException { return HTTPPaymentRequired() }, "402: Payment Required"},
	{func() *HTTPException { return HTTPForbidden() }, "403: Forbidden"},
	{func() *HTTPException { return HTTPNotFound() }, "404: Not Found"},
	{func() *HTTPException { return HTTPMethodNotAllowed("PUT", []string{"POST", "GET"}) }, "405: Method Not Allowed"},
	{func() *HTTPException { return HTTPNotAcceptable() }, "406: Not Acceptable"},
	{func() *HTTPException { return HTTPProxyAuthenticationRequired() }, "407: Proxy Authentication Required"},
	{func() *HTTPException { return HTTPRequestTimeout() }, "408: Request Timeout"},
	{func() *HTTPException { return HTTPConflict() }, "409: Conflict"},
	{func() *HTTPException { return HTTPGone() }, "410: Gone"},
	{func() *HTTPException { return HTTPLengthRequired() }, "411: Length Required"},
	{func() *HTTPException { return HTTPPreconditionFailed() }, "412: Precondition Failed"},
	{func() *HTTPException { return HTTPRequestEntityTooLarge() }, "413: Request Entity Too Large"},
	{func() *HTTPException { return HTTPRequestURITooLong() }, "414: Request-URI Too Long"},
	{func() *HTTPException { return HTTPUnsupportedMediaType() }, "415: Unsupported Media Type"},
	{func() *HTTPException { return HTTPRequestRangeNotSatisfiable() }, "416: Requested Range Not Satisfiable"},
	{func() *HTTPException { return HTTPExpectationFailed() }, "417: Expectation Failed"},
	{func() *HTTPException { return HTTPMisdirectedRequest() }, "421: Misdirected Request"},
	{func() *HTTPException { return HTTPUnprocessableEntity() }, "422: Unprocessable Entity"},
	{func() *HTTPException { return HTTPFailedDependency() }, "424: Failed Dependency"},
	{func() *HTTPException { return HTTPUpgradeRequired() }, "426: Upgrade Required"},
	{func() *HTTPException { return HTTPPreconditionRequired() }, "428: Precondition Required"},
	{func() *HTTPException { return HTTPTooManyRequests() }, "429: Too Many Requests"},
	{func() *HTTPException { return HTTPRequestHeaderFieldsTooLarge() }, "431: Request Header Fields Too Large"},
	{func() *HTTPException { return HTTPUnavailableForLegalReasons("https://example.org/why") }, "451: Unavailable For Legal Reasons"},
	{func() *HTTPException { return HTTPInternalServerError() }, "500: Internal Server Error"},
	{func() *HTTPException { return HTTPNotImplemented() }, "501: Not Implemented"},
	{func() *HTTPException { return HTTPBadGateway() }, "502: Bad Gateway"},
	{func() *HTTPException { return HTTPServiceUnavailable() }, "503: Service Unavailable"},
	{func() *HTTPException { return HTTPGatewayTimeout() }, "504: Gateway Timeout"},
	{func() *HTTPException { return HTTPVersionNotSupported() }, "505: HTTP Version Not Supported"},
	{func() *HTTPException { return HTTPVariantAlsoNegotiates() }, "506: Variant Also Negotiates"},
	{func() *HTTPException { return HTTPInsufficientStorage() }, "507: Insufficient Storage"},
	{func() *HTTPException { return HTTPNotExtended() }, "510: Not Extended"},
	{func() *HTTPException { return HTTPNetworkAuthenticationRequired() }, "511: Network Authentication Required"},
}

func TestExceptionsInEveryDeliveryForm(t *testing.T) {
	app := NewApplication()
	forms := []string{"returned", "error", "wrapped", "panicked"}
	for i, c := range exceptionClasses {
		mk := c.make
		app.Router.AddRoute("GET", fmt.Sprintf("/%d/returned", i), func(*Request) (Resp, error) { return mk(), nil })
		app.Router.AddRoute("GET", fmt.Sprintf("/%d/error", i), func(*Request) (Resp, error) { return nil, mk() })
		app.Router.AddRoute("GET", fmt.Sprintf("/%d/wrapped", i), func(*Request) (Resp, error) {
			return nil, fmt.Errorf("loading: %w", mk())
		})
		app.Router.AddRoute("GET", fmt.Sprintf("/%d/panicked", i), func(*Request) (Resp, error) { panic(mk()) })
	}
	addr := serve(t, app)
	statuses := map[int]bool{}
	for i, c := range exceptionClasses {
		e := c.make()
		if statuses[e.Status] {
			t.Errorf("status %d used twice", e.Status)
		}
		statuses[e.Status] = true
		if e.Error() != fmt.Sprintf("%d: %s", e.Status, e.Reason) {
			t.Errorf("Error() = %q", e.Error())
		}
		for _, f := range forms {
			got := rawDo(t, addr, "GET", fmt.Sprintf("/%d/%s", i, f))
			if got.Status != e.Status || got.Body != c.body {
				t.Errorf("%s %s: got %d %q, want %d %q", c.body, f, got.Status, got.Body, e.Status, c.body)
			}
			wantCT := "text/plain; charset=utf-8"
			if c.body == "" {
				wantCT = ""
				if cl := got.Header.Get("Content-Length"); cl != "" && cl != "0" {
					t.Errorf("%d %s: Content-Length %q on a bodiless status", e.Status, f, cl)
				}
			}
			if ct := got.Header.Get("Content-Type"); ct != wantCT {
				t.Errorf("%d %s: Content-Type %q, want %q", e.Status, f, ct, wantCT)
			}
			if e.IsRedirection() && e.Status != 304 && got.Header.Get("Location") != "/x" {
				t.Errorf("%d %s: Location %q", e.Status, f, got.Header.Get("Location"))
			}
			if e.Status == 405 && got.Allow != "GET,POST" {
				t.Errorf("405 %s: Allow %q", f, got.Allow)
			}
			if e.Status == 451 && got.Header.Get("Link") != `<https://example.org/why>; rel="blocked-by"` {
				t.Errorf("451 %s: Link %q", f, got.Header.Get("Link"))
			}
		}
	}
}

func TestExceptionCategoriesAndErrors(t *testing.T) {
	cat := func(e *HTTPException) string {
		return fmt.Sprint(e.IsSuccessful(), e.IsRedirection(), e.IsError(), e.IsClientError(), e.IsServerError())
	}
	for _, c := range []struct {
		e    *HTTPException
		want string
	}{
		{HTTPOk(), "true false false false false"},
		{HTTPFound("/"), "false true false false false"},
		{HTTPNotFound(), "false false true true false"},
		{HTTPBadGateway(), "false false true false true"},
	} {
		if got := cat(c.e); got != c.want {
			t.Errorf("%v: categories %s, want %s", c.e, got, c.want)
		}
	}
	err := fmt.Errorf("wrapped: %w", HTTPNotFound(WithReason("Nope")))
	var exc *HTTPException
	if !errors.As(err, &exc) || exc.Status != 404 || exc.Error() != "404: Nope" {
		t.Errorf("errors.As: %v", exc)
	}
	if !errors.Is(err, HTTPNotFound()) || errors.Is(err, HTTPForbidden()) {
		t.Error("errors.Is compares statuses")
	}
	if m := HTTPMethodNotAllowed("put", []string{"POST", "GET"}); strings.Join(m.AllowedMethods(), " ") != "GET POST" || m.Method() != "PUT" {
		t.Errorf("AllowedMethods = %v", m.AllowedMethods())
	}
	for _, bad := range []*HTTPException{
		HTTPFound(""), HTTPFound("/x\r\nSet-Cookie: a=b"), HTTPNotFound(WithReason("a\nb")),
		HTTPNotFound(WithHeaders(http.Header{"X": {"a\r\nb"}})), NewHTTPException(99),
		HTTPNotFound(WithText("t"), WithBody([]byte("b"))),
	} {
		if bad.Validate() == nil {
			t.Errorf("%#v: Validate() = nil", bad)
		}
	}
}

func TestExceptionOptions(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/reason", func(*Request) (Resp, error) { return nil, HTTPNotFound(WithReason("Nope")) })
	app.Router.AddRoute("GET", "/text", func(*Request) (Resp, error) { return nil, HTTPForbidden(WithText("go away")) })
	app.Router.AddRoute("GET", "/body", func(*Request) (Resp, error) {
		return nil, HTTPConflict(WithBody([]byte("<x/>")), WithContentType("application/xml"))
	})
	app.Router.AddRoute("GET", "/empty", func(*Request) (Resp, error) { return nil, HTTPConflict(WithBody(nil)) })
	app.Router.AddRoute("GET", "/headers", func(*Request) (Resp, error) {
		return nil, HTTPTooManyRequests(WithHeaders(http.Header{"Retry-After": {"10"}}))
	})
	app.Router.AddRoute("GET", "/split", func(*Request) (Resp, error) { return nil, HTTPFound("/a\r\nX-Evil: 1") })
	addr := serve(t, app)
	for _, c := range []struct {
		path, body, ct string
		status         int
	}{
		{"/reason", "404: Nope", "text/plain; charset=utf-8", 404},
		{"/text", "go away", "text/plain; charset=utf-8", 403},
		{"/body", "<x/>", "application/xml", 409},
		{"/empty", "", "", 409},
		{"/headers", "429: Too Many Requests", "text/plain; charset=utf-8", 429},
		{"/split", internalErrorBody, "text/plain; charset=utf-8", 500},
	} {
		got := rawDo(t, addr, "GET", c.path)
		if got.Status != c.status || got.Body != c.body || got.Header.Get("Content-Type") != c.ct {
			t.Errorf("%s: %d %q %q", c.path, got.Status, got.Body, got.Header.Get("Content-Type"))
		}
		if got.Header.Get("X-Evil") != "" {
			t.Errorf("%s: response splitting", c.path)
		}
	}
	if got := rawDo(t, addr, "GET", "/headers"); got.Header.Get("Retry-After") != "10" {
		t.Errorf("Retry-After = %q", got.Header.Get("Retry-After"))
	}
}

func TestZeroValueApplication(t *testing.T) {
	var app Application // the zero value works, as http.ServeMux's does
	app.Router.AddRoute("GET", "/{name}", func(req *Request) (Resp, error) {
		if req.App.ClientMaxSize() != DefaultClientMaxSize || req.App.Logger() == nil {
			return nil, HTTPInternalServerError()
		}
		return &Response{Text: "hi " + req.MatchInfo["name"]}, nil
	})
	if got := rawDo(t, serve(t, &app), "GET", "/zero"); got.Status != 200 || got.Body != "hi zero" {
		t.Errorf("zero Application: %d %q", got.Status, got.Body)
	}
	app.Set("db", 42)
	if app.Get("db") != 42 || app.Get("none") != nil {
		t.Error("app values")
	}
}

func TestHTTPVersion(t *testing.T) {
	var got []string
	app := NewApplication()
	app.Router.AddRoute("GET", "/", func(req *Request) (Resp, error) {
		got = append(got, fmt.Sprint(req.Version(), req.Version() == HTTPVersion11, req.Version() == HTTPVersion10, req.KeepAlive()))
		return &Response{}, nil
	})
	addr := serve(t, app)
	c, _ := net.Dial("tcp", addr)
	io.WriteString(c, "GET / HTTP/1.0\r\n\r\n")
	io.ReadAll(c)
	c.Close()
	rawDo(t, addr, "GET", "/")
	want := []string{"HTTP/1.0 false true false", "HTTP/1.1 true false false"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}
