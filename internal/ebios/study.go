package ebios

import (
	"context"
	"slices"

	"github.com/scrutin/scrutin/internal/model"
)

// Options say what to simulate: the trials and seed of the run the study
// is computed from, the controls in force, and after the treatment.
type Options struct {
	Trials int64
	Seed   uint64
	// Controls are the ids of the controls in force (nil: the model's
	// implemented controls).
	Controls []string
	// After, when not nil, are the controls in force after the treatment
	// (the implemented ones and those the plan adds): the study then
	// gives every residual level too.
	After []string
	// Workers is the number of goroutines (0: GOMAXPROCS); it never
	// changes the study.
	Workers int
}

// Study is an EBIOS RM study computed from a model and its simulation:
// the deliverables of the five workshops. Its JSON is what `scrutin
// ebios --format json` prints.
type Study struct {
	Model    string `json:"model"`
	Name     string `json:"study"`
	Scope    string `json:"scope,omitempty"`
	Trials   int64  `json:"trials"`
	Seed     uint64 `json:"seed"`
	Currency string `json:"currency"`
	// Election says that one simulated trial is one election (the model
	// has a calendar); else a year.
	Election bool   `json:"election"`
	Scales   Scales `json:"scales"`
	// Workshop 1.
	Missions     []model.EbiosMission `json:"missions"`
	Values       []ValueRow           `json:"values"`
	FearedEvents []FearedRow          `json:"feared_events"`
	Baseline     BaselineRow          `json:"baseline"`
	// Workshop 2.
	Sources []SourceRow `json:"sources"`
	// Workshop 3.
	Stakeholders []StakeholderRow `json:"stakeholders"`
	Strategic    []StrategicRow   `json:"strategic"`
	// Workshop 4: every scenario of the model, with its attack tree.
	Operational []OperationalRow `json:"operational"`
	// Workshop 5: the controls the treatment adds (nil: no treatment
	// given), and the residual-risk statement.
	Added     []string `json:"added,omitempty"`
	Treatment string   `json:"treatment,omitempty"`
}

// Scales are the thresholds the study places its figures with.
type Scales struct {
	// Likelihood: where V2, V3 and V4 begin, on P(at least one loss
	// event in a simulated period).
	Likelihood []float64 `json:"likelihood"`
	// Gravity: per dimension, where G2, G3 and G4 begin.
	Gravity []GravityScale   `json:"gravity"`
	Zones   model.EbiosZones `json:"zones"`
}

// GravityScale is one dimension's gravity thresholds.
type GravityScale struct {
	Dimension  string    `json:"dimension"` // money or a harm id
	Name       string    `json:"name"`
	Unit       string    `json:"unit"`
	Thresholds []float64 `json:"thresholds"`
	// Default says that the thresholds are not the model's: money's
	// default is R/100, R/10 and R, R the largest loss of the tolerance
	// curve (else the portfolio's P99).
	Default bool `json:"default,omitempty"`
}

// ValueRow is a business value with its supporting assets.
type ValueRow struct {
	model.BusinessValue
}

// FearedRow is a feared event with its gravity: the analysts' when they
// gave one (Judged), else the highest gravity, on the event's dimension,
// of the operational scenarios that lead to it.
type FearedRow struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Value     string   `json:"value"`
	Impacts   []string `json:"impacts"`
	Dimension string   `json:"dimension"`
	Gravity   int      `json:"gravity"`
	Judged    bool     `json:"judged"`
	// Measured is the computed gravity, even when the analysts judged it.
	Measured int `json:"measured"`
}

// BaselineRow is the security baseline: the framework and the controls
// in force.
type BaselineRow struct {
	Framework string   `json:"framework,omitempty"`
	Reference string   `json:"reference,omitempty"`
	Gaps      string   `json:"gaps,omitempty"`
	Controls  []string `json:"controls"`
}

// SourceRow is a risk origin / target objective pair with its pertinence.
type SourceRow struct {
	ID         string `json:"id"`
	Actor      string `json:"actor"`
	ActorName  string `json:"actor_name"`
	Objective  string `json:"objective"`
	Motivation int    `json:"motivation"`
	Resources  int    `json:"resources"`
	Activity   int    `json:"activity"`
	Pertinence int    `json:"pertinence"`
	Retained   bool   `json:"retained"`
	Note       string `json:"note,omitempty"`
}

// StakeholderRow is a stakeholder with its threat level and zone, now
// and after its measures.
type StakeholderRow struct {
	ID             string                    `json:"id"`
	Name           string                    `json:"name"`
	Category       string                    `json:"category,omitempty"`
	Ratings        model.StakeholderRatings  `json:"ratings"`
	Threat         float64                   `json:"threat"`
	Zone           string                    `json:"zone"`
	Residual       *model.StakeholderRatings `json:"residual,omitempty"`
	ResidualThreat float64                   `json:"residual_threat,omitempty"`
	ResidualZone   string                    `json:"residual_zone,omitempty"`
	Controls       []string                  `json:"controls"`
}

// Placement is a gravity, a likelihood and their risk level.
type Placement struct {
	// PAny is P(at least one loss event in a simulated period).
	PAny       float64 `json:"p_any"`
	Likelihood int     `json:"likelihood"`
	Gravity    int     `json:"gravity"`
	Risk       Risk    `json:"risk"`
}

// StrategicRow is a strategic scenario placed on the matrix: its gravity
// is its feared events' highest, its likelihood that of at least one of
// its operational scenarios striking, counted on the simulated periods.
type StrategicRow struct {
	model.StrategicScenario
	Placement
	Residual *Placement `json:"residual,omitempty"`
}

