// aioweb.go owns the Application (an http.Handler), the Request, the
// responses (Response, StreamResponse, JSONResponse), request dispatch with
// its error and panic handling, and RunApp.

package aioweb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"
)

// Handler is aiohttp's web-handler: it takes the request and returns the
// response to send, or an error. A function or a method value both work.
// An *HTTPException returned as the error (or panicked) is sent as its
// response; any other error becomes a logged 500.
type Handler func(req *Request) (Resp, error)

// Resp is what a handler returns: *Response, *StreamResponse, *HTTPException
// or *WebSocketResponse (aiohttp's StreamResponse family). SetHeader lets a
// middleware decorate any of them before it is sent; once the status and
// headers are out (a prepared stream or WebSocket) it returns an error.
type Resp interface {
	SetHeader(key, value string) error
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

	mu     sync.RWMutex
	values map[string]any

	freezeOnce sync.Once
	freezeErr  error
	sysChain   Handler

	hookMu     sync.Mutex
	onShutdown []func(context.Context) error
	onCleanup  []func(context.Context) error

	closeOnce sync.Once
	closing   chan struct{}
	inflight  atomic.Int64
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

// Set stores an app-wide value (aiohttp's app['key'] = value). It is safe
// for concurrent use.
func (a *Application) Set(key string, v any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.values == nil {
		a.values = map[string]any{}
	}
	a.values[key] = v
}

// Get returns an app-wide value, or nil.
func (a *Application) Get(key string) any {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.values[key]
}

// OnShutdown registers fn to run when shutdown begins, before connections
// are drained (aiohttp's on_shutdown): the place to close long-lived
// connections. Hooks run in registration order.
func (a *Application) OnShutdown(fn func(context.Context) error) {
	a.hookMu.Lock()
	defer a.hookMu.Unlock()
	a.onShutdown = append(a.onShutdown, fn)
}

// OnCleanup registers fn to run after the server stopped (aiohttp's
// on_cleanup and register_on_finish). Hooks run last-registered first.
func (a *Application) OnCleanup(fn func(context.Context) error) {
	a.hookMu.Lock()
	defer a.hookMu.Unlock()
	a.onCleanup = append(a.onCleanup, fn)
}

// Closing returns a channel closed when Shutdown begins, so long-running
// handlers (streams, WebSockets) can finish.
func (a *Application) Closing() <-chan struct{} {
	a.closeOnce.Do(func() { a.closing = make(chan struct{}) })
	return a.closing
}

// Shutdown closes Closing and runs the OnShutdown hooks once; it returns
// their errors joined. RunApp calls it; call it yourself when you run the
// http.Server.
func (a *Application) Shutdown(ctx context.Context) error {
	a.Closing()
	a.hookMu.Lock()
	hooks := a.onShutdown
	a.onShutdown = nil
	select {
	case <-a.closing:
	default:
		close(a.closing)
	}
	a.hookMu.Unlock()
	var errs []error
	for _, h := range hooks {
		errs = append(errs, h(ctx))
	}
	return errors.Join(errs...)
}

// Cleanup runs the OnCleanup hooks once, last registered first; an error in
// one does not stop the others.
func (a *Application) Cleanup(ctx context.Context) error {
	a.hookMu.Lock()
	hooks := a.onCleanup
	a.onCleanup = nil
	a.hookMu.Unlock()
	var errs []error
	for i := len(hooks) - 1; i >= 0; i-- {
		errs = append(errs, hooks[i](ctx))
	}
	return errors.Join(errs...)
}

// InFlight returns how many handlers are running (WebSockets included).
func (a *Application) InFlight() int64 { return a.inflight.Load() }

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
		a.freezeErr = a.buildChains()
	})
	return a.freezeErr
}

