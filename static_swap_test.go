// static_swap_test.go races a symlink swap against static serving: the
// directory a request walks through turns into a symlink to a directory
// outside and back, many times; no response may carry the outside file.

package aioweb

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestStaticSymlinkSwapNeverLeaks(t *testing.T) {
	root := t.TempDir()
	www := filepath.Join(root, "www")
	out := filepath.Join(root, "outside")
	for _, d := range []string{filepath.Join(www, ".real"), out} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(www, ".real", "f.txt"), []byte("inside"), 0o644)
	os.WriteFile(filepath.Join(out, "f.txt"), []byte(secret), 0o644)
	// www/d flips between the real directory .real (renamed in) and a
	// symlink to the outside directory.
	link := filepath.Join(www, ".link")
	if err := os.Symlink(out, link); err != nil {
		t.Fatal(err)
	}
	d := filepath.Join(www, "d")
	if err := os.Rename(filepath.Join(www, ".real"), d); err != nil {
		t.Fatal(err)
	}
	app := NewApplication()
	app.Router.AddStatic("/static", www)
	addr := serve(t, app)

	stop := make(chan struct{})
	var flips atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			// d is the real directory: swap in the symlink, then back.
			os.Rename(d, filepath.Join(www, ".real"))
			os.Rename(link, d)
			os.Rename(d, link)
			os.Rename(filepath.Join(www, ".real"), d)
			flips.Add(1)
		}
	})
	var served, leaked atomic.Int64
	var clients sync.WaitGroup
	for range 2 {
		clients.Go(func() {
			for range 1500 {
				st, body := rawGet(t, addr, "/static/d/f.txt")
				if strings.Contains(body, secret) {
					leaked.Add(1)
				}
				if st == 200 {
					served.Add(1)
				}
			}
		})
	}
	clients.Wait()
	close(stop)
	wg.Wait()
	t.Logf("%d served, %d flips, %d leaked", served.Load(), flips.Load(), leaked.Load())
	if leaked.Load() != 0 {
		t.Fatalf("%d responses carried the file outside the directory", leaked.Load())
	}
	if served.Load() == 0 {
		t.Fatal("the inside file was never served: the test did not exercise serving")
	}
}
