// request_diff_test.go owns the differential test of the Request accessors
// against aiohttp 3.8.4 (testdata/oracle/request.py): raw requests with
// tricky Cookie, Content-Type, Content-Length, Connection, Host and
// If-Modified-Since headers, answered by both, compared field by field.

package aioweb

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// requestInfoHeaders are the header lookups both sides answer.
var requestInfoHeaders = []string{"Cookie", "Content-Type", "Content-Length", "Connection", "If-Modified-Since", "X-Dup"}

// requestInfo answers the accessors as request.py does.
func requestInfo(req *Request) (Resp, error) {
	query := [][2]string{}
	req.Query().Each(func(k, v string) { query = append(query, [2]string{k, v}) })
	headers := map[string][]string{}
	for _, k := range requestInfoHeaders {
		headers[k] = append([]string{}, req.Header.Values(k)...)
	}
	d := map[string]any{
		"method":         req.Method,
		"path":           req.Path,
		"raw_path":       req.RawPath(),
		"path_qs":        req.PathQS(),
		"query_string":   req.QueryString(),
		"query":          query,
		"cookies":        req.Cookies(),
		"content_type":   req.ContentType(),
		"charset":        req.Charset(),
		"content_length": req.ContentLength(),
		"keep_alive":     req.KeepAlive(),
		"host":           req.Host(),
		"version":        req.Version().String(),
		"body_exists":    req.BodyExists(),
		"can_read_body":  req.CanReadBody(),
		"headers":        headers,
	}
	if _, err := req.Read(); err != nil {
		return nil, err
	}
	return JSONResponse(d)
}

// rawExchange writes raw to addr as it is and returns the status and body
// of the one response read back.
func rawExchange(t *testing.T, addr, raw string) (int, string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%q: reading response: %v", raw, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%q: reading body: %v", raw, err)
	}
	return resp.StatusCode, string(b)
}

// requestDiffCase is one raw request: head is the request line and header
// lines joined by "\n" (sent with CRLF), body is sent after the blank line.
// differ, when set, is a JSON object of the fields where aioweb answers
// differently from aiohttp on purpose (doc.go, "Deliberate differences"):
// aioweb must give these values and aiohttp others; "status" is the status.
type requestDiffCase struct {
	name, head, body string
	differ           string
}

func (c requestDiffCase) raw() string {
	return strings.ReplaceAll(c.head, "\n", "\r\n") + "\r\n\r\n" + c.body
}

