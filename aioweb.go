// aioweb.go owns the Application (an http.Handler) with its options, and
// request dispatch with its error and panic handling (values are in
// appkey.go, lifecycle hooks in lifecycle.go, RunApp in server.go).

package aioweb

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// Handler is aiohttp's web-handler: it takes the request and returns the
// response to send, or an error. A function or a method value both work.
// An *HTTPException returned as the error (or panicked) is sent as its
// response; any other error becomes a logged 500.
type Handler func(req *Request) (Resp, error)

// Resp is what a handler returns: *Response, *StreamResponse,
// *FileResponse, *HTTPException, *WebSocketResponse (aiohttp's
// StreamResponse family), or Sent when the handler wrote the response
// itself. aioweb only reads a returned value, never writes into it, so one
// value may be returned by many requests at once (a package-level
// exception, a canned response). A middleware that adds headers does so
// through req.ResponseHeader(), which applies to whatever response the
// request sends; the concrete types' SetHeader methods are for building a
// value of your own.
type Resp interface {
	send(req *Request) error
}

// DefaultClientMaxSize is the default limit on a request body read through
// Request.Read, Text, JSON or Post: 1 MiB, aiohttp's client_max_size.
const DefaultClientMaxSize = 1 << 20

// Application is aiohttp's web.Application: a Router plus middlewares,
// settings, app-wide values and lifecycle hooks. It is an http.Handler, so it
// mounts anywhere net/http handlers go. The zero value is ready to use.
type Application struct {
	// Router holds the routes; register them before serving.
	Router Router

	middlewares   []Middleware
	logger        *slog.Logger
	clientMaxSize int64
	maxURILength  int
	formMemory    int64
	uploadDir     string
	body          bodyConfig     // body.go
	uploads       uploadRegistry // upload.go

	mu     sync.RWMutex
	values map[any]any  // Set's string keys and AppKeys (appkey.go)
	parent *Application // the application this one is mounted on

	freezeOnce sync.Once
	freezeErr  error
	sysChain   Handler

	life     lifecycle    // hooks and shutdown state (lifecycle.go)
	inflight handlerCount // running handlers (lifecycle.go)

	prepareHooks []PrepareHook // OnResponsePrepare (signals.go)
	prepareTree  bool          // set at freeze: this app or a sub-app has prepare hooks
}

// AppOption configures an Application in NewApplication.
type AppOption func(*Application)

// WithMiddlewares sets the middleware factories; the first is the outermost.
func WithMiddlewares(mws ...Middleware) AppOption {
	return func(a *Application) { a.middlewares = append(a.middlewares, mws...) }
}

// WithLogger sets the logger for handler errors and panics (default
// slog.Default()).
func WithLogger(l *slog.Logger) AppOption { return func(a *Application) { a.logger = l } }

// WithClientMaxSize sets the largest request body, in bytes, that Read, Text,
// JSON and Post accept; more gives 413. 0 keeps DefaultClientMaxSize; a
// negative value removes the limit.
func WithClientMaxSize(n int64) AppOption { return func(a *Application) { a.clientMaxSize = n } }

// DefaultMaxURILength is the longest request target (path and query)
// served by default: 8190 bytes, aiohttp's max_line_size. Longer ones get
// 414 Request-URI Too Long.
const DefaultMaxURILength = 8190

// WithMaxURILength sets the longest request target served; longer ones get
// 414. 0 keeps DefaultMaxURILength; a negative value removes the limit.
func WithMaxURILength(n int) AppOption { return func(a *Application) { a.maxURILength = n } }

// NewApplication returns an Application configured by opts.
func NewApplication(opts ...AppOption) *Application {
	a := &Application{}
	for _, o := range opts {
		o(a)
	}
	return a
}

// Middlewares returns the middleware factories in order.
func (a *Application) Middlewares() []Middleware { return append([]Middleware(nil), a.middlewares...) }

// Logger returns the application's logger.
func (a *Application) Logger() *slog.Logger {
	if a.logger == nil {
		return slog.Default()
	}
	return a.logger
}

