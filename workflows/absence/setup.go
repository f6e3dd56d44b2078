package absence

import (
	"fmt"
	"slices"
	"strings"

	"helhed/danish"
	"helhed/plan"
	"helhed/workflows/datarequest"
)

// School is a school asked for data.
type School struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	// Areas are the ids of the plan areas the school serves, in plan
	// order; its file may name only these (empty in setups recorded
	// before ChangeRulesOnForm).
	Areas []string `json:"areas,omitempty"`
}

// Area is a plan area with the names a school may write for it and its
// absence baseline.
type Area struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Names       []string `json:"names"` // id, name and aliases, lower-cased
	Baseline    float64  `json:"baseline"`
	HasBaseline bool     `json:"hasBaseline"`
}

// Setup is the plan as the round reads it (snapshotted by ActivityPrepare).
type Setup struct {
	PlanID      string   `json:"planId"`
	PlanName    string   `json:"planName"`
	TimeZone    string   `json:"timeZone"`
	Quarter     string   `json:"quarter"`
	Year        string   `json:"year"` // plan year of the quarter's start (or of the plan's start)
	Threshold   int      `json:"threshold"`
	Kommune     float64  `json:"kommune"`
	HasKommune  bool     `json:"hasKommune"`
	BaselineFor string   `json:"baselineFor"` // the baseline's period, for the note
	Schools     []School `json:"schools"`
	Areas       []Area   `json:"areas"`
	Team        []string `json:"team"` // the absence team's addresses
	// CoursesTarget is the plan year's target of new individual courses.
	CoursesTarget    float64 `json:"coursesTarget"`
	CoursesTargetTxt string  `json:"coursesTargetText"`
	// Previous is the workflow ID of the preceding quarter's round in the
	// same plan year ("" in the plan year's first quarter).
	Previous string            `json:"previous"`
	Table    datarequest.Table `json:"table"`
}

// Column keys of the schools' table.
const (
	ColPupil      = "elev_id"
	ColArea       = "omraade"
	ColSchoolDays = "skoledage"
	ColAbsent     = "fravaersdage"
	ColUnlawful   = "ulovligt_fravaer"
)

// Table is the CSV the schools upload.
func Table() datarequest.Table {
	return datarequest.Table{Columns: []datarequest.Column{
		{Key: ColPupil, Label: "Pseudonymt elev-id (aldrig CPR-nummer)", Type: datarequest.Text, Required: true},
		{Key: ColArea, Label: "Boligområde (navn eller id)", Type: datarequest.Text, Required: true},
		{Key: ColSchoolDays, Label: "Skoledage i kvartalet", Type: datarequest.Integer, Required: true},
		{Key: ColAbsent, Label: "Fraværsdage i alt", Type: datarequest.Decimal, Required: true},
		{Key: ColUnlawful, Label: "Heraf ulovligt fravær (dage)", Type: datarequest.Decimal, Required: true},
	}, MaxRows: 5000}
}

