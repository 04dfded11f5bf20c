package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
)

// The pages' static files: our style sheet and script, and the vendored
// libraries (assets/vendor/README.md says which versions, from where).
// They are embedded, so the binary needs nothing from the working
// directory or the network.
//
//go:embed assets/app.css assets/app.js assets/vendor/echarts.common.min.js assets/vendor/htmx.min.js
var assetFiles embed.FS

// assetsPrefix is where the static files are served.
const assetsPrefix = "/assets/"

// asset is a static file, read and hashed once at start-up.
type asset struct {
	name  string // under assets/, such as "vendor/htmx.min.js"
	url   string // the content-hashed URL the pages use, "/assets/vendor/htmx.min.0123456789.js"
	ctype string
	etag  string
	body  []byte
	gzip  []byte // the body gzip-compressed, when that is smaller
}

// assets are the static files by name and by served path.
type assets struct {
	byName map[string]*asset
	byPath map[string]*asset // hashed and plain paths, without the prefix
}

// loadAssets reads, hashes and compresses the embedded files.
func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]*asset{}, byPath: map[string]*asset{}}
	err := fs.WalkDir(assetFiles, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := assetFiles.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "assets/")
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])[:12]
		ext := filepath.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hash + ext
		f := &asset{name: name, url: assetsPrefix + hashed, ctype: contentType(ext), etag: `"` + hash + `"`, body: body}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		if err := zw.Close(); err != nil {
			return err
		}
		if buf.Len() < len(body) {
			f.gzip = buf.Bytes()
		}
		a.byName[name], a.byPath[name], a.byPath[hashed] = f, f, f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("embedded assets: %w", err)
	}
	return a, nil
}

func contentType(ext string) string {
	switch ext {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	}
	return "application/octet-stream"
}

// url is the content-hashed URL of a file; it panics on a name that is
// not embedded, which the tests of every page catch.
func (a *assets) url(name string) string {
	f, ok := a.byName[name]
	if !ok {
		panic("no embedded asset " + name)
	}
	return f.url
}

// serveAsset answers GET /assets/{path...}. A content-hashed path never
// changes, so it is cached for a year; a plain path (for people and
// tools) is revalidated with its ETag.
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request) {
	p := r.PathValue("path")
	f, ok := s.assets.byPath[p]
	if !ok {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("ETag", f.etag)
	h.Set("Vary", "Accept-Encoding")
	if p != f.name {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, no-cache")
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.body
	if f.gzip != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = f.gzip
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// acceptsGzip says whether the client takes gzip (and does not refuse it
// with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
