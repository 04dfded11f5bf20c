package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const gophishFixtures = "../../internal/evidence/testdata/gophish/"

var threeCampaigns = []string{
	gophishFixtures + "Q3 shared document - Results.csv", // given out of order on purpose
	gophishFixtures + "q1-results.json",
	gophishFixtures + "q2-campaign.json",
}

func TestPhishingTextGolden(t *testing.T) {
	code, out, errs := scrutin(t, "", append([]string{"phishing"}, threeCampaigns...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden(t, "phishing-three.txt", out)
}

func phishingKeys(v any) []string {
	var ks []string
	for k := range v.(map[string]any) {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// TestPhishingJSONShape checks the exact key sets of the evidence file.
func TestPhishingJSONShape(t *testing.T) {
	code, out, errs := scrutin(t, "", append([]string{"phishing", "--format", "json"}, threeCampaigns...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	check := func(what string, v any, want ...string) {
		t.Helper()
		slices.Sort(want)
		if got := phishingKeys(v); !slices.Equal(got, want) {
			t.Errorf("%s keys %v, want %v", what, got, want)
		}
	}
	rates := []string{"recipients", "sent", "failed", "pending", "opened", "clicked", "submitted", "reported",
		"open_rate", "click_rate", "submit_rate", "report_rate", "intervals"}
	check("report", d, "kind", "method", "campaigns", "totals", "by_position", "trend")
	check("method", d["method"], "interval_level", "interval", "p_fell", "trend_test", "small_group")
	c := d["campaigns"].([]any)[0]
	check("campaign", c, append([]string{"name", "id", "source", "status", "launched", "from_timeline"}, rates...)...)
	check("intervals", c.(map[string]any)["intervals"], "open", "click", "submit", "report")
	check("totals", d["totals"], append([]string{"campaigns", "people"}, rates...)...)
	check("position", d["by_position"].(map[string]any)["press officer"], append([]string{"label", "campaigns", "small"}, rates...)...)
	tr := d["trend"]
	check("trend", tr, "campaigns", "first", "last", "clicked", "submitted", "reported", "basis", "shared", "verdict", "summary")
	check("rate change", tr.(map[string]any)["submitted"], "first", "last", "change", "p_fell", "p_rose", "slope", "p_value")
	check("rate point", tr.(map[string]any)["submitted"].(map[string]any)["first"], "sent", "count", "rate", "interval")

	if d["kind"] != "phishing" {
		t.Errorf("kind %v", d["kind"])
	}
	// What calibration reads: campaigns' and totals' counts, by name.
	var ev struct {
		Campaigns []struct {
			Name                                       string
			Sent, Opened, Clicked, Submitted, Reported int64
		}
		Totals struct{ Sent, Opened, Clicked, Submitted, Reported int64 }
		Trend  struct{ Verdict string }
	}
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatal(err)
	}
	if len(ev.Campaigns) != 3 || ev.Campaigns[0].Name != "Q1 baseline — fake invoice" || ev.Campaigns[2].Name != "Q3 shared document" ||
		ev.Campaigns[0].Sent != 19 || ev.Campaigns[0].Submitted != 7 || ev.Campaigns[2].Submitted != 1 {
		t.Errorf("campaigns %+v", ev.Campaigns)
	}
	if ev.Totals.Sent != 59 || ev.Totals.Opened != 39 || ev.Totals.Clicked != 22 || ev.Totals.Submitted != 11 || ev.Totals.Reported != 13 {
		t.Errorf("totals %+v", ev.Totals)
	}
	if ev.Trend.Verdict != "improving" {
		t.Errorf("verdict %q", ev.Trend.Verdict)
	}
}

func TestPhishingOut(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "phishing.json")
	// Text to standard output, JSON to --out.
	code, out, errs := scrutin(t, "", "phishing", gophishFixtures+"q1-results.json", "--out", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(out, "GoPhish phishing simulations: 1 campaign, 19 emails delivered") {
		t.Errorf("stdout:\n%s", out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(b, &d); err != nil || d["kind"] != "phishing" {
		t.Fatalf("--out file: %v\n%s", err, b)
	}
	// --format json --out: the JSON goes to the file only.
	code, out, _ = scrutin(t, "", "phishing", gophishFixtures+"q2-campaign.json", "--format", "json", "-o", path)
	if code != 0 || out != "" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	if b2, _ := os.ReadFile(path); string(b2) == string(b) {
		t.Error("--out file not replaced")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestPhishingStdin(t *testing.T) {
	src := mustRead(t, gophishFixtures+"Q3 shared document - Results.csv")
	code, out, errs := scrutin(t, src, "phishing", "-", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"name": "standard input"`) || !strings.Contains(out, `"source": "<stdin>"`) {
		t.Errorf("stdin campaign not named:\n%.400s", out)
	}
}

func TestPhishingExitCodes(t *testing.T) {
	bad := writeFile(t, "bad - Results.csv", "id,status,email\nr1,Email Sent,a@b\nr2,Bounced,c@d\n")
	empty := writeFile(t, "empty.json", "[]")
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no file", []string{"phishing"}, 2, "scrutin phishing needs at least 1 argument"},
		{"bad format", []string{"phishing", "--format", "csv", gophishFixtures + "list.json"}, 2, `--format must be text or json, got "csv"`},
		{"missing file", []string{"phishing", "nope.json"}, 2, "cannot read nope.json: no such file or directory"},
		{"malformed row", []string{"phishing", gophishFixtures + "list.json", bad}, 2, `bad - Results.csv: line 3: status: "Bounced" is not a GoPhish result status`},
		{"stdin twice", []string{"phishing", "-", "-"}, 2, `standard input ("-") can be read only once`},
		{"no campaign", []string{"phishing", empty}, 2, "no GoPhish campaign in"},
		{"unwritable out", []string{"phishing", gophishFixtures + "list.json", "--out", filepath.Join(t.TempDir(), "no", "such", "dir.json")}, 2, "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := scrutin(t, "", tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.err) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, tt.code, tt.err)
			}
		})
	}
}

// TestPhishingBinary runs the real binary: exit codes and no stack trace.
func TestPhishingBinary(t *testing.T) {
	trunc := writeFile(t, "trunc.json", `{"name": "x", "results": [{"status": "Email Sent"`)
	code, _, errs := exe(t, "phishing", trunc)
	if code != 2 || !strings.Contains(errs, "trunc.json: byte 49 (line 1, column 50): malformed JSON") || strings.Contains(errs, "goroutine") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	code, out, errs := exe(t, "phishing", gophishFixtures+"no-timeline.json", gophishFixtures+"list.json")
	if code != 0 || !strings.Contains(out, "Trend") {
		t.Errorf("exit %d: %s%s", code, out, errs)
	}
}