// ClientMaxSize returns the request body limit in bytes (negative: none).
func (a *Application) ClientMaxSize() int64 {
	if a.clientMaxSize == 0 {
		return DefaultClientMaxSize
	}
	return a.clientMaxSize
}

// MakeHandler freezes the router, builds the middleware chains and returns
// the application as an http.Handler, or the first middleware factory error.
// Serving without calling it freezes on the first request instead.
func (a *Application) MakeHandler() (http.Handler, error) {
	if err := a.freeze(); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *Application) freeze() error {
	a.freezeOnce.Do(func() {
		a.Router.freeze(a)
		a.prepareTree = treeHasPrepareHooks(a)
		a.freezeErr = a.buildChains()
	})
	return a.freezeErr
}

// ServeHTTP routes and serves one request.
func (a *Application) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := a.freeze(); err != nil {
		a.Logger().Error("aioweb: application cannot serve", "error", err)
		writeInternalError(w, nil)
		return
	}
	limit := a.maxURILength
	if limit == 0 {
		limit = DefaultMaxURILength
	}
	if limit > 0 && len(r.RequestURI) > limit {
		a.dispatch(w, r, resolution{tooLong: true})
		return
	}
	if m := r.Method; !isUpper(m) {
		// aiohttp's method is upper-cased; the caller's request stays as
		// it came.
		r2 := *r
		r2.Method = strings.ToUpper(m)
		r = &r2
	}
	a.Router.serve(w, r)
}

func isUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			return false
		}
	}
	return true
}

// dispatch runs the expect handler, the middleware chain and the handler for
// a resolved request and sends the result.
func (a *Application) dispatch(w http.ResponseWriter, r *http.Request, res resolution) {
	defer a.inflight.end(a.inflight.begin())
	req := &Request{
		Method:    r.Method,
		Path:      r.URL.Path,
		MatchInfo: res.info,
		Route:     res.route,
		App:       a,
		Header:    r.Header,
		r:         r,
		w:         w,
	}
	chain := a.sysChain
	if res.route != nil {
		chain = res.route.chain
		// r.PathValue answers for MatchInfo on the request HTTPRequest
		// returns; it is set there, on a copy, when first asked for.
		req.needPathValues = len(res.info) > 0
	} else if res.tooLong {
		req.routeErr = HTTPRequestURITooLong()
	} else if res.allow != "" {
		req.routeErr = HTTPMethodNotAllowed(r.Method, strings.Split(res.allow, ","))
	} else {
		req.routeErr = HTTPNotFound()
	}
	if h := w.Header(); len(h) > 0 {
		if a.prepareTree {
			// What an outer handler set, for the 500 a failing prepare
			// hook gets (signals.go).
			req.x().outerHeader = h.Clone()
		}
		if ce, ok := h["Content-Encoding"]; ok {
			req.x().outerEncoding = ce
		}
	}
	defer req.runDone()
	resp, err := a.call(req, chain)
	req.boundUnreadBody() // body.go: a stalled unread body cannot hold the answer
	a.finish(req, resp, err)
	if req.expectPending() {
		// The client waits for 100 Continue that will never come, and
		// net/http would block reading the body it will never send: end
		// the connection now (the response said Connection: close).
		http.NewResponseController(w).SetReadDeadline(time.Now())
	}
}

// call runs the expect hook and the chain, turning a panic into an error.
func (a *Application) call(req *Request, chain Handler) (resp Resp, err error) {
	defer recoverError(&err)
	if _, ok := req.r.Header["Expect"]; ok {
		req.watchBody()
		if resp, err = runExpect(req); resp != nil || err != nil {
			return resp, err
		}
	}
	return chain(req)
}

// recoverError, deferred directly in a function with a named error result,
// turns a panic into that error (a PanicError); http.ErrAbortHandler is
// panicked on, so that net/http aborts the connection. A panic leaves the
// function's other results as they were, nil when nothing was assigned.
func recoverError(err *error) {
	if v := recover(); v != nil {
		if v == http.ErrAbortHandler {
			panic(v)
		}
		*err = panicError(v)
	}
}

