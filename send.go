// send.go owns the sending side of a request: the per-request response
// headers (Request.ResponseHeader), the one point where a response's status
// and headers go out (Request.writeHeader), the tracked raw writer that
// Request.ResponseWriter returns, the Sent sentinel, the recovered send, and
// the plain 500.

package aioweb

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
)

// ResponseHeader returns the headers added to whatever response this request
// sends: a Response, StreamResponse, FileResponse or static file, an
// HTTPException (returned, raised, or a 404/405 from routing), the WebSocket
// 101, and a response written through ResponseWriter. This is where a
// middleware adds its headers: aioweb never writes into a value a handler
// returned, so a response or exception shared between requests (say, a
// package-level var errGone = aioweb.HTTPGone()) stays safe to return.
//
// The values here replace the response's own values for the same key, except
// Set-Cookie, whose values are added; Content-Length and Transfer-Encoding
// here are ignored (the response frames its own body). They are merged just
// before the status line goes out, so set them before calling the next
// handler to cover streamed responses and WebSockets too (those send their
// headers from inside the handler); after that, changes have no effect. A
// header name or value that could split the response (CR, LF) makes a
// response not yet sent a logged 500.
func (req *Request) ResponseHeader() http.Header {
	if req.respHeader == nil {
		req.respHeader = http.Header{}
	}
	return req.respHeader
}

// writeHeader sends the status line and headers of the response: every path
// by which aioweb answers (Response, StreamResponse, exceptions, files,
// the WebSocket 101, the raw writer, the 500) calls it once, just before the
// status goes out. It merges the per-request headers over the writer's
// header map and runs the OnResponsePrepare hooks (signals.go).
func (req *Request) writeHeader(status int) {
	req.prepareHeader()
	if app := req.prepareApp(); hasPrepareHooks(app) {
		if err := req.runPrepare(app, status); err != nil {
			req.prepareFailed(err)
			return
		}
	}
	req.w.WriteHeader(status)
}

// prepareHeader marks the response started and merges the per-request
// headers into the writer's header map.
func (req *Request) prepareHeader() {
	req.started, req.wroteHeader = true, true
	if len(req.respHeader) == 0 {
		return
	}
	if !req.respHeaderOK { // finish checks them for an answer sent after the handler
		if err := checkHeaders(req.respHeader); err != nil {
			req.App.Logger().Error("aioweb: invalid header in Request.ResponseHeader; none of them sent", "method", req.Method, "path", req.Path, "error", err)
			return
		}
	}
	mergeHeader(req.w.Header(), req.respHeader)
}

// mergeHeader copies src over dst (copying the value slices, so later edits
// of either never reach the other): values replace dst's, except Set-Cookie,
// which is added; framing headers are skipped.
func mergeHeader(dst, src http.Header) {
	for k, vs := range src {
		switch k {
		case "Content-Length", "Transfer-Encoding":
			continue
		case "Set-Cookie":
			old := dst[k]
			dst[k] = append(old[:len(old):len(old)], vs...)
			continue
		}
		if len(vs) == 0 {
			delete(dst, k)
			continue
		}
		dst[k] = append([]string(nil), vs...)
	}
}

// copyHeader copies a response value's headers into the writer's header map
// without sharing the value slices, so nothing aioweb or net/http does to
// the map reaches the returned value.
func copyHeader(dst, src http.Header) {
	for k, vs := range src {
		dst[k] = append([]string(nil), vs...)
	}
}

// Sent is the response a handler returns when it has answered by itself
// through req.ResponseWriter() (WrapHandler's handlers return it too). aioweb
// then sends nothing; if nothing was written at all, it sends 200 with no
// body, as net/http does for a handler that returns without writing.
// Returning (nil, nil) after writing through ResponseWriter works the same.
var Sent Resp = sentResponse{}

// sentResponse is the type of Sent.
type sentResponse struct{}

func (sentResponse) send(req *Request) error {
	if !req.started {
		req.writeHeader(http.StatusOK)
	}
	return nil
}

// rawWriter is the http.ResponseWriter Request.ResponseWriter returns: the
// one net/http gave, with the response's start noted (so aioweb sends
// nothing after it) and the per-request headers merged when the status goes
// out. It lives inside the Request: returning it allocates nothing.
type rawWriter struct{ req *Request }

// Header returns the header map of the underlying writer.
func (w *rawWriter) Header() http.Header { return w.req.w.Header() }

// WriteHeader sends the status and headers (1xx other than 101 pass
// through as interim responses).
func (w *rawWriter) WriteHeader(code int) {
	if code >= 200 || code == http.StatusSwitchingProtocols {
		w.req.raw = true
		if !w.req.wroteHeader {
			w.req.writeHeader(code)
			return
		}
	}
	w.req.w.WriteHeader(code)
}

func (w *rawWriter) start() {
	w.req.raw = true
	if !w.req.wroteHeader {
		w.req.writeHeader(http.StatusOK)
	}
}

