package web

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// Evidence in runs: the run form offers the organisation's evidence when
// the model has an evidence: section (as the plan form does), the run
// calibrates with the evidence ticked (the API's path: queueRun, then
// the runner's simulate), and the run's page shows, for each calibrated
// parameter, the prior against the posterior, naming the evidence used.

// evidenceChoices are the organisation's evidence for a form of a model
// with an evidence: section (none otherwise), each checked when checked
// says so.
func (s *Server) evidenceChoices(ctx context.Context, org string, m *model.Model, checked func(store.Evidence) bool) ([]evidenceChoice, error) {
	if len(m.Evidence) == 0 {
		return nil, nil
	}
	es, err := s.db.EvidenceList(ctx, org, store.Page{Limit: maxListed})
	if err != nil {
		return nil, err
	}
	out := make([]evidenceChoice, 0, len(es))
	for _, e := range es {
		out = append(out, evidenceChoice{Evidence: e, Checked: checked(e)})
	}
	return out, nil
}

// countedBy says whether an entry of the model's evidence: section counts
// from evidence of the kind (telemetry or phishing).
func countedBy(m *model.Model, kind string) bool {
	return slices.ContainsFunc(m.Evidence, func(e model.Evidence) bool { return informs(&e, kind) })
}

// runEvidenceChecked is which evidence the run form ticks: with
// ?evidence=ID… (a run again), exactly those; else every piece of a kind
// that the model counts from, so that a model that counts evidence runs
// as it is.
func runEvidenceChecked(m *model.Model, ids []string) func(store.Evidence) bool {
	return func(e store.Evidence) bool {
		if ids != nil {
			return slices.Contains(ids, strconv.FormatInt(e.ID, 10))
		}
		return countedBy(m, e.Kind)
	}
}

// countedEntries are the ids of the model's evidence: entries that count
// from evidence (match:), which the run form names.
func countedEntries(m *model.Model) []string {
	var ids []string
	for _, e := range m.Evidence {
		if e.Match != nil {
			ids = append(ids, e.ID)
		}
	}
	return ids
}

// runCalibrations are the calibrated parameters of a run's result (its
// "calibration"), with the scenarios' names; none for a run without
// evidence.
func runCalibrations(run *store.Run, names map[string]string) ([]calibration, error) {
	if len(run.Evidence) == 0 {
		return nil, nil
	}
	var res struct {
		Calibration []evidence.Update `json:"calibration"`
	}
	if err := json.Unmarshal(run.Result, &res); err != nil {
		return nil, fmt.Errorf("run %d: stored calibration: %w", run.ID, err)
	}
	out := make([]calibration, len(res.Calibration))
	for i := range res.Calibration {
		u := &res.Calibration[i]
		c := calibration{Scenario: u.Scenario, Name: names[u.Scenario], Parameter: u.Parameter, Update: u}
		for _, o := range u.Evidence {
			c.Entries = append(c.Entries, o.ID)
		}
		out[i] = c
	}
	return out, nil
}

// Change is how much the evidence moved the parameter's mean, as a
// signed fraction of the prior's (0 when the prior's mean is 0).
func (c *calibration) Change() float64 {
	if c.Update.Prior.Mean == 0 {
		return 0
	}
	return c.Update.Posterior.Mean/c.Update.Prior.Mean - 1
}

// ChangeText writes Change with its sign: "+187.4%", "−38.2%".
func (c *calibration) ChangeText(p *i18n.Printer) string {
	x := c.Change()
	if x < 0 {
		return "\u2212" + p.Percent(-x)
	}
	return "+" + p.Percent(x)
}

// Sources are the observations' sources: the entries' own, with the
// evidence they counted from.
func (c *calibration) Sources() []string {
	var out []string
	for _, o := range c.Update.Evidence {
		if o.Source != "" && !slices.Contains(out, o.Source) {
			out = append(out, o.Source)
		}
	}
	return out
}

// usedEvidence is a piece of evidence a run calibrated with, by name
// (Name "" when it has since been deleted).
type usedEvidence struct {
	ID   int64
	Name string
}

// runEvidence names the evidence a run calibrated with.
func (s *Server) runEvidence(ctx context.Context, run *store.Run) ([]usedEvidence, error) {
	out := make([]usedEvidence, 0, len(run.Evidence))
	for _, id := range run.Evidence {
		e, err := s.db.Evidence(ctx, run.OrgID, id)
		switch {
		case model.ErrorCode(err) == model.ENOTFOUND:
			out = append(out, usedEvidence{ID: id})
		case err != nil:
			return nil, err
		default:
			out = append(out, usedEvidence{ID: id, Name: e.Name})
		}
	}
	return out, nil
}

// CountedList names the model's entries that count from evidence.
func (p *runFormPage) CountedList() string { return strings.Join(p.Counted, ", ") }
