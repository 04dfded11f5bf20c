package model

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// Bounds on a model's source. scan checks them in one pass over the bytes,
// before the YAML parser sees them: the parser's time and memory grow with
// the square of some of these (the keys of one mapping, the empty values)
// and with the product of others (the length of the path to a value, from
// the nesting depth and the keys' lengths, times the number of values), so
// that a few hundred kilobytes of hostile text could otherwise take minutes
// and gigabytes. Each bound is far above what a model needs: the built-in
// example nests 18 levels deep, its largest mapping has 13 keys, its
// longest line is under 500 bytes and it has 3,653 tokens.
const (
	// MaxSize is the largest model source, in bytes.
	MaxSize = 4 << 20
	// MaxLine is the longest line, in bytes.
	MaxLine = 256 << 10
	// MaxScalar is the longest scalar (a text, number or key), in bytes,
	// all its lines included.
	MaxScalar = 256 << 10
	// MaxDepth bounds the nesting of collections of every kind: block
	// mappings and sequences (by indentation, and "- - -" on one line)
	// and flow ones ([ and {).
	MaxDepth = 100
	// MaxKeys bounds the keys of one mapping.
	MaxKeys = 200
	// MaxEmpty bounds the values left empty (a key or "-" with nothing
	// after it, at the end of a line or in a flow collection).
	MaxEmpty = 1000
	// MaxTokens bounds the YAML tokens of a model: keys, values,
	// punctuation (: - , [ ] { }), anchors, aliases, tags and comments.
	MaxTokens = 1_250_000
	// MaxPartTokens bounds the tokens the parser holds at once. A model
	// written in block style, as the examples are, is read a few top-level
	// keys or list items at a time, so this bounds one scenario, control
	// or tree; a model in flow style (JSON) is read whole, so this bounds
	// it all.
	MaxPartTokens = 250_000
	// MaxAnchored bounds the tokens of anchored values (&name), which
	// are kept until the end for the aliases (*name) to them.
	MaxAnchored = MaxPartTokens
	// maxPathBytes bounds the total length of the paths that the parser
	// builds and keeps for every key and item ("$.root.children[1].id"),
	// which grow with the depth and the length of the keys above them.
	maxPathBytes = 32 << 20
	// partSize is how much text the parser reads at once when the model
	// can be read in parts.
	partSize = 64 << 10
)

// part is a piece of a model's source that the YAML parser reads on its
// own: top-level entries of the model's mapping (the last one with the
// first items of its block sequence), or further items of that sequence.
type part struct {
	start, end int // bytes of the source
	line       int // the line of start, from 1
	items      bool
}

// frame is an open collection.
type frame struct {
	indent int  // block: the column (from 0) of its keys or dashes
	seq    bool // a sequence, else a mapping
	keys   int  // keys so far
	items  int  // items so far
	path   int  // the length of its path
	child  int  // the length of the path of its latest key or item
	// Flow collections: what the current entry holds so far; in a
	// sequence, whether it is a mapping of one pair.
	key, colon, value, pair bool
}

// scanProblem is the first bound that a source exceeds, and where (a byte
// offset, or -1 for the whole source).
type scanProblem struct {
	at int
	t  Text
}

// scanner checks the bounds and finds the parts. It reads enough YAML
// (comments, quotes, block scalars, flow and block collections) to count,
// from above, what the parser will build. Where a model is written in an
// unusual way (several documents, directives, tabs, top-level keys that
// are quoted, anchored or repeated), it has the parser read it whole.
type scanner struct {
	src  []byte
	i    int // the next byte
	line int // the line of src[i], from 1
	bol  int // where that line begins

	block []frame
	flow  []frame
	// atNode: a node may start here (at the start of a line, after
	// "- ", "? ", ": ", "[", "{" or ",", or after an anchor or tag).
	atNode bool
	// indicator is the last token of the line when it is a key's colon
	// or a dash (so the value is on the lines below, or missing), with
	// the indentation of its collection.
	indicator                int // 0, ':' or '-'
	indicatorIndent          int
	pendingSet, pendingDash  bool
	pendingIndent            int
	pendingAt                int
	plainRun, plainRunIndent int // start of a plain scalar that may go on on the next line, or -1

	// A block scalar being skipped: the indentation its lines must
	// exceed, that of its content once known (-1 before), where it began.
	inBlockScalar bool
	scalarParent  int
	scalarIndent  int
	scalarStart   int

	tokens, unitTokens, empty, pathBytes, aliases int
	depth, keys                                   int // the deepest nesting, the most keys of a mapping
	pairs                                         int // flow sequences whose current entry is a mapping of one pair
	propsCol                                      int // where the anchor or tag of the node being read began on this line, or -1
	// The parser's plain scalars go on to the next line when its first
	// character is beyond the column (from 1) of the last key, dash or
	// "?" (lastDelim, 0 for none): plainEnd says that the last token was
	// a plain scalar, contLine that this line goes on with it.
	lastDelim          int
	plainEnd, contLine bool
	noCont             bool   // the line has an anchor, alias or directive: the parser ends its scalar at its end
	itemValue          bool   // the line is the value of the dash above it, at its indentation
	unclosed           [2]int // where a ' and a " quote first ran to the end unclosed
	lineProp           bool   // the last token read on the line is an anchor or a tag
	wordsLine          int    // the line whose directive words are counted
	prob               *scanProblem

	// Anchored values: their tokens so far; whether the next node is
	// anchored; the flow depth above which, or the indentation beyond
	// which, tokens are anchored (-1: none).
	anchored                 int
	anchorNext               bool
	anchorFlow, anchorIndent int
	anchorSeq                bool // the anchored collection is a sequence at its key's indentation

	// Reading in parts.
	whole     bool
	started   bool // the first content line has been seen
	rootBare  bool // the latest top-level key has nothing after its colon
	topSeq    int  // the indentation of the current top-level block sequence's items, or -1
	topKeys   map[string]bool
	units     int    // places where a part may start: top-level keys at column 1, items of a top-level block sequence
	parts     []part // the parts so far, and the one being read
	overWhole int    // where the tokens first exceeded MaxPartTokens, or -1
}

