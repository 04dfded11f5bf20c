package adtree

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/orisano/gosax"
)

// elem is the kind of an open element.
type elem uint8

const (
	elRoot elem = iota
	elNode
	elLabel
	elComment
	elParam
	elDomain
	elClass
	elTool
	elOp   // <or>, <and> or <sand> of a custom domain
	elSkip // content not read (ranking, unknown elements outside nodes)
)

// adtFrame is an open element. Frames are reused, buffers and all.
type adtFrame struct {
	kind      elem
	name      []byte
	line, col int32
	text      []byte

	// <node>
	role       Role
	switchRole bool
	gate       Gate
	refSet     bool
	label      []byte
	hasLabel   bool
	control    string
	wrapper    bool   // has the scrutin-countermeasures marker
	desc       []byte // the comments' text, directives left out
	hasDesc    bool
	id         string // from scrutin-id
	realName   string // from scrutin-name
	hasName    bool
	gateMark   string // from scrutin-gate
	tree       treeDirectives
	params     []adtParam
	kidStart   int
	ctrStart   int

	// <parameter>
	dom   int32
	basic bool

	// <domain>
	domain int // index in p.domains

	// <or>, <and>, <sand>
	op int
}

// adtParam is a basic parameter of a node, kept until the domains (which
// come after the nodes) say what it means. It holds no pointer, so that
// millions of them cost the garbage collector nothing.
type adtParam struct {
	val       float64
	entry     int32 // the node's entry
	dom       int32 // index in p.domUses
	line, col int32
	text      int32 // -1: val holds the number; else the value, not a number, is p.texts[text]
}

// adtEntry is a <node> element read: an occurrence of its label.
type adtEntry struct {
	node         *Node
	line, col    int32
	pstart, pend int32 // its parameters in p.params
}

type domUse struct {
	id        string
	line, col int32
}

// warnCount gathers one kind of warning: how many and the first place.
type warnCount struct {
	n         int
	line, col int32
	detail    string
}

type adtParser struct {
	line, col int // where the next byte is

	stack []adtFrame
	depth int

	rootSeen             bool
	rootLine, rootCol    int32
	sand                 bool
	root                 *Node
	rootSwitch           bool
	rootNodeLine, rootNC int32
	nodeElems            int
	started              bool // past the byte order mark

	entries  chunked[adtEntry] // the nodes, in the order they close
	dups     map[int32]int32   // later occurrences of a label → the first
	kids     []*Node           // children of the open nodes, stacked
	ctrs     []*Node           // countermeasures of the open nodes, stacked
	params   chunked[adtParam]
	texts    []string       // basic values that are not numbers
	wrappers map[*Node]bool // marked groups of countermeasures: true once used as a real node

	domIDs   map[string]int32 // domainId of parameters → index in domUses
	domUses  []domUse
	domains  []ADToolDomain
	domainAt map[string]int
	tree     treeDirectives   // the root's
	names    map[*Node]string // names given by scrutin-name, set once ids are

	nodeSlab  []Node
	ptrSlab   []*Node
	slabChunk int

	warns  []string
	counts [nWarn]warnCount
	strs   strArena
}

// Kinds of gathered warnings.
const (
	wParamOnGate = iota
	wDefenceAttr
	wCategory
	wControl
	wMarker
	wNodeAttr
	wElement
	wTreeMark
	wGateMark
	wBadID
	wDupID
	nWarn
)

func (p *adtParser) errAt(line, col int32, format string, args ...any) error {
	return &ADToolError{Line: int(line), Column: int(col), Msg: fmt.Sprintf(format, args...)}
}

func (p *adtParser) warnAt(line, col int32, format string, args ...any) {
	p.warns = append(p.warns, fmt.Sprintf("%d:%d: ", line, col)+fmt.Sprintf(format, args...))
}

func (p *adtParser) count(kind int, line, col int32, detail string) {
	c := &p.counts[kind]
	if c.n == 0 {
		c.line, c.col, c.detail = line, col, detail
	}
	c.n++
}

