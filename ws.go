// ws.go owns WebSocketResponse: aiohttp's server-side WebSocket on top of
// github.com/coder/websocket — its options, the handshake with aiohttp's
// checks and messages, typed messages with aiohttp's MsgType values,
// sending, ping, closing (with its timeout) and closing on shutdown. The
// receiving side is in ws_receive.go.

package aioweb

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// MsgType is a WebSocket message type, with aiohttp's names and values
// (aiohttp.WSMsgType).
type MsgType int

// Message types.
const (
	MsgContinuation MsgType = 0
	MsgText         MsgType = 1
	MsgBinary       MsgType = 2
	MsgClose        MsgType = 8 // the peer sent a close frame: Code and Extra hold it
	MsgPing         MsgType = 9
	MsgPong         MsgType = 10
	MsgClosing      MsgType = 0x100
	MsgClosed       MsgType = 0x101 // the connection is closed
	MsgError        MsgType = 0x102 // the connection failed: Err holds why
)

var msgTypeNames = map[MsgType]string{
	MsgContinuation: "CONTINUATION", MsgText: "TEXT", MsgBinary: "BINARY", MsgClose: "CLOSE",
	MsgPing: "PING", MsgPong: "PONG", MsgClosing: "CLOSING", MsgClosed: "CLOSED", MsgError: "ERROR",
}

// String returns aiohttp's name of the type, such as "TEXT".
func (t MsgType) String() string {
	if n, ok := msgTypeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("MsgType(%d)", int(t))
}

// WSMessage is one message from Receive (aiohttp's WSMessage).
type WSMessage struct {
	Type  MsgType // what kind of message this is
	Data  []byte  // text, binary, ping and pong payloads
	Code  int     // MsgClose: the peer's close code
	Extra string  // MsgClose: the peer's close reason
	Err   error   // MsgError: what went wrong
}

// Str returns the payload as a string (aiohttp's msg.data for text).
func (m WSMessage) Str() string { return string(m.Data) }

// JSON decodes the payload as JSON into v.
func (m WSMessage) JSON(v any) error { return json.Unmarshal(m.Data, v) }

// Errors returned by WebSocketResponse.
var (
	ErrConcurrentReceive = errors.New("aioweb: concurrent call to Receive is not allowed")
	ErrWSNotPrepared     = errors.New("aioweb: call Prepare first")
	ErrWSClosed          = errors.New("aioweb: websocket connection is closed")
	ErrReceiveTimeout    = errors.New("aioweb: websocket receive timeout")
	ErrHeartbeat         = errors.New("aioweb: websocket heartbeat: no pong from the peer")
	ErrPongUnsupported   = errors.New("aioweb: coder/websocket answers pings itself; an unsolicited pong cannot be sent")
	ErrInvalidUTF8       = errors.New("aioweb: websocket text message is not valid UTF-8")
	// ErrCloseTimeout is the Exception (and Close's error) when the peer
	// did not answer the close within WSTimeout; it wraps
	// context.DeadlineExceeded (aiohttp's exception() is an
	// asyncio.TimeoutError there).
	ErrCloseTimeout = fmt.Errorf("aioweb: websocket close: the peer did not answer in time: %w", context.DeadlineExceeded)
)

// DefaultMaxMsgSize is the largest message Receive accepts by default: 4
// MiB, aiohttp's max_msg_size. A larger one closes the connection with 1009.
const DefaultMaxMsgSize = 4 << 20

// WSOption configures a WebSocketResponse.
type WSOption func(*WebSocketResponse)

// WSProtocols lists the subprotocols the server speaks; the first of the
// client's list that the server knows is chosen.
func WSProtocols(protocols ...string) WSOption {
	return func(ws *WebSocketResponse) { ws.protocols = protocols }
}

// WSAutoping sets whether pings are answered without showing them to
// Receive (default true). With false, Receive also returns MsgPing and
// MsgPong messages; coder/websocket still answers every ping with a pong.
func WSAutoping(on bool) WSOption { return func(ws *WebSocketResponse) { ws.autoping = on } }

// WSAutoclose is accepted for aiohttp compatibility (default true):
// coder/websocket always completes the close handshake when the peer closes,
// so the connection is closed when Receive returns MsgClose either way.
func WSAutoclose(on bool) WSOption { return func(*WebSocketResponse) {} }

