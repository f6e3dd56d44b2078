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
