package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ErrNoChromium says that no Chromium was found to print a PDF.
var ErrNoChromium = errors.New("PDF needs Chromium: apt-get install chromium; or use --format html and print it from a browser")

// Browsers are the executables FindChromium looks for on PATH, in order.
var Browsers = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// DefaultPDFTimeout bounds how long Chromium may take to print.
const DefaultPDFTimeout = 2 * time.Minute

// FindChromium returns the path of the first of Browsers found on PATH,
// or ErrNoChromium.
func FindChromium() (string, error) {
	for _, b := range Browsers {
		if p, err := exec.LookPath(b); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// PDFOptions control PDF.
type PDFOptions struct {
	// Browser is the Chromium executable (default: FindChromium's).
	Browser string
	// Timeout bounds the printing (default DefaultPDFTimeout).
	Timeout time.Duration
}

// PDF prints an HTML document (such as Report.HTML writes) to PDF with
// headless Chromium, and writes the PDF to w. The document is written to
// a temporary directory, with Chromium's profile, removed afterwards;
// Chromium runs without network services, sandbox or GPU. Without a
// Chromium, the error is ErrNoChromium.
func PDF(ctx context.Context, w io.Writer, html []byte, opt PDFOptions) error {
	browser := opt.Browser
	if browser == "" {
		var err error
		if browser, err = FindChromium(); err != nil {
			return err
		}
	}
	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = DefaultPDFTimeout
	}
	dir, err := os.MkdirTemp("", "scrutin-pdf-")
	if err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "report.html"), filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(in, html, 0o600); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
		"--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-breakpad",
		"--no-default-browser-check", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--no-pdf-header-footer", "--print-to-pdf-no-header", "--print-to-pdf="+out,
		(&url.URL{Scheme: "file", Path: in}).String())
	var stderr limitedBuffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	cmd.Env = append(os.Environ(), "HOME="+dir)
	cmd.WaitDelay = 5 * time.Second
	killGroup(cmd)
	runErr := cmd.Run()
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("pdf: %s did not finish printing within %s", filepath.Base(browser), timeout)
		}
		return ctx.Err()
	}
	pdf, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		msg := strings.TrimSpace(stderr.String())
		if runErr != nil {
			return fmt.Errorf("pdf: %s failed: %v: %s", filepath.Base(browser), runErr, msg)
		}
		return fmt.Errorf("pdf: %s wrote no PDF: %s", filepath.Base(browser), msg)
	}
	_, err = w.Write(pdf)
	return err
}

// limitedBuffer keeps the last few kilobytes written to it.
type limitedBuffer struct{ b []byte }

const limitedBufferSize = 4096

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.b = append(l.b, p...)
	if len(l.b) > limitedBufferSize {
		l.b = l.b[len(l.b)-limitedBufferSize:]
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return string(l.b) }
