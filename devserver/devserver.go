// Package devserver runs a Temporal server, and optionally the Temporal UI,
// inside the current process on a SQLite file. It is what `workers -dev` and
// the integration tests stand on; production connects to a real cluster, so
// only those two import this (heavy) package.
package devserver

import (
	"context"
	"errors"
	"fmt"
	"helhed/freeport"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uioptions "github.com/temporalio/ui-server/v2/server/server_options"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	serverlog "go.temporal.io/server/common/log"
	"go.temporal.io/server/common/metrics"
	"go.temporal.io/server/common/persistence/sql"
	"go.temporal.io/server/common/persistence/sql/sqlplugin"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/resolver"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"google.golang.org/protobuf/types/known/durationpb"

	// The server and the plan both need Europe/Copenhagen on machines
	// without a zoneinfo database.
	_ "time/tzdata"
)

const clusterName = "active"

// devHistoryCacheSize is how many workflow states the embedded history
// service caches (history.hostLevelCacheMaxSize), ~30 KiB each for an
// eviction case.
const devHistoryCacheSize = 2048

// Options configure an embedded server. The zero value of each field has a
// sensible default, except DataDir, which is required unless InMemory.
type Options struct {
	// DataDir holds temporal.db; it is created if missing.
	DataDir string
	// InMemory keeps state in memory only (tests that need no restart).
	InMemory bool
	// FrontendAddr is the gRPC address clients dial [127.0.0.1:7233].
	// Port 0 picks a free port.
	FrontendAddr string
	// UIAddr serves the Temporal UI; empty disables it.
	UIAddr string
	// CodecEndpoint is the codec server the UI's pages decode payloads
	// with (helhed's /operator/codec); empty leaves them encrypted. The
	// pages call it with credentials, so the operator's login cookie
	// goes along.
	CodecEndpoint string
	// Namespace is registered at start [default].
	Namespace string
	// SearchAttributes are registered on the namespace at start.
	SearchAttributes map[string]enumspb.IndexedValueType
	// Retention keeps closed workflows this long [400 days, as in
	// docker-compose]. The read model is rebuilt from Temporal, so a short
	// retention would erase closed rounds and quarters from the dashboards.
	Retention time.Duration
	// LogLevel of the server's own log [info]. The log goes to
	// DATA_DIR/temporal.log (discarded when InMemory), keeping the
	// terminal for helhed's own messages.
	LogLevel string
}

// Server is a running embedded Temporal.
type Server struct {
	server       temporal.Server
	ui           *uiserver.Server
	frontendAddr string
	uiAddr       string
	namespace    string
}

// Start brings up the server and waits until its frontend answers health
// checks. A port already in use or a damaged database file is reported as an
// error naming the cause; nothing keeps running after an error.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.Namespace == "" {
		opts.Namespace = "default"
	}
	if opts.FrontendAddr == "" {
		opts.FrontendAddr = "127.0.0.1:7233"
	}
	if opts.Retention == 0 {
		opts.Retention = 400 * 24 * time.Hour
	}
	if opts.LogLevel == "" {
		opts.LogLevel = "info"
	}
	host, frontendPort, err := splitHostPort(opts.FrontendAddr)
	if err != nil {
		return nil, fmt.Errorf("temporal frontend address %q: %w", opts.FrontendAddr, err)
	}
	if frontendPort == 0 {
		if frontendPort, err = freeport.Reserve(host); err != nil {
			return nil, err
		}
	} else if err := checkFree(host, frontendPort); err != nil {
		return nil, fmt.Errorf("temporal frontend port: %w (is another Temporal or `workers -dev` running?)", err)
	}
	if opts.UIAddr != "" {
		uiHost, uiPort, err := splitHostPort(opts.UIAddr)
		if err != nil {
			return nil, fmt.Errorf("temporal UI address %q: %w", opts.UIAddr, err)
		}
		if uiPort == 0 {
			if uiPort, err = freeport.Reserve(uiHost); err != nil {
				return nil, err
			}
		} else if err := checkFree(uiHost, uiPort); err != nil {
			return nil, fmt.Errorf("temporal UI port: %w (set TEMPORAL_UI_ADDR to another address, or empty to turn the UI off)", err)
		}
		opts.UIAddr = net.JoinHostPort(uiHost, strconv.Itoa(uiPort))
	}

	sqlCfg, err := sqliteConfig(opts)
	if err != nil {
		return nil, err
	}
	cfg, err := serverConfig(host, frontendPort, sqlCfg)
	if err != nil {
		return nil, err
	}
	if err := prepareDatabase(opts, sqlCfg); err != nil {
		return nil, err
	}

	logger := serverLogger(opts)
	dynamic := dynamicconfig.StaticClient{
		// Search attributes registered at start are visible at once, as in
		// the Temporal CLI's dev server; visibility reads are raised to match.
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key():             true,
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key():        100,
		dynamicconfig.FrontendMaxNamespaceVisibilityBurstRatioPerInstance.Key(): 1.0,
		// One host: task queue partitions would only add forwarding hops.
		dynamicconfig.MatchingNumTaskqueueReadPartitions.Key():  1,
		dynamicconfig.MatchingNumTaskqueueWritePartitions.Key(): 1,
		// The history service keeps workflow states in memory between
		// their tasks, by default up to 128,000 for an hour, closed runs
		// too: after a 10,000-line arrears list and its baseline that was
		// ~20,000 states, ~570 MiB of the heap (BenchmarkImport10k in
		// adapters/eviction). Far fewer are busy at once (the importer
		// starts 16 at a time); a state not cached is read from SQLite.
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key(): devHistoryCacheSize,
	}
	srv, err := temporal.NewServer(
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithLogger(logger),
		temporal.WithDynamicConfigClient(dynamic),
	)
	if err != nil {
		return nil, fmt.Errorf("create embedded temporal: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("start embedded temporal: %w", err)
	}
	s := &Server{
		server:       srv,
		frontendAddr: net.JoinHostPort(host, strconv.Itoa(frontendPort)),
		namespace:    opts.Namespace,
	}
	if err := s.waitHealthy(ctx); err != nil {
		_ = srv.Stop()
		return nil, err
	}
	if opts.UIAddr != "" {
		if err := s.startUI(opts.UIAddr, opts.CodecEndpoint); err != nil {
			_ = srv.Stop()
			return nil, err
		}
	}
	return s, nil
}

