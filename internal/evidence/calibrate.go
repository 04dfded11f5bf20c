package evidence

import (
	"encoding/json"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/scrutin/scrutin/internal/dist"
	"github.com/scrutin/scrutin/internal/model"
)

// EvidenceFile is what calibration reads of an evidence file: the JSON that
// `scrutin ingest` (kind "telemetry") and `scrutin phishing` (kind
// "phishing") write.
type EvidenceFile struct {
	Name  string     `json:"-"`
	Kind  string     `json:"kind"`
	First *time.Time `json:"first"`
	Last  *time.Time `json:"last"`
	// ObservedFirst and ObservedLast span every dated record, not only the
	// events: the window the logs watched, which is the exposure.
	ObservedFirst *time.Time     `json:"observed_first"`
	ObservedLast  *time.Time     `json:"observed_last"`
	Groups        []fileGroup    `json:"groups"`
	Campaigns     []fileCampaign `json:"campaigns"`
}

type fileGroup struct {
	Category  string `json:"category"`
	Technique string `json:"technique"`
	Actor     string `json:"actor"`
	Asset     string `json:"asset"`
	Org       string `json:"org"`
	Outcome   string `json:"outcome"`
	Events    int64  `json:"events"`
}

type fileCampaign struct {
	Name      string `json:"name"`
	Sent      int64  `json:"sent"`
	Opened    int64  `json:"opened"`
	Clicked   int64  `json:"clicked"`
	Submitted int64  `json:"submitted"`
	Reported  int64  `json:"reported"`
}

// ReadEvidenceFile reads an evidence file; name is used in messages.
func ReadEvidenceFile(name string, r io.Reader) (*EvidenceFile, error) {
	var f EvidenceFile
	dec := json.NewDecoder(r)
	if err := dec.Decode(&f); err != nil {
		return nil, model.Errorf(model.EINVALID, "%s: not an evidence file (the JSON that scrutin ingest or scrutin phishing write): %v", name, err)
	}
	f.Name = name
	switch f.Kind {
	case "telemetry", "phishing":
	default:
		return nil, model.Errorf(model.EINVALID, "%s: unknown evidence kind %q (want telemetry or phishing)", name, f.Kind)
	}
	for i, g := range f.Groups {
		if g.Events < 0 {
			return nil, model.Errorf(model.EINVALID, "%s: groups[%d]: a negative number of events (%d)", name, i, g.Events)
		}
	}
	for i, c := range f.Campaigns {
		for _, n := range []int64{c.Opened, c.Clicked, c.Submitted, c.Reported} {
			if n < 0 || c.Sent < 0 || n > c.Sent {
				return nil, model.Errorf(model.EINVALID, "%s: campaigns[%d] (%q): counts must lie between 0 and the e-mails sent (%d)", name, i, c.Name, c.Sent)
			}
		}
	}
	return &f, nil
}

// Observation is one piece of evidence as it entered a calibration, with
// the numbers it brought.
type Observation struct {
	ID        string   `json:"id"`
	Source    string   `json:"source,omitempty"`
	Events    *float64 `json:"events,omitempty"`
	Exposure  *float64 `json:"exposure,omitempty"` // years
	Successes *float64 `json:"successes,omitempty"`
	Attempts  *float64 `json:"attempts,omitempty"`
}

// Belief summarises a distribution of a parameter.
type Belief struct {
	Dist model.Dist `json:"dist"`
	Mean float64    `json:"mean"`
	P5   float64    `json:"p5"`
	P95  float64    `json:"p95"`
}

// Update says which evidence moved which parameter, from what to what.
type Update struct {
	Scenario  string        `json:"scenario"`
	Parameter string        `json:"parameter"`
	Evidence  []Observation `json:"evidence"`
	// Prior is the model's distribution; Matched is its moment-matched
	// conjugate form (Gamma for a frequency, Beta for a vulnerability), which
	// the evidence updates into Posterior.
	Prior     Belief `json:"prior"`
	Matched   Belief `json:"matched"`
	Posterior Belief `json:"posterior"`
}

// yearSeconds is the length of a year in seconds (365.25 days).
const yearSeconds = 365.25 * 24 * 3600

