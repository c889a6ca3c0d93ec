// example_test.go holds one runnable example per section of aiohttp's "HTTP
// Server Usage" page; each starts a real server, makes real requests and
// prints what comes back.

package aioweb_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/aioweb/aioweb"
	"github.com/coder/websocket"
)

// get requests url and prints the status and body.
func get(url string, header ...string) {
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Printf("%d %s\n", resp.StatusCode, strings.TrimSpace(string(b)))
}

// Run a simple web server: a handler, an Application, a route, a server.
// In a program, aioweb.RunApp(app, ":8080") serves until Ctrl-C; here an
// httptest.Server does.
func Example() {
	hello := func(req *aioweb.Request) (aioweb.Resp, error) {
		return &aioweb.Response{Body: []byte("Hello, world")}, nil
	}
	app := aioweb.NewApplication()
	app.Router.AddRoute("GET", "/", hello)

	srv := httptest.NewServer(app)
	defer srv.Close()
	get(srv.URL + "/")
	// Output: 200 Hello, world
}

// Variable routes: '{name}' matches one path segment, and the handler reads
// it from MatchInfo.
func ExampleRouter_AddRoute_variable() {
	variableHandler := func(req *aioweb.Request) (aioweb.Resp, error) {
		return &aioweb.Response{Text: "Hello, " + req.MatchInfo["name"]}, nil
	}
	app := aioweb.NewApplication()
	app.Router.AddRoute("GET", "/a/{name}/c", variableHandler)

	srv := httptest.NewServer(app)
	defer srv.Close()
	get(srv.URL + "/a/b/c")
	get(srv.URL + "/a/1/c")
	get(srv.URL + "/a/b%20c/c")
	// Output:
	// 200 Hello, b
	// 200 Hello, 1
	// 200 Hello, b c
}

// Regex routes: '{name:regex}'; the default regex is [^{}/]+. The first
// registered route that matches wins, as in aiohttp.
func ExampleRouter_AddRoute_regex() {
	variableHandler := func(req *aioweb.Request) (aioweb.Resp, error) {
		return &aioweb.Response{Text: "Hello, " + req.MatchInfo["name"]}, nil
	}
	app := aioweb.NewApplication()
	app.Router.AddRoute("GET", `/{name:\d+}`, variableHandler)
	app.Router.AddRoute("GET", `/year/{name:\d{4}}`, variableHandler)

	srv := httptest.NewServer(app)
	defer srv.Close()
	get(srv.URL + "/42")
	get(srv.URL + "/year/2015")
	get(srv.URL + "/abc")
	// Output:
	// 200 Hello, 42
	// 200 Hello, 2015
	// 404 404: Not Found
}

// Handler groups logically coupled handlers; its methods are handlers.
type Handler struct{ greeting string }

func (h *Handler) HandleIntro(req *aioweb.Request) (aioweb.Resp, error) {
	return &aioweb.Response{Body: []byte("Hello, world")}, nil
}

func (h *Handler) HandleGreeting(req *aioweb.Request) (aioweb.Resp, error) {
	name, ok := req.MatchInfo["name"]
	if !ok {
		name = "Anonymous"
	}
	return &aioweb.Response{Text: h.greeting + ", " + name}, nil
}

// Handlers may be methods: register method values.
func ExampleHandler_methods() {
	handler := &Handler{greeting: "Hello"}
	app := aioweb.NewApplication()
	app.Router.AddRoute("GET", "/intro", handler.HandleIntro)
	app.Router.AddRoute("GET", "/greet/{name}", handler.HandleGreeting)

	srv := httptest.NewServer(app)
	defer srv.Close()
	get(srv.URL + "/intro")
	get(srv.URL + "/greet/bob")
	// Output:
	// 200 Hello, world
	// 200 Hello, bob
}

// AcceptChooser is the seed's second routing layer, on the Accept header.
type AcceptChooser struct{ accepts map[string]aioweb.Handler }

func (c *AcceptChooser) DoRoute(req *aioweb.Request) (aioweb.Resp, error) {
	for _, accept := range req.Header.Values("Accept") {
		if acceptor, ok := c.accepts[accept]; ok {
			return acceptor(req)
		}
	}
	return nil, aioweb.HTTPNotAcceptable()
}

