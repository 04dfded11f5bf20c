package attack

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/scrutin/scrutin/internal/model"
)

// STIX patterning (STIX 2.0 and 2.1, part 5 / section 9 of the
// specifications), the language of an indicator's pattern:
//
//	pattern      = observations
//	observations = obsOr { "FOLLOWEDBY" obsOr }
//	obsOr        = obsAnd { "OR" obsAnd }
//	obsAnd       = obs { "AND" obs }
//	obs          = ( "[" compOr "]" | "(" observations ")" ) { qualifier }
//	qualifier    = "WITHIN" number "SECONDS" | "START" time "STOP" time
//	             | "REPEATS" int "TIMES"
//	compOr       = compAnd { "OR" compAnd }
//	compAnd      = test { "AND" test }
//	test         = path ["NOT"] op literal | path ["NOT"] "IN" set
//	             | "EXISTS" path | "(" compOr ")"
//	op           = "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">="
//	             | "LIKE" | "MATCHES" | "ISSUBSET" | "ISSUPERSET"
//	path         = object-type ":" (name | 'string') { "." (name | 'string') | "[" (int | "*") "]" }
//	literal      = 'string' | int | float | true | false | b'base64' | h'hex' | t'timestamp'
//	set          = "(" [ literal { "," literal } ] ")"
//
// Keywords are matched without regard to case. In a string, \' and \\ are
// the escapes of the specification; a backslash before any other character
// is kept as it is (producers write Windows paths unescaped). START and STOP
// take a t'…' timestamp (2.1) or a plain string (2.0).

// Kinds of PatternNode.
const (
	PatternFollowedBy  = "followedby"  // observation expressions in sequence
	PatternObsOr       = "or"          // observation expressions joined by OR
	PatternObsAnd      = "and"         // observation expressions joined by AND
	PatternObservation = "observation" // [ … ]: Children[0] is a comparison expression
	PatternCompOr      = "comp-or"     // comparison expressions joined by OR, inside brackets
	PatternCompAnd     = "comp-and"    // comparison expressions joined by AND, inside brackets
	PatternLeaf        = "comparison"  // a comparison: Comparison is set
)

// PatternNode is a node of a parsed STIX pattern. Joins hold two or more
// children; parentheses leave no node of their own.
type PatternNode struct {
	Kind       string
	Children   []*PatternNode
	Comparison *PatternComparison // Kind == PatternLeaf
	// Qualifiers apply to the observation expression (an observation or a
	// join of observations) they follow, in order.
	Qualifiers []PatternQualifier
}

// PatternComparison is one comparison: object path, operator and value(s).
type PatternComparison struct {
	Object   string   // the object type: ipv4-addr, file …
	Path     []string // the property path: ["value"], ["hashes", "SHA-256"], ["values", "[*]", "data"]: indexes keep their brackets
	Negated  bool     // NOT before the operator
	Operator string   // = != < <= > >= IN LIKE MATCHES ISSUBSET ISSUPERSET EXISTS
	Values   []PatternLiteral
}

// PatternLiteral is a constant of a pattern.
type PatternLiteral struct {
	Kind  string // string, int, float, bool, binary, hex, timestamp
	Value string // the string's decoded value; the others as written
}

// PatternQualifier is WITHIN n SECONDS, START t STOP t or REPEATS n TIMES.
type PatternQualifier struct {
	Kind   string           // WITHIN, START or REPEATS
	Values []PatternLiteral // n; or the start and stop times
}

// maxPatternDepth bounds the nesting of brackets and parentheses, so that a
// hostile pattern cannot exhaust the stack.
const maxPatternDepth = 100

// PatternError is a syntax error in a STIX pattern.
type PatternError struct {
	Offset int // byte offset in the pattern
	Msg    string
}

func (e *PatternError) Error() string {
	return fmt.Sprintf("stix pattern: offset %d: %s", e.Offset, e.Msg)
}

