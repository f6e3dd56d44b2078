package crisis

import (
	"fmt"
	"strings"
	"time"

	"helhed/mail"
)

// The crisis workflow's e-mails, in Danish. They are pure functions of the
// workflow's state, so the workflow can build them deterministically; keys
// make every send idempotent.

const dateTimeFmt = "2.1.2006 kl. 15.04"

func localTime(t time.Time, loc *time.Location) string { return t.In(loc).Format(dateTimeFmt) }

func subjectPrefix(in Input, g Group) string {
	return fmt.Sprintf("Beredskab: %s i %s", IncidentTitle(in.Incident), g.AreaName)
}

func activationMail(id string, in Input, g Group, m Member, conveneBy time.Time, loc *time.Location) mail.Message {
	var b strings.Builder
	printf(&b, "Den boligsociale beredskabsplan er aktiveret.\n\n")
	printf(&b, "Hændelse: %s\nOmråde: %s\nTidspunkt: %s\nAktiveret af: %s\n\n",
		IncidentTitle(in.Incident), g.AreaName, localTime(in.OccurredAt, loc), g.ActivatorTitle)
	printf(&b, "Beskrivelse:\n%s\n\n", in.Summary)
	if m.Role == g.Convenor {
		printf(&b, "Du er tovholder: indkald beredskabets styregruppe til møde og bekræft mødetidspunktet senest %s:\n%s\n\n",
			localTime(conveneBy, loc), g.RunURL)
		if g.PoliceFallback != "" {
			printf(&b, "Opnås der ikke kontakt til politiets repræsentant: %s\n\n", g.PoliceFallback)
		}
	} else {
		printf(&b, "Sekretariatslederen indkalder til møde i beredskabets styregruppe, også med kort varsel. Du får en mødeindkaldelse.\n\n")
	}
	if len(m.Duties) > 0 {
		printf(&b, "Din rolle (%s) i beredskabsplanen:\n", m.Title)
		for _, d := range m.Duties {
			printf(&b, "- %s\n", d)
		}
		b.WriteString("\n")
	}
	b.WriteString("Følg politiets anvisninger; beredskabsplanen understøtter dem.\n")
	return mail.Message{Key: id + "/activated/" + m.Role, To: []string{m.Email},
		Subject: "Aktiveret – " + subjectPrefix(in, g), Text: b.String()}
}

func conveneReminderMail(id string, in Input, g Group, to []string, conveneBy time.Time, loc *time.Location) mail.Message {
	text := fmt.Sprintf("Mødet i beredskabets styregruppe skulle have været indkaldt senest %s, men intet mødetidspunkt er registreret.\n\n"+
		"Registrér mødetidspunktet her:\n%s\n", localTime(conveneBy, loc), g.RunURL)
	return mail.Message{Key: id + "/convene-reminder", To: to, Subject: "Påmindelse: indkald mødet – " + subjectPrefix(in, g), Text: text}
}

func invitationMail(id string, in Input, g Group, m Meeting, organizer string, now time.Time, loc *time.Location) mail.Message {
	attendees := emails(g.Members)
	inv := mail.Invite{
		UID: strings.ReplaceAll(id, "/", "-") + "@helhed", Sequence: m.Sequence,
		Start: m.At, End: m.At.Add(time.Duration(m.DurationMinutes) * time.Minute),
		Summary:  "Møde i beredskabets styregruppe: " + IncidentTitle(in.Incident) + " i " + g.AreaName,
		Location: m.Place, Organizer: organizer, Attendees: attendees, Stamp: now,
		Description: "Udveksling af oplysninger om situationen og aftale om konkrete handleplaner.",
	}
	verb := "Indkaldelse"
	if m.Sequence > 0 {
		verb = "Ændret mødetidspunkt"
	}
	text := fmt.Sprintf("%s til møde i beredskabets styregruppe.\n\nTidspunkt: %s\nSted: %s\n\n"+
		"På mødet udveksles oplysninger om situationen, og konkrete handleplaner sættes i gang: "+
		"aktivering af SSP-netværket og information til beboerne, hvis styregruppen aftaler det.\n",
		verb, localTime(m.At, loc), m.Place)
	return mail.Message{Key: fmt.Sprintf("%s/meeting-%d", id, m.Sequence), To: attendees,
		Subject: verb + " – " + subjectPrefix(in, g), Text: text, Invite: &inv}
}

func cancelInvitationMail(id string, in Input, g Group, m Meeting, organizer, reason string, now time.Time) mail.Message {
	attendees := emails(g.Members)
	inv := mail.Invite{UID: strings.ReplaceAll(id, "/", "-") + "@helhed", Sequence: m.Sequence + 1,
		Start: m.At, End: m.At.Add(time.Duration(m.DurationMinutes) * time.Minute),
		Summary: "Aflyst: møde i beredskabets styregruppe", Location: m.Place, Organizer: organizer,
		Attendees: attendees, Cancel: true, Stamp: now}
	return mail.Message{Key: id + "/meeting-cancelled", To: attendees, Subject: "Aflyst – " + subjectPrefix(in, g),
		Text:   "Mødet er aflyst, fordi aktiveringen er annulleret.\n\nBegrundelse: " + reason + "\n",
		Invite: &inv}
}

