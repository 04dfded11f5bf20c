package model

// Ebios is an EBIOS Risk Manager study (ANSSI's method, 2018) carried by a
// model. It holds only what the model does not: supporting assets are the
// model's assets, risk origins its actors, operational scenarios its
// scenarios (with their attack trees), security measures its controls,
// and the treatment its plan. Likelihoods are computed by the simulation,
// never typed.
type Ebios struct {
	// Study names the study (workshop 1's frame).
	Study string `json:"study,omitempty"`
	// Scope says what the study covers and what it leaves out.
	Scope string `json:"scope,omitempty"`
	// Gravity gives, per dimension ("money" or a harm id), the three
	// thresholds at which gravity G2, G3 and G4 begin, in the dimension's
	// unit (the currency for money).
	Gravity map[string][]float64 `json:"gravity,omitempty" jsonschema_description:"Per dimension (money or a harm id): the three increasing thresholds at which gravity G2, G3 and G4 begin"`
	// Likelihood gives the three thresholds of P(at least one loss event
	// in a simulated period) at which V2, V3 and V4 begin (default 5 %,
	// 20 %, 50 %).
	Likelihood []float64 `json:"likelihood,omitempty" jsonschema_description:"The three increasing thresholds of P(at least one loss event a year) at which likelihood V2, V3 and V4 begin (default 0.05, 0.2, 0.5)"`
	// Zones are the stakeholder threat levels at which the control and
	// danger zones begin (default 0.9 and 2.5).
	Zones *EbiosZones `json:"zones,omitempty"`
	// Workshop 1: the study frame.
	Missions     []EbiosMission  `json:"missions,omitempty"`
	Values       []BusinessValue `json:"values,omitempty" jsonschema_description:"Business values (valeurs métier): what the missions need to be protected"`
	FearedEvents []FearedEvent   `json:"feared_events,omitempty" jsonschema_description:"Feared events (événements redoutés): a business value harmed, its impacts and the dimension that measures it"`
	Baseline     *EbiosBaseline  `json:"baseline,omitempty" jsonschema_description:"The security baseline: the framework followed; the measures in force are the model's implemented controls"`
	// Workshop 2: risk origins and target objectives.
	Sources []RiskSource `json:"sources,omitempty" jsonschema_description:"Risk origin / target objective pairs (SR/OV): an actor of the model and what it aims at"`
	// Workshop 3: the ecosystem and the strategic scenarios.
	Stakeholders []Stakeholder       `json:"stakeholders,omitempty" jsonschema_description:"Stakeholders of the ecosystem (parties prenantes) rated on dependence, penetration, cyber maturity and trust, 1 to 4"`
	Strategic    []StrategicScenario `json:"strategic,omitempty" jsonschema_description:"Strategic scenarios: a retained risk origin reaches a feared event, through stakeholders, by the model's (operational) scenarios"`
	// Workshop 5: the residual-risk statement that goes with the plan.
	Treatment string `json:"treatment,omitempty"`
}

// Default EBIOS RM thresholds.
var (
	// DefaultEbiosLikelihood are the P(at least one loss event a year) at
	// which V2, V3 and V4 begin.
	DefaultEbiosLikelihood = []float64{0.05, 0.20, 0.50}
)

// Default stakeholder zones.
const (
	DefaultEbiosControlZone = 0.9
	DefaultEbiosDangerZone  = 2.5
)

// EbiosMoney is the gravity dimension of the money.
const EbiosMoney = "money"

// EbiosZones are the threat levels at which a stakeholder enters the
// control zone and the danger zone (above Danger); below Control it is
// in the watch zone.
type EbiosZones struct {
	Control float64 `json:"control" jsonschema:"required,exclusiveMinimum=0"`
	Danger  float64 `json:"danger" jsonschema:"required,exclusiveMinimum=0"`
}

// EbiosMission is a mission of the organisations studied.
type EbiosMission struct {
	ID          string `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Name        string `json:"name" jsonschema:"required,minLength=1"`
	Description string `json:"description,omitempty"`
}

// BusinessValue is a valeur métier: information or a process that a
// mission needs, carried by supporting assets.
type BusinessValue struct {
	ID          string   `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Name        string   `json:"name" jsonschema:"required,minLength=1"`
	Description string   `json:"description,omitempty"`
	Mission     string   `json:"mission,omitempty" jsonschema_description:"Id of the mission it serves"`
	Nature      string   `json:"nature,omitempty" jsonschema:"enum=process,enum=information" jsonschema_description:"process or information"`
	Assets      []string `json:"assets,omitempty" jsonschema_description:"Ids of the model's assets that carry it (supporting assets)"`
}

