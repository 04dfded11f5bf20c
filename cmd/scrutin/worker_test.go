package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/scrutin/scrutin/internal/fleet/natstest"
)

// TestRunOnWorkers: `scrutin run --nats` with a `scrutin worker` running
// prints what the local run prints, byte for byte, in text and JSON.
func TestRunOnWorkers(t *testing.T) {
	c := natstest.Start(t, 1)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var werr bytes.Buffer
	wg.Add(1)
	go func() {
		defer wg.Done()
		e := &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &syncWriter{w: &werr}}
		Main(ctx, []string{"worker", "--nats", c.URLs(), "--workers", "1"}, e)
	}()
	defer func() { cancel(); wg.Wait() }()
	for _, format := range []string{"text", "json"} {
		args := []string{"run", "--trials", "30000", "--seed", "4", "--format", format}
		code, local, errs := scrutin(t, "", args...)
		if code != 0 {
			t.Fatalf("local: exit %d: %s", code, errs)
		}
		code, remote, errs := scrutin(t, "", append(args, "--nats", c.URLs())...)
		if code != 0 {
			t.Fatalf("--nats: exit %d: %s", code, errs)
		}
		if remote != local {
			t.Errorf("%s: the distributed run prints otherwise than the local one:\n%s\n---\n%s", format, remote, local)
		}
	}
	if code, _, errs := scrutin(t, "", "worker"); code != 2 || !strings.Contains(errs, "give --nats") {
		t.Errorf("worker without --nats: exit %d %s", code, errs)
	}
	if code, _, errs := scrutin(t, "", "run", "--nats", "nats://127.0.0.1:1"); code != 2 || !strings.Contains(errs, "cannot connect to NATS") {
		t.Errorf("run with an unreachable NATS: exit %d %s", code, errs)
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// TestWorkerMetrics: a worker's /metrics counts the tasks it did.
func TestWorkerMetrics(t *testing.T) {
	c := natstest.Start(t, 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		e := &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &syncWriter{w: &bytes.Buffer{}}}
		Main(ctx, []string{"worker", "--nats", c.URLs(), "--workers", "1", "--metrics", addr}, e)
	}()
	defer func() { cancel(); wg.Wait() }()
	if code, _, errs := scrutin(t, "", "run", "--trials", "10000", "--nats", c.URLs()); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `scrutin_worker_tasks_total{outcome="done"}`) {
		t.Errorf("metrics lack the tasks done:\n%.2000s", body)
	}
}
