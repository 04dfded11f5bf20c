package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/adtree"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/report"
)

func newTreeCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tree",
		Short: "Attack-defence trees: evaluate, import, export and draw",
		Long: `Attack-defence trees answer "could this actor do it, by which path, at what
cost, and which defence stops it". Trees live in a model's trees: section, or
in ADTool XML files (<adtree>, <sandtree>). Shared nodes make a tree a DAG;
the answers are exact on DAGs too (decision diagrams), and say so when an
exact answer is out of reach.`,
		Args: commandGroup,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newTreeEvalCmd(e), newTreeImportCmd(e), newTreeExportCmd(e), newTreeDrawCmd(e), newTreeLibraryCmd(e))
	return cmd
}

// treeSource is where trees come from and how to evaluate them.
type treeSource struct {
	model    *model.Model // nil for ADTool XML
	trees    []*adtree.Tree
	currency string
	warnings []string
}

type treeOptions struct {
	file    string
	tree    string
	with    []string
	without []string
	actor   string
}

func addTreeFlags(cmd *cobra.Command, o *treeOptions, controls bool) {
	cmd.Flags().StringVar(&o.tree, "tree", "", "only the tree with this id; library:<id> is a tree of the built-in library (scrutin tree library)")
	if controls {
		cmd.Flags().StringSliceVar(&o.with, "with", nil, "switch these controls on (their defences are in force)")
		cmd.Flags().StringSliceVar(&o.without, "without", nil, "switch these controls off")
		cmd.Flags().StringVar(&o.actor, "actor", "", "evaluate for this actor of the model: steps beyond its skill are out of reach")
	}
}

// isXML says whether a tree file is ADTool XML rather than a model.
func isXML(path string, src []byte) bool {
	if strings.HasSuffix(strings.ToLower(path), ".xml") {
		return true
	}
	return bytes.HasPrefix(bytes.TrimSpace(src), []byte("<"))
}

// loadTrees reads a model with trees, or an ADTool XML file, or, for
// --tree library:<id>, takes that tree of the library.
func loadTrees(e *env, o treeOptions) (*treeSource, error) {
	if strings.HasPrefix(o.tree, model.LibraryPrefix) {
		return loadLibraryTree(e, o)
	}
	name, src, err := readModel(e, o.file)
	if err != nil {
		return nil, err
	}
	ts := &treeSource{}
	if isXML(name, src) {
		if len(o.with) > 0 || len(o.without) > 0 || o.actor != "" {
			return nil, usageError{fmt.Errorf("--with, --without and --actor need a model: an ADTool file has no controls or actors")}
		}
		t, warnings, err := parseADTool(name, src)
		if err != nil {
			return nil, err
		}
		ts.trees, ts.warnings = []*adtree.Tree{t}, warnings
	} else {
		m, err := decodeSource(o.file, name, src, e.attackIDs())
		if err != nil {
			return nil, err
		}
		ts.model, ts.currency = m, m.Currency
		warnWhatIf(e, m, o.with, o.without)
		for i := range m.Trees {
			ts.trees = append(ts.trees, adtree.FromModelIn(m, &m.Trees[i]))
		}
		if len(ts.trees) == 0 {
			return nil, model.Errorf(model.EINVALID, "%s has no trees: section", name)
		}
	}
	if o.tree != "" {
		var ids []string
		for _, t := range ts.trees {
			ids = append(ids, t.ID)
			if t.ID == o.tree {
				ts.trees = []*adtree.Tree{t}
				return ts, nil
			}
		}
		return nil, model.Errorf(model.EINVALID, "no tree %q; trees: %s", o.tree, strings.Join(ids, ", "))
	}
	return ts, nil
}