// WSReceiveTimeout bounds every Receive; when it passes Receive returns
// MsgError with ErrReceiveTimeout, the close code becomes 1006 (as in
// aiohttp) and the connection is closed.
func WSReceiveTimeout(d time.Duration) WSOption {
	return func(ws *WebSocketResponse) { ws.receiveTimeout = d }
}

// WSHeartbeat pings the peer every d; a peer that does not answer within
// d/2 is disconnected (close code 1006, Exception ErrHeartbeat).
func WSHeartbeat(d time.Duration) WSOption { return func(ws *WebSocketResponse) { ws.heartbeat = d } }

// WSMaxMsgSize sets the largest accepted message (default
// DefaultMaxMsgSize); a larger one closes the connection with 1009.
func WSMaxMsgSize(n int64) WSOption { return func(ws *WebSocketResponse) { ws.maxMsgSize = n } }

// WSTimeout bounds Ping's wait for the pong and Close's wait for the
// peer's close (default 10s, aiohttp's timeout; coder/websocket never waits
// more than 5s for a close, so a longer timeout bounds Ping only; 0 leaves
// only that 5s bound). A close the peer does not answer in time ends the
// connection with 1006 and ErrCloseTimeout, as in aiohttp. Sends are bounded
// by the request's context only, as a deadline per message would cost more
// than the message: a peer that stops reading blocks senders until it goes
// away, so use WSHeartbeat to drop dead peers.
func WSTimeout(d time.Duration) WSOption { return func(ws *WebSocketResponse) { ws.timeout = d } }

// WSOriginPatterns authorises cross-origin clients whose Origin host
// matches one of the path.Match patterns. By default only same-origin
// browsers may connect (coder/websocket's safe default; aiohttp has none).
func WSOriginPatterns(patterns ...string) WSOption {
	return func(ws *WebSocketResponse) { ws.originPatterns = patterns }
}

// WSCompress negotiates permessage-deflate (RFC 7692) with clients that
// offer it, as aiohttp 3's compress=True does. It is off by default, unlike
// aiohttp 3: each compressed connection holds a deflate state (coder/
// websocket's no-context-takeover mode keeps that small, at some cost in
// ratio) and spends CPU on every message, which only pays for large, text-
// like messages. aiohttp 0.15, the seed's version, had no compression.
func WSCompress(on bool) WSOption { return func(ws *WebSocketResponse) { ws.compress = on } }

// WSInsecureSkipVerify sets whether any Origin is accepted. It exposes the
// endpoint to cross-site WebSocket hijacking; prefer WSOriginPatterns.
func WSInsecureSkipVerify(on bool) WSOption {
	return func(ws *WebSocketResponse) { ws.skipVerify = on }
}

// WebSocketResponse is aiohttp's WebSocketResponse. Create it in a handler,
// Prepare it with the request (the handshake), exchange messages, and return
// it from the handler:
//
//	ws := aioweb.NewWebSocketResponse()
//	if err := ws.Prepare(req); err != nil {
//		return nil, err
//	}
//	for {
//		msg := ws.Receive(req.Context())
//		switch msg.Type {
//		case aioweb.MsgText:
//			ws.SendStr(msg.Str() + "/answer")
//		case aioweb.MsgClose, aioweb.MsgClosing, aioweb.MsgClosed, aioweb.MsgError:
//			return ws, nil
//		}
//	}
//
// One goroutine may call Receive at a time (a second concurrent call gets
// MsgError with ErrConcurrentReceive); any number may send at once. A Receive
// pending when another goroutine calls Close returns MsgClosing, as in
// aiohttp; a Receive made after that waits for the close to end and returns
// MsgClosed, so a loop stops on MsgClosing or on MsgClosed. When the handler
// returns, an open connection is closed with 1000; when the application
// shuts down, open connections are closed with 1001.
//
// How it reads: by default Receive reads the connection on its caller's
// goroutine. With autoping off or a heartbeat, and from the first Ping on, a
// reader goroutine reads instead, so that control frames are read while the
// handler is busy; it ends with the connection.
type WebSocketResponse struct {
	protocols      []string
	autoping       bool
	receiveTimeout time.Duration
	heartbeat      time.Duration
	maxMsgSize     int64
	timeout        time.Duration
	originPatterns []string
	skipVerify     bool
	compress       bool
	headers        http.Header

	req        *Request
	conn       *websocket.Conn
	raw        net.Conn // the hijacked connection; a Close that times out closes it
	msgs       chan WSMessage
	done       chan struct{} // closed when reading ends
	finished   chan struct{} // closed when the handler's response is sent
	closingCh  chan struct{} // closed when Close begins
	closedCh   chan struct{} // closed when that Close ends
	closing    atomic.Bool
	endOnce    sync.Once
	finishOnce sync.Once

	// modeMu guards how the connection is read: directly by Receive until
	// reader is set, then by readLoop.
	modeMu     sync.Mutex
	receiving  bool // a Receive is running
	reader     bool // readLoop was started
	wantReader bool // Ping asked for readLoop while a Receive was running
	stopped    bool // the handler's response is being sent: no new readLoop

	mu        sync.Mutex
	closed    bool
	closeCode int
	exc       error
}

