// ws_test.go tests WebSocketResponse with coder/websocket's client over real
// servers: echo, binary, JSON, closes from both sides, subprotocols, origin
// policy, limits, timeouts, heartbeat, concurrency, disconnects, shutdown.

package aioweb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// seedHandler is the seed's websocket_handler, plus binary echo.
func seedHandler(opts ...WSOption) (Handler, chan WSMessage) {
	seen := make(chan WSMessage, 100)
	return func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(opts...)
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		for {
			msg := ws.Receive(req.Context())
			seen <- msg
			switch msg.Type {
			case MsgText:
				if msg.Str() == "close" {
					ws.Close()
				} else {
					ws.SendStr(msg.Str() + "/answer")
				}
			case MsgBinary:
				ws.SendBytes(msg.Data)
			case MsgClose, MsgClosed, MsgError:
				return ws, nil
			}
		}
	}, seen
}

func wsServer(t *testing.T, h Handler, mws ...Middleware) string {
	app := NewApplication(WithMiddlewares(mws...))
	app.Router.AddRoute("GET", "/ws", h)
	return "ws://" + serve(t, app) + "/ws"
}

func dial(t *testing.T, url string, opts *websocket.DialOptions) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// ctx5 is a context that ends 5 seconds from now (the deadline's timer is
// released when it fires).
func ctx5() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	time.AfterFunc(6*time.Second, cancel)
	return ctx
}

func TestWebSocketEcho(t *testing.T) {
	h, seen := seedHandler()
	c := dial(t, wsServer(t, h), nil)
	ctx := ctx5()
	c.Write(ctx, websocket.MessageText, []byte("hello"))
	if typ, b, err := c.Read(ctx); err != nil || typ != websocket.MessageText || string(b) != "hello/answer" {
		t.Fatalf("echo: %v %q %v", typ, b, err)
	}
	c.Write(ctx, websocket.MessageBinary, []byte{0, 1, 2, 255})
	if typ, b, err := c.Read(ctx); err != nil || typ != websocket.MessageBinary || string(b) != "\x00\x01\x02\xff" {
		t.Fatalf("binary echo: %v %q %v", typ, b, err)
	}
	c.Write(ctx, websocket.MessageText, []byte("close"))
	_, _, err := c.Read(ctx)
	if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Fatalf("after close: %v", err)
	}
	var types []string
	for len(types) < 4 {
		types = append(types, wait(t, seen).Type.String())
	}
	if strings.Join(types, ",") != "TEXT,BINARY,TEXT,CLOSED" {
		t.Errorf("handler saw %v", types)
	}
}

func TestWebSocketJSONAndTypedReceives(t *testing.T) {
	errs := make(chan error, 4)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		var v struct{ N int }
		errs <- ws.ReceiveJSON(req.Context(), &v)
		errs <- ws.SendJSON(map[string]int{"n": v.N + 1})
		_, err := ws.ReceiveStr(req.Context()) // a binary message: error
		errs <- err
		b, err := ws.ReceiveBytes(req.Context())
		if err == nil && string(b) != "raw" {
			err = fmt.Errorf("got %q", b)
		}
		errs <- err
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	ctx := ctx5()
	c.Write(ctx, websocket.MessageText, []byte(`{"N": 41}`))
	if _, b, err := c.Read(ctx); err != nil || string(b) != `{"n":42}` {
		t.Fatalf("JSON: %q %v", b, err)
	}
	c.Write(ctx, websocket.MessageBinary, []byte("x"))
	c.Write(ctx, websocket.MessageBinary, []byte("raw"))
	for i, wantErr := range []bool{false, false, true, false} {
		if err := <-errs; (err != nil) != wantErr {
			t.Errorf("step %d: %v", i, err)
		}
	}
}