// context builds the evaluation context: controls in force and the actor.
func (ts *treeSource) context(o treeOptions, cheapest int) (adtree.Context, []string, error) {
	ctx := adtree.Context{Cheapest: cheapest}
	if ts.model == nil {
		return ctx, nil, nil
	}
	inForce, err := ts.model.InForce(o.with, o.without)
	if err != nil {
		return ctx, nil, err
	}
	ctx.InForce = func(c string) bool { return slices.Contains(inForce, c) }
	if o.actor != "" {
		a := ts.model.ActorByID(o.actor)
		if a == nil {
			return ctx, nil, model.Errorf(model.EINVALID, "unknown actor %q", o.actor)
		}
		if a.Skill != nil {
			ctx.MaxSkill = *a.Skill
		}
	}
	return ctx, inForce, nil
}

func newTreeEvalCmd(e *env) *cobra.Command {
	var o treeOptions
	var format string
	var cheapest int
	cmd := &cobra.Command{
		Use:   "eval [FILE]",
		Short: "Minimal cost, time and skill, success probability, Pareto front, cheapest attacks, defences",
		Long: `Evaluate attack-defence trees: the minimal cost, time and skill of an attack
that reaches the goal, its probability of success, the Pareto front of cost
against probability, the k cheapest attacks (minimal sets of leaves), and what
each defence does to cost and probability. FILE is a model with a trees:
section (the built-in example when omitted) or an ADTool XML file. Defences
linked to controls are in force when their control is (implemented, or
switched on with --with).`,
		Example: `  scrutin tree eval
  scrutin tree eval examples/election.yaml --tree leak-mailboxes --with security-keys
  scrutin tree eval attack.xml --format json`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.file = args[0]
			}
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("--format must be text or json, got %q", format)}
			}
			return runTreeEval(e, o, format, cheapest)
		},
	}
	addTreeFlags(cmd, &o, true)
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	wholeVar(cmd.Flags(), &cheapest, "cheapest", adtree.DefaultCheapest, 1, math.MaxInt, "a valid number of attacks", "", "how many cheapest attacks to list")
	return cmd
}

func runTreeEval(e *env, o treeOptions, format string, cheapest int) error {
	ts, err := loadTrees(e, o)
	if err != nil {
		return err
	}
	ctx, inForce, err := ts.context(o, cheapest)
	if err != nil {
		return err
	}
	for _, w := range ts.warnings {
		fmt.Fprintf(e.stderr, "scrutin: warning: %s\n", w)
	}
	results := make([]*adtree.Result, len(ts.trees))
	for i, t := range ts.trees {
		results[i] = adtree.Evaluate(t, ctx)
	}
	if format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	var b bytes.Buffer
	for i, r := range results {
		if i > 0 {
			b.WriteString("\n")
		}
		writeTreeText(&b, ts, r, inForce)
	}
	_, err = e.stdout.Write(b.Bytes())
	return err
}

// fig writes a figure: — when absent, ∞ when infinite.
func fig(p *float64, money bool) string {
	switch {
	case p == nil:
		return "—"
	case math.IsInf(*p, 1):
		return "∞"
	case money:
		return report.Money(*p)
	}
	return fmt.Sprintf("%g", *p)
}

