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
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
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
	ctx, cancelC := context.WithTimeout(ctx, 60*time.Second)
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
	var png []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil { // quality 100 gives a PNG
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(artifacts, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTourIndexAndDemos(t *testing.T) {
	ctx := browserCtx(t)
	var result, title string
	err := chromedp.Run(ctx,
		chromedp.Navigate(tourURL+"/tour"),
		chromedp.Title(&title),
		chromedp.Click("#ask-json", chromedp.ByID),
		chromedp.Poll(`document.getElementById('accept-result').textContent.startsWith('200')`, nil),
		chromedp.Text("#accept-result", &result, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if title != "aioweb tour" || result != `200: {"greeting":"Hello, world"}` {
		t.Errorf("title %q, accept result %q", title, result)
	}
	screenshot(t, ctx, "tour-index")
	err = chromedp.Run(ctx,
		chromedp.Click("#ask-html", chromedp.ByID),
		chromedp.Poll(`document.getElementById('accept-result').textContent.startsWith('406')`, nil),
		chromedp.Text("#accept-result", &result, chromedp.ByID),
	)
	if err != nil || result != "406: 406: Not Acceptable" {
		t.Errorf("406 demo: %q %v", result, err)
	}
	// /redirect raises HTTPFound('/intro'); the browser follows it.
	err = chromedp.Run(ctx,
		chromedp.Click("#follow-redirect", chromedp.ByID),
		chromedp.Poll(`document.getElementById('redirect-result').textContent !== ''`, nil),
		chromedp.Text("#redirect-result", &result, chromedp.ByID),
	)
	if err != nil || result != "200 from /intro: Hello, world" {
		t.Errorf("redirect demo: %q (%v)", result, err)
	}
	screenshot(t, ctx, "tour-redirected")
}

func TestWebSocketPage(t *testing.T) {
	ctx := browserCtx(t)
	var got string
	err := chromedp.Run(ctx,
		chromedp.Navigate(tourURL+"/chat"),
		chromedp.Poll(`document.getElementById('status').textContent === 'connected'`, nil),
		chromedp.SendKeys("#msg", "hello", chromedp.ByID),
		chromedp.Click("#send", chromedp.ByID),
		chromedp.Poll(`document.querySelector('#log li.received') !== null`, nil),
		chromedp.Text("#log li.received", &got),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got != "hello/answer" {
		t.Errorf("received %q, want hello/answer", got)
	}
	screenshot(t, ctx, "websocket")
	err = chromedp.Run(ctx,
		chromedp.SendKeys("#msg", "close", chromedp.ByID),
		chromedp.Click("#send", chromedp.ByID),
		chromedp.Poll(`document.getElementById('status').textContent.startsWith('closed')`, nil),
		chromedp.Text("#status", &got),
	)
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
	done := make(chan string, 1)
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*browser.EventDownloadProgress); ok && e.State == browser.DownloadProgressStateCompleted {
			done <- e.GUID
		}
	})
	err := chromedp.Run(ctx,
		browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllowAndName).WithDownloadPath(downloads).WithEventsEnabled(true),
		chromedp.Navigate(tourURL+"/upload"),
		chromedp.WaitVisible(`input[type=file]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "upload-form")
	if err := chromedp.Run(ctx,
		chromedp.SetUploadFiles(`input[type=file]`, []string{src}),
		chromedp.Click(`input[type=submit], button[type=submit]`),
	); err != nil {
		t.Fatal(err)
	}
	select {
	case guid := <-done:
		got, err := os.ReadFile(filepath.Join(downloads, guid))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, content) {
			t.Errorf("downloaded %d bytes, uploaded %d; contents differ", len(got), len(content))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no download after submitting the form")
	}
}
