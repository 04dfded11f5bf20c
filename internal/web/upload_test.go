package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// bomb is n bytes of zeros, gzip-compressed (about n/1000 bytes).
func bomb(t testing.TB, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for ; n > 0; n -= len(zeros) {
		zw.Write(zeros[:min(n, len(zeros))])
	}
	zw.Close()
	return buf.Bytes()
}

// uploadWorld is a server with an analyst of party-a.
func uploadWorld(t *testing.T, cfg Config, c *clock) (*testServer, *client) {
	t.Helper()
	ts := startServer(t, ":memory:", cfg, c)
	admin := ts.signIn(t, DefaultAdminEmail, adminPassword)
	admin.want(http.StatusCreated, "POST", "/api/v1/users", map[string]string{"email": "dan@example.org", "password": "dan-password"})
	admin.want(http.StatusCreated, "POST", "/api/v1/orgs", map[string]string{"id": "party-a", "name": "Party A", "kind": "party"})
	admin.want(http.StatusOK, "PUT", "/api/v1/orgs/party-a/members/dan@example.org", map[string]string{"role": "analyst"})
	return ts, ts.signIn(t, "dan@example.org", "dan-password")
}

// TestUploadBombs: a compressed upload is bounded by what it decompresses
// to (by default, the same bound as the bytes received) and by how many
// times its size that is: 413 with the limit, quickly, nothing stored; on
// the API and the page (in its language).
func TestUploadBombs(t *testing.T) {
	c := &clock{}
	ts, dan := uploadWorld(t, testConfig(c), c) // MaxUploadBytes: 1 MiB
	small := bomb(t, 100<<20)                   // 100 MiB in about 100 KB
	start := time.Now()
	r := dan.want(http.StatusRequestEntityTooLarge, "POST", "/api/v1/orgs/party-a/evidence?kind=zeek&name=bomb", small)
	if e := r.errorOf(); e.Code != codeTooLarge || !strings.Contains(e.Message, "1048576 bytes") || !strings.Contains(e.Message, "decompressed") {
		t.Errorf("bomb: %+v", e)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the bomb took %s to refuse", d)
	}
	fr := ts.signedIn(t, "dan@example.org", "dan-password", "fr")
	fr.upload("/orgs/party-a/evidence", [][2]string{{"kind", "zeek"}}, "bomb.log.gz", small).want(http.StatusRequestEntityTooLarge).
		contains("une fois décompressé", "Mio")

	// The ratio: within the size bound, but 1000 times its size.
	cfg := testConfig(c)
	cfg.MaxUploadBytes = 256 << 20
	_, dan = uploadWorld(t, cfg, c)
	r = dan.want(http.StatusRequestEntityTooLarge, "POST", "/api/v1/orgs/party-a/evidence?kind=zeek&name=bomb", bomb(t, 64<<20))
	if e := r.errorOf(); !strings.Contains(e.Message, "100 times") {
		t.Errorf("ratio: %+v", e)
	}
	var l list[map[string]any]
	dan.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/evidence", nil).decode(&l)
	if len(l.Items) != 0 {
		t.Errorf("refused uploads stored %v", l.Items)
	}
}

// rawUpload starts an upload of size bytes on a connection of its own
// and returns it, for the test to feed (or not).
func rawUpload(t *testing.T, ts *testServer, token string, size int) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST /api/v1/orgs/party-a/evidence?kind=zeek&name=slow HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n", token, size)
	return conn
}

// answer reads the response on conn, within limit.
func answer(t *testing.T, conn net.Conn, limit time.Duration) (*http.Response, string) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(limit))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer within %s: %v", limit, err)
	}
	var body bytes.Buffer
	body.ReadFrom(res.Body)
	return res, body.String()
}

// TestUploadSlowClient: a client that stops sending is answered 408 once
// no byte came for UploadIdle; one that trickles bytes, once the upload
// has taken UploadTimeout. Neither holds a handler longer.
func TestUploadSlowClient(t *testing.T) {
	c := &clock{}
	cfg := testConfig(c)
	cfg.UploadIdle, cfg.UploadTimeout = 300*time.Millisecond, 2*time.Second
	ts, dan := uploadWorld(t, cfg, c)

	conn := rawUpload(t, ts, dan.token, 100_000)
	conn.Write([]byte(`{"_path":"conn","ts":1700000000}` + "\n"))
	start := time.Now()
	res, body := answer(t, conn, 10*time.Second)
	if res.StatusCode != http.StatusRequestTimeout || !strings.Contains(body, "no data for 300ms") {
		t.Errorf("stalled upload: %d %s", res.StatusCode, body)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("answered after %s", d)
	}

	conn = rawUpload(t, ts, dan.token, 10_000_000)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		line := []byte(`{"_path":"conn","ts":1700000000}` + "\n")
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				if _, err := conn.Write(line); err != nil {
					return
				}
			}
		}
	}()
	start = time.Now()
	res, body = answer(t, conn, 15*time.Second)
	if res.StatusCode != http.StatusRequestTimeout || !strings.Contains(body, "longer than the limit of 2s") {
		t.Errorf("trickled upload: %d %s", res.StatusCode, body)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("answered after %s", d)
	}
	var l list[map[string]any]
	dan.want(http.StatusOK, "GET", "/api/v1/orgs/party-a/evidence", nil).decode(&l)
	if len(l.Items) != 0 {
		t.Errorf("refused uploads stored %v", l.Items)
	}
}
