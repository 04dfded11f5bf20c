package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/plan"
	"github.com/scrutin/scrutin/internal/report"
	"github.com/scrutin/scrutin/internal/sim"
)

// defaultSensitivityTop is how many inputs the text report shows by default.
const defaultSensitivityTop = 15

type sensitivityOptions struct {
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
	measure   string
	top       int
	levels    int
	harm      string
}

func newSensitivityCmd(e *env) *cobra.Command {
	var o sensitivityOptions
	cmd := &cobra.Command{
		Use:   "sensitivity [MODEL]",
		Short: "Find which uncertain inputs drive the annual loss, or a harm",
		Long: `Find which uncertain inputs of a risk model (its frequencies, vulnerabilities,
magnitudes, secondary losses, actors' activity and capability) drive the annual
loss, so that you know which estimate deserves better evidence.

Tornado: each input is held at its 10th and at its 90th percentile while
everything else stays random on the same simulated years; the measure of the
annual loss (--measure: mean, p90, p95 or p99) at both shows how far that one
estimate moves the result.

Variance ranking: each input's share of the variance of the annual loss
(first-order sensitivity index, Var(E[loss | input]) / Var(loss)), corrected
for Monte Carlo noise. The mean annual loss is exactly linear in most inputs,
so their P10 and P90 runs give it; FAIR resistances are held at --levels
values. Magnitudes and capabilities are drawn for every event: in the tornado
every event of the year takes the value held, and their share counts their
spread from one event to the next. The shares add up to less than 100 %: the
rest comes from chance (how many loss events a year brings) and from inputs
acting together.

With no MODEL, analyse the built-in example; MODEL "-" reads standard input.
It takes about 3 s of one core for the built-in example at 100,000 trials.

--format json prints (money in the model's currency, shares as fractions,
inputs by decreasing swing, all of them whatever --top says):

  {"model": "…", "trials": 100000, "seed": 1, "currency": "EUR",
   "controls": ["…"], "measure": "mean", "base": 0, "variance": 0,
   "inputs": [{"id": "hack-and-leak: frequency", "scenario": "hack-and-leak",
               "parameter": "frequency", "p10": 0, "p90": 0, "low": 0,
               "high": 0, "swing": 0, "variance_share": 0}]}

base is the measure with every input random, variance the variance of the
annual loss; an actor's input has "actor" instead of "scenario"; parameter is
frequency, vulnerability, resistance, capability, magnitude,
secondary.probability, secondary.magnitude or activity; p10 and p90 are the
input's percentiles, low and high the measure with the input held at them.

Harms: --harm ID analyses the harm of dimension ID of the model's harms:
instead of the annual loss, in the dimension's unit (per election when the
model has a calendar). Its inputs are those of the scenarios that draw the
harm: their frequencies, vulnerabilities and actors, and the harm itself
(parameter harm.ID, drawn for every loss event like a magnitude);
magnitudes and secondary losses do not change a harm. The JSON is the same
with "harm" and "unit" added; base, variance, low and high are then in
the unit. Without --harm, a model with harms gets the analysis of the
annual loss and, after it, the inputs that drive each dimension most; its
JSON adds "harms": [{"id", "name", "unit", "measure", "base", "variance",
"inputs"}], one per dimension, with all the inputs.`,
		Example: `  scrutin sensitivity
  scrutin sensitivity examples/minimal.yaml --measure p95
  scrutin sensitivity model.yaml --with security-keys --top 5
  scrutin sensitivity model.yaml --format json --out sensitivity.json
  scrutin sensitivity --harm votes-altered`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.model = args[0]
			}
			o.trialsSet = cmd.Flags().Changed("trials")
			o.seedSet = cmd.Flags().Changed("seed")
			return runSensitivity(cmd.Context(), o, e)
		},
	}
	f := cmd.Flags()
	trialsVar(f, &o.trials)
	seedVar(f, &o.seed)
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.StringVarP(&o.out, "out", "o", "", "write the output to this file instead of standard output")
	f.StringSliceVar(&o.with, "with", nil, "switch these controls on (ids, repeatable or comma-separated)")
	f.StringSliceVar(&o.without, "without", nil, "switch these controls off")
	workersVar(f, &o.workers, "number of parallel workers (default: all cores; never changes the result)")
	f.StringSliceVar(&o.evidence, "evidence", nil, "evidence files (written by scrutin ingest or scrutin phishing) that the model's evidence: section counts from")
	f.StringVar(&o.measure, "measure", "mean", "measure of the annual loss in the tornado: mean, p90, p95 or p99")
	wholeVar(f, &o.top, "top", defaultSensitivityTop, 0, math.MaxInt, "a valid number of inputs", " (0: all)", "inputs shown in the text report (0: all; JSON always has all)")
	f.StringVar(&o.harm, "harm", "", "analyse the harm of this dimension (an id of the model's harms:) instead of the annual loss")
	wholeVar(f, &o.levels, "levels", plan.DefaultSensitivityLevels, 2, math.MaxInt, "a valid number of levels", "", "values a FAIR resistance is held at for its share of the variance (≥ 2)")
	return cmd
}

