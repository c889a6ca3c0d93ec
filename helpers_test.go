// helpers_test.go owns test helpers shared by the test files: raw HTTP
// exchanges over net.Conn, and the aiohttp oracle (Debian's python3-aiohttp)
// used to check expected answers.

package aioweb

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// rawResult is one response read off a raw connection.
type rawResult struct {
	Status int
	Allow  string
	Body   string
	Header http.Header
	Close  bool // the server said Connection: close
}

// rawDo sends a request line (method target) plus extra header lines over a
// fresh TCP connection and reads one response.
func rawDo(t testing.TB, addr, method, target string, extra ...string) rawResult {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	req := method + " " + target + " HTTP/1.1\r\nHost: x\r\n"
	closing := "Connection: close\r\n"
	for _, h := range extra {
		req += h + "\r\n"
		if strings.HasPrefix(strings.ToLower(h), "connection:") {
			closing = ""
		}
	}
	req += closing
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%s %s: reading response: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, target, err)
	}
	return rawResult{Status: resp.StatusCode, Allow: resp.Header.Get("Allow"), Body: string(b), Header: resp.Header, Close: resp.Close}
}

// serve starts app on an httptest server and returns its host:port.
func serve(t testing.TB, app *Application) string {
	t.Helper()
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// TestMain keeps handler-error logs out of the test output unless -v.
func TestMain(m *testing.M) {
	flag.Parse()
	if !testing.Verbose() {
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	os.Exit(m.Run())
}

// bufferLogger returns a logger writing text records into a buffer.
func bufferLogger() (*slog.Logger, *syncBuffer) {
	b := &syncBuffer{}
	return slog.New(slog.NewTextHandler(b, nil)), b
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const systemPython = "/usr/bin/python3"

// startOracle serves routes with aiohttp and returns its address, or skips
// the test when Debian's python3-aiohttp is not installed.
func startOracle(t *testing.T, routes [][2]string) string {
	t.Helper()
	js, _ := json.Marshal(routes)
	return startOracleScript(t, "testdata/oracle/routes.py", string(js))
}

// startOracleScript runs an oracle script with a free port and args.
func startOracleScript(t *testing.T, script string, args ...string) string {
	t.Helper()
	if os.Getenv("AIOWEB_NO_ORACLE") != "" {
		t.Skip("AIOWEB_NO_ORACLE set")
	}
	if err := exec.Command(systemPython, "-c", "import aiohttp").Run(); err != nil {
		t.Skip("aiohttp oracle not installed (apt-get install python3-aiohttp)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(systemPython, append([]string{script, addr[strings.LastIndex(addr, ":")+1:]}, args...)...)
	if testing.Verbose() {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-exited })
	// Importing aiohttp can take seconds on a loaded machine: wait
	// generously, but not for a process that already died.
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr
		}
		select {
		case <-exited:
			t.Fatalf("aiohttp oracle %s exited before serving: %v", script, cmd.ProcessState)
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatal("aiohttp oracle did not start")
	return ""
}

// infoHandler answers "r<i>|<MatchInfo as sorted compact JSON>", the body
// the oracle's handlers write.
func infoHandler(i int) Handler {
	return func(req *Request) (Resp, error) {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		info := req.MatchInfo
		if info == nil {
			info = map[string]string{}
		}
		enc.Encode(info)
		return &Response{Text: fmt.Sprintf("r%d|%s", i, strings.TrimSpace(b.String()))}, nil
	}
}

// serveHandler starts any handler on an httptest server.
func serveHandler(t testing.TB, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// newRecorder returns an httptest.ResponseRecorder.
func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

// diffCampaign reads a differential test's size and seed: n and seed 1 by
// default (what CI runs); the environment variable sizeEnv asks for another
// size from a random seed, seedEnv replays a seed. The seed is logged.
func diffCampaign(t *testing.T, n int, sizeEnv, seedEnv string) (int, uint64) {
	seed := uint64(1)
	if s := os.Getenv(sizeEnv); s != "" {
		n, _ = strconv.Atoi(s)
		seed = rand.Uint64()
	}
	if s := os.Getenv(seedEnv); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d, size %d (%s=n for more, %s to replay)", seed, n, sizeEnv, seedEnv)
	return n, seed
}
