package meeting

import (
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/sdk/workflow"

	"helhed/danish"
	"helhed/fielderr"
	"helhed/plan"
)

// UpdateReportNow has the round compile and send the progress report now
// instead of on its report day: the secretariat has what it needs (every
// partner has answered, or the steering group meets earlier than planned).
// Requests still open are closed with a note that the partner was not late.
const UpdateReportNow = "report-now"

// changeReportNow marks histories in which a round took report-now.
const changeReportNow = "report-now"

// ReportNow is report-now's argument.
type ReportNow struct {
	// Reason is why the report goes out before its day (Danish; shown in
	// the round and in the note to partners who have not answered yet).
	Reason string `json:"reason" label:"Begrundelse" help:"Hvorfor fremdriftsrapporten sendes før tid, fx: alle partnere har svaret"`
}

// EarlyReport records a report-now the round took.
type EarlyReport struct {
	Reason      string `json:"reason"`
	RequestedOn string `json:"requestedOn"` // yyyy-mm-dd
	Planned     string `json:"planned"`     // the report day it replaced
}

func (r *round) registerReportNow(ctx workflow.Context) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateReportNow,
		func(ctx workflow.Context, a ReportNow) (EarlyReport, error) {
			workflow.GetVersion(ctx, changeReportNow, workflow.DefaultVersion, 1)
			r.st.EarlyReport = &EarlyReport{Reason: strings.TrimSpace(a.Reason),
				RequestedOn: plan.DateOf(workflow.Now(ctx).In(r.loc)).String(), Planned: r.st.Timeline.Report.String()}
			return *r.st.EarlyReport, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, a ReportNow) error {
			switch {
			case r.setup == nil:
				return errNotReady
			case strings.TrimSpace(a.Reason) == "":
				return fielderr.Invalid("reason", "skriv, hvorfor rapporten sendes før tid")
			case r.isDone(StepReport) || r.st.EarlyReport != nil:
				return errors.New("fremdriftsrapporten er allerede udarbejdet eller på vej")
			case !r.isDone(StepOpen):
				return fmt.Errorf("runden har ikke bedt partnerne om data endnu (det sker %s)", danish.Date(r.st.Timeline.Open))
			}
			return nil
		}},
	)
}

// reportNow reports whether report-now asked for the report.
func (r *round) reportNow() bool { return r.st.EarlyReport != nil }

// earlyNote is the note to a partner whose request closes with an early
// report, before its due date.
func earlyNote(due, reason string) string {
	return fmt.Sprintf("Fremdriftsrapporten er udarbejdet før jeres frist (%s), fordi sekretariatet har sendt den tidligt (%s). "+
		"I har ikke overskredet fristen, og der skal ikke sendes data til dette møde.", DateText(due), reason)
}
