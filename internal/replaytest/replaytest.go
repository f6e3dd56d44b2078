// Package replaytest records workflow histories from integration tests
// and replays them against the current workflow code, Temporal's guard
// against non-deterministic changes: a change that would break running
// workflows fails the replay and needs workflow.GetVersion.
//
// A history is recorded on the real stack, whose payloads are sealed with
// a fixed test payload key (usually testdata/payload-test.key, protecting
// nothing); the replayer decodes with the same key.
package replaytest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/protojson"

	"helhed/codec"
	"helhed/config"
)

// RecordEnv names the environment variable that makes integration tests
// (re)write their recorded histories: HELHED_RECORD_HISTORY=1.
const RecordEnv = "HELHED_RECORD_HISTORY"

// KeyFile is where a package keeps the test payload key its recorded
// histories are sealed with.
const KeyFile = "testdata/payload-test.key"

// ReadKey reads a base64 payload key (as PAYLOAD_KEY takes it) from a file.
func ReadKey(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("test payload key: %w", err)
	}
	return strings.TrimSpace(string(raw)), nil
}

// Workflow is a workflow function and the name it is registered under.
type Workflow struct {
	Fn   any
	Name string
}

// Replay replays each recorded history in files against wfs, decoding
// payloads with key (base64). Every history that does not replay fails t.
func Replay(t testing.TB, key string, files []string, wfs ...Workflow) {
	t.Helper()
	r, err := Replayer(key)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range wfs {
		r.RegisterWorkflowWithOptions(w.Fn, workflow.RegisterOptions{Name: w.Name})
	}
	for _, f := range files {
		if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// ReplayKeyFile is Replay with the key read from keyFile.
func ReplayKeyFile(t testing.TB, keyFile string, files []string, wfs ...Workflow) {
	t.Helper()
	key, err := ReadKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	Replay(t, key, files, wfs...)
}

// Replayer is a workflow replayer that decodes with key (base64), as the
// recording process encoded.
func Replayer(key string) (worker.WorkflowReplayer, error) {
	keys, err := (&config.Config{PayloadKey: key}).PayloadKeys()
	if err != nil {
		return nil, err
	}
	c, err := codec.New(keys)
	if err != nil {
		return nil, fmt.Errorf("codec: %w", err)
	}
	dc := codec.DataConverter(c)
	return worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{
		DataConverter: dc, FailureConverter: codec.FailureConverter(dc),
	})
}

// Record writes a workflow's history as JSON (the format the replayer
// reads; payloads stay sealed) to path when RecordEnv is set; otherwise it
// does nothing.
func Record(t testing.TB, c client.Client, workflowID, path string) {
	t.Helper()
	if os.Getenv(RecordEnv) == "" {
		return
	}
	iter := c.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var h historypb.History
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, ev)
	}
	b, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(&h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %d events of %s into %s", len(h.Events), workflowID, path)
}
