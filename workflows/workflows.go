// Package workflows is the root of helhed's deterministic code. Each
// capability is a package below it (datarequest, meeting, absence,
// statistics, report, eviction, crisis) holding only its workflow
// functions, typed inputs and results, and pure rules; the side effects
// (activities, HTTP, Redis, collectors, reconcilers) are in
// adapters/<capability> (see package capability). Workflows only
// orchestrate; every side effect is an activity.
package workflows

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
