package meeting

import (
	"time"

	"helhed/plan"
	"helhed/workdays"
)

// Lead times, counted in Danish weekdays before the steering-group meeting
// unless said otherwise. They are the secretariat's practice, not the
// plan's, so they live here rather than in the plan file.
const (
	OpenWeekdays     = 25 // the round opens: invitations and data requests go out
	DueWeekdays      = 10 // the members' data is due, two weeks before the meeting
	ReportWeekdays   = 5  // progress report and agenda go out, a week before
	ReminderWeekdays = 1  // reminder the weekday before each meeting
	PackDays         = 7  // calendar days before the board meeting: the board pack
	DecisionWeekdays = 20 // after the board meeting, decisions are awaited this long
	SummerWeekdays   = 10 // after the summer meeting, recommendations are awaited this long
	StepHour         = 8  // local hour at which dated steps run
)

// Timeline is every date of a round. Board, Pack and BoardReminder are
// zero for the summer round.
type Timeline struct {
	Board            plan.Date `json:"board,omitzero"`
	Steering         plan.Date `json:"steering"`
	Open             plan.Date `json:"open"`
	Due              plan.Date `json:"due"`
	Report           plan.Date `json:"report"`
	SteeringReminder plan.Date `json:"steeringReminder"`
	Pack             plan.Date `json:"pack,omitzero"`
	BoardReminder    plan.Date `json:"boardReminder,omitzero"`
	Close            plan.Date `json:"close"`
}

// Derive computes a board round's dates: the steering group meets
// offsetDays before the board, moved back to a weekday.
func Derive(board plan.Date, offsetDays int) Timeline {
	t := steering(workdays.OnOrBefore(board.AddDays(-offsetDays)))
	t.Board = board
	t.Pack = workdays.OnOrBefore(board.AddDays(-PackDays))
	t.BoardReminder = workdays.Add(board, -ReminderWeekdays)
	t.Close = workdays.Add(board, DecisionWeekdays)
	return t
}

// DeriveSummer computes the summer round's dates.
func DeriveSummer(meeting plan.Date) Timeline {
	t := steering(meeting)
	t.Close = workdays.Add(meeting, SummerWeekdays)
	return t
}

func steering(s plan.Date) Timeline {
	return Timeline{
		Steering:         s,
		Open:             workdays.Add(s, -OpenWeekdays),
		Due:              workdays.Add(s, -DueWeekdays),
		Report:           workdays.Add(s, -ReportWeekdays),
		SteeringReminder: workdays.Add(s, -ReminderWeekdays),
	}
}

// Steps of a round, in order. Each runs at StepHour on its Timeline date.
const (
	StepOpen             = "open"
	StepReport           = "report"
	StepSteeringReminder = "steering-reminder"
	StepPack             = "pack"
	StepBoardReminder    = "board-reminder"
	StepClose            = "close"
)

// Steps lists the steps of a board round or a summer round.
func Steps(summer bool) []string {
	if summer {
		return []string{StepOpen, StepReport, StepSteeringReminder, StepClose}
	}
	return []string{StepOpen, StepReport, StepSteeringReminder, StepPack, StepBoardReminder, StepClose}
}

// Date returns the date of step.
func (t Timeline) Date(step string) plan.Date {
	switch step {
	case StepOpen:
		return t.Open
	case StepReport:
		return t.Report
	case StepSteeringReminder:
		return t.SteeringReminder
	case StepPack:
		return t.Pack
	case StepBoardReminder:
		return t.BoardReminder
	}
	return t.Close
}

// at is d at hh:mm in loc.
func at(d plan.Date, hour, minute int, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, loc)
}