// OperationalRow is a scenario of the model placed on the matrix: its
// likelihood from P(at least one loss event), its gravity the highest
// level over money and its harm dimensions of the 90th percentile of the
// harm in a simulated period with at least one loss event.
type OperationalRow struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Tree is the attack tree its vulnerability comes from (the attack
	// paths), if any.
	Tree string `json:"tree,omitempty"`
	Placement
	// P90 are, per dimension with a gravity scale, the 90th percentile
	// of the harm in a period with a loss event, and GravityOf the
	// dimension that sets the gravity.
	P90       map[string]float64   `json:"p90"`
	GravityOf string               `json:"gravity_of"`
	Residual  *OperationalResidual `json:"residual,omitempty"`
}

// OperationalResidual is an operational scenario after the treatment.
type OperationalResidual struct {
	Placement
	P90       map[string]float64 `json:"p90"`
	GravityOf string             `json:"gravity_of"`
}

// Compute simulates m (which must carry an ebios: block) and returns its
// study.
func Compute(ctx context.Context, m *model.Model, opt Options) (*Study, error) {
	e := m.Ebios
	if e == nil {
		return nil, model.Errorf(model.EINVALID, "the model has no ebios: block, so it is not an EBIOS RM study")
	}
	controls := opt.Controls
	if controls == nil {
		var err error
		if controls, err = m.InForce(nil, nil); err != nil {
			return nil, err
		}
	}
	st := &Study{Model: m.Name, Name: e.Study, Scope: e.Scope, Trials: opt.Trials, Seed: opt.Seed, Currency: m.Currency,
		Election: m.Calendar != nil, Missions: nonNil(e.Missions), Treatment: e.Treatment}
	if st.Name == "" {
		st.Name = m.Name
	}
	before, err := measure(ctx, m, opt, controls)
	if err != nil {
		return nil, err
	}
	st.Scales = Scales{Likelihood: LikelihoodThresholds(e), Gravity: before.scales, Zones: Zones(e)}
	var after *measures
	if opt.After != nil {
		if after, err = measure(ctx, m, opt, opt.After); err != nil {
			return nil, err
		}
		for _, id := range opt.After {
			if !slices.Contains(controls, id) {
				st.Added = append(st.Added, id)
			}
		}
	}

	// Workshop 4 first: everything else is placed from it.
	for i, s := range m.Scenarios {
		row := OperationalRow{ID: s.ID, Name: s.Name}
		row.Tree = s.Vulnerability.Tree
		row.Placement, row.P90, row.GravityOf = before.place(i)
		if after != nil {
			r := &OperationalResidual{}
			r.Placement, r.P90, r.GravityOf = after.place(i)
			row.Residual = r
		}
		st.Operational = append(st.Operational, row)
	}

	// Workshop 1.
	for _, v := range e.Values {
		st.Values = append(st.Values, ValueRow{v})
	}
	st.Values = nonNil(st.Values)
	measured := feared(m, before)
	for _, f := range e.FearedEvents {
		dim := f.Harm
		if dim == "" {
			dim = model.EbiosMoney
		}
		row := FearedRow{ID: f.ID, Name: f.Name, Value: f.Value, Impacts: nonNil(f.Impacts), Dimension: dim,
			Gravity: measured[f.ID], Measured: measured[f.ID]}
		if f.Gravity != 0 {
			row.Gravity, row.Judged = f.Gravity, true
		}
		st.FearedEvents = append(st.FearedEvents, row)
	}
	st.FearedEvents = nonNil(st.FearedEvents)
	st.Baseline.Controls = nonNil(slices.Clone(controls))
	if b := e.Baseline; b != nil {
		st.Baseline.Framework, st.Baseline.Reference, st.Baseline.Gaps = b.Framework, b.Reference, b.Gaps
	}

	// Workshop 2.
	for _, s := range e.Sources {
		row := SourceRow{ID: s.ID, Actor: s.Actor, Objective: s.Objective, Motivation: s.Motivation, Resources: s.Resources,
			Activity: s.Activity, Pertinence: Pertinence(s.Motivation, s.Resources), Retained: Retained(s), Note: s.Note}
		if a := m.ActorByID(s.Actor); a != nil {
			row.ActorName = a.Name
		}
		st.Sources = append(st.Sources, row)
	}
	st.Sources = nonNil(st.Sources)

	// Workshop 3.
	zones := st.Scales.Zones
	for _, s := range e.Stakeholders {
		r := model.StakeholderRatings{Dependence: s.Dependence, Penetration: s.Penetration, Maturity: s.Maturity, Trust: s.Trust}
		row := StakeholderRow{ID: s.ID, Name: s.Name, Category: s.Category, Ratings: r, Threat: ThreatLevel(r),
			Controls: nonNil(s.Controls)}
		row.Zone = Zone(row.Threat, zones)
		if s.Residual != nil {
			row.Residual = s.Residual
			row.ResidualThreat = ThreatLevel(*s.Residual)
			row.ResidualZone = Zone(row.ResidualThreat, zones)
		}
		st.Stakeholders = append(st.Stakeholders, row)
	}
	st.Stakeholders = nonNil(st.Stakeholders)
	gravityOf := map[string]int{}
	for _, f := range st.FearedEvents {
		gravityOf[f.ID] = f.Gravity
	}
	for _, s := range e.Strategic {
		row := StrategicRow{StrategicScenario: s}
		row.Placement = before.strategic(m, s, gravityOf)
		if after != nil {
			p := after.strategic(m, s, gravityOf)
			row.Residual = &p
		}
		st.Strategic = append(st.Strategic, row)
	}
	st.Strategic = nonNil(st.Strategic)
	return st, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