// advance moves the position past b.
func (p *adtParser) advance(b []byte) {
	if n := bytes.Count(b, []byte{'\n'}); n > 0 {
		p.line += n
		p.col = len(b) - bytes.LastIndexByte(b, '\n')
	} else {
		p.col += len(b)
	}
}

// limitedReader stops at MaxADToolBytes and never returns (0, nil), which
// the SAX reader would take for the end of a token.
type limitedReader struct {
	r io.Reader
	n int64
}

var errTooLarge = errors.New("too large")

func (l *limitedReader) Read(b []byte) (int, error) {
	if l.n <= 0 {
		return 0, errTooLarge
	}
	if int64(len(b)) > l.n {
		b = b[:l.n]
	}
	for range 100 {
		n, err := l.r.Read(b)
		l.n -= int64(n)
		if n > 0 || err != nil {
			return n, err
		}
	}
	return 0, io.ErrNoProgress
}

func (p *adtParser) run(r io.Reader) error {
	xr := gosax.NewReaderSize(&limitedReader{r: r, n: MaxADToolBytes}, 64<<10)
	for {
		line, col := int32(p.line), int32(p.col)
		ev, err := xr.Event()
		if err != nil {
			switch {
			case errors.Is(err, errTooLarge):
				return p.errAt(line, col, "the file is larger than %d bytes", MaxADToolBytes)
			case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
				return p.errAt(line, col, "the file ends inside markup (an unclosed tag, comment or CDATA section)")
			}
			return p.errAt(line, col, "malformed XML: %v", err)
		}
		b := ev.Bytes
		p.advance(b)
		switch ev.Type() {
		case gosax.EventEOF:
			return p.eof(line, col)
		case gosax.EventStart:
			if err := p.start(b, line, col); err != nil {
				return err
			}
		case gosax.EventEnd:
			name, _ := gosax.Name(b)
			if err := p.end(name, line, col); err != nil {
				return err
			}
		case gosax.EventText:
			if err := p.text(b, line, col); err != nil {
				return err
			}
		case gosax.EventCData:
			if !bytes.HasPrefix(b, []byte("<![CDATA[")) || !bytes.HasSuffix(b, []byte("]]>")) || len(b) < 12 {
				return p.errAt(line, col, "malformed CDATA section")
			}
			if err := p.textRaw(b[9:len(b)-3], line, col); err != nil {
				return err
			}
		case gosax.EventComment:
			if !bytes.HasPrefix(b, []byte("<!--")) || len(b) < 7 {
				return p.errAt(line, col, "malformed comment")
			}
		case gosax.EventProcessingInstruction:
			if err := p.instruction(b, line, col); err != nil {
				return err
			}
		case gosax.EventDocType:
			return p.errAt(line, col, "DOCTYPE declarations are not accepted (ADTool writes none, and they could define entities)")
		default:
			return p.errAt(line, col, "malformed XML")
		}
		p.started = true
	}
}

// instruction checks the XML declaration: scrutin reads UTF-8 only.
func (p *adtParser) instruction(b []byte, line, col int32) error {
	if !bytes.HasPrefix(b, []byte("<?xml")) || len(b) < 7 || !(b[5] == ' ' || b[5] == '\t' || b[5] == '\r' || b[5] == '\n') {
		return nil // another processing instruction: nothing for us
	}
	if p.rootSeen {
		return p.errAt(line, col, "the XML declaration must come first")
	}
	rest := b[5 : len(b)-2]
	for {
		a, r, err := gosax.NextAttribute(rest)
		if err != nil || (len(a.Key) == 0 && (a.Value != nil || len(bytes.TrimSpace(r)) > 0)) {
			return p.errAt(line, col, "malformed XML declaration")
		}
		if len(a.Key) == 0 {
			return nil
		}
		v, ok := unquote(a.Value)
		if !ok {
			return p.errAt(line, col, "malformed XML declaration")
		}
		if string(a.Key) == "encoding" && !strings.EqualFold(string(v), "UTF-8") && !strings.EqualFold(string(v), "US-ASCII") {
			return p.errAt(line, col, "encoding %q: scrutin reads UTF-8 only (ADTool writes UTF-8)", v)
		}
		rest = r
	}
}

