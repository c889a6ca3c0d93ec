package main

import (
	"embed"

	"github.com/aioweb/aioweb"
)

//go:embed pages/*.html
var pages embed.FS

// page returns a handler serving an embedded HTML page.
func page(name string) aioweb.Handler {
	html, err := pages.ReadFile("pages/" + name)
	if err != nil {
		panic(err)
	}
	return func(req *aioweb.Request) (aioweb.Resp, error) {
		return &aioweb.Response{Body: html, ContentType: "text/html", Charset: "utf-8"}, nil
	}
}
