// Package readmodel keeps helhed's Redis read model honest.
//
// Temporal is the source of truth; Redis holds a derived, disposable read
// model that the portal, the operator API and the Prometheus collectors read
// (DESIGN.md §4). Capabilities write it live from their activities. This
// package rebuilds it from Temporal on a schedule and on demand, and reports
// how far the live read model had drifted:
//
//   - each capability lists a Reconciler for its workflow kind (app hands
//     them to NewRegistry): the
//     visibility query that lists its runs, the Redis key patterns its read
//     model owns, and a projection from a run's state (a workflow query for
//     running runs, the result for completed ones) to read-model writes;
//   - a reconcile lists every run of every kind, projects the wanted read
//     model into a Model in memory, compares it key by key with what Redis
//     holds, rewrites only the keys that differ (each key atomically) and
//     deletes owned keys no run accounts for;
//   - it records, per kind, the drift it found and the runs by status, and a
//     snapshot of every Temporal schedule, under helhed:readmodel:; the
//     Collector publishes those on scrape, so every replica reports the same.
//
// The reconcile runs as the ReadModelReconcile workflow (one activity),
// started every 15 minutes by the Temporal schedule
// "helhed-readmodel-reconcile", at process start when the read model has no
// reconcile record (an empty or flushed Redis), by `POST /api/v1/reconcile`
// and by `starter reconcile`.
package readmodel
