// accesslog.go owns the access log: aiohttp's AccessLogger format language,
// parsed once, and the http.ResponseWriter recorder that measures status,
// body bytes and duration at the writer (including hijacked WebSockets).

package aioweb

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/textproto"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultAccessLogFormat is aiohttp's AccessLogger.LOG_FORMAT, Apache's
// combined log format without the user fields.
const DefaultAccessLogFormat = `%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"`

// AccessLogger is aiohttp's AccessLogger: it logs one line per request in
// aiohttp's format language. Build it with NewAccessLogger (the zero value
// logs DefaultAccessLogFormat) and put it in front of any http.Handler with
// Wrap; RunApp does that by default (see RunAccessLogFormat).
//
// The directives are aiohttp's:
//
//	%%       a percent sign
//	%a       the peer's IP address (no port; a proxy's address behind one)
//	%t       when the request started, [02/Jan/2006:15:04:05 +0000] in UTC
//	%P       the process id, as <1234>
//	%r       the request line as sent: method, target, HTTP/1.1
//	%s       the response status
//	%b       the response body bytes written
//	%T       the time taken, in whole seconds (rounded)
//	%Tf      the time taken, in seconds with six decimals
//	%D       the time taken, in microseconds
//	%{Name}i a request header's first value, "-" if absent
//	%{Name}o a response header's first value when the status went out,
//	         "-" if absent (net/http's own Date is not seen)
//
// Status, bytes and duration are measured at the http.ResponseWriter, so
// the log says what went out: the 206 and its range length from a Range
// request, the 304 of a conditional FileResponse, a streamed body's total
// and duration, a WebSocket's 101 with the time until its connection
// closed (logged then, with 0 bytes, as aiohttp does), the 500 of a panic,
// and the bytes written before a client went away. A handler that panics
// before writing a status is logged as 500; a hijacked connection that
// never wrote one shows status "-".
//
// Set the fields before calling Wrap; the handler it returns is safe for
// concurrent use.
type AccessLogger struct {
	// Logger receives each line as the message of an Info record, with the
	// attributes logger ("aioweb.access"), status, bytes and duration. nil means slog.Default(), or
	// the application's logger when RunApp or NewServer build the log.
	// Lines are only formatted when the logger is enabled for Info.
	Logger *slog.Logger
	// Writer, when set, receives each line followed by "\n" instead of
	// Logger; writes are serialized and their errors ignored.
	Writer io.Writer

	format string
	parts  []logPart // nil: the default format's parts
	outs   int       // how many %{Name}o directives
	mu     sync.Mutex
}

// NewAccessLogger parses format ("" means DefaultAccessLogFormat) and
// returns a logger writing to slog.Default() until Logger or Writer is set.
// An unknown directive, a %{Name} without i or o, or a format ending in a
// lone % is an error.
func NewAccessLogger(format string) (*AccessLogger, error) {
	if format == "" {
		format = DefaultAccessLogFormat
	}
	parts, outs, err := parseAccessLogFormat(format)
	if err != nil {
		return nil, err
	}
	return &AccessLogger{format: format, parts: parts, outs: outs}, nil
}

// Format returns the format the logger was built with.
func (l *AccessLogger) Format() string {
	if l.parts == nil {
		return DefaultAccessLogFormat
	}
	return l.format
}

type logKind uint8

const (
	logLiteral logKind = iota
	logRemote
	logStart
	logPID
	logRequestLine
	logStatus
	logBytes
	logSeconds
	logSecondsFrac
	logMicros
	logRequestHeader
	logResponseHeader
)

type logPart struct {
	kind logKind
	text string // the literal, or the canonical header name
	out  int    // index of a %{Name}o among the response headers
}

var (
	defaultLogParts []logPart
	logPIDText      = "<" + strconv.Itoa(os.Getpid()) + ">"
)

func init() {
	var err error
	if defaultLogParts, _, err = parseAccessLogFormat(DefaultAccessLogFormat); err != nil {
		panic(err)
	}
}

