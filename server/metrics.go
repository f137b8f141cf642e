package server

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the server's Prometheus series. Route labels are the fixed
// route patterns ("POST /v1/search", or "other" for unmatched requests), so
// their number is bounded.
type metrics struct {
	requests *prometheus.CounterVec   // contrast_http_requests_total{route,code}
	latency  *prometheus.HistogramVec // contrast_http_request_duration_seconds{route}
	inFlight prometheus.Gauge         // contrast_http_in_flight_requests
	rejected prometheus.Counter       // contrast_http_overloaded_total
}

func newMetrics(reg *prometheus.Registry, st Store) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "contrast_http_requests_total",
			Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "contrast_http_request_duration_seconds",
			Help:    "Time from request start to the response written, by route pattern.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "contrast_http_in_flight_requests",
			Help: "Requests being served now.",
		}),
		rejected: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "contrast_http_overloaded_total",
			Help: "Requests refused with 429 because the concurrency limit was reached.",
		}),
	}
	size := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "contrast_index_items",
		Help: "Live items in the index.",
	}, func() float64 { return float64(st.Len()) })
	dim := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "contrast_index_dimension",
		Help: "Vector dimension of the index.",
	}, func() float64 { return float64(st.Dim()) })
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.inFlight, m.rejected, size, dim} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) observe(route string, status int, seconds float64) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(seconds)
}
