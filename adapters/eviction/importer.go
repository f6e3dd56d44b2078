package eviction

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"sync"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"helhed/arrears"
	"helhed/plan"
	"helhed/pseudonym"
	"helhed/runs"
	"helhed/searchattr"
	"helhed/workflows"
	"helhed/workflows/eviction"
)

// Importer turns an arrears list into cases: each accepted line
// signals-with-start its tenancy's EvictionCase, so a tenancy on this
// month's and last month's list is one case, updated.
type Importer struct {
	Plan     *plan.Plan
	Hasher   *pseudonym.Hasher
	Temporal client.Client
	// Workers is how many lines are delivered at once (default 16).
	Workers int
}

// ImportResult is the API's answer (DESIGN.md §8) plus details.
type ImportResult struct {
	Accepted       int                 `json:"accepted"`
	Duplicates     int                 `json:"duplicates"`
	Rejected       []arrears.Rejection `json:"rejected"`
	DuplicateLines []arrears.Duplicate `json:"duplicateLines"`
	Lines          int                 `json:"lines"`
	Encoding       string              `json:"encoding"`
	ListID         string              `json:"listId"`
	ListDate       plan.Date           `json:"listDate"`
}

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
	failed := im.deliver(ctx, parsed.Entries, res.ListID, listDate, progress)
	res.Accepted = len(parsed.Entries) - len(failed)
	res.Rejected = append(res.Rejected, failed...)
	sort.Slice(res.Rejected, func(i, j int) bool { return res.Rejected[i].Line < res.Rejected[j].Line })
	if res.Rejected == nil {
		res.Rejected = []arrears.Rejection{}
	}
	if res.DuplicateLines == nil {
		res.DuplicateLines = []arrears.Duplicate{}
	}
	return res, nil
}

// deliver signals-with-start every entry, Workers at a time, and returns
// the lines that could not be delivered.
func (im *Importer) deliver(ctx context.Context, entries []arrears.Entry, listID string, listDate plan.Date, progress func(done, total int)) []arrears.Rejection {
	workers := im.Workers
	if workers <= 0 {
		workers = 16
	}
	var (
		mu     sync.Mutex
		failed []arrears.Rejection
		done   int
		wg     sync.WaitGroup
		next   = make(chan arrears.Entry)
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range next {
				err := im.Signal(ctx, e, listID, listDate)
				mu.Lock()
				if err != nil {
					failed = append(failed, arrears.Rejection{Line: e.Line,
						Error: fmt.Sprintf("linjen kunne ikke leveres til sin sag (%s); importér filen igen: linjer, der allerede er leveret, genkendes", runs.Message(err))})
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
	return failed
}

// Signal delivers one list line to its tenancy's case, starting the case
// when none is open.
func (im *Importer) Signal(ctx context.Context, e arrears.Entry, listID string, listDate plan.Date) error {
	entry := eviction.ListEntry{
		ListID: listID, ListDate: listDate, PlanID: im.Plan.ID, Organisation: e.Organisation, Owner: im.owner(e.Organisation),
		Department: e.Department, Area: e.Area, TenancyNumber: e.TenancyNumber, Contact: e.Contact,
		Arrears: e.Arrears, DueDate: e.DueDate, Reminders: e.Reminders,
	}
	in := eviction.Input{CaseInput: eviction.CaseInput{
		Organisation: e.Organisation, Department: e.Department, TenancyNumber: e.TenancyNumber,
		Contact: e.Contact, Arrears: e.Arrears, DueDate: e.DueDate, Reminders: e.Reminders,
	}, List: &entry}
	opts := client.StartWorkflowOptions{
		ID:                    eviction.WorkflowID(e.TenancyID),
		TaskQueue:             workflows.TaskQueue,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			searchattr.Kind.ValueSet(eviction.Kind), searchattr.Stage.ValueSet(string(eviction.StageArrears)),
			searchattr.Area.ValueSet(e.Area), searchattr.PlanID.ValueSet(im.Plan.ID)),
	}
	_, err := im.Temporal.SignalWithStartWorkflow(ctx, opts.ID, eviction.SignalList, entry, opts, eviction.WorkflowName, in)
	return err
}

// owner is the partner administering an organisation: the housing-social
// worker's employer, who owns the outreach task.
func (im *Importer) owner(org string) string {
	if o, ok := im.Plan.HousingOrganisation(org); ok {
		return o.Administrator
	}
	return ""
}