// Unwrap makes a pattern error a model.EINVALID error.
func (e *PatternError) Unwrap() error {
	return &model.Error{Code: model.EINVALID, Message: e.Error()}
}

// ParseSTIXPattern parses a STIX 2.0 or 2.1 pattern. Errors are
// *PatternError.
func ParseSTIXPattern(s string) (*PatternNode, error) {
	toks, err := iocLex(s)
	if err != nil {
		return nil, err
	}
	p := &iocPatternParser{toks: toks, src: s}
	n, err := p.observations(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != iocTokEOF {
		return nil, p.errorf(t, "unexpected %s after the pattern", t)
	}
	return n, nil
}

// Token kinds.
const (
	iocTokEOF    = iota
	iocTokIdent  // name or keyword; may hold '-' (object types)
	iocTokString // 'text', decoded
	iocTokInt
	iocTokFloat
	iocTokBinary    // b'…'
	iocTokHex       // h'…'
	iocTokTimestamp // t'…'
	iocTokPunct     // [ ] ( ) : . , * and the comparison operators
)

type iocToken struct {
	kind int
	text string
	off  int
}

func (t iocToken) String() string {
	switch t.kind {
	case iocTokEOF:
		return "end of pattern"
	case iocTokString:
		return "string " + strconv.Quote(t.text)
	}
	return strconv.Quote(t.text)
}

// iocLex splits a pattern into tokens.
func iocLex(s string) ([]iocToken, error) {
	toks := make([]iocToken, 0, 8) // [type:path = 'x'] is 7

	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			text, n, err := iocLexString(s, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, iocToken{iocTokString, text, i})
			i = n
		case (c == 'b' || c == 'h' || c == 't') && i+1 < len(s) && s[i+1] == '\'':
			text, n, err := iocLexString(s, i+1)
			if err != nil {
				return nil, err
			}
			kind := map[byte]int{'b': iocTokBinary, 'h': iocTokHex, 't': iocTokTimestamp}[c]
			toks = append(toks, iocToken{kind, text, i})
			i = n
		case iocIdentStart(c):
			j := i + 1
			for j < len(s) && (iocIdentStart(s[j]) || '0' <= s[j] && s[j] <= '9' || s[j] == '-') {
				j++
			}
			toks = append(toks, iocToken{iocTokIdent, s[i:j], i})
			i = j
		case '0' <= c && c <= '9' || c == '-' || c == '+':
			j := i
			if c == '-' || c == '+' {
				j++
			}
			d := j
			for j < len(s) && '0' <= s[j] && s[j] <= '9' {
				j++
			}
			if j == d {
				return nil, &PatternError{i, fmt.Sprintf("unexpected %q", s[i:i+1])}
			}
			kind := iocTokInt
			if j+1 < len(s) && s[j] == '.' && '0' <= s[j+1] && s[j+1] <= '9' {
				kind = iocTokFloat
				for j++; j < len(s) && '0' <= s[j] && s[j] <= '9'; j++ {
				}
			}
			toks = append(toks, iocToken{kind, s[i:j], i})
			i = j
		default:
			op := ""
			for _, o := range []string{"==", "!=", "<>", "<=", ">=", "=", "<", ">", "[", "]", "(", ")", ":", ".", ",", "*"} {
				if strings.HasPrefix(s[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				return nil, &PatternError{i, fmt.Sprintf("unexpected %q", s[i:i+iocRuneLen(s[i:])])}
			}
			toks = append(toks, iocToken{iocTokPunct, op, i})
			i += len(op)
		}
	}
	return append(toks, iocToken{iocTokEOF, "", len(s)}), nil
}

// iocLexString reads the quoted string starting at s[i] == '\” and returns
// its decoded text and the offset after its closing quote.
func iocLexString(s string, i int) (string, int, error) {
	start := i
	// Most strings have no escape: their text is cut out of s.
	if end := strings.IndexAny(s[i+1:], `'\\`); end >= 0 && s[i+1+end] == '\'' {
		return s[i+1 : i+1+end], i + end + 2, nil
	}
	var b strings.Builder
	for i++; i < len(s); i++ {
		switch s[i] {
		case '\'':
			return b.String(), i + 1, nil
		case '\\':
			if i+1 < len(s) && (s[i+1] == '\'' || s[i+1] == '\\') {
				i++
			}
		}
		b.WriteByte(s[i])
	}
	return "", 0, &PatternError{start, "unterminated string"}
}

func iocIdentStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

func iocRuneLen(s string) int {
	for i := range s {
		if i > 0 {
			return i
		}
	}
	return len(s)
}

// iocPatternParser is a recursive-descent parser over the tokens of a
// pattern.
type iocPatternParser struct {
	toks []iocToken
	pos  int
	src  string
}

func (p *iocPatternParser) peek() iocToken { return p.toks[p.pos] }

func (p *iocPatternParser) next() iocToken {
	t := p.toks[p.pos]
	if t.kind != iocTokEOF {
		p.pos++
	}
	return t
}

func (p *iocPatternParser) errorf(t iocToken, format string, args ...any) error {
	return &PatternError{t.off, fmt.Sprintf(format, args...)}
}

// keyword reports whether the next token is the keyword kw, and consumes it
// if so.
func (p *iocPatternParser) keyword(kw string) bool {
	if t := p.peek(); t.kind == iocTokIdent && strings.EqualFold(t.text, kw) {
		p.pos++
		return true
	}
	return false
}

// punct reports whether the next token is the punctuation s, and consumes
// it if so.
func (p *iocPatternParser) punct(s string) bool {
	if t := p.peek(); t.kind == iocTokPunct && t.text == s {
		p.pos++
		return true
	}
	return false
}

func (p *iocPatternParser) expect(s string) error {
	if !p.punct(s) {
		t := p.peek()
		return p.errorf(t, "expected %q, found %s", s, t)
	}
	return nil
}

// join parses sub { kw sub } and makes one node of kind when there are two
// or more.
func (p *iocPatternParser) join(kind, kw string, depth int, sub func(int) (*PatternNode, error)) (*PatternNode, error) {
	n, err := sub(depth)
	if err != nil {
		return nil, err
	}
	if !p.keyword(kw) {
		return n, nil
	}
	out := &PatternNode{Kind: kind, Children: []*PatternNode{n}}
	for {
		n, err := sub(depth)
		if err != nil {
			return nil, err
		}
		out.Children = append(out.Children, n)
		if !p.keyword(kw) {
			return out, nil
		}
	}
}

func (p *iocPatternParser) observations(depth int) (*PatternNode, error) {
	return p.join(PatternFollowedBy, "FOLLOWEDBY", depth, p.obsOr)
}

func (p *iocPatternParser) obsOr(depth int) (*PatternNode, error) {
	return p.join(PatternObsOr, "OR", depth, p.obsAnd)
}

func (p *iocPatternParser) obsAnd(depth int) (*PatternNode, error) {
	return p.join(PatternObsAnd, "AND", depth, p.observation)
}

// observation parses [ … ] or ( … ) and the qualifiers after it.
func (p *iocPatternParser) observation(depth int) (*PatternNode, error) {
	t := p.peek()
	if depth >= maxPatternDepth {
		return nil, p.errorf(t, "nested more than %d deep", maxPatternDepth)
	}
	var n *PatternNode
	switch {
	case p.punct("["):
		c, err := p.compOr(depth + 1)
		if err != nil {
			return nil, err
		}
		if err := p.expect("]"); err != nil {
			return nil, err
		}
		n = &PatternNode{Kind: PatternObservation, Children: []*PatternNode{c}}
	case p.punct("("):
		var err error
		if n, err = p.observations(depth + 1); err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
	default:
		return nil, p.errorf(t, "expected '[' or '(' to start an observation, found %s", t)
	}
	for {
		q, ok, err := p.qualifier()
		if err != nil {
			return nil, err
		}
		if !ok {
			return n, nil
		}
		n.Qualifiers = append(n.Qualifiers, q)
	}
}

// qualifier parses one qualifier, if the next token starts one.
func (p *iocPatternParser) qualifier() (PatternQualifier, bool, error) {
	switch {
	case p.keyword("WITHIN"):
		n := p.next()
		if n.kind != iocTokInt && n.kind != iocTokFloat || strings.HasPrefix(n.text, "-") || iocAllZero(n.text) {
			return PatternQualifier{}, false, p.errorf(n, "WITHIN wants a positive number of seconds, found %s", n)
		}
		if !p.keyword("SECONDS") {
			return PatternQualifier{}, false, p.errorf(p.peek(), "expected SECONDS after WITHIN %s", n.text)
		}
		return PatternQualifier{Kind: "WITHIN", Values: []PatternLiteral{iocLiteral(n)}}, true, nil
	case p.keyword("REPEATS"):
		n := p.next()
		if n.kind != iocTokInt || strings.HasPrefix(n.text, "-") || iocAllZero(n.text) {
			return PatternQualifier{}, false, p.errorf(n, "REPEATS wants a positive integer, found %s", n)
		}
		if !p.keyword("TIMES") {
			return PatternQualifier{}, false, p.errorf(p.peek(), "expected TIMES after REPEATS %s", n.text)
		}
		return PatternQualifier{Kind: "REPEATS", Values: []PatternLiteral{iocLiteral(n)}}, true, nil
	case p.keyword("START"):
		start := p.next()
		if start.kind != iocTokTimestamp && start.kind != iocTokString {
			return PatternQualifier{}, false, p.errorf(start, "START wants a timestamp, found %s", start)
		}
		if !p.keyword("STOP") {
			return PatternQualifier{}, false, p.errorf(p.peek(), "expected STOP after START")
		}
		stop := p.next()
		if stop.kind != iocTokTimestamp && stop.kind != iocTokString {
			return PatternQualifier{}, false, p.errorf(stop, "STOP wants a timestamp, found %s", stop)
		}
		return PatternQualifier{Kind: "START", Values: []PatternLiteral{iocLiteral(start), iocLiteral(stop)}}, true, nil
	}
	return PatternQualifier{}, false, nil
}

func iocAllZero(num string) bool {
	return strings.Trim(num, "+0.") == ""
}

func (p *iocPatternParser) compOr(depth int) (*PatternNode, error) {
	return p.join(PatternCompOr, "OR", depth, p.compAnd)
}

func (p *iocPatternParser) compAnd(depth int) (*PatternNode, error) {
	return p.join(PatternCompAnd, "AND", depth, p.test)
}

// test parses one comparison, or a parenthesised comparison expression.
func (p *iocPatternParser) test(depth int) (*PatternNode, error) {
	t := p.peek()
	if depth >= maxPatternDepth {
		return nil, p.errorf(t, "nested more than %d deep", maxPatternDepth)
	}
	if p.punct("(") {
		n, err := p.compOr(depth + 1)
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return n, nil
	}
	if p.keyword("EXISTS") {
		c := &PatternComparison{Operator: "EXISTS"}
		if err := p.path(c); err != nil {
			return nil, err
		}
		return &PatternNode{Kind: PatternLeaf, Comparison: c}, nil
	}
	c := &PatternComparison{}
	if err := p.path(c); err != nil {
		return nil, err
	}
	c.Negated = p.keyword("NOT")
	op := p.next()
	switch {
	case op.kind == iocTokPunct && iocComparisonOps[op.text] != "":
		c.Operator = iocComparisonOps[op.text]
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		c.Values = []PatternLiteral{v}
	case op.kind == iocTokIdent && strings.EqualFold(op.text, "IN"):
		c.Operator = "IN"
		vs, err := p.set()
		if err != nil {
			return nil, err
		}
		c.Values = vs
	case op.kind == iocTokIdent && iocStringOperator(op.text) != "":
		c.Operator = iocStringOperator(op.text)
		v := p.next()
		if v.kind != iocTokString {
			return nil, p.errorf(v, "%s wants a string, found %s", c.Operator, v)
		}
		c.Values = []PatternLiteral{iocLiteral(v)}
	default:
		return nil, p.errorf(op, "expected a comparison operator, found %s", op)
	}
	return &PatternNode{Kind: PatternLeaf, Comparison: c}, nil
}

// iocComparisonOps maps the symbolic operators to their canonical spelling.
var iocComparisonOps = map[string]string{
	"=": "=", "==": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=",
}

// iocStringOperator is the canonical spelling of an operator that takes a
// string, or "".
func iocStringOperator(s string) string {
	for _, op := range []string{"LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET"} {
		if strings.EqualFold(s, op) {
			return op
		}
	}
	return ""
}

// path parses object-type:property{.property|[index]} into c.
func (p *iocPatternParser) path(c *PatternComparison) error {
	t := p.next()
	if t.kind != iocTokIdent {
		return p.errorf(t, "expected an object type, found %s", t)
	}
	c.Object = t.text
	if err := p.expect(":"); err != nil {
		return err
	}
	first := p.next()
	if first.kind != iocTokIdent && first.kind != iocTokString {
		return p.errorf(first, "expected a property name after %q, found %s", c.Object+":", first)
	}
	if iocIndexLike(first.text) {
		return p.errorf(first, "property name %q looks like an index", first.text)
	}
	c.Path = []string{first.text}
	for {
		switch {
		case p.punct("."):
			n := p.next()
			if n.kind != iocTokIdent && n.kind != iocTokString {
				return p.errorf(n, "expected a property name after '.', found %s", n)
			}
			if iocIndexLike(n.text) {
				return p.errorf(n, "property name %q looks like an index", n.text)
			}
			c.Path = append(c.Path, n.text)
		case p.punct("["):
			n := p.next()
			if !(n.kind == iocTokInt && !strings.HasPrefix(n.text, "-") && !strings.HasPrefix(n.text, "+")) && !(n.kind == iocTokPunct && n.text == "*") {
				return p.errorf(n, "expected an index or '*', found %s", n)
			}
			if err := p.expect("]"); err != nil {
				return err
			}
			c.Path = append(c.Path, "["+n.text+"]")
		default:
			return nil
		}
	}
}

// iocIndexLike reports whether a property name would read as an index in
// PatternComparison.Path.
func iocIndexLike(s string) bool {
	return strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]")
}

