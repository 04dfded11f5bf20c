package main

import (
	"bytes"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/model"
)

type coverageOptions struct {
	model     string
	actor     string
	with      []string
	without   []string
	navigator string
	format    string
}

func newAttackCoverageCmd(e *env, o *attackOptions) *cobra.Command {
	var co coverageOptions
	cmd := &cobra.Command{
		Use:   "coverage [MODEL] --actor ID",
		Short: "Which of an actor's techniques the model's controls mitigate",
		Long: `For an actor, list its ATT&CK techniques (its own and its campaigns') and which
of them the model's controls in force mitigate: a control mitigates a technique
when one of its attack: mitigation ids is, in the catalogue, a mitigation of
that very technique (a parent technique's mitigations do not count for its
sub-techniques). It gives the coverage overall and by tactic, the uncovered
techniques that matter most, and what the controls not in force would add.

Uncovered techniques are ranked: first those a control not in force would
mitigate, then those ATT&CK can mitigate at all (not only by M1056
Pre-compromise), then by how many of the catalogue's actors use them, then by
the tactics they serve plus the actor's sub-techniques beneath them, then by id.

--actor takes an ATT&CK group id, name or alias, or the id of one of the
model's actors (whose attack: group id is used). MODEL defaults to the
built-in example; "-" reads standard input. --navigator FILE also writes an
ATT&CK Navigator layer (format 4.5): score 100 for a technique mitigated by a
control in force, 50 when only a proposed control would, 0 otherwise.

--format json prints {"actor", "techniques", "mitigated", "coverage",
"by_tactic", "uncovered"}: actor {id, name, model_actor}, the counts of
techniques and of mitigated ones, coverage their ratio, by_tactic {tactic:
{name, techniques, mitigated, coverage}} in matrix order, and uncovered
[{id, name, tactics, mitigations, proposed_controls, actors}] in rank order.`,
		Example: `  scrutin attack coverage --actor apt28
  scrutin attack coverage examples/election.yaml --actor "Fancy Bear" --with security-keys
  scrutin attack coverage examples/election.yaml --actor G0007 --navigator apt28.json --format json`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				co.model = args[0]
			}
			return runAttackCoverage(e, o, co)
		},
	}
	f := cmd.Flags()
	f.StringVar(&co.actor, "actor", "", "the actor: ATT&CK group id, name or alias, or a model actor's id (required)")
	f.StringSliceVar(&co.with, "with", nil, "count these controls as in force (ids, repeatable or comma-separated)")
	f.StringSliceVar(&co.without, "without", nil, "count these controls as not in force")
	f.StringVar(&co.navigator, "navigator", "", "also write an ATT&CK Navigator layer (JSON, format 4.5) to this file")
	f.StringVar(&co.format, "format", "text", "output format: text or json")
	return cmd
}

func runAttackCoverage(e *env, o *attackOptions, co coverageOptions) error {
	if co.format != "text" && co.format != "json" {
		return usageError{fmt.Errorf("--format must be text or json, got %q", co.format)}
	}
	if co.actor == "" {
		return usageError{fmt.Errorf("--actor is required: an ATT&CK group id, name or alias, or a model actor's id")}
	}
	c, _, err := loadCatalog(o)
	if err != nil {
		return err
	}
	m, err := decodeModel(e, co.model, func() (*model.AttackIDs, error) { return evidence.ModelAttackIDs(c), nil })
	if err != nil {
		return err
	}
	inForce, err := controlsInForce(e, m, co.with, co.without)
	if err != nil {
		return err
	}
	a, modelActor, err := c.ResolveActor(m, co.actor)
	if err != nil {
		return notFoundIsInvalid(err)
	}
	cov, err := c.Cover(a, m, inForce)
	if err != nil {
		return err
	}
	cov.ModelActor = modelActor
	if co.navigator != "" {
		var buf bytes.Buffer
		if err := cov.WriteLayer(&buf); err != nil {
			return err
		}
		if err := writeOutput(co.navigator, buf.Bytes()); err != nil {
			return err
		}
	}
	var out bytes.Buffer
	if co.format == "json" {
		if err := cov.WriteJSON(&out); err != nil {
			return err
		}
		for _, n := range cov.Notes {
			fmt.Fprintf(e.stderr, "scrutin: note: %s\n", n)
		}
	} else {
		if err := cov.WriteText(&out); err != nil {
			return err
		}
		if co.navigator != "" {
			fmt.Fprintf(&out, "\nNavigator layer written to %s\n", co.navigator)
		}
	}
	_, err = e.stdout.Write(out.Bytes())
	return err
}