// scanned is what scan found in a source within the bounds; the counts
// are from above.
type scanned struct {
	parts   []part // in which to parse it
	aliases bool   // whether it has aliases (*name)
	tokens  int
	depth   int // of collections
	keys    int // of the largest mapping
	empty   int // values
}

// scan checks src against the bounds above and returns what it found, or
// the first bound it exceeds, with where.
func scan(src []byte) (scanned, *scanProblem) {
	if len(src) > MaxSize {
		return scanned{}, &scanProblem{at: -1, t: text("the model is larger than %d MiB (%d bytes)", MaxSize>>20, len(src))}
	}
	s := newScanner(src)
	long := s.lines()
	for s.i < len(s.src) && s.prob == nil && (long == nil || s.i <= long.at) {
		s.lineStart()
	}
	if long != nil && (s.prob == nil || s.prob.at > long.at) {
		return scanned{}, long // the first problem in the source
	}
	if s.prob == nil {
		s.resolvePending(-1, false)
	}
	if s.prob == nil && (s.whole || s.units == 0) && s.overWhole >= 0 {
		s.fail(s.overWhole, text("the model is too large to read whole: more than %d YAML tokens (write it in block style, a key or list item a line, as the examples are, so that it is read in parts)", MaxPartTokens))
	}
	if s.prob != nil {
		return scanned{}, s.prob
	}
	return scanned{parts: s.result(), aliases: s.aliases > 0, tokens: s.tokens, depth: s.depth, keys: s.keys, empty: s.empty}, nil
}

func newScanner(src []byte) *scanner {
	return &scanner{src: src, line: 1, topSeq: -1, topKeys: map[string]bool{}, plainRun: -1, overWhole: -1,
		anchorFlow: -1, anchorIndent: -1, propsCol: -1, unclosed: [2]int{len(src) + 1, len(src) + 1},
		parts: []part{{start: 0, line: 1}}}
}

// lines returns the first control character or line longer than MaxLine,
// if any, and notes
// whether the source has line breaks or marks that only the parser should
// interpret.
func (s *scanner) lines() *scanProblem {
	src := s.src
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		s.whole = true // a byte-order mark
	}
	for i, c := range src {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return &scanProblem{at: i, t: text("the model holds a control character (byte %#02x), which YAML does not allow: is it a text file?", c)}
		}
	}
	for start := 0; start < len(src); {
		n := bytes.IndexByte(src[start:], '\n')
		if n < 0 {
			n = len(src) - start
		}
		if n > MaxLine {
			return &scanProblem{at: start + MaxLine, t: text("this line is longer than %d KiB", MaxLine>>10)}
		}
		if r := bytes.IndexByte(src[start:start+n], '\r'); r >= 0 && r != n-1 {
			// The parser reads a lone CR as a line break, where the scan
			// reads lines by LF: refuse what they would read apart.
			return &scanProblem{at: start + r, t: text("a carriage return (CR) without a line feed (LF) after it: use LF or CR LF line breaks")}
		}
		start += n + 1
	}
	return nil
}

func (s *scanner) fail(at int, t Text) {
	if s.prob == nil {
		s.prob = &scanProblem{at: at, t: t}
	}
}

