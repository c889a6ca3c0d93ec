// response_test.go tests Request accessors, Response content types and
// cookies, JSONResponse, StreamResponse framing and its errors.

package aioweb

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRequestAccessors(t *testing.T) {
	var got map[string]any
	app := NewApplication()
	app.Router.AddRoute("POST", "/r/{name}", func(req *Request) (Resp, error) {
		body, err := req.Read()
		if err != nil {
			return nil, err
		}
		again, _ := req.Read()
		q := req.Query()
		got = map[string]any{
			"method": req.Method, "version": req.Version().String(), "path": req.Path,
			"raw": req.RawPath(), "pathqs": req.PathQS(), "qs": req.QueryString(),
			"a": q.GetAll("a"), "x": q.Get("x"), "keys": q.Keys(), "cached": q == req.Query(),
			"accept": req.Header.Values("Accept"), "cookies": req.Cookies(),
			"ct": req.ContentType(), "charset": req.Charset(), "len": req.ContentLength(),
			"keepalive": req.KeepAlive(), "body": string(body), "same": string(again),
			"name": req.MatchInfo["name"], "host": req.Host(), "route": req.Route.Pattern(),
			"app": req.App == app, "ctx": req.Context() != nil, "http": req.HTTPRequest().URL.Path,
		}
		return &Response{Text: "ok"}, nil
	})
	addr := serve(t, app)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "post /r/a%20b?a=1&a=2&x=&y=%C3%A9+z HTTP/1.1\r\nHost: h:1\r\nAccept: text/html\r\nAccept: application/json\r\n"+
		"Cookie: s=1; q=\"w\"\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: 5\r\n\r\nhello")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	want := map[string]any{
		"method": "POST", "version": "HTTP/1.1", "path": "/r/a b", "raw": "/r/a%20b?a=1&a=2&x=&y=%C3%A9+z", // aiohttp's raw_path has the query
		"pathqs": "/r/a%20b?a=1&a=2&x=&y=%C3%A9+z", "qs": "a=1&a=2&x=&y=%C3%A9+z",
		"a": []string{"1", "2"}, "x": "", "keys": []string{"a", "a", "x", "y"}, "cached": true,
		"accept": []string{"text/html", "application/json"}, "cookies": map[string]string{"s": "1", "q": "w"},
		"ct": "text/plain", "charset": "UTF-8", "len": int64(5), "keepalive": true,
		"body": "hello", "same": "hello", "name": "a b", "host": "h:1", "route": "/r/{name}",
		"app": true, "ctx": true, "http": "/r/a b",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("request accessors (-want +got):\n%s", d)
	}
}