func cancelledMail(id string, in Input, g Group, reason string) mail.Message {
	return mail.Message{Key: id + "/cancelled", To: emails(g.Members), Subject: "Annulleret – " + subjectPrefix(in, g),
		Text: "Aktiveringen af beredskabsplanen er annulleret.\n\nBegrundelse: " + reason + "\n"}
}

func sspTaskMail(id string, in Input, g Group, owner Member) mail.Message {
	text := fmt.Sprintf("Opgave efter mødet i beredskabets styregruppe: vurdér, om SSP-netværket (skole, opsøgende medarbejdere, "+
		"klubmedarbejdere) skal aktiveres, og aktivér det, hvis situationen kræver det.\n\n"+
		"Registrér aktiveringen – eller at den ikke var nødvendig – her:\n%s\n", g.RunURL)
	return mail.Message{Key: id + "/task-ssp", To: []string{owner.Email}, Subject: "Opgave: SSP-netværket – " + subjectPrefix(in, g), Text: text}
}

func residentTaskMail(id string, in Input, g Group, owner Member) mail.Message {
	text := fmt.Sprintf("Opgave efter mødet i beredskabets styregruppe: registrér, hvad styregruppen aftalte at fortælle beboerne "+
		"og afdelingsbestyrelserne – eller at der ikke skal informeres. Teksten sendes, når den er godkendt.\n\n%s\n", g.RunURL)
	return mail.Message{Key: id + "/task-resident-information", To: []string{owner.Email},
		Subject: "Opgave: beboerinformation – " + subjectPrefix(in, g), Text: text}
}

func residentInfoMail(id string, in Input, g Group, info ResidentInfo) mail.Message {
	text := "Beredskabets styregruppe har aftalt følgende information til beboerne og afdelingsbestyrelserne i " + g.AreaName +
		". Videregiv den venligst (opslag, hjemmeside, afdelingsbestyrelser).\n\n---\n" + info.Message + "\n---\n"
	return mail.Message{Key: id + "/resident-information", To: g.Residents,
		Subject: "Information til beboerne – " + g.AreaName, Text: text}
}

func evaluationTaskMail(id string, in Input, g Group, owner Member, due time.Time, loc *time.Location) mail.Message {
	text := fmt.Sprintf("Styregruppen har besluttet at evaluere beredskabsindsatsen. Evalueringen skal foreligge umiddelbart efter "+
		"aktiveringen, senest %s.\n\nEvaluér f.eks., om beredskabet fungerede, og om de rigtige informationskanaler blev brugt. "+
		"Registrér evalueringen her:\n%s\n", localTime(due, loc), g.RunURL)
	return mail.Message{Key: id + "/task-evaluation", To: []string{owner.Email}, Subject: "Opgave: evaluering – " + subjectPrefix(in, g), Text: text}
}

func evaluationReminderMail(id string, in Input, g Group, owner Member, due time.Time, loc *time.Location) mail.Message {
	return mail.Message{Key: id + "/evaluation-reminder", To: []string{owner.Email},
		Subject: "Påmindelse: evaluering – " + subjectPrefix(in, g),
		Text:    fmt.Sprintf("Evalueringen skulle have foreligget senest %s.\n\n%s\n", localTime(due, loc), g.RunURL)}
}

func evaluationMail(id string, in Input, g Group, e Evaluation) mail.Message {
	worked := "Nej"
	if e.ChannelsWorked {
		worked = "Ja"
	}
	return mail.Message{Key: id + "/evaluation", To: emails(g.Members), Subject: "Evaluering – " + subjectPrefix(in, g),
		Text: "Evaluering af beredskabsindsatsen:\n\n" + e.Summary + "\n\nInformationskanalerne virkede: " + worked + "\n"}
}

func statusMeetingMail(id, year string, g Group) mail.Message {
	text := fmt.Sprintf("Det er tid til det årlige statusmøde i beredskabets styregruppe (planår %s).\n\n"+
		"Sekretariatslederen indkalder. På mødet gennemgås beredskabsplanen – herunder om deltagerlisten og "+
		"kontaktoplysningerne er opdaterede – og generelle kriminalpræventive emner i områderne drøftes.\n", year)
	return mail.Message{Key: id, To: emails(g.Members),
		Subject: "Årligt statusmøde i beredskabets styregruppe " + year, Text: text}
}

func emails(ms []Member) []string {
	out := make([]string, 0, len(ms))
	seen := map[string]bool{}
	for _, m := range ms {
		if !seen[m.Email] {
			seen[m.Email] = true
			out = append(out, m.Email)
		}
	}
	return out
}

// printf appends to b. Workflows build their mail text with it because
// workflowcheck cannot tell fmt.Fprintf to a builder from one to a file.
func printf(b *strings.Builder, format string, args ...any) {
	b.WriteString(fmt.Sprintf(format, args...))
}