func TestWebSocketPeerCloseWithCode(t *testing.T) {
	got := make(chan string, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		m := ws.Receive(req.Context())
		after := ws.Receive(req.Context())
		got <- fmt.Sprint(m.Type, " ", m.Code, " ", m.Extra, " ", after.Type, " ", ws.CloseCode(), " ", ws.Closed())
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	if err := c.Close(4001, "bye"); err != nil {
		t.Fatal(err)
	}
	if s := wait(t, got); s != "CLOSE 4001 bye CLOSED 4001 true" {
		t.Errorf("handler saw %q", s)
	}
}

func TestWebSocketServerCloseWithCode(t *testing.T) {
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		ws.CloseWith(4002, "done here")
		if err := ws.SendStr("late"); !errors.Is(err, ErrWSClosed) {
			return nil, fmt.Errorf("send after close: %v", err)
		}
		if m := ws.Receive(req.Context()); m.Type != MsgClosed {
			return nil, fmt.Errorf("receive after close: %v", m.Type)
		}
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	_, _, err := c.Read(ctx5())
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4002 || ce.Reason != "done here" {
		t.Errorf("client got %v", err)
	}
}

func TestWebSocketSubprotocols(t *testing.T) {
	got := make(chan string, 2)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSProtocols("foo", "bar"))
		_, p := ws.CanPrepare(req)
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		got <- p + "|" + ws.Protocol()
		return ws, nil
	}
	url := wsServer(t, h)
	c := dial(t, url, &websocket.DialOptions{Subprotocols: []string{"eggs", "bar"}})
	if s := wait(t, got); s != "bar|bar" || c.Subprotocol() != "bar" {
		t.Errorf("negotiated %q, client %q", s, c.Subprotocol())
	}
	c2 := dial(t, url, &websocket.DialOptions{Subprotocols: []string{"eggs"}})
	if s := wait(t, got); s != "|" || c2.Subprotocol() != "" {
		t.Errorf("no overlap: %q", s)
	}
}

func TestWebSocketCompress(t *testing.T) {
	big := strings.Repeat("aiohttp in Go clothes. ", 4096) // 92 KiB, compresses well
	for _, on := range []bool{false, true} {
		h, _ := seedHandler(WSCompress(on))
		url := wsServer(t, h)
		ctx := ctx5()
		c, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{CompressionMode: websocket.CompressionNoContextTakeover})
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		c.SetReadLimit(1 << 20)
		ext := resp.Header.Get("Sec-WebSocket-Extensions")
		if got := strings.Contains(ext, "permessage-deflate"); got != on {
			t.Errorf("WSCompress(%v): handshake extensions %q", on, ext)
		}
		if err := c.Write(ctx, websocket.MessageText, []byte(big)); err != nil {
			t.Fatal(err)
		}
		if _, b, err := c.Read(ctx); err != nil || string(b) != big+"/answer" {
			t.Fatalf("WSCompress(%v): echo of %d bytes: %d bytes, %v", on, len(big), len(b), err)
		}
		c.Close(websocket.StatusNormalClosure, "")
	}
	// A client that offers nothing gets an uncompressed connection.
	h, _ := seedHandler(WSCompress(true))
	c, resp, err := websocket.Dial(ctx5(), wsServer(t, h), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if ext := resp.Header.Get("Sec-WebSocket-Extensions"); ext != "" {
		t.Errorf("client without deflate: extensions %q", ext)
	}
}

func TestWebSocketOriginPolicy(t *testing.T) {
	h, _ := seedHandler()
	url := wsServer(t, h)
	evil := &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"http://evil.example"}}}
	_, resp, err := websocket.Dial(ctx5(), url, evil)
	if err == nil || resp == nil || resp.StatusCode != 403 {
		t.Errorf("cross-origin dial: %v %v", resp, err)
	}
	h2, _ := seedHandler(WSOriginPatterns("*.example"))
	c := dial(t, wsServer(t, h2), evil)
	c.Write(ctx5(), websocket.MessageText, []byte("hi"))
	if _, b, err := c.Read(ctx5()); err != nil || string(b) != "hi/answer" {
		t.Errorf("allowed origin: %q %v", b, err)
	}
	// WSInsecureSkipVerify takes a bool: false (last) keeps the policy.
	h3, _ := seedHandler(WSInsecureSkipVerify(true), WSInsecureSkipVerify(false))
	if _, resp, err := websocket.Dial(ctx5(), wsServer(t, h3), evil); err == nil || resp == nil || resp.StatusCode != 403 {
		t.Errorf("cross-origin dial with WSInsecureSkipVerify(false): %v %v", resp, err)
	}
	h4, _ := seedHandler(WSInsecureSkipVerify(true))
	c = dial(t, wsServer(t, h4), evil)
	c.Write(ctx5(), websocket.MessageText, []byte("hi"))
	if _, b, err := c.Read(ctx5()); err != nil || string(b) != "hi/answer" {
		t.Errorf("WSInsecureSkipVerify(true): %q %v", b, err)
	}
}

