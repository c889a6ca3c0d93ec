// static_test.go attacks AddStatic with a traversal table over raw
// connections (compared with aiohttp's add_static), checks Range, ETag,
// If-Modified-Since, HEAD and the index page, and fuzzes file paths.

package aioweb

import (
	"bufio"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const secret = "TOP-SECRET"

// staticTree builds root/secret.txt (outside) and root/www (served).
func staticTree(t testing.TB) (root, www string) {
	root = t.TempDir()
	www = filepath.Join(root, "www")
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(www, "sub"), 0o755))
	must(os.WriteFile(filepath.Join(root, "secret.txt"), []byte(secret), 0o644))
	for name, body := range map[string]string{
		"hello.txt": "hello world", "sub/page.html": "<p>page</p>", "a..b.txt": "dots",
		"space name.txt": "sp", "<script>.txt": "x", "big.bin": strings.Repeat("0123456789", 1000),
	} {
		must(os.WriteFile(filepath.Join(www, name), []byte(body), 0o644))
	}
	must(os.Symlink("../secret.txt", filepath.Join(www, "link-out")))
	must(os.Symlink("hello.txt", filepath.Join(www, "link-in")))
	must(os.Symlink("..", filepath.Join(www, "dirlink")))
	return root, www
}

// rawGet sends target verbatim and returns the status and body ("closed"
// if the server answered nothing parseable).
func rawGet(t testing.TB, addr, target string) (int, string) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "GET "+target+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, "closed"
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// traversal: request targets and aiohttp 3.8.4's answers for add_static.
var traversal = []struct {
	target string
	status int
}{
	{"/static/hello.txt", 200},
	{"/static/link-in", 200},
	{"/static/sub/page.html", 200},
	{"/static/space%20name.txt", 200},
	{"/static/a..b.txt", 200},
	{"/static/sub/../hello.txt", 200},
	{"/static/dirlink/www/hello.txt", 200},
	{"/static/../secret.txt", 404},
	{"/static/%2e%2e/secret.txt", 404},
	{"/static/%2E%2E/secret.txt", 404},
	{"/static/..%2fsecret.txt", 404},
	{"/static/..%2Fsecret.txt", 404},
	{"/static/%2e%2e%2fsecret.txt", 404},
	{"/static/sub/../../secret.txt", 404},
	{"/static/sub/%2e%2e/%2e%2e/secret.txt", 404},
	{"/static//etc/passwd", 404},
	{"/static/%2Fetc%2Fpasswd", 404},
	{"/static/%2fetc/passwd", 404},
	{`/static/..\secret.txt`, 404},
	{"/static/..%5csecret.txt", 404},
	{"/static/%5c..%5csecret.txt", 404},
	{"/static/hello.txt%00.png", 404},
	{"/static/hello.txt%00", 404},
	{"/static/link-out", 404},
	{"/static/dirlink/secret.txt", 404},
	{"/static/sub/..%2f..%2fsecret.txt", 404},
	{"/static/./../secret.txt", 404},
	{"/static/.%2e/secret.txt", 404},
	{"/static/%2e./secret.txt", 404},
	{"/static/....//secret.txt", 404},
	{"/static/%252e%252e/secret.txt", 404},
	{"/static/..;/secret.txt", 404},
	{"/static/sub/../../../../../../etc/passwd", 404},
	{"/static/%c0%ae%c0%ae/secret.txt", 404},
	{"/static/C:%5Cwindows", 404},
	{"/static/", 403},
	{"/static/sub", 403},
	{"/static/sub/", 403},
	{"/static", 403},
	{"/static/nope.txt", 404},
}

func staticApp(t testing.TB, www string, opts ...StaticOption) string {
	app := NewApplication()
	app.Router.AddStatic("/static", www, opts...)
	app.Router.AddGet("/get", func(*Request) (Resp, error) { return &Response{Text: "hello"}, nil })
	return serve(t, app)
}

func TestStaticTraversal(t *testing.T) {
	_, www := staticTree(t)
	addr := staticApp(t, www)
	for _, c := range traversal {
		status, body := rawGet(t, addr, c.target)
		if status != c.status {
			t.Errorf("%s: %d, want %d", c.target, status, c.status)
		}
		if strings.Contains(body, secret) || strings.Contains(body, "root:") {
			t.Errorf("%s: served a byte from outside the directory: %q", c.target, body)
		}
	}
}

func TestStaticTraversalMatchesAiohttp(t *testing.T) {
	_, www := staticTree(t)
	oracle := startOracleScript(t, "testdata/oracle/static.py", "/static", www)
	for _, c := range traversal {
		if status, _ := rawGet(t, oracle, c.target); status != c.status {
			t.Errorf("aiohttp: %s: %d; table says %d", c.target, status, c.status)
		}
	}
}

