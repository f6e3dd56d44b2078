package meeting

import (
	"context"
	"fmt"
	"path"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"helhed/activities"
	"helhed/docstore"
	"helhed/plan"
	"helhed/workflows/meeting"
)

// Activities are the round's side effects, with their dependencies. Their
// method names are the activity names the workflow calls
// (meeting.ActivityPrepare, …): every exported method is an activity.
type Activities struct {
	Plan  *plan.Plan
	Docs  docstore.Store // documents are kept as meetings/<plan>/<key>/runs/<run>/…
	Redis redis.Cmdable
}

// MeetingPrepare snapshots what the round needs from the plan. A bad input
// fails the round at once, naming the field.
func (a *Activities) MeetingPrepare(_ context.Context, in meeting.Input) (meeting.Setup, error) {
	s, err := meeting.BuildSetup(a.Plan, in)
	if err != nil {
		return meeting.Setup{}, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidInput", err)
	}
	return s, nil
}

// documentNames are the file names of the documents, by kind.
var documentNames = map[string]string{
	meeting.DocAgendaReport: "styregruppe-dagsorden-og-fremdriftsrapport",
	meeting.DocBoardPack:    "bestyrelse-moedemateriale",
	meeting.DocMinutes:      "referat",
}

// MeetingCompile renders a document as Markdown and HTML, keeps both in
// the document store under meetings/<plan>/<key>/runs/<run>/ and returns
// them for the e-mail.
func (a *Activities) MeetingCompile(ctx context.Context, in meeting.CompileInput) (meeting.Document, error) {
	base, ok := documentNames[in.Doc]
	if !ok {
		return meeting.Document{}, temporal.NewNonRetryableApplicationError("unknown document "+in.Doc, "BadArgument", nil)
	}
	md, html, err := templates.Render(in.Doc, buildReport(in))
	if err != nil {
		return meeting.Document{}, temporal.NewNonRetryableApplicationError(err.Error(), "RenderFailed", err)
	}
	dir := path.Join("meetings", in.Setup.PlanID, in.State.Input.Key())
	paths, err := activities.KeepDocument(ctx, a.Docs, dir, base, activity.GetInfo(ctx).WorkflowExecution.RunID, md, html)
	if err != nil {
		return meeting.Document{}, fmt.Errorf("keep %s: %w", base, err)
	}
	return meeting.Document{Markdown: md, HTML: html, Paths: paths}, nil
}
