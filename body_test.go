// body_test.go tests the request body pipeline (body.go): gzip and deflate
// request bodies decoded with the limit on the decoded bytes, the 413 text
// naming the bytes read, multipart Content-Transfer-Encoding, RawPath,
// BodyExists and CanReadBody, and Request.Clone; upstream aiohttp cases
// are named after the test they translate.

package aioweb

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func zlibbed(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func rawDeflated(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.DefaultCompression)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// postRaw sends a POST with the given headers and body and returns the
// status and body of the answer.
func postRaw(t *testing.T, url string, body []byte, hdr ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultTransport.RoundTrip(req) // no transparent gzip on the way back
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestUpstream_test_web_functional_test_auto_decompress translates
// aiohttp's test_auto_decompress: the handler reads the length of a gzip
// body, decoded by default and raw with auto_decompress off.
func TestUpstream_test_web_functional_test_auto_decompress(t *testing.T) {
	uncompressed := []byte("dataaaaaaaaaaaaaaaaaaaaaaaaa")
	compressed := gzipped(uncompressed)
	for _, c := range []struct {
		opts []AppOption
		want int
	}{
		{nil, len(uncompressed)},
		{[]AppOption{WithAutoDecompress(false)}, len(compressed)},
	} {
		app := NewApplication(c.opts...)
		app.Router.AddRoute("POST", "/", func(req *Request) (Resp, error) {
			b, err := req.Read()
			return &Response{Text: fmt.Sprint(len(b))}, err
		})
		status, got := postRaw(t, serveURL(t, app)+"/", compressed, "Content-Encoding", "gzip")
		if status != 200 || got != fmt.Sprint(c.want) {
			t.Errorf("auto_decompress %v: %d %q, want %d", c.opts == nil, status, got, c.want)
		}
	}
}

// TestRequestBodyDecoding: gzip, x-gzip, zlib and raw deflate bodies are
// decoded for Read, Post and Multipart; a broken one is a 400; the limit
// counts decoded bytes, so a decompression bomb is a 413 at a bounded cost.
func TestRequestBodyDecoding(t *testing.T) {
	app := NewApplication(WithClientMaxSize(1 << 20))
	app.Router.AddRoute("POST", "/read", func(req *Request) (Resp, error) {
		b, err := req.Read()
		return &Response{Body: b}, err
	})
	app.Router.AddRoute("POST", "/form", func(req *Request) (Resp, error) {
		f, err := req.Post()
		if err != nil {
			return nil, err
		}
		return &Response{Text: strings.Join(describeForm(f), ",")}, nil
	})
	app.Router.AddRoute("POST", "/multipart", func(req *Request) (Resp, error) {
		mr, err := req.Multipart()
		if err != nil {
			return nil, err
		}
		p, err := mr.NextPart()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(p)
		return &Response{Body: b}, err
	})
	url := serveURL(t, app)
	hello := []byte("hello, decoded world")
	mpCT, mp := multipartBody(t, part{name: "a", data: []byte("1")}, part{name: "f", filename: "f.txt", ctype: "text/plain", data: []byte("xyz")})
	for _, c := range []struct {
		name, path, enc, ctype string
		body                   []byte
		status                 int
		want                   string
	}{
		{"gzip", "/read", "gzip", "", gzipped(hello), 200, string(hello)},
		{"x-gzip", "/read", "x-gzip", "", gzipped(hello), 200, string(hello)},
		{"deflate (zlib)", "/read", "deflate", "", zlibbed(hello), 200, string(hello)},
		{"deflate (raw, as aiohttp accepts)", "/read", "DEFLATE", "", rawDeflated(hello), 200, string(hello)},
		{"identity", "/read", "identity", "", hello, 200, string(hello)},
		{"unknown coding: as sent", "/read", "br", "", []byte("\x01\x02"), 200, "\x01\x02"},
		{"gzip urlencoded form", "/form", "gzip", "application/x-www-form-urlencoded", gzipped([]byte("a=1&b=%C3%A9")), 200, "a=1,b=é"},
		{"gzip multipart form", "/form", "gzip", mpCT, gzipped(mp), 200, `a=1,f=file(f|f.txt|text/plain|3|"xyz")`},
		{"gzip Multipart()", "/multipart", "gzip", mpCT, gzipped(mp), 200, "1"},
		{"not gzip", "/read", "gzip", "", []byte("this is not gzip data at all"), 400, "400: Bad Request: cannot decode Content-Encoding gzip: gzip: invalid header"},
		{"truncated gzip", "/read", "gzip", "", gzipped(hello)[:15], 400, "400: Bad Request: cannot decode Content-Encoding gzip: unexpected EOF"},
		{"not deflate", "/read", "deflate", "", []byte("\xff\xff\xff\xff"), 400, "400: Bad Request: cannot decode Content-Encoding deflate: "},
	} {
		hdr := []string{"Content-Encoding", c.enc}
		if c.ctype != "" {
			hdr = append(hdr, "Content-Type", c.ctype)
		}
		status, got := postRaw(t, url+c.path, c.body, hdr...)
		if status != c.status || !strings.HasPrefix(got, c.want) || c.status == 200 && got != c.want {
			t.Errorf("%s: %d %q, want %d %q", c.name, status, got, c.status, c.want)
		}
	}

	// A bomb: 256 MiB of zeros in 255 KiB of gzip. 413 after the limit,
	// the decoded bytes never held.
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zeros := make([]byte, 1<<20)
	for i := 0; i < 256; i++ {
		zw.Write(zeros)
	}
	zw.Close()
	var status int
	var got string
	alloc := allocDuring(func() { status, got = postRaw(t, url+"/read", bomb.Bytes(), "Content-Encoding", "gzip") })
	t.Logf("gzip bomb: %d bytes encoding 256 MiB: %d %q, %d bytes allocated", bomb.Len(), status, got, alloc)
	if status != 413 || !strings.HasPrefix(got, "Maximum request body size 1048576 exceeded, actual body size ") {
		t.Errorf("bomb: %d %q", status, got)
	}
	if alloc > 8<<20 {
		t.Errorf("bomb: %d bytes allocated, want < 8 MiB", alloc)
	}
}

// Test413NamesTheBytesRead: the 413 text reports the bytes read when the
// limit passed, as aiohttp 3.8 does ("Maximum request body size 1024
// exceeded, actual body size 5000" for a 5000-byte body that arrived in one
// piece), not the Content-Length; and a client still waiting for 100
// Continue is refused from its Content-Length without being invited.
func Test413NamesTheBytesRead(t *testing.T) {
	app := NewApplication(WithClientMaxSize(1024))
	app.Router.AddRoute("POST", "/read", func(req *Request) (Resp, error) {
		b, err := req.Read()
		return &Response{Body: b}, err
	})
	addr := serve(t, app)
	exchangeRaw := func(head string, body []byte) (int, string) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(30 * time.Second))
		io.WriteString(c, head)
		c.Write(body)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// 1500 bytes arrive with the head, within net/http's first read.
	status, got := exchangeRaw("POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 1500\r\n\r\n", bytes.Repeat([]byte("a"), 1500))
	if status != 413 || got != "Maximum request body size 1024 exceeded, actual body size 1500" {
		t.Errorf("1500 bytes: %d %q", status, got)
	}
	// 8 MiB announced: the read stops soon after the limit.
	status, got = exchangeRaw("POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 8388608\r\n\r\n", bytes.Repeat([]byte("a"), 64<<10))
	var n int
	if _, err := fmt.Sscanf(got, "Maximum request body size 1024 exceeded, actual body size %d", &n); status != 413 || err != nil || n <= 1024 || n > 64<<10 {
		t.Errorf("8 MiB announced: %d %q", status, got)
	}
	status, got = exchangeRaw("POST /read HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n", nil)
	if status != 413 || got != "Maximum request body size 1024 exceeded, Content-Length 5000" {
		t.Errorf("waiting for 100 Continue: %d %q", status, got)
	}
}

// TestUpstream_test_web_functional_test_100_continue translates aiohttp
// 3.8's test_100_continue: a form sent with Expect: 100-continue whose part
// is base64 (aiohttp's FormData with content_transfer_encoding="base64");
// Post decodes it ("123", not "MTIz"). Quoted-printable parts and base64
// files decode too; an unknown transfer encoding or bad base64 is a 400.
func TestUpstream_test_web_functional_test_100_continue(t *testing.T) {
	dir := t.TempDir()
	url := serveURL(t, formApp(WithUploadDir(dir), WithFormMemory(-1))) + "/form"
	const b = "BB"
	mp := func(parts ...string) []byte {
		return []byte(strings.Join(parts, "") + "--" + b + "--\r\n")
	}
	p := func(disp, cte, body string) string {
		return "--" + b + "\r\nContent-Disposition: form-data; " + disp + "\r\nContent-Transfer-Encoding: " + cte + "\r\n\r\n" + body + "\r\n"
	}
	ct := "multipart/form-data; boundary=" + b
	for _, c := range []struct {
		name   string
		body   []byte
		status int
		want   string
	}{
		{"base64 field", mp(p(`name="name"`, "base64", "MTIz")), 200, "name=123\n"},
		{"base64 field, folded lines", mp(p(`name="name"`, "BASE64", "aGVsbG8g\r\nd29ybGQ=")), 200, "name=hello world\n"},
		{"quoted-printable field", mp(p(`name="q"`, "quoted-printable", "x=3Dy=\r\nz")), 200, "q=x=yz\n"},
		{"base64 file (spilled)", mp(p(`name="f"; filename="f.txt"`, "base64", "MTIz")), 200, `f=file(f|f.txt|application/octet-stream|3|"123")` + "\n"},
		{"binary", mp(p(`name="bin"`, "binary", "raw")), 200, "bin=raw\n"},
		{"bad base64", mp(p(`name="name"`, "base64", "M!Iz")), 400, "400: Bad Request: invalid base64 in a multipart part: illegal base64 data at input byte 1"},
		{"unknown encoding", mp(p(`name="name"`, "x-uuencode", "abc")), 400, `400: Bad Request: part "name": unsupported Content-Transfer-Encoding "x-uuencode"`},
	} {
		req, _ := http.NewRequest("POST", url, bytes.NewReader(c.body))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Expect", "100-continue")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || string(got) != c.want {
			t.Errorf("%s: %d %q, want %d %q", c.name, resp.StatusCode, got, c.status, c.want)
		}
	}
	dirEmpty(t, dir)
}

