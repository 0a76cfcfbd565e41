package market

import (
	"crypto/ecdsa"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
)

// EIP-712 names of the Escrow domain; they must match the Escrow constructor.
const (
	EscrowDomainName    = "pnmarket Escrow"
	EscrowDomainVersion = "1"
)

var (
	eip712DomainTypeHash = crypto.Keccak256Hash(
		[]byte("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"))
	// VoucherTypeHash is the EIP-712 type hash of Voucher, equal to the Escrow's VOUCHER_TYPEHASH.
	VoucherTypeHash = crypto.Keccak256Hash(
		[]byte("Voucher(address payer,uint256 providerId,address token,uint64 lane,uint256 cumulative)"))
)

// Voucher is a payer's promise that provider ProviderID may collect Cumulative base units of Token
// in total on Lane. Each device signs on its own lane so devices never race one counter. Vouchers are
// cumulative: a newer voucher replaces an older one on the same lane.
type Voucher struct {
	Payer      common.Address
	ProviderID uint64
	Token      common.Address // zero address = ETH
	Lane       uint64
	Cumulative *big.Int
}

// Validate reports whether the voucher can be signed and collected: Cumulative must be in (0, 2^256).
func (v Voucher) Validate() error {
	if v.Cumulative == nil || v.Cumulative.Sign() <= 0 || v.Cumulative.BitLen() > 256 {
		return fmt.Errorf("%w: cumulative must be in (0, 2^256)", ErrBadVoucher)
	}
	return nil
}

// Domain is an EIP-712 domain.
type Domain struct {
	Name              string
	Version           string
	ChainID           *big.Int
	VerifyingContract common.Address
}

// EscrowDomain returns the domain of the Escrow deployed at escrow on chain chainID.
func EscrowDomain(chainID *big.Int, escrow common.Address) Domain {
	return Domain{Name: EscrowDomainName, Version: EscrowDomainVersion, ChainID: chainID, VerifyingContract: escrow}
}

// Separator returns the EIP-712 domain separator (the Escrow's domainSeparator()).
func (d Domain) Separator() common.Hash {
	chainID := d.ChainID
	if chainID == nil {
		chainID = new(big.Int)
	}
	return crypto.Keccak256Hash(
		eip712DomainTypeHash[:],
		crypto.Keccak256([]byte(d.Name)),
		crypto.Keccak256([]byte(d.Version)),
		math.U256Bytes(new(big.Int).Set(chainID)),
		common.LeftPadBytes(d.VerifyingContract[:], 32),
	)
}

// StructHash returns the EIP-712 hashStruct of the voucher. Cumulative is taken modulo 2^256; call
// Validate to reject out-of-range values.
func (v Voucher) StructHash() common.Hash {
	cum := new(big.Int)
	if v.Cumulative != nil {
		cum.Set(v.Cumulative)
	}
	return crypto.Keccak256Hash(
		VoucherTypeHash[:],
		common.LeftPadBytes(v.Payer[:], 32),
		math.U256Bytes(new(big.Int).SetUint64(v.ProviderID)),
		common.LeftPadBytes(v.Token[:], 32),
		math.U256Bytes(new(big.Int).SetUint64(v.Lane)),
		math.U256Bytes(cum),
	)
}

// Digest returns the EIP-712 digest that a voucher signature signs (the Escrow's hashVoucher).
func (v Voucher) Digest(d Domain) common.Hash {
	sep := d.Separator()
	sh := v.StructHash()
	return crypto.Keccak256Hash([]byte{0x19, 0x01}, sep[:], sh[:])
}

// SignatureLength is the length of a voucher signature: r ‖ s ‖ v with v in {27, 28}.
const SignatureLength = 65

// secp256k1N / 2: signatures with a larger s are malleable copies; the Escrow (OpenZeppelin ECDSA)
// rejects them and so do we.
var secp256k1HalfN = new(big.Int).Rsh(crypto.S256().Params().N, 1)

// SignVoucher signs v for domain d with key, returning a 65-byte r ‖ s ‖ v signature (v = 27 or 28)
// as the Escrow expects.
func SignVoucher(key *ecdsa.PrivateKey, d Domain, v Voucher) ([]byte, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	digest := v.Digest(d)
	sig, err := crypto.Sign(digest[:], key)
	if err != nil {
		return nil, fmt.Errorf("sign voucher: %w", err)
	}
	sig[64] += 27
	return sig, nil
}

