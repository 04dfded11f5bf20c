package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/report"
)

type planOptions struct {
	model     string
	budget    string
	objective string
	horizon   string
	trials    int64
	trialsSet bool
	seed      uint64
	seedSet   bool
	format    string
	out       string
	evidence  []string
	workers   int
}

func newPlanCmd(e *env) *cobra.Command {
	var o planOptions
	cmd := &cobra.Command{
		Use:   "plan [MODEL] --budget AMOUNT",
		Short: "Choose the controls that cut the most risk for a yearly budget",
		Long: `Choose, among the model's proposed controls, the portfolio whose residual annual
loss (the mean, or a quantile with --objective) is lowest for an annualised cost
within the budget; implemented controls stay in force. One-off costs are spread
over the horizon (default 3 years): annualised cost = yearly + once / horizon.

The report gives the chosen controls, their cost, the residual risk and the
reduction against the implemented controls alone, each proposed control's
marginal contribution and return on security investment, whether the risk is
significant against the model's tolerance curve before and after the plan, and
the efficient frontier of cost against residual risk.

With --objective harm:ID:STAT (STAT mean, p90, p95 or p99) the plan minimises
that statistic of the annual harm of the model's harm dimension ID (votes
altered, voters affected …) instead of the money; controls act on it through
their effects' harm: multipliers. For a model with harm dimensions, the verdict
covers each of them: its mean, P(any) and harm_tolerance, before and after. Portfolios are compared on
the same simulated years (common random numbers). Up to 20 proposed controls the
plan is exact (branch and bound); beyond, heuristic (greedy + local search).
With no MODEL, plan for the built-in example; MODEL "-" reads standard input.`,
		Example: `  scrutin plan --budget 100000
  scrutin plan examples/minimal.yaml --budget 10k --objective p95
  scrutin plan model.yaml --budget 50k --objective harm:votes-altered:p99
  scrutin plan model.yaml --budget 250000 --horizon 36m --format json --out plan.json`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.model = args[0]
			}
			if !cmd.Flags().Changed("budget") {
				return usageError{fmt.Errorf("--budget is required: the most the chosen controls may cost per year, such as --budget 100000")}
			}
			o.trialsSet = cmd.Flags().Changed("trials")
			o.seedSet = cmd.Flags().Changed("seed")
			return runPlan(cmd.Context(), o, e)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.budget, "budget", "", "most the chosen controls may cost per year, annualised (100000, 100k, 1.5M)")
	f.StringVar(&o.objective, "objective", plan.ObjectiveMean, "what to minimise: mean, p90, p95 or p99 of the annual loss, or harm:ID:mean (or :p90, :p95, :p99) of the annual harm of the model's harm dimension ID")
	f.StringVar(&o.horizon, "horizon", "3y", "years over which one-off costs are spread (3y, 36m, or a number of years)")
	trialsVar(f, &o.trials)
	seedVar(f, &o.seed)
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.StringVarP(&o.out, "out", "o", "", "write the output to this file instead of standard output")
	f.StringSliceVar(&o.evidence, "evidence", nil, "evidence files (written by scrutin ingest or scrutin phishing) that the model's evidence: section counts from")
	workersVar(f, &o.workers, "number of parallel workers (default: all cores; never changes the result)")
	return cmd
}

func runPlan(ctx context.Context, o planOptions, e *env) error {
	opt := plan.Options{Objective: o.objective, Workers: o.workers}
	var err error
	if opt.Budget, err = parseAmount(o.budget); err != nil {
		return usageError{fmt.Errorf("--budget: %w", err)}
	}
	if _, err := plan.ParseObjective(o.objective); err != nil {
		return usageError{fmt.Errorf("--objective: %w", err)}
	}
	if opt.Horizon, err = plan.ParseHorizon(o.horizon); err != nil {
		return usageError{fmt.Errorf("--horizon: %w", err)}
	}
	if o.format != "text" && o.format != "json" {
		return usageError{fmt.Errorf("--format must be text or json, got %q", o.format)}
	}
	m, err := loadModel(e, o.model)
	if err != nil {
		return err
	}
	files, err := readEvidence(o.evidence)
	if err != nil {
		return err
	}
	m, _, err = evidence.Calibrate(m, files)
	if err != nil {
		return err
	}
	if _, err := plan.CheckObjective(m, o.objective); err != nil {
		return usageError{fmt.Errorf("--objective: %w", err)}
	}
	opt.Trials, opt.Seed = trialsAndSeed(m, o.trials, o.trialsSet, o.seed, o.seedSet)
	warnFewTrials(e, opt.Trials)
	bar := newProgress(e, "simulating")
	opt.Progress = growingProgress(bar)
	res, err := plan.Optimize(ctx, m, opt)
	bar.finish()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if o.format == "json" {
		err = report.PlanJSON(&buf, res)
	} else {
		err = report.PlanText(&buf, res)
	}
	if err != nil {
		return err
	}
	if o.out != "" {
		return writeOutput(o.out, buf.Bytes())
	}
	_, err = e.stdout.Write(buf.Bytes())
	return err
}

// growingProgress feeds a progress bar whose total grows: the planner
// learns which portfolios it needs as its search goes.
func growingProgress(p *progress) func(done, total int64) {
	return func(done, total int64) {
		p.mu.Lock()
		if p.bar != nil {
			p.bar.ChangeMax64(total)
		}
		p.mu.Unlock()
		p.update(done, total)
	}
}

// parseAmount reads an amount of money: digits with optional thousands
// separators (, or _) and an optional k, M or G suffix: 100000, 100,000,
// 100k, 1.5M. It must be finite and ≥ 0.
func parseAmount(s string) (float64, error) {
	t := strings.TrimSpace(s)
	mult := 1.0
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'k', 'K':
			mult, t = 1e3, t[:n-1]
		case 'm', 'M':
			mult, t = 1e6, t[:n-1]
		case 'g', 'G', 'b', 'B':
			mult, t = 1e9, t[:n-1]
		}
	}
	t = strings.NewReplacer(",", "", "_", "").Replace(t)
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v*mult, 0) {
		return 0, fmt.Errorf("expected an amount such as 100000, 100k or 1.5M, got %q", s)
	}
	if v < 0 {
		return 0, fmt.Errorf("the budget cannot be negative, got %q", s)
	}
	return v * mult, nil
}
