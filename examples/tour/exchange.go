// exchange.go owns GET /expect/exchange: the Expect: 100-continue flow of
// POST /expect, which a browser's fetch() cannot send (Expect is a forbidden
// request header), performed by the tour against itself over a raw TCP
// connection and answered as a transcript of the bytes sent and received.

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/aioweb/aioweb"
)

const (
	// exchangeTimeout bounds one whole exchange (dial, writes, reads).
	exchangeTimeout = 5 * time.Second
	// exchangeMaxBytes bounds what the exchange reads from the server.
	exchangeMaxBytes = 64 << 10
	// exchangeBody is the body the exchange posts once it may.
	exchangeBody = "payload"
	// exchangeAuth is the Authorization the exchange sends with ?auth=1.
	exchangeAuth = "Basic dG91cjp0b3Vy" // tour:tour
)

// expectExchange dials the address the request came in on (the tour
// itself) and sends POST /expect with Expect: 100-continue: with
// Authorization when the query has auth=1, as HTTP/1.0 when it has
// http=1.0. It sends the body only after an interim 100 Continue, then reads
// the final response. The answer is the transcript: "> " lines were sent,
// "< " lines received, "* " lines are notes.
func expectExchange(req *aioweb.Request) (aioweb.Resp, error) {
	local, ok := req.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return nil, aioweb.HTTPInternalServerError(aioweb.WithText("the tour does not know its own address"))
	}
	q := req.Query()
	auth := q.Get("auth") == "1"
	version := "HTTP/1.1"
	if q.Get("http") == "1.0" {
		version = "HTTP/1.0"
	}
	ctx, cancel := context.WithTimeout(req.Context(), exchangeTimeout)
	defer cancel()
	t, err := exchange(ctx, local, version, auth)
	status := http.StatusOK
	if err != nil {
		t.note("error: " + err.Error())
		status = http.StatusBadGateway
	}
	return &aioweb.Response{Status: status, Text: t.String()}, nil
}

// transcript collects an exchange line by line.
type transcript struct{ b strings.Builder }

// add appends data as lines prefixed with dir; CRLF and LF both end a line.
func (t *transcript) add(dir string, data []byte) {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	s = strings.TrimSuffix(s, "\n")
	for _, line := range strings.Split(s, "\n") {
		t.b.WriteString(dir + line + "\n")
	}
}

func (t *transcript) note(s string) { t.b.WriteString("* " + s + "\n") }

func (t *transcript) String() string { return t.b.String() }

// exchange performs the raw exchange and returns its transcript, complete
// up to the error when there is one.
func exchange(ctx context.Context, addr net.Addr, version string, auth bool) (*transcript, error) {
	t := &transcript{}
	var d net.Dialer
	conn, err := d.DialContext(ctx, addr.Network(), addr.String())
	if err != nil {
		return t, err
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)

	head := "POST /expect " + version + "\r\n" +
		"Host: " + addr.String() + "\r\n" +
		"Expect: 100-continue\r\n" +
		"Content-Type: text/plain\r\n" +
		fmt.Sprintf("Content-Length: %d\r\n", len(exchangeBody))
	if auth {
		head += "Authorization: " + exchangeAuth + "\r\n"
	}
	head += "\r\n"
	if _, err := io.WriteString(conn, head); err != nil {
		return t, err
	}
	t.add("> ", []byte(head))
	t.note("headers sent; the body waits for 100 Continue")

	// Everything read from the connection is recorded; each response is
	// added to the transcript once read. The server sends nothing after an
	// interim 100 until it has the body, so the recording never runs ahead
	// of what was sent.
	var rec bytes.Buffer
	br := bufio.NewReader(io.TeeReader(io.LimitReader(conn, exchangeMaxBytes), &rec))
	readResponse := func() (*http.Response, error) {
		resp, err := http.ReadResponse(br, nil)
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		// Only what the parser consumed: bytes still buffered belong to
		// the next read.
		n := rec.Len() - br.Buffered()
		if n > 0 {
			t.add("< ", rec.Next(n))
		}
		return resp, err
	}
	resp, err := readResponse()
	if err != nil {
		return t, err
	}
	if resp.StatusCode != http.StatusContinue {
		t.note(fmt.Sprintf("final answer %d before the body: the body was never sent", resp.StatusCode))
		return t, nil
	}
	if _, err := io.WriteString(conn, exchangeBody); err != nil {
		return t, err
	}
	t.add("> ", []byte(exchangeBody))
	t.note("body sent")
	if _, err := readResponse(); err != nil {
		return t, err
	}
	return t, nil
}
