package evidence

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/scrutin/scrutin/internal/model"
)

// AssetRule maps one host pattern to a model asset.
//
// A pattern is an IP address (10.0.1.6), a network (10.0.1.0/24), a host
// name (www.example.org), "*." and a domain (*.example.org: its subdomains,
// not the domain itself), or "*" (any host: the default).
type AssetRule struct {
	Pattern string
	Asset   string
	Line    int // line of the rule in its file, for messages; 0 when none
	Column  int
}

// AssetMap maps the hosts seen in telemetry to model assets and their
// organisations. The most specific rule wins: an address before the
// networks holding it, the longest prefix first; a host name before the
// *.domains holding it, the longest domain first; "*" last.
type AssetMap struct {
	file    string
	rules   []AssetRule
	addrs   map[netip.Addr]*assetTarget
	nets    map[netip.Prefix]*assetTarget
	bits    []int // the prefix lengths in nets, longest first
	hosts   map[string]*assetTarget
	domains map[string]*assetTarget // *.example.org is stored as example.org
	any     *assetTarget
	orgs    map[string]string // every model asset's organisation, once resolved
}

type assetTarget struct {
	asset, org string
	rule       int // index in rules
}

// maxAssetMapSize bounds an assets map file: a map is a few hundred lines.
const maxAssetMapSize = 16 << 20

// maxAssetMapDepth bounds the nesting of flow collections ([ and {) in an
// assets map file; the YAML parser's work grows with its square.
const maxAssetMapDepth = 20

// ParseAssetMap reads an assets map: a YAML mapping whose entries are
// either "pattern: asset" or "asset: [pattern, …]".
//
//	10.0.1.0/24: campaign-lan
//	10.0.1.6: staff-laptop
//	"*.example.org": website          # quote patterns starting with *
//	voter-roll: [10.2.0.10, rolls.example.gov]
//
// Every bad entry is reported, with file (as named by file), line and
// column, in a *model.ValidationError.
func ParseAssetMap(file string, r io.Reader) (*AssetMap, error) {
	src, err := io.ReadAll(io.LimitReader(r, maxAssetMapSize+1))
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "cannot read assets map %s: %v", file, err)
	}
	if len(src) > maxAssetMapSize {
		return nil, assetProblems(file, model.Problem{Message: fmt.Sprintf("an assets map is at most %d MiB", maxAssetMapSize>>20)})
	}
	tokens := lexer.Tokenize(string(src))
	depth := 0
	for _, tk := range tokens {
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			if depth++; depth > maxAssetMapDepth {
				return nil, assetProblems(file, model.Problem{Pos: tokenPos(tk), Message: "nested too deeply"})
			}
		case token.SequenceEndType, token.MappingEndType:
			depth = max(depth-1, 0)
		}
	}
	f, err := parser.Parse(tokens, 0)
	if err != nil {
		p := model.Problem{Message: err.Error()}
		var se *yaml.SyntaxError
		if errors.As(err, &se) {
			p.Message = "YAML syntax: " + se.Message
			if se.Token != nil {
				p.Pos = tokenPos(se.Token)
			}
		}
		if line := assetSourceLine(src, p.Line); strings.Contains(p.Message, "alias") ||
			strings.Contains(line, "*") && !strings.Contains(line, `"*`) && !strings.Contains(line, `'*`) {
			p.Message += ` (quote patterns that start with *, such as "*.example.org")`
		}
		return nil, assetProblems(file, p)
	}
	var body ast.Node
	for _, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if body != nil {
			return nil, assetProblems(file, model.Problem{Pos: tokenPos(doc.Body.GetToken()), Message: "an assets map is one YAML document; found another one here"})
		}
		body = doc.Body
	}
	var rules []AssetRule
	var problems []model.Problem
	bad := func(n ast.Node, format string, args ...any) {
		problems = append(problems, model.Problem{File: file, Pos: tokenPos(n.GetToken()), Message: fmt.Sprintf(format, args...)})
	}
	if body == nil {
		return NewAssetMap(file, nil)
	}
	m, ok := body.(*ast.MappingNode)
	if !ok {
		if mv, isValue := body.(*ast.MappingValueNode); isValue {
			m = &ast.MappingNode{Values: []*ast.MappingValueNode{mv}}
		} else {
			bad(body, "an assets map is a mapping of host patterns to asset ids (10.0.1.0/24: campaign-lan), or of asset ids to lists of patterns")
			return nil, &model.ValidationError{Problems: problems}
		}
	}
	for _, kv := range m.Values {
		key, ok := assetScalar(kv.Key)
		if !ok {
			bad(kv.Key, "a key must be a host pattern or an asset id")
			continue
		}
		pos := tokenPos(kv.Key.GetToken())
		switch v := kv.Value.(type) {
		case *ast.SequenceNode:
			if len(v.Values) == 0 {
				bad(kv.Key, "asset %q: the list of host patterns is empty", key)
			}
			for _, item := range v.Values {
				pattern, ok := assetScalar(item)
				if !ok {
					bad(item, "asset %q: a host pattern must be a plain value", key)
					continue
				}
				at := tokenPos(item.GetToken())
				rules = append(rules, AssetRule{Pattern: pattern, Asset: key, Line: at.Line, Column: at.Column})
			}
		default:
			asset, ok := assetScalar(kv.Value)
			if !ok {
				bad(kv.Value, "pattern %q: the value must be an asset id, or the key an asset id and the value a list of host patterns", key)
				continue
			}
			rules = append(rules, AssetRule{Pattern: key, Asset: asset, Line: pos.Line, Column: pos.Column})
		}
	}
	am, err := NewAssetMap(file, rules)
	if err != nil {
		var verr *model.ValidationError
		if errors.As(err, &verr) {
			problems = append(problems, verr.Problems...)
		} else {
			return nil, err
		}
	}
	if len(problems) > 0 {
		sortAssetProblems(problems)
		return nil, &model.ValidationError{Problems: problems}
	}
	return am, nil
}

