// expect_test.go tests the Expect pre-body hook over raw connections: the
// interim 100 Continue before the body, rejection without the body, 417,
// HTTP/1.0, panics, middlewares never seeing rejected requests, and curl.

package aioweb

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// checkAuth is the seed's check_auth, as the tour has it: HTTP/1.0 or no
// Authorization is refused; otherwise it sends 100 Continue itself.
func checkAuth(req *Request) (Resp, error) {
	if req.Version() != HTTPVersion11 {
		return HTTPForbidden(), nil
	}
	if req.Header.Get("Authorization") == "" {
		return HTTPForbidden(), nil
	}
	return nil, req.WriteContinue()
}

func echoBody(req *Request) (Resp, error) {
	b, err := req.Read()
	if err != nil {
		return nil, err
	}
	return &Response{Body: b}, nil
}

func expectApp(t *testing.T) (string, *atomic.Int64) {
	var seen atomic.Int64
	mw := MiddlewareFunc(func(req *Request, h Handler) (Resp, error) {
		seen.Add(1)
		return h(req)
	})
	app := NewApplication(WithMiddlewares(mw))
	app.Router.AddRoute("POST", "/echo", echoBody)
	app.Router.AddRoute("POST", "/guarded", echoBody, WithExpectHandler(checkAuth))
	app.Router.AddRoute("POST", "/lazy", echoBody, WithExpectHandler(func(*Request) (Resp, error) { return nil, nil }))
	app.Router.AddRoute("POST", "/panics", echoBody, WithExpectHandler(func(*Request) (Resp, error) { panic("expect boom") }))
	app.Router.AddRoute("POST", "/raises", echoBody, WithExpectHandler(func(*Request) (Resp, error) {
		return nil, HTTPUnauthorized(WithText("who are you"))
	}))
	return serve(t, app), &seen
}

// expectConn sends headers, waits for an interim or final response, and
// sends the body only if 100 Continue came.
type expectResult struct {
	interim  bool // a 100 Continue arrived before the body was sent
	sentBody bool
	status   int
	body     string
	closed   bool // the server closed the connection after the response
}

func expectExchange(t *testing.T, addr, proto, path string, hdrs []string, body string) expectResult {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	head := "POST " + path + " " + proto + "\r\nHost: x\r\nContent-Length: " + itoa(len(body)) + "\r\n"
	for _, h := range hdrs {
		head += h + "\r\n"
	}
	io.WriteString(c, head+"\r\n")
	br := bufio.NewReader(c)
	var res expectResult
	if !strings.Contains(head, "\r\nExpect:") {
		io.WriteString(c, body) // nothing to wait for
		res.sentBody = true
	}
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("no answer to the headers: %v", err)
	}
	if strings.HasPrefix(line, "HTTP/1.1 100 ") {
		res.interim = true
		if blank, _ := br.ReadString('\n'); blank != "\r\n" {
			t.Fatalf("100 Continue followed by %q", blank)
		}
		io.WriteString(c, body)
		res.sentBody = true
		if line, err = br.ReadString('\n'); err != nil {
			t.Fatalf("no final response: %v", err)
		}
	}
	resp, err := http.ReadResponse(bufio.NewReader(io.MultiReader(strings.NewReader(line), br)), nil)
	if err != nil {
		t.Fatalf("reading the final response: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	res.status, res.body = resp.StatusCode, string(b)
	// Whether the server closed: it matters (and the tests check it) only
	// when the body was never sent and net/http did not answer 417 itself
	// (it then waits to discard the body). There a close may come late on
	// a loaded machine: wait for it generously; a server that keeps the
	// connection open fails on the deadline.
	if res.sentBody || res.status == http.StatusExpectationFailed {
		return res
	}
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err = br.ReadByte()
	res.closed = err == io.EOF
	return res
}

func TestExpectContinue(t *testing.T) {
	addr, seen := expectApp(t)
	auth := []string{"Expect: 100-continue", "Authorization: Basic eDp5"}
	for _, c := range []struct {
		name, proto, path string
		hdrs              []string
		interim, sentBody bool
		status            int
		body              string
		mwCalls           int64
	}{
		{"default handler: 100 before the body", "HTTP/1.1", "/echo", []string{"Expect: 100-continue"}, true, true, 200, "hello", 1},
		{"case-insensitive", "HTTP/1.1", "/echo", []string{"Expect: 100-Continue"}, true, true, 200, "hello", 1},
		{"custom handler sends 100 itself", "HTTP/1.1", "/guarded", auth, true, true, 200, "hello", 1},
		{"custom handler returns nil: 100 on first read", "HTTP/1.1", "/lazy", []string{"Expect: 100-continue"}, true, true, 200, "hello", 1},
		{"refused without the body", "HTTP/1.1", "/guarded", []string{"Expect: 100-continue"}, false, false, 403, "403: Forbidden", 0},
		{"refused as an error", "HTTP/1.1", "/raises", []string{"Expect: 100-continue"}, false, false, 401, "who are you", 0},
		{"HTTP/1.0 refused by check_auth", "HTTP/1.0", "/guarded", auth, false, false, 403, "403: Forbidden", 0},
		{"expect handler panics", "HTTP/1.1", "/panics", []string{"Expect: 100-continue"}, false, false, 500, internalErrorBody, 0},
		{"unknown expectation: 417 from net/http", "HTTP/1.1", "/guarded", []string{"Expect: something-else", "Authorization: x"}, false, false, 417, "", 0},
		{"404 with Expect", "HTTP/1.1", "/nope", []string{"Expect: 100-continue"}, false, false, 404, "404: Not Found", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := seen.Load()
			got := expectExchange(t, addr, c.proto, c.path, c.hdrs, "hello")
			if got.interim != c.interim || got.sentBody != c.sentBody || got.status != c.status || got.body != c.body {
				t.Errorf("got %+v", got)
			}
			// net/http's own 417 comes before any handler; it then waits
			// to discard a body the client never sends (a net/http limit).
			if !c.sentBody && !got.closed && c.status != 417 {
				t.Error("connection kept open while the client waits to send its body")
			}
			if n := seen.Load() - before; n != c.mwCalls {
				t.Errorf("middleware ran %d times, want %d", n, c.mwCalls)
			}
		})
	}
}

