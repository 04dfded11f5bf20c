package model

import (
	"context"
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
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// maxNodes bounds the work of decoding one model (alias expansion included),
// so that a hostile document cannot make the decoder run for ever.
const maxNodes = 1_000_000

// Aliases and merges may expand a document to at most maxExpansion values
// plus expansionRatio times its own size: plenty for sharing a few common
// blocks, and a quick refusal of an alias bomb ("billion laughs"), whose few
// lines expand to billions of values.
const (
	maxExpansion   = 100_000
	expansionRatio = 10
)

// errLocate says that validation found problems, which the decoder must
// locate: it decodes the model again, this time noting where each value is.
var errLocate = errors.New("model: locate the problems")

// Decode reads a model from YAML (or JSON) source, strictly: unknown fields,
// wrong types, bad values and bad references are all reported at once, each
// with file (as named by file), line, column and path, in a *ValidationError.
// Labels are resolved to PERT distributions. Source that is not UTF-8 text
// (binary data, UTF-16) is an EINVALID *Error in one line instead. A source
// beyond the bounds above (MaxSize, MaxDepth, …) is refused before it is
// parsed, with a problem that says which bound and where.
func Decode(file string, src []byte) (*Model, error) {
	return DecodeWith(file, src, DecodeOptions{})
}

// DecodeContext is Decode that gives up, with ctx's error, once ctx is
// done.
func DecodeContext(ctx context.Context, file string, src []byte) (*Model, error) {
	return DecodeWith(file, src, DecodeOptions{Context: ctx})
}

// DecodeWith is Decode with options: the ATT&CK catalogue the model's ids
// must be in, and a context that stops the decoding.
func DecodeWith(file string, src []byte, opt DecodeOptions) (*Model, error) {
	src, err := checkText(file, src)
	if err != nil {
		return nil, err
	}
	ctx := opt.Context
	if ctx == nil {
		ctx = context.Background()
	}
	sc, sp := scan(src)
	if sp != nil {
		return nil, &ValidationError{Problems: []Problem{newProblem(file, position(src, sp.at), "", sp.t)}}
	}
	// The catalogue's ids are asked for once, whatever the passes.
	var ids *AttackIDs
	var idsErr error
	asked := false
	attack := func(m *Model) (*AttackIDs, error) {
		if !asked {
			asked = true
			ids, idsErr = opt.attackIDs(m)
		}
		return ids, idsErr
	}
	// Noting the position of every value takes memory, and only problems
	// need them: a first pass does without, and a second one is made if
	// validation finds anything.
	units := &unitsLoader{files: opt.Files, model: file}
	m, err := decodeParts(ctx, file, src, sc, false, attack, units)
	if err == errLocate {
		m, err = decodeParts(ctx, file, src, sc, true, attack, units)
	}
	return m, err
}

// decodeParts decodes src, read in parts; when locating, it notes where
// each value is, for the problems that validation finds.
func decodeParts(ctx context.Context, file string, src []byte, sc scanned, locating bool, attack func(*Model) (*AttackIDs, error), units *unitsLoader) (*Model, error) {
	d := &decoder{file: file, locating: locating, link: sc.aliases, limit: maxNodes, alias: map[*ast.AliasNode]ast.Node{},
		cyclic: map[*ast.AliasNode]bool{}, bad: map[string]bool{}, badBelow: map[string]bool{}}
	d.linker = &linker{d: d, anchors: map[string]ast.Node{}, open: map[string]int{}}
	if locating {
		d.pos = map[string]Pos{}
	}
	var m Model
	if err := d.root(ctx, src, sc.parts, reflect.ValueOf(&m).Elem()); err != nil {
		return nil, err
	}
	if d.aborted {
		sortProblems(d.problems)
		return nil, &ValidationError{Problems: d.problems}
	}
	ids, err := attack(&m)
	if err != nil {
		return nil, err
	}
	resolveLibrary(&m)
	unread := func(path string) bool { return d.bad[path] }
	unitsProblems, content, read := units.loadUnits(&m, unread)
	if len(unitsProblems)+len(content) > 0 && !locating {
		return nil, errLocate
	}
	var locate func(string) Pos
	if locating {
		// A unit read from a units file is located in that file.
		locate = func(path string) Pos {
			if _, pos, ok := unitPlace(read, path); ok {
				return pos
			}
			return d.locate(path)
		}
	}
	// A units file that could not be read is its contest's only problem
	// with units: nothing else is said of them.
	for _, p := range unitsProblems {
		p.Pos, p.File = d.locate(p.Path), file
		d.problems = append(d.problems, p)
		d.markBad(p.Path)
	}
	for _, p := range validate(&m, unread, locate, ids) {
		if d.underBad(p.Path) {
			continue // already reported as a decoding problem
		}
		if !locating {
			return nil, errLocate
		}
		if f, pos, ok := unitPlace(read, p.Path); ok {
			p.File, p.Pos = f, pos
		} else {
			if p.Line == 0 {
				p.Pos = d.locate(p.Path)
			}
			p.File = file
		}
		d.problems = append(d.problems, p)
	}
	d.problems = append(d.problems, content...)
	if len(d.problems) > 0 {
		sortProblemsIn(file, d.problems)
		return nil, &ValidationError{Problems: d.problems}
	}
	return &m, nil
}

type decoder struct {
	file     string
	problems []Problem
	locating bool
	pos      map[string]Pos              // when locating: path → position of the value at that path
	link     bool                        // whether the source has aliases to link
	linker   *linker                     // links the aliases of every part read so far
	alias    map[*ast.AliasNode]ast.Node // alias → the node its anchor names
	cyclic   map[*ast.AliasNode]bool     // aliases inside the node they name
	bad      map[string]bool             // paths that had a decoding problem
	badBelow map[string]bool             // strict ancestors (but the root) of bad paths
	nodes    int                         // values decoded so far, expansions included
	limit    int                         // the most values this document may decode to
	aborted  bool
}

// root decodes the model's mapping into v, part after part: a part of
// items continues the sequence of the last key of the part before. Only
// the anchored nodes of a part outlive its decoding.
func (d *decoder) root(ctx context.Context, src []byte, parts []part, v reflect.Value) error {
	if len(parts) == 1 {
		body, err := d.parse(src, parts[0])
		if err != nil {
			return err
		}
		d.value(body, v, "", fieldRules{required: true})
		return nil
	}
	fields := fieldsOf(v.Type())
	present := map[string]bool{}
	var first ast.Node
	var seq reflect.Value // the sequence that the next part's items continue
	var seqPath string
	for i, p := range parts {
		if err := ctx.Err(); err != nil {
			return err
		}
		body, err := d.parse(src, p)
		if err != nil {
			return err
		}
		if p.items {
			items, ok := body.(*ast.SequenceNode)
			if !ok {
				d.problem(body, seqPath, "expected a list item, got %s", describe(body))
				return nil
			}
			if seq.IsValid() {
				d.appendItems(items, seq, seqPath)
			}
			d.linker.forget()
			if d.aborted {
				return nil
			}
			continue
		}
		if first == nil {
			first = body
		}
		seq = reflect.Value{}
		es, ok := d.mappingEntries(body, "")
		if !ok {
			return nil
		}
		for _, e := range es {
			if strings.HasPrefix(e.key, "x-") {
				continue // extension keys hold notes and anchors
			}
			f, ok := fields.byName[e.key]
			if !ok {
				d.problemMarking(e.keyN, "", e.key, "unknown field %q%s", e.key, suggest(e.key, fields.names))
				continue
			}
			if present[e.key] {
				d.problem(e.keyN, "", "the key %q appears twice", e.key)
				continue
			}
			present[e.key] = true
			d.value(e.value, v.Field(f.index), e.key, f.rules)
		}
		d.linker.forget()
		if d.aborted {
			return nil
		}
		if i+1 < len(parts) && parts[i+1].items && len(es) > 0 {
			last := es[len(es)-1]
			if f, ok := fields.byName[last.key]; ok && present[last.key] && v.Field(f.index).Kind() == reflect.Slice && !d.bad[last.key] {
				seq, seqPath = v.Field(f.index), last.key
			}
		}
	}
	d.missing(first, fields, present, "")
	return nil
}

// appendItems decodes the items of a part into the sequence at path.
func (d *decoder) appendItems(items *ast.SequenceNode, s reflect.Value, path string) {
	n, k := s.Len(), len(items.Values)
	if n+k > s.Cap() {
		grown := reflect.MakeSlice(s.Type(), n, max(2*s.Cap(), n+k))
		reflect.Copy(grown, s)
		s.Set(grown)
	}
	s.SetLen(n + k)
	for i, item := range items.Values {
		d.value(item, s.Index(n+i), fmt.Sprintf("%s[%d]", path, n+i), fieldRules{required: true})
	}
}

// parse parses one part of src, links its aliases, and returns its
// document's body.
func (d *decoder) parse(src []byte, p part) (ast.Node, error) {
	tokens := lexer.Tokenize(string(src[p.start:p.end]))
	if p.line > 1 {
		moved := make(map[*token.Position]bool, len(tokens))
		for _, tk := range tokens {
			if tk.Position != nil && !moved[tk.Position] {
				moved[tk.Position] = true
				tk.Position.Line += p.line - 1
			}
		}
	}
	f, err := parser.Parse(tokens, 0)
	if err != nil {
		// The YAML library's own words stay in English.
		t, pos := text("%s", err.Error()), Pos{}
		var se *yaml.SyntaxError
		if errors.As(err, &se) {
			t = text("YAML syntax: %s", se.Message)
			if se.Token != nil {
				pos = Pos{se.Token.Position.Line, se.Token.Position.Column}
			}
		}
		return nil, &ValidationError{Problems: []Problem{newProblem(d.file, pos, "", t)}}
	}
	// The nodes keep their own tokens; unlinked, the others can go.
	for _, tk := range tokens {
		tk.Prev, tk.Next = nil, nil
	}
	var docs []*ast.DocumentNode
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil {
			docs = append(docs, doc)
		}
	}
	switch {
	case len(docs) == 0:
		return nil, &ValidationError{Problems: []Problem{newProblem(d.file, Pos{1, 1}, "", text("the model is empty"))}}
	case len(docs) > 1:
		at := nodePos(docs[1].Body)
		if docs[1].Start != nil {
			at = posOf(docs[1].Start) // the "---" that starts it
		}
		return nil, &ValidationError{Problems: []Problem{newProblem(d.file, at, "", text("a model is one YAML document; found another one here"))}}
	}
	body := docs[0].Body
	if d.link { // without aliases, nothing expands: the limit is maxNodes
		ast.Walk(d.linker, body)
		d.limit = min(maxNodes, maxExpansion+expansionRatio*d.linker.nodes)
	}
	return body, nil
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
	var pos Pos
	if n != nil {
		pos = nodePos(n)
	}
	p := newProblem(d.file, pos, path, text(format, args...))
	d.problems = append(d.problems, p)
	d.markBad(bad)
}