func unquote(v []byte) ([]byte, bool) {
	if len(v) < 2 || (v[0] != '"' && v[0] != '\'') || v[len(v)-1] != v[0] {
		return nil, false
	}
	return v[1 : len(v)-1], true
}

func (p *adtParser) top() *adtFrame {
	if p.depth == 0 {
		return nil
	}
	return &p.stack[p.depth-1]
}

// push opens an element of the given kind.
func (p *adtParser) push(kind elem, name []byte, line, col int32) (*adtFrame, error) {
	if p.depth >= MaxADToolDepth {
		return nil, p.errAt(line, col, "elements nested deeper than %d", MaxADToolDepth)
	}
	if p.depth == len(p.stack) {
		p.stack = append(p.stack, adtFrame{})
	}
	f := &p.stack[p.depth]
	p.depth++
	*f = adtFrame{kind: kind, name: append(f.name[:0], name...), line: line, col: col,
		text: f.text[:0], label: f.label[:0], params: f.params[:0], desc: f.desc[:0]}
	return f, nil
}

func (p *adtParser) start(b []byte, line, col int32) error {
	name, rest := gosax.Name(b)
	selfClosing := bytes.HasSuffix(b, []byte("/>"))
	parent := p.top()
	var err error
	switch {
	case parent == nil:
		err = p.startRoot(name, rest, line, col)
	case parent.kind == elSkip:
		_, err = p.push(elSkip, name, line, col)
	case parent.kind == elRoot:
		switch string(name) {
		case "node":
			if p.root != nil || p.rootNodeLine != 0 {
				return p.errAt(line, col, "a second root <node> (the first is at %d:%d); a file holds one tree", p.rootNodeLine, p.rootNC)
			}
			p.rootNodeLine, p.rootNC = line, col
			err = p.startNode(name, rest, line, col, nil)
		case "domain":
			err = p.startDomain(name, rest, line, col)
		default:
			p.count(wElement, line, col, string(name))
			_, err = p.push(elSkip, name, line, col)
		}
	case parent.kind == elNode:
		switch string(name) {
		case "node":
			err = p.startNode(name, rest, line, col, parent)
		case "label":
			if parent.hasLabel {
				return p.errAt(line, col, "a second <label> in this <node>")
			}
			_, err = p.push(elLabel, name, line, col)
		case "comment":
			_, err = p.push(elComment, name, line, col)
		case "parameter":
			err = p.startParam(name, rest, line, col)
		case "ranking":
			_, err = p.push(elSkip, name, line, col)
		default:
			return p.errAt(line, col, "unexpected element <%s> in a <node> (expected label, comment, parameter, ranking or node)", clip(name))
		}
	case parent.kind == elDomain:
		switch string(name) {
		case "class":
			_, err = p.push(elClass, name, line, col)
		case "tool":
			_, err = p.push(elTool, name, line, col)
		case "or", "and", "sand":
			var f *adtFrame
			if f, err = p.push(elOp, name, line, col); err == nil {
				f.op = map[string]int{"or": domOr, "and": domAnd, "sand": domSand}[string(name)]
			}
		default: // the rest of the definition of a custom domain
			_, err = p.push(elSkip, name, line, col)
		}
	default:
		return p.errAt(line, col, "unexpected element <%s> in <%s>", clip(name), clip(parent.name))
	}
	if err != nil {
		return err
	}
	if selfClosing {
		return p.end(name, line, col)
	}
	return nil
}

// clip shortens b for a message.
func clip(b []byte) string { return clipS(string(b)) }

