// links.go owns the tour's static directory lookup and GET /links: URLs
// reversed from the named route "greet" by a startup hook and kept under a
// typed application key.

package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/aioweb/aioweb"
)

// staticDir finds examples/tour/static whether the tour runs from the
// repository root (go run ./examples/tour), its own directory (go test) or
// elsewhere (next to this source file).
func staticDir() string {
	var candidates []string
	if _, file, _, ok := runtime.Caller(0); ok {
		candidates = append(candidates, filepath.Join(filepath.Dir(file), "static"))
	}
	candidates = append(candidates, filepath.Join("examples", "tour", "static"), "static")
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c
		}
	}
	return candidates[0]
}

// linksKey holds the URLs GET /links answers (aiohttp 3.9's
// web.AppKey("links", list[str])): typed, so the handler reads a []string
// without a type assertion.
var linksKey = aioweb.NewAppKey[[]string]("links")

// linkNames are the names /links reverses into /greet/{name} URLs.
var linkNames = []string{"a b/c", "bob"}

// prepareLinks returns the tour's startup hook: once every route is
// registered, it reverses the named route "greet" for linkNames and stores
// the URLs on app under linksKey. An error (no such route, a name the route
// cannot take) stops startup, and RunApp returns it.
func prepareLinks(app *aioweb.Application) func(context.Context) error {
	return func(context.Context) error {
		greet := app.Router.Named("greet")
		if greet == nil {
			return errors.New("tour: no route named greet")
		}
		var urls []string
		for _, name := range linkNames {
			u, err := greet.URL(aioweb.Parts{"name": name}, nil)
			if err != nil {
				return err
			}
			urls = append(urls, u)
		}
		linksKey.Set(app, urls)
		return nil
	}
}

// links answers the URLs the startup hook prepared, one per line.
func links(req *aioweb.Request) (aioweb.Resp, error) {
	return &aioweb.Response{Text: strings.Join(linksKey.MustGet(req), "\n") + "\n"}, nil
}
