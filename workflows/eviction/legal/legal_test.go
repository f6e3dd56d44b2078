package legal_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"helhed/danish"
	"helhed/plan"
	"helhed/workflows/eviction/legal"
)

func d(y int, m time.Month, day int) plan.Date { return plan.NewDate(y, m, day) }

// Every expected date below was counted by hand on a calendar; the
// comments show the count. "✓n" is the n-th hverdag, "×" a day that is
// none.

func TestIsHverdag(t *testing.T) {
	for _, c := range []struct {
		day             plan.Date
		hverdag, paying bool
	}{
		{d(2026, 12, 5), true, false},   // Saturday: a hverdag (UfR 2022.1586 VLK), no payment day
		{d(2026, 12, 6), false, false},  // Sunday
		{d(2026, 12, 7), true, true},    // Monday
		{d(2026, 6, 5), false, false},   // Grundlovsdag
		{d(2027, 6, 5), false, false},   // Grundlovsdag on a Saturday
		{d(2026, 4, 2), false, false},   // skærtorsdag
		{d(2026, 4, 3), false, false},   // langfredag
		{d(2026, 4, 4), true, false},    // påskelørdag: no helligdag
		{d(2026, 4, 6), false, false},   // 2. påskedag
		{d(2026, 5, 14), false, false},  // Kristi himmelfartsdag
		{d(2026, 5, 25), false, false},  // 2. pinsedag
		{d(2023, 5, 5), false, false},   // store bededag 2023
		{d(2024, 4, 26), true, true},    // store bededag abolished from 2024
		{d(2026, 12, 24), false, false}, // juleaftensdag: cautious
		{d(2026, 12, 25), false, false},
		{d(2026, 12, 26), false, false}, // 2. juledag on a Saturday
		{d(2026, 12, 31), false, false}, // nytårsaftensdag: cautious
		{d(2027, 1, 1), false, false},
		{d(2027, 1, 2), true, false},
	} {
		if got := legal.IsHverdag(c.day); got != c.hverdag {
			t.Errorf("IsHverdag(%s %s) = %v", danish.Weekday(c.day.Weekday()), c.day, got)
		}
		if got := legal.IsPaymentDay(c.day); got != c.paying {
			t.Errorf("IsPaymentDay(%s %s) = %v", danish.Weekday(c.day.Weekday()), c.day, got)
		}
	}
}

