package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/attack"
	"github.com/scrutin/scrutin/internal/model"
)

func newAttackImportCmd(e *env, o *attackOptions) *cobra.Command {
	var replace bool
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Validate a STIX bundle or MISP galaxy and store it for later commands",
		Long: `Read FILE, a STIX 2.0 or 2.1 bundle (MITRE's enterprise-attack.json, a vendor's
playbook such as Unit 42's) or a MISP threat-actor galaxy (clusters/threat-actor.json),
check it, and store scrutin's normalised catalogue in the data directory
(attack/catalog.json.gz, written atomically), where the other attack
commands find it. "-" reads standard input.

A bundle with an ATT&CK matrix (a whole domain such as enterprise-attack.json)
replaces the catalogue in use when it is of the catalogue's domain (the
embedded catalogue's is Enterprise: a newer enterprise-attack.json replaces it,
ATT&CK for ICS included), and is layered on top of it otherwise (so
ics-attack.json adds ATT&CK for ICS back); any other bundle is layered (same
ids: the later-modified version wins and relationships are united; an actor
without an ATT&CK id joins the ATT&CK group it is an alias of). A galaxy
replaces the catalogue's galaxy. --replace replaces in every case.

DISARM lives beside ATT&CK, never instead of it: a DISARM bundle (the DISARM
Foundation's DISARM.json) replaces only the catalogue's DISARM frameworks,
and an ATT&CK release that replaces the catalogue keeps its DISARM
frameworks. Remove the stored file to go back to the embedded catalogue.`,
		Example: `  scrutin attack import enterprise-attack.json
  scrutin attack import unit42-fighting-ursa.json
  scrutin attack import clusters/threat-actor.json --data ./scrutin-data`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("%s takes exactly one FILE, got %d arguments", cmd.CommandPath(), len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAttackImport(e, o, args[0], replace)
		},
	}
	cmd.Flags().BoolVar(&replace, "replace", false, "replace the catalogue in use instead of layering the bundle on top of it")
	return cmd
}

func runAttackImport(e *env, o *attackOptions, file string, replace bool) error {
	dir, err := dataDir(o.data)
	if err != nil {
		return err
	}
	var r io.Reader = e.stdin
	name := "<stdin>"
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return model.Errorf(model.EINVALID, "cannot read %s: %v", file, unwrapPath(err))
		}
		defer f.Close()
		r, name = f, file
	}
	imp, err := attack.Import(r)
	if err != nil {
		return model.Errorf(model.ErrorCode(err), "%s: %v", name, err)
	}
	cur, where, err := loadCatalog(o)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	var result *attack.Catalog
	var notes []string
	base := filepath.Base(name)
	switch {
	case imp.Galaxy != nil && len(imp.Techniques) == 0 && len(imp.Actors) == 0:
		g := imp.Galaxy
		fmt.Fprintf(&out, "Read %s: %s: %d clusters, %d with ATT&CK group ids", name, imp.Name, len(g.Clusters), countAttack(g))
		if g.Skipped > 0 {
			fmt.Fprintf(&out, " (%d unreadable clusters skipped)", g.Skipped)
		}
		out.WriteString("\n")
		c := *cur
		c.Galaxy = g
		c.Sources = append(slices.Clone(cur.Sources), fmt.Sprintf("%s: MISP galaxy %q version %d", base, g.Name, g.Version))
		result = &c
		fmt.Fprintf(&out, "It replaces the galaxy of the catalogue in use (%s).\n", describeWhere(where))
	default:
		s := imp.Stats
		spec := s.SpecVersion
		if spec == "" {
			spec = "2.x"
		}
		fmt.Fprintf(&out, "Read %s: STIX %s bundle, %d objects: %s\n", name, spec, s.Objects, imp.Summary())
		fmt.Fprintf(&out, "  dropped %d revoked and %d deprecated objects; %d relationships used (%d moved to a revoking object's replacement), %d to dropped objects, %d to objects not in the bundle skipped, %d of other kinds; %d objects of other types ignored\n",
			s.Revoked, s.Deprecated, s.Relationships, s.Redirected, s.Dropped, s.Unknown, s.Other, s.Ignored)
		imp.Sources = []string{fmt.Sprintf("%s: STIX %s, %d objects", base, spec, s.Objects)}
		switch {
		case imp.Domain == attack.DomainDISARM:
			// DISARM lives beside ATT&CK: a DISARM release replaces the
			// catalogue's DISARM frameworks and keeps its ATT&CK.
			result, notes = cur.ReplaceDISARM(imp)
			fmt.Fprintf(&out, "It replaces the DISARM frameworks of the catalogue in use (%s), beside its ATT&CK, which it keeps.\n", describeWhere(where))
		case replace || imp.Complete && (cur.Domain == "" || imp.Domain == "" || imp.Domain == cur.Domain):
			if imp.Galaxy == nil {
				imp.Galaxy = cur.Galaxy
			}
			result = imp
			if cur.HasDISARM() && !imp.HasDISARM() {
				result, notes = imp.Merge(cur.OnlyDISARM())
				fmt.Fprintf(&out, "It replaces the ATT&CK of the catalogue in use (%s) and keeps its DISARM frameworks beside it.\n", describeWhere(where))
			} else {
				fmt.Fprintf(&out, "It replaces the catalogue in use (%s).\n", describeWhere(where))
			}
		default:
			result, notes = cur.Merge(imp)
			fmt.Fprintf(&out, "It is layered on top of the catalogue in use (%s).\n", describeWhere(where))
		}
		for _, w := range s.Warnings {
			fmt.Fprintf(&out, "  warning: %s\n", w)
		}
	}
	for _, n := range notes {
		fmt.Fprintf(&out, "  %s\n", n)
	}
	path := catalogFile(dir)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("cannot create the data directory: %w", err)
	}
	var buf bytes.Buffer
	if err := result.Save(&buf); err != nil {
		return err
	}
	if err := writeOutput(path, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(&out, "Stored in %s: %s\n", path, result.Summary())
	_, err = e.stdout.Write(out.Bytes())
	return err
}

func countAttack(g *attack.Galaxy) int {
	n := 0
	for _, cl := range g.Clusters {
		if len(cl.AttackIDs) > 0 {
			n++
		}
	}
	return n
}

func describeWhere(where string) string {
	if where == "embedded" {
		return "the embedded one"
	}
	return where
}
