// ws_upstream_test.go translates aiohttp v3.8.6's
// tests/test_web_websocket_functional.py case by case, each test named after
// the upstream one, against real servers and coder/websocket clients (raw
// TCP where the upstream client does what coder/websocket's cannot, such as
// sending frames after the server's close). Where aioweb deliberately
// differs, the comment says so and the test asserts aioweb's behaviour.

package aioweb

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// wait returns the value from ch, failing the test after 10 seconds.
func wait[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for the handler")
		panic("unreachable")
	}
}

func TestUpstream_websocket_functional_test_websocket_can_prepare(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/", func(req *Request) (Resp, error) {
		if ok, _ := NewWebSocketResponse().CanPrepare(req); !ok {
			return nil, HTTPUpgradeRequired()
		}
		return &Response{}, nil
	})
	if got := rawDo(t, serve(t, app), "GET", "/"); got.Status != 426 {
		t.Errorf("status %d, want 426", got.Status)
	}
}

func TestUpstream_websocket_functional_test_websocket_json(t *testing.T) {
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if ok, _ := ws.CanPrepare(req); !ok {
			return HTTPUpgradeRequired(), nil
		}
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		msg := ws.Receive(req.Context())
		var v map[string]string
		if err := msg.JSON(&v); err != nil {
			return nil, err
		}
		ws.SendStr(v["test"])
		ws.Close()
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	c.Write(ctx5(), websocket.MessageText, []byte(`{"test": "value"}`))
	if _, b, err := c.Read(ctx5()); err != nil || string(b) != "value" {
		t.Errorf("got %q %v", b, err)
	}
}

func TestUpstream_websocket_functional_test_websocket_json_invalid_message(t *testing.T) {
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		defer ws.Close()
		var v any
		var syntax *json.SyntaxError
		if err := ws.ReceiveJSON(req.Context(), &v); errors.As(err, &syntax) {
			ws.SendStr("ValueError was raised") // aiohttp's ValueError is Go's *json.SyntaxError
		} else {
			return nil, fmt.Errorf("no error: %v", err)
		}
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	c.Write(ctx5(), websocket.MessageText, []byte("NOT A VALID JSON STRING"))
	if _, b, err := c.Read(ctx5()); err != nil || !strings.Contains(string(b), "ValueError was raised") {
		t.Errorf("got %q %v", b, err)
	}
}

func TestUpstream_websocket_functional_test_websocket_send_json(t *testing.T) {
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		var data any
		if err := ws.ReceiveJSON(req.Context(), &data); err != nil {
			return nil, err
		}
		ws.SendJSON(data)
		ws.Close()
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	c.Write(ctx5(), websocket.MessageText, []byte(`{"test": "value"}`))
	_, b, err := c.Read(ctx5())
	var data map[string]string
	if err != nil || json.Unmarshal(b, &data) != nil || data["test"] != "value" {
		t.Errorf("got %q %v", b, err)
	}
}

func TestUpstream_websocket_functional_test_websocket_receive_json(t *testing.T) {
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		var data map[string]string
		if err := ws.ReceiveJSON(req.Context(), &data); err != nil {
			return nil, err
		}
		ws.SendStr(data["test"])
		ws.Close()
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	c.Write(ctx5(), websocket.MessageText, []byte(`{"test": "value"}`))
	if _, b, err := c.Read(ctx5()); err != nil || string(b) != "value" {
		t.Errorf("got %q %v", b, err)
	}
}

