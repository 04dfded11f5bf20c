package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/ciso"
	"github.com/scrutin/scrutin/internal/model"
)

type ebiosImportOptions struct {
	model string
	out   string
}

func newEbiosImportCmd(e *env) *cobra.Command {
	var o ebiosImportOptions
	cmd := &cobra.Command{
		Use:   "import FILE.xlsx [--model MODEL] [--out FILE.yaml]",
		Short: "Read a CISO Assistant EBIOS RM workbook into the ebios: block of a model",
		Long: `Read the EBIOS RM workbook of CISO Assistant (its study export) or of scrutin
(scrutin ebios --format xlsx) into the ebios: block of MODEL (the built-in
example when --model is not given), and write the model with that block in
place of its own, the rest of its text and comments kept as they are.

Names are mapped back onto the model: risk origins to actors, supporting assets
to assets, applied controls to controls, attack paths to scenarios (scrutin's
own workbook carries the ids in its "scrutin" sheet). Everything that cannot be
mapped is reported on standard error, item by item, with its sheet, row and
column, and left out of the block. Likelihoods are not imported: scrutin
computes them. The model written is validated before it is written.`,
		Example: `  scrutin ebios import study.xlsx --model election.yaml --out election-study.yaml`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEbiosImport(args[0], o, e)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.model, "model", "", "the model to map the study onto (default: the built-in example)")
	f.StringVarP(&o.out, "out", "o", "", "write the model to this file instead of standard output")
	return cmd
}

func runEbiosImport(file string, o ebiosImportOptions, e *env) error {
	fh, err := os.Open(file)
	if err != nil {
		return model.Errorf(model.EINVALID, "cannot read workbook %s: %v", file, unwrapPath(err))
	}
	defer fh.Close()
	wb, err := ciso.Read(fh, ciso.DefaultLimits)
	if err != nil {
		return model.Errorf(model.EINVALID, "%s: %v", file, err)
	}
	name, src, err := readModel(e, o.model)
	if err != nil {
		return err
	}
	m, err := decodeSource(o.model, name, src, e.attackIDs())
	if err != nil {
		return err
	}
	block, problems, err := ciso.Import(wb, m)
	if err != nil {
		var ce *ciso.Error
		if errors.As(err, &ce) {
			return model.Errorf(model.EINVALID, "%s: %v", file, err)
		}
		return err
	}
	for _, p := range problems {
		fmt.Fprintf(e.stderr, "scrutin: not mapped: %s: %v\n", file, &p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(e.stderr, "scrutin: %s not mapped onto %s\n", count(len(problems), "item"), name)
	}
	out, err := model.ReplaceEbios(src, block)
	if err != nil {
		return err
	}
	// What is written must be a model that scrutin validate accepts.
	if _, err := decodeSource(o.model, name, out, e.attackIDs()); err != nil {
		return fmt.Errorf("the study of %s does not make a valid model with %s: %w", file, name, err)
	}
	if o.out != "" {
		return writeOutput(o.out, out)
	}
	_, err = e.stdout.Write(out)
	return err
}
