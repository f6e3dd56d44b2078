package report

import (
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"helhed/danish"
	"helhed/plan"
	"helhed/suppress"
	"helhed/workflows/absence"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
	"helhed/workflows/statistics"
)

// EvictionSummary is the eviction capability's summary of a plan year
// (helhed:eviction:summary:<plan-year>): evictions per area.
type EvictionSummary struct {
	Areas map[string]struct {
		Evictions int `json:"evictions"`
		Effective int `json:"effective"`
	} `json:"areas"`
}

// AbsenceSummary is the absence capability's summary of a plan year
// (helhed:absence:summary:<plan-year>): absence percent per quarter and
// area.
type AbsenceSummary struct {
	Quarters []struct {
		Quarter string             `json:"quarter"`
		Areas   map[string]float64 `json:"areas"`
	} `json:"quarters"`
}

// MeetingSummary is the meeting capability's summary of a plan year
// (helhed:meeting:summary:<plan-year>): meetings held.
type MeetingSummary struct {
	Held []struct {
		Body string `json:"body"`
		Kind string `json:"kind"`
		Date string `json:"date"`
	} `json:"held"`
}

// Report is everything the template shows; texts are Danish.
type Report struct {
	PlanName, PlanYear, Municipality string
	Period                           string
	Version                          int
	Generated                        string
	Suppression                      string
	Comments                         []Comment

	StatsMissing   string // why there are no statistics at all
	PulledAt       string
	Indicators     []IndicatorRow
	ListDate       string // the 1 December of the early warning's list
	Designations   []DesignationRow
	Criteria       []CriterionGroup
	Baselines      []BaselineRow
	StatsProblems  []string // what the pull could not use, and why
	KeyFiguresNote string

	Milestones        []MilestoneRow
	MilestonesMissing string
	Evictions         []EvictionRow
	EvictionsMissing  string
	Absence           []AbsenceRow
	AbsenceQuarters   []string
	AbsenceMissing    string
	Meetings          []MeetingRow
	MeetingsMissing   string
	Requests          []RequestRow
	RequestsMissing   string
}

// IndicatorRow is one indicator in one area.
type IndicatorRow struct {
	Name, Area, Unit       string
	Value, Baseline        string
	Kommune, Target        string
	Status, Trend, Missing string
	Better                 string
	Chart                  Bar
}

// Bar is the data of one indicator's chart.
type Bar struct {
	Value, Baseline, Max float64
	HasValue, HasBase    bool
}

// DesignationRow is one area's § 61 a verdicts: would it be on the lists
// if they were published today.
type DesignationRow struct {
	Area, Residents, Criteria string
	Udsat, Parallelsamfund    string
	Reasons                   []string
}

// CriterionGroup is one § 61 a criterion across the areas.
type CriterionGroup struct {
	ID, Title, Rule string
	// Approximation says where Statbank lacks the statute's population.
	Approximation string
	Threshold     float64
	Rows          []CriterionRow
}

// CriterionRow is a criterion in one area.
type CriterionRow struct {
	Area, Value, Margin, Missing string
	// Met is ja, nej or ukendt ("" in a pull from before verdicts).
	Met          string
	Trend, Basis string
	Crossed      bool
	V            float64
	HasValue     bool
}

// BaselineRow is one Statbank figure.
type BaselineRow struct{ Name, Area, Value, Period, Table string }

// MilestoneRow is one activity target in the plan year.
type MilestoneRow struct {
	Activity, Metric, Area, Target, Actual, Status string
}

// EvictionRow is one area's evictions against the plan's baseline.
type EvictionRow struct{ Area, Evictions, Effective, BaseEvictions, BaseEffective string }

// AbsenceRow is one area's absence by quarter.
type AbsenceRow struct {
	Area     string
	Quarters []string
	Baseline string
}

// MeetingRow is one planned meeting and whether it was held.
type MeetingRow struct{ Body, Kind, Date, Held string }

// RequestRow is one partner's data requests in the plan year.
type RequestRow struct {
	Partner                             string
	Total, Answered, OnTime, Late, Open int
	Share                               string
}