// sendRecv runs the three send_recv cases: the handler answers one message
// with answer(msg) and closes; the client sees the answer, then close 1000
// with an empty reason.
func sendRecv(t *testing.T, in []byte, typ websocket.MessageType, answer func(ws *WebSocketResponse, ctx context.Context) error, want string) {
	t.Helper()
	closed := make(chan error, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		err := answer(ws, req.Context())
		ws.Close()
		closed <- err
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	c.Write(ctx5(), typ, in)
	if gotTyp, b, err := c.Read(ctx5()); err != nil || gotTyp != typ || string(b) != want {
		t.Errorf("answer: %v %q %v", gotTyp, b, err)
	}
	_, _, err := c.Read(ctx5())
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.StatusNormalClosure || ce.Reason != "" {
		t.Errorf("close: %v", err)
	}
	if err := wait(t, closed); err != nil {
		t.Errorf("handler: %v", err)
	}
}

func TestUpstream_websocket_functional_test_send_recv_text(t *testing.T) {
	sendRecv(t, []byte("ask"), websocket.MessageText, func(ws *WebSocketResponse, ctx context.Context) error {
		s, err := ws.ReceiveStr(ctx)
		if err == nil {
			err = ws.SendStr(s + "/answer")
		}
		return err
	}, "ask/answer")
}

func TestUpstream_websocket_functional_test_send_recv_bytes(t *testing.T) {
	sendRecv(t, []byte("ask"), websocket.MessageBinary, func(ws *WebSocketResponse, ctx context.Context) error {
		b, err := ws.ReceiveBytes(ctx)
		if err == nil {
			err = ws.SendBytes(append(b, "/answer"...))
		}
		return err
	}, "ask/answer")
}

func TestUpstream_websocket_functional_test_send_recv_json(t *testing.T) {
	sendRecv(t, []byte(`{"request": "test"}`), websocket.MessageText, func(ws *WebSocketResponse, ctx context.Context) error {
		var data map[string]string
		err := ws.ReceiveJSON(ctx, &data)
		if err == nil {
			err = ws.SendJSON(map[string]string{"response": data["request"]})
		}
		return err
	}, `{"response":"test"}`)
}

// Upstream asserts elapsed < 0.25 s for timeout 0.1; a timed bound that tight
// flakes on a loaded machine, so this asserts < 4 s (coder/websocket's own
// wait, which Close used to get, is 5 s).
func TestUpstream_websocket_functional_test_close_timeout(t *testing.T) {
	got := make(chan string, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSTimeout(100 * time.Millisecond))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		if s, err := ws.ReceiveStr(req.Context()); s != "request" || err != nil {
			return nil, fmt.Errorf("got %q %v", s, err)
		}
		ws.SendStr("reply")
		begin := time.Now()
		err := ws.Close() // aiohttp returns True; aioweb returns the timeout as an error
		elapsed := time.Since(begin)
		got <- fmt.Sprint(errors.Is(err, ErrCloseTimeout), " ", elapsed < 4*time.Second, " ", ws.CloseCode(), " ",
			errors.Is(ws.Exception(), ErrCloseTimeout), " ", errors.Is(ws.Exception(), context.DeadlineExceeded))
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	c.Write(ctx5(), websocket.MessageText, []byte("request"))
	if _, b, err := c.Read(ctx5()); err != nil || string(b) != "reply" {
		t.Fatalf("got %q %v", b, err)
	}
	// The client reads no more, so it never answers the server's close.
	if s := wait(t, got); s != "true true 1006 true true" {
		t.Errorf("got %q", s)
	}
}

// aiohttp's second receive() returns CLOSING again because its close() has
// not resumed yet; aioweb's waits for the close to end and returns
// MsgClosed, so a loop that does not stop on MsgClosing cannot spin.
func TestUpstream_websocket_functional_test_concurrent_close(t *testing.T) {
	srvWS := make(chan *WebSocketResponse, 1)
	got := make(chan []MsgType, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSAutoclose(false), WSProtocols("foo", "bar"))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		srvWS <- ws
		var seq []MsgType
		for i := 0; i < 3; i++ {
			seq = append(seq, ws.Receive(req.Context()).Type)
		}
		got <- seq
		return ws, nil
	}
	c := dial(t, wsServer(t, h), &websocket.DialOptions{Subprotocols: []string{"eggs", "bar"}})
	ws := wait(t, srvWS)
	// The Receive is blocked reading (one that has only claimed the
	// connection may see the close as begun and rightly return MsgClosed).
	if err := awaitStacks(1, blockedInReceive("TestUpstream_websocket_functional_test_concurrent_close")); err != nil {
		t.Fatal(err)
	}
	closeErr := make(chan error, 1)
	go func() { closeErr <- ws.CloseWith(int(websocket.StatusInvalidFramePayloadData), "") }()
	_, _, err := c.Read(ctx5())
	if websocket.CloseStatus(err) != websocket.StatusInvalidFramePayloadData {
		t.Errorf("client got %v, want CLOSE 1007", err)
	}
	if _, _, err := c.Read(ctx5()); err == nil {
		t.Error("client read after the close succeeded")
	}
	if err := wait(t, closeErr); err != nil {
		t.Errorf("CloseWith: %v", err)
	}
	if seq := fmt.Sprint(wait(t, got)); seq != "[CLOSING CLOSED CLOSED]" {
		t.Errorf("handler saw %s", seq)
	}
}

