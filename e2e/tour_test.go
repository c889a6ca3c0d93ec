// Package e2e drives the tour (examples/tour) in a real headless Chromium:
// the index page and its demos, the upload form and the WebSocket page. It
// is its own module so that users of aioweb never download a browser driver.
//
// Run it with `go test ./...` inside e2e/ (Debian: apt-get install chromium).
// Screenshots land in ../artifacts/e2e/.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

var (
	tourURL   string
	artifacts string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	chromium := chromiumPath()
	if chromium == "" {
		fmt.Println("e2e: no Chromium (apt-get install chromium); skipping")
		return 0
	}
	dir, err := os.MkdirTemp("", "aioweb-e2e")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "tour")
	build := exec.Command("go", "build", "-o", bin, "./examples/tour")
	build.Dir = ".."
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building the tour: " + err.Error())
	}
	tour := exec.Command(bin, "-addr", "127.0.0.1:0")
	tour.Dir = ".."
	out, _ := tour.StdoutPipe()
	tour.Stderr = os.Stderr
	if err := tour.Start(); err != nil {
		panic(err)
	}
	defer func() { tour.Process.Signal(os.Interrupt); tour.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if !strings.HasPrefix(line, "serving on ") {
		panic(fmt.Sprintf("tour printed %q (%v)", line, err))
	}
	tourURL = "http://" + strings.TrimSpace(strings.TrimPrefix(line, "serving on "))
	artifacts, _ = filepath.Abs("../artifacts/e2e")
	os.MkdirAll(artifacts, 0o755)
	return m.Run()
}

func chromiumPath() string {
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	return ""
}

// browserCtx starts a fresh headless Chromium with the flags this machine's
// closed network needs.
func browserCtx(t *testing.T) context.Context {
	t.Helper()
	profile, err := os.MkdirTemp("", "aioweb-e2e-profile")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath()),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1000, 800),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelC := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(func() {
		chromedp.Cancel(ctx) // closes the browser and waits for it
		cancelC()
		cancelB()
		cancelA()
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond) // Chromium may still be flushing
		}
	})
	return ctx
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 gives a PNG
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(artifacts, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// panel is what a demo's result panel shows, read from the page.
type panel struct {
	For     string `json:"for"`
	Req     string `json:"req"`
	Status  string `json:"status"`
	Note    string `json:"note"`
	Headers string `json:"headers"`
	Body    string `json:"body"`
	MW      string `json:"mw"` // the highlighted header line
}

// readPanel reads the result panel beside the button with the given id.
func readPanel(ctx context.Context, id string) (panel, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[panel](`(() => {
		const p = document.getElementById(`+strconv.Quote(id)+`).closest('.row').querySelector('.result');
		const t = s => { const e = p.querySelector(s); return e ? e.textContent : ''; };
		return {for: p.dataset.for || '', req: t('.req'), status: t('.status'), note: t('.note'),
			headers: t('.headers'), body: t('.body'), mw: t('.headers .mw')};
	})()`))
}

// clickDemo clicks a demo button and waits until its panel shows its answer.
func clickDemo(ctx context.Context, id string) (panel, error) {
	sel := `document.getElementById(` + strconv.Quote(id) + `).closest('.row').querySelector('.result')`
	err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`delete `+sel+`.dataset.for`),
		chromedp.Click(chromedp.ID(id)),
		chromedp.Poll[chromedp.Void](sel+`.dataset.for === `+strconv.Quote(id)),
	)
	if err != nil {
		return panel{}, err
	}
	return readPanel(ctx, id)
}

// demo is one button of the tour page and what its panel must show: the
// status line, header lines that must be present (exactly, one per line),
// the body (exactly, or the lines it must and must not contain).
type demo struct {
	id, status string
	headers    []string
	body       string
	contains   []string
	lacks      []string
	note       string
}

