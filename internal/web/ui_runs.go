package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/sim"
	"github.com/scrutin/scrutin/internal/store"
)

// Runs on the pages: the form that starts one, and the run's page, which
// shows its progress while it is queued or running (htmx polls a small
// fragment every second; without JavaScript the page reloads itself),
// then its result.

// runFormPage is the data of the run form.
type runFormPage struct {
	Model     *store.Model
	Revision  int
	Currency  string
	Trials    string
	Seed      string
	MaxTrials int64
	Controls  []controlChoice
	// Evidence is the organisation's evidence, offered when the model has
	// an evidence: section (Counts), whose entries that count from
	// evidence are Counted.
	Evidence []evidenceChoice
	Counts   bool
	Counted  []string
	Error    string
}

// controlChoice is a control of the model in the run form and the
// what-if of the analysis pages: checked when it is to be in force (at
// first, when it is implemented).
type controlChoice struct {
	model.Control
	Checked bool
}

// whatIfControls are the model's controls for a form, each checked when
// in force: the implemented ones, or with ?whatif=1 exactly those the
// query names (control=ID…; ids the model does not have are left out).
func whatIfControls(m *model.Model, q url.Values) (cs []controlChoice, whatIf bool) {
	whatIf, chosen := q.Get("whatif") != "", q["control"]
	for _, c := range m.Controls {
		on := c.Status == model.StatusImplemented
		if whatIf {
			on = slices.Contains(chosen, c.ID)
		}
		cs = append(cs, controlChoice{Control: c, Checked: on})
	}
	return cs, whatIf
}

// setWhatIf puts into q the what-if that puts exactly the controls ids
// in force, as whatIfControls reads it.
func setWhatIf(q url.Values, ids []string) url.Values {
	q.Set("whatif", "1")
	for _, id := range ids {
		q.Add("control", id)
	}
	return q
}

func (s *Server) runFormPageOf(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sm, rev, m, err := loadRevision(r.Context(), s.db, v.Org.ID, id, 0)
	if err != nil {
		return err
	}
	trials, seed, _ := trialsAndSeed(m, nil, nil, math.MaxInt64)
	page := &runFormPage{Model: sm, Revision: rev.Revision, Currency: m.Currency, MaxTrials: s.cfg.MaxTrials,
		Trials: strconv.FormatInt(trials, 10), Seed: strconv.FormatUint(seed, 10)}
	// A run again, or a what-if of the analysis pages, fills the form in:
	// ?trials=&seed=, and ?whatif=1&control=ID… for the controls in force
	// (ids the model no longer has are left out).
	q := r.URL.Query()
	trialsAndSeedFrom(q, &page.Trials, &page.Seed)
	page.Controls, _ = whatIfControls(m, q)
	page.Counts, page.Counted = len(m.Evidence) > 0, countedEntries(m)
	if page.Evidence, err = s.evidenceChoices(r.Context(), v.Org.ID, m, runEvidenceChecked(m, q["evidence"])); err != nil {
		return err
	}
	v.Title, v.Nav, v.Page = v.P.T("runform.title", sm.Name), "models", page
	return s.render(w, http.StatusOK, "runform", v)
}