// Write writes body bytes, sending 200 and the headers first if needed.
func (w *rawWriter) Write(p []byte) (int, error) {
	w.start()
	return w.req.w.Write(p)
}

// WriteString is Write for a string, without a copy when the underlying
// writer has WriteString.
func (w *rawWriter) WriteString(s string) (int, error) {
	w.start()
	return io.WriteString(w.req.w, s)
}

// ReadFrom copies r to the body, through the underlying writer's ReadFrom
// (sendfile) when it has one.
func (w *rawWriter) ReadFrom(r io.Reader) (int64, error) {
	w.start()
	return io.Copy(w.req.w, r)
}

// Flush sends what is buffered, through http.ResponseController.
func (w *rawWriter) Flush() {
	w.start()
	http.NewResponseController(w.req.w).Flush()
}

// FlushError is Flush that reports the error (http.ResponseController uses
// it when present).
func (w *rawWriter) FlushError() error {
	w.start()
	return http.NewResponseController(w.req.w).Flush()
}

// Hijack takes the connection over, through http.ResponseController; the
// response is then the caller's.
func (w *rawWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.req.w).Hijack()
	if err == nil {
		w.req.raw, w.req.started, w.req.wroteHeader, w.req.hijacked = true, true, true, true
	}
	return conn, brw, err
}

// Unwrap returns the writer net/http gave, for http.ResponseController.
func (w *rawWriter) Unwrap() http.ResponseWriter { return w.req.w }

// sendResp sends resp with any panic turned into the error returned, so
// that a typed-nil response or a failing send never escapes aioweb's
// recovery.
func sendResp(req *Request, resp Resp) (err error) {
	defer recoverError(&err)
	switch resp.(type) {
	case *Response:
		req.kind = KindResponse
	case *HTTPException:
		req.kind = KindException
	case *FileResponse:
		req.kind = KindFile
	case *StreamResponse:
		req.kind = KindStream
	case *WebSocketResponse:
		req.kind = KindWebSocket
	}
	return resp.send(req)
}

// errNilResponse is the error for a handler's nil response and nil error.
var errNilResponse = errors.New("aioweb: handler returned a nil response and a nil error")

const internalErrorBody = "500 Internal Server Error\n\nServer got itself in trouble"

var (
	hdrTextPlain = []string{"text/plain; charset=utf-8"}
	hdrClose     = []string{"close"}
	hdr500Length = []string{strconv.Itoa(len(internalErrorBody))}
	hdrZero      = []string{"0"} // Content-Length of an empty body

	hdrOctetStream = []string{"application/octet-stream"} // a body's default type
)

// reprHeaders describe a body; the plain 500 drops any an outer handler or
// the failed response left in the writer's header map, and keeps the rest
// (an outer middleware's request id or CORS headers survive). The one
// exception is a Content-Encoding an outer handler set before aioweb ran:
// its writer encodes the 500 too, so that one is kept.
var reprHeaders = []string{"Content-Encoding", "Content-Range", "Content-Disposition", "Content-Language", "Content-Location", "Etag", "Last-Modified", "Transfer-Encoding", "Trailer"}

// writeInternalError sends aioweb's plain 500 with Connection: close,
// through the OnResponsePrepare hooks. req may be nil (the application
// could not start serving).
func writeInternalError(w http.ResponseWriter, req *Request) {
	if req != nil {
		req.kind = KindInternalError
		if app := req.prepareApp(); hasPrepareHooks(app) {
			set500Header(w.Header(), req)
			if err := req.runPrepare(app, http.StatusInternalServerError); err != nil {
				req.App.logError(req, fmt.Errorf("%w: %w", ErrPrepareHook, err))
				resetToOuter(w.Header(), req.x().outerHeader)
				set500Header(w.Header(), req)
			}
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, internalErrorBody)
			return
		}
	}
	writePlain500(w, req)
}

// writePlain500 sends the plain 500 without running hooks.
func writePlain500(w http.ResponseWriter, req *Request) {
	set500Header(w.Header(), req)
	w.WriteHeader(http.StatusInternalServerError)
	io.WriteString(w, internalErrorBody)
}

// set500Header merges the per-request headers into h (req may be nil) and
// makes it the plain 500's.
func set500Header(h http.Header, req *Request) {
	if req != nil {
		req.prepareHeader()
	}
	for _, k := range reprHeaders {
		delete(h, k)
	}
	h["Content-Type"] = hdrTextPlain
	h["Connection"] = hdrClose
	if req != nil && req.ext != nil && req.ext.outerEncoding != nil {
		// An outer compressing writer (gorilla's CompressHandler, chi's
		// Compress) encodes the 500 too: keep its Content-Encoding, and
		// no plain-text length.
		h["Content-Encoding"] = req.ext.outerEncoding
		delete(h, "Content-Length")
		return
	}
	h["Content-Length"] = hdr500Length
}
