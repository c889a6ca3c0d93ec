// doc.go owns the package documentation: the tour of aiohttp's "HTTP Server
// Usage" page in Go, how aioweb maps onto net/http, and the deliberate
// differences from aiohttp.

/*
Package aioweb is aiohttp.web's server API in Go: a thin, fast adapter over
net/http. It keeps aiohttp's shapes (Application, Router.AddRoute,
Request.MatchInfo, Response, the HTTPException hierarchy, middleware
factories, Expect handlers, file uploads, WebSocketResponse) and gives back an
http.Handler that mounts anywhere net/http handlers go.

# Run a simple web server

A handler takes the *Request and returns the response, or an error:

	func hello(req *aioweb.Request) (aioweb.Resp, error) {
		return &aioweb.Response{Body: []byte("Hello, world")}, nil
	}

Register it on an Application's router with a method and a path, then serve:

	app := aioweb.NewApplication()
	app.Router.AddRoute("GET", "/", hello)
	// Prints "serving on [::]:8080"; returns nil after a clean shutdown.
	if err := aioweb.RunApp(app, ":8080"); err != nil {
		log.Fatal(err)
	}

RunApp runs the Application's startup hooks, then an http.Server with safe
timeouts (see NewServer) until SIGINT or SIGTERM; then it stops accepting,
runs the OnShutdown hooks, drains in-flight handlers for a bounded time and
runs the cleanup (see "Application state and lifecycle").
Because *Application is an http.Handler you may instead serve it yourself or
mount it:

	http.Handle("/api/", http.StripPrefix("/api", app))

RunApp also logs every request, as aiohttp's run_app does, in aiohttp's
access log format (DefaultAccessLogFormat) as Info records of the
Application's logger: RunAccessLogFormat sets the format (aiohttp's
access_log_format), RunAccessLog sends plain lines to an io.Writer and
RunAccessLog(nil) turns it off. NewServer takes the same options. An
AccessLogger wraps any http.Handler, for servers you run yourself.

# Handlers

A Handler is func(*Request) (Resp, error). Functions and method values both
work, so logically coupled handlers can live on a struct:

	h := &Handler{}
	app.Router.AddRoute("GET", "/intro", h.HandleIntro)
	app.Router.AddRoute("GET", "/greet/{name}", h.HandleGreeting)

The response is a *Response (Text or Body, Status, Headers, ContentType,
Charset, Compress), JSONResponse(v), a *StreamResponse (Prepare, then
Write), a *FileResponse, a *WebSocketResponse, an *HTTPException, or Sent
when the handler wrote the response itself through req.ResponseWriter().

# Variable routes

'{name}' matches one path segment (the default regex [^{}/]+) and
'{name:regex}' matches a regular expression, which may contain braces
('{year:\d{4}}') and may span segments ('{tail:.+}'). Variables may share a
segment with text ('/file/{name}.html', '/{a}-{b}'). The decoded values are in
req.MatchInfo, and also in the underlying request's PathValue.

	app.Router.AddRoute("GET", `/{name:\d+}`, variableHandler)
	// in the handler: req.MatchInfo["name"]

Routes are tried in registration order and the first whose path and method
match wins, as in aiohttp: with '/{name}' registered before '/intro', a GET
for /intro goes to '/{name}'. A path that matches but for the method gives 405
with aiohttp's Allow header ("GET,POST": sorted, no spaces); nothing matching
gives 404. HEAD is not implied by GET: register it (or use "*" for any
method). Paths are matched as sent, percent-encoded, like aiohttp 3.8: they are
never cleaned ('/a//b' and '/a/../b' do not reach '/a/b'), '/a' and '/a/'
differ, and '%2F' stays inside one variable ('/v/a%2Fb' gives name "a/b").

Registration panics on a programmer error, as http.ServeMux.Handle does: a
pattern without a leading '/', unbalanced braces, a bad or unsupported regex
(Go's RE2 has no backreferences or lookaround), a duplicate or empty variable
name, an invalid method, a duplicate route name, or registering after the
application started serving.

# How routing maps onto net/http

Each route is served by the cheapest matcher that keeps aiohttp's meaning
(Route.Matcher tells which):

  - static paths ("/users/list") by an exact-match map;
  - patterns whose every segment is a literal or one whole variable
    ("/users/{id}/repos", `/num/{n:\d+}`) by a Go 1.22 http.ServeMux
    pattern ("/num/{n}"), the variable's regex then checked against the
    matched segment (common shapes like [0-9]+ or [0-9a-f]{40} by a small
    greedy matcher instead of package regexp);
  - everything else (partial segments like "/{name}.html", regexes that
    can span '/' or match nothing, trailing slashes, patterns ServeMux
    refuses to register beside others) by a regex fallback matcher.

ServeMux alone would pick the most specific pattern, clean paths with
redirects and panic on conflicting patterns. aioweb hides all three: it
registers one ServeMux pattern per shape, computes at startup which other
routes may match the same paths, and checks those in registration order, so
the first registered route still wins; paths that ServeMux would clean or
redirect, and non-canonical encodings, go to an exact scan instead. The
ServeMux decides at startup which shapes register; requests then walk a tree
of those shapes that answers as the ServeMux's own routing tree does (literal
segment first, then the variable, backtracking), without copying the request
or allocating: a static route allocates the *Request only, a route with
variables the *Request and its MatchInfo map (bench/RESULTS.md).

# Custom conditions

The router matches only method and path. A second routing layer is a plain
handler; the Accept chooser of aiohttp's docs:

	func (c *AcceptChooser) DoRoute(req *aioweb.Request) (aioweb.Resp, error) {
		for _, accept := range req.Header.Values("Accept") {
			if acceptor, ok := c.accepts[accept]; ok {
				return acceptor(req)
			}
		}
		return nil, aioweb.HTTPNotAcceptable()
	}

# Expect header

A route may have an ExpectHandler (WithExpectHandler), run for requests with
an Expect header after routing and before the middlewares and the handler,
before the body is read: the pre-body hook. It returns (nil, nil) to go on,
or a response or an HTTPException to answer at once without reading the
body. The seed's check_auth:

	func checkAuth(req *aioweb.Request) (aioweb.Resp, error) {
		if req.Version() != aioweb.HTTPVersion11 || req.Header.Get("Authorization") == "" {
			return aioweb.HTTPForbidden(), nil
		}
		return nil, req.WriteContinue() // "HTTP/1.1 100 Continue", through net/http
	}
	app.Router.AddRoute("POST", "/", hello, aioweb.WithExpectHandler(checkAuth))

If the handler lets the request through without sending 100 Continue,
net/http sends it when the body is first read, so no client waits for its
expect timeout; if a response goes out while the client still waits for the
100, the connection is closed right after it.

# File uploads

Post parses urlencoded and multipart/form-data bodies into a Form whose
values are strings or *FileField (Name, Filename, File, ContentType,
Header, Size), in arrival order:

	data, err := req.Post()
	if err != nil {
		return nil, err // 400 for a malformed body, 413 over the limit
	}
	mp3 := data.File("mp3")
	filename := mp3.Filename   // raw and untrusted: use mp3.SafeFilename() for paths
	content, err := io.ReadAll(mp3.File)

Bodies are limited by WithClientMaxSize (1 MiB by default, aiohttp's
client_max_size), counted after gzip or deflate Content-Encoding is decoded
(WithAutoDecompress), and forms by WithMaxFormFields (1000 fields or parts).
A body that sends nothing for WithBodyIdleTimeout (60 s) ends with 408.
Files beyond the form-memory budget (WithFormMemory, 1 MiB) go to one
temporary file per request in WithUploadDir, always removed when the
request ends and when RunApp returns. Parts sent with
Content-Transfer-Encoding base64 or quoted-printable are decoded. As in
aiohttp, a part without a filename or with an empty one (an empty file
input) is a field: text in its Content-Type's charset (UTF-8 by default,
ISO-8859-1 understood) when it has no type or a text/* one, its bytes as
they are otherwise; RFC 2231 filename* and name* parameters are decoded
(UTF-8 and ISO-8859-1). For uploads larger than memory, Multipart streams
the parts with constant memory.

# WebSockets

A handler creates a WebSocketResponse, prepares it (the handshake), loops on
Receive and returns it; see WebSocketResponse for the seed's echo handler.
Messages carry aiohttp's MsgType names and values (MsgText, MsgBinary,
MsgClose, MsgClosing, MsgClosed, MsgError...). One goroutine may receive at a
time and any number may send. Options mirror aiohttp's: WSProtocols,
WSAutoping, WSReceiveTimeout, WSHeartbeat, WSMaxMsgSize, WSTimeout,
WSCompress; cross-origin browsers are refused unless WSOriginPatterns
allows them. Ping waits for the pong and Close for the peer's close, each at
most WSTimeout; a close the peer does not answer in time ends the
connection with 1006 and ErrCloseTimeout, as in aiohttp. A Receive pending
while another goroutine closes returns MsgClosing, then MsgClosed. On
shutdown open WebSockets, sub-applications' included, are closed with 1001.
Every goroutine a WebSocketResponse starts ends with its connection.

# More routing

Beyond the seed page, aiohttp 3's router features are here: named routes and
URL reversal (WithName, Router.Named, Route.URL), static files (AddStatic,
traversal-safe, through http.ServeContent), single files from a handler
(FileResponse, aiohttp 3's web.FileResponse), route tables (AddRoutes with
Get, Post...: aiohttp 3's add_routes), method shortcuts (AddGet also
answers HEAD, AddPost...), views (AddView), sub-applications (AddSubapp),
virtual hosts (AddDomain: a sub-application by Host, with "*.example.com"
masks), and any http.Handler as a route handler (WrapHandler).

Static files are opened through an os.Root, never leave their directory,
can carry a content-hash version in their URLs (StaticAppendVersion,
URLAppendVersion: aiohttp's append_version), and are served precompressed
when a .br or .gz sibling exists and the client accepts it. NormalizePath
is aiohttp's normalize_path_middleware: a 404 whose path resolves with
slashes merged or a trailing slash added (or removed) is redirected there.
Tools that list or document routes walk Router.Resources (aiohttp's
resources(): one Resource per path, static prefix or sub-application, with
Info and Canonical), Router.NamedResources and Route.Resource.

# Application state and lifecycle

Values shared by handlers live on the Application. Typed keys (aiohttp 3.9's
web.AppKey) need no type assertion, and a sub-application's handlers find
their parents' values, nearest first (aiohttp's request.config_dict):

	var dbKey = aioweb.NewAppKey[*sql.DB]("db")

	dbKey.Set(app, db)
	db := dbKey.MustGet(req) // or db, ok := dbKey.Get(req)

The untyped Application.Set and Get still work; Get reads only that
application's values, Request.ConfigGet the whole chain.

The lifecycle is aiohttp's: CleanupCtx (cleanup_ctx: set up at startup,
torn down at cleanup), OnStartup, OnShutdown and OnCleanup, run by Startup,
Shutdown and Cleanup (RunApp calls them; tests may too). Across an
application and its sub-applications they run in aiohttp 3.8's order: the
parent first, sub-applications where AddSubapp was called, cleanup included;
within one application cleanup contexts are set up before the OnStartup hooks
and torn down, in reverse, before the OnCleanup hooks. A failing startup step
stops startup, tears down the cleanup contexts already set up and makes
RunApp return the error.

# Limits

  - Request bodies: WithClientMaxSize, 1 MiB by default; 413 beyond.
  - Uploaded files in memory: WithFormMemory, 1 MiB per request; the rest on disk.
  - Request target: WithMaxURILength, 8190 bytes (aiohttp's max_line_size); 414 beyond.
  - WebSocket messages: WSMaxMsgSize, 4 MiB (aiohttp's max_msg_size); 1009 beyond.
  - RunApp's server (NewServer): ReadHeaderTimeout 10 s, IdleTimeout 75 s
    (aiohttp's keep-alive), MaxHeaderBytes 64 KiB; no ReadTimeout or
    WriteTimeout so that long uploads, streams and WebSockets work. Change any
    of them with RunServerConfig.

# Exceptions

Every aiohttp exception class has a constructor: HTTPOk ... HTTPNotFound,
HTTPFound(location), HTTPMethodNotAllowed(method, allowed) ...
HTTPVersionNotSupported, plus the classes aiohttp 3 added. They take aiohttp's
options (WithHeaders, WithReason, WithText, WithBody, WithContentType). An
*HTTPException is a Response and an error, so these are the same:

	return aioweb.HTTPFound("/redirect"), nil   // returned
	return nil, aioweb.HTTPFound("/redirect")   // raised
	panic(aioweb.HTTPFound("/redirect"))         // raised, Python style

errors.As finds an exception inside wrapped errors; IsRedirection,
IsClientError and friends give the category. An error that is
context.DeadlineExceeded (errors.Is: a database call that ran out of time)
gives a logged 504 Gateway Timeout, as aiohttp 3 answers a handler's
asyncio.TimeoutError. Any other error or panic gives a 500 with no internal
detail, logged through the Application's slog.Logger with the stack, and
the server keeps serving.

# Middlewares

A Middleware is aiohttp 0.15's factory: given the app and the next handler it
returns a handler. The first one given to WithMiddlewares is the outermost.
Route errors (404, 405) and panics reach middlewares as errors, so a
middleware can render its own 404 page, answer by itself (say, 403), or turn
errors into responses. MiddlewareFunc adapts aiohttp 3's new-style
func(req, handler).

aioweb never writes into a value a handler returned or raised, so one
response or exception may be shared by many requests (a package-level
var errGone = aioweb.HTTPGone()). A middleware adds headers through
req.ResponseHeader(): they go out with whatever response the request sends
(Response, stream, file, exception, 404/405, the WebSocket 101, a net/http
handler's own answer), merged over its headers just before the status line.
A handler that writes the response itself through req.ResponseWriter()
returns Sent (or nil, nil), and aioweb adds nothing to what it wrote.

Application.OnResponsePrepare is aiohttp's on_response_prepare signal, the
place to add security headers once: its hooks run just before any
response's status line goes out (every kind above, plus aioweb's own 500),
with the status on the wire (206 for a Range, 304, 101), the kind, and the
request's outgoing header map to edit; the handler's value stays untouched.
A sub-application's responses run the root's hooks, then each mounted
application's down to the handling one, as aiohttp does. A failing hook
gets a logged plain 500 (aiohttp 3.8 drops the connection instead), and
aioweb's 414 signals too (aiohttp refuses a long target in its parser).

# Naming

Names are aiohttp's in Go clothes: its classes and methods in Go case
(Application, Router.AddRoute, Request.MatchInfo), with Go's initialisms
(HTTPVersion is aiohttp's HttpVersion).

Options are functional options named for their target. The three targets
handler authors write most, the Application (AppOption), a route
(RouteOption) and an HTTPException (ExcOption), use With<Setting>:
WithClientMaxSize, WithName, WithText. Every other option type's
constructors start with their target's name: Run... for RunApp and
NewServer (RunContext, RunAccessLog), WS... for NewWebSocketResponse
(WSHeartbeat), Static... for AddStatic (StaticShowIndex, and StaticName for
the route's name, since AddStatic takes StaticOptions, not RouteOptions),
JSON... for JSONResponse (JSONStatus), Normalize... for NormalizePath
(NormalizeAppendSlash) and URL... for Route.URL (URLAppendVersion). The
setting is aiohttp's keyword argument in Go case (client_max_size is
WithClientMaxSize, access_log_format is RunAccessLogFormat), and a switch
always takes a bool (WSCompress(false), StaticShowIndex(true)), never a
no-argument form. Request.Clone takes a CloneOptions struct: its settings
are values to replace, each with its zero value meaning "keep".

Responses and exceptions keep aiohttp's field name Headers (headers=)
rather than net/http's Header: the field is what the value is built with,
and it leaves the name Header() to the method that, like
http.ResponseWriter.Header, returns the live map to change before the
response is sent (Response.Header, StreamResponse.Header). Maps used in
place keep Go's name: Request.Header (http.Request's), FileField.Header
(multipart's) and PreparedResponse.Header, which hooks edit.

# Errors

aioweb splits errors as net/http does. A programmer error made while the
application is put together panics, as http.ServeMux.Handle does, with a
message that starts "aioweb:" and names the call: a bad pattern, method,
prefix or domain, a nil handler or hook, a duplicate route name, a route
that can never run, mounting an application twice, conflicting options
(NormalizePath with both NormalizeAppendSlash(true) and
NormalizeRemoveSlash(true)), and registering or mounting anything once the
application serves. Anything that depends on run-time input returns an
error instead: the setters of headers, status and cookies (SetHeader,
AddHeader, SetStatus, SetCookie; their values may come from the request,
so check them), Route.URL, JSONResponse, Prepare, the body readers and
the WebSocket calls. Middleware factories run when the application
freezes (MakeHandler, RunApp or the first request), a sub-application's
included, and their errors come back from MakeHandler and RunApp; an
application served without either logs the error and answers 500. Setup
calls that return an error report through it: RunApp returns a bad access
log format, which NewServer, returning no error, panics on.

# Deliberate differences from aiohttp

  - aiohttp speaks HTTP/1.x only; an Application behind a TLS http.Server
    also serves HTTP/2. There, net/http handles Expect: 100-continue itself
    (expect handlers run for HTTP/1.x only) and WebSocket upgrades are
    refused with aiohttp's 400 (browsers open WebSockets over HTTP/1.1).
  - Factories run once per route when the application freezes (first request,
    MakeHandler or RunApp), not once per request as in aiohttp 0.15: building
    closures per request would cost allocations for nothing.
  - WebSocket compression (permessage-deflate) is off unless WSCompress(true)
    asks for it; aiohttp 3 compresses by default. Deflate state and CPU per
    message only pay off for large, compressible messages.
  - The access log's %b counts the body bytes written (aiohttp 3.8 counts the
    headers too, which net/http writes itself); an unknown directive is an
    error (aiohttp copies it into every line); %% is a percent sign (aiohttp
    3.8 logs "Error in logging" instead of any line with it); a client that leaves
    mid-response is logged with what was written (aiohttp 3.8 logs nothing);
    requests net/http refuses before any handler runs (malformed, headers too
    large) are not logged.
  - Response.Compress and StreamResponse.EnableCompression (aiohttp's
    enable_compression) honour Accept-Encoding quality values and prefer
    gzip on a tie; aiohttp 3.8 picks deflate whenever the header merely
    mentions it, even with q=0.
  - net/http always sends the standard reason phrase on the status line;
    Reason only changes an exception's default body ("404: Nope").
  - Header names go out canonicalised ("Content-Type"); there is no Server
    header and no explicit "Connection: keep-alive" (HTTP/1.1 implies it).
  - net/http answers malformed requests (invalid percent-escapes, bad request
    lines) with 400 before any handler runs; aiohttp 0.15 kept invalid escapes
    literally. An escape that does not decode to UTF-8 ("%ff") is the raw
    byte in Path, MatchInfo and Query, as in r.URL.Path and url.ParseQuery;
    aiohttp keeps "%ff" as text in a path, which "%25ff" also gives, and
    makes it U+FFFD in a query. Lower-case methods are upper-cased and any token method is
    routed, as aiohttp 0.15 did (aiohttp 3.8's C parser answers 400).
  - A route joins the previous route's resource only when its path is the
    same text. aiohttp compares the new path with the previous resource's
    formatter, so GET '/{x}' added right after POST '/{x:\d+}' joins that
    resource and matches only digits; in aioweb it keeps its own '/{x}'.
  - HEAD, 204 and 304 responses never carry a body (aiohttp 0.15 sent one), and
    204/304 carry no Content-Length or Content-Type, as in aiohttp 3.
  - A body without a content type is sent as application/octet-stream (aiohttp
    3), never content-sniffed.
  - HTTPException.Error is "<status>: <reason>" followed by the exception's
    text when it has one (aiohttp's str() is the reason alone), so a logged
    exception says why.
  - Undecodable text and malformed JSON bodies are 400, not 500; a charset Go
    cannot decode is 415. Bodies are limited (WithClientMaxSize, 1 MiB by
    default, 413 beyond, as aiohttp 3's client_max_size). A body of exactly
    the limit is accepted (aiohttp 3.8 refuses it: its check is >=). The 413
    text names the bytes read when the limit passed, as aiohttp's (for a
    multipart form aiohttp counts the form's data, aioweb the body); when the
    client still waits for 100 Continue the body is refused from its
    Content-Length without inviting it ("..., Content-Length N"). A gzip or
    deflate body that does not decode is a 400 (aiohttp 3.8: 500). Forms are
    limited to WithMaxFormFields fields and parts (aiohttp: none), and a
    body that sends nothing for WithBodyIdleTimeout is a 408 (aiohttp: no
    such timeout).
  - Multipart forms (TestFormDifferentialAiohttp compares them with aiohttp
    3.8.4): a malformed body, a part without a name, undecodable text or
    invalid base64 is a 400 (aiohttp: 500; it drops what is not base64), an
    unknown charset a 415. A field aiohttp gives as bytes (a part whose type
    is not text/*) is a string holding those bytes. Bodies with LF-only line
    endings are read (Go's mime/multipart; aiohttp 3.8: 500). Quoted-printable
    with raw control characters or a line over 4 KiB is a 400, and bare CRs
    ending a line are dropped (Go's mime/quotedprintable; Python's decoder
    keeps them). aiohttp 3.8 decodes base64 and quoted-printable
    file parts read by read, so a quantum or =XX split between reads gives a
    500 or a wrong byte; aioweb decodes the stream. Filenames are the
    parameter as sent: aiohttp strips leading '/' and '\' from quoted values
    ("/etc/passwd" becomes "etc/passwd", still not a safe path) and drops a
    backslash before any character ("C:\x\y.mp3" becomes "C:xy.mp3"), where
    aioweb keeps a backslash that does not escape a quote or special (Go's
    mime, for old browsers' full paths): SafeFilename gives "y.mp3". Spaces
    around '=' in Content-Disposition are allowed (aiohttp misreads
    `name = "a"; filename = "f"` as one field named `a" ; filename = "f`).
  - An error after a StreamResponse sent its headers aborts the connection (as
    aiohttp 3) instead of writing a second response.
  - A handler error that is context.DeadlineExceeded answers 504, as aiohttp 3
    answers asyncio.TimeoutError, with the body "504: Gateway Timeout"
    (aiohttp's is empty); middlewares see the error first, as aiohttp's see
    the exception. context.Canceled is a 500 like any other error.
  - Query keeps blank values ("?x=" gives x=""), as aiohttp 3.
  - Go's regexp (RE2) has no backreferences or lookaround, and '$' never
    matches before a trailing newline.
  - A request carrying both Content-Length and Transfer-Encoding: chunked is
    read as chunked by net/http, which drops the Content-Length before any
    handler runs, and the connection stays open for the next request (RFC
    9112 section 6.3 asks the server to close it). aioweb cannot see the
    Content-Length to do so; a proxy in front that rejects such requests
    (most do) closes the gap. Any other Transfer-Encoding is a 501 from
    net/http.
  - net/http answers an Expect other than 100-continue with a bodiless 417
    before any handler runs (aiohttp 3: "Unknown Expect: ..."); 100 Continue
    is sent when the body is first read rather than before the handler runs.
  - WebSockets run on github.com/coder/websocket, which always completes the
    close handshake itself (WSAutoclose has no effect), answers every ping
    (with autoping off pings are also delivered as MsgPing), cannot send an
    unsolicited pong (Pong returns ErrPongUnsupported), and chooses ping
    payloads. A receive timeout ends the connection. aioweb itself closes
    with 1007 on a text message that is not UTF-8 and with 1011 when the
    handler fails after the upgrade.
  - A failing lifecycle hook does not stop the others of its phase (aiohttp
    stops at the first, and a failing on_shutdown hook even skips the drain
    and cleanup); their errors are joined. After a failed startup every
    cleanup context already set up is torn down, sub-applications' included
    (aiohttp 3.8 tears down the root application's only).
  - MatchInfo and Request values hold for the request's lifetime: uploaded
    files are removed when the handler returns.
  - Static files get their Content-Type from Go's mime package
    (text/plain; charset=utf-8 for .txt where aiohttp sends text/plain);
    an unknown extension is application/octet-stream, as in aiohttp.
  - A redirect location (or any header value) holding CR or LF is refused
    when the response is built (a logged 500); aiohttp strips them. A
    location that came from request input and was silently changed would
    hide a header-injection attempt instead of failing loudly.
  - Route.URL escapes '/' in a value as %2F, so the URL routes back to the
    same route with the same MatchInfo; aiohttp's url_for writes it raw, and
    {name} then matches a different path or none.
  - Route.URL returns an error for a value the variable's regex rejects, or
    one that would route to another route or other values (for example
    `{num:^\d+}`, whose '^' never matches after a prefix); aiohttp's url_for
    formats such a URL anyway. A URL that does not come back is a bug better
    found at build time.
  - A 304 answer carries the ETag but drops Last-Modified when an ETag is
    present, as net/http does and RFC 9110 (section 15.4.5) prefers; aiohttp
    repeats Last-Modified.
  - If-Range with a date applies the range only when the date is exactly the
    file's modification time (net/http, RFC 9110 section 13.1.5: a weak
    validator cannot be compared for "not newer"); aiohttp sends the range
    for any date not older than the file, so a future date gives 206 there
    and the whole file here.
  - Request header blocks may be up to 64 KiB (net/http's MaxHeaderBytes as
    aioweb's server sets it; 431 beyond); aiohttp limits each header line to
    8 KiB. Long cookies and tokens behind proxies need the room.
  - A FIFO, device or socket under a static prefix is 403, as FileResponse
    answers it and as aiohttp 3.10+ answers both (aiohttp 3.8 answers 404 for
    the static route and streams an empty 200 from FileResponse). Opening
    never blocks.
  - An absolute path after a static prefix ("/static//etc/passwd") is 404,
    as aiohttp 3.8.4 answers; aiohttp 3.8.6's anchor check answers 403.
  - Precompressed siblings honour Accept-Encoding quality values (q=0 refuses
    a coding) and include .br, preferred to .gz on a tie; aiohttp 3.8 serves
    the .gz sibling whenever "gzip" appears in the header. Only .gz and .br
    names become a Content-Encoding (aiohttp also sends "bzip2", "xz" and
    "compress", which are not HTTP content codings).
  - Static files are opened through an os.Root: a file inside the directory
    is found as aiohttp finds it (its symlinks resolved, the result inside)
    and then opened through the root, so a symlink swapped in meanwhile
    cannot lead out. With StaticFollowSymlinks(true) a file whose links lead
    outside is opened by its resolved path. The directory stays open for the process's
    life (one file descriptor per AddStatic).
  - Domain names in AddDomain are lower-cased and IDNA-encoded label by label
    (punycode) without UTS 46 mapping: give names in their normal form. An
    application with a domain is routed by an ordered scan of its routes.
  - WebSockets (the cases of aiohttp's test_web_websocket_functional.py):
    Ping waits for the pong (at most WSTimeout) and coder/websocket picks
    its payload, where aiohttp's ping() only sends; there is no Pong(), since
    coder/websocket answers every ping itself. Close returns ErrCloseTimeout
    as an error where aiohttp returns True, and coder/websocket caps the
    close wait at 5 s whatever WSTimeout says. A Receive made while a Close
    is under way waits and returns MsgClosed (aiohttp returns CLOSING again,
    so a loop that ignores CLOSING would spin), and Receive keeps returning
    MsgClosed where aiohttp raises after the fifth. After a concurrent Close,
    CloseCode is the code sent (aiohttp: None). Data the peer sends after
    the server's close frame is dropped and the close ends with 1000 (aiohttp
    gives up with 1006). A receive timeout or cancelled context ends the
    connection with 1006 (aiohttp keeps it open): a half-read frame cannot be
    resumed in coder/websocket. WSAutoclose has no effect: Closed() is
    already true when MsgClose arrives.
  - Request.Cookies parses the Cookie header as aiohttp's SimpleCookie
    does (quoted values and their escapes, ';' or whitespace between
    pairs, '$' names ignored) except where aiohttp loses cookies. The first
    of repeated names wins, as in net/http's Request.Cookie (aiohttp: the
    last; browsers send the longest path, then the oldest cookie, first).
    A malformed item (a bare name, an empty item, a non-ASCII byte outside
    quotes, an unclosed quote) or a name SimpleCookie refuses ('b(c)', or a
    '$' name other than an attribute's after a cookie) is skipped and the
    rest read: aiohttp drops every cookie after it, or all of them for a
    bare name, and answers 500 for a refused name, so one planted cookie
    hides the rest. "path", "domain", "version" and the other Set-Cookie
    attribute names are ordinary cookies (aiohttp takes them as attributes
    of the cookie before, or drops every cookie when one comes first). And
    every Cookie line is read (HTTP/2 sends one per cookie; aiohttp reads
    the first line).
  - Request.Host is "" for an HTTP/1.0 request without Host (aiohttp:
    socket.getfqdn(), the server's own name, looked up on each call); an
    HTTP/1.1 request without Host is a 400 from net/http (RFC 9112 section
    3.2; aiohttp serves it). For a target in absolute form
    ("GET http://other:81/x") Host is the target's host and port, as
    net/http sets it (aiohttp: the host without its port).
  - Request.KeepAlive is false for an HTTP/1.0 request whose Connection
    header has both "keep-alive" and "close": net/http closes the
    connection (aiohttp: true). A charset given the RFC 2231 way
    (charset*=us-ascii'en'utf-8) is decoded: Charset is "utf-8" (aiohttp's
    charset is then a tuple).
  - Request.QueryString is the query as sent ("b=%20x+y"); aiohttp's
    query_string is percent-decoded ("b= x+y"), which cannot be split again
    when a value holds an encoded '&' or '='.
  - Header values have no trailing whitespace (net/http trims it, as RFC
    9110 section 5.5 asks; aiohttp 3.8.4 keeps it: "3  "), and the Host
    header is in Request.Host, not Header (net/http moves it there).
  - A request with several Content-Type lines is a 400, as in aiohttp,
    but other headers aiohttp 3.8 wants once (User-Agent, ETag, Server,
    Content-Location, Content-Range, Max-Forwards) may repeat: aioweb reads
    none of them. net/http refuses repeated Host lines and differing
    Content-Length lines itself, and merges identical Content-Length lines
    (aiohttp: 400).
  - aioweb relies on Go 1.22+ ServeMux semantics: GODEBUG=httpmuxgo121=1 is not
    supported.
*/
package aioweb
