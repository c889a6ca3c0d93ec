// Command tour serves every example of aiohttp's "HTTP Server Usage" page,
// ported to aioweb, on one server:
//
//	go run ./examples/tour -addr :8080
//
// Its paths:
//
//	GET /                  Hello, world   (a handler function)
//	GET /intro             Hello, world   (a handler struct's method)
//	GET /greet/{name}      Hello, {name}  (a handler struct's method)
//	GET /num/{n:\d+}       Hello, {n}     (a regex route)
//	GET /accept            the Accept chooser (JSON, XML or 406)
//	GET /redirect          302 to /intro (a raised HTTPFound)
//	POST /expect           echoes the body; guarded by the seed's check_auth
//	                       expect handler (no Authorization or HTTP/1.0: 403)
//	GET /expect/exchange   the tour sends POST /expect with Expect: 100-continue
//	                       to itself over a raw connection (?auth=1, ?http=1.0)
//	                       and answers the transcript: what browsers cannot send
//	GET /upload            the seed's mp3 upload form
//	POST /store_mp3        answers the uploaded file as an attachment
//	GET /static/hello.txt  a static file (AddStatic over examples/tour/static)
//	GET /links             URLs reversed from the named /greet/{name} route by
//	                       a startup hook, kept under a typed AppKey
//	GET /ws                the seed's WebSocket echo (text -> text + "/answer")
//	GET /tour              the browser page: each demo beside what came back
//	                       (status line, headers, body)
//	GET /chat              a WebSocket page talking to /ws
//	GET /{name}            Hello, {name} (registered last)
//
// Every response carries X-Tour-Middleware: 1, added by a middleware, except
// an expect handler's refusal: expect handlers run before the middlewares,
// as in aiohttp.
//
// Every request is logged on stderr in aiohttp's access log format, as RunApp
// does by default; -access-log sets another format, an empty one turns it off.
package main

import (
	"flag"
	"log"

	"github.com/aioweb/aioweb"
)

func main() {
	addr := flag.String("addr", ":8080", "address to listen on")
	format := flag.String("access-log", aioweb.DefaultAccessLogFormat, "access log format (aiohttp's access_log_format); empty: no access log")
	flag.Parse()
	log.SetFlags(0)
	accessLog := aioweb.RunAccessLogFormat(*format)
	if *format == "" {
		accessLog = aioweb.RunAccessLog(nil)
	}
	if err := aioweb.RunApp(NewApp(), *addr, accessLog); err != nil {
		log.Fatal(err)
	}
}
