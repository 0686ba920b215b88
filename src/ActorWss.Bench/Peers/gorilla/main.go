// The Go peer of the benchmark: an echo server on net/http + gorilla/websocket (Debian's
// golang-github-gorilla-websocket-dev, built offline in GOPATH mode by ActorWss.Bench), ws:// and wss://
// on 127.0.0.1, the way the reference report's Go comparison is usually written: one goroutine per
// connection, ReadMessage then WriteMessage of the same type. crypto/tls serves wss:// with the
// certificate the bench gives every server.
//
//	actorwss-gorilla-peer -cert cert.pem -key key.pem [-ws-port 0] [-wss-port 0]
//
// It prints "Listening on ws://127.0.0.1:PORT/ (gorilla)" per listener, serves GET /metrics (the Go
// runtime's cumulative allocation counter, named as client_golang names it) and stops on SIGTERM.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/gorilla/websocket"
)

var upgrader = websocket.Upgrader{
	ReadBufferSize:  4096,
	WriteBufferSize: 4096,
	CheckOrigin:     func(*http.Request) bool { return true },
}

func echo(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	for {
		kind, message, err := conn.ReadMessage()
		if err != nil {
			return
		}
		if err := conn.WriteMessage(kind, message); err != nil {
			return
		}
	}
}

func metrics(w http.ResponseWriter, r *http.Request) {
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	fmt.Fprintf(w, "# TYPE go_memstats_alloc_bytes_total counter\ngo_memstats_alloc_bytes_total %d\n", stats.TotalAlloc)
	fmt.Fprintf(w, "# TYPE go_gc_cycles_total counter\ngo_gc_cycles_total %d\n", stats.NumGC)
	fmt.Fprintf(w, "# TYPE go_goroutines gauge\ngo_goroutines %d\n", runtime.NumGoroutine())
}

func listen(port int) net.Listener {
	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	return listener
}

func main() {
	cert := flag.String("cert", "", "PEM certificate")
	key := flag.String("key", "", "PEM private key")
	wsPort := flag.Int("ws-port", 0, "ws:// port (0: any free port)")
	wssPort := flag.Int("wss-port", 0, "wss:// port (0: any free port)")
	flag.Parse()
	if *cert == "" || *key == "" {
		fmt.Fprintln(os.Stderr, "-cert and -key are required")
		os.Exit(2)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/", echo)
	mux.HandleFunc("/metrics", metrics)

	plain, secure := listen(*wsPort), listen(*wssPort)
	go func() { fmt.Fprintln(os.Stderr, http.Serve(plain, mux)) }()
	go func() { fmt.Fprintln(os.Stderr, http.ServeTLS(secure, mux, *cert, *key)) }()
	fmt.Printf("Listening on ws://%s/ (gorilla)\n", plain.Addr())
	fmt.Printf("Listening on wss://%s/ (gorilla)\n", secure.Addr())

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	<-stop
}