var requestDiffCases = []requestDiffCase{
	// Cookies.
	{"cookie plain", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=1; b=2", "", ""},
	{"cookie quoted", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=\"x y\"; b=\"q\"", "", ""},
	{"cookie quoted escape", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=\"x\\\"y\"; b=\"\\101\"", "", ""},
	{"cookie spaces", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie:   a = 1 ;  b=2", "", ""},
	{"cookie no space after semicolon", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=1;b=2;c=3", "", ""},
	{"cookie commas", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=1, b=2", "", ""},
	{"cookie duplicate", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=1; b=2; a=3", "", `{"cookies":{"a":"1","b":"2"}}`}, // the first wins; aiohttp: the last
	{"cookie equals in value", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=b=c; d==", "", ""},
	{"cookie empty value", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=; b=\"\"; c=3", "", ""},
	{"cookie no equals", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=1; flag; b=2", "", `{"cookies":{"a":"1","b":"2"}}`},                                             // aiohttp drops every cookie
	{"cookie invalid name", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=1; b[0]=2; c=3", "", `{"cookies":{"a":"1","c":"3"}}`},                                        // aiohttp drops what follows
	{"cookie name with parenthesis", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=1; b(c)=2; d/e=3; f=4", "", `{"status":200,"cookies":{"a":"1","f":"4"}}`},           // aiohttp: 500 (CookieError)
	{"cookie dollar after a cookie", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=1; $Foo=2; b=3", "", `{"status":200,"cookies":{"a":"1","b":"3"}}`},                  // aiohttp: 500 (CookieError)
	{"cookie empty item", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=1;;b=2; ; c=3", "", `{"cookies":{"a":"1","b":"2","c":"3"}}`},                                   // aiohttp stops there
	{"cookie reserved name", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=1; path=/x; version=2; b=3", "", `{"cookies":{"a":"1","path":"/x","version":"2","b":"3"}}`}, // aiohttp: attributes of a
	{"cookie reserved first", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: domain=x; b=3", "", `{"cookies":{"domain":"x","b":"3"}}`},                                    // aiohttp drops every cookie
	{"cookie dollar", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: $Version=1; a=1; $Path=/", "", ""},
	{"cookie two lines", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=1\nCookie: b=2", "", `{"cookies":{"a":"1","b":"2"}}`}, // aiohttp reads the first line
	{"cookie empty header", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: ", "", ""},
	{"cookie brackets and specials", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=[x]; b={y}; c=a:b/c?d", "", ""},
	{"cookie utf8 value", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=é; b=2", "", `{"cookies":{"b":"2"}}`}, // aiohttp drops what follows
	{"cookie trailing semicolon", "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: a=1;", "", ""},
	// Content-Type and charset.
	{"ct absent", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Length: 2", "ab", ""},
	{"ct params", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: text/plain; charset=utf-8; format=flowed\nContent-Length: 2", "ab", ""},
	{"ct uppercase", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: TEXT/Plain; CHARSET=UTF-8\nContent-Length: 2", "ab", ""},
	{"ct quoted charset", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: text/plain; charset=\"latin-1\"\nContent-Length: 2", "ab", ""},
	{"ct invalid media type", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: bogus\nContent-Length: 2", "ab", ""},
	{"ct invalid with params", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: bogus; charset=utf-8\nContent-Length: 2", "ab", ""},
	{"ct spaces", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type:  text/plain ; charset = utf-8\nContent-Length: 2", "ab", ""},
	{"ct charset spaces in quotes", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: text/plain; charset=\" utf-8 \"\nContent-Length: 2", "ab", ""},
	{"ct empty", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: \nContent-Length: 2", "ab", ""},
	{"ct bad param", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: text/plain; charset\nContent-Length: 2", "ab", ""},
	{"ct duplicate charset", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: text/plain; charset=a; charset=b\nContent-Length: 2", "ab", ""},
	{"ct two headers", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: text/html\nContent-Type: text/plain\nContent-Length: 2", "ab", ""},
	{"ct two headers in two cases", "POST /info HTTP/1.1\nHost: h\nConnection: close\ncontent-type: text/html\nContent-Type: \nContent-Length: 2", "ab", ""},
	{"ct multipart boundary", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: multipart/form-data; boundary=\"a;b\"; charset=x\nContent-Length: 2", "ab", ""},
	{"ct charset rfc2231", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: text/plain; charset*=us-ascii'en'utf-8\nContent-Length: 2", "ab", `{"charset":"utf-8"}`}, // aiohttp: a tuple (us-ascii, en, utf-8)
	{"ct charset continuation", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: text/plain; charset*0=utf; charset*1=-8\nContent-Length: 2", "ab", ""},
	{"ct charset angle brackets", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: text/plain; charset=<utf-8>\nContent-Length: 2", "ab", ""},
	{"ct quoted semicolon and escape", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: text/plain; x=\"y;charset=z\"; charset=\"a\\\"b\"\nContent-Length: 2", "ab", ""},
	{"ct no space", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: text/plain;charset=utf-8\nContent-Length: 2", "ab", ""},
	{"ct CHARSET spaced and quoted", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: text/plain; CHARSET = \"UTF-8\"\nContent-Length: 2", "ab", ""},
	{"ct charset empty", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: text/plain; charset=\nContent-Length: 2", "ab", ""},
	{"ct charset then comma", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: text/plain; charset=utf-8, text/html\nContent-Length: 2", "ab", ""},
	{"ct two slashes", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: a/b/c; charset=x\nContent-Length: 2", "ab", ""},
	{"ct slash only", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: /\nContent-Length: 2", "ab", ""},
	{"ct charset single quotes", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: text/plain; charset='utf-8'\nContent-Length: 2", "ab", ""},
	{"ct charset empty quotes", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: text/plain; charset=\"\"\nContent-Length: 2", "ab", ""},
	{"ct charset unclosed quote", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Type: text/plain; charset=\"utf-8\nContent-Length: 2", "ab", ""},
	{"absolute form", "GET http://other:81/info?q=1 HTTP/1.1\nHost: h\nConnection: close", "", `{"host":"other:81"}`}, // net/http: the target's authority; aiohttp drops the port
	{"host absent http11", "GET /info HTTP/1.1\nConnection: close", "", `{"status":400}`},                             // net/http; aiohttp: 200 and socket.getfqdn()
	{"cl plus", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Length: +2", "ab", ""},
	{"cl spaces", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Length:  2", "ab", ""},
	{"cl list", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Length: 2, 2", "ab", ""},
	{"http11 keep-alive", "GET /info HTTP/1.1\nHost: h\nConnection: keep-alive", "", ""},
	{"http10 close", "GET /info HTTP/1.0\nHost: h\nConnection: close", "", ""},
	{"http10 keep-alive, close", "GET /info HTTP/1.0\nHost: h\nConnection: keep-alive, close", "", `{"keep_alive":false}`}, // net/http closes; aiohttp: true
	{"http10 two connection lines", "GET /info HTTP/1.0\nHost: h\nConnection: foo\nConnection: keep-alive", "", ""},
	{"http11 two connection lines", "GET /info HTTP/1.1\nHost: h\nConnection: foo\nConnection: close", "", ""},
	// Content-Length.
	{"cl absent get", "GET /info HTTP/1.1\nHost: h\nConnection: close", "", ""},
	{"cl zero", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Length: 0", "", ""},
	{"cl chunked", "POST /info HTTP/1.1\nHost: h\nConnection: close\nTransfer-Encoding: chunked", "2\r\nab\r\n0\r\n\r\n", ""},
	{"cl repeated identical", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Length: 2\nContent-Length: 2", "ab", `{"status":200}`}, // net/http merges them; aiohttp: 400
	{"user agent twice", "GET /info HTTP/1.1\nHost: h\nConnection: close\nUser-Agent: a\nUser-Agent: b", "", `{"status":200}`},                 // aioweb reads no User-Agent; aiohttp: 400
	{"cl leading zeros", "POST /info HTTP/1.1\nHost: h\nConnection: close\nContent-Length: 002", "ab", ""},
	// Connection and version.
	{"http11 default", "GET /info HTTP/1.1\nHost: h", "", ""},
	{"http11 close", "GET /info HTTP/1.1\nHost: h\nConnection: close", "", ""},
	{"http11 Close uppercase", "GET /info HTTP/1.1\nHost: h\nConnection: CLOSE", "", ""},
	{"http11 keep-alive, close", "GET /info HTTP/1.1\nHost: h\nConnection: keep-alive, close", "", ""},
	{"http10 default", "GET /info HTTP/1.0\nHost: h", "", ""},
	{"http10 keep-alive", "GET /info HTTP/1.0\nHost: h\nConnection: keep-alive", "", ""},
	{"http10 Keep-Alive mixed case", "GET /info HTTP/1.0\nHost: h\nConnection: Keep-Alive", "", ""},
	{"http10 upgrade, keep-alive", "GET /info HTTP/1.0\nHost: h\nConnection: Upgrade, keep-alive", "", ""},
	// Host.
	{"host port", "GET /info HTTP/1.1\nHost: example.com:8080\nConnection: close", "", ""},
	{"host ipv6", "GET /info HTTP/1.1\nHost: [::1]:8080\nConnection: close", "", ""},
	{"host uppercase", "GET /info HTTP/1.1\nHost: EXAMPLE.com\nConnection: close", "", ""},
	{"host absent http10", "GET /info HTTP/1.0", "", `{"host":""}`}, // aiohttp: socket.getfqdn()
	{"host empty http11", "GET /info HTTP/1.1\nHost: \nConnection: close", "", ""},
	// If-Modified-Since and repeated headers.
	{"ims valid", "GET /info HTTP/1.1\nHost: h\nConnection: close\nIf-Modified-Since: Wed, 21 Oct 2015 07:28:00 GMT", "", ""},
	{"ims invalid", "GET /info HTTP/1.1\nHost: h\nConnection: close\nIf-Modified-Since: yesterday", "", ""},
	{"ims rfc850", "GET /info HTTP/1.1\nHost: h\nConnection: close\nIf-Modified-Since: Wednesday, 21-Oct-15 07:28:00 GMT", "", ""},
	{"header repeated", "GET /info HTTP/1.1\nHost: h\nConnection: close\nX-Dup: 1\nx-dup: 2\nX-DUP:  3  ", "", `{"headers":{"Connection":["close"],"Content-Length":[],"Content-Type":[],"Cookie":[],"If-Modified-Since":[],"X-Dup":["1","2","3"]}}`}, // net/http trims the OWS; aiohttp keeps "3  "
	// Query and paths.
	{"query", "GET /info?a=1&b=%20x+y&a=2&c HTTP/1.1\nHost: h\nConnection: close", "", `{"query_string":"a=1&b=%20x+y&a=2&c"}`}, // raw; aiohttp decodes it
	{"query empty", "GET /info? HTTP/1.1\nHost: h\nConnection: close", "", ""},
	{"method lower", "get /info HTTP/1.1\nHost: h\nConnection: close", "", `{"status":200}`}, // aiohttp's C parser: 400
}

// TestRequestAccessorsMatchAiohttp sends every case to aioweb and to
// aiohttp and compares the accessors field by field; fields listed in a
// case's differ must hold aioweb's asserted value and not aiohttp's.
func TestRequestAccessorsMatchAiohttp(t *testing.T) {
	app := NewApplication()
	app.Router.AddRoute("*", "/info", requestInfo)
	addr := serve(t, app)
	oracle := startOracleScript(t, "testdata/oracle/request.py")
	for _, c := range requestDiffCases {
		compareRequestInfo(t, c, addr, oracle)
	}
}

// compareRequestInfo sends one case to both servers and reports each field
// that differs.
func compareRequestInfo(t *testing.T, c requestDiffCase, addr, oracle string) {
	t.Helper()
	var g, o map[string]any
	gs, gb := rawExchange(t, addr, c.raw())
	hs, hb := rawExchange(t, oracle, c.raw())
	if gs == 200 && json.Unmarshal([]byte(gb), &g) != nil {
		t.Fatalf("%s: aioweb: %s", c.name, gb)
	}
	if hs == 200 && json.Unmarshal([]byte(hb), &o) != nil {
		t.Fatalf("%s: aiohttp: %s", c.name, hb)
	}
	if g == nil {
		g = map[string]any{}
	}
	if o == nil {
		o = map[string]any{}
	}
	g["status"], o["status"] = float64(gs), float64(hs)
	if c.differ != "" {
		var want map[string]any
		if err := json.Unmarshal([]byte(c.differ), &want); err != nil {
			t.Fatalf("%s: differ: %v", c.name, err)
		}
		for k, v := range want {
			if !cmp.Equal(g[k], v) {
				t.Errorf("%s: aioweb's %s is %v, want %v", c.name, k, g[k], v)
			}
			if cmp.Equal(o[k], v) {
				t.Errorf("%s: aiohttp's %s is aioweb's %v too: drop it from differ", c.name, k, v)
			}
			delete(g, k)
			delete(o, k)
		}
		if want["status"] != nil {
			return // nothing to compare beside the status
		}
	}
	if d := cmp.Diff(o, g); d != "" {
		t.Errorf("%s: (-aiohttp +aioweb)\n%s\naiohttp: %s", c.name, d, hb)
	}
}

// randomCookieHeader builds a Cookie line aiohttp and aioweb must read
// alike: distinct names that are not Set-Cookie attributes, each with a
// value (plain, quoted with escapes, ';' and spaces, or an expires date),
// spaces around '=', ';' or whitespace between pairs, and now and then a
// '$' name or a malformed last item (both ignore it).
func randomCookieHeader(rng *rand.Rand) string {
	const keyChars = "abcXYZ019_!#%&'~`*+-.^|:" // Python's legal names
	pick := func(s string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = s[rng.IntN(len(s))]
		}
		return string(b)
	}
	spaces := []string{"", "", " ", "  ", "\t"}
	seps := []string{";", "; ", "; ", " ", ";  ", " ; ", "\t;"}
	quotedParts := []string{"a", "Z", " ", ";", ",", "=", `\"`, `\\`, `\101`, `\351`, `\x`, "é", "€", "'", "$"}
	names := map[string]bool{}
	var b strings.Builder
	emptyValue := false
	for range 1 + rng.IntN(5) {
		name := pick(keyChars, 1+rng.IntN(5))
		if rng.IntN(8) == 0 {
			// aiohttp ignores a '$' name before the first cookie and
			// takes "$Path" and the like as attributes after it (any
			// other '$' name there is a 500 in aiohttp: see the table).
			name = "$" + name
			if b.Len() > 0 {
				name = []string{"$Path", "$Domain", "$Version"}[rng.IntN(3)]
			}
		}
		if _, reserved := map[string]bool{"expires": true, "path": true, "comment": true, "domain": true,
			"max-age": true, "secure": true, "httponly": true, "version": true, "samesite": true}[strings.ToLower(name)]; reserved || names[name] {
			continue
		}
		names[name] = true
		if b.Len() > 0 {
			// After an empty value a blank separator would be read as
			// the value's spaces: ';' is needed there.
			sep := seps[rng.IntN(len(seps))]
			for emptyValue && !strings.Contains(sep, ";") {
				sep = seps[rng.IntN(len(seps))]
			}
			b.WriteString(sep)
		}
		b.WriteString(name + spaces[rng.IntN(len(spaces))] + "=" + spaces[rng.IntN(len(spaces))])
		value := ""
		switch rng.IntN(6) {
		case 0, 1, 2:
			value = pick(keyChars+"=[]<>@,/()?{}$", rng.IntN(7))
		case 3, 4:
			value = `"`
			for j := rng.IntN(6); j > 0; j-- {
				value += quotedParts[rng.IntN(len(quotedParts))]
			}
			value += `"`
		default:
			value = "Wed, 21 Oct 2015 07:28:00 GMT"
		}
		b.WriteString(value)
		emptyValue = value == ""
	}
	if rng.IntN(6) == 0 {
		b.WriteString([]string{"; z=é", `; z="open`, "; z=a\"b", "; z=x y=\"1"}[rng.IntN(4)])
	}
	return strings.Trim(b.String(), "; \t") // net/http trims the header
}

// TestRandomCookiesMatchAiohttp compares Cookies with aiohttp on random
// Cookie lines: 40 from a fixed seed in CI; AIOWEB_COOKIE_N=2000 and
// AIOWEB_COOKIE_SEED=n explore more.
func TestRandomCookiesMatchAiohttp(t *testing.T) {
	n, seed := 40, uint64(1)
	if v, err := strconv.Atoi(os.Getenv("AIOWEB_COOKIE_N")); err == nil {
		n = v
	}
	if v, err := strconv.ParseUint(os.Getenv("AIOWEB_COOKIE_SEED"), 10, 64); err == nil {
		seed = v
	}
	app := NewApplication()
	app.Router.AddRoute("*", "/info", requestInfo)
	addr := serve(t, app)
	oracle := startOracleScript(t, "testdata/oracle/request.py")
	rng := rand.New(rand.NewPCG(seed, 0))
	cookies := 0
	for i := range n {
		h := randomCookieHeader(rng)
		c := requestDiffCase{name: fmt.Sprintf("random %d: Cookie: %s", i, h),
			head: "GET /info HTTP/1.1\nHost: h\nConnection: close\nCookie: " + h}
		compareRequestInfo(t, c, addr, oracle)
		req := &Request{r: &http.Request{Header: http.Header{"Cookie": {h}}}}
		cookies += len(req.Cookies())
	}
	t.Logf("%d Cookie lines, %d cookies", n, cookies)
	if cookies < n { // the generator must produce cookies, not just noise
		t.Errorf("%d random lines gave %d cookies", n, cookies)
	}
}

// TestCookiesBounded: a hostile Cookie header costs a bounded amount of
// parsing. At most MaxCookies items are read (net/http's default), and at
// most maxCookieSlowBytes of items of unusual shape go through the regular
// expression (which costs about a quarter of a microsecond per byte, so an
// unbounded 1 MiB header took 0.85 s): past either bound the rest is not
// read.
func TestCookiesBounded(t *testing.T) {
	cookies := func(lines ...string) map[string]string {
		req := &Request{r: &http.Request{Header: http.Header{"Cookie": lines}}}
		return req.Cookies()
	}
	var many []string
	for i := range MaxCookies + 500 {
		many = append(many, fmt.Sprintf("c%d=%d", i, i))
	}
	if got := cookies(strings.Join(many, "; ")); len(got) != MaxCookies || got["c0"] != "0" || got[fmt.Sprint("c", MaxCookies-1)] == "" {
		t.Errorf("%d plain items: %d cookies read, want the first %d", len(many), len(got), MaxCookies)
	}
	// Two lines share the budget.
	if got := cookies(strings.Join(many[:2000], "; "), strings.Join(many[2000:], "; ")); len(got) != MaxCookies {
		t.Errorf("two lines: %d cookies read, want %d", len(got), MaxCookies)
	}

	// Odd-shaped items ("k = v", 6 bytes of budget each up to the ";") go
	// through the expression: those within
	// maxCookieSlowBytes are read, and so are plain items among them.
	odd := strings.Repeat("x = 1; ", maxCookieSlowBytes/len("x = 1;")-10)
	if got := cookies(odd + "a = 2; b=3"); got["x"] != "1" || got["a"] != "2" || got["b"] != "3" {
		t.Errorf("odd items within the budget: %v", got)
	}
	// Beyond it the rest is not read, however long the header.
	for _, tail := range []string{"a = 2; b=3", strings.Repeat("y = 1; ", 1<<17) + "b=3", `q="` + strings.Repeat("z", 1<<20)} {
		got := cookies(strings.Repeat("x = 1; ", maxCookieSlowBytes/len("x = 1;")+10) + tail)
		if got["x"] != "1" || got["a"] != "" || got["b"] != "" || got["q"] != "" || len(got) != 1 {
			t.Errorf("odd items past the budget, then %.10q...: %d cookies %v, want only x", tail, len(got), len(got) < 5)
		}
	}
	// One item of unusual shape longer than the budget ends the reading
	// at once: the expression never sees it.
	if got := cookies("p=1; x = " + strings.Repeat("v", maxCookieSlowBytes) + "; b=3"); len(got) != 1 || got["p"] != "1" {
		t.Errorf("an odd item longer than the budget: %v", len(got))
	}
}

// BenchmarkCookiesHostile: Cookies on 64 KiB headers (RunApp's header
// limit) built to be slow, beside net/http's Request.Cookies on the same
// header as the baseline.
func BenchmarkCookiesHostile(b *testing.B) {
	for _, c := range []struct{ name, unit string }{
		{"plain", "session=0123456789abcdef; "}, {"spaced", "a = 1; "}, {"quoted", `a="x\"y"; `},
		{"expires", "e=Wed, 09 Jun 2021 10:18:14 GMT; "}, {"malformed", "\x01;"}, {"equals", "="},
	} {
		line := strings.Repeat(c.unit, (64<<10)/len(c.unit))
		r := &http.Request{Header: http.Header{"Cookie": {line}}}
		b.Run(c.name+"/aioweb", func(b *testing.B) {
			for b.Loop() {
				(&Request{r: r}).Cookies()
			}
		})
		b.Run(c.name+"/net-http", func(b *testing.B) {
			for b.Loop() {
				r.Cookies()
			}
		})
	}
}

// TestCharsetLinear: Charset parses the header's RFC 2231 form at most once
// (3,500 repeats of "charset*=" took 1.5 s when each one re-parsed the whole
// header; BenchmarkCharsetHostile measures it) and answers as before: a
// charset*= that does not decode leaves the plain charset standing.
func TestCharsetLinear(t *testing.T) {
	for _, c := range []struct{ ct, want string }{
		{"text/plain; charset=a; " + strings.Repeat("charset*=x'y'%zz;", 3500), "a"},
		{"text/plain; abcdefg=1; charset=x; CHARSET*=utf-8''koi8-r", "koi8-r"},
		{"text/plain; chars=1; charset=x", "x"},
	} {
		req := &Request{r: &http.Request{Header: http.Header{"Content-Type": {c.ct}}}}
		done := make(chan string, 1)
		go func() { done <- req.Charset() }()
		select {
		case got := <-done:
			if got != c.want {
				t.Errorf("%.60q: %q, want %q", c.ct, got, c.want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%.60q: Charset did not return", c.ct)
		}
	}
}

// BenchmarkCharsetHostile: Charset on a 60 KiB Content-Type repeating an
// undecodable "charset*=", beside mime.ParseMediaType on the same header.
func BenchmarkCharsetHostile(b *testing.B) {
	ct := "text/plain; charset=a; " + strings.Repeat("charset*=x'y'%zz;", 3500)
	r := &http.Request{Header: http.Header{"Content-Type": {ct}}}
	b.Run("aioweb", func(b *testing.B) {
		for b.Loop() {
			(&Request{r: r}).Charset()
		}
	})
	b.Run("mime", func(b *testing.B) {
		for b.Loop() {
			mime.ParseMediaType(ct)
		}
	})
}
