package model

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// maxNodes bounds the work of decoding one model (alias expansion included),
// so that a hostile document cannot make the decoder run for ever.
const maxNodes = 2_000_000

// Decode reads a model from YAML (or JSON) source, strictly: unknown fields,
// wrong types, bad values and bad references are all reported at once, each
// with file (as named by file), line, column and path, in a *ValidationError.
// Labels are resolved to PERT distributions.
func Decode(file string, src []byte) (*Model, error) {
	d := &decoder{file: file, pos: map[string]Pos{}, anchors: map[string]ast.Node{}, bad: map[string]bool{}}
	body, err := d.parse(src)
	if err != nil {
		return nil, err
	}
	var m Model
	d.value(body, reflect.ValueOf(&m).Elem(), "", fieldRules{required: true})
	if d.aborted {
		return nil, &ValidationError{Problems: d.problems}
	}
	for _, p := range Validate(&m) {
		if d.underBad(p.Path) {
			continue // already reported as a decoding problem
		}
		if p.Line == 0 {
			p.Pos = d.locate(p.Path)
		}
		p.File = file
		d.problems = append(d.problems, p)
	}
	if len(d.problems) > 0 {
		sortProblems(d.problems)
		return nil, &ValidationError{Problems: d.problems}
	}
	return &m, nil
}

type decoder struct {
	file     string
	problems []Problem
	pos      map[string]Pos      // path → position of the value at that path
	anchors  map[string]ast.Node // anchor name → node
	bad      map[string]bool     // paths that had a decoding problem
	nodes    int
	aborted  bool
}

func (d *decoder) parse(src []byte) (ast.Node, error) {
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		p := Problem{File: d.file, Message: err.Error()}
		var se *yaml.SyntaxError
		if errors.As(err, &se) {
			p.Message = "YAML syntax: " + se.Message
			if se.Token != nil {
				p.Pos = Pos{se.Token.Position.Line, se.Token.Position.Column}
			}
		}
		return nil, &ValidationError{Problems: []Problem{p}}
	}
	var docs []*ast.DocumentNode
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil {
			docs = append(docs, doc)
		}
	}
	switch {
	case len(docs) == 0:
		return nil, &ValidationError{Problems: []Problem{{File: d.file, Pos: Pos{1, 1}, Message: "the model is empty"}}}
	case len(docs) > 1:
		tk := docs[1].Body.GetToken()
		return nil, &ValidationError{Problems: []Problem{{File: d.file, Pos: posOf(tk), Message: "a model is one YAML document; found another one here"}}}
	}
	return docs[0].Body, nil
}

func posOf(tk *token.Token) Pos {
	if tk == nil {
		return Pos{}
	}
	return Pos{tk.Position.Line, tk.Position.Column}
}

// nodePos is where a node starts: the first key of a block mapping, else
// the node's own token.
func nodePos(n ast.Node) Pos {
	if m, ok := n.(*ast.MappingNode); ok && !m.IsFlowStyle && len(m.Values) > 0 {
		return posOf(m.Values[0].Key.GetToken())
	}
	return posOf(n.GetToken())
}

// problem reports a decoding problem at node n about the value at path.
func (d *decoder) problem(n ast.Node, path, format string, args ...any) {
	d.problemMarking(n, path, path, format, args...)
}

// problemMarking reports a problem shown under path, marking the value at
// bad as already reported so that validation does not report it again.
func (d *decoder) problemMarking(n ast.Node, path, bad, format string, args ...any) {
	p := Problem{File: d.file, Path: path, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Pos = nodePos(n)
	}
	d.problems = append(d.problems, p)
	d.bad[bad] = true
}

// locate returns the position of path, or of its nearest located ancestor.
func (d *decoder) locate(path string) Pos {
	for {
		if p, ok := d.pos[path]; ok {
			return p
		}
		if path == "" {
			return Pos{}
		}
		path = parentPath(path)
	}
}

func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// underBad reports whether path or one of its ancestors or descendants
// already has a decoding problem.
func (d *decoder) underBad(path string) bool {
	for p := range d.bad {
		if p == path || p == "" || strings.HasPrefix(path, p+".") || strings.HasPrefix(path, p+"[") ||
			strings.HasPrefix(p, path+".") || strings.HasPrefix(p, path+"[") {
			return true
		}
	}
	return false
}