// ServeHTTP routes and serves one request.
func (a *Application) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := a.freeze(); err != nil {
		a.Logger().Error("aioweb: application cannot serve", "error", err)
		writeInternalError(w)
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
		r.Method = strings.ToUpper(m)
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
	a.inflight.Add(1)
	defer a.inflight.Add(-1)
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
		if !res.fromMux {
			for k, v := range res.info {
				r.SetPathValue(k, v)
			}
		}
	} else if res.tooLong {
		req.routeErr = HTTPRequestURITooLong()
	} else if res.allow != "" {
		req.routeErr = HTTPMethodNotAllowed(r.Method, strings.Split(res.allow, ","))
	} else {
		req.routeErr = HTTPNotFound()
	}
	defer req.runDone()
	resp, err := a.call(req, chain)
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
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			resp, err = nil, panicError(v)
		}
	}()
	if _, ok := req.r.Header["Expect"]; ok {
		if resp, err = runExpect(req); resp != nil || err != nil {
			return resp, err
		}
	}
	return chain(req)
}

// PanicError is the error a recovered handler panic becomes; it carries the
// panic value and the stack.
type PanicError struct {
	Value any
	Stack []byte
}

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

// finish sends the handler's result.
func (a *Application) finish(req *Request, resp Resp, err error) {
	if err != nil {
		var exc *HTTPException
		if errors.As(err, &exc) {
			resp, err = exc, nil
		}
	}
	if err == nil && isNilResp(resp) {
		err = errors.New("aioweb: handler returned a nil response and a nil error")
	}
	if req.hijacked {
		// The connection is a WebSocket now: no HTTP response may follow.
		if ws, ok := resp.(*WebSocketResponse); ok && err == nil && ws == req.x().ws {
			ws.send(req)
			return
		}
		if err == nil {
			err = errors.New("aioweb: handler returned another response after a WebSocket upgrade")
		}
		a.logError(req, err)
		if req.x().ws != nil {
			req.x().ws.abort()
		}
		return
	}
	if err == nil {
		if err = resp.send(req); err == nil {
			return
		}
	}
	a.logError(req, err)
	if req.started {
		panic(http.ErrAbortHandler) // headers are out: abort, as aiohttp 3 does
	}
	writeInternalError(req.w)
}

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

const internalErrorBody = "500 Internal Server Error\n\nServer got itself in trouble"

var (
	hdrTextPlain = []string{"text/plain; charset=utf-8"}
	hdrClose     = []string{"close"}
)

func writeInternalError(w http.ResponseWriter) {
	h := w.Header()
	for k := range h {
		delete(h, k)
	}
	h["Content-Type"] = hdrTextPlain
	h["Connection"] = hdrClose
	h["Content-Length"] = []string{strconv.Itoa(len(internalErrorBody))}
	w.WriteHeader(http.StatusInternalServerError)
	io.WriteString(w, internalErrorBody)
}

// HttpVersion is a request's HTTP version (aiohttp's HttpVersion).
type HttpVersion uint16

// HTTP versions; compare with req.Version.
const (
	HttpVersion10 HttpVersion = 0x0100
	HttpVersion11 HttpVersion = 0x0101
	HttpVersion20 HttpVersion = 0x0200
)

// Major returns the major version number.
func (v HttpVersion) Major() int { return int(v >> 8) }

// Minor returns the minor version number.
func (v HttpVersion) Minor() int { return int(v & 0xff) }

// String returns "HTTP/major.minor".
func (v HttpVersion) String() string {
	return "HTTP/" + strconv.Itoa(v.Major()) + "." + strconv.Itoa(v.Minor())
}

// Request is aiohttp's web.Request: the request a handler gets. Its fields
// are read-only views of the underlying *http.Request.
type Request struct {
	// Method is the upper-cased method.
	Method string
	// Path is the percent-decoded path.
	Path string
	// Header holds the request headers (multi-valued: Header.Values(k) is
	// aiohttp's headers.getall(k)).
	Header http.Header
	// MatchInfo holds the route variables, decoded (aiohttp's match_info).
	MatchInfo map[string]string
	// Route is the matched route, nil when the request resolved to 404/405.
	Route *Route
	// App is the application serving the request.
	App *Application

	r        *http.Request
	w        http.ResponseWriter
	routeErr *HTTPException
	started  bool // a response has written its headers
	hijacked bool // the connection belongs to a WebSocket

	ext *requestExt // rarely used state, allocated on first use (see x)
}

