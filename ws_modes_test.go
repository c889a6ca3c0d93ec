// ws_modes_test.go tests WebSocketResponse in each of its reading modes
// (direct, reader goroutine with autoping off, heartbeat) against raw and
// real clients: ping, close timeouts, receiving during close, shutdown,
// goroutines ending with the connection, and the close-handshake edges.

package aioweb

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// wsModes are the ways a WebSocketResponse reads: on the Receive caller's
// goroutine (the default), or through a reader goroutine (autoping off, or a
// heartbeat).
var wsModes = []struct {
	name string
	opts []WSOption
}{
	{"direct", nil},
	{"autoping-off", []WSOption{WSAutoping(false)}},
	{"heartbeat", []WSOption{WSHeartbeat(time.Hour)}},
}

// rawWS opens a TCP connection to addr, completes a WebSocket upgrade of
// path and returns the connection; it never answers anything by itself.
func rawWS(t *testing.T, addr, path string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", path, addr)
	br := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 101 {
		t.Fatalf("upgrade: %v %v", resp, err)
	}
	c.SetReadDeadline(time.Time{})
	return c, br
}

// clientFrame encodes one masked client frame (fin set).
func clientFrame(opcode byte, payload []byte) []byte {
	if len(payload) > 125 {
		panic("clientFrame: payload too long")
	}
	key := []byte{1, 2, 3, 4}
	f := []byte{0x80 | opcode, 0x80 | byte(len(payload))}
	f = append(f, key...)
	for i, b := range payload {
		f = append(f, b^key[i%4])
	}
	return f
}

// readServerFrame reads one unmasked server frame.
func readServerFrame(br *bufio.Reader) (opcode byte, payload []byte, err error) {
	var h [2]byte
	if _, err = io.ReadFull(br, h[:]); err != nil {
		return 0, nil, err
	}
	n := int(h[1] & 0x7f)
	switch n {
	case 126:
		var l [2]byte
		if _, err = io.ReadFull(br, l[:]); err != nil {
			return 0, nil, err
		}
		n = int(binary.BigEndian.Uint16(l[:]))
	case 127:
		return 0, nil, errors.New("frame too long for the test")
	}
	payload = make([]byte, n)
	_, err = io.ReadFull(br, payload)
	return h[0] & 0x0f, payload, err
}

