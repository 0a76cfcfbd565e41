package server

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/websocket"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handler returns the node's HTTP handler: the websocket API at /ws, health
// and readiness, metrics (unless a separate metrics listener is configured),
// node info and the dashboard.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws", s.handleWS)
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.HandleFunc("GET /v1/node", s.handleNodeInfo)
	mux.HandleFunc("GET /{$}", s.handleDashboard)
	mux.HandleFunc("POST /v1/wake/{token}", s.handleWake)
	mux.HandleFunc("POST /v1/relay", s.handleRelay)
	mux.HandleFunc("GET /v1/providers", s.handleProviders)
	if s.dev != nil {
		mux.Handle("/v1/dev/", s.dev)
	}
	if s.cfg.MetricsListen == "" {
		mux.Handle("GET /metrics", s.MetricsHandler())
	}
	return mux
}

// MetricsHandler serves the Prometheus registry.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.gather, promhttp.HandlerOpts{})
}

func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	if s.closing.Load() {
		w.Header().Set("Retry-After", "2")
		http.Error(w, "node shutting down", http.StatusServiceUnavailable)
		return
	}
	hj := &hijacker{ResponseWriter: w}
	conn, err := s.up.Upgrade(hj, r, nil)
	if err != nil {
		return // Upgrade has answered with an HTTP error
	}
	c := s.newSession(conn, newReader(hj), remoteIP(r))
	if err := s.addSession(c); err != nil {
		c.cancel()
		we := toWire(err)
		msg := websocket.FormatCloseMessage(websocket.ClosePolicyViolation, strconv.Itoa(we.Data.Code)+" "+we.Message)
		_ = conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(s.cfg.WriteTimeout))
		conn.Close()
		return
	}
	c.greet()
	// Serve on a goroutine of our own and return: the handler goroutine
	// would keep net/http's per-request buffers alive for the whole session.
	go func() {
		defer s.sessions.Done()
		c.run()
	}()
}

func (s *Server) handleHealth(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ok"}` + "\n"))
}

func (s *Server) handleReady(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if s.closing.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"shutting down"}` + "\n"))
		return
	}
	if s.ready != nil {
		if err := s.ready(); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			json.NewEncoder(w).Encode(map[string]string{"status": "not ready", "reason": err.Error()})
			return
		}
	}
	w.Write([]byte(`{"status":"ready"}` + "\n"))
}

func (s *Server) handleNodeInfo(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(s.nodeInfo())
}

var dashboard = template.Must(template.New("d").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>pnode</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:60em}td{padding:.2em 1em .2em 0}code{background:#eee;padding:0 .3em}</style>
</head><body>
<h1>pnode</h1>
<table>
<tr><td>Version</td><td><code>{{.Info.Version}}</code></td></tr>
<tr><td>Node key</td><td><code>{{printf "%x" .Info.NodeKey}}</code></td></tr>
<tr><td>Chain id</td><td>{{.Info.ChainID}}</td></tr>
<tr><td>Provider id</td><td>{{.Info.ProviderID}}</td></tr>
<tr><td>Services</td><td>{{range .Info.Services}}{{.}} {{end}}</td></tr>
<tr><td>Open sessions</td><td>{{.Sessions}}</td></tr>
</table>
<p>Websocket API: <code>/ws</code> (JSON-RPC 2.0). Health: <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>. Metrics: <a href="/metrics">/metrics</a>. Node info: <a href="/v1/node">/v1/node</a>.</p>
</body></html>`))

func (s *Server) handleDashboard(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	dashboard.Execute(w, struct {
		Info     any
		Sessions int
	}{s.nodeInfo(), s.sessionCount()})
}
