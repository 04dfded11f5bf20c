package adtree

// ADTool XML interchange (DESIGN.md section 3): the format of ADTool 2, the
// attack-defence tree editor of the University of Luxembourg.
//
// A file is an <adtree> (attack-defence tree) or a <sandtree> (attack tree
// with sequential and, no defences) holding one root <node> and then the
// <domain>s that say what the <parameter>s of the nodes mean:
//
//	<adtree>
//		<node refinement="disjunctive">
//			<label>Steal the voter roll</label>
//			<node refinement="disjunctive">
//				<label>Phish an official</label>
//				<parameter domainId="MinCost1" category="basic">1000</parameter>
//				<node refinement="disjunctive" switchRole="yes">
//					<label>Security keys</label>
//					<parameter domainId="MinCost1" category="basic">Infinity</parameter>
//				</node>
//			</node>
//			…
//		</node>
//		<domain id="MinCost1">
//			<class>lu.uni.adtool.domains.adtpredefined.MinCost</class>
//			<tool>ADTool2</tool>
//		</domain>
//	</adtree>
//
// How it maps onto a Tree:
//   - refinement disjunctive, conjunctive and sequential are the gates Or,
//     And and Sand (Sand in a <sandtree> only); a node without child nodes is
//     a leaf whatever its refinement says.
//   - A child <node switchRole="yes"> is a countermeasure of its parent (the
//     other role); the other children refine it. switchRole="yes" on the root
//     means ADTool's proponent is the defender: the tree is still read with
//     the root as the attacker's goal and every role relative to it, and
//     ADToolTree.RootSwitchRole records the attribute so that Write restores
//     it.
//   - Nodes with equal labels are one node (the tree is a DAG); ADTool
//     repeats a shared node in full at each occurrence, and occurrences that
//     differ in structure, role or parameters are an error.
//   - Basic parameters of leaves give the leaf attributes: on attack leaves
//     MinCost is the cost, ProbSucc the probability, MinSkill the skill,
//     MinTimePar, MinTimeSeq and the sandtree's MinTime the time (MinTimeSeq
//     also sets Tree.SequentialAnd); on defence leaves ProbSucc is the chance
//     the defence stops the attack and MinCost the attacker's cost to get
//     round it. A sandtree's custom real domains (ClassSandReal) are read
//     when their operations are those of a cost (min, +, +), a probability
//     (x+y−x·y, ·, ·), a skill (min, max, max) or a time (min, max, +).
//     Derived and default parameters are ADTool's own results and are not
//     read; other domains (DiffLMH, SatProp, other custom ones …) are
//     reported in ADToolTree.Warnings and not read.
//   - Infinity. Values are read as Java writes them; "Infinity" is +Inf,
//     ADTool's "cannot be done" (its cost, time and skill domains range over
//     the non-negative reals, or integers, and ∞). On an attack leaf a cost,
//     time or skill of +Inf makes a step that cannot be done: the
//     evaluation treats it as out of reach. On a defence leaf a bypass cost
//     of +Inf means it cannot be got round, the same as no bypass cost, and
//     is read as none. A probability lies within [0, 1] and has no
//     infinity: "Infinity" there is an error, as are NaN and negative
//     values anywhere.
//   - Node.Name is the label; Node.ID is derived from it: the label itself
//     when it is already an id of the risk model's form in lower case (such
//     as "phish-ceo"), otherwise its lower-case ASCII form with accents
//     dropped and other characters turned into '-' ("Phish the CEO!" gives
//     "phish-the-ceo"), cut to 60 bytes, "node" when nothing is left, and
//     a suffix "-2", "-3" … where two labels would give the same id.
//
// A node's <comment>s are its Description, but for the lines of the form
// "scrutin-KEY: VALUE", scrutin's own directives, which carry what ADTool
// has no place for, so that a tree written by WriteADToolAs reads back the
// same (ADTool keeps them as the node's comment):
//   - scrutin-id: ID gives the node its id (which then wins over ids derived
//     from labels); an id that is not of the model's form is a warning;
//   - scrutin-name: "NAME" gives the node its name where the label differs
//     (WriteADToolAs labels two nodes of one name "Name (ID)");
//   - scrutin-tree: ID, scrutin-tree-name: "NAME" and
//     scrutin-tree-description: "TEXT", on the root, give the tree's id,
//     name and description (elsewhere they are a warning);
//   - scrutin-gate: sand on a conjunctive attack node of an <adtree> makes
//     it a sand gate (ADTool's adtree has no sequential refinement);
//   - scrutin-control: ID on a defence leaf is its Control;
//   - scrutin-countermeasures (no value) marks the node WriteADToolAs adds
//     to group several countermeasures of one node (ADTool allows one): it
//     is read back as those countermeasures.
//
// Quoted values are quoted as Go quotes strings; an unquoted one is taken as
// it is. Other lines, "scrutin-" ones of other keys included, are text.

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/scrutin/scrutin/internal/model"
)

