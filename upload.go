// upload.go owns request form parsing: urlencoded and multipart forms,
// FileField, and streaming multipart (placeholder until the upload issue lands).

package aioweb
