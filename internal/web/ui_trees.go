package web

import (
	"bytes"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/scrutin/scrutin/internal/adtree"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/store"
)

// The attack-defence trees of a model (its trees: section): the list, and
// a tree drawn as inline SVG (adtree's drawing: no script, no external
// reference, a title on every node) with the cheapest attack highlighted,
// beside the exact results `scrutin tree eval` prints. Every figure is
// read under the revision's controls in force: its implemented ones, or
// for a what-if (?whatif=1&control=ID…) the ones chosen, as `scrutin tree
// eval --with/--without` would.

// modelRev is a revision of one of the organisation's models, decoded.
type modelRev struct {
	Model    *store.Model
	Revision *store.Revision
	// Old says that the revision is not the latest (?rev=N).
	Old     bool
	M       *model.Model
	InForce []namedID
	// RevQuery is "?rev=N" for an old revision ("" for the latest), to
	// keep the revision in the link to the model; Query keeps the what-if
	// too, in the links between the analysis pages.
	RevQuery, Query string
	// WhatIf says that the controls in force are chosen (?whatif=1), not
	// the revision's implemented ones; Controls are the model's, for the
	// form that chooses them.
	WhatIf   bool
	Controls []controlChoice
	// RunQuery fills the run form in with the controls in force.
	RunQuery string
}

// loadModelRev reads the model {id} of the page's organisation at the
// revision ?rev=N (the latest without it).
func (s *Server) loadModelRev(r *http.Request, v *view) (*modelRev, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	revNo := 0
	if q := r.URL.Query().Get("rev"); q != "" {
		if revNo, err = strconv.Atoi(q); err != nil || revNo < 1 {
			return nil, badRequest("invalid revision %q", q)
		}
	}
	sm, rev, m, err := loadRevision(r.Context(), s.db, v.Org.ID, id, revNo)
	if err != nil {
		return nil, err
	}
	mr := &modelRev{Model: sm, Revision: rev, Old: rev.Revision != sm.Revision, M: m}
	for _, id := range r.URL.Query()["control"] {
		if m.ControlByID(id) == nil {
			return nil, badRequest("unknown control %q", id)
		}
	}
	mr.Controls, mr.WhatIf = whatIfControls(m, r.URL.Query())
	for _, c := range mr.Controls {
		if c.Checked {
			mr.InForce = append(mr.InForce, namedID{c.ID, c.Name})
		}
	}
	q := url.Values{}
	if mr.Old {
		mr.RevQuery = "?rev=" + strconv.Itoa(rev.Revision)
		q.Set("rev", strconv.Itoa(rev.Revision))
	}
	if mr.WhatIf {
		setWhatIf(q, mr.inForce())
	}
	if len(q) > 0 {
		mr.Query = "?" + q.Encode()
	}
	mr.RunQuery = "?" + setWhatIf(url.Values{}, mr.inForce()).Encode()
	return mr, nil
}

// inForce lists the ids of the controls in force.
func (mr *modelRev) inForce() []string {
	ids := make([]string, len(mr.InForce))
	for i, c := range mr.InForce {
		ids[i] = c.ID
	}
	return ids
}

// treeContext is the evaluation of the revision's trees under the
// controls in force.
func (mr *modelRev) treeContext() adtree.Context {
	inForce := mr.inForce()
	return adtree.Context{Cheapest: adtree.DefaultCheapest, InForce: func(c string) bool { return slices.Contains(inForce, c) }}
}

// treesPage is the list of a model's trees.
type treesPage struct {
	*modelRev
	Currency string
	Trees    []treeRow
}

// treeRow is a tree in the list, with its main figures.
type treeRow struct {
	ID, Name, Goal string
	Nodes          int
	Shared         bool
	Result         *adtree.Result
}

