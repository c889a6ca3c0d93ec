// accesslog_test.go tests the access log over real sockets: every format
// directive, and the status, bytes and duration measured at the writer for
// Range and conditional file responses, streams, WebSockets, panics and
// clients that go away.

package aioweb

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// lineLog collects access log lines written to an io.Writer.
type lineLog struct {
	mu    sync.Mutex
	lines []string
	added chan struct{}
}

func newLineLog() *lineLog { return &lineLog{added: make(chan struct{}, 1000)} }

func (l *lineLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range strings.SplitAfter(string(p), "\n") {
		if s != "" {
			l.lines = append(l.lines, s)
		}
	}
	l.added <- struct{}{}
	return len(p), nil
}

func (l *lineLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// next waits (generously) for the n-th line (1-based) and returns it
// without its newline.
func (l *lineLog) wait(t *testing.T, n int) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if lines := l.all(); len(lines) >= n {
			if !strings.HasSuffix(lines[n-1], "\n") {
				t.Fatalf("line without newline: %q", lines[n-1])
			}
			return strings.TrimSuffix(lines[n-1], "\n")
		}
		select {
		case <-l.added:
		case <-deadline:
			t.Fatalf("no access log line %d; have %q", n, l.all())
		}
	}
}

// loggedServer serves h behind an AccessLogger in format writing to a
// lineLog.
func loggedServer(t *testing.T, format string, h http.Handler) (string, *lineLog) {
	t.Helper()
	al, err := NewAccessLogger(format)
	if err != nil {
		t.Fatal(err)
	}
	log := newLineLog()
	al.Writer = log
	return serveHandler(t, al.Wrap(h)), log
}

// fields splits "status bytes micros" lines.
func statusBytesMicros(t *testing.T, line string) (status int, n int64, micros int64) {
	t.Helper()
	f := strings.Fields(line)
	if len(f) != 3 {
		t.Fatalf("line %q: want status bytes micros", line)
	}
	status, err1 := strconv.Atoi(f[0])
	n, err2 := strconv.ParseInt(f[1], 10, 64)
	micros, err3 := strconv.ParseInt(f[2], 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatalf("line %q: %v", line, err)
	}
	return status, n, micros
}

func TestAccessLogFormatErrors(t *testing.T) {
	for format, want := range map[string]string{
		"%x":            `unknown directive %x at offset 0`,
		"ok %":          `a lone % ends the format`,
		"%O":            `unknown directive %O`,
		"%{Referer}":    `needs i (request header) or o (response header)`,
		"%{Referer}x":   `needs i (request header) or o (response header)`,
		"%{Ref erer}i":  `needs a header name`,
		"%{}i":          `needs a header name`,
		"%{Referer":     `needs a header name`,
		"%{HOME}e":      `environment variables (%{NAME}e) are not supported`,
		`%a "%r" %s %q`: `unknown directive %q at offset 11`,
	} {
		l, err := NewAccessLogger(format)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), strconv.Quote(format)) {
			t.Errorf("NewAccessLogger(%q) = %v, %v; want an error with %q", format, l, err, want)
		}
	}
	for _, format := range []string{"", "plain text", "%%", "%Tf%T%D", DefaultAccessLogFormat, "%{x-y_z9}i %{A}o"} {
		if _, err := NewAccessLogger(format); err != nil {
			t.Errorf("NewAccessLogger(%q): %v", format, err)
		}
	}
	if l, _ := NewAccessLogger(""); l.Format() != DefaultAccessLogFormat {
		t.Errorf("default format %q", l.Format())
	}
	if (&AccessLogger{}).Format() != DefaultAccessLogFormat {
		t.Error("the zero AccessLogger's format is not the default")
	}
}

