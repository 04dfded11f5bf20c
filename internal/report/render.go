package report

import (
	"bytes"
	"context"
	"io"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
)

// Formats are the formats Render writes: self-contained HTML, Markdown
// and PDF (the HTML printed by Chromium).
var Formats = []string{"html", "md", "pdf"}

// Render writes r in format ("html", "md" or "pdf") and language l; pdf
// prints the HTML with headless Chromium (see PDF) and fails with
// ErrNoChromium when there is none.
func (r *Report) Render(ctx context.Context, w io.Writer, format string, l i18n.Lang, pdf PDFOptions) error {
	switch format {
	case "md":
		return r.Markdown(w, l)
	case "html":
		return r.HTML(w, l)
	case "pdf":
		var html bytes.Buffer
		if err := r.HTML(&html, l); err != nil {
			return err
		}
		return PDF(ctx, w, html.Bytes(), pdf)
	}
	return model.Errorf(model.EINVALID, "unknown report format %q: html, md or pdf", format)
}
