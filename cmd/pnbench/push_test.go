package main

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestPushSmoke runs pnbench push at a tiny size against a real pnode and
// real fakes, the max-rate runs pipelined: every accepted wakeup must
// reach the fake, for APNs and FCM.
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
		"--installations", "20", "--conns", "8", "--pipeline", "3", "--rate", "200", "--latencies", "0", "--gateways", "apns,fcm"}
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
	for _, run := range r.Runs {
		if run.Accepted == 0 || run.Delivered < int64(run.Accepted) || run.Missing != 0 || run.Delivery.N != run.Accepted || run.NodeCPUUsTotal <= 0 {
			t.Errorf("%s: %+v", run.Name, run)
		}
	}
}
