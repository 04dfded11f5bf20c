package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/report"
)

var nationalDemo = []string{"national", "party=../../examples/national/party.yaml", "authority=../../examples/national/authority.yaml", "--trials", "20000"}

// TestNational: the national run of the two demonstration models, in JSON
// and in text with the same figures.
func TestNational(t *testing.T) {
	code, out, errs := scrutin(t, "", append(nationalDemo, "--format", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r struct {
		Trials    int64 `json:"trials"`
		Portfolio struct {
			Mean      float64            `json:"mean"`
			Quantiles map[string]float64 `json:"quantiles"`
			Harms     map[string]any     `json:"harms"`
		} `json:"portfolio"`
		Organisations []struct {
			Org         string  `json:"org"`
			Mean        float64 `json:"mean"`
			ShareOfMean float64 `json:"share_of_mean"`
		} `json:"organisations"`
		Diversification struct {
			SumOfP99       float64 `json:"sum_of_p99"`
			P99            float64 `json:"p99"`
			IndependentP99 float64 `json:"independent_p99"`
		} `json:"diversification"`
		Shared []struct {
			Name string   `json:"name"`
			Orgs []string `json:"orgs"`
		} `json:"shared"`
		Scenarios any `json:"scenarios"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Trials != 20000 || len(r.Organisations) != 2 || r.Organisations[0].Org != "party" || len(r.Portfolio.Harms) != 2 ||
		len(r.Shared) != 1 || r.Shared[0].Name != "G0007" || r.Scenarios != nil {
		t.Errorf("%s", out)
	}
	if d := r.Diversification; !(d.P99 > 0 && d.P99 < d.SumOfP99) {
		t.Errorf("diversification %+v", d)
	}
	code, text, _ := scrutin(t, "", nationalDemo...)
	for _, want := range []string{"National run: party, authority", report.Money(r.Portfolio.Mean), report.Money(r.Portfolio.Quantiles["p99"]),
		report.Money(r.Organisations[1].Mean), report.Money(r.Diversification.SumOfP99), "G0007: party.apt28, authority.fancy-bear"} {
		if code != 0 || !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

func TestNationalRefuses(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"national"}, 2, "needs at least 1 argument"},
		{[]string{"national", "../../examples/minimal.yaml"}, 2, `give ORG=MODEL`},
		{[]string{"national", "a=../../examples/minimal.yaml", "--format", "csv"}, 2, "--format must be text or json"},
		{[]string{"national", "a=../../examples/minimal.yaml", "--evidence", "b=x.json"}, 2, `organisation "b", which has no model`},
		{[]string{"national", "a=../../examples/minimal.yaml", "b=../../examples/national/party.yaml"}, 2, "periods of 365 days"},
		{[]string{"national", "a=../../examples/minimal.yaml", "a=../../examples/minimal.yaml"}, 2, `"a" is given twice`},
		{[]string{"national", "a=nope.yaml"}, 2, "cannot read model nope.yaml"},
	} {
		code, _, errs := scrutin(t, "", c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, errs, c.code, c.want)
		}
	}
}

// TestREADMENationalIsTrue: the README's national run is what the command
// prints.
func TestREADMENationalIsTrue(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the national demonstration in full")
	}
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const start = "$ scrutin national party=examples/national/party.yaml authority=examples/national/authority.yaml\n"
	_, rest, ok := strings.Cut(string(b), start)
	if !ok {
		t.Fatal("the README shows no national run")
	}
	shown, _, _ := strings.Cut(rest, "```")
	code, out, errs := scrutin(t, "", "national", "party=../../examples/national/party.yaml", "authority=../../examples/national/authority.yaml")
	if code != 0 || out != shown {
		t.Errorf("exit %d %s; the README shows:\n%s\nthe command prints:\n%s", code, errs, shown, out)
	}
}