// parseAccessLogFormat compiles an aiohttp access log format.
func parseAccessLogFormat(format string) (parts []logPart, outs int, err error) {
	bad := func(at int, why string) error {
		return fmt.Errorf("aioweb: access log format %q: %s at offset %d", format, why, at)
	}
	var lit []byte
	flush := func() {
		if len(lit) > 0 {
			parts = append(parts, logPart{kind: logLiteral, text: string(lit)})
			lit = lit[:0]
		}
	}
	for i := 0; i < len(format); {
		c := format[i]
		if c != '%' {
			lit = append(lit, c)
			i++
			continue
		}
		if i+1 == len(format) {
			return nil, 0, bad(i, "a lone % ends the format (write %% for a percent sign)")
		}
		d := format[i+1]
		var p logPart
		n := 2
		switch d {
		case '%':
			lit = append(lit, '%')
			i += 2
			continue
		case 'a':
			p.kind = logRemote
		case 't':
			p.kind = logStart
		case 'P':
			p.kind = logPID
		case 'r':
			p.kind = logRequestLine
		case 's':
			p.kind = logStatus
		case 'b':
			p.kind = logBytes
		case 'D':
			p.kind = logMicros
		case 'T':
			p.kind = logSeconds
			if i+2 < len(format) && format[i+2] == 'f' {
				p.kind, n = logSecondsFrac, 3
			}
		case '{':
			end := i + 2
			for end < len(format) && isLogHeaderChar(format[end]) {
				end++
			}
			if end == i+2 || end >= len(format) || format[end] != '}' {
				return nil, 0, bad(i, "%{ needs a header name of letters, digits, - or _ and a closing }")
			}
			if end+1 >= len(format) {
				return nil, 0, bad(i, "%{"+format[i+2:end]+"} needs i (request header) or o (response header) after it")
			}
			name := textproto.CanonicalMIMEHeaderKey(format[i+2 : end])
			switch format[end+1] {
			case 'i':
				p = logPart{kind: logRequestHeader, text: name}
			case 'o':
				p = logPart{kind: logResponseHeader, text: name, out: outs}
				outs++
			case 'e':
				return nil, 0, bad(i, "environment variables (%{NAME}e) are not supported (aiohttp 3.8 rejects them too)")
			default:
				return nil, 0, bad(i, "%{"+format[i+2:end]+"} needs i (request header) or o (response header) after it")
			}
			n = end + 2 - i
		default:
			return nil, 0, bad(i, fmt.Sprintf("unknown directive %%%c", d))
		}
		flush()
		parts = append(parts, p)
		i += n
	}
	flush()
	return parts, outs, nil
}

func isLogHeaderChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// Wrap returns h with every request logged. Its http.ResponseWriter keeps
// http.Flusher and, when the server's writer has it, http.Hijacker, and
// unwraps for http.ResponseController. Logger and Writer are read here:
// set them before.
func (l *AccessLogger) Wrap(h http.Handler) http.Handler { return l.wrap(h, nil) }

// wrap is Wrap with the logger to use when Logger is nil (nil:
// slog.Default()).
func (l *AccessLogger) wrap(h http.Handler, fallback *slog.Logger) http.Handler {
	a := &accessLogHandler{h: h, parts: l.parts, outs: l.outs, w: l.Writer, mu: &l.mu}
	if a.parts == nil {
		a.parts = defaultLogParts
	}
	if a.w == nil {
		logger := l.Logger
		if logger == nil {
			logger = fallback
		}
		if logger == nil {
			logger = slog.Default()
		}
		a.handler = logger.Handler()
	}
	return a
}

type accessLogHandler struct {
	h       http.Handler
	parts   []logPart
	outs    int
	w       io.Writer
	mu      *sync.Mutex
	handler slog.Handler
}

func (a *accessLogHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var rec *logRecorder
	var rw http.ResponseWriter
	if _, ok := w.(http.Hijacker); ok {
		hr := &logHijackRecorder{}
		rec, rw = &hr.logRecorder, hr
	} else {
		rec = &logRecorder{}
		rw = rec
	}
	rec.w, rec.a, rec.r, rec.method, rec.start = w, a, r, r.Method, time.Now()
	rec.pending.Store(1)
	panicking := true
	defer func() {
		if panicking && !rec.wrote && !rec.hijacked {
			rec.status = http.StatusInternalServerError
			rec.wrote = true
		}
		rec.release()
	}()
	a.h.ServeHTTP(rw, r)
	panicking = false
}

// logRecorder is the http.ResponseWriter the handler sees: it notes the
// status, the response headers the format asks for, and the body bytes.
type logRecorder struct {
	w       http.ResponseWriter
	a       *accessLogHandler
	r       *http.Request
	method  string
	start   time.Time
	status  int
	bytes   int64
	wrote   bool
	outs    []string // %{Name}o values as the headers went out
	pending atomic.Int32

	hijacked bool
}

