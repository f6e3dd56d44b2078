package eviction

import (
	"strings"
	"testing"

	"helhed/arrears"
	"helhed/fielderr"
	"helhed/plan"
	"helhed/pseudonym"
	"helhed/workflows/eviction"
)

// TestRunKind checks the operator kind's validation, normalisation and
// workflow ID, which must match the importer's for the same tenancy.
func TestRunKind(t *testing.T) {
	p := examplePlan(t)
	h := pseudonym.New(make([]byte, 32))
	k := RunKind(p, h)
	in := &eviction.CaseInput{Organisation: "Møllevænget og Storgården", Department: "027", TenancyNumber: " 27-101-1 ",
		Contact: eviction.Contact{Name: "A", Address: "B"}, Arrears: arrears.Kroner(10), DueDate: plan.NewDate(2026, 1, 1)}
	if err := k.Validate(p, in); err != nil {
		t.Fatal(err)
	}
	if in.Organisation != "ms" || in.TenancyNumber != "27-101-1" {
		t.Fatalf("not normalised: %+v", in)
	}
	if got, want := k.WorkflowID(in), eviction.WorkflowID(arrears.TenancyID(h, "ms", "27-101-1")); got != want || !strings.HasPrefix(got, "eviction-case/") {
		t.Fatalf("workflow id %s, want %s", got, want)
	}
	// WorkflowID resolves the organisation itself, validated or not.
	raw := &eviction.CaseInput{Organisation: "MS", TenancyNumber: "27-101-1"}
	if k.WorkflowID(raw) != k.WorkflowID(in) {
		t.Fatal("an alias gives another workflow ID")
	}
	for _, c := range []struct {
		in         eviction.CaseInput
		field, msg string
	}{
		{eviction.CaseInput{Organisation: "ms", Department: "27", TenancyNumber: "0101901234", Contact: eviction.Contact{Name: "A", Address: "B"}, Arrears: 1, DueDate: plan.NewDate(2026, 1, 1)}, "tenancyNumber", "ligner et CPR-nummer; CPR-numre må ikke indtastes"},
		{eviction.CaseInput{Organisation: "ms", Department: "27", TenancyNumber: "1", Contact: eviction.Contact{Name: "A", Address: "B", Phone: "010190 1234"}, Arrears: 1, DueDate: plan.NewDate(2026, 1, 1)}, "contact.phone", "ligner et CPR-nummer"},
		{eviction.CaseInput{Organisation: "nope", Department: "27", TenancyNumber: "1", Contact: eviction.Contact{Name: "A", Address: "B"}, Arrears: 1, DueDate: plan.NewDate(2026, 1, 1)}, "organisation", `organisation "nope" er ikke en boligorganisation i planen (kendte: `},
		{eviction.CaseInput{Organisation: "ms", Department: "99", TenancyNumber: "1", Contact: eviction.Contact{Name: "A", Address: "B"}, Arrears: 1, DueDate: plan.NewDate(2026, 1, 1)}, "department", `department "99" hos Møllevænget & Storgården ligger ikke i nogen af planens boligområder`},
		{eviction.CaseInput{Organisation: "ms", Department: "27", TenancyNumber: "1", Contact: eviction.Contact{Name: "A", Address: ""}, Arrears: 1, DueDate: plan.NewDate(2026, 1, 1)}, "contact.address", "contact.address er ikke udfyldt"},
		{eviction.CaseInput{Organisation: "ms", Department: "27", TenancyNumber: "1", Contact: eviction.Contact{Name: "A", Address: "B", Phone: "ring"}, Arrears: 1, DueDate: plan.NewDate(2026, 1, 1)}, "contact.phone", "contact.phone er ikke et telefonnummer"},
		{eviction.CaseInput{Organisation: "ms", Department: "27", TenancyNumber: "1", Contact: eviction.Contact{Name: "A", Address: "B"}, Arrears: -5, DueDate: plan.NewDate(2026, 1, 1)}, "arrears", "arrears skal være større end 0 kr. (fik -0,05 kr.)"},
		{eviction.CaseInput{Organisation: "ms", Department: "27", TenancyNumber: "1", Contact: eviction.Contact{Name: "A", Address: "B"}, Arrears: 1}, "dueDate", "dueDate er ikke udfyldt"},
		{eviction.CaseInput{Organisation: "ms", Department: "27", TenancyNumber: "1", Contact: eviction.Contact{Name: "A", Address: "B"}, Arrears: 1, DueDate: plan.NewDate(2099, 1, 1)}, "dueDate", "dueDate 2099-01-01 ligger i fremtiden"},
		{eviction.CaseInput{Organisation: "ms", Department: "27", TenancyNumber: "1", Contact: eviction.Contact{Name: "A", Address: "B"}, Arrears: 1, DueDate: plan.NewDate(2026, 1, 1), Reminders: -1}, "reminders", "reminders skal være 0 eller mere"},
	} {
		err := k.Validate(p, &c.in)
		fe, ok := err.(*fielderr.Error)
		if !ok || fe.Field != c.field || !strings.Contains(fe.Message, c.msg) || strings.Contains(fe.Message, "0101901234") || strings.Contains(fe.Message, "010190") {
			t.Errorf("%s: %v, want %q", c.field, err, c.msg)
		}
	}
	if k := RunKind(p, nil); k.WorkflowID(in) != "" {
		t.Fatal("a kind without a pseudonym key gave a workflow ID")
	}
	// The påkrav form offers the ways of sending the clock knows.
	if u, ok := k.FindUpdate(eviction.UpdateDemand); !ok || len(u.Choices(p)["method"]) != 3 || u.Choices(p)["method"][2].Value != "letter" {
		t.Fatalf("demand choices %+v", u.Choices(p))
	}
	if ex := k.Example(p).(*eviction.CaseInput); k.Validate(p, ex) != nil {
		t.Fatalf("the example does not validate: %v", k.Validate(p, ex))
	}
}
