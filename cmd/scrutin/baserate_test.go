package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestBaserate: the rate of hack-and-leak against EU parties, with its
// incidents, sources and arithmetic, and the same figures in JSON.
func TestBaserate(t *testing.T) {
	code, out, errs := scrutin(t, "", "baserate", "--target", "party", "--kind", "hack-and-leak", "--country-set", "eu", "--orgs", "40", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var d struct {
		Events    int     `json:"events"`
		Years     int     `json:"years"`
		Orgs      float64 `json:"orgs"`
		Exposure  float64 `json:"exposure"`
		Shape     float64 `json:"shape"`
		Rate      float64 `json:"rate"`
		Mean      float64 `json:"mean"`
		P5        float64 `json:"p5"`
		P95       float64 `json:"p95"`
		Incidents []struct {
			Source string `json:"source"`
		} `json:"incidents"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.Events == 0 || d.Events != len(d.Incidents) || d.Orgs != 40 || d.Exposure != 40*float64(d.Years) ||
		d.Shape != 0.5+float64(d.Events) || d.Rate != d.Exposure || d.Mean != d.Shape/d.Rate || !(d.P5 < d.Mean && d.Mean < d.P95) {
		t.Errorf("%+v", d)
	}
	code, text, _ := scrutin(t, "", "baserate", "--target", "party", "--kind", "hack-and-leak", "--country-set", "eu", "--orgs", "40")
	for _, want := range []string{"Exposure: 40 organisations of the kind", "Posterior: Gamma(shape 0.5 + ", d.Incidents[0].Source, "frequency: {baserate: {target: party, kind: hack-and-leak, countries: eu, orgs: 40}}", "lower bound"} {
		if code != 0 || !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	// The default exposure is said.
	if _, text, _ := scrutin(t, "", "baserate", "--target", "election-authority", "--kind", "ddos"); !strings.Contains(text, "the default: one per country") {
		t.Errorf("default exposure not said:\n%s", text)
	}
}

func TestBaserateRefuses(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "give --target and --kind"},
		{[]string{"--target", "club", "--kind", "ddos"}, `target "club" is not one of`},
		{[]string{"--target", "party", "--kind", "spam"}, `kind "spam" is not one of`},
		{[]string{"--target", "party", "--kind", "ddos", "--country-set", "mars"}, "neither a country code nor a set"},
		{[]string{"--target", "party", "--kind", "ddos", "--from", "2024", "--to", "2020"}, "from 2024 to 2020"},
		{[]string{"--target", "party", "--kind", "ddos", "--format", "xml"}, "--format must be text or json"},
	} {
		code, _, errs := scrutin(t, "", append([]string{"baserate"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
}
