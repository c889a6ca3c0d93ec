// static_other.go: where there is no O_NONBLOCK, files are opened plainly.

//go:build !unix

package aioweb

const openNonblock = 0
