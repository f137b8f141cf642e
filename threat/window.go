package threat

import (
	"net/netip"
	"time"

	"github.com/contrast-ml/contrast/data"
)

// The windows of the KDD traffic features (Lee & Stolfo 2000, "A framework
// for constructing features and models for intrusion detection systems",
// ACM TISSEC 3(4)): the time-based counts look at the connections that
// started in the last two seconds, the host-based ones at the last 100
// connections. Both windows include the connection itself. (NSL-KDD's
// host-based counts saturate at 255, larger than 100: its extractor's window
// was evidently longer; these follow the published definition.)
const (
	TimeWindow = 2 * time.Second
	HostWindow = 100
)

// WindowFeatures are the KDD traffic features of one connection.
type WindowFeatures struct {
	// Over the connections of the last TimeWindow:
	Count         int     // count: to the same destination host
	SrvCount      int     // srv_count: to the same service
	SerrorRate    float64 // serror_rate: of Count, share with a SYN error (S0, S1, S2, S3)
	SrvSerrorRate float64 // srv_serror_rate: of SrvCount, share with a SYN error
	RerrorRate    float64 // rerror_rate: of Count, share rejected (REJ)
	SrvRerrorRate float64 // srv_rerror_rate: of SrvCount, share rejected
	SameSrvRate   float64 // same_srv_rate: of Count, share to the same service
	DiffSrvRate   float64 // diff_srv_rate: of Count, share to other services
	SrvDiffHost   float64 // srv_diff_host_rate: of SrvCount, share to other hosts

	// Over the last HostWindow connections:
	DstHostCount         int     // dst_host_count: to the same destination host
	DstHostSrvCount      int     // dst_host_srv_count: to the same service
	DstHostSameSrvRate   float64 // dst_host_same_srv_rate: of DstHostCount, same service
	DstHostDiffSrvRate   float64 // dst_host_diff_srv_rate: of DstHostCount, other services
	DstHostSameSrcPort   float64 // dst_host_same_src_port_rate: of DstHostSrvCount, same source port
	DstHostSrvDiffHost   float64 // dst_host_srv_diff_host_rate: of DstHostSrvCount, other hosts
	DstHostSerrorRate    float64 // dst_host_serror_rate: of DstHostCount, SYN errors
	DstHostSrvSerrorRate float64 // dst_host_srv_serror_rate: of DstHostSrvCount, SYN errors
	DstHostRerrorRate    float64 // dst_host_rerror_rate: of DstHostCount, rejected
	DstHostSrvRerrorRate float64 // dst_host_srv_rerror_rate: of DstHostSrvCount, rejected
}