// markBad records that the value at path has a decoding problem.
func (d *decoder) markBad(path string) {
	d.bad[path] = true
	for p := parentPath(path); p != "" && !d.badBelow[p]; p = parentPath(p) {
		d.badBelow[p] = true
	}
}

// at notes, when locating, that the value at path is node n.
func (d *decoder) at(path string, n ast.Node) {
	if d.locating {
		d.pos[path] = nodePos(n)
	}
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
	if d.bad[""] || d.badBelow[path] {
		return true
	}
	for p := path; p != ""; p = parentPath(p) {
		if d.bad[p] {
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

// linker walks the document once, in order, part after part, and links
// each alias to the node its anchor names: the most recent anchor of that
// name whose node is complete before the alias. An alias inside the node
// it names (a cycle) stays unlinked, so that decoding always terminates.
// It also counts the document's nodes.
type linker struct {
	d        *decoder
	anchors  map[string]ast.Node // anchor name → node, once complete
	open     map[string]int      // anchor names whose node is being walked
	inAnchor int                 // anchored nodes being walked
	nodes    int
	// loose are the aliases of the current part outside anchored nodes:
	// once the part is decoded, nothing reaches them again.
	loose []*ast.AliasNode
}

// forget unlinks the loose aliases of the part just decoded, so that their
// nodes can go.
func (l *linker) forget() {
	for _, a := range l.loose {
		delete(l.d.alias, a)
		delete(l.d.cyclic, a)
	}
	l.loose = l.loose[:0]
}

func (l *linker) Visit(n ast.Node) ast.Visitor {
	switch x := n.(type) {
	case nil:
		return nil
	case *ast.AnchorNode:
		name := nodeName(x.Name)
		l.open[name]++
		l.inAnchor++
		ast.Walk(l, x.Value)
		l.inAnchor--
		l.open[name]--
		l.anchors[name] = x.Value
		return nil
	case *ast.AliasNode:
		l.nodes++
		name := nodeName(x.Value)
		if l.open[name] > 0 {
			l.d.cyclic[x] = true
		} else if target, ok := l.anchors[name]; ok {
			l.d.alias[x] = target
		}
		if l.inAnchor == 0 {
			l.loose = append(l.loose, x)
		}
		return nil
	}
	l.nodes++
	return l
}

func nodeName(n ast.Node) string {
	if n == nil || n.GetToken() == nil {
		return ""
	}
	return n.GetToken().Value
}

// resolve follows anchors, aliases and tags to the node that holds a value.
func (d *decoder) resolve(n ast.Node, path string) ast.Node {
	orig := n
	for range 100 {
		switch x := n.(type) {
		case *ast.AnchorNode:
			n = x.Value
		case *ast.AliasNode:
			target, ok := d.alias[x]
			if !ok {
				if d.cyclic[x] {
					d.problem(x, path, "alias *%s is inside the node it refers to", nodeName(x.Value))
				} else {
					d.problem(x, path, "unknown alias *%s (no anchor &%[1]s before it)", nodeName(x.Value))
				}
				return nil
			}
			n = target
		case *ast.TagNode:
			n = x.Value
			if nodeName(x) == "!!str" || nodeName(x) == "tag:yaml.org,2002:str" {
				n = asText(n)
			}
		case *ast.CommentGroupNode:
			return nil
		default:
			return n
		}
	}
	d.problem(orig, path, "too many anchors and aliases in a chain")
	return nil
}

// asText reads a scalar tagged !!str as the text it is written with.
func asText(n ast.Node) ast.Node {
	switch n.(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NullNode, *ast.InfinityNode, *ast.NanNode:
		if tk := n.GetToken(); tk != nil {
			return ast.String(tk)
		}
	}
	return n
}

var (
	distType = reflect.TypeFor[Dist]()
	vulnType = reflect.TypeFor[Vulnerability]()
)

// count records k more values decoded at node n, and reports whether
// decoding may go on.
func (d *decoder) count(n ast.Node, path string, k int) bool {
	if d.aborted {
		return false
	}
	d.nodes += k
	if d.nodes <= d.limit {
		return true
	}
	if d.limit < maxNodes {
		d.problem(n, path, "aliases and merges expand the model to more than %d values, too many to decode (an alias bomb?)", d.limit)
	} else {
		d.problem(n, path, "the model is too large (more than %d values)", maxNodes)
	}
	d.aborted = true
	return false
}

// value decodes node n into v, recording the position of path.
func (d *decoder) value(n ast.Node, v reflect.Value, path string, rules fieldRules) {
	if !d.count(n, path, 1) {
		return
	}
	orig := n
	n = d.resolve(n, path)
	if n == nil {
		return
	}
	if _, seen := d.pos[path]; !seen && d.locating {
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
		if path == "scrutin" {
			rules.enum = nil // Validate explains an unsupported format version
		}
		if x, ok := d.integer(n, path); ok && rules.checkNumber(d, n, path, float64(x)) {
			v.SetInt(x)
		}
	case reflect.Uint64:
		if x, ok := d.unsigned(n, path); ok {
			v.SetUint(x)
		}
	case reflect.Bool:
		if x, ok := d.boolean(n, path); ok {
			v.SetBool(x)
		}
	case reflect.Float64:
		number := d.number
		if rules.infinity {
			number = d.numberOrInfinity
		}
		if x, ok := number(n, path); ok && rules.checkNumber(d, n, path, x) {
			v.SetFloat(x)
		}
	default:
		panic(fmt.Sprintf("model: cannot decode into %s", v.Type()))
	}
}

// describe names the YAML type of a node for messages.
func describe(n ast.Node) Text {
	switch x := n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return text("a mapping")
	case *ast.SequenceNode:
		return text("a list")
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return text("the number %s", x.GetToken().Value)
	case *ast.BoolNode:
		return text("the boolean %s", x.GetToken().Value)
	case *ast.StringNode:
		return text("%s", strconv.Quote(x.Value))
	case *ast.LiteralNode:
		return text("a block of text")
	case *ast.NullNode:
		return text("an empty value")
	}
	return text("%s", n.Type().String())
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

// boolean accepts YAML's true and false only: "true" in quotes is text,
// and 1 a number.
func (d *decoder) boolean(n ast.Node, path string) (bool, bool) {
	if x, ok := n.(*ast.BoolNode); ok {
		return x.Value, true
	}
	d.problem(n, path, "expected true or false, got %s", describe(n))
	return false, false
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
		f, err := strconv.ParseFloat(x.Value, 64)
		if err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			if x.GetToken().Type == token.StringType {
				return f, true
			}
			d.problem(n, path, "expected a number, got %s (remove the quotes to make it a number)", describe(n))
			return 0, false
		}
	}
	d.problem(n, path, "expected a number, got %s", describe(n))
	return 0, false
}

// numberOrInfinity is number, where an infinity is a value too: YAML's
// .inf (and +.inf, which the YAML library reads as text), or Infinity as
// ADTool and the model's JSON write it, quoted or not.
func (d *decoder) numberOrInfinity(n ast.Node, path string) (float64, bool) {
	switch x := n.(type) {
	case *ast.InfinityNode:
		return x.Value, true
	case *ast.StringNode:
		switch strings.TrimPrefix(x.Value, "+") {
		case "Infinity", ".inf", ".Inf", ".INF":
			return math.Inf(1), true
		case "-Infinity":
			if !strings.HasPrefix(x.Value, "+") {
				return math.Inf(-1), true
			}
		}
	}
	return d.number(n, path)
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
	if f != math.Trunc(f) {
		d.problem(n, path, "expected a whole number, got %s", describe(n))
		return 0, false
	}
	if math.Abs(f) > 1<<62 {
		d.problem(n, path, "the number %s is too large", nodeName(n))
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
	if !d.count(n, path, len(mv)) {
		return nil, true
	}
	var own, merged []entry
	seen := map[string]bool{}
	for _, kv := range mv {
		if _, isMerge := kv.Key.(*ast.MergeKeyNode); isMerge {
			sources := []ast.Node{kv.Value}
			if seq, ok := d.resolve(kv.Value, path).(*ast.SequenceNode); ok {
				sources = seq.Values
			}
			for _, orig := range sources {
				src := d.resolve(orig, path)
				if src == nil {
					continue // an unknown alias, already reported
				}
				es, ok := d.entries(src, path)
				if !ok {
					d.problem(orig, path, "<< merges mappings only, got %s", describe(src))
					continue
				}
				merged = append(merged, es...)
			}
			continue
		}
		key, ok := d.key(kv.Key, path)
		if !ok {
			continue
		}
		if seen[key] {
			d.problem(kv.Key, path, "the key %q appears twice", key)
			continue
		}
		seen[key] = true
		own = append(own, entry{key: key, keyN: kv.Key, value: kv.Value})
	}
	for _, e := range merged {
		if !seen[e.key] {
			seen[e.key] = true
			own = append(own, e)
		}
	}
	return own, true
}

// key returns the name a mapping key gives, through anchors, aliases and
// tags.
func (d *decoder) key(n ast.Node, path string) (string, bool) {
	if k, ok := n.(*ast.MappingKeyNode); ok { // "? key"
		n = k.Value
	}
	switch x := d.resolve(n, path).(type) {
	case nil:
		return "", false
	case *ast.StringNode:
		return x.Value, true
	case *ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode:
		d.problem(n, path, "a key must be a name, got %s", describe(x))
		return "", false
	default:
		return nodeName(x), true
	}
}

// mappingEntries returns the entries of a mapping node, or reports that n
// is not a mapping; ok is false when there is nothing to decode.
func (d *decoder) mappingEntries(n ast.Node, path string) (es []entry, ok bool) {
	es, ok = d.entries(n, path)
	if !ok {
		d.problem(n, path, "expected a mapping (key: value lines), got %s", describe(n))
		return nil, false
	}
	return es, !d.aborted
}

func (d *decoder) mapping(n ast.Node, v reflect.Value, path string) {
	es, ok := d.mappingEntries(n, path)
	if !ok {
		return
	}
	fields := fieldsOf(v.Type())
	present := map[string]bool{}
	for _, e := range es {
		if strings.HasPrefix(e.key, "x-") {
			continue // extension keys hold notes and anchors
		}
		f, ok := fields.byName[e.key]
		if !ok {
			d.problemMarking(e.keyN, path, joinPath(path, e.key), "unknown field %q%s", e.key, suggest(e.key, fields.names))
			continue
		}
		present[e.key] = true
		d.value(e.value, v.Field(f.index), joinPath(path, e.key), f.rules)
	}
	if d.aborted {
		return // the entries were not all decoded
	}
	d.missing(n, fields, present, path)
}

// missing reports the required fields of the mapping n at path that are
// not present.
func (d *decoder) missing(n ast.Node, fields *structFields, present map[string]bool, path string) {
	var missing []string
	for _, name := range fields.names {
		if f := fields.byName[name]; f.rules.required && !present[name] {
			missing = append(missing, strconv.Quote(name))
			d.markBad(joinPath(path, name))
		}
	}
	switch bad := joinPath(path, "\x00missing"); {
	case len(missing) == 1:
		d.problemMarking(n, path, bad, "missing required field %s", missing[0])
	case len(missing) > 1:
		d.problemMarking(n, path, bad, "missing required fields %s", strings.Join(missing, ", "))
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
	es, ok := d.mappingEntries(n, path)
	if !ok {
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
		if dd := EditDistance(got, v); dd < bestD && dd < len(v) {
			best, bestD = v, dd
		}
	}
	return best
}

// suggest proposes the closest valid name, or lists them all.
func suggest(got string, valid []string) Text {
	if best := closest(got, valid); best != "" {
		return didYouMean(best)
	}
	if len(valid) == 0 {
		return text("")
	}
	sorted := append([]string(nil), valid...)
	sort.Strings(sorted)
	return text("; expected one of: %s", codeList(sorted))
}

// codeList writes the values a field accepts as code, quoted as the value
// that was given is: they are what the user types, the same in every
// language, never words to translate.
func codeList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}

// didYouMean is the end of a message that suggests best.
func didYouMean(best string) Text { return text(" (did you mean %q?)", best) }

// EditDistance is the Levenshtein distance between a and b, in runes: the
// fewest insertions, deletions and substitutions that turn one into the
// other. Suggestions for a misspelt name ("did you mean") rest on it.
func EditDistance(a, b string) int {
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
	infinity  bool // +Inf is a value (struct tag scrutin:"infinity")
}

func (r fieldRules) check(d *decoder, n ast.Node, path, s string) bool {
	switch {
	case len(r.enum) > 0 && !contains(r.enum, s):
		hint := text("")
		if c := closest(s, r.enum); c != "" {
			hint = didYouMean(c)
		}
		d.problem(n, path, "%q is not one of: %s%s", s, codeList(r.enum), hint)
	case r.minLength > 0 && len(s) < r.minLength:
		d.problem(n, path, "must not be empty")
	case r.pattern != nil && !r.pattern.MatchString(s):
		if what, ok := patternMeaning[r.pattern.String()]; ok {
			d.problem(n, path, "%q is not %s", s, what)
		} else {
			d.problem(n, path, "%q does not match %s", s, r.pattern)
		}
	default:
		return true
	}
	return false
}

func (r fieldRules) checkNumber(d *decoder, n ast.Node, path string, x float64) bool {
	switch {
	case len(r.enum) > 0 && !contains(r.enum, strconv.FormatFloat(x, 'g', -1, 64)):
		d.problem(n, path, "%s is not one of: %s", num(x), strings.Join(r.enum, ", "))
	case r.minimum != nil && x < *r.minimum:
		d.problem(n, path, "must be ≥ %s, got %s", num(*r.minimum), num(x))
	case r.maximum != nil && x > *r.maximum:
		d.problem(n, path, "must be ≤ %s, got %s", num(*r.maximum), num(x))
	default:
		return true
	}
	return false
}

// patternMeaning says in words what the patterns of the struct tags accept.
var patternMeaning = map[string]Text{
	`^[A-Za-z0-9][A-Za-z0-9._-]*$`: text("a valid id (letters, digits, '.', '_' and '-', starting with a letter or digit)"),
	`^G[0-9]{4}$`:                  text("an ATT&CK group id (G followed by four digits, such as G0007)"),
	`^[A-Z]{3}$`:                   text("an ISO 4217 currency code (three capital letters, such as EUR)"),
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
		rules := parseRules(sf.Tag.Get("jsonschema"))
		rules.infinity = sf.Tag.Get("scrutin") == "infinity"
		fs.byName[name] = field{index: i, rules: rules}
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
