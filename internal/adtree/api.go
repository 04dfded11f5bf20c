package adtree

import "fmt"

// SuccessProbability is the exact probability that an attacker reaches the
// goal of t, every attack step attempted, given the defences ctx puts in
// force. It fails when the tree's attack leaves have no probabilities or
// when no exact answer is within the limits.
func SuccessProbability(t *Tree, ctx Context) (float64, error) {
	e := newEvaluation(t, ctx)
	if e.lacks(AttrProbability) {
		return 0, fmt.Errorf("tree %q: attack leaves without a probability of success: %v", t.ID, e.missing[AttrProbability])
	}
	p, err := e.probability()
	if err != nil {
		return 0, fmt.Errorf("tree %q: %w", t.ID, err)
	}
	return p, nil
}
