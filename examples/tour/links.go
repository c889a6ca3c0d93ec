package main

import (
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

// links answers the URLs reversed from the named "greet" route, one per line.
func links(req *aioweb.Request) (aioweb.Resp, error) {
	greet := req.App.Router.Named("greet")
	var out []string
	for _, name := range []string{"a b/c", "bob"} {
		u, err := greet.URL(aioweb.Parts{"name": name}, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return &aioweb.Response{Text: strings.Join(out, "\n") + "\n"}, nil
}
