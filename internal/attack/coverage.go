package attack

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// PreCompromise is ATT&CK's mitigation M1056 "Pre-compromise": techniques
// it alone mitigates happen outside the defender's systems and cannot be
// mitigated by preventive controls.
const PreCompromise = "M1056"

// Scores of a technique in a coverage, as in the Navigator layer.
const (
	ScoreMitigated = 100 // a control in force mitigates it
	ScoreProposed  = 50  // only a control not in force would
	ScoreUncovered = 0   // no control of the model mitigates it
)

// Coverage says which of an actor's techniques a model's controls mitigate.
//
// The actor's techniques are those it uses and those of the campaigns
// attributed to it (Catalog.ActorTechniques). A technique is mitigated when
// a control in force lists, in its attack: ids, a mitigation that the
// catalogue says mitigates that very technique. A sub-technique counts as
// mitigated only by mitigations of itself, not by those of its parent: in
// ATT&CK a parent's mitigations gather its sub-techniques', so a parent's
// mitigation often does nothing against a given sub-technique (in the
// v18.1 data, 92 of 139 sub-techniques have a parent with mitigations they
// lack). Likewise a parent technique is judged on its own mitigations only.
type Coverage struct {
	Model string // the model's name
	Actor *Actor
	// ModelActor is the id of the model's actor the coverage was asked
	// for, when it was asked by that id.
	ModelActor string
	// Direct is the number of techniques the actor uses itself, the rest
	// coming from its campaigns.
	Direct     int
	Techniques []TechniqueCoverage // by id
	Mitigated  int
	ByTactic   []TacticCoverage // in matrix order, tactics with techniques only
	// Uncovered are the techniques no control in force mitigates, most
	// important first (see Rank).
	Uncovered []*TechniqueCoverage
	// InForce are the model's controls in force that list ATT&CK
	// mitigations, and Proposed those not in force, most useful first.
	InForce  []ControlCoverage
	Proposed []ControlCoverage
	// WithProposed is how many techniques would be mitigated with every
	// control of the model in force.
	WithProposed int
	Notes        []string

	cat *Catalog
}

// TechniqueCoverage is one of the actor's techniques and what mitigates it.
type TechniqueCoverage struct {
	ID        string
	Name      string   // full name: "Phishing: Spearphishing Attachment"
	Tactics   []string // short names, matrix order
	Direct    bool     // the group uses it itself
	Campaigns []string // the actor's campaigns that use it
	// Mitigations are the ATT&CK mitigations of the technique.
	Mitigations []string
	InForce     []string // ids of the model's controls in force that mitigate it
	Proposed    []string // ids of the model's controls not in force that would
	Users       int      // how many of the catalogue's actors use it
	Subs        int      // how many of the actor's techniques are its sub-techniques
	Score       int
}

// Preventable reports whether ATT&CK knows a mitigation of the technique
// other than Pre-compromise.
func (t *TechniqueCoverage) Preventable() bool {
	return slices.ContainsFunc(t.Mitigations, func(m string) bool { return m != PreCompromise })
}

// TacticCoverage is the coverage of the actor's techniques of one tactic.
type TacticCoverage struct {
	Tactic     Tactic
	Techniques int
	Mitigated  int
}

// Fraction returns Mitigated / Techniques.
func (t TacticCoverage) Fraction() float64 { return fraction(t.Mitigated, t.Techniques) }

// ControlCoverage is what one control of the model does against the actor.
type ControlCoverage struct {
	ID          string
	Name        string
	Mitigations []string // its attack: ids that the catalogue knows
	// Techniques are the actor's techniques it mitigates, by id; for a
	// control not in force, only those no control in force mitigates
	// already, in rank order (see Rank).
	Techniques []string
}

// Fraction returns the share of the actor's techniques mitigated.
func (c *Coverage) Fraction() float64 { return fraction(c.Mitigated, len(c.Techniques)) }

