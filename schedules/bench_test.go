package schedules_test

import (
	"sort"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"helhed/activities"
	absenceadapter "helhed/adapters/absence"
	meetingadapter "helhed/adapters/meeting"
	"helhed/docstore"
	"helhed/internal/cycletest"
	"helhed/plan"
	"helhed/schedules"
	"helhed/workflows/absence"
	"helhed/workflows/datarequest"
	"helhed/workflows/meeting"
)

// fixtureAnswers: members answer 2 per figure after 3 days, the monitoring
// unit 1.5 per area after 2 days, each school a small table after 4 days;
// one member and one school never answer.
func fixtureAnswers(in datarequest.Input) *cycletest.Answer {
	if in.Partner == "kfum" || in.Partner == "vestervangsskolen" {
		return nil
	}
	if in.Table != nil {
		rows := []map[string]string{}
		for i, area := range map[string][]string{
			"noerrevangsskolen": {"gl-jennumparken", "glarbjergvej-omraadet"},
			"oestervangsskolen": {"hermann-stillingsvej-omraadet"},
			"hobrovejens-skole": {"energivej-omraadet"},
		}[in.Partner] {
			for j := 0; j < 6; j++ {
				rows = append(rows, map[string]string{absence.ColPupil: in.Partner[:3] + string(rune('a'+i)) + string(rune('0'+j)),
					absence.ColArea: area, absence.ColSchoolDays: "60", absence.ColAbsent: "6", absence.ColUnlawful: []string{"0", "6", "9"}[j%3]})
			}
		}
		return &cycletest.Answer{After: 96 * time.Hour, Rows: rows}
	}
	vals := map[string]string{}
	for _, f := range in.Fields {
		if f.PerArea {
			for _, a := range in.Areas {
				vals[f.Key+"@"+a] = "1.5"
			}
		} else if f.Type != datarequest.Text {
			vals[f.Key] = "2"
		}
	}
	return &cycletest.Answer{After: 72 * time.Hour, Values: vals}
}

// simulate runs the given occurrences through the Driver in a fresh
// time-skipping environment and returns how many runs completed.
func simulate(b *testing.B, p *plan.Plan, occs []schedules.Occurrence) {
	env := cycletest.NewEnv(occs[0].At.Add(-time.Hour))
	env.SetTestTimeout(30 * time.Minute)
	d := &cycletest.Double{Answer: fixtureAnswers}
	d.Register(env)
	env.RegisterActivity(&activities.Mail{Sender: &cycletest.Recorder{Clock: env.Now}})
	env.RegisterActivity(&activities.Requests{Control: cycletest.EnvControl{Env: env}})
	res := &absenceadapter.ResultsMap{}
	env.SetOnChildWorkflowCompletedListener(func(info *workflow.Info, result converter.EncodedValue, err error) {
		if err != nil || info.WorkflowType.Name != absence.WorkflowName {
			return
		}
		var r absence.Result
		if result.Get(&r) == nil {
			res.Put(info.WorkflowExecution.ID, r)
		}
	})
	dir := b.TempDir()
	env.RegisterWorkflowWithOptions(meeting.Round, workflow.RegisterOptions{Name: meeting.WorkflowName})
	env.RegisterWorkflowWithOptions(absence.FollowUp, workflow.RegisterOptions{Name: absence.WorkflowName})
	env.RegisterActivity(&meetingadapter.Activities{Plan: p, Docs: docstore.Dir(dir), Redis: rdb})
	env.RegisterActivity(&absenceadapter.Activities{Plan: p, Docs: docstore.Dir(dir), Redis: rdb, Results: res})
	cycletest.RegisterDriver(env)
	env.ExecuteWorkflow(cycletest.DriverName, occs)
	var failed []string
	if err := env.GetWorkflowResult(&failed); err != nil || len(failed) > 0 {
		b.Fatalf("simulation: %v %v", err, failed)
	}
	if got := res.Len(); got != countWorkflow(occs, absence.WorkflowName) {
		b.Fatalf("%d absence rounds completed, want %d", got, countWorkflow(occs, absence.WorkflowName))
	}
}

func countWorkflow(occs []schedules.Occurrence, name string) int {
	n := 0
	for _, o := range occs {
		if o.Workflow == name {
			n++
		}
	}
	return n
}

// BenchmarkPlanPeriod simulates the whole Randers 2021-25 plan period of
// both cycles (12 meeting rounds with 25 data requests each, 16 absence
// quarters with 4 each) in the time-skipping environment, and as the
// baseline, in the same run, one absence quarter. It reports the wall
// time of each and their ratio.
func BenchmarkPlanPeriod(b *testing.B) {
	p, err := plan.LoadEmbedded("randers-2021-25")
	if err != nil {
		b.Fatal(err)
	}
	ms, _ := meeting.ScheduleSpecs(p)
	as, _ := absence.ScheduleSpecs(p)
	all := append(append([]schedules.Occurrence(nil), ms[0].Occurrences...), as[0].Occurrences...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].At.Before(all[j].At) })
	quarter := as[0].Occurrences[:1]

	var full, base time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		simulate(b, p, quarter)
		base += time.Since(start)
		start = time.Now()
		simulate(b, p, all)
		full += time.Since(start)
	}
	n := time.Duration(b.N)
	b.ReportMetric((full / n).Seconds(), "s/plan-period")
	b.ReportMetric((base / n).Seconds(), "s/quarter")
	b.ReportMetric(float64(full)/float64(base), "x-quarter")
	b.Logf("plan period 2021-25 (%d runs): %s; one absence quarter: %s; ratio %.1f×", len(all), full/n, base/n, float64(full)/float64(base))
}