func TestStaticSwitchesTakeABool(t *testing.T) {
	// A switch given false (last) is off: the defaults' answers.
	_, www := staticTree(t)
	addr := staticApp(t, www, StaticFollowSymlinks(true), StaticShowIndex(true), StaticAppendVersion(true),
		StaticFollowSymlinks(false), StaticShowIndex(false), StaticAppendVersion(false), StaticName("files"))
	if status, _ := rawGet(t, addr, "/static/link-out"); status != 404 {
		t.Errorf("StaticFollowSymlinks(false): %d", status)
	}
	if status, _ := rawGet(t, addr, "/static/"); status != 403 {
		t.Errorf("StaticShowIndex(false): %d", status)
	}
	app := NewApplication()
	r := app.Router.AddStatic("/s", www, StaticAppendVersion(true), StaticAppendVersion(false))
	if u, err := r.URL(Parts{"filename": "hello.txt"}, nil); err != nil || u != "/s/hello.txt" {
		t.Errorf("StaticAppendVersion(false): %q %v", u, err)
	}
}

func TestStaticFollowSymlinksAndIndex(t *testing.T) {
	_, www := staticTree(t)
	addr := staticApp(t, www, StaticFollowSymlinks(true), StaticShowIndex(true))
	if status, body := rawGet(t, addr, "/static/link-out"); status != 200 || body != secret {
		t.Errorf("StaticFollowSymlinks: %d %q", status, body)
	}
	// ".." still never leaves the directory, whatever the options.
	if status, _ := rawGet(t, addr, "/static/%2e%2e/secret.txt"); status != 404 {
		t.Errorf("dot-dot with StaticFollowSymlinks: %d", status)
	}
	status, body := rawGet(t, addr, "/static/")
	if status != 200 || !strings.Contains(body, `<a href="/static/hello.txt">hello.txt</a>`) ||
		!strings.Contains(body, `<a href="/static/sub">sub/</a>`) || strings.Contains(body, "<script>") ||
		!strings.Contains(body, "&lt;script&gt;.txt") || !strings.Contains(body, "<title>Index of /.</title>") ||
		!strings.Contains(body, `<a href="/static/dirlink">dirlink/</a>`) {
		t.Errorf("index: %d\n%s", status, body)
	}
}

