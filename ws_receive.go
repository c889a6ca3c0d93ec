// ws_receive.go owns the receiving side of a WebSocketResponse: who reads
// the connection (the Receive caller directly, or the reader goroutine once
// Ping or a heartbeat needs pongs read), message delivery, read failures
// and their close codes, the closing watch, and Receive with its typed
// variants.

package aioweb

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
)

// useReader makes readLoop read from now on: at once if no Receive is
// reading directly, else when that Receive returns.
func (ws *WebSocketResponse) useReader() {
	ws.modeMu.Lock()
	defer ws.modeMu.Unlock()
	ws.wantReader = true
	if !ws.receiving {
		ws.startReaderLocked()
	}
}

func (ws *WebSocketResponse) startReaderLocked() {
	if ws.reader || ws.stopped {
		return
	}
	select {
	case <-ws.done: // reading already ended
		return
	default:
	}
	ws.reader = true
	go ws.readLoop()
}

// closeBegan reports whether Close (or CloseWith) has begun.
func (ws *WebSocketResponse) closeBegan() bool {
	select {
	case <-ws.closingCh:
		return true
	default:
		return false
	}
}

// end marks reading as over (readLoop, or direct reads, ended).
func (ws *WebSocketResponse) end() { ws.endOnce.Do(func() { close(ws.done) }) }

// deliver hands a message to Receive, unless the connection is gone or
// Close began (Receive then answers MsgClosing and MsgClosed itself; Close
// must not block here when it reads a ping during the close handshake).
func (ws *WebSocketResponse) deliver(m WSMessage) {
	select {
	case ws.msgs <- m:
	case <-ws.finished:
	case <-ws.closingCh:
	}
}

// readLoop reads frames until the connection ends and hands them to Receive.
func (ws *WebSocketResponse) readLoop() {
	defer ws.end()
	ctx := context.Background()
	for {
		typ, data, err := ws.conn.Read(ctx)
		if err != nil {
			ws.deliver(ws.readFailure(err))
			return
		}
		if ws.closeBegan() {
			continue // data during the close handshake is dropped, as coder/websocket's Close does
		}
		if typ == websocket.MessageText && !utf8.Valid(data) {
			ws.deliver(ws.invalidText())
			return
		}
		t := MsgText
		if typ == websocket.MessageBinary {
			t = MsgBinary
		}
		ws.deliver(WSMessage{Type: t, Data: data})
	}
}

// readFailure turns the error that ended reading into the message aiohttp
// returns for it and records the close code.
func (ws *WebSocketResponse) readFailure(err error) WSMessage {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	wasClosed := ws.closed
	ws.closed = true
	var ce websocket.CloseError
	switch {
	case errors.As(err, &ce) && !ws.closing.Load():
		ws.closeCode = int(ce.Code)
		return WSMessage{Type: MsgClose, Code: int(ce.Code), Extra: ce.Reason}
	case ws.closing.Load() || wasClosed:
		if ws.closeCode == 0 {
			ws.closeCode = 1000
			if errors.As(err, &ce) {
				ws.closeCode = int(ce.Code)
			}
		}
		return WSMessage{Type: MsgClosed}
	}
	if ws.exc == nil {
		ws.exc = err
	}
	ws.closeCode = 1006
	if errors.Is(err, websocket.ErrMessageTooBig) {
		ws.closeCode = int(websocket.StatusMessageTooBig)
	}
	return WSMessage{Type: MsgError, Err: ws.exc} // the cause, such as ErrHeartbeat, not the read error it led to
}

// invalidText closes the connection with 1007, as RFC 6455 (and aiohttp)
// require for a text message that is not UTF-8; coder/websocket does not
// check.
func (ws *WebSocketResponse) invalidText() WSMessage {
	ws.mu.Lock()
	if ws.exc == nil {
		ws.exc = ErrInvalidUTF8
	}
	ws.mu.Unlock()
	ws.close(int(websocket.StatusInvalidFramePayloadData), "invalid UTF-8", false)
	return WSMessage{Type: MsgError, Err: ErrInvalidUTF8}
}

// watch closes the connection with 1001 when the application shuts down and
// runs the heartbeat, until reading ends or Close begins.
func (ws *WebSocketResponse) watch(closing <-chan struct{}) {
	var tick <-chan time.Time
	if ws.heartbeat > 0 {
		t := time.NewTicker(ws.heartbeat)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-closing:
			ws.CloseWith(int(websocket.StatusGoingAway), "server shutdown")
			return
		case <-ws.done:
			return
		case <-ws.closingCh: // as aiohttp's close() cancels the heartbeat
			return
		case <-tick:
			ctx, cancel := context.WithTimeout(context.Background(), ws.heartbeat/2)
			err := ws.conn.Ping(ctx)
			cancel()
			if err != nil && !ws.closing.Load() && !ws.Closed() {
				ws.mu.Lock()
				if ws.exc == nil {
					ws.exc = ErrHeartbeat
				}
				ws.mu.Unlock()
				ws.conn.CloseNow()
				return
			}
		}
	}
}