// Issue 11 item 12: Ping works in every mode, the default direct-read mode
// included, where nothing but Receive used to read the pong.
func TestWebSocketPingEveryMode(t *testing.T) {
	for _, mode := range wsModes {
		t.Run(mode.name, func(t *testing.T) {
			got := make(chan string, 1)
			h := func(req *Request) (Resp, error) {
				ws := NewWebSocketResponse(append(mode.opts, WSTimeout(15*time.Second))...)
				if err := ws.Prepare(req); err != nil {
					return nil, err
				}
				err := ws.Ping()
				// The client's "after", and with autoping off the pong too. The
				// client answers the ping from its read goroutine while the test
				// writes "after", so the two may arrive in either order.
				n := 1
				if mode.name == "autoping-off" {
					n = 2
				}
				var seen []string
				for range n {
					seen = append(seen, ws.Receive(req.Context()).Type.String())
				}
				sort.Strings(seen)
				got <- fmt.Sprint(err, " ", strings.Join(seen, ","))
				return ws, nil
			}
			pings := make(chan []byte, 4)
			c := dial(t, wsServer(t, h), &websocket.DialOptions{
				OnPingReceived: func(_ context.Context, p []byte) bool { pings <- append([]byte(nil), p...); return true },
			})
			go c.Read(context.Background()) // reads, so it answers the ping (ends with the test server)
			select {
			case p := <-pings:
				if len(p) == 0 {
					t.Errorf("empty ping payload")
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the client saw no ping")
			}
			c.Write(ctx5(), websocket.MessageText, []byte("after"))
			want := "<nil> TEXT" // the pong is consumed by the library
			if mode.name == "autoping-off" {
				want = "<nil> PONG,TEXT" // the server sees the pong
			}
			select {
			case s := <-got:
				if s != want {
					t.Errorf("Ping, then Receive: %q, want %q", s, want)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the handler did not finish")
			}
		})
	}
}

// Issue 11 item 13: Close honours WSTimeout. aiohttp 3.8.4 (checked with
// /usr/bin/python3): close() on WebSocketResponse(timeout=0.1) whose peer
// never answers returns True after 0.101 s, close_code 1006, exception()
// TimeoutError(), closed True, and a later receive() is CLOSED. "Quick" is
// under 4 s: generous for a loaded machine, and still under coder/websocket's
// own 5 s wait for the close, which Close would otherwise get.
func TestWebSocketCloseTimeout(t *testing.T) {
	for _, mode := range wsModes {
		t.Run(mode.name, func(t *testing.T) {
			got := make(chan string, 1)
			h := func(req *Request) (Resp, error) {
				ws := NewWebSocketResponse(append(mode.opts, WSTimeout(100*time.Millisecond))...)
				if err := ws.Prepare(req); err != nil {
					return nil, err
				}
				start := time.Now()
				err := ws.Close()
				elapsed := time.Since(start)
				after := ws.Receive(req.Context())
				got <- fmt.Sprint(elapsed < 4*time.Second, " ", errors.Is(err, ErrCloseTimeout), " ", ws.CloseCode(), " ",
					errors.Is(ws.Exception(), ErrCloseTimeout), " ", ws.Closed(), " ", after.Type)
				return ws, nil
			}
			app := NewApplication()
			app.Router.AddRoute("GET", "/ws", h)
			addr := serve(t, app)
			rawWS(t, addr, "/ws") // upgrades, then never reads nor answers
			select {
			case s := <-got:
				if s != "true true 1006 true true CLOSED" {
					t.Errorf("got %q, want quick return, ErrCloseTimeout, 1006, closed, then CLOSED", s)
				}
			case <-time.After(15 * time.Second):
				t.Fatal("Close did not return")
			}
		})
	}
}

// Issue 11 item 14: a Receive pending while another goroutine calls Close
// gets MsgClosing, then MsgClosed. aiohttp 3.8.4: the pending receive() gets
// CLOSING, later receives get CLOSED (four times, then RuntimeError).
func TestWebSocketReceiveDuringClose(t *testing.T) {
	for _, mode := range wsModes {
		t.Run(mode.name, func(t *testing.T) {
			got := make(chan string, 1)
			h := func(req *Request) (Resp, error) {
				ws := NewWebSocketResponse(mode.opts...)
				if err := ws.Prepare(req); err != nil {
					return nil, err
				}
				first := make(chan MsgType, 1)
				go func() { first <- ws.Receive(req.Context()).Type }()
				// Pending means blocked in its read: a Receive that has only
				// claimed the connection (receivingNow) may see the Close
				// below as begun and rightly return MsgClosed.
				if err := awaitStacks(1, blockedInReceive("TestWebSocketReceiveDuringClose")); err != nil {
					got <- err.Error()
					return nil, err
				}
				err := ws.Close()
				seq := []MsgType{<-first, ws.Receive(req.Context()).Type, ws.Receive(req.Context()).Type}
				got <- fmt.Sprint(err, " ", seq, " ", ws.CloseCode())
				return ws, nil
			}
			c := dial(t, wsServer(t, h), nil)
			time.Sleep(300 * time.Millisecond) // answer the close late (the result is the same if not)
			_, _, err := c.Read(ctx5())
			if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
				t.Errorf("client got %v", err)
			}
			if s := wait(t, got); s != "<nil> [CLOSING CLOSED CLOSED] 1000" {
				t.Errorf("got %q", s)
			}
		})
	}
}

// The subprotocol is aiohttp's choice, the client's first one the server
// knows, and Protocol agrees with CanPrepare and the handshake.
func TestWebSocketSubprotocolClientOrder(t *testing.T) {
	got := make(chan string, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSProtocols("foo", "bar"))
		_, p := ws.CanPrepare(req)
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		got <- p + "|" + ws.Protocol()
		return ws, nil
	}
	c := dial(t, wsServer(t, h), &websocket.DialOptions{Subprotocols: []string{"bar", "foo"}})
	if s := <-got; s != "bar|bar" || c.Subprotocol() != "bar" {
		t.Errorf("CanPrepare|Protocol %q, client %q; want bar everywhere", s, c.Subprotocol())
	}
}

