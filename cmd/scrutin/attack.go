package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/attack"
	"github.com/scrutin/scrutin/internal/evidence"
	"github.com/scrutin/scrutin/internal/model"
)

// attackOptions are the flags every attack subcommand shares.
type attackOptions struct {
	data string // --data: the data directory
}

func newAttackCmd(e *env) *cobra.Command {
	o := &attackOptions{}
	cmd := &cobra.Command{
		Use:   "attack",
		Short: "ATT&CK threat intelligence: actors, their techniques, coverage by a model's controls",
		Long: `Threat intelligence from MITRE ATT&CK: the groups (actors), the techniques they
use, and how far a model's controls mitigate them.

The binary embeds Enterprise ATT&CK and ATT&CK for ICS v18.1 (every group,
campaign, technique, mitigation and piece of software) and the MISP
threat-actor galaxy, which maps vendor names (Sofacy, Fancy Bear, STRONTIUM …)
to ATT&CK groups, so everything works offline. 'scrutin attack import' stores
another catalogue (a newer enterprise-attack.json, a vendor's STIX bundle, a
newer galaxy) in the data directory, and later commands use it.

The data directory is --data DIR, else $SCRUTIN_DATA, else
$XDG_DATA_HOME/scrutin, else ~/.local/share/scrutin.`,
		Args: commandGroup,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.PersistentFlags().StringVar(&o.data, "data", "", "data directory (default: $SCRUTIN_DATA, else $XDG_DATA_HOME/scrutin, else ~/.local/share/scrutin)")
	cmd.AddCommand(newAttackImportCmd(e, o), newAttackActorsCmd(e, o), newAttackActorCmd(e, o), newAttackCoverageCmd(e, o), newAttackMitigationsCmd(e, o))
	return cmd
}

// dataDir returns the data directory: the --data flag, else $SCRUTIN_DATA,
// else $XDG_DATA_HOME/scrutin (when absolute, as the XDG specification
// requires), else ~/.local/share/scrutin.
func dataDir(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if d := os.Getenv("SCRUTIN_DATA"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "scrutin"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", model.Errorf(model.EINVALID, "no data directory: give --data DIR or set SCRUTIN_DATA (%v)", err)
	}
	return filepath.Join(home, ".local", "share", "scrutin"), nil
}

// catalogFile is where the imported catalogue lives in the data directory.
func catalogFile(dir string) string { return filepath.Join(dir, "attack", "catalog.json.gz") }

// loadCatalog returns the catalogue later commands use: the one stored in
// the data directory, else the embedded one. where says which.
func loadCatalog(o *attackOptions) (c *attack.Catalog, where string, err error) {
	dir, err := dataDir(o.data)
	if err != nil {
		return nil, "", err
	}
	path := catalogFile(dir)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		c, err := attack.Embedded()
		if err != nil {
			return nil, "", err
		}
		return c, "embedded", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("cannot read the stored ATT&CK catalogue: %w", err)
	}
	defer f.Close()
	c, err = attack.LoadCatalog(f)
	if err != nil {
		return nil, "", model.Errorf(model.ErrorCode(err), "%s: %v; import a bundle again, or remove the file to use the embedded catalogue", path, err)
	}
	return c, path, nil
}

// catalogIDs returns a function that gives, loaded once when first
// called, the ATT&CK ids models are checked against: those of the
// catalogue in use (loadCatalog; the embedded one when there is no data
// directory at all).
func catalogIDs(o *attackOptions) func() (*model.AttackIDs, error) {
	return sync.OnceValues(func() (*model.AttackIDs, error) {
		// Without an imported catalogue, the embedded one's ids are read
		// without parsing it (a tenth of a second at every command).
		dir, err := dataDir(o.data)
		if err != nil {
			return embeddedIDs() // no home: nothing was imported
		}
		if _, err := os.Stat(catalogFile(dir)); errors.Is(err, os.ErrNotExist) {
			return embeddedIDs()
		}
		c, _, err := loadCatalog(o)
		if err != nil {
			return nil, err
		}
		return evidence.ModelAttackIDs(c), nil
	})
}

