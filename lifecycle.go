// lifecycle.go owns an Application's lifecycle: the OnStartup, OnShutdown
// and OnCleanup hooks and cleanup contexts, the order they run in across an
// application and its sub-applications (aiohttp 3.8's), Closing, and the
// count of running handlers that shutdown waits on.

package aioweb

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// CleanupCtx is aiohttp's cleanup_ctx in Go form: setup runs at startup and
// returns the teardown to run at cleanup (nil if there is nothing to undo), or
// an error, which stops startup as a failing OnStartup hook does. Within an
// application the cleanup contexts are set up in registration order, before
// its OnStartup hooks, and torn down in reverse order, before its OnCleanup
// hooks. A teardown runs even when a later startup step fails, which makes
// this the place to open resources that must be closed:
//
//	app.CleanupCtx(func(ctx context.Context) (func(context.Context) error, error) {
//		db, err := sql.Open("postgres", dsn)
//		if err != nil {
//			return nil, err
//		}
//		dbKey.Set(app, db)
//		return func(context.Context) error { return db.Close() }, nil
//	})
//
// It panics once Startup has begun (aiohttp freezes its signals then too).
func (a *Application) CleanupCtx(setup func(ctx context.Context) (teardown func(context.Context) error, err error)) {
	if setup == nil {
		panic("aioweb: CleanupCtx(nil)")
	}
	l := &a.life
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.started {
		panic("aioweb: CleanupCtx after Startup began")
	}
	l.ctxs = append(l.ctxs, setup)
}

// OnStartup registers fn to run at startup, before the server accepts
// connections (aiohttp's on_startup). An application's hooks run in
// registration order, after its cleanup contexts are set up; a sub-app's
// startup runs where AddSubapp was called among the parent's hooks. The
// first error stops startup: the teardowns of the cleanup contexts already
// set up run, the OnCleanup hooks do not (as in aiohttp), and Startup or
// RunApp returns the error. It panics once Startup has begun.
func (a *Application) OnStartup(fn func(context.Context) error) {
	a.life.register(&a.life.startup, fn, func(l *lifecycle) bool { return l.started }, "OnStartup after Startup began")
}

// OnShutdown registers fn to run when shutdown begins (aiohttp's
// on_shutdown): after the server stopped accepting and before in-flight
// handlers are drained, the place to end long-lived connections. Hooks run
// in registration order, a sub-app's where AddSubapp was called. It panics
// once Shutdown has begun.
func (a *Application) OnShutdown(fn func(context.Context) error) {
	a.life.register(&a.life.shutdown, fn, func(l *lifecycle) bool { return l.shutDown }, "OnShutdown after Shutdown began")
}

// OnCleanup registers fn to run after in-flight handlers are drained
// (aiohttp's on_cleanup). Hooks run in registration order (aiohttp's order;
// not reversed), after the application's cleanup-context teardowns; a
// sub-app's cleanup runs where AddSubapp was called. It panics once Cleanup
// has begun.
func (a *Application) OnCleanup(fn func(context.Context) error) {
	a.life.register(&a.life.cleanup, fn, func(l *lifecycle) bool { return l.cleaned }, "OnCleanup after Cleanup began")
}

// Startup sets up the cleanup contexts and runs the OnStartup hooks of the
// application and, in their places, of its sub-applications (aiohttp's
// order: parent first, sub-apps in the order they were added). RunApp calls
// it before serving; call it yourself when you run the http.Server, or in
// tests. On the first error it stops, tears down the cleanup contexts set up
// so far (every application's, parent first, each in reverse order, with
// ctx's values but not its cancellation, which may be why startup failed) and
// returns the error joined with theirs; Cleanup then has nothing left to do.
// A step that panics gets the same teardowns, then the panic goes on (RunApp
// closes its listener on the way).
// Startup runs once; later calls return the first call's result.
func (a *Application) Startup(ctx context.Context) error {
	defer func() {
		if v := recover(); v != nil {
			// A step panicked: tear down what had started, as after an
			// error, then let the panic report the bug.
			a.teardownAfterFailedStartup(context.WithoutCancel(ctx))
			panic(v)
		}
	}()
	err := a.startup(ctx)
	if err != nil {
		// Idempotent: a later call finds no teardowns left.
		err = errors.Join(err, a.teardownAfterFailedStartup(context.WithoutCancel(ctx)))
	}
	return err
}

