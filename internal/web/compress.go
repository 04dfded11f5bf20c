package web

import (
	"fmt"
	"net/http"

	"github.com/klauspost/compress/gzhttp"
)

// minCompressSize is the smallest body compressed: below it, gzip's own
// header and trailer (18 bytes) and the work are not worth it, and the
// small fragments htmx polls for go out as they are.
const minCompressSize = 1024

// compressPages gzips the HTML answers (pages, htmx fragments, HTML
// reports) of clients that accept gzip, as the static files are. It
// adds Vary: Accept-Encoding to every answer; it leaves alone an answer
// that already has a Content-Encoding (the static files, precompressed),
// a body under minCompressSize, any other content type, and HEAD
// requests (answered uncompressed, without a body). Flush passes through,
// so a streamed answer is sent as it is written.
//
// It wraps the request observer, so that the error page of a handler's
// panic, which the observer writes, is compressed and closed like any
// other answer.
func compressPages(next http.Handler) (http.Handler, error) {
	wrap, err := gzhttp.NewWrapper(
		gzhttp.MinSize(minCompressSize),
		gzhttp.ContentTypes([]string{"text/html"}),
		// gzip only, as for the static files: one encoding to test.
		gzhttp.EnableZstd(false),
	)
	if err != nil {
		return nil, fmt.Errorf("page compression: %w", err)
	}
	return wrap(next), nil
}
