// Command hello-aioweb serves the seed's hello route with aioweb, as the
// tour's GET / does.
package main

import (
	"flag"
	"log"

	"github.com/aioweb/aioweb"
)

func hello(req *aioweb.Request) (aioweb.Resp, error) {
	return &aioweb.Response{Body: []byte("Hello, world")}, nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8082", "listen address")
	flag.Parse()
	app := aioweb.NewApplication()
	app.Router.AddRoute("GET", "/", hello)
	if err := aioweb.RunApp(app, *addr, aioweb.RunOutput(nil), aioweb.RunAccessLog(nil)); err != nil {
		log.Fatal(err)
	}
}