func TestDemandEarliest(t *testing.T) {
	for _, c := range []struct {
		name            string
		due, last, want plan.Date
	}{
		// A normal week (30 November – 6 December 2026).
		{"Monday", d(2026, 11, 30), d(2026, 11, 30), d(2026, 12, 4)},  // Tue ✓1, Wed ✓2, Thu ✓3 → Fri
		{"Tuesday", d(2026, 12, 1), d(2026, 12, 1), d(2026, 12, 5)},   // Wed ✓1, Thu ✓2, Fri ✓3 → Sat
		{"Wednesday", d(2026, 12, 2), d(2026, 12, 2), d(2026, 12, 7)}, // Thu, Fri, Sat ✓3; Sun × → Mon
		{"Thursday", d(2026, 12, 3), d(2026, 12, 3), d(2026, 12, 8)},  // Fri, Sat, Sun ×, Mon ✓3 → Tue
		{"Friday", d(2026, 12, 4), d(2026, 12, 4), d(2026, 12, 9)},    // Sat, Mon, Tue ✓3 → Wed
		{"Saturday", d(2026, 12, 5), d(2026, 12, 7), d(2026, 12, 11)}, // moved to Mon 7; Tue, Wed, Thu ✓3 → Fri
		{"Sunday", d(2026, 12, 6), d(2026, 12, 7), d(2026, 12, 11)},   // moved to Mon 7 → Fri 11
		{"another Monday", d(2026, 12, 7), d(2026, 12, 7), d(2026, 12, 11)},

		// Easter 2026: skærtorsdag 2, langfredag 3, påskedag 5, 2. påskedag 6 April.
		{"Monday before Easter", d(2026, 3, 30), d(2026, 3, 30), d(2026, 4, 7)},  // Tue 31 ✓1, Wed 1 ✓2, Thu ×, Fri ×, Sat 4 ✓3; Sun ×, Mon × → Tue 7
		{"Wednesday before Easter", d(2026, 4, 1), d(2026, 4, 1), d(2026, 4, 9)}, // Thu ×, Fri ×, Sat ✓1, Sun ×, Mon ×, Tue ✓2, Wed ✓3 → Thu 9
		{"due on skærtorsdag", d(2026, 4, 2), d(2026, 4, 7), d(2026, 4, 11)},     // Fri ×, Sat (no payment day), Sun ×, Mon × → Tue 7; Wed, Thu, Fri ✓3 → Sat 11
		{"due on langfredag", d(2026, 4, 3), d(2026, 4, 7), d(2026, 4, 11)},
		{"due on 2. påskedag", d(2026, 4, 6), d(2026, 4, 7), d(2026, 4, 11)},
		// Kristi himmelfartsdag Thu 14 May 2026; pinse 24–25 May 2026.
		{"across Kristi himmelfartsdag", d(2026, 5, 11), d(2026, 5, 11), d(2026, 5, 16)}, // Tue ✓1, Wed ✓2, Thu ×, Fri ✓3 → Sat 16
		{"across pinse", d(2026, 5, 22), d(2026, 5, 22), d(2026, 5, 28)},                 // Sat ✓1, Sun ×, Mon ×, Tue ✓2, Wed ✓3 → Thu 28
		// Store bededag: Fri 5 May 2023 was one; Fri 26 April 2024 is none.
		{"across store bededag 2023", d(2023, 5, 2), d(2023, 5, 2), d(2023, 5, 8)},       // Wed ✓1, Thu ✓2, Fri ×, Sat ✓3 → Mon 8
		{"store bededag abolished 2024", d(2024, 4, 23), d(2024, 4, 23), d(2024, 4, 27)}, // Wed, Thu, Fri ✓3 → Sat 27

		// Christmas 2026: 24 Thu (cautious), 25 Fri, 26 Sat, 31 Thu (cautious), 1 January 2027 Fri.
		{"Monday before Christmas", d(2026, 12, 21), d(2026, 12, 21), d(2026, 12, 29)},  // Tue ✓1, Wed ✓2, 24–27 ×, Mon 28 ✓3 → Tue 29
		{"Tuesday before Christmas", d(2026, 12, 22), d(2026, 12, 22), d(2026, 12, 30)}, // Wed ✓1, Mon 28 ✓2, Tue 29 ✓3 → Wed 30
		{"Wednesday before Christmas", d(2026, 12, 23), d(2026, 12, 23), d(2027, 1, 2)}, // Mon 28, Tue 29, Wed 30 ✓3; 31 ×, 1 × → Sat 2
		{"due on juleaftensdag", d(2026, 12, 24), d(2026, 12, 28), d(2027, 1, 4)},       // → Mon 28; Tue 29, Wed 30, Sat 2 ✓3; Sun × → Mon 4

		// Year ends.
		{"Monday after Christmas", d(2026, 12, 28), d(2026, 12, 28), d(2027, 1, 4)},  // Tue 29, Wed 30, 31 ×, 1 ×, Sat 2 ✓3 → Mon 4
		{"Tuesday after Christmas", d(2026, 12, 29), d(2026, 12, 29), d(2027, 1, 5)}, // Wed 30, Sat 2, Mon 4 ✓3 → Tue 5
		{"due on nytårsaftensdag", d(2026, 12, 31), d(2027, 1, 4), d(2027, 1, 8)},    // 1 ×, Sat (no payment day), Sun × → Mon 4; Tue, Wed, Thu ✓3 → Fri 8
		{"due on nytårsdag 2027", d(2027, 1, 1), d(2027, 1, 4), d(2027, 1, 8)},
		{"due on nytårsdag 2026", d(2026, 1, 1), d(2026, 1, 2), d(2026, 1, 7)},         // → Fri 2; Sat 3, Mon 5, Tue 6 ✓3 → Wed 7
		{"due on nytårsaftensdag 2027", d(2027, 12, 31), d(2028, 1, 3), d(2028, 1, 7)}, // Fri 31 ×, Sat 1 ×, Sun × → Mon 3; Tue, Wed, Thu → Fri 7

		// Grundlovsdag (5 June) on every weekday: a due date two or three
		// days before it, and a due date on it.
		{"Grundlovsdag Monday 2034, due Thu", d(2034, 6, 1), d(2034, 6, 1), d(2034, 6, 7)},     // Fri ✓1, Sat ✓2, Sun ×, Mon ×, Tue 6 ✓3 → Wed 7
		{"Grundlovsdag Monday 2034, due on it", d(2034, 6, 5), d(2034, 6, 6), d(2034, 6, 10)},  // → Tue 6; Wed, Thu, Fri ✓3 → Sat 10
		{"Grundlovsdag Tuesday 2029, due Fri", d(2029, 6, 1), d(2029, 6, 1), d(2029, 6, 7)},    // Sat ✓1, Mon ✓2, Tue ×, Wed 6 ✓3 → Thu 7
		{"Grundlovsdag Tuesday 2029, due on it", d(2029, 6, 5), d(2029, 6, 6), d(2029, 6, 11)}, // → Wed 6; Thu, Fri, Sat 9 ✓3 → Mon 11
		{"Grundlovsdag Wednesday 2024, due Mon", d(2024, 6, 3), d(2024, 6, 3), d(2024, 6, 8)},  // Tue ✓1, Wed ×, Thu ✓2, Fri ✓3 → Sat 8
		{"Grundlovsdag Wednesday 2024, due on it", d(2024, 6, 5), d(2024, 6, 6), d(2024, 6, 11)},
		{"Grundlovsdag Thursday 2031, due Tue", d(2031, 6, 3), d(2031, 6, 3), d(2031, 6, 9)},    // Wed ✓1, Thu ×, Fri ✓2, Sat ✓3 → Mon 9
		{"Grundlovsdag Thursday 2031, due on it", d(2031, 6, 5), d(2031, 6, 6), d(2031, 6, 11)}, // → Fri 6; Sat, Mon, Tue ✓3 → Wed 11
		{"Grundlovsdag Friday 2026, due Mon", d(2026, 6, 1), d(2026, 6, 1), d(2026, 6, 6)},      // Tue, Wed, Thu 4 ✓3; Fri × → Sat 6
		// The open reading: Friday's due date moves past Saturday to Monday 8
		// (the literal "following hverdag" would be Saturday 6 and give Thursday 11).
		{"Grundlovsdag Friday 2026, due on it", d(2026, 6, 5), d(2026, 6, 8), d(2026, 6, 12)},
		{"Grundlovsdag Saturday 2027, due Wed", d(2027, 6, 2), d(2027, 6, 2), d(2027, 6, 8)},    // Thu ✓1, Fri ✓2, Sat ×, Sun ×, Mon 7 ✓3 → Tue 8
		{"Grundlovsdag Saturday 2027, due on it", d(2027, 6, 5), d(2027, 6, 7), d(2027, 6, 11)}, // → Mon 7; Tue, Wed, Thu ✓3 → Fri 11
		{"Grundlovsdag Sunday 2039, due Thu", d(2039, 6, 2), d(2039, 6, 2), d(2039, 6, 7)},      // Fri, Sat, Sun ×, Mon 6 ✓3 → Tue 7
		{"Grundlovsdag Sunday 2039, due on it", d(2039, 6, 5), d(2039, 6, 6), d(2039, 6, 10)},   // → Mon 6; Tue, Wed, Thu ✓3 → Fri 10
	} {
		last := legal.LastDayToPay(c.due)
		got := legal.DemandEarliest(c.due)
		if last.Date != c.last || got.Date != c.want {
			t.Errorf("%s: due %s: last day to pay %s, påkrav from %s; want %s and %s", c.name, c.due, last.Date, got.Date, c.last, c.want)
		}
		if !strings.HasPrefix(got.Reason, "tidligst "+danish.LongDate(c.want)+": 3. hverdag efter ") || !strings.Contains(got.Reason, danish.LongDate(c.due)) {
			t.Errorf("%s: reason %q", c.name, got.Reason)
		}
		if !legal.IsHverdag(got.Date) || !legal.IsPaymentDay(last.Date) {
			t.Errorf("%s: the påkrav day %s is no hverdag, or the last day %s no payment day", c.name, got.Date, last.Date)
		}
	}
}