// TestBodyExistsCanReadBody: aiohttp's body_exists and can_read_body, before
// and after reading, and that a form over the field limit stops reading.
func TestBodyExistsCanReadBody(t *testing.T) {
	app := NewApplication(WithMaxFormFields(3))
	app.Router.AddRoute("*", "/{how}", func(req *Request) (Resp, error) {
		before := fmt.Sprint(req.BodyExists(), req.CanReadBody())
		var err error
		switch req.MatchInfo["how"] {
		case "read":
			_, err = req.Read()
		case "post":
			_, err = req.Post()
		}
		return &Response{Text: fmt.Sprintf("%s %v %v %v", before, req.BodyExists(), req.CanReadBody(), err)}, nil
	})
	url := serveURL(t, app)
	for _, c := range []struct {
		method, path, ctype, body string
		want                      string
	}{
		{"GET", "/read", "", "", "false false false false <nil>"},
		{"POST", "/read", "", "", "false false false false <nil>"},
		{"POST", "/read", "", "abc", "true true true false <nil>"},
		{"POST", "/none", "", "abc", "true true true true <nil>"},
		{"POST", "/post", "application/x-www-form-urlencoded", "a=1&b=2", "true true true false <nil>"},
		// Over the field limit: 413, and the rest of the body is not read.
		{"POST", "/post", "application/x-www-form-urlencoded", strings.Repeat("a=1&", 100000), "true true true true " + tooManyFields(3).Text},
	} {
		status, got := send(t, url+c.path, c.method, c.ctype, []byte(c.body))
		if status != 200 || got != c.want {
			t.Errorf("%s %s %q: %d %q, want %q", c.method, c.path, c.body[:min(len(c.body), 20)], status, got, c.want)
		}
	}
}

