package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/ciso"
	"github.com/scrutin/scrutin/internal/ebios"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/report"
)

type ebiosOptions struct {
	model     string
	budget    string
	budgetSet bool
	objective string
	trials    int64
	trialsSet bool
	seed      uint64
	seedSet   bool
	format    string
	lang      string
	out       string
	workers   int
}

func newEbiosCmd(e *env) *cobra.Command {
	var o ebiosOptions
	cmd := &cobra.Command{
		Use:   "ebios [MODEL] [--budget AMOUNT] [--format text|json|md|html|xlsx] [--lang en|fr]",
		Short: "Write the deliverables of the model's EBIOS RM study, with likelihoods from the simulation",
		Long: `Write the deliverables of the five workshops of the EBIOS Risk Manager study
(ANSSI's method) that the model carries in its ebios: block: the scales, the
business values, feared events and security baseline (workshop 1), the risk
origin / target objective pairs and their pertinence (workshop 2), the
stakeholders' threat levels and zones and the strategic scenarios (workshop 3),
the operational scenarios — the model's scenarios and attack trees (workshop
4) — and the risk treatment with the risk map (workshop 5).

Likelihoods are computed, never typed: a scenario's likelihood is the level of
P(at least one loss event in a year, or an election with a calendar), its
gravity the highest level, over money and each harm dimension with thresholds,
of its 90th percentile in a period with a loss event; the risk level is the
method's 4×4 matrix. With --budget, the treatment is the plan of that budget
(as scrutin plan computes it) and every level is given after it too.
The language is --lang, else the locale of the environment, else English.
With no MODEL, the built-in example (its French version with --lang fr); MODEL
"-" reads standard input.

--format xlsx --out FILE.xlsx writes the workbook of CISO Assistant's EBIOS RM
export, which its data wizard imports ("EBIOS RM study (CISO Assistant
format)"), with level names in the language; scrutin ebios import reads it back.`,
		Example: `  scrutin ebios --lang fr
  scrutin ebios --budget 500000 --format json --out study.json
  scrutin ebios --format xlsx --out study.xlsx --lang fr`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.model = args[0]
			}
			f := cmd.Flags()
			o.budgetSet, o.trialsSet, o.seedSet = f.Changed("budget"), f.Changed("trials"), f.Changed("seed")
			return runEbios(cmd.Context(), o, e)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.budget, "budget", "", "plan the treatment within this yearly budget, annualised (100000, 100k, 1.5M)")
	f.StringVar(&o.objective, "objective", plan.ObjectiveMean, "what the treatment's plan minimises, with --budget: mean, p90, p95 or p99 of the loss, or harm:ID:STAT of a harm dimension")
	trialsVar(f, &o.trials)
	seedVar(f, &o.seed)
	f.StringVar(&o.format, "format", "text", "output format: text, json, md, html (a self-contained page with the ecosystem map) or xlsx (CISO Assistant's EBIOS RM workbook; needs --out)")
	f.StringVar(&o.lang, "lang", "", "language: en or fr (default: from $LC_ALL, $LC_MESSAGES or $LANG, else en)")
	f.StringVarP(&o.out, "out", "o", "", "write the output to this file instead of standard output")
	workersVar(f, &o.workers, "number of parallel workers (default: all cores; never changes the result)")
	cmd.AddCommand(newEbiosImportCmd(e))
	return cmd
}

// ebiosFormats are the formats of scrutin ebios.
var ebiosFormats = []string{"text", "json", "md", "html", "xlsx"}

func runEbios(ctx context.Context, o ebiosOptions, e *env) error {
	if !slices.Contains(ebiosFormats, o.format) {
		return usageError{fmt.Errorf("--format must be text, json, md, html or xlsx, got %q", o.format)}
	}
	if o.format == "xlsx" && o.out == "" {
		return usageError{fmt.Errorf("--format xlsx writes a binary workbook: name its file with --out FILE.xlsx")}
	}
	lang, err := langOf(o.lang, os.Getenv)
	if err != nil {
		return err
	}
	var budget float64
	if o.budgetSet {
		if budget, err = parseAmount(o.budget); err != nil {
			return usageError{fmt.Errorf("--budget: %w", err)}
		}
	}
	var m *model.Model
	if o.model == "" && lang == i18n.French {
		// The built-in study in French: it reads in French through and
		// through, its names included.
		m, err = model.DecodeWith(examples.DefaultFR, examples.ElectionIn("fr"), model.DecodeOptions{Attack: e.attackIDs()})
	} else {
		m, err = loadModel(e, o.model)
	}
	if err != nil {
		return err
	}
	if m.Ebios == nil {
		return usageError{fmt.Errorf("the model has no ebios: block, so it is not an EBIOS RM study; the built-in example has one")}
	}
	opt := ebios.Options{Workers: o.workers}
	opt.Trials, opt.Seed = trialsAndSeed(m, o.trials, o.trialsSet, o.seed, o.seedSet)
	warnFewTrials(e, opt.Trials)
	bar := newProgress(e, "simulating")
	if _, err := plan.CheckObjective(m, o.objective); err != nil {
		return usageError{fmt.Errorf("--objective: %w", err)}
	}
	if o.budgetSet {
		popt := plan.Options{Budget: budget, Objective: o.objective, Trials: opt.Trials, Seed: opt.Seed, Workers: o.workers, Progress: growingProgress(bar)}
		pl, err := plan.Optimize(ctx, m, popt)
		if err != nil {
			bar.finish()
			return err
		}
		opt.After = append(append([]string{}, pl.Implemented...), pl.Selected...)
	}
	st, err := ebios.Compute(ctx, m, opt)
	bar.finish()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch o.format {
	case "json":
		err = report.EbiosJSON(&buf, st)
	case "md":
		err = report.EbiosMarkdown(&buf, st, lang)
	case "html":
		err = report.EbiosHTML(&buf, st, lang)
	case "xlsx":
		err = ciso.Write(&buf, m, st, string(lang))
	default:
		err = report.EbiosText(&buf, st, lang)
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
