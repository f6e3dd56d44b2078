package absence

import (
	"errors"
	"fmt"
	"strings"

	"helhed/danish"
	"helhed/workflows/datarequest"
)

// Pupil is one accepted line of a school's table.
type Pupil struct {
	ID         string  `json:"id"` // pseudonymous
	School     string  `json:"school"`
	Area       string  `json:"area"`
	SchoolDays float64 `json:"schoolDays"`
	Absent     float64 `json:"absent"`
	Unlawful   float64 `json:"unlawful"`
	// Days are the same day counts exactly, in hundredths of a day (what
	// Compute counts with under ChangeExactNumbers).
	Days Days `json:"days"`
}

// maxProblems caps the problems listed back to a school.
const maxProblems = 20

// Check validates a school's rows on top of the data request's own table
// validation: a pseudonymous, unique pupil id, a known area, and days that
// add up, given in at most hundredths of a day. Line numbers count the
// header as line 1. Any problem rejects the whole submission: nothing of
// it is recorded.
func Check(school string, rows []map[string]string, areas []Area) ([]Pupil, []string) {
	return check(school, rows, areas, true)
}

// check is Check; without exactDays (rounds from before
// ChangeExactNumbers) a day count with more than two decimals is taken.
func check(school string, rows []map[string]string, areas []Area, exactDays bool) ([]Pupil, []string) {
	var pupils []Pupil
	var problems []string
	add := func(line int, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("linje %d: ", line)+fmt.Sprintf(format, args...))
	}
	// A value as the data request normalised it has a decimal point; as a
	// school wrote it, a decimal comma.
	number := func(s string) (float64, error) { return danish.ParseDecimal(s, strings.Contains(s, ",")) }
	hundredths := func(s string) int64 {
		n, _ := danish.ParseHundredths(s, strings.Contains(s, ","))
		return n
	}
	tooPrecise := func(s string) bool {
		_, err := danish.ParseHundredths(s, strings.Contains(s, ","))
		return errors.Is(err, danish.ErrHundredths)
	}
	seen := map[string]int{}
	for i, row := range rows {
		line := i + 2
		id := strings.TrimSpace(row[ColPupil])
		switch {
		case id == "":
			add(line, "elev-id mangler")
		case danish.LooksLikeCPR(id): // such a value must never be stored
			add(line, "elev-id ligner et CPR-nummer; brug skolens pseudonyme elev-id")
		case seen[id] > 0:
			add(line, "elev-id %s står også på linje %d", id, seen[id])
		}
		if id != "" && seen[id] == 0 {
			seen[id] = line
		}
		area, ok := resolveArea(row[ColArea], areas)
		if !ok {
			add(line, "ukendt boligområde »%s«; brug et af: %s", row[ColArea], areaList(areas))
		}
		days, errD := number(row[ColSchoolDays])
		absent, errA := number(row[ColAbsent])
		unlawful, errU := number(row[ColUnlawful])
		switch {
		case errD != nil || errA != nil || errU != nil:
			add(line, "skoledage, fraværsdage og ulovligt fravær skal være tal")
		case exactDays && (tooPrecise(row[ColSchoolDays]) || tooPrecise(row[ColAbsent]) || tooPrecise(row[ColUnlawful])):
			add(line, "skoledage, fraværsdage og ulovligt fravær angives med højst to decimaler (hundrededele af en dag)")
		case days <= 0:
			add(line, "skoledage skal være større end 0")
		case absent < 0 || unlawful < 0:
			add(line, "fravær kan ikke være negativt")
		case absent > days:
			add(line, "fraværsdage (%s) er flere end skoledage (%s)", danish.FormatNumber(absent, -1), danish.FormatNumber(days, -1))
		case unlawful > absent:
			add(line, "ulovligt fravær (%s) er mere end fraværet i alt (%s)", danish.FormatNumber(unlawful, -1), danish.FormatNumber(absent, -1))
		}
		pupils = append(pupils, Pupil{ID: id, School: school, Area: area, SchoolDays: days, Absent: absent, Unlawful: unlawful,
			Days: Days{School: hundredths(row[ColSchoolDays]), Absent: hundredths(row[ColAbsent]), Unlawful: hundredths(row[ColUnlawful])}})
	}
	if len(rows) == 0 {
		problems = append(problems, "filen har ingen elever")
	}
	if len(problems) > 0 {
		if len(problems) > maxProblems {
			problems = append(problems[:maxProblems], fmt.Sprintf("… og %d fejl mere", len(problems)-maxProblems))
		}
		return nil, problems
	}
	return pupils, nil
}

func resolveArea(s string, areas []Area) (string, bool) {
	key := datarequest.FoldValue(s)
	for _, a := range areas {
		for _, n := range a.Names {
			if n == key {
				return a.ID, true
			}
		}
	}
	return "", false
}

func areaList(areas []Area) string {
	names := make([]string, len(areas))
	for i, a := range areas {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}