func TestUpstream_websocket_functional_test_auto_pong_with_closing_by_peer(t *testing.T) {
	got := make(chan string, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		ws.Receive(req.Context())
		m := ws.Receive(req.Context())
		got <- fmt.Sprint(m.Type, " ", m.Code, " ", m.Extra)
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	go c.Read(context.Background()) // coder/websocket's Ping needs a reader for the pong
	if err := c.Ping(ctx5()); err != nil {
		t.Errorf("no pong: %v", err) // upstream: the client receives PONG
	}
	c.Write(ctx5(), websocket.MessageText, []byte("ask"))
	c.Close(websocket.StatusNormalClosure, "exit message")
	if s := wait(t, got); s != "CLOSE 1000 exit message" {
		t.Errorf("handler got %q", s)
	}
}

// aiohttp's ping(message) sends the payload given; coder/websocket chooses
// it, so the client checks that a ping arrived, not its payload.
func TestUpstream_websocket_functional_test_ping(t *testing.T) {
	pinged := make(chan error, 1)
	closed := make(chan MsgType, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		pinged <- ws.Ping() // returns with the pong
		closed <- ws.Receive(req.Context()).Type
		return ws, nil
	}
	pings := make(chan []byte, 1)
	c := dial(t, wsServer(t, h), &websocket.DialOptions{
		OnPingReceived: func(_ context.Context, p []byte) bool { pings <- append([]byte(nil), p...); return true },
	})
	go c.Read(context.Background()) // answers the ping with a pong
	if p := wait(t, pings); len(p) == 0 {
		t.Error("empty ping")
	}
	if err := wait(t, pinged); err != nil {
		t.Errorf("Ping: %v", err)
	}
	c.Close(websocket.StatusNormalClosure, "")
	if typ := wait(t, closed); typ != MsgClose {
		t.Errorf("handler got %v", typ)
	}
}

// Upstream's aiohttp_client_ping (a client_ping test renamed by a sed
// mistake, so pytest never collects it).
func TestUpstream_websocket_functional_aiohttp_client_ping(t *testing.T) {
	closed := make(chan MsgType, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		closed <- ws.Receive(req.Context()).Type
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	go c.Read(context.Background())
	if err := c.Ping(ctx5()); err != nil {
		t.Errorf("no pong: %v", err)
	}
	c.Close(websocket.StatusNormalClosure, "")
	if typ := wait(t, closed); typ != MsgClose {
		t.Errorf("handler got %v", typ)
	}
}

// aiohttp with autoping=False lets the handler answer a ping with pong(data);
// coder/websocket answers every ping itself and cannot send an unsolicited
// pong, so Pong returns ErrPongUnsupported and the client's pong carries its
// own ping's payload.
func TestUpstream_websocket_functional_test_pong(t *testing.T) {
	got := make(chan string, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSAutoping(false))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		ping := ws.Receive(req.Context())
		pongErr := ws.Pong()
		m := ws.Receive(req.Context())
		got <- fmt.Sprint(ping.Type, " ", errors.Is(pongErr, ErrPongUnsupported), " ", m.Type, " ", m.Code, " ", m.Extra)
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	go c.Read(context.Background())
	if err := c.Ping(ctx5()); err != nil {
		t.Errorf("client got no PONG: %v", err)
	}
	c.Close(websocket.StatusNormalClosure, "exit message")
	if s := wait(t, got); s != "PING true CLOSE 1000 exit message" {
		t.Errorf("handler got %q", s)
	}
}

func TestUpstream_websocket_functional_test_handle_protocol(t *testing.T) {
	got := make(chan string, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSProtocols("foo", "bar"))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		ws.Close()
		got <- ws.Protocol()
		return ws, nil
	}
	c := dial(t, wsServer(t, h), &websocket.DialOptions{Subprotocols: []string{"eggs", "bar"}})
	go c.Read(context.Background())
	if p := wait(t, got); p != "bar" {
		t.Errorf("protocol %q", p)
	}
}

func TestUpstream_websocket_functional_test_server_close_handshake(t *testing.T) {
	closed := make(chan string, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSProtocols("foo", "bar"))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		err := ws.Close()
		closed <- fmt.Sprint(err, " ", ws.CloseCode())
		return ws, nil
	}
	c := dial(t, wsServer(t, h), &websocket.DialOptions{Subprotocols: []string{"eggs", "bar"}})
	if _, _, err := c.Read(ctx5()); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Errorf("client got %v, want CLOSE", err)
	}
	if s := wait(t, closed); s != "<nil> 1000" {
		t.Errorf("server close: %q", s)
	}
}