func TestRequestBodyLimitsAndDecoding(t *testing.T) {
	app := NewApplication(WithClientMaxSize(10))
	app.Router.AddRoute("POST", "/read", func(req *Request) (Resp, error) {
		b, err := req.Read()
		return &Response{Body: b}, err
	})
	app.Router.AddRoute("POST", "/text", func(req *Request) (Resp, error) {
		s, err := req.Text()
		return &Response{Text: s + "!"}, err
	})
	app.Router.AddRoute("POST", "/json", func(req *Request) (Resp, error) {
		var v struct{ A int }
		if err := req.JSON(&v); err != nil {
			return nil, err
		}
		return JSONResponse(map[string]int{"a": v.A + 1})
	})
	srv := serveURL(t, app)
	post := func(path, ct, body string, chunked bool) (int, string) {
		var r io.Reader = strings.NewReader(body)
		if chunked {
			r = io.MultiReader(strings.NewReader(body)) // unknown length: chunked
		}
		resp, err := http.Post(srv+path, ct, r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, c := range []struct {
		path, ct, body string
		chunked        bool
		status         int
		want           string
	}{
		{"/read", "", "0123456789", false, 200, "0123456789"},
		{"/read", "", "0123456789A", false, 413, "Maximum request body size 10 exceeded, actual body size 11"},
		{"/read", "", "0123456789AB", true, 413, "Maximum request body size 10 exceeded, actual body size 12"}, // the bytes read, as aiohttp
		{"/text", "text/plain", "héllo", false, 200, "héllo!"},
		{"/text", "text/plain", "\xff\xfe", false, 400, "400: Bad Request: request body is not valid UTF-8"},
		{"/text", "text/plain; charset=koi8-r", "abc", false, 415, `415: Unsupported Media Type: charset "koi8-r" is not supported`},
		{"/json", "application/json", `{"A": 41}`, false, 200, `{"a":42}`},
		{"/json", "application/json", `{"A": `, false, 400, "400: Bad Request: invalid JSON body: unexpected end of JSON input at byte 6"},
	} {
		status, body := post(c.path, c.ct, c.body, c.chunked)
		if status != c.status || body != c.want {
			t.Errorf("%s %q: %d %q, want %d %q", c.path, c.body, status, body, c.status, c.want)
		}
	}
}

func serveURL(t testing.TB, app *Application) string { return "http://" + serve(t, app) }

func TestResponseContentTypes(t *testing.T) {
	cases := []struct {
		resp     *Response
		status   int
		ct, body string
	}{
		{&Response{Text: "hi"}, 200, "text/plain; charset=utf-8", "hi"},
		{&Response{Text: "<b>", ContentType: "text/html"}, 200, "text/html; charset=utf-8", "<b>"},
		{&Response{Text: "{}", Headers: http.Header{"Content-Type": {"application/json"}}}, 200, "application/json; charset=utf-8", "{}"},
		{&Response{Text: "x", Headers: http.Header{"Content-Type": {"application/octet-stream"}}}, 200, "text/plain; charset=utf-8", "x"},
		{&Response{Text: "abc", Charset: "us-ascii"}, 200, "text/plain; charset=us-ascii", "abc"},
		{&Response{Body: []byte("\x00\x01")}, 200, "application/octet-stream", "\x00\x01"},
		{&Response{Body: []byte("<svg/>"), ContentType: "image/svg+xml"}, 200, "image/svg+xml", "<svg/>"},
		{&Response{Status: 201}, 201, "", ""},
		{&Response{Status: 204, Text: "dropped"}, 204, "", ""},
		{&Response{Body: []byte("a"), Text: "b"}, 500, "text/plain; charset=utf-8", internalErrorBody},
		{&Response{Text: "x", ContentType: "text/plain; charset=utf-8"}, 500, "text/plain; charset=utf-8", internalErrorBody},
		{&Response{Text: "é", Charset: "koi8-r"}, 500, "text/plain; charset=utf-8", internalErrorBody},
		{&Response{Text: "x", Headers: http.Header{"X-A": {"1\r\nX-B: 2"}}}, 500, "text/plain; charset=utf-8", internalErrorBody},
	}
	app := NewApplication()
	for i, c := range cases {
		resp := c.resp
		app.Router.AddRoute("GET", fmt.Sprintf("/%d", i), func(*Request) (Resp, error) { r := *resp; return &r, nil })
	}
	addr := serve(t, app)
	for i, c := range cases {
		got := rawDo(t, addr, "GET", fmt.Sprintf("/%d", i))
		if got.Status != c.status || got.Header.Get("Content-Type") != c.ct || got.Body != c.body {
			t.Errorf("case %d %+v: %d %q %q", i, c.resp, got.Status, got.Header.Get("Content-Type"), got.Body)
		}
		if c.status == 200 && got.Header.Get("Content-Length") != fmt.Sprint(len(c.body)) {
			t.Errorf("case %d: Content-Length %q", i, got.Header.Get("Content-Length"))
		}
	}
}

func TestCookies(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/", func(*Request) (Resp, error) {
		r := &Response{Text: "c"}
		if err := r.SetCookie(&http.Cookie{Name: "a", Value: "b c", HttpOnly: true, MaxAge: 10}); err != nil {
			return nil, err
		}
		if err := r.DelCookie("old", ""); err != nil {
			return nil, err
		}
		if err := r.SetCookie(&http.Cookie{Name: "bad name", Value: "x"}); err == nil {
			return nil, fmt.Errorf("invalid cookie accepted")
		}
		return r, nil
	})
	got := rawDo(t, serve(t, app), "GET", "/")
	want := []string{`a="b c"; Path=/; Max-Age=10; HttpOnly`, "old=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0"}
	if d := cmp.Diff(want, got.Header.Values("Set-Cookie")); d != "" || got.Status != 200 {
		t.Errorf("status %d, Set-Cookie (-want +got):\n%s", got.Status, d)
	}
}