// startRun queues a run from the form: the trials, the seed and the
// controls checked (those of the revision shown in the form), then goes
// to the run's page.
func (s *Server) startRun(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, org := r.Context(), v.Org.ID
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	form, err := readForm(w, r, maxSmallBody)
	if err != nil {
		return err
	}
	revNo, _ := strconv.Atoi(form.Get("revision"))
	sm, rev, m, err := loadRevision(ctx, s.db, org, id, max(revNo, 0))
	if err != nil {
		return err
	}
	page := &runFormPage{Model: sm, Revision: rev.Revision, Currency: m.Currency, MaxTrials: s.cfg.MaxTrials,
		Trials: strings.TrimSpace(form.Get("trials")), Seed: strings.TrimSpace(form.Get("seed"))}
	checked := form["control"]
	req := runRequest{Revision: rev.Revision, With: []string{}, Without: []string{}}
	for _, c := range m.Controls {
		on := slices.Contains(checked, c.ID)
		page.Controls = append(page.Controls, controlChoice{Control: c, Checked: on})
		switch {
		case on && c.Status != model.StatusImplemented:
			req.With = append(req.With, c.ID)
		case !on && c.Status == model.StatusImplemented:
			req.Without = append(req.Without, c.ID)
		}
	}
	page.Counts, page.Counted = len(m.Evidence) > 0, countedEntries(m)
	chosen := form["evidence"]
	if chosen == nil {
		chosen = []string{} // none ticked: none, not the default
	}
	if page.Evidence, err = s.evidenceChoices(ctx, org, m, runEvidenceChecked(m, chosen)); err != nil {
		return err
	}
	for _, e := range page.Evidence {
		if e.Checked {
			req.Evidence = append(req.Evidence, e.ID)
		}
	}
	fail := func(msg string) error {
		page.Error = msg
		v.Title, v.Nav, v.Page = v.P.T("runform.title", sm.Name), "models", page
		return s.render(w, http.StatusUnprocessableEntity, "runform", v)
	}
	var msg string
	if req.Trials, req.Seed, msg = s.trialsAndSeed(v.P, page.Trials, page.Seed); msg != "" {
		return fail(msg)
	}
	run, err := s.queueRun(ctx, org, id, req)
	if model.ErrorCode(err) == model.EINVALID {
		return fail(errorMessage(v.P, err, ""))
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, orgURL(org, "/runs/%d", run.ID))
}

// trialsAndSeedFrom fills a job form's trials and seed in from an again
// query (?trials=&seed=); a value that does not read leaves the field.
func trialsAndSeedFrom(q url.Values, trials, seed *string) {
	if t, err := strconv.ParseInt(q.Get("trials"), 10, 64); err == nil && t > 0 {
		*trials = strconv.FormatInt(t, 10)
	}
	if sd, err := strconv.ParseUint(q.Get("seed"), 10, 64); err == nil {
		*seed = strconv.FormatUint(sd, 10)
	}
}

// trialsAndSeed reads the simulated years and seed of a job's form (each
// nil when left empty), or says in msg what is wrong with them.
func (s *Server) trialsAndSeed(p *i18n.Printer, trials, seed string) (t *int64, sd *uint64, msg string) {
	if trials != "" {
		n, err := strconv.ParseInt(trials, 10, 64)
		if err != nil || n < 1 || n > s.cfg.MaxTrials {
			return nil, nil, p.T("runform.badtrials", p.Number(float64(s.cfg.MaxTrials), 0))
		}
		t = &n
	}
	if seed != "" {
		n, err := strconv.ParseUint(seed, 10, 64)
		if err != nil {
			return nil, nil, p.T("runform.badseed")
		}
		sd = &n
	}
	return t, sd, ""
}

// runPage is the data of a run's page.
type runPage struct {
	Run       *store.Run
	ModelName string
	// While queued or running:
	Percent int
	// Evidence is what the run calibrated with, Calibrations what it
	// changed (once succeeded).
	Evidence     []usedEvidence
	Calibrations []calibration
	// Once succeeded:
	Result      *runResult
	Verdict     string
	LEC         *chart
	Tolerance   []sim.TolerancePoint
	ScenarioMax float64
}

// AgainQuery is the run form's query that runs this run again: its
// trials, seed and controls in force.
func (p *runPage) AgainQuery() string {
	q := url.Values{"trials": {strconv.FormatInt(p.Run.Trials, 10)}, "seed": {strconv.FormatUint(p.Run.Seed, 10)}}
	for _, id := range p.Run.Evidence {
		q.Add("evidence", strconv.FormatInt(id, 10))
	}
	return "?" + setWhatIf(q, p.Run.Controls).Encode()
}

