package calendar_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"helhed/internal/cycletest"
	"helhed/internal/icstest"
	"helhed/internal/teststack"
	"helhed/plan"
	"helhed/workdays"
	"helhed/workflows/meeting"
)

var stack *teststack.Stack

func TestMain(m *testing.M) {
	os.Exit(teststack.Main(m, teststack.Options{Name: "calendar", FixedPorts: true}, func(s *teststack.Stack) error { stack = s; return nil }))
}

func base() string { return "http://" + stack.HTTPAddr() }

// op calls the operator API with a JSON body ("" for none).
func op(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, base()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+stack.Config.OperatorToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, readAll(t, resp)
}

// subscribe issues (or rotates) a subscriber's feed address.
func subscribe(t *testing.T, name string, rotate bool) string {
	t.Helper()
	code, raw := op(t, "POST", "/api/v1/calendar/subscribers/"+name+"/token", fmt.Sprintf(`{"rotate": %t}`, rotate))
	var got struct{ URL string }
	if code != http.StatusOK || json.Unmarshal([]byte(raw), &got) != nil || !strings.HasSuffix(got.URL, ".ics") {
		t.Fatalf("issue token: %d %s", code, raw)
	}
	return got.URL
}

// fetch reads and validates the feed.
func fetch(t *testing.T, url string) (*ics.Calendar, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := fmt.Fprint(&b, readAll(t, resp)); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("feed: %d %s", resp.StatusCode, b.String())
	}
	cal, err := icstest.ValidateFeed(resp.Header.Get("Content-Type"), []byte(b.String()))
	if err != nil {
		t.Fatalf("feed does not validate: %v", err)
	}
	return cal, b.String()
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return sb.String()
}

func event(cal *ics.Calendar, uid string) *ics.VEvent {
	for _, ev := range cal.Events() {
		if ev.Id() == uid {
			return ev
		}
	}
	return nil
}

func seq(ev *ics.VEvent) int {
	n, _ := strconv.Atoi(prop(ev, ics.ComponentPropertySequence))
	return n
}

func prop(ev *ics.VEvent, p ics.ComponentProperty) string {
	if pr := ev.GetProperty(p); pr != nil {
		return pr.Value
	}
	return ""
}

// TestFeedFollowsAMovedBoardMeeting: the feed validates, holds the plan's
// milestones, and a board meeting moved with move-board moves in it under
// the same UID with a higher SEQUENCE and a new LAST-MODIFIED.
func TestFeedFollowsAMovedBoardMeeting(t *testing.T) {
	p := stack.Plan
	feed := subscribe(t, "sekretariatet", false)
	cal, _ := fetch(t, feed)
	kinds := map[string]int{}
	for _, ev := range cal.Events() {
		kinds[prop(ev, ics.ComponentPropertyCategories)]++
	}
	for _, k := range []string{"bestyrelse", "styregruppe", "datafrist", "fravaer", "statistik", "aarsrapport"} {
		if kinds[k] == 0 {
			t.Errorf("no %s milestones in the feed: %v", k, kinds)
		}
	}

	board := cycletest.UnplannedBoardDate(t, p)
	in := meeting.Input{Plan: p.ID, BoardDate: board.String(), DeviationReason: "kalendertest"}
	body, _ := json.Marshal(map[string]any{"kind": meeting.Kind, "input": in})
	code, raw := op(t, "POST", "/api/v1/runs", string(body))
	if code != http.StatusCreated {
		t.Fatalf("start round: %d %s", code, raw)
	}
	id := meeting.WorkflowID(in)
	t.Cleanup(func() { op(t, "POST", "/api/v1/runs/"+url.PathEscape(id)+"/cancel", `{"reason":"test slut"}`) })
	uid := p.ID + "/bestyrelse/" + in.Key() + "@helhed"
	var before *ics.VEvent
	teststack.Eventually(t, "the round's board meeting in the feed", func() error {
		cal, _ := fetch(t, feed)
		if before = event(cal, uid); before == nil {
			return fmt.Errorf("no event %s", uid)
		}
		return nil
	})
	startBefore, _ := before.GetStartAt()
	if plan.DateOf(startBefore.In(p.Location())) != board {
		t.Fatalf("board meeting on %s, want %s", startBefore, board)
	}

	// Move it: the first later weekday the round's guards accept.
	var moved plan.Date
	for d := board.AddDays(7); d.Before(board.AddDays(60)) && moved.IsZero(); d = d.AddDays(1) {
		if !workdays.IsWeekday(d) {
			continue
		}
		arg, _ := json.Marshal(meeting.MoveBoard{BoardDate: d.String(), Reason: "Formanden er forhindret"})
		code, raw := op(t, "POST", "/api/v1/runs/"+url.PathEscape(id)+"/updates/"+meeting.UpdateMoveBoard, string(arg))
		if code == http.StatusOK {
			moved = d
		} else {
			t.Logf("move to %s: %d %s", d, code, raw)
		}
	}
	if moved.IsZero() {
		t.Fatal("no date within 60 days accepted for the move")
	}
	teststack.Eventually(t, "the moved board meeting in the feed", func() error {
		cal, _ := fetch(t, feed)
		ev := event(cal, uid)
		if ev == nil {
			return fmt.Errorf("event %s gone after the move", uid)
		}
		start, _ := ev.GetStartAt()
		if got := plan.DateOf(start.In(p.Location())); got != moved {
			return fmt.Errorf("board meeting on %s, want %s", got, moved)
		}
		if seq(ev) <= seq(before) {
			return fmt.Errorf("SEQUENCE %s after the move, %s before", prop(ev, ics.ComponentPropertySequence), prop(before, ics.ComponentPropertySequence))
		}
		if prop(ev, ics.ComponentPropertyLastModified) == "" {
			return fmt.Errorf("no LAST-MODIFIED")
		}
		return nil
	})
}