// logHijackRecorder is a logRecorder over a writer that can be hijacked.
type logHijackRecorder struct{ logRecorder }

func (rec *logRecorder) Header() http.Header { return rec.w.Header() }

// Unwrap returns the server's writer, for http.ResponseController.
func (rec *logRecorder) Unwrap() http.ResponseWriter { return rec.w }

func (rec *logRecorder) WriteHeader(code int) {
	if !rec.wrote && !rec.hijacked && (code < 100 || code > 199 || code == http.StatusSwitchingProtocols) {
		rec.wroteStatus(code)
	}
	rec.w.WriteHeader(code)
}

func (rec *logRecorder) wroteStatus(code int) {
	rec.status, rec.wrote = code, true
	if n := rec.a.outs; n > 0 {
		rec.outs = make([]string, n)
		h := rec.w.Header()
		for _, p := range rec.a.parts {
			if p.kind == logResponseHeader {
				if v := h[p.text]; len(v) > 0 {
					rec.outs[p.out] = v[0]
				} else {
					rec.outs[p.out] = "-"
				}
			}
		}
	}
}

func (rec *logRecorder) Write(p []byte) (int, error) {
	if !rec.wrote && !rec.hijacked {
		rec.wroteStatus(http.StatusOK)
	}
	n, err := rec.w.Write(p)
	rec.bytes += int64(n)
	return n, err
}

func (rec *logRecorder) WriteString(s string) (int, error) {
	if !rec.wrote && !rec.hijacked {
		rec.wroteStatus(http.StatusOK)
	}
	var n int
	var err error
	if sw, ok := rec.w.(io.StringWriter); ok {
		n, err = sw.WriteString(s)
	} else {
		n, err = rec.w.Write([]byte(s))
	}
	rec.bytes += int64(n)
	return n, err
}

// ReadFrom keeps the server's sendfile path for files.
func (rec *logRecorder) ReadFrom(src io.Reader) (int64, error) {
	var n int64
	var err error
	if rf, ok := rec.w.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(src)
	} else {
		n, err = io.Copy(writerOnly{rec.w}, src)
	}
	if n > 0 && !rec.wrote && !rec.hijacked {
		rec.wroteStatus(http.StatusOK)
	}
	rec.bytes += n
	return n, err
}

type writerOnly struct{ io.Writer }

// Flush passes through to the server's writer.
func (rec *logRecorder) Flush() { _ = rec.FlushError() }

// FlushError flushes the server's writer and reports its error (the form
// http.ResponseController prefers).
func (rec *logRecorder) FlushError() error {
	if !rec.wrote && !rec.hijacked {
		rec.wroteStatus(http.StatusOK)
	}
	return http.NewResponseController(rec.w).Flush()
}

// Hijack hands over the connection; the request is logged once the
// handler has returned and the connection is closed.
func (hr *logHijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := hr.w.(http.Hijacker).Hijack()
	if err != nil {
		return c, brw, err
	}
	hr.hijacked = true
	hr.pending.Add(1)
	return &loggedConn{Conn: c, rec: &hr.logRecorder}, brw, nil
}

// loggedConn is a hijacked connection whose Close completes the log entry.
type loggedConn struct {
	net.Conn
	rec    *logRecorder
	closed atomic.Bool
}

func (c *loggedConn) Close() error {
	err := c.Conn.Close()
	if c.closed.CompareAndSwap(false, true) {
		c.rec.release()
	}
	return err
}

// release ends one of the two things a log entry waits for (the handler,
// and a hijacked connection), and logs after the last.
func (rec *logRecorder) release() {
	if rec.pending.Add(-1) == 0 {
		rec.a.log(rec, time.Now())
	}
}

var logBufPool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

func (a *accessLogHandler) log(rec *logRecorder, end time.Time) {
	ctx := rec.r.Context()
	if a.w == nil && !a.handler.Enabled(ctx, slog.LevelInfo) {
		return
	}
	if !rec.wrote && !rec.hijacked {
		rec.wroteStatus(http.StatusOK) // net/http sends 200 for a handler that wrote nothing
	}
	dur := end.Sub(rec.start)
	bp := logBufPool.Get().(*[]byte)
	b := a.appendLine((*bp)[:0], rec, dur)
	if a.w != nil {
		b = append(b, '\n')
		a.mu.Lock()
		a.w.Write(b)
		a.mu.Unlock()
	} else {
		r := slog.NewRecord(end, slog.LevelInfo, string(b), 0)
		r.AddAttrs(slog.String("logger", "aioweb.access"), slog.Int("status", rec.status),
			slog.Int64("bytes", rec.bytes), slog.Duration("duration", dur))
		a.handler.Handle(ctx, r)
	}
	if cap(b) <= 64<<10 {
		*bp = b
		logBufPool.Put(bp)
	}
}

