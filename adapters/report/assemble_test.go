package report

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	statisticsadapter "helhed/adapters/statistics"
	"helhed/dst"
	"helhed/suppress"
	"helhed/workflows/datarequest"
	"helhed/workflows/statistics"
	"helhed/workflows/statistics/statstest"
)

var rdb *redis.Client

func TestMain(m *testing.M) { os.Exit(statstest.RunWithRedis(m, &rdb)) }

func TestReportSaysStatisticsMissing(t *testing.T) {
	p := statstest.Randers(t)
	rdb.FlushDB(context.Background())
	r, err := Assemble(context.Background(), p, rdb, "2023-24", 1, time.Date(2024, 10, 1, 8, 0, 0, 0, time.UTC), nil)
	if err != nil {
		t.Fatal(err)
	}
	html, err := RenderHTML(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"årets statistikudtræk (statistics-pull) for 2023-24 er ikke gennemført",
		"fremdriftsrapporteringen fra mødeforløbene", "udsættelsessagerne"} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
	if _, err := Assemble(context.Background(), p, rdb, "2031-32", 1, time.Now(), nil); err == nil {
		t.Error("unknown plan year assembled")
	}
}

// TestReportShowsEarlyWarning renders the fixture pull (statstest's
// EXPECTED) with last year's pull in the read model: the § 61 a verdicts
// per area, what stands in for the statute's populations, and the trend.
func TestReportShowsEarlyWarning(t *testing.T) {
	ctx := context.Background()
	p := statstest.Randers(t)
	rdb.FlushDB(ctx)
	sb := statstest.Statbank()
	defer sb.Close()
	c := dst.New(sb.URL, nil)
	c.Backoff, c.Log = time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil))
	sa := &statisticsadapter.Activities{Plan: p, DST: c, Redis: rdb}
	last := statistics.Result{PlanYear: "2023-24", DataYear: 2023, Criteria: []statistics.CriterionValue{{Criterion: statistics.CritConvictions,
		Area: "hermann-stillingsvej-omraadet", Value: suppress.Cell{Value: 2.5}, HasValue: true, Threshold: 3, Margin: 0.5, Met: statistics.VerdictNo}}}
	if err := sa.Publish(ctx, last); err != nil {
		t.Fatal(err)
	}
	prep, err := sa.Prepare(ctx, statistics.PrepareInput{Input: statistics.Input{PlanYear: "2024-25"}, Now: time.Date(2025, 8, 15, 6, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	base, err := sa.FetchBaselines(ctx, prep.Prepared)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sa.Evaluate(ctx, statistics.EvaluateInput{Prepared: prep.Prepared, Baselines: base, Now: time.Date(2025, 9, 1, 8, 0, 0, 0, time.UTC),
		Answer: &datarequest.Result{Status: datarequest.StatusAnswered, OnTime: true, Rows: statstest.KeyFigureRows()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := sa.Publish(ctx, res); err != nil {
		t.Fatal(err)
	}
	r, err := Assemble(ctx, p, rdb, "2024-25", 1, time.Date(2025, 10, 1, 8, 0, 0, 0, time.UTC), nil)
	if err != nil {
		t.Fatal(err)
	}
	html, err := RenderHTML(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"<h3>På listen 1. december 2025, hvis den blev offentliggjort i dag</h3>",
		"<tr><td>Gl. Jennumparken</td><td>1.400 (monitoreringsenhedens nøgletal 2024)</td><td>2 af 4</td>\n<td><span class=\"crossed\">ja</span></td><td>nej</td>",
		"2 af 4 kriterier er opfyldt: uden for arbejde og uddannelse 43,2 % &gt; 40,0 %; alene grundskole 64,0 % &gt; 60,0 %.",
		"<tr><td>Hermann Stillingsvej-området</td><td>1.010 (monitoreringsenhedens nøgletal 2024)</td><td>0 af 4 (2 ukendt)</td>\n<td>ukendt (mangler: uden for arbejde og uddannelse: kræver tal for både 2023 og 2024;",
		"<tr><td>Vangdalen</td><td>880 (planen (2020))</td><td>0 af 4 (4 ukendt)</td>\n<td>nej</td><td>nej</td>",
		// Convictions: the threshold from the national share, its stand-in,
		// and Hermann Stillingsvej-området 0.2 points from it, worse than
		// last year.
		"<td>Hermann Stillingsvej-området</td><td>2,8 %</td>\n<td>3,0 %</td><td>&#43;0,2 procentpoint</td><td>nej</td>\n<td class=\"note\">dårligere (2023-24: 2,5 %, afstand &#43;0,5)</td>",
		"mod 3 × landsgennemsnittet 1,00 % = 3,00 % (Danmarks Statistik STRAFNA8, STRAF40 og FOLK1A; 2023: 0,90 %, 2024: 1,10 %)",
		"minus alle afgørelser for 15-17-årige (STRAF40)",
		// Income against the region's 25-64-year-olds.
		"<td>Gl. Jennumparken</td><td>57,1 %</td>\n<td>55,0 %</td><td>&#43;2,1 procentpoint</td><td>nej</td>",
		"personer 25-64 år med indkomst (INDKP111)",
		// Suppressed: no verdict.
		"<td>Hermann Stillingsvej-området</td><td>diskretioneret<br><span class=\"missing\">diskretioneret (for få personer)</span></td>\n<td>60,0 %</td><td></td><td>ukendt</td>",
		"Andel dømte efter straffeloven, 18 år og derover (§ 61 a, nr. 2)",
		// The persons aged 30-59 with only primary school: 623 in all, 320
		// in Gl. Jennumparken; the 3 in Hermann Stillingsvej-området are
		// hidden, and so are Glarbjergvej's 300, else 623 − 320 − 300 = 3.
		"<td>Alle områder</td>\n<td>623</td>\n<td>939</td>",
		"<td>Gl. Jennumparken</td>\n<td>320</td>\n<td>348</td>",
		"<td>Glarbjergvej-området</td>\n<td>..</td>\n<td>348</td>",
		"<td>Hermann Stillingsvej-området</td>\n<td>..</td>\n<td>243</td>",
	} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
	if bytes.Contains(html, []byte("<td>300</td>")) {
		t.Error("report shows Glarbjergvej-området's 300, which gives Hermann Stillingsvej-området's 3 away")
	}
}
