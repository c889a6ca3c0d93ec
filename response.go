// response.go owns the responses a handler builds: Response (with aiohttp's
// content-type defaults), JSONResponse, cookies, header checks,
// StreamResponse, and response compression (the Accept-Encoding choice
// that Response.Compress and EnableCompression make, and static files'
// precompressed siblings share).

package aioweb

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Response is aiohttp's web.Response: a complete response with a body.
//
// Set Text for a text body (Content-Type text/plain; charset=utf-8 unless
// ContentType/Charset say otherwise) or Body for bytes (Content-Type
// application/octet-stream unless ContentType says otherwise), not both.
// Status 0 means 200. Reason is aiohttp's reason; net/http always puts the
// standard phrase on the status line.
type Response struct {
	// Status is the status code; 0 means 200.
	Status int
	// Reason is aiohttp's reason phrase (kept for the access log and
	// hooks; net/http writes the standard phrase on the status line).
	Reason string
	// Body is the body as bytes; set Body or Text, not both.
	Body []byte
	// Text is the body as text, sent as text/plain; charset=utf-8 unless
	// ContentType or Charset say otherwise.
	Text string
	// Headers are the response's own headers. aioweb reads them and never
	// writes into them, so a Response may be shared between requests.
	Headers http.Header
	// ContentType is the media type without parameters (put a charset in
	// Charset).
	ContentType string
	// Charset is the charset parameter of the Content-Type.
	Charset string
	// Compress is aiohttp's enable_compression(): the body is sent gzip-
	// or deflate-encoded when the request's Accept-Encoding allows one
	// (gzip preferred at equal quality), with Vary: Accept-Encoding.
	Compress bool

	cookies []*http.Cookie
}

// JSONResponse returns a Response whose body is data encoded as JSON with
// Content-Type application/json; charset=utf-8 (aiohttp's json_response).
// Options set the status, headers, content type and encoder, as
// json_response's status=, headers=, content_type= and dumps=:
//
//	aioweb.JSONResponse(note, aioweb.JSONStatus(201), aioweb.JSONHeaders(http.Header{"Location": {url}}))
func JSONResponse(data any, opts ...JSONOption) (*Response, error) {
	cfg := jsonConfig{dumps: json.Marshal}
	for _, o := range opts {
		o(&cfg)
	}
	b, err := cfg.dumps(data)
	if err != nil {
		return nil, fmt.Errorf("aioweb: JSONResponse: %w", err)
	}
	ct := cfg.contentType
	if ct == "" {
		ct = "application/json"
	}
	r := &Response{Status: cfg.status, Text: string(b), ContentType: ct}
	if len(cfg.headers) > 0 {
		r.Headers = cfg.headers.Clone()
	}
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("aioweb: JSONResponse: %w", err)
	}
	if r.Status != 0 && (r.Status < 100 || r.Status > 599) {
		return nil, fmt.Errorf("aioweb: JSONResponse: invalid HTTP status %d", r.Status)
	}
	return r, nil
}

// JSONOption configures JSONResponse.
type JSONOption func(*jsonConfig)

type jsonConfig struct {
	status      int
	headers     http.Header
	contentType string
	dumps       func(any) ([]byte, error)
}

// JSONStatus sets the response's status (default 200).
func JSONStatus(status int) JSONOption { return func(c *jsonConfig) { c.status = status } }

// JSONHeaders sets headers sent with the response (copied).
func JSONHeaders(h http.Header) JSONOption { return func(c *jsonConfig) { c.headers = h } }

// JSONContentType replaces application/json (say, application/problem+json);
// the charset stays utf-8.
func JSONContentType(ct string) JSONOption { return func(c *jsonConfig) { c.contentType = ct } }