// BuildSetup reads what the round needs from the plan.
func BuildSetup(p *plan.Plan, in Input) (Setup, error) {
	if fe := in.Check(p, plan.Date{}, false); fe != nil {
		return Setup{}, fe
	}
	q, _ := ParseQuarter(in.Quarter)
	s := Setup{PlanID: p.ID, PlanName: p.Name, TimeZone: p.Location().String(), Quarter: q.String(),
		Threshold: p.DiscretionThreshold, Table: Table()}
	start := q.Start()
	if start.Before(p.Period.Start) {
		start = p.Period.Start
	}
	y, ok := p.YearOf(start)
	if !ok {
		return Setup{}, fmt.Errorf("quarter %s has no plan year", q)
	}
	s.Year = y.Label
	if prev := q.Prev(); !prev.Start().Before(y.Period.Start) {
		s.Previous = WorkflowID(Input{Plan: p.ID, Quarter: prev.String()})
	}
	ind, hasInd := p.Indicator(IndicatorID)
	if hasInd {
		s.BaselineFor = ind.BaselinePeriod
		for _, k := range ind.Kommune {
			if k.Area == "" && k.Scope == "" {
				s.Kommune, s.HasKommune = k.Value, true
				break
			}
		}
	}
	seen := map[string]int{} // school id → index in s.Schools
	for _, a := range p.Areas {
		ar := Area{ID: a.ID, Name: a.Name, Names: []string{strings.ToLower(a.ID), strings.ToLower(a.Name)}}
		for _, al := range a.Aliases {
			ar.Names = append(ar.Names, strings.ToLower(al))
		}
		if hasInd {
			for _, b := range ind.Baselines {
				if b.Area == a.ID {
					ar.Baseline, ar.HasBaseline = b.Value, true
				}
			}
		}
		s.Areas = append(s.Areas, ar)
		for _, id := range a.Schools {
			if i, ok := seen[id]; ok {
				s.Schools[i].Areas = append(s.Schools[i].Areas, a.ID)
				continue
			}
			seen[id] = len(s.Schools)
			pt, ok := p.Partner(id)
			if !ok {
				return Setup{}, fmt.Errorf("area %s: school %q is not a plan partner", a.ID, id)
			}
			s.Schools = append(s.Schools, School{ID: pt.ID, Name: pt.Name, Email: pt.Email, Areas: []string{a.ID}})
		}
	}
	if act, ok := p.Activity(ActivityID); ok {
		team := map[string]bool{}
		for _, id := range act.Responsible {
			if pt, ok := p.Partner(id); ok && pt.Email != "" && !team[pt.Email] {
				team[pt.Email] = true
				s.Team = append(s.Team, pt.Email)
			}
		}
		for _, t := range act.Targets {
			if t.Metric == CoursesMetric && t.Year == s.Year && t.Area == "" {
				s.CoursesTarget = t.Headline()
				s.CoursesTargetTxt = targetText(t)
			}
		}
	}
	if len(s.Team) == 0 {
		if sec, ok := p.Partner(p.Governance.SteeringGroup.Secretariat); ok {
			s.Team = []string{sec.Email}
		}
	}
	return s, nil
}

func targetText(t plan.Target) string {
	n := danish.FormatNumber(t.Headline(), -1)
	if t.Bound() == plan.BoundAbout {
		n = "ca. " + n
	}
	return n
}

// ChangeRulesOnForm is the GetVersion change under which a school's
// request declares the round's checks (Check) as its table's rules and
// names the school's own areas: a file the round would reject is refused
// on the upload form, before it is "modtaget". Check still runs on every
// answer, for rounds started before it.
const ChangeRulesOnForm = "rules-on-form"

// request is the data request to a school; attempt > 1 asks again after a
// rejected submission, listing what was wrong. onForm (ChangeRulesOnForm)
// declares the round's checks as the table's rules, so a file that breaks
// one is refused on the upload form, and writes the instructions with the
// school's own areas; without it the request is as recorded before.
func request(s Setup, sc School, attempt int, due string, problems []string, onForm bool) datarequest.Input {
	if !onForm {
		return requestBefore(s, sc, attempt, due, problems)
	}
	areas := schoolAreas(s, sc)
	names := make([]string, len(areas))
	for i, a := range areas {
		names[i] = a.Name
	}
	q, _ := ParseQuarter(s.Quarter)
	quarter := danish.Quarter(q.Year, q.Q)
	id := "absence/" + s.PlanID + "/" + strings.ToLower(s.Quarter) + "/" + sc.ID
	instr := fmt.Sprintf("Upload en CSV-fil med én linje pr. elev bosat i %s for %s. "+
		"Kolonnerne adskilles med semikolon (;) eller komma (,); gem fx regnearket fra Excel som »CSV (semikolonsepareret)«. "+
		"Kolonner: %s;%s;%s;%s;%s. Elev-id skal være det pseudonyme id, skolen bruger over for fraværsteamet – aldrig et CPR-nummer. "+
		"Boligområdet skrives med navn eller id (fx %s).",
		areaPhrase(names), quarter, ColPupil, ColArea, ColSchoolDays, ColAbsent, ColUnlawful, names[0])
	in := datarequest.Input{
		RequestID: id, Partner: sc.ID, Period: quarter, Due: due,
		Title:        "Fraværsdata for " + quarter,
		Instructions: instr, Table: schoolTable(s.Table, areas), Origin: WorkflowID(Input{Plan: s.PlanID, Quarter: s.Quarter}),
		Reminders: &datarequest.ReminderPolicy{BeforeDue: []int{3}, OnDue: true, AfterDue: []int{2}, EscalateAfter: 4},
	}
	if attempt > 1 {
		in.RequestID = fmt.Sprintf("%s/%d", id, attempt)
		in.Attempt, in.MaxAttempts = attempt, MaxAttempts
		in.Instructions = "Jeres seneste indsendelse blev afvist, og intet af den er registreret:\n- " + strings.Join(problems, "\n- ") +
			"\n\nRet filen og indsend den igen.\n\n" + instr
	}
	return in
}

