// Package interop holds no code: its tests prove that aioweb works inside
// real net/http services with the packages those services run (chi,
// gorilla, echo, rs/cors, otelhttp, promhttp, HTTP/2). It is a separate
// module so that aioweb's users never download these dependencies.
package interop
