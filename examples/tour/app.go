package main

import (
	"github.com/aioweb/aioweb"
)

// hello is the seed's first handler.
func hello(req *aioweb.Request) (aioweb.Resp, error) {
	return &aioweb.Response{Body: []byte("Hello, world")}, nil
}

// variableHandler answers the variable and regex routes.
func variableHandler(req *aioweb.Request) (aioweb.Resp, error) {
	name := req.MatchInfo["name"]
	if n, ok := req.MatchInfo["n"]; ok {
		name = n
	}
	return &aioweb.Response{Text: "Hello, " + name}, nil
}

// Handler groups logically coupled handlers, as the seed's class Handler.
type Handler struct{}

// HandleIntro answers /intro.
func (h *Handler) HandleIntro(req *aioweb.Request) (aioweb.Resp, error) {
	return &aioweb.Response{Body: []byte("Hello, world")}, nil
}

// HandleGreeting answers /greet/{name}.
func (h *Handler) HandleGreeting(req *aioweb.Request) (aioweb.Resp, error) {
	name, ok := req.MatchInfo["name"]
	if !ok {
		name = "Anonymous"
	}
	return &aioweb.Response{Text: "Hello, " + name}, nil
}

// AcceptChooser is the seed's second routing layer on the Accept header.
type AcceptChooser struct {
	accepts map[string]aioweb.Handler
}

// DoRoute calls the handler registered for the first Accept value it knows.
func (c *AcceptChooser) DoRoute(req *aioweb.Request) (aioweb.Resp, error) {
	for _, accept := range req.Header.Values("Accept") {
		if acceptor, ok := c.accepts[accept]; ok {
			return acceptor(req)
		}
	}
	return nil, aioweb.HTTPNotAcceptable()
}

// RegAcceptor registers handler for an Accept value.
func (c *AcceptChooser) RegAcceptor(accept string, handler aioweb.Handler) {
	if c.accepts == nil {
		c.accepts = map[string]aioweb.Handler{}
	}
	c.accepts[accept] = handler
}

func handleJSON(req *aioweb.Request) (aioweb.Resp, error) {
	return aioweb.JSONResponse(map[string]string{"greeting": "Hello, world"})
}

func handleXML(req *aioweb.Request) (aioweb.Resp, error) {
	return &aioweb.Response{Text: "<greeting>Hello, world</greeting>", ContentType: "application/xml"}, nil
}

// redirect raises HTTPFound: returned as the error, it is sent as the response.
func redirect(req *aioweb.Request) (aioweb.Resp, error) {
	return nil, aioweb.HTTPFound("/intro")
}

// tourMiddleware adds X-Tour-Middleware: 1 to every response, the raised
// HTTPExceptions (404, 405, redirects), streams and WebSockets included. It
// adds it to the request's response headers before calling the handler, so
// it never writes into what the handler returns (which may be shared).
func tourMiddleware(app *aioweb.Application, handler aioweb.Handler) (aioweb.Handler, error) {
	return func(req *aioweb.Request) (aioweb.Resp, error) {
		req.ResponseHeader().Set("X-Tour-Middleware", "1")
		return handler(req)
	}, nil
}

// NewApp builds the tour application. Its startup hook prepares what
// GET /links answers: run it with RunApp, or app.Startup in tests.
func NewApp() *aioweb.Application {
	app := aioweb.NewApplication(
		aioweb.WithMiddlewares(tourMiddleware),
		aioweb.WithClientMaxSize(64<<20), // uploads up to 64 MiB
	)
	app.Router.AddRoute("GET", "/", hello)

	h := &Handler{}
	app.Router.AddRoute("GET", "/intro", h.HandleIntro)
	app.Router.AddRoute("GET", "/greet/{name}", h.HandleGreeting, aioweb.WithName("greet"))
	app.Router.AddRoute("GET", `/num/{n:\d+}`, variableHandler)

	chooser := &AcceptChooser{}
	app.Router.AddRoute("GET", "/accept", chooser.DoRoute)
	chooser.RegAcceptor("application/json", handleJSON)
	chooser.RegAcceptor("application/xml", handleXML)

	app.Router.AddRoute("GET", "/redirect", redirect)
	app.Router.AddRoute("GET", "/tour", page("index.html"))
	app.Router.AddRoute("GET", "/chat", page("chat.html"))
	app.Router.AddRoute("GET", "/ws", websocketHandler)
	app.Router.AddRoute("POST", "/expect", echoBody, aioweb.WithExpectHandler(checkAuth))
	app.Router.AddRoute("GET", "/expect/exchange", expectExchange)
	app.Router.AddRoute("GET", "/upload", uploadPage)
	app.Router.AddStatic("/static", staticDir())
	app.Router.AddRoute("GET", "/links", links)
	app.Router.AddRoute("POST", "/store_mp3", storeMP3)
	app.Router.AddRoute("GET", "/{name}", variableHandler)
	app.OnStartup(prepareLinks(app))
	return app
}
