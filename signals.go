// signals.go owns aiohttp's on_response_prepare signal: OnResponsePrepare
// hooks, the read-only view of the response they get (PreparedResponse,
// ResponseKind), running them root application first at the one point where
// a response's status goes out (Request.writeHeader, send.go), and what
// happens when one fails (a logged plain 500).

package aioweb

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
)

// ResponseKind says which kind of response an OnResponsePrepare hook is
// looking at.
type ResponseKind uint8

// The kinds of response, as PreparedResponse.Kind reports them.
const (
	// KindWriter: the handler wrote through Request.ResponseWriter (a
	// WrapHandler's http.Handler, or Sent with nothing written).
	KindWriter ResponseKind = iota
	// KindResponse: a *Response (JSONResponse too).
	KindResponse
	// KindStream: a *StreamResponse, returned or prepared by the handler.
	KindStream
	// KindFile: a *FileResponse or a static file from AddStatic (200, 206
	// for a Range, 304, 412 or 416 as the request asks).
	KindFile
	// KindException: an *HTTPException, returned, returned as the error or
	// panicked, the 404, 405 and 414 routing answers with, and the 404 or
	// 403 of a file that cannot be sent.
	KindException
	// KindWebSocket: the WebSocket handshake response (101 Switching
	// Protocols, or coder/websocket's refusal of a bad handshake).
	KindWebSocket
	// KindInternalError: aioweb's plain 500 for a handler error or panic.
	KindInternalError
)

var kindNames = [...]string{"writer", "Response", "StreamResponse", "FileResponse", "HTTPException", "WebSocketResponse", "internal error"}

// String names the kind ("Response", "FileResponse", ...).
func (k ResponseKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("ResponseKind(%d)", k)
}

// PreparedResponse is what an OnResponsePrepare hook sees of the response
// about to go out.
type PreparedResponse struct {
	// Status is the status code about to be sent: what goes on the wire,
	// so 206 for a Range request on a file, 304 for a fresh conditional
	// request, 101 for a WebSocket. Changing it has no effect.
	Status int
	// Kind is the kind of response.
	Kind ResponseKind
	// Header is the outgoing header map of this request (the writer's):
	// the response's own headers with Request.ResponseHeader's merged in.
	// Set, add or delete; the headers go out as the last hook leaves them.
	// It is never the map of a value the handler returned, so a response
	// or exception shared between requests stays untouched.
	Header http.Header
}

// PrepareHook is an OnResponsePrepare hook.
type PrepareHook func(req *Request, resp PreparedResponse) error

// OnResponsePrepare registers hook to run just before the status line and
// headers of every response this application sends go out (aiohttp's
// on_response_prepare): a Response, StreamResponse, FileResponse or static
// file, an HTTPException (returned, raised, panicked, or the 404/405/414 of
// routing), the WebSocket 101, a response written through ResponseWriter
// and aioweb's own 500 for a handler error. It is the place to add
// security headers once. Interim 1xx responses (100 Continue) are not
// signalled, as in aiohttp.
//
// For a request handled by a sub-application, the hooks of every
// application from the root down to that sub-application run, root first
// (aiohttp's order); within an application, in registration order. req.App
// is the handling application while they run.
//
// A hook that returns an error or panics stops the hooks after it; the
// error is logged and, instead of the response, a plain 500 with
// Connection: close goes out (without the response's headers; with
// ResponseHeader's and those an outer http.Handler set before the
// application, as for any 500) and the hooks do not run again for it. What
// the handler writes afterwards is discarded, and StreamResponse.Prepare
// reports the error. aiohttp 3.8 closes the connection without any answer
// there.
//
// Register hooks before serving: it panics after the application (or, for
// a sub-application, the application it is mounted on) has frozen, and
// on a nil hook.
func (a *Application) OnResponsePrepare(hook PrepareHook) {
	if hook == nil {
		panic("aioweb: OnResponsePrepare(nil)")
	}
	top := a
	for top.parent != nil {
		top = top.parent
	}
	top.Router.mu.Lock()
	defer top.Router.mu.Unlock()
	if top.Router.frozen && top.Router.app != nil {
		panic("aioweb: OnResponsePrepare after the application started serving")
	}
	a.prepareHooks = append(a.prepareHooks, hook)
}

