// fuzz_test.go holds the fuzz targets of the routing core: pattern parsing
// and compilation, and request-path matching checked against a reference
// matcher that tries aiohttp's regexes in registration order.

package aioweb

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzPattern: registering any pattern either works or panics with a clear
// "aioweb: invalid route pattern" message; a registered pattern can be served.
func FuzzPattern(f *testing.F) {
	for _, s := range []string{"/", "/a/{b}", `/{x:\d{2,4}}`, "/{a}-{b}.{c}", "/{tail:.+}", "/a/{x", "/}", "/{x:(}", "/{x}/{x}", "/{:a}", "/{x:a{1}b{2}}", "/%zz/{y}", "/a b/{c}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		app := NewApplication()
		var r *Route
		msg := catchPanic(func() { r = app.Router.AddRoute("GET", pattern, infoHandler(0)) })
		if msg != "" {
			if !strings.HasPrefix(msg, "aioweb: invalid route pattern ") {
				t.Fatalf("pattern %q: unclear panic %q", pattern, msg)
			}
			return
		}
		if r.Pattern() != pattern {
			t.Fatalf("pattern %q stored as %q", pattern, r.Pattern())
		}
		if _, err := app.MakeHandler(); err != nil {
			t.Fatal(err)
		}
		// Serving arbitrary paths must not panic.
		for _, p := range []string{"/", "/a", "/a/b", pattern} {
			if req, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + p + " HTTP/1.1\r\nHost: x\r\n\r\n"))); err == nil {
				app.ServeHTTP(httptest.NewRecorder(), req)
			}
		}
	})
}

// fuzzRoutes is a fixed table mixing every matcher; patterns avoid
// characters that need percent-encoding so the reference matcher can work on
// the raw path without requoting.
var fuzzRoutes = [][2]string{
	{"GET", "/"},
	{"GET", "/users"},
	{"POST", "/users"},
	{"GET", "/users/{id}"},
	{"GET", `/users/{id:\d+}/repos`},
	{"GET", "/users/{id}/repos"},
	{"PUT", "/users/{id}"},
	{"GET", "/{a}/b"},
	{"GET", "/a/{b}"},
	{"GET", "/files/{name}.{ext}"},
	{"GET", "/tail/{rest:.+}"},
	{"*", "/any/{x}"},
	{"GET", "/t/{x}/"},
	{"GET", "/static/page"},
	// Regex variables confined to a segment run on the ServeMux with a
	// per-segment check; the others (empty-matching, boundaries) do not.
	{"GET", `/c/{n:[0-9]+}`},
	{"GET", `/c/{w:\w+}`},
	{"POST", `/c/{s:[a-z ]+}`},
	{"GET", `/c/{z:[0-9]*}/z`},
	{"GET", `/c/{n:[0-9]+}/{m:[a-f]+}`},
	{"GET", `/i/{x:(?i)ab}`},
	{"GET", `/b/{x:\bq}`},
	{"GET", `/p/{x:[^/]+}/{y:%[0-9A-F]{2}}`},
	{"GET", "/{name}"},
	{"DELETE", "/{name}/{other}"},
}

type refRoute struct {
	method string
	re     *regexp.Regexp
	static string
}

