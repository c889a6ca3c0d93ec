// aioweb.go owns the Application (an http.Handler) with every AppOption and
// the settings they set (limits, uploads, request bodies, the prefix), and
// request dispatch with its error and panic handling (values are in
// appkey.go, lifecycle hooks in lifecycle.go, sub-applications in
// subapp.go, RunApp in server.go).

package aioweb

import (
	"context"
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
// response; an error that is context.DeadlineExceeded (errors.Is) becomes a
// logged 504 Gateway Timeout, as aiohttp answers a handler's
// asyncio.TimeoutError; any other error becomes a logged 500.
type Handler func(req *Request) (Resp, error)

// Resp is what a handler returns: *Response (JSONResponse builds one),
// *StreamResponse, *FileResponse, *HTTPException, *WebSocketResponse
// (aiohttp's StreamResponse family), or Sent when the handler wrote the
// response itself. aioweb only reads a returned value, never writes into it, so one
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

// DefaultFormMemory is how many bytes of uploaded files Post keeps in memory
// per request by default; the rest of a larger upload goes to temporary
// files.
const DefaultFormMemory = 1 << 20

// WithFormMemory sets how many bytes of uploaded files Post keeps in memory
// per request (0 keeps DefaultFormMemory; negative: everything goes to disk).
func WithFormMemory(n int64) AppOption { return func(a *Application) { a.formMemory = n } }

// WithUploadDir sets the directory for the temporary files of large uploads
// (default os.TempDir()).
func WithUploadDir(dir string) AppOption { return func(a *Application) { a.uploadDir = dir } }

// FormMemory returns the per-request in-memory budget for uploaded files.
func (a *Application) FormMemory() int64 {
	if a.formMemory == 0 {
		return DefaultFormMemory
	}
	return a.formMemory
}

// DefaultMaxFormFields is how many fields and parts one form may hold by
// default (Go's own multipart.Reader.ReadForm stops at 1000 parts too).
const DefaultMaxFormFields = 1000

// WithMaxFormFields sets how many fields (urlencoded) or parts (multipart,
// files included) Post accepts in one form; one more is a 413 that names
// the limit, and the rest of the body is not read. 0 keeps
// DefaultMaxFormFields; a negative value removes the limit.
func WithMaxFormFields(n int) AppOption { return func(a *Application) { a.body.maxFields = n } }

// MaxFormFields returns the limit on fields and parts per form (negative:
// none).
func (a *Application) MaxFormFields() int {
	if a.body.maxFields == 0 {
		return DefaultMaxFormFields
	}
	return a.body.maxFields
}

// DefaultBodyIdleTimeout is how long a request body may send nothing before
// the request ends with 408 Request Timeout.
const DefaultBodyIdleTimeout = 60 * time.Second

// WithBodyIdleTimeout sets how long a request body may send no byte while a
// handler reads it (Read, Text, JSON, Post, Multipart) before the request
// ends with 408 Request Timeout and everything it held is freed; each byte
// that arrives starts the wait again, so long uploads that keep sending
// work. 0 turns the timeout off. The default is DefaultBodyIdleTimeout.
//
// It works through http.ResponseController read deadlines, so it applies
// when the ResponseWriter (or one it unwraps to) supports them, as
// net/http's HTTP/1 and HTTP/2 servers do. When the http.Server has a
// ReadTimeout, that deadline bounds the body instead and is left alone.
func WithBodyIdleTimeout(d time.Duration) AppOption {
	return func(a *Application) {
		if d <= 0 {
			d = -1
		}
		a.body.idleTimeout = d
	}
}

// BodyIdleTimeout returns the body idle timeout (0: off).
func (a *Application) BodyIdleTimeout() time.Duration {
	switch d := a.body.idleTimeout; {
	case d == 0:
		return DefaultBodyIdleTimeout
	case d < 0:
		return 0
	default:
		return d
	}
}

// WithAutoDecompress sets whether request bodies sent with
// Content-Encoding gzip, x-gzip or deflate are decoded before Read, Text,
// JSON, Post and Multipart see them (aiohttp's auto_decompress; on by
// default). The ClientMaxSize limit counts the decoded bytes, so a
// decompression bomb is a 413. Turned off, the handler gets the encoded
// bytes.
func WithAutoDecompress(on bool) AppOption {
	return func(a *Application) { a.body.noDecompress = !on }
}

// WithPrefix tells the application the path prefix it is served under when
// something in front of it strips that prefix: http.StripPrefix, or chi's
// Mount, gorilla/mux's PathPrefix and echo's WrapHandler with StripPrefix:
//
//	app := aioweb.NewApplication(aioweb.WithPrefix("/api"))
//	mux.Handle("/api/", http.StripPrefix("/api", app))
//
// Routing is unchanged (the application routes the path it receives), but
// Route.URL, static directory listings and the route pattern in
// http.Request.Pattern start with prefix, so the URLs it hands out work for
// clients. (aiohttp apps learn this from add_subapp; AddSubapp is the way
// to mount one aioweb application inside another.) prefix is a path as
// sent, percent-encoded, starting with '/'; a trailing '/' is dropped, and
// "" means none. It panics on a prefix that does not start with '/' or holds
// a '?', '#', space or control character.
func WithPrefix(prefix string) AppOption {
	p := strings.TrimRight(prefix, "/")
	if prefix != "" && !strings.HasPrefix(prefix, "/") || strings.ContainsFunc(p, func(c rune) bool {
		return c == '?' || c == '#' || c <= ' ' || c == 0x7f
	}) {
		panic(fmt.Sprintf("aioweb: WithPrefix(%q): the prefix must be a path starting with '/'", prefix))
	}
	return func(a *Application) { a.Router.prefix = p }
}

// Prefix returns the prefix set by WithPrefix ("" when none).
func (a *Application) Prefix() string { return a.Router.prefix }

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
	if len(r.Header["Content-Type"]) > 1 {
		// Which type the body has would be a guess: 400, as aiohttp's
		// parser answers.
		a.dispatch(w, r, resolution{dupHeader: "Content-Type"})
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
	} else if res.dupHeader != "" {
		req.routeErr = HTTPBadRequest(WithText("400: Bad Request: Duplicate '" + res.dupHeader + "' header found"))
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
		} else if errors.Is(err, context.DeadlineExceeded) && !req.hijacked && !req.raw && !req.started {
			// aiohttp answers a handler's asyncio.TimeoutError with 504.
			a.logError(req, err)
			resp, err = errGatewayTimeout, nil
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
	if err == nil && len(req.respHeader) > 0 && !req.started { // once started, prepareHeader dealt with them
		if herr := checkHeaders(req.respHeader); herr != nil {
			req.respHeader = nil // the 500 goes without them
			err = fmt.Errorf("aioweb: Request.ResponseHeader: %w", herr)
		} else {
			req.respHeaderOK = true // no handler code runs before they go out
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

// errGatewayTimeout answers a handler's context.DeadlineExceeded.
var errGatewayTimeout = HTTPGatewayTimeout()

func (a *Application) logError(req *Request, err error) {
	attrs := []any{"method", req.Method, "path", req.Path, "error", err}
	var p *PanicError
	if errors.As(err, &p) {
		attrs = append(attrs, "stack", string(p.Stack))
	}
	a.Logger().Error("aioweb: error handling request", attrs...)
}
