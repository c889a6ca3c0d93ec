// expect.go owns the Expect header: per-route expect handlers, the default
// handler, and sending the interim 100 Continue. The expect handler is the
// pre-body hook: it runs after routing, before middlewares and the handler,
// and before a byte of the body is read.

package aioweb

import (
	"io"
	"net/http"
	"strings"
)

// ExpectHandler is aiohttp's expect_handler: it runs for requests that carry
// an Expect header, after routing and before the middlewares and the route
// handler, before the body is read. Returning (nil, nil) lets processing go
// on; returning a response or an error (such as HTTPForbidden()) answers at
// once without reading the body.
//
// Over HTTP/2, net/http takes the Expect header off the request before any
// handler runs and sends the 100 Continue itself when the body is first
// read, so expect handlers run for HTTP/1.x requests only; an HTTP/2
// request reaches the middlewares and the handler as if it carried no
// Expect header. Do not rely on an expect handler for authorisation: a
// client that sends no Expect header skips it in aiohttp too.
type ExpectHandler func(req *Request) (Resp, error)

// DefaultExpectHandler is used when a route sets none: "100-continue"
// proceeds, and the 100 Continue is sent when the handler first reads the
// body (so a handler that answers without reading never invites the body);
// any other expectation is a 417 "Unknown Expect: <value>" as in aiohttp 3.
//
// net/http itself answers requests whose Expect is not 100-continue with a
// bodiless 417 and Connection: close before any handler runs, so in practice
// this handler sees only 100-continue. (After that 417 net/http waits to
// discard the announced body until the client sends it or hangs up.)
//
// When any response goes out while the client still waits for 100 Continue
// (a rejecting expect handler, a 404, a handler that ignores the body),
// aioweb ends the connection right after it: the client never sends the body
// and nothing waits for it.
func DefaultExpectHandler(req *Request) (Resp, error) {
	if !isContinue(req.Header.Get("Expect")) {
		return nil, HTTPExpectationFailed(WithText("Unknown Expect: " + req.Header.Get("Expect")))
	}
	return nil, nil
}

// WriteContinue sends the interim "HTTP/1.1 100 Continue" response now,
// through net/http's support for 1xx responses (aiohttp's
// request.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")). It does
// nothing when it was sent already, the body is being read, the request is
// HTTP/1.0, or the client did not ask for it.
func (req *Request) WriteContinue() error {
	if req.x().continueSent || req.started {
		return nil
	}
	req.x().continueSent = true
	if !req.r.ProtoAtLeast(1, 1) || !isContinue(req.Header.Get("Expect")) {
		return nil
	}
	req.x().wrote100 = true
	req.w.WriteHeader(http.StatusContinue)
	return nil
}

// isContinue reports whether an Expect header value asks for 100 Continue.
func isContinue(expect string) bool {
	return strings.EqualFold(strings.TrimSpace(expect), "100-continue")
}

func runExpect(req *Request) (Resp, error) {
	h := DefaultExpectHandler
	if req.Route != nil && req.Route.expect != nil {
		h = req.Route.expect
	}
	return h(req)
}

// watchBody starts tracking a request whose client waits for 100 Continue
// before sending its body: net/http sends the 100 on the first read of the
// body, so the body (on a copy of the request, never the caller's) notes
// that read. Until it happens the client is still waiting, whatever the
// handler did short of reading (a 413 from Content-Length, Multipart()
// without a read).
func (req *Request) watchBody() {
	r := req.r
	if r.ContentLength == 0 || !r.ProtoAtLeast(1, 1) || !isContinue(r.Header.Get("Expect")) {
		return
	}
	r2 := *r
	r2.Body = &expectBody{ReadCloser: r.Body, ext: req.x()}
	req.r = &r2
	req.ext.watching = true
}

// expectBody is a request body that notes its first read.
type expectBody struct {
	io.ReadCloser
	ext *requestExt
}

func (b *expectBody) Read(p []byte) (int, error) {
	b.ext.bodyAsked = true // net/http sends 100 Continue now
	return b.ReadCloser.Read(p)
}

// expectPending reports a request whose client still waits for 100
// Continue before sending its body: the response was sent without reading
// it, and no 100 Continue went out.
func (req *Request) expectPending() bool {
	if req.ext == nil || !req.ext.watching || req.hijacked {
		return false
	}
	return !req.ext.bodyAsked && !req.ext.wrote100
}
