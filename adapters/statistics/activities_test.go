package statistics

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"helhed/dst"
	"helhed/plan"
	"helhed/workflows/datarequest"
	"helhed/workflows/statistics"
	"helhed/workflows/statistics/statstest"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func testDST(url string) *dst.Client {
	c := dst.New(url, nil)
	c.Backoff, c.Log = time.Millisecond, quiet()
	return c
}

func prepared(t *testing.T, p *plan.Plan) statistics.PrepareResult {
	t.Helper()
	a := &Activities{Plan: p}
	res, err := a.Prepare(context.Background(), statistics.PrepareInput{Input: statistics.Input{PlanYear: "2024-25"}, Now: time.Date(2025, 8, 15, 6, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestEvaluateFixture(t *testing.T) {
	p := statstest.Randers(t)
	sb := statstest.Statbank()
	defer sb.Close()
	prep := prepared(t, p)
	a := &Activities{Plan: p, DST: testDST(sb.URL)}
	base, err := a.FetchBaselines(context.Background(), prep.Prepared)
	if err != nil {
		t.Fatal(err)
	}
	r := statistics.Evaluate(p, prep.Prepared, base, &datarequest.Result{Status: datarequest.StatusAnswered, OnTime: true, Rows: statstest.KeyFigureRows()})
	statstest.CheckResult(t, r)
}

func TestPrepare(t *testing.T) {
	p := statstest.Randers(t)
	res := prepared(t, p)
	if res.Prepared.DataYear != 2024 || res.Prepared.Due != "2025-09-05" || res.Request.Partner != "monitorering" ||
		res.Request.Table == nil || len(res.Request.Table.Columns) != 4 || res.Prepared.RequestID != "statistics-pull-2024-25/monitorering" {
		t.Fatalf("%+v", res)
	}
	a := &Activities{Plan: p}
	// The schedule's empty plan year is the one that ended last.
	got, err := a.Prepare(context.Background(), statistics.PrepareInput{Now: time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil || got.Prepared.PlanYear != "2023-24" {
		t.Fatalf("%+v %v", got.Prepared, err)
	}
	if _, err := a.Prepare(context.Background(), statistics.PrepareInput{Input: statistics.Input{PlanYear: "2030-31"}, Now: time.Now()}); err == nil {
		t.Fatal("plan year outside the plan accepted")
	}
	if err := statistics.Validate(p, statistics.Input{}); err == nil || !strings.Contains(err.Error(), "planYear") {
		t.Fatalf("validate %v", err)
	}
}

func TestStatbankErrorsRecorded(t *testing.T) {
	p := statstest.Randers(t)
	sb := statstest.Statbank()
	defer sb.Close()
	sb.Fail("INDKP111", 500, "boom")
	sb.Fail("STRAFNA8", 400, `{"errorTypeCode":"REQUEST-LIMIT","message":"for mange celler"}`)
	a := &Activities{Plan: p, DST: testDST(sb.URL)}
	base, err := a.FetchBaselines(context.Background(), prepared(t, p).Prepared)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]statistics.Missing{}
	for _, m := range base.Missing {
		got[m.What] = m
	}
	if m := got["INDKP111"]; m.Code != "HTTP-500" || !strings.Contains(m.Reason, "fejl 500") || sb.Calls("INDKP111") != 4 {
		t.Errorf("INDKP111 %+v after %d calls", m, sb.Calls("INDKP111"))
	}
	if m := got["STRAFNA8"]; m.Code != dst.CodeRequestLimit || sb.Calls("STRAFNA8") != 1 {
		t.Errorf("STRAFNA8 %+v", m)
	}
	if _, ok := base.Find(statistics.BIncomeRegion, statistics.AreaRegion); ok {
		t.Error("income figure from a failed table")
	}
	r := statistics.Evaluate(p, prepared(t, p).Prepared, base, &datarequest.Result{Status: datarequest.StatusAnswered, Rows: statstest.KeyFigureRows()})
	if c := statstest.FindCriterion(t, r, statistics.CritIncome, "gl-jennumparken"); c.HasValue || c.Met != statistics.VerdictUnknown || !strings.Contains(c.Missing, "fejl 500") {
		t.Errorf("income criterion %+v", c)
	}
	// The area's own share is known; the verdict waits for the national one.
	if c := statstest.FindCriterion(t, r, statistics.CritConvictions, "gl-jennumparken"); c.Met != statistics.VerdictUnknown || c.Value.Value != 2.1 ||
		!strings.Contains(c.Missing, "REQUEST-LIMIT") {
		t.Errorf("convictions criterion %+v", c)
	}
	// Two criteria met is enough whatever the unknown ones are.
	if d := statstest.FindDesignation(t, r, "gl-jennumparken"); d.Udsat != statistics.VerdictYes {
		t.Errorf("Gl. Jennumparken %+v", d)
	}
}

func TestCancelledRequestRecorded(t *testing.T) {
	p := statstest.Randers(t)
	r := statistics.Evaluate(p, prepared(t, p).Prepared, statistics.Baselines{}, &datarequest.Result{Status: datarequest.StatusCancelled, Reason: "enheden er lukket"})
	if r.KeyFigures != datarequest.StatusCancelled || len(r.Issues) != 1 || !strings.Contains(r.Issues[0].Message, "enheden er lukket") {
		t.Fatalf("%+v", r.Issues)
	}
	for _, c := range r.Criteria {
		if c.HasValue || c.Missing == "" {
			t.Fatalf("criterion without data %+v", c)
		}
	}
}