// Limits of the ADTool reader: a file larger, deeper or with more nodes is
// refused rather than allowed to exhaust memory. A million nodes are about
// 200 MB of XML as WriteADTool writes them, 350 MB as ADTool does (with its
// derived values), and half a gigabyte of memory once read.
const (
	MaxADToolBytes = 512 << 20  // bytes of XML
	MaxADToolNodes = 2 << 20    // <node> elements, repeated occurrences included
	MaxADToolDepth = 10_000     // nesting of elements
	maxIDBytes     = 60         // length of an id derived from a label
	adtoolCommentP = "scrutin-" // prefix of scrutin's own comments
	maxOpBytes     = 1024       // an operation of a custom domain longer is not read
)

// Classes of the ADTool domains that scrutin reads.
const (
	ClassMinCost     = "lu.uni.adtool.domains.adtpredefined.MinCost"
	ClassProbSucc    = "lu.uni.adtool.domains.adtpredefined.ProbSucc"
	ClassMinSkill    = "lu.uni.adtool.domains.adtpredefined.MinSkill"
	ClassMinTimePar  = "lu.uni.adtool.domains.adtpredefined.MinTimePar"
	ClassMinTimeSeq  = "lu.uni.adtool.domains.adtpredefined.MinTimeSeq"
	ClassSandMinTime = "lu.uni.adtool.domains.sandpredefined.MinTime"
	// ClassSandReal is ADTool's custom real-valued sandtree domain, whose
	// operations (or, and, sand) the file gives: scrutin reads it when they
	// are those of a cost, a probability, a skill or a time.
	ClassSandReal = "lu.uni.adtool.domains.custom.SandRealDomain"
)

// The operations of a custom domain.
const (
	domOr = iota
	domAnd
	domSand
)

// ADToolTree is a tree read from ADTool XML, with what the file said about
// it beyond the tree.
type ADToolTree struct {
	// Tree is the tree; its ID and Name are those of the root node.
	Tree *Tree
	// Sand is true for a <sandtree>: sequential and, no defences.
	Sand bool
	// RootSwitchRole is true when the root carried switchRole="yes": the
	// file's proponent is the defender. The tree is read with the root as
	// the attacker's goal all the same; Write restores the attribute.
	RootSwitchRole bool
	// Attrs are the leaf attributes the file's domains give.
	Attrs Attr
	// Domains are the file's domains in order.
	Domains []ADToolDomain
	// Warnings say what the file holds that was not read, each with its
	// line and column ("12:5: …").
	Warnings []string
}

// ADToolDomain is a <domain> of an ADTool file.
type ADToolDomain struct {
	ID    string
	Class string
	// Attr is the attribute read from the domain's basic parameters; 0 when
	// the domain is not read (a class scrutin does not read, or a second
	// domain for an attribute already given by an earlier one).
	Attr         Attr
	Line, Column int

	ops [3]string // a custom domain's or, and and sand
}

// ADToolError is a problem in an ADTool file, with where it is: line and
// column (in bytes), both from 1. It unwraps to a model.Error of code
// model.EINVALID.
type ADToolError struct {
	Line, Column int
	Msg          string
}

func (e *ADToolError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg) }

// Unwrap gives the error its code for the adapters.
func (e *ADToolError) Unwrap() error { return &model.Error{Code: model.EINVALID, Message: e.Error()} }

// ParseADTool reads an ADTool 2 XML file (<adtree> or <sandtree>). Errors
// are *ADToolError, with line and column.
func ParseADTool(r io.Reader) (*ADToolTree, error) {
	p := &adtParser{
		line:     1,
		col:      1,
		domIDs:   map[string]int32{},
		domainAt: map[string]int{},
	}
	if err := p.run(r); err != nil {
		return nil, err
	}
	if err := p.share(); err != nil {
		return nil, err
	}
	return p.finish()
}

// domainKinds maps the classes scrutin reads to the attribute they give.
var domainKinds = map[string]Attr{
	ClassMinCost:     AttrCost,
	ClassProbSucc:    AttrProbability,
	ClassMinSkill:    AttrSkill,
	ClassMinTimePar:  AttrTime,
	ClassMinTimeSeq:  AttrTime,
	ClassSandMinTime: AttrTime,
}