func TestStaticHTTPFeatures(t *testing.T) {
	_, www := staticTree(t)
	url := "http://" + staticApp(t, www) + "/static/big.bin"
	do := func(method string, hdr ...string) *http.Response {
		req, _ := http.NewRequest(method, url, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := do("GET")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	etag, lm := resp.Header.Get("Etag"), resp.Header.Get("Last-Modified")
	// The type comes from the extension, application/octet-stream when it
	// is unknown: never sniffed.
	wantType := mime.TypeByExtension(".bin")
	if wantType == "" {
		wantType = "application/octet-stream"
	}
	if resp.StatusCode != 200 || len(body) != 10000 || etag == "" || lm == "" || resp.Header.Get("Content-Type") != wantType {
		t.Fatalf("GET: %d %d %v", resp.StatusCode, len(body), resp.Header)
	}
	resp = do("GET", "Range", "bytes=10-19")
	part, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 206 || string(part) != "0123456789" || resp.Header.Get("Content-Range") != "bytes 10-19/10000" {
		t.Errorf("Range: %d %q %v", resp.StatusCode, part, resp.Header)
	}
	if resp = do("GET", "Range", "bytes=20000-"); resp.StatusCode != 416 {
		t.Errorf("unsatisfiable Range: %d", resp.StatusCode)
	}
	if resp = do("GET", "If-None-Match", etag); resp.StatusCode != 304 {
		t.Errorf("If-None-Match: %d", resp.StatusCode)
	}
	if resp = do("GET", "If-Modified-Since", lm); resp.StatusCode != 304 {
		t.Errorf("If-Modified-Since: %d", resp.StatusCode)
	}
	resp = do("HEAD")
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || len(b) != 0 || resp.Header.Get("Content-Length") != "10000" {
		t.Errorf("HEAD: %d %d %v", resp.StatusCode, len(b), resp.Header)
	}
	if resp = do("POST"); resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET,HEAD" {
		t.Errorf("POST: %d %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	html, err := http.Get(strings.Replace(url, "big.bin", "sub/page.html", 1))
	if err != nil || html.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("html type: %v %v", html.Header, err)
	}
}

func TestStaticRegistrationPanics(t *testing.T) {
	_, www := staticTree(t)
	for _, c := range []struct{ prefix, dir, want string }{
		{"static", www, "prefix must start with '/'"},
		{"/s", filepath.Join(www, "hello.txt"), "no directory exists there"},
		{"/s", filepath.Join(www, "missing"), "no directory exists there"},
		{"/{x}", www, "may not contain braces"},
	} {
		if msg := catchPanic(func() { NewApplication().Router.AddStatic(c.prefix, c.dir) }); !strings.Contains(msg, c.want) {
			t.Errorf("AddStatic(%q, %q): panic %q", c.prefix, c.dir, msg)
		}
	}
	// Once serving, it panics naming itself (before opening the directory).
	app := NewApplication()
	if _, err := app.MakeHandler(); err != nil {
		t.Fatal(err)
	}
	msg := catchPanic(func() { app.Router.AddStatic("/late", www) })
	if want := fmt.Sprintf("aioweb: AddStatic(%q, %q) after the application started serving", "/late", www); msg != want {
		t.Errorf("AddStatic on a serving application: panic %q, want %q", msg, want)
	}
}

// FuzzStaticPath: whatever the path, a served body is a file inside the
// directory, never the secret next to it.
func FuzzStaticPath(f *testing.F) {
	for _, c := range traversal {
		f.Add(strings.TrimPrefix(c.target, "/static"))
	}
	_, www := staticTree(f)
	app := NewApplication()
	app.Router.AddStatic("/static", www)
	app.MakeHandler()
	inside := map[string]bool{}
	filepath.Walk(www, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			b, _ := os.ReadFile(p)
			inside[string(b)] = true
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, rest string) {
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET /static" + rest + " HTTP/1.1\r\nHost: x\r\n\r\n")))
		if err != nil {
			return
		}
		rec := newRecorder()
		app.ServeHTTP(rec, req)
		body := rec.Body.String()
		if strings.Contains(body, secret) {
			t.Fatalf("%q served the secret", rest)
		}
		if rec.Code == 200 && !inside[body] && !strings.HasPrefix(body, "<html>") {
			t.Fatalf("%q served %q, not a file of the directory", rest, body)
		}
	})
}

func TestFileResponse(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "report.txt")
	if err := os.WriteFile(report, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	app := NewApplication()
	send := func(path string, hdr ...string) Handler {
		return func(*Request) (Resp, error) {
			f := &FileResponse{Path: path}
			for i := 0; i+1 < len(hdr); i += 2 {
				if err := f.SetHeader(hdr[i], hdr[i+1]); err != nil {
					return nil, err
				}
			}
			return f, nil
		}
	}
	app.Router.AddGet("/report", send(report))
	app.Router.AddGet("/download", send(report, "Content-Disposition", `attachment; filename="r.txt"`, "Content-Type", "application/x-report"))
	app.Router.AddGet("/missing", send(filepath.Join(dir, "nope.txt")))
	app.Router.AddGet("/dir", send(dir))
	app.Router.AddGet("/fifo", send(fifo))
	app.Router.AddGet("/split", send(report, "X-Bad", "a\r\nInjected: 1"))
	addr := serve(t, app)

	get := func(path string, hdr ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}

	resp, body := get("/report")
	etag := resp.Header.Get("Etag")
	if resp.StatusCode != 200 || body != "0123456789" || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" || etag == "" || resp.Header.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("GET /report: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if resp, body := get("/report", "Range", "bytes=2-4"); resp.StatusCode != 206 || body != "234" {
		t.Errorf("Range: %d %q", resp.StatusCode, body)
	}
	if resp, _ := get("/report", "If-None-Match", etag); resp.StatusCode != 304 {
		t.Errorf("If-None-Match: %d", resp.StatusCode)
	}
	if r := rawDo(t, addr, "HEAD", "/report"); r.Status != 200 || r.Body != "" || r.Header.Get("Content-Length") != "10" {
		t.Errorf("HEAD: %d %q %v", r.Status, r.Body, r.Header)
	}
	if resp, body := get("/download"); resp.StatusCode != 200 || body != "0123456789" ||
		resp.Header.Get("Content-Disposition") != `attachment; filename="r.txt"` || resp.Header.Get("Content-Type") != "application/x-report" {
		t.Errorf("download: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	for path, want := range map[string]int{"/missing": 404, "/dir": 403, "/fifo": 403, "/split": 500} {
		done := make(chan int, 1)
		go func() { r := rawDo(t, addr, "GET", path); done <- r.Status }()
		select {
		case got := <-done:
			if got != want {
				t.Errorf("%s: %d, want %d", path, got, want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: no answer (blocked opening it?)", path)
		}
	}
}

// TestStaticFIFOIs403: a FIFO under a static directory is refused with 403
// without blocking, as FileResponse refuses it and as aiohttp 3.10+ answers
// both (3.8 answers 404 here and sends FileResponse's FIFO as empty).
func TestStaticFIFOIs403(t *testing.T) {
	_, www := staticTree(t)
	if err := syscall.Mkfifo(filepath.Join(www, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := staticApp(t, www)
	done := make(chan int, 1)
	go func() { st, _ := rawGet(t, addr, "/static/pipe"); done <- st }()
	select {
	case st := <-done:
		if st != 403 {
			t.Errorf("FIFO: %d, want 403", st)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("FIFO: no answer (blocked opening it?)")
	}
}
