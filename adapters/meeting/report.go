package meeting

import (
	"embed"
	"strconv"
	"strings"
	"time"

	"helhed/activities"
	"helhed/danish"
	"helhed/workflows/meeting"
)

//go:embed templates
var templateFS embed.FS

// templates are the documents MeetingCompile renders, by meeting.Doc*
// kind; reportData is what they see.
var templates = activities.ParseTemplates(templateFS, "templates")

// reportData is what the templates render.
type reportData struct {
	PlanName, Year, MeetingName string
	Body                        string // the body the document is for
	Date, Time                  string
	SteeringDate, BoardDate     string
	CompiledAt                  string
	Summer                      bool
	FixedAgenda                 []string
	Activities                  []activityRow
	Members                     []memberRow
	Missing                     []string
	Asked, Answered             int
	Indicators                  []indicatorRow
	IndicatorsAnswered          bool
	Recommendations             []string
	Decisions                   []string
	Moves                       []string
	// The economy and the staff hours (followup.go).
	followUpData
}

type activityRow struct {
	Activity, What, Target, Actual, Status string
	Reports                                []string // "Partner: 7"
	Missing                                []string // responsible members who did not answer
}

type memberRow struct {
	Name, Status, News string
}

type indicatorRow struct {
	Name, Unit string
	Values     []indicatorValue
}

type indicatorValue struct {
	Area, Baseline, Value string
}

// buildReport computes the report from the round's answers: per target the
// sum of what the responsible members reported, who reported what, and who
// did not answer.
func buildReport(in meeting.CompileInput) reportData {
	s, st := in.Setup, in.State
	loc := timeLocation(s.TimeZone)
	d := reportData{
		PlanName: s.PlanName, Year: s.Year, Summer: st.Input.Summer(),
		SteeringDate: danish.LongDate(st.Timeline.Steering), BoardDate: danish.LongDate(st.Timeline.Board),
		CompiledAt:      in.CompiledAt.In(loc).Format("02-01-2006 15.04"),
		Recommendations: st.Recommendations, Decisions: st.Decisions,
	}
	body := s.Steering
	date := st.Timeline.Steering
	if in.Doc == meeting.DocBoardPack || (in.Doc == meeting.DocMinutes && !st.Input.Summer()) {
		body, date = s.Board, st.Timeline.Board
	}
	d.Body, d.Date, d.Time, d.FixedAgenda = body.Name, danish.LongDate(date), strings.Replace(body.StartTime, ":", ".", 1), body.FixedAgenda
	d.MeetingName = meeting.CapitalizeFirst(meeting.MeetingTitle(body.Name, date))
	for _, m := range st.Moves {
		d.Moves = append(d.Moves, "Bestyrelsens møde flyttet fra "+meeting.DateText(m.From)+" til "+meeting.DateText(m.To)+reasonSuffix(m.Reason))
	}

	byPartner := map[string]meeting.Answer{}
	for _, a := range in.Answers {
		if a.Kind == meeting.RequestProgress {
			byPartner[a.Partner] = a
		}
	}
	names := map[string]string{}
	for _, m := range s.Steering.Members {
		names[m.ID] = m.Name
	}
	for _, t := range s.Targets {
		row := activityRow{Activity: t.ActivityName, What: s.Measure(t), Target: t.Target}
		sum, n := 0.0, 0
		for _, p := range t.Responsible {
			a, ok := byPartner[p]
			if !ok {
				row.Missing = append(row.Missing, names[p])
				continue
			}
			v, err := strconv.ParseFloat(a.Values[t.Key], 64)
			if err != nil {
				continue // answered, but gave no figure for this target
			}
			sum += v
			n++
			row.Reports = append(row.Reports, names[p]+": "+danish.FormatNumber(v, -1)+" "+t.UnitText())
		}
		switch {
		case n == 0:
			row.Actual, row.Status = "–", "mangler tal"
		case t.Reached(sum):
			row.Actual, row.Status = danish.FormatNumber(sum, -1)+" "+t.UnitText(), "nået"
		default:
			row.Actual, row.Status = danish.FormatNumber(sum, -1)+" "+t.UnitText(), "ikke nået endnu"
		}
		d.Activities = append(d.Activities, row)
	}

	var monitoring *meeting.Answer
	for _, q := range st.Requests {
		d.Asked++
		ans, answered := meeting.Answer{}, false
		for _, a := range in.Answers {
			if a.Partner == q.Partner && a.Kind == q.Kind {
				ans, answered = a, true
				break
			}
		}
		if answered {
			d.Answered++
		}
		if q.Kind == meeting.RequestBudget {
			if !answered {
				d.Missing = append(d.Missing, partnerLabel(q.Partner, names)+" (økonomi)")
			}
			continue
		}
		if q.Kind == meeting.RequestIndicators {
			if answered {
				a := ans
				monitoring = &a
			} else {
				d.Missing = append(d.Missing, partnerLabel(q.Partner, names)+" (indikatordata)")
			}
			continue
		}
		row := memberRow{Name: partnerLabel(q.Partner, names)}
		switch {
		case !answered:
			row.Status = "ikke svaret"
			d.Missing = append(d.Missing, row.Name)
		case ans.OnTime:
			row.Status, row.News = "svaret", ans.Values["status"]
		default:
			row.Status, row.News = "svaret efter fristen", ans.Values["status"]
		}
		d.Members = append(d.Members, row)
	}

	if monitoring != nil {
		d.IndicatorsAnswered = true
		for _, ind := range s.Indicators {
			row := indicatorRow{Name: ind.Name, Unit: ind.Unit}
			if !ind.PerArea {
				if v, ok := monitoring.Values[ind.Key]; ok {
					row.Values = append(row.Values, indicatorValue{Area: "Alle områder", Baseline: "–", Value: answerText(v)})
				}
			}
			for _, b := range ind.Baselines {
				v, ok := monitoring.Values[ind.Key+"@"+b.Area]
				if !ok {
					v = "–"
				}
				row.Values = append(row.Values, indicatorValue{Area: s.AreaName(b.Area), Baseline: danish.FormatNumber(b.Value, -1), Value: answerText(v)})
			}
			if len(row.Values) > 0 {
				d.Indicators = append(d.Indicators, row)
			}
		}
	}
	d.followUpData = buildFollowUp(in, names)
	return d
}

// answerText shows an answer's canonical number ("1234.5") the Danish way
// ("1.234,5"), and anything else ("–") as it is.
func answerText(v string) string {
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		return danish.FormatNumber(f, -1)
	}
	return v
}

func partnerLabel(id string, names map[string]string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id
}

func reasonSuffix(r string) string {
	if r == "" {
		return ""
	}
	return " (" + r + ")"
}

// timeLocation loads a zone for rendering; the plan's zone was checked at
// load, so a failure falls back to UTC rather than failing a report.
func timeLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}
