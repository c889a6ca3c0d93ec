// web_urldispatcher_test.go translates aiohttp 3.8.6's
// tests/test_web_urldispatcher.py over a real server: static roots and
// indexes, symlinks, spaces, escaping, HEAD, views and resource reuse.

package aioweb

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestUpstream_web_urldispatcher_test_access_root_of_static_handler(t *testing.T) {
	for _, c := range []struct {
		id        string
		showIndex bool
		status    int
		prefix    string
		data      string
	}{
		{"index_forbidden", false, 403, "/", ""},
		{"index_root", true, 200, "/", "<html>\n<head>\n<title>Index of /.</title>\n</head>\n<body>\n<h1>Index of /.</h1>\n<ul>\n" +
			"<li><a href=\"/my_dir\">my_dir/</a></li>\n<li><a href=\"/my_file\">my_file</a></li>\n</ul>\n</body>\n</html>"},
		{"index_static", true, 200, "/static", "<html>\n<head>\n<title>Index of /.</title>\n</head>\n<body>\n<h1>Index of /.</h1>\n<ul>\n" +
			"<li><a href=\"/static/my_dir\">my_dir/</a></li>\n<li><a href=\"/static/my_file\">my_file</a></li>\n</ul>\n</body>\n</html>"},
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "my_file"), []byte("hello"), 0o644)
		os.Mkdir(filepath.Join(dir, "my_dir"), 0o755)
		os.WriteFile(filepath.Join(dir, "my_dir", "my_file_in_dir"), []byte("world"), 0o644)
		app := NewApplication()
		var opts []StaticOption
		if c.showIndex {
			opts = append(opts, StaticShowIndex(true))
		}
		app.Router.AddStatic(c.prefix, dir, opts...)
		got := rawDo(t, serve(t, app), "GET", c.prefix)
		if got.Status != c.status || c.data != "" && (got.Body != c.data || got.Header.Get("Content-Type") != "text/html; charset=utf-8") {
			t.Errorf("%s: %d %q %v", c.id, got.Status, got.Body, got.Header)
		}
	}
}

func TestUpstream_web_urldispatcher_test_follow_symlink(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "my_dir"), 0o755)
	os.WriteFile(filepath.Join(dir, "my_dir", "my_file_in_dir"), []byte("hello world"), 0o644)
	os.Symlink(filepath.Join(dir, "my_dir"), filepath.Join(dir, "my_symlink"))
	app := NewApplication()
	app.Router.AddStatic("/", dir, StaticFollowSymlinks(true))
	if got := rawDo(t, serve(t, app), "GET", "/my_symlink/my_file_in_dir"); got.Status != 200 || got.Body != "hello world" {
		t.Errorf("%d %q", got.Status, got.Body)
	}
}

func TestUpstream_web_urldispatcher_test_access_to_the_file_with_spaces(t *testing.T) {
	for _, c := range [][3]string{{"", "test file.txt", "test text"}, {"test dir name", "test dir file .txt", "test text file folder"}} {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, c[0]), 0o755)
		os.WriteFile(filepath.Join(dir, c[0], c[1]), []byte(c[2]), 0o644)
		app := NewApplication()
		app.Router.AddStatic("/", dir)
		target := escapePath(filepath.ToSlash(filepath.Join("/", c[0], c[1])))
		if got := rawDo(t, serve(t, app), "GET", target); got.Status != 200 || got.Body != c[2] {
			t.Errorf("%s: %d %q", target, got.Status, got.Body)
		}
	}
}

func TestUpstream_web_urldispatcher_test_access_non_existing_resource(t *testing.T) {
	app := NewApplication()
	app.Router.AddStatic("/", t.TempDir(), StaticShowIndex(true))
	if got := rawDo(t, serve(t, app), "GET", "/non_existing_resource"); got.Status != 404 {
		t.Errorf("%d", got.Status)
	}
}

func TestUpstream_web_urldispatcher_test_url_escaping(t *testing.T) {
	// aiohttp's client requotes "/a%3Ab" to "/a:b" before sending, so the
	// third case sends "/a:b"; sent raw, "/a%3Ab" is 404 in aiohttp 3.8.4
	// (the oracle) and in aioweb, which match the path as sent.
	for _, c := range [][3]string{{"/a:b", "/a:b", "200"}, {"/a@b", "/a@b", "200"}, {"/a:b", "/a:b", "200"}, {"/a:b", "/a%3Ab", "404"}} {
		app := NewApplication()
		app.Router.AddGet(c[0], nop)
		if got := rawDo(t, serve(t, app), "GET", c[1]); fmt.Sprint(got.Status) != c[2] {
			t.Errorf("%s at %s: %d, want %s", c[1], c[0], got.Status, c[2])
		}
	}
}

func TestUpstream_web_urldispatcher_test_unauthorized_folder_access(t *testing.T) {
	if os.Getuid() == 0 {
		t.Skip("root reads any directory")
	}
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "my_dir"), 0o000)
	t.Cleanup(func() { os.Chmod(filepath.Join(dir, "my_dir"), 0o755) })
	app := NewApplication()
	app.Router.AddStatic("/", dir, StaticShowIndex(true))
	if got := rawDo(t, serve(t, app), "GET", "/my_dir"); got.Status != 403 {
		t.Errorf("%d", got.Status)
	}
}

func TestUpstream_web_urldispatcher_test_access_symlink_loop(t *testing.T) {
	dir := t.TempDir()
	os.Symlink(filepath.Join(dir, "my_symlink"), filepath.Join(dir, "my_symlink"))
	app := NewApplication()
	app.Router.AddStatic("/", dir, StaticShowIndex(true))
	if got := rawDo(t, serve(t, app), "GET", "/my_symlink"); got.Status != 404 {
		t.Errorf("%d", got.Status)
	}
}