// Upstream's aiohttp_client_close_handshake (never collected, like
// aiohttp_client_ping). aiohttp with autoclose=False is still open after
// receiving CLOSE (not ws.closed) until the handler calls close();
// coder/websocket always answers the close at once, so Closed is already
// true there (WSAutoclose has no effect). The rest holds.
func TestUpstream_websocket_functional_aiohttp_client_close_handshake(t *testing.T) {
	got := make(chan string, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSAutoclose(false), WSProtocols("foo", "bar"))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		m := ws.Receive(req.Context())
		closedBefore := ws.Closed()
		ws.Close()
		after := ws.Receive(req.Context())
		got <- fmt.Sprint(m.Type, " ", closedBefore, " ", ws.Closed(), " ", ws.CloseCode(), " ", after.Type)
		return ws, nil
	}
	c := dial(t, wsServer(t, h), &websocket.DialOptions{Subprotocols: []string{"eggs", "bar"}})
	if err := c.Close(websocket.StatusInvalidFramePayloadData, ""); err != nil {
		t.Errorf("client close: %v", err)
	}
	if s := wait(t, got); s != "CLOSE true true 1007 CLOSED" {
		t.Errorf("handler got %q", s)
	}
}

// The client keeps sending after the server's close, then answers it.
// aiohttp's close() reads one message, finds text instead of CLOSE and gives
// up with 1006 and TimeoutError (checked with aiohttp 3.8.4); aioweb, like
// coder/websocket, drops the data and ends the close cleanly: 1000.
func TestUpstream_websocket_functional_test_server_close_handshake_server_eats_client_messages(t *testing.T) {
	got := make(chan string, 1)
	app := NewApplication()
	app.Router.AddRoute("GET", "/", func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSProtocols("foo", "bar"))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		err := ws.Close()
		got <- fmt.Sprint(err, " ", ws.CloseCode(), " ", ws.Exception())
		return ws, nil
	})
	c, br := rawWS(t, serve(t, app), "/")
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if op, p, err := readServerFrame(br); err != nil || op != 8 || binary.BigEndian.Uint16(p) != 1000 {
		t.Fatalf("server close: %d %x %v", op, p, err)
	}
	for _, f := range [][]byte{clientFrame(1, []byte("text")), clientFrame(2, []byte("bytes")), clientFrame(9, nil), clientFrame(8, []byte{3, 0xe8})} {
		if _, err := c.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if s := wait(t, got); s != "<nil> 1000 <nil>" {
		t.Errorf("got %q", s)
	}
	// The server ends the connection: EOF, or a reset when the client's
	// close frame was left unread (coder/websocket ends the handshake at the
	// ping, which it may not answer after its close); not the deadline.
	var ne net.Error
	if _, err := io.ReadAll(br); errors.As(err, &ne) && ne.Timeout() {
		t.Errorf("after the close: %v", err)
	}
}

