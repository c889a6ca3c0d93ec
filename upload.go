// upload.go owns request forms: Post parses urlencoded and multipart forms
// into a Form of strings and *FileField values, spilling large files to
// temporary files that are removed when the request ends; Multipart streams
// a multipart body for uploads larger than memory.

package aioweb

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"strings"
	"unicode/utf8"
)

// DefaultFormMemory is how many bytes of uploaded files Post keeps in memory
// per request by default; the rest of a larger upload goes to temporary
// files.
const DefaultFormMemory = 1 << 20

// WithFormMemory sets how many bytes of uploaded files Post keeps in memory
// per request (0 keeps DefaultFormMemory; negative: everything goes to disk).
func WithFormMemory(n int64) AppOption { return func(a *Application) { a.formMemory = n } }

// WithUploadDir sets the directory for the temporary files of large uploads
// (default os.TempDir()).
func WithUploadDir(dir string) AppOption { return func(a *Application) { a.uploadDir = dir } }

// FormMemory returns the per-request in-memory budget for uploaded files.
func (a *Application) FormMemory() int64 {
	if a.formMemory == 0 {
		return DefaultFormMemory
	}
	return a.formMemory
}

// FileField is an uploaded file (aiohttp's FileField). File reads its
// content; it is valid until the handler returns, after which any temporary
// file behind it is closed and removed.
//
// Filename is exactly what the client sent and is NOT safe to use as a path:
// it may be "../../etc/passwd", an absolute path, or "C:\x\y.mp3". Use
// SafeFilename to get a base name fit for the local filesystem.
type FileField struct {
	Name        string               // the form field's name
	Filename    string               // the client's filename, raw and untrusted
	File        multipart.File       // the content: read, seek, read-at, close
	ContentType string               // the part's type (default application/octet-stream)
	Header      textproto.MIMEHeader // all the part's headers
	Size        int64                // the content's length in bytes
}

// SafeFilename returns the last element of Filename, split on both '/' and
// '\', with control characters removed; "" when nothing usable is left
// (".", "..", empty).
func (f *FileField) SafeFilename() string { return safeFilename(f.Filename) }

func safeFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if len(name) >= 2 && name[1] == ':' { // "C:name"
		name = name[2:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == ".." {
		return ""
	}
	return name
}

// Form is a parsed form (aiohttp's MultiDict from post()): keys in arrival
// order, each value a string or a *FileField.
type Form struct {
	MultiDict[any]
}

// Value returns the first string value for key, or "".
func (f *Form) Value(key string) string {
	for _, v := range f.GetAll(key) {
		if s, ok := v.(string); ok {
			return s
		}
	}
	return ""
}

// File returns the first file for key, or nil.
func (f *Form) File(key string) *FileField {
	for _, v := range f.GetAll(key) {
		if ff, ok := v.(*FileField); ok {
			return ff
		}
	}
	return nil
}

// Files returns every file for key.
func (f *Form) Files(key string) []*FileField {
	var out []*FileField
	for _, v := range f.GetAll(key) {
		if ff, ok := v.(*FileField); ok {
			out = append(out, ff)
		}
	}
	return out
}

// ErrBodyConsumed is returned by Read after Post parsed a multipart body,
// which it streams rather than keeps.
var ErrBodyConsumed = errors.New("aioweb: the request body was consumed by Post")

// Post parses the body as a form (aiohttp's post()) and caches the result:
// later calls return the same Form. Only POST, PUT, PATCH and DELETE bodies
// of type application/x-www-form-urlencoded or multipart/form-data are
// parsed; other requests give an empty Form. The body is limited by the
// application's ClientMaxSize (413 beyond); a malformed body is a 400 that
// says what is wrong.
func (req *Request) Post() (*Form, error) {
	if req.x().form != nil || req.x().formErr != nil {
		return req.x().form, req.x().formErr
	}
	req.x().form, req.x().formErr = req.parseForm()
	if req.x().formErr != nil {
		req.x().form = nil
	}
	return req.x().form, req.x().formErr
}

func (req *Request) parseForm() (*Form, error) {
	form := &Form{}
	switch req.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return form, nil
	}
	ct, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil {
		return form, nil // absent, empty or unparsable: not a form
	}
	switch ct {
	case "application/x-www-form-urlencoded":
		return req.parseURLEncoded(form, params["charset"])
	case "multipart/form-data":
		return req.parseMultipart(form, params["boundary"])
	}
	return form, nil
}

func (req *Request) parseURLEncoded(form *Form, charset string) (*Form, error) {
	body, err := req.Read()
	if err != nil {
		return nil, err
	}
	latin1 := false
	switch strings.ToLower(charset) {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
	case "iso-8859-1", "latin-1", "latin1":
		latin1 = true
	default:
		return nil, HTTPUnsupportedMediaType(WithText(fmt.Sprintf("415: Unsupported Media Type: charset %q is not supported", charset)))
	}
	for _, kv := range strings.Split(string(body), "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, v = unquotePlus(k), unquotePlus(v)
		if latin1 {
			k, v = fromLatin1(k), fromLatin1(v)
		} else if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, HTTPBadRequest(WithText("400: Bad Request: form field is not valid UTF-8"))
		}
		form.Add(k, v)
	}
	return form, nil
}