func (s *Server) treesPageOf(w http.ResponseWriter, r *http.Request, v *view) error {
	mr, err := s.loadModelRev(r, v)
	if err != nil {
		return err
	}
	page := &treesPage{modelRev: mr, Currency: mr.M.Currency}
	ctx := mr.treeContext()
	for i := range mr.M.Trees {
		mt := &mr.M.Trees[i]
		t := adtree.FromModelIn(mr.M, mt)
		res := adtree.Evaluate(t, ctx)
		page.Trees = append(page.Trees, treeRow{ID: mt.ID, Name: mt.Name, Goal: t.Goal(), Nodes: len(t.Nodes()), Shared: res.Shared, Result: res})
	}
	v.Title, v.Nav, v.Page = v.P.T("trees.title", mr.Model.Name), "models", page
	return s.render(w, http.StatusOK, "trees", v)
}

// treePage is a tree drawn, with its evaluation.
type treePage struct {
	*modelRev
	Tree        *model.Tree
	Currency    string
	SVG         template.HTML
	Result      *adtree.Result
	Cheapest    []attackRow
	Defences    []adtree.DefenceValue
	Highlighted bool
	// Others are the model's other trees, for moving between them.
	Others []namedID
}

// attackRow is one of the cheapest attacks: its cost and its steps,
// named.
type attackRow struct {
	Cost  *float64
	Steps []attackStep
}

// attackStep is a leaf an attack performs, or a defence it gets round
// (Bypass).
type attackStep struct {
	ID, Name string
	Bypass   bool
}

func (s *Server) treePageOf(w http.ResponseWriter, r *http.Request, v *view) error {
	mr, err := s.loadModelRev(r, v)
	if err != nil {
		return err
	}
	want := r.PathValue("tree")
	page := &treePage{modelRev: mr, Currency: mr.M.Currency}
	for i := range mr.M.Trees {
		mt := &mr.M.Trees[i]
		if mt.ID == want {
			page.Tree = mt
		} else {
			page.Others = append(page.Others, namedID{mt.ID, mt.Name})
		}
	}
	if page.Tree == nil {
		return model.Errorf(model.ENOTFOUND, "no tree %q in the model", want)
	}
	t := adtree.FromModelIn(mr.M, page.Tree)
	ctx := mr.treeContext()
	res := adtree.Evaluate(t, ctx)
	page.Result = res
	names := map[string]string{}
	for _, n := range t.Nodes() {
		names[n.ID] = n.Name
	}
	for _, a := range res.Cheapest {
		row := attackRow{Cost: a.Cost}
		for _, l := range a.Leaves {
			id, bypass := strings.CutPrefix(l, "bypass:")
			row.Steps = append(row.Steps, attackStep{ID: id, Name: names[id], Bypass: bypass})
		}
		page.Cheapest = append(page.Cheapest, row)
	}
	page.Defences = adtree.ByEffect(res.Defences)
	opt := adtree.DrawOptions{Context: ctx, Currency: mr.M.Currency, Title: page.Tree.Name, HighlightLabel: v.P.T("tree.cheapest.label"),
		Words: drawWords(v.P)}
	if len(res.Cheapest) > 0 {
		opt.Highlight = res.Cheapest[0].Leaves
		page.Highlighted = true
	}
	var b bytes.Buffer
	if err := adtree.WriteSVG(&b, t, opt); err != nil {
		return model.Errorf(model.EINVALID, "tree %q cannot be drawn: %v", want, err)
	}
	page.SVG = inlineSVG(b.Bytes())
	v.Title, v.Nav, v.Page = v.P.T("tree.title", page.Tree.Name), "models", page
	return s.render(w, http.StatusOK, "tree", v)
}

// ControlName is the name of the model's control id ("" when it has
// none).
func (mr *modelRev) ControlName(id string) string {
	if c := mr.M.ControlByID(id); c != nil {
		return c.Name
	}
	return ""
}

// Fig is a figure of an evaluation (time, skill) in the reader's
// language: whole numbers without decimals, "—" when there is none, "∞"
// when no attack achieves a finite one.
func (p *treePage) Fig(pr *i18n.Printer, x *float64) string { return treeFig(pr, x) }

// Fig is treePage's Fig, for the list.
func (p *treesPage) Fig(pr *i18n.Printer, x *float64) string { return treeFig(pr, x) }

