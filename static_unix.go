// static_unix.go: on Unix, files are opened with O_NONBLOCK so that opening
// a FIFO under a static directory or a FileResponse path never blocks.

//go:build unix

package aioweb

import "syscall"

const openNonblock = syscall.O_NONBLOCK
