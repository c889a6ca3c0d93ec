// domain_test.go translates aiohttp 3.8.6's tests/test_urldispatch.py
// domain cases (Domain, MaskDomain, add_domain) and serves sub-applications
// by Host over a real server.

package aioweb

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestUpstream_urldispatch_test_domain_validation_error(t *testing.T) {
	// (the None case is a TypeError in Python; Go's types rule it out)
	for _, d := range []string{"", "http://dom", "*.example.com", "example$com", "-a.com", "a..com", "example.com:x", "example.com:70000", strings.Repeat("a", 64) + ".com"} {
		if _, err := NewDomain(d); err == nil {
			t.Errorf("NewDomain(%q) accepted", d)
		}
	}
	if _, err := NewMaskDomain("*.example$com"); err == nil {
		t.Error("NewMaskDomain accepted a '$'")
	}
	if msg := catchPanic(func() { NewApplication().AddDomain("http://dom", NewApplication()) }); !strings.Contains(msg, "scheme not supported") {
		t.Errorf("AddDomain panic %q", msg)
	}
}

func TestUpstream_urldispatch_test_domain_valid(t *testing.T) {
	for _, c := range []struct {
		domain, canonical string
		mask              bool
	}{
		{"example.com:81", "example.com:81", false},
		{"*.example.com", `.*\.example\.com`, true},
		{"пуни.код", "xn--h1ajfq.xn--d1alm", false},
		{"Example.COM.", "example.com", false},
		{"example.com:80", "example.com", false},
		{"bücher.example", "xn--bcher-kva.example", false},
	} {
		newRule := NewDomain
		if c.mask {
			newRule = NewMaskDomain
		}
		d, err := newRule(c.domain)
		if err != nil || d.Canonical() != c.canonical {
			t.Errorf("%q: Canonical() = %v, %v; want %q", c.domain, d, err, c.canonical)
		}
	}
}

func TestUpstream_urldispatch_test_match_domain(t *testing.T) {
	for _, c := range []struct {
		rule, host string
		want       bool
	}{
		{"example.com", "example.com", true},
		{"example.com:81", "example.com:81", true},
		{"example.com:81", "example.com", false},
		{"пуникод", "xn--d1ahgkhc2a", true},
		{"*.example.com", "jpg.example.com", true},
		{"*.example.com", "a.example.com", true},
		{"*.example.com", "example.com", false},
	} {
		newRule := NewDomain
		if strings.Contains(c.rule, "*") {
			newRule = NewMaskDomain
		}
		d, err := newRule(c.rule)
		if err != nil || d.Match(c.host) != c.want {
			t.Errorf("%s matching %s: %v (err %v), want %v", c.rule, c.host, d != nil && d.Match(c.host), err, c.want)
		}
	}
}

func TestUpstream_urldispatch_test_subapp_rule_resource(t *testing.T) {
	app, sub := NewApplication(), NewApplication()
	sub.Router.AddGet("/", nop)
	res := app.AddDomain("example.com", sub)
	info := res.Info()
	if res.Canonical() != "example.com" || res.Kind() != ResourceDomain || info.App != sub || info.Domain.Canonical() != "example.com" {
		t.Errorf("resource %v info %+v", res, info)
	}
	if len(res.Routes()) == 0 || !strings.HasPrefix(res.String(), "MatchedSubAppResource") {
		t.Errorf("routes %v, %s", res.Routes(), res)
	}
	if _, err := res.URL(nil, nil); err == nil {
		t.Error("a domain resource built a URL")
	}
}

func TestUpstream_urldispatch_test_add_domain(t *testing.T) {
	text := func(s string) Handler { return func(*Request) (Resp, error) { return &Response{Text: s}, nil } }
	app := NewApplication()
	for _, c := range [][2]string{{"example.com", "h1"}, {"*.example.com", "h2"}, {"*", "h3"}} {
		sub := NewApplication()
		sub.Router.AddGet("/", text(c[1]))
		app.AddDomain(c[0], sub)
	}
	addr := serve(t, app)
	for _, c := range []struct {
		method, host string
		status       int
		body, allow  string
	}{
		{"GET", "example.com", 200, "h1", ""},
		{"GET", "a.example.com", 200, "h2", ""},
		{"GET", "example2.com", 200, "h3", ""},
		{"POST", "example.com", 405, "405: Method Not Allowed", "GET,HEAD"},
	} {
		got := rawDoHost(t, addr, c.method, "/", c.host)
		if got.Status != c.status || got.Body != c.body || got.Allow != c.allow {
			t.Errorf("%s %s: %d %q %q", c.method, c.host, got.Status, got.Body, got.Allow)
		}
	}
}

// rawDoHost sends one request with the given Host header.
func rawDoHost(t *testing.T, addr, method, target, host string) rawResult {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, method+" "+target+" HTTP/1.1\r\nHost: "+host+"\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return rawResult{Status: resp.StatusCode, Allow: resp.Header.Get("Allow"), Body: string(b), Header: resp.Header}
}

// TestAddDomainServing: order with the parent's routes, sub middlewares,
// ports, 404 inside a domain, URL reversal, and normalize within a domain.
func TestAddDomainServing(t *testing.T) {
	var trail []string
	mark := func(tag string) Middleware {
		return MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
			trail = append(trail, tag)
			return h(req)
		})
	}
	text := func(s string) Handler { return func(*Request) (Resp, error) { return &Response{Text: s}, nil } }
	app := NewApplication(WithMiddlewares(mark("outer")))
	app.Router.AddGet("/shared", text("parent shared"))
	api := NewApplication(WithMiddlewares(mark("api"), NormalizePath()))
	api.Router.AddGet("/shared", text("api shared"))
	api.Router.AddGet("/users/{id}/", func(req *Request) (Resp, error) { return &Response{Text: "user " + req.MatchInfo["id"]}, nil }, WithName("user"))
	app.AddDomain("api.example.com:8080", api)
	app.Router.AddGet("/later", text("parent later"))
	addr := serve(t, app)
	for _, c := range []struct {
		host, path string
		status     int
		body, loc  string
		trail      string
	}{
		{"api.example.com:8080", "/shared", 200, "parent shared", "", "outer"}, // registered before the domain
		{"API.example.com:8080", "/users/7/", 200, "user 7", "", "outer,api"},
		{"api.example.com:8080", "/users/7", 308, "", "/users/7/", "outer,api"},
		{"api.example.com:8080", "/later", 404, "404: Not Found", "", "outer,api"}, // the domain claims its host
		{"api.example.com", "/users/7/", 404, "404: Not Found", "", "outer"},       // another port
		{"other.com", "/later", 200, "parent later", "", "outer"},
	} {
		trail = nil
		got := rawDoHost(t, addr, "GET", c.path, c.host)
		if c.status == 308 {
			got.Body = ""
		}
		if got.Status != c.status || got.Body != c.body || got.Header.Get("Location") != c.loc || strings.Join(trail, ",") != c.trail {
			t.Errorf("%s %s: %d %q %q trail %v", c.host, c.path, got.Status, got.Body, got.Header.Get("Location"), trail)
		}
	}
	if u, err := api.Router.Named("user").URL(Parts{"id": "a b"}, nil); err != nil || u != "/users/a%20b/" {
		t.Errorf("URL = %q, %v", u, err)
	}
	if n := len(app.Router.Routes()); n != 8 || !strings.Contains(app.Router.Routes()[2].String(), "host=api.example.com:8080 (regex)") {
		t.Errorf("Routes() = %v", app.Router.Routes())
	}
}