// embeddedIDs are the ids of the embedded catalogue, as
// evidence.ModelAttackIDs gives them.
func embeddedIDs() (*model.AttackIDs, error) {
	ids, err := attack.EmbeddedModelIDs()
	if err != nil {
		return nil, err
	}
	return evidence.WithClassifierTechniques(ids), nil
}

// notFoundIsInvalid makes an unknown actor given on the command line
// invalid input (exit code 2).
func notFoundIsInvalid(err error) error {
	if model.ErrorCode(err) == model.ENOTFOUND {
		return model.Errorf(model.EINVALID, "%v", err)
	}
	return err
}

func newAttackActorsCmd(e *env, o *attackOptions) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "actors",
		Short: "List the catalogue's actors (ATT&CK groups)",
		Long: `List the actors of the catalogue in use: ATT&CK id, name, a few aliases (ATT&CK's,
then the MISP galaxy's), and how many techniques and campaigns each has (the
techniques include those of the campaigns attributed to it).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("--format must be text or json, got %q", format)}
			}
			c, _, err := loadCatalog(o)
			if err != nil {
				return err
			}
			if format == "json" {
				return c.WriteActorsJSON(e.stdout)
			}
			return c.WriteActors(e.stdout)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func newAttackMitigationsCmd(e *env, o *attackOptions) *cobra.Command {
	var format, domain string
	cmd := &cobra.Command{
		Use:   "mitigations",
		Short: "List the catalogue's mitigations: the ids a control's attack: may name",
		Long: `List the mitigations of the catalogue in use: ATT&CK id (M1032, M0801 …) or
DISARM countermeasure id (C00006 …), name, domain (Enterprise, ICS or DISARM)
and how many of the catalogue's techniques each mitigates. These are the ids a
control's attack: list may name.`,
		Example: `  scrutin attack mitigations
  scrutin attack mitigations --domain ics --format json
  scrutin attack mitigations --domain disarm`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("--format must be text or json, got %q", format)}
			}
			d := ""
			switch domain {
			case "":
			case "enterprise":
				d = attack.DomainEnterprise
			case "ics":
				d = attack.DomainICS
			case "disarm":
				d = attack.DomainDISARM
			default:
				return usageError{fmt.Errorf("--domain must be enterprise, ics or disarm, got %q", domain)}
			}
			c, _, err := loadCatalog(o)
			if err != nil {
				return err
			}
			if format == "json" {
				return c.WriteMitigationsJSON(e.stdout, d)
			}
			return c.WriteMitigations(e.stdout, d)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().StringVar(&domain, "domain", "", "only the mitigations of this domain: enterprise, ics or disarm (DISARM countermeasures) (default: all)")
	return cmd
}

func newAttackActorCmd(e *env, o *attackOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "actor ID|NAME|ALIAS",
		Short: "Show an actor: names, description, techniques by tactic, campaigns",
		Long: `Show an actor's profile: its aliases (ATT&CK's and the MISP galaxy's), the
first sentence of its description, its techniques grouped by tactic in the
order of the ATT&CK matrix (those known only from its campaigns marked *), its
campaigns with their dates, and its software. The actor is given by its ATT&CK
id (G0007), name (APT28) or any alias (Fancy Bear, Sofacy, STRONTIUM …), in
any case.`,
		Example: `  scrutin attack actor G0007
  scrutin attack actor "fancy bear"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("%s takes exactly one actor (id, name or alias), got %d arguments", cmd.CommandPath(), len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			c, _, err := loadCatalog(o)
			if err != nil {
				return err
			}
			a, err := c.FindActor(args[0])
			if err != nil {
				return notFoundIsInvalid(err)
			}
			return c.WriteProfile(e.stdout, a)
		},
	}
}
