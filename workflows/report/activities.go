package report

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"helhed/activities"
	"helhed/fsutil"
	"helhed/mail"
	"helhed/plan"
)

// Activities are the report's side effects.
type Activities struct {
	Plan    *plan.Plan
	Redis   redis.Cmdable
	DataDir string
	// Mail is the shared mail activity, called in-process so the PDF goes
	// from disk to the message without passing through workflow history.
	Mail      *activities.Mail
	PublicURL string
}

// ResolveInput carries the workflow's clock.
type ResolveInput struct {
	Input Input     `json:"input"`
	Now   time.Time `json:"now"`
}

// Resolved is the plan year and the recipients.
type Resolved struct {
	PlanYear   string   `json:"planYear"`
	PlanID     string   `json:"planId"`
	Recipients []string `json:"recipients"`
	// Reviewer is the board secretariat, told when a version awaits
	// approval.
	Reviewer string `json:"reviewer"`
}

// Resolve fixes the plan year (the last ended one when empty) and who gets
// the report.
func (a *Activities) Resolve(_ context.Context, in ResolveInput) (Resolved, error) {
	p := a.Plan
	label := in.Input.PlanYear
	if label == "" {
		today := p.DateOf(in.Now)
		for _, y := range p.PlanYears() {
			if y.Period.End.Before(today) {
				label = y.Label
			}
		}
	}
	if _, ok := p.PlanYear(label); !ok {
		return Resolved{}, nonRetryable(fmt.Errorf("planYear %q is not a plan year of %s", label, p.ID))
	}
	r := Resolved{PlanYear: label, PlanID: p.ID, Recipients: in.Input.Recipients}
	if chair, ok := p.Partner(p.Governance.Board.Chair); ok && len(r.Recipients) == 0 {
		r.Recipients = []string{chair.Email}
	}
	if sec, ok := p.Partner(p.Governance.Board.Secretariat); ok {
		r.Reviewer = sec.Email
	}
	if len(r.Recipients) == 0 {
		return Resolved{}, nonRetryable(fmt.Errorf("no recipients: the plan's board has no chair with an address, and the input names none"))
	}
	return r, nil
}

// RenderInput is one version to render.
type RenderInput struct {
	PlanYear string    `json:"planYear"`
	Version  int       `json:"version"`
	Comments []Comment `json:"comments,omitempty"`
	Now      time.Time `json:"now"`
}

// Dir is where a plan year's versions are kept.
func Dir(dataDir, planYear string) string { return filepath.Join(dataDir, "reports", planYear) }

// Render assembles the plan year, writes v<N>.html and prints v<N>.pdf.
// Files are written to a temporary name and renamed, so a reader never
// sees half a file; a retry rewrites the same version.
func (a *Activities) Render(ctx context.Context, in RenderInput) (Version, error) {
	r, err := Assemble(ctx, a.Plan, a.Redis, in.PlanYear, in.Version, in.Now, in.Comments)
	if err != nil {
		return Version{}, err
	}
	html, err := RenderHTML(r)
	if err != nil {
		return Version{}, err
	}
	dir := Dir(a.DataDir, in.PlanYear)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return Version{}, fmt.Errorf("create %s: %w", dir, err)
	}
	base := "v" + strconv.Itoa(in.Version)
	htmlPath := filepath.Join(dir, base+".html")
	if err := fsutil.WriteAtomic(htmlPath, html, 0o600); err != nil {
		return Version{}, err
	}
	pdf, err := PrintPDF(ctx, htmlPath)
	if err != nil {
		return Version{}, err
	}
	pdfPath := filepath.Join(dir, base+".pdf")
	if err := fsutil.WriteAtomic(pdfPath, pdf, 0o600); err != nil {
		return Version{}, err
	}
	rel := func(p string) string { r, _ := filepath.Rel(a.DataDir, p); return r }
	return Version{Version: in.Version, HTML: rel(htmlPath), PDF: rel(pdfPath), RenderedAt: in.Now}, nil
}

// ReviewMessage is the notice to the board secretariat that a version
// awaits approval (sent with the shared Mail.SendMail activity).
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

// ReviewMail builds the review notice.
func (a *Activities) ReviewMail(_ context.Context, res Resolved, v Version) (mail.Message, error) {
	if res.Reviewer == "" {
		return mail.Message{}, nil
	}
	return ReviewMessage(a.Plan, a.PublicURL, res, v), nil
}

// DistributeInput is the approved version and its recipients.
type DistributeInput struct {
	Resolved Resolved `json:"resolved"`
	Version  Version  `json:"version"`
}

// Distribute e-mails the approved PDF to the committees, once (the mail key
// makes a retry a no-op).
func (a *Activities) Distribute(ctx context.Context, in DistributeInput) error {
	pdf, err := os.ReadFile(filepath.Join(a.DataDir, in.Version.PDF))
	if err != nil {
		return fmt.Errorf("read approved report: %w", err)
	}
	year := in.Resolved.PlanYear
	msg := mail.Message{
		Key:     fmt.Sprintf("annual-report/%s/v%d/committees", year, in.Version.Version),
		To:      in.Resolved.Recipients,
		Subject: fmt.Sprintf("Årsrapport %s for %s", year, a.Plan.Name),
		Text: fmt.Sprintf("Bestyrelsen for %s har godkendt årsrapporten for planåret %s (version %d).\n\n"+
			"Rapporten er vedhæftet til orientering af de politiske fagudvalg.\n", a.Plan.Name, year, in.Version.Version),
		Attachments: []mail.Attachment{{Name: fmt.Sprintf("aarsrapport-%s.pdf", year), ContentType: "application/pdf", Data: pdf}},
	}
	return a.Mail.SendMail(ctx, msg)
}

// KeyState is the read-model key of a report run's state.
func KeyState(planYear string) string { return "helhed:report:" + planYear }

// PublishState writes the run's state to the read model (a whole-value
// SET: idempotent).
func (a *Activities) PublishState(ctx context.Context, s State) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if err := a.Redis.Set(ctx, KeyState(s.PlanYear), b, 0).Err(); err != nil {
		return fmt.Errorf("publish report state %s: %w", s.PlanYear, err)
	}
	return nil
}