// TestAccessLogDirectives checks every directive on one request; the
// shapes are aiohttp 3.8.4's (see the oracle test for the request line).
func TestAccessLogDirectives(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/p", func(req *Request) (Resp, error) {
		time.Sleep(20 * time.Millisecond)
		return &Response{Text: "hello", Headers: http.Header{"X-Out": {"o1", "o2"}}}, nil
	})
	format := `%a|%t|%P|%r|%s|%b|%T|%Tf|%D|%{Referer}i|%{user-agent}i|%{X-Missing}i|%{x-out}o|%{X-None}o|%%|%Tfx`
	addr, log := loggedServer(t, format, app)
	before := time.Now()
	got := rawDo(t, addr, "GET", "/p?q=%41&r", "Referer: http://ref/", "User-Agent: agent 1", "User-Agent: agent 2")
	if got.Status != 200 || got.Body != "hello" {
		t.Fatalf("answer %+v", got)
	}
	line := log.wait(t, 1)
	after := time.Now()
	f := strings.Split(line, "|")
	if len(f) != 16 {
		t.Fatalf("line %q: %d fields", line, len(f))
	}
	want := map[int]string{
		0: "127.0.0.1", 2: "<" + strconv.Itoa(os.Getpid()) + ">", 3: "GET /p?q=%41&r HTTP/1.1", 4: "200", 5: "5",
		9: "http://ref/", 10: "agent 1", 11: "-", 12: "o1", 13: "-", 14: "%",
	}
	for i, w := range want {
		if f[i] != w {
			t.Errorf("field %d of %q: %q, want %q", i, line, f[i], w)
		}
	}
	// %t: the start, in aiohttp's "[01/Dec/2026:00:31:14 +0000]".
	if !regexp.MustCompile(`^\[\d\d/[A-Z][a-z][a-z]/\d{4}:\d\d:\d\d:\d\d \+0000\]$`).MatchString(f[1]) {
		t.Errorf("%%t %q", f[1])
	}
	start, err := time.Parse("[02/Jan/2006:15:04:05 -0700]", f[1])
	if err != nil || start.Before(before.Truncate(time.Second)) || start.After(after) {
		t.Errorf("%%t %q (%v) not within [%v, %v]", f[1], err, before.UTC(), after.UTC())
	}
	// %D in microseconds covers the handler's 20 ms; %Tf and %T agree with it.
	micros, err := strconv.ParseInt(f[8], 10, 64)
	if err != nil || micros < 20000 || micros > after.Sub(before).Microseconds() {
		t.Errorf("%%D %q: want within [20000, %d]", f[8], after.Sub(before).Microseconds())
	}
	if !regexp.MustCompile(`^\d+\.\d{6}$`).MatchString(f[7]) {
		t.Errorf("%%Tf %q: want six decimals", f[7])
	}
	secs, _ := strconv.ParseFloat(f[7], 64)
	if d := secs*1e6 - float64(micros); d > 1 || d < -1 {
		t.Errorf("%%Tf %q and %%D %q disagree", f[7], f[8])
	}
	if f[6] != strconv.FormatInt(roundHalfEven(micros, 1e6), 10) {
		t.Errorf("%%T %q for %%D %q", f[6], f[8])
	}
	if !strings.HasSuffix(f[15], "x") || !regexp.MustCompile(`^\d+\.\d{6}x$`).MatchString(f[15]) {
		t.Errorf("%%Tfx gave %q", f[15])
	}
}

func TestAccessLogRoundHalfEven(t *testing.T) {
	for _, c := range [][3]int64{{499, 1000, 0}, {500, 1000, 0}, {501, 1000, 1}, {1500, 1000, 2}, {2500, 1000, 2}, {2500001, 1000, 2500}} {
		if got := roundHalfEven(c[0], c[1]); got != c[2] {
			t.Errorf("roundHalfEven(%d, %d) = %d, want %d (Python's round)", c[0], c[1], got, c[2])
		}
	}
}

