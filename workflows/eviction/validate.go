package eviction

import (
	"fmt"
	"strings"

	"helhed/arrears"
	"helhed/danish"
	"helhed/fielderr"
	"helhed/plan"
)

// inputFields maps the arrears list's columns to the CaseInput's JSON
// fields.
var inputFields = map[string]string{
	arrears.ColTenancy: "tenancyNumber", arrears.ColOrganisation: "organisation", arrears.ColDepartment: "department",
	arrears.ColName: "contact.name", arrears.ColAddress: "contact.address", arrears.ColPhone: "contact.phone",
	arrears.ColArrears: "arrears", arrears.ColDueDate: "dueDate", arrears.ColReminders: "reminders",
}

// ValidateCaseInput checks an operator's case against the plan on day
// today (Copenhagen), names the JSON field at fault (a *fielderr.Error),
// and normalises the organisation to its plan id and the tenancy number,
// so the case's workflow ID hashes the same key as the importer's.
func ValidateCaseInput(p *plan.Plan, in *CaseInput, today plan.Date) error {
	// CPR first, in a fixed order, before any message could quote a value.
	for _, f := range []struct{ field, v string }{
		{"organisation", in.Organisation}, {"department", in.Department}, {"tenancyNumber", in.TenancyNumber},
		{"contact.name", in.Contact.Name}, {"contact.address", in.Contact.Address}, {"contact.phone", in.Contact.Phone},
	} {
		if danish.LooksLikeCPR(f.v) {
			return &fielderr.Error{Field: f.field, Message: "ligner et CPR-nummer; CPR-numre må ikke indtastes"}
		}
	}
	number := arrears.NormaliseTenancyNumber(in.TenancyNumber)
	orgID, _, problems := arrears.CheckTenancy(p, in.Organisation, in.Department, number)
	problems = append(problems, arrears.CheckContact(in.Contact)...)
	if pr := arrears.CheckArrears(in.Arrears); pr != nil {
		problems = append(problems, *pr)
	}
	// An operator's case has no list date: the due date must be set and
	// not in the future.
	if pr := arrears.CheckDueDate(in.DueDate, plan.Date{}); pr != nil {
		problems = append(problems, *pr)
	} else if in.DueDate.After(today) {
		problems = append(problems, arrears.Problem{Column: arrears.ColDueDate,
			Message: fmt.Sprintf("%s %s ligger i fremtiden", arrears.ColDueDate, in.DueDate)})
	}
	if in.Reminders < 0 {
		problems = append(problems, arrears.Problem{Column: arrears.ColReminders, Message: arrears.ColReminders + " skal være 0 eller mere"})
	}
	if len(problems) > 0 {
		pr := problems[0]
		field := inputFields[pr.Column]
		return &fielderr.Error{Field: field, Message: strings.Replace(pr.Message, pr.Column, field, 1)}
	}
	in.Organisation, in.TenancyNumber = orgID, number
	return nil
}
