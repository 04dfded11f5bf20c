package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newPlanCmd is a placeholder, replaced by the real command.
func newPlanCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:    "plan",
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return fmt.Errorf("plan: not implemented yet")
		},
	}
}