var demos = []demo{
	{id: "try-root", status: "200 OK", headers: []string{"content-type: application/octet-stream", "content-length: 12"}, body: "Hello, world"},
	{id: "try-intro", status: "200 OK", body: "Hello, world"},
	{id: "try-greet", status: "200 OK", headers: []string{"content-type: text/plain; charset=utf-8"}, body: "Hello, gopher"},
	{id: "try-num", status: "200 OK", body: "Hello, 42"},
	{id: "try-num-abc", status: "404 Not Found", body: "404: Not Found"},
	{id: "try-name", status: "200 OK", body: "Hello, alice"},
	{id: "try-post-name", status: "405 Method Not Allowed", headers: []string{"allow: GET"}, body: "405: Method Not Allowed"},
	{id: "follow-redirect", status: "200 OK", note: "fetch() followed a redirect: this answer is from /intro", body: "Hello, world"},
	{id: "ask-json", status: "200 OK", headers: []string{"content-type: application/json; charset=utf-8"}, body: `{"greeting":"Hello, world"}`},
	{id: "ask-xml", status: "200 OK", headers: []string{"content-type: application/xml; charset=utf-8"}, body: "<greeting>Hello, world</greeting>"},
	{id: "ask-html", status: "406 Not Acceptable", body: "406: Not Acceptable"},
	// Without Expect the expect handler is not called: both are echoed.
	{id: "post-expect-auth", status: "200 OK", body: "payload"},
	{id: "post-expect-noauth", status: "200 OK", body: "payload"},
	// The raw exchanges: > sent, < received, * notes.
	{id: "exchange-auth", status: "200 OK", headers: []string{"content-type: text/plain; charset=utf-8"}, contains: []string{
		"> POST /expect HTTP/1.1", "> Expect: 100-continue", "> Authorization: Basic dG91cjp0b3Vy",
		"< HTTP/1.1 100 Continue", "> payload", "< HTTP/1.1 200 OK", "< X-Tour-Middleware: 1", "< Content-Length: 7", "< payload",
	}},
	{id: "exchange-noauth", status: "200 OK", contains: []string{
		"> POST /expect HTTP/1.1", "> Expect: 100-continue", "< HTTP/1.1 403 Forbidden", "< Connection: close", "< 403: Forbidden",
		"* final answer 403 before the body: the body was never sent",
	}, lacks: []string{"> Authorization: Basic dG91cjp0b3Vy", "< HTTP/1.1 100 Continue", "> payload", "< X-Tour-Middleware: 1"}},
	{id: "exchange-http10", status: "200 OK", contains: []string{
		"> POST /expect HTTP/1.0", "> Authorization: Basic dG91cjp0b3Vy", "< HTTP/1.0 403 Forbidden", "< 403: Forbidden",
	}, lacks: []string{"< HTTP/1.0 100 Continue", "< HTTP/1.1 100 Continue", "> payload"}},
	{id: "try-static", status: "200 OK", headers: []string{"content-type: text/plain; charset=utf-8", "content-length: 26", "accept-ranges: bytes"},
		contains: []string{"Hello from a static file."}},
	{id: "try-links", status: "200 OK", body: "/greet/a%20b%2Fc\n/greet/bob\n"},
	{id: "try-missing", status: "404 Not Found", body: "404: Not Found"},
}

// check compares a panel with what the demo must show; every panel shows
// the middleware's header, highlighted.
func (d demo) check(t *testing.T, p panel) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(p.Headers, "\n"), "\n")
	bad := p.Status != d.status || p.Note != d.note || p.MW != "x-tour-middleware: 1\n" || !slices.Contains(lines, "x-tour-middleware: 1")
	for _, h := range d.headers {
		bad = bad || !slices.Contains(lines, h)
	}
	if d.body != "" || (d.contains == nil && d.lacks == nil) {
		bad = bad || p.Body != d.body
	}
	body := strings.Split(p.Body, "\n")
	for _, c := range d.contains {
		bad = bad || !slices.Contains(body, c)
	}
	for _, c := range d.lacks {
		bad = bad || strings.Contains(p.Body, c)
	}
	if bad {
		t.Errorf("%s: panel shows\nrequest %q\nstatus  %q\nnote    %q\nheaders:\n%s\nbody:\n%s\nwant status %q, note %q, headers %q, body %q containing %q lacking %q",
			d.id, p.Req, p.Status, p.Note, p.Headers, p.Body, d.status, d.note, d.headers, d.body, d.contains, d.lacks)
	}
}

