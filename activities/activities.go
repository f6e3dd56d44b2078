// Package activities holds side effects shared by every capability: sending
// e-mail. Capability-specific activities live with their workflows.
package activities

import (
	"context"

	"helhed/mail"
)

// Mail sends e-mail for workflows. Sends are idempotent by Message.Key.
type Mail struct {
	Sender mail.Sender
}

// SendMail is the activity; register with worker.RegisterActivity(&Mail{...}).
func (m *Mail) SendMail(ctx context.Context, msg mail.Message) error {
	return m.Sender.Send(ctx, msg)
}
