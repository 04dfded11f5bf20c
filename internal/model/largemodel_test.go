package model

import (
	"fmt"
	"strings"
)

// largeModel returns a valid model of about size bytes written the way
// people write models (see examples/election.yaml): block and flow
// styles, folded descriptions, a comment on most numbers, shared
// distributions through anchors and merges, attack-defence trees and
// evidence. It grows by units of one organisation with 8 assets, 3
// actors, 8 controls, 10 scenarios, one tree and 2 pieces of evidence
// (about 22 KB a unit).
func largeModel(size int) []byte {
	var b strings.Builder
	b.WriteString(`# A generated model for measuring the decoder: many organisations, each
# with its assets, actors, controls, scenarios and an attack-defence tree.
scrutin: 1
name: Generated national election model
description: >-
  Every organisation of a national election, generated: campaigns, parties,
  ministries, the election authority and its operators.
currency: EUR
trials: 10000
seed: 7
tolerance:
  - {loss: 1000000, probability: 0.5}     # expert estimate
  - {loss: 10000000, probability: 0.05}   # expert estimate
  - {loss: 50000000, probability: 0.005}  # expert estimate
labels:
  frequency: {rare: {pert: [0.01, 0.1, 0.5]}}
x-shared:
  high-frequency: &freq-high {pert: [2, 5, 12]}    # expert estimate
  medium-loss: &loss-medium {lognormal90: [20000, 400000]}
  defaults: &scenario-defaults
    effect: integrity
    magnitude: {lognormal90: [10000, 250000]}     # expert estimate
`)
	units := max(1, size/largeUnit)
	sections := []struct {
		head string
		unit func(b *strings.Builder, u int)
	}{
		{"organizations:\n", largeOrg},
		{"assets:\n", largeAssets},
		{"actors:\n", largeActors},
		{"controls:\n", largeControls},
		{"scenarios:\n", largeScenarios},
		{"trees:\n", largeTree},
		{"evidence:\n", largeEvidence},
	}
	for _, s := range sections {
		b.WriteString(s.head)
		for u := range units {
			s.unit(&b, u)
		}
	}
	return []byte(b.String())
}

// largeUnit is about the size of one unit of largeModel.
const largeUnit = 21_700

var largeKinds = []string{KindCampaign, KindParty, KindMinistry, KindElectionAuthority, KindOperator, KindAgency}

func largeOrg(b *strings.Builder, u int) {
	fmt.Fprintf(b, "  - {id: org-%d, name: Organisation number %d of the election, kind: %s}\n", u, u, largeKinds[u%len(largeKinds)])
}

var largeAssetKinds = []string{"email", "website", "social", "crm", "voter-roll", "results", "infrastructure", "software"}

func largeAssets(b *strings.Builder, u int) {
	for i, kind := range largeAssetKinds {
		fmt.Fprintf(b, "  - {id: asset-%d-%d, org: org-%d, name: %s systems of organisation %d, kind: %s}\n", u, i, u, kind, u, kind)
	}
}

func largeActors(b *strings.Builder, u int) {
	fmt.Fprintf(b, `  - id: state-%d
    name: State-sponsored group number %d
    description: >-
      Long-term espionage and influence operations against governments and
      campaigns; phishing, supply-chain compromise and hack-and-leak.
    attack: G%04d                         # ATT&CK group id
    capability: {pert: [0.6, 0.8, 0.95]}   # expert estimate: capable but often noisy
    activity: {lognormal90: [0.3, 3]}      # expert estimate: election years vary tenfold
    skill: 5                               # expert estimate on the trees' 1–5 scale
  - id: crime-%d
    name: Ransomware affiliates number %d
    capability: {pert: [0.2, 0.5, 0.85]}   # expert estimate: affiliates buy initial access
    skill: 3                               # expert estimate
  - id: insider-%d
    name: Malicious or coerced insider number %d
    skill: 3
`, u, u, u%10000, u, u, u, u)
}

