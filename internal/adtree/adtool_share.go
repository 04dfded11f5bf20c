package adtree

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// share makes the occurrences of a label one node, the first to close
// (children close before their parents, so it is the one whose subtree
// comes first): every later occurrence must be the same node again, and
// its parents are pointed at the first. Labels are found equal by sorting
// their hashes, which reads memory in order: with a million nodes, looking
// each label up in a hash table as it closes waited on memory for most of
// the time the reading took.
func (p *adtParser) share() error {
	n := p.entries.n
	if n < 2 {
		return nil
	}
	seed := maphash.MakeSeed()
	keys := make([]uint64, n)
	for i := range n {
		keys[i] = uint64(uint32(maphash.String(seed, p.entries.at(int32(i)).node.Name)))<<32 | uint64(i)
	}
	sortHigh32(keys)
	var first map[string]int32
	lo := int32(n)
	eachRun(keys, func(run []uint64) {
		if first == nil {
			first = map[string]int32{}
		}
		clear(first)
		for _, k := range run { // in the order of closing
			i := int32(uint32(k))
			name := p.entries.at(i).node.Name
			if f, ok := first[name]; ok {
				if p.dups == nil {
					p.dups = map[int32]int32{}
				}
				p.dups[i] = f
				lo = min(lo, i)
			} else {
				first[name] = i
			}
		}
	})
	if len(p.dups) == 0 {
		return nil
	}
	replace := make(map[*Node]*Node, len(p.dups))
	for i := lo; i < int32(n); i++ {
		e := p.entries.at(i)
		x := e.node
		for k, c := range x.Children {
			if r, ok := replace[c]; ok {
				x.Children[k] = r
			}
		}
		for k, c := range x.Counters {
			if r, ok := replace[c]; ok {
				x.Counters[k] = r
			}
		}
		f, ok := p.dups[i]
		if !ok {
			continue
		}
		fe := p.entries.at(f)
		if diff := p.differs(fe, e); diff != "" {
			return p.errAt(e.line, e.col, "label %q is also at %d:%d, and the two differ: %s (nodes with the same label are one node, written identically at each occurrence)",
				clipS(x.Name), fe.line, fe.col, diff)
		}
		replace[x] = fe.node
		if p.wrappers[x] {
			p.wrappers[fe.node] = true
		}
	}
	if r, ok := replace[p.root]; ok {
		p.root = r
	}
	return nil
}

// eachRun calls f with each run of two or more keys of equal hash.
func eachRun(keys []uint64, f func(run []uint64)) {
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j]>>32 == keys[i]>>32 {
			j++
		}
		if j-i > 1 {
			f(keys[i:j])
		}
		i = j
	}
}

// sortHigh32 sorts keys by their high 32 bits, keeping the order of equal
// ones (radix sort: four passes in memory order).
func sortHigh32(keys []uint64) {
	if len(keys) < 512 {
		slices.SortStableFunc(keys, func(a, b uint64) int { return int(a>>32) - int(b>>32) })
		return
	}
	src, dst := keys, make([]uint64, len(keys))
	for shift := 32; shift < 64; shift += 8 {
		var count [257]int
		for _, k := range src {
			count[(k>>shift)&0xff+1]++
		}
		for b := 1; b < len(count); b++ {
			count[b] += count[b-1]
		}
		for _, k := range src {
			b := (k >> shift) & 0xff
			dst[count[b]] = k
			count[b]++
		}
		src, dst = dst, src
	}
}

// differs says how a later occurrence of a label differs from the first,
// or "" when it is the same node (their children already shared).
func (p *adtParser) differs(first, later *adtEntry) string {
	a, b := first.node, later.node
	switch {
	case a.Role != b.Role:
		return fmt.Sprintf("it is an attack node in one place and a defence in the other (%s here)", b.Role)
	case (a.Gate == Leaf) != (b.Gate == Leaf):
		return "it has child nodes in one place and none in the other"
	case a.Gate != b.Gate:
		return fmt.Sprintf("its refinement differs (%s there, %s here)", refinementName(a.Gate), refinementName(b.Gate))
	case !samePtrs(a.Children, b.Children):
		return fmt.Sprintf("its child nodes differ (%s there, %s here)", labelList(a.Children), labelList(b.Children))
	case !samePtrs(a.Counters, b.Counters):
		return fmt.Sprintf("its countermeasures differ (%s there, %s here)", labelList(a.Counters), labelList(b.Counters))
	case a.Control != b.Control:
		return fmt.Sprintf("its control differs (%q there, %q here)", a.Control, b.Control)
	case a.ID != b.ID: // the ids their scrutin-id comments give
		return fmt.Sprintf("its id differs (%q there, %q here)", a.ID, b.ID)
	}
	if na, nb := first.pend-first.pstart, later.pend-later.pstart; na != nb {
		return fmt.Sprintf("it has %d basic parameters there and %d here", na, nb)
	}
	for i := range first.pend - first.pstart {
		x, y := *p.params.at(first.pstart + i), *p.params.at(later.pstart + i)
		if x.dom != y.dom {
			return fmt.Sprintf("its basic parameters differ (domain %q there, %q here)", p.domUses[x.dom].id, p.domUses[y.dom].id)
		}
		if p.paramText(x) != p.paramText(y) {
			return fmt.Sprintf("its basic value for domain %q differs (%s there, %s here)", p.domUses[x.dom].id, p.paramText(x), p.paramText(y))
		}
	}
	return ""
}

func (p *adtParser) paramText(a adtParam) string {
	if a.text >= 0 {
		return strconv.Quote(p.texts[a.text])
	}
	return formatNumber(a.val)
}

