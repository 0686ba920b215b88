// The Go load generator of the benchmark: the closed loop of ActorWss.Bench's `run`, on
// gorilla/websocket (Debian's golang-github-gorilla-websocket-dev, built offline in GOPATH mode by
// ActorWss.Bench), so that the server under test, not a .NET client, sets the pace. One goroutine per
// connection writes one binary message and reads its echo (with -in-flight K, a writer and a reader
// goroutine keep K messages in flight), checks it byte for byte and records the round trip.
//
//	actorwss-gorilla-client -url wss://127.0.0.1:PORT/ -c 100 -size 64 [-in-flight 1] [-insecure]
//
// ActorWss.Bench drives it over stdin, one command per line, and reads one answer line per command:
//
//	(on start)  connected N            every connection is open (or "error ..." and exit 1)
//	start       started                loops run, not measured (warm-up)
//	pause       paused COMPLETED       nothing new is sent; answered once no message is in flight;
//	                                   COMPLETED counts every echo so far, warm-up included
//	measure     measuring              loops run again and echoes are counted and timed
//	count       count COMPLETED ERRORS for progress output
//	report      {JSON}                 measured echoes, errors, TLS, latency histogram (ns, count)
//	stop        (exit)                 connections closed
//
// A pause ends the measured window: the echoes in flight at that moment complete unmeasured, as in
// the .NET generator, and the server is read between a pause and the next command.
package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"math/bits"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// buckets is a log-linear latency histogram in nanoseconds: exact below 256 ns, then 128 buckets per
// power of two (under 0.8% apart), up to about 2^40 ns.
type buckets [4096]uint32

func bucketOf(ns uint64) int {
	if ns < 256 {
		return int(ns)
	}
	shift := bits.Len64(ns) - 8
	index := shift*128 + int(ns>>uint(shift))
	if index >= len(buckets{}) {
		return len(buckets{}) - 1
	}
	return index
}

// middleOf is the middle of a bucket's range, the value a bucket reports.
func middleOf(index int) uint64 {
	if index < 256 {
		return uint64(index)
	}
	shift := index/128 - 1
	mantissa := uint64(index - shift*128)
	return mantissa<<uint(shift) + (uint64(1)<<uint(shift))/2
}

// run is the state all loops share: paused (a channel closed on resume), measuring, echoes completed.
type run struct {
	gate      atomic.Value // holds a channel while paused, closed and replaced by an empty holder on resume
	measuring int32
	stopping  int32
	completed int64
}

type gateHolder struct{ wait chan struct{} }

func (r *run) pause() { r.gate.Store(gateHolder{make(chan struct{})}) }

func (r *run) resume() {
	old := r.gate.Load().(gateHolder)
	r.gate.Store(gateHolder{})
	if old.wait != nil {
		close(old.wait)
	}
}

// trySend claims one message of c: counting first and checking after means a pause never misses a
// message about to be sent. It returns a channel to wait on when paused.
func (r *run) trySend(c *connection) (bool, chan struct{}) {
	atomic.AddInt64(&c.inFlight, 1)
	if g := r.gate.Load().(gateHolder); g.wait != nil {
		atomic.AddInt64(&c.inFlight, -1)
		return false, g.wait
	}
	return true, nil
}

type connection struct {
	conn       *websocket.Conn
	payload    []byte
	inFlight   int64 // its messages sent and not yet echoed: counted per connection, so loops share no counter
	failed     int32 // set once its loop ended on an error: its messages in flight will never come back
	echoes     int64
	errors     int64
	firstError atomic.Value
	histogram  *buckets // incremented atomically: report may merge it while a failed loop's reader is still there
}

func (c *connection) fail(err error) {
	atomic.StoreInt32(&c.failed, 1)
	atomic.AddInt64(&c.errors, 1)
	c.firstError.CompareAndSwap(nil, err.Error())
}

