// Package report is the annual report (kind "annual-report"):
// it assembles the plan year from the read model and the plan
// (indicators against baselines with their trend, the § 61 a early
// warning, milestones against targets, evictions, absence by quarter,
// meetings held, data requests answered on time), renders it in Danish as
// HTML with inline SVG charts and as PDF (headless Chromium), asks the
// board to approve it or send it back with comments (a new version), and on
// approval e-mails it to the committees. Every version is kept in the
// document store as reports/<plan-year>/v<N>.{html,pdf} and served by the operator
// API.
//
// This package holds the workflow, the report's content built from the
// sources (Build) and the mail texts; reading the read model, rendering,
// printing, the files and the routes are in helhed/adapters/report.
package report

import (
	"time"

	"helhed/workflows"
)

// Kind is the run kind and HelhedKind search attribute.
const Kind = "annual-report"

// WorkflowName is the registered workflow type.
const WorkflowName = "AnnualReport"

// Update and query names.
const (
	UpdateApprove  = "approve"   // Approval
	UpdateSendBack = "send-back" // SendBack
	QueryState     = "state"     // State
)

// Activity names: the methods of the adapter's Activities
// (helhed/adapters/report), which the workflow calls by name.
const (
	activityResolve      = "Resolve"
	activityRender       = "Render"
	activityReviewMail   = "ReviewMail"
	activityDistribute   = "Distribute"
	activityPublishState = "PublishState"
	activityLastVersion  = "LastVersion"
)

// changeNumberOn is the workflow.GetVersion change id under which a run
// numbers its versions on from the last one on disk for the year, so a
// rerun never overwrites an earlier run's (approved) files.
const changeNumberOn = "report-number-on"

// changeDecisionsBy is the workflow.GetVersion change id under which the
// approve and send-back handlers record a Decision (which, when, who) and
// the approval its person (State.ApprovedBy, Result.ApprovedBy).
const changeDecisionsBy = "decisions-by"

// Input starts a report.
type Input struct {
	// PlanYear is the plan year reported on; empty (the yearly schedule)
	// means the plan year that ended last.
	PlanYear string `json:"planYear,omitempty" label:"Planår" help:"fx 2024-25"`
	// Recipients are the committees' e-mail addresses; empty means the
	// board chair's address (the chair presents the report to the
	// committees, per the plan).
	Recipients []string `json:"recipients,omitempty" label:"Modtagere" help:"fagudvalgenes e-mailadresser; tom: bestyrelsesformanden"`
}

// WorkflowID derives the ID from the plan year.
func WorkflowID(in Input) string { return Kind + "/" + in.PlanYear }

// ResolveInput carries the workflow's clock into Resolve.
type ResolveInput struct {
	Input Input     `json:"input"`
	Now   time.Time `json:"now"`
}

// Resolved is the plan year and the recipients.
type Resolved struct {
	PlanYear   string   `json:"planYear"`
	PlanID     string   `json:"planId"`
	Recipients []string `json:"recipients"`
	// Reviewer is the board secretariat, told when a version awaits
	// approval.
	Reviewer string `json:"reviewer"`
}

// RenderInput is one version to render.
type RenderInput struct {
	PlanYear string    `json:"planYear"`
	Version  int       `json:"version"`
	Comments []Comment `json:"comments,omitempty"`
	Now      time.Time `json:"now"`
}

// DistributeInput is the approved version and its recipients.
type DistributeInput struct {
	Resolved Resolved `json:"resolved"`
	Version  Version  `json:"version"`
	// Run is the run chain the committees' e-mail is keyed to
	// (workflows.RunMailKey); empty in runs from before run-scoped keys.
	Run string `json:"run,omitempty"`
}

// Approval approves a version.
type Approval struct {
	workflows.By
	Version int    `json:"version" label:"Version"`
	Comment string `json:"comment,omitempty" label:"Bemærkning" form:"textarea"`
}

// SendBack sends a version back with the board's comments.
type SendBack struct {
	workflows.By
	Version  int    `json:"version" label:"Version"`
	Comments string `json:"comments" label:"Bestyrelsens bemærkninger" form:"textarea"`
}

// Comment is the board's comment on a version.
type Comment struct {
	Version int       `json:"version"`
	Text    string    `json:"text"`
	At      time.Time `json:"at"`
}

// Version is one rendered version.
type Version struct {
	Version    int       `json:"version"`
	HTML       string    `json:"html"` // document store key
	PDF        string    `json:"pdf"`
	RenderedAt time.Time `json:"renderedAt"`
}

// Stages.
const (
	StageRendering = "rendering"
	StageAwaiting  = "awaiting-approval"
	StageApproved  = "approved"
	StageSent      = "sent"
)

// State is the query answer and what the read model holds.
type State struct {
	PlanYear string    `json:"planYear"`
	Stage    string    `json:"stage"`
	Version  int       `json:"version"`
	Versions []Version `json:"versions"`
	Comments []Comment `json:"comments,omitempty"`
	Approved int       `json:"approved,omitempty"`
	// ApprovedBy is who approved (changeDecisionsBy), Decisions every
	// approval and send-back with when and who; nil in runs recorded
	// before, and in the read model (ReadModel).
	ApprovedBy *workflows.Actor     `json:"approvedBy,omitempty"`
	Decisions  []workflows.Decision `json:"decisions,omitempty"`
	Accepts    []string             `json:"accepts"`
	OpenTasks  []workflows.OpenTask `json:"openTasks,omitempty"`
}

// ReadModel is s as the read model keeps it: without the people who
// decided, whose names stay in the encrypted history and the state query
// (Redis holds the read model in clear).
func (s State) ReadModel() State {
	s.ApprovedBy, s.Decisions = nil, nil
	return s
}

// Result is the finished report.
type Result struct {
	PlanYear   string    `json:"planYear"`
	Version    int       `json:"version"`
	ApprovedAt time.Time `json:"approvedAt"`
	PDF        string    `json:"pdf"`
	// ApprovedBy is who approved (changeDecisionsBy).
	ApprovedBy *workflows.Actor `json:"approvedBy,omitempty"`
}
