package evidence

import (
	"context"
	"io"
	"sync"
)

// chunk is a run of lines handed to a worker: their bytes one after the
// other, and where each ends; an end of -1 marks a line too long, whose
// bytes were skipped.
type chunk struct {
	first int64 // number of the first line
	data  []byte
	ends  []int
}

// Chunks are cut at about chunkBytes or chunkLines, whichever comes
// first: big enough that handing them over costs little, small enough
// that a few in flight per worker take little memory.
const (
	chunkBytes = 256 << 10
	chunkLines = 2048
)

// ingestParallel reads lines in this goroutine and parses them in
// in.opt.Workers others, each with its own tally, merged at the end: the
// summary is the same as ingestSerial's. Memory is bounded by the chunks
// in flight (a few per worker).
func (in *Ingester) ingestParallel(ctx context.Context, file string, lr *lineReader, t *tally, report func(bool)) error {
	n := in.opt.Workers
	work := make(chan *chunk, 2*n)
	free := make(chan *chunk, 4*n)
	for range 4 * n {
		free <- &chunk{data: make([]byte, 0, chunkBytes+4096), ends: make([]int, 0, chunkLines)}
	}
	tallies := make([]*tally, n)
	var wg sync.WaitGroup
	for i := range n {
		tallies[i] = newTally()
		w := in.newWorker(file, tallies[i])
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				start := 0
				for j, end := range c.ends {
					line := c.first + int64(j)
					if end < 0 {
						w.tally.addMalformed(file, line, lr.tooLong())
						continue
					}
					if err := w.line(line, c.data[start:end]); err != nil {
						w.tally.addMalformed(file, line, err)
					}
					start = end
				}
				c.data, c.ends = c.data[:0], c.ends[:0]
				free <- c
			}
		}()
	}
	err := in.readChunks(ctx, file, lr, work, free, report)
	close(work)
	wg.Wait()
	t.mergeShared(tallies...)
	return err
}

// readChunks cuts the input into chunks of lines and sends them to work.
func (in *Ingester) readChunks(ctx context.Context, file string, lr *lineReader, work, free chan *chunk, report func(bool)) error {
	var c *chunk
	send := func() error {
		if c == nil || len(c.ends) == 0 {
			return nil
		}
		select {
		case work <- c:
			c = nil
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for {
		if c == nil {
			select {
			case c = <-free:
			case <-ctx.Done():
				return ctx.Err()
			}
			c.first = lr.n + 1
		}
		line, tooLong, err := lr.next()
		switch {
		case err == io.EOF:
			return send()
		case err != nil:
			return readError(file, err)
		case tooLong:
			c.ends = append(c.ends, -1)
		default:
			c.data = append(c.data, line...)
			c.ends = append(c.ends, len(c.data))
		}
		if lr.n%progressEvery == 0 {
			report(false)
		}
		if len(c.data) >= chunkBytes || len(c.ends) >= chunkLines {
			if err := send(); err != nil {
				return err
			}
		}
	}
}
