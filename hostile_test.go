// hostile_test.go sends malformed and hostile requests over raw connections
// to a server configured as RunApp configures it, and checks each gets the
// right 4xx or a closed connection within the configured timeouts, and that
// the server then serves the next request; and the resource attacks on the
// request body (form amplification, many-part uploads stalled, bodies that
// stop arriving, shutdown during a spilled upload), each asserting its
// figure: memory as a multiple of the body, fds held, temporary files left.

package aioweb

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

const hostileHeaderTimeout, hostileReadTimeout = time.Second, 2 * time.Second

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
	// Short enough for the slow cases to run into, long enough that a
	// loaded machine under -race still reads every prompt request in time.
	srv.Config.ReadHeaderTimeout = hostileHeaderTimeout
	srv.Config.ReadTimeout = hostileReadTimeout
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
	c.SetDeadline(time.Now().Add(20 * time.Second))
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
			t.Fatalf("no answer and no close within 20s")
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
		// 40 bytes 80 ms apart: 3.2 s, over three times the header timeout.
		{"slowloris headers", slow, 80 * time.Millisecond, "closed|408|400"},
		// 3 of the 10 bytes, 1 s apart, then nothing: whatever the timing,
		// the body never completes; the read timeout must end it.
		{"body slower than the read timeout", []string{"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n", "a", "b", "c"}, time.Second, "closed|400|408"},
		{"truncated body then close", []string{"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"}, 0, "closed|400|408"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, took := exchange(t, addr, c.parts, c.gap)
			if !strings.Contains("|"+c.want+"|", "|"+got+"|") {
				t.Errorf("got %s, want %s", got, c.want)
			}
			// Every case ends within the timeouts plus the client's own
			// gaps (at most 4 s, the trickled body); the bound is generous
			// for a loaded machine, and far below the 20 s a server that
			// ignored its timeouts would leave the connection hanging.
			if took > 12*time.Second {
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

// --- Resource attacks on the request body (issue 11: memory, fds, time,
// temporary files). Each asserts its figure and logs it.

// fdCount counts the process's open file descriptors, or skips the test
// where /proc is missing.
func fdCount(t testing.TB) int {
	t.Helper()
	n := openFDs()
	if n < 0 {
		t.Skip("no /proc/self/fd on this system")
	}
	return n
}

// uploadFDs returns how many of process pid's descriptors are files in dir
// (unlinked or not) and their total size.
func uploadFDs(pid int, dir string) (n int, size int64) {
	fdDir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, _ := os.ReadDir(fdDir)
	for _, e := range ents {
		target, err := os.Readlink(fdDir + "/" + e.Name())
		if err != nil || !strings.HasPrefix(target, dir+"/") {
			continue
		}
		n++
		if fi, err := os.Stat(fdDir + "/" + e.Name()); err == nil {
			size += fi.Size()
		}
	}
	return n, size
}

// filesIn counts the entries of dir.
func filesIn(t testing.TB, dir string) int {
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// manyPartBody is one 1 MiB file part then parts one-byte file parts, with
// the closing "--\r\n" as tail, so that sending all but the tail stalls
// the upload with every part delivered.
func manyPartBody(parts int) (ctype string, head, tail []byte) {
	const b = "xXbOuNdArYx"
	var buf bytes.Buffer
	buf.WriteString("--" + b + "\r\nContent-Disposition: form-data; name=\"big\"; filename=\"big.bin\"\r\n\r\n")
	buf.Write(bytes.Repeat([]byte("B"), 1<<20))
	for i := 0; i < parts; i++ {
		buf.WriteString("\r\n--" + b + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f\"\r\n\r\nx")
	}
	buf.WriteString("\r\n--" + b)
	return "multipart/form-data; boundary=" + b, buf.Bytes(), []byte("--\r\n")
}

// manyPartApp answers how many files Post got and their total size.
func manyPartApp(dir string, opts ...AppOption) *Application {
	app := NewApplication(append([]AppOption{WithUploadDir(dir), WithClientMaxSize(16 << 20),
		WithMaxFormFields(20000), WithFormMemory(-1)}, opts...)...)
	app.Router.AddRoute("POST", "/up", func(req *Request) (Resp, error) {
		f, err := req.Post()
		if err != nil {
			return nil, err
		}
		var n, size int64
		for _, k := range []string{"big", "f"} {
			for _, ff := range f.Files(k) {
				b, err := io.ReadAll(ff.File)
				if err != nil || int64(len(b)) != ff.Size {
					return nil, fmt.Errorf("file %d: %d bytes, %v", n, len(b), err)
				}
				n, size = n+1, size+ff.Size
			}
		}
		return &Response{Text: fmt.Sprintf("%d files, %d bytes", n, size)}, nil
	})
	return app
}

// startStalledUpload sends head and waits until the server has stored
// every part (its upload files in dir reach want bytes).
func startStalledUpload(t *testing.T, addr, ctype string, head []byte, tailLen int, dir string, want int64) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", ctype, len(head)+tailLen)
	if _, err := c.Write(head); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, size := uploadFDs(os.Getpid(), dir); size == want {
			return c
		}
		if time.Now().After(deadline) {
			n, size := uploadFDs(os.Getpid(), dir)
			t.Fatalf("the server never stored the upload: %d files, %d of %d bytes", n, size, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestHostileManyPartUploadStalled: 1 MiB of file data, then 10,000
// one-byte files, then the client stalls. The request must hold a small
// constant of descriptors and leave no temporary file anywhere.
func TestHostileManyPartUploadStalled(t *testing.T) {
	dir := t.TempDir()
	addr := serve(t, manyPartApp(dir, WithBodyIdleTimeout(0)))
	base := fdCount(t)
	ctype, head, tail := manyPartBody(10000)
	c := startStalledUpload(t, addr, ctype, head, len(tail), dir, 1<<20+10000)
	held := fdCount(t) - base // the client's and the server's connection, the upload file
	uploadN, _ := uploadFDs(os.Getpid(), dir)
	onDisk := filesIn(t, dir)
	t.Logf("10,000-part upload stalled: %d fds held (both ends of the connection included), %d upload fds, %d temporary files in the upload dir", held, uploadN, onDisk)
	if held > 4 || uploadN != 1 {
		t.Errorf("fds held while stalled: %d (%d upload files), want <= 4 (1)", held, uploadN)
	}
	if onDisk != 0 {
		t.Errorf("temporary files in the upload dir while stalled: %d, want 0", onDisk)
	}
	c.Write(tail)
	c.SetDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if want := fmt.Sprintf("10001 files, %d bytes", 1<<20+10000); resp.StatusCode != 200 || string(b) != want {
		t.Errorf("upload: %d %q, want %q", resp.StatusCode, b, want)
	}
	c.Close()
	if n := settle(0, func() int { n, _ := uploadFDs(os.Getpid(), dir); return n + filesIn(t, dir) }); n != 0 {
		t.Errorf("after the request: %d upload files or fds left", n)
	}
}

// allocDuring returns the bytes allocated while f runs (TotalAlloc).
func allocDuring(f func()) uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	before := m.TotalAlloc
	f()
	runtime.ReadMemStats(&m)
	return m.TotalAlloc - before
}

// TestHostileFormAmplification: Post allocates at most twice the body plus
// a bounded cost per field or part (1.5 KiB; the field limit bounds their
// number) plus 256 KiB, for urlencoded and multipart bodies alike, and a
// form over the field limit is a 413 naming it.
func TestHostileFormAmplification(t *testing.T) {
	dir := t.TempDir()
	app := NewApplication(WithClientMaxSize(4<<20), WithUploadDir(dir))
	app.Router.AddRoute("POST", "/form", func(req *Request) (Resp, error) {
		f, err := req.Post()
		if err != nil {
			return nil, err
		}
		return &Response{Text: fmt.Sprint(f.Len())}, nil
	})
	url := serveURL(t, app) + "/form"
	var fields strings.Builder
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&fields, "k%d=%s&", i, strings.Repeat("v", 1000))
	}
	var small []part
	for i := 0; i < 1000; i++ {
		small = append(small, part{name: "f", data: []byte("x")})
	}
	mpOK, mpOKBody := multipartBody(t, small...)
	mpMany, mpManyBody := multipartBody(t, append(append(small, small...), small...)...)
	tooMany := "413: Request Entity Too Large: more than 1000 fields and parts in the form (the limit set by WithMaxFormFields)"
	for _, c := range []struct {
		name, ctype string
		body        []byte
		fields      uint64 // fields or parts parsed
		status      int
		want        string
	}{
		{"urlencoded a&a&a… (1 MiB)", "application/x-www-form-urlencoded", bytes.Repeat([]byte("a&"), 1<<19), 0, 413, tooMany},
		{"urlencoded 1000 fields of 1 KB", "application/x-www-form-urlencoded", []byte(fields.String()), 1000, 200, "1000"},
		{"multipart 3000 parts", mpMany, mpManyBody, 1001, 413, tooMany},
		{"multipart 1000 parts", mpOK, mpOKBody, 1000, 200, "1000"},
	} {
		perField := uint64(1536)
		if raceEnabled {
			perField = 4096 // the race detector drops sync.Pool items: more allocation
		}
		constant := 256<<10 + perField*c.fields
		var status int
		var got string
		alloc := min(allocDuring(func() { status, got = send(t, url, "POST", c.ctype, c.body) }),
			allocDuring(func() { send(t, url, "POST", c.ctype, c.body) }))
		n := uint64(len(c.body))
		t.Logf("%s: %d bytes, %d allocated: %.2f× the body; %.0f bytes per field beyond 2× the body", c.name, n, alloc,
			float64(alloc)/float64(n), float64(max(alloc, 2*n)-2*n)/float64(max(c.fields, 1)))
		if status != c.status || got != c.want {
			t.Errorf("%s: %d %q, want %d %q", c.name, status, got, c.status, c.want)
		}
		if alloc > 2*n+constant {
			t.Errorf("%s: %d bytes allocated for a %d-byte body, want <= 2× + %d", c.name, alloc, n, constant)
		}
	}
	dirEmpty(t, dir)
}

// TestHostileCancelDuringSpilledUpload: RunApp stops (its context ends)
// while a stalled 10,000-part upload holds spilled parts; the drain times
// out. No temporary file and no upload descriptor outlives RunApp.
func TestHostileCancelDuringSpilledUpload(t *testing.T) {
	dir := t.TempDir()
	app := manyPartApp(dir, WithBodyIdleTimeout(0))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- RunApp(app, "", RunListener(ln), RunContext(ctx), RunOutput(nil), RunShutdownTimeout(200*time.Millisecond))
	}()
	ctype, head, tail := manyPartBody(10000)
	startStalledUpload(t, ln.Addr().String(), ctype, head, len(tail), dir, 1<<20+10000)
	cancel()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("RunApp did not return")
	}
	fds, _ := uploadFDs(os.Getpid(), dir)
	left := filesIn(t, dir)
	t.Logf("cancel during a stalled spilled upload: %d temporary files left, %d upload fds open when RunApp returned", left, fds)
	if left != 0 || fds != 0 {
		t.Errorf("when RunApp returned: %d temporary files, %d upload fds; want 0, 0", left, fds)
	}
}

