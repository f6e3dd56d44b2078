package eviction

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"helhed/fielderr"
	"helhed/internal/promtest"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"helhed/arrears"
	"helhed/plan"
	"helhed/pseudonym"
)

func testView(id string, seq int, stage Stage, area string) View {
	return View{CaseID: id, Tenancy: "t-" + id, Stage: stage, Area: area, Seq: seq,
		Opened: time.Date(2026, 2, 2, 9, 0, 0, 0, zone), FirstList: plan.NewDate(2026, 2, 2),
		Transitions: []Transition{{To: StageArrears}, {From: StageArrears, To: StageOutreach}}}
}

// TestPutIsIdempotentAndOrdered: a repeated or older write changes
// nothing; a newer one moves the case's counts; counters that reach 0
// disappear.
func TestPutIsIdempotentAndOrdered(t *testing.T) {
	r := unitRedis(t)
	p := examplePlan(t)
	m := &ReadModel{R: r}
	ctx := context.Background()
	put := func(v View) bool {
		t.Helper()
		ok, err := m.Put(ctx, v, Facts(v, p))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	v1 := testView("a", 2, StageOutreach, "vangdalen")
	if !put(v1) || put(v1) {
		t.Fatal("first write refused or repeat applied")
	}
	v2 := v1
	v2.Seq, v2.Stage = 3, StageCounselling
	v2.Transitions = append(v2.Transitions, Transition{From: StageOutreach, To: StageCounselling})
	v2.FirstContact, v2.CounsellingStarted = plan.NewDate(2026, 2, 4), plan.NewDate(2026, 2, 4)
	if !put(v2) || put(v1) {
		t.Fatal("newer write refused or older applied")
	}
	agg, err := m.Aggregates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"cases|counselling|vangdalen": 1, "trans|new|arrears": 1, "trans|arrears|outreach": 1,
		"trans|outreach|counselling": 1, "courses|2025-26": 1, factContactCount: 1, factContactSum: 2 * daySeconds}
	for _, b := range contactBuckets {
		if b >= 2*daySeconds {
			want[factContactLE+fmt.Sprint(b)] = 1
		}
	}
	if fmt.Sprint(agg) != fmt.Sprint(want) {
		t.Fatalf("aggregates\n got %v\nwant %v", agg, want)
	}
	list, err := m.List(ctx, Filter{Stage: StageCounselling})
	if err != nil || len(list) != 1 || list[0].Seq != 3 {
		t.Fatalf("list %v %+v", err, list)
	}
	if list, _ := m.List(ctx, Filter{Area: "gl-jennumparken"}); len(list) != 0 {
		t.Fatalf("area filter: %+v", list)
	}
}