// TestBadRotatedOrRevokedTokenIs404: only the live address opens the feed.
func TestBadRotatedOrRevokedTokenIs404(t *testing.T) {
	first := subscribe(t, "styregruppen", false)
	fetch(t, first)
	second := subscribe(t, "styregruppen", true)
	fetch(t, second)
	if code, _ := op(t, "DELETE", "/api/v1/calendar/subscribers/styregruppen/token", ""); code != http.StatusOK {
		t.Fatalf("revoke: %d", code)
	}
	for _, u := range []string{first, second, base() + "/calendar/" + strings.Repeat("A", 43) + ".ics", base() + "/calendar/kort.ics",
		strings.TrimSuffix(second, ".ics") + ".json"} {
		if code, _ := teststack.Get(t, u, ""); code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", u, code)
		}
	}
	if code, _ := teststack.Call(t, "POST", base()+"/api/v1/calendar/subscribers/x/token", "", ""); code != http.StatusUnauthorized {
		t.Errorf("token API without operator token: %d", code)
	}
	if code, _ := op(t, "POST", "/api/v1/calendar/subscribers/Anna%20Jensen/token", ""); code != http.StatusBadRequest {
		t.Errorf("a person's name as subscriber: %d, want 400", code)
	}
}

// TestNoTenantDataInTheFeed: after an arrears import the feed counts the
// cases' deadlines and names no tenant, address or tenancy.
func TestNoTenantDataInTheFeed(t *testing.T) {
	csv, err := os.ReadFile("../../arrears/testdata/month1.csv")
	if err != nil {
		t.Fatal(err)
	}
	today := stack.Plan.DateOf(time.Now())
	code, raw := teststack.Call(t, "POST", base()+"/api/v1/arrears?listDate="+today.String(), stack.Config.OperatorToken, string(csv))
	if code != http.StatusAccepted {
		t.Fatalf("import: %d %s", code, raw)
	}
	url := subscribe(t, "udsaettelse", false)
	var feed string
	t.Cleanup(func() {
		if os.Getenv("CALENDAR_DUMP") != "" {
			os.WriteFile(os.Getenv("CALENDAR_DUMP"), []byte(feed), 0o600)
		}
	})
	teststack.Eventually(t, "eviction deadlines in the feed", func() error {
		_, feed = fetch(t, url)
		if !strings.Contains(feed, "udsættelsessager med frist") {
			return fmt.Errorf("no eviction deadlines")
		}
		return nil
	})
	_, page := op(t, "GET", "/api/v1/calendar/due", "")
	for i, line := range strings.Split(strings.TrimPrefix(string(csv), "\ufeff"), "\n")[1:] {
		f := strings.Split(strings.TrimSpace(line), ";")
		if len(f) < 6 {
			continue
		}
		for _, secret := range []string{f[0], f[3], f[4], f[5]} {
			secret = strings.TrimSpace(secret)
			if len(secret) < 4 {
				continue
			}
			// Folding may split a value across lines: compare unfolded.
			if strings.Contains(strings.ReplaceAll(feed, "\r\n ", ""), secret) || strings.Contains(page, secret) {
				t.Errorf("line %d: %q in the feed or the due list", i+2, secret)
			}
		}
	}
}

// TestOperatorPageNeedsLogin: /operator/kalender sends a browser without
// the operator session to the login page.
func TestOperatorPageNeedsLogin(t *testing.T) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(base() + "/operator/kalender")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/operator/login" {
		t.Fatalf("without login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}
