// Package crisis is the beredskabsplan (kind "crisis"): an ad hoc
// activation after arson, vandalism, violence, a shooting, harassment,
// fighting or threats against staff. Any crisis-group member or the police
// activates it; the workflow notifies the crisis group from the plan at
// once, waits for the convenor (the secretariat leader) to confirm a
// meeting, and after the meeting tracks the SSP network activation and the
// resident information (agreed text, sent when approved). On close the
// group decides whether to evaluate; if so an evaluation task follows at
// once. The crisis group's yearly status meeting is a separate workflow
// run on a schedule.
package crisis

import (
	"time"

	"helhed/workflows"
)

// Kind is the run kind and the HelhedKind search attribute.
const Kind = "crisis"

// Workflow type names.
const (
	WorkflowName              = "CrisisActivation"
	StatusMeetingWorkflowName = "CrisisStatusMeeting"
)

// Activity names. The activities are methods of Activities in
// helhed/adapters/crisis, registered under their method names; the
// workflows call them by name, so this package does not import the adapter.
const (
	activityCrisisGroup  = "CrisisGroup"  // GroupRequest → Group
	activityCrisisRecord = "CrisisRecord" // Record
)

// Update and query names.
const (
	UpdateConfirmMeeting = "confirm-meeting"              // MeetingTime: the convenor sets the meeting
	UpdateMoveMeeting    = "move-meeting"                 // MeetingTime: before it starts
	UpdateSSP            = "ssp-activation"               // SSPDecision
	UpdateResidentInfo   = "resident-information"         // ResidentInfo: what was agreed to tell
	UpdateApproveInfo    = "approve-resident-information" // Approval: sends it
	UpdateClose          = "close"                        // Closing: the group decides on evaluation
	UpdateEvaluation     = "evaluation"                   // Evaluation
	UpdateCancel         = "cancel"                       // Cancellation
	QueryState           = "state"                        // → State
)

// Stages (the HelhedStage search attribute).
const (
	StageConvening  = "convening"         // group notified; meeting not yet confirmed
	StageScheduled  = "meeting-scheduled" // meeting confirmed, not yet started
	StageFollowUp   = "follow-up"         // after the meeting: SSP and resident information
	StageEvaluation = "evaluation"        // the group chose to evaluate
	StageClosed     = "closed"
	StageCancelled  = "cancelled"
)

// StageTitles are the stages in Danish.
var StageTitles = map[string]string{
	StageConvening:  "Krisegruppen underrettet – møde indkaldes",
	StageScheduled:  "Møde indkaldt",
	StageFollowUp:   "Opfølgning: SSP og beboerinformation",
	StageEvaluation: "Evaluering",
	StageClosed:     "Afsluttet",
	StageCancelled:  "Annulleret",
}

// Incident types (the helhed_crisis_activations_total label).
const (
	Arson       = "arson"
	Vandalism   = "vandalism"
	Assault     = "assault"
	Shooting    = "shooting"
	Harassment  = "harassment"
	Fighting    = "fighting"
	StaffThreat = "threats-against-staff"
	Other       = "other"
)

// Incidents lists the types with their Danish names (the plan's triggers).
var Incidents = []struct{ Type, Title string }{
	{Arson, "Ildspåsættelse"},
	{Vandalism, "Omfattende hærværk"},
	{Assault, "Overfald"},
	{Shooting, "Skyderi"},
	{Harassment, "Chikane"},
	{Fighting, "Slåskampe"},
	{StaffThreat, "Trusler mod medarbejdere"},
	{Other, "Anden voldsom uro"},
}

// IncidentTitle is the Danish name of an incident type.
func IncidentTitle(t string) string {
	for _, i := range Incidents {
		if i.Type == t {
			return i.Title
		}
	}
	return t
}

// Defaults and bounds.
const (
	DefaultConveneWithinHours = 4
	MaxConveneWithinHours     = 72
	// EvaluationWeekdays is how long the evaluation may take: the plan says
	// it must be ready "umiddelbart efter" the activation.
	EvaluationWeekdays = 5
	MaxText            = 4000
)

