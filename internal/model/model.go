// Package model holds the types of a scrutin risk model (format version 1),
// their strict YAML decoding with file, line and column in every error, and
// their semantic validation. See DESIGN.md section 2 for the format.
//
// The struct field tags name the YAML keys (the decoder reads the json tag, so
// the same names serve the JSON Schema and the API).
package model

// FormatVersion is the only model format version this package reads.
const FormatVersion = 1

// Model is one risk model: who may be hit (organizations, assets), by whom
// (actors), how (scenarios), and what can be done about it (controls).
// All money is in Currency; all frequencies are per year.
type Model struct {
	Scrutin       int              `json:"scrutin" jsonschema:"required,enum=1" jsonschema_description:"Format version of the model (1)"`
	Name          string           `json:"name" jsonschema:"required,minLength=1"`
	Description   string           `json:"description,omitempty"`
	Currency      string           `json:"currency" jsonschema:"required,pattern=^[A-Z]{3}$" jsonschema_description:"ISO 4217 code; all money in the model is in this currency"`
	Trials        int64            `json:"trials,omitempty" jsonschema:"minimum=1" jsonschema_description:"Default number of simulated years (a command-line flag overrides it)"`
	Seed          uint64           `json:"seed,omitempty" jsonschema:"minimum=0" jsonschema_description:"Default seed (a command-line flag overrides it)"`
	Tolerance     []TolerancePoint `json:"tolerance,omitempty" jsonschema_description:"Risk-tolerance curve: for each loss the highest acceptable probability of an annual loss above it"`
	Labels        *Labels          `json:"labels,omitempty" jsonschema_description:"Overrides and additions to the default table of qualitative labels"`
	Organizations []Organization   `json:"organizations" jsonschema:"required,minItems=1"`
	Assets        []Asset          `json:"assets" jsonschema:"required,minItems=1"`
	Actors        []Actor          `json:"actors" jsonschema:"required,minItems=1"`
	Controls      []Control        `json:"controls,omitempty"`
	Scenarios     []Scenario       `json:"scenarios" jsonschema:"required,minItems=1"`
	Trees         []Tree           `json:"trees,omitempty" jsonschema_description:"Attack-defence trees: how an actor could reach a goal and which defences (linked to controls) stop it"`
	Evidence      []Evidence       `json:"evidence,omitempty" jsonschema_description:"Observations that update scenarios' frequencies and vulnerabilities (Bayesian calibration)"`
	// Harms declares the dimensions of harm beyond money (DESIGN.md
	// section 10); scenarios draw them per loss event.
	Harms []Harm `json:"harms,omitempty" jsonschema_description:"Dimensions of harm beyond money (voters affected, votes altered, records exposed …), drawn per loss event by the scenarios that name them"`
	// HarmTolerance gives, per harm dimension, the highest acceptable
	// probabilities of an annual harm above given levels.
	HarmTolerance []HarmTolerance `json:"harm_tolerance,omitempty" jsonschema_description:"Tolerance per harm dimension: for each level the highest acceptable probability of an annual harm above it"`
	// Calendar is the period at risk and its windows (absent: a year of
	// 365 days without windows, one election a year).
	Calendar *Calendar `json:"calendar,omitempty" jsonschema_description:"The simulated period (one election), how often elections of this kind come, and named windows in it"`
	// Ebios makes the model an EBIOS Risk Manager study (DESIGN.md
	// section 11): the five workshops' elements that the model does not
	// already hold.
	Ebios *Ebios `json:"ebios,omitempty" jsonschema_description:"EBIOS Risk Manager study: scales, business values, feared events, risk origins, stakeholders and strategic scenarios; assets, actors, scenarios, trees and controls are the model's own"`
	// Contests are the races whose outcome result tampering may try to
	// change (DESIGN.md section 12): their margins, counting units and
	// audits.
	Contests []Contest `json:"contests,omitempty" jsonschema_description:"Contests (races): reported votes, ballots, counting units and voting technology, from which the votes to flip and risk-limiting-audit sizes are computed"`
}

// Bounds on the new dimensions of a model: far above what an election
// needs, and they bound the statistics a run keeps per scenario.
const (
	// MaxHarms is the most harm dimensions a model may declare.
	MaxHarms = 32
	// MaxWindows is the most windows a calendar may have.
	MaxWindows = 64
)

