package model

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// distKeys are the keys that name a distribution family, in table order.
var distKeys = []string{string(PERT), string(Lognormal90), string(Lognormal), string(Uniform),
	string(Triangular), string(Beta), string(Normal), string(Gamma), string(Label), string(BaseRateKind)}

var distHint = text("a number or a distribution such as {pert: [min, mode, max]}")

func isNumeric(n ast.Node) bool {
	switch x := n.(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return true
	case *ast.StringNode:
		if x.GetToken().Type != token.StringType {
			return false
		}
		_, err := strconv.ParseFloat(x.Value, 64)
		return err == nil
	}
	return false
}

// dist decodes a number (a constant) or a one-key distribution mapping.
func (d *decoder) dist(n ast.Node, out *Dist, path string) {
	if isNumeric(n) {
		if x, ok := d.number(n, path); ok {
			*out = Const(x)
		}
		return
	}
	es, ok := d.entries(n, path)
	if !ok {
		switch x := n.(type) {
		case *ast.SequenceNode:
			d.problem(n, path, "expected %s, got a list (write {pert: [min, mode, max]} for a PERT)", distHint)
		case *ast.StringNode:
			d.problem(n, path, "expected %s, got %q (write {label: %s} for a qualitative label)", distHint, x.Value, x.Value)
		default:
			d.problem(n, path, "expected %s, got %s", distHint, describe(n))
		}
		return
	}
	if d.aborted {
		return
	}
	var kinds []string
	var lambda ast.Node
	var kindNode ast.Node
	for _, e := range es {
		switch {
		case strings.HasPrefix(e.key, "x-"):
			continue // extension keys hold notes, here as everywhere
		case e.key == "lambda":
			lambda = e.value
		case contains(distKeys, e.key):
			kinds = append(kinds, e.key)
			kindNode = e.value
		default:
			d.problem(e.keyN, path, "unknown distribution %q%s", e.key, suggest(e.key, append(distKeys, "lambda")))
			return
		}
	}
	switch len(kinds) {
	case 0:
		d.problem(n, path, "expected %s, got a mapping without a distribution", distHint)
		return
	case 1:
	default:
		d.problem(n, path, "a distribution has exactly one family, got %s", strings.Join(kinds, ", "))
		return
	}
	kind := DistKind(kinds[0])
	sub := joinPath(path, kinds[0])
	d.at(sub, kindNode)
	kindNode = d.resolve(kindNode, sub)
	if kindNode == nil {
		return
	}
	dist := Dist{Kind: kind}
	switch kind {
	case Label:
		s, ok := d.str(kindNode, sub)
		if !ok {
			return
		}
		dist.Label = s
	case BaseRateKind:
		var ref BaseRateRef
		before := len(d.problems)
		d.value(kindNode, vOf(&ref), sub, fieldRules{required: true})
		if len(d.problems) > before {
			return
		}
		dist.BaseRate = &ref
	case Lognormal:
		var p struct {
			Mu    float64 `json:"mu" jsonschema:"required"`
			Sigma float64 `json:"sigma" jsonschema:"required"`
		}
		before := len(d.problems)
		d.value(kindNode, vOf(&p), sub, fieldRules{required: true})
		if len(d.problems) > before {
			return
		}
		dist.Params = []float64{p.Mu, p.Sigma}
	default:
		params, ok := d.numberList(kindNode, sub, distArity[kind], string(kind)+" "+distParamNames[kind])
		if !ok {
			return
		}
		dist.Params = params
	}
	if lambda != nil {
		lp := joinPath(path, "lambda")
		d.at(lp, lambda)
		if kind != PERT {
			d.problem(lambda, lp, "lambda applies to pert only")
			return
		}
		x, ok := d.number(d.resolve(lambda, lp), lp)
		if !ok {
			return
		}
		if x <= 0 {
			d.problem(lambda, lp, "the PERT shape lambda must be > 0, got %s", num(x))
			return
		}
		dist.Lambda = x
	}
	*out = dist
}

// numberList decodes a list of exactly want numbers.
func (d *decoder) numberList(n ast.Node, path string, want int, what string) ([]float64, bool) {
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		d.problem(n, path, "%s needs a list of %d numbers, got %s", what, want, describe(n))
		return nil, false
	}
	if len(seq.Values) != want {
		d.problem(n, path, "%s needs %d numbers, got %d", what, want, len(seq.Values))
		return nil, false
	}
	out := make([]float64, want)
	all := true
	for i, item := range seq.Values {
		p := fmt.Sprintf("%s[%d]", path, i)
		d.at(p, item)
		if item = d.resolve(item, p); item == nil {
			all = false
			continue
		}
		x, ok := d.number(item, p)
		out[i] = x
		all = all && ok
	}
	return out, all
}

// vulnerability decodes a probability, {capability, resistance} or {tree}.
func (d *decoder) vulnerability(n ast.Node, out *Vulnerability, path string) {
	if es, ok := d.entries(n, path); ok {
		fair, tree := false, false
		for _, e := range es {
			switch e.key {
			case "capability", "resistance":
				fair = true
			case "tree":
				tree = true
			}
		}
		if tree && !fair {
			var v struct {
				Tree string `json:"tree" jsonschema:"required"`
			}
			d.value(n, vOf(&v), path, fieldRules{required: true})
			out.Tree = v.Tree
			return
		}
		if fair {
			var v struct {
				Capability *Dist `json:"capability"`
				Resistance *Dist `json:"resistance" jsonschema:"required"`
			}
			d.value(n, vOf(&v), path, fieldRules{required: true})
			out.Capability, out.Resistance = v.Capability, v.Resistance
			return
		}
	}
	var p Dist
	d.dist(n, &p, path)
	if !p.IsZero() {
		out.Prob = &p
	}
}

func vOf(ptr any) reflect.Value { return reflect.ValueOf(ptr).Elem() }