// requestExt holds the per-request state most requests never touch: the
// body, parsed query and cookies, values, and what expect.go, upload.go and
// ws.go keep. Keeping it out of Request keeps the common request small.
type requestExt struct {
	query   *MultiDict[string]
	cookies map[string]string
	values  map[string]any

	bodyRead bool
	body     []byte
	bodyErr  error

	ws           *WebSocketResponse // prepared on this request
	form         *Form              // Post's result
	formErr      error
	continueSent bool
	done         []func() // run when the request ends, even after a panic
}

// x returns the rarely used state, allocating it on first use.
func (req *Request) x() *requestExt {
	if req.ext == nil {
		req.ext = &requestExt{}
	}
	return req.ext
}

// runDone runs the request's end-of-request cleanups, last added first.
func (req *Request) runDone() {
	if req.ext == nil {
		return
	}
	for i := len(req.x().done) - 1; i >= 0; i-- {
		req.x().done[i]()
	}
}

// HTTPRequest returns the underlying *http.Request.
func (req *Request) HTTPRequest() *http.Request { return req.r }

// ResponseWriter returns the underlying http.ResponseWriter, for code that
// writes the response itself; return a nil-free Resp such as an already
// prepared StreamResponse is not needed then: see WrapHandler.
func (req *Request) ResponseWriter() http.ResponseWriter { return req.w }

// Context returns the request's context, canceled when the client goes away.
func (req *Request) Context() context.Context { return req.r.Context() }

// Version returns the HTTP version.
func (req *Request) Version() HttpVersion {
	return HttpVersion(req.r.ProtoMajor<<8 | req.r.ProtoMinor)
}

// Host returns the Host header.
func (req *Request) Host() string { return req.r.Host }

// RawPath returns the path as sent, percent-encoded.
func (req *Request) RawPath() string { return req.r.URL.EscapedPath() }

// PathQS returns the raw path and query (aiohttp's path_qs).
func (req *Request) PathQS() string { return req.r.URL.RequestURI() }

// QueryString returns the raw query string.
func (req *Request) QueryString() string { return req.r.URL.RawQuery }

// Query returns the parsed query string (aiohttp's GET / query): repeated
// keys kept in order, blank values kept, '+' decoded as a space.
func (req *Request) Query() *MultiDict[string] {
	if req.x().query == nil {
		req.x().query = parseQuery(req.r.URL.RawQuery)
	}
	return req.x().query
}

func parseQuery(q string) *MultiDict[string] {
	m := &MultiDict[string]{}
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, v = unquotePlus(k), unquotePlus(v)
		m.Add(k, v)
	}
	return m
}

func unquotePlus(s string) string {
	if strings.ContainsAny(s, "%+") {
		if u, err := url.QueryUnescape(s); err == nil {
			return u
		}
		return strings.ReplaceAll(s, "+", " ")
	}
	return s
}

// Cookies returns the request cookies by name (aiohttp's cookies).
func (req *Request) Cookies() map[string]string {
	if req.x().cookies == nil {
		req.x().cookies = map[string]string{}
		for _, c := range req.r.Cookies() {
			if _, dup := req.x().cookies[c.Name]; !dup {
				req.x().cookies[c.Name] = c.Value
			}
		}
	}
	return req.x().cookies
}

// ContentType returns the media type of Content-Type without parameters,
// "application/octet-stream" when the header is absent (as aiohttp).
func (req *Request) ContentType() string {
	ct, ok := req.r.Header["Content-Type"]
	if !ok || len(ct) == 0 {
		return "application/octet-stream"
	}
	t, _, _ := strings.Cut(ct[0], ";")
	return strings.TrimSpace(t)
}