func (p *adtParser) startRoot(name, rest []byte, line, col int32) error {
	if p.rootSeen {
		return p.errAt(line, col, "a second root element <%s> (the first is at %d:%d)", clip(name), p.rootLine, p.rootCol)
	}
	switch string(name) {
	case "adtree":
	case "sandtree":
		p.sand = true
	default:
		return p.errAt(line, col, "<%s>: an ADTool file is an <adtree> or a <sandtree>", clip(name))
	}
	p.rootSeen, p.rootLine, p.rootCol = true, line, col
	_, err := p.push(elRoot, name, line, col)
	return err
}

// attrs calls f for each attribute of a start tag.
func (p *adtParser) attrs(rest []byte, line, col int32, f func(key, val []byte) error) error {
	var seen [4][]byte
	nseen := 0
	for {
		a, r, err := gosax.NextAttribute(rest)
		if err != nil || (len(a.Key) == 0 && (a.Value != nil || len(bytes.TrimSpace(r)) > 0)) {
			return p.errAt(line, col, "malformed attributes")
		}
		if len(a.Key) == 0 {
			return nil
		}
		raw, ok := unquote(a.Value)
		if !ok {
			return p.errAt(line, col, "attribute %s needs a quoted value", clip(a.Key))
		}
		for i := 0; i < nseen && i < len(seen); i++ {
			if bytes.Equal(seen[i], a.Key) {
				return p.errAt(line, col, "attribute %s given twice", clip(a.Key))
			}
		}
		if nseen < len(seen) {
			seen[nseen] = a.Key
		}
		nseen++
		v, err := gosax.Unescape(raw)
		if err != nil {
			return p.errAt(line, col, "attribute %s: %s", clip(a.Key), escapeProblem(raw))
		}
		if err := f(a.Key, v); err != nil {
			return err
		}
		rest = r
	}
}

// escapeProblem says what is wrong with the references in b.
func escapeProblem(b []byte) string {
	i := bytes.IndexByte(b, '&')
	for i >= 0 {
		end := bytes.IndexByte(b[i:], ';')
		if end < 0 || end > 12 {
			return "an & that does not start a reference (write &amp;)"
		}
		ref := string(b[i+1 : i+end])
		switch {
		case ref == "lt" || ref == "gt" || ref == "amp" || ref == "apos" || ref == "quot":
		case strings.HasPrefix(ref, "#"):
			if _, err := gosax.Unescape([]byte("&" + ref + ";")); err != nil {
				return fmt.Sprintf("malformed character reference &%s;", ref)
			}
		default:
			return fmt.Sprintf("unknown entity &%s; (only &lt; &gt; &amp; &apos; &quot; and character references are allowed)", ref)
		}
		next := bytes.IndexByte(b[i+end:], '&')
		if next < 0 {
			break
		}
		i += end + next
	}
	return "malformed reference"
}