// A handler that returns without receiving while the reader goroutine holds
// more messages than it can hand over still ends.
func TestWebSocketReturnWithUnreadMessages(t *testing.T) {
	app := NewApplication()
	ready := make(chan struct{})
	srvWS := make(chan *WebSocketResponse, 1)
	app.Router.AddRoute("GET", "/ws", func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSAutoping(false))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		srvWS <- ws
		<-ready
		return ws, nil
	})
	c := dial(t, "ws://"+serve(t, app)+"/ws", nil)
	for i := 0; i < 40; i++ { // more than the hand-over buffer
		c.Write(ctx5(), websocket.MessageText, []byte("x"))
	}
	awaitFullHandOver(t, wait(t, srvWS)) // the reader then blocks handing over the next one
	close(ready)
	go c.Read(ctx5()) // answers the close
	if n := settle(0, func() int { return int(app.InFlight()) }); n != 0 {
		t.Errorf("%d handlers still running", n)
	}
}

// A receive timeout ends the connection with 1006 in every mode.
func TestWebSocketReceiveTimeoutEveryMode(t *testing.T) {
	for _, mode := range wsModes {
		t.Run(mode.name, func(t *testing.T) {
			got := make(chan string, 1)
			h := func(req *Request) (Resp, error) {
				ws := NewWebSocketResponse(append(mode.opts, WSReceiveTimeout(100*time.Millisecond))...)
				if err := ws.Prepare(req); err != nil {
					return nil, err
				}
				m := ws.Receive(req.Context())
				got <- fmt.Sprint(m.Type, " ", errors.Is(m.Err, ErrReceiveTimeout), " ", ws.CloseCode(), " ",
					errors.Is(ws.Exception(), ErrReceiveTimeout), " ", ws.Closed())
				return ws, nil
			}
			c := dial(t, wsServer(t, h), nil)
			if s := wait(t, got); s != "ERROR true 1006 true true" {
				t.Errorf("got %q", s)
			}
			if _, _, err := c.Read(ctx5()); err == nil || errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("client: %v, want the connection ended", err)
			}
		})
	}
}

// An oversized message closes with 1009 in every mode.
func TestWebSocketOversizeEveryMode(t *testing.T) {
	for _, mode := range wsModes {
		t.Run(mode.name, func(t *testing.T) {
			got := make(chan string, 1)
			h := func(req *Request) (Resp, error) {
				ws := NewWebSocketResponse(append(mode.opts, WSMaxMsgSize(1024))...)
				if err := ws.Prepare(req); err != nil {
					return nil, err
				}
				m := ws.Receive(req.Context())
				got <- fmt.Sprint(m.Type, " ", errors.Is(m.Err, websocket.ErrMessageTooBig), " ", ws.CloseCode())
				return ws, nil
			}
			c := dial(t, wsServer(t, h), nil)
			c.Write(ctx5(), websocket.MessageBinary, make([]byte, 2048))
			if _, _, err := c.Read(ctx5()); websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
				t.Errorf("client got %v", err)
			}
			if s := wait(t, got); s != "ERROR true 1009" {
				t.Errorf("got %q", s)
			}
		})
	}
}

