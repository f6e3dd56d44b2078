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
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"helhed/config"
	"helhed/plan"
	"helhed/pseudonym"
	"helhed/runs"
	"helhed/workflows"
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

// Module wires eviction prevention into a helhed process: the workflow and
// activities, the import and case routes, the metrics and the inbox
// schedule. app/modules.go builds one per hook with For.
type Module struct {
	plan     *plan.Plan
	temporal client.Client
	model    *ReadModel
	importer *Importer
	inbox    *Inbox
	log      *slog.Logger
	err      error
}

// kindState holds the process's pseudonym hasher and plan for
// runs.Kind.WorkflowID, which is given neither; Register sets it. One
// process has one key, so a process-wide value is enough.
var kindState atomic.Pointer[kindDeps]

func kindDepsFor() kindDeps {
	if d := kindState.Load(); d != nil {
		return *d
	}
	return kindDeps{}
}

// For builds the module from a process's dependencies (log nil: the
// default logger). A configuration problem is kept and returned by the
// first hook that runs.
func For(cfg *config.Config, p *plan.Plan, tc client.Client, r redis.UniversalClient, log *slog.Logger) *Module {
	if log == nil {
		log = slog.Default()
	}
	m := &Module{plan: p, temporal: tc, model: &ReadModel{R: r}, log: log}
	key, err := pseudonymKey(cfg)
	if err != nil {
		m.err = err
		return m
	}
	m.importer = &Importer{Plan: p, Hasher: pseudonym.New(key), Temporal: tc}
	m.inbox = &Inbox{Dir: filepath.Join(cfg.DataDir, "inbox"), Importer: m.importer, Log: m.log}
	return m
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

// Err is the configuration problem For found, if any.
func (m *Module) Err() error { return m.err }

// Activities are the case and inbox activities.
func (m *Module) Activities() *Activities {
	return &Activities{Plan: m.plan, Model: m.model, Inbox: m.inbox}
}

// Collector publishes the helhed_eviction* metrics.
func (m *Module) Collector() *Collector { return &Collector{Plan: m.plan, Model: m.model, Log: m.log} }

// Kinds are the run kinds, with the process's pseudonym hasher.
func (m *Module) Kinds() []runs.Kind {
	if m.importer != nil {
		kindState.Store(&kindDeps{hasher: m.importer.Hasher, plan: m.plan})
	}
	return Kinds()
}

// Routes adds the operator routes, each behind the operator token.
func (m *Module) Routes(mux *http.ServeMux, operator func(http.Handler) http.Handler) error {
	if m.err != nil {
		return m.err
	}
	h := &api{plan: m.plan, importer: m.importer, model: m.model, log: m.log, now: time.Now}
	mux.Handle("POST /api/v1/arrears", operator(http.HandlerFunc(h.handleImport)))
	mux.Handle("GET /api/v1/cases", operator(http.HandlerFunc(h.handleCases)))
	return nil
}

// Start makes the inbox folders and the inbox schedule (kept if it
// exists, so an operator's pause survives a restart).
func (m *Module) Start() error {
	if m.err != nil {
		return m.err
	}
	if err := m.inbox.Prepare(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := m.temporal.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:   ScheduleID,
		Spec: client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: InboxInterval}}},
		Action: &client.ScheduleWorkflowAction{
			ID: "eviction-inbox-scan", Workflow: InboxWorkflowName, TaskQueue: workflows.TaskQueue,
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
