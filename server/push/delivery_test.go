package push_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/sideshow/apns2"

	"github.com/pnmarket/pnmarket/client"
	"github.com/pnmarket/pnmarket/gateways/apns/apnstest"
	"github.com/pnmarket/pnmarket/gateways/fcm/fcmtest"
	"github.com/pnmarket/pnmarket/server/push"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

// TestWakeDeliveredContentFree wakes an APNs and an FCM installation, by
// wakeup token and by topic trigger, through the real SDKs against the
// fakes, and checks that nothing but the nonce and the idempotency id
// reaches the push service: no topic, owner, installation, sender or chat.
func TestWakeDeliveredContentFree(t *testing.T) {
	f := newFakes(t)
	n := newNode(t, f.apps, opts{})
	owner := newOwner()
	const chatTopic = "/status/1/chat-7f3a91c2/proto"
	apnsTok, fcmTok := apnsToken(), fcmToken()
	n.register(t, owner, pushwire.Registration{InstallationID: "iphone-secret-inst", Gateway: "apns", AppID: apnsApp,
		Token: apnsTok, Topics: []string{chatTopic}, Version: 1})
	n.register(t, owner, pushwire.Registration{InstallationID: "android-secret-inst", Gateway: "fcm", AppID: fcmApp,
		Token: fcmTok, Topics: []string{chatTopic}, Version: 1})

	id, err := n.svc.Wake(t.Context(), n.wakeToken(t, owner, "iphone-secret-inst"), "127.0.0.1", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.apns.WaitFor(waitCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	// A stored envelope on the watched topic while the owner is offline.
	if err := n.svc.EnvelopeStored(t.Context(), chatTopic, offline); err != nil {
		t.Fatal(err)
	}
	if err := f.apns.WaitFor(waitCtx(t), 2); err != nil {
		t.Fatal(err)
	}
	if err := f.fcm.WaitFor(waitCtx(t), 1); err != nil {
		t.Fatal(err)
	}

	secrets := []string{chatTopic, "chat-7f3a91c2", owner.Hex(), strings.ToLower(owner.Hex()[2:]), "secret-inst"}
	ad := f.apns.Deliveries()
	if ad[0].ApnsID != id {
		t.Errorf("apns-id = %q, want the wake id %q", ad[0].ApnsID, id)
	}
	for _, d := range ad {
		if d.Token != apnsTok || d.PushType != "background" || d.Priority != 5 || d.CollapseID != "pnwake" || d.Topic != testTopic {
			t.Errorf("apns delivery = %+v", d)
		}
		var p map[string]any
		if err := json.Unmarshal(d.Payload, &p); err != nil {
			t.Fatal(err)
		}
		aps, _ := p["aps"].(map[string]any)
		if len(p) != 2 || len(aps) != 1 || aps["content-available"] != 1.0 || len(p["n"].(string)) != 32 {
			t.Errorf("apns payload is not content-free: %s", d.Payload)
		}
		if s := containsAny(string(d.Payload)+d.CollapseID+d.ApnsID, secrets...); s != "" {
			t.Errorf("apns delivery leaks %q", s)
		}
	}
	if ad[0].Expiration == 0 {
		t.Error("TTL of the wake request did not become apns-expiration")
	}
	fd := f.fcm.Deliveries()[0]
	if fd.Token != fcmTok || fd.Priority != "high" || fd.CollapseKey != "pnwake" || len(fd.Data) != 2 || fd.Data["id"] == "" || len(fd.Data["n"]) != 32 {
		t.Errorf("fcm delivery = %+v", fd)
	}
	if s := containsAny(string(fd.Message), secrets...); s != "" {
		t.Errorf("fcm message leaks %q: %s", s, fd.Message)
	}
	if strings.Contains(string(fd.Message), "notification") {
		t.Errorf("fcm message has a notification block: %s", fd.Message)
	}
	eventually(t, "receipts", func() bool {
		rs, _ := n.svc.Receipts(t.Context(), owner, 1, 10)
		return len(rs) == 3
	})
	rs, _ := n.svc.Receipts(t.Context(), owner, 1, 10)
	if err := client.VerifyReceipts(crypto.CompressPubkey(&n.key.PublicKey), nil, rs); err != nil {
		t.Fatalf("receipts do not verify: %v", err)
	}
	for _, r := range rs {
		if r.Outcome != pushwire.OutcomeDelivered {
			t.Errorf("receipt %d outcome %q", r.Seq, r.Outcome)
		}
	}
	if got := n.counter(t, "pnode_push_wakeups_total", "gateway", "apns", "outcome", "delivered"); got != 2 {
		t.Errorf("apns delivered metric = %v", got)
	}
}

// TestAlertWakeup: an alert registration gets the app's generic text and
// mutable-content, nothing else.
func TestAlertWakeup(t *testing.T) {
	f := newFakes(t)
	f.apps[0].AlertTitle = "New message"
	n := newNode(t, f.apps, opts{})
	owner := newOwner()
	n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: apnsApp, Token: apnsToken(), PushType: "alert", Version: 1})
	if _, err := n.svc.Wake(t.Context(), n.wakeToken(t, owner, "i"), "127.0.0.1", 0); err != nil {
		t.Fatal(err)
	}
	if err := f.apns.WaitFor(waitCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	d := f.apns.Deliveries()[0]
	var p struct {
		APS map[string]any `json:"aps"`
		N   string         `json:"n"`
	}
	json.Unmarshal(d.Payload, &p)
	alert, _ := p.APS["alert"].(map[string]any)
	if d.PushType != "alert" || p.APS["mutable-content"] != 1.0 || alert["title"] != "New message" || len(alert) != 1 || len(p.APS) != 2 {
		t.Fatalf("alert wakeup = %s (%s)", d.Payload, d.PushType)
	}
}

// TestTokenReplacement: a newer registration with a new token replaces the
// old one; wakeups go to the new token only.
func TestTokenReplacement(t *testing.T) {
	f := newFakes(t)
	n := newNode(t, f.apps, opts{})
	owner := newOwner()
	old, fresh := apnsToken(), apnsToken()
	n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: apnsApp, Token: old, Version: 1})
	tok := n.wakeToken(t, owner, "i")
	n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: apnsApp, Token: fresh, Version: 2})
	if _, err := n.svc.Wake(t.Context(), tok, "127.0.0.1", 0); err != nil {
		t.Fatal(err)
	}
	if err := f.apns.WaitFor(waitCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	if got := f.apns.Deliveries()[0].Token; got != fresh {
		t.Fatalf("delivered to %s…, want the new token", got[:8])
	}
}