// aiohttp raises TimeoutError and leaves the connection open, so its handler
// can still close() and the client receives CLOSE; aioweb's Receive returns
// MsgError with ErrReceiveTimeout and ends the connection (1006): with
// coder/websocket an abandoned read closes the connection.
func TestUpstream_websocket_functional_test_receive_timeout(t *testing.T) {
	raised := make(chan bool, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSReceiveTimeout(100 * time.Millisecond))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		m := ws.Receive(req.Context())
		ws.Close()
		raised <- m.Type == MsgError && errors.Is(m.Err, ErrReceiveTimeout) && ws.CloseCode() == 1006
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	if _, _, err := c.Read(ctx5()); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("client: %v, want the connection ended", err)
	}
	if !wait(t, raised) {
		t.Error("no receive timeout")
	}
}

// aiohttp's receive(timeout) is Receive with a context deadline.
func TestUpstream_websocket_functional_test_custom_receive_timeout(t *testing.T) {
	raised := make(chan bool, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		ctx, cancel := context.WithTimeout(req.Context(), 100*time.Millisecond)
		defer cancel()
		m := ws.Receive(ctx)
		ws.Close()
		raised <- m.Type == MsgError && errors.Is(m.Err, context.DeadlineExceeded) && ws.CloseCode() == 1006
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	if _, _, err := c.Read(ctx5()); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("client: %v, want the connection ended", err)
	}
	if !wait(t, raised) {
		t.Error("no receive timeout")
	}
}

func TestUpstream_websocket_functional_test_heartbeat(t *testing.T) {
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSHeartbeat(50 * time.Millisecond))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		ws.Receive(req.Context())
		ws.Close()
		return ws, nil
	}
	pings := make(chan struct{}, 1)
	c := dial(t, wsServer(t, h), notifyPings(pings))
	go c.Read(context.Background())
	wait(t, pings) // the client receives a ping
	c.Close(websocket.StatusNormalClosure, "")
}

// The client does not answer the heartbeat's ping (coder/websocket's
// OnPingReceived returning false is aiohttp's autoping=False client that
// never pongs); upstream only checks the ping arrives, aioweb also drops the
// peer: 1006 and ErrHeartbeat.
func TestUpstream_websocket_functional_test_heartbeat_no_pong(t *testing.T) {
	got := make(chan string, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse(WSHeartbeat(50 * time.Millisecond))
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		m := ws.Receive(req.Context())
		got <- fmt.Sprint(m.Type, " ", ws.CloseCode(), " ", errors.Is(ws.Exception(), ErrHeartbeat))
		return ws, nil
	}
	pings := make(chan struct{}, 1)
	c := dial(t, wsServer(t, h), &websocket.DialOptions{
		OnPingReceived: func(context.Context, []byte) bool {
			select {
			case pings <- struct{}{}:
			default:
			}
			return false
		},
	})
	go c.Read(context.Background())
	wait(t, pings)
	if s := wait(t, got); s != "ERROR 1006 true" {
		t.Errorf("handler got %q", s)
	}
}

