package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/model"
)

// builtinName names the built-in example in messages.
const builtinName = "election.yaml (built-in)"

// loadModel reads and decodes the model at path: "" is the built-in
// example, "-" is standard input. Its ATT&CK ids are checked against the
// catalogue in use.
func loadModel(e *env, path string) (*model.Model, error) {
	return decodeModel(e, path, e.attackIDs())
}

// decodeModel reads and decodes the model at path, as loadModel does, with
// its ATT&CK ids checked against those attack returns.
func decodeModel(e *env, path string, attack func() (*model.AttackIDs, error)) (*model.Model, error) {
	name, src, err := readModel(e, path)
	if err != nil {
		return nil, err
	}
	return decodeSource(path, name, src, attack)
}

// decodeSource decodes src, the model read from path (as readModel names
// it), with its ATT&CK ids checked against those attack returns. The
// files a model names (a contest's units_file) are read from its
// directory, and from nowhere else: an os.Root refuses paths and
// symbolic links that lead out of it. The built-in example and standard
// input have no directory.
func decodeSource(path, name string, src []byte, attack func() (*model.AttackIDs, error)) (*model.Model, error) {
	opt := model.DecodeOptions{Attack: attack}
	if path != "" && path != "-" {
		root, err := os.OpenRoot(filepath.Dir(path))
		if err != nil {
			return nil, model.Errorf(model.EINVALID, "cannot read the directory of model %s: %v", path, unwrapPath(err))
		}
		defer root.Close()
		opt.Files = root.FS()
	}
	return model.DecodeWith(name, src, opt)
}

// readModel reads the model at path, as loadModel does, refusing one
// larger than model.MaxSize before reading it all.
func readModel(e *env, path string) (string, []byte, error) {
	return readInput(e, path, model.MaxSize)
}

// readInput reads the file at path ("" is the built-in example, "-" is
// standard input), refusing one larger than limit bytes before reading it
// all.
func readInput(e *env, path string, limit int64) (string, []byte, error) {
	switch path {
	case "":
		return builtinName, examples.Election(), nil
	case "-":
		b, err := io.ReadAll(io.LimitReader(e.stdin, limit+1))
		if err != nil {
			return "", nil, model.Errorf(model.EINVALID, "cannot read the model from standard input: %v", err)
		}
		if int64(len(b)) > limit {
			return "", nil, model.Errorf(model.EINVALID, "cannot read the model from standard input: it is larger than %d MiB", limit>>20)
		}
		return "<stdin>", b, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", nil, model.Errorf(model.EINVALID, "cannot read model %s: %v", path, unwrapPath(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return "", nil, model.Errorf(model.EINVALID, "cannot read model %s: %v", path, unwrapPath(err))
	}
	if int64(len(b)) > limit {
		return "", nil, model.Errorf(model.EINVALID, "cannot read model %s: it is larger than %d MiB", path, limit>>20)
	}
	return path, b, nil
}

// controlsInForce returns the controls in force for a what-if run (model.InForce)
// and warns of the ids that change nothing: --with a control already
// implemented, --without one only proposed. Unknown ids are errors.
func controlsInForce(e *env, m *model.Model, with, without []string) ([]string, error) {
	ids, err := m.InForce(with, without)
	if err != nil {
		return nil, err
	}
	warnWhatIf(e, m, with, without)
	return ids, nil
}

func warnWhatIf(e *env, m *model.Model, with, without []string) {
	seen := map[string]bool{}
	for _, flag := range []struct {
		name   string
		ids    []string
		status string
		why    string
	}{{"--with", with, model.StatusImplemented, "already implemented"}, {"--without", without, model.StatusProposed, "only proposed"}} {
		for _, id := range flag.ids {
			if c := m.ControlByID(id); c != nil && c.Status == flag.status && !seen[flag.name+id] {
				seen[flag.name+id] = true
				fmt.Fprintf(e.stderr, "scrutin: warning: %s %s changes nothing: the control is %s\n", flag.name, id, flag.why)
			}
		}
	}
}

// outputFlags are the flags that name a file a command writes.
var outputFlags = []string{"out", "navigator"}

// checkOutputFlags checks the files that cmd's output flags name, before
// the command does any work: an hour of simulation must not end in
// "cannot write".
func checkOutputFlags(cmd *cobra.Command) error {
	for _, name := range outputFlags {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed && f.Value.String() != "" {
			if err := checkOutput("--"+name, f.Value.String()); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkOutput checks that writeOutput can write path: its directory exists
// and takes new files, and path is not a directory. flag names it in the
// message. The check creates and removes a temporary file, as writeOutput
// will.
func checkOutput(flag, path string) error {
	bad := func(format string, args ...any) error {
		return model.Errorf(model.EINVALID, "%s %s: %s", flag, path, fmt.Sprintf(format, args...))
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return bad("%s is a directory; give a file name", path)
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return bad("the directory %s does not exist", dir)
	case errors.Is(err, syscall.ENOTDIR) || err == nil && !st.IsDir():
		// The nearest existing ancestor is a file.
		for d := dir; ; d = filepath.Dir(d) {
			if st, err := os.Stat(d); err == nil && !st.IsDir() {
				return bad("%s is not a directory", d)
			}
			if d == filepath.Dir(d) {
				break
			}
		}
		return bad("%s is not a directory", dir)
	case err != nil:
		return bad("cannot write in %s: %v", dir, unwrapPath(err))
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return bad("cannot write in %s: %v", dir, unwrapPath(err))
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// writeOutput writes data to path atomically (a temporary file renamed into
// place), so that an interrupted run never leaves a half-written file.
func writeOutput(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return model.Errorf(model.EINVALID, "cannot write %s: %v", path, unwrapPath(err))
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
