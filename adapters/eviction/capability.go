// Package eviction holds the side effects of eviction prevention: the
// arrears-list importer (API, CLI, inbox), the activities, the Redis read
// model, the collector, the reconciler and the run kind, and New, which
// lists them. The rules (the legal clock, the input validator) and the
// workflows are in helhed/workflows/eviction; the arrears list's parser is
// helhed/arrears.
package eviction

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"

	"helhed/capability"
	"helhed/pseudonym"
	"helhed/readmodel"
	"helhed/runs"
	"helhed/workflows"
	"helhed/workflows/eviction"
)

// The inbox pick-up is one long-running workflow (eviction.InboxWatch,
// ID eviction.InboxWatchID), started by every worker and joined if it
// runs: it waits for a complete file and only then runs a scan, so an
// idle inbox executes nothing. Until 2026-12 a schedule (ScheduleID)
// started a scan every minute; start deletes it.
const ScheduleID = "helhed/eviction-inbox"

// New lists the eviction-case capability.
func New(d capability.Deps) (capability.Capability, error) {
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	// Without Temporal (the starter reading the kinds) a missing pseudonym
	// key matters only once a case is started, which the workers refuse;
	// the kind then gives no workflow ID.
	var hasher *pseudonym.Hasher
	key, err := d.Config.PseudonymKeyBytes()
	switch {
	case err == nil:
		hasher = pseudonym.New(key)
	case d.Temporal != nil:
		return capability.Capability{}, fmt.Errorf("PSEUDONYM_KEY: %w", err)
	}
	model := &ReadModel{R: d.Redis}
	importer := &Importer{Plan: d.Plan, Hasher: hasher, Temporal: d.Temporal}
	inbox := &Inbox{Dir: filepath.Join(d.Config.DataDir, "inbox"), Docs: d.Documents, Importer: importer, Log: log}
	h := &api{plan: d.Plan, importer: importer, model: model, log: log, now: time.Now}
	kind := RunKind(d.Plan, hasher)
	// The pages steer cases through the run layer, as the API does.
	kinds, err := runs.NewRegistry([]runs.Kind{kind})
	if err != nil {
		return capability.Capability{}, err
	}
	pg, err := newPages(d.Plan, model, importer, &runs.Runner{Client: d.Temporal, Plan: d.Plan, Kinds: kinds}, log)
	if err != nil {
		return capability.Capability{}, err
	}
	return capability.Capability{
		Name: eviction.Kind,
		Workflows: []capability.Workflow{
			{Name: eviction.WorkflowName, Func: eviction.EvictionCase},
			{Name: eviction.InboxWorkflowName, Func: eviction.InboxScan},
			{Name: eviction.InboxWatchWorkflowName, Func: eviction.InboxWatch},
		},
		Activities: []capability.Activities{{Impl: &Activities{Plan: d.Plan, Model: model, Inbox: inbox, Temporal: d.Temporal},
			Options: activity.RegisterOptions{Name: eviction.ActivityPrefix}}},
		Kinds:       []runs.Kind{kind},
		Reconcilers: []readmodel.Reconciler{Reconciler(d.Plan)},
		Collectors:  []prometheus.Collector{&Collector{Plan: d.Plan, Model: model, Log: log}},
		Routes: []capability.Route{
			{Pattern: "POST /api/v1/arrears", Handler: http.HandlerFunc(h.handleImport), Access: capability.Operator, Roles: caseWorkers},
			{Pattern: "GET /api/v1/cases", Handler: http.HandlerFunc(h.handleCases), Access: capability.Operator},
			{Pattern: "GET /operator/cases", Handler: http.HandlerFunc(pg.cases), Access: capability.OperatorPage},
			{Pattern: "GET /operator/cases/{tenancy}", Handler: http.HandlerFunc(pg.casePage), Access: capability.OperatorPage},
			{Pattern: "POST /operator/cases/{tenancy}/actions/{name}", Handler: http.HandlerFunc(pg.action), Access: capability.OperatorPage, Roles: caseWorkers},
			{Pattern: "GET /operator/imports", Handler: http.HandlerFunc(pg.imports), Access: capability.OperatorPage},
			{Pattern: "POST /operator/imports", Handler: http.HandlerFunc(pg.importList), Access: capability.OperatorPage, Roles: caseWorkers},
		},
		Start: func(ctx context.Context) error { return start(ctx, d.Temporal, inbox) },
	}, nil
}

// start makes the inbox folders, deletes the old per-minute schedule and
// starts the inbox watch (or finds it running).
func start(ctx context.Context, tc client.Client, inbox *Inbox) error {
	if err := inbox.Prepare(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := tc.ScheduleClient().GetHandle(ctx, ScheduleID).Delete(ctx)
	var notFound *serviceerror.NotFound
	if err != nil && !errors.As(err, &notFound) {
		return fmt.Errorf("delete schedule %s: %w", ScheduleID, err)
	}
	_, err = tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: eviction.InboxWatchID, TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, eviction.InboxWatchWorkflowName)
	if err != nil {
		return fmt.Errorf("start the arrears inbox watch: %w", err)
	}
	return nil
}
