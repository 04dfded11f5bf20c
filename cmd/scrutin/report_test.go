package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/store"
)

// reportEnv fixes what a report reads from the environment: its date and
// language.
func reportEnv(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1494014400") // 2017-05-05 20:00 UTC
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "C.UTF-8")
}

func TestReport(t *testing.T) {
	reportEnv(t)
	args := []string{"report", minimal, "--trials", "20000", "--seed", "1"}
	code, html, errs := scrutin(t, "", args...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{`<!DOCTYPE html>`, `<html lang="en">`, "Is the risk significant?", "Report date: 2017-05-05 20:00 UTC",
		"Model file: ../../examples/minimal.yaml", "Recommended plan", "<svg", "</html>"} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
	if strings.Contains(html, "<script") || strings.Contains(html, "https://") {
		t.Errorf("the HTML report is not self-contained")
	}
	if _, again, _ := scrutin(t, "", args...); again != html {
		t.Errorf("two reports of the same model, seed and trials differ")
	}

	// French: --lang, or the locale.
	_, fr, _ := scrutin(t, "", append(args, "--lang", "fr")...)
	if !strings.Contains(fr, `<html lang="fr">`) || !strings.Contains(fr, "Le risque est-il significatif\u00a0?") || !strings.Contains(fr, "05/05/2017 20:00 UTC") {
		t.Errorf("--lang fr does not give the French report")
	}
	t.Setenv("LANG", "fr_FR.UTF-8")
	if _, byLocale, _ := scrutin(t, "", args...); byLocale != fr {
		t.Errorf("LANG=fr_FR.UTF-8 does not give the French report")
	}
	if _, en, _ := scrutin(t, "", append(args, "--lang", "en")...); en != html {
		t.Errorf("--lang en does not override the locale")
	}
	t.Setenv("LC_ALL", "en_GB.UTF-8")
	if _, en, _ := scrutin(t, "", args...); en != html {
		t.Errorf("LC_ALL does not take precedence over LANG")
	}

	// Markdown, to a file.
	out := filepath.Join(t.TempDir(), "report.md")
	if code, stdout, errs := scrutin(t, "", append(args, "--format", "md", "--out", out, "--budget", "1k")...); code != exitOK || stdout != "" {
		t.Fatalf("md: exit %d, stdout %q: %s", code, stdout, errs)
	}
	md, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Minimal campaign model", "| --- |", "none fits the budget", "## 1. Is the risk significant?"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("the Markdown report lacks %q", want)
		}
	}
}

func TestReportUsage(t *testing.T) {
	reportEnv(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", minimal, "--format", "docx"}, "--format must be html, md or pdf"},
		{[]string{"report", minimal, "--format", "pdf"}, "--format pdf needs --out"},
		{[]string{"report", minimal, "--lang", "de"}, "--lang must be en or fr"},
		{[]string{"report", minimal, "--trials", "0"}, "--trials: 0 is not a valid number of trials"},
		{[]string{"report", minimal, "--budget", "lots"}, "--budget"},
		{[]string{"report", minimal, "--objective", "p42"}, "--objective"},
		{[]string{"report", minimal, "--horizon", "-1y"}, "--horizon"},
		{[]string{"report", minimal, "--with", "no-such-control"}, "unknown control"},
		{[]string{"report", "no-such-model.yaml"}, "cannot read model"},
		{[]string{"report", minimal, "extra"}, "at most 1 argument"},
		{[]string{"report", "--run", "1"}, "--run needs --org"},
		{[]string{"report", minimal, "--run", "1", "--org", "p"}, "a MODEL cannot go with --run"},
		{[]string{"report", "--run", "1", "--org", "p", "--seed", "3"}, "--seed cannot go with --run"},
		{[]string{"report", minimal, "--org", "p"}, "go with --run"},
		{[]string{"report", "--run", "1", "--org", "p", "--db", filepath.Join(t.TempDir(), "none.db")}, "no scrutin database"},
	} {
		code, _, errs := scrutin(t, "", c.args...)
		if code != exitInvalid || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", c.args, code, errs, c.want)
		}
	}
}