// Cost is a cost of an evaluation in the currency: "—" when there is none,
// "∞" when no attack has a finite one.
func (p *treePage) Cost(pr *i18n.Printer, x *float64, cur string) string { return treeCost(pr, x, cur) }

// Cost is treePage's Cost, for the list.
func (p *treesPage) Cost(pr *i18n.Printer, x *float64, cur string) string {
	return treeCost(pr, x, cur)
}

func treeFig(pr *i18n.Printer, x *float64) string {
	switch {
	case x == nil:
		return "—"
	case math.IsInf(*x, 1):
		return "∞"
	case *x == math.Trunc(*x):
		return pr.Number(*x, 0)
	}
	return pr.Number(*x, 2)
}

func treeCost(pr *i18n.Printer, x *float64, cur string) string {
	switch {
	case x == nil:
		return "—"
	case math.IsInf(*x, 1):
		return "∞"
	}
	return pr.Money(*x, cur)
}

// inlineSVG makes an SVG document of adtree's into an element for the
// page: without its XML declaration. adtree escapes every text it draws
// and writes no script, link or style, so it is safe as it is.
func inlineSVG(doc []byte) template.HTML {
	if i := bytes.Index(doc, []byte("<svg")); i > 0 {
		doc = doc[i:]
	}
	return template.HTML(doc)
}

// drawWords are the words of a tree drawing in the page's language, its
// numbers written the local way.
func drawWords(p *i18n.Printer) *adtree.DrawWords {
	return &adtree.DrawWords{
		Attack: p.T("draw.attack"), Defence: p.T("draw.defence"), DefenceOff: p.T("draw.defenceoff"),
		Countermeasure: p.T("draw.countermeasure"), Sequence: p.T("draw.sequence"),
		Control: p.T("draw.control"), NotInForce: p.T("draw.notinforce"), InForce: p.T("draw.inforce"),
		Bypass: p.T("draw.bypass"), Cost: p.T("draw.cost"), Time: p.T("draw.time"), Skill: p.T("draw.skill"), P: p.T("draw.p"),
		ProbSuccess: p.T("draw.probsuccess"), ProbStop: p.T("draw.probstop"), BypassCost: p.T("draw.bypasscost"),
		PartOfHighlight: p.T("draw.parthighlight"),
		RoleAttack:      p.T("draw.role.attack"), RoleDefence: p.T("draw.role.defence"),
		LeafKind: p.T("draw.leafkind"), GateKind: p.T("draw.gatekind"),
		GateAnd: p.T("draw.gate.and"), GateOr: p.T("draw.gate.or"), GateSand: p.T("draw.gate.sand"),
		Describe: p.T("draw.describe"), Shared: p.T("draw.shared"), Boxes: p.T("draw.boxes"),
		Off: p.T("draw.off"), Highlighted: p.T("draw.highlighted"), More: p.T("draw.more"), Sprintf: p.Sprintf,
		Num: func(x float64) string { return drawNumber(p, x) },
	}
}

// drawNumber writes x with the decimals a drawing shows (whole numbers
// grouped, up to two decimals from 1 on, four significant digits below),
// the local way; very large or small numbers keep the exponent form.
func drawNumber(p *i18n.Printer, x float64) string {
	a := math.Abs(x)
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0) || a >= 1e15 || (a > 0 && a < 1e-4):
		return strconv.FormatFloat(x, 'g', 4, 64)
	case a == math.Trunc(a):
		return p.Number(x, 0)
	case a >= 1:
		s := strconv.FormatFloat(a, 'f', 2, 64)
		return p.Number(x, len(strings.TrimRight(s[strings.IndexByte(s, '.')+1:], "0")))
	}
	// Four significant digits, trailing zeros dropped.
	s := strconv.FormatFloat(a, 'f', 4-int(math.Floor(math.Log10(a)))-1, 64)
	return p.Number(x, len(strings.TrimRight(s[strings.IndexByte(s, '.')+1:], "0")))
}