// Harm is a dimension of harm beyond money, such as votes altered.
type Harm struct {
	ID          string `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Name        string `json:"name" jsonschema:"required,minLength=1"`
	Unit        string `json:"unit" jsonschema:"required,minLength=1" jsonschema_description:"What the harm counts: voters, votes, records, points of trust …"`
	Description string `json:"description,omitempty"`
}

// HarmTolerance is the tolerance curve of one harm dimension.
type HarmTolerance struct {
	Harm   string               `json:"harm" jsonschema:"required" jsonschema_description:"Id of the harm dimension"`
	Points []HarmTolerancePoint `json:"points" jsonschema:"required,minItems=1"`
}

// HarmTolerancePoint says: a probability above Probability that the
// annual harm exceeds Above is not acceptable (Above 0: any harm at all).
type HarmTolerancePoint struct {
	Above       float64 `json:"above" jsonschema:"required,minimum=0" jsonschema_description:"Harm level; 0 means any harm at all"`
	Probability float64 `json:"probability" jsonschema:"required,minimum=0,maximum=1" jsonschema_description:"Highest acceptable probability of an annual harm above the level, in (0, 1]"`
}

// Default calendar values.
const (
	DefaultSeasonDays = 365
	DefaultCycleYears = 1
)

// Calendar is the period one simulated trial covers (one election) and
// named windows in it. Loss events fall at independent uniform times in
// the season.
type Calendar struct {
	SeasonDays *float64 `json:"season_days,omitempty" jsonschema:"minimum=0" jsonschema_description:"Length of the simulated period in days (default 365)"`
	CycleYears *float64 `json:"cycle_years,omitempty" jsonschema:"minimum=0" jsonschema_description:"Years between two elections of this kind (default 1)"`
	Windows    []Window `json:"windows,omitempty"`
}

// Season returns the season's length in days (DefaultSeasonDays when c
// is nil or gives none).
func (c *Calendar) Season() float64 {
	if c == nil || c.SeasonDays == nil {
		return DefaultSeasonDays
	}
	return *c.SeasonDays
}

// Cycle returns the years between two elections (DefaultCycleYears when c
// is nil or gives none).
func (c *Calendar) Cycle() float64 {
	if c == nil || c.CycleYears == nil {
		return DefaultCycleYears
	}
	return *c.CycleYears
}

// Window is a named stretch of the season: days [StartDay, StartDay+Days).
type Window struct {
	ID       string  `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Name     string  `json:"name" jsonschema:"required,minLength=1"`
	StartDay float64 `json:"start_day" jsonschema:"required,minimum=0" jsonschema_description:"Start of the window, in days from the start of the season (fractions allowed)"`
	Days     float64 `json:"days" jsonschema:"required,minimum=0" jsonschema_description:"Length of the window in days (> 0; fractions allowed)"`
}

// Contains reports whether day lies in the window.
func (w Window) Contains(day float64) bool { return day >= w.StartDay && day < w.StartDay+w.Days }

// Timing multiplies the loss and harms of a scenario's events that fall
// in one window.
type Timing struct {
	Magnitude *float64           `json:"magnitude,omitempty" jsonschema:"minimum=0" jsonschema_description:"Multiplier on the loss (primary and secondary) of an event in the window"`
	Harm      map[string]float64 `json:"harm,omitempty" jsonschema_description:"Multiplier per harm dimension on the harm of an event in the window"`
}

// TolerancePoint says: a probability above Probability that the annual loss
// exceeds Loss is not acceptable.
type TolerancePoint struct {
	Loss        float64 `json:"loss" jsonschema:"required,minimum=0"`
	Probability float64 `json:"probability" jsonschema:"required,minimum=0,maximum=1"`
}

// Organization kinds.
const (
	KindAgency            = "agency"
	KindParty             = "party"
	KindCampaign          = "campaign"
	KindMinistry          = "ministry"
	KindElectionAuthority = "election-authority"
	KindOperator          = "operator"
	// KindMunicipality is a local authority that keeps a voter roll or
	// counts and transmits results: a commune, a county.
	KindMunicipality = "municipality"
	// KindPrefecture is a regional arm of the state that gathers and
	// publishes results (a French préfecture, a regional authority).
	KindPrefecture = "prefecture"
	// KindVendor is a supplier of election technology or services.
	KindVendor = "vendor"
	// KindMedia is a news organisation.
	KindMedia = "media"
)