func (c *AcceptChooser) RegAcceptor(accept string, handler aioweb.Handler) {
	c.accepts[accept] = handler
}

// Custom conditions for routes lookup: a second routing layer by hand.
func Example_customConditions() {
	handleJSON := func(req *aioweb.Request) (aioweb.Resp, error) {
		return aioweb.JSONResponse(map[string]string{"hello": "world"})
	}
	handleXML := func(req *aioweb.Request) (aioweb.Resp, error) {
		return &aioweb.Response{Text: "<hello>world</hello>", ContentType: "application/xml"}, nil
	}
	chooser := &AcceptChooser{accepts: map[string]aioweb.Handler{}}
	app := aioweb.NewApplication()
	app.Router.AddRoute("GET", "/", chooser.DoRoute)
	chooser.RegAcceptor("application/json", handleJSON)
	chooser.RegAcceptor("application/xml", handleXML)

	srv := httptest.NewServer(app)
	defer srv.Close()
	get(srv.URL+"/", "Accept", "application/json")
	get(srv.URL+"/", "Accept", "application/xml")
	get(srv.URL+"/", "Accept", "text/html")
	// Output:
	// 200 {"hello":"world"}
	// 200 <hello>world</hello>
	// 406 406: Not Acceptable
}

// Exceptions: an HTTPException is a response and an error. Returning it,
// returning it as the error ("raise") and panicking with it are the same.
func ExampleHTTPFound() {
	app := aioweb.NewApplication()
	app.Router.AddRoute("GET", "/returned", func(req *aioweb.Request) (aioweb.Resp, error) {
		return aioweb.HTTPFound("/redirect"), nil
	})
	app.Router.AddRoute("GET", "/raised", func(req *aioweb.Request) (aioweb.Resp, error) {
		return nil, aioweb.HTTPFound("/redirect")
	})
	app.Router.AddRoute("GET", "/panicked", func(req *aioweb.Request) (aioweb.Resp, error) {
		panic(aioweb.HTTPFound("/redirect"))
	})
	srv := httptest.NewServer(app)
	defer srv.Close()
	for _, p := range []string{"/returned", "/raised", "/panicked"} {
		resp, _ := http.DefaultTransport.RoundTrip(must(http.NewRequest("GET", srv.URL+p, nil)))
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, resp.Header.Get("Location"), string(b))
	}
	// Output:
	// 302 /redirect 302: Found
	// 302 /redirect 302: Found
	// 302 /redirect 302: Found
}

func must(r *http.Request, err error) *http.Request {
	if err != nil {
		panic(err)
	}
	return r
}

// Every exception takes aiohttp's options; errors.As finds one inside a
// wrapped error, and its category is visible.
func ExampleHTTPException() {
	err := fmt.Errorf("loading user: %w", aioweb.HTTPNotFound(aioweb.WithText("no such user")))
	var exc *aioweb.HTTPException
	if errors.As(err, &exc) {
		fmt.Println(exc.Status, exc.Text, exc.IsClientError(), exc.IsServerError())
	}
	fmt.Println(aioweb.HTTPMethodNotAllowed("DELETE", []string{"POST", "GET"}).Headers.Get("Allow"))
	fmt.Println(aioweb.HTTPFound("/x\r\nSet-Cookie: a").Validate())
	// Output:
	// 404 no such user true false
	// GET,POST
	// aioweb: redirect location "/x\r\nSet-Cookie: a" contains CR or LF
}

