// appkey_test.go tests application values over real sockets: typed AppKeys
// and the untyped Set/Get read through the chain of applications (aiohttp's
// request.config_dict), and a sub-application's own InFlight count.

package aioweb

import (
	"fmt"
	"strings"
	"testing"
)

type testDB struct{ name string }

func TestAppKeyChainedLookup(t *testing.T) {
	dbKey := NewAppKey[*testDB]("db")
	nameKey := NewAppKey[string]("name")
	otherNameKey := NewAppKey[string]("name") // same name, another key
	missingKey := NewAppKey[int]("missing")

	report := func(req *Request) (Resp, error) {
		db, dbOK := dbKey.Get(req)
		dbName := "<none>"
		if dbOK {
			dbName = db.name
		}
		name, _ := nameKey.Get(req)
		other, otherOK := otherNameKey.Get(req)
		n, nOK := missingKey.Get(req)
		return &Response{Text: fmt.Sprintf("db=%s name=%s other=%q/%v missing=%d/%v own=%v config=%v",
			dbName, name, other, otherOK, n, nOK, req.App.Get("who"), req.ConfigGet("who"))}, nil
	}
	logger, logs := bufferLogger()
	root := NewApplication(WithLogger(logger))
	root.Router.AddGet("/", report)
	admin := NewApplication()
	admin.Router.AddGet("/", report)
	users := NewApplication()
	users.Router.AddGet("/", report)
	users.Router.AddGet("/must", func(req *Request) (Resp, error) {
		return &Response{Text: fmt.Sprint(missingKey.MustGet(req))}, nil
	})
	admin.AddSubapp("/users", users)
	root.AddSubapp("/admin", admin)

	dbKey.Set(root, &testDB{name: "main"})
	nameKey.Set(root, "root")
	nameKey.Set(admin, "admin") // nearest first: admin and users see this one
	root.Set("who", "root-who")

	addr := serve(t, root)
	for _, c := range []struct{ path, want string }{
		{"/", `db=main name=root other=""/false missing=0/false own=root-who config=root-who`},
		{"/admin/", `db=main name=admin other=""/false missing=0/false own=<nil> config=root-who`},
		{"/admin/users/", `db=main name=admin other=""/false missing=0/false own=<nil> config=root-who`},
	} {
		if got := rawDo(t, addr, "GET", c.path); got.Status != 200 || got.Body != c.want {
			t.Errorf("%s: %d %q\nwant %q", c.path, got.Status, got.Body, c.want)
		}
	}
	if got := rawDo(t, addr, "GET", "/admin/users/must"); got.Status != 500 || got.Body != internalErrorBody {
		t.Errorf("MustGet of a missing key: %d %q", got.Status, got.Body)
	}
	if want := `no value for AppKey(\"missing\", int) on the application chain`; !strings.Contains(logs.String(), want) {
		t.Errorf("log lacks %s:\n%s", want, logs)
	}
	if v, ok := nameKey.From(users); !ok || v != "admin" {
		t.Errorf("From(users) = %q, %v", v, ok)
	}
	if v, ok := nameKey.From(NewApplication()); ok || v != "" {
		t.Errorf("From(fresh app) = %q, %v", v, ok)
	}
	if s := dbKey.String(); s != `AppKey("db", *aioweb.testDB)` {
		t.Errorf("String() = %s", s)
	}
}

func TestSubappInFlightCountsItsHandlers(t *testing.T) {
	root := NewApplication()
	sub := NewApplication()
	entered := make(chan string, 2)
	release := make(chan struct{})
	block := func(name string) Handler {
		return func(*Request) (Resp, error) {
			entered <- name
			<-release
			return &Response{Text: name}, nil
		}
	}
	root.Router.AddGet("/wait", block("root"))
	sub.Router.AddGet("/wait", block("sub"))
	root.AddSubapp("/sub", sub)
	addr := serve(t, root)

	done := make(chan rawResult, 2)
	go func() { done <- rawDo(t, addr, "GET", "/sub/wait") }()
	<-entered
	if r, s := root.InFlight(), sub.InFlight(); r != 1 || s != 1 {
		t.Errorf("a sub handler running: root %d, sub %d; want 1, 1", r, s)
	}
	go func() { done <- rawDo(t, addr, "GET", "/wait") }()
	<-entered
	if r, s := root.InFlight(), sub.InFlight(); r != 2 || s != 1 {
		t.Errorf("a sub and a root handler running: root %d, sub %d; want 2, 1", r, s)
	}
	close(release)
	for range 2 {
		if got := <-done; got.Status != 200 {
			t.Errorf("status %d", got.Status)
		}
	}
	if n := settle(0, func() int { return int(root.InFlight() + sub.InFlight()) }); n != 0 {
		t.Errorf("%d still counted after the handlers returned", n)
	}
}
