package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pnode.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConfigPrecedence: defaults < file < environment < flags, one spelling.
func TestConfigPrecedence(t *testing.T) {
	file := writeFile(t, "max-skew: 30s\nhistory-limit: 50\npublish-rate: 7\nlisten: 127.0.0.1:9000\n")
	env := []string{"PNODE_HISTORY_LIMIT=60", "PNODE_PUBLISH_RATE=8", "HOME=/x"}
	c, _, _, err := loadConfig([]string{"--config", file, "--publish-rate", "9"}, false, env, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.MaxSkew != 30*time.Second {
		t.Errorf("file value: max-skew = %v", c.Server.MaxSkew)
	}
	if c.Server.HistoryLimit != 60 {
		t.Errorf("env over file: history-limit = %d", c.Server.HistoryLimit)
	}
	if c.Server.PublishRate != 9 {
		t.Errorf("flag over env: publish-rate = %v", c.Server.PublishRate)
	}
	if c.Server.HistoryMaxLimit != 1000 || c.Server.Listen != "127.0.0.1:9000" {
		t.Errorf("defaults/file: %+v", c.Server)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := map[string]struct {
		file string
		args []string
		env  []string
		want string
	}{
		"unknown key":      {file: "max-skew: 1s\nmax-skwe: 2s\n", want: "pnode.yaml:2: unknown setting \"max-skwe\""},
		"bad duration":     {file: "max-skew: soon\n", want: "max-skew: not a duration"},
		"nested value":     {file: "max-skew:\n  a: 1\n", want: "want a scalar value"},
		"not a mapping":    {file: "- a\n- b\n", want: "want a mapping"},
		"bad yaml":         {file: "a: [\n", want: "pnode.yaml"},
		"invalid combo":    {file: "history-limit: 5000\n", want: "history-limit"},
		"bad env":          {env: []string{"PNODE_MAX_BATCH=many"}, want: "PNODE_MAX_BATCH: not an integer"},
		"bad flag":         {args: []string{"--max-batch", "x"}, want: "invalid value"},
		"unknown flag":     {args: []string{"--nope"}, want: "not defined"},
		"bad log format":   {args: []string{"--log-format", "xml"}, want: "log-format"},
		"payload vs frame": {args: []string{"--max-payload", "1000000", "--max-frame-bytes", "100000"}, want: "max-payload"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			args := tt.args
			if tt.file != "" {
				args = append([]string{"--config", writeFile(t, tt.file)}, args...)
			}
			_, _, _, err := loadConfig(args, false, tt.env, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if exitCode(err) != 2 {
				t.Fatalf("exit code %d, want 2", exitCode(err))
			}
		})
	}
}

func TestConfigFileTooLarge(t *testing.T) {
	file := writeFile(t, "# "+strings.Repeat("x", maxConfigFile)+"\n")
	if _, _, _, err := loadConfig([]string{"--config", file}, false, nil, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v", err)
	}
}

func TestCheckConfig(t *testing.T) {
	file := writeFile(t, "max-skew: 30s\n")
	var out, errb bytes.Buffer
	if err := realMain([]string{"run", "--config", file, "--check-config"}, &out, &errb); err != nil {
		t.Fatalf("check-config: %v (%s)", err, errb.String())
	}
	if !strings.Contains(out.String(), `max-skew: "30s"`) || !strings.Contains(out.String(), "configuration OK") {
		t.Fatalf("output:\n%s", out.String())
	}
	bad := writeFile(t, "max-skew: -\n")
	err := realMain([]string{"run", "--config", bad, "--check-config"}, &out, &errb)
	if err == nil || exitCode(err) != 2 {
		t.Fatalf("bad file: err %v", err)
	}
}

// FuzzConfigFile: the config file decoder never panics on any input.
func FuzzConfigFile(f *testing.F) {
	f.Add([]byte("max-skew: 30s\nhistory-limit: 50\n"))
	f.Add([]byte("listen: [a, b]\n"))
	f.Add([]byte("a: {b: c}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := defaultConfig(false)
		s := bind(&c)
		_ = s.applyYAML("fuzz.yaml", b)
	})
}

// TestSampleConfig: the shipped sample config is valid.
func TestSampleConfig(t *testing.T) {
	var out, errb bytes.Buffer
	if err := realMain([]string{"run", "--config", "../../deploy/pnode.yaml", "--check-config"}, &out, &errb); err != nil {
		t.Fatalf("deploy/pnode.yaml: %v\n%s", err, errb.String())
	}
}

// TestServeDebug: --debug-listen serves heap and goroutine profiles, and
// nothing else.
func TestServeDebug(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop := serveDebug(ln)
	defer stop()
	get := func(path string) int {
		resp, err := http.Get("http://" + ln.Addr().String() + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, p := range []string{"/debug/pprof/heap?debug=1", "/debug/pprof/goroutine?debug=1", "/debug/pprof/"} {
		if code := get(p); code != http.StatusOK {
			t.Errorf("GET %s: %d", p, code)
		}
	}
	if code := get("/metrics"); code != http.StatusNotFound {
		t.Errorf("GET /metrics on the debug listener: %d, want 404", code)
	}
}
