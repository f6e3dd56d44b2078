package main

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"helhed/internal/promtest"
	"helhed/plan"
	"helhed/workflows/absence"
	"helhed/workflows/meeting"
)

// panelReads evaluates a dashboards/ panel's query on pr until check
// accepts what the panel would show, for up to a minute (Prometheus
// scrapes every second); then it reports what the panel showed.
func panelReads(t *testing.T, pr *promtest.Server, file, title, refID string, check func(byKey map[string]float64) error, key ...string) {
	t.Helper()
	expr := promtest.PanelQuery(t, "../dashboards/"+file, title, refID)
	var last error
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(500 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		s, err := pr.Query(ctx, expr)
		cancel()
		if err == nil {
			byKey := map[string]float64{}
			for _, x := range s {
				var parts []string
				for _, k := range key {
					parts = append(parts, x.Metric[k])
				}
				byKey[strings.Join(parts, "/")] = x.Float()
			}
			if err = check(byKey); err == nil {
				return
			}
			err = fmt.Errorf("%w; the panel shows %s", err, show(byKey))
		}
		last = err
		if time.Now().After(deadline) {
			t.Errorf("%s › %q (%s): %v", file, title, refID, last)
			return
		}
	}
}

func show(m map[string]float64) string {
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s=%v", k, v))
	}
	sort.Strings(out)
	return "{" + strings.Join(out, " ") + "}"
}

// want checks the panel's cells named in w (others may be there).
func want(w map[string]float64) func(map[string]float64) error {
	return func(got map[string]float64) error {
		var bad []string
		for k, v := range w {
			g, ok := got[k]
			if !ok || math.Abs(g-v) > 1e-9 {
				bad = append(bad, fmt.Sprintf("%s: %v, want %v", k, g, v))
			}
		}
		sort.Strings(bad)
		if len(bad) > 0 {
			return fmt.Errorf("%s", strings.Join(bad, "; "))
		}
		return nil
	}
}

// demoDashboards reads the six dashboards as a person would after the
// demo, against a real Prometheus scraping the stack, and checks that
// each says what the demo did (demoYear's stages, partners, round, quarter).
func demoDashboards(t *testing.T, metricsAddr string, p *plan.Plan, round meeting.State, quarter string) {
	pr := promtest.Start(t, metricsAddr)

	// Udsættelser: the funnel shows the demo's 60 cases by stage.
	panelReads(t, pr, "udsaettelser.json", "Sager pr. trin", "A", want(map[string]float64{
		"arrears": 0, "outreach": 20, "counselling": 10, "payment_plan": 10, "resolved": 10, "escalated": 10,
	}), "stage")

	// Partnere: the partner who has not answered the request sent by
	// e-mail is the one overdue partner; the one who answered it after its
	// deadline has one late answer.
	overdue := map[string]float64{}
	for _, pt := range p.Partners {
		overdue[pt.ID] = 0
	}
	late, missing := p.Partners[3].ID, p.Partners[4].ID
	overdue[missing] = 1
	panelReads(t, pr, "partnere.json", "Forfaldne opgaver pr. partner", "A", want(overdue), "partner")
	panelReads(t, pr, "partnere.json", "Pr. partner", "E", want(map[string]float64{late: 1, missing: 0}), "partner")

	// Overblik: one overdue task, and the round's progress report with
	// the share of its requests answered when it went out.
	answered := 0
	for _, r := range round.Requests {
		if r.Status == "answered" {
			answered++
		}
	}
	panelReads(t, pr, "overblik.json", "Forfaldne partneropgaver", "A", want(map[string]float64{"": 1}))
	panelReads(t, pr, "overblik.json", "Fremdriftsrapporter: indkomne data", "A", want(map[string]float64{
		round.Year + "/" + round.Meeting: float64(answered) / float64(len(round.Requests)),
	}), "year", "meeting")

	// Overblik: what is due before the next steering-group meeting ends
	// with that meeting: the demo round's (an extra board meeting, which
	// »Næste møde pr. organ« counts too) or the plan's next.
	next := promtest.PanelQuery(t, "../dashboards/overblik.json", "Næste møde pr. organ", "A")
	loc := p.Location()
	dayOf := func(ms float64) plan.Date { return plan.DateOf(time.UnixMilli(int64(ms)).In(loc)) }
	panelReads(t, pr, "overblik.json", "Før næste styregruppemøde", "A", func(got map[string]float64) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s, err := pr.Query(ctx, next)
		if err != nil {
			return err
		}
		var want plan.Date
		for _, x := range s {
			if x.Metric["body"] == plan.BodySteeringGroup {
				want = dayOf(x.Float())
			}
		}
		if sg := round.Timeline.Steering; sg.After(p.DateOf(time.Now())) && (want.IsZero() || sg.Before(want)) {
			want = sg
		}
		last, lastKind := 0.0, ""
		for k, v := range got {
			if v > last {
				last, lastKind = v, strings.SplitN(k, "/", 2)[0]
			}
		}
		if lastKind != "styregruppe" || dayOf(last) != want {
			return fmt.Errorf("the last row is a %q on %s, want the steering-group meeting on %s", lastKind, dayOf(last), want)
		}
		return nil
	}, "kind", "uid")

	// Fravær: the demo quarter has a figure for every area its schools cover.
	setup, err := absence.BuildSetup(p, absence.Input{Plan: p.ID, Quarter: quarter})
	if err != nil {
		t.Fatal(err)
	}
	panelReads(t, pr, "fravaer.json", "Fravær pr. område og kvartal", "A", func(got map[string]float64) error {
		for _, a := range setup.Areas {
			if _, ok := got[a.ID+"/"+quarter]; !ok {
				return fmt.Errorf("no figure for %s in %s", a.ID, quarter)
			}
		}
		return nil
	}, "area", "quarter")

	// Indikatorer: the plan's own baselines, area by area.
	baselines := map[string]float64{}
	for _, ind := range p.Indicators {
		for _, b := range ind.Baselines {
			if b.Scope != "" {
				continue
			}
			area := b.Area
			if area == "" {
				area = "alle"
			}
			baselines[ind.ID+"/"+area] = b.Value
		}
	}
	panelReads(t, pr, "indikatorer.json", "Indikatorer: værdi, baseline, mål og kommune", "B", want(baselines), "indicator", "area")

	// Drift: the worker is up, no demo run failed, and the read model
	// agrees with Temporal.
	panelReads(t, pr, "drift.json", "Worker", "A", want(map[string]float64{"": 1}))
	panelReads(t, pr, "drift.json", "Workflow-kørsler pr. type og status", "A", func(got map[string]float64) error {
		for k, v := range got {
			if !strings.HasSuffix(k, "/running") && v != 0 {
				return fmt.Errorf("%s: %v", k, v)
			}
		}
		return nil
	}, "kind", "status")
	panelReads(t, pr, "drift.json", "Læsemodel: afvigelser pr. type", "A", func(got map[string]float64) error {
		for k, v := range got {
			if v != 0 {
				return fmt.Errorf("%s: %v differences", k, v)
			}
		}
		if len(got) == 0 {
			return fmt.Errorf("no kinds")
		}
		return nil
	}, "kind")
}
