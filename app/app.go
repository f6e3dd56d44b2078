// Package app wires one helhed process: plan, Redis, Temporal (embedded
// under -dev through a DevStack), the worker with every capability, the
// HTTP server and the metrics server. The wiring is explicit: the list of
// capabilities is in capabilities.go, the platform pieces (read-model
// reconcile, schedule sync, operator API, shared activities) are wired
// here. The workers command and the integration tests both start it
// through here, so a test exercises exactly what an operator runs.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"helhed/capability"
	"helhed/codec"
	"helhed/config"
	"helhed/docstore"
	"helhed/mailer"
	"helhed/metrics"
	"helhed/operator"
	"helhed/plan"
	"helhed/readmodel"
	"helhed/searchattr"
	"helhed/store"
	"helhed/tclient"
	"helhed/web"
	"helhed/workflows"
)

// Options are what a caller adds to the configuration.
type Options struct {
	Config *config.Config
	Logger *slog.Logger
	// Extra are capabilities beyond helhed's own; tests use them for
	// probes.
	Extra []capability.Capability
	// Dev embeds Temporal and (without REDIS_URL) Redis for -dev. The
	// production build (tag production) has none, so it links no server.
	Dev DevStack
}

// DevStack runs in-process what `workers -dev` embeds; package devserver
// implements it.
type DevStack interface {
	// StartRedis starts an in-process Redis and returns its URL.
	StartRedis() (url string, stop func(), err error)
	// StartTemporal starts Temporal (and its UI) on the options' addresses.
	StartTemporal(ctx context.Context, o DevTemporal) (EmbeddedTemporal, error)
}

// DevTemporal is what the embedded Temporal is started with.
type DevTemporal struct {
	DataDir, FrontendAddr, UIAddr, Namespace string
	// CodecEndpoint is this process's codec server, for the UI.
	CodecEndpoint    string
	SearchAttributes map[string]enumspb.IndexedValueType
}

// EmbeddedTemporal is a running embedded Temporal.
type EmbeddedTemporal interface {
	FrontendAddr() string
	UIAddr() string
	Stop() error
}

// App is a running process. Stop it once.
type App struct {
	Config   *config.Config
	Plan     *plan.Plan
	Temporal client.Client
	Redis    *store.Redis
	Metrics  *metrics.Metrics
	Mail     mailer.Sender
	// Documents is the document store (DOCUMENT_STORE, else DATA_DIR).
	Documents docstore.Store
	// Operator wraps a handler in the operator API's bearer-token check:
	// a JWT of the identity provider or the shared operator token; the
	// request then carries its runs.Principal.
	Operator func(http.Handler) http.Handler
	identity *operator.Identity

	// Capabilities are the wired capabilities (see capabilities.go).
	Capabilities []capability.Capability
	// ReadModel reconciles the Redis read model of every capability.
	ReadModel *readmodel.Service

	log      *slog.Logger
	dev      EmbeddedTemporal
	worker   worker.Worker
	http     *http.Server
	metricsS *http.Server
	httpLn   net.Listener
	metricLn net.Listener
	stops    []func(context.Context) error
}