func TestStreamResponse(t *testing.T) {
	errs := make(chan error, 10)
	app := NewApplication()
	app.Router.AddRoute("GET", "/stream", func(req *Request) (Resp, error) {
		s := NewStreamResponse(201)
		_, err := s.Write([]byte("early"))
		errs <- err // ErrNotPrepared
		s.SetHeader("X-Stream", "1")
		if err := s.Prepare(req); err != nil {
			return nil, err
		}
		errs <- s.SetHeader("X-Late", "1") // ErrAlreadyPrepared
		errs <- s.SetStatus(500)           // ErrAlreadyPrepared
		s.Write([]byte("abc"))
		s.Write(nil)
		s.Write([]byte("defg"))
		s.WriteEOF()
		_, err = s.Write([]byte("late"))
		errs <- err // ErrEOFWritten
		return s, nil
	})
	app.Router.AddRoute("GET", "/fail", func(req *Request) (Resp, error) {
		s := &StreamResponse{}
		s.Prepare(req)
		s.Write([]byte("partial"))
		return nil, fmt.Errorf("failed mid-stream")
	})
	addr := serve(t, app)
	c, _ := net.Dial("tcp", addr)
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	raw, _ := io.ReadAll(c)
	s := string(raw)
	if !strings.HasPrefix(s, "HTTP/1.1 201 Created\r\n") || !strings.Contains(s, "X-Stream: 1") ||
		!strings.Contains(s, "Transfer-Encoding: chunked") || strings.Contains(s, "X-Late") ||
		!strings.HasSuffix(s, "\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n") {
		t.Errorf("stream on the wire:\n%s", s)
	}
	for _, want := range []error{ErrNotPrepared, ErrAlreadyPrepared, ErrAlreadyPrepared, ErrEOFWritten} {
		if got := <-errs; got != want {
			t.Errorf("got %v, want %v", got, want)
		}
	}
	// An error after the headers went out aborts the connection (aiohttp
	// 3): the client sees a truncated chunked body, never a second response.
	resp, err := http.Get("http://" + addr + "/fail")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil || resp.StatusCode != 200 || !bytes.Equal(b, []byte("partial")) {
		t.Errorf("aborted stream: status %d body %q err %v", resp.StatusCode, b, err)
	}
}

func TestNilResponseIs500(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/nil", func(*Request) (Resp, error) { return nil, nil })
	app.Router.AddRoute("GET", "/typednil", func(*Request) (Resp, error) { var r *Response; return r, nil })
	addr := serve(t, app)
	for _, p := range []string{"/nil", "/typednil"} {
		if got := rawDo(t, addr, "GET", p); got.Status != 500 || got.Body != internalErrorBody || !got.Close {
			t.Errorf("%s: %d %q %v", p, got.Status, got.Body, got.Header)
		}
	}
}

