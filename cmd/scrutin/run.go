package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/fleet"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/sim"
)

// Defaults when neither the command line nor the model says.
const (
	defaultTrials = 100_000
	defaultSeed   = 1
)

var formats = []string{"text", "json", "csv"}

type runOptions struct {
	model     string
	trials    int64
	trialsSet bool
	seed      uint64
	seedSet   bool
	format    string
	out       string
	with      []string
	without   []string
	workers   int
	evidence  []string
	nats      string
	replicas  int
}

func newRunCmd(e *env) *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run [MODEL]",
		Short: "Simulate a risk model and report its annual loss",
		Long: `Simulate years of a risk model and report the annual loss of each scenario and
of the whole portfolio: mean, quantiles, probability of no loss, loss events
per year, the loss exceedance curve and the verdict against the model's risk
tolerance. With no MODEL, run the built-in example (an election seen by a
campaign, a ministry and the election authority). MODEL "-" reads standard
input. The same model, seed and trials give the same result on any machine.`,
		Example: `  scrutin run
  scrutin run examples/minimal.yaml --with security-keys
  scrutin run model.yaml --trials 1000000 --seed 7 --format json --out result.json`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.model = args[0]
			}
			o.trialsSet = cmd.Flags().Changed("trials")
			o.seedSet = cmd.Flags().Changed("seed")
			return runRun(cmd.Context(), o, e)
		},
	}
	f := cmd.Flags()
	trialsVar(f, &o.trials)
	seedVar(f, &o.seed)
	f.StringVar(&o.format, "format", "text", "output format: text, json or csv")
	f.StringVarP(&o.out, "out", "o", "", "write the output to this file instead of standard output")
	f.StringSliceVar(&o.with, "with", nil, "switch these controls on for a what-if run (ids, repeatable or comma-separated)")
	f.StringSliceVar(&o.without, "without", nil, "switch these controls off for a what-if run")
	workersVar(f, &o.workers, "number of parallel workers (default: all cores; never changes the result)")
	f.StringSliceVar(&o.evidence, "evidence", nil, "evidence files (written by scrutin ingest or scrutin phishing) that the model's evidence: section counts from")
	f.StringVar(&o.nats, "nats", "", "simulate on the workers of this NATS JetStream (URLs, comma-separated; see scrutin worker): the same output as a local run")
	wholeVar(f, &o.replicas, "replicas", 1, 1, 5, "a number of replicas", "", "with --nats: replicas of the fleet's streams and object store (1, or 3 on a cluster)")
	return cmd
}

func runRun(ctx context.Context, o runOptions, e *env) error {
	if !slices.Contains(formats, o.format) {
		return usageError{fmt.Errorf("--format must be text, json or csv, got %q", o.format)}
	}
	m, err := loadModel(e, o.model)
	if err != nil {
		return err
	}
	inForce, err := controlsInForce(e, m, o.with, o.without)
	if err != nil {
		return err
	}
	files, err := readEvidence(o.evidence)
	if err != nil {
		return err
	}
	prior := m
	m, updates, err := evidence.Calibrate(m, files)
	if err != nil {
		return err
	}
	opt := sim.Options{Controls: inForce, Workers: o.workers}
	opt.Trials, opt.Seed = trialsAndSeed(m, o.trials, o.trialsSet, o.seed, o.seedSet)
	warnFewTrials(e, opt.Trials)
	bar := newProgress(e, "simulating")
	opt.Progress = bar.update
	res, err := simulate(ctx, m, opt, o)
	bar.finish()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := render(&buf, o.format, prior, res, updates); err != nil {
		return err
	}
	if o.out != "" {
		return writeOutput(o.out, buf.Bytes())
	}
	_, err = e.stdout.Write(buf.Bytes())
	return err
}

// simulate runs locally, or on the fleet's workers with --nats.
func simulate(ctx context.Context, m *model.Model, opt sim.Options, o runOptions) (*sim.Result, error) {
	if o.nats == "" {
		return sim.Run(ctx, m, opt)
	}
	nc, js, err := connectNATS(o.nats, "scrutin run")
	if err != nil {
		return nil, err
	}
	defer nc.Close()
	d := &fleet.Dispatcher{JS: js, Config: fleet.Config{Replicas: o.replicas}, Version: versionString()}
	return d.Run(ctx, m, opt)
}

func render(w io.Writer, format string, m *model.Model, res *sim.Result, updates []evidence.Update) error {
	switch format {
	case "json":
		return report.JSON(w, report.WithCalibration(res, updates))
	case "csv":
		return report.CSV(w, res)
	}
	return report.Text(w, m, res, updates)
}

// readEvidence reads the evidence files of --evidence.
func readEvidence(paths []string) ([]*evidence.EvidenceFile, error) {
	var files []*evidence.EvidenceFile
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, model.Errorf(model.EINVALID, "cannot read evidence %s: %v", p, unwrapPath(err))
		}
		ef, err := evidence.ReadEvidenceFile(p, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		files = append(files, ef)
	}
	return files, nil
}

// fewTrials is the number of simulated years below which the figures are
// not to be trusted: under 1,000 years, the P99 rests on fewer than ten
// years beyond it, and the Monte Carlo error (from the spread of the
// years) is itself too uncertain to say how precise the mean is; with one
// year there is no spread at all.
const fewTrials = 1000

// warnFewTrials warns when trials is below fewTrials.
func warnFewTrials(e *env, trials int64) {
	if trials < fewTrials {
		fmt.Fprintf(e.stderr, "scrutin: warning: %d simulated year%s: below %s, the Monte Carlo error and the tail quantiles (P90, P99) mean little; use 10,000 or more (--trials) for figures to act on\n",
			trials, plural(int(trials)), report.Money(fewTrials))
	}
}

// trialsAndSeed resolves the trials and seed of a command: the flag when
// given, else the model's, else defaultTrials and defaultSeed.
func trialsAndSeed(m *model.Model, trials int64, trialsSet bool, seed uint64, seedSet bool) (int64, uint64) {
	t, sd := int64(defaultTrials), uint64(defaultSeed)
	if m.Trials > 0 {
		t = m.Trials
	}
	if trialsSet {
		t = trials
	}
	if m.Seed != 0 {
		sd = m.Seed
	}
	if seedSet {
		sd = seed
	}
	return t, sd
}