// TestRequestClone: aiohttp's request.clone(method=, rel_url=, headers=)
// in a middleware; the handler sees the clone, MatchInfo stays the
// original's, values are copied, the body is shared and can be read once,
// and cloning after a read is an error.
func TestRequestClone(t *testing.T) {
	dir := t.TempDir()
	mw := MiddlewareFunc(func(req *Request, next Handler) (Resp, error) {
		if req.Header.Get("X-Read-First") != "" {
			req.Read()
		}
		req.Set("v", "original")
		c, err := req.Clone(CloneOptions{Method: "put", RelURL: "/x/y%20z?a=1&a=2", Headers: http.Header{"X-A": {"b"}, "Content-Type": req.Header.Values("Content-Type")}})
		if err != nil {
			return &Response{Status: 409, Text: err.Error()}, nil
		}
		c.Set("v", "clone")
		r, err := next(c)
		if req.Get("v") != "original" {
			return nil, fmt.Errorf("the clone's value leaked into the original")
		}
		return r, err
	})
	app := NewApplication(WithMiddlewares(mw), WithUploadDir(dir), WithFormMemory(-1))
	app.Router.AddRoute("POST", "/c/{name}", func(req *Request) (Resp, error) {
		f, err := req.Post()
		if err != nil {
			return nil, err
		}
		var file string
		if ff := f.File("f"); ff != nil {
			b, _ := io.ReadAll(ff.File)
			file = string(b)
		}
		return &Response{Text: fmt.Sprintf("%s %s %s %q %v %s %s %s %s %s", req.Method, req.Path, req.RawPath(), req.Query().GetAll("a"),
			req.Header.Get("X-A") == "b" && req.Header.Get("X-Orig") == "", req.MatchInfo["name"], req.Route.Pattern(), req.Get("v"), f.Value("k"), file)}, nil
	})
	url := serveURL(t, app) + "/c/nm"
	ct, body := multipartBody(t, part{name: "k", data: []byte("val")}, part{name: "f", filename: "f", ctype: "-", data: []byte("filedata")})
	status, got := postRaw(t, url, body, "Content-Type", ct, "X-Orig", "1")
	if want := `PUT /x/y z /x/y%20z?a=1&a=2 ["1" "2"] true nm /c/{name} clone val filedata`; status != 200 || got != want {
		t.Errorf("clone: %d %q, want %q", status, got, want)
	}
	status, got = postRaw(t, url, body, "Content-Type", ct, "X-Read-First", "1")
	if status != 409 || got != "aioweb: cannot clone a request after reading its body" {
		t.Errorf("clone after read: %d %q", status, got)
	}
	dirEmpty(t, dir)

	hr, _ := http.NewRequest("GET", "http://h/a", nil)
	req := &Request{r: hr, App: NewApplication()}
	for _, bad := range []string{"http://evil/x", "//evil/x", "relative", "/%zz"} {
		if _, err := req.Clone(CloneOptions{RelURL: bad}); err == nil {
			t.Errorf("Clone accepted RelURL %q", bad)
		}
	}
}

