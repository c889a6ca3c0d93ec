// request.go owns the Request a handler gets (aiohttp's web.Request): its
// accessors, HTTPVersion, reading the body whole (Read, Text, JSON; the
// body pipeline and its limits are in body.go), the query, cookies and
// per-request values, and MultiDict.

package aioweb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// HTTPVersion is a request's HTTP version: aiohttp's HttpVersion, named by
// Go's initialism rule.
type HTTPVersion uint16

// HTTP versions; compare with req.Version.
const (
	HTTPVersion10 HTTPVersion = 0x0100
	HTTPVersion11 HTTPVersion = 0x0101
	HTTPVersion20 HTTPVersion = 0x0200
)

// Major returns the major version number.
func (v HTTPVersion) Major() int { return int(v >> 8) }

// Minor returns the minor version number.
func (v HTTPVersion) Minor() int { return int(v & 0xff) }

// String returns "HTTP/major.minor".
func (v HTTPVersion) String() string {
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
	// App is the application serving the request: while a
	// sub-application's middlewares and handler run, that sub-application.
	// It is set back as the parents' middlewares resume, so a goroutine
	// that outlives a sub-application's handler copies it first. Likewise
	// an HTTPMiddleware sets back its request (Context, HTTPRequest, and
	// Header if it passed other headers) when its next handler returns.
	// No other field is written once the handler returned.
	App *Application

	r        *http.Request
	w        http.ResponseWriter
	routeErr *HTTPException
	started  bool // a response has begun: nothing else may be sent
	hijacked bool // the connection belongs to a WebSocket or the handler

	wroteHeader bool         // the status went out through writeHeader (send.go)
	raw         bool         // the handler wrote through ResponseWriter
	kind        ResponseKind // what is being sent, for prepare hooks (signals.go)
	// MatchInfo is not yet set as path values on r (see HTTPRequest)
	needPathValues bool
	respHeaderOK   bool        // finish checked respHeader: prepareHeader need not
	respHeader     http.Header // ResponseHeader: merged into whatever is sent
	rw             rawWriter   // what ResponseWriter returns

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
	continueSent bool     // WriteContinue has nothing more to do
	watching     bool     // the client waits for 100 Continue (see watchBody)
	bodyAsked    bool     // the body was read: net/http sent 100 Continue
	wrote100     bool     // WriteContinue sent 100 Continue
	done         []func() // run when the request ends, even after a panic
	more         bodyMore // body.go: clones, the body's end, uploads

	prepareErr  error       // a prepare hook failed: its 500 is out (signals.go)
	outerHeader http.Header // an outer handler's headers, kept for that 500
	// outerEncoding is the Content-Encoding an outer handler set before
	// aioweb ran: an outer compressing writer encodes what aioweb writes,
	// so aioweb's own 500 keeps it (send.go, set500Header).
	outerEncoding []string
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
	req.x().done = nil
}

// HTTPRequest returns the *http.Request, with MatchInfo as its path values
// (r.PathValue(name)). aioweb never changes the *http.Request its caller
// passed to ServeHTTP: when the request needs changes (an upper-cased
// method, path values), this is a copy.
func (req *Request) HTTPRequest() *http.Request {
	if req.needPathValues {
		req.needPathValues = false
		r := req.r.Clone(req.r.Context())
		r.Header = req.r.Header // one header map for req.Header and r.Header
		for k, v := range req.MatchInfo {
			r.SetPathValue(k, v)
		}
		req.r = r
	}
	if p := req.pattern(); req.r.Pattern != p {
		r := *req.r // the matched route's pattern, as ServeMux sets it
		r.Pattern = p
		req.r = &r
	}
	return req.r
}

// pattern is the matched route's pattern after the application's
// WithPrefix, "" when the request resolved to no route.
func (req *Request) pattern() string {
	if req.Route == nil || req.Route.router == nil {
		return ""
	}
	return req.Route.router.prefix + req.Route.pattern
}

// mountPrefix is the WithPrefix of the application whose router matched req.
func (req *Request) mountPrefix() string {
	if req.Route == nil || req.Route.router == nil {
		return ""
	}
	return req.Route.router.prefix
}

