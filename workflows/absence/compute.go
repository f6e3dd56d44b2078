package absence

import (
	"sort"

	"helhed/suppress"
)

// AreaStat is one area's quarter.
type AreaStat struct {
	Area        string  `json:"area"`
	Name        string  `json:"name"`
	Pupils      int     `json:"pupils"`
	SchoolDays  float64 `json:"schoolDays"`
	Absent      float64 `json:"absent"`
	Unlawful    float64 `json:"unlawful"`
	Percent     float64 `json:"percent"`         // absent / school days
	Unlawful100 float64 `json:"unlawfulPercent"` // unlawful / school days
	Baseline    float64 `json:"baseline"`
	HasBaseline bool    `json:"hasBaseline"`
	Flags10     int     `json:"flags10"` // pupils at or above 10 % unlawful (15 % included)
	Flags15     int     `json:"flags15"` // pupils at or above 15 % unlawful
}

// Flag is one pupil over a threshold.
type Flag struct {
	Pupil   string  `json:"pupil"` // pseudonymous
	School  string  `json:"school"`
	Area    string  `json:"area"`
	Percent float64 `json:"percent"` // unlawful absence, % of school days
	Level   int     `json:"level"`   // 10 or 15
	New     bool    `json:"new"`     // first flag this plan year: a new individual course
}

// Carry is what a quarter hands the next one in the same plan year.
type Carry struct {
	Found      bool     `json:"found"`
	Flagged    []string `json:"flagged"` // "<school>/<pupil id>", sorted
	CoursesYTD int      `json:"coursesYtd"`
	// CoursesHidden: an earlier quarter's new courses were suppressed, so
	// the year's count stays suppressed.
	CoursesHidden bool `json:"coursesHidden,omitempty"`
}

// Outcome is the quarter's figures.
type Outcome struct {
	Areas      []AreaStat `json:"areas"`
	Total      AreaStat   `json:"total"`
	Flags      []Flag     `json:"flags"`
	NewCourses int        `json:"newCourses"`
	CoursesYTD int        `json:"coursesYtd"`
	FlaggedYTD []string   `json:"flaggedYtd"`
	Previous   bool       `json:"previous"` // the earlier quarters of the year were found
	// CoursesHidden: this or an earlier quarter of the plan year had new
	// courses below the discretion threshold, so the year's count is not
	// published (the quarters' counts would give it away by subtraction).
	CoursesHidden bool `json:"coursesHidden,omitempty"`
}

// Compute derives the quarter's figures from the accepted pupils.
func Compute(s Setup, pupils []Pupil, prev Carry) Outcome {
	out := Outcome{Previous: prev.Found || s.Previous == ""}
	idx := map[string]int{}
	for _, a := range s.Areas {
		idx[a.ID] = len(out.Areas)
		out.Areas = append(out.Areas, AreaStat{Area: a.ID, Name: a.Name, Baseline: a.Baseline, HasBaseline: a.HasBaseline})
	}
	before := map[string]bool{}
	for _, k := range prev.Flagged {
		before[k] = true
	}
	flagged := map[string]bool{}
	out.Total = AreaStat{Area: "alle", Name: "Alle områder"}
	for _, p := range pupils {
		for _, st := range []*AreaStat{&out.Areas[idx[p.Area]], &out.Total} {
			st.Pupils++
			st.SchoolDays += p.SchoolDays
			st.Absent += p.Absent
			st.Unlawful += p.Unlawful
		}
		pct := 100 * p.Unlawful / p.SchoolDays
		if pct < WarnPercent {
			continue
		}
		f := Flag{Pupil: p.ID, School: p.School, Area: p.Area, Percent: pct, Level: 10}
		st := &out.Areas[idx[p.Area]]
		st.Flags10++
		out.Total.Flags10++
		if pct >= NotifyPercent {
			f.Level = 15
			st.Flags15++
			out.Total.Flags15++
		}
		key := p.School + "/" + p.ID
		f.New = !before[key] && !flagged[key]
		if f.New {
			out.NewCourses++
		}
		flagged[key] = true
		out.Flags = append(out.Flags, f)
	}
	for _, st := range append([]*AreaStat{&out.Total}, ptrs(out.Areas)...) {
		if st.SchoolDays > 0 {
			st.Percent = 100 * st.Absent / st.SchoolDays
			st.Unlawful100 = 100 * st.Unlawful / st.SchoolDays
		}
	}
	sort.SliceStable(out.Flags, func(i, j int) bool {
		a, b := out.Flags[i], out.Flags[j]
		if a.School != b.School {
			return a.School < b.School
		}
		return a.Pupil < b.Pupil
	})
	ytd := append([]string(nil), prev.Flagged...)
	for _, f := range out.Flags {
		if f.New {
			ytd = append(ytd, f.School+"/"+f.Pupil)
		}
	}
	sort.Strings(ytd)
	out.FlaggedYTD = ytd
	out.CoursesYTD = prev.CoursesYTD + out.NewCourses
	out.CoursesHidden = prev.CoursesHidden || suppress.Rule{Threshold: s.Threshold}.Hide(float64(out.NewCourses))
	return out
}

func ptrs(s []AreaStat) []*AreaStat {
	out := make([]*AreaStat, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}
