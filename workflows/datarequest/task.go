package datarequest

// TaskFromState is the read-model record of a state. The workflow writes
// it live; the reconciler (helhed/adapters/datarequest) rebuilds it from
// the state query with the same function, so both write the same bytes.
func TaskFromState(st State) Task {
	in := st.Input
	return Task{
		RequestID: in.RequestID, WorkflowID: WorkflowID(in.RequestID), Partner: in.Partner,
		Title: in.Title, Instructions: in.Instructions, Period: in.Period, Areas: in.Areas,
		Fields: in.Fields, Table: in.Table, Due: st.Due, Status: st.Status,
		CreatedAt: st.CreatedAt, AnsweredAt: st.AnsweredAt, OnTime: st.OnTime,
		RemindersSent: st.RemindersSent, Escalated: st.Escalated, Origin: in.Origin, Version: st.Version,
		AnsweredRows: st.AnsweredRows, Encoding: st.Encoding, Shown: st.Shown, Reason: st.Reason,
		Attempt: in.Attempt, MaxAttempts: in.MaxAttempts, AnswerVersion: st.AnswerVersion, ResubmitUntil: st.ResubmitUntil,
	}
}
