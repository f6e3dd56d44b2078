// Package cluster holds the cluster test: helhed in the shape it ships in
// (Temporal on PostgreSQL as its own process, Redis, SMTP with STARTTLS, two
// workers replicas in production mode, Prometheus with the shipped rules),
// started by scripts/cluster and driven through its real interfaces. The
// test runs only under `scripts/cluster test` (HELHED_CLUSTER=1); a plain
// `go test ./...` skips it.
package cluster