// NewWebSocketResponse returns a WebSocketResponse configured by opts.
func NewWebSocketResponse(opts ...WSOption) *WebSocketResponse {
	ws := &WebSocketResponse{autoping: true, maxMsgSize: DefaultMaxMsgSize, timeout: 10 * time.Second}
	for _, o := range opts {
		o(ws)
	}
	return ws
}

// SetHeader sets a header of the handshake response; after Prepare it is an
// error.
func (ws *WebSocketResponse) SetHeader(key, value string) error {
	if ws.conn != nil {
		return ErrAlreadyPrepared
	}
	return editHeader(&ws.headers, key, value, http.Header.Set)
}

// CanPrepare reports whether req is a valid WebSocket upgrade this response
// would accept, and the subprotocol it would choose (aiohttp's can_prepare).
// It does not touch the request.
func (ws *WebSocketResponse) CanPrepare(req *Request) (ok bool, protocol string) {
	if ws.handshakeError(req) != nil {
		return false, ""
	}
	return true, ws.chooseProtocol(req)
}

func (ws *WebSocketResponse) chooseProtocol(req *Request) string {
	for _, p := range strings.Split(req.Header.Get("Sec-WebSocket-Protocol"), ",") {
		p = strings.TrimSpace(p)
		for _, s := range ws.protocols {
			if p != "" && p == s {
				return p
			}
		}
	}
	return ""
}

// handshakeError runs aiohttp's handshake checks, in aiohttp's order and
// with its messages, plus the origin policy.
func (ws *WebSocketResponse) handshakeError(req *Request) *HTTPException {
	h := req.Header
	if req.Method != http.MethodGet {
		return HTTPMethodNotAllowed(req.Method, []string{"GET"}, WithBody([]byte{}))
	}
	if up, ok := h["Upgrade"]; !ok || !strings.EqualFold(strings.TrimSpace(up[0]), "websocket") {
		v := "None"
		if ok {
			v = up[0]
		}
		return HTTPBadRequest(WithText("No WebSocket UPGRADE hdr: " + v + "\n Can \"Upgrade\" only to \"WebSocket\"."))
	}
	if c := h.Get("Connection"); !strings.Contains(strings.ToLower(c), "upgrade") {
		if c == "" {
			c = "None"
		}
		return HTTPBadRequest(WithText("No CONNECTION upgrade hdr: " + c))
	}
	if v := h.Get("Sec-WebSocket-Version"); v != "13" {
		e := HTTPBadRequest(WithText("Unsupported version: " + v))
		e.Headers = http.Header{"Sec-Websocket-Version": {"13"}}
		return e
	}
	key := h.Get("Sec-WebSocket-Key")
	if b, err := base64.StdEncoding.DecodeString(key); err != nil || len(b) != 16 {
		return HTTPBadRequest(WithText(fmt.Sprintf("Handshake error: %q", key)))
	}
	if !ws.originAllowed(req) {
		return HTTPForbidden(WithText("403: Forbidden: WebSocket origin not allowed"))
	}
	return nil
}

// originAllowed applies coder/websocket's origin policy: no Origin, the
// request's own host, or a host matching OriginPatterns.
func (ws *WebSocketResponse) originAllowed(req *Request) bool {
	origin := req.Header.Get("Origin")
	if origin == "" || ws.skipVerify {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Host, req.r.Host) {
		return true
	}
	for _, p := range ws.originPatterns {
		target := u.Host
		if strings.Contains(p, "://") {
			target = u.Scheme + "://" + u.Host
		}
		if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(target)); ok {
			return true
		}
	}
	return false
}