func TestAccessLogRequestLine(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("*", "/{tail:.*}", func(req *Request) (Resp, error) { return &Response{Text: "x"}, nil })
	addr, log := loggedServer(t, `"%r" %s %a`, app)
	send := func(raw string) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, raw)
		io.ReadAll(c)
	}
	// One request at a time, each line awaited before the next request: a
	// line is written when the handler returns, which may be after the
	// client read its answer.
	for i, c := range [][2]string{
		{"GET /a%20b/../c?x=%41&y HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", `"GET /a%20b/../c?x=%41&y HTTP/1.1" 200 127.0.0.1`}, // as sent, like aiohttp's path_qs
		{"GET /text HTTP/1.0\r\n\r\n", `"GET /text HTTP/1.0" 200 127.0.0.1`},
		{"GET http://h/abs?q HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", `"GET /abs?q HTTP/1.1" 200 127.0.0.1`}, // absolute-form: path and query, as aiohttp
		{"get /lower HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", `"get /lower HTTP/1.1" 200 127.0.0.1`},         // the method as sent, though aioweb upper-cases it
	} {
		send(c[0])
		if got, want := log.wait(t, i+1), c[1]; got != want {
			t.Errorf("line %d: %q, want %q", i+1, got, want)
		}
	}
}

// TestAccessLogFiles: a Range request logs 206 and the range's length, a
// conditional request 304 and no bytes, for FileResponse and AddStatic.
func TestAccessLogFiles(t *testing.T) {
	dir := t.TempDir()
	content := "0123456789abcdefghij"
	if err := os.WriteFile(filepath.Join(dir, "f.txt"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	app := NewApplication()
	app.Router.AddGet("/file", func(*Request) (Resp, error) { return &FileResponse{Path: filepath.Join(dir, "f.txt")}, nil })
	app.Router.AddStatic("/static", dir)
	addr, log := loggedServer(t, "%s %b %D", app)
	n := 0
	for _, path := range []string{"/file", "/static/f.txt"} {
		full := rawDo(t, addr, "GET", path)
		if full.Status != 200 || full.Body != content {
			t.Fatalf("%s: %+v", path, full)
		}
		n++
		if s, b, _ := statusBytesMicros(t, log.wait(t, n)); s != 200 || b != int64(len(content)) {
			t.Errorf("%s: logged %d %d, want 200 %d", path, s, b, len(content))
		}
		part := rawDo(t, addr, "GET", path, "Range: bytes=3-9")
		if part.Status != 206 || part.Body != content[3:10] {
			t.Fatalf("%s range: %+v", path, part)
		}
		n++
		if s, b, _ := statusBytesMicros(t, log.wait(t, n)); s != 206 || b != 7 {
			t.Errorf("%s range: logged %d %d, want 206 7", path, s, b)
		}
		etag := full.Header.Get("Etag")
		if etag == "" {
			t.Fatalf("%s: no ETag", path)
		}
		cond := rawDo(t, addr, "GET", path, "If-None-Match: "+etag)
		if cond.Status != 304 {
			t.Fatalf("%s If-None-Match: %+v", path, cond)
		}
		n++
		if s, b, _ := statusBytesMicros(t, log.wait(t, n)); s != 304 || b != 0 {
			t.Errorf("%s If-None-Match: logged %d %d, want 304 0", path, s, b)
		}
		head := rawDo(t, addr, "HEAD", path)
		if head.Status != 200 {
			t.Fatalf("%s HEAD: %+v", path, head)
		}
		n++
		if s, b, _ := statusBytesMicros(t, log.wait(t, n)); s != 200 || b != 0 {
			t.Errorf("%s HEAD: logged %d %d, want 200 0", path, s, b)
		}
	}
}

// TestAccessLogStream: the bytes of every chunk, and a duration covering
// the whole stream.
func TestAccessLogStream(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/stream", func(req *Request) (Resp, error) {
		s := NewStreamResponse(200)
		if err := s.Prepare(req); err != nil {
			return nil, err
		}
		for i := range 4 {
			s.Write([]byte(strings.Repeat("x", 1000*(i+1))))
			time.Sleep(40 * time.Millisecond)
		}
		return s, s.WriteEOF()
	})
	app.Router.AddRoute("GET", "/empty", func(req *Request) (Resp, error) { return &Response{Status: 204}, nil })
	addr, log := loggedServer(t, "%s %b %D", app)
	got := rawDo(t, addr, "GET", "/stream")
	if got.Status != 200 || len(got.Body) != 10000 {
		t.Fatalf("stream: %d, %d bytes", got.Status, len(got.Body))
	}
	s, b, micros := statusBytesMicros(t, log.wait(t, 1))
	if s != 200 || b != 10000 || micros < 160000 {
		t.Errorf("stream logged %d %d %dµs, want 200 10000 and at least 160000µs", s, b, micros)
	}
	if got := rawDo(t, addr, "GET", "/empty"); got.Status != 204 {
		t.Fatalf("empty: %+v", got)
	}
	if s, b, _ := statusBytesMicros(t, log.wait(t, 2)); s != 204 || b != 0 {
		t.Errorf("204 logged %d %d", s, b)
	}
}