// TestCollectorSuppresses publishes counts of 0 and of 5 or more, leaves
// out 1–4 and counts what it left out.
func TestCollectorSuppresses(t *testing.T) {
	r := unitRedis(t)
	p := examplePlan(t)
	m := &ReadModel{R: r}
	ctx := context.Background()
	for i := range 6 {
		v := testView(fmt.Sprintf("v%d", i), 1, StageOutreach, "vangdalen")
		v.FirstContact = plan.NewDate(2026, 2, 3)
		m.Put(ctx, v, Facts(v, p))
	}
	for i := range 2 {
		v := testView(fmt.Sprintf("g%d", i), 1, StageEscalated, "gl-jennumparken")
		v.Legal = &Legal{CourtRequestedOn: plan.NewDate(2026, 3, 1)}
		v.Outcome, v.Closed = OutcomeEvicted, plan.NewDate(2026, 3, 20)
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
	// 6 stages × 5 areas, less the escalated/gl-jennumparken cell of 2.
	if cases != 29 {
		t.Errorf("%d helhed_eviction_cases series, want 29", cases)
	}
	for series, want := range map[string]float64{
		`helhed_eviction_cases{area="vangdalen",stage="outreach"}`:                         6,
		`helhed_eviction_cases{area="vangdalen",stage="resolved"}`:                         0,
		`helhed_eviction_suppressed_cells{metric="helhed_eviction_cases"}`:                 1,
		`helhed_eviction_suppressed_cells{metric="helhed_evictions"}`:                      2,
		`helhed_eviction_suppressed_cells{metric="helhed_eviction_transitions_total"}`:     0,
		`helhed_eviction_suppressed_cells{metric="helhed_eviction_first_contact_seconds"}`: 0,
		`helhed_eviction_transitions_total{from="new",to="arrears"}`:                       8,
		`helhed_eviction_transitions_total{from="arrears",to="outreach"}`:                  8,
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

// TestRunKind checks the operator kind's validation, normalisation and
// workflow ID, which must match the importer's for the same tenancy.
func TestRunKind(t *testing.T) {
	p := examplePlan(t)
	h := pseudonym.New(make([]byte, 32))
	prev := kindState.Load() // the running app's, which the integration tests need back
	kindState.Store(&kindDeps{hasher: h, plan: p})
	defer kindState.Store(prev)
	k := RunKind()
	in := &CaseInput{Organisation: "Møllevænget og Storgården", Department: "027", TenancyNumber: " 27-101-1 ",
		Contact: Contact{Name: "A", Address: "B"}, Arrears: arrears.Kroner(10), DueDate: plan.NewDate(2026, 1, 1)}
	if err := k.Validate(p, in); err != nil {
		t.Fatal(err)
	}
	if in.Organisation != "ms" || in.TenancyNumber != "27-101-1" {
		t.Fatalf("not normalised: %+v", in)
	}
	if got, want := k.WorkflowID(in), WorkflowID(arrears.TenancyID(h, "ms", "27-101-1")); got != want || !strings.HasPrefix(got, "eviction-case/") {
		t.Fatalf("workflow id %s, want %s", got, want)
	}
	// WorkflowID resolves the organisation itself, validated or not.
	raw := &CaseInput{Organisation: "MS", TenancyNumber: "27-101-1"}
	if k.WorkflowID(raw) != k.WorkflowID(in) {
		t.Fatal("an alias gives another workflow ID")
	}
	for _, c := range []struct {
		in         CaseInput
		field, msg string
	}{
		{CaseInput{Organisation: "ms", Department: "27", TenancyNumber: "0101901234", Contact: Contact{Name: "A", Address: "B"}, Arrears: 1, DueDate: plan.NewDate(2026, 1, 1)}, "tenancyNumber", "ligner et CPR-nummer; CPR-numre må ikke indtastes"},
		{CaseInput{Organisation: "ms", Department: "27", TenancyNumber: "1", Contact: Contact{Name: "A", Address: "B", Phone: "010190 1234"}, Arrears: 1, DueDate: plan.NewDate(2026, 1, 1)}, "contact.phone", "ligner et CPR-nummer"},
		{CaseInput{Organisation: "nope", Department: "27", TenancyNumber: "1", Contact: Contact{Name: "A", Address: "B"}, Arrears: 1, DueDate: plan.NewDate(2026, 1, 1)}, "organisation", `organisation "nope" er ikke en boligorganisation i planen (kendte: `},
		{CaseInput{Organisation: "ms", Department: "99", TenancyNumber: "1", Contact: Contact{Name: "A", Address: "B"}, Arrears: 1, DueDate: plan.NewDate(2026, 1, 1)}, "department", `department "99" hos Møllevænget & Storgården ligger ikke i nogen af planens boligområder`},
		{CaseInput{Organisation: "ms", Department: "27", TenancyNumber: "1", Contact: Contact{Name: "A", Address: ""}, Arrears: 1, DueDate: plan.NewDate(2026, 1, 1)}, "contact.address", "contact.address er ikke udfyldt"},
		{CaseInput{Organisation: "ms", Department: "27", TenancyNumber: "1", Contact: Contact{Name: "A", Address: "B", Phone: "ring"}, Arrears: 1, DueDate: plan.NewDate(2026, 1, 1)}, "contact.phone", "contact.phone er ikke et telefonnummer"},
		{CaseInput{Organisation: "ms", Department: "27", TenancyNumber: "1", Contact: Contact{Name: "A", Address: "B"}, Arrears: -5, DueDate: plan.NewDate(2026, 1, 1)}, "arrears", "arrears skal være større end 0 kr. (fik -0,05 kr.)"},
		{CaseInput{Organisation: "ms", Department: "27", TenancyNumber: "1", Contact: Contact{Name: "A", Address: "B"}, Arrears: 1}, "dueDate", "dueDate er ikke udfyldt"},
		{CaseInput{Organisation: "ms", Department: "27", TenancyNumber: "1", Contact: Contact{Name: "A", Address: "B"}, Arrears: 1, DueDate: plan.NewDate(2099, 1, 1)}, "dueDate", "dueDate 2099-01-01 ligger i fremtiden"},
		{CaseInput{Organisation: "ms", Department: "27", TenancyNumber: "1", Contact: Contact{Name: "A", Address: "B"}, Arrears: 1, DueDate: plan.NewDate(2026, 1, 1), Reminders: -1}, "reminders", "reminders skal være 0 eller mere"},
	} {
		err := k.Validate(p, &c.in)
		fe, ok := err.(*fielderr.Error)
		if !ok || fe.Field != c.field || !strings.Contains(fe.Message, c.msg) || strings.Contains(fe.Message, "0101901234") || strings.Contains(fe.Message, "010190") {
			t.Errorf("%s: %v, want %q", c.field, err, c.msg)
		}
	}
	if ex := Example(p).(*CaseInput); k.Validate(p, ex) != nil {
		t.Fatalf("the example does not validate: %v", k.Validate(p, ex))
	}
}