// tok counts n tokens at the current byte.
func (s *scanner) tok(n int) {
	s.tokens += n
	s.unitTokens += n
	if s.anchorFlow >= 0 && len(s.flow) > s.anchorFlow || s.anchorIndent >= 0 {
		s.addAnchored(n)
	}
	if s.tokens > MaxPartTokens && s.overWhole < 0 {
		s.overWhole = s.i
	}
	switch {
	case s.whole && s.tokens > MaxPartTokens:
		s.fail(s.i, text("the model is too large to read whole: more than %d YAML tokens (write it in block style, a key or list item a line, as the examples are, so that it is read in parts)", MaxPartTokens))
	case s.tokens > MaxTokens:
		s.fail(s.i, text("the model has more than %d YAML tokens (keys, values, punctuation and comments)", MaxTokens))
	case s.unitTokens > MaxPartTokens && !s.whole && s.units > 0:
		s.fail(s.i, text("this top-level entry or list item is too large: more than %d YAML tokens", MaxPartTokens))
	}
}

// value marks the start of a node other than a collection in block
// context: the line's key or dash has a value.
func (s *scanner) value() {
	s.lineProp = false
	s.anchoredNode(false)
	s.atNode = false
	s.indicator = 0
	s.rootBare = false
	if n := len(s.flow); n > 0 {
		f := &s.flow[n-1]
		if f.colon {
			f.value = true
		} else {
			f.key = true
		}
	}
}

// addAnchored counts n tokens of anchored values.
func (s *scanner) addAnchored(n int) {
	if s.anchored += n; s.anchored > MaxAnchored {
		s.fail(s.i, text("the anchored values (&) of the model add up to more than %d YAML tokens", MaxAnchored))
	}
}

// anchoredNode runs where a node starts: if an anchor names it, its
// tokens are counted as anchored, the one of a scalar here, those of a
// flow collection from here to its end.
func (s *scanner) anchoredNode(flowStart bool) {
	if !s.anchorNext {
		return
	}
	s.anchorNext = false
	if flowStart {
		s.anchorFlow = len(s.flow)
	} else {
		s.addAnchored(1)
	}
}

// isBlank reports whether c ends a token as a space does (the parser
// reads NUL as the end of the text).
func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0 }

func isFlowIndicator(c byte) bool {
	return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'
}

// at returns the byte at i, or '\n' past the end.
func (s *scanner) at(i int) byte {
	if i < len(s.src) {
		return s.src[i]
	}
	return '\n'
}

// lineStart reads one line from its start.
func (s *scanner) lineStart() {
	src := s.src
	s.bol = s.i
	eol := bytes.IndexByte(src[s.i:], '\n')
	if eol < 0 {
		eol = len(src)
	} else {
		eol += s.i
	}
	indent := 0
	for s.i < eol && src[s.i] == ' ' {
		s.i++
		indent++
	}
	for s.i < eol && (src[s.i] == ' ' || src[s.i] == '\t') {
		if src[s.i] == '\t' && len(s.flow) == 0 && !s.inBlockScalar {
			s.whole = true // tabs do not indent in YAML: let the parser say so
		}
		s.i++
	}
	blank := s.i == eol || (src[s.i] == '\r' && s.i+1 == eol)
	if blank && bytes.IndexByte(src[s.bol:eol], '\t') >= 0 && !s.inBlockScalar {
		s.tok(1) // the parser makes an invalid token of a line of tabs
	}
	if s.inBlockScalar {
		if !blank && s.scalarIndent < 0 && indent > s.scalarParent {
			s.scalarIndent = indent
		}
		if blank || s.scalarIndent >= 0 && indent >= s.scalarIndent {
			if eol-s.scalarStart > MaxScalar {
				s.fail(eol, text("this text is longer than %d KiB", MaxScalar>>10))
			}
			s.nextLine(eol)
			return
		}
		s.inBlockScalar = false
	}
	if blank {
		s.nextLine(eol)
		return
	}
	// One token more a line, for the lexer's quirks that split a token
	// where YAML would not (FuzzScan finds a few of those a day).
	s.tok(1)
	s.contLine = s.plainEnd && !s.noCont && src[s.i] != '#' && (s.lastDelim == 0 || indent+1 > s.lastDelim)
	s.noCont = false
	if len(s.flow) == 0 && src[s.i] != '#' {
		s.blockLine(indent)
	}
	if s.prob == nil {
		s.inline()
	}
	if s.prob == nil {
		s.endLine()
	}
	if s.i < len(src) {
		s.nextLine(s.i)
	}
}

// nextLine moves to the start of the line after the one that ends at eol.
func (s *scanner) nextLine(eol int) {
	s.i = eol + 1
	s.line++
}

