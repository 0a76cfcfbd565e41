package pushwire

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
)

func TestMerkleProofs(t *testing.T) {
	for n := 1; n <= 33; n++ {
		hashes := make([][]byte, n)
		for i := range hashes {
			hashes[i] = crypto.Keccak256([]byte(fmt.Sprint(n, i)))
		}
		root, proofs := MerkleTree(crypto.Keccak256, hashes)
		if r := MerkleRoot(crypto.Keccak256, hashes); !bytes.Equal(r, root) {
			t.Fatalf("n=%d: MerkleRoot %x, MerkleTree's root %x", n, r, root)
		}
		for i := range hashes {
			got, err := ProofRoot(crypto.Keccak256, hashes[i], i, n, proofs[i])
			if err != nil || !bytes.Equal(got, root) {
				t.Fatalf("n=%d leaf %d: proof does not lead to the root (%v)", n, i, err)
			}
			if n > 1 {
				if got, _ := ProofRoot(crypto.Keccak256, hashes[(i+1)%n], i, n, proofs[i]); bytes.Equal(got, root) {
					t.Fatalf("n=%d leaf %d: another leaf verifies with this proof", n, i)
				}
			}
		}
	}
	if _, err := ProofRoot(crypto.Keccak256, make([]byte, 32), 3, 2, nil); err == nil {
		t.Fatal("index out of range accepted")
	}
}

func TestReceiptCanonical(t *testing.T) {
	r := Receipt{Payer: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23", Seq: 1, Time: 1700000000000,
		Installation: make([]byte, 32), Gateway: "apns", Outcome: "delivered", PrevHash: make([]byte, 32)}
	b, err := r.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	// Pinned: docs/protocol.md documents this layout.
	want := hex.EncodeToString([]byte("pnmarket receipt v1")) +
		"2c7536e3605d9c16a7a3d7b1898e529396a65c23" + "0000000000000001" + "0000018bcfe56800" +
		"0000000000000000000000000000000000000000000000000000000000000000" +
		"04" + hex.EncodeToString([]byte("apns")) + "09" + hex.EncodeToString([]byte("delivered")) +
		"0000000000000000000000000000000000000000000000000000000000000000"
	if hex.EncodeToString(b) != want {
		t.Fatalf("canonical encoding changed:\n got %x\nwant %s", b, want)
	}
	r.Installation = r.Installation[:31]
	if _, err := r.Canonical(); err == nil {
		t.Fatal("short installation hash accepted")
	}
}

func TestRegistrationValidate(t *testing.T) {
	ok := Registration{Owner: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23", InstallationID: "i", Gateway: "apns", AppID: "a", Token: "t", Version: 1}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := map[string]func(*Registration){
		"owner":             func(r *Registration) { r.Owner = "0x12" },
		"installation":      func(r *Registration) { r.InstallationID = "has space" },
		"gateway":           func(r *Registration) { r.Gateway = "webpush" },
		"app":               func(r *Registration) { r.AppID = "" },
		"token":             func(r *Registration) { r.Token = "" },
		"topic":             func(r *Registration) { r.Topics = []string{"bad\x00topic"} },
		"apns topic on fcm": func(r *Registration) { r.Gateway, r.APNsTopic = "fcm", "a.b" },
	}
	for name, mutate := range bad {
		r := ok
		mutate(&r)
		if err := r.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzRegistration: decoding and validating any plaintext never panics.
func FuzzRegistration(f *testing.F) {
	f.Add([]byte(`{"owner":"0x2c7536E3605D9C16a7a3D7b1898e529396a65c23","installationId":"i","gateway":"apns","appId":"a","token":"ab","version":1,"topics":["x"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Registration
		if json.Unmarshal(b, &r) == nil {
			_ = r.Validate()
		}
	})
}
