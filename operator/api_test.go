package operator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"helhed/app"
	"helhed/runs"
	"helhed/workflows/absence"
	"helhed/workflows/crisis"
	"helhed/workflows/datarequest"
	"helhed/workflows/eviction"
	"helhed/workflows/meeting"
	"helhed/workflows/report"
	"helhed/workflows/statistics"
)

// TestAPIEveryKind starts every kind of the build through the API: a valid
// start (201), an invalid one (400 naming the field), a duplicate (409 with
// the running ID) and no or a wrong token (401).
func TestAPIEveryKind(t *testing.T) {
	for _, k := range app.Kinds(shared.Capabilities) {
		t.Run(k.Name, func(t *testing.T) {
			body := map[string]any{"kind": k.Name, "input": map[string]any{}}
			for _, tok := range []string{"", "not-the-operator-token"} {
				if r := call(t, "POST", "/api/v1/runs", tok, body); r.Status != http.StatusUnauthorized {
					t.Errorf("token %q: %d %s", tok, r.Status, r.Raw)
				}
			}
			if k.Example == nil {
				t.Skipf("kind %s has no Example in its runs.Kind; its owner (or the lead) adds one so this test can start it", k.Name)
			}
			example, err := json.Marshal(k.Example(shared.Plan))
			if err != nil {
				t.Fatal(err)
			}

			// Invalid: a field of the wrong type, an unknown field, nothing.
			wrong, field := wrongType(t, k, example)
			r := call(t, "POST", "/api/v1/runs", token, map[string]any{"kind": k.Name, "input": wrong})
			if r.Status != http.StatusBadRequest || r.str("field") != "input."+field || r.str("error") == "" {
				t.Errorf("wrong type for %s: %d %s", field, r.Status, r.Raw)
			}
			var withExtra map[string]any
			if err := json.Unmarshal(example, &withExtra); err != nil {
				t.Fatal(err)
			}
			withExtra["bogusField"] = 1
			r = call(t, "POST", "/api/v1/runs", token, map[string]any{"kind": k.Name, "input": withExtra})
			if r.Status != http.StatusBadRequest || r.str("field") != "input.bogusField" {
				t.Errorf("unknown field: %d %s", r.Status, r.Raw)
			}
			r = call(t, "POST", "/api/v1/runs", token, map[string]any{"kind": k.Name, "input": map[string]any{}})
			if r.Status != http.StatusBadRequest || !strings.HasPrefix(r.str("field"), "input") {
				t.Errorf("empty input: %d %s", r.Status, r.Raw)
			}

			// Valid, then the same again.
			r = call(t, "POST", "/api/v1/runs", token, map[string]any{"kind": k.Name, "input": json.RawMessage(example)})
			if r.Status != http.StatusCreated || r.str("workflowId") == "" || r.str("runId") == "" {
				t.Fatalf("valid start: %d %s", r.Status, r.Raw)
			}
			id := r.str("workflowId")
			defer cancelRun(t, id)
			dup := call(t, "POST", "/api/v1/runs", token, map[string]any{"kind": k.Name, "input": json.RawMessage(example)})
			if dup.Status != http.StatusConflict || dup.str("workflowId") != id || dup.str("runId") != r.str("runId") ||
				dup.str("outcome") != string(runs.OutcomeRefusedRunning) {
				t.Errorf("duplicate: %d %s (first %s)", dup.Status, dup.Raw, id)
			}
			if d := call(t, "GET", runPath(id), token, nil); d.Status != http.StatusOK || d.str("kind") != k.Name {
				t.Errorf("describe: %d %s", d.Status, d.Raw)
			}
		})
	}
}