// Calibrate updates the model's priors with its evidence section, counting
// matched numbers in files: threat events over an exposure update a
// frequency (its prior moment-matched to a Gamma, then the conjugate
// Gamma–Poisson update), successes out of attempts a vulnerability (a Beta,
// then Beta–Binomial). It returns a copy of m with the posteriors in place,
// and one Update per calibrated parameter, in model order. m must be valid.
func Calibrate(m *model.Model, files []*EvidenceFile) (*model.Model, []Update, error) {
	if len(m.Evidence) == 0 {
		if len(files) > 0 {
			return nil, nil, model.Errorf(model.EINVALID, "evidence files were given but the model has no evidence: section to say which scenario they inform")
		}
		return m, nil, nil
	}
	type key struct{ scenario, parameter string }
	obs := map[key][]Observation{}
	for i := range m.Evidence {
		o, err := observe(&m.Evidence[i], files)
		if err != nil {
			return nil, nil, err
		}
		k := key{m.Evidence[i].Scenario, m.Evidence[i].Parameter}
		obs[k] = append(obs[k], o)
	}
	out := *m
	out.Scenarios = slices.Clone(m.Scenarios)
	var updates []Update
	for i := range out.Scenarios {
		s := &out.Scenarios[i]
		for _, param := range []string{model.ParamFrequency, model.ParamVulnerability} {
			os, ok := obs[key{s.ID, param}]
			if !ok {
				continue
			}
			var u Update
			var err error
			if param == model.ParamFrequency {
				u, err = updateFrequency(s.Frequency, os)
				if err == nil {
					s.Frequency = u.Posterior.Dist
				}
			} else {
				u, err = updateVulnerability(*s.Vulnerability.Prob, os)
				if err == nil {
					post := u.Posterior.Dist
					s.Vulnerability.Prob = &post
				}
			}
			if err != nil {
				return nil, nil, model.Errorf(model.EINVALID, "scenario %q, %s: %v", s.ID, param, err)
			}
			u.Scenario, u.Parameter = s.ID, param
			updates = append(updates, u)
		}
	}
	return &out, updates, nil
}

// observe turns one piece of evidence into numbers.
func observe(e *model.Evidence, files []*EvidenceFile) (Observation, error) {
	o := Observation{ID: e.ID, Source: e.Source}
	if e.Match == nil {
		o.Events, o.Exposure, o.Successes, o.Attempts = e.Events, e.Exposure, e.Successes, e.Attempts
		return o, nil
	}
	mt := e.Match
	var used []string
	if mt.Phishing != "" {
		var s, n int64
		found := false
		for _, f := range files {
			if f.Kind != "phishing" {
				continue
			}
			for _, c := range f.Campaigns {
				if mt.Campaign != "" && c.Name != mt.Campaign {
					continue
				}
				found = true
				n += c.Sent
				s += stage(c, mt.Phishing)
				used = append(used, f.Name)
			}
		}
		if !found {
			what := model.T("no phishing results")
			if mt.Campaign != "" {
				what = model.T("no phishing campaign %q", mt.Campaign)
			}
			return o, model.Errorf(model.EINVALID, "evidence %q: %s in the evidence files given (%s)", e.ID, what, fileNames(files))
		}
		o.Successes, o.Attempts = ptr(float64(s)), ptr(float64(n))
		o.Source = joinSource(e.Source, used)
		return o, nil
	}
	var events, succeeded int64
	var first, last *time.Time
	telemetry := 0
	for _, f := range files {
		if f.Kind != "telemetry" {
			continue
		}
		telemetry++
		matched := false
		for _, g := range f.Groups {
			if !matches(mt, g) {
				continue
			}
			matched = true
			events += g.Events
			if g.Outcome == string(Succeeded) {
				succeeded += g.Events
			}
		}
		if matched {
			used = append(used, f.Name)
		}
		// The exposure is the window the files watched (every dated record),
		// or else the span of their events.
		fFirst, fLast := f.First, f.Last
		if f.ObservedFirst != nil && f.ObservedLast != nil {
			fFirst, fLast = f.ObservedFirst, f.ObservedLast
		}
		if fFirst != nil && (first == nil || fFirst.Before(*first)) {
			first = fFirst
		}
		if fLast != nil && (last == nil || fLast.After(*last)) {
			last = fLast
		}
	}
	if telemetry == 0 {
		return o, model.Errorf(model.EINVALID, "evidence %q counts telemetry events, but no telemetry evidence file was given (scrutin run --evidence FILE, from scrutin ingest --out FILE)", e.ID)
	}
	o.Source = joinSource(e.Source, used)
	if e.Parameter == model.ParamVulnerability {
		o.Successes, o.Attempts = ptr(float64(succeeded)), ptr(float64(events))
		return o, nil
	}
	o.Events = ptr(float64(events))
	o.Exposure = e.Exposure
	if o.Exposure == nil {
		if first == nil || last == nil || !last.After(*first) {
			return o, model.Errorf(model.EINVALID, "evidence %q: the evidence files span no time, so the exposure is unknown: give exposure (years)", e.ID)
		}
		o.Exposure = ptr(last.Sub(*first).Seconds() / yearSeconds)
	}
	return o, nil
}