// TestReportPDF: without Chromium, a clear message and exit code 1 (before
// any work); with it, a PDF.
func TestReportPDF(t *testing.T) {
	reportEnv(t)
	out := filepath.Join(t.TempDir(), "report.pdf")
	args := []string{"report", minimal, "--trials", "2000", "--format", "pdf", "--out", out}
	if _, err := report.FindChromium(); err != nil {
		t.Logf("no Chromium on PATH: only its absence is tested")
	} else {
		if code, _, errs := scrutin(t, "", args...); code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		pdf, err := os.ReadFile(out)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Errorf("not a PDF (%v): %.8q", err, pdf)
		}
		os.Remove(out)
	}
	t.Setenv("PATH", t.TempDir())
	code, _, errs := scrutin(t, "", args...)
	if code != exitFailure || !strings.Contains(errs, "PDF needs Chromium: apt-get install chromium; or use --format html") {
		t.Errorf("without Chromium: exit %d, %q", code, errs)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a file was written without Chromium")
	}
}

// TestReportStoredRun: a run stored by the server reports as the same
// model, trials, seed and controls do from the command line; the database
// is only read.
func TestReportStoredRun(t *testing.T) {
	reportEnv(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "scrutin.db")
	db, err := store.Open(ctx, path, func() time.Time { return time.Date(2017, 5, 5, 20, 0, 0, 0, time.UTC) })
	if err != nil {
		t.Fatal(err)
	}
	u := &store.User{Email: "dan@example.org", Name: "Dan"}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateOrg(ctx, &store.Org{ID: "p", Name: "Party", Kind: "party"}); err != nil {
		t.Fatal(err)
	}
	yaml, err := os.ReadFile(minimal)
	if err != nil {
		t.Fatal(err)
	}
	m, err := db.CreateModel(ctx, "p", "minimal", &store.Revision{YAML: string(yaml), Message: "first", AuthorID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	code, result, errs := scrutin(t, "", "run", minimal, "--trials", "20000", "--seed", "7", "--with", "security-keys", "--format", "json")
	if code != exitOK {
		t.Fatalf("run: %s", errs)
	}
	run := &store.Run{OrgID: "p", ModelID: m.ID, Trials: 20000, Seed: 7, Controls: []string{"security-keys"}, CreatedBy: u.ID}
	if err := db.CreateRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	if claimed, err := db.ClaimRun(ctx); err != nil || claimed.ID != run.ID {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	if err := db.FinishRun(ctx, run.ID, store.RunSucceeded, []byte(result), ""); err != nil {
		t.Fatal(err)
	}
	queued := &store.Run{OrgID: "p", ModelID: m.ID, Trials: 10, Seed: 1, Controls: []string{}, CreatedBy: u.ID}
	if err := db.CreateRun(ctx, queued); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	id := strconv.FormatInt(run.ID, 10)
	code, stored, errs := scrutin(t, "", "report", "--run", id, "--org", "p", "--db", path, "--format", "md")
	if code != exitOK {
		t.Fatalf("report --run: exit %d: %s", code, errs)
	}
	code, fresh, errs := scrutin(t, "", "report", minimal, "--trials", "20000", "--seed", "7", "--with", "security-keys", "--format", "md")
	if code != exitOK {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	origin := "- Stored run " + id + " · model “minimal”, revision 1 · made 2017-05-05 20:00 UTC\n"
	if !strings.Contains(stored, origin) {
		t.Errorf("the stored run's report does not say where it comes from:\n%.600s", stored)
	}
	want := strings.Replace(fresh, "- Model file: ../../examples/minimal.yaml\n", origin, 1)
	if stored != want {
		t.Errorf("the stored run's report differs from the command line's")
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Errorf("reporting changed the database")
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--run", "999", "--org", "p"}, "run 999 not found in organisation \"p\""},
		{[]string{"--run", id, "--org", "q"}, "not found in organisation \"q\""},
		{[]string{"--run", strconv.FormatInt(queued.ID, 10), "--org", "p"}, "is queued: only a succeeded run"},
	} {
		code, _, errs := scrutin(t, "", append(append([]string{"report"}, c.args...), "--db", path)...)
		if code != exitInvalid || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", c.args, code, errs, c.want)
		}
	}
}
