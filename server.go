// server.go owns RunApp, NewServer and shutdown: the run options, the
// http.Server defaults and the order in which a running application stops.

package aioweb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// RunOption configures RunApp.
type RunOption func(*runConfig)

type runConfig struct {
	ctx             context.Context
	out             io.Writer
	shutdownTimeout time.Duration
	hookTimeout     time.Duration
	listener        net.Listener
	server          func(*http.Server)
	access          accessLogConfig
}

// Bounds RunApp sets on shutdown (see RunApp).
const (
	// DefaultShutdownTimeout bounds the drain of in-flight handlers.
	DefaultShutdownTimeout = 10 * time.Second
	// DefaultHookTimeout bounds the context of the OnShutdown hooks, and
	// separately that of the cleanup (teardowns and OnCleanup hooks).
	DefaultHookTimeout = 10 * time.Second
)

// RunContext makes RunApp stop when ctx is done, besides SIGINT/SIGTERM.
func RunContext(ctx context.Context) RunOption { return func(c *runConfig) { c.ctx = ctx } }

// RunOutput sets where RunApp prints "serving on HOST:PORT" (default
// os.Stdout; nil prints nothing).
func RunOutput(w io.Writer) RunOption { return func(c *runConfig) { c.out = w } }

// RunShutdownTimeout bounds the drain of in-flight handlers after the
// OnShutdown hooks (default DefaultShutdownTimeout, 10 s; aiohttp's
// shutdown_timeout). Handlers still running then are reported in RunApp's
// error and their connections closed. It does not include the hooks' time.
func RunShutdownTimeout(d time.Duration) RunOption {
	return func(c *runConfig) { c.shutdownTimeout = d }
}

// RunHookTimeout sets how long the OnShutdown hooks, and separately the
// cleanup (cleanup-context teardowns and OnCleanup hooks), may take: each
// phase gets a context that ends d after it begins (default
// DefaultHookTimeout, 10 s; d <= 0 keeps it). RunApp waits for the hooks to
// return, so hooks must honour their context.
func RunHookTimeout(d time.Duration) RunOption {
	return func(c *runConfig) {
		if d > 0 {
			c.hookTimeout = d
		}
	}
}

// RunListener serves on ln instead of listening on addr.
func RunListener(ln net.Listener) RunOption { return func(c *runConfig) { c.listener = ln } }

// RunServerConfig lets fn adjust the http.Server before it starts.
func RunServerConfig(fn func(*http.Server)) RunOption { return func(c *runConfig) { c.server = fn } }

// RunAccessLogFormat logs every request in format (aiohttp's
// access_log_format; "" means DefaultAccessLogFormat), through the
// application's logger as Info records whose message is the line (see
// AccessLogger), or on the writer given to RunAccessLog. RunApp logs in the
// default format unless given RunAccessLog(nil); NewServer logs only when
// given RunAccessLogFormat or RunAccessLog with a writer. A bad format
// makes RunApp return the error before it listens, and makes NewServer
// panic.
func RunAccessLogFormat(format string) RunOption {
	return func(c *runConfig) {
		c.access.format = format
		if c.access.on == 0 {
			c.access.on = 1
		}
	}
}

// RunAccessLog sets where the access log goes (aiohttp's access_log): every
// request as a plain line on w, each followed by a newline, instead of
// through the application's logger. nil turns the access log off, even with
// RunAccessLogFormat (aiohttp's access_log=None): the server's handler
// is then the application itself, at no cost.
func RunAccessLog(w io.Writer) RunOption {
	return func(c *runConfig) {
		if w == nil {
			c.access.on, c.access.w = -1, nil
			return
		}
		c.access.on, c.access.w = 1, w
	}
}

// Server timeouts RunApp sets on its http.Server (see NewServer).
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout       = 75 * time.Second // aiohttp's keep_alive
	DefaultMaxHeaderBytes    = 64 << 10
)