// Sources are the other capabilities' read-model values for one plan
// year. A source that is nil (or empty) makes the report say its figures
// are missing; the report never guesses.
type Sources struct {
	// Statistics is the plan year's pull; Earlier are the pulls of the
	// plan years before it, oldest first, for the trend.
	Statistics *statistics.Result
	Earlier    []statistics.Result
	// Milestones are the actuals reported by the meeting rounds, by
	// "<activity>/<metric>[/<area>]".
	Milestones map[string]string
	Evictions  *EvictionSummary
	Absence    *AbsenceSummary
	Meetings   *MeetingSummary
	// Requests are the data requests of every plan year; Build picks the
	// plan year's.
	Requests []datarequest.Task
}

// builder turns the sources into the report's rows.
type builder struct {
	p    *plan.Plan
	rule suppress.Rule
}

// Build is the report of plan year py, version version, generated at now.
func Build(p *plan.Plan, py plan.PlanYear, version int, now time.Time, comments []Comment, src Sources) *Report {
	b := &builder{p: p, rule: suppress.Rule{Threshold: p.DiscretionThreshold}}
	r := &Report{PlanName: p.Name, PlanYear: py.Label, Municipality: p.Municipality, Version: version,
		Period:    danish.Date(py.Period.Start) + " – " + danish.Date(py.Period.End),
		Generated: now.In(p.Location()).Format("02-01-2006 15:04"), Suppression: b.rule.Note(), Comments: comments}
	b.statistics(r, py, src.Statistics, src.Earlier)
	b.milestones(r, py, src.Milestones)
	b.evictions(r, src.Evictions)
	b.absence(r, src.Absence)
	b.meetings(r, py, src.Meetings)
	b.requests(r, py, src.Requests)
	return r
}

const missingSource = "Tallene mangler: kilden (%s) har ikke leveret data for planåret endnu."

