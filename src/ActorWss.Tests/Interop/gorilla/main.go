// Independent interop and load client: gorilla/websocket (Debian golang-github-gorilla-websocket-dev).
//
//	check mode: go run . -url ws://127.0.0.1:9090/             (echo checks, exits 0 when all pass)
//	            go run . -url ws://... -deflate                (permessage-deflate required, compressed echo checks)
//	bench mode: go run . -url ws://... -bench -c 100 -d 10s -size 64
//
// The bench mode is the reference report's client method (closed loop: send one binary message, wait for its
// echo, repeat), kept here as a cross-check of ActorWss.Bench with a client written in another language.
package main

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

func dial(url string) *websocket.Conn {
	dialer := websocket.Dialer{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, HandshakeTimeout: 10 * time.Second}
	conn, _, err := dialer.Dial(url, nil)
	if err != nil {
		fail("dial: %v", err)
	}
	return conn
}

// checkDeflate offers RFC 7692 permessage-deflate (gorilla's offer: no context takeover either way), requires the
// server to accept it, and echoes messages written compressed.
func checkDeflate(url string) {
	dialer := websocket.Dialer{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, HandshakeTimeout: 10 * time.Second,
		EnableCompression: true}
	conn, response, err := dialer.Dial(url, nil)
	if err != nil {
		fail("dial: %v", err)
	}
	defer conn.Close()
	extensions := response.Header.Get("Sec-WebSocket-Extensions")
	if !strings.HasPrefix(extensions, "permessage-deflate") {
		fail("permessage-deflate not accepted: %q", extensions)
	}
	fmt.Printf("negotiated: %s\n", extensions)
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	conn.EnableWriteCompression(true)
	random := make([]byte, 100000)
	rand.Read(random)
	for _, payload := range [][]byte{[]byte("short ✓"), bytes.Repeat([]byte("compressible ✓ "), 20000), random, make([]byte, 1<<20)} {
		if err := conn.WriteMessage(websocket.BinaryMessage, payload); err != nil {
			fail("write %d: %v", len(payload), err)
		}
		kind, echo, err := conn.ReadMessage()
		if err != nil || kind != websocket.BinaryMessage || !bytes.Equal(echo, payload) {
			fail("compressed echo of %d bytes: kind=%d err=%v", len(payload), kind, err)
		}
	}
	fmt.Println("compressed echo ok (repetitive, random and zero bytes)")
	conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "done"))
	if _, _, err := conn.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		fail("close: %v", err)
	}
	fmt.Println("close 1000 ok")
	fmt.Println("ALL OK")
}

func fail(format string, args ...interface{}) {
	fmt.Printf("FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func check(url string) {
	conn := dial(url)
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))

	for _, size := range []int{0, 125, 126, 65535, 65536, 1 << 20} {
		payload := make([]byte, size)
		rand.Read(payload)
		if err := conn.WriteMessage(websocket.BinaryMessage, payload); err != nil {
			fail("write %d: %v", size, err)
		}
		kind, echo, err := conn.ReadMessage()
		if err != nil || kind != websocket.BinaryMessage || !bytes.Equal(echo, payload) {
			fail("binary echo of %d bytes: kind=%d err=%v", size, kind, err)
		}
	}
	fmt.Println("binary echo ok (0 .. 1 MiB)")

	if err := conn.WriteMessage(websocket.TextMessage, []byte("gorilla ✓")); err != nil {
		fail("write text: %v", err)
	}
	if kind, echo, err := conn.ReadMessage(); err != nil || kind != websocket.TextMessage || string(echo) != "gorilla ✓" {
		fail("text echo: %q %v", echo, err)
	}
	fmt.Println("text echo ok")

	writer, _ := conn.NextWriter(websocket.TextMessage) // gorilla fragments a message written in parts only past its buffer
	writer.Write(bytes.Repeat([]byte("x"), 10000))
	writer.Close()
	if _, echo, err := conn.ReadMessage(); err != nil || len(echo) != 10000 {
		fail("streamed message echo: %d bytes, %v", len(echo), err)
	}
	fmt.Println("streamed message ok")

	pong := make(chan string, 1)
	conn.SetPongHandler(func(data string) error { pong <- data; return nil })
	conn.WriteControl(websocket.PingMessage, []byte("gorilla"), time.Now().Add(time.Second))
	conn.WriteMessage(websocket.TextMessage, []byte("after ping"))
	if _, _, err := conn.ReadMessage(); err != nil { // the pong handler runs inside ReadMessage
		fail("read after ping: %v", err)
	}
	select {
	case data := <-pong:
		if data != "gorilla" {
			fail("pong payload %q", data)
		}
	default:
		fail("no pong")
	}
	fmt.Println("ping/pong ok")

	conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "done"))
	_, _, err := conn.ReadMessage()
	if ce, ok := err.(*websocket.CloseError); !ok || ce.Code != websocket.CloseNormalClosure {
		fail("close: %v", err)
	}
	fmt.Println("close 1000 ok")
	fmt.Println("ALL OK")
}

func bench(url string, connections int, duration time.Duration, size int) {
	conns := make([]*websocket.Conn, connections)
	for i := range conns {
		conns[i] = dial(url)
	}
	payload := make([]byte, size)
	rand.Read(payload)
	var count int64
	var stop int32
	latencies := make([][]time.Duration, connections)
	var wg sync.WaitGroup
	start := time.Now()
	for i, conn := range conns {
		wg.Add(1)
		go func(i int, conn *websocket.Conn) {
			defer wg.Done()
			for atomic.LoadInt32(&stop) == 0 {
				t := time.Now()
				if err := conn.WriteMessage(websocket.BinaryMessage, payload); err != nil {
					fail("write: %v", err)
				}
				_, echo, err := conn.ReadMessage()
				if err != nil || len(echo) != size {
					fail("read: %v", err)
				}
				latencies[i] = append(latencies[i], time.Since(t))
				atomic.AddInt64(&count, 1)
			}
		}(i, conn)
	}
	time.Sleep(duration)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	var all []time.Duration
	var sum time.Duration
	for _, l := range latencies {
		all = append(all, l...)
		for _, d := range l {
			sum += d
		}
	}
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	pct := func(p float64) time.Duration { return all[int(float64(len(all)-1)*p)] }
	fmt.Printf("connections=%d size=%d msgs=%d msg/s=%.0f mean=%v p50=%v p99=%v\n", connections, size, count,
		float64(count)/elapsed, sum/time.Duration(len(all)), pct(0.5), pct(0.99))
	for _, conn := range conns {
		conn.Close()
	}
}

func main() {
	url := flag.String("url", "ws://127.0.0.1:9090/", "server URL")
	benchMode := flag.Bool("bench", false, "closed-loop load instead of checks")
	connections := flag.Int("c", 100, "connections (bench)")
	duration := flag.Duration("d", 10*time.Second, "duration (bench)")
	size := flag.Int("size", 64, "message size in bytes (bench)")
	deflate := flag.Bool("deflate", false, "offer permessage-deflate and check compressed echoes")
	flag.Parse()
	if *deflate {
		checkDeflate(*url)
	} else if *benchMode {
		bench(*url, *connections, *duration, *size)
	} else {
		check(*url)
	}
}