// Prepare performs the handshake (aiohttp's prepare/start). A request that is
// not a valid upgrade gets aiohttp's 400 (405 for a method other than GET, 403
// for a refused origin) as the returned *HTTPException.
func (ws *WebSocketResponse) Prepare(req *Request) error {
	if ws.conn != nil {
		if ws.req != req {
			return errors.New("aioweb: websocket prepared with a different request")
		}
		return nil
	}
	if req.started {
		return errors.New("aioweb: another response was already sent for this request")
	}
	if exc := ws.handshakeError(req); exc != nil {
		return exc
	}
	copyHeader(req.w.Header(), ws.headers)
	var protocols []string // aiohttp's choice (the client's first known), not coder/websocket's
	if p := ws.chooseProtocol(req); p != "" {
		protocols = []string{p}
	}
	opts := &websocket.AcceptOptions{
		Subprotocols:       protocols,
		OriginPatterns:     ws.originPatterns,
		InsecureSkipVerify: ws.skipVerify,
		CompressionMode:    websocket.CompressionDisabled,
		OnPingReceived: func(ctx context.Context, p []byte) bool {
			if !ws.autoping {
				ws.deliver(WSMessage{Type: MsgPing, Data: append([]byte(nil), p...)})
			}
			return true
		},
		OnPongReceived: func(ctx context.Context, p []byte) {
			if !ws.autoping {
				ws.deliver(WSMessage{Type: MsgPong, Data: append([]byte(nil), p...)})
			}
		},
	}
	if ws.compress {
		opts.CompressionMode = websocket.CompressionNoContextTakeover
	}
	ws.msgs = make(chan WSMessage, 16)
	ws.done = make(chan struct{})
	ws.finished = make(chan struct{})
	ws.closingCh = make(chan struct{})
	ws.closedCh = make(chan struct{})
	req.started = true // from here on coder/websocket owns the response
	req.kind = KindWebSocket
	// Through ResponseWriter, so the 101 carries req.ResponseHeader().
	hw := &hijackRecorder{ResponseWriter: req.ResponseWriter()}
	conn, err := websocket.Accept(hw, req.r, opts)
	if err != nil {
		req.hijacked = true // Accept wrote its own error response
		return fmt.Errorf("aioweb: websocket handshake: %w", err)
	}
	req.hijacked = true
	conn.SetReadLimit(ws.maxMsgSize)
	ws.conn, ws.req, ws.raw = conn, req, hw.conn
	req.x().ws = ws
	if !ws.autoping || ws.heartbeat > 0 {
		ws.reader = true
		go ws.readLoop()
	}
	go ws.watch(req.App.Closing())
	return nil
}

// hijackRecorder hands the connection to coder/websocket, hijacked through
// http.ResponseController (so writers that only Unwrap work), and keeps it:
// a Close that times out closes it, which coder/websocket has no call for.
type hijackRecorder struct {
	http.ResponseWriter
	conn net.Conn
}

func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	h.conn = c
	return c, brw, err
}

func (ws *WebSocketResponse) write(typ websocket.MessageType, p []byte) error {
	if ws.conn == nil {
		return ErrWSNotPrepared
	}
	if ws.Closed() {
		return ErrWSClosed
	}
	return ws.conn.Write(ws.req.Context(), typ, p)
}

// SendStr sends a text message. Safe for concurrent use; it blocks while the
// peer's receive window is full.
func (ws *WebSocketResponse) SendStr(s string) error {
	return ws.write(websocket.MessageText, []byte(s))
}

// SendBytes sends a binary message. Safe for concurrent use.
func (ws *WebSocketResponse) SendBytes(b []byte) error { return ws.write(websocket.MessageBinary, b) }

// SendJSON sends v encoded as JSON in a text message.
func (ws *WebSocketResponse) SendJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return ws.write(websocket.MessageText, b)
}

// Ping sends a ping and waits for the pong, at most the response's timeout
// (aiohttp's ping only sends; coder/websocket's Ping, which this is, also
// waits). It works whatever the handler does meanwhile: from the first Ping
// on, a reader goroutine reads the connection (see WebSocketResponse), so the
// pong is read even while no Receive runs. coder/websocket chooses the
// payload.
func (ws *WebSocketResponse) Ping() error {
	if ws.conn == nil {
		return ErrWSNotPrepared
	}
	if ws.Closed() {
		return ErrWSClosed
	}
	ws.useReader()
	ctx := ws.req.Context()
	if ws.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, ws.timeout)
		defer cancel()
	}
	return ws.conn.Ping(ctx)
}

// Pong returns ErrPongUnsupported: coder/websocket answers pings itself and
// offers no way to send an unsolicited pong.
func (ws *WebSocketResponse) Pong() error { return ErrPongUnsupported }