func TestWebSocketHandshakeErrors(t *testing.T) {
	h, _ := seedHandler()
	app := NewApplication()
	app.Router.AddRoute("*", "/ws", h)
	app.Router.AddRoute("GET", "/can", func(req *Request) (Resp, error) {
		ok, _ := NewWebSocketResponse().CanPrepare(req)
		return &Response{Text: fmt.Sprint(ok)}, nil
	})
	addr := serve(t, app)
	for _, c := range []struct {
		method string
		hdrs   []string
		status int
		body   string
	}{
		{"GET", nil, 400, "No WebSocket UPGRADE hdr: None\n Can \"Upgrade\" only to \"WebSocket\"."},
		{"GET", []string{"Upgrade: websocket"}, 400, "No CONNECTION upgrade hdr: close"},
		{"GET", []string{"Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 12"}, 400, "Unsupported version: 12"},
		{"GET", []string{"Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: abc"}, 400, `Handshake error: "abc"`},
		{"POST", []string{"Upgrade: websocket"}, 405, ""},
	} {
		got := rawDo(t, addr, c.method, "/ws", c.hdrs...)
		if got.Status != c.status || got.Body != c.body {
			t.Errorf("%v: %d %q", c.hdrs, got.Status, got.Body)
		}
	}
	if got := rawDo(t, addr, "GET", "/can"); got.Body != "false" {
		t.Errorf("CanPrepare on a plain GET: %q", got.Body)
	}
	if got := rawDo(t, addr, "GET", "/can", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="); got.Body != "true" || got.Status != 200 {
		t.Errorf("CanPrepare on an upgrade: %d %q", got.Status, got.Body)
	}
}

func TestWebSocketOversizeMessage(t *testing.T) {
	h, seen := seedHandler(WSMaxMsgSize(1024))
	c := dial(t, wsServer(t, h), nil)
	c.Write(ctx5(), websocket.MessageText, []byte(strings.Repeat("x", 2048)))
	_, _, err := c.Read(ctx5())
	if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Errorf("client got %v, want close 1009", err)
	}
	if m := wait(t, seen); m.Type != MsgError || m.Err == nil {
		t.Errorf("handler got %v", m)
	}
}

func TestWebSocketReceiveTimeout(t *testing.T) {
	got := make(chan WSMessage, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSReceiveTimeout(100 * time.Millisecond))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		got <- ws.Receive(req.Context())
		return ws, nil
	}
	dial(t, wsServer(t, h), nil)
	if m := wait(t, got); m.Type != MsgError || !errors.Is(m.Err, ErrReceiveTimeout) {
		t.Errorf("got %v %v", m.Type, m.Err)
	}
}

func TestWebSocketHeartbeatDropsSilentPeer(t *testing.T) {
	got := make(chan string, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSHeartbeat(100 * time.Millisecond))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		m := ws.Receive(req.Context())
		got <- fmt.Sprint(m.Type, " ", ws.CloseCode(), " ", errors.Is(ws.Exception(), ErrHeartbeat), " ", errors.Is(m.Err, ErrHeartbeat))
		return ws, nil
	}
	dial(t, wsServer(t, h), nil) // never reads, so never answers pings
	if s := wait(t, got); s != "ERROR 1006 true true" {
		t.Errorf("got %q", s)
	}
}