// Start brings the process up and returns once it serves. On any error it
// stops what it had started, so nothing is left half-way.
func Start(ctx context.Context, opts Options) (_ *App, err error) {
	cfg := opts.Config
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	a := &App{Config: cfg, log: log}
	defer func() {
		if err != nil {
			a.stop(context.Background())
		}
	}()

	if a.Plan, err = LoadPlan(cfg.PlanFile, time.Now()); err != nil {
		return nil, err
	}
	// Claim the HTTP ports first: a port in use is the commonest start
	// failure and should cost nothing else.
	if a.httpLn, err = listen("HTTP_ADDR", cfg.HTTPAddr); err != nil {
		return nil, err
	}
	a.onStop(func(context.Context) error { return a.httpLn.Close() })
	if a.metricLn, err = listen("METRICS_ADDR", cfg.MetricsAddr); err != nil {
		return nil, err
	}
	a.onStop(func(context.Context) error { return a.metricLn.Close() })

	if a.Metrics, err = metrics.New(); err != nil {
		return nil, err
	}
	a.onStop(func(context.Context) error { return a.Metrics.Close() })
	if err := a.Metrics.Registry.Register(metrics.NewPlanCollector(a.Plan)); err != nil {
		return nil, fmt.Errorf("register plan metrics: %w", err)
	}

	if cfg.Dev && opts.Dev == nil {
		return nil, errors.New("-dev: this build has no embedded Temporal or Redis (built with -tags production); run `go run ./workers -dev` from the source tree, or start without -dev against TEMPORAL_ADDRESS and REDIS_URL")
	}
	redisURL := cfg.RedisURL
	if redisURL == "" && cfg.Dev {
		url, stop, err := opts.Dev.StartRedis()
		if err != nil {
			return nil, fmt.Errorf("start in-process redis: %w", err)
		}
		a.onStop(func(context.Context) error { stop(); return nil })
		redisURL = url
	}
	if a.Redis, err = store.Open(ctx, redisURL, redisURL != cfg.RedisURL); err != nil {
		return nil, err
	}
	a.onStop(func(context.Context) error { return a.Redis.Close() })

	if a.Documents, err = docstore.Open(ctx, cfg.DocumentStore, cfg.DataDir); err != nil {
		return nil, err
	}
	a.onStop(func(context.Context) error { return a.Documents.Close() })

	if a.Mail, err = mailer.New(mailer.Settings{SMTPURL: cfg.SMTPURL, SMTPInsecurePlain: cfg.SMTPInsecurePlain, SMTPCAFile: cfg.SMTPCAFile,
		From: cfg.MailFrom, OutboxDir: filepath.Join(cfg.DataDir, "outbox")}, store.MailMarker{R: a.Redis}); err != nil {
		return nil, err
	}
	// The identity provider is asked for its keys before anything else
	// starts on it, so a wrong OIDC_ISSUER stops the start here.
	if a.identity, err = operator.NewIdentity(ctx, cfg, nil); err != nil {
		return nil, err
	}
	a.Operator = a.identity.Require(&web.RateLimit{R: a.Redis, Prefix: "helhed:operator:auth-failures:", Limit: 30, Window: 10 * time.Minute}, log)

	// The worker cache is the process's, shared by its workers: sized
	// before the first one starts (config.Load always sets it). In -dev
	// the embedded server's own system workers are the first: sized after
	// them, the SDK's default (10,000 workflows) applied.
	if cfg.WorkerCacheSize > 0 {
		worker.SetStickyWorkflowCacheSize(cfg.WorkerCacheSize)
	}
	temporalAddr := cfg.TemporalAddress
	if cfg.Dev {
		a.dev, err = opts.Dev.StartTemporal(ctx, DevTemporal{
			DataDir:          cfg.DataDir,
			FrontendAddr:     cfg.TemporalAddress,
			UIAddr:           cfg.UIAddr,
			CodecEndpoint:    "http://" + a.httpLn.Addr().String() + codec.HTTPPath,
			Namespace:        cfg.TemporalNamespace,
			SearchAttributes: searchattr.Definitions(),
		})
		if err != nil {
			return nil, fmt.Errorf("embedded temporal (TEMPORAL_ADDRESS=%s, DATA_DIR=%s): %w", cfg.TemporalAddress, cfg.DataDir, err)
		}
		a.onStop(func(context.Context) error { return a.dev.Stop() })
		temporalAddr = a.dev.FrontendAddr()
	}

	if a.Temporal, err = tclient.Dial(ctx, cfg, temporalAddr, a.Metrics.SDK, log); err != nil {
		return nil, err
	}
	a.onStop(func(context.Context) error { a.Temporal.Close(); return nil })

	deps := capability.Deps{Config: cfg, Plan: a.Plan, Temporal: a.Temporal, Redis: a.Redis, Mail: a.Mail, Documents: a.Documents, Log: log}
	if a.Capabilities, err = Capabilities(deps); err != nil {
		return nil, err
	}
	a.Capabilities = append(a.Capabilities, opts.Extra...)
	reconcilers, err := Reconcilers(a.Capabilities)
	if err != nil {
		return nil, err
	}
	a.ReadModel = readmodel.New(a.Temporal, a.Redis, reconcilers, log)
	// Memos are encrypted like every payload: the reconcile reads closed
	// runs' memos with the client's converter.
	clientOpts, err := tclient.Options(cfg, temporalAddr, nil, log)
	if err != nil {
		return nil, err
	}
	a.ReadModel.DataConverter = clientOpts.DataConverter
	a.worker = worker.New(a.Temporal, workflows.TaskQueue, worker.Options{})
	if err := a.register(a.worker); err != nil {
		return nil, err
	}
	if err := a.worker.Start(); err != nil {
		return nil, fmt.Errorf("start worker: %w", err)
	}
	a.onStop(func(context.Context) error { a.worker.Stop(); return nil })

	if err := a.serve(); err != nil {
		return nil, err
	}
	if err := a.start(ctx); err != nil {
		return nil, err
	}
	// Live writes to the read model fail while Redis is away: reconcile
	// as soon as it answers again, not at the activities' next retry.
	watchCtx, stopWatch := context.WithCancel(context.Background())
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		a.ReadModel.WatchRedis(watchCtx, readmodel.RedisWatchInterval)
	}()
	a.onStop(func(context.Context) error { stopWatch(); <-watched; return nil })
	return a, nil
}