// NewServer returns the http.Server RunApp uses for app: ReadHeaderTimeout
// (slow-header clients), IdleTimeout (aiohttp's keep-alive 75 s) and
// MaxHeaderBytes set; no ReadTimeout/WriteTimeout, so long uploads, streams
// and WebSockets work. Of opts it uses the access log options
// (RunAccessLogFormat, RunAccessLog): it logs only when given one (and not
// RunAccessLog(nil)).
func NewServer(app *Application, addr string, opts ...RunOption) *http.Server {
	var cfg runConfig
	for _, o := range opts {
		o(&cfg)
	}
	h, err := cfg.access.handler(app, -1)
	if err != nil {
		panic(err)
	}
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
		IdleTimeout:       DefaultIdleTimeout,
		MaxHeaderBytes:    DefaultMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(app.Logger().Handler(), slog.LevelWarn),
	}
}

// RunApp serves app on addr (aiohttp's run_app) until SIGINT or SIGTERM (or
// the RunContext context ends), in aiohttp's order:
//
//   - it listens, then runs app.Startup (cleanup contexts and OnStartup
//     hooks, sub-applications included); if that fails, it returns the error
//     after the teardowns of what had started, without serving. (aiohttp
//     binds after startup; listening first makes a busy address fail
//     before any hook runs.)
//   - it prints "serving on HOST:PORT" and serves;
//   - on the signal it stops accepting (the listener is closed and idle
//     keep-alive connections with it), then runs app.Shutdown: Closing is
//     closed (WebSockets close with 1001) and the OnShutdown hooks run,
//     bounded by RunHookTimeout;
//   - it drains: waits, without polling, until every in-flight handler has
//     returned (WebSockets and streams included), bounded separately by
//     RunShutdownTimeout, after which the remaining connections are closed;
//   - it runs app.Cleanup (teardowns and OnCleanup hooks), bounded by its own
//     RunHookTimeout;
//   - it returns nil after a clean shutdown, else the errors joined.
func RunApp(app *Application, addr string, opts ...RunOption) error {
	cfg := runConfig{ctx: context.Background(), out: os.Stdout,
		shutdownTimeout: DefaultShutdownTimeout, hookTimeout: DefaultHookTimeout}
	for _, o := range opts {
		o(&cfg)
	}
	if _, err := app.MakeHandler(); err != nil {
		return err
	}
	h, err := cfg.access.handler(app, 1)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cfg.ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln := cfg.listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", addr); err != nil {
			return err
		}
	}
	ln = &onceCloseListener{Listener: ln}
	defer ln.Close() // also when a startup step panics
	if err := app.Startup(ctx); err != nil {
		ln.Close()
		return err
	}
	srv := NewServer(app, addr)
	srv.Handler = h
	if cfg.server != nil {
		cfg.server(srv)
	}
	if cfg.out != nil {
		fmt.Fprintln(cfg.out, "serving on", ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var errs []error
	select {
	case err := <-errc:
		errc <- err
	case <-ctx.Done():
	}

	// Stop accepting: no new connections, idle ones closed, no keep-alive.
	srv.SetKeepAlivesEnabled(false)
	ln.Close()

	hctx, cancel := context.WithTimeout(context.Background(), cfg.hookTimeout)
	errs = append(errs, app.Shutdown(hctx))
	cancel()

	// Drain: srv.Shutdown waits for HTTP connections, app.inflight also for
	// hijacked ones (WebSockets), which net/http does not track.
	dctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	drainErr := srv.Shutdown(dctx)
	if err := app.inflight.Wait(dctx); err != nil || drainErr != nil {
		errs = append(errs, fmt.Errorf("aioweb: drain not finished after the shutdown timeout (%v): %d handlers still running; closing their connections", cfg.shutdownTimeout, app.InFlight()))
		srv.Close()
	}
	cancel()

	cctx, cancel := context.WithTimeout(context.Background(), cfg.hookTimeout)
	errs = append(errs, app.Cleanup(cctx))
	cancel()

	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
		errs = append(errs, err)
	}

	// LAST: remove every temporary file aioweb created, drain timeout or not.
	app.removeUploads()

	return errors.Join(errs...)
}

// onceCloseListener lets RunApp close the listener before srv.Shutdown does.
type onceCloseListener struct {
	net.Listener
	once sync.Once
	err  error
}

func (l *onceCloseListener) Close() error {
	l.once.Do(func() { l.err = l.Listener.Close() })
	return l.err
}