// wakeAfterTwoFailures registers one APNs installation, has the fake refuse
// its next two sends with 503, wakes it, and checks that the third send
// delivered it.
func wakeAfterTwoFailures(t *testing.T, f *fakes, n *node) {
	t.Helper()
	owner := newOwner()
	n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: apnsApp, Token: apnsToken(), Version: 1})
	f.apns.FailNext(2, apnstest.Fault{Status: 503, Reason: apns2.ReasonServiceUnavailable})
	if _, err := n.svc.Wake(t.Context(), n.wakeToken(t, owner, "i"), "127.0.0.1", 0); err != nil {
		t.Fatal(err)
	}
	if err := f.apns.WaitFor(waitCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	if got := f.apns.Stats().Requests; got != 3 {
		t.Fatalf("requests = %d, want 2 failures + 1 delivery", got)
	}
}

// TestDeliveredJobsStayGone: a delivered job's queue entry is removed for
// good, through a flush and a full compaction, whether it was written once
// or rewritten by retries. (Removing entries with pebble's SingleDelete,
// which would let an older write of a retried job resurface, fails it.)
func TestDeliveredJobsStayGone(t *testing.T) {
	f := newFakes(t)
	n := newNode(t, f.apps, opts{})
	wakeAfterTwoFailures(t, f, n)
	owner := newOwner()
	n.register(t, owner, pushwire.Registration{InstallationID: "j", Gateway: "apns", AppID: apnsApp, Token: apnsToken(), Version: 1})
	if _, err := n.svc.Wake(t.Context(), n.wakeToken(t, owner, "j"), "127.0.0.1", 0); err != nil {
		t.Fatal(err)
	}
	if err := f.apns.WaitFor(waitCtx(t), 2); err != nil {
		t.Fatal(err)
	}
	eventually(t, "both acknowledged", func() bool { return n.svc.PendingForTest() == 0 })
	// The synced commits were counted and pebble's log asked the fsync
	// spacer after syncing them.
	if n.svc.SpacerSeenForTest() == 0 {
		t.Fatal("the store's fsyncs never consulted the spacer")
	}
	db := n.svc.DBForTest()
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := db.Compact(t.Context(), []byte{0}, []byte{0xff}, true); err != nil {
		t.Fatal(err)
	}
	if q := n.svc.QueuedForTest(); len(q) != 0 {
		t.Fatalf("%d delivered jobs back in the queue after compaction", len(q))
	}
}