// FearedEvent is an événement redouté: a business value harmed.
type FearedEvent struct {
	ID      string   `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Name    string   `json:"name" jsonschema:"required,minLength=1"`
	Value   string   `json:"value" jsonschema:"required" jsonschema_description:"Id of the business value harmed"`
	Impacts []string `json:"impacts,omitempty" jsonschema_description:"The impacts, in words"`
	Harm    string   `json:"harm,omitempty" jsonschema_description:"The dimension that measures it: money (the default) or a harm id"`
	// Gravity, 1 to 4, is the analyst's judgement; absent, it is
	// computed from the scenarios that lead to the event.
	Gravity int `json:"gravity,omitempty" jsonschema:"minimum=1,maximum=4" jsonschema_description:"G1 to G4 as judged by the analysts; absent, computed from the strategic scenarios that lead to it"`
}

// EbiosBaseline is the security baseline (socle de sécurité).
type EbiosBaseline struct {
	Framework string `json:"framework,omitempty" jsonschema_description:"The framework followed, such as ANSSI's hygiene guide"`
	Reference string `json:"reference,omitempty" jsonschema_description:"Where the framework is published (URL)"`
	Gaps      string `json:"gaps,omitempty" jsonschema_description:"Known gaps and their justification"`
}

// RiskSource is a risk origin / target objective pair (SR/OV).
type RiskSource struct {
	ID         string `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Actor      string `json:"actor" jsonschema:"required" jsonschema_description:"Id of the model's actor (the risk origin)"`
	Objective  string `json:"objective" jsonschema:"required,minLength=1" jsonschema_description:"The target objective, in words"`
	Motivation int    `json:"motivation" jsonschema:"required,minimum=1,maximum=4"`
	Resources  int    `json:"resources" jsonschema:"required,minimum=1,maximum=4"`
	Activity   int    `json:"activity" jsonschema:"required,minimum=1,maximum=4"`
	// Retained says whether the pair is kept for the rest of the study;
	// absent, it is kept when its pertinence is 3 or 4.
	Retained *bool  `json:"retained,omitempty"`
	Note     string `json:"note,omitempty"`
}

// Stakeholder is a partie prenante of the ecosystem.
type Stakeholder struct {
	ID          string `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Name        string `json:"name" jsonschema:"required,minLength=1"`
	Category    string `json:"category,omitempty" jsonschema_description:"Such as vendor, hosting, municipality, printer, network operator, party federation"`
	Description string `json:"description,omitempty"`
	// The current ratings, 1 to 4.
	Dependence  int `json:"dependence" jsonschema:"required,minimum=1,maximum=4"`
	Penetration int `json:"penetration" jsonschema:"required,minimum=1,maximum=4"`
	Maturity    int `json:"maturity" jsonschema:"required,minimum=1,maximum=4"`
	Trust       int `json:"trust" jsonschema:"required,minimum=1,maximum=4"`
	// Residual are the ratings once the measures Controls are in place.
	Residual *StakeholderRatings `json:"residual,omitempty"`
	Controls []string            `json:"controls,omitempty" jsonschema_description:"Ids of the model's controls that act on this stakeholder"`
}

// StakeholderRatings are a stakeholder's ratings, 1 to 4.
type StakeholderRatings struct {
	Dependence  int `json:"dependence" jsonschema:"required,minimum=1,maximum=4"`
	Penetration int `json:"penetration" jsonschema:"required,minimum=1,maximum=4"`
	Maturity    int `json:"maturity" jsonschema:"required,minimum=1,maximum=4"`
	Trust       int `json:"trust" jsonschema:"required,minimum=1,maximum=4"`
}

// StrategicScenario is a retained risk origin reaching feared events,
// directly or through stakeholders, by operational scenarios (the
// model's scenarios).
type StrategicScenario struct {
	ID           string   `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Name         string   `json:"name" jsonschema:"required,minLength=1"`
	Source       string   `json:"source" jsonschema:"required" jsonschema_description:"Id of the risk origin / target objective pair"`
	Stakeholders []string `json:"stakeholders,omitempty" jsonschema_description:"Ids of the stakeholders the attack goes through (empty: a direct attack)"`
	FearedEvents []string `json:"feared_events" jsonschema:"required,minItems=1" jsonschema_description:"Ids of the feared events it reaches"`
	Scenarios    []string `json:"scenarios" jsonschema:"required,minItems=1" jsonschema_description:"Ids of the model's scenarios that carry it out (the operational scenarios)"`
}
