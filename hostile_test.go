// hostile_test.go sends malformed and hostile requests over raw connections
// to a server configured as RunApp configures it, and checks each gets the
// right 4xx or a closed connection within the configured timeouts, and that
// the server then serves the next request.

package aioweb

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// hostileServer serves a small app with RunApp's http.Server settings and
// short timeouts.
func hostileServer(t *testing.T) string {
	app := NewApplication(WithClientMaxSize(1 << 10))
	app.Router.AddRoute("GET", "/", func(*Request) (Resp, error) { return &Response{Text: "ok"}, nil })
	app.Router.AddRoute("HEAD", "/", func(*Request) (Resp, error) { return &Response{Text: "ok"}, nil })
	app.Router.AddRoute("GET", "/v/{name}", func(req *Request) (Resp, error) { return &Response{Text: req.MatchInfo["name"]}, nil })
	app.Router.AddRoute("POST", "/echo", func(req *Request) (Resp, error) {
		b, err := req.Read()
		return &Response{Body: b}, err
	})
	srv := httptest.NewUnstartedServer(app)
	cfg := NewServer(app, "")
	srv.Config.ReadHeaderTimeout = 300 * time.Millisecond
	srv.Config.ReadTimeout = 800 * time.Millisecond
	srv.Config.MaxHeaderBytes = cfg.MaxHeaderBytes
	srv.Config.ErrorLog = cfg.ErrorLog
	srv.Start()
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// exchange writes raw bytes (optionally trickled) and returns the status
// ("closed" when the connection closed without a response) and how long
// the server took.
func exchange(t *testing.T, addr string, parts []string, gap time.Duration) (string, time.Duration) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	t0 := time.Now()
	for _, p := range parts {
		if _, err := io.WriteString(c, p); err != nil {
			break // the server closed on us: fine
		}
		time.Sleep(gap)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatalf("no answer and no close within 5s")
		}
		return "closed", time.Since(t0)
	}
	resp.Body.Close()
	return resp.Status[:3], time.Since(t0)
}

func TestHostileInput(t *testing.T) {
	addr := hostileServer(t)
	huge := strings.Repeat("a", 70<<10)
	slow := strings.Split("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: yes\r\n\r\n", "")
	cases := []struct {
		name  string
		parts []string
		gap   time.Duration
		want  string // status, or "closed"; several allowed, separated by |
	}{
		{"garbage request line", []string{"GARBAGE\r\n\r\n"}, 0, "400"},
		{"bad version", []string{"GET / HTTP/9.9\r\nHost: x\r\n\r\n"}, 0, "505"},
		{"no host on 1.1", []string{"GET / HTTP/1.1\r\n\r\n"}, 0, "400"},
		{"header without colon", []string{"GET / HTTP/1.1\r\nHost: x\r\nBroken\r\n\r\n"}, 0, "400"},
		{"conflicting Content-Length", []string{"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"}, 0, "400"},
		{"duplicate equal Content-Length", []string{"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi"}, 0, "200"},
		{"negative Content-Length", []string{"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"}, 0, "400"},
		{"Content-Length and chunked", []string{"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"}, 0, "400|200"},
		{"bad chunk size", []string{"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhi\r\n0\r\n\r\n"}, 0, "400"},
		{"body over the limit", []string{"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" + strings.Repeat("b", 4096)}, 0, "413"},
		{"huge header", []string{"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + huge + "\r\n\r\n"}, 0, "431"},
		{"64 KiB path", []string{"GET /v/" + huge[:64<<10] + " HTTP/1.1\r\nHost: x\r\n\r\n"}, 0, "414"},
		{"8 KiB path", []string{"GET /v/" + huge[:8<<10] + " HTTP/1.1\r\nHost: x\r\n\r\n"}, 0, "414"},
		{"8000-byte path", []string{"GET /v/" + huge[:8000] + " HTTP/1.1\r\nHost: x\r\n\r\n"}, 0, "200"},
		{"invalid percent-encoding", []string{"GET /v/%zz HTTP/1.1\r\nHost: x\r\n\r\n"}, 0, "400"},
		{"invalid UTF-8 escaped", []string{"GET /v/%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n"}, 0, "200"},
		{"raw NUL in path", []string{"GET /v/a\x00b HTTP/1.1\r\nHost: x\r\n\r\n"}, 0, "400"},
		{"escaped NUL in path", []string{"GET /v/a%00b HTTP/1.1\r\nHost: x\r\n\r\n"}, 0, "200"},
		{"NUL in header", []string{"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n"}, 0, "400"},
		{"CR in header value", []string{"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n"}, 0, "400"},
		{"body on GET", []string{"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"}, 0, "200"},
		{"body on HEAD", []string{"HEAD / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"}, 0, "200"},
		{"unknown method", []string{"BREW /v/x HTTP/1.1\r\nHost: x\r\n\r\n"}, 0, "405"},
		{"slowloris headers", slow, 40 * time.Millisecond, "closed|408|400"},
		{"body slower than the read timeout", []string{"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n", "a", "b", "c"}, 400 * time.Millisecond, "closed|400|408"},
		{"truncated body then close", []string{"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"}, 0, "closed|400|408"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, took := exchange(t, addr, c.parts, c.gap)
			if !strings.Contains("|"+c.want+"|", "|"+got+"|") {
				t.Errorf("got %s, want %s", got, c.want)
			}
			if took > 3*time.Second {
				t.Errorf("took %v", took)
			}
			if r := rawDo(t, addr, "GET", "/v/next"); r.Status != 200 || r.Body != "next" {
				t.Errorf("next request: %d %q", r.Status, r.Body)
			}
		})
	}
}

func TestResponseSplittingRejected(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/{kind}", func(req *Request) (Resp, error) {
		switch req.MatchInfo["kind"] {
		case "location":
			return nil, HTTPSeeOther("/x\r\nSet-Cookie: evil=1")
		case "header":
			return &Response{Text: "x", Headers: http.Header{"X-A": {"v\nSet-Cookie: evil=1"}}}, nil
		case "setheader":
			r := &Response{Text: "x"}
			if err := r.SetHeader("X-A", "v\r\nSet-Cookie: evil=1"); err == nil {
				t.Error("SetHeader accepted CR/LF")
			}
			return r, nil
		case "cookie":
			r := &Response{Text: "x"}
			if err := r.SetCookie(&http.Cookie{Name: "a", Value: "b\r\nSet-Cookie: evil=1"}); err == nil {
				return nil, HTTPInternalServerError()
			}
			return r, nil
		case "reason":
			return nil, HTTPNotFound(WithReason("Nope\r\nSet-Cookie: evil=1"))
		case "stream":
			s := NewStreamResponse(200)
			if err := s.SetHeader("X-A", "a\nb"); err == nil {
				t.Error("StreamResponse.SetHeader accepted LF")
			}
			return s, nil
		}
		return nil, HTTPNotFound()
	})
	addr := serve(t, app)
	for _, kind := range []string{"location", "header", "setheader", "cookie", "reason", "stream"} {
		got := rawDo(t, addr, "GET", "/"+kind)
		if got.Header.Get("Set-Cookie") != "" || strings.Contains(got.Body, "evil") {
			t.Errorf("%s: response split: %v %q", kind, got.Header, got.Body)
		}
		if kind != "setheader" && kind != "cookie" && kind != "stream" && got.Status != 500 {
			t.Errorf("%s: status %d, want 500", kind, got.Status)
		}
	}
}
