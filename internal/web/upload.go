package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/scrutin/scrutin/internal/evidence"
)

// The bounds of an evidence upload besides its size in bytes (which
// MaxBytesReader enforces): what a compressed upload decompresses to, and
// the time it takes to send and read. Each refusal is an *uploadError.

// expansionFloor is how much a compressed upload may give before
// Config.MaxExpansion applies: a small, very repetitive log passes.
const expansionFloor = 16 << 20

// Kinds of uploadError.
const (
	uploadExpanded = "expanded" // more than MaxExpandedBytes once decompressed
	uploadRatio    = "ratio"    // more than MaxExpansion times its size
	uploadStalled  = "stalled"  // no byte for UploadIdle
	uploadLate     = "late"     // longer than UploadTimeout
)

// uploadError is an upload refused for one of the bounds above: 413 for
// the sizes, 408 for the times, with the bound in the message (the pages
// translate it from kind and bound).
type uploadError struct {
	kind  string
	limit int64         // bytes, or a ratio
	after time.Duration // the time bound
	pe    *protocolError
}

func newUploadError(kind string, limit int64, after time.Duration) *uploadError {
	e := &uploadError{kind: kind, limit: limit, after: after}
	switch kind {
	case uploadExpanded:
		e.pe = &protocolError{status: http.StatusRequestEntityTooLarge, code: codeTooLarge,
			msg: fmt.Sprintf("the upload gives more than %d bytes once decompressed (the limit)", limit)}
	case uploadRatio:
		e.pe = &protocolError{status: http.StatusRequestEntityTooLarge, code: codeTooLarge,
			msg: fmt.Sprintf("the upload decompresses to more than %d times its size (the limit, past its first %d bytes): refused as a compression bomb", limit, expansionFloor)}
	case uploadStalled:
		e.pe = &protocolError{status: http.StatusRequestTimeout, code: codeTimeout,
			msg: fmt.Sprintf("the upload stalled: no data for %s; nothing was stored", after)}
	default:
		e.pe = &protocolError{status: http.StatusRequestTimeout, code: codeTimeout,
			msg: fmt.Sprintf("the upload took longer than the limit of %s to send and read; nothing was stored", after)}
	}
	return e
}

func (e *uploadError) Error() string { return e.pe.msg }
func (e *uploadError) Unwrap() error { return e.pe }

// uploadClock bounds the time of one upload: the context it gives ends
// at the deadline (so the importers stop), and the body it wraps fails
// once the deadline passes or when no byte comes for the idle time,
// through the connection's read deadline, so a client that trickles
// bytes or stops sending does not hold the handler.
type uploadClock struct {
	rc       *http.ResponseController
	deadline time.Time
	idle     time.Duration
	timeout  time.Duration
}

// startUpload starts the clock of an upload answered through w.
func (s *Server) startUpload(ctx context.Context, w http.ResponseWriter) (context.Context, context.CancelFunc, *uploadClock) {
	u := &uploadClock{rc: http.NewResponseController(w), deadline: time.Now().Add(s.cfg.UploadTimeout),
		idle: s.cfg.UploadIdle, timeout: s.cfg.UploadTimeout}
	// The read deadline stays set after the handler: before answering,
	// net/http reads what is left of a small body to reuse the
	// connection, and must not wait for a client that stalled. The next
	// request on the connection sets a deadline of its own.
	ctx, cancel := context.WithDeadline(ctx, u.deadline)
	return ctx, cancel, u
}

// body wraps the request's body with the clock's read deadlines.
func (u *uploadClock) body(r io.ReadCloser) io.ReadCloser { return &clockedBody{ReadCloser: r, u: u} }

type clockedBody struct {
	io.ReadCloser
	u *uploadClock
}

func (b *clockedBody) Read(p []byte) (int, error) {
	d := time.Now().Add(b.u.idle)
	if d.After(b.u.deadline) {
		d = b.u.deadline
	}
	// Without support (a test's recorder), the context's deadline still
	// stops the reading between reads.
	b.u.rc.SetReadDeadline(d)
	n, err := b.ReadCloser.Read(p)
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		err = b.u.timedOut()
	}
	return n, err
}

// timedOut is the error of an upload past one of the clock's bounds.
func (u *uploadClock) timedOut() error {
	if time.Now().Before(u.deadline) {
		return newUploadError(uploadStalled, 0, u.idle)
	}
	return newUploadError(uploadLate, 0, u.timeout)
}

// failure turns what stopped an upload into the error to answer: the
// importers' bounds and the clock's deadline become *uploadError; the
// rest is returned as it is.
func (u *uploadClock) failure(ctx context.Context, err error) error {
	var ue *uploadError
	var le *evidence.LimitError
	switch {
	case errors.As(err, &ue):
		return ue
	case errors.As(err, &le) && le.Kind == evidence.LimitRatio:
		return newUploadError(uploadRatio, le.Limit, 0)
	case errors.As(err, &le):
		return newUploadError(uploadExpanded, le.Limit, 0)
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
		return newUploadError(uploadLate, 0, u.timeout)
	}
	return err
}
