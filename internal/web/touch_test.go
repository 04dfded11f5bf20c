package web

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestTouchOncePerMinute: of the requests that find a token's last use
// more than a minute old, one records the use; the others, at the same
// time, do not queue for the database's write lock to record it again.
func TestTouchOncePerMinute(t *testing.T) {
	var tt tokenTouches
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var claimed atomic.Int32
	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if tt.claim(7, now) {
				claimed.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := claimed.Load(); n != 1 {
		t.Fatalf("%d of 200 concurrent requests record the use, want 1", n)
	}
	if tt.claim(7, now.Add(time.Minute)) {
		t.Error("recorded again within the minute")
	}
	if !tt.claim(8, now) {
		t.Error("another token's use not recorded")
	}
	if !tt.claim(7, now.Add(time.Minute+time.Second)) {
		t.Error("not recorded again after a minute")
	}
	// The table forgets what is older than a minute once it is large.
	for i := range int64(maxTokenTouches + 10) {
		tt.claim(1000+i, now)
	}
	tt.claim(5, now.Add(2*time.Minute))
	if n := len(tt.at); n > maxTokenTouches {
		t.Errorf("%d tokens remembered, want at most %d", n, maxTokenTouches)
	}
}