// TestRawPathIsAiohttpRawPath: RawPath is the target as sent, query
// included, as aiohttp's raw_path, and PathQS drops an empty query's '?',
// as aiohttp's path_qs; compared with aiohttp when installed.
func TestRawPathIsAiohttpRawPath(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/raw/{x}", func(req *Request) (Resp, error) {
		return &Response{Text: req.RawPath() + " | " + req.PathQS()}, nil
	})
	addr := serve(t, app)
	targets := []string{"/raw/a%20b?q=1&r=%20", "/raw/plain", "/raw/x?", "/raw/%E2%82%AC?e=%E2%82%AC#frag"}
	wants := []string{"/raw/a%20b?q=1&r=%20 | /raw/a%20b?q=1&r=%20", "/raw/plain | /raw/plain", "/raw/x? | /raw/x", ""}
	for i, target := range targets[:3] {
		if got := rawDo(t, addr, "GET", target); got.Status != 200 || got.Body != wants[i] {
			t.Errorf("%s: %d %q, want %q", target, got.Status, got.Body, wants[i])
		}
	}
	oracle := startOracleScript(t, "testdata/oracle/body.py")
	for _, target := range targets[:3] {
		want, got := rawDo(t, oracle, "GET", target), rawDo(t, addr, "GET", target)
		if want.Status != got.Status || want.Body != got.Body {
			t.Errorf("%s: aiohttp %d %q, aioweb %d %q", target, want.Status, want.Body, got.Status, got.Body)
		}
	}
}