// A peer that answers the close with another code: CloseCode is the peer's
// (aiohttp's close() keeps msg.data of the answer).
func TestWebSocketCloseAnsweredWithOtherCode(t *testing.T) {
	got := make(chan string, 1)
	app := NewApplication()
	app.Router.AddRoute("GET", "/ws", func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		err := ws.Close()
		got <- fmt.Sprint(err, " ", ws.CloseCode(), " ", ws.Exception())
		return ws, nil
	})
	c, br := rawWS(t, serve(t, app), "/ws")
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if op, p, err := readServerFrame(br); err != nil || op != 8 || binary.BigEndian.Uint16(p) != 1000 {
		t.Fatalf("server close frame: %d %x %v", op, p, err)
	}
	c.Write(clientFrame(8, []byte{0x0f, 0xa0})) // 4000
	if s := wait(t, got); s != "<nil> 4000 <nil>" {
		t.Errorf("got %q", s)
	}
}

// Every goroutine a WebSocketResponse starts ends with its connection, in
// every mode, whether the peer closes, vanishes, or never answers a close.
func TestWebSocketGoroutinesEndWithConnection(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/ws", func(req *Request) (Resp, error) {
		var opts []WSOption
		switch req.Query().Get("mode") {
		case "autoping-off":
			opts = append(opts, WSAutoping(false))
		case "heartbeat":
			opts = append(opts, WSHeartbeat(50*time.Millisecond))
		}
		ws := NewWebSocketResponse(append(opts, WSTimeout(200*time.Millisecond))...)
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		if req.Query().Get("ping") != "" {
			ws.Ping()
		}
		if req.Query().Get("close") != "" {
			ws.Close()
		}
		for {
			switch m := ws.Receive(req.Context()); m.Type {
			case MsgText:
				ws.SendStr(m.Str())
			case MsgClose, MsgClosing, MsgClosed, MsgError:
				return ws, nil
			}
		}
	})
	addr := serve(t, app)
	base := runtime.NumGoroutine()
	for _, mode := range wsModes {
		for _, q := range []string{"", "&ping=1", "&close=1", "&ping=1&close=1"} {
			url := "ws://" + addr + "/ws?mode=" + mode.name + q
			// A client that echoes and closes properly.
			c := dial(t, url, nil)
			if q == "" {
				c.Write(ctx5(), websocket.MessageText, []byte("x"))
			}
			c.Close(websocket.StatusNormalClosure, "")
			// A client that vanishes.
			c = dial(t, url, nil)
			go c.Read(ctx5())
			time.Sleep(20 * time.Millisecond)
			c.CloseNow()
			// A raw client that never reads nor answers.
			raw, _ := rawWS(t, addr, "/ws?mode="+mode.name+q)
			time.Sleep(20 * time.Millisecond)
			raw.Close()
		}
	}
	if n := settle(0, func() int { return int(app.InFlight()) }); n != 0 {
		t.Errorf("%d handlers still running", n)
	}
	if n := settle(base, runtime.NumGoroutine); n > base {
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines: %d before, %d after\n%s", base, n, buf[:runtime.Stack(buf, true)])
	}
}

// receivingNow reports whether a Receive is running: it has claimed the
// connection, so a second Receive gets ErrConcurrentReceive, but it may not
// have reached its read yet (see blockedInReceive).
func (ws *WebSocketResponse) receivingNow() bool {
	ws.modeMu.Lock()
	defer ws.modeMu.Unlock()
	return ws.receiving
}