// Middlewares are factories: given the app and the next handler they return
// a handler. The first listed is the outermost. Route errors (404, 405)
// travel through them as *HTTPException errors.
func ExampleWithMiddlewares() {
	middlewareFactory := func(app *aioweb.Application, handler aioweb.Handler) (aioweb.Handler, error) {
		return func(req *aioweb.Request) (aioweb.Resp, error) {
			resp, err := handler(req)
			var exc *aioweb.HTTPException
			if errors.As(err, &exc) && exc.Status == http.StatusNotFound {
				return &aioweb.Response{Status: 404, Text: "nothing at " + req.Path}, nil
			}
			return resp, err
		}, nil
	}
	forbidAdmin := aioweb.MiddlewareFunc(func(req *aioweb.Request, handler aioweb.Handler) (aioweb.Resp, error) {
		if strings.HasPrefix(req.Path, "/admin") {
			return nil, aioweb.HTTPForbidden()
		}
		return handler(req)
	})
	app := aioweb.NewApplication(aioweb.WithMiddlewares(middlewareFactory, forbidAdmin))
	app.Router.AddRoute("GET", "/", func(req *aioweb.Request) (aioweb.Resp, error) {
		return &aioweb.Response{Text: "home"}, nil
	})
	app.Router.AddRoute("GET", "/admin", func(req *aioweb.Request) (aioweb.Resp, error) {
		return &aioweb.Response{Text: "secrets"}, nil
	})
	srv := httptest.NewServer(app)
	defer srv.Close()
	get(srv.URL + "/")
	get(srv.URL + "/admin")
	get(srv.URL + "/missing")
	// Output:
	// 200 home
	// 403 403: Forbidden
	// 404 nothing at /missing
}

// A middleware adds headers through req.ResponseHeader(): they go out with
// whatever the request sends, and the value the handler returned is never
// written into, so a package-level exception is safe to share.
func ExampleRequest_ResponseHeader() {
	errGone := aioweb.HTTPGone() // shared by every request
	poweredBy := aioweb.MiddlewareFunc(func(req *aioweb.Request, handler aioweb.Handler) (aioweb.Resp, error) {
		req.ResponseHeader().Set("X-Powered-By", "aioweb")
		return handler(req)
	})
	app := aioweb.NewApplication(aioweb.WithMiddlewares(poweredBy))
	app.Router.AddRoute("GET", "/old", func(req *aioweb.Request) (aioweb.Resp, error) {
		return nil, errGone
	})
	app.Router.AddRoute("GET", "/std", aioweb.WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "written by a net/http handler")
	})))
	srv := httptest.NewServer(app)
	defer srv.Close()
	for _, p := range []string{"/old", "/std", "/missing"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			fmt.Println(err)
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, resp.Header.Get("X-Powered-By"), string(b))
	}
	fmt.Println(len(errGone.Headers)) // still empty
	// Output:
	// 410 aioweb 410: Gone
	// 200 aioweb written by a net/http handler
	// 404 aioweb 404: Not Found
	// 0
}

// The Application is an http.Handler: mount it anywhere.
func ExampleApplication_ServeHTTP() {
	app := aioweb.NewApplication()
	app.Router.AddRoute("GET", "/greet/{name}", func(req *aioweb.Request) (aioweb.Resp, error) {
		return &aioweb.Response{Text: "Hello, " + req.MatchInfo["name"]}, nil
	})
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", app))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get(srv.URL + "/api/greet/gopher")
	// Output: 200 Hello, gopher
}

// An application mounted under a prefix by http.StripPrefix (chi's Mount,
// gorilla/mux's PathPrefix and echo's WrapHandler mount it the same way)
// learns the prefix from WithPrefix, so the URLs it builds work for clients.
func ExampleWithPrefix() {
	app := aioweb.NewApplication(aioweb.WithPrefix("/api"))
	app.Router.AddGet("/greet/{name}", func(req *aioweb.Request) (aioweb.Resp, error) {
		return &aioweb.Response{Text: "Hello, " + req.MatchInfo["name"]}, nil
	}, aioweb.WithName("greet"))
	app.Router.AddGet("/", func(req *aioweb.Request) (aioweb.Resp, error) {
		u, err := req.App.Router.Named("greet").URL(aioweb.Parts{"name": "gopher"}, nil)
		if err != nil {
			return nil, err
		}
		return nil, aioweb.HTTPFound(u)
	})
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", app))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/api/") // follows the redirect
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Request.URL.Path, resp.StatusCode, string(b))
	// Output: /api/greet/gopher 200 Hello, gopher
}

