// Command scrutin is the cyber-risk assessment system for elections: it
// runs risk models, and (in later commands) serves them to organisations.
// main only wires things up; each command lives in its own file.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/scrutin/scrutin/internal/model"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // anything but bad input
	exitInvalid = 2 // invalid input: model, flags or arguments
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, isTerminal: term.IsTerminal(int(os.Stderr.Fd()))}
	code := Main(ctx, os.Args[1:], e)
	stop()
	os.Exit(code)
}

// env is what the commands get from the outside world.
type env struct {
	stdin      io.Reader
	stdout     io.Writer
	stderr     io.Writer
	isTerminal bool // stderr is a terminal: progress bars are welcome
	// attack returns the ATT&CK ids models are checked against (nil:
	// those of the catalogue in the default data directory, loaded when
	// first needed).
	attack func() (*model.AttackIDs, error)
}

// attackIDs returns the ATT&CK ids models are checked against.
func (e *env) attackIDs() func() (*model.AttackIDs, error) {
	if e.attack == nil {
		e.attack = catalogIDs(&attackOptions{})
	}
	return e.attack
}

// usageError is a mistake in the command line itself.
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

// Main runs the command line args and returns the exit code.
func Main(ctx context.Context, args []string, e *env) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "scrutin: internal error: %v\n", r)
			if os.Getenv("SCRUTIN_DEBUG") != "" {
				fmt.Fprintf(e.stderr, "%s", debug.Stack())
			} else {
				fmt.Fprintln(e.stderr, "This is a bug in scrutin; please report it (SCRUTIN_DEBUG=1 shows the details).")
			}
			code = exitFailure
		}
	}()
	root := newRootCmd(e)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	return printError(e.stderr, err)
}

// printError prints err for a person and returns the exit code it calls for.
func printError(w io.Writer, err error) int {
	var verr *model.ValidationError
	switch {
	case errors.As(err, &verr):
		for _, p := range verr.Problems {
			fmt.Fprintln(w, p.String())
		}
		n := len(verr.Problems)
		fmt.Fprintf(w, "scrutin: %d problem%s found\n", n, plural(n))
		return exitInvalid
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(w, "scrutin: interrupted")
		return exitFailure
	}
	fmt.Fprintf(w, "scrutin: %v\n", err)
	var u usageError
	if errors.As(err, &u) {
		fmt.Fprintln(w, "Run 'scrutin --help' for usage.")
		return exitInvalid
	}
	if model.ErrorCode(err) == model.EINVALID {
		return exitInvalid
	}
	return exitFailure
}

// count is n and noun, in the plural unless n is 1: "1 actor", "3 actors".
func count(n int, noun string) string { return fmt.Sprintf("%d %s%s", n, noun, plural(n)) }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "scrutin",
		Short: "Objective, quantified cyber-risk assessment for elections",
		Long: `scrutin turns an election risk model (YAML: actors, assets, scenarios, controls)
into quantified risk by Monte Carlo simulation: expected annual loss, quantiles,
loss exceedance curve and a verdict against your risk tolerance.

Start with the built-in example:  scrutin run`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          commandGroup,
		RunE:          func(cmd *cobra.Command, args []string) error { return cmd.Help() },
		Version:       versionString(),
		// Before any command works, the files it is to write are checked.
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error { return checkOutputFlags(cmd) },
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetFlagErrorFunc(flagErrorFunc)
	root.AddCommand(newRunCmd(e), newValidateCmd(e), newSchemaCmd(e), newVersionCmd(e), newTreeCmd(e),
		newAttackCmd(e), newIngestCmd(e), newPhishingCmd(e), newPlanCmd(e), newEbiosCmd(e), newAuditCmd(e), newBaserateCmd(e), newSensitivityCmd(e), newServeCmd(e),
		newReportCmd(e), newBackupCmd(e), newRestoreCmd(e), newNationalCmd(e), newWorkerCmd(e))
	return root
}

// commandGroup is the argument check of a command made of others (scrutin,
// scrutin tree, scrutin attack): with no subcommand cobra would print
// help and succeed, so an unknown word fails instead, with the commands
// it may have been meant for.
func commandGroup(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	where := ""
	if cmd.HasParent() {
		where = fmt.Sprintf(" for %q", cmd.CommandPath())
	}
	cmd.SuggestionsMinimumDistance = 2
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		for i := range s {
			s[i] = strconv.Quote(s[i])
		}
		return usageError{fmt.Errorf("unknown command %q%s (did you mean %s?)", args[0], where, strings.Join(s, " or "))}
	}
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return usageError{fmt.Errorf("unknown command %q%s; its commands: %s", args[0], where, strings.Join(names, ", "))}
}

// exactArgs and maxArgs are cobra's argument checks, reported as usage errors.
func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return usageError{fmt.Errorf("%s takes at most %d argument%s, got %d", cmd.CommandPath(), n, plural(n), len(args))}
		}
		return nil
	}
}

func minArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usageError{fmt.Errorf("%s needs at least %d argument%s", cmd.CommandPath(), n, plural(n))}
		}
		return nil
	}
}

func noArgs(cmd *cobra.Command, args []string) error { return maxArgs(0)(cmd, args) }
