// Command hello-nethttp serves the seed's hello route with bare net/http,
// the baseline of the load comparison.
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen address")
	flag.Parse()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		io.WriteString(w, "Hello, world")
	})
	log.Fatal(http.ListenAndServe(*addr, mux))
}