// Close closes the connection with code 1000 (aiohttp's close()). Closing a
// closed connection does nothing.
func (ws *WebSocketResponse) Close() error { return ws.CloseWith(1000, "") }

// CloseWith closes the connection with code and message and waits, at most
// the response's timeout, for the peer's close. A Receive pending meanwhile
// returns MsgClosing. If the peer does not answer in time the connection is
// dropped: CloseCode is 1006, and Exception and CloseWith return
// ErrCloseTimeout (aiohttp 3.8.4: close() on timeout=0.1 returns after 0.1 s
// with close_code 1006 and a TimeoutError in exception()). If the peer
// answers with another code, CloseCode is the peer's, as in aiohttp.
func (ws *WebSocketResponse) CloseWith(code int, message string) error {
	return ws.close(code, message, true)
}

// close closes the connection; notify says whether a pending Receive
// returns MsgClosing (public closes), or sees what the reader saw (aioweb's
// own close on invalid UTF-8, which returns MsgError).
func (ws *WebSocketResponse) close(code int, message string, notify bool) error {
	if ws.conn == nil {
		return ErrWSNotPrepared
	}
	if !ws.closing.CompareAndSwap(false, true) {
		return nil
	}
	ws.mu.Lock()
	if ws.closed {
		ws.mu.Unlock()
		return nil
	}
	ws.closeCode = code
	ws.mu.Unlock()
	if notify {
		close(ws.closingCh)
		defer close(ws.closedCh)
	}
	var timedOut atomic.Bool
	if ws.timeout > 0 && ws.raw != nil {
		t := time.AfterFunc(ws.timeout, func() {
			timedOut.Store(true)
			ws.raw.Close() // ends the write of the close frame or the wait for the answer
		})
		defer t.Stop()
	}
	err := ws.conn.Close(websocket.StatusCode(code), message)
	ws.mu.Lock()
	defer ws.mu.Unlock()
	ws.closed = true
	var ce websocket.CloseError
	switch {
	case timedOut.Load(): // coder/websocket reports the closed connection as success
		ws.closeCode = int(websocket.StatusAbnormalClosure)
		if ws.exc == nil {
			ws.exc = ErrCloseTimeout
		}
		return ErrCloseTimeout
	case err == nil:
	case errors.Is(err, net.ErrClosed): // the peer's close was read first
	case errors.As(err, &ce):
		ws.closeCode = int(ce.Code) // the peer answered with another code
	default:
		ws.closeCode = int(websocket.StatusAbnormalClosure)
		if ws.exc == nil {
			ws.exc = err
		}
		return err
	}
	return nil
}

// Closed reports whether the connection is closed.
func (ws *WebSocketResponse) Closed() bool {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.closed
}

// CloseCode returns the close code (the peer's, or the one sent), or 0 while
// the connection is open.
func (ws *WebSocketResponse) CloseCode() int {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.closeCode
}

// Protocol returns the negotiated subprotocol, or "".
func (ws *WebSocketResponse) Protocol() string {
	if ws.conn == nil {
		return ""
	}
	return ws.conn.Subprotocol()
}

// Exception returns the error that broke the connection, or nil.
func (ws *WebSocketResponse) Exception() error {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.exc
}

// send is called when the handler returns the response: it closes an open
// connection with 1000 and waits for reading to end.
func (ws *WebSocketResponse) send(req *Request) error {
	if ws.conn == nil {
		return errors.New("aioweb: WebSocketResponse returned without Prepare")
	}
	if !ws.Closed() {
		ws.Close()
	}
	ws.stop()
	return nil
}

// abort releases a prepared WebSocket when the handler failed instead of
// returning it.
func (ws *WebSocketResponse) abort() {
	if ws.conn == nil {
		return
	}
	ws.CloseWith(int(websocket.StatusInternalError), "") // 1011, then drop
	ws.stop()
}

// stop drops the connection and waits for reading to end, so that no
// goroutine of this response outlives the handler.
func (ws *WebSocketResponse) stop() {
	// First: a reader blocked handing a message over (even inside a close
	// handshake CloseNow would wait for) lets go.
	ws.finishOnce.Do(func() { close(ws.finished) })
	ws.conn.CloseNow()
	ws.modeMu.Lock()
	ws.stopped = true
	reader := ws.reader
	ws.modeMu.Unlock()
	if !reader {
		ws.end()
	}
	<-ws.done
}
