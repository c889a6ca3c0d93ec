// upload.go owns request forms: Post parses urlencoded and multipart forms
// into a Form of strings and *FileField values (bounded in fields and
// parts), spilling large files into one temporary file per request that is
// removed when the request ends, and by RunApp's end at the latest (the
// application's registry of live upload files); Multipart streams a
// multipart body for uploads larger than memory.

package aioweb

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"strings"
	"sync"
	"unicode/utf8"
)

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

func tooManyFields(limit int) *HTTPException {
	return HTTPRequestEntityTooLarge(WithText(fmt.Sprintf(
		"413: Request Entity Too Large: more than %d fields and parts in the form (the limit set by WithMaxFormFields)", limit)))
}

// ErrBodyConsumed is returned by Read after Post parsed a multipart body,
// which it streams rather than keeps.
var ErrBodyConsumed = errors.New("aioweb: the request body was consumed by Post")

// Post parses the body as a form (aiohttp's post()) and caches the result:
// later calls return the same Form. Only POST, PUT, PATCH and DELETE bodies
// of type application/x-www-form-urlencoded or multipart/form-data are
// parsed; other requests give an empty Form. The body is limited by the
// application's ClientMaxSize and the form by MaxFormFields (413 beyond
// either); a malformed body is a 400 that says what is wrong. Multipart
// parts sent with Content-Transfer-Encoding base64 or quoted-printable are
// decoded. As in aiohttp, a part with no filename or an empty one is a
// string field, decoded from its text/* charset (UTF-8 by default) or kept
// as bytes when its Content-Type is not text/*.
//
// Memory: an urlencoded body is kept (Read returns it afterwards) and its
// values copied out of it, so a form costs at most twice its body plus a
// bounded overhead per field; a multipart body is streamed, its files kept
// in memory up to FormMemory and the rest written to one temporary file
// per request, so a request holds at most one upload file descriptor
// whatever the number of parts.
func (req *Request) Post() (*Form, error) {
	bx := req.bx()
	if bx.form != nil || bx.formErr != nil {
		return bx.form, bx.formErr
	}
	bx.form, bx.formErr = req.parseForm()
	if bx.formErr != nil {
		bx.form = nil
	}
	return bx.form, bx.formErr
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

// fieldCounter counts the non-empty '&'-separated fields of an urlencoded
// body chunk by chunk.
type fieldCounter struct {
	n       int
	inField bool
}

func (c *fieldCounter) feed(b []byte) {
	for len(b) > 0 {
		if b[0] == '&' {
			c.inField = false
			b = b[1:]
			continue
		}
		if !c.inField {
			c.n++
			c.inField = true
		}
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			return
		}
		b = b[i:]
	}
}

func (req *Request) parseURLEncoded(form *Form, charset string) (*Form, error) {
	latin1 := false
	switch lc := strings.ToLower(charset); {
	case lc == "" || isUTF8Charset(lc) || isASCIICharset(lc):
	case isLatin1Charset(lc):
		latin1 = true
	default:
		return nil, HTTPUnsupportedMediaType(WithText(fmt.Sprintf("415: Unsupported Media Type: charset %q is not supported", charset)))
	}
	limit := req.App.MaxFormFields()
	bx := req.bx()
	if !bx.bodyRead {
		// Count fields as the body arrives: past the limit, stop reading.
		var c fieldCounter
		bx.bodyRead = true
		bx.body, bx.bodyErr = readLimited(req, func(chunk []byte) error {
			if c.feed(chunk); limit >= 0 && c.n > limit {
				return tooManyFields(limit)
			}
			return nil
		})
	}
	if bx.bodyErr != nil {
		return nil, bx.bodyErr
	}
	// aiohttp strips trailing ASCII whitespace from the body first ("a=1\r\n"
	// is a=1, as curl -d @file sends it).
	body, n := bytes.TrimRight(bx.body, " \t\n\r\v\f"), 0
	for len(body) > 0 {
		var kv []byte
		if i := bytes.IndexByte(body, '&'); i >= 0 {
			kv, body = body[:i], body[i+1:]
		} else {
			kv, body = body, nil
		}
		if len(kv) == 0 {
			continue
		}
		if n++; limit >= 0 && n > limit {
			return nil, tooManyFields(limit)
		}
		kb, vb, _ := bytes.Cut(kv, []byte("="))
		k, v := unquotePlus(kb), unquotePlus(vb)
		if latin1 {
			k, v = fromLatin1(k), fromLatin1(v)
		} else if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, HTTPBadRequest(WithText("400: Bad Request: form field is not valid UTF-8"))
		}
		form.Add(k, v)
	}
	return form, nil
}

