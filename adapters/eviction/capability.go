// Package eviction holds the side effects of eviction prevention: the
// arrears-list importer (API, CLI, inbox), the activities, the Redis read
// model, the collector, the reconciler and the run kind, and New, which
// lists them. The rules (the legal clock, the input validator) and the
// workflows are in helhed/workflows/eviction; the arrears list's parser is
// helhed/arrears.
package eviction

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"helhed/capability"
	"helhed/config"
	"helhed/pseudonym"
	"helhed/readmodel"
	"helhed/runs"
	"helhed/workflows"
	"helhed/workflows/eviction"
)

// The inbox pick-up runs as a Temporal schedule, so it lives and stops
// with the workers, runs once however many replicas there are, and every
// scan is in history. Its ID is under helhed's schedule prefix, so
// `starter schedules list|pause|trigger` see it, but not per plan: one
// inbox, whichever plan runs. Missed scans are not caught up (a scan takes
// everything waiting), and a scan still running skips the next.
const (
	ScheduleID    = "helhed/eviction-inbox"
	InboxInterval = time.Minute
	inboxCatchup  = 2 * time.Minute
)

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
	key, err := pseudonymKey(d.Config)
	switch {
	case err == nil:
		hasher = pseudonym.New(key)
	case d.Temporal != nil:
		return capability.Capability{}, err
	}
	model := &ReadModel{R: d.Redis}
	importer := &Importer{Plan: d.Plan, Hasher: hasher, Temporal: d.Temporal}
	inbox := &Inbox{Dir: filepath.Join(d.Config.DataDir, "inbox"), Importer: importer, Log: log}
	h := &api{plan: d.Plan, importer: importer, model: model, log: log, now: time.Now}
	return capability.Capability{
		Name: eviction.Kind,
		Workflows: []capability.Workflow{
			{Name: eviction.WorkflowName, Func: eviction.EvictionCase},
			{Name: eviction.InboxWorkflowName, Func: eviction.InboxScan},
		},
		Activities: []capability.Activities{{Impl: &Activities{Plan: d.Plan, Model: model, Inbox: inbox, Temporal: d.Temporal},
			Options: activity.RegisterOptions{Name: eviction.ActivityPrefix}}},
		Kinds:       []runs.Kind{RunKind(d.Plan, hasher)},
		Reconcilers: []readmodel.Reconciler{Reconciler(d.Plan)},
		Collectors:  []prometheus.Collector{&Collector{Plan: d.Plan, Model: model, Log: log}},
		Routes: []capability.Route{
			{Pattern: "POST /api/v1/arrears", Handler: http.HandlerFunc(h.handleImport), Access: capability.Operator},
			{Pattern: "GET /api/v1/cases", Handler: http.HandlerFunc(h.handleCases), Access: capability.Operator},
		},
		Start: func(ctx context.Context) error { return start(ctx, d.Temporal, inbox) },
	}, nil
}

// pseudonymKey is PSEUDONYM_KEY when set, else a key derived from the
// current PAYLOAD_KEY. Pseudonyms must outlive key rotation, so production
// sets PSEUDONYM_KEY; a deployment that started without it sets it to the
// derived key (base64 of pseudonym.DeriveKey(old PAYLOAD_KEY, "v1")) before
// rotating PAYLOAD_KEY.
func pseudonymKey(cfg *config.Config) ([]byte, error) {
	if s := strings.TrimSpace(cfg.PseudonymKey); s != "" {
		key, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, errors.New("PSEUDONYM_KEY: not valid base64")
		}
		if err := pseudonym.CheckKey(key); err != nil {
			return nil, fmt.Errorf("PSEUDONYM_KEY: %w", err)
		}
		return key, nil
	}
	keys, err := cfg.PayloadKeys()
	if err != nil || len(keys) == 0 {
		return nil, fmt.Errorf("PAYLOAD_KEY: needed to derive the pseudonym key: %v", err)
	}
	return pseudonym.DeriveKey(keys[0], "v1"), nil
}

// start makes the inbox folders and the inbox schedule (kept if it
// exists, so an operator's pause survives a restart).
func start(ctx context.Context, tc client.Client, inbox *Inbox) error {
	if err := inbox.Prepare(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err := tc.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:   ScheduleID,
		Spec: client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: InboxInterval}}},
		Action: &client.ScheduleWorkflowAction{
			ID: "eviction-inbox-scan", Workflow: eviction.InboxWorkflowName, TaskQueue: workflows.TaskQueue,
		},
		Overlap:       enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow: inboxCatchup,
		Note:          "Indlæser rykkerlister lagt i $DATA_DIR/inbox (forebyggelse af udsættelser).",
	})
	if err != nil && !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return fmt.Errorf("create schedule %s: %w", ScheduleID, err)
	}
	return nil
}