// startup runs a's startup once and returns its result.
func (a *Application) startup(ctx context.Context) error {
	l := &a.life
	l.mu.Lock()
	if l.started {
		l.mu.Unlock()
		<-l.startDone
		return l.startErr
	}
	l.started = true
	l.startDone = make(chan struct{})
	l.startErr = errors.New("aioweb: a startup step panicked")
	ctxs, hooks := l.ctxs, l.startup
	l.mu.Unlock()
	defer close(l.startDone) // also when a step panics
	err := func() error {
		for _, setup := range ctxs {
			teardown, err := setup(ctx)
			if err != nil {
				return err
			}
			if teardown != nil {
				l.mu.Lock()
				l.teardowns = append(l.teardowns, teardown)
				l.mu.Unlock()
			}
		}
		for _, h := range hooks {
			var err error
			if h.sub != nil {
				err = h.sub.startup(ctx)
			} else {
				err = h.fn(ctx)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}()
	l.startErr = err
	return err
}

// teardownAfterFailedStartup runs the teardowns of every cleanup context set
// up in a's tree, parent first, and marks the tree cleaned up.
func (a *Application) teardownAfterFailedStartup(ctx context.Context) error {
	l := &a.life
	l.mu.Lock()
	l.cleaned = true
	teardowns := l.teardowns
	l.teardowns = nil
	subs := l.subs
	l.mu.Unlock()
	var errs []error
	for i := len(teardowns) - 1; i >= 0; i-- {
		errs = append(errs, teardowns[i](ctx))
	}
	for _, s := range subs {
		errs = append(errs, s.teardownAfterFailedStartup(ctx))
	}
	return errors.Join(errs...)
}

// Shutdown closes Closing (this application's and its sub-applications')
// and runs the OnShutdown hooks once, in aiohttp's order: the application's
// in registration order, a sub-app's where AddSubapp was called. An error in
// one does not stop the others (aiohttp stops at the first); it returns them
// joined. RunApp calls it after it stopped accepting and before it drains;
// call it yourself when you run the http.Server.
func (a *Application) Shutdown(ctx context.Context) error {
	a.closeTree()
	l := &a.life
	l.mu.Lock()
	if l.shutDown {
		l.mu.Unlock()
		return nil
	}
	l.shutDown = true
	hooks := l.shutdown
	l.mu.Unlock()
	return runHooks(ctx, hooks, (*Application).Shutdown)
}

// Cleanup runs, once, the teardowns of the cleanup contexts in reverse order
// and then the OnCleanup hooks in registration order, a sub-app's cleanup
// where AddSubapp was called (aiohttp 3.8's order: parent, then sub-apps).
// An error in one does not stop the others (aiohttp stops at the first); it
// returns them joined. After a failed Startup it does nothing: the teardowns
// already ran and, as in aiohttp, the OnCleanup hooks do not.
func (a *Application) Cleanup(ctx context.Context) error {
	l := &a.life
	l.mu.Lock()
	if l.cleaned {
		l.mu.Unlock()
		return nil
	}
	l.cleaned = true
	teardowns, hooks := l.teardowns, l.cleanup
	l.teardowns = nil
	l.mu.Unlock()
	var errs []error
	for i := len(teardowns) - 1; i >= 0; i-- {
		errs = append(errs, teardowns[i](ctx))
	}
	errs = append(errs, runHooks(ctx, hooks, (*Application).Cleanup))
	return errors.Join(errs...)
}

func runHooks(ctx context.Context, hooks []hook, sub func(*Application, context.Context) error) error {
	var errs []error
	for _, h := range hooks {
		if h.sub != nil {
			errs = append(errs, sub(h.sub, ctx))
		} else {
			errs = append(errs, h.fn(ctx))
		}
	}
	return errors.Join(errs...)
}

// Closing returns a channel closed when Shutdown begins (on this application
// or a parent), so long-running handlers (streams, WebSockets) can finish.
func (a *Application) Closing() <-chan struct{} {
	l := &a.life
	l.closeOnce.Do(func() { l.closing = make(chan struct{}) })
	return l.closing
}

// closeTree closes Closing on a and every sub-application under it.
func (a *Application) closeTree() {
	ch := a.Closing()
	l := &a.life
	l.mu.Lock()
	select {
	case <-ch:
	default:
		close(l.closing)
	}
	subs := l.subs
	l.mu.Unlock()
	for _, s := range subs {
		s.closeTree()
	}
}

// InFlight returns how many of this application's handlers are running,
// WebSockets included. A parent's count includes its sub-applications'
// handlers; a sub-application counts its own.
func (a *Application) InFlight() int64 { return a.inflight.Load() }

// addSub records sub as mounted under a (AddSubapp): sub's startup, shutdown
// and cleanup run in a's hook lists at this point, as aiohttp registers a
// sub-app's signals on its parent.
func (a *Application) addSub(sub *Application) {
	l := &a.life
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.started {
		panic("aioweb: AddSubapp after Startup began")
	}
	l.subs = append(l.subs, sub)
	l.startup = append(l.startup, hook{sub: sub})
	l.shutdown = append(l.shutdown, hook{sub: sub})
	l.cleanup = append(l.cleanup, hook{sub: sub})
}

// lifecycle is an Application's hooks and how far they have run.
type lifecycle struct {
	mu                         sync.Mutex
	ctxs                       []func(context.Context) (func(context.Context) error, error)
	teardowns                  []func(context.Context) error // of the contexts set up, in order
	startup, shutdown, cleanup []hook
	subs                       []*Application

	started, shutDown, cleaned bool
	startDone                  chan struct{}
	startErr                   error

	closeOnce sync.Once
	closing   chan struct{}
}

// hook is a registered function, or the place of a sub-application.
type hook struct {
	fn  func(context.Context) error
	sub *Application
}

func (l *lifecycle) register(list *[]hook, fn func(context.Context) error, ran func(*lifecycle) bool, msg string) {
	if fn == nil {
		panic("aioweb: nil lifecycle hook")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if ran(l) {
		panic("aioweb: " + msg)
	}
	*list = append(*list, hook{fn: fn})
}

// handlerCount counts running handlers and lets shutdown wait for none
// without polling. Every request writes it twice, so it is sharded: a
// request adds to one of several cache-line-padded shards, chosen at random
// (math/rand/v2's per-thread generator, no shared state), instead of all
// cores bouncing one cache line. Each shard holds two monotonic counts,
// started and finished; the running count is the started total minus the
// finished total, read finished first (see Load). Only when a Wait is
// pending does an ending handler sum the shards to wake it at zero.
type handlerCount struct {
	shards  atomic.Pointer[[]countShard] // made on first use
	waiters atomic.Int32                 // pending Waits: read on every end, written rarely
	mu      sync.Mutex
	idle    chan struct{} // made by Wait, closed when the count reaches 0
}

// countShard is one shard, alone on its cache lines (128 bytes: adjacent
// lines are fetched in pairs on common x86 parts).
type countShard struct {
	started, finished atomic.Uint64
	_                 [128 - 16]byte
}

// maxShards bounds the shards; with GOMAXPROCS at or above it, a few cores
// share each shard.
const maxShards = 64

func (c *handlerCount) shardList() []countShard {
	if p := c.shards.Load(); p != nil {
		return *p
	}
	n := 1
	for n < runtime.GOMAXPROCS(0) && n < maxShards {
		n *= 2
	}
	s := make([]countShard, n)
	c.shards.CompareAndSwap(nil, &s)
	return *c.shards.Load()
}

// begin counts a handler that starts and returns the shard to pass to end.
func (c *handlerCount) begin() *countShard {
	shards := c.shardList()
	sh := &shards[rand.Uint32()&uint32(len(shards)-1)]
	sh.started.Add(1)
	return sh
}

// end counts the end of the handler begin counted on sh.
func (c *handlerCount) end(sh *countShard) { c.finish(sh, 1) }

// Add adds delta (1 when a handler starts, -1 when it ends); a start and
// its end may land on different shards.
func (c *handlerCount) Add(delta int64) {
	shards := c.shardList()
	sh := &shards[rand.Uint32()&uint32(len(shards)-1)]
	if delta >= 0 {
		sh.started.Add(uint64(delta))
		return
	}
	c.finish(sh, uint64(-delta))
}

func (c *handlerCount) finish(sh *countShard, n uint64) {
	sh.finished.Add(n)
	// Ordered after the add (atomics are sequentially consistent): either
	// this sees the waiter, or the waiter's Load sees this end.
	if c.waiters.Load() == 0 {
		return
	}
	if c.Load() == 0 {
		c.mu.Lock()
		if c.idle != nil && c.Load() == 0 {
			close(c.idle)
			c.idle = nil
		}
		c.mu.Unlock()
	}
}

// Load returns the count. It reads every shard's finished count before any
// started count: both only grow, so the result is at least the true count
// at the instant between the two passes, and a result of 0 means the count
// was 0 at that instant (no handler was running), even while others start
// and end during the read.
func (c *handlerCount) Load() int64 {
	shards := c.shardList()
	var started, finished uint64
	for i := range shards {
		finished += shards[i].finished.Load()
	}
	for i := range shards {
		started += shards[i].started.Load()
	}
	return int64(started - finished)
}

// Wait blocks until the count is zero or ctx ends, and returns ctx's error
// in the latter case.
func (c *handlerCount) Wait(ctx context.Context) error {
	c.waiters.Add(1)
	defer c.waiters.Add(-1)
	for {
		c.mu.Lock()
		if c.idle == nil {
			c.idle = make(chan struct{})
		}
		ch := c.idle
		c.mu.Unlock()
		if c.Load() == 0 {
			return nil
		}
		select {
		case <-ch:
			// Reached zero; a new handler may have started since.
		case <-ctx.Done():
			if c.Load() == 0 {
				return nil
			}
			return ctx.Err()
		}
	}
}
