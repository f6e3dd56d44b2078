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

// AwaitInboxInput bounds one wait for the inbox.
type AwaitInboxInput struct {
	// MaxWait is how long the activity waits for a complete file before it
	// returns false.
	MaxWait time.Duration `json:"maxWait"`
}

// Bounds of the inbox watch. The wait activity returns when a complete
// file is there, or after inboxMaxWait with nothing (so a watch runs at
// most four waits a day without a file); the watch continues as new after
// inboxWatchRounds waits, so its history stays short.
const (
	inboxMaxWait     = 6 * time.Hour
	inboxWatchRounds = 100
	inboxRetryPause  = time.Minute
	// InboxWatchID is the one watch's workflow ID, whichever replica
	// starts it.
	InboxWatchID = "eviction-inbox-watch"
)

// InboxWatch is the long-running workflow behind the arrears inbox: its
// activity waits on the worker, listing $DATA_DIR/inbox locally, until a
// complete file is there; then the watch runs one EvictionInboxScan as a
// child workflow (each import is its own run in history, as when a
// schedule started them), and waits again. Nothing is executed while no
// file arrives, apart from one wait every inboxMaxWait.
func InboxWatch(ctx workflow.Context) error {
	waitCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: inboxMaxWait + 10*time.Minute,
		HeartbeatTimeout:    time.Minute,
	})
	for range inboxWatchRounds {
		var ready bool
		if err := workflow.ExecuteActivity(waitCtx, actAwaitInbox, AwaitInboxInput{MaxWait: inboxMaxWait}).Get(ctx, &ready); err != nil {
			return err
		}
		if !ready {
			continue
		}
		scanCtx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID: "eviction-inbox-scan-" + workflow.Now(ctx).UTC().Format("2006-01-02T15:04:05.000Z"),
		})
		// A scan that failed is in its own history; the watch goes on after
		// a pause (the files it left would make the next wait return at
		// once), and claims it held are taken again once their lease runs
		// out.
		var report InboxReport
		if err := workflow.ExecuteChildWorkflow(scanCtx, InboxWorkflowName).Get(ctx, &report); err != nil {
			workflow.GetLogger(ctx).Warn("arrears inbox scan failed", "err", err)
			if err := workflow.Sleep(ctx, inboxRetryPause); err != nil {
				return err
			}
		}
	}
	return workflow.NewContinueAsNewError(ctx, InboxWatchWorkflowName)
}
