package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/national"
	"github.com/scrutin/scrutin/internal/report"
)

type nationalOptions struct {
	members            []string
	evidence           []string
	trials             int64
	seed               uint64
	trialsSet, seedSet bool
	workers            int
	format, out        string
}

func newNationalCmd(e *env) *cobra.Command {
	var o nationalOptions
	cmd := &cobra.Command{
		Use:   "national ORG=MODEL ORG=MODEL...",
		Short: "Simulate several organisations' models together: the joint national risk",
		Long: `Compose several organisations' models into one simulation, as an agency's
national run does: every id is prefixed with its organisation ("party-a.leak"),
and the actors of different organisations with the same ATT&CK group id (or
the same shared_id) draw one common activity per simulated year, so that a
busy year for APT28 is busy for every organisation at once (they must then
give the same activity). Each organisation's controls in force are its
implemented ones; its evidence is given with --evidence ORG=FILE.

It reports portfolio-level figures only: the national loss (and harms), each
organisation's part (simulated on the same random numbers), the national 99th
percentile against the sum of the organisations' and against the same
organisations with independent actors. The models must count money in one
currency and simulate periods of one length. Trials and seed default to
100,000 and 1, whatever the models say.`,
		Example: `  scrutin national party=examples/minimal.yaml authority=examples/calibration.yaml
  scrutin national a=party.yaml b=ministry.yaml --evidence b=ministry-events.json --format json`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.members = args
			o.trialsSet = cmd.Flags().Changed("trials")
			o.seedSet = cmd.Flags().Changed("seed")
			return runNational(cmd.Context(), o, e)
		},
	}
	f := cmd.Flags()
	trialsVar(f, &o.trials)
	seedVar(f, &o.seed)
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.StringVarP(&o.out, "out", "o", "", "write the output to this file instead of standard output")
	workersVar(f, &o.workers, "number of parallel workers (default: all cores; never changes the result)")
	f.StringSliceVar(&o.evidence, "evidence", nil, "ORG=FILE: an evidence file for that organisation's model (repeatable)")
	return cmd
}

// splitMember splits ORG=VALUE.
func splitMember(arg, what string) (string, string, error) {
	org, v, ok := strings.Cut(arg, "=")
	if !ok || org == "" || v == "" {
		return "", "", usageError{fmt.Errorf("%s %q: give ORG=%s", what, arg, strings.ToUpper(what))}
	}
	return org, v, nil
}

func runNational(ctx context.Context, o nationalOptions, e *env) error {
	if o.format != "text" && o.format != "json" {
		return usageError{fmt.Errorf("--format must be text or json, got %q", o.format)}
	}
	evidenceOf := map[string][]string{}
	for _, a := range o.evidence {
		org, file, err := splitMember(a, "evidence")
		if err != nil {
			return err
		}
		evidenceOf[org] = append(evidenceOf[org], file)
	}
	var members []national.Member
	known := map[string]bool{}
	for _, a := range o.members {
		org, path, err := splitMember(a, "model")
		if err != nil {
			return err
		}
		known[org] = true
		m, err := loadModel(e, path)
		if err != nil {
			return err
		}
		files, err := readEvidence(evidenceOf[org])
		if err != nil {
			return err
		}
		m, _, err = evidence.Calibrate(m, files)
		if err != nil {
			return fmt.Errorf("organisation %s: %w", org, err)
		}
		members = append(members, national.Member{Org: org, Model: m})
	}
	for org := range evidenceOf {
		if !known[org] {
			return usageError{fmt.Errorf("--evidence names organisation %q, which has no model", org)}
		}
	}
	opt := national.Options{Trials: defaultTrials, Seed: defaultSeed, Workers: o.workers}
	if o.trialsSet {
		opt.Trials = o.trials
	}
	if o.seedSet {
		opt.Seed = o.seed
	}
	warnFewTrials(e, opt.Trials)
	bar := newProgress(e, "simulating")
	opt.Progress = bar.update
	res, err := national.Run(ctx, members, opt)
	bar.finish()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if o.format == "json" {
		err = report.JSON(&buf, res)
	} else {
		err = report.NationalText(&buf, res)
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
