package fleet

import (
	"encoding/json"
	"fmt"
)

// task asks a worker to simulate blocks [First, Last) of a run.
type task struct {
	// Version is the dispatcher's build: a worker of another build could
	// simulate other numbers, so it gives the task back.
	Version string `json:"version"`
	Run     string `json:"run"`
	// Model is the object holding the model (as JSON, calibrated).
	Model    string   `json:"model"`
	Trials   int64    `json:"trials"`
	Seed     uint64   `json:"seed"`
	Controls []string `json:"controls"`
	First    int64    `json:"first"`
	Last     int64    `json:"last"`
}

// done says a task is over: its partial is in the object Partial, or it
// failed with Error (the run then fails).
type done struct {
	Run     string `json:"run"`
	First   int64  `json:"first"`
	Last    int64  `json:"last"`
	Partial string `json:"partial,omitempty"`
	Error   string `json:"error,omitempty"`
	Worker  string `json:"worker,omitempty"`
}

// maxMessage bounds the tasks and completions read from NATS (they are
// small: the model and the partials travel through the object store).
const maxMessage = 64 << 10

func decodeMessage(data []byte, v any) error {
	if len(data) > maxMessage {
		return fmt.Errorf("fleet: a message of %d bytes (at most %d)", len(data), maxMessage)
	}
	return json.Unmarshal(data, v)
}

// partialObject names the partial of a task done once: a task delivered
// again while its first worker still runs is done twice, and two writes
// of one object at once would mix their chunks, so each attempt writes its
// own object (nonce), and the completion names it.
func partialObject(run string, first int64, nonce string) string {
	return fmt.Sprintf("partial/%s/%d/%s", run, first, nonce)
}

// partialPrefix is the start of the names of a run's partials.
func partialPrefix(run string) string { return "partial/" + run + "/" }