// TestOnceWrittenJobsLeaveNoTombstone checks that a job written once and
// delivered is deleted with a single delete: the flush drops it together
// with the record, so no tombstone reaches a table (a plain delete would
// leave one there until a compaction reached the bottom level).
func TestOnceWrittenJobsLeaveNoTombstone(t *testing.T) {
	f := newFakes(t)
	n := newNode(t, f.apps, opts{})
	owner := newOwner()
	tok := n.apnsInstallation(t, owner, "j")
	n.wake(t, tok, 3)
	if err := f.apns.WaitFor(waitCtx(t), 3); err != nil {
		t.Fatal(err)
	}
	eventually(t, "all acknowledged", func() bool { return n.svc.PendingForTest() == 0 })
	db := n.svc.DBForTest()
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	tables, err := db.SSTables(pebble.WithProperties())
	if err != nil {
		t.Fatal(err)
	}
	var entries, deletions uint64
	for _, level := range tables {
		for _, tb := range level {
			entries += tb.Properties.NumEntries
			deletions += tb.Properties.NumPointDeletions() // the receipt batches' pruning deletes a range
		}
	}
	if entries == 0 {
		t.Fatal("the flush wrote no table")
	}
	if deletions != 0 {
		t.Errorf("the flushed tables hold %d point deletions of %d entries; want none", deletions, entries)
	}
	if q := n.svc.QueuedForTest(); len(q) != 0 {
		t.Fatalf("%d delivered jobs still queued", len(q))
	}
}

