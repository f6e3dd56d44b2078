package report

import (
	"fmt"

	"helhed/mail"
	"helhed/plan"
	"helhed/workflows"
)

// ReviewMessage is the notice to the board secretariat that a version
// awaits approval, with a link to its PDF under publicURL.
func ReviewMessage(p *plan.Plan, publicURL string, res Resolved, v Version) mail.Message {
	link := fmt.Sprintf("%s/api/v1/reports/%s/v%d.pdf", publicURL, res.PlanYear, v.Version)
	return mail.Message{
		Key:     fmt.Sprintf("annual-report/%s/v%d/review", res.PlanYear, v.Version),
		To:      []string{res.Reviewer},
		Subject: fmt.Sprintf("Årsrapport %s, version %d, er klar til bestyrelsens godkendelse", res.PlanYear, v.Version),
		Text: fmt.Sprintf("Årsrapporten for %s, planåret %s, version %d, er klar.\n\nRapporten (PDF): %s\n\n"+
			"Bestyrelsen godkender den, eller sender den tilbage med bemærkninger, i operatørsiderne (kørsel %s).\n",
			p.Name, res.PlanYear, v.Version, link, WorkflowID(Input{PlanYear: res.PlanYear})),
	}
}

// CommitteeMessage is the approved report to the committees, pdf
// attached. Its key makes a retried send a no-op.
func CommitteeMessage(p *plan.Plan, in DistributeInput, pdf []byte) mail.Message {
	year := in.Resolved.PlanYear
	key := fmt.Sprintf("annual-report/%s/v%d/committees", year, in.Version.Version)
	if in.Run != "" {
		key = workflows.RunMailKey(in.Run, key)
	}
	return mail.Message{
		Key:     key,
		To:      in.Resolved.Recipients,
		Subject: fmt.Sprintf("Årsrapport %s for %s", year, p.Name),
		Text: fmt.Sprintf("Bestyrelsen for %s har godkendt årsrapporten for planåret %s (version %d).\n\n"+
			"Rapporten er vedhæftet til orientering af de politiske fagudvalg.\n", p.Name, year, in.Version.Version),
		Attachments: []mail.Attachment{{Name: fmt.Sprintf("aarsrapport-%s.pdf", year), ContentType: "application/pdf", Data: pdf}},
	}
}