// referenceRoutes translates the table with aiohttp's grammar, independently
// of route.go: '{name}' -> (?P<name>[^{}/]+), '{name:re}' -> (?P<name>re).
func referenceRoutes() []refRoute {
	tok := regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(?::((?:[^{}]|\{[^{}]*\})+))?\}`)
	var out []refRoute
	for _, r := range fuzzRoutes {
		p := r[1]
		if !strings.ContainsAny(p, "{}") {
			out = append(out, refRoute{method: r[0], static: p})
			continue
		}
		var b strings.Builder
		last := 0
		for _, m := range tok.FindAllStringSubmatchIndex(p, -1) {
			b.WriteString(regexp.QuoteMeta(p[last:m[0]]))
			re := `[^{}/]+`
			if m[4] >= 0 {
				re = p[m[4]:m[5]]
			}
			b.WriteString("(?P<" + p[m[2]:m[3]] + ">" + re + ")")
			last = m[1]
		}
		b.WriteString(regexp.QuoteMeta(p[last:]))
		out = append(out, refRoute{method: r[0], re: regexp.MustCompile("^" + b.String() + "$")})
	}
	return out
}

// referenceResolve scans in order: the first route matching path and method
// wins; else 405 when some route matched the path, else 404.
func referenceResolve(refs []refRoute, method, raw string) (string, int) {
	allowed := false
	for i, r := range refs {
		var info map[string]string
		if r.re == nil {
			if raw != r.static {
				continue
			}
			info = map[string]string{}
		} else {
			m := r.re.FindStringSubmatch(raw)
			if m == nil {
				continue
			}
			info = map[string]string{}
			for j, n := range r.re.SubexpNames() {
				if n != "" {
					info[n] = unquote(m[j])
				}
			}
		}
		if r.method != method && r.method != "*" {
			allowed = true
			continue
		}
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(info)
		return "r" + itoa(i) + "|" + strings.TrimSpace(b.String()), 200
	}
	if allowed {
		return "", 405
	}
	return "", 404
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func fuzzApp() *Application {
	app := NewApplication()
	for i, r := range fuzzRoutes {
		app.Router.AddRoute(r[0], r[1], infoHandler(i))
	}
	app.MakeHandler()
	return app
}

// FuzzMatch: for any request target and method, aioweb's answer equals the
// reference matcher's, and a static route only ever answers its own path.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{"/", "/users", "/users/12", "/users/12/repos", "/users/ab/repos", "/x/b", "/a/b", "/files/a.b.c",
		"/tail/a//b/../c", "/any/%2F", "/t/x/", "/t/x", "/static/page", "/static//page", "/%73tatic/page", "/users/a%2Fb",
		"/x/y", "/users/%7B%7D", "/a/./b", "//users", "/users/12?x=1", "/caf%C3%A9",
		"/c/12", "/c/ab_1", "/c/a%20b", "/c//z", "/c/1/z", "/c/12/ab", "/i/AB", "/b/q", "/p/x/%41", "/p/x/A"} {
		f.Add("GET", s)
		f.Add("DELETE", s)
	}
	app := fuzzApp()
	refs := referenceRoutes()
	f.Fuzz(func(t *testing.T, method, target string) {
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(method + " " + target + " HTTP/1.1\r\nHost: x\r\n\r\n")))
		if err != nil || req.URL.Path == "" || req.URL.Path[0] != '/' || req.Method == "CONNECT" {
			return // net/http's server answers 400 itself
		}
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, req)
		wantBody, wantStatus := referenceResolve(refs, strings.ToUpper(req.Method), req.URL.EscapedPath())
		if rec.Code != wantStatus || (wantStatus == 200 && rec.Body.String() != wantBody) {
			t.Fatalf("%s %q (raw %q): aioweb %d %q, reference %d %q", method, target, req.URL.EscapedPath(), rec.Code, rec.Body.String(), wantStatus, wantBody)
		}
		if strings.HasPrefix(rec.Body.String(), "r13|") && req.URL.EscapedPath() != "/static/page" {
			t.Fatalf("static route answered %q", target)
		}
	})
}

// FuzzPost: any body and content type given to Post never panics, never
// yields more than the body limit, answers 2xx/4xx only, and leaves no
// temporary file behind.
func FuzzPost(f *testing.F) {
	ct, body := multipartBody(f, part{name: "a", data: []byte("1")}, part{name: "f", filename: "x.bin", ctype: "-", data: []byte("0123456789abcdef0123456789")})
	f.Add(ct, body)
	f.Add("application/x-www-form-urlencoded", []byte("a=1&a=2&b=%zz&c"))
	f.Add("multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"a\"; filename=\"../y\"\r\n\r\nabc\r\n--x--\r\n"))
	f.Add("multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data\r\n\r\n"))
	dir := f.TempDir()
	const limit = 4096
	app := NewApplication(WithUploadDir(dir), WithFormMemory(16), WithClientMaxSize(limit))
	app.Router.AddRoute("POST", "/", func(req *Request) (Resp, error) {
		form, err := req.Post()
		if err != nil {
			return nil, err
		}
		var total int64
		form.Each(func(k string, v any) {
			total += int64(len(k))
			switch v := v.(type) {
			case string:
				total += int64(len(v))
			case *FileField:
				n, _ := io.Copy(io.Discard, v.File)
				if n != v.Size {
					panic(fmt.Sprintf("file %q: Size %d, content %d", v.Name, v.Size, n))
				}
				total += n
			}
		})
		if total > limit {
			panic(fmt.Sprintf("form holds %d bytes over a %d-byte limit", total, limit))
		}
		return &Response{Text: "ok"}, nil
	})
	app.MakeHandler()
	f.Fuzz(func(t *testing.T, ctype string, body []byte) {
		req := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, req)
		if rec.Code != 200 && (rec.Code < 400 || rec.Code > 499) {
			t.Fatalf("Content-Type %q, body %q: status %d %q", ctype, body, rec.Code, rec.Body.String())
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Fatalf("temporary files left: %v", ents)
		}
	})
}

// FuzzURL: a URL built by reversal either is an error or, parsed as a
// server parses it, routes back to the same route with the same value.
func FuzzURL(f *testing.F) {
	for _, s := range []string{"bob", "a b/c", "100%", "..", ".", "a/../b", "x?y#z", "{}", "café", "", "%2F", "\x00", "a\nb"} {
		f.Add(s)
	}
	app := NewApplication()
	app.Router.AddRoute("GET", "/greet/{name}", infoHandler(0), WithName("greet"))
	app.Router.AddRoute("GET", "/tail/{rest:.+}", infoHandler(1), WithName("tail"))
	app.Router.AddRoute("GET", `/num/{n:\d+}`, infoHandler(2), WithName("num"))
	app.Router.AddRoute("GET", "/{other}", infoHandler(3))
	app.MakeHandler()
	f.Fuzz(func(t *testing.T, v string) {
		for i, name := range []string{"greet", "tail", "num"} {
			u, err := app.Router.Named(name).URL(Parts{app.Router.Named(name).Vars()[0]: v}, nil)
			if err != nil {
				continue
			}
			req, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + u + " HTTP/1.1\r\nHost: x\r\n\r\n")))
			if err != nil {
				t.Fatalf("%s(%q) = %q, which a server cannot parse: %v", name, v, u, err)
			}
			rec := httptest.NewRecorder()
			app.ServeHTTP(rec, req)
			if len(u) > DefaultMaxURILength {
				if rec.Code != http.StatusRequestURITooLong {
					t.Fatalf("%s: a %d-byte URL got %d, want 414", name, len(u), rec.Code)
				}
				continue
			}
			want := infoBody(i, map[string]string{app.Router.Named(name).Vars()[0]: v})
			if rec.Code != 200 || rec.Body.String() != want {
				t.Fatalf("%s(%q) = %q routes to %d %q, want %q", name, v, u, rec.Code, rec.Body.String(), want)
			}
		}
	})
}

// segRegexSeeds are route regexes of the common shapes, and some that must
// not get the fast matcher.
var segRegexSeeds = []string{`[0-9]+`, `\d+`, `[0-9]{4}`, `[0-9a-f]+`, `[a-z]+`, `[a-z]{2}`,
	`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`, `v[0-9]+`, `[1-9][0-9]*`,
	`[a-z0-9-]+`, `[A-Z][a-z]+`, `[a-z]+-[a-z]+`, `[A-Za-z0-9]{8}`, `[0-9]{1,2}`, `(?i)ab`, `#?[0-9a-f]{6}`,
	`\w+`, `[^/]+`, `[a-z]+[a-z]`, `a+a`, `(ab)+`, `a|b`, `[0-9]+?`, `x{2,}`, `%[0-9A-F]{2}`, `[a-z ]+`, `é+`,
	`x?y?x`, `x?yx`, `(?i)[a-z]+`, `[a-f]*[0-9]+[a-f]?`, `^a`, `a$`, `\bq`, `\Bq`, `[0-9]*`, `.+`, `(?s).`}

