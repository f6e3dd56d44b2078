package dst

import (
	"context"
	"os"
	"testing"
	"time"
)

// TestLiveStatbank calls the real API; it runs only with DST_LIVE=1 (the
// development machines cannot reach it).
func TestLiveStatbank(t *testing.T) {
	if os.Getenv("DST_LIVE") != "1" {
		t.Skip("set DST_LIVE=1 to call api.statbank.dk")
	}
	c := New(os.Getenv("STATBANK_URL"), nil)
	c.Timeout = 30 * time.Second
	ctx := context.Background()
	info, err := c.TableInfo(ctx, "FOLK1A", "da")
	if err != nil {
		t.Fatal(err)
	}
	area, ok := info.Variable("OMRÅDE")
	if !ok || !area.Has("730") || !area.Has("000") {
		t.Fatalf("FOLK1A OMRÅDE lacks 730/000: %+v", area)
	}
	tid, _ := info.Variable("Tid")
	latest := tid.Values[len(tid.Values)-1].ID
	var rows int
	err = c.Data(ctx, DataRequest{Table: "FOLK1A", Format: FormatBulk, Lang: "da", ValuePresentation: "Code",
		Variables: []Variable{{"OMRÅDE", []string{"000", "730"}}, {"KØN", []string{"TOT"}}, {"ALDER", []string{"IALT"}},
			{"CIVILSTAND", []string{"TOT"}}, {"Tid", []string{latest}}}}, nil,
		func(r *Row) error {
			rows++
			if r.Suppressed || r.Value < 90000 {
				t.Errorf("FOLK1A %v = %v", r.Keys, r.Value)
			}
			return nil
		})
	if err != nil || rows != 2 {
		t.Fatalf("rows %d err %v", rows, err)
	}
	_, err = c.TableInfo(ctx, "FOLK9X", "da")
	if Kind(err) != CodeNotFound {
		t.Fatalf("unknown table: %v", err)
	}
}