// Charset returns the charset parameter of Content-Type, or "".
func (req *Request) Charset() string {
	_, params, err := mime.ParseMediaType(req.r.Header.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return params["charset"]
}

// ContentLength returns the declared body length, or -1 when unknown.
func (req *Request) ContentLength() int64 { return req.r.ContentLength }

// KeepAlive reports whether the connection may serve another request.
func (req *Request) KeepAlive() bool {
	if req.r.Close {
		return false
	}
	if req.r.ProtoMajor == 1 && req.r.ProtoMinor == 0 {
		return strings.EqualFold(req.r.Header.Get("Connection"), "keep-alive")
	}
	return req.r.ProtoAtLeast(1, 1)
}

// Set stores a per-request value, for middlewares and handlers to share
// (aiohttp's request['key'] = value).
func (req *Request) Set(key string, v any) {
	if req.x().values == nil {
		req.x().values = map[string]any{}
	}
	req.x().values[key] = v
}

// Get returns a per-request value, or nil.
func (req *Request) Get(key string) any {
	if req.ext == nil {
		return nil
	}
	return req.x().values[key]
}

// Read reads the whole body, at most App.ClientMaxSize bytes, and caches it:
// later calls return the same bytes. A larger body gives a 413
// *HTTPException, a broken one a 400.
func (req *Request) Read() ([]byte, error) {
	if req.x().bodyRead {
		return req.x().body, req.x().bodyErr
	}
	req.x().bodyRead = true
	req.x().body, req.x().bodyErr = readLimited(req)
	return req.x().body, req.x().bodyErr
}

// bodyReader returns the body limited to the app's ClientMaxSize; reading
// past the limit fails with an error that tooLarge recognises.
func (req *Request) bodyReader() (io.Reader, error) {
	req.x().continueSent = true // net/http sends 100 Continue on the first read
	limit := req.App.ClientMaxSize()
	if limit >= 0 && req.r.ContentLength > limit {
		return nil, tooLarge(limit, req.r.ContentLength)
	}
	if limit < 0 {
		return req.r.Body, nil
	}
	return http.MaxBytesReader(req.w, req.r.Body, limit), nil
}

func readLimited(req *Request) ([]byte, error) {
	rd, err := req.bodyReader()
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(rd)
	if err != nil {
		return nil, bodyError(req, err)
	}
	return b, nil
}

// bodyError maps a body read error to the HTTPException to answer.
func bodyError(req *Request, err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return tooLarge(mb.Limit, -1)
	}
	var exc *HTTPException
	if errors.As(err, &exc) {
		return err
	}
	return fmt.Errorf("%w: %w", HTTPBadRequest(WithText("400: Bad Request: cannot read request body")), err)
}

func tooLarge(limit, actual int64) *HTTPException {
	msg := fmt.Sprintf("Maximum request body size %d exceeded, actual body size ", limit)
	if actual >= 0 {
		msg += strconv.FormatInt(actual, 10)
	} else {
		msg += "larger"
	}
	return HTTPRequestEntityTooLarge(WithText(msg))
}

// Text reads the body as a string. The body must be UTF-8 (or the charset
// must be utf-8/us-ascii); otherwise it is a 400.
func (req *Request) Text() (string, error) {
	b, err := req.Read()
	if err != nil {
		return "", err
	}
	if cs := strings.ToLower(req.Charset()); cs != "" && cs != "utf-8" && cs != "utf8" && cs != "us-ascii" && cs != "ascii" {
		return "", HTTPUnsupportedMediaType(WithText(fmt.Sprintf("415: Unsupported Media Type: charset %q is not supported", cs)))
	}
	if !utf8.Valid(b) {
		return "", HTTPBadRequest(WithText("400: Bad Request: request body is not valid UTF-8"))
	}
	return string(b), nil
}

// JSON decodes the body as JSON into v; malformed JSON is a 400.
func (req *Request) JSON(v any) error {
	b, err := req.Read()
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: %w", HTTPBadRequest(WithText("400: Bad Request: invalid JSON body: "+err.Error())), err)
	}
	return nil
}

// MultiDict is aiohttp's MultiDict: keys with possibly repeated values, in
// arrival order. The zero value is empty and ready to use.
type MultiDict[V any] struct {
	keys []string
	vals []V
}

// Add appends a value for key.
func (m *MultiDict[V]) Add(key string, v V) {
	m.keys = append(m.keys, key)
	m.vals = append(m.vals, v)
}