func runSensitivity(ctx context.Context, o sensitivityOptions, e *env) error {
	if o.format != "text" && o.format != "json" {
		return usageError{fmt.Errorf("--format must be text or json, got %q", o.format)}
	}
	if !slices.Contains(plan.SensitivityMeasures(), o.measure) {
		return usageError{fmt.Errorf("--measure must be mean, p90, p95 or p99, got %q", o.measure)}
	}
	m, err := loadModel(e, o.model)
	if err != nil {
		return err
	}
	if err := plan.CheckSensitivityHarm(m, o.harm); err != nil {
		return usageError{fmt.Errorf("--harm: %w", err)}
	}
	inForce, err := controlsInForce(e, m, o.with, o.without)
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
	opt := plan.SensitivityOptions{Controls: inForce,
		Measure: o.measure, Levels: o.levels, Workers: o.workers, Harm: o.harm}
	opt.Trials, opt.Seed = trialsAndSeed(m, o.trials, o.trialsSet, o.seed, o.seedSet)
	warnFewTrials(e, opt.Trials)
	bar := newProgress(e, "sensitivity")
	opt.Progress = bar.update
	res, err := plan.Sensitivity(ctx, m, opt)
	bar.finish()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if o.format == "json" {
		err = report.JSON(&buf, res)
	} else {
		err = writeSensitivity(&buf, m, res, o.top)
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

// sensBarHalf is the width in characters of each side of the tornado.
const sensBarHalf = 14

// sensSubject is what an analysis explains, in words: the annual loss, or
// the harm of one dimension.
type sensSubject struct {
	money  bool
	unit   string // the currency, or the harm's unit
	noun   string // "annual loss", "votes altered per election"
	lead   string // the tornado's title, measure and unit: "Mean annual loss in EUR"
	period string // "year" or "election": one simulated trial
	num    func(float64) string
	big    func(float64) string
	event  string // the note on inputs drawn for every event
}

// sensPeriod names one simulated trial: an election when the model has a
// calendar, else a year.
func sensPeriod(m *model.Model) string {
	if m.Calendar != nil {
		return "election"
	}
	return "year"
}

// sensTrials says how many trials were simulated: years, or elections
// (one every cycle_years years) for a model with a calendar.
func sensTrials(m *model.Model, n int64) string {
	if m.Calendar == nil {
		return report.SimulatedYears(n)
	}
	return report.Period{Election: true, Cycle: m.Calendar.Cycle()}.Trials(n)
}

// sensArticle is "a year" or "an election".
func sensArticle(period string) string {
	if period == "election" {
		return "an election"
	}
	return "a year"
}

func sensMoney(m *model.Model, r *plan.SensitivityResult) sensSubject {
	noun := "annual loss"
	if m.Calendar != nil {
		noun = "loss per election"
	}
	lead := "Mean " + noun
	if r.Measure != "mean" {
		lead = strings.ToUpper(r.Measure[:1]) + r.Measure[1:] + " of the " + noun
	}
	return sensSubject{money: true, unit: r.Currency, noun: noun, lead: lead + " in " + r.Currency,
		period: sensPeriod(m), num: report.Compact, big: report.Money,
		event: "Magnitudes and capabilities are drawn for every event: in the tornado every event of the year takes " +
			"the value held; their share counts their spread from one event to the next."}
}

func sensHarm(m *model.Model, h *model.Harm, measure string) sensSubject {
	period := sensPeriod(m)
	noun := report.Lower(h.Name) + " per " + period
	lead := "Mean " + noun
	if measure != "mean" {
		lead = strings.ToUpper(measure[:1]) + measure[1:] + " of the " + noun
	}
	return sensSubject{unit: h.Unit, noun: noun, lead: lead + " (" + h.Unit + ")", period: period,
		num: sensHarmNum, big: report.Amount,
		event: "Harms and capabilities are drawn for every event: in the tornado every event of the " + period +
			" takes the value held; their share counts their spread from one event to the next."}
}

// sensHarmNum formats a harm in a few characters: 0.464, 681, 5.3k.
func sensHarmNum(x float64) string {
	if math.Abs(x) < 1000 {
		return report.Amount(x)
	}
	return report.Compact(x)
}

// writeSensitivity writes the text report: the tornado, then the ranking
// by share of the variance, and what to do about it; for a model with
// harms analysed for its loss, then the inputs that drive each harm most.
func writeSensitivity(w io.Writer, m *model.Model, r *plan.SensitivityResult, top int) error {
	bw := bufio.NewWriter(w)
	subj := sensMoney(m, r)
	fmt.Fprintf(bw, "%s\n", r.Model)
	if h := m.HarmByID(r.Harm); r.Harm != "" && h != nil {
		subj = sensHarm(m, h, r.Measure)
		fmt.Fprintf(bw, "%s · seed %d · harm: %s (%s)\n", sensTrials(m, r.Trials), r.Seed, report.Lower(h.Name), h.Unit)
	} else {
		fmt.Fprintf(bw, "%s · seed %d · money in %s\n", sensTrials(m, r.Trials), r.Seed, r.Currency)
	}
	fmt.Fprintf(bw, "Controls in force: %s\n\n", sensControlList(m, r.Controls))
	writeSensAnalysis(bw, m, subj, r.Base, r.Variance, r.Inputs, top)
	if len(r.Harms) > 0 {
		writeSensHarms(bw, m, r, top)
	}
	return bw.Flush()
}

// writeSensAnalysis writes the tornado, the ranking by share of the
// variance and the conclusion for one subject.
func writeSensAnalysis(bw io.Writer, m *model.Model, subj sensSubject, base, variance float64, inputs []plan.SensitivityInput, top int) {
	if len(inputs) == 0 {
		if !subj.money {
			sensParagraph(bw, "The "+subj.noun+" has no uncertain input: the frequencies, vulnerabilities and harms "+
				"of the scenarios that draw it are constants (or come from an attack tree), so there is nothing to rank.")
			return
		}
		sensParagraph(bw, "The model has no uncertain input: every frequency, vulnerability and magnitude is a "+
			"constant (or comes from an attack tree), so there is nothing to rank.")
		return
	}
	shown := len(inputs)
	if top > 0 {
		shown = min(top, shown)
	}

	sensParagraph(bw, fmt.Sprintf("%s with each input held at its P10 (░) and at its P90 (█), everything "+
		"else random on the same simulated %ss; │ marks %s, with every input random.", subj.lead, subj.period, subj.big(base)))
	scale := 0.0
	for _, in := range inputs[:shown] {
		scale = max(scale, math.Abs(in.Low-base), math.Abs(in.High-base))
	}
	t := report.Table{Align: "llrlrr"}
	t.Add("input", "P10 → P90", "at P10", "", "at P90", "swing")
	for _, in := range inputs[:shown] {
		t.Add(in.ID, sensRange(m, in, subj.unit), subj.num(in.Low), sensBar(in, base, scale),
			subj.num(in.High), subj.num(in.Swing))
	}
	t.Write(bw, "  ")
	sensMore(bw, len(inputs)-shown, "smaller swings")
	fmt.Fprintln(bw)

	byShare := sensByShare(inputs)
	fmt.Fprintf(bw, "Share of the variance of the %s (sd %s %s), one input at a time\n",
		subj.noun, subj.big(math.Sqrt(variance)), subj.unit)
	t = report.Table{Align: "lrrl"}
	t.Add("input", "share", "± se", "")
	biggest := byShare[0].VarianceShare
	for _, in := range byShare[:shown] {
		bar := ""
		if biggest > 0 {
			bar = strings.Repeat("█", int(math.Round(in.VarianceShare/biggest*2*sensBarHalf)))
		}
		share, se := sensShare(in.VarianceShare, in.VarianceShareSE)
		t.Add(in.ID, share, "± "+se, bar)
	}
	t.Write(bw, "  ")
	sensMore(bw, len(inputs)-shown, "smaller shares")
	var explained float64
	for _, in := range inputs {
		explained += in.VarianceShare
	}
	all, _ := sensShare(explained, 0)
	rest := fmt.Sprintf("Together the %d inputs explain %s of the variance, more than 100 %% only by Monte Carlo noise "+
		"(run more trials).", len(inputs), all)
	if explained <= 1 {
		other, _ := sensShare(1-explained, 0)
		together := fmt.Sprintf("Together the %d inputs explain", len(inputs))
		if len(inputs) == 1 {
			together = "The one input explains"
		}
		rest = fmt.Sprintf("%s %s of the variance; the other %s comes from chance (how many "+
			"loss events %s brings) and from inputs acting together.", together, all, other, sensArticle(subj.period))
	}
	if explained < 0.5 {
		rest += " Better estimates cannot remove chance, but they do move the result: see the swings above."
	}
	if slices.ContainsFunc(inputs, func(in plan.SensitivityInput) bool {
		return in.Parameter == sim.ParamMagnitude || in.Parameter == sim.ParamSecondaryMagnitude || in.Parameter == sim.ParamCapability ||
			strings.HasPrefix(in.Parameter, sim.ParamHarmPrefix)
	}) {
		rest += " " + subj.event
	}
	sensParagraph(bw, rest+" Shares are corrected for Monte Carlo noise; ± is one standard error.")
	fmt.Fprintln(bw)

	if lead := byShare[0]; lead.VarianceShare > 0 {
		share, _ := sensShare(lead.VarianceShare, 0)
		sensParagraph(bw, fmt.Sprintf("The estimate that matters most is %s (%s of the variance): better evidence "+
			"on it would sharpen the risk picture most.", lead.ID, share))
	} else {
		sensParagraph(bw, "No input explains a measurable share of the variance: chance dominates "+
			"(run more trials to be sure).")
	}
}

// sensHarmsTop is how many inputs the summary shows per harm dimension
// (fewer with a smaller --top, all with --top 0).
const sensHarmsTop = 3

// writeSensHarms writes, after the analysis of the loss, the inputs with
// the largest share of the variance of each harm dimension.
func writeSensHarms(bw io.Writer, m *model.Model, r *plan.SensitivityResult, top int) {
	period := sensPeriod(m)
	fmt.Fprintln(bw)
	sensParagraph(bw, fmt.Sprintf("Harm beyond money (per %s): the inputs with the largest share of the variance of "+
		"each dimension's harm, one input at a time; --harm ID analyses one dimension in full.", period))
	what := "mean"
	if r.Measure != "mean" {
		what = strings.ToUpper(r.Measure[:1]) + r.Measure[1:]
	}
	for _, h := range r.Harms {
		fmt.Fprintln(bw)
		fmt.Fprintf(bw, "%s (%s): %s %s per %s, sd %s\n", h.Name, h.Unit, what,
			report.Amount(h.Base), period, report.Amount(math.Sqrt(h.Variance)))
		if len(h.Inputs) == 0 {
			fmt.Fprintf(bw, "  No uncertain input: the frequencies, vulnerabilities and harms of the scenarios that draw it are constants.\n")
			continue
		}
		n := len(h.Inputs) // --top 0: all
		if top > 0 {
			n = min(n, top, sensHarmsTop)
		}
		t := report.Table{Align: "lrrrr"}
		t.Add("input", "share", "± se", what+" at P10", "at P90")
		for _, in := range h.ByShare()[:n] {
			share, se := sensShare(in.VarianceShare, in.VarianceShareSE)
			t.Add(in.ID, share, "± "+se, sensHarmNum(in.Low), sensHarmNum(in.High))
		}
		t.Write(bw, "  ")
		if more := len(h.Inputs) - n; more > 0 {
			fmt.Fprintf(bw, "  … and %d more input%s (--harm %s shows all)\n", more, plural(more), h.ID)
		}
	}
}

// sensByShare returns the inputs by decreasing variance share (as
// SensitivityResult.ByShare).
func sensByShare(inputs []plan.SensitivityInput) []plan.SensitivityInput {
	r := plan.SensitivityResult{Inputs: inputs}
	return r.ByShare()
}

// sensWidth is the width prose is wrapped to.
const sensWidth = 100

// sensParagraph writes text wrapped at sensWidth.
func sensParagraph(w io.Writer, text string) {
	line := 0
	for i, word := range strings.Fields(text) {
		n := utf8.RuneCountInString(word)
		switch {
		case i == 0:
		case line+1+n > sensWidth:
			fmt.Fprintln(w)
			line = 0
		default:
			fmt.Fprint(w, " ")
			line++
		}
		fmt.Fprint(w, word)
		line += n
	}
	fmt.Fprintln(w)
}

func sensMore(w io.Writer, n int, what string) {
	if n > 0 {
		fmt.Fprintf(w, "  … and %d more input%s with %s (--top 0 shows all)\n", n, plural(n), what)
	}
}

// sensShare formats a share and its standard error as percentages, with
// one decimal, or two below 10 %, or three below 0.1 %.
func sensShare(s, se float64) (share, stderr string) {
	prec := 1
	switch v := 100 * s; {
	case v < 0.1:
		prec = 3
	case v < 10:
		prec = 2
	}
	return strconv.FormatFloat(100*s, 'f', prec, 64) + " %", strconv.FormatFloat(100*se, 'f', prec, 64)
}

// sensBar draws one row of the tornado: from the axis (the base value) to
// the measure at P10 in ░ and to the measure at P90 in █, the farther one
// first, so that both show when they fall on the same side.
func sensBar(in plan.SensitivityInput, base, scale float64) string {
	row := []rune(strings.Repeat(" ", sensBarHalf) + "│" + strings.Repeat(" ", sensBarHalf))
	draw := func(v float64, c rune) {
		if !(scale > 0) {
			return
		}
		n := int(math.Round(math.Abs(v-base) / scale * sensBarHalf))
		for i := 1; i <= n; i++ {
			if v < base {
				row[sensBarHalf-i] = c
			} else {
				row[sensBarHalf+i] = c
			}
		}
	}
	if math.Abs(in.Low-base) >= math.Abs(in.High-base) {
		draw(in.Low, '░')
		draw(in.High, '█')
	} else {
		draw(in.High, '█')
		draw(in.Low, '░')
	}
	return string(row)
}

// sensRange is an input's P10 and P90 with the unit of its parameter:
// a frequency per year (per election when the model has a calendar), a
// harm in its dimension's unit, a loss in the currency.
func sensRange(m *model.Model, in plan.SensitivityInput, currency string) string {
	num := func(x float64) string {
		s := strconv.FormatFloat(x, 'g', 3, 64)
		if strings.ContainsAny(s, "e") {
			return report.Compact(x)
		}
		return s
	}
	if id, ok := strings.CutPrefix(in.Parameter, sim.ParamHarmPrefix); ok {
		unit := id
		if h := m.HarmByID(id); h != nil {
			unit = h.Unit
		}
		return sensHarmNum(in.P10) + " → " + sensHarmNum(in.P90) + " " + unit
	}
	switch in.Parameter {
	case sim.ParamFrequency:
		return num(in.P10) + " → " + num(in.P90) + " /" + sensPeriod(m)
	case sim.ParamMagnitude, sim.ParamSecondaryMagnitude:
		return report.Compact(in.P10) + " → " + report.Compact(in.P90) + " " + currency
	case sim.ParamActivity:
		return "×" + num(in.P10) + " → ×" + num(in.P90)
	}
	return num(100*in.P10) + " → " + num(100*in.P90) + " %" // probabilities and percentiles
}

func sensControlList(m *model.Model, ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return fmt.Sprintf("%s (%d of %d)", strings.Join(ids, ", "), len(ids), len(m.Controls))
}