// ResponseWriter returns the http.ResponseWriter for code that writes the
// response itself. Once the handler has written through it (WriteHeader,
// Write, Flush or Hijack), the response is the handler's: return Sent (or
// nil, nil) and aioweb sends nothing more; a returned response or error is
// then logged and not sent. The headers from ResponseHeader are merged when
// the status goes out. It is the writer net/http gave, wrapped: Unwrap
// returns that writer, and http.NewResponseController reaches its
// capabilities (Flush, Hijack, deadlines).
func (req *Request) ResponseWriter() http.ResponseWriter {
	req.rw.req = req
	return &req.rw
}

// Context returns the request's context, canceled when the client goes away.
func (req *Request) Context() context.Context { return req.r.Context() }

// SetContext replaces the request's context, as a net/http middleware does
// with r.WithContext: from then on the handler, the middlewares it calls,
// WrapHandler'd handlers and HTTPRequest see ctx (on a shallow copy of the
// *http.Request; the one aioweb got is not changed). Middlewares share one
// Request, so the change outlives the middleware that made it, except that
// HTTPMiddleware gives the middlewares outside it their request back when
// its net/http middleware returns. Derive ctx from req.Context() so that
// cancellation and the values already there pass on. It panics on a nil
// ctx, as r.WithContext does.
func (req *Request) SetContext(ctx context.Context) {
	if ctx == nil {
		panic("aioweb: Request.SetContext(nil)")
	}
	req.r = req.r.WithContext(ctx)
}

// Version returns the HTTP version.
func (req *Request) Version() HTTPVersion {
	return HTTPVersion(req.r.ProtoMajor<<8 | req.r.ProtoMinor)
}

// Host returns the request's host (aiohttp's host): the Host header as
// sent, port included ("example.com:8080", "[::1]:8080"), or for a target
// in absolute form the target's host and port, as net/http sets it. It is
// "" for an HTTP/1.0 request without Host, where aiohttp falls back to the
// server's own name (doc.go).
func (req *Request) Host() string { return req.r.Host }

// RawPath returns the request target as sent: the percent-encoded path
// with its query (aiohttp's raw_path, which PathQS equals for requests in
// origin form). For the path alone, percent-encoded, use
// HTTPRequest().URL.EscapedPath().
func (req *Request) RawPath() string {
	if req.r.RequestURI != "" {
		return req.r.RequestURI
	}
	return req.r.URL.RequestURI()
}

// PathQS returns the raw path and query (aiohttp's path_qs).
func (req *Request) PathQS() string {
	u := req.r.URL
	if u.ForceQuery && u.RawQuery == "" {
		c := *u // "/x?": aiohttp's path_qs is "/x"
		c.ForceQuery = false
		return c.RequestURI()
	}
	return u.RequestURI()
}

// QueryString returns the query string as sent, still percent-encoded
// (aiohttp's query_string is decoded: see doc.go).
func (req *Request) QueryString() string { return req.r.URL.RawQuery }

// Query returns the parsed query string (aiohttp's GET / query): repeated
// keys kept in order, blank values kept, '+' decoded as a space, and a '%'
// not followed by two hex digits kept as it is ("a%20b%zz" is "a b%zz").
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

// Cookies returns the request cookies by name (aiohttp's cookies), parsed
// as aiohttp's SimpleCookie parses the Cookie header: pairs end at ';' or
// whitespace, spaces around '=' are allowed, a quoted value ("x y") is
// unquoted with its backslash and octal escapes decoded ("\"" is '"',
// "\351" is 'é'), names starting with '$' are ignored, and ',', '=', '[]',
// '{}' and the like may appear in values. Unlike aiohttp (see doc.go), every
// Cookie line is read, the first of repeated names wins, a malformed item
// (or a name with a character such as '(' or '/') is skipped and the rest
// still read, and "path", "domain" and the other Set-Cookie attribute names
// are ordinary cookies. A hostile header's cost is bounded: at most
// MaxCookies items are read, and at most 16 KiB of items of unusual shape
// (spaces around '=', an expires date, a malformed item).
func (req *Request) Cookies() map[string]string {
	if req.x().cookies == nil {
		cookies := map[string]string{}
		budget := cookieBudget{items: MaxCookies, slowBytes: maxCookieSlowBytes}
		for _, line := range req.r.Header["Cookie"] {
			parseCookieLine(line, cookies, &budget, false)
		}
		req.x().cookies = cookies
	}
	return req.x().cookies
}