// TestReasons pins the wording of the reasons a case shows.
func TestReasons(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{legal.DemandEarliest(d(2026, 12, 1)).Reason,
			"tidligst lørdag den 5. december 2026: 3. hverdag efter forfaldsdagen tirsdag den 1. december 2026 er fredag den 4. december 2026"},
		{legal.DemandEarliest(d(2026, 4, 1)).Reason,
			"tidligst torsdag den 9. april 2026: 3. hverdag efter forfaldsdagen onsdag den 1. april 2026 er onsdag den 8. april 2026 " +
				"(ikke hverdage: skærtorsdag 2. april 2026, langfredag 3. april 2026, 2. påskedag 6. april 2026)"},
		{legal.LastDayToPay(d(2026, 12, 5)).Reason,
			"forfaldsdagen lørdag den 5. december 2026 er en lørdag; betalingen kan ske til og med mandag den 7. december 2026 (almenlejeloven § 44, stk. 2)"},
		{legal.LastDayToPay(d(2026, 6, 5)).Reason,
			"forfaldsdagen fredag den 5. juni 2026 er grundlovsdag; betalingen kan ske til og med mandag den 8. juni 2026 (almenlejeloven § 44, stk. 2); " +
				"lørdag 6. juni 2026 springes over, da en forfaldsdag på en lørdag selv flyttes (den seneste læsning)"},
		{legal.LastDayToPay(d(2026, 12, 24)).Reason,
			"forfaldsdagen torsdag den 24. december 2026 er juleaftensdag; betalingen kan ske til og med mandag den 28. december 2026 (almenlejeloven § 44, stk. 2); " +
				"juleaftensdag og nytårsaftensdag er ingen helligdage, men regnes ikke som hverdage (den seneste læsning)"},
		{legal.Deadline(d(2026, 3, 20)).Reason,
			"betalingsfristen udløber tirsdag den 7. april 2026: 14 hele dage efter modtagelsen fredag den 20. marts 2026; " +
				"fredag den 3. april 2026 er langfredag, så fristen flyttes til den følgende hverdag, der ikke er en lørdag"},
		{legal.TerminationEarliest(d(2026, 12, 21)).Reason,
			"tidligst tirsdag den 22. december 2026: dagen efter betalingsfristens udløb mandag den 21. december 2026"},
		{legal.Receipt(d(2026, 12, 5), legal.Letter, plan.Date{}, plan.DefaultDemandReceipt).Reason,
			"påkravet er sendt som almindeligt brev lørdag den 5. december 2026 og regnes for modtaget 5. omdelingsdag efter afsendelsen, fredag den 11. december 2026 " +
				"(planens antagelse, da ingen modtagelse er registreret; der omdeles ikke post om lørdagen)"},
		{legal.Receipt(d(2026, 12, 5), legal.DigitalPost, plan.Date{}, plan.DefaultDemandReceipt).Reason,
			"påkravet er sendt med Digital Post lørdag den 5. december 2026 og regnes for modtaget samme dag (planens antagelse, da ingen modtagelse er registreret)"},
		{legal.Receipt(d(2026, 12, 5), legal.Quickbrev, d(2026, 12, 8), plan.DefaultDemandReceipt).Reason,
			"påkravet er sendt som Quickbrev lørdag den 5. december 2026 og modtaget tirsdag den 8. december 2026 (registreret modtagelse)"},
	} {
		if c.got != c.want {
			t.Errorf("reason\n got %s\nwant %s", c.got, c.want)
		}
	}
}

