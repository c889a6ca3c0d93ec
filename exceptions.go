// exceptions.go owns the HTTPException hierarchy: one constructor per
// aiohttp class, the exception's default body and headers, its categories,
// and how an exception is both a response and a Go error.

package aioweb

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// HTTPException is aiohttp's HTTPException: a Response with a fixed status
// that is also an error. A handler may return it as the response, return it
// as the error, or panic with it; all three send the same response, and
// errors.As finds it inside wrapped errors.
//
// When neither Body nor Text is set, the body is "<status>: <reason>" as
// text/plain, except for 204, 205 and 304, which have no body.
type HTTPException struct {
	Response
	err    error  // construction error, reported by Validate
	method string // the method a 405 refused
}

// ExcOption sets one of the options every HTTPException constructor takes
// (aiohttp's keyword arguments headers, reason, body, text, content_type).
type ExcOption func(*HTTPException)

// WithHeaders adds headers to the exception's response.
func WithHeaders(h http.Header) ExcOption {
	return func(e *HTTPException) {
		if e.Headers == nil {
			e.Headers = http.Header{}
		}
		for k, vs := range h {
			for _, v := range vs {
				e.Headers.Add(k, v)
			}
		}
	}
}

// WithReason replaces the reason phrase used in the default body and in
// Error. (net/http always sends the standard phrase on the status line.)
func WithReason(reason string) ExcOption { return func(e *HTTPException) { e.Reason = reason } }

// WithText sets a text body (text/plain; charset=utf-8 unless WithContentType).
func WithText(text string) ExcOption { return func(e *HTTPException) { e.Text = text } }

// WithBody sets a binary body; an empty non-nil body suppresses the default.
func WithBody(body []byte) ExcOption {
	return func(e *HTTPException) {
		if body == nil {
			body = []byte{}
		}
		e.Body = body
	}
}

// WithContentType sets the response's content type.
func WithContentType(ct string) ExcOption { return func(e *HTTPException) { e.ContentType = ct } }

// NewHTTPException makes an exception for any status code from 100 to 599.
// The named constructors below are the usual way to make one.
func NewHTTPException(status int, opts ...ExcOption) *HTTPException {
	e := &HTTPException{Response: Response{Status: status, Reason: ReasonPhrase(status), Headers: http.Header{}}}
	if status < 100 || status > 599 {
		e.err = fmt.Errorf("aioweb: invalid HTTP status %d", status)
	}
	for _, o := range opts {
		o(e)
	}
	if e.err == nil && strings.ContainsAny(e.Reason, "\r\n") {
		e.err = fmt.Errorf("aioweb: reason %q contains CR or LF", e.Reason)
	}
	if e.err == nil {
		e.err = checkHeaders(e.Headers)
	}
	return e
}

// Error returns "<status>: <reason>", followed by ": <text>" when the
// exception has a Text (a Text that already starts with "<status>:" is
// returned as it is). aiohttp's str() gives the reason alone.
func (e *HTTPException) Error() string {
	code := strconv.Itoa(e.Status)
	switch {
	case e.Text == "":
		return code + ": " + e.reason()
	case strings.HasPrefix(e.Text, code+":"):
		return e.Text
	}
	return code + ": " + e.reason() + ": " + e.Text
}

// Is reports whether target is an *HTTPException with the same status, so
// errors.Is(err, aioweb.HTTPNotFound()) tests for any 404.
func (e *HTTPException) Is(target error) bool {
	var t *HTTPException
	return errors.As(target, &t) && t.Status == e.Status
}

// Validate reports why the exception cannot be sent (a CR or LF in the
// location, reason or a header, a missing redirect location, both Body and
// Text set), or nil.
func (e *HTTPException) Validate() error {
	if e.err != nil {
		return e.err
	}
	return e.Response.Validate()
}

// Location returns the Location header (for redirects).
func (e *HTTPException) Location() string { return e.Headers.Get("Location") }

// Method returns the upper-cased method a 405 refused (aiohttp's .method).
func (e *HTTPException) Method() string { return e.method }

// AllowedMethods returns the methods of a 405's Allow header.
func (e *HTTPException) AllowedMethods() []string {
	a := e.Headers.Get("Allow")
	if a == "" {
		return nil
	}
	return strings.Split(a, ",")
}

// IsSuccessful reports a 2xx status (aiohttp's HTTPSuccessful).
func (e *HTTPException) IsSuccessful() bool { return e.Status/100 == 2 }

