package metricstest

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// series is one scraped helhed_* sample, keyed "name{label="v",…}"
// (histograms as their _bucket, _sum and _count samples).
type series map[string]float64

// scrapeHelhed reads the stack's /metrics and keeps the helhed_* families.
func scrapeHelhed(t *testing.T) series {
	t.Helper()
	resp, err := http.Get("http://" + stack.MetricsAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := series{}
	for name, f := range fams {
		if !strings.HasPrefix(name, "helhed_") {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := labelString(m.GetLabel())
			switch {
			case m.GetHistogram() != nil:
				h := m.GetHistogram()
				for _, b := range h.GetBucket() {
					out[fmt.Sprintf("%s_bucket{%s,le=%g}", name, labels, b.GetUpperBound())] = float64(b.GetCumulativeCount())
				}
				out[name+"_sum{"+labels+"}"] = h.GetSampleSum()
				out[name+"_count{"+labels+"}"] = float64(h.GetSampleCount())
			case m.GetCounter() != nil:
				out[name+"{"+labels+"}"] = m.GetCounter().GetValue()
			default:
				out[name+"{"+labels+"}"] = m.GetGauge().GetValue()
			}
		}
	}
	return out
}

func labelString(ls []*dto.LabelPair) string {
	var parts []string
	for _, l := range ls {
		parts = append(parts, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// stableScrape scrapes until two scrapes in a row agree, so the comparison
// starts from a read model no activity is still changing.
func stableScrape(t *testing.T) series {
	t.Helper()
	prev := scrapeHelhed(t)
	for range 100 {
		time.Sleep(300 * time.Millisecond)
		cur := scrapeHelhed(t)
		if len(diff(prev, cur, nil)) == 0 {
			return cur
		}
		prev = cur
	}
	t.Fatalf("metrics never settled:\n%s", strings.Join(diff(prev, scrapeHelhed(t), nil), "\n"))
	return nil
}

// diff lists the samples that differ, skipping those skip says are
// expected to change.
func diff(a, b series, skip func(string) bool) []string {
	var out []string
	for k, v := range a {
		if skip != nil && skip(k) {
			continue
		}
		w, ok := b[k]
		switch {
		case !ok:
			out = append(out, "gone:    "+k)
		case v != w && !(v != v && w != w): // NaN equals NaN here
			out = append(out, fmt.Sprintf("changed: %s %g → %g", k, v, w))
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok && (skip == nil || !skip(k)) {
			out = append(out, "new:     "+k)
		}
	}
	sort.Strings(out)
	return out
}

// untilSame scrapes until the metrics equal want (activity resuming after a
// restart may take a moment) and returns the remaining differences.
func untilSame(t *testing.T, want series, skip func(string) bool) []string {
	t.Helper()
	var d []string
	for range 100 {
		d = diff(want, scrapeHelhed(t), skip)
		if len(d) == 0 {
			return nil
		}
		time.Sleep(300 * time.Millisecond)
	}
	return d
}

// fromRedis counts the samples that come from the Redis read model (every
// helhed_* family except the plan's constants), so a comparison is shown
// to cover more than the plan.
func fromRedis(s series) int {
	n := 0
	for k := range s {
		if !strings.HasPrefix(k, "helhed_plan_") && !strings.HasPrefix(k, "helhed_milestone_target") &&
			!strings.HasPrefix(k, "helhed_area_info") && !strings.HasPrefix(k, "helhed_partner_info") &&
			!strings.HasPrefix(k, "helhed_activity_info") && !strings.HasPrefix(k, "helhed_indicator_info") &&
			!strings.HasPrefix(k, "helhed_indicator_kommune_baseline") && !strings.HasPrefix(k, "helhed_budget_planned_") &&
			!strings.HasPrefix(k, "helhed_budget_tilsagn_") && !strings.HasPrefix(k, "helhed_staff_hours_agreed") &&
			!strings.HasPrefix(k, "helhed_staff_hours_partner_info") && !strings.HasPrefix(k, "helhed_monitored_area_") {
			n++
		}
	}
	return n
}

// TestLiveWritesMatchReconcile reconciles after the fixture activity: a
// kind whose Reconciler rebuilds something other than what its activities
// wrote live shows drift.
func TestLiveWritesMatchReconcile(t *testing.T) {
	rep, err := postReconcile(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, k := range rep.Kinds {
		if !k.Reconciled {
			continue
		}
		n++
		if k.Drift.Total() != 0 || k.Error != "" {
			t.Errorf("kind %s: drift %+v, error %q: the live read model differs from the one rebuilt from Temporal", k.Kind, k.Drift, k.Error)
		}
		t.Logf("kind %s: %d keys, no drift", k.Kind, k.Keys)
	}
	if n == 0 {
		t.Error("no kind has a Reconciler")
	}
}

// TestRestartKeepsMetrics stops the worker process and starts it again on
// the same DATA_DIR and the same redis-server: every helhed_* sample is the
// same before and after.
func TestRestartKeepsMetrics(t *testing.T) {
	before := stableScrape(t)
	if n := fromRedis(before); n < 20 {
		t.Fatalf("only %d read-model samples before the restart: the comparison would prove little", n)
	}
	if err := stack.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A start runs a reconcile (its own bookkeeping changes by design).
	if d := untilSame(t, before, ownBookkeeping); len(d) > 0 {
		t.Errorf("%d samples differ after the restart:\n%s", len(d), strings.Join(d, "\n"))
	}
	t.Logf("%d helhed_* samples (%d from the read model) equal before and after the restart", len(before), fromRedis(before))
}

// TestFlushReconcileRestoresMetrics flushes Redis (the metrics drop to
// what an empty read model gives), runs `starter reconcile` against the
// operator API, and finds every helhed_* sample as before, except the
// reconcile's own bookkeeping.
func TestFlushReconcileRestoresMetrics(t *testing.T) {
	before := stableScrape(t)
	if err := stack.Redis.FlushAll(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	flushed := scrapeHelhed(t)
	// Every family read from Redis that had data must lose it: that is
	// what shows the values come from the read model and not from memory.
	for _, fam := range []string{"helhed_readmodel_reconcile_last_success", "helhed_workflow_runs", "helhed_schedule_",
		"helhed_data_requests_", "helhed_crisis_", "helhed_eviction_cases", "helhed_indicator_value", "helhed_area_criterion_value",
		"helhed_budget_actual_", "helhed_staff_hours_delivered"} {
		had, lost := 0, 0
		for k, v := range before {
			if strings.HasPrefix(k, fam) && v != 0 {
				had++
				if w, ok := flushed[k]; !ok || w != v {
					lost++
				}
			}
		}
		if had > 0 && lost == 0 {
			t.Errorf("flushing Redis changed none of the %d non-zero %s* samples: not read from Redis?", had, fam)
		}
		t.Logf("flush: %s*: %d of %d non-zero samples lost", fam, lost, had)
	}

	out, err := runStarter(t, "reconcile")
	if err != nil {
		t.Fatalf("starter reconcile: %v\n%s", err, out)
	}
	if !strings.Contains(out, "afvigelser rettet:") || !strings.Contains(out, "SLAGS") {
		t.Errorf("starter reconcile printed:\n%s", out)
	}
	t.Logf("starter reconcile:\n%s", out)
	if d := untilSame(t, before, ownBookkeeping); len(d) > 0 {
		owners := map[string]bool{}
		for _, line := range d {
			name := strings.Fields(line)[1]
			owners[ownerOf(name[:strings.IndexAny(name+"{", "{")])] = true
		}
		var os []string
		for o := range owners {
			os = append(os, o)
		}
		sort.Strings(os)
		t.Errorf("%d samples differ after flush + reconcile: their read model has no Reconciler (readmodel.Register) or it does not rebuild what the live writes hold; owners: %s\n%s",
			len(d), strings.Join(os, "; "), strings.Join(d, "\n"))
	}
}

// ownBookkeeping are the samples a reconcile itself changes: its times and
// drift, and the runs and schedule of the reconcile kind. The upcoming
// calendar is left out too: it is derived behind the scrapes (up to 30 s
// old, adapters/calendar), so a settled scrape may show an older calendar
// than the first scrape after a restart; its own tests compare it.
func ownBookkeeping(k string) bool {
	return strings.HasPrefix(k, "helhed_calendar_milestone_") || strings.HasPrefix(k, "helhed_readmodel_reconcile_") || strings.HasPrefix(k, "helhed_readmodel_kind_reconcile_") ||
		strings.HasPrefix(k, "helhed_readmodel_replayed_runs") || strings.HasPrefix(k, "helhed_readmodel_drift") ||
		strings.Contains(k, `kind="readmodel-reconcile"`)
}

// runStarter builds the operators' CLI and runs it against the stack.
func runStarter(t *testing.T, args ...string) (string, error) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "starter")
	build := exec.Command("go", "build", "-o", bin, "../starter")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ../starter: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "HELHED_URL=http://"+stack.HTTPAddr(), "OPERATOR_TOKEN="+operatorToken)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