func (b *builder) statistics(r *Report, py plan.PlanYear, res *statistics.Result, earlier []statistics.Result) {
	if res == nil {
		r.StatsMissing = "Tallene mangler: årets statistikudtræk (statistics-pull) for " + py.Label + " er ikke gennemført."
		return
	}
	r.PulledAt = res.PulledAt.In(b.p.Location()).Format("02-01-2006")
	// Earlier pulls give the trend.
	trend := map[string][]string{}
	for _, old := range earlier {
		for _, iv := range old.Indicators {
			trend[iv.Indicator+"@"+iv.Area] = append(trend[iv.Indicator+"@"+iv.Area], strconv.Itoa(old.DataYear)+": "+b.cell(iv.Value, iv.HasValue, iv.Unit))
		}
	}
	for _, iv := range res.Indicators {
		ind, _ := b.p.Indicator(iv.Indicator)
		row := IndicatorRow{Name: ind.Name, Area: b.areaName(iv.Area), Unit: b.p.UnitName(iv.Unit), Status: iv.Status, Missing: iv.Missing,
			Value: b.cell(iv.Value, iv.HasValue, iv.Unit), Better: betterLabel(iv.Better)}
		row.Baseline, row.Kommune, row.Target = optNum(iv.Baseline), optNum(iv.Kommune), optNum(iv.Target)
		t := append(trend[iv.Indicator+"@"+iv.Area], strconv.Itoa(res.DataYear)+": "+row.Value)
		row.Trend = strings.Join(t, " → ")
		row.Chart = Bar{HasValue: iv.HasValue && !iv.Value.Suppressed, Value: iv.Value.Value, HasBase: iv.Baseline != nil}
		if iv.Baseline != nil {
			row.Chart.Baseline = *iv.Baseline
		}
		row.Chart.Max = max(row.Chart.Value, row.Chart.Baseline)
		r.Indicators = append(r.Indicators, row)
	}
	groups := map[string]*CriterionGroup{}
	var order []string
	for _, c := range res.Criteria {
		g, ok := groups[c.Criterion]
		if !ok {
			g = &CriterionGroup{ID: c.Criterion, Title: critTitle[c.Criterion][0], Rule: critTitle[c.Criterion][1], Threshold: c.Threshold}
			groups[c.Criterion] = g
			order = append(order, c.Criterion)
		}
		g.Threshold = max(g.Threshold, c.Threshold)
		if g.Approximation == "" {
			g.Approximation = c.Approximation
		}
		row := CriterionRow{Area: b.areaName(c.Area), Crossed: c.Crossed, Missing: c.Missing, HasValue: c.HasValue && !c.Value.Suppressed, V: c.Value.Value,
			Met: c.Met, Basis: c.Basis}
		switch {
		case c.Value.Suppressed:
			row.Value = "diskretioneret"
		case c.HasValue:
			row.Value = danish.FormatNumber(c.Value.Value, 1) + " %"
			if c.Met != statistics.VerdictUnknown {
				row.Margin = danish.FormatDifference(danish.Decimal(c.Margin), 1) + " procentpoint"
			}
		default:
			row.Value = "mangler"
		}
		if c.Previous != nil {
			row.Trend = c.Trend + " (" + c.Previous.PlanYear + ": " + danish.FormatNumber(c.Previous.Value, 1) + " %, afstand " + danish.FormatDifference(danish.Decimal(c.Previous.Margin), 1) + ")"
		}
		g.Rows = append(g.Rows, row)
	}
	for _, id := range order {
		r.Criteria = append(r.Criteria, *groups[id])
	}
	if list, err := plan.ParseDate(res.ListDate); err == nil {
		r.ListDate = danish.Date(list)
	}
	for _, d := range res.Designations {
		row := DesignationRow{Area: b.areaName(d.Area), Residents: "mangler", Udsat: d.Udsat, Parallelsamfund: d.Parallelsamfund, Reasons: d.Reasons,
			Criteria: fmt.Sprintf("%d af 4", d.CriteriaMet)}
		if d.Residents > 0 {
			row.Residents = danish.FormatNumber(float64(d.Residents), 0) + " (" + d.ResidentsSource + ")"
		}
		if d.CriteriaUnknown > 0 {
			row.Criteria += fmt.Sprintf(" (%d ukendt)", d.CriteriaUnknown)
		}
		if len(d.Missing) > 0 {
			row.Udsat += " (mangler: " + strings.Join(d.Missing, "; ") + ")"
		}
		r.Designations = append(r.Designations, row)
	}
	for _, f := range res.Baselines.Figures {
		if f.Key == statistics.BConvictedPenal || f.Key == statistics.BDecisions1517 {
			continue // counts behind the share; the share is shown
		}
		r.Baselines = append(r.Baselines, BaselineRow{Name: baselineTitle[f.Key], Area: dstArea(f.Area, b.p), Period: f.Period, Table: f.Table,
			Value: danish.FormatNumber(f.Value, decimals(f.Unit)) + " " + f.Unit})
	}
	for _, m := range res.Baselines.Missing {
		r.StatsProblems = append(r.StatsProblems, "Danmarks Statistik, "+m.What+": "+m.Reason)
	}
	for _, is := range res.Issues {
		r.StatsProblems = append(r.StatsProblems, "Monitoreringsenhedens nøgletal: "+is.Message)
	}
	switch {
	case res.KeyFigures == datarequest.StatusAnswered && res.KeyFiguresOnTime:
		r.KeyFiguresNote = "Monitoreringsenheden leverede områdernes nøgletal til tiden."
	case res.KeyFigures == datarequest.StatusAnswered:
		r.KeyFiguresNote = "Monitoreringsenheden leverede områdernes nøgletal efter fristen."
	default:
		r.KeyFiguresNote = "Monitoreringsenheden leverede ingen nøgletal; områdernes tal mangler."
	}
}

var critTitle = map[string][2]string{
	statistics.CritOutsideWork: {"Uden for arbejdsmarked og uddannelse", "Andelen af beboere 18-64 år uden tilknytning til arbejdsmarked eller uddannelse overstiger 40 % (gennemsnit af to år)."},
	statistics.CritConvictions: {"Dømte for kriminalitet", "Andelen af beboere på 18 år og derover dømt for overtrædelse af straffeloven, våbenloven eller lov om euforiserende stoffer er mindst tre gange landsgennemsnittet (gennemsnit af to år)."},
	statistics.CritEducation:   {"Alene grundskole", "Andelen af beboere 30-59 år med alene grundskole overstiger 60 %."},
	statistics.CritIncome:      {"Indkomst", "Den gennemsnitlige bruttoindkomst for skattepligtige 15-64 år (ekskl. uddannelsessøgende) er under 55 % af regionens gennemsnit (værdien er områdets indkomst i procent af regionens)."},
}

