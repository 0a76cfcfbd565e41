package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/crypto/ecies"

	"github.com/pnmarket/pnmarket/server/push/pushwire"
)

// ErrBadReceipt is returned by VerifyReceipts for a receipt that does not
// hash, link or verify.
var ErrBadReceipt = errors.New("client: bad receipt")

// SealRegistration encrypts a registration to a node's compressed public
// key with ECIES (go-ethereum crypto/ecies), the pn_registerPush format.
func SealRegistration(nodeKey []byte, reg pushwire.Registration) ([]byte, error) {
	b, err := json.Marshal(reg)
	if err != nil {
		return nil, err
	}
	return seal(nodeKey, b)
}

// SealToken seals a device token to a last hop's node key (pn_pushInfo
// lists it as upstreamKey), for an app a node serves in upstream mode. Put
// the result in Registration.Token.
func SealToken(lastHopKey []byte, token string) (string, error) {
	b, err := seal(lastHopKey, []byte(token))
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

func seal(key, plain []byte) ([]byte, error) {
	pub, err := crypto.DecompressPubkey(key)
	if err != nil {
		return nil, fmt.Errorf("client: node key: %w", err)
	}
	return ecies.Encrypt(rand.Reader, ecies.ImportECDSAPublic(pub), plain, nil, nil)
}

// RegisterPush seals reg to the node's key and registers it. Owner
// defaults to this client's session address; Version must exceed the
// version the node holds for the installation.
func (c *Client) RegisterPush(ctx context.Context, reg pushwire.Registration) (pushwire.RegisterResult, error) {
	var res pushwire.RegisterResult
	info, err := c.NodeInfo(ctx)
	if err != nil {
		return res, err
	}
	if reg.Owner == "" {
		reg.Owner = c.Address()
	}
	sealed, err := SealRegistration(info.NodeKey, reg)
	if err != nil {
		return res, err
	}
	err = c.Call(ctx, pushwire.MethodRegisterPush, &res, pushwire.SealedParams{Sealed: sealed})
	return res, err
}

// UnregisterPush removes an installation; its wakeup tokens stop working.
func (c *Client) UnregisterPush(ctx context.Context, installationID string) error {
	return c.Call(ctx, pushwire.MethodUnregisterPush, nil, installationID)
}

// WakeupToken issues a wakeup token for an installation: hand it (or the
// URL node + Path) to contacts or app servers allowed to wake the device.
func (c *Client) WakeupToken(ctx context.Context, installationID string) (pushwire.WakeupToken, error) {
	var res pushwire.WakeupToken
	err := c.Call(ctx, pushwire.MethodWakeupToken, &res, installationID)
	return res, err
}

// RevokeWakeupToken revokes one wakeup token.
func (c *Client) RevokeWakeupToken(ctx context.Context, token string) error {
	return c.Call(ctx, pushwire.MethodRevokeWakeupToken, nil, token)
}

// PushStatus lists the session owner's installations; disabled ones carry
// the reason (a dead device token: register again with a fresh one).
func (c *Client) PushStatus(ctx context.Context) (pushwire.Status, error) {
	var res pushwire.Status
	err := c.Call(ctx, pushwire.MethodPushStatus, &res)
	return res, err
}

// PushInfo lists the apps the node can wake and its push limits.
func (c *Client) PushInfo(ctx context.Context) (pushwire.Info, error) {
	var res pushwire.Info
	err := c.Call(ctx, pushwire.MethodPushInfo, &res)
	return res, err
}

// Receipts fetches up to limit receipts of payer's chain from fromSeq (the
// session key must be the payer). Check them with VerifyReceipts.
func (c *Client) Receipts(ctx context.Context, payer string, fromSeq uint64, limit int) ([]pushwire.Receipt, error) {
	var res []pushwire.Receipt
	err := c.Call(ctx, pushwire.MethodReceipts, &res, payer, fromSeq, limit)
	return res, err
}

// onPushStatus delivers a pn_pushStatus notification to Options.OnPushStatus.
func (c *Client) onPushStatus(params json.RawMessage) {
	if c.opts.OnPushStatus == nil {
		return
	}
	var st pushwire.Status
	if err := json.Unmarshal(params, &st); err != nil {
		c.log.Debug("undecodable pn_pushStatus", "err", err)
		return
	}
	c.opts.OnPushStatus(st)
}

// VerifyReceipts audits a run of receipts from one payer's chain, as
// returned by Receipts: every hash is keccak256 of the receipt's canonical
// encoding, every receipt links to the one before it (prev, when given, is
// the receipt before rs[0]; a chain starting at seq 1 links to the zero
// hash), and every receipt is covered by a signature of nodeKey (the
// node's compressed public key) over the root its Merkle proof leads to.
func VerifyReceipts(nodeKey []byte, prev *pushwire.Receipt, rs []pushwire.Receipt) error {
	verified := make(map[string]bool) // root+signature pairs that checked out
	for i := range rs {
		r := &rs[i]
		canon, err := r.Canonical()
		if err != nil {
			return fmt.Errorf("%w: seq %d: %w", ErrBadReceipt, r.Seq, err)
		}
		h := crypto.Keccak256(canon)
		if !bytes.Equal(h, r.Hash) {
			return fmt.Errorf("%w: seq %d: hash does not match its content", ErrBadReceipt, r.Seq)
		}
		switch {
		case prev != nil:
			if r.Payer != prev.Payer || r.Seq != prev.Seq+1 || !bytes.Equal(r.PrevHash, prev.Hash) {
				return fmt.Errorf("%w: seq %d does not link to seq %d", ErrBadReceipt, r.Seq, prev.Seq)
			}
		case r.Seq == 1:
			if !bytes.Equal(r.PrevHash, make([]byte, 32)) {
				return fmt.Errorf("%w: seq 1 must link to the zero hash", ErrBadReceipt)
			}
		}
		root, err := pushwire.ProofRoot(crypto.Keccak256, h, r.Sig.Index, r.Sig.Size, bytesList(r.Sig.Proof))
		if err != nil || !bytes.Equal(root, r.Sig.Root) {
			return fmt.Errorf("%w: seq %d: Merkle proof does not lead to the signed root", ErrBadReceipt, r.Seq)
		}
		if k := string(root) + string(r.Sig.Signature); !verified[k] {
			if err := verifyNodeSig(nodeKey, crypto.Keccak256([]byte(pushwire.BatchDomain), root), r.Sig.Signature); err != nil {
				return fmt.Errorf("%w: seq %d: %w", ErrBadReceipt, r.Seq, err)
			}
			verified[k] = true
		}
		prev = r
	}
	return nil
}

func bytesList[T ~[]byte](in []T) [][]byte {
	out := make([][]byte, len(in))
	for i, b := range in {
		out[i] = b
	}
	return out
}

// verifyNodeSig checks a 65-byte [R || S || V] signature over hash against
// a compressed public key.
func verifyNodeSig(nodeKey, hash, sig []byte) error {
	if len(sig) != crypto.SignatureLength {
		return errors.New("signature length")
	}
	s := bytes.Clone(sig)
	if s[64] >= 27 {
		s[64] -= 27
	}
	pub, err := crypto.SigToPub(hash, s)
	if err != nil {
		return err
	}
	if !bytes.Equal(crypto.CompressPubkey(pub), nodeKey) {
		return errors.New("signed by another key than the node's")
	}
	return nil
}
