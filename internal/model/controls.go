package model

import "slices"

// Implemented returns the ids of the controls with status implemented.
func (m *Model) Implemented() []string {
	out := []string{}
	for _, c := range m.Controls {
		if c.Status == StatusImplemented {
			out = append(out, c.ID)
		}
	}
	return out
}

// InForce returns the controls in force for a what-if run: the implemented
// ones, plus with, minus without, in model order. An unknown id, or an id
// both added and removed, is an EINVALID error.
func (m *Model) InForce(with, without []string) ([]string, error) {
	for _, id := range append(append([]string{}, with...), without...) {
		if m.ControlByID(id) == nil {
			ids := make([]string, len(m.Controls))
			for i, c := range m.Controls {
				ids[i] = c.ID
			}
			return nil, Errorf(EINVALID, "unknown control %q%s", id, suggest(id, ids))
		}
		if slices.Contains(with, id) && slices.Contains(without, id) {
			return nil, Errorf(EINVALID, "control %q is both switched on (--with) and off (--without)", id)
		}
	}
	out := []string{}
	for _, c := range m.Controls {
		on := c.Status == StatusImplemented
		if slices.Contains(with, c.ID) {
			on = true
		}
		if slices.Contains(without, c.ID) {
			on = false
		}
		if on {
			out = append(out, c.ID)
		}
	}
	return out, nil
}
