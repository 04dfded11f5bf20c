package model

import (
	"fmt"
	"math"
	"math/big"
	"slices"
)

// contests checks the contests and returns their ids (nil when the
// decoder could not read them all, so that references are not checked).
func (c *checker) contests() map[string]bool {
	m := c.m
	if len(m.Contests) > MaxContests {
		c.add("contests", "a model declares at most %d contests, got %d", MaxContests, len(m.Contests))
		return nil // the contests are not checked, nor the references to them
	}
	ids := c.ids("contests", len(m.Contests), func(i int) string { return m.Contests[i].ID })
	for i := range m.Contests {
		c.contest(i)
	}
	return ids
}

func (c *checker) contest(i int) {
	ct := &c.m.Contests[i]
	p := fmt.Sprintf("contests[%d]", i)
	if ct.Voting != "" && !slices.Contains(VotingKinds, ct.Voting) {
		c.add(p+".voting", "unknown voting %q%s", ct.Voting, suggest(ct.Voting, VotingKinds))
	}
	ballotsOK := ct.Ballots >= 1 && ct.Ballots <= MaxBallots
	if !ballotsOK {
		c.add(p+".ballots", "a contest counts from 1 to %d ballots, got %d", int64(MaxBallots), ct.Ballots)
	}
	n := len(ct.Candidates)
	switch {
	case n > MaxCandidates:
		c.add(p+".candidates", "a contest has at most %d candidates, got %d", MaxCandidates, n)
		return
	case n < 2 && !c.isUnread(p+".candidates"):
		c.add(p+".candidates", "a contest needs at least 2 candidates, got %d", n)
	}
	winnersOK := ct.Winners >= 0 && (n < 2 || ct.WinnerCount() < n)
	if !winnersOK {
		c.add(p+".winners", "the winners must be fewer than the candidates (%d), got %d: at least one candidate must lose", n, ct.Winners)
	}
	votesAllowedOK := ct.VotesAllowed >= 0 && (n < 2 || ct.VotesPerBallot() <= n)
	if !votesAllowedOK {
		c.add(p+".votes_allowed", "votes_allowed must be from 1 to the number of candidates (%d), got %d", n, ct.VotesAllowed)
	}
	votesOK := true
	sum := new(big.Int)
	for _, name := range sortedKeys(ct.Candidates) {
		v := ct.Candidates[name]
		cp := p + ".candidates." + name
		switch {
		case name == "":
			c.add(cp, "a candidate needs a name")
			votesOK = false
		case v < 0:
			c.add(cp, "votes must be a whole number ≥ 0, got %d", v)
			votesOK = false
		case ballotsOK && v > ct.Ballots:
			c.add(cp, "candidate %q has %d votes, more than the contest's %d ballots", name, v, ct.Ballots)
			votesOK = false
		}
		sum.Add(sum, big.NewInt(v))
	}
	if votesOK && ballotsOK && votesAllowedOK && n >= 2 && n <= MaxCandidates {
		k := int64(ct.VotesPerBallot())
		if room := new(big.Int).Mul(big.NewInt(ct.Ballots), big.NewInt(k)); sum.Cmp(room) > 0 {
			if k == 1 {
				c.add(p+".candidates", "the candidates' votes add up to %s, more than the contest's %d ballots", sum.String(), ct.Ballots)
			} else {
				c.add(p+".candidates", "the candidates' votes add up to %s, more than the %d ballots can carry (%d votes each)", sum.String(), ct.Ballots, k)
			}
		}
	}
	if votesOK && winnersOK && n >= 2 {
		r := ct.Ranked()
		w := ct.WinnerCount()
		if last, first := r[w-1], r[w]; last.Votes == first.Votes {
			c.add(p+".candidates", "%q and %q tie at %d votes for the last winning place: the reported outcome is not determined", last.Name, first.Name, last.Votes)
		}
	}
	c.units(i, ballotsOK)
}

// units checks the counting units of contest i.
func (c *checker) units(i int, ballotsOK bool) {
	ct := &c.m.Contests[i]
	p := fmt.Sprintf("contests[%d]", i)
	if ct.Units == nil {
		return // none, or a units_file that could not be read (reported)
	}
	whole := p + ".units"
	if ct.UnitsFile != "" {
		whole = p + ".units_file"
	}
	if len(ct.Units) > MaxUnits {
		c.add(whole, "a contest has at most %d counting units, got %d", MaxUnits, len(ct.Units))
		return
	}
	seen := make(map[string]int, len(ct.Units))
	complete := !c.isUnread(p + ".units")
	var sum int64
	for j := range ct.Units {
		u := &ct.Units[j]
		up := fmt.Sprintf("%s.units[%d]", p, j)
		if c.isUnread(up) || c.isUnread(up+".id") || c.isUnread(up+".ballots") {
			complete = false
			continue
		}
		if u.ID == "" {
			c.add(up, "a counting unit needs an id")
		} else if first, dup := seen[u.ID]; dup {
			c.add(up+".id", "duplicate unit id %q (already used at %s)", u.ID, c.where(fmt.Sprintf("%s.units[%d]", p, first)))
		} else {
			seen[u.ID] = j
		}
		if u.Ballots < 0 || u.Ballots > MaxBallots {
			c.add(up+".ballots", "a unit counts from 0 to %d ballots, got %d", int64(MaxBallots), u.Ballots)
			complete = false
			continue
		}
		sum += u.Ballots // at most MaxUnits × MaxBallots: no overflow
	}
	if complete && ballotsOK && sum != ct.Ballots {
		c.add(whole, "the units count %d ballots, the contest %d", sum, ct.Ballots)
	}
}

