package main

import (
	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/model"
)

func newSchemaCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the model format, for editors",
		Long: `Print the JSON Schema (draft 2020-12) of the risk-model format. Editors use it
to validate and complete models as you type; for example with the YAML
language server, save it as scrutin.schema.json and start a model with
  # yaml-language-server: $schema=scrutin.schema.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := model.Schema()
			if err != nil {
				return err
			}
			_, err = e.stdout.Write(append(b, '\n'))
			return err
		},
	}
}