// Receive returns the next message (aiohttp's receive). It blocks until a
// message arrives, ctx is done (MsgError with ctx's error), or the receive
// timeout passes (MsgError with ErrReceiveTimeout); either of the last two
// ends the connection with 1006. A Receive pending when Close begins returns
// MsgClosing; once the connection is closed it returns MsgClosed.
func (ws *WebSocketResponse) Receive(ctx context.Context) WSMessage {
	if ws.conn == nil {
		return WSMessage{Type: MsgError, Err: ErrWSNotPrepared}
	}
	ws.modeMu.Lock()
	if ws.receiving {
		ws.modeMu.Unlock()
		return WSMessage{Type: MsgError, Err: ErrConcurrentReceive}
	}
	ws.receiving = true
	direct := !ws.reader
	ws.modeMu.Unlock()
	defer ws.receiveDone()
	if ws.closeBegan() {
		// aiohttp answers CLOSING until its close() resumes; waiting for the
		// close to end instead keeps a loop that ignores MsgClosing from
		// spinning while the peer answers.
		select {
		case <-ws.closedCh:
			return WSMessage{Type: MsgClosed}
		case <-ctx.Done():
			return WSMessage{Type: MsgError, Err: ctx.Err()}
		}
	}
	if direct {
		return ws.receiveDirect(ctx)
	}
	var timeout <-chan time.Time
	if ws.receiveTimeout > 0 {
		t := time.NewTimer(ws.receiveTimeout)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case m := <-ws.msgs:
		return ws.unlessClosing(m)
	case <-ws.done:
		select { // a message delivered just before the end
		case m := <-ws.msgs:
			return ws.unlessClosing(m)
		default:
		}
		return ws.unlessClosing(WSMessage{Type: MsgClosed})
	case <-ws.closingCh:
		return WSMessage{Type: MsgClosing}
	case <-ctx.Done():
		return ws.abandon(ctx.Err())
	case <-timeout:
		return ws.abandon(ErrReceiveTimeout)
	}
}

// receiveDone ends a Receive; if Ping asked for readLoop meanwhile, it
// starts now that no direct read runs.
func (ws *WebSocketResponse) receiveDone() {
	ws.modeMu.Lock()
	ws.receiving = false
	if ws.wantReader {
		ws.startReaderLocked()
	}
	ws.modeMu.Unlock()
}

// unlessClosing returns m, or MsgClosing if Close began meanwhile.
func (ws *WebSocketResponse) unlessClosing(m WSMessage) WSMessage {
	if ws.closeBegan() {
		return WSMessage{Type: MsgClosing}
	}
	return m
}

// abandon ends the connection after a receive timeout or a done context
// (close code 1006, Exception cause).
func (ws *WebSocketResponse) abandon(cause error) WSMessage {
	ws.mu.Lock()
	if !ws.closed {
		ws.closed, ws.closeCode = true, 1006
	}
	if ws.exc == nil {
		ws.exc = cause
	}
	ws.mu.Unlock()
	ws.conn.CloseNow()
	return WSMessage{Type: MsgError, Err: cause}
}

// receiveDirect reads one message on the caller's goroutine. A receive
// timeout or a done ctx ends the connection here: coder/websocket closes a
// connection whose read is abandoned. A read that ends after Close began
// (the peer's answer, data sent before it, or the close timing out) gives
// MsgClosing.
func (ws *WebSocketResponse) receiveDirect(ctx context.Context) WSMessage {
	select {
	case <-ws.done:
		return WSMessage{Type: MsgClosed}
	default:
	}
	if ws.receiveTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, ws.receiveTimeout)
		defer cancel()
	}
	typ, data, err := ws.conn.Read(ctx)
	if ws.closeBegan() {
		return WSMessage{Type: MsgClosing}
	}
	if err == nil {
		if typ == websocket.MessageBinary {
			return WSMessage{Type: MsgBinary, Data: data}
		}
		if !utf8.Valid(data) {
			defer ws.end()
			return ws.invalidText()
		}
		return WSMessage{Type: MsgText, Data: data}
	}
	defer ws.end()
	if ctx.Err() != nil && !ws.closing.Load() {
		cause := ctx.Err()
		if errors.Is(cause, context.DeadlineExceeded) && ws.receiveTimeout > 0 {
			cause = ErrReceiveTimeout
		}
		ws.mu.Lock()
		ws.closed, ws.closeCode = true, 1006
		if ws.exc == nil {
			ws.exc = cause
		}
		ws.mu.Unlock()
		return WSMessage{Type: MsgError, Err: cause}
	}
	return ws.readFailure(err)
}

// ReceiveStr receives a text message; any other type is an error.
func (ws *WebSocketResponse) ReceiveStr(ctx context.Context) (string, error) {
	m, err := ws.receiveType(ctx, MsgText)
	return string(m.Data), err
}

// ReceiveBytes receives a binary message; any other type is an error.
func (ws *WebSocketResponse) ReceiveBytes(ctx context.Context) ([]byte, error) {
	m, err := ws.receiveType(ctx, MsgBinary)
	return m.Data, err
}

// ReceiveJSON receives a text message and decodes it as JSON into v.
func (ws *WebSocketResponse) ReceiveJSON(ctx context.Context, v any) error {
	m, err := ws.receiveType(ctx, MsgText)
	if err != nil {
		return err
	}
	return m.JSON(v)
}

func (ws *WebSocketResponse) receiveType(ctx context.Context, want MsgType) (WSMessage, error) {
	m := ws.Receive(ctx)
	if m.Type == want {
		return m, nil
	}
	if m.Type == MsgError {
		return m, m.Err
	}
	return m, fmt.Errorf("aioweb: received %s message, not %s", m.Type, want)
}
