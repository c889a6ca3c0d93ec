// expect.go owns the Expect header: per-route expect handlers, the default
// handler, and sending the interim 100 Continue. The expect handler is the
// pre-body hook: it runs after routing, before middlewares and the handler,
// and before a byte of the body is read.

package aioweb

import (
	"net/http"
	"strings"
)

// ExpectHandler is aiohttp's expect_handler: it runs for requests that carry
// an Expect header, after routing and before the middlewares and the route
// handler, before the body is read. Returning (nil, nil) lets processing go
// on; returning a response or an error (such as HTTPForbidden()) answers at
// once without reading the body.
type ExpectHandler func(req *Request) (Resp, error)

// WithExpectHandler sets the route's expect handler (aiohttp's
// expect_handler=).
func WithExpectHandler(h ExpectHandler) RouteOption { return func(r *Route) { r.expect = h } }

// DefaultExpectHandler is used when a route sets none: "100-continue"
// proceeds (the 100 Continue is sent when the handler first reads the
// body), any other expectation is a 417.
func DefaultExpectHandler(req *Request) (Resp, error) {
	if v := req.Header.Get("Expect"); !strings.EqualFold(strings.TrimSpace(v), "100-continue") {
		return nil, HTTPExpectationFailed(WithText("Unknown Expect: " + v))
	}
	return nil, nil
}

// WriteContinue sends the interim "100 Continue" response now. It does
// nothing if it was sent already or the client did not ask for it.
func (req *Request) WriteContinue() error {
	if req.ext.continueSent || req.started {
		return nil
	}
	req.ext.continueSent = true
	if !strings.EqualFold(strings.TrimSpace(req.Header.Get("Expect")), "100-continue") {
		return nil
	}
	req.w.WriteHeader(http.StatusContinue)
	return nil
}

func runExpect(req *Request) (Resp, error) {
	h := DefaultExpectHandler
	if req.Route != nil && req.Route.expect != nil {
		h = req.Route.expect
	}
	return h(req)
}
