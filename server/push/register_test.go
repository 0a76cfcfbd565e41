package push_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pnmarket/pnmarket/server/push"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

func TestRegisterValidation(t *testing.T) {
	f := newFakes(t)
	n := newNode(t, f.apps, opts{noStart: true})
	owner := newOwner()
	good := func() pushwire.Registration {
		return pushwire.Registration{Owner: owner.Hex(), InstallationID: "phone-1", Gateway: "apns", AppID: apnsApp,
			Token: apnsToken(), Topics: []string{"/status/1/chat/proto"}, Version: 1}
	}
	tests := map[string]struct {
		mutate func(*pushwire.Registration)
		sealed []byte
		want   error
	}{
		"ok":                 {mutate: func(*pushwire.Registration) {}},
		"unknown app":        {mutate: func(r *pushwire.Registration) { r.AppID = "nope" }, want: push.ErrUnknownApp},
		"gateway mismatch":   {mutate: func(r *pushwire.Registration) { r.Gateway = "fcm" }, want: push.ErrBadRegistration},
		"apns token not hex": {mutate: func(r *pushwire.Registration) { r.Token = strings.Repeat("z", 64) }, want: push.ErrBadDeviceToken},
		"fcm token spaces": {mutate: func(r *pushwire.Registration) {
			r.Gateway, r.AppID, r.Token = "fcm", fcmApp, "not a token with spaces in it at all"
		}, want: push.ErrBadDeviceToken},
		"other owner":     {mutate: func(r *pushwire.Registration) { r.Owner = newOwner().Hex() }, want: push.ErrBadRegistration},
		"version 0":       {mutate: func(r *pushwire.Registration) { r.Version = 0 }, want: push.ErrBadRegistration},
		"too many topics": {mutate: func(r *pushwire.Registration) { r.Topics = make([]string, pushwire.MaxTopics+1) }, want: push.ErrBadRegistration},
		"bad push type":   {mutate: func(r *pushwire.Registration) { r.PushType = "loud" }, want: push.ErrBadRegistration},
		"bad payer":       {mutate: func(r *pushwire.Registration) { r.Payer = "me" }, want: push.ErrBadRegistration},
		"not sealed":      {sealed: []byte("plaintext registration"), want: push.ErrBadRegistration},
		"oversized":       {sealed: make([]byte, pushwire.MaxSealed+1), want: push.ErrBadRegistration},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			sealed := tt.sealed
			if sealed == nil {
				r := good()
				r.InstallationID = strings.ReplaceAll(name, " ", "-")
				tt.mutate(&r)
				sealed = n.seal(t, r)
			}
			_, err := n.svc.Register(t.Context(), owner, sealed)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestReplayRefused: a version not above the stored one is refused, also
// after the installation was unregistered.
func TestReplayRefused(t *testing.T) {
	f := newFakes(t)
	n := newNode(t, f.apps, opts{noStart: true})
	owner := newOwner()
	r := pushwire.Registration{Owner: owner.Hex(), InstallationID: "i", Gateway: "apns", AppID: apnsApp, Token: apnsToken(), Version: 5}
	sealed := n.seal(t, r)
	if _, err := n.svc.Register(t.Context(), owner, sealed); err != nil {
		t.Fatal(err)
	}
	if _, err := n.svc.Register(t.Context(), owner, sealed); !errors.Is(err, push.ErrStaleVersion) {
		t.Fatalf("replayed registration: %v, want ErrStaleVersion", err)
	}
	r.Version = 4
	if _, err := n.svc.Register(t.Context(), owner, n.seal(t, r)); !errors.Is(err, push.ErrStaleVersion) {
		t.Fatalf("older version: %v", err)
	}
	if err := n.svc.Unregister(t.Context(), owner, "i"); err != nil {
		t.Fatal(err)
	}
	if _, err := n.svc.Register(t.Context(), owner, sealed); !errors.Is(err, push.ErrStaleVersion) {
		t.Fatalf("replay after unregister: %v", err)
	}
	r.Version = 6
	res, err := n.svc.Register(t.Context(), owner, n.seal(t, r))
	if err != nil || res.Replaced {
		t.Fatalf("newer version after unregister: %+v %v", res, err)
	}
}

func TestUnregisterAndWakeTokens(t *testing.T) {
	f := newFakes(t)
	n := newNode(t, f.apps, opts{noStart: true, cfg: func(c *push.Config) { c.MaxWakeTokens = 3 }})
	owner := newOwner()
	n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: apnsApp, Token: apnsToken(), Version: 1})
	toks := []string{n.wakeToken(t, owner, "i"), n.wakeToken(t, owner, "i"), n.wakeToken(t, owner, "i")}
	if len(toks[0]) < 22 || toks[0] == toks[1] {
		t.Fatalf("weak or repeated tokens: %q", toks)
	}
	if _, err := n.svc.NewWakeToken(t.Context(), owner, "i"); !errors.Is(err, push.ErrTooManyWakeTokens) {
		t.Fatalf("4th token: %v", err)
	}
	if _, err := n.svc.NewWakeToken(t.Context(), owner, "other"); !errors.Is(err, push.ErrUnknownInstallation) {
		t.Fatalf("token for unknown installation: %v", err)
	}
	if err := n.svc.RevokeWakeToken(t.Context(), newOwner(), toks[0]); !errors.Is(err, push.ErrUnknownWakeToken) {
		t.Fatalf("revoke by another owner: %v", err)
	}
	if err := n.svc.RevokeWakeToken(t.Context(), owner, toks[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := n.svc.Wake(t.Context(), toks[0], "127.0.0.1", 0); !errors.Is(err, push.ErrUnknownWakeToken) {
		t.Fatalf("revoked token: %v", err)
	}
	if _, err := n.svc.Wake(t.Context(), toks[1], "127.0.0.1", 0); err != nil {
		t.Fatalf("live token: %v", err)
	}
	st, err := n.svc.Status(t.Context(), owner)
	if err != nil || len(st.Installations) != 1 || st.Installations[0].WakeupTokens != 2 || !st.Installations[0].Enabled {
		t.Fatalf("status = %+v, %v", st, err)
	}
	if err := n.svc.Unregister(t.Context(), owner, "i"); err != nil {
		t.Fatal(err)
	}
	if err := n.svc.Unregister(t.Context(), owner, "i"); !errors.Is(err, push.ErrUnknownInstallation) {
		t.Fatalf("second unregister: %v", err)
	}
	for _, tok := range toks[1:] {
		if _, err := n.svc.Wake(t.Context(), tok, "127.0.0.1", 0); !errors.Is(err, push.ErrUnknownWakeToken) {
			t.Fatalf("token of an unregistered installation: %v", err)
		}
	}
	if st, _ := n.svc.Status(t.Context(), owner); len(st.Installations) != 0 {
		t.Fatalf("status after unregister = %+v", st)
	}
	if got := n.counter(t, "pnode_push_registrations"); got != 0 {
		t.Fatalf("registrations gauge = %v", got)
	}
}

func TestTooManyInstallations(t *testing.T) {
	f := newFakes(t)
	n := newNode(t, f.apps, opts{noStart: true, cfg: func(c *push.Config) { c.MaxInstallations = 2 }})
	owner := newOwner()
	for _, inst := range []string{"a", "b"} {
		n.register(t, owner, pushwire.Registration{InstallationID: inst, Gateway: "apns", AppID: apnsApp, Token: apnsToken(), Version: 1})
	}
	r := pushwire.Registration{Owner: owner.Hex(), InstallationID: "c", Gateway: "apns", AppID: apnsApp, Token: apnsToken(), Version: 1}
	if _, err := n.svc.Register(t.Context(), owner, n.seal(t, r)); !errors.Is(err, push.ErrTooManyInstallations) {
		t.Fatalf("3rd installation: %v", err)
	}
	// Replacing an existing one is fine.
	r.InstallationID, r.Version = "a", 2
	if _, err := n.svc.Register(t.Context(), owner, n.seal(t, r)); err != nil {
		t.Fatal(err)
	}
}

// TestTokenEncryptedAtRest: the device token is not in the store in clear.
func TestTokenEncryptedAtRest(t *testing.T) {
	f := newFakes(t)
	n := newNode(t, f.apps, opts{noStart: true})
	owner := newOwner()
	tok := apnsToken()
	n.register(t, owner, pushwire.Registration{InstallationID: "i", Gateway: "apns", AppID: apnsApp, Token: tok, Version: 1})
	db := n.svc.DBForTest()
	it, err := db.NewIter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		if strings.Contains(string(it.Value()), tok) || strings.Contains(string(it.Key()), tok) {
			t.Fatalf("device token stored in clear under key %q", it.Key())
		}
	}
}
