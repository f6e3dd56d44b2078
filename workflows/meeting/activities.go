package meeting

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/temporal"

	"helhed/plan"
	"helhed/schedules/cycle"
)

// Activities are the round's side effects, with their dependencies.
// Register with worker.RegisterActivity(&Activities{...}).
type Activities struct {
	Plan    *plan.Plan
	DataDir string // documents go under DataDir/meetings/<plan>/<key>/
	Redis   redis.Cmdable
}

// MeetingPrepare snapshots what the round needs from the plan. A bad input
// fails the round at once, naming the field.
func (a *Activities) MeetingPrepare(_ context.Context, in Input) (Setup, error) {
	s, err := BuildSetup(a.Plan, in)
	if err != nil {
		return Setup{}, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidInput", err)
	}
	return s, nil
}

// Document kinds MeetingCompile renders.
const (
	DocAgendaReport = "agenda-report" // steering group: agenda + progress report
	DocBoardPack    = "board-pack"    // board: agenda + recommendations + report summary
	DocMinutes      = "minutes"       // recommendations and decisions recorded
)

// Answer is one answered data request's values.
type Answer struct {
	Partner string            `json:"partner"`
	Kind    string            `json:"kind"`
	OnTime  bool              `json:"onTime"`
	Values  map[string]string `json:"values"`
}

// CompileInput is what MeetingCompile renders from.
type CompileInput struct {
	Doc        string    `json:"doc"`
	Setup      Setup     `json:"setup"`
	State      State     `json:"state"`
	Answers    []Answer  `json:"answers,omitempty"`
	CompiledAt time.Time `json:"compiledAt"`
}

// MeetingCompile renders a document as Markdown and HTML, keeps both under
// DATA_DIR/meetings/<plan>/<key>/ and returns them for the e-mail.
func (a *Activities) MeetingCompile(_ context.Context, in CompileInput) (cycle.Doc, error) {
	data := buildReport(in)
	names := map[string]string{DocAgendaReport: "styregruppe-dagsorden-og-fremdriftsrapport", DocBoardPack: "bestyrelse-moedemateriale", DocMinutes: "referat"}
	base, ok := names[in.Doc]
	if !ok {
		return cycle.Doc{}, temporal.NewNonRetryableApplicationError("unknown document "+in.Doc, "BadArgument", nil)
	}
	doc, err := templates.Render(in.Doc, data)
	if err != nil {
		return cycle.Doc{}, temporal.NewNonRetryableApplicationError(err.Error(), "RenderFailed", err)
	}
	dir := filepath.Join(a.DataDir, "meetings", in.Setup.PlanID, in.State.Input.Key())
	if err := cycle.Keep(dir, base, &doc); err != nil {
		return cycle.Doc{}, fmt.Errorf("keep %s: %w", base, err)
	}
	return doc, nil
}
