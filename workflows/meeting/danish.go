package meeting

import "time"

func durationOf(b Body) time.Duration {
	if b.DurationMinutes <= 0 {
		return 2 * time.Hour
	}
	return time.Duration(b.DurationMinutes) * time.Minute
}
