package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/runreport"
	"github.com/scrutin/scrutin/internal/store"
)

type reportOptions struct {
	model     string
	budget    string
	budgetSet bool
	objective string
	horizon   string
	trials    int64
	trialsSet bool
	seed      uint64
	seedSet   bool
	with      []string
	without   []string
	evidence  []string
	format    string
	lang      string
	out       string
	workers   int
	run       int64
	runSet    bool
	db        string
	data      string
	org       string
}

func newReportCmd(e *env) *cobra.Command {
	var o reportOptions
	cmd := &cobra.Command{
		Use:   "report [MODEL] [--budget AMOUNT] [--format html|md|pdf] [--lang en|fr] [--out FILE]",
		Short: "Write a self-contained risk report: verdict, recommended plan, scenarios, evidence, assumptions, method",
		Long: `Simulate a model, plan its mitigation and write the report for decision makers:
first the verdict (is the risk significant, before and with the recommended
plan), then the recommended plan (controls, cost, risk reduction, return on
security investment, the efficient frontier), the scenarios, the evidence
that calibrated the model, its assumptions and the method. A model with harm
dimensions also gets a section per dimension in plain words, with its
tolerance and verdict, the calendar's windows and timing multipliers, and
whether the plan brings every dimension within tolerance; with a calendar,
the report speaks per election.

With --budget, the plan is the one 'scrutin plan' chooses for that yearly
budget; without, it is the portfolio of the efficient frontier with the
largest expected net benefit (mean annual loss avoided minus annualised cost).

--format html (the default) writes one self-contained HTML file: styles and
charts inline, no script, nothing fetched; each chart is followed by its data
as a table, and it prints well. --format md writes GitHub-flavoured Markdown.
--format pdf prints the HTML with headless Chromium (chromium, chromium-browser
or google-chrome on PATH) and needs --out. The language is --lang, else French
when $LC_ALL, $LC_MESSAGES or $LANG say fr, else English.

--run ID reports a run stored by 'scrutin serve' (with --org, and --db or
--data as for serve): its model revision, trials, seed, controls, evidence and
result, planned on the same simulated years. The database is only read.

With no MODEL, report on the built-in example; MODEL "-" reads standard input.
The same model, seed and trials give the same report, byte for byte (set
SOURCE_DATE_EPOCH to fix the report's date too).`,
		Example: `  scrutin report --out report.html
  scrutin report examples/minimal.yaml --budget 10k --lang fr --out rapport.html
  scrutin report examples/calibration.yaml --evidence ssh.json,phishing.json --format md
  scrutin report model.yaml --format pdf --out report.pdf
  scrutin report --run 12 --org party-a --db scrutin.db --out run-12.html`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.model = args[0]
			}
			f := cmd.Flags()
			o.budgetSet, o.trialsSet, o.seedSet, o.runSet = f.Changed("budget"), f.Changed("trials"), f.Changed("seed"), f.Changed("run")
			if o.runSet {
				for _, name := range []string{"trials", "seed", "with", "without", "evidence"} {
					if f.Changed(name) {
						return usageError{fmt.Errorf("--%s cannot go with --run: a stored run has its own model, trials, seed, controls and evidence", name)}
					}
				}
				if len(args) > 0 {
					return usageError{fmt.Errorf("a MODEL cannot go with --run: the stored run names its model revision")}
				}
			}
			return runReport(cmd.Context(), o, e)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.budget, "budget", "", "yearly budget of the plan, annualised (100000, 100k, 1.5M); default: the plan with the largest net benefit")
	f.StringVar(&o.objective, "objective", plan.ObjectiveMean, "what the plan minimises: mean, p90, p95 or p99 of the annual loss, or harm:ID:STAT of a harm dimension")
	f.StringVar(&o.horizon, "horizon", "3y", "years over which one-off costs are spread (3y, 36m, or a number of years)")
	trialsVar(f, &o.trials)
	seedVar(f, &o.seed)
	f.StringSliceVar(&o.with, "with", nil, "switch these controls on (ids, repeatable or comma-separated)")
	f.StringSliceVar(&o.without, "without", nil, "switch these controls off")
	f.StringSliceVar(&o.evidence, "evidence", nil, "evidence files (written by scrutin ingest or scrutin phishing) that the model's evidence: section counts from")
	f.StringVar(&o.format, "format", "html", "output format: html, md or pdf")
	f.StringVar(&o.lang, "lang", "", "language: en or fr (default: from $LC_ALL, $LC_MESSAGES or $LANG, else en)")
	f.StringVarP(&o.out, "out", "o", "", "write the report to this file (required for pdf; default: standard output)")
	workersVar(f, &o.workers, "number of parallel workers (default: all cores; never changes the report)")
	wholeVar(f, &o.run, "run", 0, 1, math.MaxInt64, "a valid run id", "", "report this run stored by scrutin serve (with --org, and --db or --data)")
	f.StringVar(&o.db, "db", "", "the server's database, with --run: an SQLite file or postgres://… (default: <data dir>/scrutin.db)")
	f.StringVar(&o.data, "data", "", "the server's data directory, with --run (default: $SCRUTIN_DATA, else $XDG_DATA_HOME/scrutin, else ~/.local/share/scrutin)")
	f.StringVar(&o.org, "org", "", "the organisation that owns the run, with --run")
	return cmd
}