func joinPath(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// resolve follows anchors, aliases and tags to the node that holds a value.
func (d *decoder) resolve(n ast.Node, path string) ast.Node {
	for depth := 0; n != nil && depth < 100; depth++ {
		switch x := n.(type) {
		case *ast.AnchorNode:
			if x.Name != nil {
				d.anchors[x.Name.GetToken().Value] = x.Value
			}
			n = x.Value
		case *ast.AliasNode:
			name := ""
			if x.Value != nil {
				name = x.Value.GetToken().Value
			}
			target, ok := d.anchors[name]
			if !ok {
				d.problem(n, path, "unknown alias *%s", name)
				return nil
			}
			n = target
		case *ast.TagNode:
			n = x.Value
		case *ast.CommentGroupNode:
			return nil
		default:
			return n
		}
	}
	return n
}

type anchorVisitor struct{ d *decoder }

func (a anchorVisitor) Visit(n ast.Node) ast.Visitor {
	if x, ok := n.(*ast.AnchorNode); ok && x.Name != nil {
		a.d.anchors[x.Name.GetToken().Value] = x.Value
	}
	return a
}

// registerAnchors records the anchors defined anywhere under n.
func (d *decoder) registerAnchors(n ast.Node) {
	if n != nil {
		ast.Walk(anchorVisitor{d}, n)
	}
}

var (
	distType  = reflect.TypeFor[Dist]()
	vulnType  = reflect.TypeFor[Vulnerability]()
	nodeCount = "the model is too large (too many nodes or alias expansions)"
)

// value decodes node n into v, recording the position of path.
func (d *decoder) value(n ast.Node, v reflect.Value, path string, rules fieldRules) {
	if d.aborted {
		return
	}
	d.nodes++
	if d.nodes > maxNodes {
		d.problem(n, path, "%s", nodeCount)
		d.aborted = true
		return
	}
	orig := n
	n = d.resolve(n, path)
	if n == nil {
		return
	}
	if _, seen := d.pos[path]; !seen {
		d.pos[path] = nodePos(orig)
	}
	if _, isNull := n.(*ast.NullNode); isNull {
		if rules.required {
			d.problem(orig, path, "a value is required")
		}
		return
	}
	switch t := v.Type(); {
	case t == distType:
		d.dist(n, v.Addr().Interface().(*Dist), path)
		return
	case t == vulnType:
		d.vulnerability(n, v.Addr().Interface().(*Vulnerability), path)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		e := reflect.New(v.Type().Elem())
		d.value(n, e.Elem(), path, rules)
		v.Set(e)
	case reflect.Struct:
		d.mapping(n, v, path)
	case reflect.Slice:
		d.sequence(n, v, path, rules)
	case reflect.Map:
		d.dict(n, v, path)
	case reflect.String:
		s, ok := d.str(n, path)
		if ok && rules.check(d, n, path, s) {
			v.SetString(s)
		}
	case reflect.Int, reflect.Int64:
		if x, ok := d.integer(n, path); ok && rules.checkNumber(d, n, path, float64(x)) {
			v.SetInt(x)
		}
	case reflect.Uint64:
		if x, ok := d.unsigned(n, path); ok {
			v.SetUint(x)
		}
	case reflect.Float64:
		if x, ok := d.number(n, path); ok && rules.checkNumber(d, n, path, x) {
			v.SetFloat(x)
		}
	default:
		panic(fmt.Sprintf("model: cannot decode into %s", v.Type()))
	}
}

// describe names the YAML type of a node for messages.
func describe(n ast.Node) string {
	switch x := n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "the number " + x.GetToken().Value
	case *ast.BoolNode:
		return "the boolean " + x.GetToken().Value
	case *ast.StringNode:
		return strconv.Quote(x.Value)
	case *ast.LiteralNode:
		return "a block of text"
	}
	return n.Type().String()
}

func (d *decoder) str(n ast.Node, path string) (string, bool) {
	switch x := n.(type) {
	case *ast.StringNode:
		return x.Value, true
	case *ast.LiteralNode:
		return x.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		d.problem(n, path, "expected text, got %s (put it in quotes to make it text)", describe(n))
	default:
		d.problem(n, path, "expected text, got %s", describe(n))
	}
	return "", false
}

// number accepts YAML integers and floats, and plain scalars such as 1e5
// that YAML 1.2 reads as floats.
func (d *decoder) number(n ast.Node, path string) (float64, bool) {
	switch x := n.(type) {
	case *ast.IntegerNode:
		switch i := x.Value.(type) {
		case int64:
			return float64(i), true
		case uint64:
			return float64(i), true
		}
	case *ast.FloatNode:
		return x.Value, true
	case *ast.InfinityNode, *ast.NanNode:
		d.problem(n, path, "expected a finite number, got %s", describe(n))
		return 0, false
	case *ast.StringNode:
		if x.GetToken().Type == token.StringType {
			if f, err := strconv.ParseFloat(x.Value, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
				return f, true
			}
		}
	}
	d.problem(n, path, "expected a number, got %s", describe(n))
	return 0, false
}

