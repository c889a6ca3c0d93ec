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
	"syscall"
	"time"
)

// RunOption configures RunApp.
type RunOption func(*runConfig)

type runConfig struct {
	ctx             context.Context
	out             io.Writer
	shutdownTimeout time.Duration
	listener        net.Listener
	server          func(*http.Server)
}

// WithContext makes RunApp stop when ctx is done, besides SIGINT/SIGTERM.
func WithContext(ctx context.Context) RunOption { return func(c *runConfig) { c.ctx = ctx } }

// WithOutput sets where RunApp prints "serving on HOST:PORT" (default
// os.Stdout; nil prints nothing).
func WithOutput(w io.Writer) RunOption { return func(c *runConfig) { c.out = w } }

// WithShutdownTimeout bounds the drain of in-flight requests (default 10s).
func WithShutdownTimeout(d time.Duration) RunOption {
	return func(c *runConfig) { c.shutdownTimeout = d }
}

// WithListener serves on ln instead of listening on addr.
func WithListener(ln net.Listener) RunOption { return func(c *runConfig) { c.listener = ln } }

// WithServerConfig lets fn adjust the http.Server before it starts.
func WithServerConfig(fn func(*http.Server)) RunOption { return func(c *runConfig) { c.server = fn } }

// Server timeouts RunApp sets on its http.Server (see NewServer).
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout       = 75 * time.Second // aiohttp's keep_alive
	DefaultMaxHeaderBytes    = 64 << 10
)

// NewServer returns the http.Server RunApp uses for app: ReadHeaderTimeout
// (slow-header clients), IdleTimeout (aiohttp's keep-alive 75 s) and
// MaxHeaderBytes set; no ReadTimeout/WriteTimeout, so long uploads, streams
// and WebSockets work.
func NewServer(app *Application, addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           app,
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
		IdleTimeout:       DefaultIdleTimeout,
		MaxHeaderBytes:    DefaultMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(app.Logger().Handler(), slog.LevelWarn),
	}
}

// RunApp serves app on addr (aiohttp's run_app) until SIGINT or SIGTERM (or
// the WithContext context ends). It prints "serving on HOST:PORT", and on
// shutdown it stops accepting, runs the OnShutdown hooks (WebSockets close
// with 1001), drains in-flight requests for at most the shutdown timeout,
// then runs the OnCleanup hooks. It returns nil after a clean shutdown.
func RunApp(app *Application, addr string, opts ...RunOption) error {
	cfg := runConfig{ctx: context.Background(), out: os.Stdout, shutdownTimeout: 10 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	if _, err := app.MakeHandler(); err != nil {
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
	srv := NewServer(app, addr)
	if cfg.server != nil {
		cfg.server(srv)
	}
	if cfg.out != nil {
		fmt.Fprintln(cfg.out, "serving on", ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	dctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	errs := []error{app.Shutdown(dctx), srv.Shutdown(dctx)}
	// srv.Shutdown does not wait for hijacked connections (WebSockets).
	for app.InFlight() > 0 && dctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	if n := app.InFlight(); n > 0 {
		errs = append(errs, fmt.Errorf("aioweb: %d handlers still running after the shutdown timeout", n))
		srv.Close()
	}
	errs = append(errs, app.Cleanup(context.Background()))
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
