// body.go owns how a request body is read: the size limit counted on the
// decoded bytes (413 naming the bytes read), gzip and deflate request bodies
// decoded (aiohttp's auto_decompress), the body idle timeout (408), reading
// into memory without amplification, BodyExists and CanReadBody, and
// Request.Clone.

package aioweb

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// bodyConfig holds the application's body settings (zero values: defaults).
type bodyConfig struct {
	idleTimeout  time.Duration // 0: DefaultBodyIdleTimeout; negative: off
	noDecompress bool
	maxFields    int // 0: DefaultMaxFormFields; negative: no limit
}

// BodyExists reports whether the request carries a body, read or not
// (aiohttp's body_exists).
func (req *Request) BodyExists() bool {
	return req.r.Body != nil && req.r.Body != http.NoBody && req.r.ContentLength != 0
}

// CanReadBody reports whether some of the body is still unread (aiohttp's
// can_read_body): false without a body and once Read, Post or a reader
// reached its end.
func (req *Request) CanReadBody() bool {
	return req.BodyExists() && !req.bx().more.bodyEOF
}

// bx returns the state that a request shares with its clones: the body,
// the form, the uploads and the end-of-request cleanups.
func (req *Request) bx() *requestExt { return req.root().x() }

// root returns the request this one was cloned from, or req.
func (req *Request) root() *Request {
	if req.ext != nil && req.ext.more.root != nil {
		return req.ext.more.root
	}
	return req
}

// bodyMore is the body state body.go and upload.go keep per request.
type bodyMore struct {
	root    *Request     // the request this one was cloned from
	bodyEOF bool         // the body reader reached its end
	bodyBad bool         // reading the body failed (a timeout, a broken connection)
	spool   *uploadSpool // the request's spilled uploads
}

// bodyReader returns the body decoded and limited to the app's
// ClientMaxSize, with the idle timeout applied. Reading past the limit
// fails with a 413 *HTTPException naming the bytes read; a stalled body
// with a 408.
func (req *Request) bodyReader() (io.Reader, error) {
	return req.openBody(true)
}

func (req *Request) openBody(limited bool) (io.Reader, error) {
	bx := req.bx()
	limit := req.App.ClientMaxSize()
	enc := req.contentEncoding()
	if limited && limit >= 0 && enc == "" && req.r.ContentLength > limit && req.root().expectPending() {
		// The client waits for 100 Continue: refuse without inviting the
		// body (the connection ends after the answer).
		return nil, HTTPRequestEntityTooLarge(WithText(fmt.Sprintf(
			"Maximum request body size %d exceeded, Content-Length %d", limit, req.r.ContentLength)))
	}
	bx.continueSent = true // net/http sends 100 Continue on the first read
	var rd io.Reader = &idleReader{req: req, src: req.r.Body, d: req.idleTimeout()}
	if enc != "" {
		rd = &decodeReader{src: rd, enc: enc}
	}
	if limited && limit >= 0 {
		rd = &limitReader{src: rd, limit: limit}
	}
	return rd, nil
}

// contentEncoding returns the encoding to decode ("gzip" or "deflate"), or
// "" when the body is to be taken as it is.
func (req *Request) contentEncoding() string {
	if req.App.body.noDecompress {
		return ""
	}
	switch strings.ToLower(strings.TrimSpace(req.r.Header.Get("Content-Encoding"))) {
	case "gzip", "x-gzip":
		return "gzip"
	case "deflate":
		return "deflate"
	}
	return ""
}

// boundUnreadBody runs before a response's headers go out (after the
// handler returned, or in StreamResponse.Prepare): net/http reads and
// discards up to 256 KiB of a body the handler left unread before it
// answers, and would wait forever on a client that stopped sending. The
// idle timeout bounds that wait too. It reports whether it set the
// connection's read deadline, which a caller that goes on serving (a
// stream) clears once the headers are out.
func (req *Request) boundUnreadBody() bool {
	r := req.r
	if req.hijacked || r.ProtoMajor != 1 || r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody ||
		req.ext != nil && (req.ext.more.bodyEOF || req.ext.more.bodyBad) {
		return false // read to the end, or failed: its deadline (if any) stays
	}
	if _, ok := r.Header["Expect"]; ok {
		return false // a client still waiting for 100 Continue is handled by expect.go
	}
	d := req.idleTimeout()
	if d <= 0 {
		return false
	}
	if r.ContentLength > 0 {
		// A zero-length read never blocks on an HTTP/1 body of known
		// length; io.EOF means the handler read it all itself.
		if _, err := r.Body.Read(nil); err != nil {
			return false
		}
	}
	return http.NewResponseController(req.w).SetReadDeadline(time.Now().Add(d)) == nil
}