func (p *adtParser) startNode(name, rest []byte, line, col int32, parent *adtFrame) error {
	if p.nodeElems++; p.nodeElems > MaxADToolNodes {
		return p.errAt(line, col, "more than %d <node> elements", MaxADToolNodes)
	}
	var gate Gate
	var refSet, switchRole bool
	err := p.attrs(rest, line, col, func(key, val []byte) error {
		switch string(key) {
		case "refinement":
			refSet = true
			switch string(val) {
			case "disjunctive":
				gate = Or
			case "conjunctive":
				gate = And
			case "sequential":
				gate = Sand
			default:
				return p.errAt(line, col, "refinement=%q: expected disjunctive, conjunctive or sequential", clip(val))
			}
		case "switchRole":
			switch string(val) {
			case "yes":
				switchRole = true
			case "no":
			default:
				return p.errAt(line, col, "switchRole=%q: expected yes or no", clip(val))
			}
		default:
			p.count(wNodeAttr, line, col, string(key))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if switchRole && p.sand {
		return p.errAt(line, col, "switchRole in a <sandtree>: a sandtree has no defences (use an <adtree>)")
	}
	role := Attack
	if parent != nil {
		role = parent.role
		if switchRole {
			role = role.Opposite()
		}
	}
	f, err := p.push(elNode, name, line, col)
	if err != nil {
		return err
	}
	f.role, f.switchRole, f.gate, f.refSet = role, switchRole, gate, refSet
	f.kidStart, f.ctrStart = len(p.kids), len(p.ctrs)
	return nil
}

func (p *adtParser) startParam(name, rest []byte, line, col int32) error {
	dom := int32(-1)
	basic := true
	err := p.attrs(rest, line, col, func(key, val []byte) error {
		switch string(key) {
		case "domainId":
			d, ok := p.domIDs[string(val)]
			if !ok {
				d = int32(len(p.domUses))
				id := string(val)
				p.domIDs[id] = d
				p.domUses = append(p.domUses, domUse{id: id, line: line, col: col})
			}
			dom = d
		case "category":
			switch string(val) {
			case "basic":
			case "derived", "default":
				basic = false
			default:
				basic = false
				p.count(wCategory, line, col, string(val))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if dom < 0 {
		return p.errAt(line, col, "<parameter> without a domainId")
	}
	f, err := p.push(elParam, name, line, col)
	if err != nil {
		return err
	}
	f.dom, f.basic = dom, basic
	return nil
}

func (p *adtParser) startDomain(name, rest []byte, line, col int32) error {
	var id string
	hasID := false
	err := p.attrs(rest, line, col, func(key, val []byte) error {
		if string(key) == "id" {
			id, hasID = string(val), true
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !hasID || id == "" {
		return p.errAt(line, col, "<domain> without an id")
	}
	if i, dup := p.domainAt[id]; dup {
		d := p.domains[i]
		return p.errAt(line, col, "domain %q declared twice (first at %d:%d)", id, d.Line, d.Column)
	}
	f, err := p.push(elDomain, name, line, col)
	if err != nil {
		return err
	}
	p.domainAt[id] = len(p.domains)
	f.domain = len(p.domains)
	p.domains = append(p.domains, ADToolDomain{ID: id, Line: int(line), Column: int(col)})
	return nil
}

func (p *adtParser) text(b []byte, line, col int32) error {
	f := p.top()
	if f == nil || (f.kind != elSkip && !textual(f.kind)) {
		t := b
		if f == nil && !p.started {
			t = bytes.TrimPrefix(t, []byte("\xef\xbb\xbf")) // byte order mark
		}
		if blank(t) {
			return nil
		}
		where := "outside the root element"
		if f != nil {
			where = "in <" + clip(f.name) + ">"
		}
		return p.errAt(line, col, "unexpected text %q %s", clip(bytes.TrimSpace(t)), where)
	}
	if f.kind == elSkip {
		return nil
	}
	v, err := gosax.Unescape(b)
	if err != nil {
		return p.errAt(line, col, "%s", escapeProblem(b))
	}
	f.text = append(f.text, v...)
	return nil
}

// textRaw adds the content of a CDATA section.
func (p *adtParser) textRaw(b []byte, line, col int32) error {
	f := p.top()
	if f == nil || !textual(f.kind) {
		if f != nil && f.kind == elSkip {
			return nil
		}
		return p.errAt(line, col, "unexpected CDATA section")
	}
	// Line ends in CDATA are normalised as in text.
	for i := 0; i < len(b); i++ {
		if b[i] == '\r' {
			f.text = append(f.text, '\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			continue
		}
		f.text = append(f.text, b[i])
	}
	return nil
}

func blank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

func textual(k elem) bool {
	return k == elLabel || k == elComment || k == elParam || k == elClass || k == elTool || k == elOp
}

func (p *adtParser) end(name []byte, line, col int32) error {
	f := p.top()
	if f == nil {
		return p.errAt(line, col, "</%s> closes nothing", clip(name))
	}
	if !bytes.Equal(name, f.name) {
		return p.errAt(line, col, "</%s> where </%s> is expected (opened at %d:%d)", clip(name), clip(f.name), f.line, f.col)
	}
	var err error
	switch f.kind {
	case elNode:
		err = p.endNode(f)
	case elLabel:
		err = p.endLabel(f)
	case elComment:
		err = p.endComment(f)
	case elParam:
		err = p.endParam(f)
	case elClass:
		d := &p.domains[p.stack[p.depth-2].domain]
		if d.Class != "" {
			return p.errAt(f.line, f.col, "a second <class> in domain %q", d.ID)
		}
		d.Class = strings.TrimSpace(string(f.text))
		if d.Class == "" {
			return p.errAt(f.line, f.col, "empty <class> in domain %q", d.ID)
		}
	case elDomain:
		if d := p.domains[f.domain]; d.Class == "" {
			return p.errAt(f.line, f.col, "domain %q has no <class>", d.ID)
		}
	case elOp:
		d := &p.domains[p.stack[p.depth-2].domain]
		if len(f.text) <= maxOpBytes {
			d.ops[f.op] = string(f.text)
		}
	}
	if err != nil {
		return err
	}
	p.depth--
	return nil
}

func (p *adtParser) endLabel(f *adtFrame) error {
	node := &p.stack[p.depth-2]
	t := f.text
	if len(t) == 0 {
		return p.errAt(f.line, f.col, "empty <label>: every node needs a name")
	}
	if msg := textProblem(t); msg != "" {
		return p.errAt(f.line, f.col, "the label %s", msg)
	}
	node.label = append(node.label[:0], t...)
	node.hasLabel = true
	return nil
}

func (p *adtParser) endParam(f *adtFrame) error {
	node := &p.stack[p.depth-2]
	if !f.basic {
		return nil
	}
	t := bytes.TrimSpace(f.text)
	prm := adtParam{dom: f.dom, line: f.line, col: f.col, text: -1}
	if v, ok := parseNumber(t); ok {
		prm.val = v
	} else {
		prm.text = int32(len(p.texts))
		p.texts = append(p.texts, string(t))
	}
	node.params = append(node.params, prm)
	return nil
}

func (p *adtParser) endNode(f *adtFrame) error {
	if !f.hasLabel {
		return p.errAt(f.line, f.col, "a <node> without a <label>: every node needs a name")
	}
	kids := p.kids[f.kidStart:]
	ctrs := p.ctrs[f.ctrStart:]
	gate := Leaf
	if len(kids) > 0 {
		if !f.refSet {
			return p.errAt(f.line, f.col, "node %q has child nodes but no refinement attribute", clip(f.label))
		}
		gate = f.gate
		if gate == Sand && !p.sand {
			return p.errAt(f.line, f.col, "refinement=\"sequential\" belongs to a <sandtree>; in an <adtree> use conjunctive")
		}
	}
	ctrs = p.spliceGroups(ctrs)
	control := f.control
	if control != "" && (f.role != Defence || gate != Leaf) {
		p.count(wControl, f.line, f.col, string(f.label))
		control = ""
	}
	switch {
	case f.gateMark == "":
	case f.gateMark == "sand" && gate == And && f.role == Attack && !p.sand:
		gate = Sand // written conjunctive, as an adtree must
	default:
		p.count(wGateMark, f.line, f.col, string(f.label))
	}
	id := f.id
	if id != "" && !isID(id) {
		p.count(wBadID, f.line, f.col, id)
		id = ""
	}
	// Every occurrence is a node for now; share makes the occurrences of a
	// label one node once the whole file is read. The id is set where a
	// scrutin-id gives it; assignIDs gives the others theirs.
	n := p.newNode()
	*n = Node{ID: id, Name: p.strs.make(f.label), Role: f.role, Gate: gate, Control: control,
		Children: p.ptrs(kids), Counters: p.ptrs(ctrs)}
	if f.hasDesc {
		n.Description = p.strs.make(f.desc)
	}
	if f.hasName && f.realName != "" {
		if p.names == nil {
			p.names = map[*Node]string{}
		}
		p.names[n] = f.realName
	}
	idx := int32(p.entries.n)
	e := adtEntry{node: n, line: f.line, col: f.col, pstart: int32(p.params.n)}
	for _, prm := range f.params {
		prm.entry = idx
		p.params.add(prm)
	}
	e.pend = int32(p.params.n)
	p.entries.add(e)
	if f.wrapper {
		if gate == Or && len(kids) >= 2 && len(ctrs) == 0 && len(f.params) == 0 {
			if p.wrappers == nil {
				p.wrappers = map[*Node]bool{}
			}
			p.wrappers[n] = false
		} else {
			p.count(wMarker, f.line, f.col, string(f.label))
		}
	}
	p.kids = p.kids[:f.kidStart]
	p.ctrs = p.ctrs[:f.ctrStart]
	parent := &p.stack[p.depth-2]
	if parent.kind != elNode {
		p.root, p.rootSwitch = n, f.switchRole
		p.tree = f.tree
		p.markUsed(n)
		return nil
	}
	if f.tree.line != 0 {
		p.count(wTreeMark, f.tree.line, f.tree.col, string(f.label))
	}
	if f.switchRole {
		p.ctrs = append(p.ctrs, n)
	} else {
		p.kids = append(p.kids, n)
		p.markUsed(n)
	}
	return nil
}

// markUsed records that a group marker node is used as a node of its own.
func (p *adtParser) markUsed(n *Node) {
	if _, ok := p.wrappers[n]; ok {
		p.wrappers[n] = true
	}
}

// spliceGroups replaces the marked groups among countermeasures by their
// members.
func (p *adtParser) spliceGroups(ctrs []*Node) []*Node {
	if len(p.wrappers) == 0 {
		return ctrs
	}
	var out []*Node
	for i, c := range ctrs {
		if _, ok := p.wrappers[c]; ok {
			if out == nil {
				out = append(make([]*Node, 0, len(ctrs)+len(c.Children)), ctrs[:i]...)
			}
			out = append(out, c.Children...)
		} else if out != nil {
			out = append(out, c)
		}
	}
	if out == nil {
		return ctrs
	}
	return out
}

// newNode allocates nodes in chunks: a large tree is millions of them.
func (p *adtParser) newNode() *Node {
	if len(p.nodeSlab) == 0 {
		p.slabChunk = min(max(2*p.slabChunk, 16), 4096)
		p.nodeSlab = make([]Node, p.slabChunk)
	}
	n := &p.nodeSlab[0]
	p.nodeSlab = p.nodeSlab[1:]
	return n
}

// ptrs copies a list of nodes into chunked storage (capped, so that an
// append by a user copies rather than overwrites a neighbour).
func (p *adtParser) ptrs(src []*Node) []*Node {
	if len(src) == 0 {
		return nil
	}
	if len(src) > len(p.ptrSlab) {
		p.ptrSlab = make([]*Node, max(len(src), 4*p.slabChunk))
	}
	out := p.ptrSlab[:len(src):len(src)]
	copy(out, src)
	p.ptrSlab = p.ptrSlab[len(src):]
	return out
}

func (p *adtParser) eof(line, col int32) error {
	if p.depth > 0 {
		f := p.top()
		return p.errAt(line, col, "the file ends before </%s> (opened at %d:%d)", clip(f.name), f.line, f.col)
	}
	if !p.rootSeen {
		return p.errAt(line, col, "no <adtree> or <sandtree> element")
	}
	if p.root == nil {
		return p.errAt(p.rootLine, p.rootCol, "the <%s> holds no <node>", map[bool]string{false: "adtree", true: "sandtree"}[p.sand])
	}
	return nil
}
