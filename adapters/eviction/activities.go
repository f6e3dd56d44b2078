package eviction

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"helhed/mail"
	"helhed/plan"
	"helhed/workflows/eviction"
)

// Activities are the eviction cases' side effects. They are registered
// with the name prefix eviction.ActivityPrefix, and the workflows call
// them by those names: a method's name is part of recorded histories.
type Activities struct {
	Plan  *plan.Plan
	Model *ReadModel
	Inbox *Inbox // nil: no inbox pick-up on this worker
	// Temporal finds the tenancy's closed case an operator's case follows
	// (nil: operator cases are not linked to one).
	Temporal client.Client
}

// Resolve maps an operator's organisation and department to the plan.
// Validation has checked them already; a plan that changed in between
// fails the case without retries. It also finds the tenancy's case that
// closed before this one, which the new case follows as its next episode.
func (a *Activities) Resolve(ctx context.Context, in eviction.ResolveInput) (eviction.Resolved, error) {
	org, ok := a.Plan.HousingOrganisation(in.Organisation)
	if !ok {
		return eviction.Resolved{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("organisation %q is not in plan %s", in.Organisation, a.Plan.ID), "UnknownOrganisation", nil)
	}
	area, ok := a.Plan.AreaForDepartment(org.ID, in.Department)
	if !ok {
		return eviction.Resolved{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("department %q of %s is in none of plan %s's areas", in.Department, org.ID, a.Plan.ID), "UnknownDepartment", nil)
	}
	r := eviction.Resolved{PlanID: a.Plan.ID, Organisation: org.ID, Owner: org.Administrator, Area: area.ID}
	if a.Temporal != nil {
		run := activity.GetInfo(ctx).WorkflowExecution
		prev, err := lastClosedCase(ctx, a.Temporal, run.ID, run.RunID)
		if err != nil {
			return eviction.Resolved{}, err
		}
		r.Previous = prev
	}
	return r, nil
}

// Publish writes a case's view and its facts to the read model. Writes
// carry the case's sequence number, so a retry or a late duplicate is a
// no-op.
func (a *Activities) Publish(ctx context.Context, v eviction.View) error {
	_, err := a.Model.Put(ctx, v, Facts(v, a.Plan))
	return err
}

// Forget removes a cancelled case from the read model.
func (a *Activities) Forget(ctx context.Context, caseID string) error {
	return a.Model.Remove(ctx, caseID)
}

// KommuneNotice composes the case's § 92 notice (eviction.NoticeMessage)
// to the plan's kommune contact; the shared mail activity sends it.
func (a *Activities) KommuneNotice(_ context.Context, in eviction.NoticeInput) (mail.Message, error) {
	to, ok := eviction.KommuneContact(a.Plan)
	if !ok {
		return mail.Message{}, temporal.NewNonRetryableApplicationError("the plan names no municipal partner to notify", eviction.ErrTypeNoKommuneContact, nil)
	}
	return eviction.NoticeMessage(a.Plan, to, in), nil
}

// DemandReceipt is the plan's receipt assumptions for a påkrav, which the
// case reads when its påkrav is recorded without a receipt.
func (a *Activities) DemandReceipt(context.Context) (plan.DemandReceipt, error) {
	return a.Plan.Eviction.DemandReceipt, nil
}

// AwaitInbox waits on this worker until a complete arrears list is in
// $DATA_DIR/inbox (true), or in.MaxWait passes (false). The watch
// workflow then starts a scan.
func (a *Activities) AwaitInbox(ctx context.Context, in eviction.AwaitInboxInput) (bool, error) {
	if a.Inbox == nil {
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(in.MaxWait):
			return false, nil
		}
	}
	return a.Inbox.Await(ctx, in.MaxWait)
}

// ScanInbox imports the arrears lists waiting in $DATA_DIR/inbox.
func (a *Activities) ScanInbox(ctx context.Context) (eviction.InboxReport, error) {
	if a.Inbox == nil {
		return eviction.InboxReport{}, nil
	}
	return a.Inbox.Scan(ctx)
}
