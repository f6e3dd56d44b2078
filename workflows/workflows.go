// Package workflows is the root of helhed's deterministic code. Each
// capability is a package below it (datarequest, meeting, absence,
// statistics, report, eviction, crisis) holding only its workflow
// functions, typed inputs and results, and pure rules; the side effects
// (activities, HTTP, Redis, collectors, reconcilers) are in
// adapters/<capability> (see package capability). Workflows only
// orchestrate; every side effect is an activity.
package workflows

import "go.temporal.io/sdk/workflow"

// TaskQueue is the one queue helhed's workers poll.
const TaskQueue = "helhed"

// ActivitySendMail is the shared e-mail activity (activities.Mail.SendMail),
// taking a mail.Message. Workflows call it by name, so no workflow package
// imports the sender.
const ActivitySendMail = "SendMail"

// OpenTask is a step a run waits for, as its state query lists it under
// "openTasks" for the run layer (API, pages, starter).
type OpenTask struct {
	Name  string `json:"name"`            // the Update that completes it
	Title string `json:"title"`           // Danish
	Owner string `json:"owner,omitempty"` // role or partner id, never a person
	Due   string `json:"due,omitempty"`   // yyyy-mm-dd or RFC 3339
}

// MailKeyChange is the workflow.GetVersion change id under which e-mail
// idempotency keys became run-scoped. Runs whose history reached a send
// before it keep their business-id keys; new runs use RunMailKey.
const MailKeyChange = "mail-key-per-run"

// MailKey scopes an e-mail's business key (Message.Key) to the run chain, so
// a retried activity sends once but a new run of the same business id
// (a crisis activated again, a meeting round relaunched) sends again.
func MailKey(ctx workflow.Context, key string) string {
	if workflow.GetVersion(ctx, MailKeyChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return key
	}
	return RunMailKey(FirstRunID(ctx), key)
}

// RunMailKey is key scoped to the run chain firstRunID: "<key>@<firstRunID>".
// The run id is a server-made UUID, so the key stays free of personal data.
func RunMailKey(firstRunID, key string) string { return key + "@" + firstRunID }

// FirstRunID identifies the run chain: the first run's id, kept through
// continue-as-new, retry and reset.
func FirstRunID(ctx workflow.Context) string {
	info := workflow.GetInfo(ctx)
	if info.FirstRunID == "" {
		return info.WorkflowExecution.RunID // the test environment sets no first run
	}
	return info.FirstRunID
}