// serve starts both HTTP servers on the ports claimed at start.
func (a *App) serve() error {
	deps := a.dependencies()
	if err := a.Metrics.Registry.Register(web.DependencyCollector{Checks: deps}); err != nil {
		return fmt.Errorf("register dependency metrics: %w", err)
	}
	mux := http.NewServeMux()
	// Until a reconcile after this start has succeeded, the portal and the
	// task list may miss what Temporal holds: no dependency, but health.
	readModel := web.Check{Name: "readmodel", Check: a.ReadModel.Ready, Degraded: true}
	mux.Handle("GET /healthz", web.Health(slices.Concat(deps, []web.Check{readModel})...))
	if err := a.routes(mux); err != nil {
		return err
	}
	a.http = &http.Server{Handler: web.TrustProxies(a.Config.Proxies, mux), ReadHeaderTimeout: 10 * time.Second}
	metricsMux := http.NewServeMux()
	metricsMux.Handle("GET /metrics", a.Metrics.Handler())
	a.metricsS = &http.Server{Handler: metricsMux, ReadHeaderTimeout: 10 * time.Second}
	for _, s := range []struct {
		srv *http.Server
		ln  net.Listener
	}{{a.http, a.httpLn}, {a.metricsS, a.metricLn}} {
		go func() {
			if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				a.log.Error("http server stopped", "addr", s.ln.Addr().String(), "err", err)
			}
		}()
		a.onStop(s.srv.Shutdown)
	}
	return nil
}

// mailCheckEvery is how often the mail check asks the SMTP relay: /healthz
// and every scrape read its last answer in between, so a load balancer or
// a scrape storm does not hammer the relay.
const mailCheckEvery = 30 * time.Second

// dependencies are the services this process needs: /healthz checks them
// and helhed_dependency_up publishes the same checks.
func (a *App) dependencies() []web.Check {
	deps := []web.Check{
		{Name: "temporal", Check: func(ctx context.Context) error {
			_, err := a.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{})
			return err
		}},
		{Name: "redis", Check: func(ctx context.Context) error {
			return a.Redis.Ping(ctx).Err()
		}},
		// Without the document store reports and meeting documents wait
		// (their activities retry), but the portal and the API serve.
		{Name: "documents", Check: a.Documents.Ping, Degraded: true},
	}
	// Mail is sent by activities that retry, so a relay that is away
	// degrades the process, it does not stop it. Mail written to files
	// (no SMTP_URL) has nothing to check.
	if smtp, ok := a.Mail.(*mailer.SMTP); ok {
		deps = append(deps, web.Check{Name: "mail", Check: web.Cached(mailCheckEvery, 10*time.Second, smtp.Ping), Degraded: true})
	}
	return deps
}

// HTTPAddr is the address the portal, API and /healthz listen on.
func (a *App) HTTPAddr() string { return a.httpLn.Addr().String() }

// MetricsAddr is the address /metrics listens on.
func (a *App) MetricsAddr() string { return a.metricLn.Addr().String() }

// TemporalUIAddr is the embedded UI's address, or "" without -dev.
func (a *App) TemporalUIAddr() string {
	if a.dev == nil {
		return ""
	}
	return a.dev.UIAddr()
}

// TemporalUIOrigin is the origin whose pages may call the codec server:
// TEMPORAL_UI_ORIGIN, or under -dev the embedded UI's.
func (a *App) TemporalUIOrigin() string {
	if ui := a.TemporalUIAddr(); a.Config.UIOrigin == "" && ui != "" {
		return "http://" + ui
	}
	return a.Config.UIOrigin
}

// TemporalAddr is the frontend the client talks to.
func (a *App) TemporalAddr() string {
	if a.dev != nil {
		return a.dev.FrontendAddr()
	}
	return a.Config.TemporalAddress
}