func TestResponseCompress(t *testing.T) {
	text := strings.Repeat("Hello, world. ", 200)
	app := NewApplication()
	app.Router.AddGet("/text", func(*Request) (Resp, error) { return &Response{Text: text, Compress: true}, nil })
	app.Router.AddGet("/bytes", func(*Request) (Resp, error) {
		return &Response{Body: []byte(text), ContentType: "application/x-demo", Compress: true}, nil
	})
	app.Router.AddGet("/plain", func(*Request) (Resp, error) { return &Response{Text: text}, nil })
	app.Router.AddGet("/empty", func(*Request) (Resp, error) { return &Response{Status: 204, Compress: true}, nil })
	app.Router.AddGet("/encoded", func(*Request) (Resp, error) {
		return &Response{Body: []byte("already"), Headers: http.Header{"Content-Encoding": {"br"}}, Compress: true}, nil
	})
	addr := serve(t, app)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	fetch := func(method, path, accept string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, "http://"+addr+path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	decode := func(coding string, b []byte) string {
		t.Helper()
		var r io.Reader = bytes.NewReader(b)
		var err error
		switch coding {
		case "gzip":
			r, err = gzip.NewReader(r)
		case "deflate":
			r, err = zlib.NewReader(r)
		}
		if err != nil {
			t.Fatalf("%s body does not decode: %v", coding, err)
		}
		out, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("%s body does not decode: %v", coding, err)
		}
		return string(out)
	}
	for _, c := range []struct{ path, accept, coding string }{
		{"/text", "gzip, deflate, br", "gzip"},
		{"/text", "deflate", "deflate"},
		{"/text", "gzip;q=0.5, deflate", "deflate"},
		{"/text", "GZIP", "gzip"},
		{"/text", "x-gzip", "gzip"},
		{"/text", "deflate;q=0.9, *;q=0.5", "deflate"},
		{"/text", "*", "gzip"},
		{"/text", "gzip;q=0, deflate;q=0", ""},
		{"/text", "br", ""},
		{"/text", "", ""},
		{"/bytes", "gzip", "gzip"},
		{"/plain", "gzip", ""},
	} {
		resp, b := fetch("GET", c.path, c.accept)
		got := resp.Header.Get("Content-Encoding")
		if got != c.coding || decode(got, b) != text || resp.ContentLength != int64(len(b)) {
			t.Errorf("%s with Accept-Encoding %q: coding %q (want %q), %d bytes, Content-Length %d", c.path, c.accept, got, c.coding, len(b), resp.ContentLength)
		}
		if vary := resp.Header.Get("Vary"); (c.path != "/plain") != (vary == "Accept-Encoding") {
			t.Errorf("%s with Accept-Encoding %q: Vary %q", c.path, c.accept, vary)
		}
		if c.coding != "" && len(b) >= len(text) {
			t.Errorf("%s: %d compressed bytes for %d", c.path, len(b), len(text))
		}
	}
	if resp, _ := fetch("GET", "/bytes", "gzip"); resp.Header.Get("Content-Type") != "application/x-demo" {
		t.Errorf("content type %q", resp.Header.Get("Content-Type"))
	}
	get, gb := fetch("GET", "/text", "gzip")
	if head, hb := fetch("HEAD", "/text", "gzip"); len(hb) != 0 || head.Header.Get("Content-Encoding") != "gzip" || head.ContentLength != int64(len(gb)) {
		t.Errorf("HEAD: %d body bytes, encoding %q, length %d (GET sent %d)", len(hb), head.Header.Get("Content-Encoding"), head.ContentLength, get.ContentLength)
	}
	if resp, b := fetch("GET", "/empty", "gzip"); resp.StatusCode != 204 || len(b) != 0 || resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("204: %d %q %v", resp.StatusCode, b, resp.Header)
	}
	if resp, b := fetch("GET", "/encoded", "gzip"); resp.Header.Get("Content-Encoding") != "br" || string(b) != "already" {
		t.Errorf("pre-encoded body recompressed: %v %q", resp.Header, b)
	}
}

