package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newIngestCmd is a placeholder, replaced by the real command.
func newIngestCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:    "ingest",
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return fmt.Errorf("ingest: not implemented yet")
		},
	}
}
