package web

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (no global state: tests run several servers in one process).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	jobs     *prometheus.CounterVec
	running  *prometheus.GaugeVec
	years    prometheus.Counter
	queued   atomic.Int64
	// jobSeconds is how long jobs take to execute; jobWait how long they
	// waited in the queue before a worker started them.
	jobSeconds, jobWait *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "scrutin_http_requests_total",
		Help: "HTTP requests answered, by route pattern and status.",
	}, []string{"route", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "scrutin_http_request_duration_seconds",
		Help:    "Time to answer HTTP requests, by route pattern.",
		Buckets: prometheus.DefBuckets,
	}, []string{"route"})
	m.jobs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "scrutin_jobs_total",
		Help: "Jobs (runs and plans) by kind and status: queued (created here), started, succeeded, failed, canceled, interrupted (by shutdown), lost (lease taken over), requeued (left by a stopped server), given_up (after too many attempts).",
	}, []string{"kind", "status"})
	m.running = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "scrutin_jobs_running",
		Help: "Jobs being executed by this server's workers, by kind.",
	}, []string{"kind"})
	m.years = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "scrutin_simulated_years_total",
		Help: "Years (trials) simulated by runs.",
	})
	queue := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "scrutin_jobs_queued",
		Help: "Jobs waiting for a worker, as this server sees them (queued here, not yet claimed; zero whenever its workers find the queue empty).",
	}, func() float64 { return float64(max(0, m.queued.Load())) })
	m.jobSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "scrutin_job_seconds", Help: "Time to execute a job that ended (succeeded, failed or canceled), by kind.",
		Buckets: prometheus.ExponentialBuckets(0.05, 2, 16),
	}, []string{"kind"})
	m.jobWait = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "scrutin_job_wait_seconds", Help: "Time from a job's creation to its start by a worker (its latest start), by kind.",
		Buckets: prometheus.ExponentialBuckets(0.01, 2, 18),
	}, []string{"kind"})
	m.reg.MustRegister(m.requests, m.duration, m.jobs, m.running, m.years, queue, m.jobSeconds, m.jobWait,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) request(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

func (m *metrics) job(kind, status string) { m.jobs.WithLabelValues(kind, status).Inc() }

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