// MaxCookies bounds the items Cookies reads from a request's Cookie lines,
// as net/http's httpcookiemaxnum default (3000) bounds Request.Cookies: the
// items after it, malformed ones included in the count, are not read.
const MaxCookies = 3000

// maxCookieSlowBytes bounds the bytes of a request's Cookie lines that go
// through the regular expression: the items of unusual shape (spaces
// around '=', an expires date, a malformed item). Past it the rest of the
// header is not read, so a hostile header costs microseconds per KiB, not
// the expression's quarter of a microsecond per byte.
const maxCookieSlowBytes = 16 << 10

// cookieBudget is what is left of MaxCookies and maxCookieSlowBytes.
type cookieBudget struct{ items, slowBytes int }

// Cookie grammar of Python's http.cookies (ASCII \w and \s), which
// aiohttp's request.cookies uses.
const (
	cookieSpace     = `[\t\n\v\f\r ]`
	cookieKeyChars  = "A-Za-z0-9_!#%&'~`><@,:/$*+\\-.^|)(?}{="
	cookieValueChar = "[" + cookieKeyChars + `\[\]]`
)

// cookieItem matches one cookie at the start of a string: the name, an
// optional '=' and value (quoted, an expires date or plain), and its end
// (whitespace, ';' or the end of the header).
var cookieItem = regexp.MustCompile(`^` + cookieSpace + `*([` + cookieKeyChars + `]+?)` +
	`(?:` + cookieSpace + `*=` + cookieSpace + `*(` +
	`"(?:[^\\"]|\\.)*"` +
	`|[A-Za-z0-9_]{3},` + cookieSpace + `[A-Za-z0-9_\t\n\v\f\r -]{9,11}` + cookieSpace + `[0-9:]{8}` + cookieSpace + `GMT` +
	`|` + cookieValueChar + `*))?` + cookieSpace + `*(?:` + cookieSpace + `+|;|$)`)

// parseCookieLine adds the cookies of one Cookie line to m, keeping names
// already there, within budget. Items of the usual shape (name=value,
// name="quoted", a bare name) are read by plainCookieItem; the others by
// the regular expression, given only the item's extent (cookieItemEnd) and
// only while slowBytes lasts. exact (for tests) reads every item with the
// expression over the whole rest of the line, with no budget: the answer
// must be the same where the budget does not run out (FuzzCookieFastPath).
func parseCookieLine(s string, m map[string]string, b *cookieBudget, exact bool) {
	for s != "" && (exact || b.items > 0) {
		if !exact {
			b.items--
			if name, value, hasValue, rest, ok := plainCookieItem(s); ok {
				addCookie(m, name, value, hasValue)
				s = rest
				continue
			}
		}
		s = strings.TrimLeft(s, " \t\n\v\f\r") // what the expression would skip
		if s == "" {
			return
		}
		w := s
		if !exact {
			if w = s[:cookieItemEnd(s)]; len(w) > b.slowBytes {
				b.slowBytes = 0
				return
			}
			b.slowBytes -= len(w)
		}
		loc := cookieItem.FindStringSubmatchIndex(w)
		if loc == nil {
			// Malformed (a byte the grammar refuses, an unclosed quote):
			// skip to the next ';' (aiohttp drops this and what follows).
			_, rest, ok := strings.Cut(s, ";")
			if !ok {
				return
			}
			s = rest
			continue
		}
		addCookie(m, s[loc[2]:loc[3]], s[max(loc[4], 0):max(loc[5], 0)], loc[4] >= 0)
		s = s[loc[1]:]
	}
}

