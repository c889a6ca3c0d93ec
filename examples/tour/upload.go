package main

import (
	"io"
	"mime"
	"net/http"

	"github.com/aioweb/aioweb"
)

// checkAuth is the seed's expect handler: HTTP/1.0 clients and requests
// without Authorization are refused before they send their body; others get
// 100 Continue.
func checkAuth(req *aioweb.Request) (aioweb.Resp, error) {
	if req.Version() != aioweb.HTTPVersion11 {
		return aioweb.HTTPForbidden(), nil
	}
	if req.Header.Get("Authorization") == "" {
		return aioweb.HTTPForbidden(), nil
	}
	return nil, req.WriteContinue()
}

// echoBody answers with the body it received.
func echoBody(req *aioweb.Request) (aioweb.Resp, error) {
	body, err := req.Read()
	if err != nil {
		return nil, err
	}
	return &aioweb.Response{Body: body}, nil
}

// uploadForm is the seed's mp3 form.
const uploadForm = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>aioweb tour: file upload</title>
<style>body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }</style>
</head>
<body>
<h1>File upload</h1>
<p>The seed's form: the file comes back as a download, byte for byte.</p>
<form action="/store_mp3" method="post" accept-charset="utf-8" enctype="multipart/form-data">
    <label for="mp3">Mp3</label>
    <input id="mp3" name="mp3" type="file" value="" />
    <input type="submit" value="submit" />
</form>
<p><a href="/tour">back to the tour</a></p>
</body>
</html>
`

func uploadPage(req *aioweb.Request) (aioweb.Resp, error) {
	return &aioweb.Response{Text: uploadForm, ContentType: "text/html"}, nil
}

// storeMP3 is the seed's store_mp3_view: it answers the uploaded file's
// content with a Content-Disposition naming the uploaded file.
func storeMP3(req *aioweb.Request) (aioweb.Resp, error) {
	data, err := req.Post()
	if err != nil {
		return nil, err
	}
	mp3 := data.File("mp3")
	if mp3 == nil {
		return nil, aioweb.HTTPBadRequest(aioweb.WithText("no mp3 field in the form"))
	}
	// filename contains the name of the file in string format (raw and
	// untrusted: SafeFilename strips path parts).
	filename := mp3.SafeFilename()
	if filename == "" {
		filename = "upload.mp3"
	}
	// input_file contains the actual file data.
	content, err := io.ReadAll(mp3.File)
	if err != nil {
		return nil, err
	}
	// The part's Content-Type is client input: echo only a well-formed
	// media type, its charset (if any) where Response wants it.
	ctype, charset := "application/octet-stream", ""
	if t, params, err := mime.ParseMediaType(mp3.ContentType); err == nil {
		ctype, charset = t, params["charset"]
	}
	return &aioweb.Response{
		Body:        content,
		ContentType: ctype,
		Charset:     charset,
		Headers: http.Header{
			"Content-Disposition": {mime.FormatMediaType("attachment", map[string]string{"filename": filename})},
		},
	}, nil
}
