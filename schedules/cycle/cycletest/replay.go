package cycletest

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"

	"helhed/codec"
	"helhed/config"
)

// PayloadKey is the fixed payload key of the integration tests whose
// histories are recorded for replay tests: a recorded history can only be
// decoded with the key it was written with. It protects nothing.
var PayloadKey = base64.StdEncoding.EncodeToString([]byte("helhed-tests-only-not-a-secret!!"))

// RecordEnv names the environment variable that makes integration tests
// (re)write their recorded histories: HELHED_RECORD_HISTORY=1.
const RecordEnv = "HELHED_RECORD_HISTORY"

// RecordHistory writes a workflow's history as JSON to path when
// RecordEnv is set; otherwise it does nothing.
func RecordHistory(ctx context.Context, c client.Client, workflowID, path string) error {
	if os.Getenv(RecordEnv) == "" {
		return nil
	}
	iter := c.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var h historypb.History
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			return err
		}
		h.Events = append(h.Events, ev)
	}
	b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(&h)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// Replayer is a workflow replayer that decodes with PayloadKey, as the
// recording process encoded.
func Replayer() (worker.WorkflowReplayer, error) {
	keys, err := (&config.Config{PayloadKey: PayloadKey}).PayloadKeys()
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