// FuzzSegmentRegex: the greedy matcher compiled for a variable's regex, when
// there is one, answers exactly as the regex does.
func FuzzSegmentRegex(f *testing.F) {
	for _, re := range segRegexSeeds {
		for _, s := range []string{"", "0", "12", "2015", "ab", "AB", "aB3dE5gH", "go-lang", "hello-world", "v2", "#ff0000", "a%20b", "%41", "abc", "aaa", "xx", "123e4567-e89b-12d3-a456-426614174000"} {
			f.Add(re, s)
		}
	}
	f.Fuzz(func(t *testing.T, re, s string) {
		full, seq := segmentRegex(re)
		if seq == nil {
			return
		}
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				s = escapePath(s) // raw segments, the only subjects, are ASCII
				break
			}
		}
		if got, want := seq.match(s), full.MatchString(s); got != want {
			t.Fatalf("regex %q on %q: fast matcher %v, regexp %v", re, s, got, want)
		}
	})
}

func TestSegmentRegexFastPath(t *testing.T) {
	fast := map[string]bool{`[0-9]+`: true, `\d+`: true, `[0-9]{4}`: true, `v[0-9]+`: true, `[1-9][0-9]*`: true,
		`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`: true, `[a-z]+-[a-z]+`: true, `(?i)[a-z]+`: true,
		`#?[0-9a-f]{6}`: true, `[^/]+`: true, `a|b`: true, `x?y?x`: false, `x?yx`: true, `[a-z]+[a-z]`: false, `a+a`: false, `(ab)+`: false}
	for re, want := range fast {
		full, seq := segmentRegex(re)
		if full == nil {
			t.Errorf("%q: no segment regex", re)
		}
		if got := seq != nil; got != want {
			t.Errorf("%q: fast matcher %v, want %v", re, got, want)
		}
	}
	for _, re := range []string{`.+`, `[^a]+`, `[0-9]*`, `^a`, `\bq`, `a$`} {
		if full, _ := segmentRegex(re); full != nil {
			t.Errorf("%q: checked per segment, but it can match '/' or nothing, or depends on context", re)
		}
	}
}

