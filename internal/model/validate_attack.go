package model

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
)

// AttackIDs are the ids an ATT&CK catalogue knows, each with its name,
// for Decode to check the ids a model names: the actors' groups (G0007),
// the controls' mitigations (M1032) and the techniques evidence matches
// (T1566, T1566.001). A kind the catalogue has no id of (a nil or empty
// map) is not checked: such a catalogue cannot tell. Package attack
// builds them from a catalogue; model does not import attack.
type AttackIDs struct {
	Catalog     string            // the catalogue's name, for messages
	Groups      map[string]string // id → name
	Mitigations map[string]string
	Techniques  map[string]string
}

// DecodeOptions change what DecodeWith checks beyond Decode.
type DecodeOptions struct {
	// Attack, when set, returns the ATT&CK ids of the catalogue in use,
	// which the model's ids must be among. It is called once, and only
	// when the model names an ATT&CK id; its error ends the decoding.
	Attack func() (*AttackIDs, error)
	// Context, when set, stops the decoding once it is done.
	Context context.Context
	// Files is the directory the model's relative paths (a contest's
	// units_file) are read from; nil where the model has no directory
	// (standard input, the server), and a units_file is then a problem.
	Files fs.FS
}

// techniqueID is the shape of an ATT&CK technique or sub-technique id.
// Evidence may match other technique names (from a SIEM's own
// vocabulary): those are not ATT&CK's to check.
var techniqueID = regexp.MustCompile(`^T[0-9]{4}(\.[0-9]{3})?$`)

// namesAttack reports whether m names an ATT&CK id that AttackIDs can
// check.
func (m *Model) namesAttack() bool {
	for _, a := range m.Actors {
		if a.Attack != "" || len(a.Disarm) > 0 {
			return true
		}
	}
	for _, c := range m.Controls {
		if len(c.Attack) > 0 {
			return true
		}
	}
	for _, e := range m.Evidence {
		if e.Match != nil && techniqueID.MatchString(e.Match.Technique) {
			return true
		}
	}
	return false
}

// attackIDs returns the ids to check m's against: nil when opt has no
// catalogue or m names no ATT&CK id.
func (opt DecodeOptions) attackIDs(m *Model) (*AttackIDs, error) {
	if opt.Attack == nil || !m.namesAttack() {
		return nil, nil
	}
	return opt.Attack()
}

// checkAttack checks the ATT&CK ids the model names against the
// catalogue's (c.attackIDs; nothing when nil). Ids of the wrong shape are
// reported elsewhere, and not again here.
func (c *checker) checkAttack() {
	ids := c.attackIDs
	if ids == nil {
		return
	}
	for i, a := range c.m.Actors {
		for j, id := range a.Disarm {
			if !techniqueID.MatchString(id) {
				continue
			}
			if hint, ok := knownAttack(disarmPrefix+id, ids.Techniques, a.Name, a.ID); !ok {
				c.add(fmt.Sprintf("actors[%d].disarm[%d]", i, j), "unknown DISARM technique %q%s; the catalogue in use is %s", id, hint, ids.Catalog)
			}
		}
		if !groupID.MatchString(a.Attack) {
			continue
		}
		if hint, ok := knownAttack(a.Attack, ids.Groups, a.Name, a.ID); !ok {
			c.add(fmt.Sprintf("actors[%d].attack", i), "unknown ATT&CK group %q%s; the catalogue in use is %s", a.Attack, hint, ids.Catalog)
		}
	}
	for i, ctl := range c.m.Controls {
		for j, id := range ctl.Attack {
			if !mitigationID.MatchString(id) {
				continue
			}
			// Suggest an id of the same kind: an M id for an M id.
			known := ids.Mitigations
			if len(known) > 0 {
				known = sameKind(known, id[:1])
			}
			hint, ok := knownAttack(id, known, ctl.Name, ctl.ID)
			switch {
			case ok:
			case id[0] == 'C':
				c.add(fmt.Sprintf("controls[%d].attack[%d]", i, j), "unknown DISARM countermeasure %q%s; the catalogue in use is %s", id, hint, ids.Catalog)
			default:
				c.add(fmt.Sprintf("controls[%d].attack[%d]", i, j), "unknown ATT&CK mitigation %q%s; the catalogue in use is %s", id, hint, ids.Catalog)
			}
		}
	}
	for i, e := range c.m.Evidence {
		if e.Match == nil || !techniqueID.MatchString(e.Match.Technique) {
			continue
		}
		if hint, ok := knownAttack(e.Match.Technique, ids.Techniques); !ok {
			c.add(fmt.Sprintf("evidence[%d].match.technique", i), "unknown ATT&CK technique %q%s; the catalogue in use is %s", e.Match.Technique, hint, ids.Catalog)
		}
	}
}

// disarmPrefix begins the id of a DISARM technique among AttackIDs'
// techniques (package attack's DISARMPrefix), which keeps them apart from
// ATT&CK's of the same shape (both T0xxx).
const disarmPrefix = "disarm:"

// sameKind returns the ids of known that begin with prefix, with their
// names; known itself when none does (the catalogue has no id of that
// kind, and a kind it has none of is still reported unknown).
func sameKind(known map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range known {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return map[string]string{"": ""}
	}
	return out
}

// groupID is the shape of an ATT&CK group id, which the decoder checks
// (the jsonschema pattern of Actor.Attack).
var groupID = regexp.MustCompile(`^G[0-9]{4}$`)

// knownAttack says whether known has id (true too when known is empty:
// the catalogue cannot tell); when not, the suggestion to end the message
// with: the id whose name is one of names (the actor's or control's own
// name or id), else the nearest id, else nothing.
func knownAttack(id string, known map[string]string, names ...string) (Text, bool) {
	if _, ok := known[id]; ok || len(known) == 0 {
		return Text{}, true
	}
	ids := sortedKeys(known)
	best := ""
	for _, k := range ids {
		for _, n := range names {
			if best == "" && n != "" && strings.EqualFold(strings.TrimSpace(n), known[k]) {
				best = k
			}
		}
	}
	if best == "" {
		best = closest(id, ids)
	}
	if best == "" {
		return text(""), false
	}
	return text(" (did you mean %q, %s?)", best, known[best]), false
}
