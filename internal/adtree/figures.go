package adtree

// EvaluateFigures is Evaluate without the costly lists: it computes the
// minimal cost, time and skill and the probability of success (with their
// notes), and leaves the Pareto front, the cheapest attacks and the
// weighing of defences empty. On large trees those lists take most of
// Evaluate's time; with a million nodes EvaluateFigures gives the figures
// a scenario needs within a second or two.
func EvaluateFigures(t *Tree, ctx Context) *Result {
	e := newEvaluation(t, ctx)
	res := &Result{ID: t.ID, Goal: t.Goal(), Exact: true, Shared: e.shared, Pareto: []ParetoPoint{}, Cheapest: []AttackSet{}}
	res.Reachable = e.c.root != gFalse
	e.figures(res)
	if !res.Reachable {
		res.Notes = append(res.Notes, "no attack reaches the goal: every way to it is out of reach or stopped by a defence in force")
	}
	return res
}