// OrganizationKinds lists the valid organization kinds.
var OrganizationKinds = []string{KindAgency, KindParty, KindCampaign, KindMinistry, KindElectionAuthority, KindOperator, KindMunicipality, KindPrefecture, KindVendor, KindMedia}

// Organization is a body that owns assets and bears losses.
type Organization struct {
	ID   string `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Name string `json:"name" jsonschema:"required,minLength=1"`
	Kind string `json:"kind" jsonschema:"required,enum=agency,enum=party,enum=campaign,enum=ministry,enum=election-authority,enum=operator,enum=municipality,enum=prefecture,enum=vendor,enum=media"`
}

// Asset is something of an organization's that an attack can hit.
type Asset struct {
	ID          string `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Org         string `json:"org" jsonschema:"required" jsonschema_description:"Id of the organization that owns the asset"`
	Name        string `json:"name" jsonschema:"required,minLength=1"`
	Kind        string `json:"kind" jsonschema:"required" jsonschema_description:"Free text; usual: email website social crm voter-roll results e-voting infrastructure"`
	Description string `json:"description,omitempty"`
}

// Actor is a threat actor.
type Actor struct {
	ID          string `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Name        string `json:"name" jsonschema:"required,minLength=1"`
	Description string `json:"description,omitempty"`
	// Attack is the actor's ATT&CK group id, such as G0007.
	Attack string `json:"attack,omitempty" jsonschema:"pattern=^G[0-9]{4}$" jsonschema_description:"ATT&CK group id"`
	// Disarm are the DISARM techniques the actor uses (T0086, T0086.001),
	// for an influence actor, which has no ATT&CK group: attack coverage
	// counts them as the actor's own techniques.
	Disarm []string `json:"disarm,omitempty" jsonschema_description:"DISARM techniques the actor uses (T0086 …), for an influence actor"`
	// Capability is the actor's threat capability as a percentile in [0, 1],
	// used by scenarios whose vulnerability gives only a resistance.
	Capability *Dist `json:"capability,omitempty" jsonschema_description:"Threat capability percentile in [0 1] for FAIR-style vulnerability"`
	// Activity multiplies the threat-event rate of every scenario of this
	// actor; it is drawn once per simulated year (default: the constant 1).
	Activity *Dist `json:"activity,omitempty" jsonschema_description:"How busy the actor is in a given year: multiplies the frequency of all its scenarios (default 1)"`
	// SharedID names the activity the actor shares with other actors: all
	// actors with the same shared id (or whose id is it) draw one common
	// activity per simulated year, so they must give the same activity.
	// A national run gives it to the actors of the organisations it
	// composes that have the same ATT&CK group.
	SharedID string `json:"shared_id,omitempty" jsonschema:"pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$" jsonschema_description:"Actors with the same shared id (or whose id is it) draw one common activity per simulated year (they must give the same activity)"`
	// Skill is the actor's skill on the scale of attack-tree leaves' skill:
	// when a scenario takes its vulnerability from a tree, steps that need
	// more skill are out of this actor's reach.
	Skill *float64 `json:"skill,omitempty" jsonschema:"minimum=0" jsonschema_description:"Skill on the scale of attack-tree leaves: steps needing more are out of reach"`
}

// ActivityKey is the name of the activity the actor draws: its shared id,
// or else its own id.
func (a *Actor) ActivityKey() string {
	if a.SharedID != "" {
		return a.SharedID
	}
	return a.ID
}

// Control statuses.
const (
	StatusImplemented = "implemented"
	StatusProposed    = "proposed"
)

// Control is a security measure with a cost and effects on scenarios.
type Control struct {
	ID          string   `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Name        string   `json:"name" jsonschema:"required,minLength=1"`
	Description string   `json:"description,omitempty"`
	Attack      []string `json:"attack,omitempty" jsonschema_description:"ATT&CK mitigation ids (M1032 …) and DISARM countermeasure ids (C00006 …)"`
	Status      string   `json:"status" jsonschema:"required,enum=implemented,enum=proposed"`
	Cost        Cost     `json:"cost,omitempty"`
	Effects     []Effect `json:"effects,omitempty"`
	// Kind, when set, makes the control one whose effect is computed:
	// ControlRiskLimitingAudit, with Audit. Cost is then the audit's
	// fixed part.
	Kind  string `json:"kind,omitempty" jsonschema:"enum=risk-limiting-audit" jsonschema_description:"risk-limiting-audit: the control audits a contest (see audit); its cost is the fixed part"`
	Audit *Audit `json:"audit,omitempty" jsonschema_description:"The risk-limiting audit of a control of kind risk-limiting-audit"`
}

