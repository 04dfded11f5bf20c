package main

import (
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress shows a progress bar on a terminal's standard error, but only
// once the work has taken more than a second.
type progress struct {
	e     *env
	what  string
	start time.Time
	delay time.Duration
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
}

const progressDelay = time.Second

func newProgress(e *env, what string) *progress {
	return &progress{e: e, what: what, start: time.Now(), delay: progressDelay}
}

// update reports done of total units; safe for concurrent use.
func (p *progress) update(done, total int64) {
	if !p.e.isTerminal {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar == nil {
		if time.Since(p.start) < p.delay || done >= total {
			return
		}
		p.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(p.e.stderr),
			progressbar.OptionSetDescription(p.what),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("years"),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	p.bar.Set64(done)
}

// finish removes the bar, if one was shown.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}
