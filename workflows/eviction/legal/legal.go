// Package legal is the påkrav clock of the rent acts, to the day:
// almenlejeloven § 90, stk. 2 (lejeloven § 93, stk. 2, has the same
// wording) and, for the last day to pay, almenlejeloven § 44, stk. 2
// (lejeloven § 58, stk. 4). Each date comes with its reason in Danish, for
// the case worker and, in the end, the bailiff court.
//
// A påkrav sent a day early voids the ophævelse, so where the law leaves a
// reading open the package takes the later date — a day cautious, never a
// day early. The open readings and what it takes:
//
//   - 24 and 31 December are not helligdage (helligdagsloven), but banks
//     are closed and other acts extend deadlines past them (forældelsesloven
//     § 27, stk. 2). They are not counted as hverdage, nor can a payment
//     day or a deadline end on them.
//   - The statute's 3rd sentence ("er den nævnte hverdag en lørdag eller
//     grundlovsdag") lets Grundlovsdag count in the three hverdage; it is
//     not counted (UfR 2022.1586 VLK settled Saturdays only).
//   - A due date on a Saturday, a Sunday, a helligdag or Grundlovsdag moves
//     to "the following hverdag"; since a Saturday due date itself moves,
//     it never moves onto a Saturday (Grundlovsdag on a Friday moves to
//     Monday, not to the Saturday).
//   - The post delivers no letters on Saturdays, so receipt assumptions
//     count delivery days: hverdage other than Saturday.
//
// The package is pure (no clock, no I/O, no Temporal), so workflows call
// it, and it is the one definition of hverdag; package workdays' business
// days (Monday to Friday) are for reminders and tasks.
package legal

import (
	"fmt"
	"strings"
	"time"

	"helhed/danish"
	"helhed/plan"
	"helhed/workdays"
)

// DemandAfterHverdage: a påkrav may be sent after the 3rd hverdag after
// the last day to pay, at the earliest.
const DemandAfterHverdage = 3

// DeadlineDays: the tenant has 14 full days from receipt of the påkrav.
const DeadlineDays = 14

// Dated is a date of the legal clock and why, in Danish.
type Dated struct {
	Date   plan.Date `json:"date"`
	Reason string    `json:"reason"`
}

// IsHverdag reports whether d is a hverdag in the rent acts' sense:
// Monday to Saturday (UfR 2022.1586 VLK: Saturdays count), except the
// helligdage, Grundlovsdag and, read cautiously, 24 and 31 December.
func IsHverdag(d plan.Date) bool { return notHverdag(d) == "" }

// IsPaymentDay reports whether a payment day or a deadline may end on d,
// and whether the post delivers on it: a hverdag that is not a Saturday.
func IsPaymentDay(d plan.Date) bool { return notPaymentDay(d) == "" }

// notHverdag says what d is when it is not a hverdag ("en søndag",
// "langfredag", …), and "" when it is one.
func notHverdag(d plan.Date) string {
	if d.Weekday() == time.Sunday {
		return "en søndag"
	}
	if name, ok := workdays.Holiday(d); ok {
		return holidayName(name)
	}
	switch {
	case d.Month == time.December && d.Day == 24:
		return "juleaftensdag"
	case d.Month == time.December && d.Day == 31:
		return "nytårsaftensdag"
	}
	return ""
}

// caution says why 24 and 31 December are skipped, when one of them lies
// in [from, to].
func caution(from, to plan.Date) string {
	for d := from; !d.After(to); d = d.AddDays(1) {
		if d.Month == time.December && (d.Day == 24 || d.Day == 31) {
			return "; juleaftensdag og nytårsaftensdag er ingen helligdage, men regnes ikke som hverdage (den seneste læsning)"
		}
	}
	return ""
}

func notPaymentDay(d plan.Date) string {
	if why := notHverdag(d); why != "" {
		return why
	}
	if d.Weekday() == time.Saturday {
		return "en lørdag"
	}
	return ""
}