// TestAccessLogWebSocket: 101, logged only once the connection closed,
// with a duration covering the time it was open.
func TestAccessLogWebSocket(t *testing.T) {
	h, _ := seedHandler()
	app := NewApplication()
	app.Router.AddRoute("GET", "/ws", h)
	addr, log := loggedServer(t, "%s %b %D", app)
	c := dial(t, "ws://"+addr+"/ws", nil)
	opened := time.Now()
	ctx := ctx5()
	if err := c.Write(ctx, websocket.MessageText, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	if _, msg, err := c.Read(ctx); err != nil || string(msg) != "hi/answer" {
		t.Fatalf("echo %q %v", msg, err)
	}
	time.Sleep(150 * time.Millisecond)
	if lines := log.all(); len(lines) != 0 {
		t.Fatalf("logged while the WebSocket is open: %q", lines)
	}
	held := time.Since(opened)
	if err := c.Close(websocket.StatusNormalClosure, ""); err != nil {
		t.Fatal(err)
	}
	s, b, micros := statusBytesMicros(t, log.wait(t, 1))
	if s != 101 || b != 0 || micros < held.Microseconds() {
		t.Errorf("WebSocket logged %d %d %dµs, want 101 0 and at least %dµs", s, b, micros, held.Microseconds())
	}
	// A handshake that fails is logged with its error status.
	if got := rawDo(t, addr, "GET", "/ws", "Upgrade: websocket", "Connection: upgrade"); got.Status != 400 {
		t.Fatalf("bad handshake: %+v", got)
	}
	if s, _, _ := statusBytesMicros(t, log.wait(t, 2)); s != 400 {
		t.Errorf("bad handshake logged %d", s)
	}
}

// TestAccessLogHijackWithoutStatus: a raw hijack that never wrote a status
// is logged with "-", once the handler returned and the connection closed.
func TestAccessLogHijackWithoutStatus(t *testing.T) {
	closeIt := make(chan struct{})
	returned := make(chan struct{})
	addr, log := loggedServer(t, "%s %b %{Content-Type}o", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(returned)
		w.Header().Set("Content-Type", "text/never-sent")
		c, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		go func() {
			brw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
			brw.Flush()
			<-closeIt
			c.Close()
		}()
	}))
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	buf := make([]byte, 64)
	n, _ := io.ReadAtLeast(c, buf, len("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	if !strings.HasSuffix(string(buf[:n]), "\r\n\r\nok") {
		t.Fatalf("hijacked answer %q", buf[:n])
	}
	<-returned
	time.Sleep(50 * time.Millisecond)
	if lines := log.all(); len(lines) != 0 {
		t.Fatalf("logged before the hijacked connection closed: %q", lines)
	}
	close(closeIt)
	if line := log.wait(t, 1); line != "- 0 -" {
		t.Errorf("hijack logged %q, want %q", line, "- 0 -")
	}
}