// unquotePlus decodes a query or form component as Python's unquote_plus
// does: '+' is a space, %XX is that byte, and a '%' not followed by two hex
// digits stays as it is ("a%20b%zz" is "a b%zz"). It allocates only the
// result, and nothing when there is nothing to decode.
func unquotePlus[T string | []byte](b T) string {
	i := 0
	for ; i < len(b); i++ {
		if c := b[i]; c == '+' || c == '%' && i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]) {
			break
		}
	}
	if i == len(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b))
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '+':
			sb.WriteByte(' ')
		case c == '%' && i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]):
			sb.WriteByte(unhex(b[i+1])<<4 | unhex(b[i+2]))
			i += 2
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
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
	bx := req.bx()
	bx.bodyRead, bx.bodyErr = true, ErrBodyConsumed
	mr := multipart.NewReader(body, boundary)
	st := &formState{budget: req.App.FormMemory(), scratch: make([]byte, 32<<10)}
	limit, count := req.App.MaxFormFields(), 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return form, nil
		}
		if err != nil {
			return nil, multipartError(err)
		}
		if count++; limit >= 0 && count > limit {
			return nil, tooManyFields(limit)
		}
		// Any disposition type with a name parameter (even empty) names a
		// field, as in aiohttp.
		cd := part.Header.Get("Content-Disposition")
		_, params, err := mime.ParseMediaType(extParamsToUTF8(cd))
		name, named := params["name"]
		if err != nil || !named {
			return nil, badForm("multipart part without a form-data name in Content-Disposition %q", part.Header.Get("Content-Disposition"))
		}
		content, err := partContent(part, name)
		if err != nil {
			return nil, err
		}
		// As in aiohttp, a part with an empty filename (an empty file
		// input) is a field, not a file.
		filename := params["filename"]
		if filename == "" {
			v, err := st.readString(content)
			if err != nil {
				return nil, multipartError(err)
			}
			if v, err = fieldText(part.Header, name, v); err != nil {
				return nil, err
			}
			form.Add(name, v)
			continue
		}
		ff, err := req.storeFile(part, content, st)
		if err != nil {
			return nil, err
		}
		ff.Name, ff.Filename = name, filename
		form.Add(name, ff)
	}
}

// extParamsToUTF8 rewrites the RFC 2231 parameters of a header
// (filename*=charset'lang'value) whose charset is ISO-8859-1 or empty into
// UTF-8 ones, which are all mime.ParseMediaType decodes: aiohttp decodes
// them (an empty charset is UTF-8 there). Others are left as they are.
func extParamsToUTF8(h string) string {
	if !strings.Contains(h, "*=") {
		return h
	}
	segs, changed := splitParams(h), false
	for i, seg := range segs {
		key, val, ok := strings.Cut(seg, "*=")
		if !ok || strings.ContainsAny(key, `"=`) {
			continue
		}
		val = strings.TrimSpace(val)
		charset, rest, ok1 := strings.Cut(val, "'")
		lang, enc, ok2 := strings.Cut(rest, "'")
		lc := strings.ToLower(charset)
		if !ok1 || !ok2 || lc != "" && !isLatin1Charset(lc) {
			continue
		}
		raw, err := url.PathUnescape(enc) // %XX only; a bad escape is an error
		if err != nil {
			continue
		}
		if lc != "" {
			raw = fromLatin1(raw)
		}
		segs[i] = key + "*=utf-8'" + lang + "'" + percentEscape(raw)
		changed = true
	}
	if !changed {
		return h
	}
	return strings.Join(segs, ";")
}