func samePtrs(a, b []*Node) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func labelList(ns []*Node) string {
	if len(ns) == 0 {
		return "none"
	}
	var b strings.Builder
	for i, n := range ns {
		if i == 4 {
			fmt.Fprintf(&b, ", … (%d in all)", len(ns))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(clipS(n.Name)))
	}
	return b.String()
}

// live returns the node of entry i if it is in the tree: not a later
// occurrence of a label, nor a group of countermeasures read back as its
// members.
func (p *adtParser) live(i int32) *Node {
	if _, dup := p.dups[i]; dup {
		return nil
	}
	n := p.entries.at(i).node
	if used, ok := p.wrappers[n]; ok && !used {
		return nil
	}
	return n
}

// assignIDs gives every node its id: the one its scrutin-id comment gives
// (already set), or else one derived from its label (see the documentation
// at the top of adtool.go). An id wanted by several nodes goes to the one
// that has it from a comment, else to the one whose label it is, else to
// the first (in the order nodes close); the others get the first free
// suffix -2, -3 …, in that order.
func (p *adtParser) assignIDs() {
	seed := maphash.MakeSeed()
	keys := make([]uint64, 0, p.entries.n)
	var explicit map[*Node]bool
	var buf []byte
	for i := range int32(p.entries.n) {
		n := p.live(i)
		if n == nil {
			continue
		}
		switch {
		case n.ID != "":
			if explicit == nil {
				explicit = map[*Node]bool{}
			}
			explicit[n] = true
		case isLowerID(n.Name):
			n.ID = n.Name
		default:
			buf = appendSlug(buf[:0], n.Name)
			n.ID = p.strs.make(buf)
		}
		keys = append(keys, uint64(uint32(maphash.String(seed, n.ID)))<<32|uint64(i))
	}
	rank := func(n *Node) int {
		switch {
		case explicit[n]:
			return 2
		case n.ID == n.Name:
			return 1
		}
		return 0
	}
	sortHigh32(keys)
	var losers []int32
	var owner map[string]int32
	eachRun(keys, func(run []uint64) {
		if owner == nil {
			owner = map[string]int32{}
		}
		clear(owner)
		for _, k := range run {
			i := int32(uint32(k))
			n := p.entries.at(i).node
			o, taken := owner[n.ID]
			switch {
			case !taken:
				owner[n.ID] = i
			case rank(n) > rank(p.entries.at(o).node): // it takes the id over
				losers = append(losers, o)
				owner[n.ID] = i
			default:
				losers = append(losers, i)
			}
		}
	})
	if len(losers) == 0 {
		return
	}
	slices.Sort(losers)
	// An id is taken when some node has it as its first choice (keys) or
	// was given it with a suffix (given).
	given := map[string]bool{}
	taken := func(id string) bool {
		if given[id] {
			return true
		}
		h := uint64(uint32(maphash.String(seed, id)))
		at, _ := slices.BinarySearchFunc(keys, h, func(k, h uint64) int { return int(k>>32) - int(h) })
		for ; at < len(keys) && keys[at]>>32 == h; at++ {
			if p.entries.at(int32(uint32(keys[at]))).node.ID == id {
				return true
			}
		}
		return false
	}
	for _, i := range losers {
		e := p.entries.at(i)
		n := e.node
		if explicit[n] {
			p.count(wDupID, e.line, e.col, n.ID)
		}
		base := n.ID
		for k := 2; ; k++ {
			id := base + "-" + strconv.Itoa(k)
			if !taken(id) {
				n.ID = id
				given[id] = true
				break
			}
		}
	}
}

// isLowerID reports whether s is an id of the model's form in lower case.
func isLowerID(s string) bool {
	if s == "" || len(s) > maxIDBytes {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case (c == '.' || c == '_' || c == '-') && i > 0:
		default:
			return false
		}
	}
	return true
}

// letters the decomposition does not split.
var foldExtra = map[rune]string{'æ': "ae", 'œ': "oe", 'ß': "ss", 'ø': "o", 'đ': "d", 'ð': "d", 'ł': "l", 'þ': "th", 'ı': "i"}

// slug turns a label into an id: lower-case ASCII letters and digits, '.'
// and '_' kept, accents dropped, other runs turned into one '-'.
func slug(label string) string {
	return string(appendSlug(nil, label))
}

func appendSlug(b []byte, label string) []byte {
	start := len(b)
	dash := false
	for i := 0; i < len(label); i++ {
		if label[i] >= utf8.RuneSelf {
			label = norm.NFKD.String(label) // so that é is e and an accent
			break
		}
	}
	for _, r := range label {
		if len(b)-start >= maxIDBytes {
			break
		}
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		} else if r >= utf8.RuneSelf {
			r = unicode.ToLower(r)
		}
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			b = append(b, byte(r))
			dash = false
		case r == '.' || r == '_':
			if len(b) > start {
				b = append(b, byte(r))
				dash = false
			}
		case unicode.Is(unicode.Mn, r):
			// an accent, dropped
		default:
			if s, ok := foldExtra[r]; ok {
				b = append(b, s...)
				dash = false
				continue
			}
			if !dash && len(b) > start {
				b = append(b, '-')
				dash = true
			}
		}
	}
	b = b[:start+min(len(b)-start, maxIDBytes)]
	for len(b) > start && (b[len(b)-1] == '-' || b[len(b)-1] == '.' || b[len(b)-1] == '_') {
		b = b[:len(b)-1]
	}
	if len(b) == start {
		b = append(b, "node"...)
	}
	return b
}
