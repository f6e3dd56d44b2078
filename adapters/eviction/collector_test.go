package eviction

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"helhed/internal/promtest"
	"helhed/plan"
	"helhed/workflows/eviction"
)

// TestCollectorSuppresses publishes counts of 0 and of 5 or more, leaves
// out 1–4, and also the counts that would give a 1–4 away by subtraction,
// and counts what it left out.
func TestCollectorSuppresses(t *testing.T) {
	r := unitRedis(t)
	p := examplePlan(t)
	m := &ReadModel{R: r}
	ctx := context.Background()
	for i := range 6 {
		v := testView(fmt.Sprintf("v%d", i), 1, eviction.StageOutreach, "vangdalen")
		v.FirstContact = plan.NewDate(2026, 2, 3)
		m.Put(ctx, v, Facts(v, p))
	}
	for i := range 2 {
		v := testView(fmt.Sprintf("g%d", i), 1, eviction.StageEscalated, "gl-jennumparken")
		v.Transitions = append(v.Transitions, eviction.Transition{From: eviction.StageOutreach, To: eviction.StageEscalated})
		v.Legal = &eviction.Legal{CourtRequestedOn: plan.NewDate(2026, 3, 1)}
		v.Outcome, v.Closed = eviction.OutcomeEvicted, plan.NewDate(2026, 3, 20)
		m.Put(ctx, v, Facts(v, p))
	}
	for i := range 7 {
		v := testView(fmt.Sprintf("c%d", i), 1, eviction.StageCounselling, "energivej-omraadet")
		v.Transitions = append(v.Transitions, eviction.Transition{From: eviction.StageOutreach, To: eviction.StageCounselling})
		m.Put(ctx, v, Facts(v, p))
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(&Collector{Plan: p, Model: m, Log: slog.Default()})
	got := promtest.Samples(t, reg)
	cases := 0
	for k := range got {
		if strings.HasPrefix(k, "helhed_eviction_cases{") {
			cases++
		}
	}
	// 6 stages × (5 areas + the stage total), less the escalated cell and
	// total of 2 and the outreach cell and total of 6: the 15 cases opened
	// (from "new") less the 7 and the 6 would give the 2 away.
	if cases != 32 {
		t.Errorf("%d helhed_eviction_cases series, want 32", cases)
	}
	for series, want := range map[string]float64{
		`helhed_eviction_cases{area="energivej-omraadet",stage="counselling"}`:             7,
		`helhed_eviction_cases{area="vangdalen",stage="resolved"}`:                         0,
		`helhed_eviction_cases{area="alle",stage="counselling"}`:                           7,
		`helhed_eviction_cases{area="alle",stage="arrears"}`:                               0,
		`helhed_eviction_suppressed_cells{metric="helhed_eviction_cases"}`:                 4,
		`helhed_eviction_suppressed_cells{metric="helhed_evictions"}`:                      2,
		`helhed_eviction_suppressed_cells{metric="helhed_eviction_transitions_total"}`:     1,
		`helhed_eviction_suppressed_cells{metric="helhed_eviction_first_contact_seconds"}`: 0,
		`helhed_eviction_transitions_total{from="new",to="arrears"}`:                       15,
		`helhed_eviction_transitions_total{from="arrears",to="outreach"}`:                  15,
		`helhed_eviction_transitions_total{from="outreach",to="counselling"}`:              7,
		`helhed_evictions{area="vangdalen",kind="total",year="2025-26"}`:                   0,
		`helhed_evictions_baseline{area="glarbjergvej-omraadet",kind="total"}`:             14,
		`helhed_eviction_counselling_courses{year="2025-26"}`:                              0,
		`helhed_eviction_counselling_courses_target{year="2025-26"}`:                       180,
		`helhed_eviction_first_contact_seconds_count`:                                      6,
		`helhed_eviction_first_contact_seconds_sum`:                                        6 * daySeconds,
		`helhed_eviction_first_contact_seconds_bucket{le="86400"}`:                         6,
		`helhed_eviction_read_model_up`:                                                    1,
	} {
		if v, ok := got[series]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", series, v, ok, want)
		}
	}
	for _, absent := range []string{`helhed_eviction_cases{area="gl-jennumparken",stage="escalated"}`,
		`helhed_eviction_cases{area="vangdalen",stage="outreach"}`, `helhed_eviction_transitions_total{from="outreach",to="escalated"}`,
		`helhed_eviction_cases{area="alle",stage="escalated"}`, `helhed_eviction_cases{area="alle",stage="outreach"}`,
		`helhed_evictions{area="gl-jennumparken",kind="total",year="2025-26"}`,
		`helhed_evictions{area="gl-jennumparken",kind="effective",year="2025-26"}`} {
		if _, ok := got[absent]; ok {
			t.Errorf("suppressed %s published", absent)
		}
	}

	// Without Redis the collector says so and publishes no false zeros.
	down := &ReadModel{R: redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})}
	reg2 := prometheus.NewRegistry()
	reg2.MustRegister(&Collector{Plan: p, Model: down, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	got = promtest.Samples(t, reg2)
	if got["helhed_eviction_read_model_up"] != 0 || got[`helhed_eviction_cases{area="vangdalen",stage="outreach"}`] != 0 {
		t.Errorf("redis down: %v", got)
	}
	for k := range got {
		if strings.HasPrefix(k, "helhed_eviction_cases") {
			t.Errorf("redis down, yet %s", k)
		}
	}
}