// blockLine updates the open block collections at the start of a content
// line in block context, indented by indent.
func (s *scanner) blockLine(indent int) {
	src := s.src
	dash := src[s.i] == '-' && isBlank(s.at(s.i+1)) && !s.contLine
	marker := !s.contLine && s.i == s.bol && s.i+3 <= len(src) && (string(src[s.i:s.i+3]) == "---" || string(src[s.i:s.i+3]) == "...") && isBlank(s.at(s.i+3))
	if marker || src[s.i] == '%' && s.i == s.bol {
		if s.started || src[s.i] != '-' || !s.restBlank(s.i+3) {
			s.whole = true // documents and directives: only the parser tells them apart
		}
		s.resolvePending(-1, false)
		s.block = s.block[:0]
		s.plainRun = -1
		s.lastDelim = 0
		return
	}
	if s.anchorIndent >= 0 && indent < s.anchorIndent {
		// A sequence may be a key's value at the key's indentation.
		if dash && indent == s.anchorIndent-1 && (s.anchorSeq || s.pendingSet && !s.pendingDash) {
			s.anchorSeq = true
		} else {
			s.anchorIndent = -1 // the end of an anchored block collection
			s.anchorSeq = false
		}
	}
	continued := s.contLine
	// A dash whose value is missing on its line: the parser takes the
	// node on the next line as its value, even at the dash's indentation.
	s.itemValue = s.pendingSet && s.pendingDash && s.pendingIndent == indent && !dash
	if !continued {
		s.plainRun = -1
		s.resolvePending(indent, dash)
	}
	// Only a dash or a key ends collections: the parser reads other lines
	// that are less indented than they should be as values of the open
	// ones, so the count of their nesting must not drop on such lines.
	if !continued && (dash || s.keyLine()) {
		for n := len(s.block); n > 0 && s.block[n-1].indent > indent; n-- {
			s.block = s.block[:n-1]
		}
		if n := len(s.block); n > 0 && s.block[n-1].seq && s.block[n-1].indent == indent && !dash && !s.itemValue {
			// A key at the indentation of a sequence: the sequence was
			// the value of the mapping that goes on here.
			s.block = s.block[:n-1]
		}
	}
	if !s.started {
		s.started = true
		if indent != 0 || dash || s.whole {
			s.whole = true // not a mapping at the root
		}
	}
	if dash && len(s.block) == 2 && s.block[1].seq && s.block[1].indent == indent && s.topSeq == indent {
		s.startUnit(true)
	}
	if dash && len(s.block) == 1 && s.rootBare && s.topSeq < 0 {
		s.topSeq = indent // the first item of a top-level block sequence
	}
	if src[s.i] == '?' && indent == 0 {
		s.whole = true // an explicit key at the root
	}
	s.rootBare = false
	s.atNode = true
	s.indicator = 0
	s.propsCol = -1
}

// restBlank reports whether the line holds only blanks and a comment
// from i.
func (s *scanner) restBlank(i int) bool {
	for ; i < len(s.src) && s.src[i] != '\n'; i++ {
		switch s.src[i] {
		case ' ', '\t', '\r':
		case '#':
			return true
		default:
			return false
		}
	}
	return true
}

// keyLine reports whether the line, from s.i, starts with a key: "? ",
// or a scalar or alias, after an anchor or tag, followed by ": ".
func (s *scanner) keyLine() bool {
	src := s.src
	i := s.i
	for i < len(src) && (src[i] == '&' || src[i] == '!') { // properties
		for i < len(src) && !isBlank(src[i]) {
			i++
		}
		for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
			i++
		}
	}
	if i >= len(src) {
		return false
	}
	switch c := src[i]; {
	case c == '?' && isBlank(s.at(i+1)):
		return true
	case c == '"' || c == '\'':
		for i++; i < len(src) && src[i] != c && src[i] != '\n'; i++ {
			if c == '"' && src[i] == '\\' {
				i++
			}
		}
		if i >= len(src) || src[i] != c {
			return false // a quoted key does not go on to the next line
		}
		i++
	case c == '[' || c == '{' || c == '|' || c == '>' || c == '#' || c == ':':
		return false // a ":" without a key: the parser gives it the token before
	}
	for ; i < len(src) && src[i] != '\n'; i++ {
		if src[i] == ':' && isBlank(s.at(i+1)) {
			return true
		}
		if src[i] == '#' && isBlank(src[i-1]) {
			return false
		}
	}
	return false
}

// startUnit records that a part may start on this line, and starts one
// if the part being read is large enough, or holds items and this line
// does not.
func (s *scanner) startUnit(item bool) {
	s.units++
	s.unitTokens = 0
	cur := &s.parts[len(s.parts)-1]
	if s.units > 1 && (s.bol-cur.start >= partSize || cur.items && !item) {
		cur.end = s.bol
		s.parts = append(s.parts, part{start: s.bol, line: s.line, items: item})
	}
}