// TestClasses drives every outcome class of the gateways through the real
// apns2 client against the fake and checks what the relay does with it.
func TestClasses(t *testing.T) {
	t.Run("retryable then delivered", func(t *testing.T) {
		f := newFakes(t)
		n := newNode(t, f.apps, opts{})
		wakeAfterTwoFailures(t, f, n)
		if got := n.counter(t, "pnode_push_sends_total", "gateway", "apns", "class", "retryable"); got != 2 {
			t.Errorf("retryable sends = %v", got)
		}
	})
	t.Run("retry-after honoured", func(t *testing.T) {
		f := newFakes(t)
		n := newNode(t, f.apps, opts{})
		owner := newOwner()
		n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: apnsApp, Token: apnsToken(), Version: 1})
		f.apns.FailNext(1, apnstest.Fault{Status: 503, Reason: apns2.ReasonServiceUnavailable, RetryAfter: time.Second})
		start := time.Now()
		if _, err := n.svc.Wake(t.Context(), n.wakeToken(t, owner, "i"), "127.0.0.1", 0); err != nil {
			t.Fatal(err)
		}
		if err := f.apns.WaitFor(waitCtx(t), 1); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < time.Second {
			t.Errorf("retried after %v, before the 1s Retry-After", d)
		}
	})
	t.Run("retries exhausted", func(t *testing.T) {
		f := newFakes(t)
		n := newNode(t, f.apps, opts{cfg: func(c *push.Config) { c.MaxAttempts = 3 }})
		owner := newOwner()
		tok := apnsToken()
		n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: apnsApp, Token: tok, Version: 1})
		f.apns.FailToken(tok, apnstest.Fault{Status: 500, Reason: apns2.ReasonInternalServerError})
		if _, err := n.svc.Wake(t.Context(), n.wakeToken(t, owner, "i"), "127.0.0.1", 0); err != nil {
			t.Fatal(err)
		}
		eventually(t, "final failure", func() bool { return n.svc.PendingForTest() == 0 })
		rs, err := n.svc.Receipts(t.Context(), owner, 1, 10)
		if err != nil || len(rs) != 1 || rs[0].Outcome != pushwire.OutcomeFailed {
			t.Fatalf("receipts = %+v, %v", rs, err)
		}
		if got := f.apns.Stats().Requests; got != 3 {
			t.Errorf("requests = %d, want 3 attempts", got)
		}
		if got := n.counter(t, "pnode_push_failed_total", "gateway", "apns", "reason", "attempts"); got != 1 {
			t.Errorf("failed metric = %v", got)
		}
	})
	t.Run("quota pauses the app", func(t *testing.T) {
		f := newFakes(t)
		n := newNode(t, f.apps, opts{cfg: func(c *push.Config) { c.Workers = 1 }})
		owner := newOwner()
		tok := n.apnsInstallation(t, owner, "i")
		f.apns.FailNext(1, apnstest.Fault{Status: 429, Reason: apns2.ReasonTooManyRequests, RetryAfter: time.Second})
		start := time.Now()
		n.wake(t, tok, 3)
		if err := f.apns.WaitFor(waitCtx(t), 3); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < time.Second {
			t.Errorf("app resumed after %v, before Retry-After", d)
		}
		if got := f.apns.Stats().Requests; got != 4 {
			t.Errorf("requests = %d: the paused app must not send (want 1 refused + 3)", got)
		}
		if got := n.counter(t, "pnode_push_quota_backoffs_total", "gateway", "apns"); got != 1 {
			t.Errorf("quota back-offs = %v", got)
		}
	})
	t.Run("dead token disables", func(t *testing.T) {
		f := newFakes(t)
		n := newNode(t, f.apps, opts{})
		owner := newOwner()
		tok := apnsToken()
		n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: apnsApp, Token: tok, Topics: []string{"t"}, Version: 1})
		wt := n.wakeToken(t, owner, "i")
		f.apns.MarkBadDeviceToken(tok)
		if _, err := n.svc.Wake(t.Context(), wt, "127.0.0.1", 0); err != nil {
			t.Fatal(err)
		}
		eventually(t, "disabled", func() bool { return n.svc.HasDisabled(t.Context(), owner) })
		st, _ := n.svc.Status(t.Context(), owner)
		if in := st.Installations[0]; in.Enabled || in.Disabled == nil || in.Disabled.Reason != "dead_token" {
			t.Fatalf("status = %+v", in)
		}
		if _, err := n.svc.Wake(t.Context(), wt, "127.0.0.1", 0); !errors.Is(err, push.ErrUnknownWakeToken) {
			t.Fatalf("wake of a disabled installation: %v", err)
		}
		n.svc.EnvelopeStored(t.Context(), "t", offline)
		if got := f.apns.Stats().Requests; got != 1 {
			t.Fatalf("requests = %d: a dead token is never retried or woken again", got)
		}
		// The registration is disabled before the acknowledger commits the
		// job's receipt: wait for the receipt, then check it.
		var rs []pushwire.Receipt
		eventually(t, "dead-token receipt", func() bool {
			rs, _ = n.svc.Receipts(t.Context(), owner, 1, 10)
			return len(rs) > 0
		})
		if len(rs) != 1 || rs[0].Outcome != pushwire.OutcomeDeadToken {
			t.Fatalf("receipts = %+v", rs)
		}
		if got := n.counter(t, "pnode_push_dead_tokens_total", "gateway", "apns"); got != 1 {
			t.Errorf("dead tokens = %v", got)
		}
		// Registering a fresh token brings it back.
		n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: apnsApp, Token: apnsToken(), Version: 2})
		if n.svc.HasDisabled(t.Context(), owner) {
			t.Fatal("still disabled after re-registering")
		}
	})
	t.Run("fcm unregistered", func(t *testing.T) {
		f := newFakes(t)
		n := newNode(t, f.apps, opts{})
		owner := newOwner()
		tok := fcmToken()
		n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "fcm", AppID: fcmApp, Token: tok, Version: 1})
		f.fcm.Unregister(tok)
		if _, err := n.svc.Wake(t.Context(), n.wakeToken(t, owner, "i"), "127.0.0.1", 0); err != nil {
			t.Fatal(err)
		}
		eventually(t, "disabled", func() bool { return n.svc.HasDisabled(t.Context(), owner) })
	})
	t.Run("credential refused keeps jobs", func(t *testing.T) {
		f := newFakes(t)
		other, _ := apnstest.GenerateKey()
		f2, err := apnstest.NewServer(apnstest.Options{Keys: []apnstest.ProviderKey{other}})
		if err != nil {
			t.Fatal(err)
		}
		defer f2.Close()
		// The sender's key is unknown to f2 until AddKey: 403 InvalidProviderToken.
		apps := appsOn(t, f2, f.apnsKey)
		n := newNode(t, apps, opts{cfg: func(c *push.Config) { c.AuthRetry = 200 * time.Millisecond }})
		owner := newOwner()
		tok := n.apnsInstallation(t, owner, "i")
		n.wake(t, tok, 3)
		eventually(t, "credential error", func() bool {
			return n.counter(t, "pnode_push_credential_errors_total", "gateway", "apns") >= 1
		})
		if got := n.svc.PendingForTest(); got != 3 {
			t.Fatalf("queued = %d: credential errors keep the jobs", got)
		}
		f2.AddKey(f.apnsKey)
		if err := f2.WaitFor(waitCtx(t), 3); err != nil {
			t.Fatal(err)
		}
		eventually(t, "acknowledged", func() bool { return n.svc.PendingForTest() == 0 })
	})
	t.Run("bad request fails", func(t *testing.T) {
		f := newFakes(t)
		n := newNode(t, f.apps, opts{})
		owner := newOwner()
		// The fake allows only testTopic: another topic is 400 TopicDisallowed.
		n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: apnsApp, Token: apnsToken(), APNsTopic: "com.other.app", Version: 1})
		if _, err := n.svc.Wake(t.Context(), n.wakeToken(t, owner, "i"), "127.0.0.1", 0); err != nil {
			t.Fatal(err)
		}
		eventually(t, "final failure", func() bool { return n.svc.PendingForTest() == 0 })
		if got := n.counter(t, "pnode_push_sends_total", "gateway", "apns", "class", "bad_request"); got != 1 {
			t.Fatalf("bad_request sends = %v", got)
		}
		if rs, _ := n.svc.Receipts(t.Context(), owner, 1, 10); len(rs) != 1 || rs[0].Outcome != "failed" {
			t.Fatalf("receipts = %+v", rs)
		}
	})
}

