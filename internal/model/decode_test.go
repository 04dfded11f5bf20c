package model

import (
	"encoding/json"
	"errors"
	"flag"
	"github.com/scrutin/scrutin/internal/baserate"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// decodeError decodes src and returns its *ValidationError, failing the
// test if the model is accepted or the error is of another kind.
func decodeError(t *testing.T, name string, src []byte) *ValidationError {
	t.Helper()
	m, err := Decode(name, src)
	if err == nil {
		t.Fatalf("Decode(%s) accepted the model: %+v", name, m)
	}
	if m != nil {
		t.Errorf("Decode(%s) returned both a model and an error", name)
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Decode(%s) error is %T, want *ValidationError: %v", name, err, err)
	}
	if got := ErrorCode(err); got != EINVALID {
		t.Errorf("ErrorCode = %q, want %q", got, EINVALID)
	}
	return ve
}

// TestDecodeInvalid decodes each model of testdata/invalid and compares
// every problem it reports (file:line:column: path: message, one a line)
// with NAME.golden. Run with -update to rewrite the golden files, then
// read them: each message must point at the right place and be clear.
func TestDecodeInvalid(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "invalid", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no models in testdata/invalid")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			ve := decodeError(t, filepath.ToSlash(file), src)
			checkProblems(t, ve.Problems)
			got := ve.Error() + "\n"
			golden := strings.TrimSuffix(file, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("problems differ from %s (go test -update rewrites it)\n got:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

// checkProblems checks what every list of problems must satisfy: each has
// a message and a position, and they come in source order.
func checkProblems(t *testing.T, ps []Problem) {
	t.Helper()
	if len(ps) == 0 {
		t.Fatal("a *ValidationError without problems")
	}
	for i, p := range ps {
		if p.Message == "" {
			t.Errorf("problem %d has no message: %+v", i, p)
		}
		if p.Line <= 0 || p.Column <= 0 {
			t.Errorf("problem %d has no position: %v", i, p)
		}
		if i > 0 {
			q := ps[i-1]
			if p.Line < q.Line || p.Line == q.Line && p.Column < q.Column {
				t.Errorf("problem %d is not in source order:\n%v\n%v", i, q, p)
			}
		}
	}
}

// want marks the line of an expected problem in a model below: the problem
// on that line must contain the text after "want:".
var want = regexp.MustCompile(`# want: (.*)$`)

// TestDecodeReportsAll checks that a model with many independent problems,
// found by the decoder and by validation, reports every one of them, one
// for each "# want:" comment, on that comment's line and in source order.
func TestDecodeReportsAll(t *testing.T) {
	const src = `scrutin: 1
name: Many problems
currency: EUR
trials: 0                                             # want: trials: must be ≥ 1, got 0
organizations:
  - {id: campaign, name: Campaign, kind: campain}     # want: "campain" is not one of
assets:
  - {id: mail, org: campaing, name: Mail, kind: email} # want: unknown organization "campaing" (did you mean "campaign"?)
actors:
  - {id: apt28, name: APT28, attack: G7}              # want: "G7" is not an ATT&CK group id
  - {id: apt28, name: Fancy Bear}                     # want: duplicate id "apt28"
controls:
  - id: keys
    name: Security keys
    status: proposed
    cost: {once: -1}                                  # want: cost.once: must be ≥ 0, got -1
    effects:
      - {scenario: leek, vulnerability: 0.2}          # want: unknown scenario "leek" (did you mean "leak"?)
scenarios:
  - id: leak
    name: Hack and leak
    actor: apt29                                      # want: unknown actor "apt29"
    assets: [mail]
    effect: confidentiality
    frequency: {pert: [5, 2, 10]}                     # want: pert needs min ≤ mode ≤ max
    vulnerability: 1.5                                # want: a probability must lie within [0, 1], got 1.5
    magnitude: {lognormal90: [0, 1000]}               # want: lognormal90 needs 0 < p5 < p95, got [0, 1000]
    secondray: {probability: 0.5, magnitude: 1000}    # want: unknown field "secondray" (did you mean "secondary"?)
`
	var wants []Problem
	for i, line := range strings.Split(src, "\n") {
		if m := want.FindStringSubmatch(line); m != nil {
			wants = append(wants, Problem{Pos: Pos{Line: i + 1}, Message: m[1]})
		}
	}
	ve := decodeError(t, "many.yaml", []byte(src))
	checkProblems(t, ve.Problems)
	if len(ve.Problems) != len(wants) {
		t.Errorf("got %d problems, want %d:\n%v", len(ve.Problems), len(wants), ve)
	}
	for i := range min(len(ve.Problems), len(wants)) {
		got, w := ve.Problems[i], wants[i]
		if got.Line != w.Line || !strings.Contains(got.String(), w.Message) {
			t.Errorf("problem %d:\n got %v\nwant line %d with %q", i, got, w.Line, w.Message)
		}
		if got.File != "many.yaml" {
			t.Errorf("problem %d: file %q, want many.yaml", i, got.File)
		}
	}
}

func TestDecodeMinimalExample(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Decode("minimal.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	magnitude := Dist{Kind: Lognormal90, Params: []float64{10000, 1000000}}
	vuln := 0.2
	want := &Model{
		Scrutin:       1,
		Name:          "Minimal campaign model",
		Currency:      "EUR",
		Tolerance:     []TolerancePoint{{Loss: 1000000, Probability: 0.05}},
		Organizations: []Organization{{ID: "campaign", Name: "Campaign", Kind: KindCampaign}},
		Assets:        []Asset{{ID: "mail", Org: "campaign", Name: "Staff mailboxes", Kind: "email"}},
		Actors:        []Actor{{ID: "apt28", Name: "APT28", Attack: "G0007"}},
		Controls: []Control{{
			ID:      "security-keys",
			Name:    "Hardware security keys for all staff accounts",
			Attack:  []string{"M1032"},
			Status:  StatusProposed,
			Cost:    Cost{Once: 15000, Yearly: 3000},
			Effects: []Effect{{Scenario: "hack-and-leak", Vulnerability: &vuln}},
		}},
		Scenarios: []Scenario{{
			ID:            "hack-and-leak",
			Name:          "Spear-phishing of staff, mailbox theft and leak with forgeries",
			Actor:         "apt28",
			Assets:        []string{"mail"},
			Effect:        EffectConfidentiality,
			Frequency:     pert(0.5, 2, 10),
			Vulnerability: Vulnerability{Prob: new(Const(0.3))},
			Magnitude:     magnitude,
		}},
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("Decode(minimal.yaml) =\n%s\nwant\n%s", mustJSON(t, m), mustJSON(t, want))
	}
	if ps := Validate(m); len(ps) != 0 {
		t.Errorf("Validate(decoded model) = %v", ps)
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// head is the start of a valid model, which the snippets below complete.
const head = `scrutin: 1
name: Snippet
currency: EUR
organizations: [{id: campaign, name: Campaign, kind: campaign}]
assets: [{id: mail, org: campaign, name: Staff mailboxes, kind: email}]
`

// scenario completes head with one actor and one scenario of the given
// frequency, vulnerability and magnitude (YAML flow values).
func scenario(freq, vuln, mag string) string {
	return head + `actors: [{id: apt28, name: APT28}]
scenarios:
  - {id: leak, name: Leak, actor: apt28, assets: [mail], effect: confidentiality, frequency: ` + freq +
		`, vulnerability: ` + vuln + `, magnitude: ` + mag + `}
`
}

// validModels are small valid models, each with a check of what it decodes
// to. The schema and fuzz tests use them too.
var validModels = []struct {
	name  string
	src   string
	check func(t *testing.T, m *Model)
}{
	{
		name: "base rate",
		src: head + `actors: [{id: x, name: X}]
scenarios:
  - {id: s, name: S, actor: x, assets: [mail], effect: confidentiality, vulnerability: 1, magnitude: 1,
     frequency: {baserate: {target: party, kind: hack-and-leak, countries: "FR, DE", from: 2015, to: 2024, orgs: 20}}}
`,
		check: func(t *testing.T, m *Model) {
			f := m.Scenarios[0].Frequency
			rows, err := baserate.Incidents()
			if err != nil {
				t.Fatal(err)
			}
			e, err := baserate.Rate(rows, baserate.Query{Target: "party", Kind: "hack-and-leak", Countries: "FR, DE", From: 2015, To: 2024, Orgs: 20})
			if err != nil {
				t.Fatal(err)
			}
			if f.Kind != Gamma || f.Params[0] != e.Shape || f.Params[1] != 200 || f.BaseRate == nil || f.BaseRate.Orgs != 20 {
				t.Errorf("frequency %+v, want Gamma(%v, 200) with its query", f, e.Shape)
			}
			j, err := json.Marshal(f)
			if err != nil || !strings.Contains(string(j), `{"baserate":{"target":"party","kind":"hack-and-leak"`) {
				t.Errorf("JSON %s, %v", j, err)
			}
		},
	},
	{
		name: "contests",
		src: head + `actors: [{id: x, name: X}]
contests:
  - id: fr-pr2017-t2
    name: Presidential election 2017, second round
    ballots: 35467327
    candidates: {Emmanuel Macron: 20743128, Marine Le Pen: 10638475}
    voting: paper-hand-count
    units:
      - {id: "75", name: Paris, ballots: 1051022, counting: department}
      - {id: rest, ballots: 34416305}
  - {id: council, name: Council, winners: 2, votes_allowed: 2, ballots: 100, voting: paper-scanned,
     candidates: {A: 90, B: 70, C: 40}}
controls:
  - id: rla
    name: Ballot-comparison audit of the council
    status: proposed
    kind: risk-limiting-audit
    audit: {contest: council, risk_limit: 0.1, method: comparison, cost_per_ballot: 1.5}
    effects: [{scenario: tamper, frequency: 0.9}]
scenarios:
  - {id: tamper, name: Tamper, actor: x, assets: [mail], effect: integrity, frequency: 0.1, vulnerability: {tree: t}, magnitude: 1000,
     contest: council}
trees:
  - id: t
    name: Change the council's result
    root:
      id: g
      name: Change the count
      probability: 0.5
      countermeasures: [{id: audit, name: The audit, control: rla}]
`,
		check: func(t *testing.T, m *Model) {
			if c := m.Contest("council"); c == nil || c.WinnerCount() != 2 || c.VotesPerBallot() != 2 || c.Voting != VotingPaperScanned {
				t.Errorf("council %+v", c)
			}
			if a := m.ControlByID("rla").Audit; !m.ControlByID("rla").IsAudit() || *a != (Audit{Contest: "council", RiskLimit: 0.1, Method: AuditComparison, CostPerBallot: 1.5}) {
				t.Errorf("audit %+v", a)
			}
			if len(m.Contests[0].Units) != 2 || m.Scenarios[0].ManipulationOrDefault() != ManipulateVotes {
				t.Errorf("units %v, manipulation %q", m.Contests[0].Units, m.Scenarios[0].Manipulation)
			}
		},
	},
	{
		name: "number forms",
		src: `scrutin: 1
name: Numbers
currency: EUR
trials: 1_000_000
seed: 0x10
tolerance:
  - {loss: 1e5, probability: .5}
  - {loss: 1.5E+6, probability: 0.25}
  - {loss: 0o17777777, probability: 1e-2}
  - {loss: 20_000_000.5, probability: 0}
organizations: [{id: campaign, name: Campaign, kind: campaign}]
assets: [{id: mail, org: campaign, name: Staff mailboxes, kind: email}]
actors: [{id: apt28, name: APT28}]
controls: [{id: keys, name: Keys, status: implemented, cost: {once: 1e3, yearly: 2.5e2}, effects: [{scenario: leak, frequency: 1, magnitude: 0x2}]}]
scenarios:
  - {id: leak, name: Leak, actor: apt28, assets: [mail], effect: integrity, frequency: {pert: [0, 1e0, 1_0]}, vulnerability: 1, magnitude: -0}
`,
		check: func(t *testing.T, m *Model) {
			if m.Trials != 1000000 || m.Seed != 16 {
				t.Errorf("trials, seed = %d, %d; want 1000000, 16", m.Trials, m.Seed)
			}
			want := []TolerancePoint{{1e5, 0.5}, {1.5e6, 0.25}, {0o17777777, 0.01}, {20000000.5, 0}}
			if !reflect.DeepEqual(m.Tolerance, want) {
				t.Errorf("tolerance = %v, want %v", m.Tolerance, want)
			}
			if c := m.Controls[0]; c.Cost != (Cost{1000, 250}) || *c.Effects[0].Magnitude != 2 || *c.Effects[0].Frequency != 1 {
				t.Errorf("control = %+v", c)
			}
			s := m.Scenarios[0]
			checkDist(t, "frequency", s.Frequency, pert(0, 1, 10))
			checkDist(t, "vulnerability", *s.Vulnerability.Prob, Const(1))
			checkDist(t, "magnitude", s.Magnitude, Const(0))
		},
	},
	{
		name: "every distribution family",
		src: head + `actors: [{id: apt28, name: APT28, activity: {lognormal: {mu: 0, sigma: 0.5}}, capability: {beta: [8, 2]}}]
scenarios:
  - {id: a, name: A, actor: apt28, assets: [mail], effect: integrity, frequency: {pert: [1, 2, 3], lambda: 2}, vulnerability: {triangular: [0, 0.1, 0.5]}, magnitude: {normal: [1000, 100]}}
  - {id: b, name: B, actor: apt28, assets: [mail], effect: integrity, frequency: {uniform: [1, 2]}, vulnerability: {normal: [0.5, 0.1]}, magnitude: {lognormal90: [1000, 1000000]}}
`,
		check: func(t *testing.T, m *Model) {
			checkDist(t, "activity", *m.Actors[0].Activity, Dist{Kind: Lognormal, Params: []float64{0, 0.5}})
			checkDist(t, "capability", *m.Actors[0].Capability, Dist{Kind: Beta, Params: []float64{8, 2}})
			a, b := m.Scenarios[0], m.Scenarios[1]
			checkDist(t, "a.frequency", a.Frequency, Dist{Kind: PERT, Params: []float64{1, 2, 3}, Lambda: 2})
			checkDist(t, "a.vulnerability", *a.Vulnerability.Prob, Dist{Kind: Triangular, Params: []float64{0, 0.1, 0.5}})
			checkDist(t, "a.magnitude", a.Magnitude, Dist{Kind: Normal, Params: []float64{1000, 100}})
			checkDist(t, "b.frequency", b.Frequency, Dist{Kind: Uniform, Params: []float64{1, 2}})
			checkDist(t, "b.vulnerability", *b.Vulnerability.Prob, Dist{Kind: Normal, Params: []float64{0.5, 0.1}})
			checkDist(t, "b.magnitude", b.Magnitude, Dist{Kind: Lognormal90, Params: []float64{1000, 1e6}})
		},
	},
	{
		name: "anchors and aliases",
		src: head + `actors: [{id: apt28, name: APT28}]
scenarios:
  - id: a
    name: A
    actor: apt28
    assets: &assets [mail]
    effect: integrity
    frequency: &freq {pert: [0.5, 2, 10]}
    vulnerability: &v 0.3
    magnitude: &mag {lognormal90: [10000, 1000000]}
  - {id: b, name: B, actor: apt28, assets: *assets, effect: integrity, frequency: *freq, vulnerability: *v, magnitude: *mag}
`,
		check: func(t *testing.T, m *Model) {
			a, b := m.Scenarios[0], m.Scenarios[1]
			if !reflect.DeepEqual(a.Frequency, b.Frequency) || !reflect.DeepEqual(a.Magnitude, b.Magnitude) ||
				!reflect.DeepEqual(a.Vulnerability, b.Vulnerability) || !reflect.DeepEqual(a.Assets, b.Assets) {
				t.Errorf("aliases decode differently from their anchors:\n%+v\n%+v", a, b)
			}
			checkDist(t, "b.frequency", b.Frequency, pert(0.5, 2, 10))
		},
	},
	{
		name: "merge keys",
		src: head + `actors: [{id: apt28, name: APT28}]
x-defaults: &defaults
  actor: apt28
  assets: [mail]
  effect: confidentiality
  vulnerability: 0.3
x-costly: &costly {magnitude: {pert: [1000, 5000, 20000]}, effect: integrity}
scenarios:
  - {<<: *defaults, id: a, name: A, frequency: 1, magnitude: 100}
  - <<: [*defaults, *costly]
    id: b
    name: B
    frequency: 2
    vulnerability: 0.5
`,
		check: func(t *testing.T, m *Model) {
			a, b := m.Scenarios[0], m.Scenarios[1]
			if a.Actor != "apt28" || a.Effect != EffectConfidentiality || !reflect.DeepEqual(a.Assets, []string{"mail"}) {
				t.Errorf("merged fields missing: %+v", a)
			}
			checkDist(t, "a.magnitude", a.Magnitude, Const(100))
			// Explicit keys win over merged ones; earlier merges over later.
			checkDist(t, "b.vulnerability", *b.Vulnerability.Prob, Const(0.5))
			checkDist(t, "b.magnitude", b.Magnitude, pert(1000, 5000, 20000))
			if b.Effect != EffectConfidentiality {
				t.Errorf("b.effect = %q, want the first merge's %q", b.Effect, EffectConfidentiality)
			}
		},
	},
	{
		name: "extension keys hold anchors and notes anywhere",
		src: `scrutin: 1
name: Extensions
currency: EUR
x-note: {anything: [goes, here], even: {nested: true}}
x-dists:
  often: &often {pert: [1, 4, 12]}
  mag: &mag {lognormal90: [1000, 100000]}
organizations: [{id: campaign, name: Campaign, kind: campaign, x-contact: someone}]
assets: [{id: mail, org: campaign, name: Staff mailboxes, kind: email}]
actors: [{id: apt28, name: APT28, x-aka: [Fancy Bear, Sofacy]}]
scenarios:
  - {id: a, name: A, actor: apt28, assets: [mail], effect: integrity, frequency: *often, vulnerability: 0.3, magnitude: *mag, x-source: report}
  - id: b
    name: B
    actor: apt28
    assets: [mail]
    effect: integrity
    frequency: {pert: [1, 2, 3], x-source: expert estimate, lambda: 3}
    vulnerability: {capability: 0.7, resistance: {uniform: [0.2, 0.6], x-why: audit}, x-note: FAIR}
    magnitude: {lognormal: {mu: 9, sigma: 1, x-fit: by hand}}
`,
		check: func(t *testing.T, m *Model) {
			checkDist(t, "a.frequency", m.Scenarios[0].Frequency, pert(1, 4, 12))
			checkDist(t, "a.magnitude", m.Scenarios[0].Magnitude, Dist{Kind: Lognormal90, Params: []float64{1000, 100000}})
			b := m.Scenarios[1]
			checkDist(t, "b.frequency", b.Frequency, Dist{Kind: PERT, Params: []float64{1, 2, 3}, Lambda: 3})
			checkDist(t, "b.resistance", *b.Vulnerability.Resistance, Dist{Kind: Uniform, Params: []float64{0.2, 0.6}})
			checkDist(t, "b.magnitude", b.Magnitude, Dist{Kind: Lognormal, Params: []float64{9, 1}})
		},
	},
	{
		name: "anchors on keys, tags and quoted text",
		src: `scrutin: 1
&n name: !!str 2017
currency: "EUR"
organizations: [{id: campaign, name: 'Campaign', kind: campaign}]
assets: [{id: mail, org: campaign, name: Staff mailboxes, kind: email}]
actors: [{id: apt28, name: !!str 28}]
scenarios:
  - id: a
    name: |
      A block
      of text
    actor: apt28
    assets: [mail]
    effect: integrity
    frequency: 1
    vulnerability: 0.3
    magnitude: 1000
`,
		check: func(t *testing.T, m *Model) {
			if m.Name != "2017" || m.Actors[0].Name != "28" || m.Scenarios[0].Name != "A block\nof text\n" {
				t.Errorf("names = %q, %q, %q", m.Name, m.Actors[0].Name, m.Scenarios[0].Name)
			}
		},
	},
	{
		name: "labels resolve to PERT and keep their name",
		src:  scenario("{label: high}", "{label: medium}", "{label: very-low}"),
		check: func(t *testing.T, m *Model) {
			s := m.Scenarios[0]
			def := DefaultLabels()
			checkDist(t, "frequency", s.Frequency, withLabel(def.Frequency["high"], "high"))
			checkDist(t, "vulnerability", *s.Vulnerability.Prob, withLabel(def.Vulnerability["medium"], "medium"))
			checkDist(t, "magnitude", s.Magnitude, withLabel(def.Magnitude["very-low"], "very-low"))
		},
	},
	{
		name: "the model's labels override and extend the defaults",
		src: `scrutin: 1
name: Labels
currency: EUR
labels:
  frequency:
    high: {pert: [2, 5, 20]}
    weekly: {pert: [40, 52, 60], lambda: 2}
  magnitude:
    ruinous: {pert: [1.0e+6, 5.0e+6, 5.0e+7]}
organizations: [{id: campaign, name: Campaign, kind: campaign}]
assets: [{id: mail, org: campaign, name: Staff mailboxes, kind: email}]
actors: [{id: apt28, name: APT28, capability: {label: very-high}}]
scenarios:
  - {id: a, name: A, actor: apt28, assets: [mail], effect: integrity, frequency: {label: high}, vulnerability: {label: low}, magnitude: {label: ruinous}}
  - {id: b, name: B, actor: apt28, assets: [mail], effect: integrity, frequency: {label: weekly}, vulnerability: 0.1, magnitude: {label: high},
     secondary: {probability: {label: very-low}, magnitude: {label: ruinous}}}
`,
		check: func(t *testing.T, m *Model) {
			a, b := m.Scenarios[0], m.Scenarios[1]
			def := DefaultLabels()
			checkDist(t, "a.frequency", a.Frequency, withLabel(pert(2, 5, 20), "high"))
			checkDist(t, "a.vulnerability", *a.Vulnerability.Prob, withLabel(def.Vulnerability["low"], "low"))
			checkDist(t, "a.magnitude", a.Magnitude, withLabel(pert(1e6, 5e6, 5e7), "ruinous"))
			checkDist(t, "b.frequency", b.Frequency, Dist{Kind: PERT, Params: []float64{40, 52, 60}, Lambda: 2, Label: "weekly"})
			checkDist(t, "b.magnitude", b.Magnitude, withLabel(def.Magnitude["high"], "high"))
			checkDist(t, "b.secondary.probability", b.Secondary.Probability, withLabel(def.Vulnerability["very-low"], "very-low"))
			checkDist(t, "capability", *m.Actors[0].Capability, withLabel(def.Vulnerability["very-high"], "very-high"))
			if got := m.LabelTable(TableFrequency); len(got) != len(def.Frequency)+1 {
				t.Errorf("frequency table has %d labels, want %d", len(got), len(def.Frequency)+1)
			}
		},
	},
	{
		name: "FAIR vulnerability with the actor's capability",
		src: head + `actors: [{id: apt28, name: APT28, capability: {pert: [0.6, 0.8, 0.95]}}]
scenarios:
  - {id: a, name: A, actor: apt28, assets: [mail], effect: integrity, frequency: 1, vulnerability: {resistance: {pert: [0.3, 0.5, 0.7]}}, magnitude: 1000}
  - {id: b, name: B, actor: apt28, assets: [mail], effect: integrity, frequency: 1, vulnerability: {capability: {label: high}, resistance: 0.5}, magnitude: 1000}
`,
		check: func(t *testing.T, m *Model) {
			a, b := m.Scenarios[0].Vulnerability, m.Scenarios[1].Vulnerability
			if !a.IsFAIR() || a.Prob != nil || a.Capability != nil {
				t.Errorf("a.vulnerability = %+v, want a resistance only", a)
			}
			checkDist(t, "a.resistance", *a.Resistance, pert(0.3, 0.5, 0.7))
			if !b.IsFAIR() || b.Capability == nil {
				t.Fatalf("b.vulnerability = %+v, want capability and resistance", b)
			}
			checkDist(t, "b.capability", *b.Capability, withLabel(DefaultLabels().Vulnerability["high"], "high"))
			checkDist(t, "b.resistance", *b.Resistance, Const(0.5))
		},
	},
	{
		name: "secondary losses",
		src: head + `actors: [{id: apt28, name: APT28}]
controls:
  - {id: pr, name: Press office, status: implemented, effects: [{scenario: a, secondary_probability: 0.5, secondary_magnitude: 0.8}]}
scenarios:
  - id: a
    name: A
    actor: apt28
    assets: [mail]
    effect: confidentiality
    frequency: 1
    vulnerability: 0.3
    magnitude: 1000
    secondary:
      probability: {beta: [2, 8]}
      magnitude: {pert: [50000, 200000, 2000000]}
`,
		check: func(t *testing.T, m *Model) {
			s := m.Scenarios[0].Secondary
			if s == nil {
				t.Fatal("no secondary loss")
			}
			checkDist(t, "secondary.probability", s.Probability, Dist{Kind: Beta, Params: []float64{2, 8}})
			checkDist(t, "secondary.magnitude", s.Magnitude, pert(50000, 200000, 2000000))
			e := m.Controls[0].Effects[0]
			if e.SecondaryProbability == nil || *e.SecondaryProbability != 0.5 || *e.SecondaryMagnitude != 0.8 || e.Frequency != nil {
				t.Errorf("effect = %+v", e)
			}
		},
	},
	{
		name: "harms and calendar",
		src: `scrutin: 1
name: Harms
currency: EUR
organizations: [{id: o, name: O, kind: election-authority}]
assets: [{id: site, org: o, name: Results site, kind: website}]
actors: [{id: x, name: X}]
harms:
  - {id: voters-affected, name: Voters affected, unit: voters, description: unable to vote}
  - {id: confidence, name: Confidence, unit: points}
harm_tolerance:
  - {harm: voters-affected, points: [{above: 0, probability: 0.5}, {above: 10000, probability: 0.01}]}
calendar:
  season_days: 30
  cycle_years: 5
  windows:
    - {id: silence, name: Silence period, start_day: 28, days: 1.83}
controls:
  - {id: cdn, name: CDN, status: proposed, effects: [{scenario: s, harm: {voters-affected: 0.5}}]}
scenarios:
  - id: s
    name: S
    actor: x
    assets: [site]
    effect: availability
    frequency: 4
    vulnerability: 0.5
    magnitude: 100
    harm: {voters-affected: 1000, confidence: {label: low}}
    timing: {silence: {magnitude: 3, harm: {voters-affected: 2}}}
`,
		check: func(t *testing.T, m *Model) {
			if len(m.Harms) != 2 || m.Harms[0] != (Harm{ID: "voters-affected", Name: "Voters affected", Unit: "voters", Description: "unable to vote"}) {
				t.Errorf("harms = %+v", m.Harms)
			}
			want := []HarmTolerance{{Harm: "voters-affected", Points: []HarmTolerancePoint{{0, 0.5}, {1e4, 0.01}}}}
			if !reflect.DeepEqual(m.HarmTolerance, want) {
				t.Errorf("harm_tolerance = %+v, want %+v", m.HarmTolerance, want)
			}
			c := m.Calendar
			if c.Season() != 30 || c.Cycle() != 5 || len(c.Windows) != 1 || c.Windows[0] != (Window{"silence", "Silence period", 28, 1.83}) {
				t.Errorf("calendar = %+v", c)
			}
			if !c.Windows[0].Contains(29.8) || c.Windows[0].Contains(29.83) || c.Windows[0].Contains(27.99) {
				t.Error("window [28, 29.83) contains the wrong days")
			}
			if e := m.Controls[0].Effects[0]; e.Harm["voters-affected"] != 0.5 {
				t.Errorf("effect = %+v", e)
			}
			s := m.Scenarios[0]
			checkDist(t, "harm", s.Harm["voters-affected"], Const(1000))
			checkDist(t, "labelled harm", s.Harm["confidence"], withLabel(m.LabelTable(TableMagnitude)["low"], "low"))
			if tm := s.Timing["silence"]; *tm.Magnitude != 3 || tm.Harm["voters-affected"] != 2 {
				t.Errorf("timing = %+v", tm)
			}
		},
	},
	{
		name: "calendar defaults",
		src: head + `actors: [{id: apt28, name: APT28}]
calendar: {windows: [{id: day, name: Election day, start_day: 364, days: 1}]}
scenarios:
  - {id: leak, name: Leak, actor: apt28, assets: [mail], effect: confidentiality, frequency: 1, vulnerability: 0.3, magnitude: 1000}
`,
		check: func(t *testing.T, m *Model) {
			if m.Calendar.Season() != DefaultSeasonDays || m.Calendar.Cycle() != DefaultCycleYears || (*Calendar)(nil).Season() != 365 {
				t.Errorf("calendar = %+v", m.Calendar)
			}
		},
	},
	{
		name: "JSON is YAML",
		src: `{"scrutin": 1, "name": "JSON", "currency": "EUR",
 "organizations": [{"id": "campaign", "name": "Campaign", "kind": "campaign"}],
 "assets": [{"id": "mail", "org": "campaign", "name": "Mail", "kind": "email"}],
 "actors": [{"id": "apt28", "name": "APT28"}],
 "scenarios": [{"id": "a", "name": "A", "actor": "apt28", "assets": ["mail"], "effect": "integrity",
   "frequency": {"pert": [0.5, 2, 10]}, "vulnerability": 0.3, "magnitude": {"lognormal": {"mu": 9, "sigma": 1.5}}}]}`,
		check: func(t *testing.T, m *Model) {
			checkDist(t, "magnitude", m.Scenarios[0].Magnitude, Dist{Kind: Lognormal, Params: []float64{9, 1.5}})
		},
	},
	{
		name: "a tree step that cannot be done",
		src: `scrutin: 1
name: Infinity
currency: EUR
organizations: [{id: campaign, name: Campaign, kind: campaign}]
assets: [{id: mail, org: campaign, name: Mail, kind: email}]
actors: [{id: apt28, name: APT28}]
scenarios:
  - {id: a, name: A, actor: apt28, assets: [mail], effect: integrity, frequency: 1, vulnerability: {tree: t}, magnitude: 1000}
trees:
  - id: t
    name: T
    root:
      id: g
      name: G
      gate: or
      children:
        - {id: x, name: X, cost: Infinity, probability: 0.5}
        - {id: y, name: Y, cost: 10, probability: 0.2, countermeasures: [{id: d, name: D, cost: Infinity}]}
`,
		check: func(t *testing.T, m *Model) {
			kids := m.Trees[0].Root.Children
			if !math.IsInf(*kids[0].Cost, 1) || !math.IsInf(*kids[1].Countermeasures[0].Cost, 1) {
				t.Errorf("costs %v %v", *kids[0].Cost, *kids[1].Countermeasures[0].Cost)
			}
		},
	},
}

func TestDecodeValid(t *testing.T) {
	for _, tt := range validModels {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Decode("snippet.yaml", []byte(tt.src))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			tt.check(t, m)
			if ps := Validate(m); len(ps) != 0 {
				t.Errorf("Validate(decoded model) = %v", ps)
			}
			roundTrip(t, m)
		})
	}
}

func withLabel(d Dist, label string) Dist {
	d.Label = label
	return d
}

func checkDist(t *testing.T, what string, got, want Dist) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v, want %#v", what, got, want)
	}
}

// roundTrip marshals m to JSON, decodes that JSON (YAML is a superset of
// JSON) and checks that it gives m again.
func roundTrip(t *testing.T, m *Model) {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	again, err := Decode("roundtrip.json", b)
	if err != nil {
		t.Fatalf("decoding the model's JSON: %v\n%s", err, b)
	}
	if !reflect.DeepEqual(again, m) {
		t.Errorf("JSON round trip changed the model:\n got %s\nwant %s", mustJSON(t, again), mustJSON(t, m))
	}
}

func TestRoundTripExamples(t *testing.T) {
	for name, src := range examples(t) {
		t.Run(name, func(t *testing.T) {
			m, err := Decode(name, src)
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, m)
		})
	}
}

// examples returns the source of every example model, by file name.
func examples(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example models: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = src
	}
	return out
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{File: "m.yaml", Pos: Pos{3, 7}, Path: "scenarios[0].frequency", Message: "bad"}, "m.yaml:3:7: scenarios[0].frequency: bad"},
		{Problem{File: "m.yaml", Pos: Pos{1, 1}, Message: "the model is empty"}, "m.yaml:1:1: the model is empty"},
		{Problem{Path: "scrutin", Message: "unsupported"}, "scrutin: unsupported"},
		{Problem{File: "m.yaml", Message: "no position"}, "m.yaml: no position"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.p, got, tt.want)
		}
	}
	ve := &ValidationError{Problems: []Problem{tests[0].p, tests[1].p}}
	if got, want := ve.Error(), tests[0].want+"\n"+tests[1].want; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestErrorCode(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{Errorf(ENOTFOUND, "no model %q", "x"), ENOTFOUND},
		{&ValidationError{}, EINVALID},
		{errors.New("disk on fire"), EINTERNAL},
		{errors.Join(errors.New("loading"), Errorf(ECONFLICT, "taken")), ECONFLICT},
	}
	for _, tt := range tests {
		if got := ErrorCode(tt.err); got != tt.want {
			t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
	if got := Errorf(EINVALID, "bad %d", 7).Error(); got != "bad 7" {
		t.Errorf("Errorf(...).Error() = %q", got)
	}
}

// TestDecodeIsDeterministic decodes each invalid model twice: the problems
// must not depend on map iteration order.
func TestDecodeIsDeterministic(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "invalid", "*.yaml"))
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, err1 := Decode(f, src)
		for range 5 {
			if _, err2 := Decode(f, src); err1.Error() != err2.Error() {
				t.Errorf("%s: decoding twice gives different problems:\n%v\n---\n%v", f, err1, err2)
				break
			}
		}
	}
}