// literal parses one constant.
func (p *iocPatternParser) literal() (PatternLiteral, error) {
	t := p.next()
	switch t.kind {
	case iocTokString, iocTokInt, iocTokFloat, iocTokBinary, iocTokHex, iocTokTimestamp:
		return iocLiteral(t), nil
	case iocTokIdent:
		if strings.EqualFold(t.text, "true") || strings.EqualFold(t.text, "false") {
			return PatternLiteral{Kind: "bool", Value: strings.ToLower(t.text)}, nil
		}
	}
	return PatternLiteral{}, p.errorf(t, "expected a constant, found %s", t)
}

// set parses ( literal, … ).
func (p *iocPatternParser) set() ([]PatternLiteral, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	var vs []PatternLiteral
	if p.punct(")") {
		return vs, nil
	}
	for {
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
		if p.punct(")") {
			return vs, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}

func iocLiteral(t iocToken) PatternLiteral {
	kind := map[int]string{
		iocTokString: "string", iocTokInt: "int", iocTokFloat: "float",
		iocTokBinary: "binary", iocTokHex: "hex", iocTokTimestamp: "timestamp",
	}[t.kind]
	return PatternLiteral{Kind: kind, Value: t.text}
}

// String renders the pattern in canonical form: upper-case keywords, one
// space around operators, parentheses only where needed. Parsing the
// rendering gives the same tree.
func (n *PatternNode) String() string {
	var b strings.Builder
	n.write(&b, "")
	return b.String()
}

// write renders n; parent is the kind of the enclosing join, which decides
// whether n needs parentheses.
func (n *PatternNode) write(b *strings.Builder, parent string) {
	kw := map[string]string{
		PatternFollowedBy: " FOLLOWEDBY ", PatternObsOr: " OR ", PatternObsAnd: " AND ",
		PatternCompOr: " OR ", PatternCompAnd: " AND ",
	}[n.Kind]
	// Looser joins inside tighter ones, and joins carrying qualifiers, need
	// parentheses.
	rank := map[string]int{PatternFollowedBy: 1, PatternObsOr: 2, PatternObsAnd: 3, PatternCompOr: 1, PatternCompAnd: 2}
	switch n.Kind {
	case PatternLeaf:
		n.Comparison.write(b)
		return
	case PatternObservation:
		b.WriteByte('[')
		n.Children[0].write(b, "")
		b.WriteByte(']')
	default:
		paren := parent != "" && rank[n.Kind] <= rank[parent] || len(n.Qualifiers) > 0
		if paren {
			b.WriteByte('(')
		}
		for i, c := range n.Children {
			if i > 0 {
				b.WriteString(kw)
			}
			c.write(b, n.Kind)
		}
		if paren {
			b.WriteByte(')')
		}
	}
	for _, q := range n.Qualifiers {
		b.WriteByte(' ')
		q.write(b)
	}
}

func (c *PatternComparison) write(b *strings.Builder) {
	if c.Operator == "EXISTS" {
		b.WriteString("EXISTS ")
	}
	b.WriteString(c.PathString())
	if c.Operator == "EXISTS" {
		return
	}
	if c.Negated {
		b.WriteString(" NOT")
	}
	b.WriteString(" " + c.Operator + " ")
	if c.Operator == "IN" {
		b.WriteByte('(')
		for i, v := range c.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(v.String())
		}
		b.WriteByte(')')
		return
	}
	b.WriteString(c.Values[0].String())
}

// PathString renders the object path: "file:hashes.'SHA-256'".
func (c *PatternComparison) PathString() string {
	var b strings.Builder
	b.WriteString(c.Object)
	b.WriteByte(':')
	for i, s := range c.Path {
		switch {
		case iocIndexLike(s):
			b.WriteString(s)
			continue
		case i > 0:
			b.WriteByte('.')
		}
		if iocPlainName(s) {
			b.WriteString(s)
		} else {
			b.WriteString(iocQuote(s))
		}
	}
	return b.String()
}

// iocPlainName reports whether a property name can be written without
// quotes.
func iocPlainName(s string) bool {
	if s == "" || !iocIdentStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !iocIdentStart(c) && !('0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func (q PatternQualifier) write(b *strings.Builder) {
	switch q.Kind {
	case "WITHIN":
		b.WriteString("WITHIN " + q.Values[0].Value + " SECONDS")
	case "REPEATS":
		b.WriteString("REPEATS " + q.Values[0].Value + " TIMES")
	case "START":
		b.WriteString("START " + q.Values[0].String() + " STOP " + q.Values[1].String())
	}
}

// String renders the literal as it is written in a pattern.
func (v PatternLiteral) String() string {
	switch v.Kind {
	case "string":
		return iocQuote(v.Value)
	case "binary":
		return "b" + iocQuote(v.Value)
	case "hex":
		return "h" + iocQuote(v.Value)
	case "timestamp":
		return "t" + iocQuote(v.Value)
	}
	return v.Value
}

// iocQuote quotes s as a pattern string.
func iocQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