// TestHostileSIGTERMDuringSpilledUpload is the same attack with a real
// SIGTERM, against the test binary re-executed as a RunApp server.
func TestHostileSIGTERMDuringSpilledUpload(t *testing.T) {
	if dir := os.Getenv("AIOWEB_SIGTERM_CHILD"); dir != "" {
		app := manyPartApp(dir, WithBodyIdleTimeout(0))
		if err := RunApp(app, "127.0.0.1:0", RunShutdownTimeout(200*time.Millisecond)); err != nil {
			fmt.Println("RunApp:", err)
		}
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc and SIGTERM")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHostileSIGTERMDuringSpilledUpload$")
	cmd.Env = append(os.Environ(), "AIOWEB_SIGTERM_CHILD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	br := bufio.NewReader(out)
	line, err := br.ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "serving on ")
	if err != nil || !ok {
		t.Fatalf("child said %q, %v", line, err)
	}
	ctype, head, tail := manyPartBody(10000)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", ctype, len(head)+len(tail))
	c.Write(head)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, size := uploadFDs(cmd.Process.Pid, dir); size == 1<<20+10000 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the child never stored the upload")
		}
	}
	held, _ := uploadFDs(cmd.Process.Pid, dir)
	cmd.Process.Signal(syscall.SIGTERM)
	waited := make(chan error, 1)
	go func() { io.Copy(io.Discard, br); waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("child: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the child did not exit after SIGTERM")
	}
	left := filesIn(t, dir)
	t.Logf("SIGTERM during a stalled spilled upload: the child held %d upload fd(s); %d temporary files left after exit", held, left)
	if left != 0 {
		t.Errorf("%d temporary files left after SIGTERM", left)
	}
}

