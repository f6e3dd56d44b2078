package arrears

import (
	"fmt"
	"strconv"
	"strings"

	"helhed/danish"
	"helhed/plan"
)

// Limits on values, so a broken export cannot fill payloads with junk.
const (
	maxText    = 200
	maxTenancy = 40
	maxPhone   = 40
	// MaxArrears is an implausibly large arrears amount (10 million kr.).
	MaxArrears = Money(10_000_000_00)
)

// Problem is one thing wrong with a value; Column is the arrears list's
// column name (callers with other field names map it). Messages never quote
// a contact detail.
type Problem struct {
	Column  string
	Message string
}

// CheckTenancy resolves the organisation (plan id, name or alias) and the
// department to the plan's organisation id and area, and checks the tenancy
// number (already normalised).
func CheckTenancy(p *plan.Plan, organisation, department, number string) (orgID, area string, problems []Problem) {
	bad := func(col, format string, args ...any) {
		problems = append(problems, Problem{col, fmt.Sprintf(format, args...)})
	}
	switch {
	case number == "":
		bad(ColTenancy, "%s er ikke udfyldt", ColTenancy)
	case len(number) > maxTenancy || !tenancyChars(number):
		bad(ColTenancy, "%s %s er ikke et lejemålsnummer (kun bogstaver, cifre, mellemrum, bindestreg, skråstreg og punktum; højst %d tegn)", ColTenancy, Quote(number), maxTenancy)
	}
	org, ok := p.HousingOrganisation(organisation)
	switch {
	case strings.TrimSpace(organisation) == "":
		bad(ColOrganisation, "%s er ikke udfyldt", ColOrganisation)
	case !ok:
		bad(ColOrganisation, "%s %s er ikke en boligorganisation i planen (kendte: %s)", ColOrganisation, Quote(organisation), organisations(p))
	}
	if strings.TrimSpace(department) == "" {
		bad(ColDepartment, "%s er ikke udfyldt", ColDepartment)
	} else if ok {
		if a, found := p.AreaForDepartment(org.ID, department); found {
			area = a.ID
		} else {
			bad(ColDepartment, "%s %s hos %s ligger ikke i nogen af planens boligområder (organisationens afdelinger i planen: %s)", ColDepartment, Quote(department), org.Name, departments(p, org.ID))
		}
	}
	return org.ID, area, problems
}

// CheckContact checks the contact's fields without quoting them.
func CheckContact(c Contact) []Problem {
	var problems []Problem
	for _, f := range []struct{ col, v string }{{ColName, c.Name}, {ColAddress, c.Address}} {
		switch {
		case strings.TrimSpace(f.v) == "":
			problems = append(problems, Problem{f.col, f.col + " er ikke udfyldt"})
		case len(f.v) > maxText:
			problems = append(problems, Problem{f.col, fmt.Sprintf("%s er længere end %d tegn", f.col, maxText)})
		}
	}
	if ph := c.Phone; ph != "" && (len(ph) > maxPhone || !phoneChars(ph)) {
		problems = append(problems, Problem{ColPhone, fmt.Sprintf("%s er ikke et telefonnummer (kun cifre, mellemrum og + - ( ); højst %d tegn)", ColPhone, maxPhone)})
	}
	for _, f := range []struct{ col, v string }{{ColName, c.Name}, {ColAddress, c.Address}, {ColPhone, c.Phone}} {
		if danish.LooksLikeCPR(f.v) {
			problems = append(problems, Problem{f.col, cprMessage(f.col)})
		}
	}
	return problems
}

// CheckArrears checks an arrears amount: more than 0 and plausible.
func CheckArrears(m Money) *Problem {
	switch {
	case m <= 0:
		return &Problem{ColArrears, fmt.Sprintf("%s skal være større end 0 kr. (fik %s)", ColArrears, m)}
	case m > MaxArrears:
		return &Problem{ColArrears, fmt.Sprintf("%s %s er usandsynligt stor (over %s)", ColArrears, m, MaxArrears)}
	}
	return nil
}

// CheckDueDate checks the oldest unpaid due date against the list's date
// (zero listDate: no check beyond being set).
func CheckDueDate(d, listDate plan.Date) *Problem {
	switch {
	case d.IsZero():
		return &Problem{ColDueDate, ColDueDate + " er ikke udfyldt"}
	case !listDate.IsZero() && d.After(listDate):
		return &Problem{ColDueDate, fmt.Sprintf("%s %s ligger efter listens dato %s (det skal være den ældste ubetalte forfaldsdato)", ColDueDate, d, listDate)}
	}
	return nil
}

// cprMessage explains a rejected CPR-like value without quoting it.
func cprMessage(column string) string {
	return fmt.Sprintf("en værdi i kolonnen »%s« ligner et CPR-nummer; CPR-numre må ikke indsendes, så linjen er ikke importeret, og værdien er ikke gemt", column)
}

// Quote quotes a value for a message, with every CPR-like part replaced
// (danish.RedactCPR), so no message can echo a CPR number whatever its
// caller checked first.
func Quote(s string) string { return strconv.Quote(danish.RedactCPR(s)) }

func organisations(p *plan.Plan) string {
	var names []string
	for _, o := range p.HousingOrganisations {
		names = append(names, fmt.Sprintf("%s (%s)", o.Name, o.ID))
	}
	return strings.Join(names, ", ")
}

func departments(p *plan.Plan, org string) string {
	var nums []string
	for _, d := range p.Departments {
		if d.Organisation == org {
			nums = append(nums, d.Number)
		}
	}
	if len(nums) == 0 {
		return "ingen"
	}
	return strings.Join(nums, ", ")
}

func tenancyChars(s string) bool {
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z', r == 'Æ', r == 'Ø', r == 'Å':
		case strings.ContainsRune(" -/.", r):
		default:
			return false
		}
	}
	return true
}

func phoneChars(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9') && !strings.ContainsRune(" +-()", r) {
			return false
		}
	}
	return true
}