func writeTreeText(w io.Writer, ts *treeSource, r *adtree.Result, inForce []string) {
	kind := "tree"
	if r.Shared {
		kind = "DAG (shared nodes)"
	}
	fmt.Fprintf(w, "%s: %s — %s\n", r.ID, r.Goal, kind)
	if ts.model != nil {
		c := "none"
		if len(inForce) > 0 {
			c = strings.Join(inForce, ", ")
		}
		fmt.Fprintf(w, "  controls in force: %s\n", c)
	}
	cur := ""
	if ts.currency != "" {
		cur = " " + ts.currency
	}
	prob := "—"
	if r.Probability != nil {
		prob = report.Percent(*r.Probability)
	}
	exact := "yes"
	if !r.Exact {
		exact = "no (see notes)"
	}
	fmt.Fprintf(w, "  minimal cost    %s%s\n  minimal time    %s\n  minimal skill   %s\n  P(success)      %s\n  exact           %s\n",
		fig(r.MinCost, true), cur, fig(r.MinTime, false), fig(r.MinSkill, false), prob, exact)
	if len(r.Cheapest) > 0 {
		fmt.Fprintf(w, "  cheapest attacks:\n")
		for i, a := range r.Cheapest {
			fmt.Fprintf(w, "    %d. %s  %s\n", i+1, fig(a.Cost, true), strings.Join(a.Leaves, " + "))
		}
	}
	if len(r.Pareto) > 0 {
		fmt.Fprintf(w, "  Pareto front (cost → P(success)):\n")
		for _, p := range r.Pareto {
			fmt.Fprintf(w, "    %s → %s\n", report.Money(p.Cost), report.Percent(p.Probability))
		}
	}
	if len(r.Defences) > 0 {
		fmt.Fprintf(w, "  defences, most effective first (without → with):\n")
		for _, d := range adtree.ByEffect(r.Defences) {
			state := "not in force"
			if d.InForce {
				state = "in force"
			}
			link := ""
			if d.Control != "" {
				link = "control " + d.Control + ", "
			}
			pw, pwo := "—", "—"
			if d.ProbabilityWith != nil {
				pw = report.Percent(*d.ProbabilityWith)
			}
			if d.ProbabilityWithout != nil {
				pwo = report.Percent(*d.ProbabilityWithout)
			}
			fmt.Fprintf(w, "    %s (%s%s): minimal cost %s → %s, P(success) %s → %s\n", d.ID, link, state,
				fig(d.MinCostWithout, true), fig(d.MinCostWith, true), pwo, pw)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
}

// loadLibraryTree is loadTrees for --tree library:<id>: evaluated against
// the model FILE when one is given (its controls put the tree's defences
// in force; one it lacks is never in force), otherwise with every defence
// in force, as for an ADTool file.
func loadLibraryTree(e *env, o treeOptions) (*treeSource, error) {
	ts := &treeSource{}
	if o.file == "" {
		if len(o.with) > 0 || len(o.without) > 0 || o.actor != "" {
			return nil, usageError{fmt.Errorf("--with, --without and --actor need a model FILE: alone, a library tree has every defence in force")}
		}
		m := &model.Model{}
		t, err := m.AddLibraryTree(o.tree)
		if err != nil {
			return nil, err
		}
		ts.trees = []*adtree.Tree{adtree.FromModelIn(m, t)}
		return ts, nil
	}
	name, src, err := readModel(e, o.file)
	if err != nil {
		return nil, err
	}
	if isXML(name, src) {
		return nil, usageError{fmt.Errorf("--tree %s takes a model FILE (for its controls), not an ADTool file", o.tree)}
	}
	m, err := decodeSource(o.file, name, src, e.attackIDs())
	if err != nil {
		return nil, err
	}
	t, err := m.AddLibraryTree(o.tree)
	if err != nil {
		return nil, err
	}
	ts.model, ts.currency = m, m.Currency
	warnWhatIf(e, m, o.with, o.without)
	ts.trees = []*adtree.Tree{adtree.FromModelIn(m, t)}
	return ts, nil
}

func newTreeLibraryCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "library",
		Short: "List the built-in library of voting-technology trees",
		Long: `List the attack-defence trees of the built-in library, one per voting
technology: id, goal, technology and number of nodes. Evaluate, draw or export
one with --tree library:<id> (against a model FILE for its controls), or use it
as a scenario's vulnerability in a model: vulnerability: {tree: library:<id>}.
A library tree's defences name controls by the ids README.md lists; a defence
whose control the model lacks is never in force.`,
		Example: `  scrutin tree library
  scrutin tree eval --tree library:internet-voting
  scrutin tree eval examples/election.yaml --tree library:dre`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("--format must be text or json, got %q", format)}
			}
			lib, err := model.LibraryTrees()
			if err != nil {
				return err
			}
			if format == "json" {
				type entry struct {
					ID         string `json:"id"`
					Name       string `json:"name"`
					Technology string `json:"technology"`
					Nodes      int    `json:"nodes"`
				}
				out := make([]entry, len(lib))
				for i := range lib {
					out[i] = entry{model.LibraryPrefix + lib[i].Tree.ID, lib[i].Tree.Name, lib[i].Technology, lib[i].Nodes()}
				}
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			return report.WriteLibrary(e.stdout, lib)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}