// IsRedirection reports a 3xx status (aiohttp's HTTPRedirection).
func (e *HTTPException) IsRedirection() bool { return e.Status/100 == 3 }

// IsError reports a 4xx or 5xx status (aiohttp's HTTPError).
func (e *HTTPException) IsError() bool { return e.Status >= 400 }

// IsClientError reports a 4xx status (aiohttp's HTTPClientError).
func (e *HTTPException) IsClientError() bool { return e.Status/100 == 4 }

// IsServerError reports a 5xx status (aiohttp's HTTPServerError).
func (e *HTTPException) IsServerError() bool { return e.Status/100 == 5 }

func (e *HTTPException) reason() string {
	if e.Reason != "" {
		return e.Reason
	}
	return ReasonPhrase(e.Status)
}

// response returns the Response to send, with aiohttp's default body.
func (e *HTTPException) response() *Response {
	r := e.Response
	if r.Body == nil && r.Text == "" && !emptyBodyStatus(r.Status) {
		r.Text = strconv.Itoa(r.Status) + ": " + e.reason()
		if r.ContentType == "" {
			r.ContentType = "text/plain"
		}
	}
	return &r
}

func emptyBodyStatus(s int) bool { return s == 204 || s == 205 || s == 304 || s < 200 }

func (e *HTTPException) send(req *Request) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return e.response().send(req)
}

// reasons are aiohttp's phrases where they differ from net/http's.
var reasons = map[int]string{
	414: "Request-URI Too Long",
	416: "Requested Range Not Satisfiable",
	418: "I'm a Teapot",
}

// ReasonPhrase returns the reason phrase aiohttp uses for status.
func ReasonPhrase(status int) string {
	if r, ok := reasons[status]; ok {
		return r
	}
	if r := http.StatusText(status); r != "" {
		return r
	}
	return strconv.Itoa(status)
}

func newMove(status int, location string, opts []ExcOption) *HTTPException {
	e := NewHTTPException(status, opts...)
	switch {
	case location == "":
		e.err = errors.New("aioweb: HTTP redirects need a location to redirect to")
	case strings.ContainsAny(location, "\r\n"):
		e.err = fmt.Errorf("aioweb: redirect location %q contains CR or LF", location)
	}
	if e.Headers == nil {
		e.Headers = http.Header{}
	}
	e.Headers.Set("Location", location)
	return e
}

// 2xx: HTTPSuccessful.

// HTTPOk is 200 OK.
func HTTPOk(opts ...ExcOption) *HTTPException { return NewHTTPException(200, opts...) }

// HTTPCreated is 201 Created.
func HTTPCreated(opts ...ExcOption) *HTTPException { return NewHTTPException(201, opts...) }

// HTTPAccepted is 202 Accepted.
func HTTPAccepted(opts ...ExcOption) *HTTPException { return NewHTTPException(202, opts...) }

// HTTPNonAuthoritativeInformation is 203 Non-Authoritative Information.
func HTTPNonAuthoritativeInformation(opts ...ExcOption) *HTTPException {
	return NewHTTPException(203, opts...)
}

// HTTPNoContent is 204 No Content (never has a body).
func HTTPNoContent(opts ...ExcOption) *HTTPException { return NewHTTPException(204, opts...) }

// HTTPResetContent is 205 Reset Content (never has a body).
func HTTPResetContent(opts ...ExcOption) *HTTPException { return NewHTTPException(205, opts...) }

// HTTPPartialContent is 206 Partial Content.
func HTTPPartialContent(opts ...ExcOption) *HTTPException { return NewHTTPException(206, opts...) }

// 3xx: HTTPRedirection. The moves take the Location as first argument.

// HTTPMultipleChoices is 300 Multiple Choices.
func HTTPMultipleChoices(location string, opts ...ExcOption) *HTTPException {
	return newMove(300, location, opts)
}

// HTTPMovedPermanently is 301 Moved Permanently.
func HTTPMovedPermanently(location string, opts ...ExcOption) *HTTPException {
	return newMove(301, location, opts)
}

// HTTPFound is 302 Found.
func HTTPFound(location string, opts ...ExcOption) *HTTPException {
	return newMove(302, location, opts)
}

// HTTPSeeOther is 303 See Other.
func HTTPSeeOther(location string, opts ...ExcOption) *HTTPException {
	return newMove(303, location, opts)
}

