package jobs

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the worker's Prometheus metrics. Create them with NewMetrics and serve
// Registry with promhttp.
type Metrics struct {
	Registry *prometheus.Registry

	claimed, completed, failed, retried, rescued, cancelled, released *prometheus.CounterVec
	duration                                                          *prometheus.HistogramVec
	pickupLatency                                                     *prometheus.HistogramVec
	queueDepth                                                        *prometheus.GaugeVec
	listenerReconnects                                                prometheus.Counter
	cancelHintsIgnored                                                prometheus.Counter
	listenerUp                                                        prometheus.Gauge
	pollingOnly                                                       prometheus.Gauge
}

// NewMetrics registers the metrics in a new registry (plus Go and process collectors).
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	counter := func(name, help string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{"type"})
		reg.MustRegister(c)
		return c
	}
	m := &Metrics{
		Registry:  reg,
		claimed:   counter("import_jobs_claimed_total", "Jobs claimed by this worker."),
		completed: counter("import_jobs_completed_total", "Jobs completed by this worker."),
		failed:    counter("import_jobs_failed_total", "Jobs that ended failed on this worker (permanent error or attempts used up)."),
		retried:   counter("import_jobs_retried_total", "Transient failures scheduled for another attempt."),
		rescued:   counter("import_jobs_rescued_total", "Jobs whose lease expired and were returned to the queue (or failed) by this worker's reaper."),
		cancelled: counter("import_jobs_cancelled_total", "Jobs cancelled at a leader's request on this worker."),
		released:  counter("import_jobs_released_total", "Jobs handed back on graceful shutdown."),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "import_job_duration_seconds",
			Help:    "Time from claim to the end of one attempt, by outcome.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600},
		}, []string{"type", "outcome"}),
		pickupLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "import_job_pickup_latency_seconds",
			Help:    "Time from job insert to its first claim.",
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5, 15, 60},
		}, []string{"type"}),
		queueDepth: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "import_queue_depth",
			Help: "Jobs pending or processing, by type and status (sampled at each poll).",
		}, []string{"type", "status"}),
		listenerReconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "import_listener_reconnects_total",
			Help: "Times the LISTEN connection was (re)established after the first connect.",
		}),
		cancelHintsIgnored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "import_cancel_notifications_ignored_total",
			Help: "Cancel notifications for a running job whose row held no cancel request (notifications are hints; the row decides).",
		}),
		listenerUp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "import_listener_connected",
			Help: "1 while the LISTEN connection is up.",
		}),
		pollingOnly: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "import_polling_only",
			Help: "1 when NOTIFY does not reach this worker (self-probe failed) and it relies on polling.",
		}),
	}
	reg.MustRegister(m.duration, m.pickupLatency, m.queueDepth, m.listenerReconnects, m.cancelHintsIgnored, m.listenerUp, m.pollingOnly,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
