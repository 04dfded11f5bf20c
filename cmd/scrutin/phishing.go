package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newPhishingCmd is a placeholder, replaced by the real command.
func newPhishingCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:    "phishing",
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return fmt.Errorf("phishing: not implemented yet")
		},
	}
}