// holidayName writes rickar/cal's Danish holiday names as they read inside
// a sentence.
func holidayName(name string) string {
	switch name {
	case "Anden påskedag":
		return "2. påskedag"
	case "Anden Pinsedag":
		return "2. pinsedag"
	case "Anden juledag":
		return "2. juledag"
	case "Kristi Himmelfartsdag":
		return "Kristi himmelfartsdag"
	}
	return strings.ToLower(name)
}

// long is "lørdag den 5. december 2026".
func long(d plan.Date) string { return danish.LongDate(d) }

// named lists the days in (from, to) that are no hverdag for a reason
// other than being a Sunday or a Saturday — the ones a reader might
// overlook — as "(ikke hverdage: langfredag 3. april 2026, …)".
func named(from, to plan.Date) string {
	var days []string
	for d := from.AddDays(1); d.Before(to); d = d.AddDays(1) {
		if why := notHverdag(d); why != "" && d.Weekday() != time.Sunday {
			days = append(days, why+" "+danish.Date(d))
		}
	}
	switch len(days) {
	case 0:
		return ""
	case 1:
		return " (ikke hverdag: " + days[0] + ")"
	}
	return " (ikke hverdage: " + strings.Join(days, ", ") + ")"
}

// LastDayToPay is the last day the rent may be paid in time: the due date,
// moved to the next payment day when it falls on a Saturday, a Sunday, a
// helligdag or Grundlovsdag (almenlejeloven § 44, stk. 2).
func LastDayToPay(due plan.Date) Dated {
	last := due
	for !IsPaymentDay(last) {
		last = last.AddDays(1)
	}
	if last == due {
		return Dated{due, "forfaldsdagen " + long(due) + " er sidste rettidige betalingsdag"}
	}
	reason := fmt.Sprintf("forfaldsdagen %s er %s; betalingen kan ske til og med %s (almenlejeloven § 44, stk. 2)",
		long(due), notPaymentDay(due), long(last))
	for d := due.AddDays(1); d.Before(last); d = d.AddDays(1) {
		if d.Weekday() == time.Saturday && IsHverdag(d) {
			reason += "; lørdag " + danish.Date(d) + " springes over, da en forfaldsdag på en lørdag selv flyttes (den seneste læsning)"
			break
		}
	}
	return Dated{last, reason + caution(due, last)}
}

// DemandEarliest is the first day a påkrav may be sent for rent due on
// due: the first hverdag after the 3rd hverdag after the last day to pay.
// In a week without holidays: due Monday → Friday, Tuesday → Saturday,
// Wednesday → Monday, Thursday → Tuesday, Friday → Wednesday, Saturday or
// Sunday → the next Friday.
func DemandEarliest(due plan.Date) Dated {
	last := LastDayToPay(due)
	third := last.Date
	for n := 0; n < DemandAfterHverdage; {
		third = third.AddDays(1)
		if IsHverdag(third) {
			n++
		}
	}
	earliest := third.AddDays(1)
	for !IsHverdag(earliest) {
		earliest = earliest.AddDays(1)
	}
	from := "forfaldsdagen " + long(due)
	if last.Date != due {
		from = fmt.Sprintf("sidste rettidige betalingsdag %s (forfaldsdagen %s er %s)", long(last.Date), long(due), notPaymentDay(due))
	}
	return Dated{earliest, fmt.Sprintf("tidligst %s: %d. hverdag efter %s er %s%s%s",
		long(earliest), DemandAfterHverdage, from, long(third), named(last.Date, earliest), caution(due, earliest))}
}

// Method is how a påkrav was sent.
type Method string

// The ways of sending a påkrav.
const (
	DigitalPost Method = "digital_post"
	Quickbrev   Method = "quickbrev"
	Letter      Method = "letter"
)

// Methods lists the ways of sending, in the order forms offer them.
var Methods = []Method{DigitalPost, Quickbrev, Letter}

// MethodTitles are the ways' Danish names, for forms.
var MethodTitles = map[Method]string{DigitalPost: "Digital Post", Quickbrev: "Quickbrev", Letter: "Almindeligt brev"}