// idleTimeout returns the body idle timeout that applies to this request:
// none when the server has a ReadTimeout (that deadline stays).
func (req *Request) idleTimeout() time.Duration {
	if srv, ok := req.r.Context().Value(http.ServerContextKey).(*http.Server); ok && srv.ReadTimeout > 0 {
		return 0
	}
	return req.App.BodyIdleTimeout()
}

// idleReader ends a body that sends nothing for d: it moves the connection's
// read deadline forward before each read and clears it at the end.
type idleReader struct {
	req *Request
	src io.Reader
	d   time.Duration
	rc  *http.ResponseController
}

func (r *idleReader) Read(p []byte) (int, error) {
	if r.d > 0 {
		if r.rc == nil {
			r.rc = http.NewResponseController(r.req.w)
		}
		if err := r.rc.SetReadDeadline(time.Now().Add(r.d)); err != nil {
			r.d = 0 // not supported by this writer: no idle timeout
		}
	}
	n, err := r.src.Read(p)
	if err == nil {
		return n, nil
	}
	if err == io.EOF {
		if r.d > 0 {
			r.rc.SetReadDeadline(time.Time{})
		}
		r.req.bx().more.bodyEOF = true
		return n, err
	}
	// Any other error keeps the deadline: net/http may still discard the
	// rest of the body before answering, and must not wait forever.
	r.req.bx().more.bodyBad = true
	if errors.Is(err, os.ErrDeadlineExceeded) {
		text := "408: Request Timeout: the request body took too long" // the server's ReadTimeout
		if r.d > 0 {
			text = fmt.Sprintf("408: Request Timeout: no request body data for %v", r.d)
		}
		return n, fmt.Errorf("%w: %w", HTTPRequestTimeout(WithText(text)), err)
	}
	return n, err
}

// limitReader fails once more than limit bytes came through, with a 413
// that names how many bytes were read (aiohttp's text).
type limitReader struct {
	src      io.Reader
	limit, n int64
	err      error
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.src.Read(p)
	l.n += int64(n)
	if l.n > l.limit {
		l.err = tooLarge(l.limit, l.n)
		return 0, l.err
	}
	return n, err
}

func tooLarge(limit, actual int64) *HTTPException {
	return HTTPRequestEntityTooLarge(WithText(fmt.Sprintf(
		"Maximum request body size %d exceeded, actual body size %d", limit, actual)))
}

// decodeReader decodes a gzip or deflate body, opening the decoder on the
// first read. A deflate body is zlib-wrapped (RFC 9110) or, as some clients
// send it and aiohttp accepts, raw.
type decodeReader struct {
	src io.Reader
	enc string
	dec io.Reader
	err error
}

func (d *decodeReader) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if d.dec == nil {
		d.dec, d.err = d.open()
		if d.err != nil {
			d.err = d.fail(d.err)
			return 0, d.err
		}
	}
	n, err := d.dec.Read(p)
	if err != nil && err != io.EOF {
		d.err = d.fail(err)
		return n, d.err
	}
	return n, err
}

func (d *decodeReader) open() (io.Reader, error) {
	br := bufio.NewReader(d.src)
	if d.enc == "gzip" {
		return gzip.NewReader(br)
	}
	h, err := br.Peek(2)
	if err != nil {
		return nil, err
	}
	if h[0]&0x0f == 8 && (uint16(h[0])<<8|uint16(h[1]))%31 == 0 {
		return zlib.NewReader(br)
	}
	return flate.NewReader(br), nil
}

// fail keeps errors from below (408, a broken connection) and calls any
// other a 400: the body does not decode.
func (d *decodeReader) fail(err error) error {
	var exc *HTTPException
	if errors.As(err, &exc) || errors.Is(err, os.ErrDeadlineExceeded) {
		return err
	}
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) {
		return err
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w: %w", HTTPBadRequest(WithText(fmt.Sprintf(
		"400: Bad Request: cannot decode Content-Encoding %s: %v", d.enc, err))), err)
}

