package eviction_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"

	"helhed/arrears"
	"helhed/internal/replaytest"
	"helhed/internal/teststack"
	"helhed/mailer"
	"helhed/plan"
	"helhed/workflows/eviction"
	"helhed/workflows/eviction/legal"
)

// historyFile is the workflow package's recorded history, which its
// replay test replays.
const historyFile = "../../workflows/eviction/testdata/eviction-case-history.json"

// The tenancy of the legal-clock test; its contact must appear nowhere in
// plaintext but inside the kommune notice.
const (
	secretName    = "Plaintext Pedersen"
	secretAddress = "Hemmelighedsvej 13, 8930 Randers NØ"
	secretPhone   = "+45 99 88 77 66"
	secretTenancy = "29-777-1"
)

// TestLegalClockOnTheRealStack walks one case through a missed instalment,
// the påkrav (sent as a letter, its receipt assumed from the plan), the
// deadline, termination with the kommune notice, the court request and
// the eviction, with dates in the past so the real clock has run out every
// deadline. It records the replay test's history of the hverdag clock when
// HELHED_RECORD_HISTORY=1.
func TestLegalClockOnTheRealStack(t *testing.T) {
	listDate := plan.NewDate(2026, 9, 1)
	csv := "lejemaalsnr;boligorganisation;afdeling;navn;adresse;telefon;restance;forfaldsdato;rykkere\n" +
		secretTenancy + ";Randers Boligforening af 1940;29;" + secretName + ";" + secretAddress + ";" + secretPhone + ";7.200,00;01-08-2026;3\n"
	if res := importBody(t, []byte(csv), listDate); res.Accepted != 1 {
		t.Fatalf("import %+v", res)
	}
	id := eviction.WorkflowID(arrears.TenancyID(hasher, "rb1940", secretTenancy))
	teststack.Eventually(t, "case opened", func() error {
		if st := state(t, id); st.Stage != eviction.StageOutreach {
			return fmt.Errorf("stage %s", st.Stage)
		}
		return nil
	})
	step := func(name string, arg any) eviction.View {
		t.Helper()
		v, err := update(t, id, name, arg)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, describe(t, id))
		}
		return v
	}
	step(eviction.UpdateOutreach, eviction.OutreachArg{Outcome: eviction.ContactMade, On: plan.NewDate(2026, 9, 3)})
	step(eviction.UpdatePaymentPlan, eviction.PaymentPlanArg{AgreedOn: plan.NewDate(2026, 9, 4), Instalments: []eviction.InstalmentSpec{
		{Due: plan.NewDate(2026, 10, 1), Amount: arrears.Kroner(3600)}, {Due: plan.NewDate(2026, 11, 2), Amount: arrears.Kroner(3600)}}})
	// The first instalment's check day has passed: Thursday 1 October
	// 2026 + Fri 2, Sat 3, Mon 5 gives Tuesday 6 October. Missed.
	teststack.Eventually(t, "escalated by the missed instalment", func() error {
		if st := state(t, id); st.Stage != eviction.StageEscalated || st.Legal.Clock != eviction.ClockHverdage || st.Legal.DemandEarliest != plan.NewDate(2026, 10, 6) {
			return fmt.Errorf("stage %s, legal %+v", st.Stage, st.Legal)
		}
		return nil
	})
	// A letter sent Tuesday 6 October is received on the 5th delivery day,
	// Tuesday 13 October; the deadline is Tuesday 27 October.
	v := step(eviction.UpdateDemand, eviction.DemandArg{On: plan.NewDate(2026, 10, 6), Method: legal.Letter})
	if l := v.Legal; l.DemandReceivedOn != plan.NewDate(2026, 10, 13) || l.Deadline != plan.NewDate(2026, 10, 27) || l.TerminationEarliest != plan.NewDate(2026, 10, 28) ||
		!strings.HasPrefix(l.DeadlineReason, "betalingsfristen udløber tirsdag den 27. oktober 2026: 14 hele dage efter modtagelsen tirsdag den 13. oktober 2026") {
		t.Fatalf("after the påkrav %+v", l)
	}
	teststack.Eventually(t, "deadline passed", func() error {
		if !state(t, id).Legal.DeadlinePassed {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	// The termination is acknowledged first; the § 92 notice is recorded
	// once the mail is sent.
	if term := step(eviction.UpdateTerminate, eviction.DateArg{On: plan.NewDate(2026, 10, 28)}); term.Legal.TerminatedOn != plan.NewDate(2026, 10, 28) {
		t.Fatalf("terminate %+v", term.Legal)
	}
	teststack.Eventually(t, "kommune notified", func() error {
		if l := state(t, id).Legal; l.KommuneNotifiedOn != today() {
			return fmt.Errorf("notice %+v", l)
		}
		return nil
	})
	step(eviction.UpdateCourt, eviction.DateArg{})
	final := step(eviction.UpdateOutcome, eviction.OutcomeArg{Outcome: eviction.OutcomeEvicted})
	if final.Outcome != eviction.OutcomeEvicted || final.Legal.CourtRequestedOn.Before(final.Legal.KommuneNotifiedOn) {
		t.Fatalf("final %+v", final)
	}
	var result eviction.View
	if err := stack.Temporal.GetWorkflow(context.Background(), id, "").Get(context.Background(), &result); err != nil || result.Outcome != eviction.OutcomeEvicted {
		t.Fatalf("result %v %+v", err, result)
	}
	notice, err := os.ReadFile(filepath.Join(stack.Config.DataDir, "outbox", mailer.FileName(eviction.NoticeKey(final.Tenancy, final.CaseID))))
	if err != nil || !strings.Contains(string(notice), "leder@boligsocial-enhed-eksempel.randers.dk") {
		t.Fatalf("kommune notice: %v\n%s", err, notice)
	}

	replaytest.Record(t, stack.Temporal, id, historyFile)
	assertNoPlaintext(t, id, final.CaseID)
}

// assertNoPlaintext looks for the contact in the history read with a
// client that has no codec, in every Redis key and value, in the logs and
// in /metrics.
func assertNoPlaintext(t *testing.T, workflowID, caseID string) {
	t.Helper()
	needles := []string{secretName, "Pedersen", "Hemmelighedsvej", secretPhone, "99 88 77 66", secretTenancy}
	var b64 []string
	for _, n := range needles {
		b64 = append(b64, base64.StdEncoding.EncodeToString([]byte(n)))
	}
	find := func(where, hay string) {
		t.Helper()
		for _, n := range append(append([]string{}, needles...), b64...) {
			if strings.Contains(hay, n) {
				t.Errorf("%s holds %q", where, n)
			}
		}
	}

	raw, err := client.Dial(client.Options{HostPort: stack.TemporalAddr(), Namespace: stack.Config.TemporalNamespace})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	iter := raw.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	events := 0
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		events++
		js, err := protojson.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		// protojson shows payload bytes as base64, the text format as
		// (escaped) bytes: a plaintext payload shows in one or the other.
		where := fmt.Sprintf("history event %d (%s)", ev.GetEventId(), ev.GetEventType())
		find(where, string(js))
		find(where, ev.String())
	}
	if events < 30 {
		t.Fatalf("only %d history events read", events)
	}
	desc, err := raw.DescribeWorkflowExecution(context.Background(), workflowID, "")
	if err != nil {
		t.Fatal(err)
	}
	find("search attributes", desc.GetWorkflowExecutionInfo().GetSearchAttributes().String())
	find("workflow id", workflowID)

	ctx := context.Background()
	scanned := map[string]bool{}
	iterKeys := stack.Redis.Scan(ctx, 0, "*", 1000).Iterator()
	for iterKeys.Next(ctx) {
		key := iterKeys.Val()
		scanned[key] = true
		find("redis key", key)
		find("redis value of "+key, redisDump(t, key))
	}
	if err := iterKeys.Err(); err != nil {
		t.Fatal(err)
	}
	if !scanned["helhed:eviction:case:"+caseID] || !scanned["helhed:eviction:agg"] {
		t.Fatalf("the case's read model was not among the %d keys scanned", len(scanned))
	}
	find("logs", logs.String())
	if !strings.Contains(logs.String(), "arrears list imported") {
		t.Fatal("the log sink saw no import: is it wired?")
	}
	find("/metrics", stack.Scrape(t))
}

// redisDump renders any key's value.
func redisDump(t *testing.T, key string) string {
	t.Helper()
	ctx := context.Background()
	typ, err := stack.Redis.Type(ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	var v any
	switch typ {
	case "string":
		v, err = stack.Redis.Get(ctx, key).Result()
	case "hash":
		v, err = stack.Redis.HGetAll(ctx, key).Result()
	case "set":
		v, err = stack.Redis.SMembers(ctx, key).Result()
	case "zset":
		v, err = stack.Redis.ZRangeWithScores(ctx, key, 0, -1).Result()
	case "list":
		v, err = stack.Redis.LRange(ctx, key, 0, -1).Result()
	case "stream":
		v, err = stack.Redis.XRange(ctx, key, "-", "+").Result()
	case "none":
		return "" // expired between SCAN and TYPE
	default:
		t.Fatalf("redis key %s of type %s not dumped", key, typ)
	}
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(v)
}

// describe summarises a workflow for a failure message: its history's
// event types and pending activities.
func describe(t *testing.T, workflowID string) string {
	t.Helper()
	var sb strings.Builder
	iter := stack.Temporal.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			break
		}
		fmt.Fprintf(&sb, "%d %s\n", ev.GetEventId(), ev.GetEventType())
		if f := ev.GetWorkflowTaskFailedEventAttributes(); f != nil {
			fmt.Fprintf(&sb, "   %s\n", f.GetFailure().GetMessage())
		}
	}
	if d, err := stack.Temporal.DescribeWorkflowExecution(context.Background(), workflowID, ""); err == nil {
		for _, a := range d.GetPendingActivities() {
			fmt.Fprintf(&sb, "pending %s attempt %d: %s\n", a.GetActivityType().GetName(), a.GetAttempt(), a.GetLastFailure().GetMessage())
		}
	}
	return sb.String()
}
