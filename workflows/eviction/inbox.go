package eviction

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// InboxReport says what a scan of the arrears inbox did.
type InboxReport struct {
	Files []InboxFile `json:"files"`
}

// InboxFile is one file's result.
type InboxFile struct {
	Name       string `json:"name"`
	Status     string `json:"status"` // done | failed
	Accepted   int    `json:"accepted"`
	Duplicates int    `json:"duplicates"`
	Rejected   int    `json:"rejected"`
	Error      string `json:"error,omitempty"`
}

// InboxScan is the scheduled workflow (the adapter's inbox schedule) that
// runs one scan of the arrears inbox, $DATA_DIR/inbox.
func InboxScan(ctx workflow.Context) (InboxReport, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Minute,
		HeartbeatTimeout:    5 * time.Minute,
	})
	var r InboxReport
	err := workflow.ExecuteActivity(ctx, actScanInbox).Get(ctx, &r)
	return r, err
}
