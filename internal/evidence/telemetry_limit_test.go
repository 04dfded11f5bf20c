package evidence

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// gzipped compresses n bytes of b repeated (a compression bomb when b is
// short and n large).
func gzipped(t testing.TB, b []byte, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	for n > 0 {
		k := min(n, len(b))
		zw.Write(b[:k])
		n -= k
	}
	zw.Close()
	return buf.Bytes()
}

// TestTelemetryExpandedLimit: MaxBytes bounds what is read once
// decompressed, and MaxRatio how much more than the compressed bytes it
// may be; either stops the reading at once with a *LimitError.
func TestTelemetryExpandedLimit(t *testing.T) {
	line := []byte(`{"_path":"conn","ts":1700000000,"id.orig_h":"10.0.0.1","id.resp_h":"10.0.0.2"}` + "\n")
	// Logs as they come: lines that differ in times, addresses, ports and
	// sizes, which gzip compresses 5 to 20 times.
	var logs bytes.Buffer
	for i := range 60_000 {
		fmt.Fprintf(&logs, `{"_path":"conn","ts":%d.%06d,"id.orig_h":"10.0.%d.%d","id.orig_p":%d,"id.resp_h":"192.0.2.%d","id.resp_p":443,"orig_bytes":%d}`+"\n",
			1700000000+i*7/3, (i*7919)%1000000, i%251, (i*13)%253, 1024+(i*7717)%60000, i%29, (i*104729)%90000)
	}
	zeros := make([]byte, 1<<20)
	tests := []struct {
		name     string
		input    []byte
		opt      TelemetryOptions
		kind     string
		accepted bool
	}{
		{"bomb over MaxBytes", gzipped(t, zeros, 64<<20), TelemetryOptions{MaxBytes: 8 << 20}, LimitExpanded, false},
		{"plain over MaxBytes", bytes.Repeat(line, 200_000), TelemetryOptions{MaxBytes: 1 << 20}, LimitExpanded, false},
		{"bomb over MaxRatio", gzipped(t, zeros, 64<<20), TelemetryOptions{MaxRatio: 100, RatioFloor: 4 << 20}, LimitRatio, false},
		{"logs within MaxRatio", gzipped(t, logs.Bytes(), logs.Len()), TelemetryOptions{MaxRatio: 100, RatioFloor: 1 << 20, MaxBytes: 32 << 20}, "", true},
		{"small bomb under the floor", gzipped(t, zeros, 2<<20), TelemetryOptions{MaxRatio: 100, RatioFloor: 4 << 20}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opt.Kind = KindZeek
			in, err := NewIngester(tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			err = in.Ingest(context.Background(), "up.log", bytes.NewReader(tt.input))
			if tt.accepted {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var le *LimitError
			if !errors.As(err, &le) || le.Kind != tt.kind {
				t.Fatalf("error %v, want a *LimitError of kind %s", err, tt.kind)
			}
			if !strings.Contains(err.Error(), "up.log") {
				t.Errorf("%q does not name the file", err)
			}
		})
	}
}

// endless is an input that never ends: zeros without a line end, which
// the line reader skips as lines too long, without ever counting one.
type endless struct{}

func (endless) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestTelemetryDeadline: the reading stops when ctx ends, even on an
// input made only of lines too long (which count no line, so no check by
// lines would ever come).
func TestTelemetryDeadline(t *testing.T) {
	for _, workers := range []int{1, 4} {
		in, err := NewIngester(TelemetryOptions{Kind: KindZeek, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- in.Ingest(ctx, "endless", io.Reader(endless{})) }()
		select {
		case err := <-done:
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("workers %d: %v, want the deadline", workers, err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("workers %d: stopped after %s", workers, d)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("workers %d: still reading 20 s after a deadline of 200 ms", workers)
		}
		cancel()
	}
}
