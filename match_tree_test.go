// match_tree_test.go checks the shape tree that serves the ServeMux
// patterns against a real net/http ServeMux holding the same patterns, and
// that routing through it allocates no more than the Request and MatchInfo.

package aioweb

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
)

// TestShapeTreeAgreesWithServeMux: for every path built from the routes'
// segments (and some that match nothing), the tree picks the group a
// ServeMux with the same patterns picks, with the same wildcard values.
func TestShapeTreeAgreesWithServeMux(t *testing.T) {
	patterns := []string{
		"/a/{x}", "/a/b", "/{x}/b", "/{x}/{y}/c", "/a/{y}/{z}", "/a/b/{z}/d",
		"/{p}/{q}/{r}/{s}", "/a/b/c/d", "/x/{y}/z", "/x/{y}/{w}",
		"/users/{id}", "/users/{id}/posts/{post}", "/users/new/posts/{post}",
		"/%C3%A9t%C3%A9/{v}", "/b/{x}", "/b/c", "/{x}", "/a/b/{z}",
	}
	for i := 0; i < 12; i++ { // many literal siblings: the indexed form
		patterns = append(patterns, "/many/lit"+string(rune('a'+i))+"/{v}")
	}
	app := NewApplication()
	for _, p := range patterns {
		app.Router.AddRoute("GET", p, func(*Request) (Resp, error) { return nil, nil })
	}
	if _, err := app.MakeHandler(); err != nil {
		t.Fatal(err)
	}
	rt := &app.Router
	// The reference: a ServeMux with each registered shape's pattern.
	ref := http.NewServeMux()
	type got struct {
		g    *muxGroup
		vals []string
	}
	var last got
	for shape, g := range rt.groups {
		if shape == "" { // the catch-all "/" group
			continue
		}
		ref.HandleFunc(muxPattern(g.segRoute.segs, g.vars), func(_ http.ResponseWriter, r *http.Request) {
			last = got{g: g}
			for _, v := range g.vars {
				last.vals = append(last.vals, r.PathValue(v))
			}
		})
	}
	ref.HandleFunc("/", func(http.ResponseWriter, *http.Request) { last = got{} })
	if len(rt.groups) < 10 {
		t.Fatalf("only %d shapes registered", len(rt.groups))
	}
	words := []string{"a", "b", "c", "d", "x", "y", "z", "w", "users", "new", "posts", "7", "été", "many", "lita", "litk", "litz", "q r", "100%"}
	rng := rand.New(rand.NewPCG(1, 2))
	checked := 0
	for i := 0; i < 20000; i++ {
		n := 1 + rng.IntN(5)
		segs := make([]string, n)
		for j := range segs {
			segs[j] = words[rng.IntN(len(words))]
		}
		p := "/" + strings.Join(segs, "/")
		if rng.IntN(10) == 0 {
			p += "/" // a trailing slash never matches a shape
		}
		req, err := http.NewRequest("GET", "http://h"+(&urlPath{p}).escaped(), nil)
		if err != nil || req.URL.Path != p || req.URL.RawPath != "" {
			t.Fatalf("%q: %v (path %q raw %q)", p, err, req.URL.Path, req.URL.RawPath)
		}
		last = got{g: &muxGroup{}}
		ref.ServeHTTP(nil, req)
		g, vals := rt.tree.match(p[1:], nil)
		if g != last.g || strings.Join(vals, "\x00") != strings.Join(last.vals, "\x00") {
			t.Fatalf("%q: tree chose %v %q, ServeMux %v %q", p, shapeOf(g), vals, shapeOf(last.g), last.vals)
		}
		if g != nil {
			checked++
		}
	}
	if checked < 1000 {
		t.Errorf("only %d of the paths matched a shape", checked)
	}
}

type urlPath struct{ p string }

func (u *urlPath) escaped() string { return escapePath(u.p) }

func shapeOf(g *muxGroup) string {
	if g == nil || g.segRoute == nil {
		return "<none>"
	}
	return muxPattern(g.segRoute.segs, g.vars)
}

// TestRoutingAllocations: a static route costs the Request only, a route
// with variables the Request and its MatchInfo map; nothing else allocates
// on the way (no request copy, no header slices).
func TestRoutingAllocations(t *testing.T) {
	ok := &Response{}
	app := NewApplication()
	app.Router.AddRoute("GET", "/user/repos", func(*Request) (Resp, error) { return ok, nil })
	app.Router.AddRoute("GET", "/repos/{owner}/{repo}/issues/{number}", func(*Request) (Resp, error) { return ok, nil })
	h, err := app.MakeHandler()
	if err != nil {
		t.Fatal(err)
	}
	w := &nopWriter{h: http.Header{}}
	for _, c := range []struct {
		path string
		max  float64
	}{{"/user/repos", 1}, {"/repos/o/r/issues/1", 3}} {
		req, _ := http.NewRequest("GET", c.path, nil)
		if n := testing.AllocsPerRun(200, func() { h.ServeHTTP(w, req) }); n > c.max {
			t.Errorf("%s: %v allocations per request, want at most %v", c.path, n, c.max)
		}
	}
}
