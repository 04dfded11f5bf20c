package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/baserate"
	"github.com/scrutin/scrutin/internal/model"
	"github.com/scrutin/scrutin/internal/report"
)

type baserateOptions struct {
	target, kind, countries, format string
	orgs, from, to                  int
}

func newBaserateCmd(e *env) *cobra.Command {
	var o baserateOptions
	cmd := &cobra.Command{
		Use:   "baserate --target KIND --kind INCIDENT [--country-set SET] [--orgs N] [--format text|json]",
		Short: "How often an incident of a kind hits a kind of target, from publicly reported incidents",
		Long: `Count the publicly reported incidents of data/incidents.csv (embedded; each
row with its source) of one kind against one kind of target in a set of
countries and years, and turn them into the yearly rate per organisation:
the Gamma–Poisson posterior from the Jeffreys prior Gamma(½, 0), with the
exposure (organisations × years) stated by --orgs or defaulted to one
organisation per country, and printed. The incidents, their sources and the
arithmetic are printed with the rate, and a model may take a scenario's
frequency from the same query: frequency: {baserate: {target: …, kind: …}}.

Targets: party, campaign, candidate, election-authority, ministry,
parliament, municipality, media, vendor, voter-roll, or any (every target:
the rate of a kind of incident per country and year). Kinds: hack-and-leak,
ddos, defacement, voter-roll-breach, voter-roll-tampering, ransomware,
phishing, influence-operation, tabulation-attack. Country sets: eu (the 27
and the EU's institutions), europe, north-america, all (the default), or a
list of country codes (FR,DE).`,
		Example: `  scrutin baserate --target party --kind hack-and-leak --country-set eu
  scrutin baserate --target election-authority --kind ddos --orgs 30 --format json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runBaserate(o, e) },
	}
	f := cmd.Flags()
	f.StringVar(&o.target, "target", "", "the kind of target (party, election-authority …)")
	f.StringVar(&o.kind, "kind", "", "the kind of incident (hack-and-leak, ddos …)")
	f.StringVar(&o.countries, "country-set", "all", "eu, europe, north-america, all, or country codes separated by commas")
	wholeVar(f, &o.from, "from", 0, 0, 9999, "a year", "", "first year counted (default: the data's first)")
	wholeVar(f, &o.to, "to", 0, 0, 9999, "a year", "", "last year counted (default: the data's last)")
	wholeVar(f, &o.orgs, "orgs", 0, 1, 1_000_000_000, "a number of organisations", "", "organisations of the target kind exposed each year in those countries (default: one per country)")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	return cmd
}

func runBaserate(o baserateOptions, e *env) error {
	if o.target == "" || o.kind == "" {
		return usageError{fmt.Errorf("give --target and --kind (see scrutin baserate --help for their values)")}
	}
	if o.format != "text" && o.format != "json" {
		return usageError{fmt.Errorf("--format must be text or json, got %q", o.format)}
	}
	rows, err := baserate.Incidents()
	if err != nil {
		return err
	}
	est, err := baserate.Rate(rows, baserate.Query{Target: o.target, Kind: o.kind, Countries: o.countries, From: o.from, To: o.to, Orgs: float64(o.orgs)})
	if err != nil {
		return model.Errorf(model.EINVALID, "%v", err)
	}
	b, err := report.NewBaseRate(est)
	if err != nil {
		return err
	}
	if o.format == "json" {
		return report.BaseRateJSON(e.stdout, b)
	}
	return report.BaseRateText(e.stdout, b)
}