func (c *connection) received(r *run, data []byte, started time.Time) bool {
	if !bytes.Equal(data, c.payload) {
		c.fail(fmt.Errorf("echo of %d bytes differs from the %d bytes sent", len(data), len(c.payload)))
		return false
	}
	if atomic.LoadInt32(&r.measuring) == 1 {
		elapsed := time.Since(started)
		atomic.AddUint32(&c.histogram[bucketOf(uint64(elapsed))], 1)
		atomic.AddInt64(&c.echoes, 1)
	}
	atomic.AddInt64(&r.completed, 1)
	atomic.AddInt64(&c.inFlight, -1)
	return true
}

func (c *connection) closedLoop(r *run) {
	for atomic.LoadInt32(&r.stopping) == 0 {
		ok, wait := r.trySend(c)
		if !ok {
			<-wait
			continue
		}
		started := time.Now()
		if err := c.conn.WriteMessage(websocket.BinaryMessage, c.payload); err != nil {
			c.failUnlessStopping(r, err)
			return
		}
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			c.failUnlessStopping(r, err)
			return
		}
		if !c.received(r, data, started) {
			return
		}
	}
}

// pipelined keeps k messages in flight: the writer waits for a credit per message, the reader times
// each echo against its send (echoes come back in send order) and hands the credit back.
func (c *connection) pipelined(r *run, k int) {
	credits := make(chan struct{}, k)
	for i := 0; i < k; i++ {
		credits <- struct{}{}
	}
	sent := make(chan time.Time, k)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			_, data, err := c.conn.ReadMessage()
			if err != nil {
				c.failUnlessStopping(r, err)
				return
			}
			if !c.received(r, data, <-sent) {
				return
			}
			credits <- struct{}{}
		}
	}()
	for atomic.LoadInt32(&r.stopping) == 0 {
		select {
		case <-credits:
		case <-done:
			return
		}
		for {
			ok, wait := r.trySend(c)
			if ok {
				break
			}
			<-wait
		}
		sent <- time.Now()
		if err := c.conn.WriteMessage(websocket.BinaryMessage, c.payload); err != nil {
			c.failUnlessStopping(r, err)
			return
		}
	}
}

func (c *connection) failUnlessStopping(r *run, err error) {
	if atomic.LoadInt32(&r.stopping) == 0 {
		c.fail(err)
	}
}

func tlsName(state *tls.ConnectionState) string {
	version := map[uint16]string{tls.VersionTLS12: "Tls12", tls.VersionTLS13: "Tls13"}[state.Version]
	if version == "" {
		version = fmt.Sprintf("0x%04x", state.Version)
	}
	return version + " " + tls.CipherSuiteName(state.CipherSuite)
}

func dialAll(target string, count, size int, insecure bool, concurrency int, timeout time.Duration) ([]*connection, string, error) {
	dialer := websocket.Dialer{
		TLSClientConfig:  &tls.Config{InsecureSkipVerify: insecure},
		HandshakeTimeout: timeout,
	}
	connections := make([]*connection, count)
	gate := make(chan struct{}, concurrency)
	errs := make(chan error, count)
	var wait sync.WaitGroup
	for i := 0; i < count; i++ {
		wait.Add(1)
		gate <- struct{}{}
		go func(i int) {
			defer wait.Done()
			defer func() { <-gate }()
			conn, _, err := dialer.Dial(target, nil)
			if err != nil {
				errs <- err
				return
			}
			payload := make([]byte, size)
			rand.Read(payload)
			connections[i] = &connection{conn: conn, payload: payload, histogram: new(buckets)}
		}(i)
	}
	wait.Wait()
	close(errs)
	if err := <-errs; err != nil {
		for _, c := range connections {
			if c != nil {
				c.conn.Close()
			}
		}
		return nil, "", err
	}
	name := ""
	if tlsConn, ok := connections[0].conn.UnderlyingConn().(*tls.Conn); ok {
		state := tlsConn.ConnectionState()
		name = tlsName(&state)
	}
	return connections, name, nil
}

// messagesInFlight counts the messages still to come back on connections that have not failed.
func messagesInFlight(connections []*connection) (n int64) {
	for _, c := range connections {
		if atomic.LoadInt32(&c.failed) == 0 {
			n += atomic.LoadInt64(&c.inFlight)
		}
	}
	return
}