// isUnread reports whether the decoder could not read the value at path.
func (c *checker) isUnread(path string) bool { return c.unread != nil && c.unread(path) }

// contestRef checks that id names a contest, and reports whether it does.
func (c *checker) contestRef(path, id string) bool {
	if c.contestIDs == nil || id == "" {
		return false // not all read, or reported as missing
	}
	if len(c.contestIDs) == 0 {
		c.add(path, "unknown contest %q: the model declares none under contests", id)
		return false
	}
	if !c.contestIDs[id] {
		c.ref(path, "unknown contest %q%s", id, c.contestIDs)
		return false
	}
	return true
}

// audit checks the risk-limiting audit of control i.
func (c *checker) audit(i int) {
	ctl := &c.m.Controls[i]
	p := fmt.Sprintf("controls[%d]", i)
	switch {
	case ctl.Kind == "" && ctl.Audit == nil:
		return
	case ctl.Kind == "":
		c.add(p+".audit", "an audit belongs to a control of kind risk-limiting-audit: add kind: risk-limiting-audit")
		return
	case ctl.Kind != ControlRiskLimitingAudit:
		c.add(p+".kind", "unknown control kind %q; the only kind is risk-limiting-audit", ctl.Kind)
		return
	case ctl.Audit == nil:
		if !c.isUnread(p + ".audit") {
			c.add(p+".kind", "a control of kind risk-limiting-audit needs an audit: {contest: ID, risk_limit: 0.05}")
		}
		return
	}
	a := ctl.Audit
	ap := p + ".audit"
	if !(a.RiskLimit > 0 && a.RiskLimit < 1) {
		c.add(ap+".risk_limit", "a risk limit must be more than 0 and less than 1, got %s", num(a.RiskLimit))
	}
	if a.Method != "" && a.Method != AuditPolling && a.Method != AuditComparison {
		c.add(ap+".method", "unknown audit method %q; expected polling or comparison", a.Method)
	}
	if a.CostPerBallot < 0 || math.IsNaN(a.CostPerBallot) || math.IsInf(a.CostPerBallot, 0) {
		c.add(ap+".cost_per_ballot", "a cost must be ≥ 0, got %s", num(a.CostPerBallot))
	}
	if !c.contestRef(ap+".contest", a.Contest) {
		return
	}
	ct := c.m.Contest(a.Contest)
	switch {
	case !ct.PaperRecord():
		c.add(ap+".contest", "a risk-limiting audit needs a voter-verified paper record; contest %q votes on %s", ct.ID, ct.Voting)
	case a.Method == AuditComparison && ct.Voting == VotingPaperHandCount:
		c.add(ap+".method", "ballot comparison needs a cast-vote record for each ballot, which a hand count does not produce; use method: polling")
	}
}

// scenarioContest checks the contest scenario i tries to change.
func (c *checker) scenarioContest(i int) {
	s := &c.m.Scenarios[i]
	p := fmt.Sprintf("scenarios[%d]", i)
	if s.Manipulation != "" && s.Manipulation != ManipulateVotes && s.Manipulation != ManipulateUnits {
		c.add(p+".manipulation", "unknown manipulation %q; expected votes or units", s.Manipulation)
		return
	}
	if s.Contest == "" {
		if s.Manipulation != "" {
			c.add(p+".manipulation", "a manipulation needs the contest it changes: give contest")
		}
		return
	}
	if s.Effect != "" && s.Effect != EffectIntegrity && !c.isUnread(p+".effect") {
		c.add(p+".contest", "changing a contest's outcome is an attack on integrity; this scenario's effect is %s", s.Effect)
	}
	if !c.contestRef(p+".contest", s.Contest) {
		return
	}
	if ct := c.m.Contest(s.Contest); s.Manipulation == ManipulateUnits && ct.Units == nil && ct.UnitsFile == "" {
		c.add(p+".manipulation", "manipulation units needs the counting units of contest %q: give it units or units_file", ct.ID)
	}
}

// auditProbability checks that a defence leaf linked to a
// risk-limiting-audit control does not type the probability the audit
// computes.
func (c *checker) auditProbability(n *TreeNode, path string) {
	if n.Probability == nil || n.Control == "" {
		return
	}
	ctl := c.m.ControlByID(n.Control)
	// One typed as the audit computes it (as ADTool exports write it)
	// says the same and stays.
	if ctl == nil || !ctl.IsAudit() || *n.Probability == 1-ctl.Audit.RiskLimit {
		return
	}
	c.add(path+".probability", "the probability of defence %q comes from control %q's risk limit (1 − %s); remove it", n.ID, ctl.ID, num(ctl.Audit.RiskLimit))
}
