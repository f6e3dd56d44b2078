package runs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"helhed/fielderr"
	"helhed/plan"
)

type inner struct {
	Key  string `json:"key"`
	Size int8   `json:"size,omitempty"`
}

type embedded struct {
	Note string `json:"note,omitempty"`
}

type sample struct {
	embedded
	Name   string            `json:"name" label:"Navn"`
	Count  int               `json:"count"`
	Ratio  float64           `json:"ratio,omitempty"`
	On     bool              `json:"on"`
	At     time.Time         `json:"at"`
	Day    plan.Date         `json:"day,omitempty"`
	Tags   []string          `json:"tags,omitempty"`
	Items  []inner           `json:"items,omitempty"`
	Values map[string]uint16 `json:"values,omitempty"`
	Ptr    *inner            `json:"ptr,omitempty"`
	Free   any               `json:"free,omitempty"`
	Text   string            `json:"text,omitempty" form:"textarea"`
	hidden string
}

func TestDecodeNamesTheField(t *testing.T) {
	cases := []struct {
		raw, field, msg string
	}{
		{`{"bogus":1}`, "bogus", "ukendt felt"},
		{`{"items":[{"key":"a"},{"key":"b","colour":"red"}]}`, "items[1].colour", "ukendt felt"},
		{`{"ptr":{"nope":true}}`, "ptr.nope", "ukendt felt"},
		{`{"name":5}`, "name", "forventer tekst"},
		{`{"count":"5"}`, "count", "heltal"},
		{`{"count":1.5}`, "count", "heltal"},
		{`{"items":[{"size":300}]}`, "items[0].size", "interval"},
		{`{"values":{"a":1,"b":-1}}`, "values.b", "ikke-negativt"},
		{`{"ratio":"x"}`, "ratio", "forventer et tal"},
		{`{"on":"yes"}`, "on", "true eller false"},
		{`{"at":"tomorrow"}`, "at", "tidspunkt"},
		{`{"at":12}`, "at", "tidspunkt"},
		{`{"day":"31-02-2026"}`, "day", "er ikke en dato; skriv åååå-mm-dd"},
		{`{"day":5}`, "day", "forventer en dato"},
		{`{"tags":"a,b"}`, "tags", "forventer en liste"},
		{`{"items":{"key":"a"}}`, "items", "forventer en liste"},
		{`{"ptr":[1]}`, "ptr", "forventer et objekt"},
		{`{"name":"a"} {"name":"b"}`, "", "ugyldig JSON"},
		{`[]`, "", "forventer et objekt"},
		{``, "", "tom indtastning"},
		{`{"name":`, "", "ugyldig JSON"},
	}
	for _, c := range cases {
		var s sample
		err := Decode([]byte(c.raw), &s)
		var fe *fielderr.Error
		if !errors.As(err, &fe) || fe.Field != c.field || !strings.Contains(fe.Message, c.msg) {
			t.Errorf("%s: got %#v, want field %q message with %q", c.raw, err, c.field, c.msg)
		}
		if s.Name != "" || s.Items != nil {
			t.Errorf("%s: target half-written: %+v", c.raw, s)
		}
	}
}

func TestDecodeAcceptsWhatJSONAccepts(t *testing.T) {
	var s sample
	raw := `{"Name":"x","count":-3,"on":false,"at":"2026-05-06T14:00:00+02:00","day":"2026-05-06","tags":["a"],
		"items":[{"key":"k","size":-128}],"values":{"v":65535},"ptr":null,"free":{"any":[1,"x"]},"note":"promoted","ratio":1e3}`
	if err := Decode([]byte(raw), &s); err != nil {
		t.Fatal(err)
	}
	if s.Name != "x" || s.Count != -3 || s.Note != "promoted" || s.Values["v"] != 65535 || s.Ratio != 1000 || s.Day.String() != "2026-05-06" {
		t.Errorf("decoded %+v", s)
	}
}

func TestFields(t *testing.T) {
	specs := Fields(&sample{}, map[string][]Choice{"name": {{Value: "a", Label: "A"}}})
	got := map[string]FieldSpec{}
	var order []string
	for _, f := range specs {
		got[f.Name] = f
		order = append(order, f.Name)
	}
	if strings.Join(order, ",") != "note,name,count,ratio,on,at,day,tags,items,values,ptr,free,text" {
		t.Errorf("order %v", order)
	}
	want := map[string]string{"name": FieldText, "count": FieldInteger, "ratio": FieldNumber, "on": FieldBool, "at": FieldDateTime,
		"day": FieldDate, "tags": FieldList, "items": FieldJSON, "values": FieldJSON, "ptr": FieldJSON, "text": FieldTextarea}
	for name, typ := range want {
		if got[name].Type != typ {
			t.Errorf("%s: type %s, want %s", name, got[name].Type, typ)
		}
	}
	if got["name"].Label != "Navn" || !got["name"].Required || got["ratio"].Required || len(got["name"].Choices) != 1 || got["count"].Label != "count" {
		t.Errorf("name %+v ratio %+v", got["name"], got["ratio"])
	}
}