// Any net/http middleware runs in the chain with HTTPMiddleware: it sees
// the matched route in r.Pattern and every answer (404 included) through
// its writer, and the context it passes on reaches the handler.
func ExampleHTTPMiddleware() {
	type userKey struct{}
	logRoute := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := context.WithValue(r.Context(), userKey{}, "gopher")
			next.ServeHTTP(w, r.WithContext(ctx))
			fmt.Printf("log: %s %s pattern=%q\n", r.Method, r.URL.Path, r.Pattern)
		})
	}
	app := aioweb.NewApplication(aioweb.WithMiddlewares(aioweb.HTTPMiddleware(logRoute)))
	app.Router.AddGet("/greet/{name}", func(req *aioweb.Request) (aioweb.Resp, error) {
		user := req.Context().Value(userKey{}).(string)
		return &aioweb.Response{Text: "Hello, " + req.MatchInfo["name"] + ", from " + user}, nil
	})
	srv := httptest.NewServer(app)
	defer srv.Close()
	get(srv.URL + "/greet/ann")
	get(srv.URL + "/nowhere")
	// Output:
	// log: GET /greet/ann pattern="/greet/{name}"
	// 200 Hello, ann, from gopher
	// log: GET /nowhere pattern=""
	// 404 404: Not Found
}

// A StreamResponse sends its headers at Prepare and streams the body.
func ExampleStreamResponse() {
	app := aioweb.NewApplication()
	app.Router.AddRoute("GET", "/count", func(req *aioweb.Request) (aioweb.Resp, error) {
		s := aioweb.NewStreamResponse(200)
		if err := s.SetContentType("text/plain"); err != nil {
			return nil, err
		}
		if err := s.Prepare(req); err != nil {
			return nil, err
		}
		for i := 1; i <= 3; i++ {
			fmt.Fprintf(s, "%d ", i)
		}
		return s, nil
	})
	srv := httptest.NewServer(app)
	defer srv.Close()
	get(srv.URL + "/count")
	// Output: 200 1 2 3
}

// A route table, as aiohttp 3's app.add_routes([web.get(...), ...]).
func ExampleRouter_AddRoutes() {
	text := func(s string) aioweb.Handler {
		return func(req *aioweb.Request) (aioweb.Resp, error) {
			return &aioweb.Response{Text: s + req.MatchInfo["id"]}, nil
		}
	}
	app := aioweb.NewApplication()
	app.Router.AddRoutes(
		aioweb.Get("/items", text("list")),
		aioweb.Post("/items", text("create")),
		aioweb.Delete(`/items/{id:\d+}`, text("delete ")),
	)
	srv := httptest.NewServer(app)
	defer srv.Close()
	get(srv.URL + "/items")
	resp, _ := http.Post(srv.URL+"/items", "text/plain", nil)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(b))
	req, _ := http.NewRequest("DELETE", srv.URL+"/items/7", nil)
	resp, _ = http.DefaultClient.Do(req)
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(b))
	// Output:
	// 200 list
	// 200 create
	// 200 delete 7
}

// A handler sends one file with FileResponse (aiohttp 3's web.FileResponse):
// Range and conditional requests work, and a missing file is a 404.
func ExampleFileResponse() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "report.txt"), []byte("quarterly numbers"), 0o644)

	app := aioweb.NewApplication()
	app.Router.AddGet("/reports/{name:[a-z]+}", func(req *aioweb.Request) (aioweb.Resp, error) {
		// The regex keeps "/" and ".." out of the name.
		f := &aioweb.FileResponse{Path: filepath.Join(dir, req.MatchInfo["name"]+".txt")}
		if err := f.SetHeader("Content-Disposition", "attachment"); err != nil {
			return nil, err
		}
		return f, nil
	})
	srv := httptest.NewServer(app)
	defer srv.Close()
	get(srv.URL + "/reports/report")
	get(srv.URL+"/reports/report", "Range", "bytes=0-8")
	get(srv.URL + "/reports/nothing")
	// Output:
	// 200 quarterly numbers
	// 206 quarterly
	// 404 404: Not Found
}