var baselineTitle = map[string]string{
	statistics.BPopulation:     "Befolkning",
	statistics.BPopulation18:   "Befolkning 18 år og derover",
	statistics.BPrimaryOnly:    "Andel 30-59 år med alene grundskole",
	statistics.BOutsideWork:    "Andel 20-64 år uden for arbejde og uddannelse",
	statistics.BIncome:         "Gennemsnitlig indkomst før skat",
	statistics.BIncomeRegion:   "Gennemsnitlig indkomst før skat, 25-64 år med indkomst (§ 61 a, nr. 4)",
	statistics.BConvictedShare: "Andel dømte efter straffeloven, 18 år og derover (§ 61 a, nr. 2)",
}

func (b *builder) milestones(r *Report, py plan.PlanYear, actuals map[string]string) {
	if len(actuals) == 0 {
		r.MilestonesMissing = fmt.Sprintf(missingSource, "fremdriftsrapporteringen fra mødeforløbene")
	}
	// The actuals as /metrics publishes them (meeting.PublishedActuals).
	sums := map[meeting.ActualKey]float64{}
	for key, v := range actuals {
		parts := strings.Split(key, "/")
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || len(parts) < 2 || len(parts) > 3 {
			continue
		}
		k := meeting.ActualKey{Activity: parts[0], Area: meeting.AllAreas, Metric: parts[1]}
		if len(parts) == 3 {
			k.Area = parts[2]
		}
		sums[k] = f
	}
	published := meeting.PublishedActuals(b.p, py.Label, sums)
	for _, t := range b.p.Targets() {
		if t.Activity == "" || t.Year != py.Label {
			continue
		}
		act, _ := b.p.Activity(t.Activity)
		row := MilestoneRow{Activity: act.Name, Metric: t.Description, Area: b.areaName(orAll(t.Area)), Target: meeting.TargetText(b.p, t), Status: "mangler"}
		if c, ok := published[meeting.ActualKey{Activity: t.Activity, Area: orAll(t.Area), Metric: t.Metric}]; ok {
			row.Actual, row.Status = b.rule.Label(), "diskretioneret"
			if !c.Suppressed {
				row.Actual = Number(c.Value)
				row.Status = "ikke nået"
				if reached(t, c.Value) {
					row.Status = "nået"
				}
			}
		}
		if row.Actual == "" {
			row.Actual = "mangler"
		}
		r.Milestones = append(r.Milestones, row)
	}
}

func (b *builder) evictions(r *Report, s *EvictionSummary) {
	if s == nil {
		r.EvictionsMissing = fmt.Sprintf(missingSource, "udsættelsessagerne")
	}
	base := func(ind, area string) string {
		i, _ := b.p.Indicator(ind)
		for _, bl := range i.Baselines {
			if bl.Area == area {
				return Number(bl.Value) // the plan's own figure: not suppressed
			}
		}
		return "–"
	}
	for _, ar := range b.p.Areas {
		row := EvictionRow{Area: ar.Name, Evictions: "mangler", Effective: "mangler",
			BaseEvictions: base("udsaettelser", ar.ID), BaseEffective: base("effektive-udsaettelser", ar.ID)}
		if s != nil {
			// An area the summary does not name had no evictions.
			row.Evictions, row.Effective = "0", "0"
			if v, found := s.Areas[ar.ID]; found {
				row.Evictions, row.Effective = b.count(float64(v.Evictions)), b.count(float64(v.Effective))
			}
		}
		r.Evictions = append(r.Evictions, row)
	}
}