func largeControls(b *strings.Builder, u int) {
	for i := range 8 {
		status := "proposed"
		if i%3 == 0 {
			status = "implemented"
		}
		fmt.Fprintf(b, `  - id: control-%d-%d
    name: Control %d of organisation %d (two-factor, training, backups, segmentation …)
    attack: [M1032, M1017]               # ATT&CK mitigations
    status: %s
    cost: {once: %d, yearly: %d}     # expert estimate: licences, staff time and support
    effects:
      - {scenario: scenario-%d-%d, vulnerability: 0.5}   # expert estimate: halves the success of a threat event
      - {scenario: scenario-%d-%d, magnitude: 0.7, secondary_probability: 0.8}   # expert estimate
      - {scenario: scenario-%d-%d, frequency: 0.9}       # expert estimate
`, u, i, i, u, status, 1000*(i+1), 500*(i+2), u, i, u, (i+1)%10, u, (i+2)%10)
	}
}

func largeScenarios(b *strings.Builder, u int) {
	for i := range 10 {
		fmt.Fprintf(b, "  # --- organisation %d, scenario %d ---\n", u, i)
		switch i % 4 {
		case 0:
			fmt.Fprintf(b, `  - id: scenario-%d-%d
    name: Spear-phishing and account takeover of staff (%d/%d)
    description: >-
      Targeted phishing waves in an election year, look-alike domains and
      stolen passwords; what a taken mailbox exposes.
    actor: state-%d
    assets: [asset-%d-0, asset-%d-2]
    effect: confidentiality
    frequency: {pert: [2, 6, 20]}              # expert estimate: phishing waves in a campaign year
    vulnerability: {beta: [2, 5]}              # mean 0.29 per wave, expert estimate
    magnitude: {lognormal90: [10000, 250000]}  # expert estimate: forensics, resets, staff time
    secondary:
      probability: 0.15                        # expert estimate
      magnitude: {lognormal90: [50000, 1000000]}   # expert estimate
`, u, i, u, i, u, u, u)
		case 1:
			fmt.Fprintf(b, `  - id: scenario-%d-%d
    name: Ransomware on office systems (%d/%d)
    actor: crime-%d
    assets: [asset-%d-6]
    effect: availability
    frequency: *freq-high                      # shared with the other ransomware scenarios
    vulnerability:
      resistance: {pert: [0.6, 0.85, 0.97]}    # expert estimate: resistance percentile
    magnitude: *loss-medium
`, u, i, u, i, u, u)
		case 2:
			fmt.Fprintf(b, `  - {<<: *scenario-defaults, id: scenario-%d-%d, name: Insider changes records (%d/%d), actor: insider-%d, assets: [asset-%d-4], frequency: {label: rare}, vulnerability: {label: medium}}   # expert estimate
`, u, i, u, i, u, u)
		default:
			fmt.Fprintf(b, `  - id: scenario-%d-%d
    name: Hack-and-leak through the attack tree (%d/%d)
    actor: state-%d
    assets: [asset-%d-0]
    effect: confidentiality
    frequency: {pert: [0.1, 0.5, 2]}           # expert estimate
    vulnerability: {tree: tree-%d}             # from the tree below
    magnitude: {lognormal90: [200000, 5000000]}   # expert estimate
`, u, i, u, i, u, u, u)
		}
	}
}

// largeTree writes a tree of depth 4, two children a node, whose leaves
// have a defence linked to a control.
func largeTree(b *strings.Builder, u int) {
	fmt.Fprintf(b, `  - id: tree-%d
    name: Leak the mailboxes of organisation %d
    root:
`, u, u)
	b.WriteString(largeTreeNode(u, "", 0, "      "))
}