// FrontendAddr is the host:port clients dial.
func (s *Server) FrontendAddr() string { return s.frontendAddr }

// UIAddr is where the UI listens, or "" when it is off.
func (s *Server) UIAddr() string { return s.uiAddr }

// Namespace is the namespace registered at start.
func (s *Server) Namespace() string { return s.namespace }

// Stop shuts the UI and the server down. Safe to call once.
func (s *Server) Stop() error {
	if s.ui != nil {
		s.ui.Stop()
	}
	return s.server.Stop()
}

func (s *Server) waitHealthy(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	c, err := client.Dial(client.Options{HostPort: s.frontendAddr, Namespace: s.namespace, Logger: quietSDKLogger()})
	if err != nil {
		return fmt.Errorf("connect to embedded temporal: %w", err)
	}
	defer c.Close()
	for {
		_, err := c.CheckHealth(ctx, &client.CheckHealthRequest{})
		if err == nil {
			// The frontend can be healthy before the namespace cache has the
			// namespace; wait for that too so the first worker poll succeeds.
			if _, err = c.WorkflowService().DescribeNamespace(ctx, describeNamespace(s.namespace)); err == nil {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("embedded temporal did not become healthy: %w", errors.Join(err, ctx.Err()))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (s *Server) startUI(addr, codecEndpoint string) error {
	host, port, err := splitHostPort(addr)
	if err != nil {
		return err
	}
	cfg := &uiconfig.Config{
		TemporalGRPCAddress: s.frontendAddr,
		Host:                host,
		Port:                port,
		EnableUI:            true,
		DefaultNamespace:    s.namespace,
		HideLogs:            true,
		DisableNewsFetch:    true,
		CORS:                uiconfig.CORS{CookieInsecure: true},
		Codec:               uiconfig.Codec{Endpoint: codecEndpoint, IncludeCredentials: true},
	}
	ui := uiserver.NewServer(uioptions.WithConfigProvider(cfg))
	// Start blocks; the port was checked free above, so a failure here is a
	// race with another process, which the UI server reports itself.
	go func() {
		if err := ui.Start(); err != nil {
			slog.Error("temporal UI stopped", "err", err)
		}
	}()
	s.ui = ui
	s.uiAddr = net.JoinHostPort(host, strconv.Itoa(port))
	return nil
}

func sqliteConfig(opts Options) (*config.SQL, error) {
	cfg := &config.SQL{
		PluginName:        sqliteplugin.PluginName,
		ConnectAttributes: map[string]string{},
	}
	if opts.InMemory {
		cfg.DatabaseName = "helhed-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		cfg.ConnectAttributes["mode"] = "memory"
		cfg.ConnectAttributes["cache"] = "shared"
		return cfg, nil
	}
	if opts.DataDir == "" {
		return nil, errors.New("embedded temporal needs a data directory (set DATA_DIR)")
	}
	if err := os.MkdirAll(opts.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create DATA_DIR %q: %w", opts.DataDir, err)
	}
	cfg.DatabaseName = filepath.Join(opts.DataDir, "temporal.db")
	cfg.ConnectAttributes["mode"] = "rwc"
	// WAL with synchronous=normal was the fastest setting measured on these
	// machines and still survives a process crash.
	cfg.ConnectAttributes["journal_mode"] = "wal"
	cfg.ConnectAttributes["synchronous"] = "normal"
	return cfg, nil
}

func prepareDatabase(opts Options, sqlCfg *config.SQL) error {
	fresh := opts.InMemory
	if !opts.InMemory {
		if _, err := os.Stat(sqlCfg.DatabaseName); errors.Is(err, os.ErrNotExist) {
			fresh = true
		}
	}
	if fresh {
		if err := sqliteschema.SetupSchema(sqlCfg); err != nil {
			return fmt.Errorf("create temporal schema in %s: %w", sqlCfg.DatabaseName, err)
		}
	}
	if !fresh {
		if err := forgetMembership(sqlCfg); err != nil {
			return err
		}
	}
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, opts.Namespace, false, opts.SearchAttributes)
	if err != nil {
		return fmt.Errorf("namespace %q: %w", opts.Namespace, err)
	}
	ns.Detail.Config.Retention = durationpb.New(opts.Retention)
	if err := sqliteschema.CreateNamespaces(sqlCfg, ns); err != nil {
		return fmt.Errorf("register namespace %q in %s (delete the file to start afresh): %w", opts.Namespace, sqlCfg.DatabaseName, err)
	}
	return nil
}

// forgetMembership drops the previous run's cluster members. They are all
// this process's own services from before the restart, on ports that are
// gone; left in place, ringpop waits ~40 s trying to join them before
// matching serves task queues.
func forgetMembership(sqlCfg *config.SQL) error {
	db, err := sql.NewSQLAdminDB(sqlplugin.DbKindUnknown, sqlCfg, resolver.NewNoopResolver(), serverlog.NewNoopLogger(), metrics.NoopMetricsHandler)
	if err != nil {
		return fmt.Errorf("open %s: %w", sqlCfg.DatabaseName, err)
	}
	defer db.Close()
	if err := db.Exec("DELETE FROM cluster_membership"); err != nil {
		return fmt.Errorf("reset cluster membership in %s (delete the file to start afresh): %w", sqlCfg.DatabaseName, err)
	}
	return nil
}

func serverConfig(host string, frontendPort int, sqlCfg *config.SQL) (*config.Config, error) {
	services := map[string]config.Service{}
	for i, name := range []string{"frontend", "history", "matching", "worker"} {
		grpcPort := frontendPort
		if i > 0 {
			p, err := freeport.Reserve(host)
			if err != nil {
				return nil, err
			}
			grpcPort = p
		}
		membershipPort, err := freeport.Reserve(host)
		if err != nil {
			return nil, err
		}
		services[name] = config.Service{RPC: config.RPC{
			GRPCPort:       grpcPort,
			MembershipPort: membershipPort,
			BindOnIP:       host,
		}}
	}
	frontend := net.JoinHostPort(host, strconv.Itoa(frontendPort))
	return &config.Config{
		Global: config.Global{
			Membership: config.Membership{MaxJoinDuration: 30 * time.Second, BroadcastAddress: host},
		},
		Persistence: config.Persistence{
			DefaultStore:     sqliteplugin.PluginName,
			VisibilityStore:  sqliteplugin.PluginName,
			NumHistoryShards: 1,
			DataStores:       map[string]config.DataStore{sqliteplugin.PluginName: {SQL: sqlCfg}},
		},
		ClusterMetadata: &cluster.Config{
			EnableGlobalNamespace:    false,
			FailoverVersionIncrement: 10,
			MasterClusterName:        clusterName,
			CurrentClusterName:       clusterName,
			ClusterInformation: map[string]cluster.ClusterInformation{
				clusterName: {Enabled: true, InitialFailoverVersion: 1, RPCAddress: frontend},
			},
		},
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services:            services,
		Archival: config.Archival{
			History:    config.HistoryArchival{State: "disabled"},
			Visibility: config.VisibilityArchival{State: "disabled"},
		},
		NamespaceDefaults: config.NamespaceDefaults{Archival: config.ArchivalNamespaceDefaults{
			History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
			Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
		}},
		PublicClient: config.PublicClient{HostPort: frontend},
	}, nil
}

func splitHostPort(addr string) (string, int, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("bad port %q", portText)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return host, port, nil
}

// checkFree fails when something already listens on host:port, so the
// operator gets a plain message instead of a server panic.
func checkFree(host string, port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("%s:%d is in use or not available: %w", host, port, err)
	}
	return l.Close()
}