// finish gives the parameters their meaning, now that the domains are
// known, and the nodes their ids.
func (p *adtParser) finish() (*ADToolTree, error) {
	out := &ADToolTree{Sand: p.sand, RootSwitchRole: p.rootSwitch}
	seq := false
	by := map[Attr]int{}
	for i := range p.domains {
		d := &p.domains[i]
		a, known := domainKinds[d.Class]
		if d.Class == ClassSandReal {
			a = customAttr(d.ops)
			known = a != 0
		}
		switch {
		case !known:
			p.warnAt(int32(d.Line), int32(d.Column), "domain %q of class %s is not one scrutin reads; its values are ignored", d.ID, d.Class)
		case by[a] != 0:
			first := p.domains[by[a]-1]
			p.warnAt(int32(d.Line), int32(d.Column), "domain %q gives the %s as domain %q does; scrutin reads the first, %q, and ignores this one", d.ID, attrName(a), first.ID, first.ID)
		default:
			d.Attr = a
			by[a] = i + 1
			out.Attrs |= a
			if d.Class == ClassMinTimeSeq {
				seq = true
			}
		}
	}
	attrOf := make([]Attr, len(p.domUses))
	for i, u := range p.domUses {
		j, ok := p.domainAt[u.id]
		if !ok {
			return nil, p.errAt(u.line, u.col, "domainId %q: no <domain id=%q> is declared", u.id, u.id)
		}
		attrOf[i] = p.domains[j].Attr
	}
	for k := range p.params.n {
		prm := p.params.at(int32(k))
		a := attrOf[prm.dom]
		if a == 0 {
			continue
		}
		if _, dup := p.dups[prm.entry]; dup {
			continue
		}
		if err := p.apply(prm, a); err != nil {
			return nil, err
		}
	}
	if p.rootSwitch {
		p.warnAt(p.rootNodeLine, p.rootNC, "the root has switchRole=\"yes\": the file's proponent is the defender; scrutin reads the root as the attacker's goal, with every role relative to it")
	}
	p.noInfiniteBypass()
	p.assignIDs() // from the labels, as WriteADTool has them
	for n, name := range p.names {
		n.Name = name // a node sharing its label's node is no longer in the tree
	}
	p.flushCounts()
	out.Tree = &Tree{ID: p.root.ID, Name: p.root.Name, Root: p.root, SequentialAnd: seq}
	if td := p.tree; td.hasID {
		if isID(td.id) {
			out.Tree.ID = td.id
		} else {
			p.warnAt(td.line, td.col, "scrutin-tree %q is not a valid id; the tree's id is the root's", clipS(td.id))
		}
	}
	if td := p.tree; td.hasName && td.name != "" {
		out.Tree.Name = td.name
	}
	out.Tree.Description = p.tree.description
	out.Domains = p.domains
	out.Warnings = p.warns
	return out, nil
}

// apply sets a node's attribute from a basic parameter.
func (p *adtParser) apply(prm *adtParam, a Attr) error {
	d := p.domains[p.domainAt[p.domUses[prm.dom].id]]
	n := p.entries.at(prm.entry).node
	if prm.text >= 0 || math.IsNaN(prm.val) {
		v := "NaN"
		if prm.text >= 0 {
			v = p.texts[prm.text]
		}
		return p.errAt(prm.line, prm.col, "%q is not a number (domain %q, %s, of node %q)", clipS(v), d.ID, attrName(a), clipS(n.Name))
	}
	v := prm.val
	switch {
	case a == AttrProbability && (v < 0 || v > 1):
		return p.errAt(prm.line, prm.col, "probability %s of node %q lies outside [0, 1]", formatNumber(v), clipS(n.Name))
	case a != AttrProbability && v < 0:
		return p.errAt(prm.line, prm.col, "negative %s %s of node %q", attrName(a), formatNumber(v), clipS(n.Name))
	}
	if n.Gate != Leaf {
		p.count(wParamOnGate, prm.line, prm.col, n.Name)
		return nil
	}
	if n.Role == Defence && (a == AttrTime || a == AttrSkill) {
		p.count(wDefenceAttr, prm.line, prm.col, n.Name)
		return nil
	}
	if n.Has&a != 0 {
		return p.errAt(prm.line, prm.col, "a second basic %s for node %q", attrName(a), clipS(n.Name))
	}
	n.Has |= a
	switch a {
	case AttrCost:
		n.Cost = v
	case AttrProbability:
		n.Probability = v
	case AttrTime:
		n.Time = v
	case AttrSkill:
		n.Skill = v
	}
	return nil
}

// noInfiniteBypass drops the bypass cost of defences that cannot be got
// round ("Infinity", as WriteADTool writes for a defence without one): the
// same meaning as no bypass cost.
func (p *adtParser) noInfiniteBypass() {
	for i := range int32(p.entries.n) {
		if n := p.live(i); n != nil && n.Role == Defence && n.Has&AttrCost != 0 && math.IsInf(n.Cost, 1) {
			n.Has &^= AttrCost
			n.Cost = 0
		}
	}
}

