package sim

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/model"
)

// contestYAML has a contest of 1,000 ballots (600 to 400), a scenario that
// tries to change its outcome (vulnerability 0.5, no tree), and a
// risk-limiting audit of it at risk limit RISK.
const contestYAML = header + `actors: [{id: a, name: A}]
contests:
  - {id: c, name: C, ballots: 1000, voting: paper-scanned, candidates: {A: 600, B: 400}}
controls:
  - id: rla
    name: RLA
    kind: risk-limiting-audit
    status: proposed
    audit: {contest: c, risk_limit: RISK, method: comparison, cost_per_ballot: 10}
    cost: {yearly: 500}
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: integrity, contest: c, frequency: 2, vulnerability: 0.5, magnitude: 100}
`

// TestAuditOnScenario: an audit in force multiplies the vulnerability of a
// scenario that targets its contest by the risk limit, exactly as a typed
// vulnerability effect of that factor would (bit for bit).
func TestAuditOnScenario(t *testing.T) {
	for _, risk := range []string{"0.1", "0.05", "0.01"} {
		m := mustModel(t, strings.Replace(contestYAML, "RISK", risk, 1))
		got := mustRun(t, m, Options{Trials: 20000, Seed: 4, Controls: []string{"rla"}})
		typed := mustModel(t, header+`actors: [{id: a, name: A}]
controls: [{id: rla, name: RLA, status: proposed, effects: [{scenario: s, vulnerability: `+risk+`}]}]
scenarios:
  - {id: s, name: S, actor: a, assets: [x], effect: integrity, frequency: 2, vulnerability: 0.5, magnitude: 100}
`)
		want := mustRun(t, typed, Options{Trials: 20000, Seed: 4, Controls: []string{"rla"}})
		got.Model, want.Model = "", ""
		if !reflect.DeepEqual(got.Portfolio, want.Portfolio) {
			t.Errorf("risk limit %s: mean %v, typed factor %v", risk, got.Portfolio.Mean, want.Portfolio.Mean)
		}
		without := mustRun(t, m, Options{Trials: 20000, Seed: 4, Controls: []string{}})
		if without.Portfolio.Mean <= got.Portfolio.Mean {
			t.Errorf("risk limit %s: the audit does not lower the mean loss (%v with, %v without)", risk, got.Portfolio.Mean, without.Portfolio.Mean)
		}
	}
}

// TestAuditCost: the audit's cost is its fixed part plus the ballots it
// checks times the cost per ballot (ballot comparison at 10 % of 600 to
// 400: 27 ballots, Arlo's figure), per election, spread over the years
// between elections.
func TestAuditCost(t *testing.T) {
	m := mustModel(t, strings.Replace(contestYAML, "RISK", "0.1", 1))
	ctl := m.ControlByID("rla")
	if n, err := m.AuditSample(ctl); err != nil || n != 27 {
		t.Fatalf("sample %d, %v; want 27", n, err)
	}
	if c := m.ControlCost(ctl); c.Yearly != 500+27*10 || c.Once != 0 {
		t.Errorf("cost %+v, want yearly 770", c)
	}
	m.Calendar = &model.Calendar{CycleYears: ptr(5.0)}
	if c := m.ControlCost(ctl); c.Yearly != 500+27*10/5.0 {
		t.Errorf("cost with an election every 5 years %+v, want yearly 554", c)
	}
	m.Controls[0].Audit.Method = "polling" // BRAVO's ASN, 119
	m.Calendar = nil
	if c := m.ControlCost(ctl); c.Yearly != 500+119*10 {
		t.Errorf("polling cost %+v, want yearly 1690", c)
	}
}

func ptr[T any](x T) *T { return &x }

// TestAuditInTree: a tree defence that an audit control puts in force
// stops the attack with probability 1 − the risk limit; the scenario's
// vulnerability is then the tree's alone (the audit is not counted twice).
func TestAuditInTree(t *testing.T) {
	src := strings.Replace(contestYAML, "RISK", "0.2", 1)
	src = strings.Replace(src, "vulnerability: 0.5, magnitude: 100}", "vulnerability: {tree: t}, magnitude: 100}", 1)
	src += `trees:
  - id: t
    name: T
    root:
      id: change
      name: Change the count
      probability: 0.5
      countermeasures:
        - {id: audit, name: Audit, control: rla}
`
	m := mustModel(t, src)
	with := mustRun(t, m, Options{Trials: 20000, Seed: 4, Controls: []string{"rla"}})
	typed := strings.Replace(src, "{id: audit, name: Audit, control: rla}", "{id: audit, name: Audit, control: other, probability: 0.8}", 1)
	typed = strings.Replace(typed, "controls:\n", "controls:\n  - {id: other, name: Other, status: proposed}\n", 1)
	want := mustRun(t, mustModel(t, typed), Options{Trials: 20000, Seed: 4, Controls: []string{"other"}})
	if !reflect.DeepEqual(with.Portfolio, want.Portfolio) {
		t.Errorf("the audit's defence (risk limit 0.2) gives mean %v; a typed 0.8 gives %v", with.Portfolio.Mean, want.Portfolio.Mean)
	}
}

// TestExampleRiskMovesWithTheRiskLimit: the built-in example's
// result-tampering risk comes from the audit's risk limit, not a typed
// number: the smaller the limit, the smaller its mean loss with the audit
// in force. Its frequency, a base rate of about 0.003 attempts an
// election, leaves too few events in a short run to tell the limits apart,
// so the test gives it one attempt an election; the tree, its defences and
// the audit are the example's.
func TestExampleRiskMovesWithTheRiskLimit(t *testing.T) {
	const baseRate = "frequency: {baserate: {target: election-authority, kind: tabulation-attack, countries: europe}}"
	if !strings.Contains(string(examples.Election()), baseRate) {
		t.Fatalf("the example's result-tampering frequency is no longer %q: update the test", baseRate)
	}
	var prev float64 = math.Inf(1)
	for _, risk := range []string{"0.2", "0.09", "0.01"} {
		src := strings.Replace(string(examples.Election()), "risk_limit: 0.09", "risk_limit: "+risk, 1)
		src = strings.Replace(src, baseRate, "frequency: 1", 1)
		m := mustModel(t, src)
		res := mustRun(t, m, Options{Trials: 20000, Seed: 1, Controls: []string{"paper-ballots-rla"}})
		mean := -1.0
		for _, s := range res.Scenarios {
			if s.ID == "result-tampering" {
				mean = s.Mean
			}
		}
		if !(mean < prev) {
			t.Errorf("risk limit %s: result-tampering mean %v, not below %v", risk, mean, prev)
		}
		prev = mean
	}
}
