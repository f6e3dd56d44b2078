// Package metricstest holds the end-to-end tests of what the secretariat
// sees: the whole stack (app.Start with embedded Temporal and a real
// redis-server) with fixture activity started through the capabilities'
// public entry points, scraped by a real Prometheus (the Debian package);
// every query of every dashboard panel, every dashboard variable and every
// alert expression is evaluated through Prometheus's HTTP API. It also
// shows that metric values survive a worker restart and a Redis flush
// followed by a reconcile, and benchmarks a scrape of a large read model.
//
// The package has no non-test code besides this comment.
package metricstest