func TestExpectWithoutHeaderSkipsExpectHandler(t *testing.T) {
	addr, _ := expectApp(t)
	got := expectExchange(t, addr, "HTTP/1.1", "/guarded", nil, "hello")
	if got.interim || !got.sentBody || got.status != 200 || got.body != "hello" {
		t.Errorf("no Expect header: %+v", got)
	}
}

func TestExpectWithCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed")
	}
	addr, _ := expectApp(t)
	file := filepath.Join(t.TempDir(), "body.bin")
	os.WriteFile(file, []byte(strings.Repeat("z", 100_000)), 0o644)
	run := func(args ...string) string {
		out, err := exec.Command(curl, append([]string{"-s", "-S", "--expect100-timeout", "30", "-H", "Expect: 100-continue",
			"--data-binary", "@" + file, "-w", " %{http_code}"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("curl: %v %s", err, out)
		}
		return string(out)
	}
	t0 := time.Now()
	if out := run("-H", "Authorization: Basic eDp5", "http://"+addr+"/guarded"); out != strings.Repeat("z", 100_000)+" 200" {
		t.Errorf("authorised upload: %d bytes, ends %q", len(out), out[max(0, len(out)-10):])
	}
	if out := run("http://" + addr + "/guarded"); out != "403: Forbidden 403" {
		t.Errorf("refused upload: %q", out)
	}
	if d := time.Since(t0); d > 20*time.Second { // curl waits 30 s for a 100 that never comes
		t.Errorf("curl waited %v: the 100 Continue or the refusal came late", d)
	}
}

// expectNoBody sends a request that announces a body and waits for 100
// Continue, never sending the body; it returns the final response and
// whether the server then closed the connection (EOF, not a timeout: a
// server that waits for the body keeps it open until the deadline).
func expectNoBody(t *testing.T, addr, path string, hdrs ...string) (*http.Response, string, bool) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	head := "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nExpect: 100-continue\r\n"
	for _, h := range hdrs {
		head += h + "\r\n"
	}
	io.WriteString(c, head+"\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("%s: no final response: %v", path, err)
	}
	b, _ := io.ReadAll(resp.Body)
	_, err = br.ReadByte()
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return resp, string(b), false
	}
	return resp, string(b), err == io.EOF
}

// TestExpectLingerEnds: a response decided without reading the body (413
// from Content-Length; Multipart() and no read) ends the connection, since
// the client still waits for 100 Continue and net/http would wait for the
// body; a handler that reads gets the body as usual.
func TestExpectLingerEnds(t *testing.T) {
	app := NewApplication(WithClientMaxSize(10))
	app.Router.AddRoute("POST", "/echo", echoBody)
	app.Router.AddRoute("POST", "/mp", func(req *Request) (Resp, error) {
		if _, err := req.Multipart(); err != nil {
			return nil, err
		}
		return &Response{Text: "not reading"}, nil
	})
	addr := serve(t, app)
	resp, body, closed := expectNoBody(t, addr, "/echo")
	if resp.StatusCode != 413 || !strings.Contains(body, "Maximum request body size 10 exceeded") || !closed || !resp.Close {
		t.Errorf("413 from Content-Length: %d %q closed=%v Connection: close=%v", resp.StatusCode, body, closed, resp.Close)
	}
	resp, body, closed = expectNoBody(t, addr, "/mp", "Content-Type: multipart/form-data; boundary=xyz")
	if resp.StatusCode != 200 || body != "not reading" || !closed || !resp.Close {
		t.Errorf("Multipart without a read: %d %q closed=%v Connection: close=%v", resp.StatusCode, body, closed, resp.Close)
	}
	// A body that was read keeps the usual flow.
	got := expectExchange(t, addr, "HTTP/1.1", "/echo", []string{"Expect: 100-continue"}, "hello")
	if !got.interim || got.status != 200 || got.body != "hello" {
		t.Errorf("read body: %+v", got)
	}
}