// Get returns the first value for key, or the zero value.
func (m *MultiDict[V]) Get(key string) V {
	v, _ := m.GetOK(key)
	return v
}

// GetOK returns the first value for key and whether there is one.
func (m *MultiDict[V]) GetOK(key string) (V, bool) {
	if m != nil {
		for i, k := range m.keys {
			if k == key {
				return m.vals[i], true
			}
		}
	}
	var zero V
	return zero, false
}

// GetAll returns every value for key in order (aiohttp's getall).
func (m *MultiDict[V]) GetAll(key string) []V {
	var out []V
	if m != nil {
		for i, k := range m.keys {
			if k == key {
				out = append(out, m.vals[i])
			}
		}
	}
	return out
}

// Has reports whether key is present.
func (m *MultiDict[V]) Has(key string) bool {
	_, ok := m.GetOK(key)
	return ok
}

// Keys returns every key in arrival order, repeated keys repeated.
func (m *MultiDict[V]) Keys() []string {
	if m == nil {
		return nil
	}
	return append([]string(nil), m.keys...)
}

// Len returns the number of key/value pairs.
func (m *MultiDict[V]) Len() int {
	if m == nil {
		return 0
	}
	return len(m.keys)
}

// Each calls fn for every pair in order.
func (m *MultiDict[V]) Each(fn func(key string, v V)) {
	if m == nil {
		return
	}
	for i, k := range m.keys {
		fn(k, m.vals[i])
	}
}

// Response is aiohttp's web.Response: a complete response with a body.
//
// Set Text for a text body (Content-Type text/plain; charset=utf-8 unless
// ContentType/Charset say otherwise) or Body for bytes (Content-Type
// application/octet-stream unless ContentType says otherwise), not both.
// Status 0 means 200. Reason is aiohttp's reason; net/http always puts the
// standard phrase on the status line.
type Response struct {
	Status      int
	Reason      string
	Body        []byte
	Text        string
	Headers     http.Header
	ContentType string
	Charset     string

	cookies []*http.Cookie
}

// JSONResponse returns a Response whose body is data encoded as JSON with
// Content-Type application/json; charset=utf-8 (aiohttp's json_response).
func JSONResponse(data any) (*Response, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("aioweb: JSONResponse: %w", err)
	}
	return &Response{Text: string(b), ContentType: "application/json"}, nil
}

// SetCookie adds a Set-Cookie header; Path defaults to "/" as in aiohttp.
// An invalid cookie (a name or value net/http would not send) is an error.
func (r *Response) SetCookie(c *http.Cookie) error {
	cc := *c
	if cc.Path == "" {
		cc.Path = "/"
	}
	if err := cc.Valid(); err != nil {
		return fmt.Errorf("aioweb: SetCookie: %w", err)
	}
	for i, o := range r.cookies {
		if o.Name == cc.Name {
			r.cookies[i] = &cc
			return nil
		}
	}
	r.cookies = append(r.cookies, &cc)
	return nil
}

// DelCookie tells the client to delete cookie name at path (default "/").
func (r *Response) DelCookie(name, path string) error {
	return r.SetCookie(delCookie(name, path))
}

func delCookie(name, path string) *http.Cookie {
	return &http.Cookie{Name: name, Path: path, MaxAge: -1, Expires: time.Unix(0, 0)}
}

// SetHeader sets a response header, rejecting CR/LF (response splitting).
func (r *Response) SetHeader(key, value string) error {
	if err := checkHeaders(http.Header{key: {value}}); err != nil {
		return err
	}
	if r.Headers == nil {
		r.Headers = http.Header{}
	}
	r.Headers.Set(key, value)
	return nil
}

// Validate reports why the response cannot be sent, or nil.
func (r *Response) Validate() error {
	if r.Body != nil && r.Text != "" {
		return errors.New("aioweb: Response: Body and Text are not allowed together")
	}
	if strings.Contains(strings.ToLower(r.ContentType), "charset") {
		return errors.New("aioweb: Response: charset must not be in ContentType; use Charset")
	}
	if strings.ContainsAny(r.Reason, "\r\n") {
		return fmt.Errorf("aioweb: Response: reason %q contains CR or LF", r.Reason)
	}
	if strings.ContainsAny(r.ContentType+r.Charset, "\r\n") {
		return errors.New("aioweb: Response: content type contains CR or LF")
	}
	return checkHeaders(r.Headers)
}

