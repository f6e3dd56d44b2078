package calendar_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	calendaradapter "helhed/adapters/calendar"
	"helhed/calendar"
	"helhed/internal/teststack"
)

// TestMetricListsWhatIsDueBeforeTheNextSteeringGroupMeeting: /metrics
// publishes the calendar's entries of the next 30 days as the operator
// page lists them, each once, and marks those up to and including the
// next steering-group meeting.
func TestMetricListsWhatIsDueBeforeTheNextSteeringGroupMeeting(t *testing.T) {
	type entry struct {
		kind, summary string
		start         int64
	}
	teststack.Eventually(t, "the metric agrees with the operator page", func() error {
		code, raw := op(t, "GET", "/api/v1/calendar/due", "")
		var due struct {
			Items []struct {
				Start   time.Time
				AllDay  bool
				Kind    string
				Summary string
			}
		}
		if code != http.StatusOK || json.Unmarshal([]byte(raw), &due) != nil {
			return fmt.Errorf("due list: %d %s", code, raw)
		}
		parser := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := parser.TextToMetricFamilies(strings.NewReader(stack.Scrape(t)))
		if err != nil {
			return err
		}
		fam := fams["helhed_calendar_milestone_timestamp_seconds"]
		if fam == nil {
			return fmt.Errorf("no helhed_calendar_milestone_timestamp_seconds on /metrics")
		}
		var published, before, after []entry
		uids := map[string]bool{}
		for _, m := range fam.GetMetric() {
			l := map[string]string{}
			for _, lp := range m.GetLabel() {
				l[lp.GetName()] = lp.GetValue()
			}
			if uids[l["uid"]] {
				return fmt.Errorf("uid %s published twice", l["uid"])
			}
			uids[l["uid"]] = true
			if l["kind"] == calendar.KindEviction {
				return fmt.Errorf("eviction deadline published (they are counted from every case): %v", l)
			}
			e := entry{l["kind"], l["summary"], int64(m.GetGauge().GetValue())}
			published = append(published, e)
			switch l["before_next_steering_group"] {
			case calendaradapter.BeforeSteeringGroup:
				before = append(before, e)
			case calendaradapter.NotBeforeSteeringGroup:
				after = append(after, e)
			default:
				return fmt.Errorf("before_next_steering_group=%q", l["before_next_steering_group"])
			}
		}
		// Every item of the page is published (the metric may reach
		// further, to the next steering-group meeting), but for today's
		// timed entries under way or over, which the page lists by day,
		// and eviction deadlines, which the metric leaves out.
		for _, it := range due.Items {
			if !it.AllDay && it.Start.Before(time.Now()) || it.Kind == calendar.KindEviction {
				continue
			}
			want := entry{it.Kind, it.Summary, it.Start.Unix()}
			if !slices.Contains(published, want) {
				return fmt.Errorf("page item %+v not published: %+v", want, published)
			}
		}
		sort.Slice(before, func(i, j int) bool { return before[i].start < before[j].start })
		if len(before) == 0 {
			return fmt.Errorf("nothing marked before the next steering-group meeting: %+v", published)
		}
		meeting := before[len(before)-1]
		if meeting.kind != calendar.KindSteeringGroup || meeting.start <= time.Now().Unix() {
			return fmt.Errorf("the last entry before the next steering-group meeting is %+v, not a coming steering-group meeting", meeting)
		}
		for _, e := range after {
			if e.start <= meeting.start {
				return fmt.Errorf("%+v is before the steering-group meeting at %d but not marked", e, meeting.start)
			}
		}
		return nil
	})
}