// wrongType replaces the example's first text field (else integer field)
// with a value of another type and returns the input and the field.
func wrongType(t *testing.T, k runs.Kind, example []byte) (map[string]any, string) {
	t.Helper()
	var in map[string]any
	if err := json.Unmarshal(example, &in); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{runs.FieldText, runs.FieldTextarea, runs.FieldInteger} {
		for _, f := range runs.Fields(k.NewInput(), nil) {
			if f.Type != want {
				continue
			}
			if want == runs.FieldInteger {
				in[f.Name] = "ikke et tal"
			} else {
				in[f.Name] = 12345
			}
			return in, f.Name
		}
	}
	t.Skipf("kind %s has no text or integer input field to get wrong", k.Name)
	return nil, ""
}

// startCrisis starts a crisis activation of the given type through the API.
func startCrisis(t *testing.T, incident, ref string) string {
	t.Helper()
	in := crisis.Example(shared.Plan, time.Now())
	in.Incident, in.Reference = incident, ref
	r := call(t, "POST", "/api/v1/runs", token, map[string]any{"kind": crisis.Kind, "input": in})
	if r.Status != http.StatusCreated {
		t.Fatalf("start crisis: %d %s", r.Status, r.Raw)
	}
	return r.str("workflowId")
}

// TestAPIBadInput: every kind of bad input is answered with the status that
// says what it is, and starts or changes nothing.
func TestAPIBadInput(t *testing.T) {
	valid := crisis.Example(shared.Plan, time.Now())
	valid.Reference = "bad-input" // a key no other test uses
	validJSON, _ := json.Marshal(valid)
	withField := func(k string, v any) map[string]any {
		var m map[string]any
		_ = json.Unmarshal(validJSON, &m)
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name   string
		body   any
		status int
		field  string
		msg    string
	}{
		{"unknown kind", map[string]any{"kind": "brandalarm", "input": valid}, 400, "kind", "ukendt slags kørsel"},
		{"no kind", map[string]any{"input": valid}, 400, "kind", "angiv slags kørsel"},
		{"unknown envelope field", map[string]any{"kind": "crisis", "input": valid, "priority": 1}, 400, "priority", "ukendt felt"},
		{"no input", map[string]any{"kind": "crisis"}, 400, "input", "angiv input"},
		{"wrong type", map[string]any{"kind": "crisis", "input": withField("incident", 5)}, 400, "input.incident", "forventer tekst"},
		{"wrong time", map[string]any{"kind": "crisis", "input": withField("occurredAt", "i går")}, 400, "input.occurredAt", "tidspunkt"},
		{"missing field", map[string]any{"kind": "crisis", "input": withField("summary", nil)}, 400, "input.summary", "skal udfyldes"},
		{"unknown incident", map[string]any{"kind": "crisis", "input": withField("incident", "flood")}, 400, "input.incident", "ukendt hændelsestype"},
		{"unknown area", map[string]any{"kind": "crisis", "input": withField("area", "atlantis")}, 400, "input.area", "ukendt boligområde"},
		{"not an activator", map[string]any{"kind": "crisis", "input": withField("activatedBy", "borgmester")}, 400, "input.activatedBy", "kan ikke aktivere"},
		{"CPR in summary", map[string]any{"kind": "crisis", "input": withField("summary", "Offer 010203-1234")}, 400, "input.summary", "CPR"},
		{"future incident", map[string]any{"kind": "crisis", "input": withField("occurredAt", time.Now().Add(48*time.Hour))}, 400, "input.occurredAt", "fremtiden"},
		{"not JSON", "{kind: crisis", 400, "", "ugyldig JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, "POST", "/api/v1/runs", token, c.body)
			if r.Status != c.status || r.str("field") != c.field || !strings.Contains(r.str("error"), c.msg) {
				t.Errorf("got %d %s; want %d field %q error containing %q", r.Status, r.Raw, c.status, c.field, c.msg)
			}
		})
	}
	// Nothing of the above started a run.
	if _, err := runner.Describe(t.Context(), crisis.WorkflowID(valid)); err == nil || runs.HTTPStatus(err) != 404 {
		t.Errorf("a refused start left a run: %v", err)
	}

	t.Run("content type", func(t *testing.T) {
		r := callType(t, "POST", "/api/v1/runs", token, "text/plain", string(validJSON))
		if r.Status != http.StatusUnsupportedMediaType {
			t.Errorf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("too large", func(t *testing.T) {
		big := `{"kind":"crisis","input":{"summary":"` + strings.Repeat("x", 2<<20) + `"}}`
		if r := call(t, "POST", "/api/v1/runs", token, big); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("%d %.200s", r.Status, r.Raw)
		}
	})
	t.Run("list filters", func(t *testing.T) {
		if r := call(t, "GET", "/api/v1/runs?status=sleeping", token, nil); r.Status != 400 || r.str("field") != "status" {
			t.Errorf("bad status: %d %s", r.Status, r.Raw)
		}
		if r := call(t, "GET", "/api/v1/runs?kind=nope", token, nil); r.Status != 400 || r.str("field") != "kind" {
			t.Errorf("bad kind: %d %s", r.Status, r.Raw)
		}
		if r := call(t, "GET", "/api/v1/runs?limit=0", token, nil); r.Status != 400 || r.str("field") != "limit" {
			t.Errorf("bad limit: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("unknown run", func(t *testing.T) {
		for _, r := range []apiResult{
			call(t, "GET", runPath("crisis/none/2026-01-01/arson"), token, nil),
			call(t, "POST", runPath("crisis/none/2026-01-01/arson", "/updates/close"), token, map[string]any{}),
			call(t, "POST", runPath("crisis/none/2026-01-01/arson", "/cancel"), token, map[string]any{"reason": "x"}),
		} {
			if r.Status != http.StatusNotFound {
				t.Errorf("%d %s", r.Status, r.Raw)
			}
		}
	})
}

// TestAPIRunLifecycle lists, describes, refuses Updates the stage does not
// take, and cancels a crisis run.
func TestAPIRunLifecycle(t *testing.T) {
	id := startCrisis(t, crisis.Vandalism, "api")
	defer cancelRun(t, id)

	eventually(t, 30*time.Second, func() string {
		r := call(t, "GET", "/api/v1/runs?kind=crisis&status=running", token, nil)
		if r.Status != 200 {
			return r.Raw
		}
		list, _ := r.Body["runs"].([]any)
		for _, x := range list {
			if m, _ := x.(map[string]any); m["workflowId"] == id && m["stage"] == crisis.StageConvening && m["dueAt"] != nil {
				return ""
			}
		}
		return "run not listed with stage and deadline: " + r.Raw
	})
	d := call(t, "GET", runPath(id), token, nil)
	if d.Status != 200 || d.str("stage") != crisis.StageConvening || d.str("stageTitle") == "" {
		t.Fatalf("describe: %d %s", d.Status, d.Raw)
	}
	if fmt.Sprint(d.Body["accepts"]) != "[confirm-meeting cancel]" || len(d.Body["openTasks"].([]any)) != 1 {
		t.Errorf("accepts %v, open tasks %v", d.Body["accepts"], d.Body["openTasks"])
	}

	steps := []struct {
		name, update string
		arg          any
		status       int
		field, msg   string
	}{
		{"unknown update", "frobnicate", map[string]any{}, 400, "update", "kender ikke handlingen"},
		{"stage refuses", crisis.UpdateClose, map[string]any{"evaluate": true}, 409, "", "kan først afsluttes efter mødet"},
		{"wrong type", crisis.UpdateConfirmMeeting, map[string]any{"at": 5, "place": "x"}, 400, "at", "tidspunkt"},
		{"unknown field", crisis.UpdateConfirmMeeting, map[string]any{"at": time.Now().Add(time.Hour), "room": "x"}, 400, "room", "ukendt felt"},
		{"validator: past", crisis.UpdateConfirmMeeting, map[string]any{"at": time.Now().Add(-time.Hour), "place": "x"}, 400, "at", "passeret"},
		{"confirm", crisis.UpdateConfirmMeeting, map[string]any{"at": time.Now().Add(2 * time.Hour), "place": "Bysekretariatet"}, 200, "", ""},
		{"confirm again", crisis.UpdateConfirmMeeting, map[string]any{"at": time.Now().Add(3 * time.Hour), "place": "x"}, 409, "", "allerede indkaldt"},
	}
	for _, s := range steps {
		r := call(t, "POST", runPath(id, "/updates/", s.update), token, s.arg)
		if r.Status != s.status || r.str("field") != s.field || !strings.Contains(r.str("error"), s.msg) {
			t.Errorf("%s: %d %s; want %d field %q error with %q", s.name, r.Status, r.Raw, s.status, s.field, s.msg)
		}
	}
	if d := call(t, "GET", runPath(id), token, nil); d.str("stage") != crisis.StageScheduled {
		t.Errorf("after confirm: %s", d.Raw)
	}
	if r := callType(t, "POST", runPath(id, "/updates/", crisis.UpdateSSP), token, "text/plain", "{}"); r.Status != 415 {
		t.Errorf("update content type: %d", r.Status)
	}

	if r := call(t, "POST", runPath(id, "/cancel"), token, map[string]any{"reason": " "}); r.Status != 400 || r.str("field") != "reason" {
		t.Errorf("cancel without reason: %d %s", r.Status, r.Raw)
	}
	r := call(t, "POST", runPath(id, "/cancel"), token, map[string]any{"reason": "Falsk alarm"})
	if r.Status != 200 || r.str("via") != "update" {
		t.Fatalf("cancel: %d %s", r.Status, r.Raw)
	}
	eventually(t, 30*time.Second, func() string {
		if d := call(t, "GET", runPath(id), token, nil); d.str("status") != runs.StatusCompleted || d.str("stage") != crisis.StageCancelled {
			return "not cancelled: " + d.Raw
		}
		return ""
	})
	if r := call(t, "POST", runPath(id, "/updates/", crisis.UpdateSSP), token, map[string]any{"activated": true}); r.Status != 409 {
		t.Errorf("update on a closed run: %d %s", r.Status, r.Raw)
	}
	// A closed run does not block a new one with the same key.
	again := startCrisis(t, crisis.Vandalism, "api")
	defer cancelRun(t, again)
	if again != id {
		t.Errorf("rerun got ID %s, want %s", again, id)
	}
}

func TestAPIKinds(t *testing.T) {
	r := call(t, "GET", "/api/v1/kinds", token, nil)
	if r.Status != 200 || !strings.Contains(r.Raw, `"name":"crisis"`) || !strings.Contains(r.Raw, `"confirm-meeting"`) ||
		!strings.Contains(r.Raw, `"label":"Hændelse"`) {
		t.Fatalf("%d %.500s", r.Status, r.Raw)
	}
	if r := call(t, "GET", "/api/v1/kinds", "", nil); r.Status != 401 {
		t.Errorf("kinds without token: %d", r.Status)
	}
}

// TestAPIErrorsAreDanish sends every kind bad starts (the kind's own
// validator and the strict decoding), bad Update arguments (decoding and
// the workflow's validator), an unknown Update and a bad cancel, and an
// Update to a closed run. Every answer is a 4xx naming the field at fault,
// in Danish, without Temporal's decoration.
func TestAPIErrorsAreDanish(t *testing.T) {
	// Inputs each kind's validator refuses, as edits of its example.
	badStarts := map[string][]struct {
		field string
		value any
		at    string // the field the answer names, if not input.<field>
	}{
		crisis.Kind: {{"incident", "oversvømmelse", ""}, {"area", "atlantis", ""}},
		datarequest.Kind: {{"due", "2020-01-01", ""}, {"due", "7-4-2026", ""}, {"partner", "ingen-partner", ""},
			{"requestId", "Har Mellemrum", ""}, {"contact", "ikke-en-adresse", ""}},
		meeting.Kind:    {{"plan", "en-anden-plan", ""}, {"boardDate", "23-11-2022", ""}, {"boardDate", "2000-01-05", ""}},
		absence.Kind:    {{"plan", "en-anden-plan", ""}, {"quarter", "2022-5", ""}, {"quarter", "1999-Q1", ""}},
		statistics.Kind: {{"planYear", "1999-00", ""}, {"dueWeekdays", 99, ""}},
		report.Kind:     {{"planYear", "1999-00", ""}, {"recipients", []string{"ikke-en-adresse"}, "input.recipients[0]"}},
		eviction.Kind:   {{"dueDate", "2099-01-01", ""}, {"reminders", -1, ""}, {"organisation", "ingen-boligorganisation", ""}},
	}
	// Update arguments each kind's validator refuses (or its stage, 409).
	badUpdates := map[string][]struct {
		update, field string
		arg           map[string]any
	}{
		crisis.Kind: {{crisis.UpdateConfirmMeeting, "at", map[string]any{"at": time.Now().Add(-time.Hour), "place": "Beboerhuset"}}},
		datarequest.Kind: {{datarequest.UpdateExtend, "due", map[string]any{"due": "7-4-2026"}},
			{datarequest.UpdateReassign, "contact", map[string]any{"contact": "ikke-en-adresse"}}},
		meeting.Kind:  {{meeting.UpdateMoveBoard, "boardDate", map[string]any{"boardDate": "23-11-2022"}}},
		report.Kind:   {{report.UpdateApprove, "version", map[string]any{"version": 99}}},
		eviction.Kind: {{eviction.UpdatePayment, "on", map[string]any{"amount": "100", "on": "2099-01-01"}}},
	}
	for _, k := range app.Kinds(shared.Capabilities) {
		t.Run(k.Name, func(t *testing.T) {
			if k.Example == nil {
				t.Skipf("kind %s has no Example", k.Name)
			}
			example, err := json.Marshal(k.Example(shared.Plan))
			if err != nil {
				t.Fatal(err)
			}
			edited := func(field string, value any) map[string]any {
				var in map[string]any
				if err := json.Unmarshal(example, &in); err != nil {
					t.Fatal(err)
				}
				if value == nil {
					delete(in, field)
				} else {
					in[field] = value
				}
				return in
			}
			start := func(in any) apiResult {
				return call(t, "POST", "/api/v1/runs", token, map[string]any{"kind": k.Name, "input": in})
			}
			for _, bad := range badStarts[k.Name] {
				at := bad.at
				if at == "" {
					at = "input." + bad.field
				}
				assertDanishError(t, fmt.Sprintf("start with %s %v", bad.field, bad.value), start(edited(bad.field, bad.value)), at, false)
			}
			wrong, field := wrongType(t, k, example)
			assertDanishError(t, "start with a wrong type", start(wrong), "input."+field, false)
			assertDanishError(t, "start with an unknown field", start(edited("feltFindesIkke", 1)), "input.feltFindesIkke", false)
			assertDanishError(t, "start without input fields", start(map[string]any{}), "", false)

			// A running run of the kind: the example, or the run in its way.
			r := start(json.RawMessage(example))
			id := r.str("workflowId")
			switch r.Status {
			case http.StatusCreated:
				defer cancelRun(t, id)
			case http.StatusConflict:
			default:
				t.Fatalf("start the example: %d %s", r.Status, r.Raw)
			}
			update := func(name string, arg any) apiResult {
				return call(t, "POST", runPath(id, "/updates/", name), token, arg)
			}
			assertDanishError(t, "an Update the kind lacks", update("handling-findes-ikke", map[string]any{}), "update", false)
			assertDanishError(t, "cancel without a reason", call(t, "POST", runPath(id, "/cancel"), token, map[string]any{"reason": " "}), "reason", false)
			for _, u := range k.Updates {
				if f, v, ok := wrongArg(u.ArgFields(shared.Plan)); ok {
					assertDanishError(t, u.Name+" with a wrong type", update(u.Name, map[string]any{f: v}), f, true)
				}
				assertDanishError(t, u.Name+" with an unknown field", update(u.Name, map[string]any{"feltFindesIkke": 1}), "feltFindesIkke", true)
			}
			for _, bad := range badUpdates[k.Name] {
				assertDanishError(t, bad.update+" refused by the validator", update(bad.update, bad.arg), bad.field, true)
			}
		})
	}

	t.Run("closed run", func(t *testing.T) {
		id := startCrisis(t, crisis.Vandalism, "danske-fejl")
		defer cancelRun(t, id)
		if r := call(t, "POST", runPath(id, "/cancel"), token, map[string]any{"reason": "Falsk alarm"}); r.Status != http.StatusOK {
			t.Fatalf("cancel: %d %s", r.Status, r.Raw)
		}
		eventually(t, 30*time.Second, func() string {
			if d := call(t, "GET", runPath(id), token, nil); d.str("status") != runs.StatusCompleted {
				return "not closed: " + d.Raw
			}
			return ""
		})
		assertDanishError(t, "an Update to a closed run", call(t, "POST", runPath(id, "/updates/", crisis.UpdateSSP), token, map[string]any{"activated": true}), "", false)
		assertDanishError(t, "cancel a closed run", call(t, "POST", runPath(id, "/cancel"), token, map[string]any{"reason": "igen"}), "", false)
		assertDanishError(t, "a run that does not exist", call(t, "GET", runPath("crisis/ingen/2026-01-01/arson"), token, nil), "", false)
	})
}

// wrongArg picks an argument field and a value of another type, leaving
// out free JSON fields (a value of any type may fit them).
func wrongArg(specs []runs.FieldSpec) (string, any, bool) {
	for _, f := range specs {
		switch f.Type {
		case runs.FieldText, runs.FieldTextarea, runs.FieldDate, runs.FieldDateTime:
			return f.Name, 12345, true
		case runs.FieldInteger, runs.FieldNumber, runs.FieldBool, runs.FieldList:
			return f.Name, map[string]any{"x": 1}, true
		}
	}
	return "", nil, false
}

// englishWords are words that would give away an English message.
var englishWords = []string{" is ", " must ", " the ", " not ", " of ", "required", "invalid", "unknown", "expected", "cannot"}

// assertDanishError checks an error answer: a 400 naming field when field
// is set (or, with stageMayRefuse, a 409: the run's stage or its end
// refused first), else any 4xx; the message is there, free of Temporal's
// decoration and of English.
func assertDanishError(t *testing.T, what string, r apiResult, field string, stageMayRefuse bool) {
	t.Helper()
	msg := r.str("error")
	switch {
	case r.Status < 400 || r.Status >= 500:
		t.Errorf("%s: status %d, want 4xx: %s", what, r.Status, r.Raw)
		return
	case field != "" && r.Status == http.StatusConflict && stageMayRefuse:
	case field != "" && (r.Status != http.StatusBadRequest || r.str("field") != field):
		t.Errorf("%s: %d field %q, want 400 field %q: %s", what, r.Status, r.str("field"), field, r.Raw)
	}
	if msg == "" {
		t.Errorf("%s: no message: %s", what, r.Raw)
	}
	lower := " " + strings.ToLower(msg) + " "
	for _, bad := range []string{"type:", "retryable", "rpc error", "workflow"} {
		if strings.Contains(lower, bad) {
			t.Errorf("%s: Temporal's %q in %q", what, bad, msg)
		}
	}
	for _, w := range englishWords {
		if strings.Contains(lower, w) {
			t.Errorf("%s: English %q in %q", what, strings.TrimSpace(w), msg)
		}
	}
}