func fromLatin1(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

func badForm(format string, a ...any) *HTTPException {
	return HTTPBadRequest(WithText("400: Bad Request: " + fmt.Sprintf(format, a...)))
}

func (req *Request) parseMultipart(form *Form, boundary string) (*Form, error) {
	if boundary == "" {
		return nil, badForm("multipart/form-data without a boundary")
	}
	if len(boundary) > 70 {
		return nil, badForm("multipart boundary longer than 70 characters")
	}
	body, err := req.bodyReader()
	if err != nil {
		return nil, err
	}
	req.x().bodyRead, req.x().bodyErr = true, ErrBodyConsumed
	req.x().continueSent = true
	mr := multipart.NewReader(body, boundary)
	budget := req.App.FormMemory()
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return form, nil
		}
		if err != nil {
			return nil, multipartError(req, err)
		}
		name := part.FormName()
		if name == "" {
			return nil, badForm("multipart part without a form-data name in Content-Disposition %q", part.Header.Get("Content-Disposition"))
		}
		if part.FileName() == "" && !hasFilenameParam(part.Header) {
			var b bytes.Buffer
			if _, err := io.Copy(&b, part); err != nil {
				return nil, multipartError(req, err)
			}
			if !utf8.Valid(b.Bytes()) {
				return nil, badForm("form field %q is not valid UTF-8", name)
			}
			form.Add(name, b.String())
			continue
		}
		ff, err := req.storeFile(part, &budget)
		if err != nil {
			return nil, err
		}
		ff.Name = name
		form.Add(name, ff)
	}
}

// hasFilenameParam reports a filename="" parameter: an empty file input.
func hasFilenameParam(h textproto.MIMEHeader) bool {
	_, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
	_, ok := params["filename"]
	return err == nil && ok
}

func multipartError(req *Request, err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return bodyError(req, err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %w", badForm("truncated multipart body"), err)
	}
	return fmt.Errorf("%w: %w", badForm("malformed multipart body: %v", err), err)
}

// storeFile reads a file part into memory while the budget lasts, then into
// a temporary file removed when the request ends.
func (req *Request) storeFile(part *multipart.Part, budget *int64) (*FileField, error) {
	ff := &FileField{
		Filename:    rawFilename(part),
		ContentType: part.Header.Get("Content-Type"),
		Header:      part.Header,
	}
	if ff.ContentType == "" {
		ff.ContentType = "application/octet-stream"
	}
	var mem bytes.Buffer
	n, err := io.CopyN(&mem, part, max(*budget, 0)+1)
	if err != nil && err != io.EOF {
		return nil, multipartError(req, err)
	}
	if n <= *budget {
		*budget -= n
		ff.Size = n
		ff.File = memFile{bytes.NewReader(mem.Bytes())}
		return ff, nil
	}
	f, err := os.CreateTemp(req.App.uploadDir, "aioweb-upload-*")
	if err != nil {
		return nil, fmt.Errorf("aioweb: storing upload: %w", err)
	}
	req.x().done = append(req.x().done, func() {
		f.Close()
		os.Remove(f.Name())
	})
	size, err := io.Copy(f, io.MultiReader(&mem, part))
	if err != nil {
		return nil, multipartError(req, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	ff.Size, ff.File = size, f
	return ff, nil
}

// rawFilename returns the filename parameter as sent: multipart.Part's
// FileName applies filepath.Base, which would hide what the client sent.
func rawFilename(p *multipart.Part) string {
	_, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	if err != nil {
		return p.FileName()
	}
	return params["filename"]
}

type memFile struct{ *bytes.Reader }

// Close does nothing: the content is in memory.
func (memFile) Close() error { return nil }

// Multipart returns a streaming reader over a multipart body (aiohttp 3's
// multipart()), for uploads larger than memory: read each part as it comes.
// Unlike Read and Post it is not limited by ClientMaxSize; limit what you
// read yourself (io.LimitReader) if you need to.
func (req *Request) Multipart() (*multipart.Reader, error) {
	ct, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(ct, "multipart/") {
		return nil, badForm("Content-Type is not multipart: %q", req.Header.Get("Content-Type"))
	}
	if params["boundary"] == "" {
		return nil, badForm("multipart body without a boundary")
	}
	if req.x().bodyRead {
		return nil, ErrBodyConsumed
	}
	req.x().bodyRead, req.x().bodyErr = true, ErrBodyConsumed
	req.x().continueSent = true
	return multipart.NewReader(req.r.Body, params["boundary"]), nil
}
