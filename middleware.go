// middleware.go owns middleware factories (aiohttp 0.15's
// middleware_factory(app, handler)), the chain they build around each
// route's handler, and the system handler that turns 404/405 into
// HTTPExceptions that travel through the chain.

package aioweb

import "fmt"

// Middleware is aiohttp's middleware factory: given the application and the
// next handler it returns the handler that wraps it. The first middleware
// passed to WithMiddlewares is the outermost. A middleware may call the
// inner handler, answer by itself (say, HTTPForbidden), or turn errors the
// handler returns into responses; a handler's panic reaches them as an error
// too (a *PanicError, or the panicked *HTTPException). Route errors (404, 405) reach middlewares
// as *HTTPException errors, so a middleware can render its own 404 page.
//
// aiohttp 0.15 ran the factories on every request; aioweb runs each factory
// once per route when the application freezes (MakeHandler, RunApp or the
// first request), so per-request work belongs in the returned handler.
type Middleware func(app *Application, handler Handler) (Handler, error)

// MiddlewareFunc adapts aiohttp 3's new-style middleware, a function of the
// request and the next handler, to a Middleware.
func MiddlewareFunc(fn func(req *Request, handler Handler) (Resp, error)) Middleware {
	return func(_ *Application, h Handler) (Handler, error) {
		return func(req *Request) (Resp, error) { return fn(req, h) }, nil
	}
}

// chain wraps h in mws, the first outermost.
func chain(app *Application, h Handler, mws []Middleware) (Handler, error) {
	if len(mws) > 0 {
		// Middlewares see a panic in h as the error it returns. Without
		// middlewares the recover in Application.call does the same.
		h = recoverHandler(h)
	}
	for i := len(mws) - 1; i >= 0; i-- {
		next, err := mws[i](app, h)
		if err != nil {
			return nil, fmt.Errorf("aioweb: middleware %d: %w", i, err)
		}
		if next == nil {
			return nil, fmt.Errorf("aioweb: middleware %d returned a nil handler", i)
		}
		h = next
	}
	return h, nil
}

// recoverHandler turns a panic in h into the error it returns, so that
// middlewares see a panicked HTTPException (aiohttp's raise) as an error,
// just like a returned one. http.ErrAbortHandler still aborts.
func recoverHandler(h Handler) Handler {
	return func(req *Request) (resp Resp, err error) {
		defer recoverError(&err)
		return h(req)
	}
}

// systemHandler is the handler of 404/405 "system routes": it raises the
// routing error so that middlewares see it, as aiohttp does.
func systemHandler(req *Request) (Resp, error) { return nil, req.routeErr }

// buildChains wraps every route handler and the system handler; a route
// mounted from a sub-application is wrapped by that application's
// middlewares first (AddSubapp defers them to here, so their factories'
// errors come back from MakeHandler).
func (a *Application) buildChains() error {
	var err error
	if a.sysChain, err = chain(a, systemHandler, a.middlewares); err != nil {
		return err
	}
	for _, r := range a.Router.routes {
		h := r.handler
		for _, sub := range r.mounts { // a sub-application's route: its middlewares first
			if h, err = sub.wrap(h); err != nil {
				break
			}
		}
		if err == nil {
			r.chain, err = chain(a, h, a.middlewares)
		}
		if err != nil {
			return fmt.Errorf("%w (route %s %s)", err, r.method, r.pattern)
		}
	}
	return nil
}