// TestAfterDemand: receipt, deadline and the first day of an ophævelse
// for each way of sending.
func TestAfterDemand(t *testing.T) {
	slow := plan.DemandReceipt{DigitalPost: 1, Quickbrev: 2, Letter: 7}
	for _, c := range []struct {
		name                  string
		sent                  plan.Date
		method                legal.Method
		recorded              plan.Date
		rules                 plan.DemandReceipt
		received, deadline, x plan.Date // x: ophævelse from
	}{
		// Sent Saturday 5 December 2026, the first day allowed for rent due Tuesday 1 December.
		// Digital Post: received the same day; +14 = Sat 19 → Mon 21.
		{"digital post", d(2026, 12, 5), legal.DigitalPost, plan.Date{}, plan.DefaultDemandReceipt, d(2026, 12, 5), d(2026, 12, 21), d(2026, 12, 22)},
		// Quickbrev: the next delivery day, Mon 7; +14 = Mon 21.
		{"quickbrev", d(2026, 12, 5), legal.Quickbrev, plan.Date{}, plan.DefaultDemandReceipt, d(2026, 12, 7), d(2026, 12, 21), d(2026, 12, 22)},
		// Letter: Mon 7, Tue 8, Wed 9, Thu 10, Fri 11 (5th); +14 = Fri 25 juledag, Sat, Sun → Mon 28.
		{"letter", d(2026, 12, 5), legal.Letter, plan.Date{}, plan.DefaultDemandReceipt, d(2026, 12, 11), d(2026, 12, 28), d(2026, 12, 29)},
		// A recorded receipt wins over the assumption: Tue 8 + 14 = Tue 22.
		{"letter with a receipt", d(2026, 12, 5), legal.Letter, d(2026, 12, 8), plan.DefaultDemandReceipt, d(2026, 12, 8), d(2026, 12, 22), d(2026, 12, 23)},
		// An unknown way counts as a letter.
		{"unknown way", d(2026, 12, 5), "dueslag", plan.Date{}, plan.DefaultDemandReceipt, d(2026, 12, 11), d(2026, 12, 28), d(2026, 12, 29)},
		// A plan's own assumptions: Digital Post 1 → Mon 7; Quickbrev 2 → Tue 8; letter 7 → Tue 15.
		{"plan: digital post 1", d(2026, 12, 5), legal.DigitalPost, plan.Date{}, slow, d(2026, 12, 7), d(2026, 12, 21), d(2026, 12, 22)},
		{"plan: quickbrev 2", d(2026, 12, 5), legal.Quickbrev, plan.Date{}, slow, d(2026, 12, 8), d(2026, 12, 22), d(2026, 12, 23)},
		// Mon 7 … Fri 11 (5), Mon 14 (6), Tue 15 (7); +14 = Tue 29.
		{"plan: letter 7", d(2026, 12, 5), legal.Letter, plan.Date{}, slow, d(2026, 12, 15), d(2026, 12, 29), d(2026, 12, 30)},

		// Christmas: a letter sent Mon 21 December 2026: Tue 22, Wed 23, (24–27 ×), Mon 28, Tue 29, Wed 30 (5th); +14 = Wed 13 January.
		{"letter over Christmas", d(2026, 12, 21), legal.Letter, plan.Date{}, plan.DefaultDemandReceipt, d(2026, 12, 30), d(2027, 1, 13), d(2027, 1, 14)},
		// Quickbrev sent Wed 23 December: the next delivery day is Mon 28; +14 = Mon 11 January.
		{"quickbrev over Christmas", d(2026, 12, 23), legal.Quickbrev, plan.Date{}, plan.DefaultDemandReceipt, d(2026, 12, 28), d(2027, 1, 11), d(2027, 1, 12)},
		// Received Thu 10 December: +14 = Thu 24 (cautious), 25, 26, 27 → Mon 28.
		{"deadline on juleaftensdag", d(2026, 12, 10), legal.DigitalPost, plan.Date{}, plan.DefaultDemandReceipt, d(2026, 12, 10), d(2026, 12, 28), d(2026, 12, 29)},
		// Received Thu 17 December: +14 = Thu 31 (cautious), Fri 1, Sat 2, Sun 3 → Mon 4 January 2027.
		{"deadline on nytårsaftensdag", d(2026, 12, 17), legal.DigitalPost, plan.Date{}, plan.DefaultDemandReceipt, d(2026, 12, 17), d(2027, 1, 4), d(2027, 1, 5)},
		// Easter: received Fri 20 March 2026: +14 = langfredag 3 April, Sat 4, Sun 5, Mon 6 × → Tue 7.
		{"deadline on langfredag", d(2026, 3, 20), legal.DigitalPost, plan.Date{}, plan.DefaultDemandReceipt, d(2026, 3, 20), d(2026, 4, 7), d(2026, 4, 8)},
		// Grundlovsdag: received Fri 22 May 2026: +14 = Fri 5 June, Sat 6 → Mon 8.
		{"deadline on Grundlovsdag", d(2026, 5, 22), legal.DigitalPost, plan.Date{}, plan.DefaultDemandReceipt, d(2026, 5, 22), d(2026, 6, 8), d(2026, 6, 9)},
		// Kristi himmelfartsdag: received Thu 30 April 2026: +14 = Thu 14 May → Fri 15.
		{"deadline on Kristi himmelfartsdag", d(2026, 4, 30), legal.DigitalPost, plan.Date{}, plan.DefaultDemandReceipt, d(2026, 4, 30), d(2026, 5, 15), d(2026, 5, 16)},
		// A letter over Easter: sent Tue 31 March 2026: Wed 1, (2–6 ×), Tue 7, Wed 8, Thu 9, Fri 10 (5th); +14 = Fri 24 April.
		{"letter over Easter", d(2026, 3, 31), legal.Letter, plan.Date{}, plan.DefaultDemandReceipt, d(2026, 4, 10), d(2026, 4, 24), d(2026, 4, 25)},
	} {
		got := legal.AfterDemand(c.sent, c.method, c.recorded, c.rules)
		if got.Received.Date != c.received || got.Deadline.Date != c.deadline || got.TerminationEarliest.Date != c.x {
			t.Errorf("%s: received %s, deadline %s, ophævelse from %s; want %s, %s, %s", c.name,
				got.Received.Date, got.Deadline.Date, got.TerminationEarliest.Date, c.received, c.deadline, c.x)
		}
		for _, r := range []legal.Dated{got.Received, got.Deadline, got.TerminationEarliest} {
			if !strings.Contains(r.Reason, danish.LongDate(r.Date)) {
				t.Errorf("%s: the reason %q does not name its date %s", c.name, r.Reason, r.Date)
			}
		}
	}
}

