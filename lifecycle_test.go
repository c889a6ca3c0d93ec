// lifecycle_test.go tests the lifecycle: hook order across an application
// and its sub-applications against aiohttp 3.8, failing startup steps,
// registration after a phase began, and the handler count shutdown waits on.

package aioweb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// lifecycleTree builds, in Go, the applications testdata/oracle/lifecycle.py
// builds in aiohttp, recording events; fail names the step that errs.
func lifecycleTree(fail string) (*Application, func() []string) {
	var mu sync.Mutex
	var events []string
	note := func(s string) { mu.Lock(); events = append(events, s); mu.Unlock() }
	hook := func(kind, name string) func(context.Context) error {
		return func(context.Context) error {
			note(kind + " " + name)
			if fail == name+":"+kind {
				return fmt.Errorf("%s %s failed", kind, name)
			}
			return nil
		}
	}
	ctx := func(tag, name string) func(context.Context) (func(context.Context) error, error) {
		return func(context.Context) (func(context.Context) error, error) {
			note(tag + "-enter " + name)
			if fail == name+":"+tag {
				return nil, fmt.Errorf("%s %s failed", tag, name)
			}
			return func(context.Context) error { note(tag + "-exit " + name); return nil }, nil
		}
	}
	sub := func(name string) *Application {
		s := NewApplication()
		s.Router.AddGet("/", func(*Request) (Resp, error) { return &Response{Text: name}, nil })
		s.CleanupCtx(ctx("ctx", name))
		s.CleanupCtx(ctx("ctx2", name))
		s.OnStartup(hook("startup", name))
		s.OnShutdown(hook("shutdown", name))
		s.OnCleanup(hook("cleanup", name))
		return s
	}
	app := NewApplication()
	app.CleanupCtx(ctx("ctx", "app"))
	app.OnStartup(hook("startup", "app"))
	app.OnShutdown(hook("shutdown", "app"))
	app.OnCleanup(hook("cleanup", "app"))
	app.AddSubapp("/s1", sub("sub1"))
	app.CleanupCtx(ctx("ctx2", "app"))
	app.OnStartup(hook("startup", "app#2"))
	app.OnShutdown(hook("shutdown", "app#2"))
	app.OnCleanup(hook("cleanup", "app#2"))
	app.AddSubapp("/s2", sub("sub2"))
	return app, func() []string { mu.Lock(); defer mu.Unlock(); return slices.Clone(events) }
}

