package operator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"helhed/searchattr"
	"helhed/workflows"
	"helhed/workflows/crisis"
)

var benchSeq atomic.Int64

// BenchmarkStart measures one start through the operator API (HTTP,
// bearer check, strict decoding, validation against the plan, ID and
// duplicate policy) against the baseline of the same workflow started
// directly with the Temporal client and the same start options, in the
// same run on the same stack,
// and prints the ratio.
//
//	go test -run '^$' -bench Start -benchtime 50x ./operator
func BenchmarkStart(b *testing.B) {
	in := crisis.Example(shared.Plan, time.Now())
	var direct, api float64
	b.Run("direct-client", func(b *testing.B) {
		start := time.Now()
		for range b.N {
			id := fmt.Sprintf("crisis/bench/%d", benchSeq.Add(1))
			_, err := shared.Temporal.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{
				ID: id, TaskQueue: workflows.TaskQueue,
				WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
				WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
				WorkflowExecutionErrorWhenAlreadyStarted: true,
				TypedSearchAttributes: temporal.NewSearchAttributes(
					searchattr.Kind.ValueSet(crisis.Kind), searchattr.PlanID.ValueSet(shared.Plan.ID)),
			}, crisis.WorkflowName, in)
			if err != nil {
				b.Fatal(err)
			}
		}
		direct = float64(time.Since(start).Nanoseconds()) / float64(b.N)
	})
	b.Run("operator-api", func(b *testing.B) {
		start := time.Now()
		for range b.N {
			in.Reference = fmt.Sprintf("b%d", benchSeq.Add(1))
			body, _ := json.Marshal(map[string]any{"kind": crisis.Kind, "input": in})
			req, _ := http.NewRequest("POST", base+"/api/v1/runs", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
		api = float64(time.Since(start).Nanoseconds()) / float64(b.N)
	})
	if direct > 0 {
		fmt.Printf("BenchmarkStart: operator API %.2f ms/start, direct client baseline %.2f ms/start, ratio %.2f\n", api/1e6, direct/1e6, api/direct)
	}
}