// Cost is what a control costs: once to put in place, and every year.
type Cost struct {
	Once   float64 `json:"once,omitempty" jsonschema:"minimum=0"`
	Yearly float64 `json:"yearly,omitempty" jsonschema:"minimum=0"`
}

// Annualised is the cost a year when the one-off cost is spread over
// horizon years.
func (c Cost) Annualised(horizon float64) float64 { return c.Yearly + c.Once/horizon }

// Effect is what a control in force does to one scenario: each present
// field multiplies the scenario's parameter of the same name.
type Effect struct {
	Scenario      string   `json:"scenario" jsonschema:"required"`
	Frequency     *float64 `json:"frequency,omitempty" jsonschema:"minimum=0" jsonschema_description:"Multiplier on the threat-event rate"`
	Vulnerability *float64 `json:"vulnerability,omitempty" jsonschema:"minimum=0" jsonschema_description:"Multiplier on the probability that a threat event becomes a loss event (the product is capped at 1)"`
	Magnitude     *float64 `json:"magnitude,omitempty" jsonschema:"minimum=0" jsonschema_description:"Multiplier on the primary loss of each loss event"`
	// SecondaryProbability multiplies secondary.probability (capped at 1).
	SecondaryProbability *float64 `json:"secondary_probability,omitempty" jsonschema:"minimum=0" jsonschema_description:"Multiplier on the probability of a secondary loss (the product is capped at 1)"`
	// SecondaryMagnitude multiplies the secondary loss magnitude.
	SecondaryMagnitude *float64 `json:"secondary_magnitude,omitempty" jsonschema:"minimum=0" jsonschema_description:"Multiplier on the secondary loss of each loss event"`
	// Harm multiplies the harm of each loss event, per dimension.
	Harm map[string]float64 `json:"harm,omitempty" jsonschema_description:"Multiplier per harm dimension on the harm of each loss event"`
}

// Effects on confidentiality, integrity or availability.
const (
	EffectConfidentiality = "confidentiality"
	EffectIntegrity       = "integrity"
	EffectAvailability    = "availability"
)

// Scenario is one way an actor can cause a loss: threat events per year,
// the probability that one becomes a loss event, and the loss per loss event.
type Scenario struct {
	ID          string   `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Name        string   `json:"name" jsonschema:"required,minLength=1"`
	Description string   `json:"description,omitempty"`
	Actor       string   `json:"actor" jsonschema:"required"`
	Assets      []string `json:"assets" jsonschema:"required,minItems=1"`
	Effect      string   `json:"effect" jsonschema:"required,enum=confidentiality,enum=integrity,enum=availability"`
	// Frequency is the threat-event rate (per year), drawn once per year.
	Frequency Dist `json:"frequency" jsonschema:"required"`
	// Vulnerability is P(a threat event becomes a loss event).
	Vulnerability Vulnerability `json:"vulnerability" jsonschema:"required"`
	// Magnitude is the primary loss of one loss event, drawn per event.
	Magnitude Dist       `json:"magnitude" jsonschema:"required"`
	Secondary *Secondary `json:"secondary,omitempty"`
	// Harm maps a harm dimension to the harm of one loss event, drawn per
	// event like Magnitude.
	Harm map[string]Dist `json:"harm,omitempty" jsonschema_description:"Harm per loss event, per harm dimension (a number or a distribution, drawn per event)"`
	// Timing maps a calendar window to the multipliers of the events that
	// fall in it.
	Timing map[string]Timing `json:"timing,omitempty" jsonschema_description:"Per calendar window: multipliers on the loss and harms of the events that fall in it"`
	// Contest is the contest whose outcome the scenario tries to change,
	// and Manipulation what that takes (ManipulationOrDefault).
	Contest      string `json:"contest,omitempty" jsonschema_description:"Id of the contest whose outcome the scenario tries to change"`
	Manipulation string `json:"manipulation,omitempty" jsonschema:"enum=votes,enum=units" jsonschema_description:"What changing the outcome takes: votes (the votes to flip, default) or units (the counting units to flip)"`
}

// Secondary is an optional further loss of a loss event (fines, reputation…).
type Secondary struct {
	Probability Dist `json:"probability" jsonschema:"required"`
	Magnitude   Dist `json:"magnitude" jsonschema:"required"`
}

// Vulnerability is either a probability (Prob), or, FAIR style, a
// capability against a resistance strength (Capability may be nil when the
// scenario's actor has one), or the success probability of an attack tree's
// goal given the controls in force (Tree).
type Vulnerability struct {
	Prob       *Dist
	Capability *Dist
	Resistance *Dist
	Tree       string
}

// IsFAIR reports whether the vulnerability is given as capability against
// resistance.
func (v Vulnerability) IsFAIR() bool { return v.Resistance != nil }

// Gates of attack-defence tree nodes.
const (
	GateAnd  = "and"
	GateOr   = "or"
	GateSand = "sand"
)

// Tree is an attack-defence tree: the root is the attacker's goal.
type Tree struct {
	ID          string   `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Name        string   `json:"name" jsonschema:"required,minLength=1"`
	Description string   `json:"description,omitempty"`
	Time        string   `json:"time,omitempty" jsonschema:"enum=parallel,enum=sequential" jsonschema_description:"How and gates combine times: parallel (the longest child, default) or sequential (the sum)"`
	Root        TreeNode `json:"root" jsonschema:"required"`
	// Library is true for a tree of the built-in library that a scenario
	// refers to (its id is then "library:<id>"): its defences' controls
	// need not be the model's, and one the model lacks is never in force.
	Library bool `json:"-"`
}