// The server sends heartbeat n+1 only once heartbeat n's pong came back in
// time, so three pings mean two pongs accepted; the connection still echoes.
// The heartbeat leaves 250 ms for each pong: ample on a loaded machine.
func TestWebSocketHeartbeatKeepsLivePeer(t *testing.T) {
	h, _ := seedHandler(WSHeartbeat(500 * time.Millisecond))
	pings := make(chan struct{}, 10)
	c := dial(t, wsServer(t, h), notifyPings(pings))
	echo := make(chan string, 1)
	go func() { // reads, so answers pings
		_, b, err := c.Read(context.Background())
		echo <- fmt.Sprint(string(b), " ", err)
	}()
	for range 3 {
		wait(t, pings)
	}
	c.Write(ctx5(), websocket.MessageText, []byte("live"))
	if s := wait(t, echo); s != "live/answer <nil>" {
		t.Errorf("after three heartbeats: %q", s)
	}
}

func TestWebSocketAutopingOff(t *testing.T) {
	got := make(chan MsgType, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSAutoping(false))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		got <- ws.Receive(req.Context()).Type
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	go c.Ping(ctx5()) // needs a concurrent reader for the pong
	go c.Read(ctx5())
	if typ := wait(t, got); typ != MsgPing {
		t.Errorf("handler got %v, want PING", typ)
	}
}

func TestWebSocketConcurrency(t *testing.T) {
	second := make(chan error, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		var wg sync.WaitGroup
		for w := 0; w < 10; w++ { // ten concurrent writers
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < 50; i++ {
					ws.SendStr(fmt.Sprintf("%d-%d", w, i))
				}
			}(w)
		}
		first := make(chan WSMessage, 1)
		go func() { first <- ws.Receive(req.Context()) }()
		for { // until the first Receive runs (a sleep here flaked under load)
			ws.modeMu.Lock()
			running := ws.receiving
			ws.modeMu.Unlock()
			if running {
				break
			}
			runtime.Gosched()
		}
		second <- ws.Receive(req.Context()).Err // the first is still waiting
		wg.Wait()
		ws.SendStr("done")
		<-first
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	n := 0
	for {
		_, b, err := c.Read(ctx5())
		if err != nil {
			t.Fatal(err)
		}
		if string(b) == "done" {
			break
		}
		n++
	}
	if n != 500 {
		t.Errorf("got %d messages, want 500", n)
	}
	if err := <-second; !errors.Is(err, ErrConcurrentReceive) {
		t.Errorf("second reader got %v", err)
	}
	c.Write(ctx5(), websocket.MessageText, []byte("bye"))
}

func TestWebSocketAbruptDisconnectLeaksNothing(t *testing.T) {
	h, seen := seedHandler()
	app := NewApplication()
	app.Router.AddRoute("GET", "/ws", h)
	url := "ws://" + serve(t, app) + "/ws"
	base := runtime.NumGoroutine()
	for i := 0; i < 20; i++ {
		c, _, err := websocket.Dial(ctx5(), url, nil)
		if err != nil {
			t.Fatal(err)
		}
		c.Write(ctx5(), websocket.MessageText, []byte("x"))
		c.Read(ctx5())
		c.CloseNow() // TCP close, no close frame
	}
	ends := 0
	for i := 0; i < 40; i++ { // per connection: the text, then the end
		switch m := wait(t, seen); m.Type {
		case MsgError, MsgClosed:
			ends++
		case MsgText:
		default:
			t.Errorf("unexpected %v", m.Type)
		}
	}
	if ends != 20 {
		t.Errorf("%d of 20 disconnects noticed", ends)
	}
	if n := settle(base, runtime.NumGoroutine); n > base {
		t.Errorf("goroutines: %d before, %d after", base, n)
	}
	if n := settle(0, func() int { return int(app.InFlight()) }); n != 0 {
		t.Errorf("%d handlers still running", n)
	}
}

func TestWebSocketMiddlewareCanRefuse(t *testing.T) {
	h, _ := seedHandler()
	auth := MiddlewareFunc(func(req *Request, next Handler) (Resp, error) {
		if req.Query().Get("token") != "ok" {
			return nil, HTTPForbidden()
		}
		return next(req)
	})
	url := wsServer(t, h, auth)
	if _, resp, err := websocket.Dial(ctx5(), url, nil); err == nil || resp.StatusCode != 403 {
		t.Errorf("unauthorised dial: %v %v", resp, err)
	}
	c := dial(t, url+"?token=ok", nil)
	c.Write(ctx5(), websocket.MessageText, []byte("in"))
	if _, b, _ := c.Read(ctx5()); string(b) != "in/answer" {
		t.Errorf("authorised: %q", b)
	}
}