func addCookie(m map[string]string, name, value string, hasValue bool) {
	if hasValue && name[0] != '$' && isCookieName(name) {
		if _, dup := m[name]; !dup {
			m[name] = unquoteCookie(value)
		}
	}
}

// cookieItemEnd returns where the item at the start of s can end at the
// latest: just after the first ';' outside its quoted value, or the end of
// s. The expression cannot match past it (';' and '"' are in no name or
// unquoted value, and only the first '"' can open a quoted value), and
// cannot match differently within it, because the only place it may meet
// that end is its own ';' or end of input.
func cookieItemEnd(s string) int {
	semi := strings.IndexByte(s, ';')
	head := s
	if semi >= 0 {
		head = s[:semi]
	}
	q := strings.IndexByte(head, '"')
	if q < 0 {
		if semi >= 0 {
			return semi + 1
		}
		return len(s)
	}
	for k := q + 1; k < len(s); k++ {
		switch s[k] {
		case '\\':
			k++
		case '"':
			if semi := strings.IndexByte(s[k:], ';'); semi >= 0 {
				return k + semi + 1
			}
			return len(s)
		}
	}
	return len(s)
}

// cookieKey and cookieValue are cookieKeyChars and cookieValueChar as byte
// tables.
var cookieKey, cookieValue = func() (k, v [256]bool) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		k[c] = 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' ||
			strings.IndexByte("_!#%&'~`><@,:/$*+-.^|)(?}{=", b) >= 0
		v[c] = k[c] || b == '[' || b == ']'
	}
	return k, v
}()

func isCookieSpace(c byte) bool { return c == ' ' || '\t' <= c && c <= '\r' }

// plainCookieItem reads one item of the usual shape at the start of s:
// optional whitespace, a name, then '=' and a plain or quoted value, or
// nothing; then whitespace, ';' or the end. ok is false for any other shape
// (spaces around '=', an expires date, a byte the grammar refuses), which
// the regular expression then reads. The name is the shortest the grammar
// allows: up to the first '=' after its first byte.
func plainCookieItem(s string) (name, value string, hasValue bool, rest string, ok bool) {
	i := 0
	for i < len(s) && isCookieSpace(s[i]) {
		i++
	}
	if i == len(s) || !cookieKey[s[i]] {
		return
	}
	j := i + 1
	for j < len(s) && cookieKey[s[j]] && s[j] != '=' {
		j++
	}
	name, end := s[i:j], j
	switch {
	case j < len(s) && s[j] == '=':
		k := j + 1
		if k < len(s) && s[k] == '"' {
			for k++; k < len(s) && s[k] != '"'; k++ {
				if s[k] == '\\' {
					if k+1 == len(s) || s[k+1] == '\n' {
						return
					}
					k++
				}
			}
			if k == len(s) {
				return // unclosed
			}
			k++
			value = s[j+1 : k]
		} else {
			for k < len(s) && cookieValue[s[k]] {
				k++
			}
			value = s[j+1 : k]
			if k == j+1 && k < len(s) && isCookieSpace(s[k]) {
				return // "name= value"
			}
			if len(value) == 4 && value[3] == ',' && k < len(s) {
				return // maybe an expires date ("Wed, 09 Jun 2021 10:18:14 GMT")
			}
		}
		if k < len(s) && s[k] != ';' && !isCookieSpace(s[k]) {
			return // a byte no value may hold after it
		}
		hasValue, end = true, k
	case j < len(s) && s[j] != ';' && !isCookieSpace(s[j]):
		return
	}
	for end < len(s) && isCookieSpace(s[end]) {
		end++
	}
	if !hasValue && end < len(s) && s[end] == '=' {
		return // "name = value"
	}
	if end < len(s) && s[end] == ';' {
		end++
	}
	return name, value, hasValue, s[end:], true
}

