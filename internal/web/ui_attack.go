package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/scrutin/scrutin/internal/attack"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
)

// The ATT&CK coverage of a model: for an actor chosen in a GET form (it
// works without JavaScript), its techniques in a matrix by tactic, in
// kill-chain order, each marked covered (a control in force mitigates
// it), proposed (only a control not in force would) or not covered, by a
// symbol and words as well as a colour; then the uncovered techniques,
// most important first (attack.Rank), as `scrutin attack coverage`
// computes them.

// embeddedCatalog is the ATT&CK catalogue built into the binary, parsed
// once: it is read only afterwards, and shared by the requests.
var embeddedCatalog = sync.OnceValues(attack.Embedded)

// attackCatalog is the server's ATT&CK catalogue: the configured one, else
// the embedded one.
func (s *Server) attackCatalog() (*attack.Catalog, error) {
	if s.cfg.Attack != nil {
		return s.cfg.Attack, nil
	}
	return embeddedCatalog()
}

// Coverage states of a technique, as the page's classes and legend name
// them.
const (
	covCovered   = "covered"
	covProposed  = "proposed"
	covUncovered = "uncovered"
)

func coverageState(score int) string {
	switch score {
	case attack.ScoreMitigated:
		return covCovered
	case attack.ScoreProposed:
		return covProposed
	}
	return covUncovered
}

type attackPage struct {
	*modelRev
	Catalog string
	Actors  []actorChoice
	// Query is the actor asked for; Error says why it gave no coverage.
	Query string
	Error string
	Cov   *attack.Coverage
	// Columns are the tactics with techniques of the actor, in matrix
	// order.
	Columns   []tacticColumn
	Uncovered []uncoveredRow
	// Actors of the catalogue, for "used by n of N".
	CatalogActors int
}

// actorChoice is an actor of the select: the catalogue's, with the id of
// the model's actor that names it, if any.
type actorChoice struct {
	ID, Name   string
	ModelActor string
	Selected   bool
}

type tacticColumn struct {
	Tactic     attack.Tactic
	Techniques int
	Covered    int
	Proposed   int
	Cells      []techCell
}

type techCell struct {
	ID, Name string
	State    string
	InForce  []string
	Proposed []string
}

// Title says which controls mitigate the technique, or would: the
// cell's tooltip.
func (c techCell) Title(p *i18n.Printer) string {
	switch {
	case len(c.InForce) > 0:
		return p.T("attack.cell.inforce", strings.Join(c.InForce, ", "))
	case len(c.Proposed) > 0:
		return p.T("attack.cell.proposed", strings.Join(c.Proposed, ", "))
	}
	return ""
}

type uncoveredRow struct {
	Rank int
	*attack.TechniqueCoverage
	State   string
	Tactics []string // names
}

// TacticList names the technique's tactics.
func (u uncoveredRow) TacticList() string { return strings.Join(u.Tactics, ", ") }

// MitigationList lists ATT&CK's mitigations of the technique.
func (u uncoveredRow) MitigationList() string { return strings.Join(u.Mitigations, ", ") }

// Reason says why nothing of the model would mitigate the technique:
// "precompromise", "nomitigation" or "other" (ATT&CK knows mitigations
// the model's controls do not list); "" when a proposed control would.
func (u uncoveredRow) Reason() string {
	switch {
	case len(u.Proposed) > 0:
		return ""
	case len(u.Mitigations) == 0:
		return "nomitigation"
	case !u.Preventable():
		return "precompromise"
	}
	return "other"
}