// HTTPNotModified is 304 Not Modified (not a move: no location, no body).
func HTTPNotModified(opts ...ExcOption) *HTTPException { return NewHTTPException(304, opts...) }

// HTTPUseProxy is 305 Use Proxy.
func HTTPUseProxy(location string, opts ...ExcOption) *HTTPException {
	return newMove(305, location, opts)
}

// HTTPTemporaryRedirect is 307 Temporary Redirect.
func HTTPTemporaryRedirect(location string, opts ...ExcOption) *HTTPException {
	return newMove(307, location, opts)
}

// HTTPPermanentRedirect is 308 Permanent Redirect (aiohttp 3).
func HTTPPermanentRedirect(location string, opts ...ExcOption) *HTTPException {
	return newMove(308, location, opts)
}

// 4xx: HTTPClientError.

// HTTPBadRequest is 400 Bad Request.
func HTTPBadRequest(opts ...ExcOption) *HTTPException { return NewHTTPException(400, opts...) }

// HTTPUnauthorized is 401 Unauthorized.
func HTTPUnauthorized(opts ...ExcOption) *HTTPException { return NewHTTPException(401, opts...) }

// HTTPPaymentRequired is 402 Payment Required.
func HTTPPaymentRequired(opts ...ExcOption) *HTTPException { return NewHTTPException(402, opts...) }

// HTTPForbidden is 403 Forbidden.
func HTTPForbidden(opts ...ExcOption) *HTTPException { return NewHTTPException(403, opts...) }

// HTTPNotFound is 404 Not Found.
func HTTPNotFound(opts ...ExcOption) *HTTPException { return NewHTTPException(404, opts...) }

// HTTPMethodNotAllowed is 405 Method Not Allowed: method is the method tried
// and allowed the methods the Allow header lists (sorted, comma-joined).
func HTTPMethodNotAllowed(method string, allowed []string, opts ...ExcOption) *HTTPException {
	e := NewHTTPException(405, opts...)
	a := append([]string(nil), allowed...)
	sort.Strings(a)
	if e.Headers == nil {
		e.Headers = http.Header{}
	}
	e.Headers.Set("Allow", strings.Join(a, ","))
	if e.err == nil {
		e.err = checkHeaders(e.Headers)
	}
	e.method = strings.ToUpper(method)
	return e
}

// HTTPNotAcceptable is 406 Not Acceptable.
func HTTPNotAcceptable(opts ...ExcOption) *HTTPException { return NewHTTPException(406, opts...) }

// HTTPProxyAuthenticationRequired is 407 Proxy Authentication Required.
func HTTPProxyAuthenticationRequired(opts ...ExcOption) *HTTPException {
	return NewHTTPException(407, opts...)
}

// HTTPRequestTimeout is 408 Request Timeout.
func HTTPRequestTimeout(opts ...ExcOption) *HTTPException { return NewHTTPException(408, opts...) }

// HTTPConflict is 409 Conflict.
func HTTPConflict(opts ...ExcOption) *HTTPException { return NewHTTPException(409, opts...) }

// HTTPGone is 410 Gone.
func HTTPGone(opts ...ExcOption) *HTTPException { return NewHTTPException(410, opts...) }

// HTTPLengthRequired is 411 Length Required.
func HTTPLengthRequired(opts ...ExcOption) *HTTPException { return NewHTTPException(411, opts...) }

// HTTPPreconditionFailed is 412 Precondition Failed.
func HTTPPreconditionFailed(opts ...ExcOption) *HTTPException { return NewHTTPException(412, opts...) }

// HTTPRequestEntityTooLarge is 413 Request Entity Too Large.
func HTTPRequestEntityTooLarge(opts ...ExcOption) *HTTPException {
	return NewHTTPException(413, opts...)
}

// HTTPRequestURITooLong is 414 Request-URI Too Long.
func HTTPRequestURITooLong(opts ...ExcOption) *HTTPException { return NewHTTPException(414, opts...) }

// HTTPUnsupportedMediaType is 415 Unsupported Media Type.
func HTTPUnsupportedMediaType(opts ...ExcOption) *HTTPException {
	return NewHTTPException(415, opts...)
}

// HTTPRequestRangeNotSatisfiable is 416 Requested Range Not Satisfiable.
func HTTPRequestRangeNotSatisfiable(opts ...ExcOption) *HTTPException {
	return NewHTTPException(416, opts...)
}