// Example_weekdayTable prints the påkrav table of a normal week, as the
// README shows it.
func Example_weekdayTable() {
	fmt.Println("| Forfaldsdag | Sidste rettidige betalingsdag | Påkrav tidligst |")
	fmt.Println("|---|---|---|")
	for due := d(2026, 11, 30); !due.After(d(2026, 12, 6)); due = due.AddDays(1) {
		fmt.Printf("| %s | %s | %s |\n", danish.LongDate(due), danish.LongDate(legal.LastDayToPay(due).Date), danish.LongDate(legal.DemandEarliest(due).Date))
	}
	// Output:
	// | Forfaldsdag | Sidste rettidige betalingsdag | Påkrav tidligst |
	// |---|---|---|
	// | mandag den 30. november 2026 | mandag den 30. november 2026 | fredag den 4. december 2026 |
	// | tirsdag den 1. december 2026 | tirsdag den 1. december 2026 | lørdag den 5. december 2026 |
	// | onsdag den 2. december 2026 | onsdag den 2. december 2026 | mandag den 7. december 2026 |
	// | torsdag den 3. december 2026 | torsdag den 3. december 2026 | tirsdag den 8. december 2026 |
	// | fredag den 4. december 2026 | fredag den 4. december 2026 | onsdag den 9. december 2026 |
	// | lørdag den 5. december 2026 | mandag den 7. december 2026 | fredag den 11. december 2026 |
	// | søndag den 6. december 2026 | mandag den 7. december 2026 | fredag den 11. december 2026 |
}
