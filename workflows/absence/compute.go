package absence

import (
	"math/big"
	"sort"

	"helhed/danish"
	"helhed/suppress"
)

// ChangeExactNumbers is the GetVersion change under which a round counts
// days exactly in hundredths (Days), compares the 10 % and 15 % thresholds
// exactly (4,6 of 46 days is 10 % and flagged) and refuses day counts with
// more than two decimals. Before it, float64 arithmetic missed pupils
// exactly at a threshold (and so new courses).
const ChangeExactNumbers = "exact-numbers"

// Days are day counts in hundredths of a day, exact: 4,6 days is 460.
type Days struct {
	School   int64 `json:"school"`
	Absent   int64 `json:"absent"`
	Unlawful int64 `json:"unlawful"`
}

// Percent is part (hundredths of a day) in percent of the school days,
// exact; nil without school days.
func (d Days) Percent(part int64) *big.Rat {
	if d.School == 0 {
		return nil
	}
	return big.NewRat(100*part, d.School)
}

func (d *Days) add(o Days) {
	d.School += o.School
	d.Absent += o.Absent
	d.Unlawful += o.Unlawful
}

// atLeast reports whether the exact percent p reaches threshold (a
// percent written as a decimal constant, WarnPercent or NotifyPercent).
func atLeast(p *big.Rat, threshold float64) bool {
	return p != nil && p.Cmp(danish.Decimal(threshold)) >= 0
}

// float is the float64 nearest to x; 0 for nil.
func float(x *big.Rat) float64 {
	if x == nil {
		return 0
	}
	f, _ := x.Float64()
	return f
}

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
	// Days are the day counts exactly (Outcome.Exact); the float64 fields
	// above are then the nearest float64 to the exact values.
	Days Days `json:"days"`
}

// Flag is one pupil over a threshold.
type Flag struct {
	Pupil   string  `json:"pupil"` // pseudonymous
	School  string  `json:"school"`
	Area    string  `json:"area"`
	Percent float64 `json:"percent"` // unlawful absence, % of school days
	Level   int     `json:"level"`   // 10 or 15
	New     bool    `json:"new"`     // first flag this plan year: a new individual course
	Days    Days    `json:"days"`    // the pupil's day counts (Outcome.Exact)
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
	// Exact: computed under ChangeExactNumbers, so the Days fields hold
	// the exact day counts the published percentages are computed from.
	Exact bool `json:"exact,omitempty"`
}

// Compute derives the quarter's figures from the accepted pupils, exactly
// (ChangeExactNumbers): day counts in hundredths, thresholds compared as
// fractions.
func Compute(s Setup, pupils []Pupil, prev Carry) Outcome {
	return compute(s, pupils, prev, true)
}

// compute is Compute; without exact (rounds from before
// ChangeExactNumbers) in float64, as those rounds did.
func compute(s Setup, pupils []Pupil, prev Carry, exact bool) Outcome {
	out := Outcome{Previous: prev.Found || s.Previous == "", Exact: exact}
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
			st.Days.add(p.Days)
		}
		pct := 100 * p.Unlawful / p.SchoolDays
		warn, notify := pct >= WarnPercent, pct >= NotifyPercent
		if exact {
			x := p.Days.Percent(p.Days.Unlawful)
			pct, warn, notify = float(x), atLeast(x, WarnPercent), atLeast(x, NotifyPercent)
		}
		if !warn {
			continue
		}
		f := Flag{Pupil: p.ID, School: p.School, Area: p.Area, Percent: pct, Level: 10}
		if exact {
			f.Days = p.Days
		}
		st := &out.Areas[idx[p.Area]]
		st.Flags10++
		out.Total.Flags10++
		if notify {
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
		switch {
		case !exact:
			st.Days = Days{}
			if st.SchoolDays > 0 {
				st.Percent = 100 * st.Absent / st.SchoolDays
				st.Unlawful100 = 100 * st.Unlawful / st.SchoolDays
			}
		case st.Days.School > 0:
			st.SchoolDays, st.Absent, st.Unlawful = float64(st.Days.School)/100, float64(st.Days.Absent)/100, float64(st.Days.Unlawful)/100
			st.Percent, st.Unlawful100 = float(st.Days.Percent(st.Days.Absent)), float(st.Days.Percent(st.Days.Unlawful))
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