// Active says whether the run is still queued or running.
func (p *runPage) Active() bool {
	return p.Run.Status == store.RunQueued || p.Run.Status == store.RunRunning
}

// Announced is the progress rounded down to 10 %, which the live region
// reads out (each second's percentage would be noise).
func (p *runPage) Announced() int { return p.Percent / 10 * 10 }

func (s *Server) loadRunPage(r *http.Request, v *view) (*runPage, error) {
	ctx, org := r.Context(), v.Org.ID
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	run, err := s.db.Run(ctx, org, id)
	if err != nil {
		return nil, err
	}
	page := &runPage{Run: run, Percent: int(math.Floor(100 * run.Progress))}
	if m, err := s.db.Model(ctx, org, run.ModelID); err == nil {
		page.ModelName = m.Name
	} else {
		return nil, err
	}
	return page, nil
}

func (s *Server) runPageOf(w http.ResponseWriter, r *http.Request, v *view) error {
	page, err := s.loadRunPage(r, v)
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Page = v.P.T("run.title", page.Run.ID, page.ModelName), "runs", page
	if page.Evidence, err = s.runEvidence(r.Context(), page.Run); err != nil {
		return err
	}
	switch {
	case page.Active():
		v.Refresh = 2
	case page.Run.Status == store.RunSucceeded:
		rr, err := s.result(r.Context(), page.Run, page.ModelName)
		if err != nil {
			return err
		}
		res := rr.Result
		if res.CycleYears != 0 {
			// A model with a calendar: one simulated trial is one election.
			v.P = v.P.WithVariant("election")
		}
		page.Result, page.Verdict, v.Charts = rr, verdict(v.P, res), true
		page.LEC = lecChart("lec-data", v.P, res)
		if t := res.Portfolio.Tolerance; t != nil {
			page.Tolerance = t.Points
		}
		if len(rr.Scenarios) > 0 {
			page.ScenarioMax = rr.Scenarios[0].Mean
		}
		page.Calibrations = rr.Calibrations
	}
	return s.render(w, http.StatusOK, "run", v)
}

// runProgress is the fragment that htmx polls while the run is queued or
// running; once it has ended, it tells htmx to reload the page, which
// then shows the result.
func (s *Server) runProgress(w http.ResponseWriter, r *http.Request, v *view) error {
	page, err := s.loadRunPage(r, v)
	if err != nil {
		return err
	}
	v.Page = page
	return s.progressFragment(w, r, v, page.Active(), "run", "progress")
}

// progressFragment renders the progress fragment of a job's page; once
// the job has ended, it tells htmx to reload the whole page.
func (s *Server) progressFragment(w http.ResponseWriter, r *http.Request, v *view, active bool, name, fragment string) error {
	if !active && r.Header.Get("HX-Request") != "" {
		w.Header().Set("HX-Refresh", "true")
	}
	return s.renderFragment(w, name, fragment, v)
}

// cancelRunForm cancels the run and comes back to its page (a run that
// has ended meanwhile stays as it is).
func (s *Server) cancelRunForm(w http.ResponseWriter, r *http.Request, v *view) error {
	return cancelJobForm(w, r, v, "/runs/%d", func(ctx context.Context, org string, id int64) error {
		_, err := s.stopRun(ctx, org, id)
		return err
	})
}

// cancelJobForm cancels the job {id} with stop and comes back to its page
// (page, a format of the id); a job that ended meanwhile stays as it is.
func cancelJobForm(w http.ResponseWriter, r *http.Request, v *view, page string, stop func(ctx context.Context, org string, id int64) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := readForm(w, r, maxSmallBody); err != nil {
		return err
	}
	if err := stop(r.Context(), v.Org.ID, id); err != nil && model.ErrorCode(err) != model.ECONFLICT {
		return err
	}
	return seeOther(w, r, orgURL(v.Org.ID, page, id))
}
