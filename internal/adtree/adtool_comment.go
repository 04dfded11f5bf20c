package adtree

// scrutin's directives in the comments of ADTool files (see the
// documentation at the top of adtool.go): reading them, and writing them.

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// treeDirectives are what scrutin-tree comments on the root say of the
// tree.
type treeDirectives struct {
	id, name, description          string
	hasID, hasName, hasDescription bool
	line, col                      int32
}

// endComment reads a node's comment: its lines of the form "scrutin-KEY:
// VALUE" are scrutin's directives (see the documentation at the top of
// adtool.go), the other lines the node's description. Several comments
// add up, one line apart.
func (p *adtParser) endComment(f *adtFrame) error {
	if msg := textProblem(f.text); msg != "" {
		return p.errAt(f.line, f.col, "the comment %s", msg)
	}
	node := &p.stack[p.depth-2]
	text := f.text
	for {
		line, rest, more := bytes.Cut(text, []byte{'\n'})
		if !p.directive(node, bytes.TrimSpace(line), f.line, f.col) {
			if node.hasDesc {
				node.desc = append(node.desc, '\n')
			}
			node.desc = append(node.desc, line...)
			node.hasDesc = true
		}
		if !more {
			return nil
		}
		text = rest
	}
}

// textProblem says why a label or a comment cannot be a name or a text
// of scrutin's (nor be written back as XML), or "".
func textProblem(t []byte) string {
	if !utf8.Valid(t) {
		return "is not valid UTF-8"
	}
	for _, c := range t {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return fmt.Sprintf("holds the control character %#02x", c)
		}
	}
	return ""
}

// directive applies a line of a comment if it is one of scrutin's
// directives, and says whether it was.
func (p *adtParser) directive(node *adtFrame, line []byte, at, col int32) bool {
	if !bytes.HasPrefix(line, []byte(adtoolCommentP)) {
		return false
	}
	key, val, hasVal := bytes.Cut(line[len(adtoolCommentP):], []byte{':'})
	v := string(bytes.TrimSpace(val))
	t := &node.tree
	switch k := string(bytes.TrimSpace(key)); {
	case k == "countermeasures" && !hasVal:
		node.wrapper = true
	case !hasVal:
		return false
	case k == "control":
		node.control = v
	case k == "id":
		node.id = v
	case k == "name":
		node.realName, node.hasName = unquoteText(v), true
	case k == "gate":
		node.gateMark = v
	case k == "tree":
		t.id, t.hasID = v, true
	case k == "tree-name":
		t.name, t.hasName = unquoteText(v), true
	case k == "tree-description":
		t.description, t.hasDescription = unquoteText(v), true
	default:
		return false
	}
	if t.line == 0 && (t.hasID || t.hasName || t.hasDescription) {
		t.line, t.col = at, col
	}
	return true
}

// unquoteText reads a directive's text, quoted as Go quotes strings, or
// as it is when it is not (or when what the quotes hold could not be
// written back: control characters, invalid UTF-8).
func unquoteText(v string) string {
	if s, err := strconv.Unquote(v); err == nil && strings.HasPrefix(v, `"`) && textProblem([]byte(s)) == "" {
		return s
	}
	return v
}

// comment is what a node's <comment> holds: its description, then
// scrutin's directives, one a line; "" for none.
func (x *adtWriter) comment(n *Node) string {
	lines := []string{}
	if n.Description != "" {
		lines = append(lines, n.Description)
	}
	label := x.label[n]
	if n.ID != labelID(label) {
		lines = append(lines, adtoolCommentP+"id: "+n.ID)
	}
	if n.Name != "" && n.Name != label {
		lines = append(lines, adtoolCommentP+"name: "+strconv.Quote(n.Name))
	}
	if n == x.t.Root {
		if x.t.ID != n.ID {
			lines = append(lines, adtoolCommentP+"tree: "+x.t.ID)
		}
		if x.t.Name != "" && x.t.Name != n.Name {
			lines = append(lines, adtoolCommentP+"tree-name: "+strconv.Quote(x.t.Name))
		}
		if x.t.Description != "" {
			lines = append(lines, adtoolCommentP+"tree-description: "+strconv.Quote(x.t.Description))
		}
	}
	if n.Gate == Sand && !x.sand {
		lines = append(lines, adtoolCommentP+"gate: sand")
	}
	if n.Gate == Leaf && n.Role == Defence && n.Control != "" {
		lines = append(lines, adtoolCommentP+"control: "+n.Control)
	}
	return strings.Join(lines, "\n")
}

// labelID is the id ParseADTool gives a node of this label when nothing
// else claims it.
func labelID(label string) string {
	if isLowerID(label) {
		return label
	}
	return slug(label)
}
