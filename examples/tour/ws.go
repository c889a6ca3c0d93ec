package main

import (
	"log"

	"github.com/aioweb/aioweb"
)

// websocketHandler is the seed's echo: a text message comes back with
// "/answer" appended, "close" closes, and binary messages are echoed.
func websocketHandler(req *aioweb.Request) (aioweb.Resp, error) {
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
		case aioweb.MsgBinary:
			ws.SendBytes(msg.Data)
		case aioweb.MsgClose, aioweb.MsgClosed:
			return ws, nil
		case aioweb.MsgError:
			log.Printf("ws connection closed with exception %v", ws.Exception())
			return ws, nil
		}
	}
}
