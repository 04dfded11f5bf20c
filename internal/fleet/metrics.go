package fleet

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are a worker's Prometheus metrics. Consumer lag (tasks and jobs
// waiting) is NATS's to tell: `nats consumer info SCRUTIN_BLOCKS
// block-workers`, or the server's /jsz monitoring endpoint.
type Metrics struct {
	tasks       *prometheus.CounterVec
	taskSeconds prometheus.Histogram
	redelivered *prometheus.CounterVec
}

// NewMetrics registers a worker's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		tasks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scrutin_worker_tasks_total",
			Help: "Block tasks taken, by outcome: done, failed (the run fails), retried (delivered again), returned (another build's), interrupted.",
		}, []string{"outcome"}),
		taskSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "scrutin_worker_task_seconds", Help: "Time to simulate and store a block task.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 16),
		}),
		redelivered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scrutin_worker_redeliveries_total",
			Help: "Messages received that had been delivered before (a worker died or was slow), by stream.",
		}, []string{"stream"}),
	}
	reg.MustRegister(m.tasks, m.taskSeconds, m.redelivered)
	return m
}

func (m *Metrics) task(outcome string, start time.Time) {
	if m == nil {
		return
	}
	m.tasks.WithLabelValues(outcome).Inc()
	if outcome == "done" {
		m.taskSeconds.Observe(time.Since(start).Seconds())
	}
}

func (m *Metrics) delivery(stream string, numDelivered uint64) {
	if m != nil && numDelivered > 1 {
		m.redelivered.WithLabelValues(stream).Inc()
	}
}
