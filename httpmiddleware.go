// httpmiddleware.go owns net/http interop inside the chain: HTTPMiddleware,
// the adapter that runs the ecosystem's middleware shape,
// func(http.Handler) http.Handler, as an aioweb Middleware around the
// matched route's handler, and WrapHandler, which makes any http.Handler a
// route handler.

package aioweb

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"reflect"
	"sync"
	"sync/atomic"
)

// HTTPMiddleware runs a standard net/http middleware (chi's, gorilla/handlers',
// rs/cors', otelhttp's, promhttp's, ...) as an aioweb Middleware, in the
// chain with the others:
//
//	app := aioweb.NewApplication(aioweb.WithMiddlewares(
//		aioweb.HTTPMiddleware(middleware.RequestID),
//		aioweb.HTTPMiddleware(cors.Default().Handler),
//	))
//
// mw is called once per route when the application freezes (and once for
// the 404/405 answers), like any factory. On each request it gets the
// http.ResponseWriter and *http.Request the chain has, with r.Pattern set to
// the matched route's pattern, so it sees the route (otelhttp's span name,
// a Prometheus route label). When it calls the next handler, the inner
// middlewares and the handler run with the writer and request it passed:
// a context it attached (r.WithContext) is what req.Context(),
// req.HTTPRequest() and WrapHandler'd handlers see, and the response, an
// HTTPException (404, 405 included) or a 500 for an error are written
// through its writer, so it sees the status and can compress, log or time
// them. The context it passes must derive from the one it got. The
// middleware may answer without calling the next handler (a CORS preflight,
// a refused request).
//
// Middlewares outside it see the response as already sent (SetHeader on it
// fails), as with WrapHandler. To run a standard middleware around the
// whole Application instead, before routing, wrap the Application: it is an
// http.Handler (mw(app), or RunServerConfig for RunApp). A middleware that
// runs the next handler on another goroutine and returns early
// (http.TimeoutHandler) is waited for before the request ends.
func HTTPMiddleware(mw func(http.Handler) http.Handler) Middleware {
	return func(app *Application, next Handler) (Handler, error) {
		if mw == nil {
			return nil, errors.New("aioweb: HTTPMiddleware(nil)")
		}
		next = recoverHandler(next)
		h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, _ := r.Context().Value(httpCallKey{}).(*httpCall)
			if c == nil {
				app.Logger().Error("aioweb: HTTPMiddleware: the middleware passed on a request whose context does not derive from the one it got",
					"method", r.Method, "path", r.URL.Path)
				writeInternalError(w, nil)
				return
			}
			c.serve(app, next, w, r)
		}))
		if h == nil {
			return nil, errors.New("aioweb: HTTPMiddleware: the middleware returned a nil http.Handler")
		}
		return func(req *Request) (Resp, error) {
			c := &httpCall{req: req}
			r := req.HTTPRequest() // path values and Pattern set
			mw := &httpMWWriter{c: c, w: req.w}
			h.ServeHTTP(mw, r.WithContext(context.WithValue(r.Context(), httpCallKey{}, c)))
			c.mu.Lock() // waits for a next handler still running elsewhere
			defer c.mu.Unlock()
			c.ended = true
			if c.passed {
				return c.resp, c.err
			}
			if mw.wrote {
				req.started, req.wroteHeader = true, true
			}
			return Sent, nil
		}, nil
	}
}

// httpCallKey is the context key of the *httpCall of the innermost
// HTTPMiddleware running for a request.
type httpCallKey struct{}

// httpCall is one request's passage through an HTTPMiddleware.
type httpCall struct {
	req *Request

	mu      sync.Mutex  // held while the next handler runs
	running atomic.Bool // the next handler runs
	ended   bool        // the middleware returned: the request is over
	passed  bool        // resp and err go to the outer chain (a WebSocket)
	resp    Resp
	err     error
}