// resolvePending decides, at the next content line (indented by indent,
// starting with a dash or not; -1 at the end), whether the key or dash
// that ended a line had a value.
func (s *scanner) resolvePending(indent int, dash bool) {
	if !s.pendingSet {
		return
	}
	s.pendingSet = false
	if indent > s.pendingIndent || !s.pendingDash && dash && indent == s.pendingIndent {
		return
	}
	s.addEmpty(s.pendingAt)
}

func (s *scanner) addEmpty(at int) {
	if s.empty++; s.empty > MaxEmpty {
		s.fail(at, text("the model has more than %d empty values", MaxEmpty))
	}
}

// endLine is called at the end of a line read by inline.
func (s *scanner) endLine() {
	if len(s.flow) == 0 && s.atNode && s.indicator == 0 && s.lineProp {
		// An anchor or tag alone on its line: its node is on the lines
		// below, or missing.
		s.indicator, s.indicatorIndent = ':', s.lineIndent()
	}
	s.lineProp = false
	if s.anchorNext && len(s.flow) == 0 {
		// The anchored node is on the lines below, indented more than
		// the key or dash it is the value of.
		s.anchorNext = false
		s.anchorIndent = s.blockIndent() + 1
		if s.indicator != 0 {
			s.anchorIndent = s.indicatorIndent + 1
		}
		s.anchorIndent = max(s.anchorIndent, 0)
	}
	if len(s.flow) == 0 && s.indicator != 0 {
		s.pendingSet = true
		s.pendingDash = s.indicator == '-'
		s.pendingIndent = s.indicatorIndent
		s.pendingAt = s.i
	}
	s.indicator = 0
}

// push opens a collection, block or flow.
func (s *scanner) push(f frame, flow bool) {
	f.path = s.childPath()
	if flow {
		s.flow = append(s.flow, f)
	} else {
		s.block = append(s.block, f)
	}
	s.nest()
}

// nest notes the depth of the collections open here: block, flow, and
// the mappings of one pair in flow sequences.
func (s *scanner) nest() {
	if s.depth = max(s.depth, len(s.block)+len(s.flow)+s.pairs); s.depth > MaxDepth {
		s.fail(s.i, text("the model is nested too deeply (more than %d levels)", MaxDepth))
	}
}

// childPath is the length of the path of the node that starts here.
func (s *scanner) childPath() int {
	if n := len(s.flow); n > 0 {
		return s.flow[n-1].child
	}
	if n := len(s.block); n > 0 {
		return s.block[n-1].child
	}
	return 1 // "$"
}

// addKey counts a key of n bytes in mapping f.
func (s *scanner) addKey(f *frame, n int) {
	f.keys++
	if s.keys = max(s.keys, f.keys); f.keys > MaxKeys {
		s.fail(s.i, text("a mapping has more than %d keys", MaxKeys))
	}
	f.child = f.path + n + 3
	s.addPath(f.child)
}

// addItem counts an item of sequence f.
func (s *scanner) addItem(f *frame) {
	f.items++
	f.child = f.path + 2 + digits(f.items)
	s.addPath(f.child)
}

func (s *scanner) addPath(n int) {
	if s.pathBytes += n; s.pathBytes > maxPathBytes {
		s.fail(s.i, text("the paths to the model's values add up to more than %d MiB: keys too long for how deeply they nest", maxPathBytes>>20))
	}
}

func digits(n int) int {
	d := 1
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}