// schoolAreas are the areas sc serves; all the plan's when the setup does
// not say (it always does from ChangeRulesOnForm on).
func schoolAreas(s Setup, sc School) []Area {
	var out []Area
	for _, a := range s.Areas {
		if slices.Contains(sc.Areas, a.ID) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return s.Areas
	}
	return out
}

// schoolTable is the round's table with Check's rules declared, for one
// school: its own areas, unique pupil ids, days that add up.
func schoolTable(base datarequest.Table, areas []Area) *datarequest.Table {
	t := base
	t.Columns = slices.Clone(base.Columns)
	allowed := make([]datarequest.Allowed, len(areas))
	for i, a := range areas {
		allowed[i] = datarequest.Allowed{Name: a.Name, Also: a.Names}
	}
	t.Rules = []datarequest.Rule{
		{Kind: datarequest.OneOf, Column: ColArea, Allowed: allowed},
		{Kind: datarequest.Unique, Column: ColPupil},
		{Kind: datarequest.AtLeast, Column: ColSchoolDays, Min: 1},
		{Kind: datarequest.AtLeast, Column: ColAbsent, Min: 0},
		{Kind: datarequest.AtLeast, Column: ColUnlawful, Min: 0},
		{Kind: datarequest.NotAbove, Column: ColAbsent, Other: ColSchoolDays},
		{Kind: datarequest.NotAbove, Column: ColUnlawful, Other: ColAbsent},
	}
	return &t
}

// areaPhrase names a school's areas in a sentence.
func areaPhrase(names []string) string {
	switch len(names) {
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " eller " + names[len(names)-1]
}

// requestBefore is the request as rounds started before ChangeRulesOnForm
// ask it.
func requestBefore(s Setup, sc School, attempt int, due string, problems []string) datarequest.Input {
	id := "absence/" + s.PlanID + "/" + strings.ToLower(s.Quarter) + "/" + sc.ID
	instr := fmt.Sprintf("Upload en CSV-fil (semikolonsepareret) med én linje pr. elev bosat i helhedsplanens boligområder for kvartalet %s. "+
		"Kolonner: %s;%s;%s;%s;%s. Elev-id skal være det pseudonyme id, skolen bruger over for fraværsteamet – aldrig et CPR-nummer. "+
		"Boligområdet skrives med navn eller id (fx Vangdalen).", s.Quarter, ColPupil, ColArea, ColSchoolDays, ColAbsent, ColUnlawful)
	if attempt > 1 {
		id = fmt.Sprintf("%s/%d", id, attempt)
		instr = "Jeres seneste indsendelse blev afvist, og intet af den er registreret:\n- " + strings.Join(problems, "\n- ") +
			"\n\nRet filen og indsend den igen.\n\n" + instr
	}
	return datarequest.Input{
		RequestID: id, Partner: sc.ID, Period: s.Quarter, Due: due,
		Title:        "Fraværsdata for " + s.Quarter,
		Instructions: instr, Table: &s.Table, Origin: WorkflowID(Input{Plan: s.PlanID, Quarter: s.Quarter}),
		Reminders: &datarequest.ReminderPolicy{BeforeDue: []int{3}, OnDue: true, AfterDue: []int{2}, EscalateAfter: 4},
	}
}
