package evidence

import (
	"math"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/internal/model"
)

const calibrationModel = `scrutin: 1
name: calibration
currency: EUR
organizations: [{id: o, name: O, kind: campaign}]
assets: [{id: web, org: o, name: Web, kind: website}, {id: mail, org: o, name: Mail, kind: email}]
actors: [{id: a, name: A}]
scenarios:
  - {id: ddos, name: DDoS, actor: a, assets: [web], effect: availability,
     frequency: {gamma: [2, 1]}, vulnerability: 0.5, magnitude: 1000}
  - {id: phish, name: Phishing, actor: a, assets: [mail], effect: confidentiality,
     frequency: {pert: [0.5, 2, 10]}, vulnerability: {beta: [2, 8]}, magnitude: 1000}
  - {id: brute, name: Brute force, actor: a, assets: [mail], effect: confidentiality,
     frequency: {uniform: [1, 3]}, vulnerability: {uniform: [0, 0.2]}, magnitude: 1000}
evidence:
`

func mustCalibrate(t *testing.T, evidence string, files ...*EvidenceFile) (*model.Model, []Update) {
	t.Helper()
	m, err := model.Decode("m.yaml", []byte(calibrationModel+evidence))
	if err != nil {
		t.Fatal(err)
	}
	out, ups, err := Calibrate(m, files)
	if err != nil {
		t.Fatal(err)
	}
	return out, ups
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// TestConjugateUpdates checks the posteriors against closed forms: a
// Gamma(k, r) prior with n events over t years gives Gamma(k+n, r+t); a
// Beta(α, β) prior with s successes of n gives Beta(α+s, β+n−s).
func TestConjugateUpdates(t *testing.T) {
	out, ups := mustCalibrate(t, `  - {id: cdn, scenario: ddos, parameter: frequency, events: 5, exposure: 2, source: CDN logs}
  - {id: cdn2, scenario: ddos, parameter: frequency, events: 1, exposure: 0.5}
  - {id: sim, scenario: phish, parameter: vulnerability, successes: 12, attempts: 150}
  - {id: waves, scenario: phish, parameter: frequency, events: 3, exposure: 1}
`)
	if len(ups) != 3 {
		t.Fatalf("%d updates", len(ups))
	}
	// ddos: Gamma(2, 1) is already a Gamma: matched exactly, then (2+6, 1+2.5).
	d := ups[0]
	if d.Scenario != "ddos" || d.Parameter != "frequency" || len(d.Evidence) != 2 {
		t.Errorf("update 0: %+v", d)
	}
	if p := d.Matched.Dist.Params; !near(p[0], 2) || !near(p[1], 1) {
		t.Errorf("matched %v, want gamma [2, 1]", p)
	}
	if p := d.Posterior.Dist.Params; d.Posterior.Dist.Kind != model.Gamma || !near(p[0], 8) || !near(p[1], 3.5) {
		t.Errorf("posterior %v, want gamma [8, 3.5]", d.Posterior.Dist)
	}
	if !near(d.Posterior.Mean, 8/3.5) || !(d.Posterior.P5 < d.Posterior.Mean && d.Posterior.Mean < d.Posterior.P95) {
		t.Errorf("posterior belief %+v", d.Posterior)
	}
	// phish frequency: PERT(0.5, 2, 10) has mean (0.5+8+10)/6 and variance
	// (μ−min)(max−μ)/7; matched k = m²/v, r = m/v; posterior (k+3, r+1).
	m := 18.5 / 6
	v := (m - 0.5) * (10 - m) / 7
	f := ups[1]
	if f.Scenario != "phish" || f.Parameter != "frequency" {
		t.Fatalf("update 1: %+v", f)
	}
	if p := f.Matched.Dist.Params; !near(p[0], m*m/v) || !near(p[1], m/v) {
		t.Errorf("matched %v, want [%v, %v]", p, m*m/v, m/v)
	}
	if p := f.Posterior.Dist.Params; !near(p[0], m*m/v+3) || !near(p[1], m/v+1) {
		t.Errorf("posterior %v", p)
	}
	if !near(f.Prior.Mean, m) {
		t.Errorf("prior mean %v, want %v", f.Prior.Mean, m)
	}
	// phish vulnerability: Beta(2, 8) + 12 of 150 → Beta(14, 146).
	b := ups[2]
	if p := b.Posterior.Dist.Params; b.Posterior.Dist.Kind != model.Beta || !near(p[0], 14) || !near(p[1], 146) {
		t.Errorf("posterior %v, want beta [14, 146]", b.Posterior.Dist)
	}
	// The calibrated model carries the posteriors; the original is untouched.
	if out.Scenarios[0].Frequency.Kind != model.Gamma || !near(out.Scenarios[0].Frequency.Params[0], 8) {
		t.Errorf("calibrated frequency %v", out.Scenarios[0].Frequency)
	}
	if out.Scenarios[1].Vulnerability.Prob.Params[0] != 14 {
		t.Errorf("calibrated vulnerability %v", out.Scenarios[1].Vulnerability.Prob)
	}
}

func TestMomentMatchedBeta(t *testing.T) {
	// uniform[0, 0.2]: mean 0.1, variance 0.04/12; c = m(1−m)/v − 1.
	_, ups := mustCalibrate(t, `  - {id: ssh, scenario: brute, parameter: vulnerability, successes: 0, attempts: 40}
`)
	m, v := 0.1, 0.04/12
	c := m*(1-m)/v - 1
	p := ups[0].Posterior.Dist.Params
	if !near(ups[0].Matched.Dist.Params[0], m*c) || !near(p[0], m*c) || !near(p[1], (1-m)*c+40) {
		t.Errorf("matched %v posterior %v; want α %v β %v+40", ups[0].Matched.Dist.Params, p, m*c, (1-m)*c)
	}
	if !(ups[0].Posterior.Mean < ups[0].Prior.Mean) {
		t.Error("no success in 40 attempts should lower the vulnerability")
	}
}

func TestMatchedEvidence(t *testing.T) {
	tel, err := ReadEvidenceFile("ssh.json", strings.NewReader(`{"kind": "telemetry",
	  "first": "2017-01-01T00:00:00Z", "last": "2017-07-02T15:00:00Z",
	  "groups": [
	    {"category": "brute-force", "technique": "T1110", "asset": "mail", "outcome": "blocked", "events": 30},
	    {"category": "brute-force", "technique": "T1110", "asset": "mail", "outcome": "succeeded", "events": 2},
	    {"category": "scan", "technique": "T1595", "asset": "web", "outcome": "unknown", "events": 500}]}`))
	if err != nil {
		t.Fatal(err)
	}
	phish, err := ReadEvidenceFile("gophish.json", strings.NewReader(`{"kind": "phishing", "campaigns": [
	    {"name": "Q1", "sent": 100, "opened": 60, "clicked": 30, "submitted": 12, "reported": 5},
	    {"name": "Q2", "sent": 100, "opened": 50, "clicked": 20, "submitted": 6, "reported": 15}]}`))
	if err != nil {
		t.Fatal(err)
	}
	_, ups := mustCalibrate(t, `  - {id: ssh-f, scenario: brute, parameter: frequency, match: {category: brute-force, asset: mail}}
  - {id: ssh-v, scenario: brute, parameter: vulnerability, match: {technique: T1110}}
  - {id: sim, scenario: phish, parameter: vulnerability, match: {phishing: submitted, campaign: Q2}}
`, tel, phish)
	span := (31+28+31+30+31+30+1)*24*3600.0 + 15*3600
	years := span / yearSeconds
	var brute, bruteV, phishV Update
	for _, u := range ups {
		switch {
		case u.Scenario == "brute" && u.Parameter == "frequency":
			brute = u
		case u.Scenario == "brute":
			bruteV = u
		default:
			phishV = u
		}
	}
	o := brute.Evidence[0]
	if *o.Events != 32 || !near(*o.Exposure, years) || o.Source != "ssh.json" {
		t.Errorf("frequency evidence %+v, want 32 events over %v years", o, years)
	}
	if o := bruteV.Evidence[0]; *o.Successes != 2 || *o.Attempts != 32 {
		t.Errorf("vulnerability evidence %+v, want 2 of 32", o)
	}
	if o := phishV.Evidence[0]; *o.Successes != 6 || *o.Attempts != 100 || !strings.Contains(o.Source, "gophish.json") {
		t.Errorf("phishing evidence %+v, want 6 of 100", o)
	}
}

func TestCalibrationErrors(t *testing.T) {
	m, err := model.Decode("m.yaml", []byte(calibrationModel+`  - {id: x, scenario: brute, parameter: frequency, match: {category: scan}}
`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Calibrate(m, nil); err == nil || !strings.Contains(err.Error(), "no telemetry evidence file") {
		t.Errorf("no file: %v", err)
	}
	flat, _ := ReadEvidenceFile("f.json", strings.NewReader(`{"kind": "telemetry", "groups": []}`))
	if _, _, err := Calibrate(m, []*EvidenceFile{flat}); err == nil || !strings.Contains(err.Error(), "give exposure") {
		t.Errorf("no span: %v", err)
	}
	if _, err := ReadEvidenceFile("x.json", strings.NewReader(`{"kind": "weather"}`)); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := ReadEvidenceFile("x.json", strings.NewReader(`[1, 2`)); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("bad JSON: %v", err)
	}
}

func TestEvidenceValidation(t *testing.T) {
	_, err := model.Decode("m.yaml", []byte(calibrationModel+`  - {id: a, scenario: ddos, parameter: frequency, events: 2}
  - {id: b, scenario: ddos, parameter: vulnerability, successes: 5, attempts: 3}
  - {id: c, scenario: nope, parameter: frequency, events: 1, exposure: 1}
  - {id: d, scenario: phish, parameter: frequency, events: 1.5, exposure: 0}
  - {id: e, scenario: phish, parameter: vulnerability, match: {phishing: clicked}, successes: 1}
`))
	if err == nil {
		t.Fatal("invalid evidence accepted")
	}
	for _, want := range []string{
		"evidence[0]: frequency evidence needs events and exposure",
		"evidence[1].scenario: scenario \"ddos\" has a constant vulnerability",
		"evidence[1].successes: successes (5) cannot exceed attempts (3)",
		"evidence[2].scenario: unknown scenario \"nope\"",
		"evidence[3].events: a count must be a whole number ≥ 0, got 1.5",
		"evidence[3].exposure: the exposure must be more than 0 years",
		"evidence[4]: give successes and attempts or a match to count them, not both",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}

// FuzzReadEvidenceFile: any input gives an evidence file or an EINVALID
// error, never a panic; a file read can be counted from.
func FuzzReadEvidenceFile(f *testing.F) {
	f.Add(`{"kind": "telemetry", "first": "2017-01-01T00:00:00Z", "last": "2017-02-01T00:00:00Z", "groups": [{"category": "scan", "events": 3}]}`)
	f.Add(`{"kind": "phishing", "campaigns": [{"name": "Q1", "sent": 10, "submitted": 2}]}`)
	f.Add(`{"kind": "telemetry", "groups": [{"actor": "G0007,G0016", "outcome": "succeeded", "events": 1}]}`)
	f.Add(`[]`)
	m, err := model.Decode("m.yaml", []byte(calibrationModel+`  - {id: a, scenario: brute, parameter: vulnerability, match: {category: scan}}
  - {id: b, scenario: phish, parameter: vulnerability, match: {phishing: submitted}}
  - {id: c, scenario: ddos, parameter: frequency, match: {actor: G0007}, exposure: 1}
`))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		ef, err := ReadEvidenceFile("fuzz.json", strings.NewReader(src))
		if err != nil {
			if model.ErrorCode(err) != model.EINVALID {
				t.Fatalf("error without EINVALID: %v", err)
			}
			return
		}
		if _, _, err := Calibrate(m, []*EvidenceFile{ef}); err != nil && model.ErrorCode(err) != model.EINVALID {
			t.Fatalf("calibrate: error without EINVALID: %v", err)
		}
	})
}
