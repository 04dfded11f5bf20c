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
