package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/audit"
	"github.com/scrutin/scrutin/internal/i18n"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/report"
)

type auditOptions struct {
	model      string
	contest    string
	votes      string
	ballots    int64
	winners    int
	riskLimit  float64
	riskSet    bool
	format     string
	lang       string
	ballotsSet bool
	winnersSet bool
}

func newAuditCmd(e *env) *cobra.Command {
	var o auditOptions
	cmd := &cobra.Command{
		Use:   "audit [MODEL] [--contest ID] [--votes \"A=600,B=400\"] [--ballots N] [--winners K] [--risk-limit 0.10] [--format text|json]",
		Short: "What changing a contest's outcome takes, and what a risk-limiting audit must check to catch it",
		Long: `For each contest of the model (or one, with --contest; or the one typed with
--votes): the margin, the votes to flip (the fewest ballots whose vote must
change for the reported outcome to change), the counting units to flip (the
fewest units holding that many ballots), and the sample sizes of a
risk-limiting audit at the risk limit: BRAVO ballot polling (the average
sample number and the sizes that end the audit in one round with probability
0.7, 0.8 and 0.9) and super-simple ballot comparison, computed as Arlo
(VotingWorks' audit software) computes them, capped at the ballots cast.

The risk limit is --risk-limit, else that of the model's risk-limiting-audit
control on the contest, else 0.10. With no MODEL and no --votes, the built-in
example. --ballots (default: the sum of the votes) and --winners (default 1)
go with --votes. Text is in --lang, else the locale of the environment, else
English; JSON has one object per contest (an array for several).`,
		Example: `  scrutin audit --votes "A=600,B=400" --risk-limit 0.10
  scrutin audit --contest fr-pr2017-t1 --lang fr
  scrutin audit election.yaml --format json`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.model = args[0]
			}
			f := cmd.Flags()
			o.riskSet, o.ballotsSet, o.winnersSet = f.Changed("risk-limit"), f.Changed("ballots"), f.Changed("winners")
			if f.Changed("votes") && o.votes == "" {
				o.votes = " " // typed empty: refused as no votes
			}
			return runAudit(o, e)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.contest, "contest", "", "only this contest of the model")
	f.StringVar(&o.votes, "votes", "", `a contest typed here: each candidate's reported votes, "A=600,B=400"`)
	wholeVar(f, &o.ballots, "ballots", 0, 1, model.MaxBallots, "a number of ballots", "", "with --votes: ballots cast, blank and invalid ones included (default: the sum of the votes)")
	wholeVar(f, &o.winners, "winners", 1, 1, model.MaxCandidates-1, "a number of winners", "", "with --votes: number of winners")
	riskLimitVar(f, &o.riskLimit, "risk-limit", model.DefaultRiskLimit, "the audit's risk limit α, above 0 and below 1: the highest chance that a wrong outcome escapes it")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.StringVar(&o.lang, "lang", "", "language of the text: en or fr (default: from $LC_ALL, $LC_MESSAGES or $LANG, else en)")
	return cmd
}

func runAudit(o auditOptions, e *env) error {
	if o.format != "text" && o.format != "json" {
		return usageError{fmt.Errorf("--format must be text or json, got %q", o.format)}
	}
	lang, err := langOf(o.lang, os.Getenv)
	if err != nil {
		return err
	}
	var cs []report.ContestAudit
	if o.votes != "" {
		if cs, err = typedContest(o); err != nil {
			return err
		}
	} else {
		if o.ballotsSet || o.winnersSet {
			return usageError{fmt.Errorf("--ballots and --winners describe a contest typed with --votes")}
		}
		if cs, err = modelContests(e, o, lang); err != nil {
			return err
		}
	}
	if o.format == "json" {
		return report.IntegrityJSON(e.stdout, cs)
	}
	return report.IntegrityText(e.stdout, cs, lang)
}

// typedContest is the contest of --votes, --ballots and --winners.
func typedContest(o auditOptions) ([]report.ContestAudit, error) {
	if o.model != "" || o.contest != "" {
		return nil, usageError{fmt.Errorf("--votes types a contest: give it without a MODEL or --contest")}
	}
	votes, err := audit.ParseVotes(o.votes)
	if err != nil {
		return nil, usageError{fmt.Errorf("--votes: %w", err)}
	}
	t := audit.Tally{Votes: votes, Winners: o.winners, Ballots: o.ballots}
	if !o.ballotsSet {
		for _, v := range votes {
			t.Ballots += v
		}
	}
	a, err := audit.Assess(t, nil, o.riskLimit)
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "the contest of --votes: %v", err)
	}
	return []report.ContestAudit{{ID: "votes", Assessment: a}}, nil
}

// modelContests assesses the model's contests (or the one of --contest).
func modelContests(e *env, o auditOptions, lang i18n.Lang) ([]report.ContestAudit, error) {
	var m *model.Model
	var err error
	if o.model == "" && lang == i18n.French {
		// The built-in example in French, its names included.
		m, err = model.DecodeWith(examples.DefaultFR, examples.ElectionIn("fr"), model.DecodeOptions{Attack: e.attackIDs()})
	} else {
		m, err = loadModel(e, o.model)
	}
	if err != nil {
		return nil, err
	}
	if len(m.Contests) == 0 {
		return nil, usageError{fmt.Errorf("the model has no contests: add a contests: block, or type one with --votes \"A=600,B=400\"")}
	}
	alpha := 0.0 // each contest's own risk limit (report.AssessContests)
	if o.riskSet {
		alpha = o.riskLimit
	}
	var cs []report.ContestAudit
	for _, ci := range report.AssessContests(m, alpha) {
		if o.contest != "" && ci.Audit.ID != o.contest {
			continue
		}
		if ci.Err != nil {
			return nil, model.Errorf(model.EINVALID, "contest %s: %v", ci.Audit.ID, ci.Err)
		}
		cs = append(cs, ci.Audit)
	}
	if len(cs) == 0 {
		ids := make([]string, len(m.Contests))
		for i, c := range m.Contests {
			ids[i] = c.ID
		}
		return nil, usageError{fmt.Errorf("--contest: the model has no contest %q; its contests: %s", o.contest, strings.Join(ids, ", "))}
	}
	return cs, nil
}