func (d *decoder) integer(n ast.Node, path string) (int64, bool) {
	if x, ok := n.(*ast.IntegerNode); ok {
		switch i := x.Value.(type) {
		case int64:
			return i, true
		case uint64:
			if i <= math.MaxInt64 {
				return int64(i), true
			}
		}
		d.problem(n, path, "the number %s is too large", x.GetToken().Value)
		return 0, false
	}
	f, ok := d.number(n, path)
	if !ok {
		return 0, false
	}
	if f != math.Trunc(f) || math.Abs(f) > 1<<62 {
		d.problem(n, path, "expected a whole number, got %s", describe(n))
		return 0, false
	}
	return int64(f), true
}

func (d *decoder) unsigned(n ast.Node, path string) (uint64, bool) {
	if x, ok := n.(*ast.IntegerNode); ok {
		switch i := x.Value.(type) {
		case uint64:
			return i, true
		case int64:
			if i >= 0 {
				return uint64(i), true
			}
		}
		d.problem(n, path, "expected a whole number ≥ 0, got %s", describe(n))
		return 0, false
	}
	i, ok := d.integer(n, path)
	if ok && i < 0 {
		d.problem(n, path, "expected a whole number ≥ 0, got %s", describe(n))
		return 0, false
	}
	return uint64(i), ok
}

// entry is one key/value pair of a mapping, merge keys expanded.
type entry struct {
	key   string
	keyN  ast.Node
	value ast.Node
}

// entries lists the pairs of a mapping node, with "<<" merges applied
// (explicit keys win over merged ones).
func (d *decoder) entries(n ast.Node, path string) ([]entry, bool) {
	var mv []*ast.MappingValueNode
	switch x := n.(type) {
	case *ast.MappingNode:
		mv = x.Values
	case *ast.MappingValueNode:
		mv = []*ast.MappingValueNode{x}
	default:
		return nil, false
	}
	var own, merged []entry
	for _, kv := range mv {
		if _, isMerge := kv.Key.(*ast.MergeKeyNode); isMerge {
			src := d.resolve(kv.Value, path)
			var sources []ast.Node
			if seq, ok := src.(*ast.SequenceNode); ok {
				for _, s := range seq.Values {
					sources = append(sources, d.resolve(s, path))
				}
			} else {
				sources = append(sources, src)
			}
			for _, s := range sources {
				es, ok := d.entries(s, path)
				if !ok {
					d.problem(kv.Value, path, "<< merges mappings only")
					continue
				}
				merged = append(merged, es...)
			}
			continue
		}
		key := kv.Key.GetToken().Value
		if k, ok := kv.Key.(*ast.StringNode); ok {
			key = k.Value
		}
		own = append(own, entry{key: key, keyN: kv.Key, value: kv.Value})
	}
	seen := map[string]bool{}
	for _, e := range own {
		seen[e.key] = true
	}
	for _, e := range merged {
		if !seen[e.key] {
			seen[e.key] = true
			own = append(own, e)
		}
	}
	return own, true
}

func (d *decoder) mapping(n ast.Node, v reflect.Value, path string) {
	es, ok := d.entries(n, path)
	if !ok {
		d.problem(n, path, "expected a mapping (key: value lines), got %s", describe(n))
		return
	}
	fields := fieldsOf(v.Type())
	present := map[string]bool{}
	for _, e := range es {
		if strings.HasPrefix(e.key, "x-") {
			d.registerAnchors(e.value) // extension keys hold notes and anchors
			continue
		}
		f, ok := fields.byName[e.key]
		if !ok {
			d.problemMarking(e.keyN, path, joinPath(path, e.key), "unknown field %q%s", e.key, suggest(e.key, fields.names))
			continue
		}
		present[e.key] = true
		d.value(e.value, v.Field(f.index), joinPath(path, e.key), f.rules)
	}
	var missing []string
	for _, name := range fields.names {
		if f := fields.byName[name]; f.rules.required && !present[name] {
			missing = append(missing, strconv.Quote(name))
			d.bad[joinPath(path, name)] = true
		}
	}
	if len(missing) > 0 {
		s := ""
		if len(missing) > 1 {
			s = "s"
		}
		d.problemMarking(n, path, joinPath(path, "\x00missing"), "missing required field%s %s", s, strings.Join(missing, ", "))
	}
}

