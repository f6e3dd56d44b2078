package deploy

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.temporal.io/server/common/config"
)

const temporalConfigYAML = "deploy/temporal/config.yaml"

// The Temporal server config is one template for both shapes: compose
// mounts it where TEMPORAL_SERVER_CONFIG_FILE_PATH points, and the server
// renders and validates it from the temporal service's environment as from
// the one scripts/cluster sets.
func TestTemporalServerConfig(t *testing.T) {
	tmp := loadCompose(t).Services["temporal"]
	env := tmp.env()
	path := env["TEMPORAL_SERVER_CONFIG_FILE_PATH"]
	want := "./" + temporalConfigYAML + ":" + path
	if path == "" || !slices.ContainsFunc(tmp.Volumes, func(v string) bool { return strings.HasPrefix(v, want) }) {
		t.Errorf("temporal mounts %v with TEMPORAL_SERVER_CONFIG_FILE_PATH %q; want a mount %s", tmp.Volumes, path, want)
	}

	file := filepath.Join(repoRoot(t), temporalConfigYAML)
	for _, shape := range []struct {
		name string
		env  map[string]string
		// wantAddr is the history store's address, wantGRPC the frontend port.
		wantAddr string
		wantGRPC int
	}{
		{"docker-compose.yml", map[string]string{
			"DB_PORT": env["DB_PORT"], "POSTGRES_SEEDS": env["POSTGRES_SEEDS"], "POSTGRES_USER": env["POSTGRES_USER"],
			"POSTGRES_PWD": "temporal", "BIND_ON_IP": env["BIND_ON_IP"], "TEMPORAL_BROADCAST_ADDRESS": "172.18.0.5",
			"DYNAMIC_CONFIG_FILE_PATH": env["DYNAMIC_CONFIG_FILE_PATH"], "PROMETHEUS_ENDPOINT": env["PROMETHEUS_ENDPOINT"],
		}, "postgresql:5432", 7233},
		{"scripts/cluster", map[string]string{
			"DB_PORT": "25432", "POSTGRES_SEEDS": "127.0.0.1", "POSTGRES_USER": "temporal", "POSTGRES_PWD": "temporal",
			"BIND_ON_IP": "127.0.0.1", "TEMPORAL_BROADCAST_ADDRESS": "127.0.0.1", "FRONTEND_GRPC_PORT": "27233",
			"DYNAMIC_CONFIG_FILE_PATH": "/x/deploy/temporal/dynamicconfig.yaml", "PROMETHEUS_ENDPOINT": "127.0.0.1:28000",
		}, "127.0.0.1:25432", 27233},
	} {
		t.Run(shape.name, func(t *testing.T) {
			for k, v := range shape.env {
				t.Setenv(k, v)
			}
			cfg, err := config.Load(config.WithConfigFile(file))
			if err != nil {
				t.Fatalf("%s with the environment of %s: %v", temporalConfigYAML, shape.name, err)
			}
			for name, ds := range cfg.Persistence.DataStores {
				if ds.SQL == nil || ds.SQL.PluginName != "postgres12" || ds.SQL.ConnectAddr != shape.wantAddr {
					t.Errorf("datastore %s: %+v, want postgres12 at %s", name, ds.SQL, shape.wantAddr)
				}
			}
			if got := cfg.Services["frontend"].RPC.GRPCPort; got != shape.wantGRPC {
				t.Errorf("frontend gRPC port %d, want %d", got, shape.wantGRPC)
			}
			if got := cfg.DynamicConfigClient.Filepath; got != shape.env["DYNAMIC_CONFIG_FILE_PATH"] {
				t.Errorf("dynamic config %q, want %q", got, shape.env["DYNAMIC_CONFIG_FILE_PATH"])
			}
			if cfg.Global.Metrics == nil || cfg.Global.Metrics.Prometheus == nil || cfg.Global.Metrics.Prometheus.ListenAddress != shape.env["PROMETHEUS_ENDPOINT"] {
				t.Errorf("server metrics %+v, want Prometheus on %s", cfg.Global.Metrics, shape.env["PROMETHEUS_ENDPOINT"])
			}
		})
	}
}