func (s *Server) attackPageOf(w http.ResponseWriter, r *http.Request, v *view) error {
	mr, err := s.loadModelRev(r, v)
	if err != nil {
		return err
	}
	c, err := s.attackCatalog()
	if err != nil {
		return err
	}
	m := mr.M
	page := &attackPage{modelRev: mr, Catalog: c.Name, CatalogActors: len(c.Actors), Query: strings.TrimSpace(r.URL.Query().Get("actor"))}
	// The model's actors first, then the rest of the catalogue's.
	byModel := map[string]string{}
	for _, ma := range m.Actors {
		if a := c.Actor(ma.Attack); a != nil && byModel[a.ID] == "" {
			byModel[a.ID] = ma.ID
		}
	}
	for _, a := range c.Actors {
		page.Actors = append(page.Actors, actorChoice{ID: a.ID, Name: a.Name, ModelActor: byModel[a.ID]})
	}
	// An influence actor of the model, known by its DISARM techniques
	// (disarm:), is the model's own: it is chosen by its model id, after
	// the model's ATT&CK groups.
	for _, ma := range m.Actors {
		if len(ma.Disarm) > 0 {
			page.Actors = append(page.Actors, actorChoice{ID: ma.ID, Name: ma.Name, ModelActor: ma.ID})
		}
	}
	slices.SortStableFunc(page.Actors, func(a, b actorChoice) int {
		return cmp.Compare(b01(a.ModelActor == ""), b01(b.ModelActor == ""))
	})
	q := page.Query
	if q == "" && len(page.Actors) > 0 {
		q = page.Actors[0].ID
	}
	status := http.StatusOK
	if q != "" {
		if err := page.cover(c, q); err != nil {
			if code := model.ErrorCode(err); code != model.ENOTFOUND && code != model.EINVALID {
				return err
			}
			page.Error, status = errorMessage(v.P, err, ""), http.StatusUnprocessableEntity
		}
	}
	v.Title, v.Nav, v.Page = v.P.T("attack.title", mr.Model.Name), "models", page
	return s.render(w, status, "attack", v)
}

// cover computes the coverage of the actor q names by the revision's
// controls in force.
func (page *attackPage) cover(c *attack.Catalog, q string) error {
	m := page.M
	a, modelActor, err := c.ResolveActor(m, q)
	if err != nil {
		return err
	}
	for i := range page.Actors {
		page.Actors[i].Selected = page.Actors[i].ID == a.ID
	}
	cov, err := c.Cover(a, m, page.inForce())
	if err != nil {
		return err
	}
	cov.ModelActor = modelActor
	page.Cov = cov
	for _, tc := range cov.ByTactic {
		col := tacticColumn{Tactic: tc.Tactic, Techniques: tc.Techniques, Covered: tc.Mitigated}
		for _, t := range cov.Techniques {
			if !slices.Contains(t.Tactics, tc.Tactic.ShortName) {
				continue
			}
			cell := techCell{ID: t.ID, Name: t.Name, State: coverageState(t.Score), InForce: controlNames(m, t.InForce), Proposed: controlNames(m, t.Proposed)}
			if cell.State == covProposed {
				col.Proposed++
			}
			col.Cells = append(col.Cells, cell)
		}
		page.Columns = append(page.Columns, col)
	}
	for i, t := range cov.Uncovered {
		row := uncoveredRow{Rank: i + 1, TechniqueCoverage: t, State: coverageState(t.Score)}
		for _, sn := range t.Tactics {
			name := sn
			if tac := c.Tactic(sn); tac != nil {
				name = tac.Name
			}
			row.Tactics = append(row.Tactics, name)
		}
		page.Uncovered = append(page.Uncovered, row)
	}
	return nil
}

func b01(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Proposed counts the techniques that only a control not in force would
// mitigate.
func (page *attackPage) Proposed() int { return page.Cov.WithProposed - page.Cov.Mitigated }

// Fraction is n / the actor's techniques.
func (page *attackPage) Fraction(n int) float64 {
	if page.Cov == nil || len(page.Cov.Techniques) == 0 {
		return 0
	}
	return float64(n) / float64(len(page.Cov.Techniques))
}

// attackTopUncovered is how many uncovered techniques the page shows
// before the rest, folded away so that the page stays short.
const attackTopUncovered = 5

// UncoveredTop are the most important uncovered techniques, shown open.
func (page *attackPage) UncoveredTop() []uncoveredRow {
	return page.Uncovered[:min(len(page.Uncovered), attackTopUncovered)]
}

// UncoveredRest are the other uncovered techniques, in a closed section.
func (page *attackPage) UncoveredRest() []uncoveredRow {
	return page.Uncovered[min(len(page.Uncovered), attackTopUncovered):]
}

// controlNames writes the model's controls of ids by name, with the id in
// parentheses (a tooltip has no smaller type), the id alone for a
// control without a name.
func controlNames(m *model.Model, ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		name := id
		for i := range m.Controls {
			if c := &m.Controls[i]; c.ID == id && c.Name != "" && c.Name != id {
				name = c.Name + " (" + id + ")"
				break
			}
		}
		out = append(out, name)
	}
	return out
}
