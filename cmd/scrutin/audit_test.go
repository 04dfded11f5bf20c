package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/model"
)

// TestAuditVotesJSON: a contest typed on the command line gives exactly
// the fields issue 15 names, with Arlo's figures (600 to 400 at 10 %:
// BRAVO ASN 119, one round 184/244/351; comparison 27).
func TestAuditVotesJSON(t *testing.T) {
	code, out, errs := scrutin(t, "", "audit", "--votes", "A=600,B=400", "--risk-limit", "0.10", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"ballots", "bravo", "comparison", "contest", "diluted_margin", "margin", "risk_limit", "units_to_flip", "votes_to_flip", "winners"}
	if !slices.Equal(keys, want) {
		t.Errorf("keys %v, want exactly %v", keys, want)
	}
	var a struct {
		Ballots       int64    `json:"ballots"`
		Winners       []string `json:"winners"`
		Margin        float64  `json:"margin"`
		DilutedMargin float64  `json:"diluted_margin"`
		VotesToFlip   int64    `json:"votes_to_flip"`
		UnitsToFlip   *int     `json:"units_to_flip"`
		RiskLimit     float64  `json:"risk_limit"`
		Bravo         struct {
			ASN         int64             `json:"asn"`
			SampleSizes map[string]*int64 `json:"sample_sizes"`
		} `json:"bravo"`
		Comparison struct {
			SampleSize int64 `json:"sample_size"`
		} `json:"comparison"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	if a.Ballots != 1000 || !slices.Equal(a.Winners, []string{"A"}) || a.Margin != 0.2 || a.DilutedMargin != 0.2 ||
		a.VotesToFlip != 101 || a.UnitsToFlip != nil || a.RiskLimit != 0.1 || a.Bravo.ASN != 119 || a.Comparison.SampleSize != 27 {
		t.Errorf("%+v", a)
	}
	for q, n := range map[string]int64{"0.7": 184, "0.8": 244, "0.9": 351} {
		if p := a.Bravo.SampleSizes[q]; p == nil || *p != n {
			t.Errorf("one-round size at %s: %v, want %d", q, p, n)
		}
	}
}

// TestAuditCapped: a size beyond the ballots is printed as the ballots,
// and the text says it is a full hand count; several winners have no
// one-round sizes (null).
func TestAuditCapped(t *testing.T) {
	_, out, _ := scrutin(t, "", "audit", "--votes", "A=550,B=450", "--format", "json")
	var d struct {
		Bravo struct {
			SampleSizes map[string]*int64 `json:"sample_sizes"`
		} `json:"bravo"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if p := d.Bravo.SampleSizes["0.9"]; p == nil || *p != 1000 {
		t.Errorf("0.9 size %v, want 1000 (Arlo's 1,423, capped)", p)
	}
	if _, text, _ := scrutin(t, "", "audit", "--votes", "A=550,B=450"); !strings.Contains(strings.ReplaceAll(text, "\n  ", " "), "1,000 (a full hand count)") {
		t.Errorf("text does not say full hand count:\n%s", text)
	}
	_, out, _ = scrutin(t, "", "audit", "--votes", "A=300,B=200,C=100", "--ballots", "700", "--winners", "2", "--format", "json")
	if !strings.Contains(out, `"0.9": null`) || !strings.Contains(out, `"asn": 101`) {
		t.Errorf("two winners (Arlo's test7: ASN 101, no one-round sizes):\n%s", out)
	}
}

// TestAuditExample: the built-in example's contests, as text in English
// and French (golden files), and as JSON with the units to flip.
func TestAuditExample(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		code, out, errs := scrutin(t, "", "audit", "--lang", lang)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		golden(t, "audit-example."+lang+".txt", out)
	}
	code, out, errs := scrutin(t, "", "audit", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var docs []struct {
		Contest     string  `json:"contest"`
		VotesToFlip int64   `json:"votes_to_flip"`
		UnitsToFlip *int    `json:"units_to_flip"`
		RiskLimit   float64 `json:"risk_limit"`
	}
	if err := json.Unmarshal([]byte(out), &docs); err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[0].Contest != "fr-pr2017-t1" || docs[0].VotesToFlip != 232749 || docs[0].UnitsToFlip == nil || *docs[0].UnitsToFlip != 1 || docs[0].RiskLimit != 0.09 ||
		docs[1].VotesToFlip != 5052327 || *docs[1].UnitsToFlip != 6 || docs[1].RiskLimit != 0.1 {
		t.Errorf("%+v", docs)
	}
	// --risk-limit overrides the audit control's.
	_, out, _ = scrutin(t, "", "audit", "--contest", "fr-pr2017-t1", "--risk-limit", "0.05", "--format", "json")
	if !strings.Contains(out, `"risk_limit": 0.05`) || !strings.HasPrefix(out, "{") {
		t.Errorf("--contest with --risk-limit:\n%.300s", out)
	}
}

func TestAuditRefuses(t *testing.T) {
	dir := t.TempDir()
	noContests := filepath.Join(dir, "m.yaml")
	if err := os.WriteFile(noContests, mustReadExample(t, "minimal.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--votes", "A=500,B=500"}, "tie"},
		{[]string{"--votes", "A=600,B=4x0"}, "--votes: item 2"},
		{[]string{"--votes", "A=600"}, "two candidates"},
		{[]string{"--votes", "A=600,B=400", "--ballots", "900"}, "cannot come from 900 ballots"},
		{[]string{"--votes", "A=600,B=400", "--winners", "2"}, "1 to 1 winners"},
		{[]string{"--votes", ""}, "no votes"},
		{[]string{"--votes", "A=600,B=400", "--contest", "x"}, "without a MODEL or --contest"},
		{[]string{"--ballots", "5"}, "--ballots and --winners describe a contest typed with --votes"},
		{[]string{"--contest", "nope"}, `no contest "nope"; its contests: fr-pr2017-t1, fr-pr2017-t2`},
		{[]string{noContests}, "the model has no contests"},
		{[]string{"--format", "xml"}, "--format must be text or json"},
		{[]string{"--risk-limit", "0"}, "--risk-limit: 0 is not a probability above 0 and below 1"},
	} {
		code, _, errs := scrutin(t, "", append([]string{"audit"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
}

func mustReadExample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := examples.Files.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := model.Decode(name, b); err != nil {
		t.Fatal(err)
	}
	return b
}
