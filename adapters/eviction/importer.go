package eviction

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"sync"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"helhed/arrears"
	"helhed/danish"
	"helhed/plan"
	"helhed/pseudonym"
	"helhed/runs"
	"helhed/searchattr"
	"helhed/workflows"
	"helhed/workflows/eviction"
)

// Importer turns an arrears list into cases: each accepted line goes to
// its tenancy's open EvictionCase, so a tenancy on this month's and last
// month's list is one case, updated; a tenancy with no open case gets a
// new one, which is the next episode, linked to the last, when the
// tenancy's last case has closed.
type Importer struct {
	Plan     *plan.Plan
	Hasher   *pseudonym.Hasher
	Temporal client.Client
	// Workers is how many lines are delivered at once (default 16).
	Workers int
}

// ImportResult is the answer of POST /api/v1/arrears (docs/interfaces.md)
// plus details.
type ImportResult struct {
	Accepted       int                 `json:"accepted"`
	Duplicates     int                 `json:"duplicates"`
	Rejected       []arrears.Rejection `json:"rejected"`
	DuplicateLines []arrears.Duplicate `json:"duplicateLines"`
	Lines          int                 `json:"lines"`
	Encoding       string              `json:"encoding"`
	ListID         string              `json:"listId"`
	ListDate       plan.Date           `json:"listDate"`
	// Delivered says, line by line, which case each accepted line went to.
	Delivered []Delivery `json:"delivered"`
}

// Delivery is what became of one delivered line.
type Delivery struct {
	Line       int    `json:"line"`
	WorkflowID string `json:"workflowId"` // pseudonymous: the tenancy's case
	Outcome    string `json:"outcome"`    // DeliveredNewCase | DeliveredNewEpisode | DeliveredOpenCase
	// Episode is the new case's episode number (not set for an open case);
	// Previous is the closed case it follows.
	Episode  int                    `json:"episode,omitempty"`
	Previous *eviction.PreviousCase `json:"previous,omitempty"`
	Message  string                 `json:"message"` // Danish
}

// Delivery outcomes.
const (
	DeliveredNewCase    = "new-case"    // the tenancy's first case
	DeliveredNewEpisode = "new-episode" // a new case after the last one closed
	DeliveredOpenCase   = "open-case"   // added to the tenancy's open case
)

// ListID identifies a list by its date and content, so importing the same
// file for the same date again is recognised by every case.
func ListID(listDate plan.Date, body []byte) string {
	sum := sha256.Sum256(body)
	return listDate.String() + "-" + hex.EncodeToString(sum[:6])
}

// Import parses body and delivers every accepted line. A *arrears.FileError
// means nothing was delivered. A line whose delivery fails (Temporal
// unavailable) is reported as rejected with that reason; importing the
// file again delivers it, and the lines delivered before are recognised by
// their list id. progress, when set, is called as lines are delivered.
func (im *Importer) Import(ctx context.Context, body []byte, listDate plan.Date, progress func(done, total int)) (*ImportResult, error) {
	parsed, err := arrears.Parse(bytes.NewReader(body), arrears.Options{Plan: im.Plan, Hasher: im.Hasher, ListDate: listDate})
	if err != nil {
		return nil, err
	}
	res := &ImportResult{
		Duplicates: len(parsed.Duplicates), Rejected: parsed.Rejected, DuplicateLines: parsed.Duplicates,
		Lines: parsed.Lines, Encoding: parsed.Encoding, ListID: ListID(listDate, body), ListDate: listDate,
	}
	delivered, failed := im.deliver(ctx, parsed.Entries, res.ListID, listDate, progress)
	res.Accepted = len(parsed.Entries) - len(failed)
	res.Rejected = append(res.Rejected, failed...)
	res.Delivered = delivered
	sort.Slice(res.Rejected, func(i, j int) bool { return res.Rejected[i].Line < res.Rejected[j].Line })
	sort.Slice(res.Delivered, func(i, j int) bool { return res.Delivered[i].Line < res.Delivered[j].Line })
	if res.Delivered == nil {
		res.Delivered = []Delivery{}
	}
	if res.Rejected == nil {
		res.Rejected = []arrears.Rejection{}
	}
	if res.DuplicateLines == nil {
		res.DuplicateLines = []arrears.Duplicate{}
	}
	return res, nil
}