// FuzzSegmentRoute: a route whose regex variable fills one segment (in the
// middle or last) answers as aiohttp's whole-path regex does, whichever
// matcher serves it.
func FuzzSegmentRoute(f *testing.F) {
	for _, re := range segRegexSeeds {
		for _, s := range []string{"12", "ab", "a%20b", "%41", "2015", "x", "", "a", "q"} {
			f.Add(re, s, false)
			f.Add(re, s, true)
		}
	}
	f.Fuzz(func(t *testing.T, re, seg string, last bool) {
		if strings.ContainsAny(re, "{}") || len(re) > 64 {
			return // braces end the variable token; long regexes only slow the fuzzer
		}
		tail := "/y"
		if last {
			tail = ""
		}
		app := NewApplication()
		if msg := catchPanic(func() {
			app.Router.AddRoute("GET", "/x/{v:"+re+"}"+tail, infoHandler(0))
		}); msg != "" {
			return
		}
		app.Router.AddRoute("GET", "/x/{w}"+tail, infoHandler(1))
		app.MakeHandler()
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET /x/" + seg + tail + " HTTP/1.1\r\nHost: x\r\n\r\n")))
		if err != nil || req.URL.Path == "" {
			return
		}
		raw := req.URL.EscapedPath()
		whole, err := regexp.Compile(`^/x/(?P<v>` + re + `)` + regexp.QuoteMeta(tail) + `$`)
		if err != nil {
			return
		}
		want := 404
		var wantBody string
		if m := whole.FindStringSubmatch(raw); m != nil {
			want, wantBody = 200, infoBody(0, map[string]string{"v": unquote(m[1])})
		} else if m := regexp.MustCompile(`^/x/([^{}/]+)` + regexp.QuoteMeta(tail) + `$`).FindStringSubmatch(raw); m != nil {
			want, wantBody = 200, infoBody(1, map[string]string{"w": unquote(m[1])})
		}
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, req)
		if rec.Code != want || want == 200 && rec.Body.String() != wantBody {
			t.Fatalf("route /x/{v:%s}%s, raw path %q (%s): %d %q, want %d %q", re, tail, raw, app.Router.Routes()[0].Matcher(), rec.Code, rec.Body.String(), want, wantBody)
		}
	})
}

// FuzzUnquotePlus: query and form components decode as url.QueryUnescape
// wherever it succeeds (where it fails, TestQueryAndFormMatchAiohttp pins
// aiohttp's answers), and the string and []byte forms agree.
func FuzzUnquotePlus(f *testing.F) {
	for _, s := range []string{"a+b", "a%20b", "a%20b%zz", "%", "%2", "100%", "%%41", "%E2%82%AC", "%ff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := unquotePlus(s)
		if b := unquotePlus([]byte(s)); b != got {
			t.Fatalf("%q: string %q, bytes %q", s, got, b)
		}
		if want, err := url.QueryUnescape(s); err == nil && got != want {
			t.Fatalf("%q: %q, url.QueryUnescape %q", s, got, want)
		}
	})
}

// FuzzCookieFastPath: what Cookies reads through its fast path and the
// item windows it gives the regular expression is what the expression alone
// reads over each whole line (the expression is the grammar
// TestRandomCookiesMatchAiohttp checks against aiohttp), while the budget
// lasts.
func FuzzCookieFastPath(f *testing.F) {
	for _, s := range []string{"a=1; b=2", "a = 1", "a= b", "a=\"x y\"; b", "e=Wed, 09 Jun 2021 10:18:14 GMT; f=1",
		"$Path=/; a=b=c", "a=b =c", "x\x01=1; y=2", "a b=c", "=; ;a=[1]", "k=v,w; l", "a=\"\\\"\"", " \t\va=1 \f;b",
		"a=\"x;y\"; b=2", "a=\"x\\\n;\"; c=3", "==a=b; c", "a=\"b\"\"c\"; d=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, slow := map[string]string{}, map[string]string{}
		parseCookieLine(s, fast, &cookieBudget{items: 1 << 30, slowBytes: 1 << 30}, false)
		parseCookieLine(s, slow, &cookieBudget{}, true)
		if diff := cmp.Diff(slow, fast); diff != "" {
			t.Fatalf("%q: Cookies differs from the expression alone (-expression +Cookies):\n%s", s, diff)
		}
	})
}
