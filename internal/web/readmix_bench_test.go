package web

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// benchCPU is the CPU time (user and system) the process has used.
func benchCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkReadMix measures the server under many clients reading at once:
// the mix of scripts/bench-serve.sh (list the models, get a finished run
// of the built-in example, the dashboard page; in turn, with an API
// token), over HTTP on 127.0.0.1 with keep-alive, on an SQLite file in WAL
// mode as `scrutin serve` opens it. "alone/…" sends one kind of request
// after another from one client (the server's time per request); "mix200"
// the mix from 200 clients (goroutines: -cpu 2 and a parallelism of 100),
// and reports the latency quantiles across all requests. Each op is one
// request. The server and the clients
// share the process, so the figures of scripts/bench-serve.sh (server and
// load generator on separate cores) are the ones to quote; this one is for
// profiling:
//
//	go test ./internal/web -run '^$' -bench ReadMix -benchtime 3000x -cpuprofile /tmp/web.prof
func BenchmarkReadMix(b *testing.B) {
	c := &clock{}
	cfg := testConfig(c)
	ts := startServer(b, filepath.Join(b.TempDir(), "scrutin.db"), cfg, c)
	admin := ts.signIn(b, DefaultAdminEmail, adminPassword)
	var models struct {
		Items []savedModel `json:"items"`
	}
	admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/models", nil).decode(&models)
	if len(models.Items) != 1 {
		b.Fatalf("demo models: %+v", models)
	}
	w := &uiWorld{ts: ts}
	run := w.runModel(b, admin, "demo", models.Items[0].ID, map[string]any{"trials": 20000, "seed": 1})
	paths := []string{"/api/v1/orgs/demo/models", fmt.Sprintf("/api/v1/orgs/demo/runs/%d", run), "/orgs/demo"}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1000, MaxIdleConns: 1000}, Timeout: time.Minute}
	get := func(path string) (time.Duration, error) {
		req, _ := http.NewRequest(http.MethodGet, ts.url+path, nil)
		req.Header.Set("Authorization", "Bearer "+admin.token)
		req.Header.Set("Accept-Encoding", "gzip")
		start := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %s", path, resp.Status)
		}
		return time.Since(start), err
	}
	for _, p := range paths { // warm: the prepared result, the connections
		if _, err := get(p); err != nil {
			b.Fatal(err)
		}
	}
	// One client, request after request: the server's time per request.
	for i, name := range []string{"models", "run", "dashboard"} {
		b.Run("alone/"+name, func(b *testing.B) {
			cpu := benchCPU()
			for b.Loop() {
				if _, err := get(paths[i]); err != nil {
					b.Fatal(err)
				}
			}
			// CPU time of the process (server and client) per request,
			// which other processes on the machine distort less than the
			// wall time.
			b.ReportMetric(float64((benchCPU()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
	b.Run("mix200", func(b *testing.B) {
		var mu sync.Mutex
		var lat []time.Duration
		b.SetParallelism(100)
		b.RunParallel(func(pb *testing.PB) {
			var mine []time.Duration
			for i := 0; pb.Next(); i++ {
				d, err := get(paths[i%len(paths)])
				if err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, d)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
		b.StopTimer()
		slices.Sort(lat)
		q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
		if len(lat) > 0 {
			b.ReportMetric(q(0.5), "p50-ms")
			b.ReportMetric(q(0.9), "p90-ms")
			b.ReportMetric(q(0.99), "p99-ms")
		}
	})
}
