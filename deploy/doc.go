// Package deploy holds helhed's deployment configuration (the Temporal
// dynamic config and the Prometheus scrape config and alert rules used by the
// repository's docker-compose.yml) and the checks that keep it valid: its
// tests parse the compose file, the Grafana dashboards and provisioning, and
// run docker-compose and promtool against them where those tools exist.
package deploy
