// accesslog_test.go checks that the tour, served by RunApp as main does,
// logs every request with what actually went out.

package main

import (
	"context"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aioweb/aioweb"
	"github.com/coder/websocket"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestTourAccessLog(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var log lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- aioweb.RunApp(NewApp(), "", aioweb.RunContext(ctx), aioweb.RunListener(ln),
			aioweb.RunOutput(nil), aioweb.RunAccessLog(&log))
	}()
	base := "http://" + ln.Addr().String()
	get := func(path string, hdr ...string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	get("/greet/bob", "User-Agent", "tour-test")
	get("/static/hello.txt", "Range", "bytes=0-4")
	get("/nope/nope")
	wsCtx, wsCancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer wsCancel()
	c, _, err := websocket.Dial(wsCtx, "ws"+strings.TrimPrefix(base, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Write(wsCtx, websocket.MessageText, []byte("hi"))
	c.Read(wsCtx)
	c.Close(websocket.StatusNormalClosure, "")

	want := []*regexp.Regexp{
		regexp.MustCompile(`(?m)^127\.0\.0\.1 \[[^]]+ \+0000\] "GET /greet/bob HTTP/1\.1" 200 10 "-" "tour-test"$`),
		regexp.MustCompile(`(?m)^127\.0\.0\.1 \[[^]]+\] "GET /static/hello\.txt HTTP/1\.1" 206 5 "-" "Go-http-client/1\.1"$`),
		regexp.MustCompile(`(?m)^127\.0\.0\.1 \[[^]]+\] "GET /nope/nope HTTP/1\.1" 404 14 "-" "Go-http-client/1\.1"$`),
		regexp.MustCompile(`(?m)^127\.0\.0\.1 \[[^]]+\] "GET /ws HTTP/1\.1" 101 0 "-" "Go-http-client/1\.1"$`),
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && !want[3].MatchString(log.String()) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, re := range want {
		if !re.MatchString(log.String()) {
			t.Errorf("access log lacks %s:\n%s", re, log.String())
		}
	}
}
