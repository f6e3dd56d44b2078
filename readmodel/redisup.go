package readmodel

import (
	"context"
	"time"
)

// RedisWatchInterval is how often WatchRedis pings Redis.
const RedisWatchInterval = 2 * time.Second

// RedisReturnedWorkflowID is the ID of the reconcile WatchRedis starts: the
// replicas that notice the same return of Redis join one run, and a later
// return starts a new one.
const RedisReturnedWorkflowID = Kind + "/redis-returned"

// WatchRedis pings Redis every interval until ctx ends. When Redis answers
// again after it did not, it starts a reconcile of every kind at once: the
// live writes made meanwhile failed, and their activities would only make
// them at their next retry (and a Redis without persistence came back
// empty). Should the start fail (Temporal away too), it is tried again at
// the next ping.
func (s *Service) WatchRedis(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	up, reconcile := true, false
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		pctx, cancel := context.WithTimeout(ctx, interval)
		err := s.Redis.Ping(pctx).Err()
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if up {
				s.Log.Warn("redis unreachable; the read model is reconciled when it answers again", "err", err)
			}
			up = false
			continue
		}
		if !up {
			up, reconcile = true, true
		}
		if !reconcile {
			continue
		}
		opts := startOptions()
		opts.ID = RedisReturnedWorkflowID
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		run, err := s.Temporal.ExecuteWorkflow(sctx, opts, WorkflowName, Options{})
		cancel()
		if err != nil {
			s.Log.Error("redis is reachable again, but the read model reconcile could not be started; trying again", "err", err)
			continue
		}
		reconcile = false
		s.Log.Info("redis is reachable again: read model reconcile started", "workflowId", run.GetID(), "runId", run.GetRunID())
	}
}