// prepareApp returns the application whose hooks (and its parents') run for
// req: the sub-application owning the matched route, else the serving one.
func (req *Request) prepareApp() *Application {
	if r := req.Route; r != nil && r.owner != nil {
		return r.owner
	}
	return req.App
}

// hasPrepareHooks reports whether app or an application it is mounted on
// has OnResponsePrepare hooks.
func hasPrepareHooks(app *Application) bool {
	for ; app != nil; app = app.parent {
		if len(app.prepareHooks) > 0 {
			return true
		}
	}
	return false
}

// treeHasPrepareHooks reports whether app or a sub-application mounted in
// it, at any depth, has OnResponsePrepare hooks.
func treeHasPrepareHooks(app *Application) bool {
	if len(app.prepareHooks) > 0 {
		return true
	}
	app.life.mu.Lock()
	subs := app.life.subs
	app.life.mu.Unlock()
	for _, s := range subs {
		if treeHasPrepareHooks(s) {
			return true
		}
	}
	return false
}

// ErrPrepareHook wraps the error of an OnResponsePrepare hook that failed,
// as StreamResponse.Prepare returns it.
var ErrPrepareHook = errors.New("aioweb: response prepare hook failed")

// runPrepare runs the hooks for a response with status about to go out, the
// handling application's chain root first, with a hook's panic turned into
// its error.
func (req *Request) runPrepare(app *Application, status int) (err error) {
	// req.App is written only when it changes: a goroutine the handler
	// left reading req after returning must not race with the send.
	if saved := req.App; saved != app {
		req.App = app
		defer func() { req.App = saved }()
	}
	defer recoverError(&err)
	h := req.w.Header()
	unshareHeader(h)
	resp := PreparedResponse{Status: status, Kind: req.kind, Header: h}
	return runPrepareHooks(app, req, resp)
}

// unshareHeader gives each value of h that is one of send.go's shared
// constant slices (hdrTextPlain, ...) a slice of its own, so a hook that
// edits a value in place (h["Content-Type"][0] += ...) changes this response
// only, not every later one.
func unshareHeader(h http.Header) {
	for k, vs := range h {
		if len(vs) == 1 && isSharedValue(&vs[0]) {
			h[k] = []string{vs[0]}
		}
	}
}

// isSharedValue reports whether p is the element of a shared constant
// header value.
func isSharedValue(p *string) bool {
	return p == &hdrTextPlain[0] || p == &hdrClose[0] || p == &hdr500Length[0] || p == &hdrZero[0] || p == &hdrOctetStream[0]
}

// runPrepareHooks runs the hooks of app's parents, then app's own.
func runPrepareHooks(app *Application, req *Request, resp PreparedResponse) error {
	if app.parent != nil {
		if err := runPrepareHooks(app.parent, req, resp); err != nil {
			return err
		}
	}
	for _, h := range app.prepareHooks {
		if err := h(req, resp); err != nil {
			return err
		}
	}
	return nil
}

// prepareFailed answers a failed hook: it logs err, sends the plain 500 in
// place of the response, and points req at a writer that discards what the
// handler or the response writes afterwards.
func (req *Request) prepareFailed(err error) {
	req.x().prepareErr = fmt.Errorf("%w: %w", ErrPrepareHook, err)
	req.App.logError(req, req.ext.prepareErr)
	w := req.w
	req.w = discardWriter{}
	resetToOuter(w.Header(), req.ext.outerHeader)
	req.kind = KindInternalError
	writePlain500(w, req)
}

// resetToOuter leaves in h only the headers an outer handler had set before
// the application (outer, snapshotted by dispatch when hooks may run).
func resetToOuter(h, outer http.Header) {
	clear(h)
	copyHeader(h, outer)
}

// discardWriter stands in for the writer once a hook failed and the 500 is
// out: writes report the failure, nothing reaches the client.
type discardWriter struct{}

func (discardWriter) Header() http.Header             { return http.Header{} }
func (discardWriter) Write([]byte) (int, error)       { return 0, ErrPrepareHook }
func (discardWriter) WriteHeader(int)                 {}
func (discardWriter) WriteString(string) (int, error) { return 0, ErrPrepareHook }

// Hijack refuses: a WebSocket whose 101 a hook refused does not upgrade.
func (discardWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) { return nil, nil, ErrPrepareHook }

// prepareErr returns the failure of a hook for this request, or nil.
func (req *Request) prepareErr() error {
	if req.ext == nil {
		return nil
	}
	return req.ext.prepareErr
}
