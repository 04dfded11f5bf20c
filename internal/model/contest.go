package model

import (
	"encoding/json"
	"sort"

	"github.com/scrutin/scrutin/internal/audit"
)

// Bounds on contests: far above what an election needs (France counts
// some 70,000 polling stations; the largest electorate, India's, is under
// a billion), and they keep every sum of votes within an int64.
const (
	// MaxContests is the most contests a model may declare.
	MaxContests = 64
	// MaxCandidates is the most candidates of one contest.
	MaxCandidates = audit.MaxCandidates
	// MaxUnits is the most counting units of one contest.
	MaxUnits = 100_000
	// MaxBallots is the most ballots of one contest (and of one unit).
	MaxBallots = audit.MaxBallots
	// MaxUnitsFileSize is the largest units_file, in bytes.
	MaxUnitsFileSize = 8 << 20
)

// Voting technologies of a contest.
const (
	// VotingPaperHandCount: paper ballots counted by hand (France).
	VotingPaperHandCount = "paper-hand-count"
	// VotingPaperScanned: paper ballots counted by scanners, which record
	// each ballot's votes (a cast-vote record).
	VotingPaperScanned = "paper-scanned"
	// VotingDRE: direct-recording electronic machines, without a
	// voter-verified paper record.
	VotingDRE = "dre"
	// VotingInternet: votes cast over the internet.
	VotingInternet = "internet"
	// VotingPostal: paper ballots sent by post.
	VotingPostal = "postal"
)

// VotingKinds lists the valid voting technologies.
var VotingKinds = []string{VotingPaperHandCount, VotingPaperScanned, VotingDRE, VotingInternet, VotingPostal}

// Contest is one race whose reported outcome an attack may try to change:
// the ballots cast, each candidate's reported votes, and optionally the
// counting units the ballots were counted in.
type Contest struct {
	ID          string `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Name        string `json:"name" jsonschema:"required,minLength=1"`
	Description string `json:"description,omitempty"`
	// Winners is the number of seats (0 stands for the default, 1; see
	// WinnerCount).
	Winners int `json:"winners,omitempty" jsonschema:"minimum=1" jsonschema_description:"Number of winners (default 1); fewer than the candidates"`
	// VotesAllowed is the number of votes one ballot may carry (0 stands
	// for the default, 1; see VotesPerBallot).
	VotesAllowed int `json:"votes_allowed,omitempty" jsonschema:"minimum=1" jsonschema_description:"Votes one ballot may carry (default 1)"`
	// Ballots is the total of ballots cast, blank and invalid ones
	// included: what an audit samples from.
	Ballots int64 `json:"ballots" jsonschema:"required,minimum=1,maximum=10000000000" jsonschema_description:"Total ballots cast, blank and invalid ones included"`
	// Candidates maps each candidate's name to its reported votes.
	Candidates map[string]int64 `json:"candidates" jsonschema:"required" jsonschema_description:"Reported votes per candidate, by name (at least two candidates)"`
	Voting     string           `json:"voting" jsonschema:"required,enum=paper-hand-count,enum=paper-scanned,enum=dre,enum=internet,enum=postal" jsonschema_description:"How the ballots are cast and counted"`
	// Units are the counting units (polling stations, communes,
	// departments…), typed in the model or read from UnitsFile.
	Units []Unit `json:"units,omitempty" jsonschema_description:"Counting units: their ballots add up to the contest's"`
	// UnitsFile names, relative to the model's directory, the CSV file
	// the units are read from; once the model is decoded, Units holds
	// them, and UnitsFile says where they came from.
	UnitsFile string `json:"units_file,omitempty" jsonschema_description:"CSV file of the counting units, relative to the model's directory: a header row naming the columns id, ballots and optionally name, counting"`
}

// Unit is a counting unit of a contest: where a share of its ballots were
// counted.
type Unit struct {
	ID       string `json:"id" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9._-]*$"`
	Name     string `json:"name,omitempty"`
	Ballots  int64  `json:"ballots" jsonschema:"required,minimum=0,maximum=10000000000"`
	Counting string `json:"counting,omitempty" jsonschema_description:"What kind of unit counts them: polling-station, commune, department, central …"`
}

// MarshalJSON writes the contest with its units inline: a model's JSON is
// whole without the files its source named, and Decode reads it back.
func (c Contest) MarshalJSON() ([]byte, error) {
	type plain Contest // without this method
	p := plain(c)
	if p.Units != nil {
		p.UnitsFile = ""
	}
	return json.Marshal(p)
}