// inline reads the tokens of the line from s.i, and past its end for
// quoted scalars, up to the line break.
func (s *scanner) inline() {
	src := s.src
	for s.i < len(src) && s.prob == nil {
		c := src[s.i]
		flow := len(s.flow) > 0
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			if s.contLine && c != '#' {
				s.contLine, s.plainEnd = false, false
				start := s.i
				s.plain() // the rest of the parser's plain scalar
				s.tok(1)
				s.afterScalar(start, false)
				continue
			}
			s.contLine = false
			s.plainEnd = false
		}
		switch {
		case c == '\n':
			return
		case c == ' ' || c == '\t' || c == '\r':
			s.i++
		case c == '#': // where a token starts, as the parser reads it (in a plain scalar, only " #" is one)
			s.tok(1)
			for s.i < len(src) && src[s.i] != '\n' {
				s.i++
			}
		case c == '[' || c == '{':
			s.anchoredNode(true)
			s.value()
			s.tok(1)
			s.push(frame{seq: c == '['}, true)
			if n := len(s.flow); c == '[' && s.prob == nil {
				s.addItem(&s.flow[n-1])
			}
			s.atNode = true
			s.i++
		case (c == ']' || c == '}') && flow:
			s.tok(1)
			if flow && s.flow[len(s.flow)-1].seq == (c == ']') { // a bracket that does not match stays open for the parser too
				s.endEntry()
				s.flow = s.flow[:len(s.flow)-1]
				if len(s.flow) == s.anchorFlow {
					s.anchorFlow = -1
				}
			}
			s.i++
			s.atNode = false
			s.afterNode()
		case c == ',' && flow:
			s.tok(1)
			s.endEntry()
			if f := &s.flow[len(s.flow)-1]; f.seq {
				s.addItem(f)
			}
			s.atNode = true
			s.i++
		case c == '-' && isBlank(s.at(s.i+1)) && !flow && s.atNode:
			s.dash()
		case c == '?' && isBlank(s.at(s.i+1)) && s.atNode:
			s.explicitKey()
		case c == ':' && (isBlank(s.at(s.i+1)) || flow):
			s.colon(s.i-s.bol, 0)
		case c == '\'' || c == '"':
			start, line, bol := s.i, s.line, s.bol
			s.value()
			q := 0
			if c == '"' {
				q = 1
			}
			// Once a quote has run to the end unclosed, so would those
			// after it: read them as text at once (the scan stays linear).
			closed := start < s.unclosed[q] && s.quoted(c)
			if !closed && s.prob == nil {
				s.unclosed[q] = min(s.unclosed[q], start)
				// No closing quote: the parser may not have read a quote
				// here either; count the rest as it would any text.
				s.i, s.line, s.bol = start, line, bol
				s.plain()
				s.tok(1)
				s.afterScalar(start, false)
				break
			}
			s.tok(1)
			s.afterScalar(start, true)
		case (c == '|' || c == '>') && !flow && s.atNode:
			s.blockScalar()
		case c == '&' || c == '*' || c == '!':
			start := s.i
			s.noCont = s.noCont || c != '!'
			if c != '*' && s.propsCol < 0 {
				s.propsCol = start - s.bol
			}
			s.lineProp = c != '*'
			if c == '*' {
				s.value()
			}
			// A tag runs to a blank (the parser makes an invalid token
			// of what follows "!" up to there), a name to a flow
			// indicator in flow too.
			for s.i < len(src) && !isBlank(src[s.i]) && !(flow && c != '!' && isFlowIndicator(src[s.i])) {
				s.i++
			}
			if s.i-start > MaxScalar {
				s.fail(start, text("this text is longer than %d KiB", MaxScalar>>10))
			}
			// The parser makes a token of each & or * that starts one,
			// and may end one at a flow indicator.
			extra := 0
			for j := start + 1; j < s.i && (src[j] == '&' || src[j] == '*'); j++ {
				extra++
			}
			for j := start; j < s.i; j++ {
				if isFlowIndicator(src[j]) || src[j] == ':' {
					extra += 2
				}
			}
			s.tok(extra)
			switch c {
			case '*':
				s.tok(2)
				s.aliases++
				s.afterScalar(start, false)
			case '&':
				s.tok(2)
				if s.anchorFlow < 0 && s.anchorIndent < 0 {
					s.addAnchored(2)
					s.anchorNext = true
				}
				s.rootBare = false
			default:
				s.tok(1)
				s.rootBare = false
			}
		case c == '%' && s.i == s.bol && !flow:
			s.noCont = true
			for ; s.i < len(src) && src[s.i] == '%'; s.i++ {
				s.tok(1) // a directive: each %, then a token a word
			}
			s.directiveWords()
		case s.i == s.bol && !flow && s.i+3 <= len(src) && (string(src[s.i:s.i+3]) == "---" || string(src[s.i:s.i+3]) == "...") && isBlank(s.at(s.i+3)):
			s.tok(1)
			s.i += 3
			s.atNode = true
		case (flow || !s.atNode) && c == '-' && isBlank(s.at(s.i+1)) || !s.atNode && c == '?' && isBlank(s.at(s.i+1)) || flow && (c == '|' || c == '>') || c == '@' || c == '`' || c == '%' && s.lineIndent() == 0:
			if c == '%' {
				s.noCont = true
				s.i++
				s.directiveWords()
				s.i--
			}
			s.tok(1) // "- " or "? " after a node, "- " in flow, | and > in flow, a reserved character, % on a line not indented: tokens of their own
			s.i++
		default:
			start := s.i
			if c == ']' || c == '}' {
				s.tok(1) // the parser makes a token of a bracket that closes nothing
				if s.at(s.i+1) != ':' {
					s.i++
					continue
				}
			}
			s.value()
			s.plain()
			s.tok(1)
			s.afterScalar(start, false)
		}
	}
}

// directiveWords counts, once a line, the words after a directive's "%"
// as tokens, with one more for each indicator in them: the parser splits
// them at blanks, then reads them as tokens of any kind, which may open
// flow collections, so the line is then read as any other too.
func (s *scanner) directiveWords() {
	if s.wordsLine == s.line {
		return
	}
	s.wordsLine = s.line
	src := s.src
	for i, word := s.i, true; i < len(src) && src[i] != '\n'; i++ {
		if !isBlank(src[i]) && word {
			s.tok(1)
		}
		if strings.IndexByte("%&*!|>'\"@`?-:,[]{}#", src[i]) >= 0 {
			s.tok(1)
		}
		word = isBlank(src[i])
	}
}