func (d *decoder) sequence(n ast.Node, v reflect.Value, path string, rules fieldRules) {
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		d.problem(n, path, "expected a list, got %s", describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(seq.Values), len(seq.Values))
	for i, item := range seq.Values {
		d.value(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i), fieldRules{required: true})
	}
	v.Set(s)
	if rules.minItems > 0 && len(seq.Values) < rules.minItems {
		d.problem(n, path, "needs at least %d item(s)", rules.minItems)
	}
}

func (d *decoder) dict(n ast.Node, v reflect.Value, path string) {
	es, ok := d.entries(n, path)
	if !ok {
		d.problem(n, path, "expected a mapping (key: value lines), got %s", describe(n))
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(es))
	for _, e := range es {
		item := reflect.New(v.Type().Elem()).Elem()
		d.value(e.value, item, joinPath(path, e.key), fieldRules{required: true})
		m.SetMapIndex(reflect.ValueOf(e.key), item)
	}
	v.Set(m)
}

// closest returns the valid name nearest to got if it is a likely typo.
func closest(got string, valid []string) string {
	best, bestD := "", 3
	for _, v := range valid {
		if dd := editDistance(got, v); dd < bestD && dd < len(v) {
			best, bestD = v, dd
		}
	}
	return best
}

// suggest proposes the closest valid name, or lists them all.
func suggest(got string, valid []string) string {
	if best := closest(got, valid); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	if len(valid) == 0 {
		return ""
	}
	sorted := append([]string(nil), valid...)
	sort.Strings(sorted)
	return "; expected one of: " + strings.Join(sorted, ", ")
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// fieldRules are the constraints a struct field's jsonschema tag states;
// the decoder enforces them so that the JSON Schema and the decoder agree.
type fieldRules struct {
	required  bool
	enum      []string
	pattern   *regexp.Regexp
	minLength int
	minItems  int
	minimum   *float64
	maximum   *float64
}

func (r fieldRules) check(d *decoder, n ast.Node, path, s string) bool {
	switch {
	case len(r.enum) > 0 && !contains(r.enum, s):
		hint := ""
		if c := closest(s, r.enum); c != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", c)
		}
		d.problem(n, path, "%q is not one of: %s%s", s, strings.Join(r.enum, ", "), hint)
	case r.minLength > 0 && len(s) < r.minLength:
		d.problem(n, path, "must not be empty")
	case r.pattern != nil && !r.pattern.MatchString(s):
		d.problem(n, path, "%q does not match %s", s, r.pattern)
	default:
		return true
	}
	return false
}

func (r fieldRules) checkNumber(d *decoder, n ast.Node, path string, x float64) bool {
	switch {
	case len(r.enum) > 0 && !contains(r.enum, strconv.FormatFloat(x, 'g', -1, 64)):
		d.problem(n, path, "%g is not one of: %s", x, strings.Join(r.enum, ", "))
	case r.minimum != nil && x < *r.minimum:
		d.problem(n, path, "must be ≥ %g, got %g", *r.minimum, x)
	case r.maximum != nil && x > *r.maximum:
		d.problem(n, path, "must be ≤ %g, got %g", *r.maximum, x)
	default:
		return true
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

type field struct {
	index int
	rules fieldRules
}

type structFields struct {
	byName map[string]field
	names  []string // in declaration order
}

var fieldCache sync.Map // reflect.Type → *structFields

func fieldsOf(t reflect.Type) *structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structFields)
	}
	fs := &structFields{byName: map[string]field{}}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" || name == "-" || !sf.IsExported() {
			continue
		}
		fs.byName[name] = field{index: i, rules: parseRules(sf.Tag.Get("jsonschema"))}
		fs.names = append(fs.names, name)
	}
	fieldCache.Store(t, fs)
	return fs
}

func parseRules(tag string) fieldRules {
	var r fieldRules
	for _, part := range strings.Split(tag, ",") {
		k, val, _ := strings.Cut(part, "=")
		switch k {
		case "required":
			r.required = true
		case "enum":
			r.enum = append(r.enum, val)
		case "pattern":
			r.pattern = regexp.MustCompile(val)
		case "minLength":
			r.minLength, _ = strconv.Atoi(val)
		case "minItems":
			r.minItems, _ = strconv.Atoi(val)
		case "minimum":
			x, _ := strconv.ParseFloat(val, 64)
			r.minimum = &x
		case "maximum":
			x, _ := strconv.ParseFloat(val, 64)
			r.maximum = &x
		}
	}
	return r
}