// appsOn returns an APNs app on fake srv signing with key.
func appsOn(t *testing.T, srv *apnstest.Server, key apnstest.ProviderKey) []push.App {
	t.Helper()
	cfg := apnsConfig(srv, key)
	s := newAPNsSender(t, cfg)
	return []push.App{{ID: apnsApp, Gateway: "apns", Sender: s}}
}

// TestFCMClasses: the FCM side of the classification, through the real
// firebase-admin-go SDK against the fake.
func TestFCMClasses(t *testing.T) {
	t.Run("unavailable then delivered", func(t *testing.T) {
		f := newFakes(t)
		n := newNode(t, f.apps, opts{})
		owner := newOwner()
		n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "fcm", AppID: fcmApp, Token: fcmToken(), Version: 1})
		f.fcm.FailNext(2, fcmtest.Fault{Code: fcmtest.CodeUnavailable})
		if _, err := n.svc.Wake(t.Context(), n.wakeToken(t, owner, "i"), "127.0.0.1", 0); err != nil {
			t.Fatal(err)
		}
		if err := f.fcm.WaitFor(waitCtx(t), 1); err != nil {
			t.Fatal(err)
		}
		if got := n.counter(t, "pnode_push_sends_total", "gateway", "fcm", "class", "retryable"); got != 2 {
			t.Errorf("retryable sends = %v", got)
		}
	})
	t.Run("quota", func(t *testing.T) {
		f := newFakes(t)
		n := newNode(t, f.apps, opts{})
		owner := newOwner()
		n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "fcm", AppID: fcmApp, Token: fcmToken(), Version: 1})
		f.fcm.FailNext(1, fcmtest.Fault{Code: fcmtest.CodeQuotaExceeded, RetryAfter: time.Second})
		start := time.Now()
		if _, err := n.svc.Wake(t.Context(), n.wakeToken(t, owner, "i"), "127.0.0.1", 0); err != nil {
			t.Fatal(err)
		}
		if err := f.fcm.WaitFor(waitCtx(t), 1); err != nil {
			t.Fatal(err)
		}
		if time.Since(start) < time.Second || n.counter(t, "pnode_push_quota_backoffs_total", "gateway", "fcm") != 1 {
			t.Fatal("quota refusal did not pause the app for Retry-After")
		}
	})
	t.Run("credential refused", func(t *testing.T) {
		f := newFakes(t)
		n := newNode(t, f.apps, opts{cfg: func(c *push.Config) { c.AuthRetry = time.Hour }})
		owner := newOwner()
		n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "fcm", AppID: fcmApp, Token: fcmToken(), Version: 1})
		f.fcm.FailNext(1, fcmtest.Fault{Code: fcmtest.CodeThirdPartyAuthError})
		if _, err := n.svc.Wake(t.Context(), n.wakeToken(t, owner, "i"), "127.0.0.1", 0); err != nil {
			t.Fatal(err)
		}
		eventually(t, "credential error", func() bool {
			return n.counter(t, "pnode_push_credential_errors_total", "gateway", "fcm") == 1
		})
		if n.svc.PendingForTest() != 1 {
			t.Fatal("the wakeup must stay queued while the credential is refused")
		}
	})
}