// TreeNode is a node of an attack-defence tree. A node written with its id
// alone refers to the node of that id defined elsewhere in the tree: one
// shared node (the tree is then a DAG).
//
// The root and the children of attack nodes are attack nodes; the
// countermeasures of an attack node are defences, and the countermeasures of
// a defence are counter-attacks.
type TreeNode struct {
	ID          string     `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Name        string     `json:"name,omitempty" jsonschema_description:"Required where the node is defined; a node given by its id alone refers to the node defined elsewhere"`
	Description string     `json:"description,omitempty"`
	Gate        string     `json:"gate,omitempty" jsonschema:"enum=and,enum=or,enum=sand" jsonschema_description:"How the children combine; a node without a gate is a leaf (sand: in order; attack nodes only)"`
	Children    []TreeNode `json:"children,omitempty"`
	// Leaf attributes: of an attack step, its cost, probability of success,
	// time and required skill; of a defence, the probability it stops the
	// attack when in force (default 1) and what getting round it costs the
	// attacker (absent: only counter-attacks get round it).
	//
	// Cost, time and skill may be infinite (YAML's .inf, or "Infinity" as
	// ADTool and this package's JSON write it): an attack step that cannot
	// be done, a defence that cannot be got round for any price.
	Cost        *float64 `json:"cost,omitempty" jsonschema:"minimum=0" scrutin:"infinity" jsonschema_description:"Attack leaf: cost of the step. Defence leaf: the attacker's cost to get round it. .inf (or Infinity): cannot be done"`
	Probability *float64 `json:"probability,omitempty" jsonschema:"minimum=0,maximum=1" jsonschema_description:"Attack leaf: probability of success. Defence leaf: probability it stops the attack when in force (default 1)"`
	Time        *float64 `json:"time,omitempty" jsonschema:"minimum=0" scrutin:"infinity" jsonschema_description:"Attack leaf: time the step takes. .inf (or Infinity): cannot be done"`
	Skill       *float64 `json:"skill,omitempty" jsonschema:"minimum=0" scrutin:"infinity" jsonschema_description:"Attack leaf: skill the step needs. .inf (or Infinity): nobody has it"`
	// Control links a defence to the model control that puts it in force;
	// a defence without one is always in force.
	Control         string     `json:"control,omitempty" jsonschema_description:"Defence: id of the control that puts it in force (none: always in force)"`
	Countermeasures []TreeNode `json:"countermeasures,omitempty" jsonschema_description:"Nodes of the other role: defences against an attack node or counter-attacks against a defence"`
}

// IsRef reports whether the node only refers, by its id, to a node defined
// elsewhere.
func (n *TreeNode) IsRef() bool {
	return n.Name == "" && n.Description == "" && n.Gate == "" && len(n.Children) == 0 &&
		n.Cost == nil && n.Probability == nil && n.Time == nil && n.Skill == nil &&
		n.Control == "" && len(n.Countermeasures) == 0
}

// TreeByID returns the tree with the given id, or nil.
func (m *Model) TreeByID(id string) *Tree {
	for i := range m.Trees {
		if m.Trees[i].ID == id {
			return &m.Trees[i]
		}
	}
	return nil
}

// ScenarioByID returns the scenario with the given id, or nil.
func (m *Model) ScenarioByID(id string) *Scenario {
	for i := range m.Scenarios {
		if m.Scenarios[i].ID == id {
			return &m.Scenarios[i]
		}
	}
	return nil
}

// ActorByID returns the actor with the given id, or nil.
func (m *Model) ActorByID(id string) *Actor {
	for i := range m.Actors {
		if m.Actors[i].ID == id {
			return &m.Actors[i]
		}
	}
	return nil
}

// HarmByID returns the harm dimension with the given id, or nil.
func (m *Model) HarmByID(id string) *Harm {
	for i := range m.Harms {
		if m.Harms[i].ID == id {
			return &m.Harms[i]
		}
	}
	return nil
}

// ControlByID returns the control with the given id, or nil.
func (m *Model) ControlByID(id string) *Control {
	for i := range m.Controls {
		if m.Controls[i].ID == id {
			return &m.Controls[i]
		}
	}
	return nil
}

// Calibrated parameters.
const (
	ParamFrequency     = "frequency"
	ParamVulnerability = "vulnerability"
)

// Evidence is an observation that updates one parameter of a scenario:
// threat events over an exposure update its frequency (Gamma–Poisson);
// successes out of attempts update its vulnerability (Beta–Binomial). The
// numbers are given, or counted by Match in the evidence files a run is
// given (what `scrutin ingest` and `scrutin phishing` write).
type Evidence struct {
	ID          string `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Scenario    string `json:"scenario" jsonschema:"required"`
	Parameter   string `json:"parameter" jsonschema:"required,enum=frequency,enum=vulnerability" jsonschema_description:"frequency: threat events over an exposure; vulnerability: successes out of attempts"`
	Source      string `json:"source,omitempty" jsonschema_description:"Where the observation comes from"`
	Description string `json:"description,omitempty"`
	// Frequency evidence: threat events observed over an exposure in years.
	Events   *float64 `json:"events,omitempty" jsonschema:"minimum=0" jsonschema_description:"Threat events observed (frequency)"`
	Exposure *float64 `json:"exposure,omitempty" jsonschema:"minimum=0" jsonschema_description:"Years observed (frequency); with match, default: the evidence file's time span"`
	// Vulnerability evidence: successes out of attempts.
	Successes *float64       `json:"successes,omitempty" jsonschema:"minimum=0" jsonschema_description:"Threat events that became loss events (vulnerability)"`
	Attempts  *float64       `json:"attempts,omitempty" jsonschema:"minimum=0" jsonschema_description:"Threat events observed (vulnerability)"`
	Match     *EvidenceMatch `json:"match,omitempty" jsonschema_description:"Count the numbers from the evidence files given to scrutin run --evidence"`
}

// EvidenceMatch selects what to count in evidence files. For telemetry,
// the events whose fields equal every field given (for vulnerability,
// successes are those of outcome succeeded among them); for phishing, the
// recipients who reached Phishing (attempts: the e-mails sent).
type EvidenceMatch struct {
	Category  string `json:"category,omitempty"`
	Technique string `json:"technique,omitempty"`
	Actor     string `json:"actor,omitempty"`
	Asset     string `json:"asset,omitempty"`
	Org       string `json:"org,omitempty"`
	Outcome   string `json:"outcome,omitempty" jsonschema:"enum=blocked,enum=succeeded,enum=unknown"`
	Phishing  string `json:"phishing,omitempty" jsonschema:"enum=opened,enum=clicked,enum=submitted,enum=reported" jsonschema_description:"Phishing results: the stage that counts as a success"`
	Campaign  string `json:"campaign,omitempty" jsonschema_description:"Phishing results: only this campaign (by name)"`
}