// awaitFullHandOver waits until ws's reader goroutine has filled the
// hand-over buffer, so that it blocks handing over the next message.
func awaitFullHandOver(t *testing.T, ws *WebSocketResponse) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); len(ws.msgs) < cap(ws.msgs); {
		if time.Now().After(deadline) {
			t.Fatalf("the hand-over buffer holds %d of %d messages after 20s", len(ws.msgs), cap(ws.msgs))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// awaitStacks polls the stacks of all goroutines until at least n of them
// satisfy match, or 20 seconds pass (an error then). A stack is one
// goroutine's header ("goroutine 7 [select]:") and frames, as in a panic.
// Tests use it to wait for a goroutine to be blocked at a given point, where
// a sleep would only make that likely.
func awaitStacks(n int, match func(stack string) bool) error {
	buf := make([]byte, 1<<20)
	deadline := time.Now().Add(20 * time.Second)
	for {
		k := runtime.Stack(buf, true)
		if k == len(buf) {
			buf = make([]byte, 2*len(buf))
			continue
		}
		found := 0
		for _, g := range strings.Split(string(buf[:k]), "\n\n") {
			if match(g) {
				found++
			}
		}
		if found >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after 20s, %d goroutines of the %d awaited are there:\n%s", found, n, buf[:k])
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// blockedInReceive reports whether stack is a goroutine, running a function
// whose name contains in, that is in Receive past its check for a Close
// begun: reading directly, or waiting in the select on the reader goroutine's
// hand-over (Receive's other select, for a Close begun, is not reachable while
// no Close has begun). A Receive that has only set receivingNow may still see
// a concurrent Close as begun, and return MsgClosed rather than MsgClosing.
func blockedInReceive(in string) func(stack string) bool {
	return func(g string) bool {
		if !strings.Contains(g, in) {
			return false
		}
		if strings.Contains(g, ").receiveDirect(") {
			return true
		}
		// Parked in a select, in Receive itself: its innermost frame outside
		// the runtime (shown with GOTRACEBACK=system) is Receive.
		header, frames, _ := strings.Cut(g, "\n")
		if !strings.Contains(header, " [select") {
			return false
		}
		for _, f := range strings.Split(frames, "\n") {
			if !strings.HasPrefix(f, "\t") && !strings.HasPrefix(f, "runtime.") {
				return strings.Contains(f, "(*WebSocketResponse).Receive(")
			}
		}
		return false
	}
}

// On shutdown every open WebSocket, in every mode and in sub-applications,
// gets 1001; a pending Receive sees MsgClosing, then MsgClosed; a peer that
// never answers the close is dropped after WSTimeout (200 ms for it; 2 s for
// the clients that answer, so a loaded machine cannot make them miss it), so
// RunApp's drain ends within its shutdown timeout (3 s, under coder/websocket's
// own 5 s wait for a close).
func TestWebSocketShutdownEveryMode(t *testing.T) {
	seqs := make(chan string, 10)
	handler := func(req *Request) (Resp, error) {
		var opts []WSOption
		for _, m := range wsModes {
			if m.name == req.Query().Get("mode") {
				opts = m.opts
			}
		}
		timeout := 2 * time.Second
		if req.Query().Has("raw") {
			timeout = 200 * time.Millisecond
		}
		ws := NewWebSocketResponse(append(opts, WSTimeout(timeout))...)
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		var seq []MsgType
		for {
			m := ws.Receive(context.Background())
			seq = append(seq, m.Type)
			if m.Type == MsgClosed || m.Type == MsgError || len(seq) > 3 {
				break
			}
		}
		seqs <- fmt.Sprint(req.Query().Get("mode"), " ", seq, " ", ws.CloseCode())
		return ws, nil
	}
	app := NewApplication()
	app.Router.AddRoute("GET", "/ws", handler)
	sub := NewApplication()
	sub.Router.AddRoute("GET", "/ws", handler)
	app.AddSubapp("/sub", sub)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- RunApp(app, "", RunContext(ctx), RunListener(ln), RunOutput(nil), RunShutdownTimeout(3*time.Second))
	}()
	var urls []string
	for _, m := range wsModes {
		urls = append(urls, "ws://"+addr+"/ws?mode="+m.name)
	}
	urls = append(urls, "ws://"+addr+"/sub/ws?mode=direct")
	var clientErrs []chan error
	for _, u := range urls {
		var c *websocket.Conn
		for i := 0; i < 100; i++ {
			if c, _, err = websocket.Dial(ctx5(), u, nil); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		ch := make(chan error, 1)
		go func() { _, _, err := c.Read(context.Background()); ch <- err }()
		clientErrs = append(clientErrs, ch)
	}
	raw, br := rawWS(t, addr, "/ws?mode=direct&raw=1") // never answers the close
	// Every handler is blocked in Receive (one that is not yet would rightly
	// see the shutdown's close as begun and get only MsgClosed).
	if err := awaitStacks(len(urls)+1, blockedInReceive("TestWebSocketShutdownEveryMode")); err != nil {
		t.Fatal(err)
	}
	cancel()
	for i, ch := range clientErrs {
		if err := wait(t, ch); websocket.CloseStatus(err) != websocket.StatusGoingAway {
			t.Errorf("%s: client got %v, want 1001", urls[i], err)
		}
	}
	raw.SetReadDeadline(time.Now().Add(5 * time.Second))
	if op, p, err := readServerFrame(br); err != nil || op != 8 || binary.BigEndian.Uint16(p) != 1001 {
		t.Errorf("raw client: %d %x %v, want a 1001 close frame", op, p, err)
	}
	select {
	case err := <-done:
		if err != nil { // coder/websocket's own 5 s close wait would outlast the 3 s drain
			t.Errorf("RunApp: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("RunApp did not return")
	}
	var got []string
	for range len(urls) + 1 {
		got = append(got, wait(t, seqs))
	}
	sort.Strings(got)
	want := []string{
		"autoping-off [CLOSING CLOSED] 1001", "direct [CLOSING CLOSED] 1001", "direct [CLOSING CLOSED] 1001",
		"direct [CLOSING CLOSED] 1006", "heartbeat [CLOSING CLOSED] 1001",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("handlers saw\n%v\nwant\n%v", got, want)
	}
}

// Close stops the heartbeat (as aiohttp's close() cancels it): a close that
// times out reports ErrCloseTimeout, not a heartbeat failure meanwhile. The
// peer answers pings until the server's close frame, so a heartbeat before
// Close (a handler slow to call it) passes; it then answers nothing, and the
// close's 1 s wait would see four heartbeats fail if they ran.
func TestWebSocketCloseStopsHeartbeat(t *testing.T) {
	got := make(chan string, 1)
	app := NewApplication()
	app.Router.AddRoute("GET", "/ws", func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSHeartbeat(200*time.Millisecond), WSTimeout(time.Second))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		ws.Close()
		got <- fmt.Sprint(ws.CloseCode(), " ", errors.Is(ws.Exception(), ErrCloseTimeout), " ", errors.Is(ws.Exception(), ErrHeartbeat))
		return ws, nil
	})
	c, br := rawWS(t, serve(t, app), "/ws")
	c.SetDeadline(time.Now().Add(20 * time.Second))
	go func() {
		for {
			op, p, err := readServerFrame(br)
			if err != nil || op == 8 {
				return
			}
			if op == 9 {
				c.Write(clientFrame(10, p))
			}
		}
	}()
	if s := wait(t, got); s != "1006 true false" {
		t.Errorf("got %q", s)
	}
}

// Ping while another goroutine's Receive reads directly: that read handles
// the pong, and reading moves to the reader goroutine once it returns, so
// later Pings work too.
func TestWebSocketPingDuringDirectReceive(t *testing.T) {
	got := make(chan string, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSTimeout(10 * time.Second))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		first := make(chan string, 1)
		go func() { first <- ws.Receive(req.Context()).Str() }()
		for !ws.receivingNow() {
			time.Sleep(time.Millisecond)
		}
		err1 := ws.Ping()
		ws.SendStr("pinged")
		a := <-first
		err2 := ws.Ping()
		b := ws.Receive(req.Context()).Str()
		got <- fmt.Sprint(err1, " ", a, " ", err2, " ", b)
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	if _, m, err := c.Read(ctx5()); err != nil || string(m) != "pinged" { // answers the ping meanwhile
		t.Fatalf("got %q %v", m, err)
	}
	c.Write(ctx5(), websocket.MessageText, []byte("a"))
	go c.Read(context.Background()) // answers the second ping
	c.Write(ctx5(), websocket.MessageText, []byte("b"))
	if s := wait(t, got); s != "<nil> a <nil> b" {
		t.Errorf("got %q", s)
	}
}

// Origin patterns with a scheme match "scheme://host", as coder/websocket
// v1.8.14+ does, and aioweb's own check agrees with it (403 with aioweb's
// text, not coder/websocket's).
func TestWebSocketOriginPatternWithScheme(t *testing.T) {
	h, _ := seedHandler(WSOriginPatterns("http://*.example"))
	url := wsServer(t, h)
	c := dial(t, url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"http://evil.example"}}})
	c.Write(ctx5(), websocket.MessageText, []byte("hi"))
	if _, b, err := c.Read(ctx5()); err != nil || string(b) != "hi/answer" {
		t.Errorf("allowed origin: %q %v", b, err)
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "ws://"), "/ws")
	got := rawDo(t, addr, "GET", "/ws", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Origin: https://evil.example")
	if got.Status != 403 || got.Body != "403: Forbidden: WebSocket origin not allowed" {
		t.Errorf("other scheme: %d %q", got.Status, got.Body)
	}
}

// With autoping off, a ping that arrives during the close handshake while
// the hand-over buffer is full does not block Close: messages are no longer
// handed over once Close began.
func TestWebSocketCloseWithFullBufferAndPing(t *testing.T) {
	got := make(chan string, 1)
	app := NewApplication()
	queued := make(chan struct{})
	srvWS := make(chan *WebSocketResponse, 1)
	app.Router.AddRoute("GET", "/ws", func(req *Request) (Resp, error) {
		// A Close blocked by the ping would time out: ErrCloseTimeout, 1006.
		ws := NewWebSocketResponse(WSAutoping(false), WSTimeout(5*time.Second))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		srvWS <- ws
		<-queued
		err := ws.Close()
		got <- fmt.Sprint(err, " ", ws.CloseCode())
		return ws, nil
	})
	c, br := rawWS(t, serve(t, app), "/ws")
	c.SetDeadline(time.Now().Add(20 * time.Second))
	for i := 0; i < 20; i++ { // more than the hand-over buffer holds
		c.Write(clientFrame(1, []byte("x")))
	}
	awaitFullHandOver(t, wait(t, srvWS))
	close(queued)
	if op, _, err := readServerFrame(br); err != nil || op != 8 {
		t.Fatalf("server close: %d %v", op, err)
	}
	c.Write(clientFrame(9, []byte("p"))) // a ping before the close answer
	c.Write(clientFrame(8, []byte{3, 0xe8}))
	if s := wait(t, got); s != "<nil> 1000" {
		t.Errorf("got %q", s)
	}
	if n := settle(0, func() int { return int(app.InFlight()) }); n != 0 {
		t.Errorf("%d handlers still running", n)
	}
}

// aioweb's own close on invalid UTF-8 (autoping off) reads a ping during the
// handshake and blocks handing it over, the buffer being full; when the
// handler returns without receiving, it still ends at once (not after
// coder/websocket's 15 s wait for the blocked close).
func TestWebSocketInvalidUTF8CloseWithFullBuffer(t *testing.T) {
	app := NewApplication()
	ret := make(chan struct{})
	app.Router.AddRoute("GET", "/ws", func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSAutoping(false))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		<-ret
		return ws, nil
	})
	c, br := rawWS(t, serve(t, app), "/ws")
	c.SetDeadline(time.Now().Add(20 * time.Second))
	for i := 0; i < 16; i++ { // fills the hand-over buffer
		c.Write(clientFrame(1, []byte("x")))
	}
	c.Write(clientFrame(1, []byte("ok\xff")))
	if op, p, err := readServerFrame(br); err != nil || op != 8 || binary.BigEndian.Uint16(p) != 1007 {
		t.Fatalf("server close: %d %x %v", op, p, err)
	}
	c.Write(clientFrame(9, []byte("p"))) // read by the close handshake, handed over as MsgPing
	// The reader blocks handing the ping over, inside that close.
	if err := awaitStacks(1, func(g string) bool {
		return strings.Contains(g, ").invalidText(") && strings.Contains(g, ").deliver(")
	}); err != nil {
		t.Fatal(err)
	}
	close(ret)
	if n := settle(0, func() int { return int(app.InFlight()) }); n != 0 {
		t.Errorf("%d handlers still running", n)
	}
}
