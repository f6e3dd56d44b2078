// Package schedules turns the plan's calendar into Temporal Schedules, so
// the plan's recurring cycles run by themselves (plan.yaml ─► schedules ─►
// Temporal).
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
// A capability lists its sources in its capability.Capability value
// (Schedules); a Source derives the cycle's specs from the plan:
//
//	func statusMeetings(p *plan.Plan) ([]schedules.Spec, error) {
//		return []schedules.Spec{{
//			ID: schedules.ID(p.ID, schedules.CycleCrisisStatusMeeting), Cycle: schedules.CycleCrisisStatusMeeting,
//			Title: "Beredskabets årlige statusmøde",
//			Occurrences: []schedules.Occurrence{{At: ..., Workflow: "CrisisStatusMeeting", WorkflowID: ..., Input: ...}},
//		}}, nil
//	}
//
// Occurrences suit cycles tied to plan dates (meetings, quarters, plan
// years). A cycle with a plain recurrence can instead set Calendars (or
// Intervals) together with Workflow and Args, which the Schedule then starts
// directly. The reserved cycle names keep the IDs stable. A Syncer syncs
// the sources it is given (app.Capabilities lists them all), and never
// deletes a schedule it does not know.
//
// # Sync
//
// Syncer.Sync creates what is missing and updates a schedule only when its
// described spec, action or policy differs from the desired one, compared
// in a canonical form with the action's arguments decoded; a second sync
// changes nothing. An operator's pause survives a sync.
package schedules
