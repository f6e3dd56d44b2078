package metricstest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"helhed/internal/teststack"
)

// prom is a Prometheus server process scraping the stack.
type prom struct {
	addr string
	cmd  *exec.Cmd
	dir  string
	log  *os.File
}

// startPrometheus runs /usr/bin/prometheus (or the one on PATH) with a
// temporary config and storage: job helhed-worker scrapes target every
// second, and a second target of the same job that never answers stands
// for a replica that is down (so HelhedWorkerDown's expression has a series
// to return). Rules are the repo's rules files.
func startPrometheus(target, deadTarget string, ruleFiles []string) (*prom, error) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		return nil, fmt.Errorf("prometheus not found on PATH (install the Debian package prometheus; scripts/test does): %w", err)
	}
	dir, err := os.MkdirTemp("", "helhed-prometheus")
	if err != nil {
		return nil, err
	}
	var rules []string
	for _, r := range ruleFiles {
		rules = append(rules, strconv.Quote(r))
	}
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [%s]
scrape_configs:
  - job_name: helhed-worker
    scrape_interval: 1s
    scrape_timeout: 1s
    static_configs:
      - targets: [%q, %q]
`, strings.Join(rules, ", "), target, deadTarget)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	addr, err := teststack.FreeAddr()
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+addr,
		"--storage.tsdb.retention.time=1d", "--log.level=warn")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start prometheus: %w", err)
	}
	p := &prom{addr: addr, cmd: cmd, dir: dir, log: logf}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("prometheus on %s not ready: %v (log %s)", addr, err, logf.Name())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (p *prom) stop() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
		_, _ = p.cmd.Process.Wait()
	}
	p.log.Close()
	_ = os.RemoveAll(p.dir)
}

// apiResponse is Prometheus's HTTP API envelope.
type apiResponse struct {
	Status    string          `json:"status"`
	Data      json.RawMessage `json:"data"`
	ErrorType string          `json:"errorType"`
	Error     string          `json:"error"`
}

func (p *prom) get(ctx context.Context, path string, q url.Values) (json.RawMessage, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.addr+path+"?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var r apiResponse
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: HTTP %d: %s", path, resp.StatusCode, b)
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("%s: %s", r.ErrorType, r.Error)
	}
	return r.Data, nil
}

// sample is one series of an instant vector.
type sample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

// query runs an instant query and returns its series (a scalar counts as
// one series).
func (p *prom) query(ctx context.Context, expr string) ([]sample, error) {
	data, err := p.get(ctx, "/api/v1/query", url.Values{"query": {expr}})
	if err != nil {
		return nil, err
	}
	var res struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, err
	}
	switch res.ResultType {
	case "vector":
		var out []sample
		err := json.Unmarshal(res.Result, &out)
		return out, err
	case "scalar":
		var v [2]any
		if err := json.Unmarshal(res.Result, &v); err != nil {
			return nil, err
		}
		return []sample{{Value: v}}, nil
	}
	return nil, fmt.Errorf("unexpected result type %s", res.ResultType)
}

// labelValues is what Grafana's label_values(metric, label) shows.
func (p *prom) labelValues(ctx context.Context, metric, label string) ([]string, error) {
	data, err := p.get(ctx, "/api/v1/label/"+url.PathEscape(label)+"/values", url.Values{"match[]": {metric}})
	if err != nil {
		return nil, err
	}
	var out []string
	err = json.Unmarshal(data, &out)
	return out, err
}

// metricNames lists every metric name Prometheus holds.
func (p *prom) metricNames(ctx context.Context) (map[string]bool, error) {
	data, err := p.get(ctx, "/api/v1/label/__name__/values", url.Values{})
	if err != nil {
		return nil, err
	}
	var names []string
	if err := json.Unmarshal(data, &names); err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, n := range names {
		out[n] = true
	}
	return out, nil
}

// rule is one loaded rule with its evaluation health.
type rule struct {
	Name      string `json:"name"`
	Query     string `json:"query"`
	Health    string `json:"health"`
	LastError string `json:"lastError"`
	Type      string `json:"type"`
}

func (p *prom) rules(ctx context.Context) ([]rule, error) {
	data, err := p.get(ctx, "/api/v1/rules", url.Values{})
	if err != nil {
		return nil, err
	}
	var res struct {
		Groups []struct {
			Rules []rule `json:"rules"`
		} `json:"groups"`
	}
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, err
	}
	var out []rule
	for _, g := range res.Groups {
		out = append(out, g.Rules...)
	}
	return out, nil
}

// value is a sample's number (NaN and ±Inf included).
func (s sample) value() float64 {
	str, _ := s.Value[1].(string)
	f, _ := strconv.ParseFloat(str, 64)
	return f
}