func isSError(flag string) bool {
	switch flag {
	case "S0", "S1", "S2", "S3":
		return true
	}
	return false
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// windowCounts accumulates one window's counts relative to a connection.
type windowCounts struct {
	host, hostSErr, hostRErr, hostSameSrv int
	srv, srvSErr, srvRErr, srvDiffHost    int
	srvSamePort                           int
}

// timeWindow holds the counts of the connections in the time window, by
// destination host, by service, and by both.
type timeWindow struct {
	host    map[netip.Addr]*errCounts
	srv     map[string]*errCounts
	hostSrv map[hostService]int
}

// errCounts counts connections and those with SYN errors and rejections.
type errCounts struct{ n, serr, rerr int }

type hostService struct {
	host netip.Addr
	srv  string
}

func (e *errCounts) add(f *Flow, d int) {
	e.n += d
	if isSError(f.Flag) {
		e.serr += d
	}
	if f.Flag == "REJ" {
		e.rerr += d
	}
}

func (w *timeWindow) move(f *Flow, d int) {
	if w.host == nil {
		w.host, w.srv, w.hostSrv = map[netip.Addr]*errCounts{}, map[string]*errCounts{}, map[hostService]int{}
	}
	h := f.Dst.Addr()
	entry(w.host, h).add(f, d)
	entry(w.srv, f.Service).add(f, d)
	w.hostSrv[hostService{h, f.Service}] += d
}

// entry returns m[k], created if absent.
func entry[K comparable](m map[K]*errCounts, k K) *errCounts {
	e := m[k]
	if e == nil {
		e = new(errCounts)
		m[k] = e
	}
	return e
}

func (w *timeWindow) enter(f *Flow) { w.move(f, 1) }
func (w *timeWindow) leave(f *Flow) { w.move(f, -1) }

// counts returns the window's counts relative to cur (which is in it).
func (w *timeWindow) counts(cur *Flow) windowCounts {
	h, s := w.host[cur.Dst.Addr()], w.srv[cur.Service]
	same := w.hostSrv[hostService{cur.Dst.Addr(), cur.Service}]
	return windowCounts{host: h.n, hostSErr: h.serr, hostRErr: h.rerr, hostSameSrv: same,
		srv: s.n, srvSErr: s.serr, srvRErr: s.rerr, srvDiffHost: s.n - same}
}

func (w *windowCounts) add(cur, o *Flow) {
	sameHost := o.Dst.Addr() == cur.Dst.Addr()
	sameSrv := o.Service == cur.Service
	serr, rerr := isSError(o.Flag), o.Flag == "REJ"
	if sameHost {
		w.host++
		if serr {
			w.hostSErr++
		}
		if rerr {
			w.hostRErr++
		}
		if sameSrv {
			w.hostSameSrv++
		}
	}
	if sameSrv {
		w.srv++
		if serr {
			w.srvSErr++
		}
		if rerr {
			w.srvRErr++
		}
		if !sameHost {
			w.srvDiffHost++
		}
		if o.Src.Port() == cur.Src.Port() {
			w.srvSamePort++
		}
	}
}

// computeWindows fills the Window of every flow; flows are sorted by Start.
// The time window's counts slide with it (each flow enters and leaves once),
// so a burst of many connections in two seconds costs linear time; the host
// window is HostWindow flows long and counted afresh.
func computeWindows(flows []Flow) {
	var tw timeWindow
	lo := 0
	for i := range flows {
		cur := &flows[i]
		tw.enter(cur)
		for flows[lo].Start.Before(cur.Start.Add(-TimeWindow)) {
			tw.leave(&flows[lo])
			lo++
		}
		t := tw.counts(cur)
		var h windowCounts
		for j := max(0, i-HostWindow+1); j <= i; j++ {
			h.add(cur, &flows[j])
		}
		w := &cur.Window
		w.Count, w.SrvCount = t.host, t.srv
		w.SerrorRate, w.RerrorRate = ratio(t.hostSErr, t.host), ratio(t.hostRErr, t.host)
		w.SrvSerrorRate, w.SrvRerrorRate = ratio(t.srvSErr, t.srv), ratio(t.srvRErr, t.srv)
		w.SameSrvRate = ratio(t.hostSameSrv, t.host)
		w.DiffSrvRate = ratio(t.host-t.hostSameSrv, t.host)
		w.SrvDiffHost = ratio(t.srvDiffHost, t.srv)
		w.DstHostCount, w.DstHostSrvCount = h.host, h.srv
		w.DstHostSameSrvRate = ratio(h.hostSameSrv, h.host)
		w.DstHostDiffSrvRate = ratio(h.host-h.hostSameSrv, h.host)
		w.DstHostSameSrcPort = ratio(h.srvSamePort, h.srv)
		w.DstHostSrvDiffHost = ratio(h.srvDiffHost, h.srv)
		w.DstHostSerrorRate, w.DstHostSrvSerrorRate = ratio(h.hostSErr, h.host), ratio(h.srvSErr, h.srv)
		w.DstHostRerrorRate, w.DstHostSrvRerrorRate = ratio(h.hostRErr, h.host), ratio(h.srvRErr, h.srv)
	}
}

// Record returns the flow as an NSL-KDD record. Of the content features,
// logged_in, num_failed_logins, is_guest_login, num_file_creations and
// su_attempted come from Content; the others (hot, num_compromised,
// root_shell, num_root, num_shells, num_access_files, num_outbound_cmds,
// is_host_login) are 0.
func (f *Flow) Record() Record {
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	w := &f.Window
	return Record{
		Categorical: map[string]string{"protocol_type": f.Proto, "service": f.Service, "flag": f.Flag},
		Numeric: map[string]float64{
			"duration":  float64(int64(f.Duration() / time.Second)), // whole seconds, as in NSL-KDD
			"src_bytes": float64(f.SrcBytes), "dst_bytes": float64(f.DstBytes),
			"land": b(f.Land), "wrong_fragment": float64(f.WrongFragment), "urgent": float64(f.Urgent),
			"logged_in": b(f.Content.LoggedIn), "num_failed_logins": float64(f.Content.FailedLogins), "su_attempted": b(f.Content.SuAttempted),
			"is_guest_login": b(f.Content.GuestLogin), "num_file_creations": float64(f.Content.FileCreations),
			"count": float64(w.Count), "srv_count": float64(w.SrvCount),
			"serror_rate": w.SerrorRate, "srv_serror_rate": w.SrvSerrorRate,
			"rerror_rate": w.RerrorRate, "srv_rerror_rate": w.SrvRerrorRate,
			"same_srv_rate": w.SameSrvRate, "diff_srv_rate": w.DiffSrvRate, "srv_diff_host_rate": w.SrvDiffHost,
			"dst_host_count": float64(w.DstHostCount), "dst_host_srv_count": float64(w.DstHostSrvCount),
			"dst_host_same_srv_rate": w.DstHostSameSrvRate, "dst_host_diff_srv_rate": w.DstHostDiffSrvRate,
			"dst_host_same_src_port_rate": w.DstHostSameSrcPort, "dst_host_srv_diff_host_rate": w.DstHostSrvDiffHost,
			"dst_host_serror_rate": w.DstHostSerrorRate, "dst_host_srv_serror_rate": w.DstHostSrvSerrorRate,
			"dst_host_rerror_rate": w.DstHostRerrorRate, "dst_host_srv_rerror_rate": w.DstHostSrvRerrorRate,
		},
	}
}

// FlowTable lays flows out as a data.Table for Model.Score.
func FlowTable(flows []Flow) (*data.Table, error) {
	recs := make([]Record, len(flows))
	for i := range flows {
		recs[i] = flows[i].Record()
	}
	return TableOf(recs)
}
