package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/internal/model"
)

func newValidateCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "validate MODEL...",
		Short:   "Check risk models and report every problem with file, line and column",
		Example: `  scrutin validate examples/*.yaml`,
		Args:    minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runValidate(args, e)
		},
	}
}

// runValidate checks every file and reports all their problems together.
func runValidate(paths []string, e *env) error {
	all := &model.ValidationError{}
	var other error
	failed := 0
	for _, path := range paths {
		m, err := loadModel(e, path)
		var verr *model.ValidationError
		switch {
		case errors.As(err, &verr):
			all.Problems = append(all.Problems, verr.Problems...)
		case err != nil:
			fmt.Fprintf(e.stderr, "scrutin: %v\n", err)
			other = err
			failed++
		default:
			fmt.Fprintf(e.stdout, "%s: ok (%s, %s, %s)\n", path, count(len(m.Scenarios), "scenario"), count(len(m.Controls), "control"), count(len(m.Actors), "actor"))
		}
	}
	if len(all.Problems) > 0 {
		return all
	}
	if other != nil {
		return model.Errorf(model.ErrorCode(other), "%d of %d models could not be read", failed, len(paths))
	}
	return nil
}