// percentEscape escapes every byte that is not an RFC 2231 attribute char.
func percentEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c > 0x20 && c < 0x7f && !strings.ContainsRune(`*'%()<>@,;:\"/[]?=`, rune(c)) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// fieldText returns a field part's value as aiohttp's post() does: a part
// without Content-Type or with a text/* one is text in its charset (UTF-8
// by default, ISO-8859-1 and US-ASCII also understood; any other is a 415),
// and a part of any other type keeps its bytes as they are.
func fieldText(h textproto.MIMEHeader, name, v string) (string, error) {
	charset := ""
	if ct, ok := h["Content-Type"]; ok {
		if !strings.HasPrefix(ct[0], "text/") {
			return v, nil
		}
		if _, params, err := mime.ParseMediaType(ct[0]); err == nil {
			charset = params["charset"]
		}
	}
	switch lc := strings.ToLower(charset); {
	case lc == "" || isUTF8Charset(lc):
		if !utf8.ValidString(v) {
			return "", badForm("form field %q is not valid UTF-8", name)
		}
	case isASCIICharset(lc):
		for i := 0; i < len(v); i++ {
			if v[i] >= 0x80 {
				return "", badForm("form field %q is not valid US-ASCII", name)
			}
		}
	case isLatin1Charset(lc):
		v = fromLatin1(v)
	default:
		return "", HTTPUnsupportedMediaType(WithText(fmt.Sprintf("415: Unsupported Media Type: form field %q: charset %q is not supported", name, charset)))
	}
	return v, nil
}

// isLatin1Charset reports whether a lower-case charset names ISO-8859-1.
func isLatin1Charset(lc string) bool {
	return lc == "iso-8859-1" || lc == "latin-1" || lc == "latin1"
}

// partContent returns the part's content with its Content-Transfer-Encoding
// undone (multipart.Reader already decodes quoted-printable).
func partContent(part *multipart.Part, name string) (io.Reader, error) {
	switch cte := strings.ToLower(strings.TrimSpace(part.Header.Get("Content-Transfer-Encoding"))); cte {
	case "", "7bit", "8bit", "binary":
		return part, nil
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, part), nil
	default:
		return nil, badForm("part %q: unsupported Content-Transfer-Encoding %q", name, cte)
	}
}

// formState is what parsing one multipart form shares across parts.
type formState struct {
	budget  int64  // bytes of files still allowed in memory
	scratch []byte // the copy buffer, one per form
}

// readString reads a field's value, allocating about its size.
func (st *formState) readString(r io.Reader) (string, error) {
	var sb strings.Builder
	for {
		n, err := r.Read(st.scratch)
		sb.Write(st.scratch[:n])
		if err == io.EOF {
			return sb.String(), nil
		}
		if err != nil {
			return "", err
		}
	}
}