// lineIndent is the number of spaces that begin the current line.
func (s *scanner) lineIndent() int {
	n := 0
	for s.bol+n < len(s.src) && s.src[s.bol+n] == ' ' {
		n++
	}
	return n
}

// dash reads a "- " in block context: an item of the sequence at its
// column, which it opens if needed.
func (s *scanner) dash() {
	col := s.i - s.bol
	s.tok(1)
	s.lastDelim = col + 1
	n := len(s.block)
	if n == 0 || !s.block[n-1].seq || s.block[n-1].indent != col {
		s.push(frame{indent: col, seq: true}, false)
		n = len(s.block)
	}
	if s.prob != nil {
		return
	}
	f := &s.block[n-1]
	s.addItem(f)
	if n == 2 && s.topSeq == col {
		f.child = 8 // the parser's paths start at the part: "$[12345]"
	}
	s.i++
	s.atNode = true
	s.indicator, s.indicatorIndent = '-', col
	s.rootBare = false
	s.plainRun = -1
}

// explicitKey reads a "? ": a key of a mapping at its column, which it
// opens if need be, whose value may be missing (it is counted as empty).
func (s *scanner) explicitKey() {
	col := s.i - s.bol
	s.tok(1)
	s.lastDelim = col + 1
	s.addEmpty(s.i)
	if len(s.flow) == 0 {
		k := len(s.block)
		if k == 0 || s.block[k-1].seq || s.block[k-1].indent != col {
			s.push(frame{indent: col}, false)
		}
		if s.prob == nil {
			s.addKey(&s.block[len(s.block)-1], 0)
		}
	} else if f := &s.flow[len(s.flow)-1]; !f.seq {
		s.addKey(f, 0)
	}
	s.i++
	s.atNode = true
	s.plainRun = -1
}

// colon reads a ":" that follows a key which began at column col (from
// 0) and is n bytes long (0: none on this line).
func (s *scanner) colon(col, n int) {
	s.tok(1)
	s.lastDelim = col + 1
	s.i++
	s.atNode = true
	s.plainRun = -1
	if k := len(s.flow); k > 0 {
		f := &s.flow[k-1]
		if f.colon && !f.value {
			s.addEmpty(s.i) // "{a: : b}"
		}
		f.colon, f.value = true, false
		if !f.seq {
			s.addKey(f, n)
		} else { // "[a: b]": a mapping of one pair in the sequence
			if !f.pair {
				f.pair = true
				s.pairs++
			}
			s.addPath(f.child + n + 3)
			s.keys = max(s.keys, 1)
			s.nest()
		}
		return
	}
	k := len(s.block)
	if k > 0 && s.block[k-1].seq && s.block[k-1].indent == col && !s.itemValue {
		s.block = s.block[:k-1]
		k--
	}
	s.itemValue = false
	if k == 0 || s.block[k-1].seq || s.block[k-1].indent != col || n == 0 {
		// Without a key before it on its line, the parser may make a
		// key of the token before: count a mapping more.
		s.push(frame{indent: col}, false)
		k = len(s.block)
	}
	if s.prob != nil {
		return
	}
	s.addKey(&s.block[k-1], n)
	s.indicator, s.indicatorIndent = ':', col
}

// endEntry ends the entry of the innermost flow collection, at a "," or
// its end, counting the empty value the parser will add for "{a}" or
// "{a: }".
func (s *scanner) endEntry() {
	f := &s.flow[len(s.flow)-1]
	if !f.seq && f.key && !f.colon {
		s.addEmpty(s.i)
		s.addKey(f, 0)
	}
	if f.colon && !f.value {
		s.addEmpty(s.i)
	}
	f.key, f.colon, f.value = false, false, false
	if f.pair {
		f.pair = false
		s.pairs--
	}
}

// afterNode runs after a flow collection closes: it may be a key ("[a]: b"),
// which the parser builds as any other.
func (s *scanner) afterNode() {
	if len(s.flow) > 0 {
		f := &s.flow[len(s.flow)-1]
		if f.colon {
			f.value = true
		} else {
			f.key = true
		}
	}
}