// TestValidateCharsetMessage: the error for a charset in ContentType says
// what to do instead (issue 11 item 15).
func TestValidateCharsetMessage(t *testing.T) {
	err := (&Response{ContentType: "audio/mpeg; charset=utf-8"}).Validate()
	if err == nil || !strings.Contains(err.Error(), "put the charset in Response.Charset") {
		t.Errorf("Validate: %v", err)
	}
}

// TestUnreadBodyKeepAlive: a handler that reads the raw body itself, or
// ignores a body that is all there, keeps the connection reusable (the
// idle bound on unread bodies does not break keep-alive).
func TestUnreadBodyKeepAlive(t *testing.T) {
	app := NewApplication(WithBodyIdleTimeout(time.Second))
	app.Router.AddRoute("POST", "/direct", func(req *Request) (Resp, error) {
		b, err := io.ReadAll(req.HTTPRequest().Body)
		return &Response{Body: b}, err
	})
	app.Router.AddRoute("POST", "/ignore", func(req *Request) (Resp, error) {
		return &Response{Text: "ignored"}, nil
	})
	addr := serve(t, app)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(c)
	for i, c2 := range []struct{ path, want string }{{"/direct", "hello"}, {"/ignore", "ignored"}, {"/direct", "hello"}} {
		fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", c2.path)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || string(b) != c2.want || resp.Close {
			t.Errorf("request %d %s: %d %q close=%v", i, c2.path, resp.StatusCode, b, resp.Close)
		}
	}
}

// postForm posts a multipart form built from parts to a Post handler
// that answers describeForm's lines, and returns the status and body.
func postForm(t *testing.T, app *Application, parts ...part) (int, string) {
	t.Helper()
	ct, body := multipartBody(t, parts...)
	return postRaw(t, serveURL(t, app)+"/form", body, "Content-Type", ct)
}

// TestUpstream_test_web_functional_test_post_form: an urlencoded form with
// a blank value ({"a": "1", "b": "2", "c": ""}).
func TestUpstream_test_web_functional_test_post_form(t *testing.T) {
	status, got := send(t, serveURL(t, formApp())+"/form", "POST", "application/x-www-form-urlencoded", []byte("a=1&b=2&c="))
	if status != 200 || got != "a=1\nb=2\nc=\n" {
		t.Errorf("%d %q", status, got)
	}
}

// TestUpstream_test_web_functional_test_files_upload_with_same_key: two
// files under one key, both kept in order with their names and content.
func TestUpstream_test_web_functional_test_files_upload_with_same_key(t *testing.T) {
	status, got := postForm(t, formApp(),
		part{name: "file", filename: "test1.jpeg", ctype: "image/jpeg", data: []byte("binary data 1")},
		part{name: "file", filename: "test2.jpeg", ctype: "image/jpeg", data: []byte("binary data 2")})
	want := `file=file(file|test1.jpeg|image/jpeg|13|"binary data 1")` + "\n" + `file=file(file|test2.jpeg|image/jpeg|13|"binary data 2")` + "\n"
	if status != 200 || got != want {
		t.Errorf("%d %q", status, got)
	}
}

