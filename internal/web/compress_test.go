package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

// rawDo sends a request without the transport's own gzip handling, so
// the test sees the bytes as sent.
func rawDo(t *testing.T, b *browser, method, path string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, b.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if b.accept != "" {
		req.Header.Set("Accept-Language", b.accept)
	}
	hc := *b.hc
	hc.Transport = &http.Transport{DisableCompression: true}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

func gunzip(t *testing.T, what string, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: not gzip: %v", what, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: bad gzip: %v", what, err)
	}
	return out
}

func hasVaryAcceptEncoding(h http.Header) bool {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), "Accept-Encoding") {
				return true
			}
		}
	}
	return false
}

// TestPagesCompressed: the pages go out gzipped to a client that takes
// gzip, and decode to the page a client without gzip gets; HEAD, q=0,
// and the static files (compressed once, 304 kept) behave.
func TestPagesCompressed(t *testing.T) {
	c := &clock{}
	ts := startServer(t, ":memory:", testConfig(c), c)
	gz := http.Header{"Accept-Encoding": {"gzip, deflate, br, zstd"}}
	plain := http.Header{"Accept-Encoding": {"identity"}}
	for _, lang := range []string{"en", "fr"} {
		b := ts.signedIn(t, DefaultAdminEmail, adminPassword, lang)
		anon := ts.browser(t, lang)
		for _, p := range []struct {
			b    *browser
			path string
		}{{anon, "/signin"}, {b, "/orgs"}, {b, "/orgs/demo"}, {b, "/orgs/demo/models"}, {b, "/orgs/demo/nothing-here"}} {
			what := lang + " " + p.path
			res, body := rawDo(t, p.b, "GET", p.path, gz)
			if ce := res.Header.Get("Content-Encoding"); ce != "gzip" {
				t.Errorf("%s: Content-Encoding %q, want gzip", what, ce)
				continue
			}
			if !hasVaryAcceptEncoding(res.Header) {
				t.Errorf("%s: Vary %q lacks Accept-Encoding", what, res.Header.Values("Vary"))
			}
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				t.Errorf("%s: Content-Type %q", what, res.Header.Get("Content-Type"))
			}
			page := gunzip(t, what, body)
			pres, pbody := rawDo(t, p.b, "GET", p.path, plain)
			if pres.Header.Get("Content-Encoding") != "" {
				t.Errorf("%s: compressed for a client that asked for identity", what)
			}
			// The error page names its request, which differs.
			reqID := regexp.MustCompile(`<code>[0-9a-f]{16}</code>`)
			page, pbody = reqID.ReplaceAll(page, nil), reqID.ReplaceAll(pbody, nil)
			if pres.StatusCode != res.StatusCode || !bytes.Equal(page, pbody) {
				t.Errorf("%s: the gzipped page (%d, %d bytes) differs from the plain one (%d, %d bytes)", what, res.StatusCode, len(page), pres.StatusCode, len(pbody))
			}
			if len(body)*2 > len(page) {
				t.Errorf("%s: %d bytes gzipped of %d: less than half", what, len(body), len(page))
			}
			if !bytes.Contains(page, []byte(`<html lang="`+lang+`"`)) {
				t.Errorf("%s: the decoded body is not the %s page", what, lang)
			}
			// A client that refuses gzip (q=0) gets the page as it is.
			res, body = rawDo(t, p.b, "GET", p.path, http.Header{"Accept-Encoding": {"gzip;q=0, identity"}})
			if res.Header.Get("Content-Encoding") != "" || !bytes.Equal(reqID.ReplaceAll(body, nil), pbody) {
				t.Errorf("%s: gzip;q=0 got Content-Encoding %q", what, res.Header.Get("Content-Encoding"))
			}
			// HEAD: the status and headers, no body, nothing to compress.
			res, body = rawDo(t, p.b, "HEAD", p.path, gz)
			if res.StatusCode != pres.StatusCode || len(body) != 0 || res.Header.Get("Content-Encoding") != "" {
				t.Errorf("%s: HEAD answers %d, %d bytes, Content-Encoding %q", what, res.StatusCode, len(body), res.Header.Get("Content-Encoding"))
			}
		}
	}

	// The static files: precompressed, so compressed once; their 304 kept.
	anon := ts.browser(t, "en")
	css := ts.srv.assets.byName["app.css"]
	res, body := rawDo(t, anon, "GET", css.url, gz)
	if res.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(gunzip(t, "app.css", body), css.body) {
		t.Errorf("app.css: Content-Encoding %q, or not gzipped once", res.Header.Values("Content-Encoding"))
	}
	res, body = rawDo(t, anon, "GET", css.url, http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {css.etag}})
	if res.StatusCode != http.StatusNotModified || len(body) != 0 || res.Header.Get("Content-Encoding") != "" {
		t.Errorf("app.css with its ETag: %d, %d bytes, Content-Encoding %q", res.StatusCode, len(body), res.Header.Get("Content-Encoding"))
	}
	// The API's JSON is not compressed here (HTML only).
	res, _ = rawDo(t, anon, "GET", "/api/v1/orgs", gz)
	if res.Header.Get("Content-Encoding") != "" {
		t.Errorf("the API's answer is compressed: %q", res.Header.Get("Content-Encoding"))
	}
}