// RecoverVoucherSigner returns the address that signed v for domain d, applying the Escrow's rules:
// 65 bytes, v in {27, 28}, s in the lower half of the curve order. It fails with ErrBadSignature for
// anything the Escrow would reject as malformed. Whether that address may sign for v.Payer (it is the
// payer or an authorised signer) is a separate, on-chain question.
func RecoverVoucherSigner(d Domain, v Voucher, sig []byte) (common.Address, error) {
	if err := v.Validate(); err != nil {
		return common.Address{}, err
	}
	if err := checkSignature(sig); err != nil {
		return common.Address{}, err
	}
	digest := v.Digest(d)
	rsv := make([]byte, SignatureLength)
	copy(rsv, sig)
	rsv[64] -= 27
	pub, err := crypto.SigToPub(digest[:], rsv)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return crypto.PubkeyToAddress(*pub), nil
}

func checkSignature(sig []byte) error {
	if len(sig) != SignatureLength {
		return fmt.Errorf("%w: length %d, want %d", ErrBadSignature, len(sig), SignatureLength)
	}
	if sig[64] != 27 && sig[64] != 28 {
		return fmt.Errorf("%w: v = %d, want 27 or 28", ErrBadSignature, sig[64])
	}
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:64])
	if r.Sign() == 0 || s.Sign() == 0 || r.Cmp(crypto.S256().Params().N) >= 0 || s.Cmp(secp256k1HalfN) > 0 {
		return fmt.Errorf("%w: r or s out of range", ErrBadSignature)
	}
	return nil
}

// SignedVoucher is a voucher with its signature, as a client hands it to a provider.
type SignedVoucher struct {
	Voucher
	Signature []byte
}

// SignedVoucherLength is the size of the binary encoding of a SignedVoucher:
// payer (20) ‖ providerId (8, big-endian) ‖ token (20) ‖ lane (8) ‖ cumulative (32) ‖ signature (65).
const SignedVoucherLength = 20 + 8 + 20 + 8 + 32 + SignatureLength

// ErrBadVoucher reports a voucher that cannot be signed, decoded or collected as given.
var ErrBadVoucher = errors.New("market: bad voucher")

// MarshalBinary encodes sv in the fixed SignedVoucherLength layout.
func (sv SignedVoucher) MarshalBinary() ([]byte, error) {
	if err := sv.Validate(); err != nil {
		return nil, err
	}
	if len(sv.Signature) != SignatureLength {
		return nil, fmt.Errorf("%w: signature length %d", ErrBadVoucher, len(sv.Signature))
	}
	b := make([]byte, 0, SignedVoucherLength)
	b = append(b, sv.Payer[:]...)
	b = binary.BigEndian.AppendUint64(b, sv.ProviderID)
	b = append(b, sv.Token[:]...)
	b = binary.BigEndian.AppendUint64(b, sv.Lane)
	b = append(b, math.U256Bytes(new(big.Int).Set(sv.Cumulative))...)
	b = append(b, sv.Signature...)
	return b, nil
}

// UnmarshalBinary decodes the MarshalBinary layout. It checks lengths, a non-zero cumulative and the
// signature's form (not who signed it: see RecoverVoucherSigner).
func (sv *SignedVoucher) UnmarshalBinary(b []byte) error {
	if len(b) != SignedVoucherLength {
		return fmt.Errorf("%w: %d bytes, want %d", ErrBadVoucher, len(b), SignedVoucherLength)
	}
	var v SignedVoucher
	copy(v.Payer[:], b[0:20])
	v.ProviderID = binary.BigEndian.Uint64(b[20:28])
	copy(v.Token[:], b[28:48])
	v.Lane = binary.BigEndian.Uint64(b[48:56])
	v.Cumulative = new(big.Int).SetBytes(b[56:88])
	v.Signature = append([]byte(nil), b[88:]...)
	if err := v.Validate(); err != nil {
		return err
	}
	if err := checkSignature(v.Signature); err != nil {
		return err
	}
	*sv = v
	return nil
}

// Signer recovers the address that signed sv for domain d (see RecoverVoucherSigner).
func (sv SignedVoucher) Signer(d Domain) (common.Address, error) {
	return RecoverVoucherSigner(d, sv.Voucher, sv.Signature)
}
