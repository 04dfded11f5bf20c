package main

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/scrutin/scrutin/examples"
	"github.com/scrutin/scrutin/internal/model"
)

// builtinName names the built-in example in messages.
const builtinName = "election.yaml (built-in)"

// loadModel reads and decodes the model at path: "" is the built-in
// example, "-" is standard input.
func loadModel(e *env, path string) (*model.Model, error) {
	name, src, err := readModel(e, path)
	if err != nil {
		return nil, err
	}
	return model.Decode(name, src)
}

func readModel(e *env, path string) (string, []byte, error) {
	switch path {
	case "":
		return builtinName, examples.Election(), nil
	case "-":
		b, err := io.ReadAll(e.stdin)
		if err != nil {
			return "", nil, model.Errorf(model.EINVALID, "cannot read the model from standard input: %v", err)
		}
		return "<stdin>", b, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", nil, model.Errorf(model.EINVALID, "cannot read model %s: %v", path, err)
	}
	return path, b, nil
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