func TestLifecycleOrderMatchesAiohttp(t *testing.T) {
	const (
		enterApp  = "ctx-enter app,ctx2-enter app,startup app,"
		enterSub1 = "ctx-enter sub1,ctx2-enter sub1,startup sub1,startup app#2,"
		enterSub2 = "ctx-enter sub2,ctx2-enter sub2,startup sub2,"
	)
	cases := []struct {
		fail string
		want string
		// extra: teardowns aioweb runs after a failed startup that aiohttp
		// 3.8 skips (it tears down the root's cleanup contexts only).
		extra string
	}{
		{"", enterApp + enterSub1 + enterSub2 +
			"shutdown app,shutdown sub1,shutdown app#2,shutdown sub2," +
			"ctx2-exit app,ctx-exit app,cleanup app,ctx2-exit sub1,ctx-exit sub1,cleanup sub1,cleanup app#2,ctx2-exit sub2,ctx-exit sub2,cleanup sub2", ""},
		{"app:ctx", "ctx-enter app", ""},
		{"app:startup", enterApp + "ctx2-exit app,ctx-exit app", ""},
		{"sub1:ctx2", enterApp + "ctx-enter sub1,ctx2-enter sub1,ctx2-exit app,ctx-exit app,ctx-exit sub1", "ctx-exit sub1"},
		{"app#2:startup", enterApp + enterSub1 + "ctx2-exit app,ctx-exit app,ctx2-exit sub1,ctx-exit sub1", "ctx2-exit sub1,ctx-exit sub1"},
		{"sub2:startup", enterApp + enterSub1 + enterSub2 + "ctx2-exit app,ctx-exit app,ctx2-exit sub1,ctx-exit sub1,ctx2-exit sub2,ctx-exit sub2",
			"ctx2-exit sub1,ctx-exit sub1,ctx2-exit sub2,ctx-exit sub2"},
	}
	oracle := exec.Command(systemPython, "-c", "import aiohttp").Run() == nil && os.Getenv("AIOWEB_NO_ORACLE") == ""
	for _, c := range cases {
		app, events := lifecycleTree(c.fail)
		ctx := context.Background()
		err := app.Startup(ctx)
		if c.fail == "" {
			if err != nil {
				t.Fatalf("Startup: %v", err)
			}
			if err := app.Shutdown(ctx); err != nil {
				t.Errorf("Shutdown: %v", err)
			}
		} else {
			name, kind, _ := strings.Cut(c.fail, ":")
			if want := kind + " " + name + " failed"; err == nil || err.Error() != want {
				t.Errorf("fail %s: Startup returned %v, want %q", c.fail, err, want)
			}
			if again := app.Startup(ctx); again == nil || again.Error() != err.Error() {
				t.Errorf("fail %s: second Startup returned %v", c.fail, again)
			}
		}
		// As RunApp's caller or runner.cleanup() would; after a failed
		// startup it has nothing left to do.
		if err := app.Cleanup(ctx); err != nil {
			t.Errorf("Cleanup: %v", err)
		}
		if err := app.Cleanup(ctx); err != nil {
			t.Errorf("second Cleanup: %v", err)
		}
		got := strings.Join(events(), ",")
		if got != c.want {
			t.Errorf("fail %q:\n got %s\nwant %s", c.fail, got, c.want)
		}
		if !oracle {
			continue
		}
		out, err := exec.Command(systemPython, "testdata/oracle/lifecycle.py", c.fail).Output()
		if err != nil {
			t.Fatalf("oracle: %v", err)
		}
		var ai []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if !strings.HasPrefix(l, "error ") {
				ai = append(ai, l)
			}
		}
		wantAi := slices.DeleteFunc(strings.Split(c.want, ","), func(s string) bool {
			return slices.Contains(strings.Split(c.extra, ","), s)
		})
		if strings.Join(ai, ",") != strings.Join(wantAi, ",") {
			t.Errorf("fail %q: aiohttp ran\n%s\nwant %s", c.fail, strings.Join(ai, ","), strings.Join(wantAi, ","))
		}
	}
}

func TestLifecycleErrorsAndMisuse(t *testing.T) {
	ctx := context.Background()
	app := NewApplication()
	var ran []string
	app.OnShutdown(func(context.Context) error { ran = append(ran, "s1"); return errors.New("s1 failed") })
	app.OnShutdown(func(context.Context) error { ran = append(ran, "s2"); return nil })
	app.CleanupCtx(func(context.Context) (func(context.Context) error, error) {
		return func(context.Context) error { ran = append(ran, "td"); return errors.New("td failed") }, nil
	})
	app.CleanupCtx(func(context.Context) (func(context.Context) error, error) { return nil, nil }) // nothing to undo
	app.OnCleanup(func(context.Context) error { ran = append(ran, "c1"); return errors.New("c1 failed") })
	app.OnCleanup(func(context.Context) error { ran = append(ran, "c2"); return nil })
	if err := app.Startup(ctx); err != nil {
		t.Fatal(err)
	}
	mustPanic(t, "OnStartup after Startup", func() { app.OnStartup(func(context.Context) error { return nil }) })
	mustPanic(t, "CleanupCtx after Startup", func() {
		app.CleanupCtx(func(context.Context) (func(context.Context) error, error) { return nil, nil })
	})
	late := NewApplication()
	late.Router.AddRoute("GET", "/x", func(*Request) (Resp, error) { return &Response{}, nil })
	routes := len(app.Router.Routes())
	mustPanic(t, "AddSubapp after Startup", func() { app.AddSubapp("/late", late) })
	// The refusal comes before anything is mounted: no route copied, and
	// the sub-application is still free to mount elsewhere.
	if n := len(app.Router.Routes()); n != routes {
		t.Errorf("AddSubapp after Startup left %d routes behind", n-routes)
	}
	NewApplication().AddSubapp("/elsewhere", late)
	// An error in one hook does not stop the others (aiohttp stops).
	if err := app.Shutdown(ctx); err == nil || err.Error() != "s1 failed" {
		t.Errorf("Shutdown: %v", err)
	}
	select {
	case <-app.Closing():
	default:
		t.Error("Closing not closed by Shutdown")
	}
	mustPanic(t, "OnShutdown after Shutdown", func() { app.OnShutdown(func(context.Context) error { return nil }) })
	if err := app.Cleanup(ctx); err == nil || err.Error() != "td failed\nc1 failed" {
		t.Errorf("Cleanup: %v", err)
	}
	if s := strings.Join(ran, ","); s != "s1,s2,td,c1,c2" {
		t.Errorf("ran %s", s)
	}
	mustPanic(t, "OnCleanup after Cleanup", func() { app.OnCleanup(func(context.Context) error { return nil }) })
	mustPanic(t, "nil hook", func() { NewApplication().OnStartup(nil) })

	// A panicking startup step propagates; a later Startup reports it
	// instead of hanging or succeeding.
	p := NewApplication()
	p.OnStartup(func(context.Context) error { panic("boom") })
	func() {
		defer func() { recover() }()
		p.Startup(ctx)
		t.Error("the startup panic did not propagate")
	}()
	if err := p.Startup(ctx); err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("Startup after a panicking step: %v", err)
	}

	// Teardowns after a failed startup run even when ctx was cancelled.
	c := NewApplication()
	var tdErr error = errors.New("teardown not run")
	c.CleanupCtx(func(context.Context) (func(context.Context) error, error) {
		return func(ctx context.Context) error { tdErr = ctx.Err(); return nil }, nil
	})
	cctx, cancel := context.WithCancel(ctx)
	c.OnStartup(func(ctx context.Context) error { cancel(); return ctx.Err() })
	if err := c.Startup(cctx); !errors.Is(err, context.Canceled) || tdErr != nil {
		t.Errorf("Startup: %v; teardown saw %v", err, tdErr)
	}
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if v := recover(); v == nil {
			t.Errorf("%s: no panic", what)
		} else if !strings.HasPrefix(fmt.Sprint(v), "aioweb: ") {
			t.Errorf("%s: panic %v", what, v)
		}
	}()
	f()
}