// assetSourceLine returns line n (1-based) of src, or "".
func assetSourceLine(src []byte, n int) string {
	for i, l := range strings.Split(string(src), "\n") {
		if i+1 == n {
			return l
		}
	}
	return ""
}

// assetScalar returns the text of a scalar node.
func assetScalar(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.LiteralNode:
		return n.GetToken().Value, true
	}
	return "", false
}

func tokenPos(tk *token.Token) model.Pos {
	if tk == nil {
		return model.Pos{}
	}
	return model.Pos{Line: tk.Position.Line, Column: tk.Position.Column}
}

func assetProblems(file string, p model.Problem) error {
	p.File = file
	return &model.ValidationError{Problems: []model.Problem{p}}
}

func sortAssetProblems(ps []model.Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Line != ps[j].Line {
			return ps[i].Line < ps[j].Line
		}
		return ps[i].Column < ps[j].Column
	})
}

// NewAssetMap builds an assets map from rules; file names it in messages.
// Every bad rule (a pattern that is no address, network or host name, an
// asset id that is not one, a pattern given twice) is reported in a
// *model.ValidationError naming its line.
func NewAssetMap(file string, rules []AssetRule) (*AssetMap, error) {
	m := &AssetMap{file: file, rules: rules, addrs: map[netip.Addr]*assetTarget{}, nets: map[netip.Prefix]*assetTarget{},
		hosts: map[string]*assetTarget{}, domains: map[string]*assetTarget{}}
	var problems []model.Problem
	seen := map[string]int{}
	for i, r := range rules {
		bad := func(format string, args ...any) {
			problems = append(problems, model.Problem{File: file, Pos: model.Pos{Line: r.Line, Column: r.Column}, Message: fmt.Sprintf(format, args...)})
		}
		if !model.IDPattern.MatchString(r.Asset) {
			bad("%q is not an asset id (letters, digits, '.', '_' and '-', starting with a letter or digit)", r.Asset)
			continue
		}
		t := &assetTarget{asset: r.Asset, rule: i}
		key, err := m.add(r.Pattern, t)
		if err != nil {
			bad("%v", err)
			continue
		}
		if j, dup := seen[key]; dup {
			bad("host pattern %q is given twice (first %s)", r.Pattern, ruleAt(rules[j]))
			continue
		}
		seen[key] = i
	}
	if len(problems) > 0 {
		sortAssetProblems(problems)
		return nil, &model.ValidationError{Problems: problems}
	}
	for b := range m.bitsSet() {
		m.bits = append(m.bits, b)
	}
	slices.Sort(m.bits)
	slices.Reverse(m.bits)
	return m, nil
}

func ruleAt(r AssetRule) string {
	if r.Line > 0 {
		return fmt.Sprintf("on line %d", r.Line)
	}
	return fmt.Sprintf("for asset %s", r.Asset)
}

func (m *AssetMap) bitsSet() map[int]bool {
	s := map[int]bool{}
	for p := range m.nets {
		s[p.Bits()] = true
	}
	return s
}