// TestCompressPages: what compressPages leaves alone, and that a
// streamed answer reaches the client as it is flushed.
func TestCompressPages(t *testing.T) {
	big := "<!DOCTYPE html><p>" + strings.Repeat("scrutin ", 400)
	cases := []struct {
		name     string
		ctype    string
		encoding string
		body     string
		want     string // Content-Encoding
	}{
		{"page", "text/html; charset=utf-8", "", big, "gzip"},
		{"small fragment", "text/html; charset=utf-8", "", "<p>42 %</p>", ""},
		{"just under the bound", "text/html; charset=utf-8", "", strings.Repeat("a", minCompressSize-1), ""},
		{"json", "application/json", "", strings.Repeat(`{"a":1}`, 400), ""},
		{"already compressed", "text/html; charset=utf-8", "gzip", big, "gzip"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, err := compressPages(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.ctype)
				if tc.encoding != "" {
					w.Header().Set("Content-Encoding", tc.encoding)
				}
				io.WriteString(w, tc.body)
			}))
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest("GET", "/", nil)
			req.Header.Set("Accept-Encoding", "gzip")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if got := rec.Header().Values("Content-Encoding"); strings.Join(got, ",") != tc.want {
				t.Errorf("Content-Encoding %q, want %q", got, tc.want)
			}
			got := rec.Body.Bytes()
			if tc.want == "gzip" && tc.encoding == "" {
				got = gunzip(t, tc.name, got)
			}
			if string(got) != tc.body {
				t.Errorf("the body is not the handler's (%d bytes, want %d)", len(got), len(tc.body))
			}
			if !hasVaryAcceptEncoding(rec.Header()) {
				t.Errorf("no Vary: Accept-Encoding")
			}
		})
	}

	t.Run("streamed", func(t *testing.T) {
		sent := make(chan struct{})
		h, err := compressPages(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, big)
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Errorf("flush: %v", err)
			}
			// The rest only once the client has read the first part:
			// a wrapper that held the answer back would hang here.
			select {
			case <-sent:
			case <-time.After(10 * time.Second):
				t.Error("the first part did not reach the client")
			}
			io.WriteString(w, "<p>end</p>")
		}))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		req, _ := http.NewRequest("GET", srv.URL, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding %q", res.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		first := make([]byte, len(big))
		if _, err := io.ReadFull(zr, first); err != nil || string(first) != big {
			t.Fatalf("the first part: %v", err)
		}
		close(sent)
		rest, err := io.ReadAll(zr)
		if err != nil || string(rest) != "<p>end</p>" {
			t.Errorf("the rest: %q, %v", rest, err)
		}
	})

	t.Run("panic", func(t *testing.T) {
		// The error page of a handler's panic, written by the observer,
		// is compressed and complete.
		c := &clock{}
		ts := startServer(t, ":memory:", testConfig(c), c)
		h, err := compressPages(ts.srv.observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") })))
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", "/orgs", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body := rec.Body.Bytes()
		if rec.Header().Get("Content-Encoding") == "gzip" {
			body = gunzip(t, "the error page", body)
		}
		if rec.Code != http.StatusInternalServerError || len(body) == 0 {
			t.Errorf("a panic: status %d, %d bytes", rec.Code, len(body))
		}
	})
}

// BenchmarkPageCompression is the server's cost of a page with and
// without gzip: the model editor of the demo (some 100 kB of HTML), the
// whole handler (authentication, rendering, compression) per request.
func BenchmarkPageCompression(b *testing.B) {
	c := &clock{}
	ts := startServer(b, ":memory:", testConfig(c), c)
	admin := ts.signIn(b, DefaultAdminEmail, adminPassword)
	var models list[map[string]any]
	admin.want(http.StatusOK, "GET", "/api/v1/orgs/demo/models", nil).decode(&models)
	path := fmt.Sprintf("/orgs/demo/models/%d", int64(models.Items[0]["id"].(float64)))
	h := ts.srv.Handler()
	for _, enc := range []string{"identity", "gzip"} {
		b.Run(enc, func(b *testing.B) {
			var wire int
			for b.Loop() {
				req := httptest.NewRequest("GET", path, nil)
				req.Header.Set("Authorization", "Bearer "+admin.token)
				req.Header.Set("Accept-Encoding", enc)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", path, rec.Code)
				}
				wire = rec.Body.Len()
			}
			b.ReportMetric(float64(wire), "wire-bytes")
		})
	}
}
