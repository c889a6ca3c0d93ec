// load_test.go runs the server under load with faults: handlers that panic
// or fail, clients that disconnect mid-request; every request that stays
// connected must get its right status, and nothing may leak.

package aioweb

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// settle waits until f() <= want or the time is up (a generous 30 s: a
// loaded machine under -race may take seconds to wind goroutines and
// connections down), and returns f().
func settle(want int, f func() int) int {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if n := f(); n <= want {
			return n
		}
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	return f()
}

func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func TestLoadWithFaults(t *testing.T) {
	total := 20000
	if testing.Short() {
		total = 2000
	}
	app := NewApplication()
	app.Router.AddRoute("POST", "/req/{i:\\d+}", func(req *Request) (Resp, error) {
		var i int
		fmt.Sscan(req.MatchInfo["i"], &i)
		body, err := req.Read()
		if err != nil {
			return nil, err
		}
		switch i % 10 {
		case 1:
			panic(fmt.Sprintf("request %d panics", i))
		case 2:
			return nil, fmt.Errorf("request %d fails", i)
		}
		return &Response{Body: body}, nil
	})
	srv := httptest.NewServer(app)
	addr := strings.TrimPrefix(srv.URL, "http://")

	runtime.GC()
	baseG, baseFD, baseHeap := runtime.NumGoroutine(), openFDs(), heapAlloc()

	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: tr, Timeout: 20 * time.Second}
	var next atomic.Int64
	var ok, fiveHundreds, dropped atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= total {
					return
				}
				body := fmt.Sprintf("body-%d", i)
				if i%10 == 3 { // this client disconnects mid-request
					c, err := net.Dial("tcp", addr)
					if err != nil {
						t.Error(err)
						return
					}
					fmt.Fprintf(c, "POST /req/%d HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n%s", i, body)
					c.Close()
					dropped.Add(1)
					continue
				}
				resp, err := client.Post(fmt.Sprintf("%s/req/%d", srv.URL, i), "text/plain", strings.NewReader(body))
				if err != nil {
					t.Errorf("request %d: %v", i, err)
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				switch {
				case i%10 == 1 || i%10 == 2:
					if resp.StatusCode != 500 || string(b) != internalErrorBody {
						t.Errorf("request %d: %d %q, want 500", i, resp.StatusCode, b)
					}
					fiveHundreds.Add(1)
				case resp.StatusCode == 200 && string(b) == body:
					ok.Add(1)
				default:
					t.Errorf("request %d: %d %q", i, resp.StatusCode, b)
				}
			}
		}()
	}
	wg.Wait()
	if got, want := ok.Load()+fiveHundreds.Load()+dropped.Load(), int64(total); got != want {
		t.Errorf("accounted for %d of %d requests", got, want)
	}
	tr.CloseIdleConnections()
	srv.Close()
	if n := settle(baseG, runtime.NumGoroutine); n > baseG {
		t.Errorf("goroutines: %d before, %d after", baseG, n)
	}
	if n := settle(baseFD, openFDs); n > baseFD {
		t.Errorf("open files: %d before, %d after", baseFD, n)
	}
	if h := heapAlloc(); h > baseHeap+16<<20 {
		t.Errorf("heap: %d before, %d after", baseHeap, h)
	}
	t.Logf("%d ok, %d 500s, %d dropped", ok.Load(), fiveHundreds.Load(), dropped.Load())
}

// TestWebSocketLoad runs 500 concurrent echo connections (100 with -short),
// a third of them dropped abruptly mid-conversation; the rest must get every
// answer, and no goroutine or handler may be left behind.
func TestWebSocketLoad(t *testing.T) {
	n := 500
	if testing.Short() || raceEnabled {
		n = 150
	}
	app := NewApplication()
	app.Router.AddRoute("GET", "/ws", func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		for {
			msg := ws.Receive(req.Context())
			switch msg.Type {
			case MsgText:
				ws.SendStr(msg.Str() + "/answer")
			case MsgClose, MsgClosed, MsgError:
				return ws, nil
			}
		}
	})
	srv := httptest.NewServer(app)
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	base := runtime.NumGoroutine()
	var wg sync.WaitGroup
	var answered, dropped atomic.Int64
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			c, _, err := websocket.Dial(ctx, url, nil)
			if err != nil {
				t.Errorf("dial %d: %v", i, err)
				return
			}
			for k := 0; k < 5; k++ {
				msg := fmt.Sprintf("%d-%d", i, k)
				if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
					t.Errorf("write %d: %v", i, err)
					return
				}
				if i%3 == 0 && k == 2 {
					c.CloseNow() // gone without a close frame
					dropped.Add(1)
					return
				}
				_, b, err := c.Read(ctx)
				if err != nil || string(b) != msg+"/answer" {
					t.Errorf("conn %d: %q %v", i, b, err)
					return
				}
				answered.Add(1)
			}
			c.Close(websocket.StatusNormalClosure, "")
		}(i)
	}
	wg.Wait()
	wantDropped := int64((n + 2) / 3)
	if dropped.Load() != wantDropped || answered.Load() != int64(n-int(wantDropped))*5+wantDropped*2 {
		t.Errorf("answered %d, dropped %d", answered.Load(), dropped.Load())
	}
	if got := settle(0, func() int { return int(app.InFlight()) }); got != 0 {
		t.Errorf("%d WebSocket handlers still running", got)
	}
	srv.Close()
	if got := settle(base, runtime.NumGoroutine); got > base {
		t.Errorf("goroutines: %d before, %d after", base, got)
	}
}