// sentBy is how a reason says the way of sending.
var sentBy = map[Method]string{DigitalPost: "med Digital Post", Quickbrev: "som Quickbrev", Letter: "som almindeligt brev"}

// assumedDays is the plan's receipt assumption for m, in delivery days
// after sending.
func assumedDays(m Method, rules plan.DemandReceipt) int {
	switch m {
	case DigitalPost:
		return rules.DigitalPost
	case Quickbrev:
		return rules.Quickbrev
	}
	return rules.Letter
}

// Receipt is the day the påkrav sent on sent by m reached the tenant: the
// recorded receipt when there is one (a delivery receipt), else the
// plan's safe assumption for the method, counted in delivery days. An
// unknown method counts as the slowest, a letter.
func Receipt(sent plan.Date, m Method, received plan.Date, rules plan.DemandReceipt) Dated {
	how, ok := sentBy[m]
	if !ok {
		m, how = Letter, "på ukendt måde (regnet som almindeligt brev)"
	}
	if !received.IsZero() {
		return Dated{received, fmt.Sprintf("påkravet er sendt %s %s og modtaget %s (registreret modtagelse)", how, long(sent), long(received))}
	}
	n := assumedDays(m, rules)
	d := sent
	for i := 0; i < n; {
		d = d.AddDays(1)
		if IsPaymentDay(d) {
			i++
		}
	}
	const assumed = "planens antagelse, da ingen modtagelse er registreret"
	switch n {
	case 0:
		return Dated{d, fmt.Sprintf("påkravet er sendt %s %s og regnes for modtaget samme dag (%s)", how, long(sent), assumed)}
	case 1:
		return Dated{d, fmt.Sprintf("påkravet er sendt %s %s og regnes for modtaget den følgende omdelingsdag, %s (%s; der omdeles ikke post om lørdagen)%s",
			how, long(sent), long(d), assumed, caution(sent.AddDays(1), d))}
	}
	return Dated{d, fmt.Sprintf("påkravet er sendt %s %s og regnes for modtaget %d. omdelingsdag efter afsendelsen, %s (%s; der omdeles ikke post om lørdagen)%s",
		how, long(sent), n, long(d), assumed, caution(sent.AddDays(1), d))}
}

// Deadline is the tenant's last day to pay after receiving the påkrav on
// received: 14 full days later, moved to the next payment day when that
// is a Saturday, a Sunday, a helligdag or Grundlovsdag.
func Deadline(received plan.Date) Dated {
	end := received.AddDays(DeadlineDays)
	d := end
	for !IsPaymentDay(d) {
		d = d.AddDays(1)
	}
	reason := fmt.Sprintf("betalingsfristen udløber %s: %d hele dage efter modtagelsen %s", long(d), DeadlineDays, long(received))
	if d != end {
		reason += fmt.Sprintf("; %s er %s, så fristen flyttes til den følgende hverdag, der ikke er en lørdag", long(end), notPaymentDay(end)) + caution(end, d)
	}
	return Dated{d, reason}
}

// TerminationEarliest is the first date an ophævelse may carry: the day
// after the deadline.
func TerminationEarliest(deadline plan.Date) Dated {
	d := deadline.AddDays(1)
	return Dated{d, fmt.Sprintf("tidligst %s: dagen efter betalingsfristens udløb %s", long(d), long(deadline))}
}

// Demand are the dates a påkrav sets running.
type Demand struct {
	Received            Dated `json:"received"`
	Deadline            Dated `json:"deadline"`
	TerminationEarliest Dated `json:"terminationEarliest"`
}

// AfterDemand computes the receipt, the deadline and the first day of an
// ophævelse for a påkrav sent on sent by m (received: the recorded
// receipt, zero when unknown).
func AfterDemand(sent plan.Date, m Method, received plan.Date, rules plan.DemandReceipt) Demand {
	r := Receipt(sent, m, received, rules)
	dl := Deadline(r.Date)
	return Demand{Received: r, Deadline: dl, TerminationEarliest: TerminationEarliest(dl.Date)}
}
