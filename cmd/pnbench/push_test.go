package main

import (
	"bytes"
	"encoding/json"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestPushSmoke runs pnbench push at a tiny size against a real pnode and
// real fakes, the max-rate runs pipelined and the node's environment
// extended: every accepted wakeup must reach the fake, for APNs and FCM.
func TestPushSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs pnode")
	}
	bin, err := buildPnode(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	args := []string{"--pnode", bin, "--dir", t.TempDir(), "--json", "--max-time", "120s", "--duration", "1s",
		"--installations", "20", "--conns", "8", "--pipeline", "3", "--rate", "200", "--latencies", "0", "--gateways", "apns,fcm",
		"--node-env", "GOMAXPROCS=1"}
	if err := runPush(t.Context(), args, &out, &errb); err != nil {
		t.Fatalf("push: %v\n%s\n%s", err, out.String(), errb.String())
	}
	var r PushResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("decode %s: %v", out.String(), err)
	}
	if len(r.Runs) != 3 {
		t.Fatalf("runs = %d, want apns max, apns rate, fcm max", len(r.Runs))
	}
	if r.Config["node_env"] != "GOMAXPROCS=1" {
		t.Errorf("config node_env = %v", r.Config["node_env"])
	}
	for _, run := range r.Runs {
		if run.Accepted == 0 || run.Delivered < int64(run.Accepted) || run.Missing != 0 || run.Delivery.N != run.Accepted || run.NodeCPUUsTotal <= 0 {
			t.Errorf("%s: %+v", run.Name, run)
		}
	}
}

// TestStartNodeEnv checks that the node started for a run gets --node-env's
// variables on top of pnbench's environment.
func TestStartNodeEnv(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs pnode")
	}
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	bin, err := buildPnode(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PNBENCH_TEST_INHERITED", "yes")
	node, err := startNode(t.Context(), bin, t.TempDir(), nil, []string{"PNBENCH_TEST_ADDED=1", "PNBENCH_TEST_INHERITED=no"})
	if err != nil {
		t.Fatal(err)
	}
	defer node.stop()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(node.pid) + "/environ")
	if err != nil {
		t.Fatal(err)
	}
	env := strings.Split(string(b), "\x00")
	last := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			last[k] = v
		}
	}
	if last["PNBENCH_TEST_ADDED"] != "1" || last["PNBENCH_TEST_INHERITED"] != "no" || last["PATH"] != os.Getenv("PATH") {
		t.Errorf("node environment: %q", env)
	}
}
