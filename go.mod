module github.com/aioweb/aioweb

go 1.26

require github.com/google/go-cmp v0.7.0

require github.com/coder/websocket v1.8.15
