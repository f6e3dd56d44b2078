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
	"helhed/fsutil"
	"helhed/mail"
	"helhed/plan"
	"helhed/workflows/report"
)

// Activities are the report's side effects. The method names are the
// registered activity names the workflow calls.
type Activities struct {
	Plan    *plan.Plan
	Redis   redis.Cmdable
	DataDir string
	// Mail is the shared mail activity, called in-process so the PDF goes
	// from disk to the message without passing through workflow history.
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

// Dir is where a plan year's versions are kept.
func Dir(dataDir, planYear string) string { return filepath.Join(dataDir, "reports", planYear) }

// LastVersion is the highest version of planYear on disk, 0 when none. A
// run numbers on from it, so a rerun of a closed year never overwrites the
// files of a version an earlier run rendered (and the board approved).
func (a *Activities) LastVersion(_ context.Context, planYear string) (int, error) {
	files, err := os.ReadDir(Dir(a.DataDir, planYear))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	last := 0
	for _, f := range files {
		if m := fileRe.FindStringSubmatch(f.Name()); m != nil && strings.HasPrefix(f.Name(), "v") {
			if n, _ := strconv.Atoi(m[1]); n > last {
				last = n
			}
		}
	}
	return last, nil
}

// Render assembles the plan year, writes v<N>.html and prints v<N>.pdf.
// Files are written to a temporary name and renamed, so a reader never
// sees half a file; a retry rewrites the same version.
func (a *Activities) Render(ctx context.Context, in report.RenderInput) (report.Version, error) {
	r, err := Assemble(ctx, a.Plan, a.Redis, in.PlanYear, in.Version, in.Now, in.Comments)
	if err != nil {
		return report.Version{}, err
	}
	html, err := RenderHTML(r)
	if err != nil {
		return report.Version{}, err
	}
	dir := Dir(a.DataDir, in.PlanYear)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return report.Version{}, fmt.Errorf("create %s: %w", dir, err)
	}
	base := "v" + strconv.Itoa(in.Version)
	htmlPath := filepath.Join(dir, base+".html")
	if err := fsutil.WriteAtomic(htmlPath, html, 0o600); err != nil {
		return report.Version{}, err
	}
	pdf, err := PrintPDF(ctx, htmlPath)
	if err != nil {
		return report.Version{}, err
	}
	pdfPath := filepath.Join(dir, base+".pdf")
	if err := fsutil.WriteAtomic(pdfPath, pdf, 0o600); err != nil {
		return report.Version{}, err
	}
	rel := func(p string) string { r, _ := filepath.Rel(a.DataDir, p); return r }
	return report.Version{Version: in.Version, HTML: rel(htmlPath), PDF: rel(pdfPath), RenderedAt: in.Now}, nil
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
	pdf, err := os.ReadFile(filepath.Join(a.DataDir, in.Version.PDF))
	if err != nil {
		return fmt.Errorf("read approved report: %w", err)
	}
	return a.Mail.SendMail(ctx, report.CommitteeMessage(a.Plan, in, pdf))
}

// KeyState is the read-model key of a report run's state.
func KeyState(planYear string) string { return "helhed:report:" + planYear }

// PublishState writes the run's state to the read model (a whole-value
// SET: idempotent).
func (a *Activities) PublishState(ctx context.Context, s report.State) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if err := a.Redis.Set(ctx, KeyState(s.PlanYear), b, 0).Err(); err != nil {
		return fmt.Errorf("publish report state %s: %w", s.PlanYear, err)
	}
	return nil
}