// Stop shuts down in reverse order of start: HTTP stops taking requests,
// the worker finishes its running tasks, then the client, Temporal and
// Redis close.
func (a *App) Stop(ctx context.Context) error { return a.stop(ctx) }

func (a *App) onStop(f func(context.Context) error) { a.stops = append(a.stops, f) }

func (a *App) stop(ctx context.Context) error {
	var errs []error
	for i := len(a.stops) - 1; i >= 0; i-- {
		if err := a.stops[i](ctx); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	a.stops = nil
	return errors.Join(errs...)
}

// LoadPlan reads PLAN_FILE, or picks the embedded plan whose period
// contains now.
func LoadPlan(file string, now time.Time) (*plan.Plan, error) {
	if file != "" {
		p, err := plan.LoadFile(file)
		if err != nil {
			return nil, fmt.Errorf("PLAN_FILE: %w", err)
		}
		return p, nil
	}
	p, err := plan.ForDate(now)
	if err != nil {
		return nil, fmt.Errorf("no embedded plan covers %s; set PLAN_FILE: %w", now.Format(time.DateOnly), err)
	}
	return p, nil
}

func listen(setting, addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s=%s: cannot listen (port in use? set %s to another address): %w", setting, addr, setting, err)
	}
	return ln, nil
}

// Banner tells the user where everything is.
func (a *App) Banner(w io.Writer) {
	mode := "connected"
	if a.Config.Dev {
		mode = "dev (everything embedded)"
	}
	fmt.Fprintf(w, "helhed is running, %s\n", mode)
	fmt.Fprintf(w, "  plan:        %s — %s\n", a.Plan.ID, a.Plan.Name)
	fmt.Fprintf(w, "  temporal:    %s (namespace %s)\n", a.TemporalAddr(), a.Config.TemporalNamespace)
	if ui := a.TemporalUIAddr(); ui != "" {
		fmt.Fprintf(w, "  temporal UI: http://%s\n", ui)
	}
	fmt.Fprintf(w, "  portal/API:  http://%s (public URL %s)\n", a.HTTPAddr(), a.Config.PublicURL)
	fmt.Fprintf(w, "  operator:    http://%s/operator/\n", a.HTTPAddr())
	fmt.Fprintf(w, "  health:      http://%s/healthz\n", a.HTTPAddr())
	fmt.Fprintf(w, "  metrics:     http://%s/metrics\n", a.MetricsAddr())
	if a.Redis.Embedded() {
		fmt.Fprintf(w, "  redis:       in-process (set REDIS_URL for a real one)\n")
	} else {
		fmt.Fprintf(w, "  redis:       %s\n", a.Redis.Options().Addr)
	}
	if a.Config.Mail() == config.MailSMTP {
		fmt.Fprintf(w, "  mail:        %s\n", a.Mail) // never the password
	} else {
		fmt.Fprintf(w, "  mail:        .eml files in %s (no SMTP_URL; nothing is sent)\n", filepath.Join(a.Config.DataDir, "outbox"))
	}
	fmt.Fprintf(w, "  data dir:    %s\n", a.Config.DataDir)
	for _, g := range a.Config.Generated {
		switch g {
		case "OPERATOR_TOKEN":
			fmt.Fprintf(w, "  operator token: kept in %s (set OPERATOR_TOKEN to choose one); for the starter and the pages:\n", filepath.Join(a.Config.DataDir, config.OperatorTokenFile))
			fmt.Fprintf(w, "    export OPERATOR_TOKEN=%s\n", a.Config.OperatorToken)
		case "PAYLOAD_KEY":
			fmt.Fprintf(w, "  payload key: kept in %s (set PAYLOAD_KEY in production)\n", filepath.Join(a.Config.DataDir, config.PayloadKeyFile))
		case "TOKEN_SECRET":
			fmt.Fprintf(w, "  token secret: kept in %s (set TOKEN_SECRET in production)\n", filepath.Join(a.Config.DataDir, config.TokenSecretFile))
		case "PSEUDONYM_KEY":
			fmt.Fprintf(w, "  pseudonym key: kept in %s (set PSEUDONYM_KEY in production)\n", filepath.Join(a.Config.DataDir, config.PseudonymKeyFile))
		}
	}
	fmt.Fprintln(w, "Try: go run ./starter kinds")
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
}