// serve runs the next handler with the writer and request the middleware
// passed, and sends its result through them.
func (c *httpCall) serve(app *Application, next Handler, w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended {
		return // called after the middleware returned: nobody is listening
	}
	req := c.req
	pw, pr, ph := req.w, req.r, req.Header
	if ce := w.Header()["Content-Encoding"]; ce != nil {
		// The middleware encodes what passes (gorilla's CompressHandler
		// sets this first): keep it on every answer, aioweb's 500 too.
		w = keepEncoding{w, ce}
	}
	// req.Header is exported: written only when the middleware passed
	// other headers, so a goroutine the handler left reading it does not
	// race with the restore below.
	newHeader := !sameHeader(ph, r.Header)
	req.w, req.r = w, r
	if newHeader {
		req.Header = r.Header
	}
	c.running.Store(true)
	defer func() {
		req.w, req.r = pw, pr
		if newHeader {
			req.Header = ph
		}
		c.running.Store(false)
	}()
	resp, err := next(req)
	if req.hijacked {
		// A WebSocket: the connection left HTTP; the dispatcher ends it.
		c.resp, c.err, c.passed = resp, err, true
		return
	}
	app.finish(req, resp, err)
}

// sameHeader reports whether a and b are the same map.
func sameHeader(a, b http.Header) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// httpMWWriter is the writer an HTTPMiddleware's middleware gets: the
// writer the chain had at that point, with the response's start noted and
// the per-request headers (Request.ResponseHeader) merged when the middleware
// answers by itself. Inside, aioweb writes through the middleware's writer,
// which reaches this one.
type httpMWWriter struct {
	c     *httpCall
	w     http.ResponseWriter
	wrote bool // used by the writers of w, one at a time (net/http's rule)
}

// Header returns the header map of the underlying writer.
func (m *httpMWWriter) Header() http.Header { return m.w.Header() }

// start notes the response's start and merges the per-request headers
// unless aioweb's own send already did. While the next handler runs, a
// write comes from aioweb's send inside (which did both), or from a
// middleware answering while the handler runs on another goroutine
// (http.TimeoutHandler's 503): the Request is the handler's then.
func (m *httpMWWriter) start() {
	m.wrote = true
	if !m.c.running.Load() && !m.c.req.wroteHeader {
		m.c.req.prepareHeader()
	}
}

// WriteHeader sends the status (1xx other than 101 pass through as interim
// responses). A second status is dropped without net/http's "superfluous
// WriteHeader" log: chi's Timeout, say, writes 504 after the handler
// answered.
func (m *httpMWWriter) WriteHeader(code int) {
	if code >= 200 || code == http.StatusSwitchingProtocols {
		if m.wrote {
			return
		}
		m.start()
	}
	m.w.WriteHeader(code)
}

// Write writes body bytes.
func (m *httpMWWriter) Write(p []byte) (int, error) {
	m.start()
	return m.w.Write(p)
}

// Flush sends what is buffered, through http.ResponseController.
func (m *httpMWWriter) Flush() {
	m.FlushError()
}

// FlushError is Flush that reports the error.
func (m *httpMWWriter) FlushError() error {
	m.start()
	return http.NewResponseController(m.w).Flush()
}

// Hijack takes the connection over, through http.ResponseController.
func (m *httpMWWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(m.w).Hijack()
	if err == nil && !m.c.running.Load() {
		m.c.req.started, m.c.req.wroteHeader, m.c.req.hijacked = true, true, true
	}
	return conn, brw, err
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (m *httpMWWriter) Unwrap() http.ResponseWriter { return m.w }

// keepEncoding restores the Content-Encoding a middleware set before
// calling the handler if the answer dropped it, so that the body it encodes
// is labelled.
type keepEncoding struct {
	http.ResponseWriter
	ce []string
}

// WriteHeader restores Content-Encoding and sends the status.
func (k keepEncoding) WriteHeader(code int) {
	if h := k.Header(); h["Content-Encoding"] == nil {
		h["Content-Encoding"] = k.ce
	}
	k.ResponseWriter.WriteHeader(code)
}

// Unwrap returns the middleware's writer, for http.ResponseController.
func (k keepEncoding) Unwrap() http.ResponseWriter { return k.ResponseWriter }

// WrapHandler makes any http.Handler a route handler. It writes the response
// itself, through req.ResponseWriter() (so the headers middlewares put in
// req.ResponseHeader() go out with it) and req.HTTPRequest() (so MatchInfo
// is reachable through r.PathValue), and returns Sent. Middlewares that add
// headers must add them before calling the handler.
func WrapHandler(h http.Handler) Handler {
	return func(req *Request) (Resp, error) {
		h.ServeHTTP(req.ResponseWriter(), req.HTTPRequest())
		return Sent, nil
	}
}