// TestLogsNeverShowToken: with debug logging, no log line holds a whole
// device token, across registration, delivery, retries and a dead token.
func TestLogsNeverShowToken(t *testing.T) {
	f := newFakes(t)
	var buf syncBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	n := newNode(t, f.apps, opts{logger: log})
	owner := newOwner()
	toks := []string{apnsToken(), apnsToken()}
	for i, tok := range toks {
		inst := fmt.Sprint("i", i)
		n.register(t, owner, pushwire.Registration{InstallationID: inst, Gateway: "apns", AppID: apnsApp, Token: tok, Version: 1})
		if i == 1 {
			f.apns.MarkBadDeviceToken(tok)
		}
		f.apns.FailNext(1, apnstest.Fault{Status: 500, Reason: apns2.ReasonInternalServerError})
		if _, err := n.svc.Wake(t.Context(), n.wakeToken(t, owner, inst), "127.0.0.1", 0); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "both finished", func() bool { return n.svc.PendingForTest() == 0 })
	n.close(t)
	out := buf.String()
	if !strings.Contains(out, toks[0][:8]) {
		t.Fatalf("expected token prefixes in the debug log:\n%s", out)
	}
	for _, tok := range toks {
		if strings.Contains(out, tok) || strings.Contains(out, tok[:20]) {
			t.Fatalf("log shows a whole token:\n%s", out)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestReceiptsOldLayout: receipts stored in the layout written before the
// hashes were left out of each record are served the same, alone or mixed
// with new ones, from any starting point; a stored hash that disagrees with
// the batch or the chain is corruption.
func TestReceiptsOldLayout(t *testing.T) {
	f := newFakes(t)
	n := newNode(t, f.apps, opts{})
	owner := newOwner()
	tok := n.apnsInstallation(t, owner, "i")
	n.wake(t, tok, 5)
	var want []pushwire.Receipt
	eventually(t, "receipts", func() bool {
		want, _ = n.svc.Receipts(t.Context(), owner, 1, 10)
		return len(want) == 5
	})
	nodeKey := crypto.CompressPubkey(&n.key.PublicKey)
	if err := client.VerifyReceipts(nodeKey, nil, want); err != nil {
		t.Fatal(err)
	}
	// Receipts 2 and 4 in the old layout, the others new.
	for _, i := range []int{1, 3} {
		if err := n.svc.RewriteReceiptForTest(owner, want[i], want[i].PrevHash); err != nil {
			t.Fatal(err)
		}
	}
	for from := 1; from <= 5; from++ {
		got, err := n.svc.Receipts(t.Context(), owner, uint64(from), 10)
		if err != nil {
			t.Fatalf("from %d: %v", from, err)
		}
		if g, w := mustJSON(t, got), mustJSON(t, want[from-1:]); g != w {
			t.Fatalf("from %d:\n got %s\nwant %s", from, g, w)
		}
	}
	// An old record whose previous hash is not the chain's.
	if err := n.svc.RewriteReceiptForTest(owner, want[3], want[1].Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := n.svc.Receipts(t.Context(), owner, 1, 10); err == nil {
		t.Fatal("a broken chain was served")
	}
	// An old record whose hash is not its batch's.
	bad := want[3]
	bad.Hash = want[2].Hash
	if err := n.svc.RewriteReceiptForTest(owner, bad, want[3].PrevHash); err != nil {
		t.Fatal(err)
	}
	if _, err := n.svc.Receipts(t.Context(), owner, 5, 10); err == nil {
		t.Fatal("a receipt whose hash is not its batch's was served as the previous one")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