// customAttr says which attribute a custom domain's operations compute:
// min, + and + a cost; x+y−x·y, · and · a probability; min, max and max a
// skill; min, max and + a time; 0 for others. The operations are compared
// without spaces, as ADTool writes them back ("min(x, y)") or as a person
// may ("min(y,x)").
func customAttr(ops [3]string) Attr {
	var norm [3]string
	for i, op := range ops {
		norm[i] = strings.ToLower(strings.Join(strings.Fields(op), ""))
	}
	in := func(s string, forms ...string) bool { return slices.Contains(forms, s) }
	least := in(norm[domOr], "min(x,y)", "min(y,x)")
	sum := func(s string) bool { return in(s, "x+y", "y+x") }
	most := func(s string) bool { return in(s, "max(x,y)", "max(y,x)") }
	product := func(s string) bool { return in(s, "x*y", "y*x") }
	switch {
	case least && sum(norm[domAnd]) && sum(norm[domSand]):
		return AttrCost
	case least && most(norm[domAnd]) && most(norm[domSand]):
		return AttrSkill
	case least && most(norm[domAnd]) && sum(norm[domSand]):
		return AttrTime
	case in(norm[domOr], "x+y-x*y", "y+x-x*y", "x+y-y*x", "y+x-y*x", "1-(1-x)*(1-y)", "1-(1-y)*(1-x)") &&
		product(norm[domAnd]) && product(norm[domSand]):
		return AttrProbability
	}
	return 0
}

// isID reports whether s is an id of the model's form.
func isID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case (c == '.' || c == '_' || c == '-') && i > 0:
		default:
			return false
		}
	}
	return true
}

// clipS shortens s for a message, at a character boundary.
func clipS(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 40
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func (p *adtParser) flushCounts() {
	msgs := [nWarn]string{
		wParamOnGate: "basic value on node %q, which has child nodes: ADTool computes it from them, and it is ignored",
		wDefenceAttr: "time or skill value on defence %q: a defence has none, and it is ignored",
		wCategory:    "parameter category %q is not basic, derived or default; the value is ignored",
		wControl:     "a scrutin-control comment on node %q, which is not a defence leaf, is ignored",
		wNodeAttr:    "attribute %s of <node> is not part of ADTool's format; it is ignored",
		wElement:     "element <%s> is not part of ADTool's format; it is skipped",
		wMarker:      "the scrutin-countermeasures comment on %q does not mark a group of two or more countermeasures; the node is read as it is",
		wTreeMark:    "scrutin-tree comments on %q, which is not the root, are ignored",
		wGateMark:    "the scrutin-gate comment on %q is ignored: only a conjunctive attack node of an <adtree> is marked sequential (scrutin-gate: sand)",
		wBadID:       "scrutin-id %q is not a valid id (letters, digits, '.', '_' and '-', starting with a letter or digit); the node's id is made from its label",
		wDupID:       "scrutin-id %q is given to more than one node; the later ones get it with a suffix (-2, -3 …)",
	}
	for k, c := range p.counts {
		if c.n == 0 {
			continue
		}
		m := fmt.Sprintf(msgs[k], clipS(c.detail))
		if c.n > 1 {
			m += fmt.Sprintf(" (and %d more like it)", c.n-1)
		}
		p.warnAt(c.line, c.col, "%s", m)
	}
}

// pow10 are the powers of ten exact in a float64.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseNumber reads a basic value: a decimal number, Java's "Infinity" and
// the other forms strconv.ParseFloat reads. Plain decimals of up to 15
// digits take a fast exact path (a mantissa below 2^53 divided by an exact
// power of ten is correctly rounded).
func parseNumber(b []byte) (float64, bool) {
	var mant uint64
	digits, frac := 0, 0
	dot, fast := false, len(b) > 0
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			if digits >= 15 {
				fast = false
			}
			if mant > 0 || c != '0' {
				digits++
			}
			mant = mant*10 + uint64(c-'0')
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			fast = false
		}
		if !fast {
			break
		}
	}
	if fast && frac < len(pow10) && (len(b) > 1 || !dot) {
		return float64(mant) / pow10[frac], true
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return v, true
}

// formatNumber writes a value as Java reads it back.
func formatNumber(v float64) string {
	return string(appendNumber(nil, v))
}

func appendNumber(b []byte, v float64) []byte {
	switch {
	case math.IsInf(v, 1):
		return append(b, "Infinity"...)
	case math.IsInf(v, -1):
		return append(b, "-Infinity"...)
	case math.IsNaN(v):
		return append(b, "NaN"...)
	}
	if a := math.Abs(v); a == 0 || (a >= 1e-4 && a < 1e21) {
		return strconv.AppendFloat(b, v, 'f', -1, 64)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

func refinementName(g Gate) string {
	switch g {
	case And:
		return "conjunctive"
	case Sand:
		return "sequential"
	}
	return "disjunctive"
}
