// Package schedules turns the plan's calendar into Temporal Schedules, so
// the plan's recurring cycles run by themselves (DESIGN.md §4: plan.yaml ─►
// schedules ─► Temporal).
//
// Each cycle is one Schedule whose ID is a business key, ID(plan, cycle):
// "helhed/<plan id>/<cycle>", e.g. "helhed/randers-2021-25/meeting-round".
// The Schedule's spec holds one calendar entry per occurrence, in the plan's
// time zone (Europe/Copenhagen), and its action starts the Launch workflow
// with the list of occurrences. Launch picks the occurrence due at the
// schedule's fire time and starts that occurrence's workflow under its own
// business-key ID, so a schedule firing, an operator's start through the
// API, a manual trigger and a backfill never run the same thing twice.
//
// # Contributing a cycle
//
// A capability contributes its cycles with Register, usually from an init
// function of its package:
//
//	func init() {
//		schedules.Register(schedules.CycleStatisticsPull, func(p *plan.Plan) ([]schedules.Spec, error) {
//			return []schedules.Spec{{
//				ID: schedules.ID(p.ID, schedules.CycleStatisticsPull), Cycle: schedules.CycleStatisticsPull,
//				Title: "Årligt statistikudtræk",
//				Occurrences: []schedules.Occurrence{{At: ..., Workflow: "StatisticsPull", WorkflowID: ..., Input: ...}},
//			}}, nil
//		})
//	}
//
// Occurrences suit cycles tied to plan dates (meetings, quarters, plan
// years). A cycle with a plain recurrence can instead set Calendars (or
// Intervals) together with Workflow and Args, which the Schedule then starts
// directly. The reserved cycle names (CycleStatisticsPull, CycleAnnualReport,
// CycleCrisisStatusMeeting) keep the IDs stable for the engineers adding
// them. Every process that syncs (workers' start hook, `starter schedules
// sync`) must import the packages that register, or their schedules are
// left alone (sync never deletes a schedule it does not know).
//
// # Sync
//
// Syncer.Sync creates what is missing and updates a schedule only when its
// described spec, action or policy differs from the desired one, compared
// in a canonical form with the action's arguments decoded; a second sync
// changes nothing. An operator's pause survives a sync.
package schedules