// WebSockets: the seed's echo handler. Create a WebSocketResponse, Prepare it,
// loop on Receive, and return it.
func ExampleWebSocketResponse() {
	websocketHandler := func(req *aioweb.Request) (aioweb.Resp, error) {
		ws := aioweb.NewWebSocketResponse()
		if err := ws.Prepare(req); err != nil {
			return nil, err
		}
		for {
			msg := ws.Receive(req.Context())
			switch msg.Type {
			case aioweb.MsgText:
				if msg.Str() == "close" {
					ws.Close()
				} else {
					ws.SendStr(msg.Str() + "/answer")
				}
			case aioweb.MsgClose, aioweb.MsgClosed:
				return ws, nil
			case aioweb.MsgError:
				fmt.Println("ws connection closed with exception", ws.Exception())
				return ws, nil
			}
		}
	}
	app := aioweb.NewApplication()
	app.Router.AddRoute("GET", "/ws", websocketHandler)
	srv := httptest.NewServer(app)
	defer srv.Close()

	ctx := context.Background()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	c.Write(ctx, websocket.MessageText, []byte("hello"))
	_, answer, _ := c.Read(ctx)
	fmt.Println(string(answer))
	c.Write(ctx, websocket.MessageText, []byte("close"))
	_, _, err = c.Read(ctx)
	fmt.Println(websocket.CloseStatus(err))
	// Output:
	// hello/answer
	// StatusNormalClosure
}

// Expect header support: a per-route expect handler runs before the body is
// read (the seed's check_auth). A refusal costs the client no upload.
func ExampleWithExpectHandler() {
	checkAuth := func(req *aioweb.Request) (aioweb.Resp, error) {
		if req.Version() != aioweb.HTTPVersion11 {
			return aioweb.HTTPForbidden(), nil
		}
		if req.Header.Get("Authorization") == "" {
			return aioweb.HTTPForbidden(), nil
		}
		return nil, req.WriteContinue() // "HTTP/1.1 100 Continue"
	}
	echo := func(req *aioweb.Request) (aioweb.Resp, error) {
		body, err := req.Read()
		return &aioweb.Response{Body: body}, err
	}
	app := aioweb.NewApplication()
	app.Router.AddRoute("POST", "/", echo, aioweb.WithExpectHandler(checkAuth))
	srv := httptest.NewServer(app)
	defer srv.Close()

	for _, auth := range []string{"Basic eDp5", ""} {
		req, _ := http.NewRequest("POST", srv.URL+"/", strings.NewReader("a large body"))
		req.Header.Set("Expect", "100-continue")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, string(b))
	}
	// Output:
	// 200 a large body
	// 403 403: Forbidden
}

