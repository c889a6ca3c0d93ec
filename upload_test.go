// upload_test.go tests forms and uploads: urlencoded and multipart bodies,
// FileField, spilling to temporary files and removing them on every exit
// path, limits, malformed bodies, streaming, and memory use.

package aioweb

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// part is one multipart part for multipartBody.
type part struct {
	name, filename, ctype string
	data                  []byte
}

func multipartBody(t testing.TB, parts ...part) (string, []byte) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		cd := fmt.Sprintf(`form-data; name="%s"`, p.name)
		if p.filename != "" || p.ctype != "" {
			cd += fmt.Sprintf(`; filename="%s"`, strings.ReplaceAll(p.filename, `\`, `\\`))
		}
		h.Set("Content-Disposition", cd)
		if p.ctype != "" && p.ctype != "-" {
			h.Set("Content-Type", p.ctype)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(p.data)
	}
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

// describeForm renders a Form for comparison: key=value or key=file(...).
func describeForm(f *Form) []string {
	var out []string
	f.Each(func(k string, v any) {
		switch v := v.(type) {
		case string:
			out = append(out, k+"="+v)
		case *FileField:
			b, _ := io.ReadAll(v.File)
			out = append(out, fmt.Sprintf("%s=file(%s|%s|%s|%d|%q)", k, v.Name, v.Filename, v.ContentType, v.Size, b))
		}
	})
	return out
}

func formApp(opts ...AppOption) *Application {
	app := NewApplication(opts...)
	app.Router.AddRoute("*", "/form", func(req *Request) (Resp, error) {
		f, err := req.Post()
		if err != nil {
			return nil, err
		}
		if again, _ := req.Post(); again != f {
			return nil, fmt.Errorf("Post not cached")
		}
		return &Response{Text: strings.Join(describeForm(f), "\n") + "\n"}, nil
	})
	return app
}

func send(t testing.TB, url, method, ctype string, body []byte) (int, string) {
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestPostURLEncoded(t *testing.T) {
	url := serveURL(t, formApp()) + "/form"
	for _, c := range []struct {
		method, ctype, body string
		status              int
		want                string
	}{
		// aiohttp keeps blank values and repeated keys in order.
		{"POST", "application/x-www-form-urlencoded", "a=1&a=2&b=&c&d=+&%C3%A9t%C3%A9=%C3%A9", 200, "a=1\na=2\nb=\nc=\nd= \nété=é\n"},
		{"PUT", "application/x-www-form-urlencoded; charset=iso-8859-1", "x=%E9", 200, "x=é\n"},
		{"POST", "application/x-www-form-urlencoded", "x=%ff", 400, "400: Bad Request: form field is not valid UTF-8"},
		{"POST", "application/x-www-form-urlencoded; charset=koi8-r", "x=1", 415, `415: Unsupported Media Type: charset "koi8-r" is not supported`},
		{"GET", "application/x-www-form-urlencoded", "a=1", 200, "\n"},
		{"POST", "text/plain", "a=1", 200, "\n"},
		{"POST", "", "a=1", 200, "\n"},
	} {
		status, body := send(t, url, c.method, c.ctype, []byte(c.body))
		if status != c.status || body != c.want {
			t.Errorf("%s %q %q: %d %q, want %d %q", c.method, c.ctype, c.body, status, body, c.status, c.want)
		}
	}
}

func TestPostMultipart(t *testing.T) {
	url := serveURL(t, formApp()) + "/form"
	ct, body := multipartBody(t,
		part{name: "tag", data: []byte("a")},
		part{name: "tag", data: []byte("b")},
		part{name: "名前", data: []byte("值")},
		part{name: "mp3", filename: "песня.mp3", ctype: "audio/mpeg", data: []byte("ID3...")},
		part{name: "mp3", filename: "../../etc/passwd", ctype: "-", data: []byte("root")},
		part{name: "win", filename: `C:\x\y.mp3`, ctype: "audio/mpeg", data: []byte("w")},
		part{name: "empty", filename: "empty.bin", ctype: "application/octet-stream", data: nil},
	)
	status, got := send(t, url, "POST", ct, body)
	want := strings.Join([]string{
		"tag=a", "tag=b", "名前=值",
		`mp3=file(mp3|песня.mp3|audio/mpeg|6|"ID3...")`,
		`mp3=file(mp3|../../etc/passwd|application/octet-stream|4|"root")`,
		`win=file(win|C:\x\y.mp3|audio/mpeg|1|"w")`,
		`empty=file(empty|empty.bin|application/octet-stream|0|"")`,
	}, "\n") + "\n"
	if status != 200 {
		t.Fatalf("status %d: %s", status, got)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("form (-want +got):\n%s", d)
	}
}

func TestSafeFilename(t *testing.T) {
	for in, want := range map[string]string{
		"song.mp3": "song.mp3", "../../etc/passwd": "passwd", `C:\x\y.mp3`: "y.mp3", "C:evil": "evil",
		"/abs/path.txt": "path.txt", "..": "", ".": "", "": "", "a\x00b\nc": "abc", `dir\..\..`: "", "песня.mp3": "песня.mp3",
	} {
		if got := (&FileField{Filename: in}).SafeFilename(); got != want {
			t.Errorf("SafeFilename(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormLookups(t *testing.T) {
	f := &Form{}
	f.Add("a", "1")
	f.Add("f", &FileField{Name: "f"})
	f.Add("a", "2")
	if f.Value("a") != "1" || f.File("f") == nil || f.File("a") != nil || len(f.Files("f")) != 1 || f.Value("f") != "" ||
		strings.Join(f.Keys(), ",") != "a,f,a" || f.Len() != 3 {
		t.Errorf("lookups on %v", f.Keys())
	}
}

// uploadApp stores uploads under dir and reports what it got; mode picks
// how the handler ends after Post.
func uploadApp(t *testing.T, dir string, opts ...AppOption) (string, *atomic.Int64) {
	var calls atomic.Int64
	app := NewApplication(append([]AppOption{WithUploadDir(dir), WithClientMaxSize(16 << 20)}, opts...)...)
	app.Router.AddRoute("POST", "/up/{mode}", func(req *Request) (Resp, error) {
		calls.Add(1)
		f, err := req.Post()
		if err != nil {
			return nil, err
		}
		ff := f.File("file")
		if ff == nil {
			return nil, HTTPBadRequest(WithText("no file"))
		}
		switch req.MatchInfo["mode"] {
		case "error":
			return nil, fmt.Errorf("handler failed after the upload")
		case "panic":
			panic("handler panicked after the upload")
		}
		h := sha256.New()
		n, _ := io.Copy(h, ff.File)
		_, onDisk := ff.File.(spoolFile)
		return &Response{Text: fmt.Sprintf("%d %x %v", n, h.Sum(nil)[:8], onDisk)}, nil
	})
	return serveURL(t, app), &calls
}

func dirEmpty(t *testing.T, dir string) {
	t.Helper()
	var ents []os.DirEntry
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		ents, _ = os.ReadDir(dir)
		if len(ents) == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("temporary files left behind: %v", ents)
}

func TestLargeUploadSpillsAndIsRemoved(t *testing.T) {
	dir := t.TempDir()
	url, _ := uploadApp(t, dir)
	data := bytes.Repeat([]byte("0123456789abcdef"), 5<<20/16) // 5 MiB
	sum := sha256.Sum256(data)
	ct, body := multipartBody(t, part{name: "file", filename: "big.bin", ctype: "application/octet-stream", data: data})
	for _, mode := range []string{"ok", "error", "panic"} {
		status, got := send(t, url+"/up/"+mode, "POST", ct, body)
		switch mode {
		case "ok":
			if want := fmt.Sprintf("%d %x true", len(data), sum[:8]); status != 200 || got != want {
				t.Errorf("upload: %d %q, want %q", status, got, want)
			}
		default:
			if status != 500 {
				t.Errorf("%s: status %d", mode, status)
			}
		}
		dirEmpty(t, dir)
	}
	// A small file stays in memory.
	ct, body = multipartBody(t, part{name: "file", filename: "small.bin", ctype: "-", data: []byte("tiny")})
	if _, got := send(t, url+"/up/ok", "POST", ct, body); !strings.HasSuffix(got, " false") {
		t.Errorf("small upload: %q", got)
	}
	dirEmpty(t, dir)
}

func TestUploadClientDisconnectsMidway(t *testing.T) {
	dir := t.TempDir()
	url, calls := uploadApp(t, dir, WithFormMemory(1024))
	addr := strings.TrimPrefix(url, "http://")
	ct, body := multipartBody(t, part{name: "file", filename: "big.bin", ctype: "-", data: bytes.Repeat([]byte("x"), 1<<20)})
	base := runtime.NumGoroutine()
	for i := 0; i < 5; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "POST /up/ok HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", ct, len(body))
		c.Write(body[:len(body)/2]) // half, then gone
		// Gone while the handler is reading, with the file part spilled.
		if n := settle(0, func() int {
			if n, _ := uploadFDs(os.Getpid(), dir); calls.Load() != int64(i+1) || n == 0 {
				return 1
			}
			return 0
		}); n != 0 {
			t.Fatalf("upload %d: the handler never started spilling (%d calls)", i, calls.Load())
		}
		c.Close()
	}
	if n := settle(0, func() int { return 5 - int(calls.Load()) }); n != 0 {
		t.Errorf("%d uploads never reached the handler", n)
	}
	dirEmpty(t, dir)
	if n := settle(base, runtime.NumGoroutine); n > base {
		t.Errorf("goroutines: %d before, %d after", base, n)
	}
}

func TestUploadLimitsAndMalformedBodies(t *testing.T) {
	dir := t.TempDir()
	app := formApp(WithClientMaxSize(1<<20), WithUploadDir(dir), WithFormMemory(1024))
	url := serveURL(t, app) + "/form"
	bigCT, big := multipartBody(t, part{name: "file", filename: "big", ctype: "-", data: make([]byte, 2<<20)})
	okCT, ok := multipartBody(t, part{name: "a", data: []byte("1")})
	boundary := strings.TrimPrefix(okCT, "multipart/form-data; boundary=")
	for _, c := range []struct {
		name, ctype string
		body        []byte
		status      int
		want        string
	}{
		// The bytes read when the limit passed, as aiohttp; not the Content-Length.
		{"over the limit", bigCT, big, 413, "Maximum request body size 1048576 exceeded, actual body size 10"},
		{"no boundary", "multipart/form-data", ok, 400, "400: Bad Request: multipart/form-data without a boundary"},
		{"truncated", okCT, ok[:len(ok)-10], 400, "400: Bad Request: truncated multipart body"},
		{"garbage", okCT, []byte("this is not multipart at all"), 400, "400: Bad Request: "},
		{"part without a name", okCT, []byte("--" + boundary + "\r\nContent-Disposition: form-data\r\n\r\nx\r\n--" + boundary + "--\r\n"), 400,
			`400: Bad Request: multipart part without a form-data name in Content-Disposition "form-data"`},
		{"bad Content-Disposition", okCT, []byte("--" + boundary + "\r\nContent-Disposition: ;;;\r\n\r\nx\r\n--" + boundary + "--\r\n"), 400,
			`400: Bad Request: multipart part without a form-data name`},
		{"invalid UTF-8 field", okCT, []byte("--" + boundary + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\r\n--" + boundary + "--\r\n"), 400,
			`400: Bad Request: form field "a" is not valid UTF-8`},
	} {
		status, got := send(t, url, "POST", c.ctype, c.body)
		if status != c.status || !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: %d %q, want %d %q", c.name, status, got, c.status, c.want)
		}
	}
	// A chunked body (no Content-Length) over the limit is cut at the limit.
	req, _ := http.NewRequest("POST", url, io.MultiReader(bytes.NewReader(big)))
	req.Header.Set("Content-Type", bigCT)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Errorf("chunked over the limit: %d", resp.StatusCode)
	}
	dirEmpty(t, dir)
}

func TestMultipartStreaming(t *testing.T) {
	app := NewApplication(WithClientMaxSize(1024)) // Multipart is not limited by it
	app.Router.AddRoute("POST", "/stream", func(req *Request) (Resp, error) {
		mr, err := req.Multipart()
		if err != nil {
			return nil, err
		}
		var out []string
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, HTTPBadRequest(WithText(err.Error()))
			}
			n, _ := io.Copy(io.Discard, p)
			out = append(out, fmt.Sprintf("%s:%d", p.FormName(), n))
		}
		if _, err := req.Read(); err != ErrBodyConsumed {
			return nil, fmt.Errorf("Read after Multipart: %v", err)
		}
		return &Response{Text: strings.Join(out, ",")}, nil
	})
	url := serveURL(t, app) + "/stream"
	ct, body := multipartBody(t, part{name: "a", data: []byte("1")}, part{name: "f", filename: "x", ctype: "-", data: make([]byte, 100_000)})
	if status, got := send(t, url, "POST", ct, body); status != 200 || got != "a:1,f:100000" {
		t.Errorf("stream: %d %q", status, got)
	}
	if status, got := send(t, url, "POST", "text/plain", body); status != 400 || !strings.Contains(got, "not multipart") {
		t.Errorf("not multipart: %d %q", status, got)
	}
}

// uploadStream returns a multipart body of size bytes of file content,
// generated as it is read, and its content type.
func uploadStream(size int64) (io.Reader, string) {
	pr, pw := io.Pipe()
	w := multipart.NewWriter(pw)
	go func() {
		fw, _ := w.CreateFormFile("file", "huge.bin")
		chunk := bytes.Repeat([]byte("z"), 64<<10)
		for left := size; left > 0; left -= int64(len(chunk)) {
			n := min(left, int64(len(chunk)))
			if _, err := fw.Write(chunk[:n]); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		w.Close()
		pw.Close()
	}()
	return pr, w.FormDataContentType()
}

// peakHeap runs f while sampling the heap and returns the peak growth.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base := m.HeapAlloc
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > base && m.HeapAlloc-base > peak.Load() {
				peak.Store(m.HeapAlloc - base)
			}
		}
	}()
	f()
	close(stop)
	<-done
	return peak.Load()
}

// BenchmarkUpload256MiB streams a 256 MiB upload through Multipart and
// through Post (default form memory, the file spills to disk) and reports
// the peak heap growth of each (peak-MiB).
func BenchmarkUpload256MiB(b *testing.B) {
	const size = 256 << 20
	dir := b.TempDir()
	app := NewApplication(WithClientMaxSize(-1), WithUploadDir(dir))
	app.Router.AddRoute("POST", "/multipart", func(req *Request) (Resp, error) {
		mr, err := req.Multipart()
		if err != nil {
			return nil, err
		}
		p, err := mr.NextPart()
		if err != nil {
			return nil, err
		}
		n, err := io.Copy(io.Discard, p)
		return &Response{Text: fmt.Sprint(n)}, err
	})
	app.Router.AddRoute("POST", "/post", func(req *Request) (Resp, error) {
		f, err := req.Post()
		if err != nil {
			return nil, err
		}
		return &Response{Text: fmt.Sprint(f.File("file").Size)}, nil
	})
	url := serveURL(b, app)
	for _, path := range []string{"/multipart", "/post"} {
		b.Run(strings.TrimPrefix(path, "/"), func(b *testing.B) {
			b.SetBytes(size)
			var worst uint64
			for b.Loop() {
				peak := peakHeap(func() {
					body, ct := uploadStream(size)
					resp, err := http.Post(url+path, ct, body)
					if err != nil {
						b.Fatal(err)
					}
					got, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if string(got) != fmt.Sprint(size) {
						b.Fatalf("got %q", got)
					}
				})
				worst = max(worst, peak)
			}
			b.ReportMetric(float64(worst)/(1<<20), "peak-MiB")
		})
	}
}

// BenchmarkMultipartParse compares Post and Multipart with net/http's
// ParseMultipartForm on the same 4 MiB body, in the same run.
func BenchmarkMultipartParse(b *testing.B) {
	ct, body := multipartBody(b, part{name: "a", data: []byte("1")},
		part{name: "file", filename: "f.bin", ctype: "-", data: bytes.Repeat([]byte("q"), 4<<20)})
	dir := b.TempDir()
	app := NewApplication(WithClientMaxSize(-1), WithUploadDir(dir), WithFormMemory(32<<20))
	app.Router.AddRoute("POST", "/post", func(req *Request) (Resp, error) {
		f, err := req.Post()
		if err != nil {
			return nil, err
		}
		return &Response{Text: fmt.Sprint(f.File("file").Size)}, nil
	})
	app.Router.AddRoute("POST", "/multipart", func(req *Request) (Resp, error) {
		mr, err := req.Multipart()
		if err != nil {
			return nil, err
		}
		var n int64
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			c, _ := io.Copy(io.Discard, p)
			n = c
		}
		return &Response{Text: fmt.Sprint(n)}, nil
	})
	std := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		_, h, _ := r.FormFile("file")
		fmt.Fprint(w, h.Size)
		r.MultipartForm.RemoveAll()
	})
	aio := serveURL(b, app)
	stdURL := "http://" + serveHandler(b, std)
	for _, c := range []struct{ name, url string }{{"net-http-ParseMultipartForm", stdURL + "/"}, {"aioweb-Post", aio + "/post"}, {"aioweb-Multipart", aio + "/multipart"}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				resp, err := http.Post(c.url, ct, bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				got, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(got) != fmt.Sprint(4<<20) {
					b.Fatalf("got %q", got)
				}
			}
		})
	}
}
