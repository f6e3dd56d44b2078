package report

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"helhed/fielderr"
	"helhed/mail"
	"helhed/searchattr"
	"helhed/workflows"
)

// AnnualReport renders a version, waits for the board, and renders a new
// version for every send-back until a version is approved; then it mails
// the approved PDF to the committees.
func AnnualReport(ctx workflow.Context, in Input) (*Result, error) {
	state := State{PlanYear: in.PlanYear, Stage: StageRendering, Accepts: []string{}}
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (State, error) { return state, nil }); err != nil {
		return nil, err
	}
	var decision *decision
	if err := registerUpdates(ctx, &state, &decision); err != nil {
		return nil, err
	}
	short := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 5 * time.Second, MaximumAttempts: 10},
	})
	render := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 10 * time.Second, MaximumAttempts: 5},
	})
	var res Resolved
	if err := workflow.ExecuteActivity(short, activityResolve, ResolveInput{Input: in, Now: workflow.Now(ctx)}).Get(ctx, &res); err != nil {
		return nil, err
	}
	state.PlanYear = res.PlanYear
	if workflow.GetVersion(ctx, changeNumberOn, workflow.DefaultVersion, 1) != workflow.DefaultVersion {
		if err := workflow.ExecuteActivity(short, activityLastVersion, res.PlanYear).Get(ctx, &state.Version); err != nil {
			return nil, err
		}
	}
	setStage := func(stage string) error {
		state.Stage = stage
		return workflow.UpsertTypedSearchAttributes(ctx, searchattr.Kind.ValueSet(Kind), searchattr.PlanID.ValueSet(res.PlanID),
			searchattr.Stage.ValueSet(stage))
	}
	publish := func() error { return workflow.ExecuteActivity(short, activityPublishState, state).Get(ctx, nil) }
	for {
		if err := setStage(StageRendering); err != nil {
			return nil, err
		}
		state.Version++
		var v Version
		if err := workflow.ExecuteActivity(render, activityRender, RenderInput{PlanYear: res.PlanYear, Version: state.Version,
			Comments: state.Comments, Now: workflow.Now(ctx)}).Get(ctx, &v); err != nil {
			return nil, err
		}
		state.Versions = append(state.Versions, v)
		var msg mail.Message
		if err := workflow.ExecuteActivity(short, activityReviewMail, res, v).Get(ctx, &msg); err != nil {
			return nil, err
		}
		if msg.Key != "" {
			msg.Key = workflows.MailKey(ctx, msg.Key)
			if err := workflow.ExecuteActivity(short, workflows.ActivitySendMail, msg).Get(ctx, nil); err != nil {
				return nil, err
			}
		}
		if err := setStage(StageAwaiting); err != nil {
			return nil, err
		}
		state.Accepts = []string{UpdateApprove, UpdateSendBack}
		state.OpenTasks = []workflows.OpenTask{{Name: UpdateApprove, Title: "Bestyrelsen godkender årsrapporten eller sender den tilbage", Owner: "bestyrelsen"}}
		if err := publish(); err != nil {
			return nil, err
		}
		if err := workflow.Await(ctx, func() bool { return decision != nil }); err != nil {
			return nil, err
		}
		d := decision
		decision = nil
		state.Accepts, state.OpenTasks = []string{}, nil
		if d.approve {
			state.Approved = state.Version
			break
		}
		state.Comments = append(state.Comments, Comment{Version: state.Version, Text: d.comments, At: workflow.Now(ctx)})
	}
	if err := setStage(StageApproved); err != nil {
		return nil, err
	}
	approved := state.Versions[len(state.Versions)-1]
	approvedAt := workflow.Now(ctx)
	distribute := DistributeInput{Resolved: res, Version: approved}
	if workflow.GetVersion(ctx, workflows.MailKeyChange, workflow.DefaultVersion, 1) != workflow.DefaultVersion {
		distribute.Run = workflows.FirstRunID(ctx)
	}
	if err := workflow.ExecuteActivity(short, activityDistribute, distribute).Get(ctx, nil); err != nil {
		return nil, err
	}
	if err := setStage(StageSent); err != nil {
		return nil, err
	}
	if err := publish(); err != nil {
		return nil, err
	}
	return &Result{PlanYear: res.PlanYear, Version: approved.Version, ApprovedAt: approvedAt, PDF: approved.PDF, ApprovedBy: state.ApprovedBy}, nil
}

// decided records the Update update, sent by by, in state's decisions
// (changeDecisionsBy), reporting whether it did.
func decided(ctx workflow.Context, state *State, update string, by workflows.By) bool {
	if workflow.GetVersion(ctx, changeDecisionsBy, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return false
	}
	state.Decisions = append(state.Decisions, workflows.Decision{Update: update, At: workflow.Now(ctx), By: by.Actor})
	return true
}

// decision is the board's answer to the current version.
type decision struct {
	approve  bool
	comments string
}

// registerUpdates installs approve and send-back with validators: only the
// version awaiting approval may be decided, and a send-back needs comments.
// A rejected Update leaves no trace in history.
func registerUpdates(ctx workflow.Context, state *State, d **decision) error {
	check := func(version int) error {
		if state.Stage != StageAwaiting || *d != nil {
			return errors.New("ingen version afventer godkendelse nu")
		}
		if version != state.Version {
			return fielderr.Invalid("version", "version "+strconv.Itoa(version)+" afventer ikke godkendelse; den aktuelle version er "+strconv.Itoa(state.Version))
		}
		return nil
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateApprove,
		func(ctx workflow.Context, a Approval) (State, error) {
			*d = &decision{approve: true, comments: a.Comment}
			if decided(ctx, state, UpdateApprove, a.By) {
				state.ApprovedBy = a.Actor
			}
			return *state, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(a Approval) error { return check(a.Version) }}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateSendBack,
		func(ctx workflow.Context, s SendBack) (State, error) {
			*d = &decision{comments: strings.TrimSpace(s.Comments)}
			decided(ctx, state, UpdateSendBack, s.By)
			return *state, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(s SendBack) error {
			if err := check(s.Version); err != nil {
				return err
			}
			if strings.TrimSpace(s.Comments) == "" {
				return fielderr.Invalid("comments", "skriv bestyrelsens bemærkninger, så den næste version kan rette dem")
			}
			return nil
		}})
}
