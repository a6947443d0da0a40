package probe

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// delayBuckets run from 1 ms to 60 s, three per decade: enough to tell a
// flushed stream (a few ms) from a buffered one (seconds), and to catch an
// event held until a proxy's timeout.
var delayBuckets = []float64{0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60}

// metrics are the series a probe exports. Every one carries the probe
// label; their number is bounded by the probes, the close causes and the
// diagnosis rules, never by the events.
type metrics struct {
	events       *prometheus.CounterVec
	bytes        *prometheus.CounterVec
	delay        *prometheus.HistogramVec
	firstEvent   *prometheus.HistogramVec
	disconnects  *prometheus.CounterVec
	reconnects   *prometheus.CounterVec
	finding      *prometheus.GaugeVec
	evaluations  *prometheus.CounterVec
	recordingAge *prometheus.GaugeVec
	recordings   *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sseinspector_events_total",
			Help: "SSE events received on the probed stream.",
		}, []string{"probe"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sseinspector_bytes_total",
			Help: "Bytes of event stream received on the probed stream (after content decoding): events, comments and retry fields.",
		}, []string{"probe"}),
		delay: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sseinspector_event_delay_seconds",
			Help:    "Per-event delay of the probed stream: against the send time in the event (source=stamp) or the same event's arrival on the reference URL (source=reference).",
			Buckets: delayBuckets,
		}, []string{"probe", "source"}),
		firstEvent: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sseinspector_time_to_first_event_seconds",
			Help:    "Time from sending a connection's request to its first event.",
			Buckets: delayBuckets,
		}, []string{"probe"}),
		disconnects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sseinspector_disconnects_total",
			Help: "Connection attempts of the probed stream that ended, by reason (the close reasons of watch --json).",
		}, []string{"probe", "reason"}),
		reconnects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sseinspector_reconnects_total",
			Help: "Reconnections of the probed stream scheduled after a connection ended, as EventSource does.",
		}, []string{"probe"}),
		finding: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sseinspector_finding",
			Help: "1 while the diagnosis named this finding within the last window, else 0.",
		}, []string{"probe", "id", "severity"}),
		evaluations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sseinspector_evaluations_total",
			Help: "Analyses of the probe's recent recording.",
		}, []string{"probe"}),
		recordingAge: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sseinspector_recording_age_seconds",
			Help: "Age of the recording the findings come from; it restarts at a reconnection after the window, or after recycle.",
		}, []string{"probe"}),
		recordings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sseinspector_recordings_total",
			Help: "Recordings started for the probe: the first, then one at each restart.",
		}, []string{"probe"}),
	}
	reg.MustRegister(m.own()...)
	reg.MustRegister(collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// own lists the probe's own collectors, those named sseinspector_*.
func (m *metrics) own() []prometheus.Collector {
	return []prometheus.Collector{m.events, m.bytes, m.delay, m.firstEvent, m.disconnects, m.reconnects,
		m.finding, m.evaluations, m.recordingAge, m.recordings}
}