// add enters one pattern and returns its normalised form.
func (m *AssetMap) add(pattern string, t *assetTarget) (string, error) {
	p := strings.TrimSpace(pattern)
	switch {
	case p == "*":
		m.any = t
		return p, nil
	case strings.Contains(p, "/"):
		pre, err := netip.ParsePrefix(p)
		if err != nil {
			return "", fmt.Errorf("%q is not a network (such as 10.0.1.0/24)", pattern)
		}
		if pre.Addr().Is4In6() && pre.Bits() >= 96 {
			pre = netip.PrefixFrom(pre.Addr().Unmap(), pre.Bits()-96)
		}
		pre = netip.PrefixFrom(pre.Addr().WithZone(""), pre.Bits()).Masked()
		m.nets[pre] = t
		return pre.String(), nil
	}
	if a, err := netip.ParseAddr(p); err == nil {
		a = a.Unmap().WithZone("")
		m.addrs[a] = t
		return a.String(), nil
	}
	if strings.HasPrefix(p, "*.") {
		d := normaliseHost(p[2:])
		if !validHostName(d) {
			return "", fmt.Errorf("%q is not a *.domain pattern (such as *.example.org)", pattern)
		}
		m.domains[d] = t
		return "*." + d, nil
	}
	h := normaliseHost(p)
	if !validHostName(h) {
		return "", fmt.Errorf("%q is not a host pattern: an address (10.0.1.6), a network (10.0.1.0/24), a host name (www.example.org), *.domain or *", pattern)
	}
	m.hosts[h] = t
	return h, nil
}

func normaliseHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
}

// validHostName reports whether h (lower-cased) is a DNS name: labels of
// letters, digits, '-' and '_', 1 to 63 bytes, 253 bytes at most.
func validHostName(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for label := range strings.SplitSeq(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// Resolve checks the map's assets against a model and fills in each
// asset's organisation; unknown assets are reported, with their lines, in
// a *model.ValidationError.
func (m *AssetMap) Resolve(mod *model.Model) error {
	orgs := make(map[string]string, len(mod.Assets))
	m.orgs = orgs
	ids := make([]string, 0, len(mod.Assets))
	for _, a := range mod.Assets {
		orgs[a.ID] = a.Org
		ids = append(ids, a.ID)
	}
	var problems []model.Problem
	for _, t := range m.targets() {
		org, ok := orgs[t.asset]
		if !ok {
			r := m.rules[t.rule]
			problems = append(problems, model.Problem{File: m.file, Pos: model.Pos{Line: r.Line, Column: r.Column},
				Message: fmt.Sprintf("unknown asset %q; the model's assets are: %s", t.asset, strings.Join(ids, ", "))})
			continue
		}
		t.org = org
	}
	if len(problems) > 0 {
		sortAssetProblems(problems)
		return &model.ValidationError{Problems: problems}
	}
	return nil
}

func (m *AssetMap) targets() []*assetTarget {
	var ts []*assetTarget
	for _, t := range m.addrs {
		ts = append(ts, t)
	}
	for _, t := range m.nets {
		ts = append(ts, t)
	}
	for _, t := range m.hosts {
		ts = append(ts, t)
	}
	for _, t := range m.domains {
		ts = append(ts, t)
	}
	if m.any != nil {
		ts = append(ts, m.any)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].rule < ts[j].rule })
	return ts
}

// Len is the number of rules.
func (m *AssetMap) Len() int { return len(m.rules) }

// Lookup returns the asset and organisation (empty without a model) of the
// most specific rule matching host, an address or a host name.
func (m *AssetMap) Lookup(host string) (asset, org string, ok bool) {
	if t := m.lookup(host); t != nil {
		return t.asset, t.org, true
	}
	if m.any != nil {
		return m.any.asset, m.any.org, true
	}
	return "", "", false
}

// lookup is Lookup without the "*" rule.
func (m *AssetMap) lookup(host string) *assetTarget {
	if host == "" {
		return nil
	}
	if a, err := netip.ParseAddr(host); err == nil {
		a = a.Unmap().WithZone("")
		if t := m.addrs[a]; t != nil {
			return t
		}
		for _, b := range m.bits {
			p, err := a.Prefix(b)
			if err != nil {
				continue // an IPv6 length for an IPv4 address
			}
			if t := m.nets[p]; t != nil {
				return t
			}
		}
		return nil
	}
	h := normaliseHost(host)
	if t := m.hosts[h]; t != nil {
		return t
	}
	for i := strings.IndexByte(h, '.'); i >= 0; i = strings.IndexByte(h, '.') {
		h = h[i+1:]
		if t := m.domains[h]; t != nil {
			return t
		}
	}
	return nil
}

// assign fills e's asset and organisation from the first of hosts that a
// rule other than "*" matches, else from "*".
func (m *AssetMap) assign(e *Event, hosts ...string) {
	for _, h := range hosts {
		if t := m.lookup(h); t != nil {
			e.Asset, e.Org = t.asset, t.org
			return
		}
	}
	if m.any != nil {
		e.Asset, e.Org = m.any.asset, m.any.org
	}
}