// TestUpstream_test_web_functional_test_post_max_client_size: a form over
// client_max_size is a 413 with aiohttp's text. aiohttp counts a multipart
// form's field data ("actual body size 1024" for the 1024-byte field);
// aioweb counts the body bytes read, so the number differs (see doc.go's
// differences).
func TestUpstream_test_web_functional_test_post_max_client_size(t *testing.T) {
	status, got := postForm(t, formApp(WithClientMaxSize(10)),
		part{name: "long_string", data: bytes.Repeat([]byte("x"), 1024)},
		part{name: "file", filename: "file", ctype: "application/octet-stream", data: []byte("test")})
	var n int
	if _, err := fmt.Sscanf(got, "Maximum request body size 10 exceeded, actual body size %d", &n); status != 413 || err != nil || n <= 10 {
		t.Errorf("%d %q", status, got)
	}
}

// TestUpstream_test_web_functional_test_post_max_client_size_for_file: a
// single small file over a 2-byte limit is a 413.
func TestUpstream_test_web_functional_test_post_max_client_size_for_file(t *testing.T) {
	status, got := postForm(t, formApp(WithClientMaxSize(2)),
		part{name: "file", filename: "file", ctype: "application/octet-stream", data: []byte("test")})
	if status != 413 || !strings.HasPrefix(got, "Maximum request body size 2 exceeded, actual body size ") {
		t.Errorf("%d %q", status, got)
	}
}

// TestQueryAndFormMatchAiohttp: query strings and urlencoded forms decode
// as aiohttp's request.query and post() do ('+' is a space, a '%' without
// two hex digits stays as it is, blank values and repeats kept in order);
// compared with aiohttp when installed. Escapes that are not UTF-8 differ
// on purpose (doc.go): the raw byte in a query, 400 in a form.
func TestQueryAndFormMatchAiohttp(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("*", "/pairs", func(req *Request) (Resp, error) {
		pairs := [][2]string{}
		add := func(k string, v any) { pairs = append(pairs, [2]string{k, fmt.Sprint(v)}) }
		if req.Method == "POST" {
			f, err := req.Post()
			if err != nil {
				return nil, err
			}
			f.Each(add)
		} else {
			req.Query().Each(func(k, v string) { add(k, v) })
		}
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(pairs)
		return &Response{Text: strings.TrimSpace(b.String())}, nil
	})
	url := serveURL(t, app) + "/pairs"
	cases := []struct{ raw, want string }{
		{"a=1&a=2&b=&c&=v&&d=+", `[["a","1"],["a","2"],["b",""],["c",""],["","v"],["d"," "]]`},
		{"a%20b=c+d&e=%2B", `[["a b","c d"],["e","+"]]`},
		{"x=a%20b%zz", `[["x","a b%zz"]]`},
		{"x=%&y=%2&z=100%", `[["x","%"],["y","%2"],["z","100%"]]`},
		{"x=%%41&a%zz=1", `[["x","%A"],["a%zz","1"]]`},
		{"x=a+%zz+b&e=%E2%82%AC", `[["x","a %zz b"],["e","€"]]`},
		{"a=b=c;d=e", `[["a","b=c;d=e"]]`},
	}
	for _, c := range cases {
		if status, body := send(t, url+"?"+c.raw, "GET", "", nil); status != 200 || body != c.want {
			t.Errorf("query %q: %d %s, want %s", c.raw, status, body, c.want)
		}
		if status, body := send(t, url, "POST", "application/x-www-form-urlencoded", []byte(c.raw)); status != 200 || body != c.want {
			t.Errorf("form %q: %d %s, want %s", c.raw, status, body, c.want)
		}
	}
	oracle := "http://" + startOracleScript(t, "testdata/oracle/body.py") + "/pairs"
	for _, c := range cases {
		if status, body := send(t, oracle+"?"+c.raw, "GET", "", nil); status != 200 || body != c.want {
			t.Errorf("aiohttp query %q: %d %s, table says %s", c.raw, status, body, c.want)
		}
		if status, body := send(t, oracle, "POST", "application/x-www-form-urlencoded", []byte(c.raw)); status != 200 || body != c.want {
			t.Errorf("aiohttp form %q: %d %s, table says %s", c.raw, status, body, c.want)
		}
	}
}