func TestUpstream_web_urldispatcher_test_access_special_resource(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "special"), 0o644); err != nil {
		t.Fatal(err)
	}
	app := NewApplication()
	app.Router.AddStatic("/", dir, StaticShowIndex(true))
	if got := rawDo(t, serve(t, app), "GET", "/special"); got.Status != 403 {
		t.Errorf("%d", got.Status)
	}
}

func TestUpstream_web_urldispatcher_test_partially_applied_handler(t *testing.T) {
	handler := func(data []byte) Handler {
		return func(*Request) (Resp, error) { return &Response{Body: data}, nil }
	}
	app := NewApplication()
	app.Router.AddRoute("GET", "/", handler([]byte("hello")))
	if got := rawDo(t, serve(t, app), "GET", "/"); got.Body != "hello" {
		t.Errorf("%q", got.Body)
	}
}

func TestUpstream_web_urldispatcher_test_static_head(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "test.txt"), []byte("should_not_see_this\n"), 0o644)
	app := NewApplication()
	app.Router.AddStatic("/", dir)
	got := rawDo(t, serve(t, app), "HEAD", "/test.txt")
	if got.Status != 200 || got.Body != "" || got.Header.Get("Content-Length") != "20" {
		t.Errorf("%d %q %v", got.Status, got.Body, got.Header)
	}
}

func TestUpstream_web_urldispatcher_test_allow_head(t *testing.T) {
	app := NewApplication()
	app.Router.AddGet("/a", nop, WithName("a"))
	app.Router.AddRoute("GET", "/b", nop, WithName("b")) // allow_head=False
	udAddr := serve(t, app)
	for _, c := range []struct {
		method, path string
		status       int
	}{{"GET", "/a", 200}, {"HEAD", "/a", 200}, {"GET", "/b", 200}, {"HEAD", "/b", 405}} {
		if got := rawDo(t, udAddr, c.method, c.path); got.Status != c.status {
			t.Errorf("%s %s: %d", c.method, c.path, got.Status)
		}
	}
}

func TestUpstream_web_urldispatcher_test_reuse_last_added_resource(t *testing.T) {
	for _, p := range []string{"/a", "/{a}"} {
		app := NewApplication()
		app.Router.AddGet(p, nop, WithName("a"))
		app.Router.AddPost(p, nop, WithName("a"))
		if n := len(app.Router.Resources()); n != 1 {
			t.Errorf("%s: %d resources", p, n)
		}
		if u, err := app.Router.Named("a").URL(nil, nil); p == "/a" && (err != nil || u != "/a") {
			t.Errorf("%s: URL %q %v", p, u, err)
		}
	}
}

func TestUpstream_web_urldispatcher_test_add_view(t *testing.T) {
	// and test_decorate_view, test_web_view: aioweb has one way, View
	app := NewApplication()
	app.Router.AddView("/a", View{"GET": nop, "POST": nop})
	addr := serve(t, app)
	for m, want := range map[string]int{"GET": 200, "POST": 200, "PUT": 405} {
		if got := rawDo(t, addr, m, "/a", "Content-Length: 0"); got.Status != want {
			t.Errorf("%s: %d", m, got.Status)
		}
	}
	if n := len(app.Router.Resources()); n != 1 {
		t.Errorf("%d resources for one view", n)
	}
}

func TestUpstream_web_urldispatcher_test_static_absolute_url(t *testing.T) {
	// Deliberate difference: an absolute path after the prefix is 404, as
	// aiohttp 3.8.4 (the oracle) answers; 3.8.6's test expects 403.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "file.txt"), []byte("sample text"), 0o644)
	app := NewApplication()
	app.Router.AddStatic("/static", t.TempDir())
	if got := rawDo(t, serve(t, app), "GET", "/static/"+filepath.Join(dir, "file.txt")); got.Status != 404 || strings.Contains(got.Body, "sample") {
		t.Errorf("%d %q", got.Status, got.Body)
	}
}

func TestUpstream_web_urldispatcher_test_for_issue_5250(t *testing.T) {
	app := NewApplication()
	app.Router.AddStatic("/foo", t.TempDir())
	app.Router.AddGet("/foobar", func(*Request) (Resp, error) { return &Response{Text: "success!"}, nil })
	if got := rawDo(t, serve(t, app), "GET", "/foobar"); got.Status != 200 || got.Body != "success!" {
		t.Errorf("%d %q", got.Status, got.Body)
	}
}

func TestUpstream_web_urldispatcher_test_decoded_url_match(t *testing.T) {
	// xfail upstream (aiohttp 3.7+ regression #5621): aiohttp answers the
	// opposite of the test's expectations, and so does aioweb, which
	// matches the path as sent (checked against the 3.8.4 oracle).
	for _, c := range []struct {
		route, target string
		status        int
	}{
		{"/467,802,24834/hello", "/467%2C802%2C24834/hello", 404},
		{"/{user_ids:([0-9]+)(,([0-9]+))*}/hello", "/467%2C802%2C24834/hello", 404},
		{"/1%2C3/hello", "/1%2C3/hello", 200},
	} {
		app := NewApplication()
		app.Router.AddGet(c.route, nop)
		if got := rawDo(t, serve(t, app), "GET", c.target); got.Status != c.status {
			t.Errorf("%s at %s: %d, want %d", c.target, c.route, got.Status, c.status)
		}
	}
}
