package danish

import "fmt"

// Quarter writes calendar quarter q (1–4) of year as users read it:
// "3. kvartal 2026 (juli–september)". Ids and keys keep their own form
// ("2026-Q3"); this is the text for notes, e-mails and pages. A q outside
// 1–4 writes "kvartal q year".
func Quarter(year, q int) string {
	if q < 1 || q > 4 {
		return fmt.Sprintf("kvartal %d %d", q, year)
	}
	first := 3*q - 2
	return fmt.Sprintf("%d. kvartal %d (%s–%s)", q, year, months[first-1], months[first+1])
}