// unquoteCookie removes a quoted value's quotes and decodes its escapes:
// a backslash and three octal digits (up to \377) is that code point, a
// backslash and any other character that character, as Python's
// http.cookies does. An unquoted value is returned as it is.
func unquoteCookie(v string) string {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return v
	}
	v = v[1 : len(v)-1]
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i+1 == len(v) {
			b.WriteByte(c)
			continue
		}
		if i+3 < len(v) && '0' <= v[i+1] && v[i+1] <= '3' && isOctal(v[i+2]) && isOctal(v[i+3]) {
			b.WriteRune(rune(v[i+1]-'0')<<6 | rune(v[i+2]-'0')<<3 | rune(v[i+3]-'0'))
			i += 3
			continue
		}
		_, size := utf8.DecodeRuneInString(v[i+1:])
		b.WriteString(v[i+1 : i+1+size])
		i += size
	}
	return b.String()
}

// isCookieName reports whether every byte of name is one Python's
// http.cookies allows in a cookie name (the grammar matches more, such as
// '(' or '/': aiohttp then fails with a 500, aioweb skips the cookie).
func isCookieName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~:", c) >= 0) {
			return false
		}
	}
	return true
}

func isOctal(c byte) bool { return '0' <= c && c <= '7' }

// ContentType returns the media type of Content-Type, lower-cased and
// without parameters, as aiohttp's content_type: "application/octet-stream"
// when the header is absent, and "text/plain" when the type is not one
// type/subtype pair (RFC 2045 section 5.2: an empty or invalid type such as
// "bogus" is text/plain).
func (req *Request) ContentType() string {
	ct, ok := req.r.Header["Content-Type"]
	if !ok || len(ct) == 0 {
		return "application/octet-stream"
	}
	t, _, _ := strings.Cut(ct[0], ";")
	t = strings.ToLower(strings.TrimSpace(t))
	if strings.Count(t, "/") != 1 {
		return "text/plain"
	}
	return t
}

// Charset returns the charset parameter of Content-Type as sent (its case
// kept, quotes removed), or "" when there is none, as aiohttp's charset:
// the header is split at each ';' outside quotes, parameter names compared
// without case, and the last charset wins when there are several; an RFC
// 2231 charset (charset*=, charset*0=) is decoded and wins over a plain one.
func (req *Request) Charset() string {
	ct, ok := req.r.Header["Content-Type"]
	if !ok || len(ct) == 0 {
		return ""
	}
	charset, tried2231 := "", false
	for i, p := range splitParams(ct[0]) {
		name, value, ok := strings.Cut(p, "=")
		name = strings.TrimSpace(name)
		switch {
		case i == 0 || !ok || len(name) < len("charset"):
		case strings.EqualFold(name, "charset"):
			charset = unquoteParam(strings.TrimSpace(value))
		case len(name) >= len("charset*") && strings.EqualFold(name[:len("charset*")], "charset*") && !tried2231:
			// RFC 2231 (charset*=us-ascii''utf-8, charset*0=...): it
			// wins, as in aiohttp, which joins continuations but
			// returns a tuple for an encoded value. Parsed once: the
			// header's cost stays linear whatever it repeats.
			tried2231 = true
			if _, params, err := mime.ParseMediaType(ct[0]); err == nil && params["charset"] != "" {
				return params["charset"]
			}
		}
	}
	return charset
}