func TestStreamResponseCompression(t *testing.T) {
	next := make(chan struct{})
	lateErr := make(chan error, 1)
	app := NewApplication()
	app.Router.AddGet("/stream", func(req *Request) (Resp, error) {
		s := NewStreamResponse(200)
		s.SetContentType("text/plain")
		if err := s.EnableCompression(); err != nil {
			return nil, err
		}
		if err := s.Prepare(req); err != nil {
			return nil, err
		}
		lateErr <- s.EnableCompression()
		io.WriteString(s, "one|")
		if req.Method == "GET" && req.Header.Get("Accept-Encoding") != "" {
			select {
			case <-next: // the client decoded "one|" before "two|" was written
			case <-time.After(30 * time.Second):
				return nil, fmt.Errorf("client never saw the first chunk")
			}
		}
		io.WriteString(s, "two|")
		return s, nil
	})
	addr := serve(t, app)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(method, accept string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, "http://"+addr+"/stream", nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}

	resp := get("GET", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("headers %v", resp.Header)
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	first := make([]byte, 4)
	if _, err := io.ReadFull(zr, first); err != nil || string(first) != "one|" {
		t.Fatalf("first chunk %q %v", first, err)
	}
	close(next)
	rest, err := io.ReadAll(zr) // also checks the gzip trailer written at the end
	resp.Body.Close()
	if err != nil || string(rest) != "two|" {
		t.Fatalf("rest %q %v", rest, err)
	}
	if err := <-lateErr; err != ErrAlreadyPrepared {
		t.Errorf("EnableCompression after Prepare: %v", err)
	}

	resp = get("GET", "")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "" || string(b) != "one|two|" {
		t.Errorf("without Accept-Encoding: %v %q", resp.Header, b)
	}
	<-lateErr

	resp = get("HEAD", "deflate")
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "deflate" || len(b) != 0 {
		t.Errorf("HEAD: %d %v %q", resp.StatusCode, resp.Header, b)
	}
	<-lateErr
}

// TestEmptyResponseContentLength: an empty Response says Content-Length: 0
// on the wire, as aiohttp's does, over HTTP/1.1, HTTP/1.0 and HTTP/2, for
// GET and HEAD. aioweb leaves the GET case to net/http (it declares the
// length of a body it buffered, even 0, when the handler is done), which
// saves a header-map write per request; HEAD's is declared by aioweb.
func TestEmptyResponseContentLength(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute(MethodAny, "/empty", func(*Request) (Resp, error) { return &Response{}, nil })
	app.Router.AddRoute(MethodAny, "/created", func(*Request) (Resp, error) { return &Response{Status: 201}, nil })
	app.Router.AddRoute("GET", "/stale", func(*Request) (Resp, error) { return &Response{Status: 304}, nil })
	addr := serve(t, app)
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/empty", "0"}, {"HEAD", "/empty", "0"}, {"GET", "/created", "0"}, {"HEAD", "/created", "0"},
		{"GET", "/stale", ""},
	} {
		got := rawDo(t, addr, c.method, c.path)
		if cl := got.Header.Values("Content-Length"); strings.Join(cl, ",") != c.want {
			t.Errorf("HTTP/1.1 %s %s: Content-Length %q, want %q", c.method, c.path, cl, c.want)
		}
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /empty HTTP/1.0\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cl := resp.Header.Values("Content-Length"); len(cl) != 1 || cl[0] != "0" {
		t.Errorf("HTTP/1.0 GET /empty: Content-Length %q, want 0", cl)
	}
	resp.Body.Close()

	srv := httptest.NewUnstartedServer(app)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	client := srv.Client()
	for _, method := range []string{"GET", "HEAD"} {
		req, _ := http.NewRequest(method, srv.URL+"/empty", nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if cl := resp.Header.Values("Content-Length"); resp.ProtoMajor != 2 || len(cl) != 1 || cl[0] != "0" {
			t.Errorf("%s %s /empty: Content-Length %q, want 0", resp.Proto, method, cl)
		}
	}
}

func TestStreamResponseHeaderIsLive(t *testing.T) {
	// StreamResponse.Header is the map Prepare sends, as Response.Header
	// and http.ResponseWriter.Header are; changes after Prepare do nothing,
	// and a CR or LF put in through it never reaches the wire.
	prepareErrs := make(chan error, 2)
	app := NewApplication()
	app.Router.AddGet("/live", func(req *Request) (Resp, error) {
		s := NewStreamResponse(200)
		s.Header().Set("X-Live", "1")
		s.Header().Add("X-Multi", "a")
		if err := s.AddHeader("X-Multi", "b"); err != nil {
			return nil, err
		}
		if err := s.Prepare(req); err != nil {
			return nil, err
		}
		s.Header().Set("X-After", "1")
		if _, err := s.Write([]byte("ok")); err != nil {
			return nil, err
		}
		return s, nil
	})
	app.Router.AddGet("/value", func(req *Request) (Resp, error) {
		s := NewStreamResponse(200)
		s.Header().Set("X-Evil", "a\r\nSet-Cookie: pwn=1")
		err := s.Prepare(req)
		prepareErrs <- err
		return s, err
	})
	app.Router.AddGet("/name", func(req *Request) (Resp, error) {
		s := NewStreamResponse(200)
		s.Header()["X-A\r\nSet-Cookie: pwn=1\r\nX-B"] = []string{"v"}
		err := s.Prepare(req)
		prepareErrs <- err
		return s, err
	})
	addr := serve(t, app)
	wire := func(path string) string {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		raw, _ := io.ReadAll(c)
		return string(raw)
	}
	s := wire("/live")
	if !strings.HasPrefix(s, "HTTP/1.1 200 OK\r\n") || !strings.Contains(s, "\r\nX-Live: 1\r\n") ||
		!strings.Contains(s, "\r\nX-Multi: a\r\nX-Multi: b\r\n") || strings.Contains(s, "X-After") || !strings.Contains(s, "\r\n2\r\nok\r\n") {
		t.Errorf("live header map on the wire:\n%s", s)
	}
	for _, path := range []string{"/value", "/name"} {
		s := wire(path)
		if !strings.HasPrefix(s, "HTTP/1.1 500 ") || strings.Contains(s, "pwn") {
			t.Errorf("%s: CR/LF set through Header() on the wire:\n%s", path, s)
		}
		select {
		case err := <-prepareErrs:
			if err == nil || !strings.Contains(err.Error(), "aioweb:") {
				t.Errorf("%s: Prepare = %v; want the header refused", path, err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("%s: the handler never reached Prepare", path)
		}
	}
}