func TestWebSocketHandlerErrorAfterPrepare(t *testing.T) {
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		return nil, errors.New("broke after the upgrade")
	}
	c := dial(t, wsServer(t, h), nil)
	if _, _, err := c.Read(ctx5()); websocket.CloseStatus(err) != websocket.StatusInternalError {
		t.Errorf("after the handler failed: %v, want close 1011", err)
	}
}

func TestWebSocketInvalidUTF8Closes1007(t *testing.T) {
	for _, opts := range [][]WSOption{nil, {WSAutoping(false)}} { // direct and reader-goroutine modes
		h, seen := seedHandler(opts...)
		c := dial(t, wsServer(t, h), nil)
		c.Write(ctx5(), websocket.MessageText, []byte("ok\xff"))
		if _, _, err := c.Read(ctx5()); websocket.CloseStatus(err) != websocket.StatusInvalidFramePayloadData {
			t.Errorf("client got %v, want 1007", err)
		}
		if m := wait(t, seen); m.Type != MsgError || !errors.Is(m.Err, ErrInvalidUTF8) {
			t.Errorf("handler got %v %v", m.Type, m.Err)
		}
	}
}

func TestWebSocketShutdownClosesWith1001(t *testing.T) {
	h, _ := seedHandler()
	app := NewApplication()
	app.Router.AddRoute("GET", "/ws", h)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- RunApp(app, "", RunContext(ctx), RunListener(ln), RunOutput(nil)) }()
	var c *websocket.Conn
	var err error
	for i := 0; i < 50; i++ {
		if c, _, err = websocket.Dial(ctx5(), "ws://"+ln.Addr().String()+"/ws", nil); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	c.Write(ctx5(), websocket.MessageText, []byte("hi"))
	c.Read(ctx5())
	cancel()
	_, _, err = c.Read(ctx5())
	if websocket.CloseStatus(err) != websocket.StatusGoingAway {
		t.Errorf("client got %v, want 1001", err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunApp: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunApp did not return")
	}
}

// BenchmarkWebSocketEcho measures an echo round trip through aioweb's
// WebSocketResponse beside raw coder/websocket (Accept, Read, Write) serving
// the same echo, in the same run.
func BenchmarkWebSocketEcho(b *testing.B) {
	aio := NewApplication()
	aio.Router.AddRoute("GET", "/ws", func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSMaxMsgSize(1 << 20))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		for {
			m := ws.Receive(req.Context())
			switch m.Type {
			case MsgText:
				ws.SendStr(m.Str())
			case MsgBinary:
				ws.SendBytes(m.Data)
			default:
				return ws, nil
			}
		}
	})
	raw := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(1 << 20)
		for {
			typ, p, err := c.Read(r.Context())
			if err != nil {
				return
			}
			if c.Write(r.Context(), typ, p) != nil {
				return
			}
		}
	})
	servers := []struct {
		name string
		h    http.Handler
	}{{"raw-coder", raw}, {"aioweb", aio}}
	for _, size := range []int{32, 64 << 10} {
		msg := []byte(strings.Repeat("x", size))
		for _, s := range servers {
			b.Run(fmt.Sprintf("%s/%dB", s.name, size), func(b *testing.B) {
				url := "ws://" + serveHandler(b, s.h) + "/ws"
				ctx := context.Background()
				c, _, err := websocket.Dial(ctx, url, nil)
				if err != nil {
					b.Fatal(err)
				}
				defer c.CloseNow()
				c.SetReadLimit(1 << 20)
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					if err := c.Write(ctx, websocket.MessageBinary, msg); err != nil {
						b.Fatal(err)
					}
					if _, _, err := c.Read(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// notifyPings returns dial options whose client answers pings as usual and
// signals each on pings, without blocking when nobody reads them.
func notifyPings(pings chan<- struct{}) *websocket.DialOptions {
	return &websocket.DialOptions{
		OnPingReceived: func(context.Context, []byte) bool {
			select {
			case pings <- struct{}{}:
			default:
			}
			return true
		},
	}
}