// reportLang is the report's language: --lang, else the locale of the
// environment, else English (as a first start's, langOf).
func reportLang(flag string) (i18n.Lang, error) { return langOf(flag, os.Getenv) }

// reportDate is the report's date: $SOURCE_DATE_EPOCH (reproducible
// builds' convention) when set, else now.
func reportDate() (time.Time, error) {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, model.Errorf(model.EINVALID, "SOURCE_DATE_EPOCH must be a number of seconds, got %q", s)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Now().UTC(), nil
}

func runReport(ctx context.Context, o reportOptions, e *env) error {
	if !slices.Contains(report.Formats, o.format) {
		return usageError{fmt.Errorf("--format must be html, md or pdf, got %q", o.format)}
	}
	if o.format == "pdf" && o.out == "" {
		return usageError{fmt.Errorf("--format pdf needs --out FILE")}
	}
	lang, err := reportLang(o.lang)
	if err != nil {
		return err
	}
	opt := report.Options{Objective: o.objective, Workers: o.workers}
	if o.budgetSet {
		b, err := parseAmount(o.budget)
		if err != nil {
			return usageError{fmt.Errorf("--budget: %w", err)}
		}
		opt.Budget = &b
	}
	if _, err := plan.ParseObjective(o.objective); err != nil {
		return usageError{fmt.Errorf("--objective: %w", err)}
	}
	if opt.Horizon, err = plan.ParseHorizon(o.horizon); err != nil {
		return usageError{fmt.Errorf("--horizon: %w", err)}
	}
	if o.runSet && o.org == "" {
		return usageError{fmt.Errorf("--run needs --org: the organisation that owns the run")}
	}
	if !o.runSet && (o.org != "" || o.db != "") {
		return usageError{fmt.Errorf("--org and --db go with --run")}
	}
	var browser string
	if o.format == "pdf" {
		// Before the work, not after it.
		if browser, err = report.FindChromium(); err != nil {
			return err
		}
	}
	if opt.Generated, err = reportDate(); err != nil {
		return err
	}

	var m *model.Model
	if o.runSet {
		if m, err = storedRun(ctx, o, &opt); err != nil {
			return err
		}
	} else if m, err = reportModel(e, o, &opt); err != nil {
		return err
	}

	if opt.Plan == nil {
		if _, err := plan.CheckObjective(m, o.objective); err != nil {
			return usageError{fmt.Errorf("--objective: %w", err)}
		}
	}
	warnFewTrials(e, opt.Trials)
	bar := newProgress(e, "computing the report")
	opt.Progress = growingProgress(bar)
	r, err := report.Build(ctx, m, opt)
	bar.finish()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := r.Render(ctx, &buf, o.format, lang, report.PDFOptions{Browser: browser}); err != nil {
		return err
	}
	if o.out != "" {
		return writeOutput(o.out, buf.Bytes())
	}
	_, err = e.stdout.Write(buf.Bytes())
	return err
}

// reportModel loads the model of a report from a file (or the built-in
// example) and resolves the run's settings as `scrutin run` does.
func reportModel(e *env, o reportOptions, opt *report.Options) (*model.Model, error) {
	m, err := loadModel(e, o.model)
	if err != nil {
		return nil, err
	}
	if opt.Controls, err = controlsInForce(e, m, o.with, o.without); err != nil {
		return nil, err
	}
	if opt.Evidence, err = readEvidence(o.evidence); err != nil {
		return nil, err
	}
	opt.Trials, opt.Seed = trialsAndSeed(m, o.trials, o.trialsSet, o.seed, o.seedSet)
	switch o.model {
	case "":
		opt.Origin.File = builtinName
	case "-":
		opt.Origin.File = "<stdin>"
	default:
		opt.Origin.File = o.model
	}
	return m, nil
}

// reportDatabase is the database of --run: --db, else scrutin.db in the
// data directory. An SQLite file must exist, and is opened read-only.
func reportDatabase(o reportOptions) (string, error) {
	dsn := o.db
	if dsn == "" {
		dir, err := dataDir(o.data)
		if err != nil {
			return "", err
		}
		dsn = filepath.Join(dir, "scrutin.db")
	}
	if strings.Contains(dsn, "://") || strings.HasPrefix(dsn, "file:") || dsn == ":memory:" {
		return dsn, nil
	}
	if st, err := os.Stat(dsn); err != nil || st.IsDir() {
		return "", model.Errorf(model.EINVALID, "no scrutin database at %s (give --db, or --data as for scrutin serve)", dsn)
	}
	abs, err := filepath.Abs(dsn)
	if err != nil {
		return "", model.Errorf(model.EINVALID, "database %s: %v", dsn, err)
	}
	return "file:" + (&url.URL{Path: abs}).EscapedPath() + "?mode=ro", nil
}

// storedRun reads a run stored by the server, its model revision and its
// evidence, and fills in opt to report it as the server computed it.
func storedRun(ctx context.Context, o reportOptions, opt *report.Options) (*model.Model, error) {
	dsn, err := reportDatabase(o)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	// What the organisation does not have is a mistake on the command line.
	m, err := runreport.Load(ctx, db, o.org, o.run, opt)
	return m, notFoundIsInvalid(err)
}