func TestAccessLogPanics(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/panic", func(*Request) (Resp, error) { panic("boom") })
	app.Router.AddRoute("GET", "/error", func(*Request) (Resp, error) { return nil, errors.New("failed") })
	addr, log := loggedServer(t, "%s %b", app)
	for i, path := range []string{"/panic", "/error"} {
		if got := rawDo(t, addr, "GET", path); got.Status != 500 {
			t.Fatalf("%s: %+v", path, got)
		}
		if line := log.wait(t, i+1); line != "500 "+strconv.Itoa(len(internalErrorBody)) {
			t.Errorf("%s logged %q", path, line)
		}
	}
	// A plain http.Handler that panics before writing: net/http drops the
	// connection; the log says 500.
	srv := httptest.NewUnstartedServer(nil)
	al, _ := NewAccessLogger("%s %b %{X-Set}o")
	plain := newLineLog()
	al.Writer = plain
	srv.Config.Handler = al.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Set", "never sent")
		panic("plain boom")
	}))
	srv.Config.ErrorLog = discardLogger()
	srv.Start()
	defer srv.Close()
	if resp, err := http.Get(srv.URL); err == nil {
		resp.Body.Close()
		t.Fatalf("plain panic answered %d", resp.StatusCode)
	}
	if line := plain.wait(t, 1); line != "500 0 -" {
		t.Errorf("plain panic logged %q", line)
	}
}

// TestAccessLogClientGone: a client that leaves mid-stream is logged with
// the status and the bytes that went out before the writes failed.
func TestAccessLogClientGone(t *testing.T) {
	const chunk, most = 64 << 10, 16 << 10 // up to 1 GiB if writes never failed
	ended := make(chan error, 1)
	app := NewApplication()
	app.Router.AddRoute("GET", "/endless", func(req *Request) (Resp, error) {
		s := NewStreamResponse(200)
		if err := s.Prepare(req); err != nil {
			return nil, err
		}
		buf := bytes.Repeat([]byte("z"), chunk)
		for range most {
			if _, err := s.Write(buf); err != nil {
				ended <- err
				return nil, err
			}
		}
		ended <- nil
		return s, nil
	})
	addr, log := loggedServer(t, "%s %b", app)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET /endless HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, err := io.ReadFull(c, make([]byte, chunk)); err != nil {
		t.Fatal(err)
	}
	c.Close()
	select {
	case err := <-ended:
		if err == nil {
			t.Fatal("the stream never saw the client go")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the handler did not end after the client left")
	}
	s, b, _ := statusBytesMicros(t, log.wait(t, 1)+" 0")
	if s != 200 || b < chunk || b >= chunk*most {
		t.Errorf("client gone: logged %d %d; want 200 and between %d and %d bytes", s, b, chunk, chunk*most)
	}
}

// TestAccessLogWriterInterfaces: the recorder keeps Flusher, Hijacker only
// where the server has it, and unwraps for http.ResponseController; 100
// Continue is not taken for the final status.
func TestAccessLogWriterInterfaces(t *testing.T) {
	probe := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, hj := w.(http.Hijacker)
		_, fl := w.(http.Flusher)
		deadline := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(time.Minute))
		fmt.Fprintf(w, "hijacker=%v flusher=%v deadline=%v", hj, fl, deadline)
	})
	addr, log := loggedServer(t, "%s %b %r", probe)
	if got := rawDo(t, addr, "GET", "/"); got.Body != "hijacker=true flusher=true deadline=<nil>" {
		t.Errorf("HTTP/1.1: %q", got.Body)
	}
	if line := log.wait(t, 1); line != "200 41 GET / HTTP/1.1" {
		t.Errorf("logged %q", line)
	}

	// HTTP/2 has no Hijacker: neither has the recorder, so WebSocket
	// libraries (coder/websocket asserts the type first) see the truth.
	al, _ := NewAccessLogger("%s %r")
	h2log := newLineLog()
	al.Writer = h2log
	srv := httptest.NewUnstartedServer(al.Wrap(probe))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	client := srv.Client()
	client.Transport.(*http.Transport).TLSClientConfig = &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2"}}
	client.Transport.(*http.Transport).ForceAttemptHTTP2 = true
	resp, err := client.Get(srv.URL + "/probe")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.ProtoMajor != 2 || string(b) != "hijacker=false flusher=true deadline=<nil>" {
		t.Errorf("HTTP/2 (%s): %q", resp.Proto, b)
	}
	if line := h2log.wait(t, 1); line != "200 GET /probe HTTP/2.0" {
		t.Errorf("HTTP/2 logged %q", line)
	}
	// An expect handler's 100 Continue is not the final status.
	app := NewApplication()
	app.Router.AddRoute("POST", "/up", func(req *Request) (Resp, error) {
		b, err := req.Read()
		return &Response{Body: b}, err
	}, WithExpectHandler(func(req *Request) (Resp, error) { return nil, req.WriteContinue() }))
	addr, log = loggedServer(t, "%s %b", app)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\nConnection: close\r\n\r\n")
	br := bufio.NewReader(c)
	if line, _ := br.ReadString('\n'); !strings.HasPrefix(line, "HTTP/1.1 100 Continue") {
		t.Fatalf("no 100 Continue: %q", line)
	}
	io.WriteString(c, "abc")
	rest, _ := io.ReadAll(br)
	if !strings.HasSuffix(string(rest), "\r\n\r\nabc") {
		t.Fatalf("answer %q", rest)
	}
	if line := log.wait(t, 1); line != "200 3" {
		t.Errorf("expect logged %q, want %q", line, "200 3")
	}
}