// checkHeaders rejects header names and values that would split a response.
func checkHeaders(h http.Header) error {
	for k, vs := range h {
		if k == "" || strings.ContainsAny(k, "\r\n: \t") {
			return fmt.Errorf("aioweb: invalid header name %q", k)
		}
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n\x00") {
				return fmt.Errorf("aioweb: header %s: value %q contains CR, LF or NUL", k, v)
			}
		}
	}
	return nil
}

func (r *Response) send(req *Request) error {
	if err := r.Validate(); err != nil {
		return err
	}
	h := req.w.Header()
	for k, vs := range r.Headers {
		h[k] = vs
	}
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	body := r.Body
	text := r.Text != ""
	switch {
	case text:
		ct, cs := r.ContentType, r.Charset
		if ct == "" {
			if hv := h.Get("Content-Type"); hv != "" {
				t, params, err := mime.ParseMediaType(hv)
				if err == nil {
					ct = t
					if cs == "" {
						cs = params["charset"]
					}
				}
			}
		}
		if cs == "" {
			cs = "utf-8"
		} else if lc := strings.ToLower(cs); lc != "utf-8" && lc != "utf8" && !(isASCII(r.Text) && (lc == "us-ascii" || lc == "ascii" || strings.HasPrefix(lc, "iso-8859-"))) {
			return fmt.Errorf("aioweb: Response: cannot encode Text as charset %q; encode it and use Body", cs)
		}
		if ct == "" || ct == "application/octet-stream" {
			ct = "text/plain"
		}
		if ct == "text/plain" && cs == "utf-8" {
			h["Content-Type"] = hdrTextPlain
		} else {
			h["Content-Type"] = []string{ct + "; charset=" + cs}
		}
	case len(body) > 0 || r.ContentType != "":
		ct := r.ContentType
		if ct == "" {
			ct = h.Get("Content-Type")
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		if r.Charset != "" {
			ct += "; charset=" + r.Charset
		}
		h["Content-Type"] = []string{ct}
	}
	for _, c := range r.cookies {
		h.Add("Set-Cookie", c.String())
	}
	n := len(body)
	if text {
		n = len(r.Text)
	}
	switch {
	case status == 204 || status == 304 || status < 200:
		delete(h, "Content-Length")
		delete(h, "Content-Type")
		n = 0
	case n > 2048 || req.Method == http.MethodHead || n == 0:
		// net/http computes Content-Length itself for small bodies it
		// buffers; larger ones (or none, or HEAD's) are declared here.
		h["Content-Length"] = []string{strconv.Itoa(n)}
	}
	req.started = true
	req.w.WriteHeader(status)
	if n > 0 && req.Method != http.MethodHead {
		var err error
		if text {
			_, err = io.WriteString(req.w, r.Text)
		} else {
			_, err = req.w.Write(body)
		}
		if err != nil {
			req.clientGone(err)
		}
	}
	return nil
}

// clientGone notes a write error: the client went away, nothing to answer.
func (req *Request) clientGone(err error) {
	req.App.Logger().Debug("aioweb: write failed", "path", req.Path, "error", err)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Errors returned by StreamResponse.
var (
	ErrNotPrepared     = errors.New("aioweb: response is not prepared: call Prepare first")
	ErrAlreadyPrepared = errors.New("aioweb: response already prepared: status and headers are sent")
	ErrEOFWritten      = errors.New("aioweb: cannot write after WriteEOF")
)

// StreamResponse is aiohttp's StreamResponse: set the status and headers,
// Prepare (aiohttp 0.15's start) sends them, then Write streams the body,
// each write flushed to the client (chunked unless a Content-Length was
// set). The zero value is a 200 response ready to configure.
type StreamResponse struct {
	status  int
	headers http.Header
	cookies []*http.Cookie

	req      *Request
	prepared bool
	eof      bool
}

// NewStreamResponse returns a StreamResponse with the given status (0: 200).
func NewStreamResponse(status int) *StreamResponse { return &StreamResponse{status: status} }

// Status returns the status code.
func (s *StreamResponse) Status() int {
	if s.status == 0 {
		return http.StatusOK
	}
	return s.status
}

// Prepared reports whether Prepare has sent the status and headers.
func (s *StreamResponse) Prepared() bool { return s.prepared }

// Header returns a copy of the headers set so far.
func (s *StreamResponse) Header() http.Header { return s.headers.Clone() }

// SetStatus sets the status code; after Prepare it is an error.
func (s *StreamResponse) SetStatus(status int) error {
	if s.prepared {
		return ErrAlreadyPrepared
	}
	if status < 100 || status > 599 {
		return fmt.Errorf("aioweb: invalid HTTP status %d", status)
	}
	s.status = status
	return nil
}

// SetHeader sets a header; after Prepare, or with CR/LF, it is an error.
func (s *StreamResponse) SetHeader(key, value string) error {
	return s.editHeader(key, value, http.Header.Set)
}

// AddHeader adds a header value; after Prepare, or with CR/LF, it is an error.
func (s *StreamResponse) AddHeader(key, value string) error {
	return s.editHeader(key, value, http.Header.Add)
}

// DelHeader removes a header; after Prepare it is an error.
func (s *StreamResponse) DelHeader(key string) error {
	if s.prepared {
		return ErrAlreadyPrepared
	}
	s.headers.Del(key)
	return nil
}

func (s *StreamResponse) editHeader(key, value string, op func(http.Header, string, string)) error {
	if s.prepared {
		return ErrAlreadyPrepared
	}
	if err := checkHeaders(http.Header{key: {value}}); err != nil {
		return err
	}
	if s.headers == nil {
		s.headers = http.Header{}
	}
	op(s.headers, key, value)
	return nil
}

// SetContentType sets Content-Type; after Prepare it is an error.
func (s *StreamResponse) SetContentType(ct string) error { return s.SetHeader("Content-Type", ct) }

// SetContentLength sets Content-Length, making the body length-delimited.
func (s *StreamResponse) SetContentLength(n int64) error {
	return s.SetHeader("Content-Length", strconv.FormatInt(n, 10))
}

// SetCookie adds a Set-Cookie header (Path defaults to "/").
func (s *StreamResponse) SetCookie(c *http.Cookie) error {
	if s.prepared {
		return ErrAlreadyPrepared
	}
	var r Response
	if err := r.SetCookie(c); err != nil {
		return err
	}
	s.cookies = append(s.cookies, r.cookies...)
	return nil
}

// DelCookie tells the client to delete cookie name at path (default "/").
func (s *StreamResponse) DelCookie(name, path string) error {
	return s.SetCookie(delCookie(name, path))
}

// Prepare sends the status line and headers for req. Calling it again with
// the same request does nothing; with another request it is an error.
func (s *StreamResponse) Prepare(req *Request) error {
	if s.prepared {
		if s.req != req {
			return errors.New("aioweb: response has been prepared with a different request")
		}
		return nil
	}
	if req.started {
		return errors.New("aioweb: another response was already sent for this request")
	}
	h := req.w.Header()
	for k, vs := range s.headers {
		h[k] = vs
	}
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = nil // no sniffing: aiohttp sends no type by default
	}
	for _, c := range s.cookies {
		h.Add("Set-Cookie", c.String())
	}
	s.req, s.prepared = req, true
	req.started = true
	req.w.WriteHeader(s.Status())
	if f, ok := req.w.(http.Flusher); ok {
		f.Flush()
	}
	return nil
}

// Write sends p as part of the body and flushes it. Empty writes do
// nothing. Before Prepare or after WriteEOF it is an error.
func (s *StreamResponse) Write(p []byte) (int, error) {
	if !s.prepared {
		return 0, ErrNotPrepared
	}
	if s.eof {
		return 0, ErrEOFWritten
	}
	if len(p) == 0 {
		return 0, nil
	}
	n, err := s.req.w.Write(p)
	if err == nil {
		if f, ok := s.req.w.(http.Flusher); ok {
			f.Flush()
		}
	}
	return n, err
}

// WriteEOF ends the body. It is idempotent; before Prepare it is an error.
func (s *StreamResponse) WriteEOF() error {
	if !s.prepared {
		return ErrNotPrepared
	}
	s.eof = true
	return nil
}

func (s *StreamResponse) send(req *Request) error {
	if !s.prepared {
		if err := s.Prepare(req); err != nil {
			return err
		}
	} else if s.req != req {
		return errors.New("aioweb: response has been prepared with a different request")
	}
	return s.WriteEOF()
}

// RunOption configures RunApp.
type RunOption func(*runConfig)

type runConfig struct {
	ctx             context.Context
	out             io.Writer
	shutdownTimeout time.Duration
	listener        net.Listener
	server          func(*http.Server)
}

// WithContext makes RunApp stop when ctx is done, besides SIGINT/SIGTERM.
func WithContext(ctx context.Context) RunOption { return func(c *runConfig) { c.ctx = ctx } }

// WithOutput sets where RunApp prints "serving on HOST:PORT" (default
// os.Stdout; nil prints nothing).
func WithOutput(w io.Writer) RunOption { return func(c *runConfig) { c.out = w } }

// WithShutdownTimeout bounds the drain of in-flight requests (default 10s).
func WithShutdownTimeout(d time.Duration) RunOption {
	return func(c *runConfig) { c.shutdownTimeout = d }
}

// WithListener serves on ln instead of listening on addr.
func WithListener(ln net.Listener) RunOption { return func(c *runConfig) { c.listener = ln } }

// WithServerConfig lets fn adjust the http.Server before it starts.
func WithServerConfig(fn func(*http.Server)) RunOption { return func(c *runConfig) { c.server = fn } }

// Server timeouts RunApp sets on its http.Server (see NewServer).
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout       = 75 * time.Second // aiohttp's keep_alive
	DefaultMaxHeaderBytes    = 64 << 10
)

