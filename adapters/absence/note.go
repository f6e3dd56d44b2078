package absence

import (
	"embed"
	"math/big"
	"time"

	"helhed/activities"
	"helhed/danish"
	"helhed/suppress"
	"helhed/workflows/absence"
)

//go:embed templates
var templateFS embed.FS

// templates hold the quarterly note AbsenceCompile renders; noteView is
// what it sees.
var templates = activities.ParseTemplates(templateFS, "templates")

type noteView struct {
	PlanName, Quarter, Year, CompiledAt string
	Schools                             []schoolView
	Missing                             []string
	Areas                               []areaView
	Kommune, BaselineFor                string
	Suppression                         string
	Warn, Notify                        string
	Flags                               []flagView
	NewCourses, CoursesYTD, Target      string
	NoPrevious                          bool
}

type schoolView struct {
	Name, Status string
	Errors       []string
}

type areaView struct {
	Name, Pupils, Percent, Baseline, Diff, Flags10, Flags15 string
}

type flagView struct {
	School, Pupil, Area, Percent, Action, New string
}

// noteData lays the quarter out for the note. The statistics are
// suppressed as publishedStats and publishedCourses say; the per-pupil
// action list, which the absence team works from, carries pseudonymous
// ids only.
func noteData(in absence.NoteInput) noteView {
	s, o := in.Setup, in.Outcome
	rule := suppress.Rule{Threshold: s.Threshold}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	show := rule.Show
	quarter := s.Quarter
	if q, err := absence.ParseQuarter(s.Quarter); err == nil {
		quarter = danish.Quarter(q.Year, q.Q)
	}
	added, ytd := publishedCourses(s.Threshold, o)
	v := noteView{PlanName: s.PlanName, Quarter: quarter, Year: s.Year, CompiledAt: in.CompiledAt.In(loc).Format("02-01-2006 15.04"),
		Kommune: "–", BaselineFor: s.BaselineFor, Suppression: rule.Note(), NoPrevious: !o.Previous,
		NewCourses: show(added), CoursesYTD: show(ytd), Target: s.CoursesTargetTxt}
	if s.HasKommune {
		v.Kommune = danish.FormatNumber(s.Kommune, 1)
	}
	names := map[string]string{}
	for _, sc := range s.Schools {
		names[sc.ID] = sc.Name
	}
	for _, sc := range in.Schools {
		sv := schoolView{Name: sc.Name}
		switch sc.Status {
		case absence.SchoolAccepted:
			sv.Status = "modtaget"
		case absence.SchoolRejected:
			sv.Status, sv.Errors = "afvist – intet registreret", sc.Errors
			v.Missing = append(v.Missing, sc.Name+" (data afvist)")
		default:
			sv.Status = "ikke modtaget inden fristen"
			v.Missing = append(v.Missing, sc.Name)
		}
		v.Schools = append(v.Schools, sv)
	}
	areaCells, totalCells := publishedStats(s.Threshold, o)
	for i, st := range append(append([]absence.AreaStat(nil), o.Areas...), o.Total) {
		c := totalCells
		if i < len(areaCells) {
			c = areaCells[i]
		}
		av := areaView{Name: st.Name, Pupils: show(c.pupils), Percent: "–", Baseline: "–", Diff: "–",
			Flags10: show(c.flags10), Flags15: show(c.flags15)}
		if st.HasBaseline {
			av.Baseline = danish.FormatNumber(st.Baseline, 1)
		}
		switch {
		case !c.hasPercent:
		case c.percent.Suppressed:
			av.Percent = rule.Label()
		default:
			// Rounded once each, from the exact values: the percent, and
			// its difference to the baseline.
			pct := danish.Decimal(st.Percent)
			if o.Exact {
				pct = st.Days.Percent(st.Days.Absent)
			}
			av.Percent = danish.FormatRat(pct, 1)
			if st.HasBaseline {
				av.Diff = danish.FormatDifference(new(big.Rat).Sub(pct, danish.Decimal(st.Baseline)), 1)
			}
		}
		v.Areas = append(v.Areas, av)
	}
	// The sentence states the totals the table shows, suppressed alike.
	v.Warn, v.Notify = show(totalCells.flags10), show(totalCells.flags15)
	for _, f := range o.Flags {
		pct := danish.Decimal(f.Percent)
		if o.Exact {
			pct = f.Days.Percent(f.Days.Unlawful)
		}
		fv := flagView{School: names[f.School], Pupil: f.Pupil, Area: areaName(s.Areas, f.Area), Percent: danish.FormatRat(pct, 1),
			Action: "Forældre advares", New: "nej"}
		if f.Level == 15 {
			fv.Action = "Forældre advares; kommunen underrettes"
		}
		if f.New {
			fv.New = "ja"
		}
		v.Flags = append(v.Flags, fv)
	}
	return v
}

func areaName(areas []absence.Area, id string) string {
	for _, a := range areas {
		if a.ID == id {
			return a.Name
		}
	}
	return id
}
