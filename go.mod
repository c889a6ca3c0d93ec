module github.com/aioweb/aioweb

go 1.22