// async for msg in ws: a loop on Receive that stops at the first message
// that is not data.
func TestUpstream_websocket_functional_test_server_ws_async_for(t *testing.T) {
	closed := make(chan error, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		var err error
		for m := ws.Receive(req.Context()); m.Type == MsgText || m.Type == MsgBinary; m = ws.Receive(req.Context()) {
			if m.Type != MsgText {
				err = fmt.Errorf("got %v", m.Type)
			}
			ws.SendStr(m.Str() + "/answer")
		}
		ws.Close()
		closed <- err
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	for _, item := range []string{"q1", "q2", "q3"} {
		c.Write(ctx5(), websocket.MessageText, []byte(item))
		if typ, b, err := c.Read(ctx5()); err != nil || typ != websocket.MessageText || string(b) != item+"/answer" {
			t.Errorf("%s: %v %q %v", item, typ, b, err)
		}
	}
	c.Close(websocket.StatusNormalClosure, "")
	if err := wait(t, closed); err != nil {
		t.Error(err)
	}
}

func TestUpstream_websocket_functional_test_closed_async_for(t *testing.T) {
	got := make(chan string, 1)
	h := func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		var messages []WSMessage
		for m := ws.Receive(req.Context()); m.Type == MsgText || m.Type == MsgBinary; m = ws.Receive(req.Context()) {
			messages = append(messages, m)
			if m.Str() == "stop" {
				ws.SendStr("stopping")
				ws.Close()
			}
		}
		s := fmt.Sprint(len(messages))
		if len(messages) > 0 {
			s += fmt.Sprint(" ", messages[0].Type, " ", messages[0].Str())
		}
		got <- s
		return ws, nil
	}
	c := dial(t, wsServer(t, h), nil)
	c.Write(ctx5(), websocket.MessageText, []byte("stop"))
	if typ, b, err := c.Read(ctx5()); err != nil || typ != websocket.MessageText || string(b) != "stopping" {
		t.Errorf("got %v %q %v", typ, b, err)
	}
	c.Close(websocket.StatusNormalClosure, "")
	if s := wait(t, got); s != "1 TEXT stop" {
		t.Errorf("handler saw %q", s)
	}
}

// The keep-alive assertions on aiohttp's protocol object have no aioweb
// counterpart (net/http hijacks the connection); the exchange is translated.
func TestUpstream_websocket_functional_test_websocket_disable_keepalive(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/", func(req *Request) (Resp, error) {
		ws := NewWebSocketResponse()
		if ok, _ := ws.CanPrepare(req); !ok {
			return &Response{Text: "OK"}, nil
		}
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		ws.SendStr("OK")
		ws.Close()
		return ws, nil
	})
	addr := serve(t, app)
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "OK" {
		t.Errorf("GET: %q", b)
	}
	c := dial(t, "ws://"+addr+"/", nil)
	if _, b, err := c.Read(ctx5()); err != nil || string(b) != "OK" {
		t.Errorf("ws: %q %v", b, err)
	}
}

// A WebSocket route that answers 401 instead of upgrading: the client's
// handshake fails and the server keeps serving.
func TestUpstream_websocket_functional_test_bug3380(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("GET", "/ws", func(req *Request) (Resp, error) { return &Response{Status: 401}, nil })
	app.Router.AddRoute("GET", "/api/null", func(req *Request) (Resp, error) {
		return JSONResponse(map[string]any{"err": nil})
	})
	addr := serve(t, app)
	client := &http.Client{Timeout: 5 * time.Second}
	getNull := func() {
		t.Helper()
		resp, err := client.Get("http://" + addr + "/api/null")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || len(v) != 1 || v["err"] != nil {
			t.Errorf("/api/null: %v %v", v, err)
		}
	}
	getNull()
	_, resp, err := websocket.Dial(ctx5(), "ws://"+addr+"/ws", &websocket.DialOptions{HTTPClient: client})
	if err == nil || resp == nil || resp.StatusCode != 401 {
		t.Errorf("ws_connect: %v %v, want a handshake error with 401", resp, err)
	}
	getNull()
}