// splitParams splits a header value at each ';' outside double quotes (a
// '\\"' is no quote), as Python's email package does.
func splitParams(s string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '"':
			i++
		case s[i] == '"':
			quoted = !quoted
		case s[i] == ';' && !quoted:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// unquoteParam removes the quotes (or angle brackets) around a parameter
// value as Python's email.utils.unquote does.
func unquoteParam(v string) string {
	if len(v) > 1 {
		if v[0] == '"' && v[len(v)-1] == '"' {
			v = strings.ReplaceAll(v[1:len(v)-1], `\\`, `\`)
			return strings.ReplaceAll(v, `\"`, `"`)
		}
		if v[0] == '<' && v[len(v)-1] == '>' {
			return v[1 : len(v)-1]
		}
	}
	return v
}

// ContentLength returns the value of the Content-Length header, or -1 when
// the request has none (aiohttp's content_length is None then): a request
// without a body and one sent chunked both give -1.
func (req *Request) ContentLength() int64 {
	if _, ok := req.r.Header["Content-Length"]; !ok {
		return -1
	}
	return req.r.ContentLength
}

// KeepAlive reports whether the connection may serve another request
// (aiohttp's keep_alive): HTTP/1.1 unless Connection has the "close"
// token, HTTP/1.0 only when Connection has the "keep-alive" token.
func (req *Request) KeepAlive() bool {
	if req.r.Close {
		return false
	}
	if req.r.ProtoMajor == 1 && req.r.ProtoMinor == 0 {
		for _, v := range req.r.Header["Connection"] {
			for tok := range strings.SplitSeq(v, ",") {
				if strings.EqualFold(strings.TrimSpace(tok), "keep-alive") {
					return true
				}
			}
		}
		return false
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

// Read reads the whole body, decoded (see WithAutoDecompress), at most
// App.ClientMaxSize bytes, and caches it: later calls return the same
// bytes. A larger body gives a 413 *HTTPException, a broken one a 400, one
// that stops arriving a 408 (see WithBodyIdleTimeout).
func (req *Request) Read() ([]byte, error) {
	bx := req.bx()
	if bx.bodyRead {
		return bx.body, bx.bodyErr
	}
	bx.bodyRead = true
	bx.body, bx.bodyErr = readLimited(req, nil)
	return bx.body, bx.bodyErr
}

// readLimited reads the limited body into memory; each sees every chunk.
func readLimited(req *Request, each func([]byte) error) ([]byte, error) {
	rd, err := req.bodyReader()
	if err != nil {
		return nil, err
	}
	b, err := readBody(rd, req.knownSize(), each)
	if err != nil {
		return nil, bodyError(req, err)
	}
	return b, nil
}

// bodyError maps a body read error to the HTTPException to answer.
func bodyError(req *Request, err error) error {
	var exc *HTTPException
	if errors.As(err, &exc) {
		return err
	}
	return fmt.Errorf("%w: %w", HTTPBadRequest(WithText("400: Bad Request: cannot read request body")), err)
}

// isUTF8Charset reports whether a charset parameter names UTF-8.
func isUTF8Charset(cs string) bool {
	return strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "utf8")
}

// isASCIICharset reports whether a charset parameter names US-ASCII (a
// subset of UTF-8 and of every ISO-8859 charset).
func isASCIICharset(cs string) bool {
	return strings.EqualFold(cs, "us-ascii") || strings.EqualFold(cs, "ascii")
}

// Text reads the body as a string. The body must be UTF-8 (or the charset
// must be utf-8/us-ascii); otherwise it is a 400.
func (req *Request) Text() (string, error) {
	b, err := req.Read()
	if err != nil {
		return "", err
	}
	if cs := strings.ToLower(req.Charset()); cs != "" && !isUTF8Charset(cs) && !isASCIICharset(cs) {
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
		var inv *json.InvalidUnmarshalError
		if errors.As(err, &inv) {
			return fmt.Errorf("aioweb: Request.JSON: %w", err) // the caller's mistake: a 500
		}
		return fmt.Errorf("%w: %w", HTTPBadRequest(WithText("400: Bad Request: invalid JSON body: "+jsonProblem(b, err))), err)
	}
	return nil
}

// jsonProblem says what is wrong with a JSON body, in the client's terms
// (JSON kinds and byte offsets, not Go types).
func jsonProblem(b []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case len(bytes.TrimSpace(b)) == 0:
		return "the body is empty"
	case errors.As(err, &syn):
		return fmt.Sprintf("%s at byte %d", strings.TrimPrefix(syn.Error(), "json: "), syn.Offset)
	case errors.As(err, &typ):
		where := "the body"
		if typ.Field != "" {
			where = strconv.Quote(typ.Field)
		}
		return fmt.Sprintf("%s is a JSON %s, want %s (at byte %d)", where, typ.Value, jsonKind(typ.Type), typ.Offset)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// jsonKind names the JSON kind a Go type decodes from.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return t.String()
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