// TestAccessLogSlog: by default the line is the message of an Info record
// with status, bytes and duration attributes; nothing is formatted when
// Info is off.
func TestAccessLogSlog(t *testing.T) {
	logger, buf := bufferLogger()
	app := NewApplication(WithLogger(logger))
	app.Router.AddRoute("GET", "/", func(*Request) (Resp, error) { return &Response{Text: "hello"}, nil })
	al, _ := NewAccessLogger(`"%r" %s %b`)
	al.Logger = logger
	addr := serveHandler(t, al.Wrap(app))
	rawDo(t, addr, "GET", "/")
	want := regexp.MustCompile(`^time=\S+ level=INFO msg="\\"GET / HTTP/1.1\\" 200 5" logger=aioweb.access status=200 bytes=5 duration=\S+\n$`)
	deadline := time.Now().Add(30 * time.Second)
	for buf.String() == "" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if !want.MatchString(buf.String()) {
		t.Errorf("slog record %q", buf.String())
	}
}

func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }

// TestAccessLogRunApp: RunApp logs through the application's logger by
// default, RunAccessLogFormat and RunAccessLog choose the format and the
// destination, RunAccessLog(nil) leaves the application unwrapped, and a bad
// format is an error before listening (a panic from NewServer).
func TestAccessLogRunApp(t *testing.T) {
	run := func(app *Application, opts ...RunOption) (string, func() error) {
		t.Helper()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- RunApp(app, "", append([]RunOption{RunContext(ctx), RunListener(ln), RunOutput(nil)}, opts...)...)
		}()
		return ln.Addr().String(), func() error { cancel(); return <-done }
	}
	newApp := func() (*Application, *syncBuffer) {
		logger, buf := bufferLogger()
		app := NewApplication(WithLogger(logger))
		app.Router.AddRoute("GET", "/", func(*Request) (Resp, error) { return &Response{Text: "hello"}, nil })
		return app, buf
	}
	waitFor := func(buf *syncBuffer, sub string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !strings.Contains(buf.String(), sub) && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if !strings.Contains(buf.String(), sub) {
			t.Errorf("log %q lacks %q", buf.String(), sub)
		}
	}

	app, buf := newApp()
	addr, stop := run(app)
	rawDo(t, addr, "GET", "/", "User-Agent: ua")
	waitFor(buf, `msg="127.0.0.1 [`)
	waitFor(buf, `+0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"ua\"" logger=aioweb.access status=200 bytes=5 duration=`)
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	app, buf = newApp()
	addr, stop = run(app, RunAccessLogFormat("%s %b %r"))
	rawDo(t, addr, "GET", "/")
	waitFor(buf, `msg="200 5 GET / HTTP/1.1"`)
	stop()

	app, buf = newApp()
	lines := newLineLog()
	addr, stop = run(app, RunAccessLogFormat("%s %b"), RunAccessLog(lines))
	rawDo(t, addr, "GET", "/")
	if line := lines.wait(t, 1); line != "200 5" {
		t.Errorf("writer got %q", line)
	}
	stop()
	if strings.Contains(buf.String(), "aioweb.access") {
		t.Errorf("the writer's lines also went to the logger: %q", buf.String())
	}

	app, buf = newApp()
	addr, stop = run(app, RunAccessLog(lines), RunAccessLog(nil))
	rawDo(t, addr, "GET", "/")
	stop()
	if len(lines.all()) != 1 || buf.String() != "" {
		t.Errorf("RunAccessLog(nil) still logged: %q %q", lines.all(), buf.String())
	}

	app, _ = newApp()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	if err := RunApp(app, "", RunListener(ln), RunOutput(nil), RunAccessLogFormat("%a %q")); err == nil || !strings.Contains(err.Error(), "unknown directive %q") {
		t.Errorf("RunApp with a bad format: %v", err)
	}

	if s := NewServer(app, ""); s.Handler != app {
		t.Errorf("NewServer logs without being asked: %T", s.Handler)
	}
	if s := NewServer(app, "", RunAccessLogFormat("")); s.Handler == app {
		t.Error("NewServer ignored RunAccessLogFormat")
	}
	// nil is aiohttp's access_log=None: off, whatever format comes with it
	// and in whichever order.
	if s := NewServer(app, "", RunAccessLog(nil), RunAccessLogFormat("%s")); s.Handler != app {
		t.Errorf("RunAccessLog(nil) then RunAccessLogFormat logs: %T", s.Handler)
	}
	if s := NewServer(app, "", RunAccessLogFormat("%s"), RunAccessLog(nil)); s.Handler != app {
		t.Errorf("RunAccessLogFormat then RunAccessLog(nil) logs: %T", s.Handler)
	}
	func() {
		defer func() {
			if v := recover(); v == nil || !strings.Contains(fmt.Sprint(v), "unknown directive %q") {
				t.Errorf("NewServer with a bad format: recovered %v", v)
			}
		}()
		NewServer(app, "", RunAccessLogFormat("%q"))
	}()
}

