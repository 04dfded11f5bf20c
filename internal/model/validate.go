package model

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Validate checks the meaning of a structurally sound model (as Decode
// builds it) and returns every problem found, each with the path of the
// value at fault. It also resolves qualitative labels to PERT distributions,
// so a model that passes is ready to simulate.
func Validate(m *Model) []Problem {
	return validate(m, nil, nil, nil)
}

// validate is Validate for Decode, which says through unread which values
// it could not read (so that references to them are not reported as
// unknown), and gives the ATT&CK ids the model's must be among (nil: not
// checked).
func validate(m *Model, unread func(path string) bool, locate func(path string) Pos, attack *AttackIDs) []Problem {
	c := &checker{m: m, unread: unread, locate: locate, attackIDs: attack}
	c.model()
	return c.problems
}

type checker struct {
	m        *Model
	problems []Problem
	tables   map[string]map[string]Dist
	unread   func(path string) bool // nil, or whether the decoder could not read a value
	locate   func(path string) Pos  // nil, or where a value is in the source
	// attackIDs are the ATT&CK ids of the catalogue in use (nil: the
	// model's are not checked).
	attackIDs *AttackIDs
	// contestIDs are the ids of the contests (nil: not all read).
	contestIDs map[string]bool
}

// where names the place of path for a message: its line when known.
func (c *checker) where(path string) Text {
	if c.locate != nil {
		if p := c.locate(path); p.Line > 0 {
			return text("line %d", p.Line)
		}
	}
	return text("%s", path)
}

func (c *checker) add(path, format string, args ...any) {
	c.addText(path, text(format, args...))
}

func (c *checker) addText(path string, t Text) {
	c.problems = append(c.problems, newProblem("", Pos{}, path, t))
}

var mitigationID = regexp.MustCompile(`^(M[0-9]{4}|C[0-9]{5})$`)

func (c *checker) model() {
	m := c.m
	if m.Scrutin != FormatVersion {
		c.add("scrutin", "unsupported format version %d (this scrutin reads version %d)", m.Scrutin, FormatVersion)
	}
	c.tables = map[string]map[string]Dist{}
	for _, t := range []string{TableFrequency, TableVulnerability, TableMagnitude} {
		c.tables[t] = m.LabelTable(t)
	}
	c.labels()

	orgs := c.ids("organizations", len(m.Organizations), func(i int) string { return m.Organizations[i].ID })
	assets := c.ids("assets", len(m.Assets), func(i int) string { return m.Assets[i].ID })
	actors := c.ids("actors", len(m.Actors), func(i int) string { return m.Actors[i].ID })
	controls := c.ids("controls", len(m.Controls), func(i int) string { return m.Controls[i].ID })
	trees := c.ids("trees", len(m.Trees), func(i int) string { return m.Trees[i].ID })
	scenarios := c.ids("scenarios", len(m.Scenarios), func(i int) string { return m.Scenarios[i].ID })

	for i, a := range m.Assets {
		c.ref(fmt.Sprintf("assets[%d].org", i), "unknown organization %q%s", a.Org, orgs)
	}
	for i := range m.Actors {
		a := &m.Actors[i]
		p := fmt.Sprintf("actors[%d]", i)
		if a.Capability != nil {
			c.dist(a.Capability, p+".capability", TableVulnerability, Probability)
		}
		if a.Activity != nil {
			c.dist(a.Activity, p+".activity", "", NonNegative)
		}
		for j, id := range a.Disarm {
			if !techniqueID.MatchString(id) {
				c.add(fmt.Sprintf("%s.disarm[%d]", p, j), "%q is not a DISARM technique id (T followed by four digits, and for a sub-technique a dot and three more, such as T0086 or T0086.001)", id)
			}
		}
	}
	c.sharedActivities()
	dims, windows := c.harms()
	c.contestIDs = c.contests()
	for i := range m.Controls {
		c.control(i, scenarios, dims)
		c.audit(i)
	}
	for i := range m.Scenarios {
		c.scenario(i, actors, assets, trees)
		c.scenarioHarm(i, dims, windows)
		c.scenarioContest(i)
	}
	for i := range m.Trees {
		if m.Trees[i].Library {
			c.libraryTree(i)
			continue
		}
		c.tree(i, controls)
	}
	c.evidence(scenarios)
	c.ebios(actors, assets, controls, scenarios, dims)
	c.tolerance()
	c.checkAttack()
}

// ids checks that ids are unique and returns the set of them, or nil when
// the decoder could not read them all (references are then not checked).
func (c *checker) ids(list string, n int, id func(int) string) map[string]bool {
	seen := map[string]int{}
	complete := c.unread == nil || !c.unread(list)
	for i := range n {
		v := id(i)
		if c.unread != nil && (c.unread(fmt.Sprintf("%s[%d]", list, i)) || c.unread(fmt.Sprintf("%s[%d].id", list, i))) {
			complete = false
			continue
		}
		if v == "" {
			continue // reported by the decoder as missing
		}
		if first, dup := seen[v]; dup {
			c.add(fmt.Sprintf("%s[%d].id", list, i), "duplicate id %q (already used by %s[%d])", v, list, first)
			continue
		}
		seen[v] = i
	}
	if !complete {
		return nil
	}
	set := make(map[string]bool, len(seen))
	for k := range seen {
		set[k] = true
	}
	return set
}

// ref checks that id is one of known (unless known is nil: not all read);
// unknown is the message, with verbs for the id and a suggestion.
func (c *checker) ref(path, unknown, id string, known map[string]bool) {
	if id != "" && known != nil && !known[id] {
		c.add(path, unknown, id, suggest(id, sortedKeys(known)))
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (c *checker) control(i int, scenarios, dims map[string]bool) {
	ctl := &c.m.Controls[i]
	p := fmt.Sprintf("controls[%d]", i)
	for j, id := range ctl.Attack {
		if !mitigationID.MatchString(id) {
			c.add(fmt.Sprintf("%s.attack[%d]", p, j), "%q is not an ATT&CK mitigation id (M followed by four digits, such as M1032) or a DISARM countermeasure id (C followed by five digits, such as C00006)", id)
		}
	}
	seen := map[string]int{}
	for j, e := range ctl.Effects {
		ep := fmt.Sprintf("%s.effects[%d]", p, j)
		c.ref(ep+".scenario", "unknown scenario %q%s", e.Scenario, scenarios)
		if first, dup := seen[e.Scenario]; dup {
			c.add(ep+".scenario", "control %q already has an effect on scenario %q (effects[%d]); merge them", ctl.ID, e.Scenario, first)
		} else {
			seen[e.Scenario] = j
		}
		if e.Frequency == nil && e.Vulnerability == nil && e.Magnitude == nil &&
			e.SecondaryProbability == nil && e.SecondaryMagnitude == nil && len(e.Harm) == 0 {
			if len(c.m.Harms) == 0 {
				c.add(ep, "an effect needs at least one multiplier: frequency, vulnerability, magnitude, secondary_probability or secondary_magnitude")
			} else {
				c.add(ep, "an effect needs at least one multiplier: frequency, vulnerability, magnitude, secondary_probability, secondary_magnitude or harm")
			}
		}
		var target *Scenario
		if scenarios[e.Scenario] {
			target = c.m.ScenarioByID(e.Scenario)
		}
		c.harmMultipliers(ep+".harm", e.Harm, target, dims)
		for _, m := range []struct { // in field order, so that problems come in a stable order
			name string
			x    *float64
		}{{"frequency", e.Frequency}, {"vulnerability", e.Vulnerability}, {"magnitude", e.Magnitude},
			{"secondary_probability", e.SecondaryProbability}, {"secondary_magnitude", e.SecondaryMagnitude}} {
			if m.x != nil && (*m.x < 0 || math.IsNaN(*m.x) || math.IsInf(*m.x, 0)) {
				c.add(ep+"."+m.name, "a multiplier must be a finite number ≥ 0, got %s", num(*m.x))
			}
		}
	}
	if ctl.Cost.Once < 0 {
		c.add(p+".cost.once", "a cost must be ≥ 0, got %s", num(ctl.Cost.Once))
	}
	if ctl.Cost.Yearly < 0 {
		c.add(p+".cost.yearly", "a cost must be ≥ 0, got %s", num(ctl.Cost.Yearly))
	}
}

func (c *checker) scenario(i int, actors, assets, trees map[string]bool) {
	s := &c.m.Scenarios[i]
	p := fmt.Sprintf("scenarios[%d]", i)
	c.ref(p+".actor", "unknown actor %q%s", s.Actor, actors)
	seen := map[string]bool{}
	for j, a := range s.Assets {
		ap := fmt.Sprintf("%s.assets[%d]", p, j)
		c.ref(ap, "unknown asset %q%s", a, assets)
		if seen[a] {
			c.add(ap, "asset %q is listed twice", a)
		}
		seen[a] = true
	}
	c.dist(&s.Frequency, p+".frequency", TableFrequency, NonNegative)
	v := &s.Vulnerability
	switch {
	case v.Prob != nil:
		c.dist(v.Prob, p+".vulnerability", TableVulnerability, Probability)
	case v.Resistance != nil:
		c.dist(v.Resistance, p+".vulnerability.resistance", TableVulnerability, Probability)
		if v.Capability != nil {
			c.dist(v.Capability, p+".vulnerability.capability", TableVulnerability, Probability)
		} else if a := c.m.ActorByID(s.Actor); a != nil && a.Capability == nil {
			c.add(p+".vulnerability", "a resistance needs a capability: give vulnerability.capability, or a capability to actor %q", s.Actor)
		}
	case strings.HasPrefix(v.Tree, LibraryPrefix) && c.m.TreeByID(v.Tree) == nil:
		if lib, err := LibraryTrees(); err == nil {
			c.add(p+".vulnerability.tree", "unknown library tree %q; the library has: %s", strings.TrimPrefix(v.Tree, LibraryPrefix), strings.Join(libraryIDs(lib), ", "))
		}
	case v.Tree != "":
		c.ref(p+".vulnerability.tree", "unknown tree %q%s", v.Tree, trees)
		if t := c.m.TreeByID(v.Tree); t != nil && trees[v.Tree] && !treeHasProbabilities(t) {
			c.add(p+".vulnerability.tree", "tree %q gives its attack leaves no probability of success, which a vulnerability needs", v.Tree)
		}
	}
	c.dist(&s.Magnitude, p+".magnitude", TableMagnitude, NonNegative)
	if s.Secondary != nil {
		c.dist(&s.Secondary.Probability, p+".secondary.probability", TableVulnerability, Probability)
		c.dist(&s.Secondary.Magnitude, p+".secondary.magnitude", TableMagnitude, NonNegative)
	}
}

func (c *checker) tolerance() {
	for i, t := range c.m.Tolerance {
		p := fmt.Sprintf("tolerance[%d]", i)
		if t.Loss < 0 || math.IsNaN(t.Loss) || math.IsInf(t.Loss, 0) {
			c.add(p+".loss", "a loss must be a finite number ≥ 0, got %s", num(t.Loss))
		}
		if !(t.Probability >= 0 && t.Probability <= 1) {
			c.add(p+".probability", "a probability must be within [0, 1], got %s", num(t.Probability))
		}
		if i == 0 {
			continue
		}
		prev := c.m.Tolerance[i-1]
		if t.Loss <= prev.Loss {
			c.add(p+".loss", "tolerance points must be in increasing order of loss (%s follows %s)", num(t.Loss), num(prev.Loss))
		} else if t.Probability > prev.Probability {
			c.add(p+".probability", "the acceptable probability cannot grow with the loss (%s at %s after %s at %s)",
				num(t.Probability), num(t.Loss), num(prev.Probability), num(prev.Loss))
		}
	}
}

func (c *checker) labels() {
	if c.m.Labels == nil {
		return
	}
	for _, t := range []struct {
		name string
		m    map[string]Dist
		dom  Domain
	}{{TableFrequency, c.m.Labels.Frequency, NonNegative}, {TableVulnerability, c.m.Labels.Vulnerability, Probability},
		{TableMagnitude, c.m.Labels.Magnitude, NonNegative}} {
		for _, name := range sortedKeys(t.m) {
			d := t.m[name]
			p := "labels." + t.name + "." + name
			if d.Kind != PERT {
				c.add(p, "a label maps to a PERT, such as {pert: [min, mode, max]}, got %s", d)
				continue
			}
			c.dist(&d, p, "", t.dom)
		}
	}
}

// dist resolves a label through table and checks the parameters of d for
// a quantity living in dom.
func (c *checker) dist(d *Dist, path, table string, dom Domain) {
	if d.IsZero() {
		return // reported by the decoder as missing
	}
	if d.Kind == BaseRateKind {
		c.baseRate(d, path, table)
		return
	}
	if d.Kind == Label {
		if table == "" {
			c.add(path, "qualitative labels are not available here; give a number or a distribution")
			return
		}
		entry, ok := c.tables[table][d.Label]
		if !ok {
			known := sortedKeys(c.tables[table])
			hint := text("")
			if best := closest(d.Label, known); best != "" {
				hint = didYouMean(best)
			}
			c.add(path, "unknown label %q%s; the %s table has: %s", d.Label, hint, table, strings.Join(known, ", "))
			return
		}
		label := d.Label
		*d = entry
		d.Params = append([]float64(nil), entry.Params...)
		d.Label = label
		return // label tables are checked on their own
	}
	want := map[DistKind]int{Constant: 1, Lognormal: 2}[d.Kind]
	if n, ok := distArity[d.Kind]; ok {
		want = n
	}
	if want == 0 {
		c.add(path, "unknown distribution %q", d.Kind)
		return
	}
	if len(d.Params) != want {
		c.add(path, "%s needs %d parameters, got %d", d.Kind, want, len(d.Params))
		return
	}
	for _, x := range d.Params {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			c.add(path, "parameters must be finite numbers, got %s", fmtList(d.Params))
			return
		}
	}
	if msg := checkParams(*d, dom); msg.Format != "" {
		c.addText(path, msg)
	}
}

func fmtList(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = num(x)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// num writes x for a message the way the model would: 1000000 rather than
// 1e+06, with exponents only for very large or very small numbers.
func num(x float64) string {
	if a := math.Abs(x); a == 0 || (a >= 1e-6 && a < 1e21) {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// checkParams says what is wrong with the parameters of d for domain dom,
// or returns the zero Text.
func checkParams(d Dist, dom Domain) Text {
	p := d.Params
	within := func(lo, hi float64) Text {
		if dom == Probability && (lo < 0 || hi > 1) {
			return text("a probability must lie within [0, 1]; %s %s goes outside", d.Kind, fmtList(p))
		}
		if dom == NonNegative && lo < 0 {
			return text("this quantity cannot be negative; %s %s goes below 0", d.Kind, fmtList(p))
		}
		return Text{}
	}
	unbounded := func() Text {
		if dom == Probability {
			return text("a probability needs a distribution within [0, 1] (beta, pert, triangular, uniform or normal), not %s", d.Kind)
		}
		return Text{}
	}
	switch d.Kind {
	case Constant:
		if dom == Probability && (p[0] < 0 || p[0] > 1) {
			return text("a probability must lie within [0, 1], got %s", num(p[0]))
		}
		if dom == NonNegative && p[0] < 0 {
			return text("this quantity cannot be negative, got %s", num(p[0]))
		}
	case PERT, Triangular:
		if !(p[0] <= p[1] && p[1] <= p[2]) {
			return text("%s needs min ≤ mode ≤ max, got %s", d.Kind, fmtList(p))
		}
		if p[0] == p[2] {
			return text("%s needs min < max, got %s (for a fixed value, write the number)", d.Kind, fmtList(p))
		}
		if d.Lambda < 0 {
			return text("the PERT shape lambda must be > 0, got %s", num(d.Lambda))
		}
		return within(p[0], p[2])
	case Uniform:
		if !(p[0] < p[1]) {
			return text("uniform needs a < b, got %s", fmtList(p))
		}
		return within(p[0], p[1])
	case Lognormal90:
		if !(p[0] > 0 && p[0] < p[1]) {
			return text("lognormal90 needs 0 < p5 < p95, got %s", fmtList(p))
		}
		return unbounded()
	case Lognormal:
		if !(p[1] > 0) {
			return text("lognormal needs sigma > 0, got %s", num(p[1]))
		}
		return unbounded()
	case Beta:
		if !(p[0] > 0 && p[1] > 0) {
			return text("beta needs alpha > 0 and beta > 0, got %s", fmtList(p))
		}
		if dom == Probability {
			return Text{}
		}
	case Gamma:
		if !(p[0] > 0 && p[1] > 0) {
			return text("gamma needs shape > 0 and rate > 0, got %s", fmtList(p))
		}
		return unbounded()
	case Normal:
		if !(p[1] > 0) {
			return text("normal needs sd > 0, got %s", num(p[1]))
		}
		lo, hi := 0.0, math.Inf(1)
		if dom == Probability {
			hi = 1
		}
		if mass := normalMass(p[0], p[1], lo, hi); mass < 1e-9 {
			return text("normal %s has almost no probability within %s, where it is truncated", fmtList(p), dom)
		}
	}
	return Text{}
}

// normalMass is P(lo ≤ X ≤ hi) for X ~ Normal(mu, sd).
func normalMass(mu, sd, lo, hi float64) float64 {
	cdf := func(x float64) float64 {
		if math.IsInf(x, 1) {
			return 1
		}
		return 0.5 * math.Erfc(-(x-mu)/(sd*math.Sqrt2))
	}
	sf := func(x float64) float64 { // 1 - cdf, accurate in the upper tail
		if math.IsInf(x, 1) {
			return 0
		}
		return 0.5 * math.Erfc((x-mu)/(sd*math.Sqrt2))
	}
	if lo > mu {
		return sf(lo) - sf(hi)
	}
	return cdf(hi) - cdf(lo)
}

// sharedActivities checks that the actors that draw one activity (the
// same shared id, or one's shared id the other's id) give the same one.
func (c *checker) sharedActivities() {
	first := map[string]int{}
	for i := range c.m.Actors {
		a := &c.m.Actors[i]
		key := a.ActivityKey()
		j, ok := first[key]
		if !ok {
			first[key] = i
			continue
		}
		b := &c.m.Actors[j]
		if !sameActivity(a.Activity, b.Activity) {
			c.add(fmt.Sprintf("actors[%d].activity", i), "actor %q draws the activity %q with actor %q, so it must give the same activity (%s), not %s",
				a.ID, key, b.ID, activityString(b.Activity), activityString(a.Activity))
		}
	}
}

func sameActivity(a, b *Dist) bool {
	one := Const(1)
	if a == nil {
		a = &one
	}
	if b == nil {
		b = &one
	}
	if a.Kind != b.Kind || a.PERTLambda() != b.PERTLambda() || len(a.Params) != len(b.Params) {
		return false
	}
	for i := range a.Params {
		if a.Params[i] != b.Params[i] {
			return false
		}
	}
	return true
}

func activityString(d *Dist) string {
	if d == nil {
		return Const(1).String()
	}
	return d.String()
}