func stage(c fileCampaign, s string) int64 {
	switch s {
	case "opened":
		return c.Opened
	case "clicked":
		return c.Clicked
	case "reported":
		return c.Reported
	}
	return c.Submitted
}

// matches says whether a group has every field the match gives (the
// actor among the group's actors).
func matches(m *model.EvidenceMatch, g fileGroup) bool {
	eq := func(want, got string) bool { return want == "" || strings.EqualFold(want, got) }
	// An event matched to several actors lists them joined by commas.
	actor := m.Actor == "" || slices.ContainsFunc(strings.Split(g.Actor, ","), func(a string) bool {
		return strings.EqualFold(strings.TrimSpace(a), m.Actor)
	})
	return eq(m.Category, g.Category) && eq(m.Technique, g.Technique) && actor &&
		eq(m.Asset, g.Asset) && eq(m.Org, g.Org) && eq(m.Outcome, g.Outcome)
}

func fileNames(files []*EvidenceFile) string {
	if len(files) == 0 {
		return "none"
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

func joinSource(source string, files []string) string {
	files = slices.Compact(files)
	if len(files) == 0 {
		return source
	}
	if source == "" {
		return strings.Join(files, ", ")
	}
	return source + " (" + strings.Join(files, ", ") + ")"
}

func ptr(x float64) *float64 { return &x }

// belief summarises d for domain dom.
func belief(d model.Dist, dom model.Domain) (Belief, dist.Dist, error) {
	dd, err := dist.New(d, dom)
	if err != nil {
		return Belief{}, nil, err
	}
	return Belief{Dist: d, Mean: dd.Mean(), P5: dd.Quantile(0.05), P95: dd.Quantile(0.95)}, dd, nil
}

// updateFrequency moment-matches the prior rate to Gamma(k, r) — k = m²/v,
// r = m/v — and adds the events to the shape and the exposure to the rate.
func updateFrequency(prior model.Dist, os []Observation) (Update, error) {
	u := Update{Evidence: os}
	var dd dist.Dist
	var err error
	if u.Prior, dd, err = belief(prior, model.NonNegative); err != nil {
		return u, err
	}
	mean, v := dd.Mean(), dd.Variance()
	if !(mean > 0 && v > 0) {
		return u, model.Errorf(model.EINVALID, "the prior (mean %g, variance %g) cannot be matched to a Gamma", mean, v)
	}
	k, r := mean*mean/v, mean/v
	var events, exposure float64
	for _, o := range os {
		events += *o.Events
		exposure += *o.Exposure
	}
	matched := model.Dist{Kind: model.Gamma, Params: []float64{k, r}}
	post := model.Dist{Kind: model.Gamma, Params: []float64{k + events, r + exposure}}
	if u.Matched, _, err = belief(matched, model.NonNegative); err != nil {
		return u, err
	}
	if u.Posterior, _, err = belief(post, model.NonNegative); err != nil {
		return u, err
	}
	return u, nil
}

// updateVulnerability moment-matches the prior probability to Beta(α, β) —
// c = m(1−m)/v − 1, α = m·c, β = (1−m)·c — and adds successes to α and
// failures to β.
func updateVulnerability(prior model.Dist, os []Observation) (Update, error) {
	u := Update{Evidence: os}
	var dd dist.Dist
	var err error
	if u.Prior, dd, err = belief(prior, model.Probability); err != nil {
		return u, err
	}
	mean, v := dd.Mean(), dd.Variance()
	c := mean*(1-mean)/v - 1
	if !(mean > 0 && mean < 1 && v > 0 && c > 0) || math.IsInf(c, 0) {
		return u, model.Errorf(model.EINVALID, "the prior (mean %g, variance %g) cannot be matched to a Beta", mean, v)
	}
	a, b := mean*c, (1-mean)*c
	var s, n float64
	for _, o := range os {
		s += *o.Successes
		n += *o.Attempts
	}
	matched := model.Dist{Kind: model.Beta, Params: []float64{a, b}}
	post := model.Dist{Kind: model.Beta, Params: []float64{a + s, b + n - s}}
	if u.Matched, _, err = belief(matched, model.Probability); err != nil {
		return u, err
	}
	if u.Posterior, _, err = belief(post, model.Probability); err != nil {
		return u, err
	}
	return u, nil
}