// afterScalar runs after a scalar or alias that began at start: when a
// ":" follows, it was a key.
func (s *scanner) afterScalar(start int, quoted bool) {
	j := s.i
	for j < len(s.src) && (s.src[j] == ' ' || s.src[j] == '\t') {
		j++
	}
	if s.at(j) == ':' && (isBlank(s.at(j+1)) || len(s.flow) > 0) {
		s.i = j
		col := start - s.bol
		if start < s.bol { // a quoted key over several lines: the parser refuses it
			col = 0
		}
		if s.propsCol >= 0 && s.propsCol < col {
			col = s.propsCol // the key's collection is where its anchor or tag begins
		}
		s.propsCol = -1
		s.colon(col, s.i-start)
		if len(s.block) == 1 && len(s.flow) == 0 && col == 0 && start == s.bol {
			s.topKey(start, s.i)
		}
		return
	}
	s.propsCol = -1
	s.plainEnd = !quoted && s.src[start] != '*' // the parser ends an alias at the line's end
	if !quoted && len(s.flow) == 0 && s.plainRun < 0 {
		s.plainRun, s.plainRunIndent = start, s.blockIndent()
	}
}

// blockIndent is the indentation of the innermost block collection, or -1.
func (s *scanner) blockIndent() int {
	if n := len(s.block); n > 0 {
		return s.block[n-1].indent
	}
	return -1
}

// topKey records a key of the model's root mapping, from start to end.
func (s *scanner) topKey(start, end int) {
	key := string(bytes.TrimRight(s.src[start:end], " \t"))
	if s.whole {
		return
	}
	c := key[0]
	if c == '"' || c == '\'' || c == '*' || key == "<<" || s.topKeys[key] {
		s.whole = true // only the parser tells what such keys mean
		return
	}
	s.topKeys[key] = true
	s.topSeq = -1
	s.startUnit(false)
	s.rootBare = true
}

// plain reads a plain scalar.
func (s *scanner) plain() {
	src := s.src
	start := s.i
	flow := len(s.flow) > 0
	for s.i < len(src) {
		c := src[s.i]
		if c == '\n' || flow && isFlowIndicator(c) {
			break
		}
		if c == ':' && (isBlank(s.at(s.i+1)) || flow) { // in flow, the parser splits at any ":"
			break
		}
		if c == '#' && s.i > start && isBlank(src[s.i-1]) {
			break
		}
		s.i++
	}
	end := s.i
	if s.plainRun >= 0 && start > s.plainRun {
		start = s.plainRun // a line of a longer scalar
	}
	if end-start > MaxScalar {
		s.fail(start+MaxScalar, text("this text is longer than %d KiB", MaxScalar>>10))
	}
}

// quoted reads a single- or double-quoted scalar, over several lines if
// need be, and reports whether it found its closing quote.
func (s *scanner) quoted(q byte) bool {
	src := s.src
	start := s.i
	s.i++
	for s.i < len(src) {
		c := src[s.i]
		switch {
		case c == '\\' && q == '"':
			s.i++
		case c == q:
			if q == '\'' && s.at(s.i+1) == '\'' {
				s.i++
				break
			}
			s.i++
			if s.i-start > MaxScalar {
				s.fail(start+MaxScalar, text("this text is longer than %d KiB", MaxScalar>>10))
			}
			return true
		case c == '\n':
			s.line++
			s.bol = s.i + 1
		}
		s.i++
		if s.i-start > MaxScalar {
			s.fail(start+MaxScalar, text("this text is longer than %d KiB", MaxScalar>>10))
			return false
		}
	}
	return false
}

// blockScalar reads the header of a literal (|) or folded (>) scalar; the
// lines of its content are skipped by lineStart.
func (s *scanner) blockScalar() {
	src := s.src
	s.value()
	s.tok(2)
	s.inBlockScalar = true
	s.scalarStart = s.i
	s.scalarParent = max(s.blockIndent(), 0) // at the root too, the parser ends it at a line not indented
	s.scalarIndent = -1
	for s.i++; s.i < len(src) && src[s.i] != '\n' && src[s.i] != '#'; s.i++ {
		switch c := src[s.i]; {
		case c >= '1' && c <= '9':
			s.scalarIndent = max(s.scalarParent, 0) + int(c-'0')
		case c == '+' || c == '-' || isBlank(c):
		default:
			// An invalid header: the parser reads the lines below as
			// any others.
			s.inBlockScalar = false
		}
	}
	if s.i < len(src) && src[s.i] == '#' {
		s.tok(1)
	}
	for s.i < len(src) && src[s.i] != '\n' {
		s.i++
	}
}

// result returns the parts in which the parser reads the source.
func (s *scanner) result() []part {
	if s.whole || s.units == 0 {
		return []part{{start: 0, end: len(s.src), line: 1}}
	}
	s.parts[len(s.parts)-1].end = len(s.src)
	return s.parts
}

// position returns the line and column (from 1, in characters) of byte at
// of src.
func position(src []byte, at int) Pos {
	if at < 0 {
		return Pos{1, 1}
	}
	at = min(at, len(src))
	line := 1 + bytes.Count(src[:at], []byte("\n"))
	bol := bytes.LastIndexByte(src[:at], '\n') + 1
	return Pos{line, 1 + utf8.RuneCount(src[bol:at])}
}
