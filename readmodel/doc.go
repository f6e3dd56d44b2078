// Package readmodel keeps helhed's Redis read model honest.
//
// Temporal is the source of truth; Redis holds a derived, disposable read
// model that the portal, the operator API and the Prometheus collectors
// read. Capabilities write it live from their activities. This
// package rebuilds it from Temporal on a schedule and on demand, and reports
// how far the live read model had drifted:
//
//   - each capability lists a Reconciler for its workflow kind (app hands
//     them to NewRegistry): the
//     visibility query that lists its runs, the Redis key patterns its read
//     model owns, and a projection from a run's state (a workflow query for
//     running runs; for closed ones their memo, read from the listing
//     itself, else their result) to read-model writes;
//   - a reconcile takes one kind at a time: it counts the kind's runs by
//     status, pages through its runs in visibility (small pages, each
//     call under its own deadline and retried when it times out), loads
//     them a few at a time and projects each into a Model in memory as it
//     arrives, then compares the Model key by key with what Redis holds,
//     rewrites only the keys that differ (each key atomically) and deletes
//     owned keys no run accounts for, before the next kind is listed;
//   - a run that cannot be loaded (a history that does not replay for the
//     state query, a result that does not decode) is skipped, counted,
//     logged by workflow id and alerted on (HelhedReadModelUnreadableRuns);
//     its kind is still rebuilt from the other runs, but keeps the keys
//     and members no readable run accounts for, and the reconcile still
//     counts as a success;
//   - it records, per kind, the drift it found and the runs by status, and a
//     snapshot of every Temporal schedule, under helhed:readmodel:; the
//     Collector publishes those on scrape, so every replica reports the same.
//
// The reconcile runs as the ReadModelReconcile workflow (one activity),
// started every 15 minutes by the Temporal schedule
// "helhed-readmodel-reconcile", at every process start, by
// `POST /api/v1/reconcile` and by `starter reconcile`.
package readmodel
