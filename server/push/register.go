package push

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/cockroachdb/pebble/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/pnmarket/pnmarket/gateways"
	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

// eciesOverhead is what ECIES (secp256k1, AES-128-CTR, HMAC-SHA256) adds to
// a plaintext: ephemeral public key (65), IV (16), tag (32).
const eciesOverhead = 65 + 16 + 32

// Register decrypts a sealed registration, checks it and stores it for
// owner, replacing an older version of the same installation.
func (s *Service) Register(ctx context.Context, owner common.Address, sealed []byte) (pushwire.RegisterResult, error) {
	if len(sealed) > pushwire.MaxSealed {
		return pushwire.RegisterResult{}, fmt.Errorf("%w: sealed registration over %d bytes", ErrBadRegistration, pushwire.MaxSealed)
	}
	plain, err := s.eciesKey.Decrypt(sealed, nil, nil)
	if err != nil {
		return pushwire.RegisterResult{}, fmt.Errorf("%w: cannot decrypt (seal it to this node's key)", ErrBadRegistration)
	}
	var r pushwire.Registration
	dec := json.NewDecoder(bytes.NewReader(plain))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return pushwire.RegisterResult{}, fmt.Errorf("%w: not a registration object", ErrBadRegistration)
	}
	if err := r.Validate(); err != nil {
		return pushwire.RegisterResult{}, fmt.Errorf("%w: %w", ErrBadRegistration, err)
	}
	if common.HexToAddress(r.Owner) != owner {
		return pushwire.RegisterResult{}, fmt.Errorf("%w: sealed for another session key", ErrBadRegistration)
	}
	app := s.apps[r.AppID]
	if app == nil {
		return pushwire.RegisterResult{}, fmt.Errorf("%w: %q", ErrUnknownApp, r.AppID)
	}
	if app.Gateway != r.Gateway {
		return pushwire.RegisterResult{}, fmt.Errorf("%w: app %q uses %s", ErrBadRegistration, r.AppID, app.Gateway)
	}
	if err := checkToken(app, r.Token); err != nil {
		return pushwire.RegisterResult{}, err
	}
	payer := owner
	if r.Payer != "" {
		payer = common.HexToAddress(r.Payer)
	}
	topics := slices.Clone(r.Topics)
	slices.Sort(topics)
	topics = slices.Compact(topics)

	mu := s.stripe(owner)
	mu.Lock()
	defer mu.Unlock()
	key := regKey(owner, r.InstallationID)
	old, err := s.getReg(key)
	if err != nil {
		return pushwire.RegisterResult{}, err
	}
	if old != nil && r.Version <= old.Version {
		return pushwire.RegisterResult{}, fmt.Errorf("%w: stored version is %d", ErrStaleVersion, old.Version)
	}
	live := old != nil && !old.Deleted
	if !live {
		n, err := s.countInstallations(owner)
		if err != nil {
			return pushwire.RegisterResult{}, err
		}
		if n >= s.cfg.MaxInstallations {
			return pushwire.RegisterResult{}, ErrTooManyInstallations
		}
	}
	rec := &regRecord{
		Version:   r.Version,
		Gateway:   r.Gateway,
		AppID:     r.AppID,
		APNsTopic: r.APNsTopic,
		PushType:  r.PushType,
		Payer:     payer,
		Token:     s.seal([]byte(r.Token), key),
		Topics:    topics,
		Updated:   s.now().UnixMilli(),
	}
	b := s.db.NewBatch()
	defer b.Close()
	if live {
		for _, t := range old.Topics {
			b.Delete(topicKey(t, owner, r.InstallationID), nil)
		}
	}
	for _, t := range topics {
		b.Set(topicKey(t, owner, r.InstallationID), nil, nil)
	}
	b.Set(key, rec.encode(), nil)
	if err := b.Commit(pebble.Sync); err != nil {
		return pushwire.RegisterResult{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	s.regWritten(owner, key, rec)
	if !live {
		s.metrics.registrations.Inc()
	}
	s.log.Debug("push registered", "peer", owner.Hex()[:10], "installation", r.InstallationID,
		"gateway", r.Gateway, "app", r.AppID, "token", gateways.TokenPrefix(r.Token), "topics", len(topics), "version", r.Version)
	return pushwire.RegisterResult{InstallationID: r.InstallationID, Version: r.Version, Replaced: live}, nil
}

// checkToken validates a device token's format for the app's gateway, or,
// in upstream mode, the shape of a token sealed to the last hop.
func checkToken(app *appState, token string) error {
	if app.Upstream != nil {
		b, err := base64.StdEncoding.DecodeString(token)
		if err != nil || len(b) <= eciesOverhead || len(b) > eciesOverhead+pushwire.MaxTokenLen {
			return fmt.Errorf("%w: app %q is served upstream: token must be sealed to key in pn_pushInfo (base64 ECIES)", ErrBadDeviceToken, app.ID)
		}
		return nil
	}
	if !validToken(app.Gateway, token) {
		return fmt.Errorf("%w: not a %s device token", ErrBadDeviceToken, app.Gateway)
	}
	return nil
}

// validToken checks a device token: APNs tokens are 32-200 hex digits;
// FCM registration tokens 20-4096 characters of [A-Za-z0-9_:-].
func validToken(gateway, t string) bool {
	switch gateway {
	case pushwire.GatewayAPNs:
		if len(t) < 32 || len(t) > 200 || len(t)%2 != 0 {
			return false
		}
		for i := 0; i < len(t); i++ {
			c := t[i]
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
		return true
	case pushwire.GatewayFCM:
		if len(t) < 20 || len(t) > 4096 {
			return false
		}
		for i := 0; i < len(t); i++ {
			c := t[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == ':' || c == '-') {
				return false
			}
		}
		return true
	}
	return false
}

// getReg reads a registration record; nil when there is none.
func (s *Service) getReg(key []byte) (*regRecord, error) {
	v, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer closer.Close()
	return decodeReg(v)
}

// liveReg reads a registration that exists, is not deleted and, when
// enabled is set, not disabled, through the read cache. The record must not
// be modified.
func (s *Service) liveReg(owner common.Address, inst string, enabled bool) (*regRecord, error) {
	var kb [1 + 20 + pushwire.MaxInstallationIDLen]byte
	r, ok := s.regs.get(appendRegKey(kb[:0], owner, inst))
	if !ok {
		key := regKey(owner, inst)
		gen := &s.regGens[stripeOf(owner)]
		g := gen.Load()
		var err error
		if r, err = s.getReg(key); err != nil {
			return nil, err
		}
		if r != nil {
			s.withMemo(r, owner, key)
			s.regs.fill(key, r, gen, g)
		}
	}
	if r == nil || r.Deleted || (enabled && r.Disabled != 0) {
		return nil, ErrUnknownInstallation
	}
	return r, nil
}

// regWritten updates the read cache after a registration write committed.
// The owner's stripe is held.
func (s *Service) regWritten(owner common.Address, key []byte, r *regRecord) {
	// Bump first: a reader that read the store before the commit either
	// filled before this point (and put overwrites it) or fails its check.
	s.regGens[stripeOf(owner)].Add(1)
	s.withMemo(r, owner, key)
	s.regs.put(key, r)
}

// withMemo sets what the record keeps in memory, the receipt installation
// hash and the opened device token, before the record is shared.
func (s *Service) withMemo(r *regRecord, owner common.Address, key []byte) {
	h := InstallationHash(owner, string(key[1+len(owner):]))
	r.instHash = &h
	if !r.Deleted {
		if tok, err := s.open(r.Token, key); err == nil {
			r.plain = string(tok)
		}
	}
}

// countInstallations counts owner's live registrations.
func (s *Service) countInstallations(owner common.Address) (int, error) {
	n := 0
	err := s.scan(ownerPrefix(famReg, owner), func(_, v []byte) error {
		r, err := decodeReg(v)
		if err == nil && !r.Deleted {
			n++
		}
		return err
	})
	return n, err
}

func (s *Service) countRegistrations() int {
	n := 0
	_ = s.scan([]byte{famReg}, func(_, v []byte) error {
		if r, err := decodeReg(v); err == nil && !r.Deleted {
			n++
		}
		return nil
	})
	return n
}

// scan calls fn for every key with the prefix, in order.
func (s *Service) scan(prefix []byte, fn func(k, v []byte) error) error {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		if err := fn(it.Key(), it.Value()); err != nil {
			return err
		}
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return nil
}

// Unregister removes an installation: its topics stop triggering, its
// wakeup tokens stop working, and wakeups already queued for it are dropped
// (with a failed receipt). A tombstone keeps the version against replays.
func (s *Service) Unregister(ctx context.Context, owner common.Address, inst string) error {
	if !pushwire.ValidID(inst, pushwire.MaxInstallationIDLen) {
		return ErrUnknownInstallation
	}
	mu := s.stripe(owner)
	mu.Lock()
	defer mu.Unlock()
	key := regKey(owner, inst)
	old, err := s.liveReg(owner, inst, false)
	if err != nil {
		return err
	}
	b := s.db.NewBatch()
	defer b.Close()
	for _, t := range old.Topics {
		b.Delete(topicKey(t, owner, inst), nil)
	}
	removed, err := s.deleteWakeTokens(b, owner, inst)
	if err != nil {
		return err
	}
	tomb := &regRecord{Version: old.Version, Deleted: true}
	b.Set(key, tomb.encode(), nil)
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	s.regWritten(owner, key, tomb)
	s.wakesRemoved(removed...)
	s.metrics.registrations.Dec()
	return nil
}

// deleteWakeTokens adds the deletion of every wakeup token of an
// installation to b and returns their hashes.
func (s *Service) deleteWakeTokens(b *pebble.Batch, owner common.Address, inst string) ([][32]byte, error) {
	prefix := wakeByRegPrefix(owner, inst)
	var removed [][32]byte
	err := s.scan(prefix, func(k, _ []byte) error {
		if len(k) != len(prefix)+32 {
			return errCorrupt
		}
		var h [32]byte
		copy(h[:], k[len(prefix):])
		b.Delete(wakeKey(h), nil)
		b.Delete(k, nil)
		removed = append(removed, h)
		return nil
	})
	return removed, err
}

// wakeTokenBytes is the entropy of a wakeup token: 144 bits, 24 base64url
// characters.
const wakeTokenBytes = 18

// NewWakeToken issues a wakeup token for one of owner's installations.
func (s *Service) NewWakeToken(ctx context.Context, owner common.Address, inst string) (pushwire.WakeupToken, error) {
	if !pushwire.ValidID(inst, pushwire.MaxInstallationIDLen) {
		return pushwire.WakeupToken{}, ErrUnknownInstallation
	}
	mu := s.stripe(owner)
	mu.Lock()
	defer mu.Unlock()
	if _, err := s.liveReg(owner, inst, false); err != nil {
		return pushwire.WakeupToken{}, err
	}
	prefix := wakeByRegPrefix(owner, inst)
	n := 0
	if err := s.scan(prefix, func(_, _ []byte) error { n++; return nil }); err != nil {
		return pushwire.WakeupToken{}, err
	}
	if n >= s.cfg.MaxWakeTokens {
		return pushwire.WakeupToken{}, ErrTooManyWakeTokens
	}
	raw := make([]byte, wakeTokenBytes)
	rand.Read(raw)
	tok := base64.RawURLEncoding.EncodeToString(raw)
	h := sha256.Sum256([]byte(tok))
	b := s.db.NewBatch()
	defer b.Close()
	b.Set(wakeKey(h), append(owner[:len(owner):len(owner)], inst...), nil)
	b.Set(append(prefix, h[:]...), nil, nil)
	if err := b.Commit(pebble.Sync); err != nil {
		return pushwire.WakeupToken{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return pushwire.WakeupToken{Token: tok, Path: "/v1/wake/" + tok}, nil
}

// RevokeWakeToken revokes one of owner's wakeup tokens.
func (s *Service) RevokeWakeToken(ctx context.Context, owner common.Address, tok string) error {
	h := sha256.Sum256([]byte(tok))
	mu := s.stripe(owner)
	mu.Lock()
	defer mu.Unlock()
	o, inst, err := s.lookupWake(h)
	if err != nil {
		return err
	}
	if o != owner {
		return ErrUnknownWakeToken
	}
	b := s.db.NewBatch()
	defer b.Close()
	b.Delete(wakeKey(h), nil)
	b.Delete(append(wakeByRegPrefix(owner, inst), h[:]...), nil)
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	s.wakesRemoved(h)
	return nil
}

// wakesRemoved drops removed wakeup tokens from the read cache after their
// deletion committed. The generation moves first, so a reader that read
// the store before the commit either filled before (and del removes it) or
// fails its check.
func (s *Service) wakesRemoved(hs ...[32]byte) {
	s.wakeGen.Add(1)
	for _, h := range hs {
		s.wakes.del(h[:])
	}
}

// wakeTarget is the installation a wakeup token names.
type wakeTarget struct {
	owner common.Address
	inst  string
}

// lookupWake resolves a wakeup token hash to its installation, through the
// read cache (unknown tokens are not cached).
func (s *Service) lookupWake(h [32]byte) (common.Address, string, error) {
	if t, ok := s.wakes.get(h[:]); ok {
		return t.owner, t.inst, nil
	}
	g := s.wakeGen.Load()
	v, closer, err := s.db.Get(wakeKey(h))
	if errors.Is(err, pebble.ErrNotFound) {
		return common.Address{}, "", ErrUnknownWakeToken
	}
	if err != nil {
		return common.Address{}, "", fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer closer.Close()
	if len(v) < 21 {
		return common.Address{}, "", errCorrupt
	}
	t := wakeTarget{common.BytesToAddress(v[:20]), string(v[20:])}
	s.wakes.fill(h[:], t, &s.wakeGen, g)
	return t.owner, t.inst, nil
}

// Status lists owner's installations, disabled ones with the reason.
func (s *Service) Status(ctx context.Context, owner common.Address) (pushwire.Status, error) {
	out := pushwire.Status{Installations: []pushwire.Installation{}}
	prefix := ownerPrefix(famReg, owner)
	err := s.scan(prefix, func(k, v []byte) error {
		r, err := decodeReg(v)
		if err != nil || r.Deleted {
			return err
		}
		inst := string(k[len(prefix):])
		in := pushwire.Installation{
			InstallationID: inst, Gateway: r.Gateway, AppID: r.AppID, Version: r.Version,
			Topics: len(r.Topics), Enabled: r.Disabled == 0,
		}
		if r.Disabled != 0 {
			in.Disabled = &pushwire.Disable{Reason: pushwire.OutcomeDeadToken, At: r.Disabled}
		}
		out.Installations = append(out.Installations, in)
		return nil
	})
	if err != nil {
		return out, err
	}
	for i := range out.Installations {
		n := 0
		if err := s.scan(wakeByRegPrefix(owner, out.Installations[i].InstallationID), func(_, _ []byte) error { n++; return nil }); err != nil {
			return out, err
		}
		out.Installations[i].WakeupTokens = n
	}
	return out, nil
}

// HasDisabled reports whether one of owner's installations was disabled,
// cheaply enough to ask on every authentication.
func (s *Service) HasDisabled(ctx context.Context, owner common.Address) bool {
	found := false
	_ = s.scan(ownerPrefix(famReg, owner), func(_, v []byte) error {
		if r, err := decodeReg(v); err == nil && !r.Deleted && r.Disabled != 0 {
			found = true
		}
		return nil
	})
	return found
}

func sortApps(apps []pushwire.App) {
	sort.Slice(apps, func(i, j int) bool { return apps[i].AppID < apps[j].AppID })
}