// TestBaseRateProblems: a base rate's problems say where and what.
func TestBaseRateProblems(t *testing.T) {
	for _, c := range []struct{ freq, want string }{
		{`{baserate: {target: partyy, kind: ddos}}`, `frequency.baserate.target: "partyy" is not one of`},
		{`{baserate: {target: party}}`, `kind`},
		{`{baserate: {target: party, kind: ddos, countries: "FR, Germany"}}`, `frequency.baserate.countries: "GERMANY" is neither a country code nor a set`},
		{`{baserate: {target: party, kind: ddos, from: 2024, to: 2020}}`, `frequency.baserate.to: the years counted run from 2024 to 2020: none`},
		{`{baserate: {target: party, kind: ddos, orgs: -3}}`, `orgs`},
	} {
		src := head + "actors: [{id: x, name: X}]\nscenarios:\n  - {id: s, name: S, actor: x, assets: [mail], effect: availability, vulnerability: 1, magnitude: 1, frequency: " + c.freq + "}\n"
		_, err := Decode("m.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "m.yaml:") {
			t.Errorf("%s: %v, want %q", c.freq, err, c.want)
		}
	}
	src := head + "actors: [{id: x, name: X}]\nscenarios:\n  - {id: s, name: S, actor: x, assets: [mail], effect: availability, vulnerability: 1, frequency: 1, magnitude: {baserate: {target: party, kind: ddos}}}\n"
	if _, err := Decode("m.yaml", []byte(src)); err == nil || !strings.Contains(err.Error(), "magnitude: a base rate gives a frequency") {
		t.Errorf("a base rate as a magnitude: %v", err)
	}
}