// screenshotOf saves a screenshot of the element sel alone.
func screenshotOf(t *testing.T, ctx context.Context, sel, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(artifacts, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTourIndexAndDemos(t *testing.T) {
	ctx := browserCtx(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(tourURL+"/tour")); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	idle, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.result')].map(p => p.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if title != "aioweb tour" || len(idle) != 10 {
		t.Errorf("title %q, %d result panels", title, len(idle))
	}
	// Run every demo: the first button of each row answers into its panel.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("run-all")),
		chromedp.Poll[chromedp.Void](`document.body.dataset.ranAll === 'yes'`),
	)
	if err != nil {
		t.Fatal(err)
	}
	first := map[string]bool{}
	for _, id := range []string{"try-root", "try-intro", "try-num", "follow-redirect", "ask-json", "post-expect-auth", "exchange-auth", "try-static", "try-links", "try-missing"} {
		first[id] = true
		p, err := readPanel(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if p.For != id {
			t.Errorf("after Run every demo, the panel of %s shows %q", id, p.For)
		}
	}
	for _, d := range demos {
		if first[d.id] {
			p, err := readPanel(ctx, d.id)
			if err != nil {
				t.Fatal(err)
			}
			d.check(t, p)
		}
	}
	screenshot(t, ctx, "tour-index")
	// Each button, clicked: its panel shows its own answer.
	for _, d := range demos {
		p, err := clickDemo(ctx, d.id)
		if err != nil {
			t.Fatalf("%s: %v", d.id, err)
		}
		d.check(t, p)
		if d.id == "exchange-noauth" {
			screenshotOf(t, ctx, "#demo-expect", "tour-expect-refused")
		}
	}
	screenshot(t, ctx, "tour-demos")
}

func TestWebSocketPage(t *testing.T) {
	ctx := browserCtx(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(tourURL+"/chat"),
		chromedp.Poll[chromedp.Void](`document.getElementById('status').textContent === 'connected'`),
		chromedp.SendKeys(chromedp.ID("msg"), "hello"),
		chromedp.Click(chromedp.ID("send")),
		chromedp.Poll[chromedp.Void](`document.querySelector('#log li.received') !== null`),
	)
	if err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#log li.received")))
	if err != nil {
		t.Fatal(err)
	}
	if got != "hello/answer" {
		t.Errorf("received %q, want hello/answer", got)
	}
	screenshot(t, ctx, "websocket")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("msg"), "close"),
		chromedp.Click(chromedp.ID("send")),
		chromedp.Poll[chromedp.Void](`document.getElementById('status').textContent.startsWith('closed')`),
	)
	if err == nil {
		got, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("status")))
	}
	if err != nil || got != "closed (1000)" {
		t.Errorf("after close: %q %v", got, err)
	}
}

func TestUploadForm(t *testing.T) {
	ctx := browserCtx(t)
	content := make([]byte, 300<<10)
	rand.Read(content)
	src := filepath.Join(t.TempDir(), "song.mp3")
	if err := os.WriteFile(src, content, 0o644); err != nil {
		t.Fatal(err)
	}
	downloads := t.TempDir()
	// The download events come to the tab that asked for them.
	allowDownloads := chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		_, err := cdp.Call(ctx, tab, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior:      browser.SetDownloadBehaviorBehaviorAllowAndName,
			DownloadPath:  downloads,
			EventsEnabled: new(true),
		})
		return err
	})
	err := chromedp.Do(ctx,
		allowDownloads,
		chromedp.Navigate(tourURL+"/upload"),
		chromedp.WaitVisible(chromedp.CSS(`input[type=file]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "upload-form")
	// Subscribe before the submit, so no event is lost. The browser has
	// started, so this timeout bounds the wait only, not the browser.
	wait, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	progress := chromedp.Events(wait, browser.DownloadProgress)
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{src}),
		chromedp.Click(chromedp.CSS(`input[type=submit], button[type=submit]`)),
	); err != nil {
		t.Fatal(err)
	}
	for e, err := range progress {
		if err != nil {
			t.Fatalf("no download after submitting the form: %v", err)
		}
		if e.State != browser.DownloadProgressStateCompleted {
			continue
		}
		got, err := os.ReadFile(filepath.Join(downloads, e.GUID))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, content) {
			t.Errorf("downloaded %d bytes, uploaded %d; contents differ", len(got), len(content))
		}
		return
	}
	t.Fatal("the download events ended before the download completed")
}