// HTTPExpectationFailed is 417 Expectation Failed.
func HTTPExpectationFailed(opts ...ExcOption) *HTTPException { return NewHTTPException(417, opts...) }

// HTTPMisdirectedRequest is 421 Misdirected Request (aiohttp 3).
func HTTPMisdirectedRequest(opts ...ExcOption) *HTTPException { return NewHTTPException(421, opts...) }

// HTTPUnprocessableEntity is 422 Unprocessable Entity (aiohttp 3).
func HTTPUnprocessableEntity(opts ...ExcOption) *HTTPException {
	return NewHTTPException(422, opts...)
}

// HTTPFailedDependency is 424 Failed Dependency (aiohttp 3).
func HTTPFailedDependency(opts ...ExcOption) *HTTPException { return NewHTTPException(424, opts...) }

// HTTPUpgradeRequired is 426 Upgrade Required (aiohttp 3).
func HTTPUpgradeRequired(opts ...ExcOption) *HTTPException { return NewHTTPException(426, opts...) }

// HTTPPreconditionRequired is 428 Precondition Required (aiohttp 3).
func HTTPPreconditionRequired(opts ...ExcOption) *HTTPException {
	return NewHTTPException(428, opts...)
}

// HTTPTooManyRequests is 429 Too Many Requests (aiohttp 3).
func HTTPTooManyRequests(opts ...ExcOption) *HTTPException { return NewHTTPException(429, opts...) }

// HTTPRequestHeaderFieldsTooLarge is 431 Request Header Fields Too Large (aiohttp 3).
func HTTPRequestHeaderFieldsTooLarge(opts ...ExcOption) *HTTPException {
	return NewHTTPException(431, opts...)
}

// HTTPUnavailableForLegalReasons is 451 Unavailable For Legal Reasons
// (aiohttp 3); a non-empty link is sent as `Link: <link>; rel="blocked-by"`.
func HTTPUnavailableForLegalReasons(link string, opts ...ExcOption) *HTTPException {
	e := NewHTTPException(451, opts...)
	if link != "" {
		if e.Headers == nil {
			e.Headers = http.Header{}
		}
		e.Headers.Set("Link", "<"+link+`>; rel="blocked-by"`)
		if e.err == nil {
			e.err = checkHeaders(e.Headers)
		}
	}
	return e
}

// 5xx: HTTPServerError.

// HTTPInternalServerError is 500 Internal Server Error.
func HTTPInternalServerError(opts ...ExcOption) *HTTPException {
	return NewHTTPException(500, opts...)
}

// HTTPNotImplemented is 501 Not Implemented.
func HTTPNotImplemented(opts ...ExcOption) *HTTPException { return NewHTTPException(501, opts...) }

// HTTPBadGateway is 502 Bad Gateway.
func HTTPBadGateway(opts ...ExcOption) *HTTPException { return NewHTTPException(502, opts...) }

// HTTPServiceUnavailable is 503 Service Unavailable.
func HTTPServiceUnavailable(opts ...ExcOption) *HTTPException { return NewHTTPException(503, opts...) }

// HTTPGatewayTimeout is 504 Gateway Timeout.
func HTTPGatewayTimeout(opts ...ExcOption) *HTTPException { return NewHTTPException(504, opts...) }

// HTTPVersionNotSupported is 505 HTTP Version Not Supported.
func HTTPVersionNotSupported(opts ...ExcOption) *HTTPException {
	return NewHTTPException(505, opts...)
}

// HTTPVariantAlsoNegotiates is 506 Variant Also Negotiates (aiohttp 3).
func HTTPVariantAlsoNegotiates(opts ...ExcOption) *HTTPException {
	return NewHTTPException(506, opts...)
}

// HTTPInsufficientStorage is 507 Insufficient Storage (aiohttp 3).
func HTTPInsufficientStorage(opts ...ExcOption) *HTTPException { return NewHTTPException(507, opts...) }

// HTTPNotExtended is 510 Not Extended (aiohttp 3).
func HTTPNotExtended(opts ...ExcOption) *HTTPException { return NewHTTPException(510, opts...) }

// HTTPNetworkAuthenticationRequired is 511 Network Authentication Required (aiohttp 3).
func HTTPNetworkAuthenticationRequired(opts ...ExcOption) *HTTPException {
	return NewHTTPException(511, opts...)
}
