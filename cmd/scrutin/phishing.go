package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/model"
)

type phishingOptions struct {
	files  []string
	format string
	out    string
}

func newPhishingCmd(e *env) *cobra.Command {
	var o phishingOptions
	cmd := &cobra.Command{
		Use:   "phishing FILE...",
		Short: "Summarise GoPhish phishing simulations and say whether training works",
		Long: `Read GoPhish phishing-simulation results and report, per campaign in order of
launch: emails delivered, opened, clicked, data submitted and reported, with
their rates; the same per position (spelling and case aside; small groups
flagged); and the trend from the first campaign to the last: each rate with a
90 % credible interval (Beta posterior, uniform prior), the probability that it
fell, and in one sentence whether training appears to be working.

FILE is GoPhish JSON (GET /api/campaigns/{id}/results, GET /api/campaigns/{id},
or the list from GET /api/campaigns/) or the results CSV that GoPhish exports
(its campaign name is taken from the file name, "NAME - Results.csv"); "-"
reads standard input. Counts come from the timeline when there is one (a
recipient who clicked five times counts once), otherwise from the statuses.

--out writes the JSON report there (atomically): an evidence file for
scrutin run --evidence, whose campaigns and totals give sent, opened, clicked,
submitted and reported. The report for people still goes to standard output
unless --format is json. The JSON holds counts and rates, never addresses.`,
		Example: `  scrutin phishing q1-results.json q2-results.json "Q3 - Results.csv"
  curl -s -H "Authorization: Bearer $GOPHISH_KEY" https://gophish:3333/api/campaigns/ | scrutin phishing -
  scrutin phishing campaigns.json --out phishing.json`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.files = args
			return runPhishing(cmd.Context(), o, e)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.StringVarP(&o.out, "out", "o", "", "write the JSON report (an evidence file for scrutin run --evidence) to this file")
	return cmd
}

func runPhishing(ctx context.Context, o phishingOptions, e *env) error {
	if o.format != "text" && o.format != "json" {
		return usageError{fmt.Errorf("--format must be text or json, got %q", o.format)}
	}
	stdin := 0
	for _, f := range o.files {
		if f == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return usageError{fmt.Errorf(`standard input ("-") can be read only once`)}
	}
	var campaigns []evidence.PhishingCampaign
	for _, name := range o.files {
		if err := ctx.Err(); err != nil {
			return err
		}
		cs, err := readPhishing(e, name)
		if err != nil {
			return err
		}
		campaigns = append(campaigns, cs...)
	}
	if len(campaigns) == 0 {
		return model.Errorf(model.EINVALID, "no GoPhish campaign in %s", strings.Join(o.files, ", "))
	}
	rep := evidence.AnalysePhishing(campaigns, evidence.PhishingOptions{})
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		return err
	}
	if o.out != "" {
		if err := writeOutput(o.out, js.Bytes()); err != nil {
			return err
		}
	}
	switch {
	case o.format == "text":
		return rep.WriteText(e.stdout)
	case o.out == "":
		_, err := e.stdout.Write(js.Bytes())
		return err
	}
	return nil
}

// readPhishing parses one file and names its campaigns where the export
// does not: after the file, as GoPhish names its CSV exports.
func readPhishing(e *env, name string) ([]evidence.PhishingCampaign, error) {
	label := name
	var p *evidence.Phishing
	var err error
	if name == "-" {
		label = "<stdin>"
		p, err = evidence.ParsePhishing(e.stdin)
	} else {
		f, oerr := os.Open(name)
		if oerr != nil {
			return nil, model.Errorf(model.EINVALID, "cannot read %s: %v", name, unwrapPath(oerr))
		}
		p, err = evidence.ParsePhishing(f)
		f.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	base := campaignNameFromFile(name)
	for i := range p.Campaigns {
		c := &p.Campaigns[i]
		c.Source = label
		if c.Name == "" {
			c.Name = base
			if len(p.Campaigns) > 1 {
				c.Name = fmt.Sprintf("%s #%d", base, i+1)
			}
		}
	}
	return p.Campaigns, nil
}

// campaignNameFromFile names the campaigns of a file that does not.
func campaignNameFromFile(name string) string {
	if name == "-" {
		return "standard input"
	}
	return evidence.CampaignName(filepath.Base(name))
}
