package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serveProcess is `scrutin serve` running in a child process (the test
// binary standing in for scrutin), so that it can be killed.
type serveProcess struct {
	cmd    *exec.Cmd
	url    string
	stderr *serveBuffer
	exited chan struct{}
}

// startServeProcess starts `scrutin serve --addr 127.0.0.1:0 args…` in a
// child process and waits until it listens.
func startServeProcess(t *testing.T, args ...string) *serveProcess {
	t.Helper()
	p := &serveProcess{stderr: &serveBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	p.cmd.Env = append(os.Environ(), "SCRUTIN_TEST_MAIN=1")
	p.cmd.Stdout, p.cmd.Stderr = &serveBuffer{}, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(p.stderr.String(), "\n") {
			var l struct{ Msg, URL string }
			if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "listening" {
				p.url = l.URL
				return p
			}
		}
		select {
		case <-p.exited:
			t.Fatalf("scrutin serve exited: %s", p.stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("scrutin serve does not listen: %s", p.stderr)
	return nil
}

// kill stops the server as a crash would: SIGKILL, nothing released.
func (p *serveProcess) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.exited
}

type crashRun struct {
	ID        int64
	Status    string
	Error     string
	Attempts  int
	StartedAt *time.Time `json:"started_at"`
}

// TestServeCrashLoop: a job whose execution kills the server each time
// (here: the server is killed while running it) is tried a bounded
// number of times, then fails with the reason; the server does not go
// on restarting it for ever.
func TestServeCrashLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the server four times")
	}
	t.Setenv("SCRUTIN_ADMIN_PASSWORD", "serve-test-password")
	dir := t.TempDir()
	args := []string{"--db", filepath.Join(dir, "s.db"), "--job-lease", "1s", "--job-attempts", "3"}
	s := startServeProcess(t, args...)
	tok := serveToken(t, s.url, "serve-test-password")
	var models struct{ Items []struct{ ID int64 } }
	serveCall(t, "GET", s.url+"/api/v1/orgs/demo/models", tok, nil, http.StatusOK, &models)
	var run crashRun
	serveCall(t, "POST", fmt.Sprintf("%s/api/v1/orgs/demo/models/%d/runs", s.url, models.Items[0].ID), tok,
		map[string]any{"trials": 10_000_000}, http.StatusAccepted, &run)
	path := fmt.Sprintf("/api/v1/orgs/demo/runs/%d", run.ID)
	var last *time.Time
	for attempt := 1; attempt <= 3; attempt++ {
		// Wait until this server runs the job (a new attempt), then crash.
		deadline := time.Now().Add(time.Minute)
		for {
			run = crashRun{} // decoding would write through the old StartedAt
			serveCall(t, "GET", s.url+path, tok, nil, http.StatusOK, &run)
			if run.Status == "running" && run.StartedAt != nil && (last == nil || run.StartedAt.After(*last)) {
				break
			}
			if run.Status != "queued" && run.Status != "running" || time.Now().After(deadline) {
				t.Fatalf("attempt %d: run %+v", attempt, run)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if run.Attempts != attempt {
			t.Errorf("attempt %d: the run counts %d attempts", attempt, run.Attempts)
		}
		last = run.StartedAt
		s.kill(t)
		s = startServeProcess(t, args...)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		run = crashRun{}
		serveCall(t, "GET", s.url+path, tok, nil, http.StatusOK, &run)
		if run.Status == "failed" {
			break
		}
		if run.Status == "running" && run.StartedAt.After(*last) || time.Now().After(deadline) {
			t.Fatalf("after 3 crashes the run is tried again: %+v", run)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(run.Error, "stopped after 3 attempts") || run.Attempts != 3 {
		t.Errorf("failed run: %+v", run)
	}
	// The run is marked failed before the line is logged: wait for it.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(s.stderr.String(), "gave up"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Errorf("the log does not say the job was given up: %s", s.stderr)
			break
		}
	}
}