// readBody reads rd to its end into one buffer of exactly the body's size
// when the length is known (size >= 0), else through chunks joined once, so
// the body costs at most twice its size while read and once after. each,
// when set, sees every chunk as it arrives and may stop the read.
func readBody(rd io.Reader, size int64, each func([]byte) error) ([]byte, error) {
	if size >= 0 {
		buf := make([]byte, size)
		off := 0
		for {
			if off == len(buf) {
				var one [1]byte
				n, err := rd.Read(one[:])
				if n > 0 { // more than announced: keep it
					buf = append(buf, one[0])
					off++
				}
				if err == io.EOF {
					return buf[:off], nil
				}
				if err != nil {
					return nil, err
				}
				continue
			}
			n, err := rd.Read(buf[off:min(len(buf), off+64<<10)])
			if n > 0 && each != nil {
				if ferr := each(buf[off : off+n]); ferr != nil {
					return nil, ferr
				}
			}
			off += n
			if err == io.EOF {
				return buf[:off], nil
			}
			if err != nil {
				return nil, err
			}
		}
	}
	var chunks [][]byte
	total, next := 0, 4<<10
	for {
		c := make([]byte, next)
		n, err := io.ReadFull(rd, c)
		if n > 0 {
			if each != nil {
				if ferr := each(c[:n]); ferr != nil {
					return nil, ferr
				}
			}
			chunks = append(chunks, c[:n])
			total += n
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
		next = min(next*2, 1<<20)
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	out := make([]byte, 0, total)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out, nil
}

// knownSize returns the body's length when it is certain before reading:
// announced, not encoded and within the limit; else -1.
func (req *Request) knownSize() int64 {
	n := req.r.ContentLength
	if n < 0 || req.contentEncoding() != "" {
		return -1
	}
	if limit := req.App.ClientMaxSize(); limit >= 0 && n > limit {
		return -1 // read in chunks until the limit passes
	}
	return n
}

// CloneOptions says what Request.Clone changes; zero fields keep the
// original's value.
type CloneOptions struct {
	// Method replaces the method (upper-cased).
	Method string
	// RelURL replaces the path and query: "/new/path?x=1". It must be
	// relative (no scheme or host).
	RelURL string
	// Headers replaces every header (aiohttp's headers=); it is copied.
	Headers http.Header
}

// Clone returns a copy of the request with the method, URL or headers
// changed, for middlewares that pass a modified request on (aiohttp's
// request.clone(method=, rel_url=, headers=)). As in aiohttp, MatchInfo and
// Route stay those of the original (no new routing), per-request values
// are copied, and the body is shared: the clone reads the same body, which
// cannot have been read yet. The handler's result is sent as usual; the
// clone's uploads and cleanups end with the original request.
func (req *Request) Clone(o CloneOptions) (*Request, error) {
	root := req.root()
	if bx := root.x(); bx.bodyRead || bx.more.bodyEOF {
		return nil, errors.New("aioweb: cannot clone a request after reading its body")
	}
	r := req.r.Clone(req.r.Context())
	if o.Method != "" {
		r.Method = strings.ToUpper(o.Method)
	}
	if o.RelURL != "" {
		u, err := url.Parse(o.RelURL)
		if err != nil {
			return nil, fmt.Errorf("aioweb: Clone: RelURL: %w", err)
		}
		if u.IsAbs() || u.Host != "" {
			return nil, fmt.Errorf("aioweb: Clone: RelURL %q is not relative", o.RelURL)
		}
		if !strings.HasPrefix(u.Path, "/") {
			return nil, fmt.Errorf("aioweb: Clone: RelURL %q does not start with /", o.RelURL)
		}
		r.URL.Path, r.URL.RawPath, r.URL.RawQuery, r.URL.Fragment = u.Path, u.RawPath, u.RawQuery, ""
		r.RequestURI = u.RequestURI()
	}
	if o.Headers != nil {
		r.Header = o.Headers.Clone()
	}
	c := &Request{
		Method: r.Method, Path: r.URL.Path, Header: r.Header, MatchInfo: req.MatchInfo,
		Route: req.Route, App: req.App, r: r, w: req.w, routeErr: req.routeErr,
		started: req.started, hijacked: req.hijacked,
	}
	c.x().more.root = root
	if req.ext != nil && req.ext.values != nil {
		c.ext.values = make(map[string]any, len(req.ext.values))
		for k, v := range req.ext.values {
			c.ext.values[k] = v
		}
	}
	return c, nil
}
