package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newSensitivityCmd is a placeholder, replaced by the real command.
func newSensitivityCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:    "sensitivity",
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return fmt.Errorf("sensitivity: not implemented yet")
		},
	}
}