// PanicError is the error a recovered handler panic becomes; it carries the
// panic value and the stack.
type PanicError struct {
	// Value is the value the handler panicked with.
	Value any
	// Stack is the goroutine's stack at the panic.
	Stack []byte
}

// Error describes the panic value.
func (p *PanicError) Error() string { return fmt.Sprintf("panic: %v", p.Value) }

// Unwrap returns the panic value when it is an error.
func (p *PanicError) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

func panicError(v any) error {
	if e, ok := v.(error); ok {
		var exc *HTTPException
		if errors.As(e, &exc) {
			return e
		}
	}
	return &PanicError{Value: v, Stack: debug.Stack()}
}

// finish sends the handler's result. Nothing here writes into resp: it may
// be shared by concurrent requests.
func (a *Application) finish(req *Request, resp Resp, err error) {
	if perr := req.prepareErr(); perr != nil {
		// A prepare hook failed and its 500 went out (signals.go).
		if err != nil && !errors.Is(err, perr) && !errors.Is(err, ErrPrepareHook) {
			a.logError(req, err)
		}
		return
	}
	if err != nil {
		var exc *HTTPException
		if errors.As(err, &exc) {
			resp, err = exc, nil
		}
	}
	if req.hijacked {
		// The connection is a WebSocket (or the handler's) now: no HTTP
		// response may follow.
		ws := req.wsResp()
		if w, ok := resp.(*WebSocketResponse); ok && err == nil && ws != nil && w == ws {
			sendResp(req, ws)
			return
		}
		if ws == nil && err == nil && (isNilResp(resp) || isSent(resp)) {
			return // hijacked through ResponseWriter: the handler's
		}
		if err == nil {
			err = errors.New("aioweb: handler returned another response after a WebSocket upgrade or hijack")
		}
		a.logError(req, err)
		if ws != nil {
			ws.abort()
		}
		return
	}
	if req.raw {
		// The handler answered through ResponseWriter: aioweb sends
		// nothing more.
		if err == nil && (isNilResp(resp) || isSent(resp)) {
			return
		}
		if err == nil {
			a.logError(req, errors.New("aioweb: handler wrote through ResponseWriter and returned a response too; the response was not sent"))
			return
		}
		a.logError(req, err)
		panic(http.ErrAbortHandler) // the body may be incomplete: abort
	}
	if err == nil && isNilResp(resp) {
		err = errNilResponse
	}
	if err == nil && len(req.respHeader) > 0 {
		if herr := checkHeaders(req.respHeader); herr != nil {
			req.respHeader = nil // the 500 goes without them
			err = fmt.Errorf("aioweb: Request.ResponseHeader: %w", herr)
		}
	}
	if err == nil {
		if err = sendResp(req, resp); err == nil {
			return
		}
	}
	a.logError(req, err)
	if req.started {
		panic(http.ErrAbortHandler) // headers are out: abort, as aiohttp 3 does
	}
	writeInternalError(req.w, req)
}

// wsResp returns the WebSocket prepared on the request, or nil.
func (req *Request) wsResp() *WebSocketResponse {
	if req.ext == nil {
		return nil
	}
	return req.ext.ws
}

func isSent(r Resp) bool {
	_, ok := r.(sentResponse)
	return ok
}

// isNilResp reports a nil Resp or a typed nil of a known response type (a
// typed nil of any other type panics in send, which sendResp recovers).
func isNilResp(r Resp) bool {
	switch v := r.(type) {
	case nil:
		return true
	case *Response:
		return v == nil
	case *StreamResponse:
		return v == nil
	case *HTTPException:
		return v == nil
	case *WebSocketResponse:
		return v == nil
	case *FileResponse:
		return v == nil
	}
	return false
}

func (a *Application) logError(req *Request, err error) {
	attrs := []any{"method", req.Method, "path", req.Path, "error", err}
	var p *PanicError
	if errors.As(err, &p) {
		attrs = append(attrs, "stack", string(p.Stack))
	}
	a.Logger().Error("aioweb: error handling request", attrs...)
}
