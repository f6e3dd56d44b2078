package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/temporal"

	"helhed/activities"
	"helhed/docstore"
	"helhed/mail"
	"helhed/plan"
	"helhed/workflows/report"
)

// Activities are the report's side effects. The method names are the
// registered activity names the workflow calls.
type Activities struct {
	Plan  *plan.Plan
	Redis redis.Cmdable
	Docs  docstore.Store
	// Mail is the shared mail activity, called in-process so the PDF goes
	// from the store to the message without passing through workflow
	// history.
	Mail      *activities.Mail
	PublicURL string
}

func nonRetryable(err error) error {
	return temporal.NewNonRetryableApplicationError(err.Error(), "BadInput", nil)
}

// Resolve fixes the plan year (the last ended one when empty) and who gets
// the report.
func (a *Activities) Resolve(_ context.Context, in report.ResolveInput) (report.Resolved, error) {
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
		return report.Resolved{}, nonRetryable(fmt.Errorf("planYear %q is not a plan year of %s", label, p.ID))
	}
	r := report.Resolved{PlanYear: label, PlanID: p.ID, Recipients: in.Input.Recipients}
	if chair, ok := p.Partner(p.Governance.Board.Chair); ok && len(r.Recipients) == 0 {
		r.Recipients = []string{chair.Email}
	}
	if sec, ok := p.Partner(p.Governance.Board.Secretariat); ok {
		r.Reviewer = sec.Email
	}
	if len(r.Recipients) == 0 {
		return report.Resolved{}, nonRetryable(fmt.Errorf("no recipients: the plan's board has no chair with an address, and the input names none"))
	}
	return r, nil
}

// Prefix is the key prefix of a plan year's versions.
func Prefix(planYear string) string { return "reports/" + planYear + "/" }

// LastVersion is the highest version of planYear kept, 0 when none. A run
// numbers on from it, so a rerun of a closed year never overwrites the
// files of a version an earlier run rendered (and the board approved).
func (a *Activities) LastVersion(ctx context.Context, planYear string) (int, error) {
	docs, err := a.Docs.List(ctx, Prefix(planYear))
	if err != nil {
		return 0, err
	}
	last := 0
	for _, d := range docs {
		if n, _, ok := versionFile(strings.TrimPrefix(d.Key, Prefix(planYear))); ok && n > last {
			last = n
		}
	}
	return last, nil
}

// Render assembles the plan year, keeps v<N>.html and prints v<N>.pdf. A
// retry puts the same HTML again and, when an earlier attempt kept the
// PDF, keeps that one (Chromium stamps every print with its time, so a
// second print would differ).
func (a *Activities) Render(ctx context.Context, in report.RenderInput) (report.Version, error) {
	r, err := Assemble(ctx, a.Plan, a.Redis, in.PlanYear, in.Version, in.Now, in.Comments)
	if err != nil {
		return report.Version{}, err
	}
	html, err := RenderHTML(r)
	if err != nil {
		return report.Version{}, err
	}
	base := Prefix(in.PlanYear) + "v" + strconv.Itoa(in.Version)
	v := report.Version{Version: in.Version, HTML: base + ".html", PDF: base + ".pdf", RenderedAt: in.Now}
	if err := a.Docs.Put(ctx, v.HTML, html, "text/html; charset=utf-8"); err != nil {
		return report.Version{}, err
	}
	_, err = a.Docs.Get(ctx, v.PDF)
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, docstore.ErrNotFound) {
		return report.Version{}, err
	}
	pdf, err := printHTML(ctx, html)
	if err != nil {
		return report.Version{}, err
	}
	if err := a.Docs.Put(ctx, v.PDF, pdf, "application/pdf"); err != nil && !errors.Is(err, docstore.ErrConflict) {
		return report.Version{}, err
	}
	// On a conflict a concurrent attempt kept its print first; that one
	// stands.
	return v, nil
}

// printHTML prints html to PDF from a private temporary file: Chromium
// loads a page from a file, and no other reader needs this copy.
func printHTML(ctx context.Context, html []byte) ([]byte, error) {
	dir, err := os.MkdirTemp("", "helhed-report-")
	if err != nil {
		return nil, fmt.Errorf("print report: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "report.html")
	if err := os.WriteFile(path, html, 0o600); err != nil {
		return nil, fmt.Errorf("print report: %w", err)
	}
	return PrintPDF(ctx, path)
}

// ReviewMail builds the review notice; none (a zero Message) when the plan
// names no secretariat.
func (a *Activities) ReviewMail(_ context.Context, res report.Resolved, v report.Version) (mail.Message, error) {
	if res.Reviewer == "" {
		return mail.Message{}, nil
	}
	return report.ReviewMessage(a.Plan, a.PublicURL, res, v), nil
}

// Distribute e-mails the approved PDF to the committees, once (the mail key
// makes a retry a no-op).
func (a *Activities) Distribute(ctx context.Context, in report.DistributeInput) error {
	pdf, err := a.Docs.Get(ctx, in.Version.PDF)
	if err != nil {
		return fmt.Errorf("read approved report: %w", err)
	}
	return a.Mail.SendMail(ctx, report.CommitteeMessage(a.Plan, in, pdf.Body))
}

// KeyState is the read-model key of a report run's state.
func KeyState(planYear string) string { return "helhed:report:" + planYear }

// PublishState writes the run's state to the read model (a whole-value
// SET: idempotent).
func (a *Activities) PublishState(ctx context.Context, s report.State) error {
	b, err := json.Marshal(s.ReadModel())
	if err != nil {
		return err
	}
	if err := a.Redis.Set(ctx, KeyState(s.PlanYear), b, 0).Err(); err != nil {
		return fmt.Errorf("publish report state %s: %w", s.PlanYear, err)
	}
	return nil
}