func fraction(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// ResolveActor finds the actor q names for a coverage of model m: the id of
// one of m's actors (whose attack: group id is used), or anything
// FindActor accepts. It returns the catalogue actor and the model actor's
// id when q named one.
func (c *Catalog) ResolveActor(m *model.Model, q string) (*Actor, string, error) {
	if m != nil {
		if ma := m.ActorByID(q); ma != nil {
			if ma.Attack == "" && len(ma.Disarm) == 0 {
				return nil, "", model.Errorf(model.EINVALID, "the model's actor %q (%s) has no attack: ATT&CK group id and no disarm: techniques; give --actor an ATT&CK group id, name or alias", q, ma.Name)
			}
			// An influence actor is the model's own: its DISARM
			// techniques, and those of its ATT&CK group if it has one.
			a := &Actor{ID: ma.ID, Name: ma.Name}
			if ma.Attack != "" {
				g, err := c.FindActor(ma.Attack)
				if err != nil {
					return nil, "", fmt.Errorf("the model's actor %q has attack: %s: %w", q, ma.Attack, err)
				}
				if len(ma.Disarm) == 0 {
					return g, ma.ID, nil
				}
				a.Techniques = c.ActorTechniques(g)
			}
			for _, id := range ma.Disarm {
				t := c.Technique(DISARMPrefix + id)
				if t == nil {
					return nil, "", model.Errorf(model.EINVALID, "the model's actor %q has disarm: %s, which is not a DISARM technique in the catalogue (%s)", q, id, c.Name)
				}
				a.Techniques = append(a.Techniques, t.ID)
			}
			a.Techniques = sortedSet(a.Techniques)
			return a, ma.ID, nil
		}
	}
	a, err := c.FindActor(q)
	return a, "", err
}

// Cover computes the coverage of actor a's techniques by the controls of
// model m, those in inForce (control ids, as model.InForce returns them)
// being in force and the others not.
func (c *Catalog) Cover(a *Actor, m *model.Model, inForce []string) (*Coverage, error) {
	ids := c.ActorTechniques(a)
	if len(ids) == 0 {
		return nil, model.Errorf(model.EINVALID, "%s %s has no techniques in the catalogue (%s)", a.ID, a.Name, c.Name)
	}
	cov := &Coverage{Model: m.Name, Actor: a, Direct: len(a.Techniques), cat: c}
	controls := c.mappedControls(m, cov)
	users := c.TechniqueUsers()
	camps := c.ActorCampaigns(a.ID)
	subs := map[string]int{}
	for _, id := range ids {
		if t := c.Technique(id); t != nil && t.Parent != "" {
			subs[t.Parent]++
		}
	}
	for _, id := range ids {
		t := c.Technique(id)
		tc := TechniqueCoverage{ID: t.ID, Name: c.FullName(t), Tactics: t.Tactics, Mitigations: t.Mitigations,
			Direct: slices.Contains(a.Techniques, id), Users: users[id], Subs: subs[id]}
		for _, camp := range camps {
			if slices.Contains(camp.Techniques, id) {
				tc.Campaigns = append(tc.Campaigns, camp.ID)
			}
		}
		for _, ctl := range controls {
			if !intersects(ctl.Mitigations, t.Mitigations) {
				continue
			}
			if slices.Contains(inForce, ctl.ID) {
				tc.InForce = append(tc.InForce, ctl.ID)
			} else {
				tc.Proposed = append(tc.Proposed, ctl.ID)
			}
		}
		switch {
		case len(tc.InForce) > 0:
			tc.Score = ScoreMitigated
			cov.Mitigated++
		case len(tc.Proposed) > 0:
			tc.Score = ScoreProposed
		}
		if tc.Score != ScoreUncovered {
			cov.WithProposed++
		}
		cov.Techniques = append(cov.Techniques, tc)
	}
	for _, tac := range c.Tactics {
		tc := TacticCoverage{Tactic: tac}
		for _, t := range cov.Techniques {
			if slices.Contains(t.Tactics, tac.ShortName) {
				tc.Techniques++
				if t.Score == ScoreMitigated {
					tc.Mitigated++
				}
			}
		}
		if tc.Techniques > 0 {
			cov.ByTactic = append(cov.ByTactic, tc)
		}
	}
	for i := range cov.Techniques {
		if cov.Techniques[i].Score != ScoreMitigated {
			cov.Uncovered = append(cov.Uncovered, &cov.Techniques[i])
		}
	}
	slices.SortStableFunc(cov.Uncovered, Rank)
	for _, ctl := range controls {
		cc := ControlCoverage{ID: ctl.ID, Name: ctl.Name, Mitigations: ctl.Mitigations}
		if slices.Contains(inForce, ctl.ID) {
			for _, t := range cov.Techniques {
				if slices.Contains(t.InForce, ctl.ID) {
					cc.Techniques = append(cc.Techniques, t.ID)
				}
			}
			cov.InForce = append(cov.InForce, cc)
			continue
		}
		for _, t := range cov.Uncovered { // in rank order
			if slices.Contains(t.Proposed, ctl.ID) {
				cc.Techniques = append(cc.Techniques, t.ID)
			}
		}
		cov.Proposed = append(cov.Proposed, cc)
	}
	slices.SortStableFunc(cov.Proposed, func(x, y ControlCoverage) int { return cmp.Compare(len(y.Techniques), len(x.Techniques)) })
	return cov, nil
}

// Rank orders uncovered techniques, most important first:
//  1. those a control of the model not in force would mitigate (the model
//     already holds the remedy: switching it on pays);
//  2. those ATT&CK gives a mitigation other than Pre-compromise (they can
//     be mitigated at all) before those it gives none;
//  3. those more of the catalogue's actors use (common tradecraft);
//  4. those of broader reach: more tactics served plus more of the actor's
//     sub-techniques beneath them;
//  5. by id.
func Rank(a, b *TechniqueCoverage) int {
	return cmp.Or(
		-compareBool(len(a.Proposed) > 0, len(b.Proposed) > 0),
		-compareBool(a.Preventable(), b.Preventable()),
		-cmp.Compare(a.Users, b.Users),
		-cmp.Compare(len(a.Tactics)+a.Subs, len(b.Tactics)+b.Subs),
		cmp.Compare(a.ID, b.ID),
	)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

type mappedControl struct {
	ID, Name    string
	Mitigations []string
}

// mappedControls returns the model's controls with the ATT&CK mitigations
// of theirs the catalogue knows, noting those it does not.
func (c *Catalog) mappedControls(m *model.Model, cov *Coverage) []mappedControl {
	var out []mappedControl
	listed := false
	for _, ctl := range m.Controls {
		if len(ctl.Attack) == 0 {
			continue
		}
		listed = true
		mc := mappedControl{ID: ctl.ID, Name: ctl.Name}
		for _, id := range ctl.Attack {
			key := c.mitigationKey(id)
			if key == "" {
				cov.Notes = append(cov.Notes, fmt.Sprintf("control %s lists %s, which is not a mitigation or countermeasure in the catalogue (%s)", ctl.ID, id, c.Name))
				continue
			}
			mc.Mitigations = append(mc.Mitigations, key)
		}
		if len(mc.Mitigations) > 0 {
			out = append(out, mc)
		}
	}
	if !listed {
		cov.Notes = append(cov.Notes, "none of the model's controls lists ATT&CK mitigations or DISARM countermeasures (attack: [M…, C…]), so no technique can count as mitigated; add the mitigation ids of each control")
	}
	return out
}

func intersects(a, b []string) bool {
	return slices.ContainsFunc(a, func(x string) bool { return slices.Contains(b, x) })
}

// tacticNames returns the display names of tactic short names.
func (c *Catalog) tacticNames(shortNames []string) string {
	names := make([]string, len(shortNames))
	for i, sn := range shortNames {
		names[i] = sn
		if t := c.Tactic(sn); t != nil {
			names[i] = t.Name
		}
	}
	return strings.Join(names, ", ")
}