type report struct {
	Echoes     int64       `json:"echoes"`
	Completed  int64       `json:"completed"`
	Errors     int64       `json:"errors"`
	FirstError string      `json:"firstError,omitempty"`
	Tls        string      `json:"tls,omitempty"`
	Latency    [][2]uint64 `json:"latency"` // (ns, count) per non-empty bucket
}

func main() {
	target := flag.String("url", "", "ws:// or wss:// URL on this machine")
	count := flag.Int("c", 100, "connections")
	size := flag.Int("size", 64, "binary message size in bytes")
	inFlight := flag.Int("in-flight", 1, "messages in flight per connection")
	insecure := flag.Bool("insecure", false, "accept any server certificate")
	concurrency := flag.Int("connect-concurrency", 32, "connections opened at once")
	timeout := flag.Duration("connect-timeout", 30*time.Second, "per connection's handshakes")
	flag.Parse()
	parsed, err := url.Parse(*target)
	if err != nil || (parsed.Hostname() != "127.0.0.1" && parsed.Hostname() != "::1" && parsed.Hostname() != "localhost") {
		fmt.Println("error load is only generated against this machine (127.0.0.1, ::1, localhost)")
		os.Exit(2)
	}
	if *count < 1 || *size < 0 || *inFlight < 1 {
		fmt.Println("error -c and -in-flight must be at least 1, -size at least 0")
		os.Exit(2)
	}

	connections, tlsState, err := dialAll(*target, *count, *size, *insecure, *concurrency, *timeout)
	if err != nil {
		fmt.Println("error connecting:", strings.ReplaceAll(err.Error(), "\n", " "))
		os.Exit(1)
	}
	r := &run{}
	r.pause()
	for _, c := range connections {
		if *inFlight == 1 {
			go c.closedLoop(r)
		} else {
			go c.pipelined(r, *inFlight)
		}
	}
	fmt.Println("connected", len(connections))

	totals := func() (echoes, errors int64) {
		for _, c := range connections {
			echoes += atomic.LoadInt64(&c.echoes)
			errors += atomic.LoadInt64(&c.errors)
		}
		return
	}
	commands := bufio.NewScanner(os.Stdin)
	for commands.Scan() {
		switch commands.Text() {
		case "start":
			r.resume()
			fmt.Println("started")
		case "measure":
			atomic.StoreInt32(&r.measuring, 1)
			r.resume()
			fmt.Println("measuring")
		case "pause":
			// The gate first: after it nothing new is sent, so at most the messages in flight complete unmeasured.
			r.pause()
			atomic.StoreInt32(&r.measuring, 0)
			deadline := time.Now().Add(60 * time.Second)
			for messagesInFlight(connections) > 0 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if n := messagesInFlight(connections); n > 0 {
				fmt.Println("error", n, "messages still in flight after 60 s")
			} else {
				fmt.Println("paused", atomic.LoadInt64(&r.completed))
			}
		case "count":
			_, errors := totals()
			fmt.Println("count", atomic.LoadInt64(&r.completed), errors)
		case "report":
			out := report{Completed: atomic.LoadInt64(&r.completed), Tls: tlsState, Latency: [][2]uint64{}}
			out.Echoes, out.Errors = totals()
			var merged buckets
			for _, c := range connections {
				if e, ok := c.firstError.Load().(string); ok && out.FirstError == "" {
					out.FirstError = e
				}
				for i := range c.histogram {
					merged[i] += atomic.LoadUint32(&c.histogram[i])
				}
			}
			for i, n := range merged {
				if n > 0 {
					out.Latency = append(out.Latency, [2]uint64{middleOf(i), uint64(n)})
				}
			}
			text, _ := json.Marshal(out)
			fmt.Println(string(text))
		case "stop":
			atomic.StoreInt32(&r.stopping, 1)
			r.resume()
			for _, c := range connections {
				c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
				c.conn.Close()
			}
			os.Exit(0)
		default:
			fmt.Println("error unknown command", commands.Text())
		}
	}
}