func TestRejectionMeaning(t *testing.T) {
	cases := []struct {
		err          error
		code         Code
		field, msg   string
		status       int
		isRejection  bool
		wrappedInApp bool
	}{
		{fielderr.Invalid("at", "passeret"), CodeInvalid, "at", "passeret", 400, true, true},
		{temporal.NewApplicationError("place: skal udfyldes", "FieldError"), CodeInvalid, "place", "skal udfyldes", 400, true, true},
		{temporal.NewApplicationError("a: b (og flere fejl)", "ValidationError"), CodeInvalid, "", "a: b", 400, true, true},
		{temporal.NewApplicationError("mødet er allerede indkaldt", ""), CodeRejected, "", "allerede indkaldt", 409, true, true},
		{errors.New("network"), "", "", "", 0, false, false},
	}
	for _, c := range cases {
		got := rejection(c.err)
		if !c.isRejection {
			if got != nil {
				t.Errorf("%v classified as %+v", c.err, got)
			}
			continue
		}
		if got == nil || got.Code != c.code || got.Field != c.field || !strings.Contains(got.Message, c.msg) || HTTPStatus(got) != c.status {
			t.Errorf("%v: got %+v", c.err, got)
		}
	}
	if HTTPStatus(errors.New("x")) != 500 || HTTPStatus(&Error{Code: CodeNotFound}) != 404 || HTTPStatus(&Error{Code: CodeUnavailable}) != 503 {
		t.Error("status mapping")
	}
}

// TestMessage: what a person reads of an error is the run layer's or the
// field's message, or helhed's own words around Temporal's message without
// the SDK's decoration.
func TestMessage(t *testing.T) {
	app := temporal.NewApplicationErrorWithOptions("sagen er afsluttet", "NotOpen", temporal.ApplicationErrorOptions{NonRetryable: true})
	cases := []struct {
		err  error
		want string
	}{
		{&Error{Code: CodeInvalid, Field: "reason", Message: "angiv en begrundelse"}, "reason: angiv en begrundelse"},
		{fielderr.Invalid("at", "mødetidspunktet er passeret"), "at: mødetidspunktet er passeret"},
		{app, "sagen er afsluttet"},
		{fmt.Errorf("kørslen x: %w", app), "kørslen x: sagen er afsluttet"},
		{fmt.Errorf("tidsplanen y: %w", serviceerror.NewUnavailable("connection refused")), "tidsplanen y: Temporal svarer ikke; prøv igen om lidt"},
		{fmt.Errorf("kørslen z: %w", serviceerror.NewPermissionDenied("nej", "")), "kørslen z: Temporal afviste forespørgslen: nej"},
		{fmt.Errorf("vent: %w", context.DeadlineExceeded), "vent: Temporal svarede ikke i tide; prøv igen om lidt"},
		{errors.New("filen findes ikke"), "filen findes ikke"},
	}
	for _, c := range cases {
		got := Message(c.err)
		if got != c.want || strings.Contains(got, "type:") || strings.Contains(got, "retryable") {
			t.Errorf("Message(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestRegistryChecks(t *testing.T) {
	ok := Kind{Name: "a", Workflow: "A", NewInput: func() any { return new(sample) }, WorkflowID: func(any) string { return "a/1" }}
	if _, err := NewRegistry([]Kind{ok, {Name: "b", Workflow: "B", NewInput: ok.NewInput, WorkflowID: ok.WorkflowID}}); err != nil {
		t.Fatal(err)
	}
	bad := []Kind{ok, ok, {Name: "c", Workflow: "C"}, {Name: "d", Workflow: "D", NewInput: ok.NewInput, WorkflowID: ok.WorkflowID,
		Updates: []Update{{Name: "u", NewArg: ok.NewInput}, {Name: "u", NewArg: ok.NewInput}}}}
	_, err := NewRegistry(bad)
	for _, want := range []string{`"a"): registered twice`, `"c"): no NewInput`, `update "u" twice`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %s", err, want)
		}
	}
}

// TestStartRefusal: an open run refuses a start with its key; a closed one
// refuses it only for a kind that does not rerun, naming the id, how the
// run ended and asking for a new id.
func TestStartRefusal(t *testing.T) {
	rerun := Kind{Name: "crisis", Title: "Aktivering"}
	once := Kind{Name: "data-request", Title: "Dataanmodning", Rerun: RerunRefused}
	open := Summary{WorkflowID: "x/1", RunID: "r1", Status: StatusRunning}
	closed := Summary{WorkflowID: "x/1", RunID: "r0", Status: StatusCanceled}
	for _, k := range []Kind{rerun, once} {
		e := startRefusal(k, open)
		if e == nil || e.Code != CodeAlreadyRunning || e.Outcome != OutcomeRefusedRunning || e.RunID != "r1" || HTTPStatus(e) != 409 {
			t.Errorf("%s, open run: %+v", k.Name, e)
		}
	}
	if e := startRefusal(rerun, closed); e != nil {
		t.Errorf("a rerun kind refused a closed key: %v", e)
	}
	e := startRefusal(once, closed)
	want := "id'et x/1 er brugt af en afsluttet kørsel (annulleret); dataanmodning startes ikke igen under samme id – brug et nyt id"
	if e == nil || e.Code != CodeKeyUsed || e.Outcome != OutcomeRefusedClosed || e.RunID != "r0" || HTTPStatus(e) != 409 || Message(e) != want {
		t.Errorf("closed key of a kind that does not rerun: %+v", e)
	}
}

func TestRegistryChecksRerun(t *testing.T) {
	k := Kind{Name: "a", Workflow: "A", NewInput: func() any { return new(sample) }, WorkflowID: func(any) string { return "a/1" }, Rerun: Rerun(7)}
	if _, err := NewRegistry([]Kind{k}); err == nil || !strings.Contains(err.Error(), "unknown Rerun(7)") {
		t.Errorf("unknown rerun policy: %v", err)
	}
	k.Rerun = RerunRefused
	r, err := NewRegistry([]Kind{k})
	if err != nil || r.Info(&plan.Plan{})[0].Rerun != "refused" {
		t.Errorf("refused: %v", err)
	}
}