// NewServer returns the http.Server RunApp uses for app: ReadHeaderTimeout
// (slow-header clients), IdleTimeout (aiohttp's keep-alive 75 s) and
// MaxHeaderBytes set; no ReadTimeout/WriteTimeout, so long uploads, streams
// and WebSockets work.
func NewServer(app *Application, addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           app,
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
		IdleTimeout:       DefaultIdleTimeout,
		MaxHeaderBytes:    DefaultMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(app.Logger().Handler(), slog.LevelWarn),
	}
}

// RunApp serves app on addr (aiohttp's run_app) until SIGINT or SIGTERM (or
// the WithContext context ends). It prints "serving on HOST:PORT", and on
// shutdown it stops accepting, runs the OnShutdown hooks (WebSockets close
// with 1001), drains in-flight requests for at most the shutdown timeout,
// then runs the OnCleanup hooks. It returns nil after a clean shutdown.
func RunApp(app *Application, addr string, opts ...RunOption) error {
	cfg := runConfig{ctx: context.Background(), out: os.Stdout, shutdownTimeout: 10 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	if _, err := app.MakeHandler(); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cfg.ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln := cfg.listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", addr); err != nil {
			return err
		}
	}
	srv := NewServer(app, addr)
	if cfg.server != nil {
		cfg.server(srv)
	}
	if cfg.out != nil {
		fmt.Fprintln(cfg.out, "serving on", ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	dctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	errs := []error{app.Shutdown(dctx), srv.Shutdown(dctx)}
	// srv.Shutdown does not wait for hijacked connections (WebSockets).
	for app.InFlight() > 0 && dctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	if n := app.InFlight(); n > 0 {
		errs = append(errs, fmt.Errorf("aioweb: %d handlers still running after the shutdown timeout", n))
		srv.Close()
	}
	errs = append(errs, app.Cleanup(context.Background()))
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
