package eviction

import (
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"helhed/plan"
	"helhed/workflows/eviction"
)

// Legal deadlines an open case can be past (label deadline of
// helhed_eviction_cases_past_deadline).
const (
	// DeadlinePayment: the tenant's last day to pay after the påkrav has
	// passed, and the lease is neither terminated nor the case closed:
	// the case waits for the organisation's decision (terminate, or
	// record the payment).
	DeadlinePayment = "paakravsfrist"
	// DeadlineNotice: the § 92 notice to the kommune was given up on
	// (almenlejeloven § 92) and waits for an operator to send it again.
	DeadlineNotice = "underretning"
)

// Deadlines are the deadline label's values, in the order a case meets them.
var Deadlines = []string{DeadlinePayment, DeadlineNotice}

const famPastDeadline = "helhed_eviction_cases_past_deadline"

var (
	descPastDeadline = prometheus.NewDesc(famPastDeadline,
		"Open eviction cases past a legal deadline, in the plan as a whole: paakravsfrist = the payment deadline after the påkrav has passed and the lease is not terminated; underretning = the § 92 notice to the kommune was given up on and waits for an operator. A count below the discretion threshold, or one that would let the escalated cases not past the deadline be worked out as such a count, is left out (helhed_eviction_cases_past_deadline_suppressed is then 1).",
		[]string{"deadline"}, nil)
	descPastDeadlineSuppressed = prometheus.NewDesc(famPastDeadline+"_suppressed",
		"1 where helhed_eviction_cases_past_deadline is left out by the discretion rule (at least one case, fewer than the threshold), else 0.",
		[]string{"deadline"}, nil)
)

// factPastDeadline is the fact of a case that is past deadline from the
// day from on. The day is known when the case is written (the påkrav sets
// its deadline), so the aggregates stay facts of the stored cases and the
// collector compares them with today.
func factPastDeadline(deadline string, from plan.Date) string {
	return "deadline|" + deadline + "|" + from.String()
}

// addDeadlineFacts adds the legal deadlines an open case is, or will be,
// past to its facts.
func addDeadlineFacts(f map[string]int64, v eviction.View) {
	l := v.Legal
	if v.Stage != eviction.StageEscalated || v.Outcome != "" || l == nil {
		return
	}
	if !l.DemandSentOn.IsZero() && !l.Deadline.IsZero() && l.TerminatedOn.IsZero() {
		f[factPastDeadline(DeadlinePayment, l.Deadline.AddDays(1))] = 1
	}
	if !l.KommuneNoticeFailedOn.IsZero() && l.KommuneNotifiedOn.IsZero() {
		f[factPastDeadline(DeadlineNotice, l.KommuneNoticeFailedOn)] = 1
	}
}

// pastDeadline counts the cases past each deadline on today.
func pastDeadline(agg map[string]int64, today plan.Date) map[string]int64 {
	out := map[string]int64{}
	for k, n := range agg {
		rest, ok := strings.CutPrefix(k, "deadline|")
		if !ok {
			continue
		}
		deadline, day, ok := strings.Cut(rest, "|")
		from, err := plan.ParseDate(day)
		if ok && err == nil && !today.Before(from) {
			out[deadline] += n
		}
	}
	return out
}

// collectPastDeadline publishes the cases past each deadline, leaving out
// a count the discretion rule hides and marking it, so the alert
// HelhedEvictionPastDeadline still fires for 1 to 4 cases. The cases
// past a deadline are escalated ones, whose total helhed_eviction_cases
// publishes: a count is also left out where the escalated cases not past
// it would be 1 to 4.
func collectPastDeadline(s *suppressor, agg map[string]int64, today plan.Date) {
	counts := pastDeadline(agg, today)
	var escalated int64
	for k, n := range agg {
		if f := splitFact(k); f[0] == "cases" && len(f) == 3 && f[1] == string(eviction.StageEscalated) {
			escalated += n
		}
	}
	for _, d := range Deadlines {
		hidden := 0.0
		n := counts[d]
		if c := s.rule.Count(float64(n)); c.Suppressed || n > 0 && s.rule.Hide(float64(escalated-n)) {
			s.left[famPastDeadline]++
			hidden = 1
		} else {
			s.ch <- prometheus.MustNewConstMetric(descPastDeadline, prometheus.GaugeValue, float64(n), d)
		}
		s.ch <- prometheus.MustNewConstMetric(descPastDeadlineSuppressed, prometheus.GaugeValue, hidden, d)
	}
}