// File uploads: Post parses the multipart form; a file field is a
// *FileField with the client's Filename and its File content.
func ExampleRequest_Post() {
	storeMP3View := func(req *aioweb.Request) (aioweb.Resp, error) {
		data, err := req.Post()
		if err != nil {
			return nil, err
		}
		mp3 := data.File("mp3")
		filename := mp3.SafeFilename() // mp3.Filename is raw and untrusted
		content, err := io.ReadAll(mp3.File)
		if err != nil {
			return nil, err
		}
		return &aioweb.Response{
			Body:    content,
			Headers: http.Header{"Content-Disposition": {`attachment; filename="` + filename + `"`}},
		}, nil
	}
	app := aioweb.NewApplication()
	app.Router.AddRoute("POST", "/store_mp3", storeMP3View)
	srv := httptest.NewServer(app)
	defer srv.Close()

	var body strings.Builder
	form := multipart.NewWriter(&body)
	fw, _ := form.CreateFormFile("mp3", "song.mp3")
	io.WriteString(fw, "ID3 and some music")
	form.Close()
	resp, err := http.Post(srv.URL+"/store_mp3", form.FormDataContentType(), strings.NewReader(body.String()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Disposition"))
	fmt.Println(string(b))
	// Output:
	// 200 attachment; filename="song.mp3"
	// ID3 and some music
}

// Typed application values: a key set on the root application is read,
// without a type assertion, by a handler of a sub-application (aiohttp's
// web.AppKey and request.config_dict); the nearest application wins.
func ExampleAppKey() {
	type Greeter struct{ Greeting string }
	greeterKey := aioweb.NewAppKey[*Greeter]("greeter")
	siteKey := aioweb.NewAppKey[string]("site")

	hello := func(req *aioweb.Request) (aioweb.Resp, error) {
		g := greeterKey.MustGet(req) // found on the root
		site, _ := siteKey.Get(req)  // the nearest one
		return &aioweb.Response{Text: g.Greeting + " from " + site}, nil
	}
	app := aioweb.NewApplication()
	app.Router.AddGet("/", hello)
	admin := aioweb.NewApplication()
	admin.Router.AddGet("/", hello)
	app.AddSubapp("/admin", admin)

	greeterKey.Set(app, &Greeter{Greeting: "Hello"})
	siteKey.Set(app, "the site")
	siteKey.Set(admin, "the admin area")

	srv := httptest.NewServer(app)
	defer srv.Close()
	get(srv.URL + "/")
	get(srv.URL + "/admin/")
	fmt.Println(greeterKey)
	// Output:
	// 200 Hello from the site
	// 200 Hello from the admin area
	// AppKey("greeter", *aioweb_test.Greeter)
}

// The lifecycle, in aiohttp's order: a cleanup context opens a resource at
// startup and closes it at cleanup; a sub-application's hooks run after its
// parent's. RunApp calls Startup, Shutdown and Cleanup itself; here the app
// runs under httptest, as in a test.
func ExampleApplication_CleanupCtx() {
	type Pool struct{ open bool }
	poolKey := aioweb.NewAppKey[*Pool]("pool")

	app := aioweb.NewApplication()
	app.CleanupCtx(func(ctx context.Context) (func(context.Context) error, error) {
		pool := &Pool{open: true}
		poolKey.Set(app, pool)
		fmt.Println("pool opened")
		return func(context.Context) error {
			pool.open = false
			fmt.Println("pool closed")
			return nil
		}, nil
	})
	app.OnStartup(func(context.Context) error { fmt.Println("app startup"); return nil })
	app.OnShutdown(func(context.Context) error { fmt.Println("app shutdown"); return nil })
	app.OnCleanup(func(context.Context) error { fmt.Println("app cleanup"); return nil })

	api := aioweb.NewApplication()
	api.Router.AddGet("/status", func(req *aioweb.Request) (aioweb.Resp, error) {
		return &aioweb.Response{Text: fmt.Sprintf("pool open: %v", poolKey.MustGet(req).open)}, nil
	})
	api.OnStartup(func(context.Context) error { fmt.Println("api startup"); return nil })
	api.OnCleanup(func(context.Context) error { fmt.Println("api cleanup"); return nil })
	app.AddSubapp("/api", api)

	ctx := context.Background()
	if err := app.Startup(ctx); err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(app)
	get(srv.URL + "/api/status")
	srv.Close() // stop accepting, wait for the handlers
	app.Shutdown(ctx)
	app.Cleanup(ctx)
	// Output:
	// pool opened
	// app startup
	// api startup
	// 200 pool open: true
	// app shutdown
	// pool closed
	// app cleanup
	// api cleanup
}

// lineWriter hands each access log line to a channel, so the example can
// print it after the response it describes.
type lineWriter chan string

func (c lineWriter) Write(p []byte) (int, error) { c <- string(p); return len(p), nil }

// The access log: aiohttp's AccessLogger format language, measured at the
// writer, so a Range request logs its 206 and the bytes of the range, and a
// 404 from routing logs 404. RunApp logs every request in
// DefaultAccessLogFormat through the application's logger by default.
func ExampleAccessLogger() {
	dir, _ := os.MkdirTemp("", "accesslog")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "report.txt"), []byte("0123456789"), 0o644)
	app := aioweb.NewApplication()
	app.Router.AddStatic("/static", dir)
	app.Router.AddGet("/greet/{name}", func(req *aioweb.Request) (aioweb.Resp, error) {
		return &aioweb.Response{Text: "Hello, " + req.MatchInfo["name"]}, nil
	})

	al, err := aioweb.NewAccessLogger(`"%r" %s %b "%{Range}i" %{Content-Type}o`)
	if err != nil {
		fmt.Println(err)
		return
	}
	lines := make(lineWriter, 10)
	al.Writer = lines // the default is slog.Default(), one Info record per request
	srv := httptest.NewServer(al.Wrap(app))
	defer srv.Close()
	get(srv.URL + "/greet/bob")
	fmt.Print(<-lines)
	get(srv.URL+"/static/report.txt", "Range", "bytes=2-5")
	fmt.Print(<-lines)
	get(srv.URL + "/nope")
	fmt.Print(<-lines)

	_, err = aioweb.NewAccessLogger("%a %x")
	fmt.Println(err)
	// Output:
	// 200 Hello, bob
	// "GET /greet/bob HTTP/1.1" 200 10 "-" text/plain; charset=utf-8
	// 206 2345
	// "GET /static/report.txt HTTP/1.1" 206 4 "bytes=2-5" text/plain; charset=utf-8
	// 404 404: Not Found
	// "GET /nope HTTP/1.1" 404 14 "-" text/plain; charset=utf-8
	// aioweb: access log format "%a %x": unknown directive %x at offset 3
}