// JSONDumps sets the encoder (aiohttp's dumps=), json.Marshal by default.
func JSONDumps(dumps func(any) ([]byte, error)) JSONOption {
	return func(c *jsonConfig) {
		if dumps != nil {
			c.dumps = dumps
		}
	}
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

// Header returns the response's header map, allocating it if needed, so
// r.Header().Add(k, v) always works (exceptions have it too). Build your own
// response with it; a middleware uses req.ResponseHeader() instead, since
// the response a handler returns may be shared.
func (r *Response) Header() http.Header {
	if r.Headers == nil {
		r.Headers = http.Header{}
	}
	return r.Headers
}

// SetHeader sets a response header, rejecting CR/LF (response splitting).
func (r *Response) SetHeader(key, value string) error {
	return editHeader(&r.Headers, key, value, http.Header.Set)
}

// Validate reports why the response cannot be sent, or nil.
func (r *Response) Validate() error {
	if r.ContentType == "" && r.Charset == "" && r.Reason == "" && len(r.Headers) == 0 && (r.Body == nil || r.Text == "") {
		return nil // the common canned or text response: nothing to check
	}
	if r.Body != nil && r.Text != "" {
		return errors.New("aioweb: Response: Body and Text are not allowed together")
	}
	if r.ContentType != "" && strings.Contains(strings.ToLower(r.ContentType), "charset") {
		return fmt.Errorf("aioweb: Response: ContentType %q has a charset parameter; set ContentType to the media type alone and put the charset in Response.Charset", r.ContentType)
	}
	if r.Reason != "" && strings.ContainsAny(r.Reason, "\r\n") {
		return fmt.Errorf("aioweb: Response: reason %q contains CR or LF", r.Reason)
	}
	if strings.ContainsAny(r.ContentType, "\r\n") || strings.ContainsAny(r.Charset, "\r\n") {
		return errors.New("aioweb: Response: content type contains CR or LF")
	}
	if len(r.Headers) == 0 {
		return nil
	}
	return checkHeaders(r.Headers)
}

// checkHeaders rejects header names and values that would split a response.
func checkHeaders(h http.Header) error {
	for k, vs := range h {
		if k == "" || hasByte(k, &badNameByte) {
			return fmt.Errorf("aioweb: invalid header name %q", k)
		}
		for _, v := range vs {
			if hasByte(v, &badValueByte) {
				return fmt.Errorf("aioweb: header %s: value %q contains CR, LF or NUL", k, v)
			}
		}
	}
	return nil
}

// The bytes checkHeaders refuses in names and in values; a loop over a
// table beats strings.ContainsAny, which builds its set on every call.
var badNameByte, badValueByte = byteSet("\r\n: \t"), byteSet("\r\n\x00")

func byteSet(s string) (set [256]bool) {
	for i := 0; i < len(s); i++ {
		set[s[i]] = true
	}
	return set
}

func hasByte(s string, set *[256]bool) bool {
	for i := 0; i < len(s); i++ {
		if set[s[i]] {
			return true
		}
	}
	return false
}

func (r *Response) send(req *Request) error {
	if err := r.Validate(); err != nil {
		return err
	}
	h := req.w.Header()
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	// Work out every header before touching the writer's map, so a
	// response that cannot be sent leaves nothing behind for the 500.
	body := r.Body
	text := r.Text != ""
	var prevCT []string // the Content-Type already set, if it matters
	if text || len(body) > 0 || r.ContentType != "" {
		if prevCT = r.Headers["Content-Type"]; prevCT == nil {
			prevCT = h["Content-Type"]
		}
	}
	var ctype []string // nil: leave Content-Type as it is
	switch {
	case text:
		ct, cs := r.ContentType, r.Charset
		if ct == "" && len(prevCT) > 0 && prevCT[0] != "" {
			t, params, err := mime.ParseMediaType(prevCT[0])
			if err == nil {
				ct = t
				if cs == "" {
					cs = params["charset"]
				}
			}
		}
		if cs == "" {
			cs = "utf-8"
		} else if lc := strings.ToLower(cs); !isUTF8Charset(lc) && !(isASCII(r.Text) && (isASCIICharset(lc) || strings.HasPrefix(lc, "iso-8859-"))) {
			return fmt.Errorf("aioweb: Response: cannot encode Text as charset %q; encode it and use Body", cs)
		}
		if ct == "" || ct == "application/octet-stream" {
			ct = "text/plain"
		}
		if ct == "text/plain" && cs == "utf-8" {
			ctype = hdrTextPlain
		} else {
			ctype = []string{ct + "; charset=" + cs}
		}
	case len(body) > 0 || r.ContentType != "":
		ct := r.ContentType
		if ct == "" && len(prevCT) > 0 {
			ct = prevCT[0]
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		if r.Charset != "" {
			ct += "; charset=" + r.Charset
		}
		if ct == hdrOctetStream[0] {
			ctype = hdrOctetStream
		} else {
			ctype = []string{ct}
		}
	}
	if len(r.Headers) > 0 {
		copyHeader(h, r.Headers)
	}
	if ctype != nil {
		h["Content-Type"] = ctype
	}
	for _, c := range r.cookies {
		h.Add("Set-Cookie", c.String())
	}
	if r.Compress && status >= 200 && status != 204 && status != 304 && (text || len(body) > 0) && len(h["Content-Encoding"]) == 0 {
		h.Add("Vary", "Accept-Encoding")
		if coding := acceptedCoding(req.Header.Values("Accept-Encoding")); coding != "" {
			raw := body
			if text {
				raw = []byte(r.Text)
			}
			body, text = compress(coding, raw), false // a new slice: r.Body is untouched
			h["Content-Encoding"] = []string{coding}
		}
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
	case n > 2048 || req.Method == http.MethodHead:
		// net/http declares the length of a body it buffered (up to 2048
		// bytes, an empty one included) once the handler is done; larger
		// bodies, and HEAD's, which it cannot see, are declared here.
		if n == 0 {
			h["Content-Length"] = hdrZero
		} else {
			h["Content-Length"] = []string{strconv.Itoa(n)}
		}
	}
	req.writeHeader(status)
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
	compress bool
	zw       interface {
		io.WriteCloser
		Flush() error
	} // the body's encoder when compressing
}

// EnableCompression is aiohttp's enable_compression: the body is sent gzip-
// or deflate-encoded, as for Response.Compress, when the request accepts
// one. Each Write is flushed through the encoder, so streaming still works.
// After Prepare it is an error.
func (s *StreamResponse) EnableCompression() error {
	if s.prepared {
		return ErrAlreadyPrepared
	}
	s.compress = true
	return nil
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

// Header returns the header map that Prepare sends, allocating it if
// needed, as Response.Header does. Like http.ResponseWriter's, changes made
// after Prepare have no effect. Prepare refuses a map holding a name or
// value that SetHeader would refuse (CR, LF: response splitting).
func (s *StreamResponse) Header() http.Header {
	if s.headers == nil {
		s.headers = http.Header{}
	}
	return s.headers
}

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
	return editHeader(&s.headers, key, value, op)
}

// editHeader applies op (http.Header.Set or Add) to *h, creating the map
// when nil, after rejecting a name or value that checkHeaders refuses
// (CR/LF: response splitting). Every SetHeader/AddHeader goes through it.
func editHeader(h *http.Header, key, value string, op func(http.Header, string, string)) error {
	if err := checkHeaders(http.Header{key: {value}}); err != nil {
		return err
	}
	if *h == nil {
		*h = http.Header{}
	}
	op(*h, key, value)
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
	if err := checkHeaders(s.headers); err != nil {
		return err // set through Header(): nothing has been sent
	}
	h := req.w.Header()
	copyHeader(h, s.headers)
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = nil // no sniffing: aiohttp sends no type by default
	}
	for _, c := range s.cookies {
		h.Add("Set-Cookie", c.String())
	}
	if st := s.Status(); s.compress && st >= 200 && st != 204 && st != 304 && len(h["Content-Encoding"]) == 0 {
		h.Add("Vary", "Accept-Encoding")
		if coding := acceptedCoding(req.Header.Values("Accept-Encoding")); coding != "" {
			h["Content-Encoding"] = []string{coding}
			delete(h, "Content-Length")
			if req.Method != http.MethodHead { // HEAD: the headers GET would send
				if coding == "gzip" {
					s.zw = gzip.NewWriter(req.w)
				} else {
					s.zw = zlib.NewWriter(req.w)
				}
			}
		}
	}
	s.req, s.prepared = req, true
	req.kind = KindStream
	req.writeHeader(s.Status())
	if err := req.prepareErr(); err != nil {
		return err // a prepare hook failed: a 500 went out instead
	}
	// The headers go out now, after net/http discards a body the handler
	// left unread: bounded by the idle timeout like any answer's. The bound
	// is lifted once they are out (net/http lifts it too when the discard
	// reaches the body's end), since the stream goes on.
	rc := http.NewResponseController(req.w)
	bounded := req.boundUnreadBody()
	rc.Flush()
	if bounded {
		rc.SetReadDeadline(time.Time{})
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
	var n int
	var err error
	if s.zw != nil {
		if n, err = s.zw.Write(p); err == nil {
			err = s.zw.Flush()
		}
	} else {
		n, err = s.req.w.Write(p)
	}
	if err == nil {
		err = http.NewResponseController(s.req.w).Flush()
		if errors.Is(err, http.ErrNotSupported) {
			err = nil // a writer that cannot flush still gets the bytes
		}
	}
	return n, err
}

// WriteEOF ends the body. It is idempotent; before Prepare it is an error.
func (s *StreamResponse) WriteEOF() error {
	if !s.prepared {
		return ErrNotPrepared
	}
	if s.zw != nil && !s.eof {
		s.eof = true
		return s.zw.Close() // the encoder's trailer
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
	if err := s.WriteEOF(); err != nil {
		req.clientGone(err) // the encoder's trailer could not be written
	}
	return nil
}

// acceptEncodings yields each coding the Accept-Encoding values name,
// lower-cased, with its quality (1 when not given); an item whose q does not
// parse is skipped.
func acceptEncodings(values []string) iter.Seq2[string, float64] {
	return func(yield func(string, float64) bool) {
		for _, v := range values {
			for _, item := range strings.Split(v, ",") {
				name, params, _ := strings.Cut(strings.TrimSpace(item), ";")
				weight := 1.0
				if k, val, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
					f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
					if err != nil {
						continue
					}
					weight = f
				}
				if !yield(strings.ToLower(strings.TrimSpace(name)), weight) {
					return
				}
			}
		}
	}
}

// acceptedCoding picks the content coding for a compressed response from
// the Accept-Encoding values: gzip or deflate, whichever has the higher
// quality (gzip on a tie; "*" stands for gzip), or "" when neither is
// acceptable.
func acceptedCoding(values []string) string {
	gz, df, star := -1.0, -1.0, -1.0 // -1: not mentioned
	for name, weight := range acceptEncodings(values) {
		switch name {
		case "gzip", "x-gzip":
			gz = weight
		case "deflate":
			df = weight
		case "*":
			star = weight
		}
	}
	if gz < 0 {
		gz = star
	}
	switch {
	case gz > 0 && gz >= df:
		return "gzip"
	case df > 0:
		return "deflate"
	}
	return ""
}

// compress encodes b with the coding ("gzip", or "deflate": zlib format,
// as aiohttp and browsers mean it).
func compress(coding string, b []byte) []byte {
	var buf bytes.Buffer
	var w io.WriteCloser
	if coding == "gzip" {
		w = gzip.NewWriter(&buf)
	} else {
		w = zlib.NewWriter(&buf)
	}
	w.Write(b)
	w.Close()
	return buf.Bytes()
}