// largeTreeNode is the node at path, each of its lines indented by indent.
func largeTreeNode(u int, path string, depth int, indent string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%sid: n-%d%s\n%sname: Step %s of the operation\n", indent, u, path, indent, path)
	if depth == 4 {
		fmt.Fprintf(&b, `%scost: 10000      # expert estimate
%sprobability: 0.5 # expert estimate
%stime: 10         # expert estimate
%sskill: 4         # expert estimate
%scountermeasures:
%s  - {id: d-%d%s, name: Defence of step %s, control: control-%d-1, probability: 0.8}   # expert estimate
`, indent, indent, indent, indent, indent, indent, u, path, path, u)
		return b.String()
	}
	gate := []string{"or", "and", "sand"}[depth%3]
	fmt.Fprintf(&b, "%sgate: %s\n%schildren:\n", indent, gate, indent)
	for c := range 2 {
		child := largeTreeNode(u, fmt.Sprintf("%s-%d", path, c), depth+1, indent+"    ")
		// The child's first key goes on the line of its dash.
		b.WriteString(indent + "  - " + strings.TrimPrefix(child, indent+"    "))
	}
	return b.String()
}

func largeEvidence(b *strings.Builder, u int) {
	fmt.Fprintf(b, `  - id: ev-%d-phish
    scenario: scenario-%d-0
    parameter: vulnerability
    successes: 3       # credentials submitted in the last simulation
    attempts: 40       # e-mails delivered
    source: Phishing simulation of organisation %d
  - {id: ev-%d-waves, scenario: scenario-%d-0, parameter: frequency, events: 12, exposure: 2, source: incident log}
`, u, u, u, u, u)
}

// denseModel returns a valid model of about size bytes written as a
// program might write it: one flow mapping a line, no comments, short
// names; about twice as many tokens a byte as largeModel.
func denseModel(size int) []byte {
	var b strings.Builder
	b.WriteString("scrutin: 1\nname: Generated dense model\ncurrency: EUR\ntrials: 1000\nseed: 1\n")
	b.WriteString("tolerance: [{loss: 1000000, probability: 0.5}, {loss: 10000000, probability: 0.05}]\n")
	n := max(1, size/1150) // one organisation, 2 assets, 1 actor, 1 control and 3 scenarios a unit
	b.WriteString("organizations:\n")
	for u := range n {
		fmt.Fprintf(&b, "  - {id: o%d, name: Org %d, kind: %s}\n", u, u, largeKinds[u%len(largeKinds)])
	}
	b.WriteString("assets:\n")
	for u := range n {
		fmt.Fprintf(&b, "  - {id: a%d-0, org: o%d, name: Mail %d, kind: email}\n  - {id: a%d-1, org: o%d, name: Web %d, kind: website}\n", u, u, u, u, u, u)
	}
	b.WriteString("actors:\n")
	for u := range n {
		fmt.Fprintf(&b, "  - {id: x%d, name: Actor %d, capability: {pert: [0.2, 0.5, 0.9]}, activity: {lognormal90: [0.5, 2]}}\n", u, u)
	}
	b.WriteString("controls:\n")
	for u := range n {
		fmt.Fprintf(&b, "  - {id: c%d, name: Control %d, status: %s, cost: {once: %d, yearly: %d}, effects: [{scenario: s%d-0, vulnerability: 0.5}, {scenario: s%d-1, magnitude: 0.7}, {scenario: s%d-2, frequency: 0.8}]}\n",
			u, u, []string{"implemented", "proposed"}[u%2], 1000+u, 500+u, u, u, u)
	}
	b.WriteString("scenarios:\n")
	effects := []string{"confidentiality", "integrity", "availability"}
	for u := range n {
		for i := range 3 {
			fmt.Fprintf(&b, "  - {id: s%d-%d, name: Scenario %d-%d, actor: x%d, assets: [a%d-%d], effect: %s, frequency: {pert: [0.1, %g, %d]}, vulnerability: %g, magnitude: {lognormal90: [%d, %d]}}\n",
				u, i, u, i, u, u, i%2, effects[i], 0.5+float64(u%4), 5+u%6, 0.05+0.01*float64(u%30), 1000*(1+u%50), 100000*(1+u%50))
		}
	}
	return []byte(b.String())
}