// Input activates the crisis plan. It carries no names: who activated it
// is a role, the summary describes the incident, not the people.
type Input struct {
	workflows.By
	// ActivatedBy is a crisis-group role id from the plan, or the id of a
	// police partner (the police may activate the plan too).
	ActivatedBy string `json:"activatedBy" label:"Aktiveret af" help:"Rolle i krisegruppen, eller politiet"`
	Incident    string `json:"incident" label:"Hændelse"`
	Area        string `json:"area" label:"Boligområde"`
	// OccurredAt is when the incident happened (not in the future).
	OccurredAt time.Time `json:"occurredAt" label:"Tidspunkt for hændelsen"`
	// Summary describes the incident for the crisis group, without names.
	Summary string `json:"summary" label:"Kort beskrivelse" help:"Hvad er sket? Ingen navne eller CPR-numre." form:"textarea"`
	// ConveneWithinHours is the deadline for confirming the meeting
	// [DefaultConveneWithinHours].
	ConveneWithinHours int `json:"conveneWithinHours,omitempty" label:"Møde indkaldes inden (timer)" help:"Standard 4 timer"`
	// Reference tells apart two incidents of the same type in the same area
	// on the same day ("2"); it becomes part of the workflow ID.
	Reference string `json:"reference,omitempty" label:"Reference" help:"Kun ved flere hændelser af samme type samme dag, fx 2"`
}

// MeetingTime sets or moves the crisis group's meeting.
type MeetingTime struct {
	workflows.By
	At    time.Time `json:"at" label:"Mødetidspunkt"`
	Place string    `json:"place" label:"Mødested"`
	// DurationMinutes [60].
	DurationMinutes int `json:"durationMinutes,omitempty" label:"Varighed (minutter)"`
}

// SSPDecision records the SSP consultant's activation of the SSP network
// (school, outreach and club staff), or that it was not needed.
type SSPDecision struct {
	workflows.By
	Activated bool   `json:"activated" label:"SSP-netværket er aktiveret"`
	Note      string `json:"note,omitempty" label:"Bemærkning" form:"textarea"`
}

// ResidentInfo is what the crisis group agreed to tell residents and the
// boards of the housing departments. Needed=false records that nothing is
// to be sent.
type ResidentInfo struct {
	workflows.By
	Needed  bool   `json:"needed" label:"Beboerne skal informeres"`
	Message string `json:"message,omitempty" label:"Aftalt tekst til beboerne" form:"textarea"`
}

// Approval approves the agreed resident information, which is then sent.
type Approval struct {
	workflows.By
	// ApprovedBy is the crisis role approving (default the convenor).
	ApprovedBy string `json:"approvedBy,omitempty" label:"Godkendt af (rolle)"`
}

// Closing ends the activation; the group decides whether to evaluate.
type Closing struct {
	workflows.By
	Evaluate bool   `json:"evaluate" label:"Indsatsen skal evalueres"`
	Note     string `json:"note,omitempty" label:"Bemærkning" form:"textarea"`
}

// Evaluation is the evaluation's result.
type Evaluation struct {
	workflows.By
	Summary string `json:"summary" label:"Evalueringens konklusion" form:"textarea"`
	// ChannelsWorked records whether the information channels worked, the
	// plan's example question for an evaluation.
	ChannelsWorked bool `json:"channelsWorked" label:"Informationskanalerne virkede"`
}

// Cancellation withdraws an activation (e.g. a false alarm).
type Cancellation struct {
	workflows.By
	Reason string `json:"reason" label:"Begrundelse" form:"textarea"`
}

// Member is one seat of the crisis group with its role-based address.
type Member struct {
	Role    string   `json:"role"`
	Title   string   `json:"title"`
	Partner string   `json:"partner"`
	Email   string   `json:"email"`
	Duties  []string `json:"duties,omitempty"`
}

// Group is the crisis group and what messages need, read from the plan
// by an activity so the workflow stays deterministic if the plan changes.
type Group struct {
	PlanID         string   `json:"planId"`
	Members        []Member `json:"members"`
	Convenor       string   `json:"convenor"` // role id
	ActivatorTitle string   `json:"activatorTitle"`
	AreaName       string   `json:"areaName"`
	PoliceFallback string   `json:"policeFallback,omitempty"`
	// Residents are where approved resident information goes: the
	// administrators of the area's housing organisations and the
	// secretariat (who inform residents and department boards).
	Residents []string `json:"residents"`
	// RunURL is the operator page of the run.
	RunURL string `json:"runUrl"`
}

