// Package activities holds the side effects shared by capabilities: sending
// e-mail (SendMail) and steering a data-request child from another
// workflow (ExtendDataRequest, CancelDataRequest). Workflows call them by
// name (workflows.ActivitySendMail, datarequest.ActivityExtend/Cancel), so
// no workflow package imports this one. Capability-specific activities live
// in adapters/<capability>; the documents some of them write (meeting
// reports, the absence note) are rendered and kept in the document store
// (helhed/docstore) with the helpers here (Templates, KeepDocument).
package activities

import (
	"context"

	"helhed/mail"
	"helhed/mailer"
)

// Mail sends e-mail for workflows. Workflows call it by workflows.ActivitySendMail. Sends are idempotent by Message.Key.
type Mail struct {
	Sender mailer.Sender
}

// SendMail is the activity; register with worker.RegisterActivity(&Mail{...}).
func (m *Mail) SendMail(ctx context.Context, msg mail.Message) error {
	return m.Sender.Send(ctx, msg)
}
