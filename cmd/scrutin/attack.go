package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newAttackCmd is a placeholder, replaced by the real command.
func newAttackCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:    "attack",
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return fmt.Errorf("attack: not implemented yet")
		},
	}
}