func TestHandlerCountWait(t *testing.T) {
	var c handlerCount
	if err := c.Wait(context.Background()); err != nil {
		t.Fatalf("Wait at zero: %v", err)
	}
	c.Add(1)
	c.Add(1)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := c.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait with 2 running: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait(context.Background()) }()
	c.Add(-1)
	select {
	case err := <-done:
		t.Fatalf("Wait returned with one still running: %v", err)
	default:
	}
	c.Add(-1)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not wake at zero")
	}
	// Many goroutines going up and down while waiters wait: every waiter
	// returns once all are done (run with -race).
	var wg sync.WaitGroup
	c.Add(1)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 1000; j++ {
				c.Add(1)
				c.Add(-1)
			}
		}()
	}
	waiters := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() { waiters <- c.Wait(context.Background()) }()
	}
	wg.Wait()
	c.Add(-1)
	for i := 0; i < 4; i++ {
		select {
		case err := <-waiters:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a waiter did not wake")
		}
	}
	if c.Load() != 0 {
		t.Errorf("count %d", c.Load())
	}
}

// TestHandlerCountNeverUndercounts: the sharded count never reads below
// the handlers that are running, while others start and end on other
// shards during the read; so Wait cannot see a false zero.
func TestHandlerCountNeverUndercounts(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8)) // 8 shards
	var c handlerCount
	if n := len(c.shardList()); n != 8 {
		t.Fatalf("%d shards at GOMAXPROCS 8, want 8", n)
	}
	const held = 3
	for i := 0; i < held; i++ {
		c.Add(1)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				c.Add(1)
				c.Add(-1)
			}
		}()
	}
	waitDone := make(chan error, 1)
	go func() { waitDone <- c.Wait(context.Background()) }()
	for i := 0; i < 200000; i++ {
		if n := c.Load(); n < held {
			t.Fatalf("read %d with %d running", n, held)
		}
	}
	select {
	case err := <-waitDone:
		t.Fatalf("Wait returned (%v) with %d running", err, held)
	default:
	}
	close(stop)
	wg.Wait()
	for i := 0; i < held; i++ {
		c.Add(-1)
	}
	select {
	case err := <-waitDone:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not wake at zero")
	}
	if n := c.Load(); n != 0 {
		t.Fatalf("count %d after all ended", n)
	}
}
