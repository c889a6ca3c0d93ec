// Command hello-chi serves the seed's hello route with chi, a reference
// point of the load comparison.
package main

import (
	"flag"
	"io"
	"log"
	"net/http"

	"github.com/go-chi/chi/v5"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8083", "listen address")
	flag.Parse()
	r := chi.NewRouter()
	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		io.WriteString(w, "Hello, world")
	})
	log.Fatal(http.ListenAndServe(*addr, r))
}