// benchWriter is the cheapest http.ResponseWriter, so the benchmark shows
// the access log's own cost.
type benchWriter struct{ h http.Header }

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *benchWriter) WriteHeader(int)             {}

// BenchmarkAccessLog: a hello route served directly, behind an access log
// writing plain lines, and behind one writing slog records (text handler).
func BenchmarkAccessLog(b *testing.B) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/hello", func(*Request) (Resp, error) { return &Response{Text: "Hello, world"}, nil })
	lines, _ := NewAccessLogger("")
	lines.Writer = io.Discard
	records, _ := NewAccessLogger("")
	records.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, c := range []struct {
		name string
		h    http.Handler
	}{{"off", app}, {"writer", lines.Wrap(app)}, {"slog", records.Wrap(app)}} {
		b.Run(c.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/hello", nil)
			r.Header.Set("User-Agent", "bench")
			w := &benchWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				c.h.ServeHTTP(w, r)
			}
		})
	}
}

// TestAccessLogMatchesAiohttp sends the same raw requests to aiohttp 3.8.4
// and to aioweb and compares the lines, in a format of every directive
// whose value does not depend on timing or on %b's header bytes (aiohttp
// counts them, aioweb does not: a documented difference).
func TestAccessLogMatchesAiohttp(t *testing.T) {
	const format = `%a %t "%r" %s "%{Referer}i" "%{User-Agent}i" %{X-Out}o %{X-None}o` // aiohttp 3.8 cannot log %%
	logFile := filepath.Join(t.TempDir(), "access.log")
	oracle := startOracleScript(t, "testdata/oracle/accesslog.py", format, logFile)

	app := NewApplication()
	text := func(*Request) (Resp, error) {
		return &Response{Text: "hello", Headers: http.Header{"X-Out": {"o1"}}}, nil
	}
	app.Router.AddGet("/text", text)
	app.Router.AddGet("/status/{n}", func(req *Request) (Resp, error) {
		n, _ := strconv.Atoi(req.MatchInfo["n"])
		return &Response{Status: n, Text: "s"}, nil
	})
	h, _ := seedHandler()
	app.Router.AddGet("/ws", h)
	app.Router.AddGet("/{tail:.*}", text)
	ours, log := loggedServer(t, format, app)

	requests := []string{
		"GET /text HTTP/1.1\r\nHost: x\r\nReferer: http://ref/\r\nUser-Agent: agent/1\r\nConnection: close\r\n\r\n",
		"GET /text HTTP/1.0\r\n\r\n",
		"HEAD /text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET /a%20b/../c?x=%41&y HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET http://h/abs?q HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
		"GET /status/404 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET /status/304 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET /status/503 HTTP/1.1\r\nHost: x\r\nUser-Agent: caf\xc3\xa9 \"q\"\r\nConnection: close\r\n\r\n",
	}
	exchange := func(addr, raw string) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, raw)
		io.ReadAll(c)
	}
	websocketSession := func(addr string) {
		c := dial(t, "ws://"+addr+"/ws", &websocket.DialOptions{HTTPHeader: http.Header{"User-Agent": {"ws-client"}}})
		ctx := ctx5()
		c.Write(ctx, websocket.MessageText, []byte("hi"))
		c.Read(ctx)
		c.Close(websocket.StatusNormalClosure, "")
	}
	oracleLines := func(n int) []string {
		deadline := time.Now().Add(30 * time.Second)
		for {
			b, _ := os.ReadFile(logFile)
			lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
			if len(b) > 0 && len(lines) >= n || time.Now().After(deadline) {
				return lines
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// Each line is awaited before the next request on both servers: a
	// line is written after the answer went out, so two requests in a row
	// could otherwise log in either order.
	for i, raw := range requests {
		exchange(oracle, raw)
		oracleLines(i + 1)
		exchange(ours, raw)
		log.wait(t, i+1)
	}
	websocketSession(oracle)
	websocketSession(ours)

	stamp := regexp.MustCompile(`\[\d\d/[A-Z][a-z][a-z]/\d{4}:\d\d:\d\d:\d\d \+0000\]`)
	want := oracleLines(len(requests) + 1)
	if len(want) != len(requests)+1 {
		t.Fatalf("aiohttp logged %d lines: %q", len(want), want)
	}
	for i, w := range want {
		got := log.wait(t, i+1)
		if !stamp.MatchString(got) || !stamp.MatchString(w) {
			t.Errorf("line %d: no %%t stamp in ours %q or aiohttp's %q", i+1, got, w)
		}
		if g, w := stamp.ReplaceAllString(got, "[T]"), stamp.ReplaceAllString(w, "[T]"); g != w {
			t.Errorf("line %d:\n aioweb %q\naiohttp %q", i+1, g, w)
		}
	}
}
