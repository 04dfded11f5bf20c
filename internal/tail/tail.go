// Package tail follows growing log files and cuts them into chunks of
// complete lines, each named by the file's identity and its byte range,
// so that whoever counts them can tell a chunk seen before, whatever the
// cutting: after a restart, the same lines are the same byte ranges of
// the same source.
package tail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"
)

// Chunk is a run of complete lines of one source: bytes [Start, End).
type Chunk struct {
	// Source names the file: host, device and inode, and a fingerprint
	// of its first line (an inode reused, or a file truncated and
	// written again, is another source).
	Source     string
	Start, End int64
	// Data holds the lines (End-Start bytes), or nil when TooLong.
	Data []byte
	// TooLong is one line longer than MaxLine: only its range is sent,
	// and the counter counts it as a malformed line.
	TooLong bool
}

// Follower reads the file at Path from its start, then follows it as it
// grows, is rotated (renamed, and a new file created at Path) or
// truncated.
type Follower struct {
	Path string
	// Host names the machine in the sources' names (default: the host
	// name).
	Host string
	// MaxChunk bounds a chunk (default 256 KiB); MaxLine the longest line
	// sent (default 512 KiB, below NATS's 1 MiB messages).
	MaxChunk, MaxLine int
	// Poll is how often the end of the file is checked (default 200 ms).
	Poll time.Duration
	// Follow keeps following after the end; without it Run returns at
	// the end of the file, its last line sent even without a newline.
	Follow bool
}

// file is the file being read.
type file struct {
	f      *os.File
	dev    uint64
	ino    uint64
	source string // "" until the first line is complete
	off    int64  // bytes sent
	buf    []byte // read, not yet sent (a partial line)
	long   int64  // bytes of a line too long, read and dropped, before buf
}

// Run reads and sends chunks to emit until ctx ends (or, without Follow,
// the end of the file). An error from emit stops it.
func (fl *Follower) Run(ctx context.Context, emit func(Chunk) error) error {
	if fl.Host == "" {
		fl.Host, _ = os.Hostname()
	}
	if fl.MaxChunk <= 0 {
		fl.MaxChunk = 256 << 10
	}
	if fl.MaxLine <= 0 {
		fl.MaxLine = 512 << 10
	}
	if fl.Poll <= 0 {
		fl.Poll = 200 * time.Millisecond
	}
	cur, err := fl.open()
	if err != nil {
		return err
	}
	defer func() { cur.f.Close() }()
	readBuf := make([]byte, 64<<10)
	for {
		n, err := cur.f.Read(readBuf)
		if n > 0 {
			cur.buf = append(cur.buf, readBuf[:n]...)
			if err := fl.send(cur, false, emit); err != nil {
				return err
			}
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: %w", fl.Path, err)
		}
		// At the end of the file.
		if !fl.Follow {
			return fl.send(cur, true, emit)
		}
		next, rotated, truncated, err := fl.changed(cur)
		if err != nil {
			return err
		}
		switch {
		case truncated:
			// Written again from the start: another source.
			if _, err := cur.f.Seek(0, io.SeekStart); err != nil {
				return err
			}
			cur.source, cur.off, cur.buf, cur.long = "", 0, nil, 0
			continue
		case rotated:
			// The old file is complete: its last line too.
			if err := fl.send(cur, true, emit); err != nil {
				next.f.Close()
				return err
			}
			cur.f.Close()
			cur = next
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(fl.Poll):
		}
	}
}

// open opens the file at Path.
func (fl *Follower) open() (*file, error) {
	f, err := os.Open(fl.Path)
	if err != nil {
		return nil, err
	}
	dev, ino, err := identity(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &file{f: f, dev: dev, ino: ino}, nil
}

// changed says whether Path is now another file (rotated; the new one
// opened) or the file was truncated.
func (fl *Follower) changed(cur *file) (next *file, rotated, truncated bool, err error) {
	st, err := cur.f.Stat()
	if err != nil {
		return nil, false, false, err
	}
	if st.Size() < cur.off+cur.long+int64(len(cur.buf)) {
		return nil, false, true, nil
	}
	n, err := fl.open()
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, false, nil // between the rename and the new file
	}
	if err != nil {
		return nil, false, false, err
	}
	if n.dev == cur.dev && n.ino == cur.ino {
		n.f.Close()
		return nil, false, false, nil
	}
	return n, true, false, nil
}

// send emits the complete lines read (and, when last, the line left
// without a newline). A line longer than MaxLine is not kept: only its
// length, until its end.
func (fl *Follower) send(cur *file, last bool, emit func(Chunk) error) error {
	for len(cur.buf) > 0 || (last && cur.long > 0) {
		end := bytes.IndexByte(cur.buf, '\n')
		if cur.source == "" {
			first := cur.buf
			if end >= 0 {
				first = cur.buf[:end+1]
			} else if len(first) <= fl.MaxLine && !last {
				return nil // the first line is not complete yet
			}
			sum := sha256.Sum256(first[:min(len(first), fl.MaxLine)])
			cur.source = fmt.Sprintf("%s:%d:%d:%s", fl.Host, cur.dev, cur.ino, hex.EncodeToString(sum[:8]))
		}
		if cur.long > 0 || (end < 0 && len(cur.buf) > fl.MaxLine) || end+1 > fl.MaxLine {
			// A line too long: its range only.
			if end < 0 {
				cur.long += int64(len(cur.buf))
				cur.buf = nil
				if !last {
					return nil
				}
				end = -1
			}
			c := Chunk{Source: cur.source, Start: cur.off, End: cur.off + cur.long + int64(end+1), TooLong: true}
			if err := emit(c); err != nil {
				return err
			}
			cur.off, cur.buf, cur.long = c.End, cur.buf[end+1:], 0
			continue
		}
		if end < 0 {
			if !last {
				return nil
			}
			end = len(cur.buf) - 1
		}
		// As many whole lines as fit in a chunk.
		n := end + 1
		for n < len(cur.buf) {
			i := bytes.IndexByte(cur.buf[n:], '\n')
			if i < 0 || n+i+1 > fl.MaxChunk {
				break
			}
			n += i + 1
		}
		c := Chunk{Source: cur.source, Start: cur.off, End: cur.off + int64(n), Data: append([]byte(nil), cur.buf[:n]...)}
		if err := emit(c); err != nil {
			return err
		}
		cur.off, cur.buf = c.End, cur.buf[n:]
	}
	cur.buf = nil
	return nil
}

func identity(f *os.File) (dev, ino uint64, err error) {
	st, err := f.Stat()
	if err != nil {
		return 0, 0, err
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, fmt.Errorf("%s: no device and inode on this system", f.Name())
	}
	return uint64(sys.Dev), sys.Ino, nil
}
