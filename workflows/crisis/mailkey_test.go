package crisis_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"helhed/mail"
	"helhed/mailer"
	"helhed/workflows"
	"helhed/workflows/crisis"
)

// sendsThenFails delivers through the outbox and then fails the first
// attempt of every key, as an SMTP server that took a message before the
// connection dropped: the activity is retried with the same message.
type sendsThenFails struct {
	out       *mailer.Outbox
	mu        sync.Mutex
	attempts  map[string]int // per key
	delivered map[string]int // per key: attempts that wrote a new message
}

func (s *sendsThenFails) Send(ctx context.Context, m mail.Message) error {
	_, before := os.Stat(filepath.Join(s.out.Dir, mailer.FileName(m.Key)))
	if err := s.out.Send(ctx, m); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts[m.Key]++
	if before != nil {
		s.delivered[m.Key]++
	}
	if s.attempts[m.Key] == 1 {
		return errors.New("connection reset after the message was accepted")
	}
	return nil
}

// TestRetriedMailSendsOnce: every send of an activation fails once after
// delivering; the retry carries the same run-scoped key, so each member
// gets the activation e-mail once.
func TestRetriedMailSendsOnce(t *testing.T) {
	s := &sendsThenFails{attempts: map[string]int{}, delivered: map[string]int{}}
	h := newHarnessSending(t, func(o *mailer.Outbox) mailer.Sender { s.out = o; return s })
	h.at(time.Hour, func() { h.ok(crisis.UpdateCancel, crisis.Cancellation{Reason: "Falsk alarm."}) })
	if r := h.run(); r.Status != crisis.StageCancelled {
		t.Fatalf("result %+v", r)
	}
	id := "default-test-workflow-id"
	activations := 0
	for key, n := range s.attempts {
		if !strings.HasSuffix(key, workflows.RunMailKey(testRunID, "")) {
			t.Errorf("key %s is not the run's", key)
		}
		if n != 2 || s.delivered[key] != 1 {
			t.Errorf("%s: %d attempts, %d delivered; want 2 attempts, 1 delivered", key, n, s.delivered[key])
		}
		if strings.HasPrefix(key, id+"/activated/") {
			activations++
		}
	}
	if activations != len(h.p.Governance.Crisis.Roles) {
		t.Errorf("%d activation e-mails, want one per member (%d)", activations, len(h.p.Governance.Crisis.Roles))
	}
	files, err := os.ReadDir(h.outbox)
	if err != nil || len(files) != len(s.attempts) {
		t.Errorf("%d files in the outbox, want %d (one per key): %v", len(files), len(s.attempts), err)
	}
}
