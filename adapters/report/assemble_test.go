package report

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

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