// deliver delivers every entry, Workers at a time, and returns what became
// of the lines delivered and the lines that could not be.
func (im *Importer) deliver(ctx context.Context, entries []arrears.Entry, listID string, listDate plan.Date, progress func(done, total int)) ([]Delivery, []arrears.Rejection) {
	workers := im.Workers
	if workers <= 0 {
		workers = 16
	}
	var (
		mu        sync.Mutex
		failed    []arrears.Rejection
		delivered []Delivery
		done      int
		wg        sync.WaitGroup
		next      = make(chan arrears.Entry)
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range next {
				d, err := im.Signal(ctx, e, listID, listDate)
				mu.Lock()
				if err != nil {
					failed = append(failed, arrears.Rejection{Line: e.Line,
						Error: fmt.Sprintf("linjen kunne ikke leveres til sin sag (%s); importér filen igen: linjer, der allerede er leveret, genkendes", runs.Message(err))})
				} else {
					delivered = append(delivered, d)
				}
				done++
				if progress != nil {
					progress(done, len(entries))
				}
				mu.Unlock()
			}
		}()
	}
	for _, e := range entries {
		next <- e
	}
	close(next)
	wg.Wait()
	return delivered, failed
}

// Signal delivers one list line to its tenancy's case: to the open case
// when there is one, else to a new case, started with the line. When the
// tenancy's last case has closed (resolved or ended), the new case is its
// next episode and carries the link to it.
//
// An open case is signalled by its run ID, so a case that closes between
// the look-up and the signal is not signalled in the dark: the look-up is
// made again and the line opens the next episode. (A line that reaches a
// case whose stage has closed but whose run is still finishing, waiting
// for a handler or the § 92 notice, is recorded on that case; importing
// the list again after the run ends opens the next episode.)
func (im *Importer) Signal(ctx context.Context, e arrears.Entry, listID string, listDate plan.Date) (Delivery, error) {
	entry := eviction.ListEntry{
		ListID: listID, ListDate: listDate, PlanID: im.Plan.ID, Organisation: e.Organisation, Owner: im.owner(e.Organisation),
		Department: e.Department, Area: e.Area, TenancyNumber: e.TenancyNumber, Contact: e.Contact,
		Arrears: e.Arrears, DueDate: e.DueDate, Reminders: e.Reminders,
	}
	in := eviction.Input{CaseInput: eviction.CaseInput{
		Organisation: e.Organisation, Department: e.Department, TenancyNumber: e.TenancyNumber,
		Contact: e.Contact, Arrears: e.Arrears, DueDate: e.DueDate, Reminders: e.Reminders,
	}, List: &entry}
	id := eviction.WorkflowID(e.TenancyID)
	d := Delivery{Line: e.Line, WorkflowID: id}
	for attempt := 1; ; attempt++ {
		last, err := im.Temporal.DescribeWorkflowExecution(ctx, id, "")
		var notFound *serviceerror.NotFound
		switch {
		case errors.As(err, &notFound):
			// No case yet: the tenancy's first.
		case err != nil:
			return d, fmt.Errorf("look up case %s: %w", id, err)
		case last.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
			err := im.Temporal.SignalWorkflow(ctx, id, last.GetWorkflowExecutionInfo().GetExecution().GetRunId(), eviction.SignalList, entry)
			if errors.As(err, &notFound) && attempt < 3 {
				continue // it closed (or continued as new) since the look-up
			}
			if err != nil {
				return d, fmt.Errorf("signal case %s: %w", id, err)
			}
			d.Outcome, d.Message = DeliveredOpenCase, "føjet til den åbne sag"
			return d, nil
		default:
			if in.Previous, err = closedCase(ctx, im.Temporal, last.GetWorkflowExecutionInfo()); err != nil {
				return d, err
			}
		}
		break
	}
	opts := client.StartWorkflowOptions{
		ID:                    id,
		TaskQueue:             workflows.TaskQueue,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			searchattr.Kind.ValueSet(eviction.Kind), searchattr.Stage.ValueSet(string(eviction.StageArrears)),
			searchattr.Area.ValueSet(e.Area), searchattr.PlanID.ValueSet(im.Plan.ID)),
	}
	// Should another import have opened the case a moment ago, the line
	// joins it (and this report still calls it new).
	if _, err := im.Temporal.SignalWithStartWorkflow(ctx, id, eviction.SignalList, entry, opts, eviction.WorkflowName, in); err != nil {
		return d, fmt.Errorf("start case %s: %w", id, err)
	}
	if prev := in.Previous; prev != nil {
		d.Outcome, d.Episode, d.Previous = DeliveredNewEpisode, max(prev.Episode, 1)+1, prev
		d.Message = fmt.Sprintf("ny sag (forløb %d, forrige afsluttet %s)", d.Episode, danish.Date(prev.Closed))
		return d, nil
	}
	d.Outcome, d.Episode, d.Message = DeliveredNewCase, 1, "ny sag (forløb 1)"
	return d, nil
}

// owner is the partner administering an organisation: the housing-social
// worker's employer, who owns the outreach task.
func (im *Importer) owner(org string) string {
	if o, ok := im.Plan.HousingOrganisation(org); ok {
		return o.Administrator
	}
	return ""
}
