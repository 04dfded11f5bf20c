package tail

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// collector keeps the chunks by source, checking that each source's
// chunks tile it from 0.
type collector struct {
	mu     sync.Mutex
	data   map[string]*bytes.Buffer
	long   map[string]int
	order  []string
	errors []string
}

func newCollector() *collector {
	return &collector{data: map[string]*bytes.Buffer{}, long: map[string]int{}}
}

func (c *collector) emit(ch Chunk) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.data[ch.Source]
	if b == nil {
		b = &bytes.Buffer{}
		c.data[ch.Source] = b
		c.order = append(c.order, ch.Source)
	}
	if ch.Start != int64(b.Len()) {
		c.errors = append(c.errors, fmt.Sprintf("%s: chunk at %d, want %d", ch.Source, ch.Start, b.Len()))
	}
	if ch.TooLong {
		c.long[ch.Source]++
		b.Write(bytes.Repeat([]byte{'#'}, int(ch.End-ch.Start)))
		return nil
	}
	if int64(len(ch.Data)) != ch.End-ch.Start {
		c.errors = append(c.errors, fmt.Sprintf("%s: %d bytes for [%d, %d)", ch.Source, len(ch.Data), ch.Start, ch.End))
	}
	if len(ch.Data) > 0 && ch.Data[len(ch.Data)-1] != '\n' && !bytes.HasSuffix(ch.Data, []byte("no newline")) && !bytes.HasSuffix(ch.Data, []byte("last of one")) {
		c.errors = append(c.errors, fmt.Sprintf("%s: a chunk ends mid-line: %q", ch.Source, ch.Data))
	}
	b.Write(ch.Data)
	return nil
}

func (c *collector) content(i int) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if i >= len(c.order) {
		return ""
	}
	return c.data[c.order[i]].String()
}

func lines(prefix string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%s line %d\n", prefix, i)
	}
	return b.String()
}

// TestOnce: a file read once is sent whole, its last line without a
// newline too, in chunks of whole lines; another cutting gives the same
// source and ranges that tile the same bytes.
func TestOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	content := lines("a", 5000) + "no newline"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, chunk := range []int{1 << 10, 256 << 10} {
		c := newCollector()
		if err := (&Follower{Path: path, Host: "h", MaxChunk: chunk}).Run(context.Background(), c.emit); err != nil {
			t.Fatal(err)
		}
		if len(c.errors) > 0 || len(c.order) != 1 || c.content(0) != content {
			t.Fatalf("chunk %d: %v, %d sources", chunk, c.errors, len(c.order))
		}
		sources = append(sources, c.order[0])
	}
	if sources[0] != sources[1] || !strings.HasPrefix(sources[0], "h:") {
		t.Errorf("sources %v", sources)
	}
}

// TestFollow: lines appended, a line completed later, a rotation (rename,
// then a new file) and a truncation are all followed; each file is a
// source sent whole, in order.
func TestFollow(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "log")
	write := func(s string, flag int) {
		f, err := os.OpenFile(path, flag|os.O_WRONLY|os.O_CREATE, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString(s); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	write(lines("one", 100), os.O_APPEND)
	c := newCollector()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- (&Follower{Path: path, Host: "h", Follow: true, Poll: 10 * time.Millisecond}).Run(ctx, c.emit)
	}()
	wait := func(i int, want string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for c.content(i) != want {
			if time.Now().After(deadline) {
				t.Fatalf("source %d: %q\nwant %q", i, c.content(i), want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	first := lines("one", 100)
	wait(0, first)
	write("partial", os.O_APPEND)
	time.Sleep(50 * time.Millisecond)
	write(" line\n"+lines("more", 10), os.O_APPEND)
	first += "partial line\n" + lines("more", 10)
	wait(0, first)
	// Rotated: the last line of the old file has no newline.
	write("last of one", os.O_APPEND)
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	write(lines("two", 50), os.O_APPEND)
	wait(0, first+"last of one")
	wait(1, lines("two", 50))
	// Truncated and written again (copytruncate).
	write(lines("three", 20), os.O_TRUNC)
	wait(2, lines("three", 20))
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(c.errors) > 0 || len(c.order) != 3 {
		t.Errorf("%v; %d sources", c.errors, len(c.order))
	}
}

// TestTooLong: a line longer than MaxLine is sent as its range only.
func TestTooLong(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	long := strings.Repeat("x", 5000) + "\n"
	content := "short\n" + long + "after\n" + strings.Repeat("y", 3000)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newCollector()
	if err := (&Follower{Path: path, Host: "h", MaxLine: 1000, MaxChunk: 64}).Run(context.Background(), c.emit); err != nil {
		t.Fatal(err)
	}
	want := "short\n" + strings.Repeat("#", len(long)) + "after\n" + strings.Repeat("#", 3000)
	if len(c.errors) > 0 || c.content(0) != want || c.long[c.order[0]] != 2 {
		t.Errorf("%v; %q", c.errors, c.content(0))
	}
}
