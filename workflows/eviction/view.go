package eviction

import (
	"time"

	"helhed/plan"
)

// View is the pseudonymous case the read model keeps and the API lists:
// no contact, no tenancy number, no free text.
type View struct {
	CaseID             string       `json:"caseId"`
	WorkflowID         string       `json:"workflowId"`
	Tenancy            string       `json:"tenancy"` // pseudonymous id
	Stage              Stage        `json:"stage"`
	Area               string       `json:"area"`
	Organisation       string       `json:"organisation"`
	Department         string       `json:"department"`
	PlanID             string       `json:"planId"`
	Origin             string       `json:"origin"`
	Arrears            Money        `json:"arrears"`
	DueDate            plan.Date    `json:"dueDate"`
	Opened             time.Time    `json:"opened"`
	FirstList          plan.Date    `json:"firstList"`
	LastList           plan.Date    `json:"lastList,omitempty"`
	Lists              int          `json:"lists"` // every list, those the state no longer keeps too
	OutreachDue        plan.Date    `json:"outreachDue,omitempty"`
	OutreachAttempts   int          `json:"outreachAttempts"`
	FirstContact       plan.Date    `json:"firstContact,omitempty"`
	CounsellingStarted plan.Date    `json:"counsellingStarted,omitempty"`
	Instalments        int          `json:"instalments"`
	InstalmentsKept    int          `json:"instalmentsKept"`
	InstalmentsMissed  int          `json:"instalmentsMissed"`
	Legal              *Legal       `json:"legal,omitempty"`
	Outcome            string       `json:"outcome,omitempty"`
	Closed             plan.Date    `json:"closed,omitempty"`
	NextDue            plan.Date    `json:"nextDue,omitempty"`
	Transitions        []Transition `json:"transitions"`
	Seq                int          `json:"seq"`
	// Episode is the case's number among the tenancy's cases
	// (State.Episode; absent in cases opened before they were counted,
	// which are first cases, so that their stored views stay as written);
	// Previous links the case before it.
	Episode  int           `json:"episode,omitempty"`
	Previous *PreviousCase `json:"previous,omitempty"`
}

// NewView derives the public view of a case's state.
func NewView(st State, workflowID string) View {
	v := View{
		CaseID: st.CaseID, WorkflowID: workflowID, Tenancy: st.TenancyID, Stage: st.Stage,
		Area: st.Area, Organisation: st.Organisation, Department: st.Department, PlanID: st.PlanID,
		Origin: st.Origin, Arrears: st.Arrears, DueDate: st.DueDate, Opened: st.OpenedAt,
		FirstList: st.FirstList, Lists: len(st.Lists) + st.EarlierLists, OutreachAttempts: len(st.Outreach.Attempts),
		FirstContact: st.Outreach.ContactOn, Outcome: st.Outcome, Closed: st.ClosedOn,
		NextDue: nextDue(st), Seq: st.Seq, Episode: st.Episode, Previous: st.Previous,
	}
	if st.Stage == StageOutreach {
		v.OutreachDue = st.Outreach.Due
	}
	for _, l := range st.Lists {
		if l.ListDate.After(v.LastList) {
			v.LastList = l.ListDate
		}
	}
	if st.Counselling != nil {
		v.CounsellingStarted = st.Counselling.StartedOn
	}
	if st.Plan != nil {
		v.Instalments = len(st.Plan.Instalments)
		for _, in := range st.Plan.Instalments {
			switch in.Status {
			case InstalmentKept:
				v.InstalmentsKept++
			case InstalmentMissed:
				v.InstalmentsMissed++
			}
		}
	}
	if st.Legal != nil {
		l := *st.Legal
		l.Reason = ""
		v.Legal = &l
	}
	v.Transitions = make([]Transition, len(st.Transitions))
	for i, t := range st.Transitions {
		v.Transitions[i] = Transition{From: t.From, To: t.To, At: t.At}
	}
	return v
}

// nextDue is the case's next deadline: the outreach task's due date, the
// next instalment, the earliest påkrav date or the payment deadline.
func nextDue(st State) plan.Date {
	switch st.Stage {
	case StageOutreach:
		return st.Outreach.Due
	case StagePaymentPlan:
		for _, in := range st.Plan.Instalments {
			if in.Status == InstalmentPending {
				return in.Due
			}
		}
	case StageEscalated:
		if l := st.Legal; l != nil && st.Outcome == "" {
			switch {
			case l.DemandSentOn.IsZero():
				return l.DemandEarliest
			case !l.DeadlinePassed:
				return l.Deadline
			}
		}
	}
	return plan.Date{}
}

// NextDueTitle says in Danish what the case's next deadline (NextDue) is;
// it follows nextDue's cases ("" when there is none).
func (v View) NextDueTitle() string {
	if v.NextDue.IsZero() {
		return ""
	}
	switch v.Stage {
	case StageOutreach:
		return "Opsøgende kontakt senest"
	case StagePaymentPlan:
		return "Næste rate forfalder"
	case StageEscalated:
		if l := v.Legal; l != nil && l.DemandSentOn.IsZero() {
			return "Påkrav kan tidligst sendes"
		}
		return "Påkravsfrist udløber"
	}
	return ""
}

// Overdue reports whether the case's next deadline has passed by today.
func (v View) Overdue(today plan.Date) bool {
	return !v.NextDue.IsZero() && today.After(v.NextDue)
}