// TestHostileBodyIdleTimeout: a body that stops arriving ends with 408 and
// frees its upload; a body that trickles slowly but steadily succeeds.
func TestHostileBodyIdleTimeout(t *testing.T) {
	dir := t.TempDir()
	const idle = time.Second
	app := manyPartApp(dir, WithBodyIdleTimeout(idle))
	app.Router.AddRoute("POST", "/echo", func(req *Request) (Resp, error) {
		b, err := req.Read()
		return &Response{Body: b}, err
	})
	app.Router.AddRoute("POST", "/stream", func(req *Request) (Resp, error) {
		mr, err := req.Multipart()
		if err != nil {
			return nil, err
		}
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return &Response{Text: "done"}, nil
			}
			if err != nil {
				return nil, err
			}
			if _, err := io.Copy(io.Discard, p); err != nil {
				return nil, err
			}
		}
	})
	app.Router.AddRoute("POST", "/ignore", func(req *Request) (Resp, error) {
		return &Response{Text: "ignored"}, nil
	})
	// A stream prepared without reading the body: net/http discards the
	// body when the headers go out, inside Prepare, and runs on for longer
	// than the idle timeout.
	app.Router.AddRoute("POST", "/ignore-stream", func(req *Request) (Resp, error) {
		s := NewStreamResponse(200)
		if err := s.Prepare(req); err != nil {
			return nil, err
		}
		time.Sleep(idle * 3 / 2)
		fmt.Fprintf(s, "streamed, context %v", req.Context().Err())
		return s, nil
	})
	addr := serve(t, app)
	base := fdCount(t)
	goroutines := runtime.NumGoroutine()

	// A multipart upload that stalls after spilling 1 MiB.
	ctype, head, tail := manyPartBody(10)
	// t0 is taken before any of the body is sent: the server's idle timer
	// starts at its last read, after t0, whatever the time the polling in
	// startStalledUpload takes to see the upload stored.
	t0 := time.Now()
	c := startStalledUpload(t, addr, ctype, head, len(tail), dir, 1<<20+10)
	c.SetDeadline(time.Now().Add(60 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	took := time.Since(t0)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	t.Logf("stalled upload: %d %q after %v (idle timeout %v)", resp.StatusCode, b, took.Round(time.Millisecond), idle)
	if resp.StatusCode != 408 || string(b) != "408: Request Timeout: no request body data for 1s" || took < idle {
		t.Errorf("stalled upload: %d %q after %v", resp.StatusCode, b, took)
	}
	c.Close()
	if n := settle(0, func() int { n, _ := uploadFDs(os.Getpid(), dir); return n + filesIn(t, dir) }); n != 0 {
		t.Errorf("after the 408: %d upload files or fds left", n)
	}

	for _, c := range []struct {
		name, target, ctype string
		body                string
		gap                 time.Duration
		sent                int // bytes sent before stalling; all when len(body)
		status              int
		want                string
	}{
		{"Read stalled", "/echo", "text/plain", "0123456789", 0, 4, 408, "408: Request Timeout: no request body data for 1s"},
		{"Multipart stalled", "/stream", ctype, string(head), 0, 4096, 408, "408: Request Timeout: no request body data for 1s"},
		// The handler answers without reading; net/http's discard of the
		// unread body before answering must not wait forever either.
		{"ignored and stalled", "/ignore", "text/plain", "0123456789", 0, 4, 200, "ignored"},
		// The same discard inside StreamResponse.Prepare: bounded too (the
		// failed read ends the request's context, as net/http does for any
		// failed body read); the bound ends with Prepare, so a stream whose
		// body came outlives the idle timeout.
		{"stream, ignored and stalled", "/ignore-stream", "text/plain", "0123456789", 0, 4, 200, "streamed, context context canceled"},
		{"stream, ignored", "/ignore-stream", "text/plain", "0123456789", 0, 10, 200, "streamed, context <nil>"},
		// 20 bytes 100 ms apart: 2 s in all, twice the idle timeout, each
		// gap a tenth of it.
		{"Read trickling", "/echo", "text/plain", "abcdefghijklmnopqrst", 100 * time.Millisecond, 20, 200, "abcdefghijklmnopqrst"},
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", c.target, c.ctype, len(c.body))
		if c.gap > 0 {
			for i := 0; i < c.sent; i++ {
				time.Sleep(c.gap)
				io.WriteString(conn, c.body[i:i+1])
			}
		} else {
			io.WriteString(conn, c.body[:c.sent])
		}
		conn.SetDeadline(time.Now().Add(60 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			conn.Close() // frees a server stuck on this connection
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != c.status || string(b) != c.want {
			t.Errorf("%s: %d %q, want %d %q", c.name, resp.StatusCode, b, c.status, c.want)
		}
		conn.Close()
	}
	if n := settle(base, func() int { return fdCount(t) }); n > base {
		t.Errorf("fds: %d before, %d after", base, n)
	}
	if n := settle(goroutines, runtime.NumGoroutine); n > goroutines {
		t.Errorf("goroutines: %d before, %d after", goroutines, n)
	}
}