// appendLine formats one line for rec.
func (a *accessLogHandler) appendLine(b []byte, rec *logRecorder, dur time.Duration) []byte {
	r := rec.r
	for _, p := range a.parts {
		switch p.kind {
		case logLiteral:
			b = append(b, p.text...)
		case logRemote:
			b = appendLogSafe(b, remoteIP(r.RemoteAddr))
		case logStart:
			b = rec.start.UTC().AppendFormat(b, "[02/Jan/2006:15:04:05")
			b = append(b, " +0000]"...)
		case logPID:
			b = append(b, logPIDText...)
		case logRequestLine:
			b = appendLogSafe(b, rec.method)
			b = append(b, ' ')
			if t := r.RequestURI; t != "" && t[0] == '/' || t == "*" {
				b = appendLogSafe(b, t)
			} else {
				b = appendLogSafe(b, r.URL.RequestURI()) // absolute-form: the path and query, as aiohttp's path_qs
			}
			b = append(b, " HTTP/"...)
			b = strconv.AppendInt(b, int64(r.ProtoMajor), 10)
			b = append(b, '.')
			b = strconv.AppendInt(b, int64(r.ProtoMinor), 10)
		case logStatus:
			if rec.status == 0 {
				b = append(b, '-')
			} else {
				b = strconv.AppendInt(b, int64(rec.status), 10)
			}
		case logBytes:
			b = strconv.AppendInt(b, rec.bytes, 10)
		case logSeconds:
			b = strconv.AppendInt(b, roundHalfEven(int64(dur), int64(time.Second)), 10)
		case logSecondsFrac:
			b = strconv.AppendFloat(b, dur.Seconds(), 'f', 6, 64)
		case logMicros:
			b = strconv.AppendInt(b, roundHalfEven(int64(dur), int64(time.Microsecond)), 10)
		case logRequestHeader:
			if v := r.Header[p.text]; len(v) > 0 {
				b = appendLogSafe(b, v[0])
			} else {
				b = append(b, '-')
			}
		case logResponseHeader:
			if rec.outs == nil { // no status went out (a panic, a raw hijack)
				b = append(b, '-')
			} else {
				b = appendLogSafe(b, rec.outs[p.out])
			}
		}
	}
	return b
}

// roundHalfEven is n/unit rounded as Python's round(): halves to even.
func roundHalfEven(n, unit int64) int64 {
	q, rem := n/unit, n%unit
	if 2*rem > unit || 2*rem == unit && q%2 == 1 {
		q++
	}
	return q
}

// remoteIP is the host part of a RemoteAddr ("1.2.3.4:5", "[::1]:5").
func remoteIP(addr string) string {
	if addr == "" {
		return "-"
	}
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			host := addr[:i]
			if len(host) > 1 && host[0] == '[' && host[len(host)-1] == ']' {
				host = host[1 : len(host)-1]
			}
			return host
		}
		if addr[i] == ']' {
			break
		}
	}
	return addr
}

// appendLogSafe appends s with control bytes escaped as \xHH, so a value
// cannot forge a line (net/http already refuses them in requests).
func appendLogSafe(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return appendLogEscaped(b, s)
		}
	}
	return append(b, s...)
}

func appendLogEscaped(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			b = append(b, '\\', 'x', hex[c>>4], hex[c&0xf])
		} else {
			b = append(b, c)
		}
	}
	return b
}

// accessLogConfig is the access log part of RunApp's and NewServer's
// configuration.
type accessLogConfig struct {
	on     int8 // 1 on, -1 off, 0 the default (RunApp: on, NewServer: off)
	format string
	w      io.Writer
}

// handler returns app wrapped with the configured access log, or app.
func (c accessLogConfig) handler(app *Application, def int8) (http.Handler, error) {
	if c.on == 0 {
		c.on = def
	}
	if c.on <= 0 {
		return app, nil
	}
	l, err := NewAccessLogger(c.format)
	if err != nil {
		return nil, err
	}
	l.Writer = c.w
	return l.wrap(app, app.Logger()), nil
}
