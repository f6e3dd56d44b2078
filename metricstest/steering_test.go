package metricstest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"sort"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"helhed/internal/icstest"
)

// TestDueBeforeSteeringGroupPanelIsTheCalendarsEntries: the Overblik
// panel "Før næste styregruppemøde" lists exactly the entries of the
// plan calendar's feed (the fixture's extra meeting round included) that
// are not over and start no later than the next steering-group meeting,
// at the feed's times, ending with that meeting; team meetings and
// eviction deadlines are left to the calendar page.
func TestDueBeforeSteeringGroupPanelIsTheCalendarsEntries(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	loc := stack.Plan.Location()
	code, raw, err := operatorCall(ctx, http.MethodPost, "/api/v1/calendar/subscribers/metricstest/token", "", nil)
	var token struct{ URL string }
	if err != nil || code != http.StatusOK || json.Unmarshal(raw, &token) != nil {
		t.Fatalf("feed address: %d %s %v", code, raw, err)
	}
	feedPath := "/calendar/" + path.Base(token.URL)
	expr := panelExpr(t, "overblik.json", "Før næste styregruppemøde", "A")

	var last error
	if !waitFor(ctx, func() bool {
		want, err := dueFromFeed(ctx, feedPath, loc, time.Now())
		if err != nil {
			last = err
			return false
		}
		rows, err := pr.query(ctx, expr)
		if err != nil {
			last = err
			return false
		}
		got := map[string]time.Time{}
		latest, latestKind := time.Time{}, ""
		for _, r := range rows {
			start := time.UnixMilli(int64(r.value()))
			got[r.Metric["uid"]] = start
			if r.Metric["summary"] == "" {
				last = fmt.Errorf("row without a title: %v", r.Metric)
				return false
			}
			if start.After(latest) {
				latest, latestKind = start, r.Metric["kind"]
			}
		}
		if len(got) == 0 || latestKind != "styregruppe" {
			last = fmt.Errorf("the panel's last row is a %q, not the steering-group meeting: %v", latestKind, rows)
			return false
		}
		if fmt.Sprint(sortedTimes(got)) != fmt.Sprint(sortedTimes(want)) {
			last = fmt.Errorf("panel rows\n  %v\nfeed entries up to the next steering-group meeting\n  %v", sortedTimes(got), sortedTimes(want))
			return false
		}
		return true
	}) {
		t.Fatal(last)
	}
}

// dueFromFeed reads the feed and returns, by UID, the start of every entry
// the panel should list at now.
func dueFromFeed(ctx context.Context, feedPath string, loc *time.Location, now time.Time) (map[string]time.Time, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+stack.HTTPAddr()+feedPath, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("feed: %d %s", resp.StatusCode, body)
	}
	cal, err := icstest.ValidateFeed(resp.Header.Get("Content-Type"), body)
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	type entry struct {
		kind       string
		start, end time.Time
	}
	entries := map[string]entry{}
	var steering time.Time
	for _, ev := range cal.Events() {
		start, err := eventTime(ev, ics.ComponentPropertyDtStart, loc)
		if err != nil {
			return nil, err
		}
		end, err := eventTime(ev, ics.ComponentPropertyDtEnd, loc)
		if err != nil {
			return nil, err
		}
		kind := ev.GetProperty(ics.ComponentPropertyCategories).Value
		entries[ev.Id()] = entry{kind, start, end}
		if kind == "styregruppe" && start.After(now) && (steering.IsZero() || start.Before(steering)) {
			steering = start
		}
	}
	if steering.IsZero() {
		return nil, fmt.Errorf("no steering-group meeting ahead in the feed")
	}
	want := map[string]time.Time{}
	for uid, e := range entries {
		if e.kind != "teammoede" && e.kind != "udsaettelse" && e.end.After(now) && !e.start.After(steering) {
			want[uid] = e.start
		}
	}
	return want, nil
}

// eventTime reads DTSTART or DTEND: a date (an all-day entry) is midnight
// in the plan's zone.
func eventTime(ev *ics.VEvent, p ics.ComponentProperty, loc *time.Location) (time.Time, error) {
	prop := ev.GetProperty(p)
	if prop == nil {
		return time.Time{}, fmt.Errorf("%s has no %s", ev.Id(), p)
	}
	if len(prop.Value) == len("20060102") {
		return time.ParseInLocation("20060102", prop.Value, loc)
	}
	if p == ics.ComponentPropertyDtEnd {
		return ev.GetEndAt()
	}
	return ev.GetStartAt()
}

// sortedTimes lists "<start> <uid>" by start and UID.
func sortedTimes(m map[string]time.Time) []string {
	var out []string
	for uid, at := range m {
		out = append(out, at.UTC().Format(time.RFC3339)+" "+uid)
	}
	sort.Strings(out)
	return out
}