func multipartError(err error) error {
	var exc *HTTPException
	if errors.As(err, &exc) {
		return err
	}
	var b64 base64.CorruptInputError
	if errors.As(err, &b64) {
		return fmt.Errorf("%w: %w", badForm("invalid base64 in a multipart part: %v", err), err)
	}
	if errors.Is(err, bufio.ErrBufferFull) { // only quotedprintable.Reader reads lines
		return fmt.Errorf("%w: %w", badForm("quoted-printable line longer than 4 KiB in a multipart part"), err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %w", badForm("truncated multipart body"), err)
	}
	return fmt.Errorf("%w: %w", badForm("malformed multipart body: %v", err), err)
}

// storeFile reads a file part into memory while the budget lasts, then
// appends it to the request's temporary file.
func (req *Request) storeFile(part *multipart.Part, content io.Reader, st *formState) (*FileField, error) {
	ff := &FileField{
		ContentType: part.Header.Get("Content-Type"),
		Header:      part.Header,
	}
	if ff.ContentType == "" {
		ff.ContentType = "application/octet-stream"
	}
	var mem []byte
	for int64(len(mem)) <= st.budget {
		n, err := content.Read(st.scratch[:min(int64(len(st.scratch)), st.budget+1-int64(len(mem)))])
		mem = append(mem, st.scratch[:n]...)
		if err == io.EOF {
			st.budget -= int64(len(mem))
			ff.Size = int64(len(mem))
			ff.File = memFile{bytes.NewReader(mem)}
			return ff, nil
		}
		if err != nil {
			return nil, multipartError(err)
		}
	}
	sp, err := req.spool()
	if err != nil {
		return nil, err
	}
	start := sp.size
	if _, err := sp.f.Write(mem); err != nil {
		return nil, fmt.Errorf("aioweb: storing upload: %w", err)
	}
	sp.size += int64(len(mem))
	for {
		n, err := content.Read(st.scratch)
		if n > 0 {
			if _, werr := sp.f.Write(st.scratch[:n]); werr != nil {
				return nil, fmt.Errorf("aioweb: storing upload: %w", werr)
			}
			sp.size += int64(n)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, multipartError(err)
		}
	}
	ff.Size = sp.size - start
	ff.File = spoolFile{io.NewSectionReader(sp.f, start, ff.Size)}
	return ff, nil
}

type memFile struct{ *bytes.Reader }

// Close does nothing: the content is in memory.
func (memFile) Close() error { return nil }

// spoolFile is one upload's section of the request's temporary file.
type spoolFile struct{ *io.SectionReader }

// Close does nothing: the temporary file is closed and removed when the
// request ends.
func (spoolFile) Close() error { return nil }

// uploadSpool is a request's one temporary file: every spilled upload of
// the request is a section of it, so a request holds one descriptor however
// many parts it sends.
type uploadSpool struct {
	f    *os.File
	size int64
}

// spool returns the request's temporary file, creating it on first use.
func (req *Request) spool() (*uploadSpool, error) {
	bx := req.bx()
	if bx.more.spool != nil {
		return bx.more.spool, nil
	}
	f, err := req.App.createUpload()
	if err != nil {
		return nil, err
	}
	bx.more.spool = &uploadSpool{f: f}
	app := req.App
	bx.done = append(bx.done, func() { app.releaseUpload(f) })
	return bx.more.spool, nil
}

// uploadRegistry is the application's list of live temporary files, so that
// shutdown can remove every one whatever its request is doing.
type uploadRegistry struct {
	mu    sync.Mutex
	files map[*os.File]string // the name while it is still on disk, else ""
	swept bool                // removeUploads ran: no new files
}

// createUpload creates a temporary upload file and registers it. Where the
// system allows it (not Windows), the file is unlinked at once: it lives
// only as an open descriptor, and nothing is left on disk whatever happens
// to the process.
func (a *Application) createUpload() (*os.File, error) {
	u := &a.uploads
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.swept {
		return nil, HTTPServiceUnavailable(WithText("503: Service Unavailable: the server is shutting down"))
	}
	f, err := os.CreateTemp(a.uploadDir, "aioweb-upload-*")
	if err != nil {
		return nil, fmt.Errorf("aioweb: storing upload: %w", err)
	}
	name := f.Name()
	if os.Remove(name) == nil {
		name = ""
	}
	if u.files == nil {
		u.files = map[*os.File]string{}
	}
	u.files[f] = name
	return f, nil
}

// releaseUpload closes and removes f, once.
func (a *Application) releaseUpload(f *os.File) {
	u := &a.uploads
	u.mu.Lock()
	defer u.mu.Unlock()
	if name, ok := u.files[f]; ok {
		delete(u.files, f)
		f.Close()
		if name != "" {
			os.Remove(name)
		}
	}
}

// removeUploads closes and removes every temporary upload file the
// application holds, whatever its request is doing, and refuses new ones
// (503): RunApp calls it last, so none outlives it.
func (a *Application) removeUploads() {
	u := &a.uploads
	u.mu.Lock()
	defer u.mu.Unlock()
	u.swept = true
	for f, name := range u.files {
		f.Close()
		if name != "" {
			os.Remove(name)
		}
	}
	clear(u.files)
}

// Multipart returns a streaming reader over a multipart body (aiohttp 3's
// multipart()), for uploads larger than memory: read each part as it comes.
// Unlike Read and Post it is not limited by ClientMaxSize or MaxFormFields;
// limit what you read yourself (io.LimitReader) if you need to. The body is
// decoded (WithAutoDecompress) and the idle timeout applies: a read error
// that is an *HTTPException (408) can be returned as it is.
func (req *Request) Multipart() (*multipart.Reader, error) {
	ct, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(ct, "multipart/") {
		return nil, badForm("Content-Type is not multipart: %q", req.Header.Get("Content-Type"))
	}
	if params["boundary"] == "" {
		return nil, badForm("multipart body without a boundary")
	}
	bx := req.bx()
	if bx.bodyRead {
		return nil, ErrBodyConsumed
	}
	bx.bodyRead, bx.bodyErr = true, ErrBodyConsumed
	rd, err := req.openBody(false)
	if err != nil {
		return nil, err
	}
	return multipart.NewReader(rd, params["boundary"]), nil
}