// GroupRequest asks for the crisis group as the plan has it now.
type GroupRequest struct {
	WorkflowID  string `json:"workflowId"`
	ActivatedBy string `json:"activatedBy"`
	Area        string `json:"area"`
}

// Task status values.
const (
	TaskOpen = "open"
	TaskDone = "done"
)

// Task is a task of the activation as the state query reports it.
type Task struct {
	Name   string     `json:"name"`
	Title  string     `json:"title"`
	Owner  string     `json:"owner"` // crisis role id
	Status string     `json:"status"`
	Due    *time.Time `json:"due,omitempty"`
	Note   string     `json:"note,omitempty"`
}

// Meeting is the confirmed crisis-group meeting.
type Meeting struct {
	At              time.Time `json:"at"`
	Place           string    `json:"place"`
	DurationMinutes int       `json:"durationMinutes"`
	Sequence        int       `json:"sequence"` // invitation version
}

// State is the query result.
type State struct {
	Input        Input         `json:"input"`
	Stage        string        `json:"stage"`
	StageTitle   string        `json:"stageTitle"`
	ActivatedAt  time.Time     `json:"activatedAt"`
	ConveneBy    time.Time     `json:"conveneBy"`
	Meeting      *Meeting      `json:"meeting,omitempty"`
	MeetingHeld  bool          `json:"meetingHeld"`
	SSP          *SSPDecision  `json:"ssp,omitempty"`
	ResidentInfo *ResidentInfo `json:"residentInfo,omitempty"`
	InfoApproved bool          `json:"infoApproved"`
	InfoSentTo   int           `json:"infoSentTo"`
	Closing      *Closing      `json:"closing,omitempty"`
	Evaluation   *Evaluation   `json:"evaluation,omitempty"`
	EvaluateBy   *time.Time    `json:"evaluateBy,omitempty"`
	CancelReason string        `json:"cancelReason,omitempty"`
	// Decisions are the Updates taken, in order, with who took them
	// (ChangeDecisionsBy); Input.Actor is who activated the plan.
	Decisions []workflows.Decision `json:"decisions,omitempty"`
	Tasks     []Task               `json:"tasks"`
	// OpenTasks and Accepts are read by the operator layer (runs).
	OpenTasks []Task   `json:"openTasks"`
	Accepts   []string `json:"accepts"`
}

// Result is what the workflow returns.
type Result struct {
	Status       string     `json:"status"` // closed or cancelled
	MeetingAt    *time.Time `json:"meetingAt,omitempty"`
	SSPActivated bool       `json:"sspActivated"`
	InfoSent     bool       `json:"infoSent"`
	Evaluated    bool       `json:"evaluated"`
	Reason       string     `json:"reason,omitempty"`
	// Final is the state the activation closed with
	// (ChangeResultHoldsState): the read model's reconcile reads it here
	// instead of replaying the run for the state query. Nil in runs
	// recorded before.
	Final *State `json:"final,omitempty"`
}

// Record is the read-model entry of one activation (Redis), for metrics.
type Record struct {
	WorkflowID     string     `json:"workflowId"`
	Incident       string     `json:"incident"`
	Stage          string     `json:"stage"`
	ActivatedAt    time.Time  `json:"activatedAt"`
	FirstMeetingAt *time.Time `json:"firstMeetingAt,omitempty"`
}

// RecordOf is the read-model record of an activation in state s; the
// workflow writes it, and a reconcile can rebuild it from the state query.
func RecordOf(workflowID string, s State) Record {
	r := Record{WorkflowID: workflowID, Incident: s.Input.Incident, Stage: s.Stage, ActivatedAt: s.ActivatedAt}
	if s.MeetingHeld && s.Meeting != nil {
		at := s.Meeting.At
		r.FirstMeetingAt = &at
	}
	return r
}

// StatusMeetingInput starts the yearly status meeting task.
type StatusMeetingInput struct {
	Year string `json:"year"` // plan year label, e.g. "2026-27"
}
