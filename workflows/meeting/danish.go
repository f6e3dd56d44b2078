package meeting

import (
	"fmt"
	"time"

	"helhed/plan"
)

var (
	weekdaysDA = [...]string{"søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"}
	monthsDA   = [...]string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"}
)

// danishDate formats d as "onsdag den 3. november 2021".
func danishDate(d plan.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%s den %d. %s %d", weekdaysDA[d.Weekday()], d.Day, monthsDA[d.Month-1], d.Year)
}

func durationOf(b Body) time.Duration {
	if b.DurationMinutes <= 0 {
		return 2 * time.Hour
	}
	return time.Duration(b.DurationMinutes) * time.Minute
}