// OnResponsePrepare (aiohttp's on_response_prepare) adds security headers
// once, to every response: handler responses, files, exceptions (a 404
// from routing too), aioweb's own 500, the WebSocket 101. The hook sees the
// status that goes out and edits the outgoing headers, never the value the
// handler returned.
func ExampleApplication_OnResponsePrepare() {
	app := aioweb.NewApplication()
	app.OnResponsePrepare(func(req *aioweb.Request, resp aioweb.PreparedResponse) error {
		resp.Header.Set("X-Content-Type-Options", "nosniff")
		resp.Header.Del("X-Internal") // never leaves the server
		return nil
	})
	page := &aioweb.Response{Text: "hello", Headers: http.Header{"X-Internal": {"node-7"}}}
	app.Router.AddGet("/", func(req *aioweb.Request) (aioweb.Resp, error) { return page, nil })
	app.Router.AddGet("/boom", func(req *aioweb.Request) (aioweb.Resp, error) {
		return nil, errors.New("handler failed")
	})
	srv := httptest.NewServer(app)
	defer srv.Close()
	for _, p := range []string{"/", "/missing", "/boom"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Println(p, resp.StatusCode, resp.Header.Get("X-Content-Type-Options"), resp.Header.Get("X-Internal") == "")
	}
	fmt.Println(page.Headers.Get("X-Internal")) // the returned value is untouched
	// Output:
	// / 200 nosniff true
	// /missing 404 nosniff true
	// /boom 500 nosniff true
	// node-7
}

// Request.Clone (aiohttp's request.clone) lets a middleware pass the handler
// a changed request: here a method override from a header. MatchInfo stays
// the original's; the body is shared and read once, by whoever reads it.
func ExampleRequest_Clone() {
	override := aioweb.MiddlewareFunc(func(req *aioweb.Request, next aioweb.Handler) (aioweb.Resp, error) {
		m := req.Header.Get("X-HTTP-Method-Override")
		if m == "" {
			return next(req)
		}
		c, err := req.Clone(aioweb.CloneOptions{Method: m})
		if err != nil {
			return nil, err
		}
		return next(c)
	})
	app := aioweb.NewApplication(aioweb.WithMiddlewares(override))
	app.Router.AddRoute("*", "/items/{id}", func(req *aioweb.Request) (aioweb.Resp, error) {
		body, err := req.Text()
		if err != nil {
			return nil, err
		}
		return &aioweb.Response{Text: req.Method + " item " + req.MatchInfo["id"] + ": " + body}, nil
	})
	srv := httptest.NewServer(app)
	defer srv.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/items/7", strings.NewReader("new name"))
	req.Header.Set("X-HTTP-Method-Override", "PATCH")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(string(b))
	// Output:
	// PATCH item 7: new name
}