func (b *builder) absence(r *Report, s *AbsenceSummary) {
	if s == nil || len(s.Quarters) == 0 {
		r.AbsenceMissing = fmt.Sprintf(missingSource, "den kvartalsvise fraværsopfølgning")
		return
	}
	quarters := slices.Clone(s.Quarters)
	sort.Slice(quarters, func(i, j int) bool { return quarters[i].Quarter < quarters[j].Quarter })
	for _, q := range quarters {
		label := q.Quarter
		if qq, err := absence.ParseQuarter(q.Quarter); err == nil {
			label = danish.Quarter(qq.Year, qq.Q)
		}
		r.AbsenceQuarters = append(r.AbsenceQuarters, label)
	}
	ind, _ := b.p.Indicator("fravaer-skole")
	for _, ar := range b.p.Areas {
		row := AbsenceRow{Area: ar.Name, Baseline: "–"}
		for _, bl := range ind.Baselines {
			if bl.Area == ar.ID {
				row.Baseline = danish.FormatNumber(bl.Value, 1) + " %"
			}
		}
		for _, q := range quarters {
			if v, ok := q.Areas[ar.ID]; ok {
				row.Quarters = append(row.Quarters, danish.FormatNumber(v, 1)+" %")
			} else {
				row.Quarters = append(row.Quarters, "mangler")
			}
		}
		r.Absence = append(r.Absence, row)
	}
}

func (b *builder) meetings(r *Report, py plan.PlanYear, s *MeetingSummary) {
	held := map[string]bool{}
	if s == nil {
		r.MeetingsMissing = fmt.Sprintf(missingSource, "mødeforløbene") + " Listen viser de planlagte møder."
	} else {
		for _, h := range s.Held {
			held[h.Body+"/"+h.Date] = true
		}
	}
	ms := append(b.p.BoardMeetings(), b.p.SteeringGroupMeetings()...)
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Date.Before(ms[j].Date) })
	for _, m := range ms {
		if m.Year != py.Label {
			continue
		}
		row := MeetingRow{Body: bodyName[m.Body], Kind: kindName[m.Kind], Date: danish.Date(m.Date), Held: "mangler"}
		if s != nil {
			row.Held = "nej"
			if held[m.Body+"/"+m.Date.String()] {
				row.Held = "ja"
			}
		}
		r.Meetings = append(r.Meetings, row)
	}
}

var bodyName = map[string]string{plan.BodyBoard: "Bestyrelsen", plan.BodySteeringGroup: "Styregruppen"}
var kindName = map[string]string{plan.MeetingAutumn: "efterår", plan.MeetingSpring: "forår", plan.MeetingStrategic: "strategisk", plan.MeetingSummer: "sommer"}

func (b *builder) requests(r *Report, py plan.PlanYear, tasks []datarequest.Task) {
	by := map[string]*RequestRow{}
	var order []string
	for _, t := range tasks {
		// A request belongs to the plan year it covers (Period), else to
		// the one its due date falls in.
		due, err := plan.ParseDate(t.Due)
		inYear := t.Period == py.Label || (t.Period == "" && err == nil && py.Period.Contains(due))
		if !inYear {
			continue
		}
		row, ok := by[t.Partner]
		if !ok {
			name := t.Partner
			if p, ok := b.p.Partner(t.Partner); ok {
				name = p.Name
			}
			row = &RequestRow{Partner: name}
			by[t.Partner] = row
			order = append(order, t.Partner)
		}
		row.Total++
		switch {
		case t.Status == datarequest.StatusAnswered && t.OnTime:
			row.Answered++
			row.OnTime++
		case t.Status == datarequest.StatusAnswered:
			row.Answered++
			row.Late++
		case t.Status == datarequest.StatusOpen:
			row.Open++
		}
	}
	if len(order) == 0 {
		r.RequestsMissing = fmt.Sprintf(missingSource, "dataanmodningerne")
		return
	}
	sort.Strings(order)
	for _, id := range order {
		row := by[id]
		if row.Total > 0 {
			row.Share = danish.FormatRat(big.NewRat(100*int64(row.OnTime), int64(row.Total)), 0) + " %"
		}
		r.Requests = append(r.Requests, *row)
	}
}
