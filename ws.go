// ws.go owns WebSocketResponse (placeholder until the WebSocket issue lands).

package aioweb

// WebSocketResponse is aiohttp's WebSocketResponse.
type WebSocketResponse struct{}

func (ws *WebSocketResponse) send(req *Request) error { return nil }

// SetHeader sets a handshake header (placeholder).
func (ws *WebSocketResponse) SetHeader(key, value string) error { return nil }