// WinnerCount is the contest's number of winners (default 1).
func (c *Contest) WinnerCount() int {
	if c.Winners <= 0 {
		return 1
	}
	return c.Winners
}

// VotesPerBallot is the number of votes a ballot may carry (default 1).
func (c *Contest) VotesPerBallot() int {
	if c.VotesAllowed <= 0 {
		return 1
	}
	return c.VotesAllowed
}

// PaperRecord reports whether each vote leaves a voter-verified paper
// record, which a risk-limiting audit samples.
func (c *Contest) PaperRecord() bool {
	switch c.Voting {
	case VotingPaperHandCount, VotingPaperScanned, VotingPostal:
		return true
	}
	return false
}

// Tally is one candidate's reported votes.
type Tally struct {
	Name  string
	Votes int64
}

// Ranked returns the candidates by decreasing votes, equal votes by name:
// the first WinnerCount are the reported winners (once validated, the
// last winner has more votes than the first loser).
func (c *Contest) Ranked() []Tally {
	out := make([]Tally, 0, len(c.Candidates))
	for name, v := range c.Candidates {
		out = append(out, Tally{name, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Votes != out[j].Votes {
			return out[i].Votes > out[j].Votes
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Contest returns the contest with the given id, or nil.
func (m *Model) Contest(id string) *Contest {
	for i := range m.Contests {
		if m.Contests[i].ID == id {
			return &m.Contests[i]
		}
	}
	return nil
}

// Control kinds.
const (
	// ControlRiskLimitingAudit is a control whose effect is computed from
	// a risk-limiting audit of a contest (Control.Audit).
	ControlRiskLimitingAudit = "risk-limiting-audit"
)

// Audit methods.
const (
	// AuditPolling is ballot polling (BRAVO): sampled ballots are read,
	// and their votes tallied.
	AuditPolling = "polling"
	// AuditComparison is ballot comparison: each sampled ballot is
	// compared with its cast-vote record.
	AuditComparison = "comparison"
)

// Audit is a risk-limiting audit of one contest: if the reported outcome
// is wrong, the audit corrects it (by a full hand count) with probability
// at least 1 − RiskLimit.
type Audit struct {
	Contest       string  `json:"contest" jsonschema:"required" jsonschema_description:"Id of the contest audited"`
	RiskLimit     float64 `json:"risk_limit" jsonschema:"required,minimum=0,maximum=1" jsonschema_description:"Risk limit: the highest chance that a wrong outcome escapes the audit, in (0, 1)"`
	Method        string  `json:"method,omitempty" jsonschema:"enum=polling,enum=comparison" jsonschema_description:"polling (BRAVO ballot polling, default) or comparison (ballot comparison; needs a cast-vote record per ballot)"`
	CostPerBallot float64 `json:"cost_per_ballot,omitempty" jsonschema:"minimum=0" jsonschema_description:"Cost of auditing one ballot; the yearly cost adds the expected sample times it"`
}

// MethodOrDefault is the audit's method (AuditPolling when none is given).
func (a *Audit) MethodOrDefault() string {
	if a.Method == "" {
		return AuditPolling
	}
	return a.Method
}

// IsAudit reports whether the control is a risk-limiting audit.
func (ctl *Control) IsAudit() bool { return ctl.Kind == ControlRiskLimitingAudit && ctl.Audit != nil }

// AuditControls returns the risk-limiting-audit controls of the contest
// of the given id, in the model's order.
func (m *Model) AuditControls(contest string) []*Control {
	var out []*Control
	for i := range m.Controls {
		if c := &m.Controls[i]; c.IsAudit() && c.Audit.Contest == contest {
			out = append(out, c)
		}
	}
	return out
}

// Manipulations a scenario needs to change a contest's outcome.
const (
	// ManipulateVotes: change recorded votes, wherever they are (the
	// votes to flip).
	ManipulateVotes = "votes"
	// ManipulateUnits: compromise whole counting units (the units to
	// flip).
	ManipulateUnits = "units"
)

// ManipulationOrDefault is the scenario's manipulation (ManipulateVotes
// when none is given).
func (s *Scenario) ManipulationOrDefault() string {
	if s.Manipulation == "" {
		return ManipulateVotes
	}
	return s.Manipulation
}
