package plan

import (
	"cmp"
	"slices"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// maxScenarioControls is the most candidate controls that may act on one
// scenario: a configuration is a bit mask of them.
const maxScenarioControls = 62

// candidate is a proposed control.
type candidate struct {
	id     string
	name   string
	once   float64
	yearly float64
	cost   float64 // annualised
	// scen are the scenarios it acts on, ascending, and bit its bit in each
	// one's configuration mask.
	scen []int
	bit  []uint64
}

// scenario is one of the model's scenarios, with the candidates acting on
// it (C_s): bit j of a configuration mask is ctrl[j].
type scenario struct {
	id   string
	ctrl []int
}

// problem is a model prepared for planning.
type problem struct {
	m           *model.Model
	implemented map[string]bool
	cands       []candidate
	scens       []scenario
	q           float64 // quantile level of the objective, 0 for the mean
	trials      int64
	// harm is the index in m.Harms of the dimension the objective is a
	// statistic of, or -1 for the money; harms says whether the model
	// has harm dimensions (the plan's verdict then covers them).
	harm  int
	harms bool
}

func newProblem(m *model.Model, opt Options) (*problem, error) {
	obj, err := CheckObjective(m, opt.Objective)
	if err != nil {
		return nil, err
	}
	p := &problem{m: m, implemented: map[string]bool{}, q: quantileOf(opt.Objective), trials: opt.Trials,
		harm: -1, harms: len(m.Harms) > 0}
	if obj.Harm != "" {
		p.harm = slices.IndexFunc(m.Harms, func(h model.Harm) bool { return h.ID == obj.Harm })
	}
	index := map[string]int{}
	for i, s := range m.Scenarios {
		index[s.ID] = i
		p.scens = append(p.scens, scenario{id: s.ID})
	}
	acts := make([]map[int]bool, len(m.Scenarios)) // candidates acting on each scenario
	for i := range acts {
		acts[i] = map[int]bool{}
	}
	candIndex := map[string]int{}
	for _, c := range m.Controls {
		if c.Status == model.StatusImplemented {
			p.implemented[c.ID] = true
			continue
		}
		ci := len(p.cands)
		candIndex[c.ID] = ci
		cost := m.ControlCost(&c) // with a risk-limiting audit's sample
		p.cands = append(p.cands, candidate{id: c.ID, name: c.Name, once: cost.Once, yearly: cost.Yearly,
			cost: cost.Annualised(opt.Horizon)})
		for si := range m.Scenarios {
			if m.AuditEscape(&c, &m.Scenarios[si]) != 1 {
				acts[si][ci] = true
			}
		}
		for _, e := range c.Effects {
			si, ok := index[e.Scenario]
			if !ok {
				return nil, model.Errorf(model.EINVALID, "control %q: unknown scenario %q", c.ID, e.Scenario)
			}
			acts[si][ci] = true
		}
	}
	// A scenario whose vulnerability comes from a tree also depends on the
	// controls linked to the tree's defences.
	for si, s := range m.Scenarios {
		if s.Vulnerability.Tree == "" {
			continue
		}
		t := m.TreeByID(s.Vulnerability.Tree)
		if t == nil {
			return nil, model.Errorf(model.EINVALID, "scenario %q: unknown tree %q", s.ID, s.Vulnerability.Tree)
		}
		for _, id := range treeControls(&t.Root) {
			if ci, ok := candIndex[id]; ok {
				acts[si][ci] = true
			}
		}
	}
	for si := range p.scens {
		for ci := range acts[si] {
			p.scens[si].ctrl = append(p.scens[si].ctrl, ci)
		}
		slices.Sort(p.scens[si].ctrl)
		if k := len(p.scens[si].ctrl); k > maxScenarioControls {
			return nil, model.Errorf(model.EINVALID, "scenario %q is acted on by %d proposed controls; planning handles at most %d per scenario",
				p.scens[si].id, k, maxScenarioControls)
		}
		for j, ci := range p.scens[si].ctrl {
			c := &p.cands[ci]
			c.scen = append(c.scen, si)
			c.bit = append(c.bit, 1<<j)
		}
	}
	return p, nil
}

// treeControls lists the controls linked to the defences of a tree.
func treeControls(n *model.TreeNode) []string {
	var out []string
	var walk func(n *model.TreeNode)
	walk = func(n *model.TreeNode) {
		if n.Control != "" {
			out = append(out, n.Control)
		}
		for i := range n.Children {
			walk(&n.Children[i])
		}
		for i := range n.Countermeasures {
			walk(&n.Countermeasures[i])
		}
	}
	walk(n)
	return out
}

// controls returns the ids in force for scenario s in configuration mask:
// the implemented controls and the masked candidates, in model order (the
// order sim.Run multiplies effects in, so that results agree bit for bit).
func (p *problem) controls(s int, mask uint64) []string {
	on := map[string]bool{}
	for j, ci := range p.scens[s].ctrl {
		if mask&(1<<j) != 0 {
			on[p.cands[ci].id] = true
		}
	}
	out := []string{}
	for _, c := range p.m.Controls {
		if p.implemented[c.ID] || on[c.ID] {
			out = append(out, c.ID)
		}
	}
	return out
}

// configs is the number of (scenario, configuration) pairs, saturated at
// limit+1.
func (p *problem) configs(limit int) int {
	n := 0
	for _, s := range p.scens {
		if len(s.ctrl) > 30 {
			return limit + 1
		}
		n += 1 << len(s.ctrl)
		if n > limit {
			return limit + 1
		}
	}
	return n
}

// masks returns each scenario's configuration under the portfolio sel.
func (p *problem) masks(sel []bool) []uint64 {
	out := make([]uint64, len(p.scens))
	for ci, on := range sel {
		if on {
			c := &p.cands[ci]
			for j, s := range c.scen {
				out[s] |= c.bit[j]
			}
		}
	}
	return out
}

// cost is the annualised cost of sel, summed in candidate order: the same
// portfolio always gets the same bits, and a superset never costs less.
func (p *problem) cost(sel []bool) float64 {
	var c float64
	for ci, on := range sel {
		if on {
			c += p.cands[ci].cost
		}
	}
	return c
}

// count is the number of controls in sel.
func count(sel []bool) int {
	n := 0
	for _, on := range sel {
		if on {
			n++
		}
	}
	return n
}

// ids returns the ids of sel in model order.
func (p *problem) ids(sel []bool) []string {
	out := []string{}
	for ci, on := range sel {
		if on {
			out = append(out, p.cands[ci].id)
		}
	}
	return out
}

// inForce returns the ids of the controls in force with sel: the
// implemented ones and sel's, in model order.
func (p *problem) inForce(sel []bool) []string {
	on := map[string]bool{}
	for _, id := range p.ids(sel) {
		on[id] = true
	}
	out := []string{}
	for _, c := range p.m.Controls {
		if p.implemented[c.ID] || on[c.ID] {
			out = append(out, c.ID)
		}
	}
	return out
}

// portfolio is a scored portfolio.
type portfolio struct {
	sel  []bool
	obj  float64 // objective, in the objective's internal units
	n    int
	cost float64
}

func (p *problem) scored(sel []bool, obj float64) portfolio {
	return portfolio{sel: slices.Clone(sel), obj: obj, n: count(sel), cost: p.cost(sel)}
}

// compare orders portfolios: lower objective, then fewer controls, then
// lower cost, then the sorted ids in lexical order.
func (p *problem) compare(a, b *portfolio) int {
	if c := cmp.Compare(a.obj, b.obj); c != 0 {
		return c
	}
	if c := cmp.Compare(a.n, b.n); c != 0 {
		return c
	}
	if c := cmp.Compare(a.cost, b.cost); c != 0 {
		return c
	}
	return p.compareIDs(a.sel, b.sel)
}

func (p *problem) compareIDs(a, b []bool) int {
	ia, ib := p.ids(a), p.ids(b)
	slices.Sort(ia)
	slices.Sort(ib)
	return slices.Compare(ia, ib)
}

// key is a map key for a portfolio.
func key(sel []bool) string {
	var b strings.Builder
	var w byte
	for i, on := range sel {
		if on {
			w |= 1 << (i % 8)
		}
		if i%8 == 7 {
			b.WriteByte(w)
			w = 0
		}
	}
	b.WriteByte(w)
	return b.String()
}
